/* desc.h - the descriptor tables every guest loads: GDT, IDT and one TSS. */
#ifndef GUEST_DESC_H
#define GUEST_DESC_H

#include <stdint.h>

/*
 * Segment descriptor (SDM Vol. 3A 3.4.5, Figure 3-8)
 *
 *  63      56 55 54 53 52 51   48 47 46 45 44 43   40 39        32
 * +----------+--+--+--+--+-------+--+-----+--+-------+-----------+
 * |base 31:24| G|DB| L|AV|lim19:16| P| DPL | S| type  | base 23:16|
 * +----------+--+--+--+--+-------+--+-----+--+-------+-----------+
 *  31                        16 15                              0
 * +----------------------------+---------------------------------+
 * |         base 15:0          |           limit 15:0            |
 * +----------------------------+---------------------------------+
 */
struct seg_desc {
    uint16_t limit_lo;
    uint16_t base_lo;
    uint8_t base_mid;
    uint8_t access;        /* P | DPL | S | type */
    uint8_t limit_flags;   /* G | DB | L | AVL | limit 19:16 */
    uint8_t base_hi;
} __attribute__((packed));

/* Access byte (bits 47:40). */
#define SEG_P            0x80
#define SEG_DPL(d)       ((uint8_t)((d) << 5))
#define SEG_S            0x10     /* code or data (0 = system segment) */
#define SEG_CODE_XR      0x0A     /* SDM 3.4.5.1: execute/read */
#define SEG_DATA_RW      0x02     /* SDM 3.4.5.1: read/write */
#define SEG_LDT          0x02     /* SDM 3.5 Table 3-2: LDT (S = 0) */
#define SEG_TSS32        0x09     /* SDM 3.5 Table 3-2: 32-bit TSS, available */
/* Flags nibble (bits 55:52). */
#define SEG_G            0x8      /* limit counts 4 KiB pages */
#define SEG_DB           0x4      /* 32-bit segment */

/* The GDT slots every guest uses; slots from GDT_FIRST_FREE on are the guest's. */
enum {
    GDT_NULL, GDT_KCODE, GDT_KDATA, GDT_UCODE, GDT_UDATA, GDT_TSS, GDT_LDT,
    GDT_FIRST_FREE, GDT_ENTRIES = 16
};

/* Selector = index << 3 | TI | RPL (SDM Vol. 3A 3.4.2). */
#define SEL(index, rpl)  ((uint16_t)(((index) << 3) | (rpl)))
#define SEL_KCODE        SEL(GDT_KCODE, 0)
#define SEL_KDATA        SEL(GDT_KDATA, 0)
#define SEL_UCODE        SEL(GDT_UCODE, 3)
#define SEL_UDATA        SEL(GDT_UDATA, 3)
#define SEL_TSS          SEL(GDT_TSS, 0)
#define SEL_LDT          SEL(GDT_LDT, 0)

/*
 * Gate descriptor (SDM Vol. 3A 6.11, Figure 6-2)
 *  63             48 47 46 45 44   40 39    32 31           16 15             0
 * +-----------------+--+-----+-------+--------+---------------+---------------+
 * |  offset 31:16   | P| DPL |0 type |   0    |   selector    |  offset 15:0  |
 * +-----------------+--+-----+-------+--------+---------------+---------------+
 */
struct gate_desc {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t zero;
    uint8_t type_attr;     /* P | DPL | 0 | type */
    uint16_t offset_hi;
} __attribute__((packed));

#define GATE_INT32       0x0E     /* SDM 6.11: interrupt gate, clears IF */
#define GATE_TRAP32      0x0F     /* SDM 6.11: trap gate, leaves IF alone */
#define IDT_ENTRIES      256

/* 32-bit TSS (SDM Vol. 3A 7.2.1, Figure 7-2); we only use esp0/ss0 and iomap. */
struct tss {
    uint32_t prev_task, esp0, ss0, esp1, ss1, esp2, ss2;
    uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint32_t es, cs, ss, ds, fs, gs, ldt;
    uint16_t trap, iomap_base;
} __attribute__((packed));

/* The tables themselves, at fixed addresses (kernel.ld). */
extern struct seg_desc gdt[GDT_ENTRIES];
extern struct gate_desc idt[IDT_ENTRIES];
extern struct tss tss;

/* Operand of LGDT/LIDT and result of SGDT/SIDT (SDM Vol. 3A 2.4.1). */
struct table_reg {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed));

/* Build and load the flat GDT, an IDT whose gates all lead to trap.c, and the TSS. */
void desc_init(void);

/* Fill descriptor d (in any table); limit is the 20-bit limit field. */
void seg_desc_set(struct seg_desc *d, uint32_t base, uint32_t limit, uint8_t access,
                  uint8_t flags);

/* Fill GDT slot index; limit is the 20-bit limit field, access and flags as above. */
void gdt_set(int index, uint32_t base, uint32_t limit, uint8_t access, uint8_t flags);

/* Point IDT vector vec at handler through a gate of the given type and DPL. */
void idt_set_gate(int vec, void (*handler)(void), uint8_t type, int dpl);

/* Let ring 3 raise vec with INT n: same stub, gate DPL 3 (SDM Vol. 3A 6.12.1.1). */
void idt_open_to_user(int vec, uint8_t type);

/* Set the stack the CPU switches to when an interrupt enters ring 0 from ring 3. */
void tss_set_kernel_stack(uint32_t esp0);

#endif
