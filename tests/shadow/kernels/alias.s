# alias.s - one frame at two virtual pages (three, one read-only).
#
# Pages 0 and 1 map frame 0 writable, page 2 maps it read-only.  A store
# through either writable alias is seen through the others: they are one
# physical location (SDM Vol. 3A 4.3).  Both aliases are read before any
# store, so a translation of each exists before memory changes.
#
# RESULTS +0  read of page 0 (0xa11a0000)  +4 read of page 1 (same)
#         +8  page 1 after 0xa1 stored through page 0
#         +12 page 2 after that store
#         +16 page 0 after 0xa2 stored through page 1
#         +20 page 2 after the faulting store through it (still 0xa2)
# PF_LOG  [0] write TVA + 0x2000 (read-only alias): error 0x3
.include "kernel.inc"
.include "paging.inc"
    .globl _start
_start:
    SETUP
    PAGING_INIT
    movl $0xa11a0000, FRAME + 0x0000
    SET_PTE 0, FRAME + 0x0000, P | W
    SET_PTE 1, FRAME + 0x0000, P | W
    SET_PTE 2, FRAME + 0x0000, P
    PAGING_ON CR0_WP
    mov TVA, %eax
    mov %eax, RESULTS + 0
    mov TVA + 0x1000, %eax
    mov %eax, RESULTS + 4
    mov TVA + 0x2000, %eax
    movl $0xa1, TVA
    mov TVA + 0x1000, %eax
    mov %eax, RESULTS + 8
    mov TVA + 0x2000, %eax
    mov %eax, RESULTS + 12
    movl $0xa2, TVA + 0x1000
    mov TVA, %eax
    mov %eax, RESULTS + 16
    ON_FAULT_GOTO 1f
    movl $0xa3, TVA + 0x2000                   # read-only alias: #PF(3)
1:  mov TVA + 0x2000, %eax
    mov %eax, RESULTS + 20
    EXIT 0
    HANDLERS
    TABLES
