/*
 * desc.c - segmentation and interrupt tables, set up once for every guest.
 *
 * Protected mode needs three tables before anything interesting can happen:
 *  - the GDT describes segments.  We use the "flat" model: code and data
 *    segments with base 0 and limit 4 GiB for ring 0 and for ring 3, so that
 *    segmentation only carries the privilege level (CPL = CS.RPL);
 *  - the IDT says where each of the 256 vectors goes.  Every gate leads to a
 *    stub in isr.S, which builds a trap frame and calls trap.c;
 *  - the TSS gives the ring-0 stack the CPU switches to when an interrupt
 *    arrives in ring 3 (there is no hardware task switching here).
 * The Multiboot loader's GDT may be anywhere, so we load ours before using any
 * segment register (Multiboot 3.2: "the OS image must create its own GDT").
 */
#include "desc.h"

#include "string.h"

struct seg_desc gdt[GDT_ENTRIES] __attribute__((section(".desc.gdt"), aligned(8)));
struct gate_desc idt[IDT_ENTRIES] __attribute__((section(".desc.idt"), aligned(8)));
struct tss tss __attribute__((section(".desc.tss"), aligned(16)));

/* isr.S: one entry stub per vector. */
extern void (*const isr_stubs[IDT_ENTRIES])(void);

/* The flat segments: base 0, limit 0xFFFFF pages = 4 GiB, 32-bit. */
#define FLAT_LIMIT 0xFFFFF
#define FLAT_FLAGS (SEG_G | SEG_DB)

void seg_desc_set(struct seg_desc *d, uint32_t base, uint32_t limit, uint8_t access,
                  uint8_t flags)
{
    d->limit_lo = limit & 0xFFFF;
    d->base_lo = base & 0xFFFF;
    d->base_mid = (base >> 16) & 0xFF;
    d->access = access;
    d->limit_flags = (uint8_t)((flags << 4) | ((limit >> 16) & 0xF));
    d->base_hi = base >> 24;
}

void gdt_set(int index, uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
    seg_desc_set(&gdt[index], base, limit, access, flags);
}

void idt_set_gate(int vec, void (*handler)(void), uint8_t type, int dpl)
{
    struct gate_desc *g = &idt[vec];
    uint32_t off = (uint32_t)handler;
    g->offset_lo = off & 0xFFFF;
    g->selector = SEL_KCODE;
    g->zero = 0;
    g->type_attr = SEG_P | SEG_DPL(dpl) | type;
    g->offset_hi = off >> 16;
}

void idt_open_to_user(int vec, uint8_t type)
{
    idt_set_gate(vec, isr_stubs[vec], type, 3);
}

void tss_set_kernel_stack(uint32_t esp0)
{
    tss.esp0 = esp0;
}

/* Load GDTR and reload every segment register (CS through a far jump). */
static void gdt_load(void)
{
    struct table_reg r = { sizeof(gdt) - 1, (uint32_t)gdt };
    __asm__ volatile("lgdt %0\n\t"
                     "ljmp %1, $1f\n"
                     "1:\n\t"
                     "movw %w2, %%ds\n\t"
                     "movw %w2, %%es\n\t"
                     "movw %w2, %%fs\n\t"
                     "movw %w2, %%gs\n\t"
                     "movw %w2, %%ss"
                     : : "m"(r), "i"(SEL_KCODE), "r"((uint32_t)SEL_KDATA) : "memory");
}

/* Fill the flat code/data segments for rings 0 and 3. */
static void gdt_init(void)
{
    memset(gdt, 0, sizeof(gdt));
    gdt_set(GDT_KCODE, 0, FLAT_LIMIT, SEG_P | SEG_DPL(0) | SEG_S | SEG_CODE_XR, FLAT_FLAGS);
    gdt_set(GDT_KDATA, 0, FLAT_LIMIT, SEG_P | SEG_DPL(0) | SEG_S | SEG_DATA_RW, FLAT_FLAGS);
    gdt_set(GDT_UCODE, 0, FLAT_LIMIT, SEG_P | SEG_DPL(3) | SEG_S | SEG_CODE_XR, FLAT_FLAGS);
    gdt_set(GDT_UDATA, 0, FLAT_LIMIT, SEG_P | SEG_DPL(3) | SEG_S | SEG_DATA_RW, FLAT_FLAGS);
    gdt_load();
}

/* Point every vector at its stub through a ring-0 interrupt gate, then LIDT. */
static void idt_init(void)
{
    for (int v = 0; v < IDT_ENTRIES; v++)
        idt_set_gate(v, isr_stubs[v], GATE_INT32, 0);
    struct table_reg r = { sizeof(idt) - 1, (uint32_t)idt };
    __asm__ volatile("lidt %0" : : "m"(r));
}

/* Describe the TSS in the GDT and load TR with it (LTR marks it busy). */
static void tss_init(void)
{
    memset(&tss, 0, sizeof(tss));
    tss.ss0 = SEL_KDATA;
    tss.iomap_base = sizeof(tss);  /* SDM 19.5.2: beyond the limit = no I/O bitmap */
    gdt_set(GDT_TSS, (uint32_t)&tss, sizeof(tss) - 1, SEG_P | SEG_DPL(0) | SEG_TSS32, 0);
    __asm__ volatile("ltr %w0" : : "r"((uint32_t)SEL_TSS));
}

void desc_init(void)
{
    gdt_init();
    idt_init();
    tss_init();
}
