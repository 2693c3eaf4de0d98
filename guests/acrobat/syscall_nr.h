/* syscall_nr.h - the acrobat system call ABI, shared by the kernel and user programs. */
#ifndef ACROBAT_SYSCALL_NR_H
#define ACROBAT_SYSCALL_NR_H

/*
 * A user program executes INT 0x80 with the call number in EAX and up to three
 * arguments in EBX, ECX, EDX; the result comes back in EAX (negative = error).
 */
#define SYSCALL_VECTOR 0x80

#define SYS_WRITE  1    /* write(fd, buf, len) -> len: append to my output */
#define SYS_GETPID 2    /* getpid() -> pid */
#define SYS_YIELD  3    /* yield() -> 0: let another process run */
#define SYS_SLEEP  4    /* sleep(ticks) -> 0: block for at least ticks timer ticks */
#define SYS_EXIT   5    /* exit(status): does not return */
#define SYS_SBRK   6    /* sbrk(n) -> old break: grow the heap by n >= 0 bytes */

/* User address space (kernel/vm.h explains the layout). */
#define USER_BASE       0x40000000u   /* programs are linked here (user/user.ld) */
#define USER_HEAP_MAX   0x50000000u   /* sbrk never grows the break past this */
#define USER_STACK_TOP  0x80000000u   /* stack grows down from here */
#define USER_STACK_MAX  (64u * 1024)  /* demand-zero stack region below the top */

#endif
