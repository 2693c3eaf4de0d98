/* clock.c - virtual time: timers that count instructions, not seconds. */

/*
 * A real timer chip counts an oscillator; ours counts retired instructions,
 * so the same guest does the same thing at the same "time" on every run.
 * Each device owns its struct timer and arms it for the tick at which its
 * next interrupt is due.  The armed timers form a list sorted by deadline:
 * the machine asks for the head (how long may the CPU run?) and, after the
 * batch, fires whatever is due.  No device does work per instruction.
 */

#include "clock.h"

#include "cpu.h"

#include <stddef.h>

/* No timer armed, no batch running, time read from `cpu`. */
void clock_init(struct clock *clk, struct cpu *cpu)
{
    clk->cpu = cpu;
    clk->armed = NULL;
    clk->batch_end = 0;
}

/* Current virtual time in ticks: the CPU's instructions plus idle time. */
uint64_t clock_now(const struct clock *clk)
{
    return cpu_vtime(clk->cpu);
}

/* Remove `t` from the armed list if it is there. */
static void clock_unlink(struct clock *clk, struct timer *t)
{
    for (struct timer **pp = &clk->armed; *pp; pp = &(*pp)->next) {
        if (*pp == t) {
            *pp = t->next;
            break;
        }
    }
    t->next = NULL;
    t->armed = false;
}

/* Arm `t` for `deadline`, after any timer with the same deadline (so equal
 * deadlines fire in arming order); end the running batch early if needed. */
void clock_arm(struct clock *clk, struct timer *t, uint64_t deadline)
{
    struct timer **pp = &clk->armed;

    if (t->armed)
        clock_unlink(clk, t);
    while (*pp && (*pp)->deadline <= deadline)
        pp = &(*pp)->next;
    t->deadline = deadline;
    t->armed = true;
    t->next = *pp;
    *pp = t;
    if (deadline < clk->batch_end)
        cpu_request_exit(clk->cpu);
}

/* Disarm `t`; harmless if it is not armed. */
void clock_cancel(struct clock *clk, struct timer *t)
{
    if (t->armed)
        clock_unlink(clk, t);
}

/* Deadline of the head of the list, or UINT64_MAX. */
uint64_t clock_next_deadline(const struct clock *clk)
{
    return clk->armed ? clk->armed->deadline : UINT64_MAX;
}

/* Pop and fire due timers one at a time, so a callback may re-arm its own
 * timer (or another) and still be ordered correctly. */
void clock_run_expired(struct clock *clk)
{
    uint64_t now = clock_now(clk);

    while (clk->armed && clk->armed->deadline <= now) {
        struct timer *t = clk->armed;
        clock_unlink(clk, t);
        t->fire(t->dev, now);
    }
}

/* ceil(count * CLOCK_HZ / hz), split so that count * CLOCK_HZ cannot
 * overflow: whole seconds first, then the remainder (< hz). */
uint64_t clock_ticks_from(uint64_t count, uint64_t hz)
{
    uint64_t whole = count / hz, rest = count % hz;

    return whole * CLOCK_HZ + (rest * CLOCK_HZ + hz - 1) / hz;
}

/* floor(ticks * hz / CLOCK_HZ), split the same way. */
uint64_t clock_count_in(uint64_t ticks, uint64_t hz)
{
    uint64_t whole = ticks / CLOCK_HZ, rest = ticks % CLOCK_HZ;

    return whole * hz + rest * hz / CLOCK_HZ;
}
