/*
 * native32_enter.S - jump into a test case with every register chosen.
 *
 * C cannot load all eight general registers and EFLAGS and then jump: the
 * compiler needs some of them.  This one routine does it with the stack
 * pointer aimed at the block of values: POPA takes the seven registers
 * (SDM Vol. 2B POPA: the ESP slot is skipped), POPF the flags, a MOV (which
 * changes no flag) the case's ESP, and an indirect JMP through memory (which
 * needs no register) enters the code.  The case never returns here: it ends
 * in a fault (its final HLT is privileged at CPL 3) whose signal handler
 * siglongjmps back to C.
 *
 * void native_enter(const struct native_regs *r);   -- does not return
 */
    .text
    .globl native_enter
    .type native_enter, @function
native_enter:
    movl 4(%esp), %esp      /* ESP = r: EDI ESI EBP (ESP) EBX EDX ECX EAX */
    popal
    popfl                   /* r->eflags */
    movl (%esp), %esp       /* r->esp */
    jmp *native_entry       /* DIFF_CODE_ADDR */
    .size native_enter, . - native_enter

    .section .note.GNU-stack, "", @progbits
