/* pool.c - shadow pages in monitor memory, and the cache of shadow address spaces. */

/*
 * Shadow tables must live where the CPU can walk them and the guest can
 * never reach them: in monitor memory, after the monitor's own tables
 * (mon->pool_off).  Each page of that pool is free, a shadow page
 * directory, or a shadow page table; struct spt_page says which and what
 * guest table it was derived from.
 *
 * A shadow page directory with everything under it is a "root": the
 * shadow of one guest address space, found by the guest's CR3.  Building
 * one costs a page fault per page the guest touches, so roots are kept
 * when the guest switches away (SPT_ROOTS of them, least recently used
 * evicted) and reused when it switches back -- that is the shadow cache,
 * and write tracking (track.c) is what keeps a cached root correct while
 * it is not in use.
 */
#include <string.h>

#include "spt_internal.h"

uint32_t *spt_page_ptr(struct monitor *mon, uint32_t i)
{
    return mon_ptr(mon, mon->pool_off + i * SPT_PAGE);
}

uint32_t spt_page_phys(struct monitor *mon, uint32_t i)
{
    return mon_phys(mon, mon->pool_off + i * SPT_PAGE);
}

uint32_t spt_page_index(struct monitor *mon, uint32_t pa)
{
    return ((pa & PTE_FRAME) - mon_phys(mon, mon->pool_off)) / SPT_PAGE;
}

/* The least recently used root other than the current one, or -1. */
static int lru_victim(const struct spt *s)
{
    int victim = -1;
    for (int r = 0; r < SPT_ROOTS; r++) {
        if (!s->roots[r].used || r == s->current)
            continue;
        if (victim < 0 || s->roots[r].last_use < s->roots[victim].last_use)
            victim = r;
    }
    return victim;
}

void spt_pt_free(struct monitor *mon, uint32_t i)
{
    struct spt *s = spt_of(mon);
    struct spt_page *p = &s->pages[i];
    spt_tlb_drop_table(mon, i);    /* the CPU may still use what it cached from it */
    spt_page_ptr(mon, s->roots[p->root].pd_page)[p->pdi] = 0;
    if (!p->large)
        spt_untrack(mon, p->src);
    *p = (struct spt_page){ .role = SPT_FREE };
}

void spt_root_clear(struct monitor *mon, int r)
{
    struct spt *s = spt_of(mon);
    for (uint32_t i = 0; i < s->npages; i++)
        if (s->pages[i].role == SPT_PT && s->pages[i].root == r)
            spt_pt_free(mon, i);
}

/* Forget root r entirely: its tables, its directory, its slot. */
static void root_drop(struct monitor *mon, int r)
{
    struct spt *s = spt_of(mon);
    struct spt_root *root = &s->roots[r];
    spt_root_clear(mon, r);
    s->pages[root->pd_page] = (struct spt_page){ .role = SPT_FREE };
    spt_untrack(mon, root->guest_pd >> PAGING_PTE_SHIFT);
    *root = (struct spt_root){ 0 };
    if (s->current == r)
        s->current = SPT_NO_ROOT;
}

/* The first free page, or -1. */
static int find_free(const struct spt *s)
{
    for (uint32_t i = 0; i < s->npages; i++)
        if (s->pages[i].role == SPT_FREE)
            return (int)i;
    return -1;
}

/* Make room: drop the least recently used other root (an eviction), or
 * else empty the current one (its faults refill it; counted as pool_full).
 * Returns 0, or -1 if nothing is left. */
static int reclaim(struct monitor *mon)
{
    struct spt *s = spt_of(mon);
    int victim = lru_victim(s);
    if (victim >= 0) {
        root_drop(mon, victim);
        s->stats.evictions++;
        return 0;
    }
    if (s->current == SPT_NO_ROOT)
        return -1;
    s->stats.pool_full++;
    spt_root_clear(mon, s->current);
    spt_tlb_flush(mon);            /* the CPU may cache what we just unmapped */
    return find_free(s) >= 0 ? 0 : -1;
}

int spt_page_alloc(struct monitor *mon, enum spt_role role)
{
    struct spt *s = spt_of(mon);
    int i;
    while ((i = find_free(s)) < 0)
        if (reclaim(mon) < 0)
            return -1;
    memset(spt_page_ptr(mon, (uint32_t)i), 0, SPT_PAGE);
    s->pages[i] = (struct spt_page){ .role = (uint8_t)role };
    return i;
}

/* SDM Vol. 3A 4.10.4.1: loading CR3 invalidates the TLB's (non-global)
 * entries.  The shadow tables never set G, so all of them go. */
static void load_cr3(struct monitor *mon, int r)
{
    struct spt *s = spt_of(mon);
    s->roots[r].last_use = ++s->clock;
    s->current = r;
    mon->c->cr3 = spt_page_phys(mon, s->roots[r].pd_page);
    spt_tlb_flush(mon);
}

/* A free root slot, evicting the least recently used one if needed. */
static int root_slot(struct monitor *mon)
{
    struct spt *s = spt_of(mon);
    for (int r = 0; r < SPT_ROOTS; r++)
        if (!s->roots[r].used)
            return r;
    int victim = lru_victim(s);
    root_drop(mon, victim);
    s->stats.evictions++;
    return victim;
}

/* A new, empty shadow directory: nothing mapped but the monitor region
 * (its entry is the same in every real directory, see core/pagetable.c).
 * The guest directory it shadows becomes write-protected. */
static int root_create(struct monitor *mon, uint32_t guest_pd)
{
    struct spt *s = spt_of(mon);
    int r = root_slot(mon);
    int pd = spt_page_alloc(mon, SPT_PD);
    if (pd < 0)
        return -1;
    spt_page_ptr(mon, (uint32_t)pd)[MONITOR_PDE_INDEX] = pt_monitor_pde(mon);
    s->roots[r] = (struct spt_root){ .used = true, .guest_pd = guest_pd, .pd_page = (uint32_t)pd };
    spt_track(mon, guest_pd >> PAGING_PTE_SHIFT);
    return r;
}

int spt_root_switch(struct monitor *mon, uint32_t guest_pd)
{
    struct spt *s = spt_of(mon);
    for (int r = 0; r < SPT_ROOTS; r++) {
        if (s->roots[r].used && s->roots[r].guest_pd == guest_pd) {
            s->stats.cache_hits++;
            load_cr3(mon, r);
            return 0;
        }
    }
    s->stats.cache_misses++;
    s->current = SPT_NO_ROOT;      /* the old one may be evicted to make room */
    int r = root_create(mon, guest_pd);
    if (r < 0)
        return -1;
    load_cr3(mon, r);
    return 0;
}

void spt_paging_off(struct monitor *mon)
{
    spt_of(mon)->current = SPT_NO_ROOT;
    mon->c->cr3 = pt_flat_cr3(mon);
    spt_tlb_flush(mon);
}

int spt_roots_flush(struct monitor *mon)
{
    struct spt *s = spt_of(mon);
    for (int r = 0; r < SPT_ROOTS; r++)
        if (s->roots[r].used)
            root_drop(mon, r);
    if (mon->v.cr0 & CR0_PG)
        return spt_root_switch(mon, mon->v.cr3 & PTE_FRAME);
    spt_paging_off(mon);
    return 0;
}
