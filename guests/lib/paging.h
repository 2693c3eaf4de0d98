/* paging.h - 32-bit two-level paging: entry bits, identity maps, turning paging on. */
#ifndef GUEST_PAGING_H
#define GUEST_PAGING_H

#include <stdint.h>

#define PAGE_SIZE   4096u
#define PT_ENTRIES  1024u
#define PAGE_MASK   (~(PAGE_SIZE - 1))

/*
 * Page-directory and page-table entries for 4 KiB pages (SDM Vol. 3A 4.3,
 * Figures 4-4):
 *
 *  31                        12 11  9 8   7   6   5   4   3   2   1   0
 * +----------------------------+-----+-+---+---+---+---+---+---+---+---+
 * |  physical address of frame | AVL |G|PAT| D | A |PCD|PWT|U/S|R/W| P |
 * +----------------------------+-----+-+---+---+---+---+---+---+---+---+
 *  (in a PDE, bit 7 is PS and bit 6 is ignored; the address is the page table's)
 */
#define PTE_P      (1u << 0)      /* present */
#define PTE_W      (1u << 1)      /* writable */
#define PTE_U      (1u << 2)      /* user (ring 3) may access */
#define PTE_ADDR(e) ((e) & PAGE_MASK)

/* SDM Vol. 3A 4.3: bits 31:22 index the directory, 21:12 the table. */
#define PDX(va)    ((uint32_t)(va) >> 22)
#define PTX(va)    (((uint32_t)(va) >> 12) & (PT_ENTRIES - 1))

/* #PF error code (SDM Vol. 3A 6.15, Figure 6-11): | ... | U/S | W/R | P | */
#define PF_ERR_P   (1u << 0)      /* 0 = page not present, 1 = protection */

/* Map [0, bytes) one to one in pd (supervisor, writable), using the page tables
   at pts (bytes / 4 MiB of them, 4 KiB aligned, caller-provided). */
void paging_identity_map(uint32_t *pd, uint32_t *pts, uint32_t bytes);

/* Load CR3 with pd and turn on paging (with CR0.WP, so ring 0 honours R/W). */
void paging_enable(uint32_t *pd);

/* The PTE that maps va in pd, or 0 when va's page table is not present.
   pd and its page tables must be reachable at their physical addresses. */
uint32_t *paging_pte(uint32_t *pd, uint32_t va);

#endif
