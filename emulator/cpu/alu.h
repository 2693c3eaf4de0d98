/* alu.h - arithmetic and logic with exact EFLAGS results, computed lazily. */
#ifndef TRAPEZE_ALU_H
#define TRAPEZE_ALU_H

#include "cpu_internal.h"

/*
 * What the last flag-setting instruction was, so its flags can be computed
 * when (and if) somebody reads them.  Kept in c->lazy_op; c->lazy_size holds
 * the operand size in bytes.  LAZY_NONE: c->eflags holds the flags.
 */
enum lazy_kind {
    LAZY_NONE,
    LAZY_ADD,   /* res = dst + src                            */
    LAZY_ADC,   /* res = dst + src + lazy_cf                  */
    LAZY_SUB,   /* res = dst - src                            */
    LAZY_SBB,   /* res = dst - src - lazy_cf                  */
    LAZY_INC,   /* like ADD with src = 1, CF = lazy_cf (kept) */
    LAZY_DEC,   /* like SUB with src = 1, CF = lazy_cf (kept) */
    LAZY_RES,   /* SF ZF PF from res; CF OF AF are the bits of lazy_src */
};

/* Group-1 operations in ModRM reg-field order, SDM Vol. 2A table A-6. */
enum alu_op { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP };

/* Group-2 operations in ModRM reg-field order (6 is SAL, an alias of SHL). */
enum shift_op { SH_ROL, SH_ROR, SH_RCL, SH_RCR, SH_SHL, SH_SHR, SH_SAL, SH_SAR };

/* Mask of an operand of `size` bytes (1, 2 or 4). */
static inline uint32_t alu_mask(unsigned size)
{
    return size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
}

/* Sign bit of an operand of `size` bytes. */
static inline uint32_t alu_sign(unsigned size)
{
    return 1u << (size * 8 - 1);
}

/* Sign-extend the low `size` bytes of v to 32 bits. */
static inline uint32_t alu_sext(uint32_t v, unsigned size)
{
    return size == 1 ? (uint32_t)(int8_t)v : size == 2 ? (uint32_t)(int16_t)v : v;
}

/* INC and DEC: like ADD/SUB 1 but CF is preserved. */
uint32_t alu_inc(struct cpu *c, uint32_t dst, unsigned size);
uint32_t alu_dec(struct cpu *c, uint32_t dst, unsigned size);

/* NEG: 0 - dst with SUB flags (CF = dst != 0). */
uint32_t alu_neg(struct cpu *c, uint32_t dst, unsigned size);

/* Group-2 shift/rotate of dst by count (already read from CL or imm8).
 * Count 0 (after masking) leaves flags alone.  Returns the result. */
uint32_t alu_shift(struct cpu *c, enum shift_op op, uint32_t dst, uint8_t count, unsigned size);

/* SHLD / SHRD: shift dst by count filling from src. */
uint32_t alu_shld(struct cpu *c, uint32_t dst, uint32_t src, uint8_t count, unsigned size);
uint32_t alu_shrd(struct cpu *c, uint32_t dst, uint32_t src, uint8_t count, unsigned size);

/* Individual flags and condition codes (Jcc/SETcc/CMOVcc tttn encoding,
 * SDM Vol. 2A appendix B.1.4.7). */
bool alu_cf(struct cpu *c);

/* Condition tttn, every case (alu.c); alu_cond below is the one to call. */
bool alu_cond_slow(struct cpu *c, unsigned cc);

/* Replace the flags in `mask` by `values` (eager update, e.g. CLC, BT). */
void alu_set_flags(struct cpu *c, uint32_t mask, uint32_t values);

/* MUL / IMUL (one operand) on the accumulator, DIV / IDIV (raise #DE). */
void alu_mul(struct cpu *c, uint32_t src, unsigned size);
void alu_imul1(struct cpu *c, uint32_t src, unsigned size);
void alu_div(struct cpu *c, uint32_t src, unsigned size);
void alu_idiv(struct cpu *c, uint32_t src, unsigned size);

/* IMUL with a truncated result (two and three operands). */
uint32_t alu_imul(struct cpu *c, uint32_t a, uint32_t b, unsigned size);

/* Decimal adjust: DAA DAS AAA AAS AAM AAD (AAM raises #DE on base 0). */
void alu_daa(struct cpu *c);
void alu_das(struct cpu *c);
void alu_aaa(struct cpu *c);
void alu_aas(struct cpu *c);
void alu_aam(struct cpu *c, uint8_t base);
void alu_aad(struct cpu *c, uint8_t base);

/* A read-modify-write instruction sets its flags before its memory write,
 * which may fault: alu_checkpoint() saves the flags first, alu_commit() says
 * the write is done, and the run loop calls alu_rollback() after a fault so
 * the restarted instruction sees the flags it saw the first time. */
void alu_checkpoint(struct cpu *c);
void alu_rollback(struct cpu *c);

/* The write went through: forget the checkpoint. */
static inline void alu_commit(struct cpu *c)
{
    c->lazy_undo.valid = false;
}

/* --- the hot path, inline: every ADD, SUB, CMP, AND, OR, XOR comes here --- */

/* Record one lazy operation. */
static inline void lazy_set(struct cpu *c, enum lazy_kind k, uint32_t dst, uint32_t src,
                            uint32_t res, unsigned size)
{
    c->lazy_op = k;
    c->lazy_dst = dst;
    c->lazy_src = src;
    c->lazy_res = res & alu_mask(size);
    c->lazy_size = (uint8_t)size;
}

/* Record a result whose SF/ZF/PF follow `res` and whose CF/OF/AF are the
 * FLAG_CF/FLAG_OF/FLAG_AF bits of `other` (logic ops, shifts, multiplies). */
static inline void alu_set_res(struct cpu *c, uint32_t res, uint32_t other, unsigned size)
{
    lazy_set(c, LAZY_RES, 0, other & (FLAG_CF | FLAG_OF | FLAG_AF), res, size);
}

/* Group-1 operation op on dst, src (SDM Vol. 2A ADD..XOR pages): set the lazy
 * flags, return the result (for CMP too, though CMP does not store it). */
static inline uint32_t alu_arith(struct cpu *c, enum alu_op op, uint32_t dst, uint32_t src, unsigned size)
{
    uint32_t m = alu_mask(size), r;
    uint32_t carry;

    dst &= m;
    src &= m;
    switch (op) {
    case ALU_ADD: r = dst + src; lazy_set(c, LAZY_ADD, dst, src, r, size); break;
    case ALU_SUB:
    case ALU_CMP: r = dst - src; lazy_set(c, LAZY_SUB, dst, src, r, size); break;
    case ALU_ADC:
        carry = alu_cf(c);
        r = dst + src + carry;
        lazy_set(c, LAZY_ADC, dst, src, r, size);
        c->lazy_cf = carry;
        break;
    case ALU_SBB:
        carry = alu_cf(c);
        r = dst - src - carry;
        lazy_set(c, LAZY_SBB, dst, src, r, size);
        c->lazy_cf = carry;
        break;
    case ALU_AND: r = dst & src; alu_set_res(c, r, 0, size); break;
    case ALU_OR:  r = dst | src; alu_set_res(c, r, 0, size); break;
    default:      r = dst ^ src; alu_set_res(c, r, 0, size); break;
    }
    return r & m;
}

/* Condition tttn, SDM Vol. 2A B.1.4.7: bit 0 negates; bits 3-1 pick the
 * test.  Inline for what nearly every loop ends with: after CMP or SUB, the
 * unsigned tests straight from the operands; after any arithmetic, E/NE
 * from the result.  Everything else is alu_cond_slow's. */
static inline bool alu_cond(struct cpu *c, unsigned cc)
{
    uint32_t d = c->lazy_dst, s = c->lazy_src;
    bool negate = cc & 1;

    if (c->lazy_op == LAZY_SUB) {
        switch (cc >> 1) {
        case 1: return (d < s) ^ negate;              /* B  */
        case 2: return (d == s) ^ negate;             /* E  */
        case 3: return (d <= s) ^ negate;             /* BE */
        default: break;
        }
    } else if (c->lazy_op != LAZY_NONE && (cc >> 1) == 2) {
        return (c->lazy_res == 0) ^ negate;           /* E: ZF = (res == 0) */
    }
    return alu_cond_slow(c, cc);
}

#endif
