/*
 * dispatch.c - every trap into the acrobat kernel passes through here.
 *
 * Three kinds of traps: exceptions (a page fault may be a demand-zero page to
 * map; anything else a process did wrong kills it), the timer interrupt
 * (preemption) and INT 0x80 (system calls).  The system call gate is a trap
 * gate, so system calls run with interrupts on; the others are interrupt gates
 * and run with interrupts off.  irqstate.c is told about both, for the variant
 * that tracks IF without PUSHF.
 */
#include "dispatch.h"

#include "desc.h"
#include "format.h"
#include "paging.h"
#include "pic.h"
#include "proc.h"
#include "irqstate.h"
#include "runtime.h"
#include "syscall.h"
#include "syscall_nr.h"
#include "timer.h"
#include "vm.h"
#include "x86.h"

#define EXCEPTIONS 32                     /* SDM Vol. 3A 6.2: vectors 0-31 */
#define KILL_MESSAGE_BYTES 96

/* Record in the process's output why it dies, then end it like exit(EXIT_KILLED). */
static struct trapframe *kill(struct trapframe *tf, const char *why, uint32_t addr)
{
    char msg[KILL_MESSAGE_BYTES];
    int n = format_buf(msg, sizeof(msg), "[kernel] killed: %s 0x%08x (error %x)\n",
                       why, addr, tf->error);
    proc_output(current, msg, (uint32_t)n);
    return proc_exit(tf, EXIT_KILLED);
}

/* #PF: map a demand-zero page, or kill the process that faulted. */
static struct trapframe *page_fault(struct trapframe *tf)
{
    uint32_t addr = read_cr2();
    if (current && !(tf->error & PF_ERR_P) && proc_demand_zero(current, addr)) {
        if (vm_map_zero(current->pd, addr) == 0) {
            current->zero_fills++;
            return tf;                       /* restart the faulting instruction */
        }
    }
    if (!trap_from_user(tf))
        panic("kernel page fault at %08x (error %x, eip %08x)", addr, tf->error, tf->eip);
    return kill(tf, tf->error & PF_ERR_P ? "protection fault at" : "page fault at",
                addr);
}

/* Any other exception: a kernel bug, or a process to kill. */
static struct trapframe *exception(struct trapframe *tf)
{
    if (!trap_from_user(tf))
        panic("kernel exception %u (error %x) at %08x", tf->vector, tf->error, tf->eip);
    return kill(tf, "exception at eip", tf->eip);
}

/* The one handler every vector we use points to. */
static struct trapframe *kernel_trap(struct trapframe *tf)
{
    irq_trap_enter(tf, tf->vector == SYSCALL_VECTOR);  /* only 0x80 is a trap gate */
    struct trapframe *next;
    if (tf->vector == VEC_PF)
        next = page_fault(tf);
    else if (tf->vector < EXCEPTIONS)
        next = exception(tf);
    else if (tf->vector == PIC_VECTOR_BASE + TIMER_IRQ)
        next = timer_interrupt(tf);
    else
        next = syscall_dispatch(tf);
    irq_trap_exit(next);
    return next;
}

void dispatch_init(void)
{
    for (int v = 0; v < EXCEPTIONS; v++)
        trap_set_handler(v, kernel_trap);
    trap_set_handler(PIC_VECTOR_BASE + TIMER_IRQ, kernel_trap);
    trap_set_handler(SYSCALL_VECTOR, kernel_trap);
    idt_open_to_user(SYSCALL_VECTOR, GATE_TRAP32);
}
