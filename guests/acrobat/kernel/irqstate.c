/*
 * irqstate.c - knowing whether interrupts are on, with and without PUSHF.
 *
 * Kernel code that touches data an interrupt handler also touches runs with
 * interrupts off.  Such sections nest (a function that disables interrupts
 * calls another that does too), so like xv6 we count: irq_save() disables and
 * remembers, at the outermost level, whether interrupts had been enabled;
 * irq_restore() re-enables them only when the count drops back to zero and
 * they were on before.  If interrupts are found enabled inside a section, some
 * code broke the rule, and we panic rather than run with a latent race.
 *
 * The classic way to learn the interrupt flag is PUSHF (read EFLAGS), and the
 * classic way to restore it is POPF.  Under a deprivileging monitor both lie:
 * PUSHF shows the real IF and POPF silently ignores IF (see the sensitive-popf
 * guest).  So this file is built two ways:
 *  - default: ask the CPU with PUSHF, like xv6;
 *  - NO_PUSHF_IRQSTATE: keep a software copy of IF, updated by our own CLI/STI
 *    and at every trap entry and exit (from the gate type and the EFLAGS image
 *    saved in the trap frame, which is memory, not PUSHF).
 */
#include "irqstate.h"

#include "runtime.h"
#include "x86.h"

static int depth;                  /* nesting of irq_save() */
static bool were_enabled;          /* IF before the outermost irq_save() */

/* Returning to ring 3 inside an irq_save() section would leave it open forever. */
static void check_user_return(const struct trapframe *next)
{
    if (depth && trap_from_user(next))
        panic("returning to ring 3 with %d irq_save() section(s) open", depth);
}

#ifdef NO_PUSHF_IRQSTATE
static bool soft_if;               /* our copy of EFLAGS.IF (0 at boot: boot.S) */

bool irq_enabled(void)
{
    return soft_if;
}

/* CLI and STI that keep the copy in step. */
static void irq_off(void)
{
    cli();
    soft_if = false;
}

static void irq_on(void)
{
    soft_if = true;
    sti();
}

void irq_trap_enter(const struct trapframe *tf, bool if_kept)
{
    soft_if = if_kept && (tf->eflags & EFLAGS_IF);   /* SDM 6.12.1.3 */
}

void irq_trap_exit(const struct trapframe *next)
{
    check_user_return(next);
    soft_if = next->eflags & EFLAGS_IF;              /* what IRET will load */
}

const char *irq_mechanism(void)
{
    return "a software copy of IF (NO_PUSHF_IRQSTATE: no PUSHF/POPF)";
}
#else
bool irq_enabled(void)
{
    return read_eflags() & EFLAGS_IF;                /* PUSHF */
}

static void irq_off(void)
{
    cli();
}

static void irq_on(void)
{
    sti();
}

void irq_trap_enter(const struct trapframe *tf, bool if_kept)
{
    (void)tf;
    (void)if_kept;                 /* the CPU's IF is the truth; nothing to track */
}

void irq_trap_exit(const struct trapframe *next)
{
    check_user_return(next);
}

const char *irq_mechanism(void)
{
    return "EFLAGS.IF read with PUSHF (like xv6's pushcli/popcli)";
}
#endif

void irq_save(void)
{
    bool on = irq_enabled();
    irq_off();
    if (depth++ == 0)
        were_enabled = on;
}

void irq_restore(void)
{
    if (irq_enabled())
        panic("irq_restore: interrupts are enabled inside an irq_save() section");
    if (--depth < 0)
        panic("irq_restore without irq_save");
    if (depth == 0 && were_enabled)
        irq_on();
}

void irq_idle_wait(void)
{
    irq_on();
    hlt();      /* an interrupt between STI and HLT is handled first; then HLT
                   waits for the next timer tick: late, never stuck */
    irq_off();
}
