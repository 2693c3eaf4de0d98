/*
 * farcall.c - far CALL, JMP and RET check privilege without trapping.
 *
 * A far CALL pushes the caller's CS, whose RPL is the CPL; a far RET to a
 * selector with RPL < CPL faults (it would raise privilege).  In a ring-1
 * kernel, far control transfers between its own DPL-0 segments behave
 * differently than on a real machine -- a monitor must patch or translate them.
 */
#include "desc.h"
#include "kprintf.h"
#include "observe.h"
#include "x86.h"

static uint32_t reached_jmp, reached_ret;

int main(void)
{
    uint32_t pushed_cs;
    /* Far-call a target that reads the CS the CALL pushed ([ESP+4]) and LRETs. */
    __asm__ volatile("lcall %1, $2f\n\t"
                     "jmp 3f\n"
                     "2:\tmovl 4(%%esp), %0\n\t"
                     "lret\n"
                     "3:" : "=r"(pushed_cs) : "i"(SEL_KCODE) : "memory");
    __asm__ volatile("ljmp %0, $1f\n"
                     "1:\tmovl $1, %1" : : "i"(SEL_KCODE), "m"(reached_jmp) : "memory");
    __asm__ volatile("pushl %0\n\t"
                     "pushl $1f\n\t"
                     "lret\n"
                     "1:\tmovl $1, %1" : : "i"(SEL_KCODE), "m"(reached_ret) : "memory");
    observe_hex16("farcall_pushed_cs", (uint16_t)pushed_cs);
    observe_uint("farcall_pushed_rpl", pushed_cs & SEL_RPL_MASK);
    observe_bool("farjmp_ok", reached_jmp);
    observe_bool("farret_ok", reached_ret);
    kputs("farcall: far CALL pushes CS with RPL 0; far JMP and RET to ring 0 work");
    return 0;
}
