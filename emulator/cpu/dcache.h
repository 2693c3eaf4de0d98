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

/*
 * One decoded instruction in the cache: one 64-byte cache line.  There is
 * no address tag: a decoding depends only on the bytes and on CS.D (the
 * effective address and the next EIP are computed at each hit), so an entry
 * is right for any instruction whose bytes and CS.D match it, wherever they
 * were fetched from.  The host address only picks the slot.
 */
struct dcache_entry {
    uint64_t bytes[2];                 /* the 16 bytes it was decoded from, see below */
    struct ea_recipe ea;
    uint8_t len;
    uint8_t dflt;                      /* CS.D default size it was decoded with; 0 = empty */
    struct insn i;
};

_Static_assert(sizeof(struct dcache_entry) <= DCACHE_ENTRY_BYTES, "grow DCACHE_ENTRY_BYTES");

/* The one slot an instruction starting at `host` may occupy (direct-mapped). */
static inline struct dcache_entry *dcache_slot(struct cpu *c, const uint8_t *host)
{
    return (struct dcache_entry *)(c->dcache + ((uintptr_t)host % DCACHE_ENTRIES) * DCACHE_ENTRY_BYTES);
}

/*
 * Are the 16 bytes at p still the ones e was decoded from: the
 * instruction's bytes and whatever follows it (stored when decoded, so that
 * two whole words compare with no masks)?  A change just after the
 * instruction therefore costs a needless re-decode, never a wrong one.
 */
static inline bool words_unchanged(const struct dcache_entry *e, const uint8_t *p)
{
    uint64_t w[2];

    memcpy(w, p, sizeof w);
    return ((w[0] ^ e->bytes[0]) | (w[1] ^ e->bytes[1])) == 0;
}

/* Cache miss (decode.c): decode from memory, fill the entry when possible. */
const struct insn *decode_miss(struct cpu *c, struct insn *scratch);

/*
 * The cached decoding of the instruction at CS:EIP, or NULL.  EIP must lie
 * in the fetch window (decode.c), which stands for the CS limit check and
 * the TLB lookup; the entry must be for this CS.D, fit in the window (page
 * and limit), and hold the bytes that are there now.  Nearly always EIP is
 * at least 16 bytes before the window's end (fw_span16), so any instruction
 * fits and two words can be read; the last 15 bytes compare byte by byte
 * (the entry then holds zeros after its e->len bytes, or differs: a miss).
 */
static inline struct dcache_entry *dcache_lookup(struct cpu *c)
{
    uint32_t off = c->eip - c->fw_eip, room;
    const uint8_t *host;
    struct dcache_entry *e;

    if (likely(off < c->fw_span16)) {
        host = c->fw_host + off;
        e = dcache_slot(c, host);
        return e->dflt == c->fw_dflt && words_unchanged(e, host) ? e : NULL;
    }
    if (off >= c->fw_span)
        return NULL;
    host = c->fw_host + off;
    room = c->fw_span - off;
    e = dcache_slot(c, host);
    return e->dflt == c->fw_dflt && e->len <= room && memcmp(host, e->bytes, e->len) == 0 ? e : NULL;
}

/* Decode the instruction at CS:EIP: from the cache when its bytes are
 * unchanged, else from memory.  Returns the decoded instruction (in the
 * cache, or in *scratch for code that cannot be cached).  always_inline:
 * this is the run loop's hot path, and GCC's size limits would make it a
 * call (measured: about 20 more host instructions per guest instruction). */
__attribute__((always_inline)) static inline const struct insn *dcache_decode(struct cpu *c, struct insn *scratch)
{
    struct dcache_entry *e = dcache_lookup(c);

    if (unlikely(e == NULL))
        return decode_miss(c, scratch);
    if (e->i.ea_base >= 0 || e->ea.index >= 0)    /* else fixed, computed when decoded */
        e->i.ea = ea_compute(c, &e->i, &e->ea);
    e->i.next_eip = c->eip + e->len;               /* in the window: no 16-bit wrap */
    return &e->i;
}

/* Execute the instruction at CS:EIP when nothing needs a look before it:
 * the body of cpu.c's fast loop, for jit.c's dispatcher, which runs what it
 * does not translate this way. */
static inline void exec_next(struct cpu *c)
{
    struct insn scratch;
    const struct insn *i;

    c->insn_eip = c->eip;
    i = dcache_decode(c, &scratch);
    c->eip = i->next_eip;
    exec_insn(c, i);
    c->icount++;
}

#endif
