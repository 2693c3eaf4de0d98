/*
 * popf.c - POPF silently ignores the bits it may not change (SDM Vol. 1 3.4.3.3).
 *
 * In ring 0 POPF can set IF and IOPL.  With CPL > IOPL it leaves IF alone, and
 * with CPL > 0 it leaves IOPL alone -- without a fault.  A deprivileged kernel
 * that does "CLI; ...; POPF" to restore interrupts never gets them back, and
 * the monitor never hears about it.  That is why POPF cannot be trapped.
 */
#include "kprintf.h"
#include "observe.h"
#include "x86.h"

int main(void)
{
    cli();
    uint32_t f = read_eflags();
    write_eflags(f | EFLAGS_IF);                 /* PUSH image; POPF: IF = 1 */
    observe_uint("if_after_popf", (read_eflags() & EFLAGS_IF) ? 1 : 0);
    write_eflags(f & ~EFLAGS_IF);                /* and back to 0 */
    observe_uint("if_after_popf_clear", (read_eflags() & EFLAGS_IF) ? 1 : 0);
    write_eflags(f | EFLAGS_IOPL_MASK);          /* IOPL = 3 */
    observe_uint("iopl_after_popf", (read_eflags() & EFLAGS_IOPL_MASK) >> EFLAGS_IOPL_SHIFT);
    write_eflags(f);
    kputs("popf: POPF in ring 0 changes IF and IOPL as asked");
    return 0;
}
