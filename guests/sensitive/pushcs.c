/*
 * pushcs.c - PUSH CS and MOV from SS reveal the current privilege level.
 *
 * CS.RPL is the CPL (SDM Vol. 3A 5.5), and both segment registers can be read
 * by any code.  A kernel that believes it runs in ring 0 but reads RPL 1 here
 * knows it is being deprivileged.
 */
#include "desc.h"
#include "kprintf.h"
#include "observe.h"
#include "x86.h"

int main(void)
{
    uint32_t cs;
    __asm__ volatile("pushl %%cs\n\tpopl %0" : "=r"(cs));
    uint16_t ss = read_ss();
    observe_hex16("cs", (uint16_t)cs);
    observe_uint("cs_rpl", cs & SEL_RPL_MASK);
    observe_hex16("ss", ss);
    observe_uint("ss_rpl", ss & SEL_RPL_MASK);
    observe_bool("mov_cs_matches_push", read_cs() == (uint16_t)cs);
    kputs("pushcs: CS and SS carry RPL 0 -- this kernel runs in ring 0");
    return 0;
}
