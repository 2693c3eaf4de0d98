/* diff_emu.c - the interpreter side of a differential test. */

/*
 * The interpreter gets the same pages at the same addresses as the native
 * helper: RAM covering DIFF_RAM_SIZE bytes, paging off, flat segments
 * (cpu_set_flat32), so a linear address is a physical address is an offset
 * into `ram`.  It runs at CPL 0, which makes no difference to the user-level
 * instructions the generator emits, or (e->user) at CPL 3 like the helper,
 * which also compares the privilege checks: CLI, IN, MOV CR0, LGDT... must
 * raise #GP in both worlds.  Two consequences are handled here:
 *
 *  - the final HLT halts (CPU_EXIT_HLT) at CPL 0 where the native helper,
 *    at CPL 3, takes #GP; both sides report that as the end of the case;
 *  - an exception would be delivered to a ring-0 handler: with
 *    intercept_ring0 set, cpu_run() returns CPU_EXIT_RING0 instead and
 *    c->exit holds the vector and the faulting EIP, which is what the
 *    native side's signal context holds too.  INT3 and INTO are traps
 *    (SDM Vol. 3A 6.5): the signal context holds the EIP after them, so the
 *    comparison uses c->exit.next_eip for those.
 *
 * IF is set, as it always is in a Linux process, so a PUSHF pushes the same
 * image in both worlds; nothing raises INTR, so no interrupt is taken.
 */
#include "diff_emu.h"

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

/* Place code, data and stack; the code page is HLT after the code. */
static void load_pages(struct diff_emu *e, const struct diff_case *k)
{
    memset(e->ram + DIFF_CODE_ADDR, DIFF_HLT, DIFF_PAGE_SIZE);
    memcpy(e->ram + DIFF_CODE_ADDR, k->code, k->code_len);
    memcpy(e->ram + DIFF_DATA_ADDR, k->in.data, DIFF_DATA_SIZE);
    memcpy(e->ram + DIFF_STACK_ADDR, k->in.stack, DIFF_PAGE_SIZE);
}

/* SDM Vol. 3A 3.4.5 and table 3-1: flat 4 GiB DPL 3 segments, code
 * execute/read accessed (type 0xB), data read/write accessed (type 0x3);
 * the selectors' RPL is 3 (the values are those of GDT slots 3 and 4). */
#define USER_ATTR (SEG_ATTR_G | SEG_ATTR_DB | SEG_ATTR_P | SEG_ATTR_S | (3u << 5))
#define USER_CODE_TYPE 0xbu
#define USER_DATA_TYPE 0x3u
#define USER_CODE_SEL 0x1bu
#define USER_DATA_SEL 0x23u

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

/* Drop to CPL 3 with flat user segments (cpu.h: CPL is CS.RPL). */
static void enter_user_mode(struct cpu *c)
{
    for (int s = SEG_ES; s <= SEG_GS; s++)
        cpu_load_seg_raw(c, s, USER_DATA_SEL, 0, 0xffffffffu, USER_ATTR | USER_DATA_TYPE);
    cpu_load_seg_raw(c, SEG_CS, USER_CODE_SEL, 0, 0xffffffffu, USER_ATTR | USER_CODE_TYPE);
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
    cpu_set_flat32(c);
    if (e->user) {
        load_tss(e);
        enter_user_mode(c);
    }
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
             : c->exit.kind == EVENT_SOFTINT ? c->exit.next_eip : c->exit.eip;
    out->vector = why == CPU_EXIT_HLT ? DIFF_NO_FAULT
                : why == CPU_EXIT_RING0 ? c->exit.vector : DIFF_EMU_STUCK;
    /* SDM Vol. 2A HLT: #GP(0) at CPL > 0; at the case's HLT that is its end,
     * reported as a completed HLT (EIP after it), as native32.c does. */
    if (out->vector == EXC_GP && out->eip - DIFF_CODE_ADDR < DIFF_PAGE_SIZE
        && e->ram[out->eip] == DIFF_HLT) {
        out->vector = DIFF_NO_FAULT;
        out->eip++;
    }
    memcpy(out->data, e->ram + DIFF_DATA_ADDR, DIFF_DATA_SIZE);
    memcpy(out->stack, e->ram + DIFF_STACK_ADDR, DIFF_PAGE_SIZE);
}

enum cpu_exit diff_emu_run(struct diff_emu *e, const struct diff_case *k, struct diff_state *out)
{
    enum cpu_exit why;

    load_pages(e, k);
    load_cpu(e, k);
    why = cpu_run(&e->cpu, CASE_BUDGET);
    save_state(e, why, out);
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
