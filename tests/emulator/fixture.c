/* fixture.c - the test machine of fixture.h. */

#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "fixture.h"

/* Enough for any unit-test snippet; a runaway loop ends with CPU_EXIT_BUDGET. */
#define FIX_DEFAULT_BUDGET 1000000

static uint32_t fix_mmio_read(void *opaque, uint32_t paddr, unsigned size)
{
    (void)opaque; (void)paddr; (void)size;
    return 0xffffffffu;                       /* open bus */
}

static void record(struct fix_io *log, int *n, uint32_t addr, uint32_t val, unsigned size)
{
    if (*n < FIX_MAX_IO)
        log[(*n)++] = (struct fix_io){ .addr = addr, .val = val, .size = size };
}

static void fix_mmio_write(void *opaque, uint32_t paddr, uint32_t val, unsigned size)
{
    struct fixture *f = opaque;
    record(f->mmio, &f->nmmio, paddr, val, size);
}

static uint32_t fix_io_in(void *opaque, uint16_t port, unsigned size)
{
    struct fixture *f = opaque;
    uint32_t mask = size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;

    if (f->in_pos < FIX_MAX_IO)
        f->in_ports[f->in_pos] = port;
    if (f->in_pos < f->nin)
        return f->in_script[f->in_pos++] & mask;
    f->in_pos++;
    return mask;
}

static void fix_io_out(void *opaque, uint16_t port, uint32_t val, unsigned size)
{
    struct fixture *f = opaque;
    record(f->out, &f->nout, port, val, size);
}

static int fix_intr_ack(void *opaque)
{
    struct fixture *f = opaque;
    f->nacks++;
    return f->intr_vector;
}

struct fixture *fix_new(void)
{
    struct fixture *f = calloc(1, sizeof(*f));
    if (!f || !(f->ram = calloc(1, FIX_RAM_SIZE)))
        abort();
    struct cpu_bus bus = {
        .ram = f->ram, .ram_size = FIX_RAM_SIZE, .opaque = f,
        .mmio_read = fix_mmio_read, .mmio_write = fix_mmio_write,
        .io_in = fix_io_in, .io_out = fix_io_out, .intr_ack = fix_intr_ack,
    };
    cpu_init(&f->cpu, &bus);
    test_engine_apply(&f->cpu);
    cpu_set_flat32(&f->cpu);
    f->cpu.eip = FIX_CODE;
    f->cpu.reg[ESP] = FIX_STACK;
    return f;
}

void fix_free(struct fixture *f)
{
    cpu_jit_disable(&f->cpu);
    free(f->ram);
    free(f);
}

void fix_poke(struct fixture *f, uint32_t paddr, const void *bytes, size_t len)
{
    memcpy(f->ram + paddr, bytes, len);
    cpu_ram_written(&f->cpu, paddr, (uint32_t)len);
}

void fix_code(struct fixture *f, const void *bytes, size_t len)
{
    fix_poke(f, FIX_CODE, bytes, len);
    f->cpu.eip = FIX_CODE;
    f->cpu.halted = false;
}

uint8_t fix_read8(const struct fixture *f, uint32_t paddr)
{
    return f->ram[paddr];
}

uint16_t fix_read16(const struct fixture *f, uint32_t paddr)
{
    return (uint16_t)(f->ram[paddr] | f->ram[paddr + 1] << 8);
}

uint32_t fix_read32(const struct fixture *f, uint32_t paddr)
{
    return fix_read16(f, paddr) | (uint32_t)fix_read16(f, paddr + 2) << 16;
}

void fix_write8(struct fixture *f, uint32_t paddr, uint8_t v)
{
    f->ram[paddr] = v;
    cpu_ram_written(&f->cpu, paddr, 1);
}

void fix_write16(struct fixture *f, uint32_t paddr, uint16_t v)
{
    fix_write8(f, paddr, (uint8_t)v);
    fix_write8(f, paddr + 1, (uint8_t)(v >> 8));
}

void fix_write32(struct fixture *f, uint32_t paddr, uint32_t v)
{
    fix_write16(f, paddr, (uint16_t)v);
    fix_write16(f, paddr + 2, (uint16_t)(v >> 16));
}

/* SDM Vol. 3A figure 3-8: base 0, limit FFFFF with G=1, D/B=1, present,
 * S=1; type A (execute/read) or 2 (read/write); DPL in bits 45-46. */
#define FLAT_CODE_DESC 0x00cf9a000000ffffull
#define FLAT_DATA_DESC 0x00cf92000000ffffull
#define DESC_DPL3      0x0000600000000000ull

void fix_gdt_flat(struct fixture *f)
{
    static const uint64_t gdt[] = {
        0, FLAT_CODE_DESC, FLAT_DATA_DESC,
        FLAT_CODE_DESC | DESC_DPL3, FLAT_DATA_DESC | DESC_DPL3,
    };
    for (size_t k = 0; k < sizeof gdt / sizeof gdt[0]; k++) {
        fix_write32(f, FIX_GDT + 8 * k, (uint32_t)gdt[k]);
        fix_write32(f, FIX_GDT + 8 * k + 4, (uint32_t)(gdt[k] >> 32));
    }
    f->cpu.gdtr.base = FIX_GDT;
    f->cpu.gdtr.limit = sizeof gdt - 1;
}

void fix_script_in(struct fixture *f, uint32_t v)
{
    if (f->nin < FIX_MAX_IO)
        f->in_script[f->nin++] = v;
}

enum cpu_exit fix_run(struct fixture *f, uint64_t budget)
{
    return cpu_run(&f->cpu, budget);
}

enum cpu_exit fix_run_to_hlt(struct fixture *f)
{
    return fix_run(f, FIX_DEFAULT_BUDGET);
}
