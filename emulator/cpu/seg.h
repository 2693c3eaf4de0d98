/* seg.h - segment descriptors: reading them from the GDT/LDT and the checks shared by the system files. */
#ifndef TRAPEZE_SEG_H
#define TRAPEZE_SEG_H

#include "cpu_internal.h"

/*
 * SDM Vol. 3A 3.4.5, figure 3-8: a segment descriptor, two dwords.
 *
 *  hi: 31      24 23 22  21 20  19   16 15 14 13 12 11   8 7       0
 *     +----------+--+---+--+---+-------+--+-----+--+------+---------+
 *     |base 31:24| G|D/B| L|AVL|lim19:16| P| DPL | S| type |base23:16|
 *     +----------+--+---+--+---+-------+--+-----+--+------+---------+
 *  lo: 31                            16 15                          0
 *     +--------------------------------+----------------------------+
 *     |          base 15:0             |        limit 15:0          |
 *     +--------------------------------+----------------------------+
 */
struct desc {
    uint32_t lo, hi;
};

#define DESC_ACCESSED 0x00000100u   /* hi bit 8: type bit 0 of code/data (A) */

/* SDM Vol. 3A 3.4.5.1, table 3-1: type bits of code and data segments.
 *
 *   data:  3=0  2=E (expand-down)  1=W (writable)  0=A
 *   code:  3=1  2=C (conforming)   1=R (readable)  0=A
 */
#define TYPE_CODE        0x8u
#define TYPE_EXPAND_DOWN 0x4u
#define TYPE_CONFORMING  0x4u
#define TYPE_RW          0x2u

/* SDM Vol. 3A 3.4.2: selector = index:13 | TI:1 | RPL:2. */
#define SEL_RPL(sel)   ((sel) & 3u)
#define SEL_TI         0x4u
#define SEL_INDEX(sel) ((sel) & 0xfff8u)
/* SDM Vol. 3A 6.13: an error code names a selector with bit 0 = EXT. */
#define SEL_ERR(sel)   ((uint32_t)((sel) & 0xfffcu))

/* A null selector (index 0 in the GDT, any RPL) loads an unusable segment. */
static inline bool sel_is_null(uint16_t sel)
{
    return (sel & ~3u) == 0;
}

/* The descriptor's attribute word in struct seg's `attr` format. */
static inline uint16_t desc_attr(const struct desc *d)
{
    return (uint16_t)(d->hi >> 8);
}

static inline bool attr_is_code(uint16_t a)
{
    return (a & SEG_ATTR_S) && (SEG_ATTR_TYPE(a) & TYPE_CODE);
}

static inline bool attr_is_data(uint16_t a)
{
    return (a & SEG_ATTR_S) && !(SEG_ATTR_TYPE(a) & TYPE_CODE);
}

static inline bool attr_is_conforming(uint16_t a)
{
    return attr_is_code(a) && (SEG_ATTR_TYPE(a) & TYPE_CONFORMING);
}

/* Data, or code with R=1. */
static inline bool attr_is_readable(uint16_t a)
{
    return attr_is_data(a) || (attr_is_code(a) && (SEG_ATTR_TYPE(a) & TYPE_RW));
}

static inline bool attr_is_writable_data(uint16_t a)
{
    return attr_is_data(a) && (SEG_ATTR_TYPE(a) & TYPE_RW);
}

/* True in protected mode outside virtual-8086 mode, where selectors name
 * descriptors; in real mode a segment is just selector * 16. */
static inline bool cpu_protected(const struct cpu *c)
{
    return (c->cr0 & CR0_PE) && !(c->eflags & FLAG_VM);
}

/* Read the descriptor `sel` names from the GDT or LDT.  Returns false if the
 * selector is outside the table's limit (or names the LDT while none is
 * loaded); raises #PF if the table is not mapped. */
bool seg_read_desc(struct cpu *c, uint16_t sel, struct desc *d);

/* The effective byte limit of a descriptor (scaled by G). */
uint32_t desc_limit(const struct desc *d);

/* Fill a descriptor cache from a descriptor. */
void seg_from_desc(struct seg *s, uint16_t sel, const struct desc *d);

/* Set the accessed bit of a code/data descriptor in memory (SDM Vol. 3A 3.4.5.1). */
void seg_set_accessed(struct cpu *c, uint16_t sel, struct desc *d);

/* Read and check a new stack segment for privilege level `cpl` (MOV SS,
 * RET/IRET to an outer level, interrupt stack switch).  A null selector
 * raises vector(ext), a bad one vector(sel|ext), a not-present one
 * #SS(sel|ext).  Sets the A bit and fills *out. */
void seg_check_stack(struct cpu *c, uint16_t sel, int cpl, int vector, uint32_t ext,
                     struct seg *out);

/* Read the code-segment descriptor of a far transfer target.  Null raises
 * #GP(ext); outside the table or not a code segment, #GP(sel|ext).  Call,
 * task and interrupt gates are not far-transfer targets here. */
void seg_read_code(struct cpu *c, uint16_t sel, uint32_t ext, struct desc *d);

/* Make sel:d the new CS at privilege level cpl (RPL := cpl, CPL := cpl). */
void seg_load_cs(struct cpu *c, uint16_t sel, const struct desc *d, int cpl);

/* Real-address and virtual-8086 mode: the segment is selector * 16. */
void seg_load_real(struct cpu *c, int sreg, uint16_t sel);

#endif
