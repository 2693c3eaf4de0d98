# ptewrite.s - a write to a guest PTE is seen by the next access.
#
# Page 4's PTE starts not present: reading it faults.  The kernel then
# writes the PTE (frame 4, P W) and reads again: it must see frame 4.  No
# INVLPG is needed: nothing is cached from an entry with P = 0, so a
# change of P from 0 to 1 needs no invalidation (SDM Vol. 3A 4.10.4.3).
# Then it moves page 0 from frame 0 to frame 1 with INVLPG (SDM Vol. 3A
# 4.10.4.1) and reads it: frame 1.
#
# RESULTS +0  read of TVA + 0x4000 after the PTE write (frame 4: 0x44440004)
#         +4  read back of TVA + 0x4004 after writing 0x4444beef
#         +8  read of TVA after its PTE moved to frame 1 (0x11110001)
#         +12 the PTE of page 4 as the kernel wrote it, read back
# PF_LOG  [0] read TVA + 0x4000 while not present
.include "kernel.inc"
.include "paging.inc"
    .globl _start
_start:
    SETUP
    PAGING_INIT
    movl $0x00000000, FRAME + 0x0000
    movl $0x11110001, FRAME + 0x1000
    movl $0x44440004, FRAME + 0x4000
    SET_PTE 0, FRAME + 0x0000, P | W
    PAGING_ON CR0_WP
    mov TVA, %eax                              # PT_T now backs a translation
    ON_FAULT_GOTO 1f
    mov TVA + 0x4000, %eax                     # not present: #PF(0)
1:  SET_PTE 4, FRAME + 0x4000, P | W           # a store into the guest's table
    mov TVA + 0x4000, %eax
    mov %eax, RESULTS + 0
    movl $0x4444beef, TVA + 0x4004
    mov TVA + 0x4004, %eax
    mov %eax, RESULTS + 4
    SET_PTE 0, FRAME + 0x1000, P | W
    invlpg TVA
    mov TVA, %eax
    mov %eax, RESULTS + 8
    mov PT_T + PTE0 + 4 * 4, %eax
    mov %eax, RESULTS + 12
    EXIT 0
    HANDLERS
    TABLES
