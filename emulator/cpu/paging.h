/* paging.h - the architectural layout of 32-bit paging entries and #PF error codes. */
#ifndef TRAPEZE_PAGING_H
#define TRAPEZE_PAGING_H

/*
 * Shared by everything that reads or builds page tables: the CPU's page walk
 * (mmu.c), monitors that build tables of their own (chapters 2 and 3), tests.
 *
 * SDM Vol. 3A 4.3, tables 4-4 to 4-6: a page-directory or page-table entry.
 *
 *   31            12 11  9  8   7   6   5   4   3   2   1   0
 *  +----------------+-----+---+---+---+---+---+---+---+---+---+
 *  |  page frame    | AVL | G |PS | D | A |PCD|PWT|U/S|R/W| P |
 *  +----------------+-----+---+---+---+---+---+---+---+---+---+
 *
 * PS exists only in a PDE (1 = 4-MiByte page, frame in bits 31:22, bits
 * 21:13 reserved without PSE-36); D and G only in the entry that maps the
 * page.
 */
#define PTE_P    0x001u
#define PTE_RW   0x002u
#define PTE_US   0x004u
#define PTE_PWT  0x008u
#define PTE_PCD  0x010u
#define PTE_A    0x020u
#define PTE_D    0x040u
#define PTE_PS   0x080u
#define PTE_G    0x100u
#define PTE_FRAME      0xfffff000u
#define PDE_FRAME_4M   0xffc00000u
#define PDE_RSVD_4M    0x003fe000u   /* bits 21:13: MAXPHYADDR is 32, no PSE-36 */

/* SDM Vol. 3A 4.3: a linear address is PDE index | PTE index | offset. */
#define PAGING_PDE_SHIFT 22
#define PAGING_PTE_SHIFT 12
#define PAGING_INDEX_MASK 0x3ffu
#define PAGING_ENTRIES 1024

/* SDM Vol. 3A 4.7, figure 4-12: the #PF error code. */
#define PF_P    0x1u    /* 0 = not present, 1 = protection violation */
#define PF_WR   0x2u    /* the access was a write */
#define PF_US   0x4u    /* the access was a user-mode access */
#define PF_RSVD 0x8u    /* a reserved bit was set in a paging entry */

#endif
