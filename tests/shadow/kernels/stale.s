# stale.s - a stale translation lasts until INVLPG, as on the hardware.
#
# SDM Vol. 3A 4.10.4.2 and 4.10.4.4: after changing a PTE, software must
# invalidate the translation; until then the processor may keep using the
# one it cached.  trapeze's bare CPU has a TLB, so it does: page 0 keeps
# reaching frame A after its PTE names frame B, until INVLPG.  A MOV to CR3
# invalidates every non-global translation too (SDM Vol. 3A 4.10.4.1).
#
# RESULTS +0  read of TVA, PTE -> A        (0xaaaa000a)
#         +4  read after PTE := B, no INVLPG (still A: stale)
#         +8  read after INVLPG TVA       (B: 0xbbbb000b)
#         +12 read after PTE := A, no INVLPG (still B)
#         +16 read after MOV CR3, CR3     (A)
.include "kernel.inc"
.include "paging.inc"
.set FA, FRAME + 0x0000
.set FB, FRAME + 0x1000
    .globl _start
_start:
    SETUP
    PAGING_INIT
    movl $0xaaaa000a, FA
    movl $0xbbbb000b, FB
    SET_PTE 0, FA, P | W
    PAGING_ON CR0_WP
    mov TVA, %eax                              # cached: TVA -> A
    mov %eax, RESULTS + 0
    SET_PTE 0, FB, P | W
    mov TVA, %eax
    mov %eax, RESULTS + 4
    invlpg TVA
    mov TVA, %eax
    mov %eax, RESULTS + 8
    SET_PTE 0, FA, P | W
    mov TVA, %eax
    mov %eax, RESULTS + 12
    mov %cr3, %eax
    mov %eax, %cr3
    mov TVA, %eax
    mov %eax, RESULTS + 16
    EXIT 0
    HANDLERS
    TABLES
