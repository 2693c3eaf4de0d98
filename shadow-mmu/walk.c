/* walk.c - the guest's page walk, done in software on guest memory. */

/*
 * The monitor needs the answer the guest's own page tables give for a
 * linear address: which guest-physical page, and whether this access is
 * allowed.  It finds it exactly as the processor would (SDM Vol. 3A 4.3),
 * except that it uses the guest's virtual CR3, CR4 and CR0 and reads the
 * tables from guest memory.  Nothing here trusts the guest: every table
 * address is checked against the guest's RAM, and what lies outside it
 * reads as the bus would make it read.
 */
#include "spt_internal.h"

#define INDEX_MASK PAGING_INDEX_MASK
#define OFFSET_4K 0x00000fffu
#define OFFSET_4M 0x003fffffu

uint32_t spt_guest_entry(struct monitor *mon, uint32_t gpa)
{
    uint32_t e;
    if (gmem_read(mon, gpa, &e, sizeof(e)) == 0)
        return e;
    return mon->c->bus.mmio_read(mon->c->bus.opaque, gpa, 4);
}

/* SDM Vol. 3A 4.3, figures 4-2 and 4-3: CR3 names the directory, bits
 * 31:22 of the address index it, bits 21:12 index the table a 4-KiB PDE
 * names (figure 4-2); with CR4.PSE a PDE with PS = 1 maps 4 MiB itself,
 * bits 21:0 being the offset (figure 4-3; table 4-4: its bits 21:13 are
 * reserved when physical addresses have 32 bits). */
static int walk_tables(struct monitor *mon, uint32_t la, struct spt_walk *w)
{
    *w = (struct spt_walk){ 0 };
    w->pde_gpa = (mon->v.cr3 & PTE_FRAME) | ((la >> PAGING_PDE_SHIFT) << 2);
    w->pde = spt_guest_entry(mon, w->pde_gpa);
    if (!(w->pde & PTE_P))
        return -1;
    w->large = (w->pde & PTE_PS) && (mon->v.cr4 & CR4_PSE);
    if (w->large) {
        if (w->pde & PDE_RSVD_4M) {
            w->error = PF_RSVD | PF_P;
            return -1;
        }
        w->pte_gpa = w->pde_gpa;
        w->pte = w->pde;
        w->gpa = (w->pde & PDE_FRAME_4M) | (la & OFFSET_4M);
    } else {
        w->pte_gpa = (w->pde & PTE_FRAME) | (((la >> PAGING_PTE_SHIFT) & INDEX_MASK) << 2);
        w->pte = spt_guest_entry(mon, w->pte_gpa);
        if (!(w->pte & PTE_P))
            return -1;
        w->gpa = (w->pte & PTE_FRAME) | (la & OFFSET_4K);
    }
    w->user = (w->pde & PTE_US) && (w->pte & PTE_US);
    w->writable = (w->pde & PTE_RW) && (w->pte & PTE_RW);
    return 0;
}

/* SDM Vol. 3A 4.6.1: user accesses need U/S = 1 at both levels and R/W = 1
 * to write; supervisor accesses read anything and write anything when
 * CR0.WP = 0, else only R/W = 1 pages. */
static bool allowed(const struct monitor *mon, const struct spt_walk *w, uint32_t access)
{
    bool user = access & PF_US, write = access & PF_WR;
    if (user && !w->user)
        return false;
    if (!write || w->writable)
        return true;
    return !user && !(mon->v.cr0 & CR0_WP);
}

/* Set `bit` in the guest entry at gpa (in RAM only, as the CPU's locked
 * update would reach nothing else). */
static void entry_set(struct monitor *mon, uint32_t gpa, uint32_t *entry, uint32_t bit)
{
    if (*entry & bit)
        return;
    *entry |= bit;
    gmem_write(mon, gpa, entry, sizeof(*entry));
}

/* SDM Vol. 3A 4.8: the processor sets A in every entry it used, and D in the
 * entry that maps the page when it writes to it. */
static void set_accessed_dirty(struct monitor *mon, struct spt_walk *w, bool write)
{
    entry_set(mon, w->pde_gpa, &w->pde, PTE_A);
    if (!w->large)
        entry_set(mon, w->pte_gpa, &w->pte, PTE_A);
    if (write)
        entry_set(mon, w->pte_gpa, w->large ? &w->pde : &w->pte, PTE_D);
    if (w->large)
        w->pte = w->pde;           /* one entry, two names */
}

/* SDM Vol. 3A 4.7: the error code says not present (P = 0) or protection
 * (P = 1), and whether the access was a write (W/R) by user mode (U/S). */
int spt_walk(struct monitor *mon, uint32_t la, uint32_t access, struct spt_walk *w)
{
    uint32_t kind = access & (PF_WR | PF_US);
    if (walk_tables(mon, la, w) < 0) {
        w->error |= kind;
        return -1;
    }
    if (!allowed(mon, w, access)) {
        w->error = PF_P | kind;
        return -1;
    }
    set_accessed_dirty(mon, w, access & PF_WR);
    return 0;
}

int spt_walk_peek(struct monitor *mon, uint32_t la, struct spt_walk *w)
{
    return walk_tables(mon, la, w);
}
