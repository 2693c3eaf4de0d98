/*
 * isr.S - the way into and out of the kernel for every interrupt and exception.
 *
 * The CPU enters a handler with only EIP, CS, EFLAGS (and, coming from ring 3,
 * ESP and SS) pushed (SDM Vol. 3A 6.12.1); some exceptions also push an error
 * code.  Each stub below makes the stack look the same for all 256 vectors (a
 * dummy error code where the CPU pushes none, then the vector number) and jumps
 * to isr_common, which saves the rest of the registers as a struct trapframe
 * (trap.h) and calls trap_dispatch().  trap_dispatch returns the frame to resume
 * -- normally the same one; a scheduler returns another process's frame, and
 * that is a context switch.
 */

    .text
    .globl isr_stub_base
    .balign 16
isr_stub_base:
    .set vec, 0
    .rept 256
    .balign 16                     /* stub for vector v is at isr_stub_base + 16 v */
    /* SDM Vol. 3A Table 6-1: #DF(8), #TS(10), #NP(11), #SS(12), #GP(13), #PF(14),
       #AC(17), #CP(21) push an error code; for the others we push a zero. */
    .if (vec == 8) || ((vec >= 10) && (vec <= 14)) || (vec == 17) || (vec == 21)
    .else
    pushl $0
    .endif
    pushl $vec
    jmp isr_common
    .set vec, vec + 1
    .endr

isr_common:
    pushl %ds
    pushl %es
    pushl %fs
    pushl %gs
    pushal
    movw %ss, %ax                  /* SS is the kernel's data segment now */
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %fs
    movw %ax, %gs
    pushl %esp                     /* argument: the struct trapframe */
    call trap_dispatch
    movl %eax, %esp                /* the frame to resume */
    /* fall through */

    .globl isr_return
isr_return:
    popal
    popl %gs
    popl %fs
    popl %es
    popl %ds
    addl $8, %esp                  /* vector and error code */
    iret

/* void trap_resume(struct trapframe *tf): leave the kernel through tf. */
    .globl trap_resume
trap_resume:
    movl 4(%esp), %esp
    jmp isr_return

/* The table desc.c reads: the address of each stub. */
    .section .rodata
    .globl isr_stubs
    .balign 4
isr_stubs:
    .set vec, 0
    .rept 256
    .long isr_stub_base + 16 * vec
    .set vec, vec + 1
    .endr

    .section .note.GNU-stack, "", @progbits   /* no executable stack needed */
