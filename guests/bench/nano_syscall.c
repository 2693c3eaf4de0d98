/*
 * nano_syscall.c - the system call round trip: INT 0x80 from ring 3 into a
 * ring-0 handler and IRET back.
 *
 * The interesting part is the privilege change: the CPU checks the gate's DPL
 * against CPL, fetches the ring-0 stack from the TSS, pushes the user SS:ESP and
 * returns with IRET to ring 3.  A deprivileging monitor must emulate all of it.
 * The user loop issues INT 0x80 with EAX = 0 N times, then once with EAX = 1,
 * which ends the benchmark from ring 0 (we cannot IRET from ring 3 to ring 0).
 */
#include "desc.h"
#include "nano.h"
#include "runtime.h"
#include "trap.h"

#define SYSCALL_VECTOR 0x80
#define SYS_NOP  0
#define SYS_DONE 1
#define STACK_BYTES 4096

static uint8_t kernel_stack[STACK_BYTES] __attribute__((aligned(16)));
static uint8_t user_stack[STACK_BYTES] __attribute__((aligned(16)));
static uint32_t iters, calls;

/* Ring 0: count SYS_NOP calls; SYS_DONE checks the count and stops the machine. */
static struct trapframe *on_syscall(struct trapframe *tf)
{
    if (tf->eax == SYS_NOP) {
        calls++;
        return tf;
    }
    if (!trap_from_user(tf))
        panic("the system call did not come from ring 3 (CS=%x)", tf->cs);
    nano_expect_count("system calls", calls, iters);
    nano_report("syscall", iters);
    guest_exit(0);
}

/* Ring 3: the measured loop.  Flat segments let it read iters without paging. */
static void user_main(void)
{
    for (uint32_t i = iters; i; i--)
        __asm__ volatile("int $0x80" : : "a"(SYS_NOP) : "memory");
    __asm__ volatile("int $0x80" : : "a"(SYS_DONE) : "memory");
    for (;;)
        ;                          /* not reached: SYS_DONE does not return */
}

int main(void)
{
    iters = nano_iters();
    trap_set_handler(SYSCALL_VECTOR, on_syscall);
    idt_open_to_user(SYSCALL_VECTOR, GATE_INT32);
    tss_set_kernel_stack((uint32_t)(kernel_stack + STACK_BYTES));
    struct trapframe tf;
    trap_user_frame(&tf, (uint32_t)user_main, (uint32_t)(user_stack + STACK_BYTES), 0);
    trap_resume(&tf);
}
