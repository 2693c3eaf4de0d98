/* sysmachine.c - the bare protected-mode machine the system tests run on. */

#include <stdlib.h>
#include <string.h>

#include "../engine.h"
#include "sysmachine.h"

/* Attribute words (struct seg format, SDM Vol. 3A figure 3-8 bits 8-23):
 * G=1 D/B=1 for flat segments, then P | DPL | S | type. */
#define FLAT   0xc000u
#define P      0x0080u
#define S      0x0010u
#define DPL(n) ((uint16_t)((n) << 5))
#define CODE_XR 0xau
#define CODE_X  0x8u
#define CODE_CONF_XR 0xeu
#define DATA_RW 0x2u
#define DATA_RO 0x0u
#define DATA_DOWN_RW 0x6u
#define SYS_LDT 0x2u
#define SYS_TSS32 0x9u
#define SYS_TSS32_BUSY 0xbu

/* The HLT opcode, SDM Vol. 2A HLT. */
#define OP_HLT 0xf4

static uint32_t io_in_cb(void *opaque, uint16_t port, unsigned size)
{
    (void)opaque;
    (void)size;
    return 0xa0u + port;   /* a recognisable value per port */
}

static void io_out_cb(void *opaque, uint16_t port, uint32_t val, unsigned size)
{
    struct sm *m = opaque;
    if (m->nout < sizeof m->out / sizeof m->out[0])
        m->out[m->nout++] = (struct sm_io){ port, val, size };
}

static uint32_t mmio_read_cb(void *opaque, uint32_t paddr, unsigned size)
{
    (void)opaque;
    (void)paddr;
    (void)size;
    return 0xffffffffu;
}

static void mmio_write_cb(void *opaque, uint32_t paddr, uint32_t val, unsigned size)
{
    (void)opaque;
    (void)paddr;
    (void)val;
    (void)size;
}

static int intr_ack_cb(void *opaque)
{
    (void)opaque;
    return 0x40;
}

uint64_t sm_desc(uint32_t base, uint32_t limit, uint16_t attr)
{
    uint32_t lo = (base << 16) | (limit & 0xffffu);
    uint32_t hi = (base & 0xff000000u) | ((uint32_t)(attr & 0xf0ffu) << 8) |
                  (limit & 0xf0000u) | ((base >> 16) & 0xffu);
    return ((uint64_t)hi << 32) | lo;
}

void sm_set_gdt(struct sm *m, unsigned index, uint64_t desc)
{
    memcpy(m->ram + SM_GDT + 8 * index, &desc, 8);
}

uint64_t sm_get_gdt(const struct sm *m, unsigned index)
{
    uint64_t d;
    memcpy(&d, m->ram + SM_GDT + 8 * index, 8);
    return d;
}

void sm_gate(struct sm *m, int vector, uint16_t sel, uint32_t off, unsigned type,
             unsigned dpl, int present)
{
    uint32_t lo = ((uint32_t)sel << 16) | (off & 0xffffu);
    uint32_t hi = (off & 0xffff0000u) | (present ? 0x8000u : 0) | (dpl << 13) | (type << 8);
    sm_wr32(m, SM_IDT + 8 * (uint32_t)vector, lo);
    sm_wr32(m, SM_IDT + 8 * (uint32_t)vector + 4, hi);
}

static void build_gdt(struct sm *m)
{
    static const struct { unsigned index; uint32_t base, limit; uint16_t attr; } d[] = {
        { 1, 0, 0xfffff, FLAT | P | S | DPL(0) | CODE_XR },
        { 2, 0, 0xfffff, FLAT | P | S | DPL(0) | DATA_RW },
        { 3, 0, 0xfffff, FLAT | P | S | DPL(3) | CODE_XR },
        { 4, 0, 0xfffff, FLAT | P | S | DPL(3) | DATA_RW },
        { 5, SM_TSS, SM_TSS_LIMIT, P | SYS_TSS32_BUSY },
        { 6, 0, 0xfffff, FLAT | P | S | DPL(1) | CODE_XR },
        { 7, 0, 0xfffff, FLAT | P | S | DPL(1) | DATA_RW },
        { 8, 0, 0xfffff, FLAT | S | DPL(0) | DATA_RW },
        { 9, 0, 0xfffff, FLAT | P | S | DPL(0) | DATA_RO },
        { 10, 0, 0xfffff, FLAT | P | S | DPL(0) | CODE_X },
        { 11, 0, 0xfff, 0x4000u | P | S | DPL(0) | DATA_DOWN_RW },
        { 12, 0x50000, 0xfff, 0x4000u | P | S | DPL(0) | DATA_RW },
        { 13, SM_LDT, 0x17, P | SYS_LDT },
        { 14, 0, 0xfffff, FLAT | S | DPL(0) | CODE_XR },
        { 15, 0, 0xfffff, FLAT | P | S | DPL(0) | CODE_CONF_XR },
        { 16, 0, 0xfffff, FLAT | S | DPL(3) | DATA_RW },
        { 17, SM_TSS, SM_TSS_LIMIT, P | SYS_TSS32 },
    };
    for (size_t k = 0; k < sizeof d / sizeof d[0]; k++)
        sm_set_gdt(m, d[k].index, sm_desc(d[k].base, d[k].limit, d[k].attr));
    m->c.gdtr = (struct dtr){ SM_GDT, SM_GDT_ENTRIES * 8 - 1 };
}

/* SDM Vol. 3A figure 7-2: ESP0 at 4, SS0 at 8, ESP1 at 12, SS1 at 16; the
 * I/O map base at 66h.  The bitmap starts all-ones (every port denied). */
static void build_tss(struct sm *m)
{
    sm_wr32(m, SM_TSS + 4, SM_STACK0);
    sm_wr32(m, SM_TSS + 8, SEL_DATA0);
    sm_wr32(m, SM_TSS + 12, SM_STACK1);
    sm_wr32(m, SM_TSS + 16, SEL_DATA1);
    m->ram[SM_TSS + 0x66] = SM_IOMAP;
    memset(m->ram + SM_TSS + SM_IOMAP, 0xff, 8192 + 1);
    cpu_load_seg_raw(&m->c, SEG_TR, SEL_TSS, SM_TSS, SM_TSS_LIMIT, P | SYS_TSS32_BUSY);
}

static void build_idt(struct sm *m)
{
    for (int v = 0; v < 256; v++) {
        unsigned dpl = (v >= 0x80 && v <= 0x8f) ? 3 : 0;
        sm_gate(m, v, SEL_CODE0, SM_HANDLERS + 16u * (uint32_t)v, SM_INTR_GATE, dpl, 1);
        m->ram[SM_HANDLERS + 16u * (uint32_t)v] = OP_HLT;
    }
    m->c.idtr = (struct dtr){ SM_IDT, 256 * 8 - 1 };
}

void sm_init(struct sm *m)
{
    memset(m, 0, sizeof *m);
    m->ram = calloc(1, SM_RAM_SIZE);
    struct cpu_bus bus = {
        .ram = m->ram, .ram_size = SM_RAM_SIZE, .opaque = m,
        .mmio_read = mmio_read_cb, .mmio_write = mmio_write_cb,
        .io_in = io_in_cb, .io_out = io_out_cb, .intr_ack = intr_ack_cb,
    };
    cpu_init(&m->c, &bus);
    test_engine_apply(&m->c);
    cpu_set_flat32(&m->c);
    build_gdt(m);
    build_tss(m);
    build_idt(m);
    sm_enter(m, 0, SM_CODE);
}

void sm_free(struct sm *m)
{
    cpu_jit_disable(&m->c);
    free(m->ram);
    m->ram = NULL;
}

void sm_put(struct sm *m, uint32_t addr, const void *bytes, size_t n)
{
    memcpy(m->ram + addr, bytes, n);
    cpu_ram_written(&m->c, addr, (uint32_t)n);
}

uint32_t sm_rd32(const struct sm *m, uint32_t addr)
{
    uint32_t v;
    memcpy(&v, m->ram + addr, 4);
    return v;
}

void sm_wr32(struct sm *m, uint32_t addr, uint32_t v)
{
    memcpy(m->ram + addr, &v, 4);
    cpu_ram_written(&m->c, addr, 4);
}

void sm_enter(struct sm *m, int cpl, uint32_t eip)
{
    static const uint16_t code[4] = { SEL_CODE0, SEL_CODE1, 0, SEL_CODE3 };
    static const uint16_t data[4] = { SEL_DATA0, SEL_DATA1, 0, SEL_DATA3 };
    static const uint32_t stack[4] = { SM_STACK0, SM_STACK1, 0, SM_STACK3 };
    uint16_t dattr = FLAT | P | S | DPL(cpl) | DATA_RW | 1;
    for (int s = SEG_ES; s <= SEG_GS; s++)
        if (s != SEG_CS)
            cpu_load_seg_raw(&m->c, s, data[cpl], 0, 0xffffffffu, dattr);
    cpu_load_seg_raw(&m->c, SEG_CS, code[cpl], 0, 0xffffffffu, FLAT | P | S | DPL(cpl) | CODE_XR | 1);
    m->c.reg[ESP] = stack[cpl];
    m->c.eip = eip;
}

enum cpu_exit sm_run(struct sm *m)
{
    return cpu_run(&m->c, 100000);
}

int sm_vector(const struct sm *m)
{
    uint32_t at = m->c.eip - 1;
    if (at < SM_HANDLERS || at >= SM_HANDLERS + 256 * 16 || (at - SM_HANDLERS) % 16)
        return -1;
    return (int)((at - SM_HANDLERS) / 16);
}

uint32_t sm_frame(const struct sm *m, unsigned k)
{
    return sm_rd32(m, m->c.seg[SEG_SS].base + m->c.reg[ESP] + 4 * k);
}

/* SDM Vol. 3A 4.3: PDE/PTE bits P=1, R/W=2, U/S=4. */
#define PG_PRESENT_RW_USER 0x7u

void sm_paging(struct sm *m)
{
    sm_wr32(m, SM_PD, SM_PT | PG_PRESENT_RW_USER);
    for (uint32_t k = 0; k < 1024; k++)
        sm_wr32(m, SM_PT + 4 * k, (k << 12) | PG_PRESENT_RW_USER);
    m->c.cr3 = SM_PD;
    m->c.cr0 |= CR0_PG;
    cpu_tlb_flush(&m->c);
}

uint32_t *sm_pde(struct sm *m, uint32_t laddr)
{
    return (uint32_t *)(void *)(m->ram + SM_PD + 4 * (laddr >> 22));
}

uint32_t *sm_pte(struct sm *m, uint32_t laddr)
{
    return (uint32_t *)(void *)(m->ram + SM_PT + 4 * ((laddr >> 12) & 0x3ff));
}
