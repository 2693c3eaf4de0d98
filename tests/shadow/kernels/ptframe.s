# ptframe.s - a page the kernel wrote becomes a page table, and writes to it still count.
#
# The monitor sees the guest's stores into its page tables because every
# mapping of a page-table frame in the shadow is read-only.  A translation
# the CPU cached before the frame became a page table may still be
# writable, though -- also after its shadow PTE is gone, since the shadow
# drops entries without flushing the TLB (stale translations must last
# until INVLPG or MOV to CR3, as on the hardware).  The monitor must make
# the CPU forget every writable translation of a frame when it starts to
# track it, or a store through one reaches the guest's page table unseen.
#
#   TVA (page 0) -> frame 0 (P W A D), written: the TLB caches it writable
#   PTE 0 := the same frame with an AVL bit set (the shadow PTE goes; the
#            cached translation stays: it still says frame 0, writable)
#   PDE 4 := frame 0: it is now the page table of VA 0x1000000.., whose
#            entry 0x50 maps VA 0x1050000 -> frame 1
#   read 0x1050000; store through TVA: entry 0x50 := frame 2; MOV CR3, CR3
#
# The store reaches frame 0 whether or not the CPU kept the old translation
# (both say frame 0), so bare and trap agree on what memory holds.
#
# RESULTS +0  read of 0x1050000 (frame 1: 0x7ac00001)
#         +4  read of 0x1050000 after entry 0x50 := frame 2 and MOV CR3 (0x7ac00002)
#         +8  entry 0x50 of frame 0, read through TVA (frame 2 | P W, A set by the walk)
.include "kernel.inc"
.include "paging.inc"
.set AVL0, 0x200                 # bit 9: ignored by the processor (SDM Vol. 3A table 4-6)
.set PTVA, 0x01000000            # PDE 4, once frame 0 is its table
.set ENTRY, 0x50 * 4             # entry 0x50 of that table: VA 0x1050000
    .globl _start
_start:
    SETUP
    PAGING_INIT
    movl $0x7ac00001, FRAME + 0x1000
    movl $0x7ac00002, FRAME + 0x2000
    movl $(FRAME + 0x1000 | P | W), FRAME + ENTRY
    SET_PTE 0, FRAME + 0x0000, P | W | A | D
    PAGING_ON CR0_WP
    movl $0, TVA + 0x800                       # a writable translation of frame 0
    SET_PTE 0, FRAME + 0x0000, P | W | A | D | AVL0
    movl $(FRAME + 0x0000 | P | W), PD + 4 * 4
    mov PTVA + 0x50000, %eax
    mov %eax, RESULTS + 0
    movl $(FRAME + 0x2000 | P | W), TVA + ENTRY
    mov %cr3, %eax
    mov %eax, %cr3
    mov PTVA + 0x50000, %eax
    mov %eax, RESULTS + 4
    mov TVA + ENTRY, %eax
    mov %eax, RESULTS + 8
    EXIT 0
    HANDLERS
    TABLES
