/* spt_internal.h - what the shadow MMU's files share (not for its users). */
#ifndef TRAPEZE_SPT_INTERNAL_H
#define TRAPEZE_SPT_INTERNAL_H

/*
 * The shadow MMU is split by concept:
 *
 *   walk.c   the guest's page walk, in software, on guest memory (SDM 4.3-4.8)
 *   pool.c   shadow pages in monitor memory, and the cache of shadow roots
 *   fill.c   a #PF exit: hidden fault (fill the shadow) or true fault (reflect)
 *   track.c  guest page tables are write-protected: emulate writes, resync
 *   tlb.c    what the CPU's TLB may still hold after the shadow dropped it
 *   spt.c    the mmu_ops table: attach, CR0/CR3/CR4, INVLPG, statistics
 *   dot.c    `trapeze mmu-dot`: both sets of tables as a Graphviz picture
 */

#include <stdbool.h>
#include <stdint.h>

#include "monitor_internal.h"
#include "paging.h"
#include "spt.h"

#define SPT_PAGE MON_PAGE_BYTES
#define SPT_ENTRIES PAGING_ENTRIES
#define SPT_ROOTS 8                /* shadow page directories kept for guest CR3 values */
#define SPT_NO_ROOT (-1)
#define MONITOR_PDE_INDEX (MONITOR_LINEAR >> PAGING_PDE_SHIFT)   /* the monitor's, in every root */

/* What a page of the shadow pool holds. */
enum spt_role { SPT_FREE, SPT_PD, SPT_PT };

/* Bookkeeping for one page of the pool (the page itself is in monitor memory). */
struct spt_page {
    uint8_t role;                  /* enum spt_role */
    bool large;                    /* PT: built from a 4-MiB guest page (its source is a PDE) */
    int8_t root;                   /* PT: the root whose directory points at it */
    uint16_t pdi;                  /* PT: its index in that directory */
    uint32_t src;                  /* guest-physical frame it was derived from: the guest's
                                      page directory (PD, large PT) or page table (PT) */
};

/* A cached shadow address space: one guest CR3. */
struct spt_root {
    bool used;
    uint32_t guest_pd;             /* the guest's page directory (CR3 frame) */
    uint32_t pd_page;              /* pool index of the shadow page directory */
    uint64_t last_use;             /* for LRU eviction */
};

struct spt {
    struct spt_page *pages;        /* one per pool page */
    uint32_t npages;
    uint16_t *track;               /* per guest frame: shadow pages derived from it */
    uint32_t nframes;
    struct spt_root roots[SPT_ROOTS];
    int current;                   /* the root CR3 points at, or SPT_NO_ROOT (paging off) */
    uint64_t clock;
    struct spt_stats stats;
    /* What the CPU's TLB may hold that the shadow no longer says (tlb.c):
     * notes stamped with the epoch, which each full TLB flush advances. */
    uint32_t epoch;                /* starts at 1; 0 in a note means never */
    uint32_t large_left[SPT_ENTRIES];  /* per directory slot: a 4-MiB table was dropped */
    uint32_t *rw_left;             /* per guest frame: a writable shadow PTE was dropped */
};

/* The guest's translation of one linear address (walk.c). */
struct spt_walk {
    uint32_t gpa;                  /* guest-physical address */
    uint32_t pde_gpa, pte_gpa;     /* where the entries are (pte_gpa = pde_gpa for 4 MiB) */
    uint32_t pde, pte;             /* their values (pte = pde for 4 MiB) */
    bool large;                    /* a 4-MiB page (CR4.PSE and PDE.PS) */
    bool user, writable;           /* U/S and R/W of both levels combined */
    uint32_t error;                /* #PF error code when the access is refused */
};

static inline struct spt *spt_of(const struct monitor *mon)
{
    return mon->mmu_state;
}

/* --- walk.c ----------------------------------------------------------------- */

/* Walk the guest's page tables (virtual CR3, CR4.PSE, CR0.WP) for an access
 * described by `access` (PF_WR, PF_US bits).  Returns 0 if the guest's
 * tables allow it -- and then sets the accessed and dirty bits as the CPU
 * would -- or -1 with w->error, the #PF error code the hardware would push. */
int spt_walk(struct monitor *mon, uint32_t la, uint32_t access, struct spt_walk *w);

/* The same walk with no side effects and no access check: 0 if la is
 * mapped, else -1.  For pictures and debuggers. */
int spt_walk_peek(struct monitor *mon, uint32_t la, struct spt_walk *w);

/* A 32-bit paging entry of the guest at guest-physical gpa (open bus,
 * all ones, outside RAM -- as the CPU would read it). */
uint32_t spt_guest_entry(struct monitor *mon, uint32_t gpa);

/* --- pool.c ------------------------------------------------------------------ */

/* Host pointer to pool page i, and its physical address. */
uint32_t *spt_page_ptr(struct monitor *mon, uint32_t i);
uint32_t spt_page_phys(struct monitor *mon, uint32_t i);

/* Pool index of the page at physical address pa (which must be a pool page). */
uint32_t spt_page_index(struct monitor *mon, uint32_t pa);

/* A zeroed pool page for `role`.  If the pool is full it drops the least
 * recently used root other than the current one; if there is none, it
 * empties the current root's tables (not its directory: the faults that
 * follow refill them), so a pointer into one of those tables is stale
 * after this call.  Returns the page's index, or -1 if even that found
 * nothing. */
int spt_page_alloc(struct monitor *mon, enum spt_role role);

/* Free shadow page table i: unlink it from its directory, untrack its source. */
void spt_pt_free(struct monitor *mon, uint32_t i);

/* Make the root for guest page directory `guest_pd` current (cached or
 * new) and point the real CR3 at it.  Returns 0, or -1 if the pool has no
 * page left for a directory. */
int spt_root_switch(struct monitor *mon, uint32_t guest_pd);

/* The guest turned paging off: back to the flat tables. */
void spt_paging_off(struct monitor *mon);

/* Drop every root (CR4.PSE/PGE or CR0.WP changed: every shadow entry may be
 * wrong), and make a new current one if the guest pages.  0 or -1. */
int spt_roots_flush(struct monitor *mon);

/* Drop all shadow tables of root r (the directory stays, empty). */
void spt_root_clear(struct monitor *mon, int r);

/* --- tlb.c -------------------------------------------------------------------- */

/* Flush the CPU's whole TLB (non-global and global: the shadow never sets
 * G) and forget every note below. */
void spt_tlb_flush(struct monitor *mon);

/* Clear shadow PTE *pte without flushing it from the TLB, noting its frame
 * if the CPU may have cached it writable. */
void spt_tlb_drop_pte(struct monitor *mon, uint32_t *pte);

/* Every entry of shadow page table i (pool index) is about to go, or the
 * table itself: clear them as spt_tlb_drop_pte, and note the table's
 * directory slot if it held a 4-MiB guest page. */
void spt_tlb_drop_table(struct monitor *mon, uint32_t i);

/* May the TLB hold 4-KiB pieces of a 4-MiB guest page under directory slot
 * pdi of the current root (its shadow table is one, or one was dropped
 * since the last full flush)? */
bool spt_tlb_may_hold_large(struct monitor *mon, uint32_t pdi);

/* May the TLB hold a writable translation of guest frame `frame` whose
 * shadow PTE is gone (dropped since the last full flush)? */
bool spt_tlb_may_write(const struct monitor *mon, uint32_t frame);

/* --- track.c ------------------------------------------------------------------ */

/* Guest frame `frame` (a page number) is now a source of shadow tables:
 * count it; the first time, write-protect every shadow mapping of it and
 * flush the TLB if it may hold a writable translation of it. */
void spt_track(struct monitor *mon, uint32_t frame);
void spt_untrack(struct monitor *mon, uint32_t frame);
bool spt_tracked(const struct monitor *mon, uint32_t frame);

/* The guest's store at la (allowed by its tables, walk w) hits one of its
 * page tables: let the CPU do it through a one-step writable mapping, then
 * drop the shadow entries derived from whatever changed. */
enum machine_stop spt_emulate_pt_write(struct monitor *mon, uint32_t la, const struct spt_walk *w,
                                       int depth);

/* Entry `index` of guest frame `frame` changed (or may have): drop every
 * shadow entry derived from it. */
void spt_entry_changed(struct monitor *mon, uint32_t frame, uint32_t index);

/* All of guest frame `frame` may change (the monitor itself writes it). */
void spt_frame_changed(struct monitor *mon, uint32_t frame);

/* --- fill.c ------------------------------------------------------------------ */

/* The shadow page table under directory entry pdi of the current root,
 * created (and its guest source, from walk w, tracked) if missing.  NULL if
 * the pool is exhausted. */
uint32_t *spt_shadow_table(struct monitor *mon, uint32_t pdi, const struct spt_walk *w);

/* The #PF exit handler (mmu_ops page_fault). */
enum machine_stop spt_page_fault(struct monitor *mon, int depth);

#endif
