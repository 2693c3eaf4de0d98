/*
 * irqstate.c - knowing whether interrupts are on, with and without PUSHF/POPF.
 *
 * Kernel code that touches data an interrupt handler also touches runs with
 * interrupts off.  Such sections nest (a function that disables interrupts
 * calls another that does too), so like xv6's pushcli/popcli we count:
 * irq_save() disables interrupts and, at the outermost level, saves the
 * interrupt state; irq_restore() puts the saved state back when the count
 * drops to zero.  If interrupts are found enabled inside a section, some code
 * broke the rule, and we panic rather than run with a latent race.
 *
 * The classic way to save the state is PUSHF (EFLAGS to the stack) and the
 * classic way to restore it is POPF.  Under a deprivileging monitor both lie:
 * PUSHF shows the real IF, and POPF silently leaves IF alone outside ring 0
 * (see the sensitive-popf guest), so the kernel would never get its interrupts
 * back.  So this file is built two ways:
 *  - default: the state is EFLAGS, saved with PUSHF and restored with POPF;
 *  - NO_PUSHF_IRQSTATE: the state is a software copy of IF, kept in step by our
 *    own CLI/STI and at every trap entry and exit (from the gate type and the
 *    EFLAGS image in the trap frame, which is memory, not PUSHF); restoring it
 *    executes STI, which a monitor can trap.
 */
#include "irqstate.h"

#include "runtime.h"
#include "x86.h"

static int depth;                  /* nesting of irq_save() */
static uint32_t saved;             /* state before the outermost irq_save() */

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

/* The state to save: just IF, in its EFLAGS position. */
static uint32_t irq_state(void)
{
    return soft_if ? EFLAGS_IF : 0;
}

/* Put a saved state back (interrupts are off when this is called). */
static void irq_set_state(uint32_t s)
{
    if (s & EFLAGS_IF)
        irq_on();
}

void irq_trap_enter(const struct trapframe *tf, bool if_kept)
{
    soft_if = if_kept && (tf->eflags & EFLAGS_IF);   /* SDM Vol. 3A 6.12.1.3 */
}

void irq_trap_exit(const struct trapframe *next)
{
    check_user_return(next);
    soft_if = next->eflags & EFLAGS_IF;              /* what IRET will load */
}

const char *irq_mechanism(void)
{
    return "a software copy of IF and STI (NO_PUSHF_IRQSTATE: no PUSHF/POPF)";
}
#else
bool irq_enabled(void)
{
    return read_eflags() & EFLAGS_IF;                /* PUSHF */
}

/* Plain CLI and STI: the CPU's IF is the only copy. */
static void irq_off(void)
{
    cli();
}

static void irq_on(void)
{
    sti();
}

/* The state to save: all of EFLAGS (PUSHF). */
static uint32_t irq_state(void)
{
    return read_eflags();
}

/* Put a saved state back: POPF restores IF along with the rest of EFLAGS. */
static void irq_set_state(uint32_t s)
{
    write_eflags(s);
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
    return "PUSHF, CLI and POPF (saved EFLAGS, like local_irq_save)";
}
#endif

void irq_save(void)
{
    uint32_t s = irq_state();
    irq_off();
    if (depth++ == 0)
        saved = s;
}

void irq_restore(void)
{
    if (irq_enabled())
        panic("irq_restore: interrupts are enabled inside an irq_save() section");
    if (--depth < 0)
        panic("irq_restore without irq_save");
    if (depth == 0)
        irq_set_state(saved);
}

void irq_idle_wait(void)
{
    irq_on();
    hlt();      /* an interrupt between STI and HLT is handled first; then HLT
                   waits for the next timer tick: late, never stuck */
    irq_off();
}
