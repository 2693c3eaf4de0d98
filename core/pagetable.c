/* pagetable.c - the monitor's page tables: what of the physical machine the guest may touch. */

/*
 * The CPU runs with paging on and CR3 pointing at tables the monitor owns.
 * While the guest believes paging is off (chapter 2, and chapter 3 until
 * the guest sets CR0.PG) they are the flat tables built here, which map
 * exactly two things:
 *
 *   linear [0, guest RAM)           -> physical [0, guest RAM)   user, writable
 *   linear [MONITOR_LINEAR, 4 GiB)  -> monitor memory            supervisor
 *
 * Nothing else is mapped, so any guest access outside its RAM (the local
 * APIC, the I/O APIC, open bus) is a page fault that exits to the monitor,
 * which maps that one page for one instruction (pt_step_with_page).  The monitor
 * region is supervisor-only, and since CPL 1 also counts as supervisor
 * (SDM Vol. 3A 4.6), what really keeps the guest kernel out is segment
 * truncation (shadow_gdt.c).  Chapter 3's shadow page directories copy the
 * monitor's entry, so the monitor stays mapped whatever the guest does.
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

#define PAGE_BYTES MON_PAGE_BYTES
#define PT_ENTRIES PAGING_ENTRIES
#define PDE_SHIFT PAGING_PDE_SHIFT   /* SDM Vol. 3A 4.3: linear bits 31:22 index the directory */
#define PTE_SHIFT PAGING_PTE_SHIFT   /* bits 21:12 index the table */
#define FRAME_MASK (~(PAGE_BYTES - 1))

/* The host address of a 32-bit table in monitor memory. */
static uint32_t *mon_table(struct monitor *mon, uint32_t off)
{
    return mon_ptr(mon, off);
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
    mon_table(mon, MON_PD)[MONITOR_LINEAR >> PDE_SHIFT] = pt_monitor_pde(mon);
}

uint32_t pt_monitor_pde(const struct monitor *mon)
{
    return mon_phys(mon, MON_PT_SELF) | PTE_P | PTE_RW;
}

uint32_t pt_flat_cr3(const struct monitor *mon)
{
    return mon_phys(mon, MON_PD);
}

/* SDM Vol. 3A 4.6: with CR0.WP = 1 the supervisor (CPL 0-2, so the guest
 * kernel in ring 1 too) cannot write read-only pages; chapter 3 relies on
 * it to write-protect guest page tables. */
void pt_build(struct monitor *mon)
{
    uint32_t tables_end = MON_PT_GUEST + mon->guest_ram / PT_ENTRIES;
    mon->pool_off = (tables_end + PAGE_BYTES - 1) & FRAME_MASK;
    memset(mon->mem, 0, mon->pool_off);
    map_guest_ram(mon);
    map_monitor(mon);
    mon->c->cr3 = pt_flat_cr3(mon);
    mon->c->cr0 |= CR0_PG | CR0_WP;
    cpu_tlb_flush(mon->c);
}

/* A one-step mapping: where it was written and what was there before. */
struct step_map {
    uint32_t *pde, pde_saved, pde_temp;
    uint32_t *pte, pte_saved, pte_temp;
};

/* Map `la` to `pa` in the tables CR3 points at (always monitor memory),
 * borrowing the scratch table when the directory has none there.  The
 * scratch table is all zeros whenever nobody borrows it. */
static void step_map(struct monitor *mon, uint32_t la, uint32_t pa, bool writable, struct step_map *sm)
{
    uint32_t *pd = mon_table(mon, (mon->c->cr3 & FRAME_MASK) - mon->mem_phys);
    sm->pde = &pd[la >> PDE_SHIFT];
    sm->pde_saved = sm->pde_temp = *sm->pde;
    if (!(*sm->pde & PTE_P))
        *sm->pde = sm->pde_temp = mon_phys(mon, MON_PT_SCRATCH) | PTE_P | PTE_RW | PTE_US;
    sm->pte = mon_table(mon, (*sm->pde & FRAME_MASK) - mon->mem_phys) + ((la >> PTE_SHIFT) % PT_ENTRIES);
    sm->pte_saved = *sm->pte;
    *sm->pte = sm->pte_temp = (pa & FRAME_MASK) | PTE_P | PTE_US | (writable ? PTE_RW : 0);
    cpu_tlb_flush_page(mon->c, la);
}

/* Undo step_map, but only what still holds our values (give or take the
 * accessed and dirty bits the CPU set using them, SDM Vol. 3A 4.8): the
 * exits handled during the step may have switched CR3 or rebuilt those
 * very tables (a chapter-3 shadow table freed and zeroed), and then they
 * are not ours. */
static bool still_ours(uint32_t now, uint32_t ours)
{
    return (now & ~(PTE_A | PTE_D)) == (ours & ~(PTE_A | PTE_D));
}

/* Put back what step_map replaced (the entries still ours, see above) and
 * make the TLB forget the one-step translation of `la`. */
static void step_unmap(struct monitor *mon, uint32_t la, const struct step_map *sm)
{
    if (still_ours(*sm->pte, sm->pte_temp))
        *sm->pte = sm->pte_saved;
    if (still_ours(*sm->pde, sm->pde_temp))
        *sm->pde = sm->pde_saved;
    cpu_tlb_flush_page(mon->c, la);
}

/* SDM Vol. 3A 4.10.4.1: after changing a mapping, the TLB must forget it --
 * only that page, so that the guest's other (possibly stale) translations
 * stay exactly as the hardware would keep them. */
enum machine_stop pt_step_with_page(struct monitor *mon, uint32_t la, uint32_t pa, bool writable,
                                    int depth)
{
    struct cpu *c = mon->c;
    struct step_map sm;
    enum machine_stop s = MACHINE_RUNNING;
    step_map(mon, la, pa, writable, &sm);
    enum cpu_exit e = cpu_step(c);
    if (e == CPU_EXIT_RING0 && depth + 1 < MON_MAX_DEPTH) {
        s = monitor_handle_exit(mon, depth + 1);
    } else if (e == CPU_EXIT_RING0) {
        emu_stop(mon, MACHINE_UNSUPPORTED,
                 "monitor: one instruction needs more than %d one-step mappings, EIP 0x%08x",
                 MON_MAX_DEPTH, c->eip);
        s = mon->m->stop;
    } else if (e == CPU_EXIT_REQUEST) {
        s = mon->m->stop;
    }
    step_unmap(mon, la, &sm);
    return s;
}
