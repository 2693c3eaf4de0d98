/* string.c - the string instructions and their REP prefixes. */

/*
 * MOVS CMPS STOS LODS SCAS INS OUTS move or compare one element (byte, word
 * or dword) at DS:ESI and/or ES:EDI, then step ESI/EDI by the element size,
 * forward or backward as EFLAGS.DF says (SDM Vol. 1 7.3.9).  The source
 * segment can be overridden; ES:EDI cannot.  The address size picks SI/DI/CX
 * or ESI/EDI/ECX.
 *
 * With REP (F3) the instruction repeats ECX times; REPE/REPNE (F3/F2) on
 * CMPS and SCAS also stop when ZF becomes 0 / 1 (SDM Vol. 2B REP).  A
 * repeated string instruction is interruptible (SDM Vol. 2B REP: "the
 * processor ... allows interrupts between iterations"): we update ECX, ESI
 * and EDI after every element, so a fault leaves them describing exactly the
 * elements done, and after STRING_CHUNK elements we stop with EIP still on
 * the instruction, so pending interrupts are taken and the instruction then
 * continues where it was.
 *
 * Limitation: INS reads the port before writing memory, so if the write
 * faults the port data of that element is lost (the restart reads again).
 *
 * REP MOVS and REP STOS are how guests copy and clear memory, so they have a
 * bulk path: after one element has gone through the normal checks (which
 * proves the segments' types), the run of elements that stays inside one
 * page of each operand, inside the segment limits and in RAM, is done with
 * memmove or stores on host memory.
 * Everything else (MMIO, overlap, DF=1, 16-bit addressing, other strings) takes
 * the element-by-element path.
 */

#include <string.h>

#include "alu.h"
#include "exec.h"
#include "mem.h"

/* Elements done before giving interrupts a chance (a deterministic choice). */
#define STRING_CHUNK 4096

/* Which of the seven, by opcode. */
enum string_op { S_INS, S_OUTS, S_MOVS, S_CMPS, S_STOS, S_LODS, S_SCAS };

static enum string_op string_kind(uint8_t opcode)
{
    switch (opcode) {
    case 0x6c: case 0x6d: return S_INS;
    case 0x6e: case 0x6f: return S_OUTS;
    case 0xa4: case 0xa5: return S_MOVS;
    case 0xa6: case 0xa7: return S_CMPS;
    case 0xaa: case 0xab: return S_STOS;
    case 0xac: case 0xad: return S_LODS;
    default:              return S_SCAS;
    }
}

/* Step an index register (SI/ESI or DI/EDI) by delta, at the address size. */
static void index_step(struct cpu *c, unsigned r, uint32_t delta, unsigned asize)
{
    reg_write(c, r, c->reg[r] + delta, asize);
}

/* One element: the accesses first, then the index registers. */
static void string_once(struct cpu *c, const struct insn *i, enum string_op k, unsigned size)
{
    unsigned as = i->addrsize;
    uint32_t m = alu_mask(as), delta = (c->eflags & FLAG_DF) ? -size : size;
    uint32_t si = c->reg[ESI] & m, di = c->reg[EDI] & m;
    uint16_t port = (uint16_t)c->reg[EDX];

    switch (k) {
    case S_INS:  mem_write(c, SEG_ES, di, io_in(c, port, size), size); break;
    case S_OUTS: io_out(c, port, mem_read(c, i->ea_seg, si, size), size); break;
    case S_MOVS: mem_write(c, SEG_ES, di, mem_read(c, i->ea_seg, si, size), size); break;
    case S_CMPS: {
        uint32_t a = mem_read(c, i->ea_seg, si, size);
        alu_arith(c, ALU_CMP, a, mem_read(c, SEG_ES, di, size), size);
        break;
    }
    case S_STOS: mem_write(c, SEG_ES, di, reg_read(c, EAX, size), size); break;
    case S_LODS: reg_write(c, EAX, mem_read(c, i->ea_seg, si, size), size); break;
    case S_SCAS: alu_arith(c, ALU_CMP, reg_read(c, EAX, size), mem_read(c, SEG_ES, di, size), size); break;
    }
    if (k == S_OUTS || k == S_MOVS || k == S_CMPS || k == S_LODS)
        index_step(c, ESI, delta, as);
    if (k != S_OUTS && k != S_LODS)
        index_step(c, EDI, delta, as);
}

/* Host address of `len` bytes at sreg:off for a read or write, when they lie
 * in one RAM page and inside the limit; else NULL.  A TLB miss walks the
 * page tables (and may raise the #PF the next element would raise). */
static uint8_t *bulk_span(struct cpu *c, int sreg, uint32_t off, uint32_t len, bool write)
{
    uint32_t lin = c->seg[sreg].base + off, paddr;
    unsigned acc = write ? ACC_WRITE : 0;
    uint8_t *host;

    if (PAGE_SIZE - (lin & ~PAGE_MASK) < len || !seg_offset_ok(&c->seg[sreg], off, len))
        return NULL;
    host = tlb_hit(c, lin, tlb_class_of(c, acc));
    if (host == NULL && write)
        host = tlb_watched_hit(c, lin, tlb_class_of(c, acc));
    if (host == NULL)
        host = mmu_lookup(c, lin, acc, &paddr);
    if (host != NULL && write)
        code_write_check(c, (uint32_t)(host - c->bus.ram), len);
    return host;
}

/* Elements of REP MOVS/STOS (forward, 32-bit addressing) that fit the bulk
 * path, at most `count`: 0 if this iteration must go element by element. */
static uint32_t bulk_count(const struct cpu *c, const struct insn *i, enum string_op k,
                           unsigned size, uint32_t count)
{
    uint32_t room = PAGE_SIZE - ((c->seg[SEG_ES].base + c->reg[EDI]) & ~PAGE_MASK);

    if (k == S_MOVS) {
        uint32_t src_room = PAGE_SIZE - ((c->seg[i->ea_seg].base + c->reg[ESI]) & ~PAGE_MASK);
        room = src_room < room ? src_room : room;
    }
    room /= size;
    return count < room ? count : room;
}

/* Do up to `count` elements of REP MOVS/STOS on host memory.  Returns how
 * many were done (0: use the element-by-element path). */
static uint32_t string_bulk(struct cpu *c, const struct insn *i, enum string_op k,
                            unsigned size, uint32_t count)
{
    uint32_t n = bulk_count(c, i, k, size, count), len = n * size;
    uint8_t *dst, *src = NULL;

    if (n == 0)
        return 0;
    if (k == S_MOVS && !(src = bulk_span(c, i->ea_seg, c->reg[ESI], len, false)))
        return 0;                     /* the source is read first, as element by element */
    if (!(dst = bulk_span(c, SEG_ES, c->reg[EDI], len, true)))
        return 0;
    if (k == S_MOVS) {
        if (dst > src && dst < src + len)
            return 0;                 /* an overlapping forward copy repeats a pattern */
        memmove(dst, src, len);
        c->reg[ESI] += len;
    } else {
        uint32_t v = reg_read(c, EAX, size);
        for (uint32_t k2 = 0; k2 < len; k2 += size)
            memcpy(dst + k2, &v, size);   /* little-endian host, like the guest */
    }
    c->reg[EDI] += len;
    c->reg[ECX] -= n;
    return n;
}

/* Execute a string instruction, repeated as its prefix says. */
void string_insn(struct cpu *c, const struct insn *i)
{
    enum string_op k = string_kind(i->opcode);
    unsigned size = (i->opcode & 1) ? i->opsize : 1, as = i->addrsize;
    bool compares = k == S_CMPS || k == S_SCAS;

    if (k <= S_OUTS)
        flags_materialize(c);                     /* io_check may read EFLAGS */
    if (!i->rep) {
        string_once(c, i, k, size);
        return;
    }
    bool bulk = (k == S_MOVS || k == S_STOS) && as == 4 && !(c->eflags & FLAG_DF);
    for (unsigned n = 0; n < STRING_CHUNK; n++) {
        uint32_t count = reg_read(c, ECX, as);
        if (count == 0)
            return;                               /* REP with ECX = 0 does nothing */
        if (bulk && n > 0) {
            uint32_t done = string_bulk(c, i, k, size, count);
            if (done > 0) {
                n += done - 1;
                continue;
            }
        }
        string_once(c, i, k, size);
        reg_write(c, ECX, count - 1, as);
        if (compares && alu_cond(c, 4) != (i->rep == 0xf3))
            return;                               /* REPE: ZF=0 stops; REPNE: ZF=1 stops */
    }
    if (reg_read(c, ECX, as) != 0)
        c->eip = c->insn_eip;                     /* continue after pending events */
}
