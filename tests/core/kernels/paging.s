# paging.s - turns paging on (CR0.PG): beyond chapter 2.
.include "kernel.inc"
    .globl _start
_start:
    SETUP
    mov %cr0, %eax
    or $0x80000000, %eax
    mov %eax, %cr0
    EXIT 0x10
    TABLES
