/* fill.c - a page fault under shadow paging: hidden (fill the shadow) or true (the guest's). */

/*
 * The shadow tables start empty and fill on demand, so most page faults
 * the CPU raises are the monitor's own business.  For each one the monitor
 * asks the guest's tables (walk.c) whether this access is allowed:
 *
 *   no   a true fault: the guest would have faulted on bare hardware, so
 *        it gets the #PF, with its CR2 and the error code its tables give;
 *   yes  a hidden fault: copy the guest's translation into the shadow and
 *        resume; the guest never knows.  Unless the page is
 *          - outside guest RAM (a device): one access, never a mapping;
 *          - one of the guest's page tables being written: track.c.
 *
 * A shadow PTE never grants more than the guest's tables (U/S, R/W), nor
 * write access before the guest's dirty bit is set (so the first write
 * comes back here and sets it, SDM Vol. 3A 4.8), nor write access to a
 * tracked page.  Its frame is always inside guest RAM: that is the
 * isolation argument of this chapter in one line of fill_entry().
 */
#include "spt_internal.h"

/* SDM Vol. 3A 6.15: #PF pushes an error code; CR2 holds the address (4.7). */
static enum machine_stop true_fault(struct monitor *mon, uint32_t la, uint32_t error)
{
    spt_of(mon)->stats.true_faults++;
    mon->v.cr2 = la;
    int rc = reflect_event(mon, EVENT_EXCEPTION, EXC_PF, true, error);
    return rc == EMU_STOP ? mon->m->stop : MACHINE_RUNNING;
}

/* The shadow PTE for an allowed access (see the file comment).  With CR0.WP
 * = 0 the guest kernel may write read-only pages; the shadow then maps the
 * page writable for the supervisor only, and a later user access refills it. */
static uint32_t shadow_pte(const struct monitor *mon, const struct spt_walk *w, uint32_t access)
{
    uint32_t frame = w->gpa & PTE_FRAME;
    bool user = w->user, writable = w->writable;
    bool dirty = (w->large ? w->pde : w->pte) & PTE_D;
    if ((access & PF_WR) && !(access & PF_US) && !writable) {
        writable = true;           /* allowed only because CR0.WP = 0 */
        user = false;
    }
    uint32_t e = frame | PTE_P;
    if (user)
        e |= PTE_US;
    if (writable && dirty && !spt_tracked(mon, frame >> PAGING_PTE_SHIFT))
        e |= PTE_RW;
    return e;
}

uint32_t *spt_shadow_table(struct monitor *mon, uint32_t pdi, const struct spt_walk *w)
{
    struct spt *s = spt_of(mon);
    uint32_t *pd = spt_page_ptr(mon, s->roots[s->current].pd_page);
    if (pd[pdi] & PTE_P)
        return spt_page_ptr(mon, spt_page_index(mon, pd[pdi]));
    int i = spt_page_alloc(mon, SPT_PT);
    if (i < 0)
        return NULL;
    uint32_t src = (w->large ? w->pde_gpa : w->pde) >> PAGING_PTE_SHIFT;
    s->pages[i] = (struct spt_page){ .role = SPT_PT, .large = w->large, .root = (int8_t)s->current,
                                     .pdi = (uint16_t)pdi, .src = src };
    if (!w->large)
        spt_track(mon, src);       /* a 4-MiB page's source is the directory: tracked already */
    pd[pdi] = spt_page_phys(mon, (uint32_t)i) | PTE_P | PTE_RW | PTE_US;
    return spt_page_ptr(mon, (uint32_t)i);
}

/* Copy the guest's translation of la into the shadow (whose table for it
 * exists: spt_shadow_table). */
static void fill_entry(struct monitor *mon, uint32_t la, const struct spt_walk *w, uint32_t access)
{
    struct spt *s = spt_of(mon);
    uint32_t pde = spt_page_ptr(mon, s->roots[s->current].pd_page)[la >> PAGING_PDE_SHIFT];
    uint32_t *pt = spt_page_ptr(mon, spt_page_index(mon, pde));
    pt[(la >> PAGING_PTE_SHIFT) & PAGING_INDEX_MASK] = shadow_pte(mon, w, access);
    s->stats.fills++;
    cpu_tlb_flush_page(mon->c, la);  /* SDM Vol. 3A 4.10.4.1: as a #PF would */
}

enum machine_stop spt_page_fault(struct monitor *mon, int depth)
{
    struct spt *s = spt_of(mon);
    uint32_t la = mon->c->exit.cr2, access = mon->c->exit.error & (PF_WR | PF_US);
    struct spt_walk w;
    if (!(mon->v.cr0 & CR0_PG))
        return mmu_flat_ops.page_fault(mon, depth);   /* no guest paging: MMIO */
    if (la >> PAGING_PDE_SHIFT == MONITOR_PDE_INDEX || s->current == SPT_NO_ROOT) {
        /* Segments end below the monitor region (core/shadow_gdt.c), so no
         * guest access gets here: it would be the monitor's own bug. */
        emu_stop(mon, MACHINE_UNSUPPORTED, "monitor: page fault at 0x%08x in the monitor region, "
                 "EIP 0x%08x (a monitor bug)", la, mon->c->eip);
        return mon->m->stop;
    }
    if (spt_walk(mon, la, access, &w) < 0)
        return true_fault(mon, la, w.error);
    if (!spt_shadow_table(mon, la >> PAGING_PDE_SHIFT, &w)) {
        emu_stop(mon, MACHINE_UNSUPPORTED, "monitor: no room for shadow page tables");
        return mon->m->stop;
    }
    /* The one-step mappings below go into that table (core/pagetable.c). */
    if (w.gpa >= mon->guest_ram) {
        s->stats.mmio_faults++;
        return pt_step_with_page(mon, la, monitor_outside_ram(mon, w.gpa), access & PF_WR, depth);
    }
    if ((access & PF_WR) && spt_tracked(mon, w.gpa >> PAGING_PTE_SHIFT))
        return spt_emulate_pt_write(mon, la, &w, depth);
    fill_entry(mon, la, &w, access);
    s->stats.hidden_faults++;
    return MACHINE_RUNNING;
}
