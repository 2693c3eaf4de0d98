/* diff_emu.c - the interpreter side of a differential test. */

/*
 * The interpreter gets the same pages at the same addresses as the native
 * helper: RAM covering DIFF_RAM_SIZE bytes, paging off, flat segments
 * (cpu_set_flat32), so a linear address is a physical address is an offset
 * into `ram`.  It runs at CPL 0, which makes no difference to the user-level
 * instructions the generator emits, or at CPL 3 like the helper, which also
 * compares the privilege checks: CLI, IN, MOV CR0, LGDT... must raise #GP in
 * both worlds.  At CPL 3 it can also run with paging on, with page tables
 * that say what the helper's address space says: the read-only page is
 * read-only, the hole is not present, so page faults are compared too (and
 * the second data page sits in a different physical frame, so an access
 * that straddles the two data pages needs two different translations).
 * Two consequences of running at CPL 0 are handled here:
 *
 *  - the final HLT halts (CPU_EXIT_HLT) at CPL 0 where the native helper,
 *    at CPL 3, takes #GP; both sides report that as the end of the case;
 *  - an exception would be delivered to a ring-0 handler: with
 *    intercept_ring0 set, cpu_run() returns CPU_EXIT_RING0 instead and
 *    c->exit holds the vector and the faulting EIP, which is what the
 *    native side's signal context holds too.  INT3, INTO and the single-step
 *    #DB are traps (SDM Vol. 3A 6.5): the signal context holds the EIP after
 *    the instruction, so the comparison uses c->exit.next_eip for those.
 *
 * IF is set, as it always is in a Linux process, so a PUSHF pushes the same
 * image in both worlds; nothing raises INTR, so no interrupt is taken.
 */
#include "diff_emu.h"
#include "paging.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Enough for a REP of 8 elements times 8 instructions, with room to spare;
 * a case that runs longer is stuck. */
#define CASE_BUDGET 100000u

/* What the interpreter sees outside RAM: open bus (cpu.h: struct cpu_bus). */
static uint32_t open_bus_read(void *opaque, uint32_t paddr, unsigned size)
{
    (void)opaque, (void)paddr, (void)size;
    return 0xffffffffu;
}

static void open_bus_write(void *opaque, uint32_t paddr, uint32_t val, unsigned size)
{
    (void)opaque, (void)paddr, (void)val, (void)size;
}

static uint32_t no_port_in(void *opaque, uint16_t port, unsigned size)
{
    (void)opaque, (void)port, (void)size;
    return 0xffffffffu;
}

static void no_port_out(void *opaque, uint16_t port, uint32_t val, unsigned size)
{
    (void)opaque, (void)port, (void)val, (void)size;
}

/* INTR is never raised, so no INTA cycle happens; vector 0 if it did. */
static int no_intr_ack(void *opaque)
{
    (void)opaque;
    return 0;
}

int diff_emu_init(struct diff_emu *e)
{
    e->ram = calloc(1, DIFF_RAM_SIZE);
    return e->ram ? 0 : -1;
}

void diff_emu_free(struct diff_emu *e)
{
    free(e->ram);
    e->ram = NULL;
}

/*
 * 32-bit paging, SDM Vol. 3A 4.3, 4 KiB pages; a PDE or PTE is
 *
 *   31           12 11     3   2     1     0
 *  +---------------+--------+-----+-----+---+
 *  | frame address |  ...   | U/S | R/W | P |
 *  +---------------+--------+-----+-----+---+
 *
 * One page directory and one page table map the first 4 MiB, identity but
 * for the three pages below.  Both live in RAM no case touches.
 */
#define PAGE_DIR_ADDR   0x00010000u
#define PAGE_TABLE_ADDR 0x00011000u
#define REMAP_FRAME     0x00381000u     /* where the second data page really is */
#define SECOND_DATA_PAGE (DIFF_DATA_ADDR + DIFF_PAGE_SIZE)

/* The physical address of a case's linear address (identity, but for the
 * remapped data page in DIFF_MODE_PAGED). */
static uint32_t frame_of(const struct diff_emu *e, uint32_t linear)
{
    if (e->mode == DIFF_MODE_PAGED && (linear & ~(DIFF_PAGE_SIZE - 1)) == SECOND_DATA_PAGE)
        return REMAP_FRAME + (linear & (DIFF_PAGE_SIZE - 1));
    return linear;
}

static void write_pte(struct diff_emu *e, uint32_t base, uint32_t index, uint32_t pte)
{
    memcpy(e->ram + base + 4 * index, &pte, 4);
}

/* Page tables as described above; CR3, CR0.PG and CR0.WP set (SDM Vol. 3A
 * 2.5: WP makes read-only pages read-only for supervisor writes too). */
static void enable_paging(struct diff_emu *e)
{
    const uint32_t user_rw = PTE_P | PTE_RW | PTE_US;
    struct cpu *c = &e->cpu;

    write_pte(e, PAGE_DIR_ADDR, 0, PAGE_TABLE_ADDR | user_rw);
    for (uint32_t i = 0; i < DIFF_RAM_SIZE / DIFF_PAGE_SIZE; i++)
        write_pte(e, PAGE_TABLE_ADDR, i, (i * DIFF_PAGE_SIZE) | user_rw);
    write_pte(e, PAGE_TABLE_ADDR, SECOND_DATA_PAGE / DIFF_PAGE_SIZE, REMAP_FRAME | user_rw);
    write_pte(e, PAGE_TABLE_ADDR, DIFF_RO_ADDR / DIFF_PAGE_SIZE, DIFF_RO_ADDR | PTE_P | PTE_US);
    write_pte(e, PAGE_TABLE_ADDR, DIFF_HOLE_ADDR / DIFF_PAGE_SIZE, 0);
    c->cr3 = PAGE_DIR_ADDR;
    c->cr0 |= CR0_PG | CR0_WP;
    cpu_tlb_flush(c);
}

/* Copy `len` bytes between `buf` and the case's linear address `linear`,
 * page by page through frame_of(). */
static void copy_linear(struct diff_emu *e, uint32_t linear, uint8_t *buf, uint32_t len, bool in)
{
    for (uint32_t done = 0; done < len; done += DIFF_PAGE_SIZE) {
        uint8_t *ram = e->ram + frame_of(e, linear + done);
        if (in)
            memcpy(ram, buf + done, DIFF_PAGE_SIZE);
        else
            memcpy(buf + done, ram, DIFF_PAGE_SIZE);
    }
}

/* Place code, data, the read-only page and the stack; the code page is HLT
 * after the code. */
static void load_pages(struct diff_emu *e, const struct diff_case *k)
{
    memset(e->ram + DIFF_CODE_ADDR, DIFF_HLT, DIFF_PAGE_SIZE);
    memcpy(e->ram + DIFF_CODE_ADDR, k->code, k->code_len);
    copy_linear(e, DIFF_DATA_ADDR, (uint8_t *)k->in.data, DIFF_DATA_SIZE, true);
    for (uint32_t i = 0; i < DIFF_PAGE_SIZE; i++)
        e->ram[DIFF_RO_ADDR + i] = diff_ro_byte(i);
    memcpy(e->ram + DIFF_STACK_ADDR, k->in.stack, DIFF_PAGE_SIZE);
}

/*
 * The segments a 32-bit Linux process sees (a 64-bit kernel's GDT, entries
 * 2..5): kernel code 0x10 and data 0x18 at DPL 0, user code 0x23 and data
 * 0x2b at DPL 3, all flat 4 GiB; no LDT.  Only these four exist here, so
 * the generator loads no other selector but the null one and ones beyond the
 * GDT limit (16 entries, as Linux's).  SDM Vol. 3A 3.4.5, figure 3-8, a
 * descriptor (attr = bits 8..23 of the high dword, see cpu.h):
 *
 *   63    56 55     40 39    32 31         16 15          0
 *  +--------+---------+--------+-------------+------------+
 *  |base 31:24| attr  |base 23:16| base 15:0 | limit 15:0 |
 *  +--------+---------+--------+-------------+------------+
 *
 * Table 3-1: type 0xB is code execute/read accessed, 0x3 data read/write
 * accessed; attr bits 8..11 are limit 19:16.
 */
#define FLAT_ATTR  (SEG_ATTR_G | SEG_ATTR_DB | 0x0f00u | SEG_ATTR_P | SEG_ATTR_S)
#define DPL3       (3u << 5)
#define CODE_TYPE  0xbu
#define DATA_TYPE  0x3u
#define USER_CODE_SEL 0x23u
#define USER_DATA_SEL 0x2bu
#define GDT_ADDR   0x00002000u
#define GDT_LIMIT  (16 * 8 - 1)

/* Write GDT entry `index`: a flat segment with `attr`. */
static void put_descriptor(struct diff_emu *e, unsigned index, uint16_t attr)
{
    const uint32_t limit_low = 0xffffu, base = 0;
    uint32_t d[2] = { limit_low | (base << 16),
                      ((base >> 16) & 0xffu) | ((uint32_t)attr << 8) | (base & 0xff000000u) };

    memcpy(e->ram + GDT_ADDR + 8 * index, d, sizeof d);
}

static void load_gdt(struct diff_emu *e)
{
    memset(e->ram + GDT_ADDR, 0, GDT_LIMIT + 1);
    put_descriptor(e, 2, FLAT_ATTR | CODE_TYPE);
    put_descriptor(e, 3, FLAT_ATTR | DATA_TYPE);
    put_descriptor(e, 4, FLAT_ATTR | DPL3 | CODE_TYPE);
    put_descriptor(e, 5, FLAT_ATTR | DPL3 | DATA_TYPE);
    e->cpu.gdtr = (struct dtr){ .base = GDT_ADDR, .limit = GDT_LIMIT };
    cpu_load_seg_raw(&e->cpu, SEG_LDTR, 0, 0, 0, 0);     /* no LDT: not present */
}

/* A TSS like Linux's for a process without ioperm(): SDM Vol. 1 18.5.2, "If
 * the I/O bit map base address is greater than or equal to the TSS segment
 * limit, there is no I/O permission map, and all I/O instructions generate
 * exceptions when the CPL is greater than the current IOPL."  The TSS lives
 * in RAM below the case's pages (never compared); Vol. 3A 7.2.1: the I/O map
 * base is the word at offset 0x66, the minimal 32-bit TSS limit is 0x67, and
 * type 0xB is a busy 32-bit TSS. */
#define TSS_ADDR       0x00001000u
#define TSS_LIMIT      0x67u
#define TSS_IOMAP_OFF  0x66u
#define TSS_SEL        0x28u
#define TSS_ATTR       (SEG_ATTR_P | 0xbu)

static void load_tss(struct diff_emu *e)
{
    uint16_t no_map = TSS_LIMIT + 1;

    memset(e->ram + TSS_ADDR, 0, TSS_LIMIT + 1);
    memcpy(e->ram + TSS_ADDR + TSS_IOMAP_OFF, &no_map, sizeof no_map);
    cpu_load_seg_raw(&e->cpu, SEG_TR, TSS_SEL, TSS_ADDR, TSS_LIMIT, TSS_ATTR);
}

/* Drop to CPL 3 with the user segments (cpu.h: CPL is CS.RPL). */
static void enter_user_mode(struct diff_emu *e)
{
    struct cpu *c = &e->cpu;

    load_gdt(e);
    for (int s = SEG_ES; s <= SEG_GS; s++)
        cpu_load_seg_raw(c, s, USER_DATA_SEL, 0, 0xffffffffu, FLAT_ATTR | DPL3 | DATA_TYPE);
    cpu_load_seg_raw(c, SEG_CS, USER_CODE_SEL, 0, 0xffffffffu, FLAT_ATTR | DPL3 | CODE_TYPE);
}

/* A fresh flat CPU holding the case's registers and flags. */
static void load_cpu(struct diff_emu *e, const struct diff_case *k)
{
    const struct cpu_bus bus = {
        .ram = e->ram, .ram_size = DIFF_RAM_SIZE,
        .mmio_read = open_bus_read, .mmio_write = open_bus_write,
        .io_in = no_port_in, .io_out = no_port_out, .intr_ack = no_intr_ack,
    };
    struct cpu *c = &e->cpu;

    cpu_init(c, &bus);
    if (e->jit) {
        char err[160];
        if (cpu_jit_enable(c, err, sizeof err) < 0) {
            fprintf(stderr, "diff: %s\n", err);
            abort();
        }
    }
    cpu_set_flat32(c);
    if (e->mode != DIFF_MODE_FLAT) {
        load_tss(e);
        enter_user_mode(e);
    }
    if (e->mode == DIFF_MODE_PAGED)
        enable_paging(e);
    c->intercept_ring0 = true;
    memcpy(c->reg, k->in.reg, sizeof c->reg);
    c->eip = DIFF_CODE_ADDR;
    cpu_set_eflags(c, (k->in.eflags & (FLAGS_ARITH | FLAG_DF)) | FLAG_FIXED | FLAG_IF);
}

/* What the CPU looks like now, in the wire format. */
static void save_state(struct diff_emu *e, enum cpu_exit why, struct diff_state *out)
{
    struct cpu *c = &e->cpu;

    memcpy(out->reg, c->reg, sizeof out->reg);
    out->eflags = cpu_get_eflags(c);
    out->eip = why != CPU_EXIT_RING0 ? c->eip
             : c->exit.kind == EVENT_SOFTINT || c->exit.vector == EXC_DB ? c->exit.next_eip
             : c->exit.eip;
    out->vector = why == CPU_EXIT_HLT ? DIFF_NO_FAULT
                : why == CPU_EXIT_RING0 ? c->exit.vector : DIFF_EMU_STUCK;
    out->error = why == CPU_EXIT_RING0 ? c->exit.error : 0;
    out->cr2 = why == CPU_EXIT_RING0 ? c->exit.cr2 : 0;
    /* SDM Vol. 2A HLT: #GP(0) at CPL > 0; at the case's HLT that is its end,
     * reported as a completed HLT (EIP after it), as native32.c does. */
    if (out->vector == EXC_GP && out->eip - DIFF_CODE_ADDR < DIFF_PAGE_SIZE
        && e->ram[out->eip] == DIFF_HLT) {
        out->vector = DIFF_NO_FAULT;
        out->eip++;
    }
    copy_linear(e, DIFF_DATA_ADDR, out->data, DIFF_DATA_SIZE, false);
    memcpy(out->stack, e->ram + DIFF_STACK_ADDR, DIFF_PAGE_SIZE);
}

enum cpu_exit diff_emu_run(struct diff_emu *e, const struct diff_case *k, struct diff_state *out)
{
    enum cpu_exit why;

    load_pages(e, k);
    load_cpu(e, k);
    why = cpu_run(&e->cpu, CASE_BUDGET);
    save_state(e, why, out);
    cpu_jit_disable(&e->cpu);
    return why;
}

const char *diff_emu_exit_name(enum cpu_exit why)
{
    static const char *const names[] = {
        [CPU_EXIT_BUDGET] = "instruction budget spent (stuck?)",
        [CPU_EXIT_HLT] = "HLT",
        [CPU_EXIT_TRIPLE_FAULT] = "triple fault",
        [CPU_EXIT_DEBUG] = "breakpoint",
        [CPU_EXIT_RING0] = "exception (ring-0 intercept)",
        [CPU_EXIT_REQUEST] = "exit request",
    };
    return (unsigned)why < sizeof names / sizeof names[0] && names[why] ? names[why] : "?";
}
