# triple.s - a page fault with no IDT, paging on: triple fault.
#
# With an IDT limit of 0 no vector has a gate: the #PF cannot be
# delivered (a vector outside the IDT limit raises #GP: SDM Vol. 2A, INT n,
# protected-mode exceptions), nor can that #GP: a double fault (SDM Vol.
# 3A 6.15, interrupt 8, table 6-5), whose delivery fails too, so the
# processor shuts down (triple fault).
#
# RESULTS +0  0x7f1e once paging is on (the fault came after it)
.include "kernel.inc"
.include "paging.inc"
    .globl _start
_start:
    SETUP
    PAGING_INIT
    PAGING_ON CR0_WP
    movl $0x7f1e, RESULTS + 0
    lidt no_idt
    mov 0x00c00000, %eax                       # PDE 3 not present: #PF
    EXIT 0                                     # never reached
    HANDLERS
    TABLES
no_idt:
    .word 0
    .long 0
