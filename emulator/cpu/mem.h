/* mem.h - memory helpers shared by the system files: TLB lookup, limit checks, stacks. */
#ifndef TRAPEZE_MEM_H
#define TRAPEZE_MEM_H

#include <stddef.h>
#include <string.h>

#include "cpu_internal.h"
#include "seg.h"

/* SDM Vol. 3A 4.3: 32-bit paging uses 4-KiByte pages. */
#define PAGE_SHIFT 12
#define PAGE_SIZE  (1u << PAGE_SHIFT)
#define PAGE_MASK  (~(PAGE_SIZE - 1))

/* Which of the four TLB tags an access uses: write or read, user or
 * supervisor.  User means CPL 3 and not an implicit supervisor access
 * (SDM Vol. 3A 4.6: descriptor-table and TSS accesses are supervisor). */
static inline unsigned tlb_class_of(const struct cpu *c, unsigned acc)
{
    bool user = (acc & ACC_USER) || (c->cpl == 3 && !(acc & ACC_SUPER));
    return (user ? TLB_USER_READ : TLB_SUPER_READ) + ((acc & ACC_WRITE) ? 1 : 0);
}

/* The TLB hit path: the host address of laddr for access class `cls`, or
 * NULL when the entry does not cover it (walk with mmu_lookup). */
static inline uint8_t *tlb_hit(struct cpu *c, uint32_t laddr, unsigned cls)
{
    struct tlb_entry *e = &c->tlb[(laddr >> PAGE_SHIFT) % TLB_ENTRIES];
    if (__builtin_expect(e->tag[cls] == TLB_TAG_OF(laddr), 1))
        return (uint8_t *)(e->addend + laddr);
    return NULL;
}

/* A write class whose tag says "watched" (the page holds translated code):
 * the host address, or NULL.  The caller must tell the translator before it
 * writes (code_write_check).  mmu.c. */
uint8_t *tlb_watched_hit(struct cpu *c, uint32_t laddr, unsigned cls);

/* jit.c: bytes paddr..paddr+len-1 of RAM, which hold translated code, are
 * about to be written. */
void jit_code_written(struct cpu *c, uint32_t paddr, uint32_t len);

/* Every write to RAM that does not come through a TLB hit ends here before
 * it is made: if the bytes hold translated code, the translator forgets it. */
static inline void code_write_check(struct cpu *c, uint32_t paddr, uint32_t len)
{
    uint32_t first = paddr >> PAGE_SHIFT, last = (paddr + len - 1) >> PAGE_SHIFT;

    if (__builtin_expect(c->code_frames != NULL, 0) && last < c->jit_frames &&
        (c->code_frames[first] | c->code_frames[last]))
        jit_code_written(c, paddr, len);
}

/* Little-endian load and store of 1, 2 or 4 bytes at a host address.  The
 * fixed-size memcpy calls compile to single moves (no alignment needed). */
static inline uint32_t load_le(const uint8_t *p, unsigned size)
{
    uint16_t w;
    uint32_t d;
    switch (size) {
    case 1: return *p;
    case 2: memcpy(&w, p, 2); return w;
    default: memcpy(&d, p, 4); return d;
    }
}

static inline void store_le(uint8_t *p, uint32_t v, unsigned size)
{
    uint16_t w = (uint16_t)v;
    switch (size) {
    case 1: *p = (uint8_t)v; break;
    case 2: memcpy(p, &w, 2); break;
    default: memcpy(p, &v, 4); break;
    }
}

/* A data access at sreg:off with every check (mem.c): segment type and
 * limit, page crossing, TLB miss, MMIO; raises #GP/#SS/#PF. */
uint32_t mem_read_slow(struct cpu *c, int sreg, uint32_t off, unsigned size);
void mem_write_slow(struct cpu *c, int sreg, uint32_t off, uint32_t v, unsigned size);

/*
 * The fast path of a data access, inline because every memory operand comes
 * here.  It handles only the common case -- a present, expand-up data
 * segment (writable, for a write), an offset inside its limit, an access
 * within one page and a TLB hit -- and returns the host address, or NULL to
 * send the access to the slow path, which makes every check.  So it can
 * only be wrong by being too cautious: whatever it accepts, mem_read_slow
 * would have accepted too (SDM Vol. 3A 5.3, 3.4.5.1).
 */
static inline uint8_t *mem_fast(struct cpu *c, int sreg, uint32_t off, unsigned size, bool write)
{
    const struct seg *s = &c->seg[sreg];
    unsigned rw = write ? TYPE_RW : 0;
    unsigned mask = SEG_ATTR_P | SEG_ATTR_S | TYPE_CODE | TYPE_EXPAND_DOWN | rw;
    uint32_t lin = s->base + off;

    if (__builtin_expect((s->attr & mask) != (SEG_ATTR_P | SEG_ATTR_S | rw) ||
                         (uint64_t)off + size - 1 > s->limit ||
                         (lin & ~PAGE_MASK) > PAGE_SIZE - size, 0))
        return NULL;
    return tlb_hit(c, lin, (c->cpl == 3 ? TLB_USER_READ : TLB_SUPER_READ) + (write ? 1 : 0));
}

/* Read size bytes at sreg:off; raises #GP/#SS/#PF. */
static inline uint32_t mem_read(struct cpu *c, int sreg, uint32_t off, unsigned size)
{
    const uint8_t *host = mem_fast(c, sreg, off, size, false);

    if (__builtin_expect(host != NULL, 1))
        return load_le(host, size);
    return mem_read_slow(c, sreg, off, size);
}

/* Write size bytes at sreg:off; raises #GP/#SS/#PF. */
static inline void mem_write(struct cpu *c, int sreg, uint32_t off, uint32_t v, unsigned size)
{
    uint8_t *host = mem_fast(c, sreg, off, size, true);

    if (__builtin_expect(host != NULL, 1))
        store_le(host, v, size);
    else
        mem_write_slow(c, sreg, off, v, size);
}

/* The stack pointer in use: ESP, or SP when SS is a 16-bit (B=0) stack. */
static inline uint32_t stack_mask_of(const struct cpu *c)
{
    return (c->seg[SEG_SS].attr & SEG_ATTR_DB) ? 0xffffffffu : 0xffffu;
}

/* With every check, in mem.c. */
void cpu_push_slow(struct cpu *c, uint32_t v, unsigned size);
uint32_t cpu_pop_slow(struct cpu *c, unsigned size);

/* PUSH: write size bytes below the stack pointer, then move it; a push that
 * faults changes nothing.  The common case through mem_fast, as above. */
static inline void cpu_push(struct cpu *c, uint32_t v, unsigned size)
{
    uint32_t m = stack_mask_of(c), sp = (c->reg[ESP] - size) & m;
    uint8_t *host = mem_fast(c, SEG_SS, sp, size, true);

    if (__builtin_expect(host == NULL, 0)) {
        cpu_push_slow(c, v, size);
        return;
    }
    store_le(host, v, size);
    c->reg[ESP] = (c->reg[ESP] & ~m) | sp;
}

/* POP: read size bytes at the stack pointer, then move it. */
static inline uint32_t cpu_pop(struct cpu *c, unsigned size)
{
    uint32_t m = stack_mask_of(c), sp = c->reg[ESP] & m;
    const uint8_t *host = mem_fast(c, SEG_SS, sp, size, false);

    if (__builtin_expect(host == NULL, 0))
        return cpu_pop_slow(c, size);
    c->reg[ESP] = (c->reg[ESP] & ~m) | ((sp + size) & m);
    return load_le(host, size);
}

/* TLB miss: walk the page tables for the access, fill the TLB, set *paddr.
 * Returns the host address for RAM, NULL for MMIO; raises #PF.  (mmu.c) */
uint8_t *mmu_lookup(struct cpu *c, uint32_t laddr, unsigned acc, uint32_t *paddr);

/* True if off..off+size-1 lies inside the segment's limit, expand-down
 * segments included (SDM Vol. 3A 3.4.5.1, 5.3). */
bool seg_offset_ok(const struct seg *s, uint32_t off, unsigned size);

/*
 * A stack being read or written by a control transfer before it commits:
 * the stack segment (maybe not loaded yet), its pointer, the access kind for
 * paging, and the error code of the #SS a limit violation raises.  Nothing
 * architectural changes until stack_commit(), so a fault half-way leaves the
 * instruction restartable.
 */
struct stack {
    struct seg ss;
    uint32_t esp;
    unsigned acc;
    uint32_t fault_error;
};

/* The current SS:ESP, accessed at the current CPL; #SS(0) on overflow. */
struct stack stack_current(const struct cpu *c);
/* Push or pop one value of `size` bytes (2 or 4). */
void stack_push(struct cpu *c, struct stack *st, uint32_t v, unsigned size);
uint32_t stack_pop(struct cpu *c, struct stack *st, unsigned size);
/* Make st->esp the new ESP (only SP when SS is a 16-bit stack). */
void stack_commit(struct cpu *c, const struct stack *st);

#endif
