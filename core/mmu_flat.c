/* mmu_flat.c - chapter 2's MMU: the guest does not page, the monitor's flat tables confine it. */

/*
 * Without guest paging there is one translation, guest physical to host
 * physical, and pagetable.c's flat tables are it: guest RAM one to one,
 * nothing else.  A #PF can then only mean the guest touched a physical
 * address outside its RAM -- a device (the APICs) or open bus -- and the
 * monitor performs that one access (pt_step_with_page).  A guest that turns
 * paging on needs a second translation, which is chapter 3's.
 */
#include "monitor_internal.h"

/* mmu_ops attach: build the flat tables and point the real CR3 at them
 * (pt_build).  Cannot fail: monitor memory is the machine's.  Returns 0. */
static int flat_attach(struct monitor *mon, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    pt_build(mon);
    return 0;
}

/* mmu_ops detach: the flat tables live in monitor memory, which the
 * machine frees; no host memory of its own to release. */
static void flat_detach(struct monitor *mon)
{
    (void)mon;
}

/* Guest linear = guest physical. */
static int flat_translate(struct monitor *mon, uint32_t la, bool write, uint32_t *gpa)
{
    (void)mon;
    (void)write;
    *gpa = la;
    return 0;
}

/* SDM Vol. 3A 4.7: the #PF's CR2 is the linear address, here also the
 * guest-physical one.  Outside guest RAM it is MMIO or open bus: do that
 * one access.  Inside guest RAM, or in the monitor's region (which every
 * guest segment ends below), the flat tables map everything there is: a
 * fault is the monitor's own error, and the VM stops saying so. */
static enum machine_stop flat_page_fault(struct monitor *mon, int depth)
{
    uint32_t la = mon->c->exit.cr2;
    if (la < mon->guest_ram || la >= MONITOR_LINEAR) {
        emu_stop(mon, MACHINE_UNSUPPORTED, "monitor: unexpected page fault at 0x%08x, EIP 0x%08x "
                 "(a monitor bug: the flat tables map all of guest RAM)", la, mon->c->eip);
        return mon->m->stop;
    }
    return pt_step_with_page(mon, la, monitor_outside_ram(mon, la), true, depth);
}

/* CR0.PG needs shadow page tables; CR3 and CR4 mean nothing without it. */
static int flat_write_cr(struct monitor *mon, int cr, uint32_t old)
{
    (void)old;
    if (cr == 0 && (mon->v.cr0 & CR0_PG))
        return emu_stop(mon, MACHINE_UNSUPPORTED,
                        "guest enabled paging: shadow page tables are chapter 3 (shadow-mmu/)");
    return EMU_DONE;
}

/* No guest paging, no guest TLB entries to forget. */
static void flat_invlpg(struct monitor *mon, uint32_t la)
{
    (void)mon;
    (void)la;
}

const struct mmu_ops mmu_flat_ops = {
    .name = "flat",
    .attach = flat_attach,
    .detach = flat_detach,
    .translate = flat_translate,
    .page_fault = flat_page_fault,
    .write_cr = flat_write_cr,
    .invlpg = flat_invlpg,
    .print_stats = NULL,
};
