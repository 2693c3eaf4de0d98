# badss0.s - a TSS whose SS0 is a ring-3 data segment.  INT n from ring 3
# must switch to SS0:ESP0, and SS0's DPL is not 0: #TS(SS0), which needs the
# same stack again (#TS, #DF, triple fault: SDM Vol. 3A 6.12.1, 6.15).
# RESULTS: +0 1 if the INT 0x80 handler ever ran.
.include "kernel.inc"
    .globl _start
_start:
    SETUP
    SET_GATE 0x80, on_int80, 3
    SET_GATE 10, on_int80, 0
    SET_GATE 8, on_int80, 0
    movl $SEL_UDATA, TSS + 8     # SS0: DPL 3
    mov $SEL_TSS, %ax
    ltr %ax
    pushl $SEL_UDATA
    pushl $USTACK
    pushl $0x202
    pushl $SEL_UCODE
    pushl $user
    iret
user:
    int $0x80
    EXIT 0x7f                    # not reached
on_int80:
    movl $1, RESULTS + 0
    EXIT 0x10
    TABLES
