/* trace.c - the --trace lines: instructions, events, port I/O. */

/*
 * The tracer only reads the machine.  It fetches the next instruction's bytes
 * through cpu_read_linear(), which translates like a supervisor read but sets
 * no accessed bits and raises no fault, so tracing never changes what the
 * guest sees: a run with --trace retires the same instructions as one
 * without.  The bytes go to the disassembler with the code segment's default
 * size, which is what decides 16- or 32-bit decoding (SDM Vol. 3A 3.4.5,
 * the D flag; real and virtual-8086 mode are always 16-bit).
 */

#include "trace.h"

#include <inttypes.h>

#include "disasm.h"

/* Width of the bytes column: long enough for most instructions (8 bytes). */
#define TRACE_BYTES_COLUMN 24

/* Does the code segment default to 32-bit operands and addresses? */
static bool code_is_32bit(const struct cpu *c)
{
    if (!(c->cr0 & CR0_PE) || (c->eflags & FLAG_VM))
        return false;                     /* SDM Vol. 3A 20.1: real mode is 16-bit */
    return (c->seg[SEG_CS].attr & SEG_ATTR_DB) != 0;
}

/* Read up to `max` code bytes at linear `lin`, stopping at the first byte
 * that does not translate.  Returns how many were read. */
static unsigned read_code(struct cpu *c, uint32_t lin, uint8_t *buf, unsigned max)
{
    unsigned n = 0;
    while (n < max && cpu_read_linear(c, lin + n, &buf[n], 1) == 0)
        n++;
    return n;
}

void trace_insn(FILE *out, struct cpu *c)
{
    uint8_t code[DISASM_MAX_LEN];
    char text[128], bytes[3 * DISASM_MAX_LEN + 1] = "";
    uint32_t lin = c->seg[SEG_CS].base + c->eip;
    unsigned avail = read_code(c, lin, code, sizeof code);
    int len;

    fprintf(out, "%" PRIu64 " %04x:%08x  ", c->icount, c->seg[SEG_CS].sel, c->eip);
    if (avail == 0) {
        fprintf(out, "<code fetch fault at linear 0x%08x>\n", lin);
        return;
    }
    len = disasm_insn(code, avail, c->eip, code_is_32bit(c), text, sizeof text);
    for (int k = 0; k < (len > 0 ? len : 1); k++)
        snprintf(bytes + 3 * k, sizeof bytes - 3 * k, "%02x ", code[k]);
    fprintf(out, "%-*s %s\n", TRACE_BYTES_COLUMN, bytes, text);
}

/* SDM Vol. 3A 6.3.1, table 6-1: the mnemonics of the architectural vectors. */
static const char *const exception_names[] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
    "#DF", "CSO", "#TS", "#NP", "#SS", "#GP", "#PF", NULL,
    "#MF", "#AC", "#MC", "#XM", "#VE",
};
#define NEXCEPTION_NAMES (int)(sizeof exception_names / sizeof exception_names[0])

const char *trace_vector_name(int vector)
{
    return vector >= 0 && vector < NEXCEPTION_NAMES ? exception_names[vector] : NULL;
}

void trace_event(FILE *out, const struct cpu *c, enum cpu_event_kind kind, int vector,
                 bool has_error, uint32_t error)
{
    const char *name = trace_vector_name(vector);

    fprintf(out, "%" PRIu64 " event: ", c->icount);
    switch (kind) {
    case EVENT_EXCEPTION:
        fprintf(out, "exception %d %s", vector, name ? name : "(reserved)");
        break;
    case EVENT_EXTINT:
        fprintf(out, "interrupt %d (external)", vector);
        break;
    case EVENT_SOFTINT:
        fprintf(out, "int %d (software)", vector);
        break;
    }
    if (has_error)
        fprintf(out, " error=0x%x", error);
    if (kind == EVENT_EXCEPTION && vector == EXC_PF)
        fprintf(out, " cr2=0x%08x", c->cr2);
    fprintf(out, " at %04x:%08x\n", c->seg[SEG_CS].sel, c->eip);
}

void trace_io(FILE *out, uint16_t port, uint32_t value, unsigned size, enum trace_dir dir)
{
    if (dir == TRACE_IN)
        fprintf(out, "io: in%-2u 0x%04x -> 0x%x\n", size * 8, port, value);
    else
        fprintf(out, "io: out%u 0x%04x <- 0x%x\n", size * 8, port, value);
}
