# adbits.s - accessed and dirty bits (SDM Vol. 3A 4.8).
#
# The processor sets A in every paging-structure entry it uses for a
# translation, and D in the PTE that maps a page it writes to.  Test
# pages 0 and 1 and PDE 2 start with A = D = 0.
#
# RESULTS +0  PDE 2 before any access through it (A = 0)
#         +4  PTE 0 after a read of page 0   (A = 1, D = 0)
#         +8  PDE 2 after that read          (A = 1)
#         +12 PTE 0 after a write to page 0  (A = 1, D = 1)
#         +16 PTE 1 after a write to page 1, never read before (A = 1, D = 1)
#         +20 PTE 2 (never accessed: A = 0, D = 0)
.include "kernel.inc"
.include "paging.inc"
    .globl _start
_start:
    SETUP
    PAGING_INIT
    SET_PTE 0, FRAME + 0x0000, P | W
    SET_PTE 1, FRAME + 0x1000, P | W
    SET_PTE 2, FRAME + 0x2000, P | W
    PAGING_ON CR0_WP
    mov PD + 2 * 4, %eax
    mov %eax, RESULTS + 0
    mov TVA, %eax                              # a read
    mov PT_T + PTE0 + 0 * 4, %eax
    mov %eax, RESULTS + 4
    mov PD + 2 * 4, %eax
    mov %eax, RESULTS + 8
    movl $0xd1d1, TVA + 4                      # a write
    mov PT_T + PTE0 + 0 * 4, %eax
    mov %eax, RESULTS + 12
    movl $0xd2d2, TVA + 0x1000                 # a first access that writes
    mov PT_T + PTE0 + 1 * 4, %eax
    mov %eax, RESULTS + 16
    mov PT_T + PTE0 + 2 * 4, %eax
    mov %eax, RESULTS + 20
    EXIT 0
    HANDLERS
    TABLES
