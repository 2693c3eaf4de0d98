/* diff_flags.c - the flags table: what the SDM defines, and what it leaves undefined. */

/*
 * A differential test may only compare what the architecture defines.  The
 * SDM instruction pages say, flag by flag, which ones an instruction sets
 * from its result, which it leaves alone and which are "undefined": real
 * processors do produce some value there, but it differs between models, so
 * an interpreter that computes something else is not wrong.  This file is
 * the one place that knows those rules; the generator folds them over a
 * sequence (a later instruction may define a flag again) and the comparison
 * masks what is still undefined at the end.
 *
 * Counts matter: a shift by 0 changes no flag, a shift by 1 defines OF, a
 * longer one leaves OF undefined.  When the count comes from CL set by
 * earlier code the generator passes DIFF_COUNT_UNKNOWN and gets the union
 * of the possibilities: nothing defined for sure, the count-dependent
 * flags undefined.
 */
#include "diff_flags.h"

static struct diff_fx fx(uint32_t read, uint32_t written, uint32_t undef)
{
    return (struct diff_fx){ .read = read, .written = written, .undef = undef };
}

/* SDM Vol. 2A ADD/ADC/SUB/SBB/CMP: "The OF, SF, ZF, AF, CF, and PF flags are
 * set according to the result"; ADC and SBB also read CF.
 * AND/OR/XOR: "OF and CF flags are cleared; the SF, ZF, and PF flags are set
 * according to the result. The state of the AF flag is undefined." */
struct diff_fx fx_alu(unsigned ext)
{
    enum { ADD, OR, ADC, SBB, AND, SUB, XOR, CMP };

    if (ext == OR || ext == AND || ext == XOR)
        return fx_logic();
    if (ext == ADC || ext == SBB)
        return fx(DF_CF, DF_STATUS, 0);
    return fx(0, DF_STATUS, 0);
}

/* SDM Vol. 2B TEST: as AND, "The state of the AF flag is undefined." */
struct diff_fx fx_logic(void)
{
    return fx(0, DF_STATUS & ~DF_AF, DF_AF);
}

/* SDM Vol. 2A INC/DEC: "The CF flag is not affected. The OF, SF, ZF, AF, and
 * PF flags are set according to the result." */
struct diff_fx fx_incdec(void)
{
    return fx(0, DF_STATUS & ~DF_CF, 0);
}

/* SDM Vol. 2B NEG: "The CF flag set to 0 if the source operand is 0;
 * otherwise it is set to 1. The OF, SF, ZF, AF, and PF flags are set
 * according to the result." */
struct diff_fx fx_neg(void)
{
    return fx(0, DF_STATUS, 0);
}

/* MOV, NOT (SDM Vol. 2B NOT: "None"), XCHG, LEA, MOVZX, BSWAP, CBW...: no flags. */
struct diff_fx fx_none(void)
{
    return fx(0, 0, 0);
}

/* SDM Vol. 2B MUL and Vol. 2A IMUL: "The OF and CF flags are set ...; the
 * SF, ZF, AF, and PF flags are undefined." */
struct diff_fx fx_mul(void)
{
    return fx(0, DF_CF | DF_OF, DF_SF | DF_ZF | DF_AF | DF_PF);
}

/* SDM Vol. 2A DIV/IDIV: "The CF, OF, SF, ZF, AF, and PF flags are undefined." */
struct diff_fx fx_div(void)
{
    return fx(0, 0, DF_STATUS);
}

/* SDM Vol. 2B ROL/ROR/RCL/RCR: "If the masked count is 0, the flags are not
 * affected. If the masked count is 1, then the OF flag is affected,
 * otherwise (masked count is greater than 1) the OF flag is undefined."
 * They touch only CF and OF; RCL/RCR read CF.  Per the pseudocode ROL/ROR set
 * CF whenever the masked count is non-zero, while RCL/RCR rotate through CF
 * (COUNT MOD 9 or MOD 17 times for 8 and 16 bits), so a count that is a
 * multiple of size+1 leaves CF as it was. */
static struct diff_fx fx_rotate(unsigned ext, unsigned size, int count)
{
    bool through_cf = ext == 2 || ext == 3;
    uint32_t rd = through_cf ? DF_CF : 0;

    if (count == DIFF_COUNT_UNKNOWN)
        return fx(rd, 0, DF_OF);
    if (count == 0)
        return fx(0, 0, 0);
    if (count == 1)
        return fx(rd, DF_CF | DF_OF, 0);
    if (through_cf && count % (int)(size * 8 + 1) == 0)
        return fx(0, 0, DF_OF);
    return fx(rd, DF_CF, DF_OF);
}

/* SDM Vol. 2B SAL/SAR/SHL/SHR: "The CF flag contains the value of the last
 * bit shifted out of the destination operand; it is undefined for SHL and
 * SHR instructions where the count is greater than or equal to the size (in
 * bits) of the destination operand. The OF flag is affected only for 1-bit
 * shifts; otherwise, it is undefined. The SF, ZF, and PF flags are set
 * according to the result. If the count is 0, the flags are not affected.
 * For a non-zero count, the AF flag is undefined." */
static struct diff_fx fx_shl_shr_sar(unsigned ext, unsigned size, int count)
{
    bool sar = ext == 7;
    uint32_t cf_undef = (!sar && (count == DIFF_COUNT_UNKNOWN || count >= (int)size * 8))
                        ? DF_CF : 0;

    if (count == DIFF_COUNT_UNKNOWN)
        return fx(0, 0, DF_OF | DF_AF | cf_undef);
    if (count == 0)
        return fx(0, 0, 0);
    if (count == 1)
        return fx(0, DF_STATUS & ~DF_AF, DF_AF);
    return fx(0, (DF_CF | DF_SF | DF_ZF | DF_PF) & ~cf_undef, DF_OF | DF_AF | cf_undef);
}

/* Group 2; `count` is already masked to 5 bits (SDM: "The count is masked to
 * 5 bits"). */
struct diff_fx fx_shift(unsigned ext, unsigned size, int count)
{
    if (ext < 4)
        return fx_rotate(ext, size, count);
    return fx_shl_shr_sar(ext, size, count);
}

/* SDM Vol. 2B SHLD/SHRD: "If the count is 1 or greater, the CF flag is
 * filled with the last bit shifted out of the destination operand and the
 * SF, ZF, and PF flags are set according to the value of the result. For a
 * 1-bit shift, the OF flag is set if a sign change occurred; otherwise, it
 * is cleared. For shifts greater than 1 bit, the OF flag is undefined. If a
 * shift occurs, the AF flag is undefined. If the count operand is 0, the
 * flags are not affected. If the count is greater than the operand size,
 * the flags are undefined." */
struct diff_fx fx_shxd(unsigned size, int count)
{
    if (count == DIFF_COUNT_UNKNOWN || fx_shxd_dest_undefined(size, count))
        return fx(0, 0, DF_STATUS);
    if (count == 0)
        return fx(0, 0, 0);
    if (count == 1)
        return fx(0, DF_STATUS & ~DF_AF, DF_AF);
    return fx(0, DF_CF | DF_SF | DF_ZF | DF_PF, DF_OF | DF_AF);
}

bool fx_shxd_dest_undefined(unsigned size, int count)
{
    return count != DIFF_COUNT_UNKNOWN && count > (int)size * 8;
}

/* SDM Vol. 2A BT/BTS/BTR/BTC: "The CF flag contains the value of the
 * selected bit. The ZF flag is unaffected. The OF, SF, AF, and PF flags are
 * undefined." */
struct diff_fx fx_bt(void)
{
    return fx(0, DF_CF, DF_OF | DF_SF | DF_AF | DF_PF);
}

/* SDM Vol. 2A BSF/BSR: "The ZF flag is set to 1 if the source operand is 0;
 * otherwise, the ZF flag is cleared. The CF, OF, SF, AF, and PF flags are
 * undefined." */
struct diff_fx fx_bsf(void)
{
    return fx(0, DF_ZF, DF_CF | DF_OF | DF_SF | DF_AF | DF_PF);
}

bool fx_bsf_dest_undefined(uint32_t src)
{
    return src == 0;
}

/* SDM Vol. 1 appendix B, table B-1: the flags each condition code tests.
 * cc/2 selects O, B, E, BE, S, P, L, LE; the low bit negates. */
struct diff_fx fx_cc(unsigned cc)
{
    static const uint32_t tested[8] = {
        DF_OF, DF_CF, DF_ZF, DF_CF | DF_ZF, DF_SF, DF_PF,
        DF_SF | DF_OF, DF_ZF | DF_SF | DF_OF,
    };
    return fx(tested[(cc >> 1) & 7], 0, 0);
}

/* SDM Vol. 2A CMPXCHG: "The ZF flag is set if the values in the destination
 * operand and register AL, AX, or EAX are equal; otherwise it is cleared.
 * The CF, PF, AF, SF, and OF flags are set according to the results of the
 * comparison operation." */
struct diff_fx fx_cmpxchg(void)
{
    return fx(0, DF_STATUS, 0);
}

/* SDM Vol. 2B XADD: "The CF, PF, AF, SF, ZF, and OF flags are set according
 * to the result of the addition." */
struct diff_fx fx_xadd(void)
{
    return fx(0, DF_STATUS, 0);
}

/* SDM Vol. 2B SAHF: "The SF, ZF, AF, PF, and CF flags are loaded with values
 * from the AH register." OF is untouched. */
struct diff_fx fx_sahf(void)
{
    return fx(0, DF_STATUS & ~DF_OF, 0);
}

/* SDM Vol. 2A LAHF: AH := SF:ZF:0:AF:0:PF:1:CF, so those five flags are
 * inputs that end up in a register. */
struct diff_fx fx_lahf(void)
{
    return fx(DF_STATUS & ~DF_OF, 0, 0);
}

/* SDM Vol. 2A CMC: "The CF flag contains the complement of its original value." */
struct diff_fx fx_cmc(void)
{
    return fx(DF_CF, DF_CF, 0);
}

/* SDM Vol. 2A CLC / Vol. 2B STC: "The CF flag is set to 0 / 1." */
struct diff_fx fx_clc_stc(void)
{
    return fx(0, DF_CF, 0);
}

/* SDM Vol. 2B POPF: every status flag comes from the popped value. */
struct diff_fx fx_popf(void)
{
    return fx(0, DF_STATUS, 0);
}

/* SDM Vol. 2B PUSHF: the whole EFLAGS image goes to memory, so every status
 * flag must be defined (memory is compared byte for byte). */
struct diff_fx fx_pushf(void)
{
    return fx(DF_STATUS, 0, 0);
}

/* SDM Vol. 2A CMPS, Vol. 2B SCAS: "The CF, OF, SF, ZF, AF, and PF flags are
 * set according to the temporary result of the comparison"; REPE/REPNE also
 * test ZF, but only after the first comparison has set it.  A REP with
 * ECX = 0 changes nothing: the generator never lets that count as
 * defining the flags (it only ever widens the undefined set by a no-op).
 * MOVS, STOS, LODS: "None". */
struct diff_fx fx_string(unsigned op)
{
    bool compares = (op >= 0xa6 && op <= 0xa7) || op >= 0xae;
    return compares ? fx(0, DF_STATUS, 0) : fx_none();
}

/* SDM Vol. 2A DAA/DAS: "The CF and AF flags are set if the adjustment of the
 * value results in a decimal carry/borrow in either digit of the result. The
 * SF, ZF, and PF flags are set according to the result. The OF flag is
 * undefined."  AAA/AAS: "The AF and CF flags are set to 1 if the adjustment
 * results in a decimal carry/borrow; otherwise they are set to 0. The OF,
 * SF, ZF, and PF flags are undefined."  AAM/AAD: "The SF, ZF, and PF flags
 * are set according to the resulting binary value in the AL register. The
 * OF, AF, and CF flags are undefined." */
struct diff_fx fx_bcd(unsigned op)
{
    switch (op) {
    case 0x27: case 0x2f:   /* DAA DAS */
        return fx(DF_AF | DF_CF, DF_STATUS & ~DF_OF, DF_OF);
    case 0x37: case 0x3f:   /* AAA AAS */
        return fx(DF_AF, DF_AF | DF_CF, DF_OF | DF_SF | DF_ZF | DF_PF);
    default:                /* D4 AAM, D5 AAD */
        return fx(0, DF_SF | DF_ZF | DF_PF, DF_OF | DF_AF | DF_CF);
    }
}
