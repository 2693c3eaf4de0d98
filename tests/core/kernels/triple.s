# triple.s - a fault nothing can take: an IDT of limit 0, then a divide by
# zero.  #DE finds no gate (#GP), #GP finds none (#DF), #DF finds none:
# triple fault (SDM Vol. 3A 6.15, interrupt 8).  RESULTS: +0 &div_insn.
.include "kernel.inc"
    .globl _start
_start:
    SETUP
    movl $div_insn, RESULTS + 0
    lidt idt_empty
    xor %ecx, %ecx
div_insn:
    div %ecx
    EXIT 0x7f                    # not reached
idt_empty:
    .word 0
    .long IDT
    TABLES
