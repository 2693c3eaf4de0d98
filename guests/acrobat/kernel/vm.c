/*
 * vm.c - building page directories.
 *
 * Each process gets its own page directory, so the same user address means a
 * different page in each process and no process can see another's memory.  The
 * kernel's first 4 MiB are mapped by one shared page table, referenced from
 * every directory with U/S = 0: the kernel stays at the same place whichever
 * process runs, and ring 3 cannot touch it.
 */
#include "vm.h"

#include "kalloc.h"
#include "paging.h"
#include "string.h"
#include "x86.h"

static uint32_t kernel_pd[PT_ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static uint32_t kernel_pt[PT_ENTRIES] __attribute__((aligned(PAGE_SIZE)));

void vm_init(void)
{
    paging_identity_map(kernel_pd, kernel_pt, KERNEL_MAP_BYTES);
    kernel_pt[0] = 0;                       /* catch null pointers in the kernel */
    kernel_pd[0] &= ~PTE_U;                 /* supervisor-only, whatever the PTEs say */
    paging_enable(kernel_pd);
}

uint32_t *vm_new(void)
{
    uint32_t *pd = kalloc();
    if (pd)
        pd[0] = kernel_pd[0];
    return pd;
}

int vm_map(uint32_t *pd, uint32_t va, uint32_t pa, uint32_t flags)
{
    uint32_t *pte = paging_pte(pd, va);
    if (!pte) {
        uint32_t *pt = kalloc();
        if (!pt)
            return -1;
        pd[PDX(va)] = (uint32_t)pt | PTE_P | PTE_W | PTE_U;  /* PTEs decide */
        pte = &pt[PTX(va)];
    }
    *pte = PTE_ADDR(pa) | flags | PTE_P;
    invlpg(va);
    return 0;
}

int vm_map_zero(uint32_t *pd, uint32_t va)
{
    void *page = kalloc();
    if (!page)
        return -1;
    return vm_map(pd, va & PAGE_MASK, (uint32_t)page, PTE_W | PTE_U);
}

void vm_switch(uint32_t *pd)
{
    write_cr3((uint32_t)pd);
}
