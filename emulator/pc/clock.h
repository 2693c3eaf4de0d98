/* clock.h - virtual time: timers that count instructions, not seconds. */
#ifndef TRAPEZE_CLOCK_H
#define TRAPEZE_CLOCK_H

/*
 * Runs are deterministic because time is virtual: one tick per instruction
 * retired (cpu_vtime()), plus the ticks HLT skips to reach the next timer.
 * We define the virtual CPU to run at CLOCK_HZ ticks per second, so that
 * devices with a real frequency (the 8254's 1.193182 MHz, the LAPIC bus
 * clock) can convert.
 *
 * Devices arm timers with a deadline in ticks.  The machine runs the CPU in
 * batches that end at the next deadline; a timer armed mid-batch for an
 * earlier deadline shortens the batch (cpu_request_exit), so it fires on time.
 */

#include <stdbool.h>
#include <stdint.h>

struct cpu;

#define CLOCK_HZ 1000000000ull     /* 1 tick = 1 instruction = 1 virtual ns */

struct timer {
    uint64_t deadline;
    bool armed;
    void (*fire)(void *dev, uint64_t now);
    void *dev;
    struct timer *next;          /* sorted list of armed timers */
};

struct clock {
    struct cpu *cpu;             /* whose instruction count is the time */
    struct timer *armed;         /* earliest first */
    uint64_t batch_end;          /* end of the CPU batch now running */
};

void clock_init(struct clock *clk, struct cpu *cpu);

/* Current virtual time in ticks. */
uint64_t clock_now(const struct clock *clk);

/* Arm (or re-arm) a timer for an absolute deadline; cancel it. */
void clock_arm(struct clock *clk, struct timer *t, uint64_t deadline);
void clock_cancel(struct clock *clk, struct timer *t);

/* Earliest deadline, or UINT64_MAX when nothing is armed. */
uint64_t clock_next_deadline(const struct clock *clk);

/* Fire every timer whose deadline has passed (in deadline order). */
void clock_run_expired(struct clock *clk);

/* Convert a duration in a device's own frequency into ticks, rounding up. */
uint64_t clock_ticks_from(uint64_t count, uint64_t hz);

/* Convert a duration in ticks into whole periods of a device's frequency
 * (rounding down): how far a device counter has counted in that time. */
uint64_t clock_count_in(uint64_t ticks, uint64_t hz);

#endif
