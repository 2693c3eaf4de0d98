/* lapic.c - the local APIC: the CPU's own interrupt controller and timer. */

/*
 * Every processor since the P6 has a local APIC.  Interrupts reach it as
 * messages carrying a vector (from the IOAPIC, from other CPUs, from its own
 * timer); it keeps three 256-bit sets: IRR (requested), ISR (in service) and
 * TMR (level-triggered).  Unlike the 8259A, priority comes from the vector
 * number itself: the class of vector v is v >> 4, and a request is delivered
 * only if its class is above the processor priority (PPR), which is the
 * larger of the task priority the OS sets in TPR and the class of the
 * highest vector in service (SDM Vol. 3A 10.8.3.1).  Writing EOI retires the
 * highest vector in ISR.
 *
 * The APIC timer counts the bus clock, divided, down from an initial count,
 * once (one-shot) or reloading (periodic).  As with the 8254 we only store
 * when it started; the current count is computed from virtual time and a
 * clock timer fires at expiry.  We give the bus clock 1 GHz (the SDM leaves
 * it to the platform; QEMU uses the same), so one count is one tick when the
 * divider is 1.
 *
 * There is one CPU: IPIs to ourselves are delivered, INIT and STARTUP are
 * accepted and ignored.  Registers live at 0xFEE00000 (SDM Vol. 3A 10.4.1),
 * 32 bits each on 16-byte boundaries.
 */

#include "lapic.h"

#include "bus.h"

#define LAPIC_BASE 0xFEE00000u  /* SDM Vol. 3A 10.4.1: default IA32_APIC_BASE */
#define LAPIC_SIZE 0x1000
#define LAPIC_BUS_HZ 1000000000ull

/* SDM Vol. 3A table 10-1: register offsets. */
enum {
    REG_ID = 0x020, REG_VERSION = 0x030, REG_TPR = 0x080, REG_APR = 0x090,
    REG_PPR = 0x0A0, REG_EOI = 0x0B0, REG_LDR = 0x0D0, REG_DFR = 0x0E0,
    REG_SVR = 0x0F0, REG_ISR = 0x100, REG_TMR = 0x180, REG_IRR = 0x200,
    REG_ESR = 0x280, REG_ICR_LO = 0x300, REG_ICR_HI = 0x310, REG_LVT = 0x320,
    REG_LVT_END = 0x380, REG_INITIAL = 0x380, REG_CURRENT = 0x390, REG_DIVIDE = 0x3E0,
};
#define REG_BITMAP_LEN 0x80     /* ISR, TMR, IRR: eight registers each */

/* SDM Vol. 3A 10.4.8: version 0x14 (integrated APIC), max LVT entry - 1. */
#define LAPIC_VERSION (0x14u | (LVT_COUNT - 1u) << 16)

/*
 * LVT entry, SDM Vol. 3A figure 10-8:
 *
 *   31-19  18-17       16    15      14     13    12     11  10-8       7-0
 *  +-----+----------+----+-------+------+------+------+---+---------+--------+
 *  |  0  |timer mode|mask|trigger|remote|polar.|status| 0 |delivery | vector |
 *  +-----+----------+----+-------+------+------+------+---+---------+--------+
 */
#define LVT_MASK 0x00010000u
#define LVT_PERIODIC 0x00020000u        /* timer mode 01; TSC-deadline unsupported */
#define LVT_DELIVERY(v) (((v) >> 8) & 7)
#define LVT_VECTOR(v) ((v) & 0xFFu)
#define DELIVERY_FIXED 0
#define DELIVERY_LOWEST 1
#define DELIVERY_EXTINT 7
#define LVT_LINT0_VIRTUAL_WIRE 0x00000700u  /* MP spec 1.4 3.6.2.2: ExtINT, unmasked */
/* Writable bits per LVT register, in LVT_* order. */
static const uint32_t lvt_writable[LVT_COUNT] = {
    0x000300FFu,                /* timer: vector, mask, periodic */
    0x000107FFu,                /* thermal: vector, delivery mode, mask */
    0x000107FFu,                /* performance counter: the same */
    0x0001A7FFu,                /* LINT0: + polarity, trigger mode */
    0x0001A7FFu,                /* LINT1 */
    0x000100FFu,                /* error: vector, mask */
};

/* SVR, SDM Vol. 3A figure 10-23: vector 7-0, APIC enable 8, focus 9. */
#define SVR_ENABLE 0x100u
#define SVR_WRITABLE 0x3FFu
#define SVR_RESET 0xFFu
#define ID_WRITABLE 0xFF000000u
#define LDR_WRITABLE 0xFF000000u
#define DFR_RESERVED_ONES 0x0FFFFFFFu
#define DIVIDE_WRITABLE 0xBu

/*
 * ICR, SDM Vol. 3A figure 10-12 (low half; the destination is ICR_HI 31-24):
 *
 *   19-18      15      14    12     11       10-8      7-0
 *  +---------+-------+-----+------+--------+---------+--------+
 *  |shorthand|trigger|level|status|dest mod|delivery | vector |
 *  +---------+-------+-----+------+--------+---------+--------+
 */
#define ICR_WRITABLE 0x000CCFFFu
#define ICR_LOGICAL 0x800u
#define ICR_SHORTHAND(v) (((v) >> 18) & 3)
#define SHORT_NONE 0
#define SHORT_SELF 1
#define SHORT_ALL 2
#define DEST_BROADCAST 0xFFu

/* ESR, SDM Vol. 3A figure 10-9. */
#define ESR_SEND_ILLEGAL 0x20u
#define ESR_RECV_ILLEGAL 0x40u
#define FIRST_LEGAL_VECTOR 16   /* SDM 10.5.2: vectors 0-15 are illegal */

/* --- 256-bit sets ------------------------------------------------------ */

/* Test, set, clear bit `v` of a 256-bit set. */
static bool bit_test(const uint32_t *set, int v) { return set[v >> 5] >> (v & 31) & 1; }
static void bit_set(uint32_t *set, int v) { set[v >> 5] |= 1u << (v & 31); }
static void bit_clear(uint32_t *set, int v) { set[v >> 5] &= ~(1u << (v & 31)); }

/* Highest vector in a set, or -1. */
static int bit_highest(const uint32_t *set)
{
    for (int i = 7; i >= 0; i--)
        if (set[i])
            return i * 32 + 31 - __builtin_clz(set[i]);
    return -1;
}

/* --- priority ------------------------------------------------------------ */

/* PPR, SDM Vol. 3A 10.8.3.1: TPR if its class is at least the class of the
 * highest vector in service, else that class with sub-class 0. */
static uint32_t lapic_ppr(const struct lapic *a)
{
    int isrv = bit_highest(a->isr);
    uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xF0;

    return (a->tpr & 0xF0) >= isr_class ? a->tpr : isr_class;
}

/* SVR bit 8: is the APIC software-enabled (SDM 10.4.7.2)? */
static bool lapic_enabled(const struct lapic *a)
{
    return a->svr & SVR_ENABLE;
}

/* Highest IRR vector whose class is above PPR's class, or -1 (SDM 10.8.3.1). */
int lapic_pending(const struct lapic *a)
{
    int v = bit_highest(a->irr);

    if (!lapic_enabled(a) || v < 0)
        return -1;
    return ((uint32_t)v & 0xF0) > (lapic_ppr(a) & 0xF0) ? v : -1;
}

/* Tell the CPU side when "an interrupt is deliverable" changes. */
static void lapic_update(struct lapic *a)
{
    int intr = lapic_pending(a) >= 0;

    if (intr != a->intr) {
        a->intr = intr;
        if (a->intr_changed)
            a->intr_changed(a->ctx, intr);
    }
}

/* Record an error; SDM 10.5.3: it becomes visible in ESR at the next ESR
 * write, and raises the error LVT interrupt if that is unmasked. */
static void lapic_error(struct lapic *a, uint32_t bits)
{
    uint32_t lvt = a->lvt[LVT_ERROR];

    a->esr_pending |= bits;
    if (!(lvt & LVT_MASK) && LVT_VECTOR(lvt) >= FIRST_LEGAL_VECTOR)
        lapic_accept(a, (int)LVT_VECTOR(lvt), false);
}

/* Latch a message in IRR (TMR = level); vectors 0-15 are an ESR error. */
void lapic_accept(struct lapic *a, int vector, bool level)
{
    if (vector < FIRST_LEGAL_VECTOR || vector > 255) {
        lapic_error(a, ESR_RECV_ILLEGAL);
        return;
    }
    bit_set(a->irr, vector);
    if (level)
        bit_set(a->tmr, vector);
    else
        bit_clear(a->tmr, vector);
    lapic_update(a);
}

/* INTA: IRR -> ISR for the pending vector; the SVR vector if there is none. */
int lapic_ack(struct lapic *a)
{
    int v = lapic_pending(a);

    if (v < 0)
        return (int)LVT_VECTOR(a->svr);  /* SDM 10.9: spurious interrupt */
    bit_clear(a->irr, v);
    bit_set(a->isr, v);
    lapic_update(a);
    return v;
}

/* EOI write: retire the highest vector in service; a level-triggered one is
 * also EOI'd at the IOAPIC (SDM 10.8.5). */
static void lapic_eoi(struct lapic *a)
{
    int v = bit_highest(a->isr);

    if (v < 0)
        return;
    bit_clear(a->isr, v);
    if (bit_test(a->tmr, v) && a->eoi)
        a->eoi(a->eoi_ctx, v);
    lapic_update(a);
}

/* --- timer --------------------------------------------------------------- */

/* SDM Vol. 3A figure 10-10: divide configuration bits 3,1,0 -> 2..128, 1. */
static uint32_t lapic_divisor(uint32_t dc)
{
    uint32_t code = (dc & 3) | (dc >> 1 & 4);

    return 1u << ((code + 1) & 7);
}

/* Timer counts elapsed since the initial-count write. */
static uint64_t lapic_timer_elapsed(const struct lapic *a)
{
    return clock_count_in(clock_now(a->clk) - a->timer_start, LAPIC_BUS_HZ) / a->timer_div;
}

/* Current count register, SDM Vol. 3A 10.5.4. */
static uint32_t lapic_current_count(const struct lapic *a)
{
    uint64_t e;

    if (!a->initial_count)
        return 0;
    e = lapic_timer_elapsed(a);
    if (a->lvt[LVT_TIMER] & LVT_PERIODIC)
        return a->initial_count - (uint32_t)(e % a->initial_count);
    return e >= a->initial_count ? 0 : a->initial_count - (uint32_t)e;
}

/* Arm the clock timer for the next expiry, if there is one. */
static void lapic_timer_schedule(struct lapic *a)
{
    uint64_t e = lapic_timer_elapsed(a), target;

    if (!a->initial_count)
        target = 0;
    else if (a->lvt[LVT_TIMER] & LVT_PERIODIC)
        target = (e / a->initial_count + 1) * a->initial_count;
    else
        target = e < a->initial_count ? a->initial_count : 0;
    if (!target) {
        clock_cancel(a->clk, &a->timer);
        return;
    }
    clock_arm(a->clk, &a->timer,
              a->timer_start + clock_ticks_from(target * a->timer_div, LAPIC_BUS_HZ));
}

/* Expiry: the LVT timer interrupt unless masked; periodic mode goes on. */
static void lapic_timer_fire(void *dev, uint64_t now)
{
    struct lapic *a = dev;
    uint32_t lvt = a->lvt[LVT_TIMER];

    (void)now;
    if (!(lvt & LVT_MASK))
        lapic_accept(a, (int)LVT_VECTOR(lvt), false);
    lapic_timer_schedule(a);
}

/* Initial-count write: restart the timer (0 stops it).  The divider is
 * sampled here: a later divide-configuration write applies to the next
 * initial count (the SDM does not define a change while counting). */
static void lapic_timer_start(struct lapic *a, uint32_t count)
{
    a->initial_count = count;
    a->timer_div = lapic_divisor(a->divide_conf);
    a->timer_start = clock_now(a->clk);
    lapic_timer_schedule(a);
}

/* --- IPIs ---------------------------------------------------------------- */

/* Does an ICR destination (no shorthand) name this APIC?  SDM 10.6.2:
 * physical = APIC ID or broadcast; logical (flat model) = LDR bit match. */
static bool lapic_is_destination(const struct lapic *a, uint32_t dest, bool logical)
{
    if (logical)
        return (dest & a->ldr >> 24) != 0;
    return dest == DEST_BROADCAST || dest == a->id >> 24;
}

/* ICR low write sends the IPI.  Only fixed and lowest-priority IPIs that
 * reach ourselves have an effect; INIT, STARTUP, NMI, SMI are ignored. */
static void lapic_send_ipi(struct lapic *a, uint32_t icr)
{
    int mode = LVT_DELIVERY(icr), vector = (int)LVT_VECTOR(icr);
    int shorthand = ICR_SHORTHAND(icr);
    bool to_self = shorthand == SHORT_SELF || shorthand == SHORT_ALL ||
                   (shorthand == SHORT_NONE &&
                    lapic_is_destination(a, a->icr_hi >> 24, icr & ICR_LOGICAL));

    a->icr_lo = icr & ICR_WRITABLE;
    if (mode != DELIVERY_FIXED && mode != DELIVERY_LOWEST)
        return;
    if (vector < FIRST_LEGAL_VECTOR) {
        lapic_error(a, ESR_SEND_ILLEGAL);
        return;
    }
    if (to_self)
        lapic_accept(a, vector, false);
}

/* --- registers ----------------------------------------------------------- */

/* LVT write: software-disabled APICs keep every mask bit set (10.4.7.2). */
static void lapic_write_lvt(struct lapic *a, int i, uint32_t val)
{
    a->lvt[i] = val & lvt_writable[i];
    if (!lapic_enabled(a))
        a->lvt[i] |= LVT_MASK;
    if (i == LVT_TIMER)
        lapic_timer_schedule(a);
}

/* SVR write: clearing the enable bit masks every LVT entry. */
static void lapic_write_svr(struct lapic *a, uint32_t val)
{
    a->svr = val & SVR_WRITABLE;
    if (!lapic_enabled(a))
        for (int i = 0; i < LVT_COUNT; i++)
            a->lvt[i] |= LVT_MASK;
}

/* Register read by offset (table 10-1); reserved offsets read 0. */
static uint32_t lapic_read_reg(struct lapic *a, uint32_t reg)
{
    if (reg >= REG_ISR && reg < REG_ISR + REG_BITMAP_LEN)
        return a->isr[(reg - REG_ISR) >> 4];
    if (reg >= REG_TMR && reg < REG_TMR + REG_BITMAP_LEN)
        return a->tmr[(reg - REG_TMR) >> 4];
    if (reg >= REG_IRR && reg < REG_IRR + REG_BITMAP_LEN)
        return a->irr[(reg - REG_IRR) >> 4];
    if (reg >= REG_LVT && reg < REG_LVT_END)
        return a->lvt[(reg - REG_LVT) >> 4];
    switch (reg) {
    case REG_ID:      return a->id;
    case REG_VERSION: return LAPIC_VERSION;
    case REG_TPR:     return a->tpr;
    case REG_PPR:     return lapic_ppr(a);
    case REG_LDR:     return a->ldr;
    case REG_DFR:     return a->dfr;
    case REG_SVR:     return a->svr;
    case REG_ESR:     return a->esr;
    case REG_ICR_LO:  return a->icr_lo;
    case REG_ICR_HI:  return a->icr_hi;
    case REG_INITIAL: return a->initial_count;
    case REG_CURRENT: return lapic_current_count(a);
    case REG_DIVIDE:  return a->divide_conf;
    default:          return 0;     /* APR, EOI, reserved */
    }
}

/* Register write by offset (table 10-1); read-only ones ignore it. */
static void lapic_write_reg(struct lapic *a, uint32_t reg, uint32_t val)
{
    if (reg >= REG_LVT && reg < REG_LVT_END) {
        lapic_write_lvt(a, (int)(reg - REG_LVT) >> 4, val);
        return;
    }
    switch (reg) {
    case REG_ID:      a->id = val & ID_WRITABLE; break;
    case REG_TPR:     a->tpr = val & 0xFF; break;
    case REG_EOI:     lapic_eoi(a); break;
    case REG_LDR:     a->ldr = val & LDR_WRITABLE; break;
    case REG_DFR:     a->dfr = val | DFR_RESERVED_ONES; break;
    case REG_SVR:     lapic_write_svr(a, val); break;
    case REG_ESR:     a->esr = a->esr_pending; a->esr_pending = 0; break;
    case REG_ICR_HI:  a->icr_hi = val & ID_WRITABLE; break;
    case REG_ICR_LO:  lapic_send_ipi(a, val); break;
    case REG_INITIAL: lapic_timer_start(a, val); break;
    case REG_DIVIDE:  a->divide_conf = val & DIVIDE_WRITABLE; break;
    default:          break;        /* read-only or reserved */
    }
    lapic_update(a);
}

/* MMIO: registers are the first 4 bytes of each 16-byte slot; narrower
 * reads take the addressed bytes, narrower writes are zero-extended. */
static uint32_t lapic_mmio_read(void *dev, uint32_t off, unsigned size)
{
    uint32_t v = lapic_read_reg(dev, off & ~0xFu);

    if ((off & 0xF) >= 4)
        return 0;
    v >>= (off & 3) * 8;
    return size >= 4 ? v : v & ((1u << (size * 8)) - 1);
}

static void lapic_mmio_write(void *dev, uint32_t off, uint32_t val, unsigned size)
{
    (void)size;
    if ((off & 0xF) == 0)
        lapic_write_reg(dev, off, val);
}

/* Reset state, LINT0 virtual wire; claim 0xFEE00000.  Returns 0 or -1. */
int lapic_init(struct lapic *a, struct bus *b, struct clock *clk,
               void (*intr_changed)(void *ctx, int level), void *ctx)
{
    struct mmio_region r = { "lapic", LAPIC_BASE, LAPIC_SIZE, a, lapic_mmio_read, lapic_mmio_write };

    /* SDM Vol. 3A 10.4.7.1: DFR all ones, SVR 0xFF, everything else 0 */
    *a = (struct lapic){ .clk = clk, .dfr = 0xFFFFFFFFu, .svr = SVR_RESET, .timer_div = lapic_divisor(0),
                         .intr_changed = intr_changed, .ctx = ctx };
    for (int i = 0; i < LVT_COUNT; i++)
        a->lvt[i] = LVT_MASK;
    a->lvt[LVT_LINT0] = LVT_LINT0_VIRTUAL_WIRE;
    a->timer = (struct timer){ .fire = lapic_timer_fire, .dev = a };
    return bus_add_mmio(b, &r);
}

/* Register who hears EOIs of level-triggered vectors. */
void lapic_set_eoi_handler(struct lapic *a, void (*eoi)(void *ctx, int vector), void *ctx)
{
    a->eoi = eoi;
    a->eoi_ctx = ctx;
}

/* LINT0 unmasked with delivery mode ExtINT (SDM 10.5.1)? */
bool lapic_extint_enabled(const struct lapic *a)
{
    uint32_t lvt = a->lvt[LVT_LINT0];

    return !(lvt & LVT_MASK) && LVT_DELIVERY(lvt) == DELIVERY_EXTINT;
}
