/* exec.h - the core interpreter's internal interface: decode, execute, registers. */
#ifndef TRAPEZE_EXEC_H
#define TRAPEZE_EXEC_H

#include <stddef.h>

#include "cpu_internal.h"
#include "mem.h"

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* SDM Vol. 2A 2.3.11: an instruction is at most 15 bytes; longer is #GP(0). */
#define INSN_MAX_LEN 15

/* decode.c: decode the instruction at CS:EIP (raises #GP/#PF).  Returns it,
 * from the decode cache or in *scratch; valid until the next decode. */
const struct insn *decode_insn(struct cpu *c, struct insn *scratch);


/* string.c: MOVS CMPS STOS LODS SCAS INS OUTS (opcodes 6C-6F, A4-A7, AA-AF),
 * with their REP prefixes. */
void string_insn(struct cpu *c, const struct insn *i);

/* exec.c: the handler of one opcode; c->eip already holds i->next_eip. */
typedef void exec_fn(struct cpu *c, const struct insn *i);

/* exec.c: the one-byte and the two-byte (0F xx) opcode maps, every row filled. */
extern exec_fn *const exec_one_byte[256];
extern exec_fn *const exec_two_byte[256];

/* exec.c: the handler of a decoded instruction (its row in the maps, or
 * #UD for a LOCK prefix it does not take).  The decoder stores it in
 * i->handler, so a cached instruction finds its handler with one load. */
exec_fn *exec_handler(const struct insn *i);

/* Execute a decoded instruction. */
static inline void exec_insn(struct cpu *c, const struct insn *i)
{
    i->handler(c, i);
}

/* SDM Vol. 2A 2.1.5 table 2-2: byte register 4 is AH. */
#define REG_AH 4

/*
 * General registers by ModRM number and operand size.  SDM Vol. 2A 2.1.5
 * table 2-2: for byte operands numbers 0-3 are AL CL DL BL and 4-7 are the
 * high bytes AH CH DH BH of the same four registers.
 */
static inline uint32_t reg_read(const struct cpu *c, unsigned r, unsigned size)
{
    if (size == 4)
        return c->reg[r];
    if (size == 2)
        return c->reg[r] & 0xffff;
    return (c->reg[r & 3] >> ((r & 4) << 1)) & 0xff;
}

/* Write the low `size` bytes of a register, leaving the rest alone. */
static inline void reg_write(struct cpu *c, unsigned r, uint32_t v, unsigned size)
{
    if (size == 4) {
        c->reg[r] = v;
    } else if (size == 2) {
        c->reg[r] = (c->reg[r] & 0xffff0000u) | (v & 0xffff);
    } else {
        unsigned shift = (r & 4) << 1;
        c->reg[r & 3] = (c->reg[r & 3] & ~(0xffu << shift)) | ((v & 0xff) << shift);
    }
}

#endif
