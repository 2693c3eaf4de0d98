/* lapic.h - the local APIC: the CPU's own interrupt controller and timer. */
#ifndef TRAPEZE_LAPIC_H
#define TRAPEZE_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

#include "clock.h"

struct bus;

/* Local vector table entries, in register order from offset 0x320. */
enum { LVT_TIMER, LVT_THERMAL, LVT_PERF, LVT_LINT0, LVT_LINT1, LVT_ERROR, LVT_COUNT };

struct lapic {
    struct clock *clk;
    uint32_t id, tpr, ldr, dfr, svr;
    uint32_t esr, esr_pending;          /* ESR as last latched; errors since */
    uint32_t icr_lo, icr_hi;
    uint32_t lvt[LVT_COUNT];
    uint32_t irr[8], isr[8], tmr[8];    /* 256 bits each, vector v in word v/32 */
    uint32_t divide_conf, initial_count;
    uint32_t timer_div;                 /* divisor in force since timer_start */
    uint64_t timer_start;               /* tick of the initial-count write */
    struct timer timer;
    int intr;                           /* level last reported to intr_changed */
    void (*intr_changed)(void *ctx, int level);
    void *ctx;
    void (*eoi)(void *ctx, int vector); /* EOI of a level-triggered vector */
    void *eoi_ctx;
};

/* Reset state (SDM Vol. 3A 10.4.7.1: software-disabled, LVTs masked) except
 * LINT0, left in ExtINT "virtual wire" mode as firmware does; claims the
 * 4 KiB at 0xFEE00000.  Returns 0 or -1. */
int lapic_init(struct lapic *a, struct bus *b, struct clock *clk,
               void (*intr_changed)(void *ctx, int level), void *ctx);

/* Call `eoi(ctx, vector)` when the guest EOIs a level-triggered vector (the
 * IOAPIC uses it to clear Remote IRR). */
void lapic_set_eoi_handler(struct lapic *a, void (*eoi)(void *ctx, int vector), void *ctx);

/* An interrupt message (from the IOAPIC or an IPI): latch `vector` in IRR,
 * with TMR recording whether it is level-triggered. */
void lapic_accept(struct lapic *a, int vector, bool level);

/* The vector the APIC would deliver now (highest IRR above PPR), or -1. */
int lapic_pending(const struct lapic *a);

/* INTA: move the pending vector from IRR to ISR and return it; the
 * spurious vector (SVR) if nothing is deliverable any more. */
int lapic_ack(struct lapic *a);

/* Is LINT0 an unmasked ExtINT input, i.e. should the 8259A's INTR reach the
 * CPU through this APIC (virtual wire mode)? */
bool lapic_extint_enabled(const struct lapic *a);

#endif
