# bigpage.s - a 4-MiB page (SDM Vol. 3A 4.3, table 4-4).
#
# With CR4.PSE = 1, a PDE with PS = 1 maps a whole 4-MiB page: bits 31:22
# of the PDE give the frame, bits 21:0 of the address the offset.  PDE 3
# maps VA 0xC00000..0xFFFFFF to physical 0x800000..0xBFFFFF, A = D = 0
# at first; the processor sets A and D in that PDE (SDM Vol. 3A 4.8).
#
# RESULTS +0  read of 0xC00000 + 0x1abcd0 (physical 0x9abcd0 holds 0xb16b0001)
#         +4  PDE 3 after the read   (A = 1, D = 0)
#         +8  PDE 3 after a write of 0xb16b0002 to 0xC00000 + 0x3ff010
#                                      (A = 1, D = 1; physical 0xbff010)
.include "kernel.inc"
.include "paging.inc"
.set BIG_VA, 0x00c00000
.set BIG_PA, 0x00800000
    .globl _start
_start:
    SETUP
    PAGING_INIT
    movl $0xb16b0001, BIG_PA + 0x1abcd0
    movl $(BIG_PA | PS | P | W), PD + 3 * 4
    mov %cr4, %eax
    or $CR4_PSE, %eax
    mov %eax, %cr4
    PAGING_ON CR0_WP
    mov BIG_VA + 0x1abcd0, %eax
    mov %eax, RESULTS + 0
    mov PD + 3 * 4, %eax
    mov %eax, RESULTS + 4
    movl $0xb16b0002, BIG_VA + 0x3ff010
    mov PD + 3 * 4, %eax
    mov %eax, RESULTS + 8
    EXIT 0
    HANDLERS
    TABLES
