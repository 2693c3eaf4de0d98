/* syscall.h - the system call layer: INT 0x80 from ring 3 to the kernel. */
#ifndef ACROBAT_SYSCALL_H
#define ACROBAT_SYSCALL_H

#include "trap.h"

/* Carry out the call described by tf (syscall_nr.h); returns the frame to resume. */
struct trapframe *syscall_dispatch(struct trapframe *tf);

#endif
