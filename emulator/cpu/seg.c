/* seg.c - loading segment registers: descriptors and the protection checks. */

/*
 * In protected mode a segment register holds a selector, and loading it
 * makes the processor read the 8-byte descriptor the selector names (in the
 * GDT, or the LDT when TI=1) into the register's hidden cache: base, limit
 * and attributes.  The load is where protection is enforced (SDM Vol. 3A
 * 5.4-5.6): the descriptor must be of the right type for the register, its
 * privilege level (DPL) must admit the current privilege level (CPL) and the
 * selector's requested privilege level (RPL), and it must be present.  Later
 * accesses only check the cached type and limit (mem.c).
 *
 * DS, ES, FS and GS may be loaded with a null selector, which makes them
 * unusable until reloaded; SS may not, because the stack is always in use.
 */

#include "mem.h"
#include "seg.h"

/* The linear address of the descriptor `sel` names, or false if it lies
 * outside its table (SDM Vol. 3A 3.5.1: the limit is the last valid byte). */
static bool desc_addr(const struct cpu *c, uint16_t sel, uint32_t *addr)
{
    uint32_t base = c->gdtr.base, limit = c->gdtr.limit;
    if (sel & SEL_TI) {
        const struct seg *ldt = &c->seg[SEG_LDTR];
        if (!(ldt->attr & SEG_ATTR_P))
            return false;
        base = ldt->base;
        limit = ldt->limit;
    }
    if (SEL_INDEX(sel) + 7u > limit)
        return false;
    *addr = base + SEL_INDEX(sel);
    return true;
}

/* Read the 8-byte descriptor sel names (contract in seg.h). */
bool seg_read_desc(struct cpu *c, uint16_t sel, struct desc *d)
{
    uint32_t addr;
    if (!desc_addr(c, sel, &addr))
        return false;
    d->lo = lin_read(c, addr, 4, ACC_SUPER);
    d->hi = lin_read(c, addr + 4, 4, ACC_SUPER);
    return true;
}

/* SDM Vol. 3A 3.4.5: the limit is scattered over both dwords; with G=1 it
 * counts 4-KiByte units. */
uint32_t desc_limit(const struct desc *d)
{
    uint32_t limit = (d->lo & 0xffffu) | (d->hi & 0x000f0000u);
    return (desc_attr(d) & SEG_ATTR_G) ? (limit << 12) | 0xfffu : limit;
}

/* SDM Vol. 3A 3.4.5: so is the base. */
void seg_from_desc(struct seg *s, uint16_t sel, const struct desc *d)
{
    s->sel = sel;
    s->attr = desc_attr(d);
    s->base = (d->lo >> 16) | ((d->hi & 0xffu) << 16) | (d->hi & 0xff000000u);
    s->limit = desc_limit(d);
}

/* SDM Vol. 3A 3.4.5.1: the processor sets A when it loads a code or data
 * segment; the write is an implicit supervisor access. */
void seg_set_accessed(struct cpu *c, uint16_t sel, struct desc *d)
{
    uint32_t addr;
    if ((d->hi & DESC_ACCESSED) || !(desc_attr(d) & SEG_ATTR_S) || !desc_addr(c, sel, &addr))
        return;
    d->hi |= DESC_ACCESSED;
    lin_write(c, addr + 4, d->hi, 4, ACC_SUPER);
}

/* SDM Vol. 2A MOV (Sreg) and Vol. 3A 5.6: a stack segment must be a present,
 * writable data segment with RPL = DPL = the privilege level it serves. */
void seg_check_stack(struct cpu *c, uint16_t sel, int cpl, int vector, uint32_t ext,
                     struct seg *out)
{
    struct desc d;
    if (sel_is_null(sel))
        cpu_raise(c, vector, true, ext);
    if (!seg_read_desc(c, sel, &d))
        cpu_raise(c, vector, true, SEL_ERR(sel) | ext);
    uint16_t a = desc_attr(&d);
    if ((int)SEL_RPL(sel) != cpl || !attr_is_writable_data(a) || (int)SEG_ATTR_DPL(a) != cpl)
        cpu_raise(c, vector, true, SEL_ERR(sel) | ext);
    if (!(a & SEG_ATTR_P))
        cpu_raise(c, EXC_SS, true, SEL_ERR(sel) | ext);
    seg_set_accessed(c, sel, &d);
    seg_from_desc(out, sel, &d);
}

/* The descriptor of a far-transfer target, which must be code (seg.h). */
void seg_read_code(struct cpu *c, uint16_t sel, uint32_t ext, struct desc *d)
{
    if (sel_is_null(sel))
        cpu_raise_gp(c, ext);
    if (!seg_read_desc(c, sel, d) || !attr_is_code(desc_attr(d)))
        cpu_raise_gp(c, SEL_ERR(sel) | ext);
}

/* Load CS from a checked descriptor; CS.RPL and CPL become cpl. */
void seg_load_cs(struct cpu *c, uint16_t sel, const struct desc *d, int cpl)
{
    seg_from_desc(&c->seg[SEG_CS], (uint16_t)((sel & ~3u) | (unsigned)cpl), d);
    c->cpl = cpl;
    fetch_flush(c);
}

/* SDM Vol. 3A 20.1.1: in real-address mode the base is selector * 16; the
 * limit and attributes stay as they are. */
void seg_load_real(struct cpu *c, int sreg, uint16_t sel)
{
    c->seg[sreg].sel = sel;
    c->seg[sreg].base = (uint32_t)sel << 4;
    if (sreg == SEG_CS)
        fetch_flush(c);
}

/* SDM Vol. 2A MOV (Sreg): DS, ES, FS, GS take data or readable code
 * segments; unless the code is conforming, both CPL and RPL must be at most
 * the DPL.  Violations are #GP(sel); a segment that is not present, #NP(sel). */
static void seg_load_data(struct cpu *c, int sreg, uint16_t sel)
{
    struct desc d;
    if (sel_is_null(sel)) {
        c->seg[sreg] = (struct seg){ .sel = sel };
        return;
    }
    if (!seg_read_desc(c, sel, &d))
        cpu_raise_gp(c, SEL_ERR(sel));
    uint16_t a = desc_attr(&d);
    unsigned dpl = SEG_ATTR_DPL(a);
    if (!attr_is_readable(a))
        cpu_raise_gp(c, SEL_ERR(sel));
    if (!attr_is_conforming(a) && (SEL_RPL(sel) > dpl || (unsigned)c->cpl > dpl))
        cpu_raise_gp(c, SEL_ERR(sel));
    if (!(a & SEG_ATTR_P))
        cpu_raise(c, EXC_NP, true, SEL_ERR(sel));
    seg_set_accessed(c, sel, &d);
    seg_from_desc(&c->seg[sreg], sel, &d);
}

/* MOV/POP Sreg, LDS..LGS: real mode, SS, or a data segment register. */
void seg_load(struct cpu *c, int sreg, uint16_t sel)
{
    if (!cpu_protected(c)) {
        seg_load_real(c, sreg, sel);
    } else if (sreg == SEG_SS) {
        struct seg ss;
        seg_check_stack(c, sel, c->cpl, EXC_GP, 0, &ss);
        c->seg[SEG_SS] = ss;
    } else {
        seg_load_data(c, sreg, sel);
    }
}
