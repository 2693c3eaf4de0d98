/* mem.c - segmented memory access: from segment:offset to a byte of RAM or a device. */

/*
 * Every memory operand names a segment register and an offset.  In protected
 * mode the processor first checks the offset against the segment: its type
 * (no writes to code or read-only data, no reads of execute-only code) and
 * its limit (SDM Vol. 3A 5.3).  A violation is #GP(0), or #SS(0) when the
 * segment is SS.  The offset plus the segment base is the linear address,
 * which paging (mmu.c) turns into a physical address; physical addresses
 * below the end of RAM are RAM, the rest belongs to devices (MMIO).
 *
 * The fast path is the TLB hit: one tag compare gives a host pointer to the
 * page, and the value is loaded with memcpy (IA-32 and the host are both
 * little-endian).  An access that crosses a page boundary is split into
 * bytes, and a write checks both pages before it changes either, so a #PF on
 * the second page leaves memory untouched and the instruction restartable.
 */

#include <string.h>

#include "mem.h"
#include "seg.h"

/* --- physical ------------------------------------------------------------- */

/* True if paddr..paddr+size-1 is entirely RAM. */
static bool phys_in_ram(const struct cpu *c, uint32_t paddr, unsigned size)
{
    return (uint64_t)paddr + size <= c->bus.ram_size;
}

/* Read size bytes of physical memory: RAM directly, the rest through MMIO. */
uint32_t phys_read(struct cpu *c, uint32_t paddr, unsigned size)
{
    if (phys_in_ram(c, paddr, size))
        return load_le(c->bus.ram + paddr, size);
    if (paddr >= c->bus.ram_size || size == 1)
        return c->bus.mmio_read(c->bus.opaque, paddr, size);
    uint32_t v = 0;   /* straddles the end of RAM: byte by byte */
    for (unsigned k = 0; k < size; k++)
        v |= phys_read(c, paddr + k, 1) << (8 * k);
    return v;
}

/* Write size bytes of physical memory. */
void phys_write(struct cpu *c, uint32_t paddr, uint32_t v, unsigned size)
{
    if (phys_in_ram(c, paddr, size)) {
        code_write_check(c, paddr, size);
        store_le(c->bus.ram + paddr, v, size);
    } else if (paddr >= c->bus.ram_size || size == 1) {
        c->bus.mmio_write(c->bus.opaque, paddr, v, size);
    } else {
        for (unsigned k = 0; k < size; k++)
            phys_write(c, paddr + k, v >> (8 * k), 1);
    }
}

/* --- linear --------------------------------------------------------------- */

/* True if the access stays inside one page. */
static bool in_one_page(uint32_t laddr, unsigned size)
{
    return (laddr & ~PAGE_MASK) <= PAGE_SIZE - size;
}

/* Read within one page on a TLB miss (or MMIO). */
static uint32_t lin_read_slow(struct cpu *c, uint32_t laddr, unsigned size, unsigned acc)
{
    uint32_t paddr;
    uint8_t *host = mmu_lookup(c, laddr, acc, &paddr);
    return host ? load_le(host, size) : phys_read(c, paddr, size);
}

/* Read size bytes at a linear address; raises #PF. */
uint32_t lin_read(struct cpu *c, uint32_t laddr, unsigned size, unsigned acc)
{
    acc &= ~ACC_WRITE;
    if (__builtin_expect(in_one_page(laddr, size), 1)) {
        uint8_t *host = tlb_hit(c, laddr, tlb_class_of(c, acc));
        if (__builtin_expect(host != NULL, 1))
            return load_le(host, size);
        return lin_read_slow(c, laddr, size, acc);
    }
    uint32_t v = 0;   /* crosses a page: the bytes one by one */
    for (unsigned k = 0; k < size; k++)
        v |= lin_read(c, laddr + k, 1, acc) << (8 * k);
    return v;
}

/* A page-crossing write: translate both pages (faulting before any byte is
 * written), then write each byte to its physical address. */
static void lin_write_split(struct cpu *c, uint32_t laddr, uint32_t v, unsigned size,
                            unsigned acc)
{
    uint32_t second = (laddr & PAGE_MASK) + PAGE_SIZE;
    uint32_t p0 = mmu_translate(c, laddr, acc);
    uint32_t p1 = mmu_translate(c, second, acc);
    for (unsigned k = 0; k < size; k++) {
        uint32_t la = laddr + k;
        uint32_t pa = la < second ? p0 + k : p1 + (la - second);
        phys_write(c, pa, v >> (8 * k), 1);
    }
}

/* Write size bytes at a linear address; raises #PF. */
void lin_write(struct cpu *c, uint32_t laddr, uint32_t v, unsigned size, unsigned acc)
{
    acc |= ACC_WRITE;
    if (__builtin_expect(!in_one_page(laddr, size), 0)) {
        lin_write_split(c, laddr, v, size, acc);
        return;
    }
    unsigned cls = tlb_class_of(c, acc);
    uint8_t *host = tlb_hit(c, laddr, cls);
    if (__builtin_expect(host == NULL, 0)) {
        uint32_t paddr;
        host = tlb_watched_hit(c, laddr, cls);
        if (host == NULL)
            host = mmu_lookup(c, laddr, acc, &paddr);
        if (host == NULL) {
            phys_write(c, paddr, v, size);
            return;
        }
        code_write_check(c, (uint32_t)(host - c->bus.ram), size);
    }
    store_le(host, v, size);
}

/* --- segmentation ---------------------------------------------------------- */

/* The highest offset of a segment: 4 GiB - 1 for a 32-bit (B=1) expand-down
 * data segment, 64 KiB - 1 for a 16-bit one.  SDM Vol. 3A 3.4.5.1. */
static uint32_t expand_down_top(const struct seg *s)
{
    return (s->attr & SEG_ATTR_DB) ? 0xffffffffu : 0xffffu;
}

/* Limit check, expand-down aware (contract in mem.h). */
bool seg_offset_ok(const struct seg *s, uint32_t off, unsigned size)
{
    uint64_t last = (uint64_t)off + size - 1;
    bool data = (s->attr & SEG_ATTR_S) && !(SEG_ATTR_TYPE(s->attr) & TYPE_CODE);
    if (data && (SEG_ATTR_TYPE(s->attr) & TYPE_EXPAND_DOWN))
        return off > s->limit && last <= expand_down_top(s);
    return last <= s->limit;
}

/* SDM Vol. 3A 6.15 (#SS, #GP): a segment violation is #SS(0) for SS, #GP(0) otherwise. */
static _Noreturn void seg_fault(struct cpu *c, int sreg)
{
    cpu_raise(c, sreg == SEG_SS ? EXC_SS : EXC_GP, true, 0);
}

/* SDM Vol. 3A 5.7, 3.4.5.1: a data access may not use a null (unusable)
 * segment, write a code or read-only data segment, or read execute-only
 * code. */
static bool seg_type_ok(const struct seg *s, bool write)
{
    unsigned type = SEG_ATTR_TYPE(s->attr);
    if (!(s->attr & SEG_ATTR_P))
        return false;
    if (type & TYPE_CODE)
        return !write && (type & TYPE_RW);
    return !write || (type & TYPE_RW);
}

/* Check a data access to sreg:off and return its linear address. */
static uint32_t seg_linear(struct cpu *c, int sreg, uint32_t off, unsigned size, bool write)
{
    const struct seg *s = &c->seg[sreg];
    if (cpu_protected(c) && !seg_type_ok(s, write))
        seg_fault(c, sreg);
    if (!seg_offset_ok(s, off, size))
        seg_fault(c, sreg);
    return s->base + off;
}

/* Read size bytes at sreg:off after the segment checks (the slow path of
 * mem_read in mem.h); raises #GP/#SS/#PF. */
uint32_t mem_read_slow(struct cpu *c, int sreg, uint32_t off, unsigned size)
{
    return lin_read(c, seg_linear(c, sreg, off, size, false), size, 0);
}

/* Write size bytes at sreg:off after the segment checks (the slow path of
 * mem_write in mem.h); raises #GP/#SS/#PF. */
void mem_write_slow(struct cpu *c, int sreg, uint32_t off, uint32_t v, unsigned size)
{
    lin_write(c, seg_linear(c, sreg, off, size, true), v, size, 0);
}

/* Fixed-size forms of mem_read/mem_write for the opcode table. */
uint8_t mem_read8(struct cpu *c, int sreg, uint32_t off)
{
    return (uint8_t)mem_read(c, sreg, off, 1);
}

uint16_t mem_read16(struct cpu *c, int sreg, uint32_t off)
{
    return (uint16_t)mem_read(c, sreg, off, 2);
}

uint32_t mem_read32(struct cpu *c, int sreg, uint32_t off)
{
    return mem_read(c, sreg, off, 4);
}

void mem_write8(struct cpu *c, int sreg, uint32_t off, uint8_t v)
{
    mem_write(c, sreg, off, v, 1);
}

void mem_write16(struct cpu *c, int sreg, uint32_t off, uint16_t v)
{
    mem_write(c, sreg, off, v, 2);
}

void mem_write32(struct cpu *c, int sreg, uint32_t off, uint32_t v)
{
    mem_write(c, sreg, off, v, 4);
}

/* SDM Vol. 3A 5.3: instruction fetch checks the CS limit (the type was
 * checked when CS was loaded); beyond it is #GP(0). */
uint8_t mem_fetch8(struct cpu *c, uint32_t off)
{
    const struct seg *cs = &c->seg[SEG_CS];
    if (off > cs->limit)
        cpu_raise_gp(c, 0);
    return (uint8_t)lin_read(c, cs->base + off, 1, ACC_FETCH);
}

/* --- the stack --------------------------------------------------------------- */

/* SDM Vol. 3A 3.4.5 (D/B flag): a stack segment with B=1 uses ESP, else SP. */
static uint32_t stack_mask(const struct seg *ss)
{
    return (ss->attr & SEG_ATTR_DB) ? 0xffffffffu : 0xffffu;
}

/* The stack in use now, accessed at the current CPL (contract in mem.h). */
struct stack stack_current(const struct cpu *c)
{
    struct stack st = { c->seg[SEG_SS], c->reg[ESP], 0, 0 };
    return st;
}

/* Check the stack access at st->esp and return its linear address. */
static uint32_t stack_linear(struct cpu *c, const struct stack *st, unsigned size)
{
    uint32_t off = st->esp & stack_mask(&st->ss);
    if (!seg_offset_ok(&st->ss, off, size))
        cpu_raise(c, EXC_SS, true, st->fault_error);
    return st->ss.base + off;
}

/* Move the pointer down by size (SP only on a 16-bit stack) and write there. */
void stack_push(struct cpu *c, struct stack *st, uint32_t v, unsigned size)
{
    uint32_t mask = stack_mask(&st->ss);
    st->esp = (st->esp & ~mask) | ((st->esp - size) & mask);
    lin_write(c, stack_linear(c, st, size), v, size, st->acc);
}

/* Read at the pointer, then move it up by size. */
uint32_t stack_pop(struct cpu *c, struct stack *st, unsigned size)
{
    uint32_t mask = stack_mask(&st->ss);
    uint32_t v = lin_read(c, stack_linear(c, st, size), size, st->acc);
    st->esp = (st->esp & ~mask) | ((st->esp + size) & mask);
    return v;
}

/* The stack pointer becomes ESP (the caller loads SS if it changed). */
void stack_commit(struct cpu *c, const struct stack *st)
{
    c->reg[ESP] = st->esp;
}

/* PUSH: write below ESP, then move ESP (a faulting push changes nothing).
 * The slow path of cpu_push in mem.h. */
void cpu_push_slow(struct cpu *c, uint32_t v, unsigned size)
{
    struct stack st = stack_current(c);
    stack_push(c, &st, v, size);
    stack_commit(c, &st);
}

/* POP: read at ESP, then move ESP.  The slow path of cpu_pop in mem.h. */
uint32_t cpu_pop_slow(struct cpu *c, unsigned size)
{
    struct stack st = stack_current(c);
    uint32_t v = stack_pop(c, &st, size);
    stack_commit(c, &st);
    return v;
}
