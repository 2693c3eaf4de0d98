/* mmu.c - 32-bit paging: the two-level page walk, A/D bits, #PF, and the TLB. */

/*
 * With CR0.PG set, every linear address is translated by a two-level walk
 * (SDM Vol. 3A 4.3): bits 31:22 pick a page-directory entry in the page at
 * CR3, bits 21:12 pick a page-table entry in the page that PDE names, and
 * bits 11:0 are the offset in the 4-KiByte page the PTE names.  With
 * CR4.PSE a PDE with PS=1 maps a whole 4-MiByte page itself.  Each level
 * carries P (present), R/W and U/S; the access is allowed only if every
 * level allows it (SDM 4.6).  The walk sets the accessed bit of the entries
 * it used and, for a write, the dirty bit of the final entry (SDM 4.8).
 *
 * Walking two tables on every access would be slow, so the processor keeps
 * translations in a TLB, and it does NOT watch the page tables: after the OS
 * edits an entry, the old translation stays in use until the OS flushes it
 * with INVLPG, a MOV to CR3 (which keeps global pages, CR4.PGE) or a change of
 * CR0.PG/CR4 (SDM 4.10.4).  Our TLB behaves the same way: nothing else
 * flushes it, so a guest that forgets INVLPG sees the stale page as it would
 * on hardware.
 *
 * TLB geometry: TLB_ENTRIES (256) entries, direct-mapped, indexed by the
 * linear page number modulo 256, covering 1 MiB of linear space at once.
 * An entry maps one 4-KiByte linear page (4-MiByte pages are cached 4 KiB
 * at a time) to the host address of a RAM page, with one tag per access
 * class: supervisor read, supervisor write, user read, user write.  A walk
 * fills only the classes the entry's permissions allow, and the write classes
 * only once the dirty bit is set, so that a later write that must set D
 * walks again.  A lookup is one compare of the class's tag plus a host
 * pointer add (mem.h, tlb_hit).  MMIO pages are not cached: they are walked
 * on every access.  With paging off the TLB caches the identity map.
 */

#include <string.h>

#include "mem.h"
#include "paging.h"

/* What a walk found. */
struct walk {
    uint32_t pde_addr, pte_addr;   /* physical addresses of the entries */
    uint32_t pde, pte;             /* for a 4-MiByte page, pte == pde */
    bool large;
    uint32_t paddr;                /* physical address of laddr */
    bool user, writable;           /* U/S and R/W of both levels combined */
};

/* The entry that maps the page: the PTE, or the PDE for a 4-MiByte page. */
static uint32_t *final_entry(struct walk *w)
{
    return w->large ? &w->pde : &w->pte;
}

/* SDM Vol. 3A 4.3: read the PDE (and PTE) for laddr, with no side effects.
 * Returns true if laddr is mapped; else false with *err the #PF error bits
 * (0 for not present, PF_RSVD | PF_P for a reserved bit set). */
static bool walk_tables(struct cpu *c, uint32_t laddr, struct walk *w, uint32_t *err)
{
    *err = 0;
    w->pde_addr = (c->cr3 & PTE_FRAME) | ((laddr >> 22) << 2);
    w->pde = phys_read(c, w->pde_addr, 4);
    if (!(w->pde & PTE_P))
        return false;
    w->large = (w->pde & PTE_PS) && (c->cr4 & CR4_PSE);
    if (w->large) {
        *err = (w->pde & PDE_RSVD_4M) ? PF_RSVD | PF_P : 0;
        w->pte_addr = w->pde_addr;
        w->pte = w->pde;
        w->paddr = (w->pde & PDE_FRAME_4M) | (laddr & ~PDE_FRAME_4M);
    } else {
        w->pte_addr = (w->pde & PTE_FRAME) | (((laddr >> PAGE_SHIFT) & 0x3ff) << 2);
        w->pte = phys_read(c, w->pte_addr, 4);
        if (!(w->pte & PTE_P))
            return false;
        w->paddr = (w->pte & PTE_FRAME) | (laddr & ~PAGE_MASK);
    }
    w->user = (w->pde & PTE_US) && (w->pte & PTE_US);
    w->writable = (w->pde & PTE_RW) && (w->pte & PTE_RW);
    return *err == 0;
}

/* SDM Vol. 3A 4.6.1: may this access use the page?  User accesses need U/S=1
 * at both levels, and R/W=1 to write.  Supervisor accesses may read any
 * page, and write any page when CR0.WP=0; with WP=1 they need R/W=1. */
static bool access_allowed(const struct cpu *c, const struct walk *w, bool user, bool write)
{
    if (user && !w->user)
        return false;
    if (!write || w->writable)
        return true;
    return !user && !(c->cr0 & CR0_WP);
}

/* Set a bit in a paging entry in memory if it is not already set. */
static void entry_set(struct cpu *c, uint32_t addr, uint32_t *entry, uint32_t bit)
{
    if (!(*entry & bit)) {
        *entry |= bit;
        phys_write(c, addr, *entry, 4);
    }
}

/* SDM Vol. 3A 4.8: A on every entry used, D on the final entry for a write. */
static void set_accessed_dirty(struct cpu *c, struct walk *w, bool write)
{
    entry_set(c, w->pde_addr, &w->pde, PTE_A);
    if (!w->large)
        entry_set(c, w->pte_addr, &w->pte, PTE_A);
    if (write)
        entry_set(c, w->pte_addr, final_entry(w), PTE_D);
}

/* SDM Vol. 3A 4.7: record the faulting address in CR2 and raise #PF. */
static _Noreturn void page_fault(struct cpu *c, uint32_t laddr, uint32_t err)
{
    c->cr2 = laddr;
    cpu_raise(c, EXC_PF, true, err);
}

/* Walk for an access, check it, set A/D; raises #PF. */
static void walk_access(struct cpu *c, uint32_t laddr, bool user, bool write, struct walk *w)
{
    uint32_t err;
    uint32_t kind = (write ? PF_WR : 0) | (user ? PF_US : 0);
    if (!walk_tables(c, laddr, w, &err))
        page_fault(c, laddr, err | kind);
    if (!access_allowed(c, w, user, write))
        page_fault(c, laddr, PF_P | kind);
    set_accessed_dirty(c, w, write);
}

/* Paging off: the identity map, every access allowed. */
static void walk_identity(uint32_t laddr, struct walk *w)
{
    memset(w, 0, sizeof *w);
    w->pde = w->pte = PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D;
    w->paddr = laddr;
    w->user = w->writable = true;
}

/* Does physical page `page` hold code the translator has translated? */
static bool frame_has_code(const struct cpu *c, uint32_t page)
{
    return c->code_frames && (page >> PAGE_SHIFT) < c->jit_frames &&
           c->code_frames[page >> PAGE_SHIFT];
}

/* Fill the TLB entry for laddr with the classes this walk allows.  A page
 * with translated code gets "watched" write tags (cpu.h), so that no write
 * to it takes the fast path. */
static void tlb_fill(struct cpu *c, uint32_t laddr, struct walk *w, uint8_t *host)
{
    struct tlb_entry *e = &c->tlb[(laddr >> PAGE_SHIFT) % TLB_ENTRIES];
    uint32_t page = w->paddr & PAGE_MASK;
    uint32_t tag = TLB_TAG_OF(laddr);
    uint32_t wtag = frame_has_code(c, page) ? TLB_TAG_WATCHED(laddr) : tag;
    bool dirty = *final_entry(w) & PTE_D;
    bool super_write = w->writable || !(c->cr0 & CR0_WP);
    e->tag[TLB_SUPER_READ] = tag;
    e->tag[TLB_SUPER_WRITE] = (super_write && dirty) ? wtag : 0;
    e->tag[TLB_USER_READ] = w->user ? tag : 0;
    e->tag[TLB_USER_WRITE] = (w->user && w->writable && dirty) ? wtag : 0;
    e->paddr = page;
    /* SDM Vol. 3A 4.10.2.2: G counts only with CR4.PGE, and only in the
     * entry that maps the page. */
    e->global = (c->cr4 & CR4_PGE) && (*final_entry(w) & PTE_G);
    e->large = w->large;
    e->addend = (uintptr_t)host - (laddr & PAGE_MASK);
}

/* A watched write class still holds its translation (contract in mem.h). */
uint8_t *tlb_watched_hit(struct cpu *c, uint32_t laddr, unsigned cls)
{
    struct tlb_entry *e = &c->tlb[(laddr >> PAGE_SHIFT) % TLB_ENTRIES];
    if (e->tag[cls] == TLB_TAG_WATCHED(laddr))
        return (uint8_t *)(e->addend + laddr);
    return NULL;
}

/* The translator now has code on physical page `page` (watch = true) or no
 * longer has (false): turn the write tags of the entries that map it into
 * watched ones, or back.  Only the tags change, never the translation, so
 * what the TLB caches stays exactly what the guest's flushes left (mmu.c's
 * opening comment). */
void tlb_watch_frame(struct cpu *c, uint32_t page, bool watch)
{
    for (unsigned k = 0; k < TLB_ENTRIES; k++) {
        struct tlb_entry *e = &c->tlb[k];
        if (e->paddr != page)
            continue;
        for (unsigned cls = TLB_SUPER_WRITE; cls < TLB_CLASSES; cls += 2)
            if (e->tag[cls])
                e->tag[cls] = watch ? TLB_TAG_WATCHED(e->tag[cls]) : TLB_TAG_OF(e->tag[cls]);
    }
}

/* TLB miss: walk (or identity-map with paging off), fill, return the host
 * address or NULL for MMIO (contract in mem.h). */
uint8_t *mmu_lookup(struct cpu *c, uint32_t laddr, unsigned acc, uint32_t *paddr)
{
    unsigned cls = tlb_class_of(c, acc);
    struct walk w;
    if (c->cr0 & CR0_PG)
        walk_access(c, laddr, cls >= TLB_USER_READ, acc & ACC_WRITE, &w);
    else
        walk_identity(laddr, &w);
    *paddr = w.paddr;
    uint32_t page = w.paddr & PAGE_MASK;
    if ((uint64_t)page + PAGE_SIZE > c->bus.ram_size)
        return NULL;   /* MMIO: not cached */
    tlb_fill(c, laddr, &w, c->bus.ram + page);
    return c->bus.ram + w.paddr;
}

/* The physical address of laddr for an access of kind acc; raises #PF. */
uint32_t mmu_translate(struct cpu *c, uint32_t laddr, unsigned acc)
{
    unsigned cls = tlb_class_of(c, acc);
    uint8_t *host = tlb_hit(c, laddr, cls);
    uint32_t paddr;
    if (host == NULL && (acc & ACC_WRITE))
        host = tlb_watched_hit(c, laddr, cls);
    if (host)
        return (uint32_t)(host - c->bus.ram);
    mmu_lookup(c, laddr, acc, &paddr);
    return paddr;
}

/* The translator emptied its cache: no page is watched any more. */
void tlb_unwatch_all(struct cpu *c)
{
    for (unsigned k = 0; k < TLB_ENTRIES; k++)
        for (unsigned cls = TLB_SUPER_WRITE; cls < TLB_CLASSES; cls += 2)
            if (c->tlb[k].tag[cls])
                c->tlb[k].tag[cls] = TLB_TAG_OF(c->tlb[k].tag[cls]);
}

/* --- flushing, SDM Vol. 3A 4.10.4 ---------------------------------------- */

/* Invalidate every access class of an entry. */
static void tlb_entry_clear(struct tlb_entry *e)
{
    memset(e->tag, 0, sizeof e->tag);
}

/* CR0.PG/WP/PE or CR4.PSE/PGE changed: drop everything, global too. */
void tlb_flush_all(struct cpu *c)
{
    fetch_flush(c);
    for (unsigned k = 0; k < TLB_ENTRIES; k++)
        tlb_entry_clear(&c->tlb[k]);
}

/* MOV to CR3: drop every entry not marked global. */
void tlb_flush_nonglobal(struct cpu *c)
{
    fetch_flush(c);
    for (unsigned k = 0; k < TLB_ENTRIES; k++)
        if (!c->tlb[k].global)
            tlb_entry_clear(&c->tlb[k]);
}

/* Any valid tag of an entry (with the page in its top 20 bits), or 0 if the
 * entry is empty. */
static uint32_t tlb_entry_tag(const struct tlb_entry *e)
{
    for (unsigned k = 0; k < TLB_CLASSES; k++)
        if (e->tag[k])
            return e->tag[k];
    return 0;
}

/* INVLPG: drop the page's translation; for a 4-MiByte page, every piece of
 * it we cached (SDM Vol. 3A 4.10.4.1: all TLB entries for the page). */
void tlb_flush_page(struct cpu *c, uint32_t laddr)
{
    fetch_flush(c);
    for (unsigned k = 0; k < TLB_ENTRIES; k++) {
        struct tlb_entry *e = &c->tlb[k];
        uint32_t tag = tlb_entry_tag(e);
        uint32_t mask = e->large ? PDE_FRAME_4M : PAGE_MASK;
        if (tag && ((tag ^ laddr) & mask) == 0)
            tlb_entry_clear(e);
    }
}

/* Public: the owner changed paging state behind the CPU's back. */
void cpu_tlb_flush(struct cpu *c)
{
    tlb_flush_all(c);
}

/* Public: one page, as INVLPG. */
void cpu_tlb_flush_page(struct cpu *c, uint32_t laddr)
{
    tlb_flush_page(c, laddr);
}

/* --- side-effect-free translation for debuggers and monitors ----------------- */

/* Public: a supervisor-view walk with no A/D bits and no fault. */
int cpu_translate(struct cpu *c, uint32_t laddr, uint32_t *paddr)
{
    struct walk w;
    uint32_t err;
    if (!(c->cr0 & CR0_PG)) {
        *paddr = laddr;
        return 0;
    }
    if (!walk_tables(c, laddr, &w, &err))
        return -1;
    *paddr = w.paddr;
    return 0;
}

/* Copy len bytes between guest linear memory and buf, page by page. */
static int copy_linear(struct cpu *c, uint32_t laddr, uint8_t *buf, uint32_t len, bool write)
{
    while (len > 0) {
        uint32_t paddr;
        uint32_t chunk = PAGE_SIZE - (laddr & ~PAGE_MASK);
        if (chunk > len)
            chunk = len;
        if (cpu_translate(c, laddr, &paddr) < 0)
            return -1;
        for (uint32_t k = 0; k < chunk; k++) {
            if (write)
                phys_write(c, paddr + k, buf[k], 1);
            else
                buf[k] = (uint8_t)phys_read(c, paddr + k, 1);
        }
        laddr += chunk;
        buf += chunk;
        len -= chunk;
    }
    return 0;
}

/* Public: copy guest linear memory out (0, or -1 at an unmapped page). */
int cpu_read_linear(struct cpu *c, uint32_t laddr, void *buf, uint32_t len)
{
    return copy_linear(c, laddr, buf, len, false);
}

/* Public: copy into guest linear memory (0, or -1 at an unmapped page). */
int cpu_write_linear(struct cpu *c, uint32_t laddr, const void *buf, uint32_t len)
{
    return copy_linear(c, laddr, (uint8_t *)buf, len, true);
}
