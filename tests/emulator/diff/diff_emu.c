/* diff_emu.c - the interpreter side of a differential test. */

/*
 * The interpreter gets the same pages at the same addresses as the native
 * helper: RAM covering DIFF_RAM_SIZE bytes, paging off, flat segments
 * (cpu_set_flat32), so a linear address is a physical address is an offset
 * into `ram`.  It runs at CPL 0, which makes no difference to the user-level
 * instructions the generator emits, with two consequences handled here:
 *
 *  - the final HLT halts (CPU_EXIT_HLT) where the native helper, at CPL 3,
 *    takes #GP; the helper reports that as the end of the case;
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
