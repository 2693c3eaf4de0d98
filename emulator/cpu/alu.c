/* alu.c - arithmetic and logic with exact flags, computed lazily. */

/*
 * Most instructions set the six arithmetic flags (CF PF AF ZF SF OF), and
 * most of those flags are never read: the next instruction overwrites them.
 * So an arithmetic instruction only records what it did (the kind of
 * operation, its operands, its result and size) in c->lazy_*, and a flag is
 * computed from that record when somebody asks: Jcc, PUSHF, an interrupt,
 * cpu_get_eflags().  flags_materialize() folds the record into c->eflags.
 *
 * The formulas come from the definitions in SDM Vol. 1 3.4.3.1:
 *   CF  carry (borrow) out of the most significant bit
 *   OF  the signed result does not fit: for an addition, both operands have
 *       the same sign and the result has the other one
 *   AF  carry (borrow) out of bit 3: bit 4 of dst ^ src ^ res
 *   ZF  result is zero;  SF  its sign bit;  PF  even parity of its low byte
 *
 * Undefined flags (SDM Vol. 1 appendix A, and each instruction page) are
 * produced as follows; a differential tester must mask them:
 *   logic ops (AND OR XOR TEST)     AF = 0 (what current Intel and AMD parts do)
 *   shifts and rotates, count > 1   OF = as for a count of 1; AF = 0
 *   SHL/SHR with count >= width     CF = 0
 *   SHLD/SHRD                       AF = 0; count > width: result and flags as computed
 *   MUL/IMUL                        SF ZF PF from the low half, AF = 0
 *   DIV/IDIV                        flags unchanged
 *   BT BTS BTR BTC                  only CF changes
 *   BSF/BSR                         only ZF changes; destination unchanged if source 0
 *   DAA/DAS                         OF = 0;  AAA/AAS: OF SF ZF PF unchanged
 *   AAM/AAD                         OF = CF = AF = 0
 */

#include "alu.h"
#include "exec.h"

/* CF of the recorded operation.  SDM Vol. 1 3.4.3.1. */
bool alu_cf(struct cpu *c)
{
    uint32_t d = c->lazy_dst, s = c->lazy_src, r = c->lazy_res;

    switch (c->lazy_op) {
    case LAZY_ADD: return r < d;
    case LAZY_ADC: return c->lazy_cf ? r <= d : r < d;
    case LAZY_SUB: return d < s;
    case LAZY_SBB: return c->lazy_cf ? d <= s : d < s;
    case LAZY_INC:
    case LAZY_DEC: return c->lazy_cf;
    case LAZY_RES: return s & FLAG_CF;
    default:       return c->eflags & FLAG_CF;
    }
}

/* OF of the recorded operation: a sign change that the operands forbid. */
static bool lazy_of(const struct cpu *c)
{
    uint32_t d = c->lazy_dst, s = c->lazy_src, r = c->lazy_res;
    uint32_t sign = alu_sign(c->lazy_size);

    switch (c->lazy_op) {
    case LAZY_ADD:
    case LAZY_ADC:
    case LAZY_INC: return (d ^ r) & (s ^ r) & sign;
    case LAZY_SUB:
    case LAZY_SBB:
    case LAZY_DEC: return (d ^ s) & (d ^ r) & sign;
    case LAZY_RES: return s & FLAG_OF;
    default:       return c->eflags & FLAG_OF;
    }
}

/* AF of the recorded operation: carry out of bit 3. */
static bool lazy_af(const struct cpu *c)
{
    if (c->lazy_op == LAZY_RES)
        return c->lazy_src & FLAG_AF;
    return (c->lazy_dst ^ c->lazy_src ^ c->lazy_res) & 0x10;
}

/* PF: set when the low byte of the result has an even number of ones. */
static inline bool parity_even(uint32_t res)
{
    return !__builtin_parity(res & 0xff);
}

/* Fold the lazy arithmetic flags into c->eflags and return them. */
uint32_t flags_materialize(struct cpu *c)
{
    uint32_t r = c->lazy_res, f;

    if (c->lazy_op == LAZY_NONE)
        return c->eflags;
    f = c->eflags & ~FLAGS_ARITH;
    f |= alu_cf(c) ? FLAG_CF : 0;
    f |= parity_even(r) ? FLAG_PF : 0;
    f |= lazy_af(c) ? FLAG_AF : 0;
    f |= r == 0 ? FLAG_ZF : 0;
    f |= (r & alu_sign(c->lazy_size)) ? FLAG_SF : 0;
    f |= lazy_of(c) ? FLAG_OF : 0;
    c->eflags = f;
    c->lazy_op = LAZY_NONE;
    return f;
}

/* Replace the flags in `mask` by `values`. */
void alu_set_flags(struct cpu *c, uint32_t mask, uint32_t values)
{
    uint32_t f = flags_materialize(c);

    c->eflags = (f & ~mask) | (values & mask);
}

/* Condition tttn, SDM Vol. 2A B.1.4.7: bit 0 negates; bits 3-1 pick the test. */
bool alu_cond_slow(struct cpu *c, unsigned cc)
{
    bool t;

    if (c->lazy_op == LAZY_SUB && cc >= 2) {     /* CMP/SUB: straight from the operands */
        uint32_t d = c->lazy_dst, s = c->lazy_src;
        int32_t sd = (int32_t)alu_sext(d, c->lazy_size), ss = (int32_t)alu_sext(s, c->lazy_size);
        switch (cc >> 1) {
        case 1: t = d < s; break;                   /* B  */
        case 2: t = d == s; break;                  /* E  */
        case 3: t = d <= s; break;                  /* BE */
        case 4: t = c->lazy_res & alu_sign(c->lazy_size); break;   /* S */
        case 5: t = parity_even(c->lazy_res); break;               /* P */
        case 6: t = sd < ss; break;                 /* L  */
        default: t = sd <= ss; break;               /* LE */
        }
        return t ^ (cc & 1);
    }
    if (c->lazy_op != LAZY_NONE && (cc >> 1) == 2)   /* E/NE after anything: ZF = (res == 0) */
        return (c->lazy_res == 0) ^ (cc & 1);
    uint32_t f = flags_materialize(c);
    bool sf_ne_of = !(f & FLAG_SF) != !(f & FLAG_OF);
    switch (cc >> 1) {
    case 0: t = f & FLAG_OF; break;                     /* O  */
    case 1: t = f & FLAG_CF; break;                     /* B  */
    case 2: t = f & FLAG_ZF; break;                     /* E  */
    case 3: t = f & (FLAG_CF | FLAG_ZF); break;         /* BE */
    case 4: t = f & FLAG_SF; break;                     /* S  */
    case 5: t = f & FLAG_PF; break;                     /* P  */
    case 6: t = sf_ne_of; break;                        /* L  */
    default: t = sf_ne_of || (f & FLAG_ZF); break;      /* LE */
    }
    return t ^ (cc & 1);
}

/* INC: SDM Vol. 2A, "the CF flag is not affected". */
uint32_t alu_inc(struct cpu *c, uint32_t dst, unsigned size)
{
    uint32_t cf = alu_cf(c), r = (dst & alu_mask(size)) + 1;

    lazy_set(c, LAZY_INC, dst & alu_mask(size), 1, r, size);
    c->lazy_cf = cf;
    return r & alu_mask(size);
}

/* DEC: like INC, CF is not affected. */
uint32_t alu_dec(struct cpu *c, uint32_t dst, unsigned size)
{
    uint32_t cf = alu_cf(c), r = (dst & alu_mask(size)) - 1;

    lazy_set(c, LAZY_DEC, dst & alu_mask(size), 1, r, size);
    c->lazy_cf = cf;
    return r & alu_mask(size);
}

/* NEG: SDM Vol. 2B, "CF is 0 if the source is 0, else 1": exactly 0 - dst. */
uint32_t alu_neg(struct cpu *c, uint32_t dst, unsigned size)
{
    return alu_arith(c, ALU_SUB, 0, dst, size);
}

/* Keep SF ZF PF AF and set only CF and OF (rotates, SDM Vol. 2B RCL/RCR/ROL/ROR). */
static void set_cf_of(struct cpu *c, bool cf, bool of)
{
    alu_set_flags(c, FLAG_CF | FLAG_OF, (cf ? FLAG_CF : 0) | (of ? FLAG_OF : 0));
}

/* Flag word with CF and OF from booleans. */
static inline uint32_t cf_of(bool cf, bool of)
{
    return (cf ? FLAG_CF : 0) | (of ? FLAG_OF : 0);
}

/* ROL/ROR: the count is taken modulo the width; CF is the bit that came around. */
static uint32_t rotate(struct cpu *c, bool left, uint32_t d, uint8_t count, unsigned size)
{
    unsigned bits = size * 8, n = count % bits;
    uint32_t m = alu_mask(size), sign = alu_sign(size), r;

    r = n == 0 ? d : left ? ((d << n) | (d >> (bits - n))) & m
                          : ((d >> n) | (d << (bits - n))) & m;
    if (left)
        set_cf_of(c, r & 1, !(r & sign) != !(r & 1));
    else
        set_cf_of(c, r & sign, !(r & sign) != !(r & (sign >> 1)));
    return r;
}

/* RCL/RCR: rotate the (width+1)-bit value CF:dst; the count is taken modulo
 * width+1 for 8- and 16-bit operands (SDM Vol. 2B RCL pseudocode).  OF is
 * defined for a count of 1 only: we compute the count-1 formula always. */
static uint32_t rotate_carry(struct cpu *c, bool left, uint32_t d, uint8_t count, unsigned size)
{
    unsigned bits = size * 8, n = size == 4 ? count : count % (bits + 1);
    uint64_t v = ((uint64_t)alu_cf(c) << bits) | d, wide;
    uint64_t m = (2ull << bits) - 1;
    uint32_t sign = alu_sign(size), r;
    bool cf;

    /* n == 0 (a count that is a multiple of width+1): nothing moves, but OF
     * is still computed from the unchanged value, as Intel hosts do. */
    wide = left ? ((v << n) | (v >> (bits + 1 - n))) & m
                : ((v >> n) | (v << (bits + 1 - n))) & m;
    r = (uint32_t)wide & alu_mask(size);
    cf = (wide >> bits) & 1;
    if (left)
        set_cf_of(c, cf, !!(r & sign) != cf);
    else
        set_cf_of(c, cf, !(r & sign) != !(r & (sign >> 1)));
    return r;
}

/* SHL/SHR/SAR, SDM Vol. 2B SAL/SAR/SHL/SHR: CF is the last bit shifted out;
 * OF (count 1) is the sign change for SHL, the old sign for SHR, 0 for SAR. */
static uint32_t shift(struct cpu *c, enum shift_op op, uint32_t d, uint8_t n, unsigned size)
{
    unsigned bits = size * 8;
    uint32_t sign = alu_sign(size), r;
    bool cf;

    if (op == SH_SHR) {
        r = n >= bits ? 0 : d >> n;
        cf = n <= bits && ((d >> (n - 1)) & 1);
        alu_set_res(c, r, cf_of(cf, d & sign), size);
    } else if (op == SH_SAR) {
        int32_t sd = (int32_t)alu_sext(d, size);
        r = (uint32_t)(sd >> n);          /* n <= 31 and sd is sign-extended */
        cf = (sd >> (n - 1)) & 1;
        alu_set_res(c, r, cf_of(cf, false), size);
    } else {
        r = d << n;
        cf = n <= bits && ((d >> (bits - n)) & 1);
        alu_set_res(c, r, cf_of(cf, !!(r & sign) != cf), size);
    }
    return r & alu_mask(size);
}

/* Group 2: the count is masked to 5 bits (SDM Vol. 2B SAL "IA-32 architecture
 * compatibility"); a masked count of 0 changes nothing, not even flags. */
uint32_t alu_shift(struct cpu *c, enum shift_op op, uint32_t dst, uint8_t count, unsigned size)
{
    uint8_t n = count & 0x1f;

    dst &= alu_mask(size);
    if (n == 0)
        return dst;
    switch (op) {
    case SH_ROL: return rotate(c, true, dst, n, size);
    case SH_ROR: return rotate(c, false, dst, n, size);
    case SH_RCL: return rotate_carry(c, true, dst, n, size);
    case SH_RCR: return rotate_carry(c, false, dst, n, size);
    case SH_SAL:
    case SH_SHL: return shift(c, SH_SHL, dst, n, size);
    default:     return shift(c, op, dst, n, size);
    }
}

/* SHLD, SDM Vol. 2B: dst:src shifted left, CF = last bit out of dst, OF (count 1)
 * = sign change.  16-bit counts above 16 give an undefined result; we shift
 * the 48-bit dst:src:src pattern, which is what an Intel host produced. */
uint32_t alu_shld(struct cpu *c, uint32_t dst, uint32_t src, uint8_t count, unsigned size)
{
    unsigned bits = size * 8, n = count & 0x1f;
    uint64_t wide;
    uint32_t r;
    bool cf;

    dst &= alu_mask(size);
    src &= alu_mask(size);
    if (n == 0)
        return dst;
    wide = ((uint64_t)dst << bits) | src;
    if (size == 2)
        wide = (wide << 16) | src;
    unsigned total = size == 2 ? 48 : 64;
    r = (uint32_t)((wide << n) >> (total - bits)) & alu_mask(size);
    cf = (wide >> (total - n)) & 1;
    alu_set_res(c, r, cf_of(cf, !(r & alu_sign(size)) != !(dst & alu_sign(size))), size);
    return r;
}

/* SHRD, SDM Vol. 2B: src:dst shifted right, CF = last bit out of dst.  For
 * 16-bit counts above 16 (undefined) we shift the 48-bit dst:src:dst pattern. */
uint32_t alu_shrd(struct cpu *c, uint32_t dst, uint32_t src, uint8_t count, unsigned size)
{
    unsigned bits = size * 8, n = count & 0x1f;
    uint64_t wide;
    uint32_t r;
    bool cf;

    dst &= alu_mask(size);
    src &= alu_mask(size);
    if (n == 0)
        return dst;
    wide = ((uint64_t)src << bits) | dst;
    if (size == 2)
        wide |= (uint64_t)dst << 32;
    r = (uint32_t)(wide >> n) & alu_mask(size);
    cf = (wide >> (n - 1)) & 1;
    alu_set_res(c, r, cf_of(cf, !(r & alu_sign(size)) != !(dst & alu_sign(size))), size);
    return r;
}

/* Store a double-width product or quotient pair: AX for bytes, else DX:AX / EDX:EAX. */
static void acc_store_wide(struct cpu *c, uint64_t v, unsigned size)
{
    if (size == 1) {
        reg_write(c, EAX, (uint32_t)v, 2);
    } else {
        reg_write(c, EAX, (uint32_t)v, size);
        reg_write(c, EDX, (uint32_t)(v >> (size * 8)), size);
    }
}

/* The double-width dividend: AX, DX:AX or EDX:EAX. */
static uint64_t acc_load_wide(const struct cpu *c, unsigned size)
{
    if (size == 1)
        return reg_read(c, EAX, 2);
    return ((uint64_t)reg_read(c, EDX, size) << (size * 8)) | reg_read(c, EAX, size);
}

/* MUL, SDM Vol. 2B: CF = OF = upper half non-zero. */
void alu_mul(struct cpu *c, uint32_t src, unsigned size)
{
    uint64_t p = (uint64_t)reg_read(c, EAX, size) * (src & alu_mask(size));
    bool high = (p >> (size * 8)) != 0;

    acc_store_wide(c, p, size);
    alu_set_res(c, (uint32_t)p, cf_of(high, high), size);
}

/* IMUL r/m, SDM Vol. 2B: CF = OF = the product does not fit the low half. */
void alu_imul1(struct cpu *c, uint32_t src, unsigned size)
{
    int64_t p = (int64_t)(int32_t)alu_sext(reg_read(c, EAX, size), size) *
                (int32_t)alu_sext(src, size);
    bool lost = (int64_t)(int32_t)alu_sext((uint32_t)p, size) != p;

    acc_store_wide(c, (uint64_t)p, size);
    alu_set_res(c, (uint32_t)p, cf_of(lost, lost), size);
}

/* IMUL r, r/m(, imm): truncated product, CF = OF = bits were lost. */
uint32_t alu_imul(struct cpu *c, uint32_t a, uint32_t b, unsigned size)
{
    int64_t p = (int64_t)(int32_t)alu_sext(a, size) * (int32_t)alu_sext(b, size);
    bool lost = (int64_t)(int32_t)alu_sext((uint32_t)p, size) != p;

    alu_set_res(c, (uint32_t)p, cf_of(lost, lost), size);
    return (uint32_t)p & alu_mask(size);
}

/* Quotient to AL/AX/EAX, remainder to AH/DX/EDX. */
static void store_quotient(struct cpu *c, uint32_t q, uint32_t r, unsigned size)
{
    reg_write(c, EAX, q, size);
    reg_write(c, size == 1 ? REG_AH : EDX, r, size);
}

/* DIV, SDM Vol. 2A: #DE if the divisor is 0 or the quotient does not fit. */
void alu_div(struct cpu *c, uint32_t src, unsigned size)
{
    uint64_t n = acc_load_wide(c, size), d = src & alu_mask(size), q;

    if (d == 0 || (q = n / d) > alu_mask(size))
        cpu_raise(c, EXC_DE, false, 0);
    store_quotient(c, (uint32_t)q, (uint32_t)(n % d), size);
}

/* IDIV, SDM Vol. 2A: signed, quotient truncated toward zero, #DE when it does
 * not fit.  The only host-overflowing case, INT64_MIN / -1, never fits. */
void alu_idiv(struct cpu *c, uint32_t src, unsigned size)
{
    unsigned bits = size * 8;
    uint64_t raw = acc_load_wide(c, size);
    int64_t n = (int64_t)(raw << (64 - 2 * bits)) >> (64 - 2 * bits);
    int64_t d = (int32_t)alu_sext(src, size), q, lo = -((int64_t)1 << (bits - 1));

    if (d == 0 || (d == -1 && n == INT64_MIN))
        cpu_raise(c, EXC_DE, false, 0);
    q = n / d;
    if (q < lo || q > -lo - 1)
        cpu_raise(c, EXC_DE, false, 0);
    store_quotient(c, (uint32_t)q, (uint32_t)(n % d), size);
}

/* DAA / DAS, SDM Vol. 2A pseudocode: adjust AL after a packed-BCD add/subtract. */
static void decimal_adjust(struct cpu *c, bool sub)
{
    uint32_t f = flags_materialize(c);
    uint8_t al = (uint8_t)reg_read(c, EAX, 1), old_al = al;
    bool old_cf = f & FLAG_CF, cf = false, af = false;

    if ((al & 0xf) > 9 || (f & FLAG_AF)) {
        cf = old_cf || (sub ? al < 6 : al > 0xff - 6);
        al = (uint8_t)(sub ? al - 6 : al + 6);
        af = true;
    }
    if (old_al > 0x99 || old_cf) {
        al = (uint8_t)(sub ? al - 0x60 : al + 0x60);
        cf = true;
    }
    reg_write(c, EAX, al, 1);
    alu_set_res(c, al, (cf ? FLAG_CF : 0) | (af ? FLAG_AF : 0), 1);
}

void alu_daa(struct cpu *c) { decimal_adjust(c, false); }
void alu_das(struct cpu *c) { decimal_adjust(c, true); }

/* AAA / AAS, SDM Vol. 2A: adjust AX after an unpacked-BCD add/subtract. */
static void ascii_adjust(struct cpu *c, bool sub)
{
    uint32_t f = flags_materialize(c);
    uint32_t ax = reg_read(c, EAX, 2);
    bool adj = (ax & 0xf) > 9 || (f & FLAG_AF);

    if (adj && !sub)
        ax += 0x106;
    else if (adj)
        ax = ax - 6 - 0x100;                               /* AX -= 6; AH -= 1 */
    reg_write(c, EAX, ax & 0xff0f, 2);
    alu_set_flags(c, FLAG_CF | FLAG_AF, adj ? FLAG_CF | FLAG_AF : 0);
}

void alu_aaa(struct cpu *c) { ascii_adjust(c, false); }
void alu_aas(struct cpu *c) { ascii_adjust(c, true); }

/* AAM imm8, SDM Vol. 2A: AH = AL / base, AL = AL % base; #DE if base is 0. */
void alu_aam(struct cpu *c, uint8_t base)
{
    uint8_t al = (uint8_t)reg_read(c, EAX, 1);

    if (base == 0)
        cpu_raise(c, EXC_DE, false, 0);
    reg_write(c, EAX, ((uint32_t)(al / base) << 8) | (al % base), 2);
    alu_set_res(c, al % base, 0, 1);
}

/* AAD imm8, SDM Vol. 2A: AL = AL + AH * base, AH = 0. */
void alu_aad(struct cpu *c, uint8_t base)
{
    uint32_t ax = reg_read(c, EAX, 2);
    uint8_t al = (uint8_t)((ax & 0xff) + (ax >> 8) * base);

    reg_write(c, EAX, al, 2);
    alu_set_res(c, al, 0, 1);
}

/* Save the lazy record and the arithmetic flags before a faultable write. */
void alu_checkpoint(struct cpu *c)
{
    c->lazy_undo.op = c->lazy_op;
    c->lazy_undo.res = c->lazy_res;
    c->lazy_undo.src = c->lazy_src;
    c->lazy_undo.dst = c->lazy_dst;
    c->lazy_undo.cf = c->lazy_cf;
    c->lazy_undo.size = c->lazy_size;
    c->lazy_undo.eflags = c->eflags & FLAGS_ARITH;
    c->lazy_undo.valid = true;
}

/* After a fault: put back the flags saved by alu_checkpoint(), if any. */
void alu_rollback(struct cpu *c)
{
    if (!c->lazy_undo.valid)
        return;
    c->lazy_op = c->lazy_undo.op;
    c->lazy_res = c->lazy_undo.res;
    c->lazy_src = c->lazy_undo.src;
    c->lazy_dst = c->lazy_undo.dst;
    c->lazy_cf = c->lazy_undo.cf;
    c->lazy_size = c->lazy_undo.size;
    c->eflags = (c->eflags & ~FLAGS_ARITH) | c->lazy_undo.eflags;
    c->lazy_undo.valid = false;
}
