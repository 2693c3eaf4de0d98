/* pit.c - the Intel 8254 programmable interval timer (the PC's system timer). */

/*
 * The 8254 has three 16-bit down-counters clocked at 1.193182 MHz.  The
 * kernel writes a control word (which counter, which mode, how the count is
 * written) and then the initial count N.  In mode 2 (rate generator) and
 * mode 3 (square wave) the counter reloads N forever, and OUT rises once per
 * N input clocks: on the PC, channel 0's OUT is IRQ 0, the timer tick.  In
 * mode 0 OUT rises once, when the count reaches zero.  Channel 2's OUT goes
 * to the speaker and can be read back in port 0x61.
 *
 * We never decrement anything.  A loaded counter remembers the tick at which
 * it started, so its current value is a function of virtual time, computed
 * when the guest reads it; and channel 0 arms a clock timer for the tick of
 * OUT's next rising edge.  On that edge the IRQ 0 line is pulsed (raised and
 * lowered), which both the 8259A and the IOAPIC see as one edge.
 */

#include "pit.h"

#include "bus.h"
#include "irq.h"

/* IBM PC/AT Technical Reference: the 8254 is clocked by 14.31818 MHz / 12. */
#define PIT_HZ 1193182
#define PIT_PORT 0x40           /* counters 0-2 at 0x40-0x42, control at 0x43 */
#define PIT_CONTROL 3
#define PIT_IRQ 0               /* PC/AT: channel 0 OUT -> IRQ 0 */
#define PORT_B 0x61             /* PC/AT system control port B */
/* Port B: bit 0 = channel 2 GATE, 1 = speaker data, 2-3 = check enables;
 * read-only: 4 = refresh toggle, 5 = channel 2 OUT. */
#define PORT_B_GATE2 0x01
#define PORT_B_WRITABLE 0x0F
#define PORT_B_REFRESH 0x10
#define PORT_B_OUT2 0x20
/* PC/AT: channel 1 refreshes DRAM every 18 input clocks (15.085 us). */
#define REFRESH_DIVISOR 18

/*
 * 8254 datasheet, control word (port 0x43) and read-back status byte:
 *
 *   control:  7-6   5-4   3-1   0          status:  7     6     5-4  3-1  0
 *           +-----+-----+-----+---+              +-----+-----+----+----+---+
 *           | SC  | RW  | M   |BCD|              | OUT |NULL | RW | M  |BCD|
 *           +-----+-----+-----+---+              +-----+-----+----+----+---+
 *   SC: counter 0-2, 3 = read-back.  RW: 0 = latch, 1 = LSB, 2 = MSB, 3 = LSB
 *   then MSB.  Read-back: bit 5 = 0 latch counts, bit 4 = 0 latch status,
 *   bits 3-1 select counters 2, 1, 0.
 */
#define CW_SC(v)   (((v) >> 6) & 3)
#define CW_RW(v)   (((v) >> 4) & 3)
#define CW_MODE(v) (((v) >> 1) & 7)
#define CW_BCD     0x01
#define SC_READBACK 3
#define RW_LATCH 0
#define RW_LSB 1
#define RW_MSB 2
#define RB_NO_COUNT  0x20
#define RB_NO_STATUS 0x10
#define STATUS_OUT  0x80
#define STATUS_NULL 0x40

/* The counting range: a count of 0 means 2^16 in binary, 10^4 in BCD. */
static uint32_t pit_modulus(const struct pit_channel *c)
{
    return c->bcd ? 10000 : 65536;
}

/* Input clocks counted since N was loaded (frozen while GATE is low). */
static uint64_t pit_elapsed(const struct pit_channel *c, uint64_t now)
{
    if (!c->gate)
        return c->counted;
    return c->counted + clock_count_in(now - c->load_time, PIT_HZ) - c->skip;
}

/* Modes 2/3: a count written during counting takes over at the reload.
 * Time stays measured from load_time (skipping the counts of the old N), so
 * that rounding to ticks never accumulates. */
static void pit_sync(struct pit_channel *c, uint64_t now)
{
    if (c->pending && now >= c->pending_at) {
        c->skip += c->pending_skip;
        c->count = c->pending_count;
        c->pending = false;
        c->null_count = false;
    }
}

/* Is this a mode in which the counter reloads N (rate, square wave)? */
static bool pit_periodic(const struct pit_channel *c)
{
    return c->mode == 2 || c->mode == 3;
}

/* The counting element's value now, 8254 datasheet "Mode definitions":
 * mode 2 counts N..1; mode 3 counts down by two through each half-period
 * (OUT high for the first (N+1)/2 clocks); modes 0/1/4/5 count N down to 0
 * and wrap. */
static uint32_t pit_value(const struct pit_channel *c, uint64_t now)
{
    uint64_t e = pit_elapsed(c, now);
    uint32_t n = c->count, half = (n + 1) / 2, p;

    if (!c->loaded)
        return 0;
    if (c->mode == 2)
        return n - (uint32_t)(e % n);
    if (c->mode == 3) {
        p = (uint32_t)(e % n);
        return (n & ~1u) - 2 * (p < half ? p : p - half);
    }
    return (uint32_t)((n + pit_modulus(c) - e % pit_modulus(c)) % pit_modulus(c));
}

/* Level of OUT now. */
static bool pit_out(const struct pit_channel *c, uint64_t now)
{
    uint64_t e = pit_elapsed(c, now);

    if (!c->loaded)
        return c->mode != 0;
    if (c->mode == 2)
        return pit_value(c, now) != 1;
    if (c->mode == 3)
        return e % c->count < (c->count + 1) / 2;
    if (c->mode == 0 || c->mode == 1)
        return e >= c->count;
    return true;                    /* modes 4, 5: low for one clock only */
}

/* Tick of OUT's next rising edge after `now`, or UINT64_MAX: N clocks after
 * the load in one-shot modes, every N clocks in periodic ones. */
static uint64_t pit_next_edge(const struct pit_channel *c, uint64_t now)
{
    uint64_t e = pit_elapsed(c, now), target;

    if (!c->loaded || !c->gate)
        return UINT64_MAX;
    if (pit_periodic(c))
        target = (e / c->count + 1) * c->count;
    else if (e < c->count)
        target = c->count;
    else
        return UINT64_MAX;
    return c->load_time + clock_ticks_from(target + c->skip - c->counted, PIT_HZ);
}

/* Channel 0: arm the clock timer for OUT's next rising edge. */
static void pit_schedule(struct pit_channel *c, uint64_t now)
{
    uint64_t edge;

    if (c->index != 0)
        return;
    edge = c->pending ? c->pending_at : pit_next_edge(c, now);
    if (edge == UINT64_MAX)
        clock_cancel(c->pit->clk, &c->timer);
    else
        clock_arm(c->pit->clk, &c->timer, edge);
}

/* Channel 0's rising edge: IRQ 0 (held high in mode 0, a pulse otherwise,
 * since OUT falls again before the next edge), then the next edge. */
static void pit_fire(void *dev, uint64_t now)
{
    struct pit_channel *c = dev;

    pit_sync(c, now);
    irq_set(c->pit->irqs, PIT_IRQ, 1);
    if (c->mode != 0)
        irq_set(c->pit->irqs, PIT_IRQ, 0);
    pit_schedule(c, now);
}

/* 8254 BCD mode: the count is four BCD digits. */
static uint32_t pit_from_bcd(uint16_t v)
{
    return (v >> 12 & 0xF) * 1000u + (v >> 8 & 0xF) * 100u + (v >> 4 & 0xF) * 10u + (v & 0xF);
}

/* Binary 0-9999 to four BCD digits. */
static uint16_t pit_to_bcd(uint32_t v)
{
    return (uint16_t)((v / 1000 % 10) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | v % 10);
}

/* A complete count was written: load it now, or at the next reload if a
 * periodic counter is running. */
static void pit_load(struct pit_channel *c, uint16_t raw, uint64_t now)
{
    uint32_t n = c->bcd ? pit_from_bcd(raw) : raw;

    if (n == 0)
        n = pit_modulus(c);
    pit_sync(c, now);
    if (c->loaded && pit_periodic(c)) {
        c->pending = true;
        c->pending_count = n;
        c->pending_at = pit_next_edge(c, now);
        c->pending_skip = (pit_elapsed(c, now) / c->count + 1) * c->count;
        c->null_count = true;
    } else {
        c->count = n;
        c->load_time = now;
        c->counted = 0;
        c->skip = 0;
        c->loaded = true;
        c->null_count = false;
        if (c->index == 0)
            irq_set(c->pit->irqs, PIT_IRQ, 0);
    }
    pit_schedule(c, now);
}

/* Counter write: one byte of the count, in the order RW selects. */
static void pit_write_counter(struct pit_channel *c, uint8_t v, uint64_t now)
{
    if (c->rw == RW_LSB)
        pit_load(c, v, now);
    else if (c->rw == RW_MSB)
        pit_load(c, (uint16_t)(v << 8), now);
    else if (!c->write_msb_next) {
        c->write_lsb = v;
        c->write_msb_next = true;
    } else {
        c->write_msb_next = false;
        pit_load(c, (uint16_t)(v << 8 | c->write_lsb), now);
    }
}

/* Counter latch command: freeze the value for reading (if not already). */
static void pit_latch_count(struct pit_channel *c, uint64_t now)
{
    uint32_t v = pit_value(c, now) % pit_modulus(c);

    if (c->latched)
        return;
    c->latch = c->bcd ? pit_to_bcd(v) : (uint16_t)v;
    c->latched = true;
    c->read_msb_next = false;
}

/* Read-back status byte, latched until read. */
static void pit_latch_status(struct pit_channel *c, uint64_t now)
{
    if (c->status_latched)
        return;
    c->status = (uint8_t)((pit_out(c, now) ? STATUS_OUT : 0) | (c->null_count ? STATUS_NULL : 0) |
                          c->rw << 4 | c->mode << 1 | c->bcd);
    c->status_latched = true;
}

/* Control word for one counter: new mode, nothing loaded, OUT to its
 * initial level (low in mode 0, high otherwise). */
static void pit_set_mode(struct pit_channel *c, uint8_t cw)
{
    uint8_t mode = CW_MODE(cw);

    c->rw = CW_RW(cw);
    c->mode = mode >= 6 ? mode - 4 : mode;     /* 8254: modes 6, 7 = 2, 3 */
    c->bcd = cw & CW_BCD;
    c->loaded = c->pending = c->latched = c->status_latched = false;
    c->write_msb_next = c->read_msb_next = false;
    c->null_count = true;
    if (c->index == 0) {
        clock_cancel(c->pit->clk, &c->timer);
        irq_set(c->pit->irqs, PIT_IRQ, 0);
    }
}

/* Port 0x43: control word, counter latch, or read-back. */
static void pit_control(struct pit *p, uint8_t cw, uint64_t now)
{
    int sc = CW_SC(cw);

    if (sc != SC_READBACK) {
        pit_sync(&p->ch[sc], now);
        if (CW_RW(cw) == RW_LATCH)
            pit_latch_count(&p->ch[sc], now);
        else
            pit_set_mode(&p->ch[sc], cw);
        return;
    }
    for (int i = 0; i < 3; i++) {
        if (!(cw & (2 << i)))
            continue;
        pit_sync(&p->ch[i], now);
        if (!(cw & RB_NO_STATUS))
            pit_latch_status(&p->ch[i], now);
        if (!(cw & RB_NO_COUNT))
            pit_latch_count(&p->ch[i], now);
    }
}

/* The next byte of a 16-bit value in RW order; rw=3 alternates LSB, MSB.
 * Returns true when the value has been read completely. */
static bool pit_next_byte(struct pit_channel *c, uint16_t v, uint8_t *out)
{
    bool msb = c->rw == RW_MSB || (c->rw != RW_LSB && c->read_msb_next);

    *out = msb ? (uint8_t)(v >> 8) : (uint8_t)v;
    if (c->rw == RW_LSB || c->rw == RW_MSB)
        return true;
    c->read_msb_next = !c->read_msb_next;
    return msb;
}

/* Counter read: a latched status first, then a latched count, else the
 * live count. */
static uint8_t pit_read_counter(struct pit_channel *c, uint64_t now)
{
    uint8_t byte;

    if (c->status_latched) {
        c->status_latched = false;
        return c->status;
    }
    if (c->latched) {
        if (pit_next_byte(c, c->latch, &byte))
            c->latched = false;
        return byte;
    }
    pit_sync(c, now);
    uint32_t v = pit_value(c, now) % pit_modulus(c);
    pit_next_byte(c, c->bcd ? pit_to_bcd(v) : (uint16_t)v, &byte);
    return byte;
}

/* Ports 0x40-0x42 read counters; 0x43 is write-only. */
static uint32_t pit_io_read(void *dev, uint16_t port, unsigned size)
{
    struct pit *p = dev;
    int i = port - PIT_PORT;

    (void)size;
    if (i == PIT_CONTROL)
        return 0xFF;                /* 8254: the control word is write-only */
    return pit_read_counter(&p->ch[i], clock_now(p->clk));
}

/* Ports 0x40-0x42 write counts; 0x43 takes control words. */
static void pit_io_write(void *dev, uint16_t port, uint32_t val, unsigned size)
{
    struct pit *p = dev;
    int i = port - PIT_PORT;
    uint64_t now = clock_now(p->clk);

    (void)size;
    if (i == PIT_CONTROL)
        pit_control(p, (uint8_t)val, now);
    else
        pit_write_counter(&p->ch[i], (uint8_t)val, now);
}

/* GATE of channel 2 from port 0x61, 8254 "Gate" table: low pauses modes 0
 * and 4; a rising edge restarts N in modes 1, 2, 3 and 5. */
static void pit_set_gate2(struct pit_channel *c, bool gate, uint64_t now)
{
    if (gate == c->gate)
        return;
    if (!gate)
        c->counted = (uint32_t)pit_elapsed(c, now);
    else if (c->mode != 0 && c->mode != 4) {
        c->counted = 0;
        if (c->pending)                 /* a count written while halted loads now */
            c->count = c->pending_count;
        c->pending = c->null_count = false;
    }
    c->gate = gate;
    c->load_time = now;
    c->skip = 0;
}

/* Port 0x61: stored bits, the refresh toggle and channel 2's OUT. */
static uint32_t pit_port61_read(void *dev, uint16_t port, unsigned size)
{
    struct pit *p = dev;
    uint64_t now = clock_now(p->clk);
    uint8_t v = p->port61;

    (void)port; (void)size;
    if (clock_count_in(now, PIT_HZ) / REFRESH_DIVISOR & 1)
        v |= PORT_B_REFRESH;
    if (pit_out(&p->ch[2], now))
        v |= PORT_B_OUT2;
    return v;
}

/* Port 0x61: speaker/check bits and channel 2's GATE. */
static void pit_port61_write(void *dev, uint16_t port, uint32_t val, unsigned size)
{
    struct pit *p = dev;

    (void)port; (void)size;
    p->port61 = (uint8_t)val & PORT_B_WRITABLE;
    pit_set_gate2(&p->ch[2], val & PORT_B_GATE2, clock_now(p->clk));
}

/* Three unprogrammed counters; claim 0x40-0x43 and 0x61.  Returns 0 or -1. */
int pit_init(struct pit *p, struct bus *b, struct clock *clk, const struct irq_chip *irqs)
{
    struct io_region counters = { "pit", PIT_PORT, 4, p, pit_io_read, pit_io_write };
    struct io_region portb = { "port61", PORT_B, 1, p, pit_port61_read, pit_port61_write };

    *p = (struct pit){ .clk = clk, .irqs = irqs };
    for (int i = 0; i < 3; i++) {
        p->ch[i] = (struct pit_channel){ .pit = p, .index = i, .gate = i != 2 };
        p->ch[i].timer = (struct timer){ .fire = pit_fire, .dev = &p->ch[i] };
    }
    if (bus_add_io(b, &counters) < 0 || bus_add_io(b, &portb) < 0)
        return -1;
    return 0;
}
