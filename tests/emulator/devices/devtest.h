/* devtest.h - what the device tests share: a bus, virtual time, IRQ recorder. */
#ifndef TRAPEZE_DEVTEST_H
#define TRAPEZE_DEVTEST_H

#include "bus.h"
#include "clock.h"
#include "cpu.h"
#include "irq.h"

/* Records what a device drives on its IRQ lines. */
struct irq_rec {
    int level[24];
    int rises[24];          /* low -> high transitions seen */
};

/* Set line `irq` and count rising edges. */
static inline void irq_rec_set(void *opaque, int irq, int level)
{
    struct irq_rec *r = opaque;

    if (level && !r->level[irq])
        r->rises[irq]++;
    r->level[irq] = level;
}

/* Byte and dword port I/O and MMIO, as the CPU would do it. */
static inline void outb(struct bus *b, uint16_t port, uint8_t v) { bus_io_write(b, port, v, 1); }
static inline uint8_t inb(struct bus *b, uint16_t port) { return (uint8_t)bus_io_read(b, port, 1); }
static inline void outw(struct bus *b, uint16_t port, uint16_t v) { bus_io_write(b, port, v, 2); }
static inline uint16_t inw(struct bus *b, uint16_t port) { return (uint16_t)bus_io_read(b, port, 2); }
static inline void mmio_wr(struct bus *b, uint32_t a, uint32_t v) { bus_mmio_write(b, a, v, 4); }
static inline uint32_t mmio_rd(struct bus *b, uint32_t a) { return bus_mmio_read(b, a, 4); }

/* Advance virtual time to `t` ticks and fire due timers, as the machine's
 * loop does between batches. */
static inline void run_until(struct clock *clk, uint64_t t)
{
    while (clock_next_deadline(clk) <= t) {
        clk->cpu->icount = clock_next_deadline(clk);
        clock_run_expired(clk);
    }
    clk->cpu->icount = t;
    clock_run_expired(clk);
}

#endif
