/* spt.c - the shadow MMU as the monitor sees it: one mmu_ops table. */

/*
 * Chapter 3.  A guest that pages has two translations: its own page tables
 * (guest virtual -> guest physical) and the monitor's placement of its RAM
 * (guest physical -> host physical; here the identity, inside the guest's
 * RAM).  The CPU walks one set of tables, so the monitor builds the
 * composition -- the shadow page tables, guest virtual -> host physical --
 * and points the real CR3 at them.  The guest never sees them: MOV to and
 * from CR3 trap and show the guest its own value.
 *
 * This file connects the pieces to the monitor's moments:
 *
 *   MOV to CR0 / CR3 / CR4  switch shadow roots (pool.c), or drop them
 *   #PF exit               hidden or true fault (fill.c)
 *   INVLPG                 forget one page (or a 4-MiB one), in the shadow and in the TLB
 *   the monitor's own accesses to guest memory: the guest's walk (walk.c)
 *
 * Until the guest sets CR0.PG, the flat tables of chapter 2 are used.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "spt_internal.h"

#define SPT_MIN_PAGES 16           /* a directory and a few tables, at the very least */

/* Free the shadow MMU's bookkeeping (a half-built one too, from a failed
 * attach).  The shadow pages themselves are monitor memory: nothing to free. */
static void spt_detach(struct monitor *mon)
{
    struct spt *s = spt_of(mon);
    if (!s)
        return;
    free(s->pages);
    free(s->track);
    free(s->rw_left);
    free(s);
    mon->mmu_state = NULL;
}

/* The flat tables first (pool_off), then bookkeeping for the rest of
 * monitor memory and for every guest frame. */
static int spt_attach(struct monitor *mon, char *err, size_t errlen)
{
    pt_build(mon);
    struct spt *s = calloc(1, sizeof(*s));
    mon->mmu_state = s;
    if (!s)
        goto nomem;
    s->current = SPT_NO_ROOT;
    s->epoch = 1;
    s->npages = (MONITOR_BYTES - mon->pool_off) / SPT_PAGE;
    s->nframes = mon->guest_ram / SPT_PAGE;
    if (s->npages < SPT_MIN_PAGES) {
        snprintf(err, errlen, "shadow-mmu: guest RAM too large, no monitor memory left for "
                 "shadow page tables (%u pages)", s->npages);
        spt_detach(mon);
        return -1;
    }
    s->pages = calloc(s->npages, sizeof(*s->pages));
    s->track = calloc(s->nframes, sizeof(*s->track));
    s->rw_left = calloc(s->nframes, sizeof(*s->rw_left));
    if (!s->pages || !s->track || !s->rw_left)
        goto nomem;
    return 0;
nomem:
    snprintf(err, errlen, "shadow-mmu: out of memory");
    spt_detach(mon);
    return -1;
}

/* The monitor's own accesses to guest memory follow the guest's tables as
 * supervisor accesses.  A store into one of the guest's page tables
 * bypasses the shadow's write protection, so everything derived from that
 * page is dropped first. */
static int spt_translate(struct monitor *mon, uint32_t la, bool write, uint32_t *gpa)
{
    struct spt_walk w;
    if (!(mon->v.cr0 & CR0_PG)) {
        *gpa = la;
        return 0;
    }
    if (spt_walk(mon, la, write ? PF_WR : 0, &w) < 0) {
        mon->v.cr2 = la;
        mon->fault = (struct guest_fault){ .vector = EXC_PF, .has_error = true, .error = w.error };
        return -1;
    }
    if (write && spt_tracked(mon, w.gpa >> PAGING_PTE_SHIFT))
        spt_frame_changed(mon, w.gpa >> PAGING_PTE_SHIFT);
    *gpa = w.gpa;
    return 0;
}

/* A VM that cannot have its shadow stops, saying why. */
static int pool_exhausted(struct monitor *mon)
{
    return emu_stop(mon, MACHINE_UNSUPPORTED, "monitor: no room for a shadow page directory");
}

/*
 * SDM Vol. 3A 4.10.4.1: MOV to CR3 invalidates the TLB's non-global
 * entries; MOV to CR4 that changes PGE and MOV to CR0 that clears PG
 * invalidate all of them.  For the shadow: CR3 selects a root; PG on/off
 * moves between the roots and the flat tables.  Changing CR0.WP or
 * CR4.PSE invalidates nothing on the hardware (the TLB keeps R/W, not the
 * verdict, 4.10.2.2), but every shadow entry was derived with them -- WP
 * decides what a supervisor write may do, PSE what a PDE means -- so, like
 * a PGE change, they drop all roots, and the TLB with them: more than the
 * hardware invalidates, which the SDM allows (4.10.4.1: the processor is
 * always free to invalidate more).
 */
static int spt_write_cr(struct monitor *mon, int cr, uint32_t old)
{
    uint32_t now = cr == 0 ? mon->v.cr0 : cr == 3 ? mon->v.cr3 : mon->v.cr4;
    uint32_t changed = old ^ now;
    bool paging = mon->v.cr0 & CR0_PG;
    int rc = 0;
    if (cr == 4 && (changed & (CR4_PSE | CR4_PGE)))
        rc = spt_roots_flush(mon);
    else if (cr == 0 && (changed & CR0_WP))
        rc = spt_roots_flush(mon);
    else if (cr == 0 && (changed & CR0_PG))
        rc = paging ? spt_root_switch(mon, mon->v.cr3 & PTE_FRAME) : (spt_paging_off(mon), 0);
    else if (cr == 3 && paging)
        rc = spt_root_switch(mon, mon->v.cr3 & PTE_FRAME);
    return rc < 0 ? pool_exhausted(mon) : EMU_DONE;
}

/* SDM Vol. 3A 4.10.4.1, Vol. 2A INVLPG: the translation of the page goes,
 * from the shadow and from the TLB; if the TLB may hold pieces of a 4-MiB
 * guest page there (the shadow's table for it is one, or was: the decision
 * follows what was cached, not the guest's PDE now), all of them go, and
 * since the CPU cached them as unrelated 4-KiB pages, the whole TLB goes. */
static void spt_invlpg(struct monitor *mon, uint32_t la)
{
    struct spt *s = spt_of(mon);
    uint32_t pdi = la >> PAGING_PDE_SHIFT, pti = (la >> PAGING_PTE_SHIFT) & PAGING_INDEX_MASK;
    s->stats.invlpgs++;
    if (s->current == SPT_NO_ROOT)
        return;                    /* the flat tables never change */
    if (pdi == MONITOR_PDE_INDEX) {
        cpu_tlb_flush_page(mon->c, la);
        return;
    }
    uint32_t pde = spt_page_ptr(mon, s->roots[s->current].pd_page)[pdi];
    if (pde & PTE_P)
        spt_page_ptr(mon, spt_page_index(mon, pde))[pti] = 0;
    if (spt_tlb_may_hold_large(mon, pdi))
        spt_tlb_flush(mon);
    else
        cpu_tlb_flush_page(mon->c, la);
}

struct spt_stats spt_get_stats(const struct monitor *mon)
{
    const struct spt *s = mon->mmu == &spt_mmu_ops ? spt_of(mon) : NULL;
    return s ? s->stats : (struct spt_stats){ 0 };
}

/* "stats: spt NAME N", deterministic; then the shadow cache's hit rate. */
static void spt_print_stats(struct monitor *mon, FILE *out)
{
    struct spt_stats st = spt_get_stats(mon);
    const struct { const char *name; uint64_t n; } rows[] = {
        { "hidden-faults", st.hidden_faults }, { "true-faults", st.true_faults },
        { "fills", st.fills }, { "pt-writes", st.pt_writes }, { "mmio-faults", st.mmio_faults },
        { "cache-hits", st.cache_hits }, { "cache-misses", st.cache_misses },
        { "invlpgs", st.invlpgs }, { "evictions", st.evictions }, { "pool-full", st.pool_full },
    };
    for (size_t k = 0; k < sizeof(rows) / sizeof(rows[0]); k++)
        fprintf(out, "stats: spt %-14s %" PRIu64 "\n", rows[k].name, rows[k].n);
    uint64_t switches = st.cache_hits + st.cache_misses;
    if (switches)
        fprintf(out, "stats: spt cache-hit-rate %" PRIu64 "%%\n", 100 * st.cache_hits / switches);
}

const struct mmu_ops spt_mmu_ops = {
    .name = "shadow",
    .attach = spt_attach,
    .detach = spt_detach,
    .translate = spt_translate,
    .page_fault = spt_page_fault,
    .write_cr = spt_write_cr,
    .invlpg = spt_invlpg,
    .print_stats = spt_print_stats,
};
