/* shadow_gdt.c - ring compression: the physical GDT is the guest's, deprivileged and truncated. */

/*
 * The guest kernel's descriptors say DPL 0, and a CPU at CPL 1 refuses to
 * load them.  So the GDTR the CPU uses points at a shadow copy in monitor
 * memory, rebuilt whenever the guest executes LGDT (which traps), in which
 *
 *   - DPL 0 becomes DPL 1, so the guest kernel can load its own segments;
 *   - every segment's limit is cut so that base + limit stays below
 *     MONITOR_LINEAR: the guest kernel is supervisor for the page tables
 *     too, so segmentation is what keeps it out of the monitor
 *     (the "segment truncation" of VMware's monitor);
 *   - system descriptors (TSS, LDT, gates) and expand-down segments, which
 *     the CPU would use on the monitor's behalf, are marked not present;
 *   - so are ring-3 code segments, for another reason: the guest kernel's
 *     IRET to its ring 3 must trap (#NP), because at CPL 1 the CPU would
 *     return without restoring IF (emulate.c loads them itself).
 *
 * Same index, same meaning: a selector names the same segment in both.
 * SGDT, which does not trap, shows the guest the shadow's address: one of
 * the Popek & Goldberg violations of x86 (guests/sensitive/sgdt.c).
 */
#include <string.h>

#include "monitor_internal.h"

/*
 * SDM Vol. 3A 3.4.5, figure 3-8: a segment descriptor.
 *
 *  hi: 31      24 23 22  21 20  19   16 15 14 13 12 11   8 7       0
 *     +----------+--+---+--+---+-------+--+-----+--+------+---------+
 *     |base 31:24| G|D/B| L|AVL|lim19:16| P| DPL | S| type |base23:16|
 *     +----------+--+---+--+---+-------+--+-----+--+------+---------+
 *  lo: |          base 15:0             |        limit 15:0          |
 */
#define D_G        0x00800000u
#define D_P        0x00008000u
#define D_DPL_MASK 0x00006000u
#define D_DPL_SHIFT 13
#define D_S        0x00001000u
#define D_CODE     0x00000800u      /* type bit 3 */
#define D_EXPDOWN  0x00000400u      /* type bit 2 of a data segment */
#define DESC_BYTES 8u
#define SEL_INDEX_MASK 0xfff8u
#define SEL_TI 0x4u                 /* SDM Vol. 3A 3.4.2: 1 = LDT */
#define GRANULE 4096u               /* G = 1: limit counts 4-KiB units */

/* The 32-bit base of descriptor lo:hi (figure 3-8). */
static uint32_t desc_base(uint32_t lo, uint32_t hi)
{
    return (lo >> 16) | ((hi & 0xffu) << 16) | (hi & 0xff000000u);
}

/* SDM Vol. 3A 3.4.5: the effective byte limit is the 20-bit field, in
 * 4-KiB units with G = 1 (the low 12 bits then all ones). */
uint32_t shadow_desc_limit(uint32_t lo, uint32_t hi)
{
    uint32_t raw = (lo & 0xffffu) | (hi & 0x000f0000u);
    return (hi & D_G) ? raw * GRANULE + (GRANULE - 1) : raw;
}

/* Re-encode the limit, keeping it at most `limit` bytes (rounding down to
 * whole 4-KiB units when it needs G = 1). */
static void desc_set_limit(uint32_t *lo, uint32_t *hi, uint32_t limit)
{
    bool g = limit > 0xfffffu;
    uint32_t raw = g ? (limit - (GRANULE - 1)) / GRANULE : limit;
    *lo = (*lo & 0xffff0000u) | (raw & 0xffffu);
    *hi = (*hi & ~(0x000f0000u | D_G)) | (raw & 0x000f0000u) | (g ? D_G : 0);
}

/* A descriptor for a cached segment (struct seg's attr is hi bits 23:8). */
static void desc_encode(const struct seg *g, uint32_t *lo, uint32_t *hi)
{
    *lo = g->base << 16;
    *hi = ((uint32_t)g->attr << 8) | (g->base & 0xff000000u) | ((g->base >> 16) & 0xffu);
    desc_set_limit(lo, hi, g->limit);
}

/* A ring-3 code segment (S = 1, type bit 3, DPL 3). */
static bool is_user_code(uint32_t hi)
{
    return (hi & D_S) && (hi & D_CODE) && ((hi & D_DPL_MASK) >> D_DPL_SHIFT) == 3;
}

/* One shadow descriptor from a guest one (see the file comment). */
static void shadow_desc(uint32_t *lo, uint32_t *hi)
{
    bool segment = (*hi & D_S) != 0;
    bool expand_down = segment && !(*hi & D_CODE) && (*hi & D_EXPDOWN);
    uint32_t base = desc_base(*lo, *hi);
    if (segment && ((*hi & D_DPL_MASK) >> D_DPL_SHIFT) == 0)
        *hi |= 1u << D_DPL_SHIFT;
    if (!segment || expand_down || base >= MONITOR_LINEAR) {
        *hi &= ~D_P;                /* loading it is #NP, after the privilege checks
                                       (SDM Vol. 2B MOV; Vol. 3A 6.15, interrupt 11) */
        return;
    }
    uint32_t room = MONITOR_LINEAR - 1 - base;
    if (shadow_desc_limit(*lo, *hi) > room)
        desc_set_limit(lo, hi, room);
    if (is_user_code(*hi))
        *hi &= ~D_P;
}

/* Shadow the guest table at guest-linear `base` (limit bytes - 1) into
 * monitor memory at `off`; entry 0 of a GDT stays null (first = 1). */
static void shadow_table(struct monitor *mon, uint32_t base, uint32_t limit, uint32_t off,
                         uint32_t first)
{
    uint32_t bytes = limit + 1;
    if (bytes > MON_GDT_BYTES)
        bytes = MON_GDT_BYTES;
    uint32_t *t = (uint32_t *)(mon->mem + off);
    memset(t, 0, MON_GDT_BYTES);
    for (uint32_t o = first * DESC_BYTES; o + DESC_BYTES <= bytes; o += DESC_BYTES) {
        uint32_t d[2];
        if (glin_read(mon, base + o, d, sizeof(d)) < 0)
            break;                  /* unmapped or beyond guest RAM: those stay empty */
        shadow_desc(&d[0], &d[1]);
        t[o / 4] = d[0];
        t[o / 4 + 1] = d[1];
    }
}

void shadow_gdt_build(struct monitor *mon)
{
    shadow_table(mon, mon->v.gdtr.base, mon->v.gdtr.limit, MON_GDT, 1);
    mon->c->gdtr = (struct dtr){ .base = MONITOR_LINEAR + MON_GDT, .limit = mon->v.gdtr.limit };
}

/* SDM Vol. 3A 3.5.1: an LDT descriptor (type 2) names the LDT's base and
 * limit.  The real one, in the shadow GDT under the guest's selector, names
 * the shadow LDT in monitor memory; LLDT's cached copy is what the CPU uses. */
void shadow_ldt_load(struct monitor *mon, uint16_t sel, uint32_t lo, uint32_t hi)
{
    uint32_t limit = shadow_desc_limit(lo, hi);
    shadow_table(mon, desc_base(lo, hi), limit, MON_LDT, 0);
    if (limit >= MON_GDT_BYTES)
        limit = MON_GDT_BYTES - 1;
    struct seg ldt = { .sel = sel, .base = MONITOR_LINEAR + MON_LDT, .limit = limit,
                       .attr = (uint16_t)((hi >> 8) & 0xff) };
    uint32_t *gdt = (uint32_t *)(mon->mem + MON_GDT);
    desc_encode(&ldt, &gdt[(sel & SEL_INDEX_MASK) / 4], &gdt[(sel & SEL_INDEX_MASK) / 4 + 1]);
    cpu_load_seg_raw(mon->c, SEG_LDTR, sel, ldt.base, ldt.limit, ldt.attr);
}

int shadow_guest_desc(struct monitor *mon, uint16_t sel, uint32_t *lo, uint32_t *hi)
{
    uint32_t off = sel & SEL_INDEX_MASK, d[2];
    if ((sel & SEL_TI) || off == 0 || off + DESC_BYTES - 1 > mon->v.gdtr.limit ||
        glin_read(mon, mon->v.gdtr.base + off, d, sizeof(d)) < 0)
        return -1;
    *lo = d[0];
    *hi = d[1];
    return 0;
}

int shadow_gdt_segment(struct monitor *mon, uint16_t sel, struct seg *out)
{
    uint32_t off = sel & SEL_INDEX_MASK;
    if ((sel & SEL_TI) || off == 0 || off + DESC_BYTES - 1 > mon->c->gdtr.limit ||
        off + DESC_BYTES > MON_GDT_BYTES)
        return -1;
    const uint32_t *d = (const uint32_t *)(mon->mem + MON_GDT + off);
    uint32_t glo, ghi, hi = d[1];
    bool user_code = is_user_code(hi) && desc_base(d[0], hi) < MONITOR_LINEAR &&
                     shadow_guest_desc(mon, sel, &glo, &ghi) == 0 && (ghi & D_P);
    if (user_code)
        hi |= D_P;                  /* present for the guest; absent only to make IRET trap */
    if (!(hi & D_P))
        return -1;
    *out = (struct seg){ .sel = vcpu_real_sel(sel), .attr = (uint16_t)(hi >> 8),
                         .base = desc_base(d[0], hi), .limit = shadow_desc_limit(d[0], hi) };
    return 0;
}

/* The loader's segments are cached DPL-0 flat ones: give them the shadow's
 * DPL and limit, and CS and SS the RPL of the ring they now run in. */
void shadow_gdt_deprivilege_segments(struct monitor *mon)
{
    struct cpu *c = mon->c;
    for (int s = SEG_ES; s <= SEG_GS; s++) {
        const struct seg *g = &c->seg[s];
        uint32_t lo, hi;
        desc_encode(g, &lo, &hi);
        shadow_desc(&lo, &hi);
        uint16_t sel = (s == SEG_CS || s == SEG_SS) ? vcpu_real_sel(g->sel) : g->sel;
        cpu_load_seg_raw(c, s, sel, desc_base(lo, hi), shadow_desc_limit(lo, hi),
                         (uint16_t)(hi >> 8));
    }
}
