/* pagetable.c - the monitor's page tables: what of the physical machine the guest may touch. */

/*
 * The CPU runs with paging on and CR3 pointing at tables the monitor owns
 * (the guest believes paging is off).  They map exactly two things:
 *
 *   linear [0, guest RAM)           -> physical [0, guest RAM)   user, writable
 *   linear [MONITOR_LINEAR, 4 GiB)  -> monitor memory            supervisor
 *
 * Nothing else is mapped, so any guest access outside its RAM (the local
 * APIC, the I/O APIC, open bus) is a page fault that exits to the monitor,
 * which maps that one page for one instruction (pt_map_mmio).  The monitor
 * region is supervisor-only, and since CPL 1 also counts as supervisor
 * (SDM Vol. 3A 4.6), what really keeps the guest kernel out is segment
 * truncation (shadow_gdt.c).
 *
 * SDM Vol. 3A 4.3, figure 4-4: a 32-bit PDE or PTE.
 *
 *   31              12 11  9 8 7 6 5 4 3 2   1   0
 *  +------------------+-----+-+-+-+-+-+-+---+---+---+
 *  | page frame       | AVL |G|S|D|A| | |U/S|R/W| P |
 *  +------------------+-----+-+-+-+-+-+-+---+---+---+
 */
#include <string.h>

#include "monitor_internal.h"
#include "paging.h"

#define PAGE_BYTES 4096u
#define PT_ENTRIES PAGING_ENTRIES
#define PDE_SHIFT PAGING_PDE_SHIFT   /* SDM Vol. 3A 4.3: linear bits 31:22 index the directory */
#define PTE_SHIFT PAGING_PTE_SHIFT   /* bits 21:12 index the table */

/* The host address of a 32-bit table entry in monitor memory. */
static uint32_t *mon_table(struct monitor *mon, uint32_t off)
{
    return (uint32_t *)(mon->mem + off);
}

/* Physical address of something in monitor memory. */
static uint32_t mon_phys(const struct monitor *mon, uint32_t off)
{
    return mon->mem_phys + off;
}

/* Identity-map guest RAM, one page table per 4 MiB. */
static void map_guest_ram(struct monitor *mon)
{
    uint32_t *pd = mon_table(mon, MON_PD);
    uint32_t pages = mon->guest_ram / PAGE_BYTES;
    for (uint32_t p = 0; p < pages; p++) {
        uint32_t pt_off = MON_PT_GUEST + (p / PT_ENTRIES) * PAGE_BYTES;
        mon_table(mon, pt_off)[p % PT_ENTRIES] = (p * PAGE_BYTES) | PTE_P | PTE_RW | PTE_US;
        pd[p / PT_ENTRIES] = mon_phys(mon, pt_off) | PTE_P | PTE_RW | PTE_US;
    }
}

/* The monitor region: the top directory entry, supervisor-only. */
static void map_monitor(struct monitor *mon)
{
    uint32_t *pt = mon_table(mon, MON_PT_SELF);
    for (uint32_t p = 0; p < PT_ENTRIES; p++)
        pt[p] = mon_phys(mon, p * PAGE_BYTES) | PTE_P | PTE_RW;
    mon_table(mon, MON_PD)[MONITOR_LINEAR >> PDE_SHIFT] = mon_phys(mon, MON_PT_SELF) | PTE_P | PTE_RW;
}

void pt_build(struct monitor *mon)
{
    memset(mon->mem, 0, MON_PT_GUEST + mon->guest_ram / PT_ENTRIES);
    map_guest_ram(mon);
    map_monitor(mon);
    mon->c->cr3 = mon_phys(mon, MON_PD);
    mon->c->cr0 |= CR0_PG;
    cpu_tlb_flush(mon->c);
}

/* SDM Vol. 3A 4.10.4.1: after changing a mapping, the TLB must forget it. */
void pt_map_mmio(struct monitor *mon, uint32_t laddr, uint32_t paddr, bool map)
{
    uint32_t *pd = mon_table(mon, MON_PD);
    uint32_t pdi = laddr >> PDE_SHIFT, pti = (laddr >> PTE_SHIFT) % PT_ENTRIES;
    bool own_table = !(pd[pdi] & PTE_P) || (pd[pdi] & ~(PAGE_BYTES - 1)) == mon_phys(mon, MON_PT_SCRATCH);
    uint32_t *pt;
    if (own_table) {
        pd[pdi] = map ? (mon_phys(mon, MON_PT_SCRATCH) | PTE_P | PTE_RW | PTE_US) : 0;
        pt = mon_table(mon, MON_PT_SCRATCH);
    } else {
        pt = mon_table(mon, MON_PT_GUEST + pdi * PAGE_BYTES);
    }
    pt[pti] = map ? ((paddr & ~(PAGE_BYTES - 1)) | PTE_P | PTE_RW | PTE_US) : 0;
    cpu_tlb_flush(mon->c);
}
