/*
 * pushf.c - PUSHF copies the real EFLAGS to the stack at any privilege level.
 *
 * A monitor that runs the kernel in ring 1 makes CLI and STI trap (IOPL < CPL)
 * and keeps a virtual IF -- but interrupts stay enabled on the real CPU, and
 * PUSHF shows the real IF and IOPL, not the virtual ones.
 */
#include "kprintf.h"
#include "observe.h"
#include "x86.h"

int main(void)
{
    cli();
    uint32_t f = read_eflags();                  /* PUSHF; POP */
    observe_uint("if_after_cli", (f & EFLAGS_IF) ? 1 : 0);
    observe_uint("iopl", (f & EFLAGS_IOPL_MASK) >> EFLAGS_IOPL_SHIFT);
    sti();                                       /* safe: every IRQ is masked */
    f = read_eflags();
    cli();
    observe_uint("if_after_sti", (f & EFLAGS_IF) ? 1 : 0);
    kputs("pushf: PUSHF shows the interrupt flag CLI and STI set");
    return 0;
}
