/*
 * nano_divzero.c - a #DE round trip, N times.
 *
 * DIV by zero raises #DE, a fault: the saved EIP points at the DIV itself
 * (SDM Vol. 3A 6.5, Table 6-1), so returning would divide again forever.  The
 * handler resumes at the address the loop stored just before dividing.
 * Exceptions are sensitive for a monitor: it must reflect them into the guest.
 */
#include "nano.h"
#include "trap.h"

static uint32_t resume_eip;
static uint32_t faults;

/* #DE: count, then skip the DIV by resuming after it. */
static struct trapframe *on_divide_error(struct trapframe *tf)
{
    faults++;
    tf->eip = resume_eip;
    return tf;
}

int main(void)
{
    uint32_t iters = nano_iters();
    trap_set_handler(VEC_DE, on_divide_error);
    for (uint32_t i = 0; i < iters; i++)
        __asm__ volatile("movl $1f, %0\n\t"
                         "xorl %%edx, %%edx\n\t"
                         "divl %1\n"       /* EDX:EAX / 0 -> #DE */
                         "1:"
                         : "=m"(resume_eip)
                         : "r"(0), "a"(i)
                         : "edx", "cc", "memory");
    nano_expect_count("divide errors", faults, iters);
    nano_report("divzero", iters);
    return 0;
}
