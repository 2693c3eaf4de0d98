/*
 * proc.c - processes and a round-robin scheduler.
 *
 * A process is an address space, a kernel stack and a saved trap frame.  Every
 * way into the kernel (system call, timer interrupt, fault) saves the user
 * registers as a trap frame on the process's kernel stack; leaving the kernel
 * restores a trap frame with IRET.  So switching processes is just returning a
 * different process's frame -- after pointing CR3 at its page directory and the
 * TSS at its kernel stack.  The kernel itself never blocks halfway through:
 * a system call either finishes or hands the CPU to someone else.
 *
 * The scheduler's data is shared with the timer interrupt, so it is only
 * touched with interrupts off; sched() checks that they really are.
 */
#include "proc.h"

#include "desc.h"
#include "elf.h"
#include "irqstate.h"
#include "kalloc.h"
#include "paging.h"
#include "runtime.h"
#include "string.h"
#include "syscall_nr.h"
#include "timer.h"
#include "vm.h"
#include "x86.h"

struct proc procs[NPROC];
struct proc *current;

/* A free slot in the process table, or 0. */
static struct proc *proc_alloc(void)
{
    for (int i = 0; i < NPROC; i++)
        if (procs[i].state == PROC_UNUSED) {
            procs[i].pid = i + 1;
            return &procs[i];
        }
    return 0;
}

int proc_spawn(const struct user_program *prog)
{
    struct proc *p = proc_alloc();
    if (!p || !(p->pd = vm_new()) || !(p->kstack = kalloc()))
        return -1;
    uint32_t end;
    uint32_t entry = elf_load(p->pd, prog->start, (uint32_t)(prog->end - prog->start), &end);
    if (!entry)
        return -1;
    p->name = prog->name;
    p->heap_start = p->brk = (end + PAGE_SIZE - 1) & PAGE_MASK;
    /* The frame sits exactly where the CPU will push it on a trap from ring 3. */
    p->tf = (struct trapframe *)(p->kstack + PAGE_SIZE) - 1;
    trap_user_frame(p->tf, entry, USER_STACK_TOP, EFLAGS_IF);
    p->state = PROC_RUNNABLE;
    return p->pid;
}

int proc_demand_zero(const struct proc *p, uint32_t va)
{
    int in_heap = va >= p->heap_start && va < p->brk;
    int in_stack = va >= USER_STACK_TOP - USER_STACK_MAX && va < USER_STACK_TOP;
    return in_heap || in_stack;
}

uint32_t proc_output(struct proc *p, const char *buf, uint32_t n)
{
    if (n > OUTPUT_BYTES - p->output_len)
        n = OUTPUT_BYTES - p->output_len;
    memcpy(p->output + p->output_len, buf, n);
    p->output_len += n;
    return n;
}

/* Make p the running process: its address space, its kernel stack. */
static struct trapframe *switch_to(struct proc *p)
{
    current = p;
    vm_switch(p->pd);
    tss_set_kernel_stack((uint32_t)(p->kstack + PAGE_SIZE));
    return p->tf;
}

/* The next runnable process after the current one (round robin), or 0. */
static struct proc *pick_next(void)
{
    int start = current ? (int)(current - procs) + 1 : 0;
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = &procs[(start + i) % NPROC];
        if (p->state == PROC_RUNNABLE)
            return p;
    }
    return 0;
}

/* Are any processes left that have not exited? */
static int any_alive(void)
{
    for (int i = 0; i < NPROC; i++)
        if (procs[i].state == PROC_RUNNABLE || procs[i].state == PROC_SLEEPING)
            return 1;
    return 0;
}

/* Choose the next process to run (idling until one is runnable) and return its
   frame.  Must be called with interrupts off; tf is the current process's. */
static struct trapframe *sched(struct trapframe *tf)
{
    if (irq_enabled())
        panic("sched: called with interrupts enabled");
    if (current)
        current->tf = tf;
    for (;;) {
        struct proc *next = pick_next();
        if (next)
            return switch_to(next);
        if (!any_alive())
            kernel_finish();
        irq_idle_wait();           /* sleepers wake in the timer interrupt */
    }
}

void proc_start(void)
{
    irq_save();
    struct trapframe *tf = sched(0);
    irq_restore();
    irq_trap_exit(tf);
    trap_resume(tf);
}

struct trapframe *proc_yield(struct trapframe *tf)
{
    irq_save();
    tf = sched(tf);
    irq_restore();
    return tf;
}

struct trapframe *proc_sleep(struct trapframe *tf, uint32_t ticks)
{
    irq_save();
    current->wake_tick = timer_ticks() + ticks;
    current->state = PROC_SLEEPING;
    tf = sched(tf);
    irq_restore();
    return tf;
}

struct trapframe *proc_exit(struct trapframe *tf, int status)
{
    irq_save();
    current->exit_status = status;
    current->state = PROC_ZOMBIE;
    tf = sched(tf);
    irq_restore();
    return tf;
}

void proc_wake_sleepers(uint32_t now)
{
    for (int i = 0; i < NPROC; i++)
        if (procs[i].state == PROC_SLEEPING && now >= procs[i].wake_tick)
            procs[i].state = PROC_RUNNABLE;
}
