# pdechange.s - directory entries rewritten while paging is on.
#
# A PDE is a paging-structure entry like a PTE: after the guest rewrites
# one, translations the TLB cached through it may stay until INVLPG or a
# MOV to CR3 (SDM Vol. 3A 4.10.4.2, 4.10.4.4), and whatever the processor
# walks afresh uses the new entry.  The shadow derived a whole shadow page
# table from the old PDE (for a 4-MiB page, from the PDE alone): it must
# drop that table, in the current root and in the cached one a MOV to CR3
# finds again, or it keeps translating through the old entry.
#
# 1. PDE 2 -> PT_T (pages 0, 1 -> frames 0, 1), then -> PT_T2 (-> frames 2, 3)
# 2. PDE 2 cleared
# 3. PDE 3 = 4 MiB at 0x800000, then 4 MiB at 0x400000
# (in this order: INVLPG in a 4-MiB page may drop more than the page
# number, see bigpde.s, and nothing after 3 relies on what the TLB keeps.)
#
# RESULTS +0  read of TVA           (frame 0: 0x9d000000)
#         +4  read of TVA + 0x1000  (frame 1: 0x9d000001)
#         +8  read of TVA after PDE 2 := PT_T2, no INVLPG (stale: frame 0)
#         +12 read of TVA after INVLPG TVA (frame 2: 0x9d000002)
#         +16 read of TVA + 0x1000, not invalidated (stale: frame 1)
#         +20 read of TVA + 0x1000 after MOV CR3, CR3 (frame 3: 0x9d000003)
#         +24 read of TVA           (frame 2 again: the TLB is empty after MOV CR3)
#         +28 read of TVA after PDE 2 := 0, no INVLPG (stale: frame 2)
#         +32 read of TVA after INVLPG TVA: #PF, stays 0
#         +36 read of TVA + 0x1000, not invalidated (stale: frame 3)
#         +40 read of TVA + 0x1000 after MOV CR3, CR3: #PF, stays 0
#         +44 read of 0xC50000      (4 MiB at 0x800000: 0xb1600050)
#         +48 read of 0xC52000      (0xb1600052)
#         +52 read of 0xC52000 after PDE 3 := 4 MiB at 0x400000, no INVLPG (stale)
#         +56 read of 0xC52000 after INVLPG 0xC50000 (0xb1400052)
#         +60 read of 0xC50000      (0xb1400050)
# PF_LOG  [0] read TVA, PDE not present  [1] read TVA + 0x1000, same
.include "kernel.inc"
.include "paging.inc"
.set BIG0, 0x00800000
.set BIG1, 0x00400000
.set BIG_VA, 0x00c00000          # PDE 3
    .globl _start
_start:
    SETUP
    PAGING_INIT
    movl $0x9d000000, FRAME + 0x0000
    movl $0x9d000001, FRAME + 0x1000
    movl $0x9d000002, FRAME + 0x2000
    movl $0x9d000003, FRAME + 0x3000
    movl $0xb1600050, BIG0 + 0x50000
    movl $0xb1600052, BIG0 + 0x52000
    movl $0xb1400050, BIG1 + 0x50000
    movl $0xb1400052, BIG1 + 0x52000
    SET_PTE 0, FRAME + 0x0000, P | W
    SET_PTE 1, FRAME + 0x1000, P | W
    movl $(FRAME + 0x2000 | P | W), PT_T2 + PTE0 + 0 * 4
    movl $(FRAME + 0x3000 | P | W), PT_T2 + PTE0 + 1 * 4
    movl $(BIG0 | PS | P | W), PD + 3 * 4
    mov %cr4, %eax
    or $CR4_PSE, %eax
    mov %eax, %cr4
    PAGING_ON CR0_WP
    # 1. A 4-KiB PDE names another table.
    mov TVA, %eax
    mov %eax, RESULTS + 0
    mov TVA + 0x1000, %eax
    mov %eax, RESULTS + 4
    movl $(PT_T2 | P | W | U), PD + 2 * 4
    mov TVA, %eax
    mov %eax, RESULTS + 8
    invlpg TVA
    mov TVA, %eax
    mov %eax, RESULTS + 12
    mov TVA + 0x1000, %eax
    mov %eax, RESULTS + 16
    mov %cr3, %eax
    mov %eax, %cr3
    mov TVA + 0x1000, %eax
    mov %eax, RESULTS + 20
    # 2. A 4-KiB PDE goes.
    mov TVA, %eax
    mov %eax, RESULTS + 24
    movl $0, PD + 2 * 4
    mov TVA, %eax
    mov %eax, RESULTS + 28
    invlpg TVA
    ON_FAULT_GOTO 1f
    mov TVA, %eax                              # PDE not present: #PF(0)
    mov %eax, RESULTS + 32
1:  mov TVA + 0x1000, %eax
    mov %eax, RESULTS + 36
    mov %cr3, %eax
    mov %eax, %cr3
    ON_FAULT_GOTO 2f
    mov TVA + 0x1000, %eax                     # PDE not present: #PF(0)
    mov %eax, RESULTS + 40
    # 3. A 4-MiB PDE names another frame.
2:  mov BIG_VA + 0x50000, %eax
    mov %eax, RESULTS + 44
    mov BIG_VA + 0x52000, %eax
    mov %eax, RESULTS + 48
    movl $(BIG1 | PS | P | W), PD + 3 * 4
    mov BIG_VA + 0x52000, %eax
    mov %eax, RESULTS + 52
    invlpg BIG_VA + 0x50000
    mov BIG_VA + 0x52000, %eax
    mov %eax, RESULTS + 56
    mov BIG_VA + 0x50000, %eax
    mov %eax, RESULTS + 60
    EXIT 0
    HANDLERS
    TABLES
