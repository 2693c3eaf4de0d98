# faults.s - hidden and true page faults.
#
# Test pages 0 and 1 are present; page 2's PTE is not present (P = 0),
# page 3's PTE names a frame but has P = 0, and PDE 3 (VA 0xC00000) is not
# present at all.  Accesses the tables allow must not reach the guest's
# #PF handler; each of the three others must, with the error code and CR2
# of SDM Vol. 3A 4.7 and 6.15 (error code bit 0 P: 0 = not present;
# bit 1 W/R: 1 = write; bit 2 U/S: 1 = user mode; CR2 = linear address).
#
# A hidden fault is the monitor's business alone: the guest's CR2 keeps
# what the guest last put there (SDM Vol. 3A 2.5: CR2 holds the linear
# address that caused a page fault; bare, none did).
#
# RESULTS +0  read of TVA (frame 0 holds 0x11110000)
#         +4  read back of what was written to TVA + 0x1008
#         +8  PF_COUNT after those two (0: no fault reached the guest)
#         +12 CR2 after those two (0xc2c2c000, stored by the kernel before)
# PF_LOG  [0] read  TVA + 0x2010  [1] write TVA + 0x3024  [2] read 0xC00008
.include "kernel.inc"
.include "paging.inc"
    .globl _start
_start:
    SETUP
    PAGING_INIT
    movl $0x11110000, FRAME + 0x0000          # paging is off: physical addresses
    movl $0x22220000, FRAME + 0x1000
    SET_PTE 0, FRAME + 0x0000, P | W
    SET_PTE 1, FRAME + 0x1000, P | W
    SET_PTE 3, FRAME + 0x3000, W              # everything but P
    mov $0xc2c2c000, %eax
    mov %eax, %cr2
    PAGING_ON CR0_WP
    mov TVA, %eax                              # allowed: a hidden fault at most
    mov %eax, RESULTS + 0
    movl $0x12345678, TVA + 0x1008
    mov TVA + 0x1008, %eax
    mov %eax, RESULTS + 4
    mov PF_COUNT, %eax
    mov %eax, RESULTS + 8
    mov %cr2, %eax
    mov %eax, RESULTS + 12
    ON_FAULT_GOTO 1f
    mov TVA + 0x2010, %eax                     # PTE not present: #PF(0)
1:  ON_FAULT_GOTO 2f
    movl $0xbad, TVA + 0x3024                  # P = 0, whatever else: #PF(2)
2:  ON_FAULT_GOTO 3f
    mov 0x00c00008, %eax                       # PDE not present: #PF(0)
3:  EXIT 0
    HANDLERS
    TABLES
