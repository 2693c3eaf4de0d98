# bigpde.s - INVLPG after a 4-MiB PDE stops being one.
#
# A processor may cache a 4-MiB page as one TLB entry or as several
# 4-KiB pieces (SDM Vol. 3A 4.10.2.3); either way INVLPG of an address
# in it drops every entry of that translation (4.10.4.1).  trapeze's TLB
# keeps the pieces the CPU used, each marked large, and INVLPG anywhere in
# the 4 MiB drops them all -- what a single 4-MiB entry would do -- also
# after the guest has rewritten the PDE: what decides is the entry the TLB
# cached, not what the PDE says now.  (The SDM's advice after changing such
# a PDE is INVLPG of every page number or MOV to CR3, 4.10.4.2; a guest
# that does less sees this hardware's behaviour, and the monitor must give
# it the same.)  The shadow holds a 4-MiB guest page as 4-KiB shadow PTEs,
# so its TLB entries are not marked large: the monitor must drop them all.
#
#   PDE 3 (VA 0xC00000) = 4 MiB at 0x800000, then -> PT_T2 (frames 0..2;
#                        PD2 is not used here, so its table is free)
#   PDE 4 (VA 0x1000000) = 4 MiB at 0x800000, then not present
#
# RESULTS +0  read of 0xC40000 through the 4-MiB page  (0xb16e0040)
#         +4  read of 0xC42000                        (0xb16e0042)
#         +8  read of 0xC42000 after PDE 3 := PT_T2, no INVLPG (stale: 0xb16e0042)
#         +12 read of 0xC42000 after INVLPG 0xC41000  (PT_T2: frame 2, 0x4e000002)
#         +16 read of 0xC40000                        (PT_T2: frame 0, 0x4e000000)
#         +20 read of 0x1050000 through the 4-MiB page (0xb16e0050)
#         +24 read of 0x1052000                       (0xb16e0052)
#         +28 read of 0x1052000 after PDE 4 := 0, no INVLPG (stale: 0xb16e0052)
#         +32 read of 0x1052000 after INVLPG 0x1051000: #PF, so stays 0
# PF_LOG  [0] read 0x1052000, PDE not present (error code 0)
.include "kernel.inc"
.include "paging.inc"
.set BIG_PA, 0x00800000
.set VA3, 0x00c00000             # PDE 3
.set VA4, 0x01000000             # PDE 4
    .globl _start
_start:
    SETUP
    PAGING_INIT
    movl $0xb16e0040, BIG_PA + 0x40000
    movl $0xb16e0042, BIG_PA + 0x42000
    movl $0xb16e0050, BIG_PA + 0x50000
    movl $0xb16e0052, BIG_PA + 0x52000
    movl $0x4e000000, FRAME + 0x0000
    movl $0x4e000001, FRAME + 0x1000
    movl $0x4e000002, FRAME + 0x2000
    movl $(FRAME + 0x0000 | P | W), PT_T2 + 0x40 * 4   # PT_T2 maps 0xC40000.. once PDE 3 names it
    movl $(FRAME + 0x1000 | P | W), PT_T2 + 0x41 * 4
    movl $(FRAME + 0x2000 | P | W), PT_T2 + 0x42 * 4
    movl $(BIG_PA | PS | P | W), PD + 3 * 4
    movl $(BIG_PA | PS | P | W), PD + 4 * 4
    mov %cr4, %eax
    or $CR4_PSE, %eax
    mov %eax, %cr4
    PAGING_ON CR0_WP
    # A 4-MiB page becomes a page table.
    mov VA3 + 0x40000, %eax
    mov %eax, RESULTS + 0
    mov VA3 + 0x42000, %eax
    mov %eax, RESULTS + 4
    movl $(PT_T2 | P | W), PD + 3 * 4
    mov VA3 + 0x42000, %eax
    mov %eax, RESULTS + 8
    invlpg VA3 + 0x41000                       # a piece never read
    mov VA3 + 0x42000, %eax
    mov %eax, RESULTS + 12
    mov VA3 + 0x40000, %eax
    mov %eax, RESULTS + 16
    # A 4-MiB page goes.
    mov VA4 + 0x50000, %eax
    mov %eax, RESULTS + 20
    mov VA4 + 0x52000, %eax
    mov %eax, RESULTS + 24
    movl $0, PD + 4 * 4
    mov VA4 + 0x52000, %eax
    mov %eax, RESULTS + 28
    invlpg VA4 + 0x51000
    ON_FAULT_GOTO 1f
    mov VA4 + 0x52000, %eax                    # PDE not present: #PF(0)
    mov %eax, RESULTS + 32
1:  EXIT 0
    HANDLERS
    TABLES
