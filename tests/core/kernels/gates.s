# gates.s - an interrupt gate clears IF on delivery, a trap gate leaves it
# alone (SDM Vol. 3A 6.12.1.3).  PARAM, which the test writes before the
# kernel runs: 0 = INT 0x40 through an interrupt gate, 1 = a trap gate.
# RESULTS: +0 EFLAGS pushed by INT 0x40.  The handler ends the run, so the
# test reads IF as delivery left it.
.include "kernel.inc"
.set PARAM, RESULTS + 0x100
    .globl _start
_start:
    SETUP
    SET_GATE 0x40, on_int40, 0
    cmpl $0, PARAM
    je 1f
    orw $0x0100, IDT + 0x40 * 8 + 4   # type 1110b -> 1111b: a trap gate
1:  sti
    int $0x40
on_int40:
    mov 8(%esp), %eax
    mov %eax, RESULTS + 0
    EXIT 0x10
    TABLES
