/*
 * paging.c - the smallest useful paging setup.
 *
 * With CR0.PG set every address goes through a two-level table: the page
 * directory (CR3) picks a page table per 4 MiB, the page table picks a 4 KiB
 * frame per page.  Guests that need paging start from an identity map of low
 * memory (virtual = physical, so the kernel keeps running when paging turns on)
 * and then change single entries to make pages appear and disappear.
 */
#include "paging.h"

#include "string.h"
#include "x86.h"

#define PAGE_TABLE_SPAN (PT_ENTRIES * PAGE_SIZE)   /* 4 MiB per page table */

void paging_identity_map(uint32_t *pd, uint32_t *pts, uint32_t bytes)
{
    memset(pd, 0, PAGE_SIZE);
    for (uint32_t t = 0; t < bytes / PAGE_TABLE_SPAN; t++) {
        uint32_t *pt = pts + t * PT_ENTRIES;
        for (uint32_t i = 0; i < PT_ENTRIES; i++)
            pt[i] = (t * PAGE_TABLE_SPAN + i * PAGE_SIZE) | PTE_P | PTE_W;
        pd[t] = (uint32_t)pt | PTE_P | PTE_W | PTE_U;  /* the PTEs decide U/S */
    }
}

void paging_enable(uint32_t *pd)
{
    write_cr3((uint32_t)pd);
    write_cr0(read_cr0() | CR0_PG | CR0_WP);
}

uint32_t *paging_pte(uint32_t *pd, uint32_t va)
{
    uint32_t pde = pd[PDX(va)];
    if (!(pde & PTE_P))
        return 0;
    return (uint32_t *)PTE_ADDR(pde) + PTX(va);
}
