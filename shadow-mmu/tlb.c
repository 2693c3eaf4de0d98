/* tlb.c - what the CPU's TLB may still hold after the shadow dropped it. */

/*
 * The shadow drops entries all the time (a guest entry changed, a table
 * was freed, a root was emptied) and on purpose leaves the CPU's TLB
 * alone when it does: a translation the CPU cached lasts until the guest's
 * INVLPG or MOV to CR3, as on the hardware (SDM Vol. 3A 4.10.4).  Two
 * kinds of leftover translation still matter to the monitor:
 *
 *   - pieces of a 4-MiB guest page.  The shadow maps one with 4-KiB
 *     shadow PTEs, so the CPU caches 4-KiB translations that do not know
 *     they belong together; the guest's INVLPG anywhere in the 4 MiB must
 *     drop all of them (4.10.2.3, 4.10.4.1), also once the guest has
 *     rewritten the PDE and the shadow table they came from is gone.
 *   - a writable translation of a frame that later becomes a page table:
 *     a store through it would reach the guest's table without faulting,
 *     so write tracking (track.c) would never see it.
 *
 * So whenever the shadow drops a 4-MiB table or a writable PTE it notes
 * the directory slot or the frame, stamped with the current epoch.  A full
 * flush of the TLB starts a new epoch, which forgets every note at once.
 */
#include "spt_internal.h"

/* Shadow PTE bits that make a cached translation writable. */
#define WRITABLE (PTE_P | PTE_RW)

void spt_tlb_flush(struct monitor *mon)
{
    struct spt *s = spt_of(mon);
    if (++s->epoch == 0)
        s->epoch = 1;              /* 0 is "never" in the notes */
    cpu_tlb_flush(mon->c);
}

void spt_tlb_drop_pte(struct monitor *mon, uint32_t *pte)
{
    struct spt *s = spt_of(mon);
    uint32_t frame = *pte >> PAGING_PTE_SHIFT;
    if ((*pte & WRITABLE) == WRITABLE && frame < s->nframes)
        s->rw_left[frame] = s->epoch;
    *pte = 0;
}

void spt_tlb_drop_table(struct monitor *mon, uint32_t i)
{
    struct spt *s = spt_of(mon);
    uint32_t *pt = spt_page_ptr(mon, i);
    if (s->pages[i].large)
        s->large_left[s->pages[i].pdi] = s->epoch;
    for (uint32_t k = 0; k < SPT_ENTRIES; k++)
        if (pt[k])
            spt_tlb_drop_pte(mon, &pt[k]);
}

bool spt_tlb_may_hold_large(struct monitor *mon, uint32_t pdi)
{
    struct spt *s = spt_of(mon);
    uint32_t pde = spt_page_ptr(mon, s->roots[s->current].pd_page)[pdi];
    if (s->large_left[pdi] == s->epoch)
        return true;
    return (pde & PTE_P) && s->pages[spt_page_index(mon, pde)].large;
}

bool spt_tlb_may_write(const struct monitor *mon, uint32_t frame)
{
    const struct spt *s = spt_of(mon);
    return frame < s->nframes && s->rw_left[frame] == s->epoch;
}
