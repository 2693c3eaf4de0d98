/* test_pool.c - a full pool of shadow pages: what is dropped, and how it is counted. */

/*
 * The pool is shrunk to 16 pages, so it fills after a directory and 15
 * tables.  A guest directory whose every entry names the same page table
 * needs one shadow table per 4 MiB touched; page faults at the start of
 * 4-MiB regions 0, 1, 2, ... each take one.  Then:
 *
 *   one root:   the 16th table finds no other root to drop, so the current
 *               root's tables are emptied (pool_full, not an eviction:
 *               no root went) and its faults refill them;
 *   two roots:  the other, least recently used root is dropped whole (an
 *               eviction), and the current one keeps its tables.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "harness.h"
#include "spt_internal.h"

#define POOL_PAGES 16u
#define GUEST_PD_A 0x00400000u
#define GUEST_PD_B 0x00401000u
#define GUEST_PT   0x00402000u
#define FRAME      0x00500000u

/* Guest word at gpa := v. */
static void poke(struct monitor *mon, uint32_t gpa, uint32_t v)
{
    memcpy(mon->m->ram + gpa, &v, sizeof(v));
}

/* Two directories, every entry (but the monitor's) naming GUEST_PT, whose
 * every entry maps FRAME. */
static void build_guest(struct monitor *mon)
{
    for (uint32_t k = 0; k < SPT_ENTRIES; k++) {
        uint32_t pde = k == MONITOR_PDE_INDEX ? 0 : GUEST_PT | PTE_P | PTE_RW | PTE_US;
        poke(mon, GUEST_PD_A + 4 * k, pde);
        poke(mon, GUEST_PD_B + 4 * k, pde);
        poke(mon, GUEST_PT + 4 * k, FRAME | PTE_P | PTE_RW | PTE_US);
    }
}

/* A supervisor read at the start of 4-MiB region k, as the CPU reports it. */
static void read_fault(struct monitor *mon, uint32_t k)
{
    mon->c->exit = (struct cpu_exit_info){ .kind = EVENT_EXCEPTION, .vector = EXC_PF,
                                           .has_error = true, .error = 0,
                                           .cr2 = k << PAGING_PDE_SHIFT, .eip = mon->c->eip };
    cr_assert_eq(mon->mmu->page_fault(mon, 0), MACHINE_RUNNING, "fault at %#x: %s",
                 k << PAGING_PDE_SHIFT, mon->m->report);
}

/* Is 4-MiB region k's first page in the current root's shadow? */
static bool shadowed(struct monitor *mon, uint32_t k)
{
    struct spt *s = spt_of(mon);
    uint32_t pde = spt_page_ptr(mon, s->roots[s->current].pd_page)[k];
    return (pde & PTE_P) && (spt_page_ptr(mon, spt_page_index(mon, pde))[0] & PTE_P);
}

/* MOV to CR<cr> as the monitor emulates it: the guest's register already
 * holds the new value, `old` is the one before. */
static void write_cr(struct monitor *mon, int cr, uint32_t old)
{
    cr_assert_eq(mon->mmu->write_cr(mon, cr, old), EMU_DONE, "MOV to CR%d: %s", cr,
                 mon->m->report);
}

Test(pool, full_pool_empties_the_current_root_or_evicts_another)
{
    struct vmtest t;
    vm_use_mmu(&spt_mmu_ops);
    vmtest_boot(&t, "dot", VM_TRAP, 1000000);   /* never run: only its machine */
    struct monitor *mon = t.mon;
    struct spt *s = spt_of(mon);
    cr_assert_geq(s->npages, POOL_PAGES);
    s->npages = POOL_PAGES;        /* nothing is allocated yet: the rest is never used */
    build_guest(mon);

    uint32_t old = mon->v.cr0;
    mon->v.cr3 = GUEST_PD_A;
    mon->v.cr0 = CR0_PE | CR0_ET | CR0_PG | CR0_WP;
    write_cr(mon, 0, old);                      /* paging on: root A, one page */
    for (uint32_t k = 0; k < 40; k++)
        read_fault(mon, k);
    /* Tables 1-15 fit; the 16th and the 31st found the pool full. */
    struct spt_stats st = spt_get_stats(mon);
    cr_assert_eq(st.pool_full, 2, "one root, 40 tables in room for 15: expected the current root "
                 "emptied twice, got pool_full = %llu", (unsigned long long)st.pool_full);
    cr_assert_eq(st.evictions, 0, "one root: no root can have been evicted, got %llu",
                 (unsigned long long)st.evictions);
    cr_assert(shadowed(mon, 39) && shadowed(mon, 30) && !shadowed(mon, 29),
              "after the second emptying, root A should shadow regions 30-39 only");

    mon->v.cr3 = GUEST_PD_B;
    write_cr(mon, 3, GUEST_PD_A);               /* root B: its directory takes 1 of the 5 left */
    for (uint32_t k = 0; k < 5; k++)
        read_fault(mon, k);
    st = spt_get_stats(mon);
    cr_assert_eq(st.evictions, 1, "two roots, pool full: expected root A evicted, got "
                 "evictions = %llu", (unsigned long long)st.evictions);
    cr_assert_eq(st.pool_full, 2, "root B had root A to evict, but pool_full went to %llu",
                 (unsigned long long)st.pool_full);
    for (uint32_t k = 0; k < 5; k++)
        cr_assert(shadowed(mon, k), "root B lost region %u's table", k);
    cr_assert_eq(st.cache_misses, 2);
    vmtest_free(&t);
    vm_use_mmu(NULL);
}
