/* track.c - guest page tables are write-protected, and every write to them is seen. */

/*
 * A shadow entry is a copy of what the guest's tables said when the monitor
 * filled it.  If the guest then rewrites its PTE, the copy is wrong, and
 * the hardware has no way to tell the monitor.  So the monitor makes it
 * tell: every guest page that some shadow table was derived from (a guest
 * page directory or page table: "tracked") is mapped read-only in every
 * shadow, and CR0.WP = 1 makes that hold for the guest kernel in ring 1
 * too (SDM Vol. 3A 4.6).  A store to such a page faults; the monitor lets
 * the CPU perform that one store through a temporary writable mapping,
 * compares the page before and after, and drops the shadow entries derived
 * from the entries that changed.  The next access through them is a
 * hidden fault that refills them from the new guest entries.
 *
 * The CPU's TLB is deliberately left alone: a translation it already
 * cached stays until the guest executes INVLPG or writes CR3, exactly as
 * on bare hardware (SDM Vol. 3A 4.10.4: software must invalidate).  What
 * that leaves behind is noted by tlb.c, and matters here once: when a
 * frame starts to be tracked, no writable translation of it may survive.
 */
#include "spt_internal.h"

bool spt_tracked(const struct monitor *mon, uint32_t frame)
{
    const struct spt *s = spt_of(mon);
    return frame < s->nframes && s->track[frame] != 0;
}

/* Clear R/W in every shadow PTE that maps `frame`.  Returns true if one was. */
static bool write_protect(struct monitor *mon, uint32_t frame)
{
    struct spt *s = spt_of(mon);
    bool changed = false;
    for (uint32_t i = 0; i < s->npages; i++) {
        if (s->pages[i].role != SPT_PT)
            continue;
        uint32_t *pt = spt_page_ptr(mon, i);
        for (uint32_t k = 0; k < SPT_ENTRIES; k++) {
            if ((pt[k] & (PTE_P | PTE_RW)) == (PTE_P | PTE_RW) && pt[k] >> PAGING_PTE_SHIFT == frame) {
                pt[k] &= ~PTE_RW;
                changed = true;
            }
        }
    }
    return changed;
}

/* The first time a frame becomes a source it loses every writable mapping,
 * and the CPU must forget any writable translation it cached for it: one
 * from a shadow PTE just write-protected, or one whose shadow PTE was
 * dropped while the TLB kept it (tlb.c). */
void spt_track(struct monitor *mon, uint32_t frame)
{
    struct spt *s = spt_of(mon);
    if (frame >= s->nframes)
        return;                    /* outside guest RAM: the guest cannot write it */
    if (s->track[frame]++ != 0)
        return;
    bool protected = write_protect(mon, frame);
    if (protected || spt_tlb_may_write(mon, frame))
        spt_tlb_flush(mon);
}

/* Back to an ordinary page: its read-only mappings become writable again
 * lazily, through the hidden fault of the next write. */
void spt_untrack(struct monitor *mon, uint32_t frame)
{
    struct spt *s = spt_of(mon);
    if (frame < s->nframes && s->track[frame])
        s->track[frame]--;
}

/* Directory entry `index` of each root shadowing guest directory `frame`. */
static void pde_changed(struct monitor *mon, uint32_t frame, uint32_t index)
{
    struct spt *s = spt_of(mon);
    if (index == MONITOR_PDE_INDEX)
        return;                    /* the monitor's entry is never the guest's */
    for (int r = 0; r < SPT_ROOTS; r++) {
        if (!s->roots[r].used || s->roots[r].guest_pd >> PAGING_PTE_SHIFT != frame)
            continue;
        uint32_t pde = spt_page_ptr(mon, s->roots[r].pd_page)[index];
        if (pde & PTE_P)
            spt_pt_free(mon, spt_page_index(mon, pde));
    }
}

void spt_entry_changed(struct monitor *mon, uint32_t frame, uint32_t index)
{
    struct spt *s = spt_of(mon);
    pde_changed(mon, frame, index);
    for (uint32_t i = 0; i < s->npages; i++)
        if (s->pages[i].role == SPT_PT && !s->pages[i].large && s->pages[i].src == frame)
            spt_tlb_drop_pte(mon, &spt_page_ptr(mon, i)[index]);
}

void spt_frame_changed(struct monitor *mon, uint32_t frame)
{
    struct spt *s = spt_of(mon);
    for (int r = 0; r < SPT_ROOTS; r++)
        if (s->roots[r].used && s->roots[r].guest_pd >> PAGING_PTE_SHIFT == frame)
            spt_root_clear(mon, r);
    for (uint32_t i = 0; i < s->npages; i++)
        if (s->pages[i].role == SPT_PT && !s->pages[i].large && s->pages[i].src == frame)
            spt_tlb_drop_table(mon, i);
}

enum machine_stop spt_emulate_pt_write(struct monitor *mon, uint32_t la, const struct spt_walk *w,
                                       int depth)
{
    uint32_t before[SPT_ENTRIES], after[SPT_ENTRIES];
    uint32_t frame = w->gpa >> PAGING_PTE_SHIFT, page = w->gpa & PTE_FRAME;
    spt_of(mon)->stats.pt_writes++;
    gmem_read(mon, page, before, sizeof(before));
    enum machine_stop stop = pt_step_with_page(mon, la, page, true, depth);
    gmem_read(mon, page, after, sizeof(after));
    for (uint32_t k = 0; k < SPT_ENTRIES; k++)
        if (before[k] != after[k])
            spt_entry_changed(mon, frame, k);
    return stop;
}
