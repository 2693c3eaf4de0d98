/*
 * syscall.c - the kernel's services, one function each.
 *
 * Arguments come from user registers and pointers point into user memory, so
 * nothing is trusted: write() checks that the buffer is user memory before
 * copying it (mapping demand-zero pages on the way, exactly as a fault would).
 * The result goes back in the saved EAX, which IRET restores.
 */
#include "syscall.h"

#include "paging.h"
#include "proc.h"
#include "syscall_nr.h"
#include "vm.h"

#define SYSCALL_ERROR ((uint32_t)-1)

/* Make [va, va+len) readable user memory of the current process: returns 0, or
   -1 if part of it is not the process's. */
static int user_readable(uint32_t va, uint32_t len)
{
    if (va < USER_BASE || va >= USER_STACK_TOP || len > USER_STACK_TOP - va)
        return -1;
    for (uint32_t page = va & PAGE_MASK; page < va + len; page += PAGE_SIZE) {
        uint32_t *pte = paging_pte(current->pd, page);
        if (pte && (*pte & PTE_P) && (*pte & PTE_U))
            continue;
        if (!proc_demand_zero(current, page) || vm_map_zero(current->pd, page) < 0)
            return -1;
        current->zero_fills++;
    }
    return 0;
}

/* write(fd, buf, len): only fd 1, collected for the final transcript. */
static uint32_t sys_write(uint32_t fd, uint32_t buf, uint32_t len)
{
    if (fd != 1 || user_readable(buf, len) < 0)
        return SYSCALL_ERROR;
    return proc_output(current, (const char *)buf, len);
}

/* sbrk(n): move the break up by n bytes; pages appear on first touch. */
static uint32_t sys_sbrk(int32_t n)
{
    uint32_t old = current->brk;
    if (n < 0 || (uint32_t)n > USER_HEAP_MAX - old)
        return SYSCALL_ERROR;
    current->brk = old + (uint32_t)n;
    return old;
}

struct trapframe *syscall_dispatch(struct trapframe *tf)
{
    switch (tf->eax) {
    case SYS_WRITE:  tf->eax = sys_write(tf->ebx, tf->ecx, tf->edx); return tf;
    case SYS_GETPID: tf->eax = (uint32_t)current->pid; return tf;
    case SYS_SBRK:   tf->eax = sys_sbrk((int32_t)tf->ebx); return tf;
    case SYS_YIELD:  tf->eax = 0; return proc_yield(tf);
    case SYS_SLEEP:  tf->eax = 0; return proc_sleep(tf, tf->ebx);
    case SYS_EXIT:   return proc_exit(tf, (int)tf->ebx);
    default:         tf->eax = SYSCALL_ERROR; return tf;
    }
}
