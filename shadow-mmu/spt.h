/* spt.h - shadow page tables: the monitor's MMU for guests that page (chapter 3). */
#ifndef TRAPEZE_SPT_H
#define TRAPEZE_SPT_H

#include <stdint.h>
#include <stdio.h>

#include "mmu.h"

struct monitor;

/* The shadow MMU, for monitor_attach / vm_use_mmu. */
extern const struct mmu_ops spt_mmu_ops;

/* What the shadow MMU did (for --stats, tests and benchmarks). */
struct spt_stats {
    uint64_t hidden_faults;        /* #PF the guest's tables allowed: filled, never seen */
    uint64_t true_faults;          /* #PF reflected to the guest */
    uint64_t fills;                /* shadow PTEs written from guest PTEs */
    uint64_t pt_writes;            /* guest page-table writes emulated */
    uint64_t mmio_faults;          /* accesses to guest-physical addresses outside RAM */
    uint64_t cache_hits;           /* MOV to CR3 that found its shadow cached */
    uint64_t cache_misses;         /* ... that had to build a new one */
    uint64_t invlpgs;              /* guest INVLPG */
    uint64_t evictions;            /* shadow roots dropped to make room (for a new root,
                                      or for a page of the pool), least recently used first */
    uint64_t pool_full;            /* pool full and no other root to drop: the current
                                      root's tables were emptied (its faults refill them) */
};

/* The statistics of a monitor running with spt_mmu_ops (zeros otherwise). */
struct spt_stats spt_get_stats(const struct monitor *mon);

/* Write the guest page tables, the shadow page tables and the
 * GVA -> GPA -> HPA path of each of the `n` addresses in `gva` as a
 * Graphviz digraph.  Deterministic: no host pointers, nothing timed; the
 * same run of the same guest with the same --mem gives the same bytes.
 * (Shadow addresses depend on the pool: where monitor memory starts, which
 * follows the guest's RAM size, and the order the guest touched pages in.) */
void spt_dot(struct monitor *mon, const uint32_t *gva, int n, FILE *out);

#endif
