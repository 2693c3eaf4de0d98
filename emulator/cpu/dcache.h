/* dcache.h - the decoded-instruction cache: its entries and the inline hit path. */
#ifndef TRAPEZE_DCACHE_H
#define TRAPEZE_DCACHE_H

/*
 * decode.c explains the cache.  This header holds what the run loop needs to
 * use a cached decoding without a function call: the entry layout, the
 * lookup that checks it is still valid, and the effective-address recipe.
 * Misses (and everything about reading bytes) stay in decode.c.
 */

#include <string.h>

#include "exec.h"
#include "mem.h"

/* How to compute a memory operand's offset: base (in insn.ea_base) +
 * index << scale + disp, wrapped to the address size. */
struct __attribute__((packed)) ea_recipe {   /* packed: 6 bytes, see dcache_entry */
    uint32_t disp;
    int8_t index;            /* index register, or -1 */
    uint8_t scale;           /* 0..3 */
};

/* The effective address from its recipe and the current registers. */
static inline uint32_t ea_compute(const struct cpu *c, const struct insn *i,
                                  const struct ea_recipe *ea)
{
    uint32_t v = ea->disp;

    if (i->ea_base >= 0)
        v += c->reg[i->ea_base];
    if (ea->index >= 0)
        v += c->reg[ea->index] << ea->scale;
    return i->addrsize == 2 ? v & 0xffff : v;
}

/* One decoded instruction in the cache: one 64-byte cache line. */
struct dcache_entry {
    const uint8_t *host;               /* host address of its first byte; NULL = empty */
    uint64_t bytes[2];                 /* its bytes, zero-padded, to detect changes */
    struct ea_recipe ea;
    uint8_t len;
    uint8_t dflt;                      /* CS.D default size it was decoded with */
    struct insn i;
};

_Static_assert(sizeof(struct dcache_entry) <= DCACHE_ENTRY_BYTES, "grow DCACHE_ENTRY_BYTES");

/* The one slot an instruction starting at `host` may occupy (direct-mapped). */
static inline struct dcache_entry *dcache_slot(struct cpu *c, const uint8_t *host)
{
    return (struct dcache_entry *)(c->dcache + ((uintptr_t)host % DCACHE_ENTRIES) * DCACHE_ENTRY_BYTES);
}

/* Mask of the first n bytes of a little-endian 64-bit word, n = 0..8. */
static const uint64_t byte_mask[9] = {
    0, 0xff, 0xffff, 0xffffff, 0xffffffffull, 0xffffffffffull, 0xffffffffffffull,
    0xffffffffffffffull, 0xffffffffffffffffull,
};

/* Are the len bytes at p still the ones in e?  (Reads whole words when the
 * page has room for them, byte by byte near its end.) */
static inline bool bytes_unchanged(const struct dcache_entry *e, const uint8_t *p, uint32_t page_room)
{
    uint64_t w[2] = { 0, 0 };

    if (likely(page_room >= sizeof w)) {
        memcpy(w, p, sizeof w);
        unsigned lo = e->len < 8 ? e->len : 8;
        return (((w[0] ^ e->bytes[0]) & byte_mask[lo]) |
                ((w[1] ^ e->bytes[1]) & byte_mask[e->len - lo])) == 0;
    }
    return memcmp(p, e->bytes, e->len) == 0;
}

/* Cache miss (decode.c): decode from memory, fill the entry when possible. */
const struct insn *decode_miss(struct cpu *c, struct insn *scratch, unsigned dflt, uint32_t mask);

/* The cached decoding of the instruction at CS:EIP, or NULL.  It must start
 * on a RAM page the TLB knows, fit the page and the CS limit, have been
 * decoded with the same default size, and its bytes must be unchanged. */
static inline struct dcache_entry *dcache_lookup(struct cpu *c, unsigned dflt)
{
    const struct seg *cs = &c->seg[SEG_CS];
    uint32_t eip = c->eip, lin = cs->base + eip;
    const uint8_t *host = tlb_hit(c, lin, c->cpl == 3 ? TLB_USER_READ : TLB_SUPER_READ);
    struct dcache_entry *e;
    uint32_t page_room;

    if (unlikely(host == NULL || eip > cs->limit))
        return NULL;
    e = dcache_slot(c, host);
    page_room = PAGE_SIZE - (lin & ~PAGE_MASK);
    if (likely(e->host == host && e->dflt == dflt && e->len <= page_room &&
               e->len - 1u <= cs->limit - eip && bytes_unchanged(e, host, page_room)))
        return e;
    return NULL;
}

/* Decode the instruction at CS:EIP: from the cache when its bytes are
 * unchanged, else from memory.  Returns the decoded instruction (in the
 * cache, or in *scratch for code that cannot be cached). */
static inline const struct insn *dcache_decode(struct cpu *c, struct insn *scratch)
{
    unsigned dflt = (c->seg[SEG_CS].attr & SEG_ATTR_DB) ? 4 : 2;
    uint32_t mask = dflt == 4 ? 0xffffffffu : 0xffff;
    struct dcache_entry *e = dcache_lookup(c, dflt);

    if (unlikely(e == NULL))
        return decode_miss(c, scratch, dflt, mask);
    e->i.ea = ea_compute(c, &e->i, &e->ea);
    e->i.next_eip = (c->eip + e->len) & mask;
    return &e->i;
}

#endif
