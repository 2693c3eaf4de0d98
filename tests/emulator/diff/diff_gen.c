/* diff_gen.c - assemble random but well-behaved IA-32 instruction sequences. */

/*
 * The generator is a tiny assembler (diff_asm.c) driven by a random stream.
 * Each template below emits one instruction (sometimes with "setup" MOVs before
 * it) in a random operand size and operand form, and records in the case's
 * description the bytes and a readable mnemonic.
 *
 * The sequences must mean the same thing on the host CPU and in the
 * interpreter, so the generator keeps three invariants:
 *
 *  - memory operands land in the data pages (or the stack page, for
 *    ESP-based forms): a based or indexed form gets MOVs that set its base
 *    and index registers first, chosen so the sum, wrapping at 2^32, points
 *    there;
 *  - ESP stays inside the stack page: no template writes ESP except through
 *    PUSH/POP/CALL/RET, whose effect the generator tracks;
 *  - nothing reads a flag the SDM leaves undefined: the generator folds
 *    diff_flags.c over the sequence, and before an instruction that reads
 *    an undefined flag (ADC, Jcc, PUSHF, LAHF...) it inserts a CMP.
 *
 * Encodings come from SDM Vol. 2, appendix A (opcode maps) and 2.1 (ModRM,
 * SIB, displacement, immediate; prefixes 66 and 67).
 */
#include "diff_gen.h"

#include <stdio.h>
#include <string.h>

#include "diff_asm.h"
#include "diff_flags.h"

/* String operands stay this far from the data pages' ends (REP count <= 8
 * elements of <= 4 bytes each way). */
#define STRING_MARGIN 64u
/* Room kept at the end of the code buffer for one more template. */
#define CODE_ROOM 96u


/* --- random numbers ----------------------------------------------------------- */

void diff_rng_seed(struct diff_rng *r, uint64_t seed, uint64_t stream, uint64_t index)
{
    r->s = seed ^ (stream * 0x9e3779b97f4a7c15ull) ^ (index * 0xd1b54a32d192ed03ull);
    (void)diff_rng_u32(r);
}

/* splitmix64 (Steele, Lea, Flood: "Fast splittable pseudorandom number
 * generators", OOPSLA 2014), high half. */
uint32_t diff_rng_u32(struct diff_rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return (uint32_t)((z ^ (z >> 31)) >> 32);
}

uint32_t diff_rng_below(struct diff_rng *r, uint32_t n)
{
    return (uint32_t)(((uint64_t)diff_rng_u32(r) * n) >> 32);
}

/* A value biased towards the edges where flags change: 0, 1, the sign
 * boundaries of 8, 16 and 32 bits, all ones. */
uint32_t diff_rng_value(struct diff_rng *r)
{
    static const uint32_t edges[] = {
        0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
        0x7fffffff, 0x80000000, 0x80000001, 0xfffffffe, 0xffffffff, 0xff80, 0xffffff80,
    };
    switch (diff_rng_below(r, 4)) {
    case 0:
        return edges[diff_rng_below(r, sizeof edges / sizeof edges[0])];
    case 1:
        return diff_rng_below(r, 64);
    case 2:
        return (uint32_t)-(int32_t)diff_rng_below(r, 64);
    default:
        return diff_rng_u32(r);
    }
}

/* --- templates ----------------------------------------------------------------------- */

static const char *const alu_names[8] = { "add", "or", "adc", "sbb", "and", "sub", "xor", "cmp" };

/* 00..3B: op r/m, r (dir 0) or op r, r/m (dir 2). */
static bool t_alu_rm(struct gen *g, unsigned dir)
{
    unsigned ext = asm_below(g, 8), size = asm_any_size(g);
    bool writes = ext != 7;
    struct diff_fx fx = fx_alu(ext);
    struct rm o;
    unsigned reg;

    asm_flags_ready(g, fx.read);
    asm_pick_rm(g, &o, size, writes && dir == 0);
    reg = writes && dir == 2 ? asm_wreg(g, size) : asm_below(g, 8);
    g->lock = writes && dir == 0;
    asm_emit_op_rm(g, size, false, ext * 8 + dir + (size > 1), &o, reg);
    if (dir == 0)
        asm_note(g, "%s %s, %s", alu_names[ext], o.text, asm_reg_name(reg, size));
    else
        asm_note(g, "%s %s, %s", alu_names[ext], asm_reg_name(reg, size), o.text);
    asm_flags_apply(g, fx);
    return true;
}

/* 80 /x ib, 81 /x iz, 83 /x ib (sign-extended), 04+8x ib / 05+8x iz (accumulator). */
static bool t_alu_imm(struct gen *g, unsigned form)
{
    unsigned ext = asm_below(g, 8), size = form == 0 ? 1 : asm_wide_size(g);
    unsigned isize = form == 0 ? 1 : form == 2 ? 1 : size;
    uint32_t v = asm_value(g);
    struct diff_fx fx = fx_alu(ext);
    struct rm o;

    if (form == 3) {
        size = asm_any_size(g);
        isize = size;
    }
    asm_flags_ready(g, fx.read);
    if (form == 3) {
        asm_osize(g, size);
        asm_byte(g, ext * 8 + 4 + (size > 1));
        asm_rm_reg(&o, EAX, size);
    } else {
        asm_pick_rm(g, &o, size, ext != 7);
        g->lock = ext != 7;
        asm_emit_op_rm(g, size, false, form == 2 ? 0x83 : 0x80 + form, &o, ext);
    }
    asm_imm(g, v, isize);
    v = isize == 1 ? (uint32_t)(int8_t)v : isize == 2 ? (v & 0xffff) : v;
    asm_note(g, "%s %s, 0x%x", alu_names[ext], o.text, size == 1 ? v & 0xff : size == 2 ? v & 0xffff : v);
    asm_flags_apply(g, fx);
    return true;
}

/* 84/85 TEST r/m, r;  A8/A9 TEST acc, imm;  F6/F7 /0 TEST r/m, imm. */
static bool t_test(struct gen *g, unsigned form)
{
    unsigned size = asm_any_size(g), reg = asm_below(g, 8);
    uint32_t v = asm_value(g) & (size == 1 ? 0xff : size == 2 ? 0xffff : 0xffffffff);
    struct rm o;

    if (form == 0) {
        asm_pick_rm(g, &o, size, false);
        asm_emit_op_rm(g, size, false, 0x84 + (size > 1), &o, reg);
        asm_note(g, "test %s, %s", o.text, asm_reg_name(reg, size));
    } else if (form == 1) {
        asm_osize(g, size);
        asm_byte(g, 0xa8 + (size > 1));
        asm_imm(g, v, size);
        asm_note(g, "test %s, 0x%x", asm_reg_name(EAX, size), v);
    } else {
        asm_pick_rm(g, &o, size, false);
        asm_emit_op_rm(g, size, false, 0xf6 + (size > 1), &o, 0);
        asm_imm(g, v, size);
        asm_note(g, "test %s, 0x%x", o.text, v);
    }
    asm_flags_apply(g, fx_logic());
    return true;
}

/* F6/F7 /2 NOT, /3 NEG;  FE/FF /0 INC, /1 DEC;  40+r INC r, 48+r DEC r. */
static bool t_unary(struct gen *g, unsigned form)
{
    static const char *names[4] = { "not", "neg", "inc", "dec" };
    unsigned which = asm_below(g, 2), size = asm_any_size(g);
    struct rm o;

    if (form == 2) {
        size = asm_wide_size(g);
        unsigned reg = asm_wreg(g, size);
        asm_osize(g, size);
        asm_byte(g, (which ? 0x48 : 0x40) + reg);
        asm_note(g, "%s %s", names[2 + which], asm_reg_name(reg, size));
        asm_flags_apply(g, fx_incdec());
        return true;
    }
    asm_pick_rm(g, &o, size, true);
    g->lock = true;
    asm_emit_op_rm(g, size, false, (form ? 0xfe : 0xf6) + (size > 1), &o, form ? which : 2 + which);
    asm_note(g, "%s %s", names[form * 2 + which], o.text);
    asm_flags_apply(g, form ? fx_incdec() : which ? fx_neg() : fx_none());
    return true;
}

/* 88/89 MOV r/m, r;  8A/8B MOV r, r/m;  B0+r / B8+r MOV r, imm;  C6/C7 /0 MOV r/m, imm;
 * A0..A3 MOV acc, moffs / moffs, acc. */
static bool t_mov(struct gen *g, unsigned form)
{
    unsigned size = asm_any_size(g), reg = form == 1 ? asm_wreg(g, size) : asm_below(g, 8);
    uint32_t v = asm_value(g) & (size == 1 ? 0xff : size == 2 ? 0xffff : 0xffffffff);
    struct rm o;

    switch (form) {
    case 0: case 1:
        asm_pick_rm(g, &o, size, form == 0);
        asm_emit_op_rm(g, size, false, 0x88 + 2 * form + (size > 1), &o, reg);
        asm_note(g, form ? "mov %2$s, %1$s" : "mov %s, %s", o.text, asm_reg_name(reg, size));
        break;
    case 2:
        reg = asm_wreg(g, size);
        asm_osize(g, size);
        asm_byte(g, (size == 1 ? 0xb0 : 0xb8) + reg);
        asm_imm(g, v, size);
        asm_note(g, "mov %s, 0x%x", asm_reg_name(reg, size), v);
        break;
    case 3:
        asm_pick_rm(g, &o, size, true);
        asm_emit_op_rm(g, size, false, 0xc6 + (size > 1), &o, 0);
        asm_imm(g, v, size);
        asm_note(g, "mov %s, 0x%x", o.text, v);
        break;
    default: {
        unsigned store = asm_below(g, 2);
        uint32_t addr = asm_data_addr(g, size, 0);
        asm_osize(g, size);
        asm_byte(g, 0xa0 + 2 * store + (size > 1));
        asm_imm(g, addr, 4);
        asm_note(g, store ? "mov %s [0x%x], %s" : "mov %3$s, %1$s [0x%2$x]",
             asm_size_name(size), addr, asm_reg_name(EAX, size));
    }
    }
    return true;
}

static const char *const shift_names[8] = { "rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar" };

/* C0/C1 /x ib, D0/D1 /x (by 1), D2/D3 /x (by CL).  /6 is not documented: skipped. */
static bool t_shift(struct gen *g, unsigned form)
{
    unsigned ext = asm_below(g, 7), size = asm_any_size(g);
    int count = form == 1 ? 1 : asm_shift_count(g);
    char ctext[16];
    struct rm o;

    ext = ext == 6 ? 7 : ext;
    g->avoid = form == 2 ? 1u << ECX : 0;
    asm_pick_rm(g, &o, size, true);
    g->avoid = 0;
    if (form == 2 && asm_chance(g, 80))
        asm_set_reg(g, ECX, (uint32_t)count | (asm_value(g) & ~0xffu));
    else if (form == 2)
        count = DIFF_COUNT_UNKNOWN;
    struct diff_fx fx = fx_shift(ext, size, count == DIFF_COUNT_UNKNOWN ? count : count & 31);
    asm_flags_ready(g, fx.read);
    asm_emit_op_rm(g, size, false, (form == 0 ? 0xc0 : form == 1 ? 0xd0 : 0xd2) + (size > 1), &o, ext);
    if (form == 0)
        asm_imm(g, (uint32_t)count, 1);
    snprintf(ctext, sizeof ctext, form == 2 ? "cl" : "%d", count);
    asm_note(g, "%s %s, %s", shift_names[ext], o.text, ctext);
    asm_flags_apply(g, fx);
    return true;
}

/* 0F A4 SHLD r/m, r, ib;  0F A5 SHLD r/m, r, CL;  0F AC / 0F AD SHRD likewise. */
static bool t_shxd(struct gen *g, unsigned by_cl)
{
    unsigned right = asm_below(g, 2), size = asm_wide_size(g), reg = asm_below(g, 8);
    uint8_t count = asm_shift_count(g);
    int masked = count & 31;
    bool undef_dest = fx_shxd_dest_undefined(size, masked);
    struct rm o;

    g->avoid = 1u << ECX;
    if (undef_dest)
        asm_rm_reg(&o, asm_wreg(g, size), size);
    else
        asm_pick_rm(g, &o, size, true);
    g->avoid = 0;
    if (by_cl)
        asm_set_reg(g, ECX, count | (asm_value(g) & ~0xffu));
    asm_emit_op_rm(g, size, true, (right ? 0xac : 0xa4) + by_cl, &o, reg);
    if (!by_cl)
        asm_imm(g, count, 1);
    asm_note(g, by_cl ? "%s %s, %s, cl" : "%s %s, %s, %u", right ? "shrd" : "shld",
         o.text, asm_reg_name(reg, size), count);
    if (undef_dest)     /* SDM: result undefined; give it a defined value again */
        asm_set_reg(g, o.reg, asm_value(g));
    asm_flags_apply(g, fx_shxd(size, masked));
    return true;
}

/* F6/F7 /4 MUL, /5 IMUL;  0F AF IMUL r, r/m;  69 IMUL r, r/m, iz;  6B IMUL r, r/m, ib. */
static bool t_mul(struct gen *g, unsigned form)
{
    unsigned size = form == 0 ? asm_any_size(g) : asm_wide_size(g), reg = asm_wreg(g, size);
    unsigned isize = form == 2 ? size : 1;
    uint32_t v = asm_value(g);
    struct rm o;

    asm_pick_rm(g, &o, size, false);
    if (form == 0) {
        unsigned sign = asm_below(g, 2);
        asm_emit_op_rm(g, size, false, 0xf6 + (size > 1), &o, 4 + sign);
        asm_note(g, "%s %s", sign ? "imul" : "mul", o.text);
    } else if (form == 1) {
        asm_emit_op_rm(g, size, true, 0xaf, &o, reg);
        asm_note(g, "imul %s, %s", asm_reg_name(reg, size), o.text);
    } else {
        asm_emit_op_rm(g, size, false, form == 2 ? 0x69 : 0x6b, &o, reg);
        asm_imm(g, v, isize);
        asm_note(g, "imul %s, %s, 0x%x", asm_reg_name(reg, size), o.text,
             isize == 1 ? v & 0xff : size == 2 ? v & 0xffff : v);
    }
    asm_flags_apply(g, fx_mul());
    return true;
}

/* F6/F7 /6 DIV, /7 IDIV.  Half the time the dividend's high half is made
 * small (zero, or the sign extension with CBW/CWD/CDQ) so the quotient
 * fits; the rest of the time #DE is likely, and compared too. */
static bool t_div(struct gen *g, unsigned sign)
{
    unsigned size = asm_any_size(g);
    struct rm o;

    if (asm_chance(g, 50) && sign) {
        asm_osize(g, size == 4 ? 4 : 2);
        asm_byte(g, size == 1 ? 0x98 : 0x99);
        asm_note(g, size == 1 ? "cbw" : size == 2 ? "cwd" : "cdq");
    } else if (asm_chance(g, 50)) {
        asm_set_reg(g, size == 1 ? EAX : EDX, size == 1 ? asm_value(g) & 0xff : asm_below(g, 4));
    }
    asm_pick_rm(g, &o, size, false);
    asm_emit_op_rm(g, size, false, 0xf6 + (size > 1), &o, 6 + sign);
    asm_note(g, "%s %s", sign ? "idiv" : "div", o.text);
    asm_flags_apply(g, fx_div());
    return true;
}

static const char *const bt_names[4] = { "bt", "bts", "btr", "btc" };

/* 0F A3/AB/B3/BB BTx r/m, r;  0F BA /4../7 BTx r/m, ib.  With a register
 * bit offset a memory operand reaches offset/8 bytes away (SDM Vol. 2A BT:
 * "bit string"), so the offset is kept small and the base mid-page. */
static bool t_bt(struct gen *g, unsigned by_imm)
{
    unsigned which = asm_below(g, 4), size = asm_wide_size(g), reg = asm_below(g, 8);
    uint8_t ib = (uint8_t)asm_below(g, 256);
    struct rm o;

    if (!by_imm && asm_chance(g, 40)) {
        reg = asm_wreg(g, 4);
        asm_set_reg(g, reg, (uint32_t)((int32_t)asm_below(g, 2048) - 1024));
        asm_rm_abs(&o, asm_data_addr(g, size, 160), size);
    } else if (!by_imm) {
        asm_rm_reg(&o, asm_wreg(g, size), size);
    } else {
        asm_pick_rm(g, &o, size, true);
    }
    g->lock = which != 0;
    if (by_imm) {
        asm_emit_op_rm(g, size, true, 0xba, &o, 4 + which);
        asm_byte(g, ib);
        asm_note(g, "%s %s, %u", bt_names[which], o.text, ib);
    } else {
        asm_emit_op_rm(g, size, true, 0xa3 + 8 * which, &o, reg);
        asm_note(g, "%s %s, %s", bt_names[which], o.text, asm_reg_name(reg, size));
    }
    asm_flags_apply(g, fx_bt());
    return true;
}

/* 0F BC BSF r, r/m;  0F BD BSR r, r/m.  The source is set first so the
 * generator knows whether it is 0 (destination then undefined). */
static bool t_bsf(struct gen *g, unsigned reverse)
{
    unsigned size = asm_wide_size(g), dst = asm_wreg(g, size);
    uint32_t v = asm_chance(g, 15) ? 0 : asm_value(g);
    struct rm o;

    v &= size == 2 ? 0xffff : 0xffffffff;
    if (asm_chance(g, 50)) {
        asm_rm_reg(&o, asm_wreg(g, 4), size);
        asm_set_reg(g, o.reg, v);
    } else {
        uint32_t addr = asm_data_addr(g, size, 0);
        asm_set_mem(g, addr, v, size);
        asm_rm_abs(&o, addr, size);
    }
    asm_emit_op_rm(g, size, true, 0xbc + reverse, &o, dst);
    asm_note(g, "%s %s, %s", reverse ? "bsr" : "bsf", asm_reg_name(dst, size), o.text);
    if (fx_bsf_dest_undefined(v))
        asm_set_reg(g, dst, asm_value(g));
    asm_flags_apply(g, fx_bsf());
    return true;
}

/* 0F B6/B7 MOVZX, 0F BE/BF MOVSX: r16/r32 from r/m8 or r/m16. */
static bool t_movx(struct gen *g, unsigned sign)
{
    unsigned from16 = asm_below(g, 2), size = asm_wide_size(g), dst = asm_wreg(g, size);
    struct rm o;

    asm_pick_rm(g, &o, from16 ? 2 : 1, false);
    asm_emit_op_rm(g, size, true, (sign ? 0xbe : 0xb6) + from16, &o, dst);
    asm_note(g, "%s %s, %s", sign ? "movsx" : "movzx", asm_reg_name(dst, size), o.text);
    return true;
}

/* 0F 90+cc SETcc r/m8;  0F 40+cc CMOVcc r, r/m. */
static bool t_setcc_cmov(struct gen *g, unsigned cmov)
{
    unsigned cc = asm_below(g, 16), size = cmov ? asm_wide_size(g) : 1;
    struct rm o;

    asm_flags_ready(g, fx_cc(cc).read);
    if (cmov) {
        unsigned dst = asm_wreg(g, size);
        asm_pick_rm(g, &o, size, false);
        asm_emit_op_rm(g, size, true, 0x40 + cc, &o, dst);
        asm_note(g, "cmov%s %s, %s", asm_cc_name(cc), asm_reg_name(dst, size), o.text);
    } else {
        asm_pick_rm(g, &o, 1, true);
        asm_emit_op_rm(g, 0, true, 0x90 + cc, &o, 0);
        asm_note(g, "set%s %s", asm_cc_name(cc), o.text);
    }
    return true;
}

static bool gen_simple(struct gen *g);

/* Emit one instruction that a jump may skip; the flags undefined afterwards
 * are those of either path. */
static uint32_t skippable(struct gen *g)
{
    uint32_t before = g->m->undef, at = g->len;
    gen_simple(g);
    g->m->undef |= before;
    g->m->undef_any |= g->m->undef;
    return g->len - at;
}

/* 70+cc Jcc rel8, 0F 80+cc Jcc rel32, EB JMP rel8, E9 JMP rel32, E3 JECXZ rel8,
 * 67 E3 JCXZ rel8:
 * jump over the next instruction (or, now and then, by 0). */
static bool t_jump(struct gen *g, unsigned kind)
{
    static const char *const fmt[6] = { "j%s over the next line", "j%s (rel32) over the next line",
                                        "jmp%s over the next line", "jmp%s (rel32) over the next line",
                                        "jecxz%s over the next line", "jcxz%s over the next line" };
    unsigned cc = asm_below(g, 16), rel32 = kind == 1 || kind == 3;
    uint32_t at, first, skip = 0;
    size_t line;

    if (kind <= 1)
        asm_flags_ready(g, fx_cc(cc).read);
    first = g->start;
    line = g->dlen;
    if (kind <= 1)
        asm_byte(g, rel32 ? ESC_0F : 0x70 + cc);
    if (kind == 1)
        asm_byte(g, 0x80 + cc);
    if (kind == 5)
        asm_byte(g, PFX_ADSIZE);        /* SDM Vol. 2A Jcc: 67 E3 tests CX */
    if (kind >= 2)
        asm_byte(g, kind == 2 ? 0xeb : kind == 3 ? 0xe9 : 0xe3);
    at = g->len;
    asm_imm(g, 0, rel32 ? 4 : 1);
    asm_note(g, fmt[kind], kind <= 1 ? asm_cc_name(cc) : "");
    if (asm_chance(g, 90))
        skip = skippable(g);
    asm_patch(g, at, skip, rel32 ? 4 : 1, line, first);
    if (skip == 0)
        asm_note(g, "(nothing to skip: the jump above has displacement 0)");
    return true;
}

/* 86/87 XCHG r/m, r;  90+r XCHG eAX, r;  0F C0/C1 XADD r/m, r;  0F B0/B1
 * CMPXCHG r/m, r (after MOV acc, r/m half the time, so they compare equal). */
static bool t_xchg(struct gen *g, unsigned form)
{
    unsigned size = form == 1 ? asm_wide_size(g) : asm_any_size(g), reg = asm_wreg(g, size);
    struct rm o;

    if (form == 1) {
        asm_osize(g, size);
        asm_byte(g, 0x90 + reg);
        asm_note(g, "xchg %s, %s", asm_reg_name(EAX, size), asm_reg_name(reg, size));
        return true;
    }
    g->avoid = 1u << EAX;
    asm_pick_rm(g, &o, size, true);
    g->avoid = 0;
    if (form == 3 && asm_chance(g, 50)) {
        asm_emit_op_rm(g, size, false, 0x8a + (size > 1), &o, EAX);
        asm_note(g, "mov %s, %s", asm_reg_name(EAX, size), o.text);
    }
    static const uint8_t ops[4] = { 0x86, 0, 0xc0, 0xb0 };
    static const char *const names[4] = { "xchg", "", "xadd", "cmpxchg" };
    g->lock = true;
    asm_emit_op_rm(g, size, form >= 2, ops[form] + (size > 1), &o, reg);
    asm_note(g, "%s %s, %s", names[form], o.text, asm_reg_name(reg, size));
    asm_flags_apply(g, form == 2 ? fx_xadd() : form == 3 ? fx_cmpxchg() : fx_none());
    return true;
}

/* 0F C8+r BSWAP r32 (16-bit BSWAP is undefined: SDM Vol. 2A BSWAP). */
static bool t_bswap(struct gen *g, unsigned unused)
{
    unsigned reg = asm_wreg(g, 4);
    (void)unused;
    asm_byte(g, ESC_0F);
    asm_byte(g, 0xc8 + reg);
    asm_note(g, "bswap %s", asm_reg_name(reg, 4));
    return true;
}

/* 98 CBW/CWDE, 99 CWD/CDQ (66 selects the 16-bit form). */
static bool t_conv(struct gen *g, unsigned op)
{
    unsigned size = asm_wide_size(g);
    asm_osize(g, size);
    asm_byte(g, 0x98 + op);
    asm_note(g, "%s", op ? (size == 2 ? "cwd" : "cdq") : (size == 2 ? "cbw" : "cwde"));
    return true;
}

/* 8D LEA r, m with 32-bit addressing: any ModRM/SIB, any register values
 * (LEA computes, it does not access memory). */
static void lea32(struct gen *g, unsigned size, unsigned dst)
{
    asm_osize(g, size);
    asm_byte(g, 0x8d);
    asm_any_mem_modrm(g, dst);
    asm_note(g, "lea %s, [any 32-bit form] (see the ModRM byte)", asm_reg_name(dst, size));
}

/* 67 8D LEA r, m with 16-bit addressing, SDM Vol. 2A table 2-1. */
static void lea16(struct gen *g, unsigned size, unsigned dst)
{
    static const char *const forms[8] = { "bx+si", "bx+di", "bp+si", "bp+di", "si", "di", "bp", "bx" };
    unsigned mod = asm_below(g, 3), rm = asm_below(g, 8);
    bool disp16 = mod == 2 || (mod == 0 && rm == 6);

    asm_osize(g, size);
    asm_byte(g, PFX_ADSIZE);
    asm_byte(g, 0x8d);
    asm_byte(g, MODRM(mod, dst, rm));
    asm_imm(g, asm_value(g), disp16 ? 2 : mod == 1 ? 1 : 0);
    asm_note(g, "lea %s, [%s%s] (16-bit addressing)", asm_reg_name(dst, size),
         mod == 0 && rm == 6 ? "" : forms[rm], mod == 0 ? (rm == 6 ? "disp16" : "") : "+disp");
}

static bool t_lea(struct gen *g, unsigned a16)
{
    unsigned size = asm_wide_size(g), dst = asm_wreg(g, size);
    if (a16)
        lea16(g, size, dst);
    else
        lea32(g, size, dst);
    return true;
}

/* 50+r PUSH r;  68 PUSH iz;  6A PUSH ib;  FF /6 PUSH r/m;  9C PUSHF. */
static bool t_push(struct gen *g, unsigned form)
{
    unsigned size = asm_wide_size(g), reg = asm_below(g, 8);
    uint32_t v = asm_value(g);
    struct rm o;

    if (!asm_stack_room(g, (int)size))
        return false;
    if (form == 4)
        asm_flags_ready(g, fx_pushf().read);
    if (form == 2)
        asm_pick_rm(g, &o, size, false);
    asm_osize(g, size);
    switch (form) {
    case 0:
        asm_byte(g, 0x50 + reg);
        asm_note(g, "push %s", asm_reg_name(reg, size));
        break;
    case 1:
        asm_byte(g, 0x68);
        asm_imm(g, v, size);
        asm_note(g, "push%s 0x%x", size == 2 ? "w" : "", size == 2 ? v & 0xffff : v);
        break;
    case 2:
        asm_byte(g, 0xff);
        asm_emit_modrm(g, &o, 6);
        asm_note(g, "push %s", o.text);
        break;
    case 3:
        asm_byte(g, 0x6a);
        asm_byte(g, v);
        asm_note(g, "push%s %d", size == 2 ? "w" : "", (int8_t)v);
        break;
    default:
        asm_byte(g, 0x9c);
        asm_note(g, size == 2 ? "pushfw" : "pushfd");
    }
    g->esp -= size;
    return true;
}

/* PUSH imm of a flags image with only user flags, then POPF (66: POPFW).
 * SDM Vol. 1 3.4.3: status flags, DF, the fixed bit 1 and IF as Linux keeps it. */
static bool popf_value(struct gen *g)
{
    unsigned size = asm_wide_size(g);
    uint32_t v = (asm_value(g) & (DF_STATUS | DF_DF)) | 0x202u;

    if (!asm_stack_room(g, 4))
        return false;
    asm_osize(g, size);
    asm_byte(g, 0x68), asm_imm(g, v, size), asm_note(g, "push%s 0x%x", size == 2 ? "w" : "", v);
    asm_osize(g, size);
    asm_byte(g, 0x9d), asm_note(g, size == 2 ? "popfw" : "popfd");
    asm_flags_apply(g, fx_popf());
    return true;
}

/* PUSH imm32 of an address in the stack page, then POP ESP: SDM Vol. 2B POP,
 * "POP ESP ... increments the stack pointer before data at the old top of
 * stack is written into the destination", so ESP ends up as the value. */
static bool pop_esp(struct gen *g)
{
    uint32_t v = ESP_LOW + 4 * asm_below(g, (ESP_HIGH - ESP_LOW) / 4);

    if (!asm_stack_room(g, 4))
        return false;
    asm_byte(g, 0x68), asm_imm(g, v, 4), asm_note(g, "push 0x%x", v);
    asm_byte(g, 0x58 + ESP), asm_note(g, "pop esp");
    g->esp = v;
    return true;
}

/* 58+r POP r;  8F /0 POP r/m (an ESP base is used after the increment:
 * SDM Vol. 2B POP);  9D POPF;  POP ESP. */
static bool t_pop(struct gen *g, unsigned form)
{
    unsigned size = asm_wide_size(g), reg = asm_wreg(g, size);
    struct rm o;

    if (form == 2)
        return popf_value(g);
    if (form == 3)
        return pop_esp(g);
    if (!asm_stack_room(g, -(int)size))
        return false;
    if (form == 1)
        asm_pick_rm(g, &o, size, true);
    asm_osize(g, size);
    if (form == 0) {
        asm_byte(g, 0x58 + reg);
        asm_note(g, "pop %s", asm_reg_name(reg, size));
    } else {
        asm_byte(g, 0x8f);
        asm_emit_modrm(g, &o, 0);
        asm_note(g, "pop %s", o.text);
    }
    g->esp += size;
    return true;
}

/* 60 PUSHA, 61 POPA (66 for the 16-bit forms). */
static bool t_pusha(struct gen *g, unsigned pop)
{
    unsigned size = asm_wide_size(g);
    int bytes = 8 * (int)size;

    if (!asm_stack_room(g, pop ? -bytes : bytes))
        return false;
    asm_osize(g, size);
    asm_byte(g, 0x60 + pop);
    asm_note(g, "%s%s", pop ? "popa" : "pusha", size == 2 ? "w" : "d");
    g->esp += pop ? (uint32_t)bytes : (uint32_t)-bytes;
    return true;
}

/* A4/A5 MOVS, AA/AB STOS, AC/AD LODS, A6/A7 CMPS, AE/AF SCAS, with REP (F3)
 * or, for the comparisons, REPE (F3) / REPNE (F2) and a small ECX; ESI and
 * EDI set mid-page first, DF set or cleared now and then. */
static bool t_string(struct gen *g, unsigned base_op)
{
    static const char *const names[6] = { "movs", "cmps", "", "stos", "lods", "scas" };
    unsigned size = asm_any_size(g), op = base_op + (size > 1);
    bool compares = base_op == 0xa6 || base_op == 0xae;
    unsigned rep = asm_below(g, compares ? 3 : 2);
    uint32_t count = asm_below(g, 9);

    if (asm_chance(g, 30)) {
        asm_byte(g, asm_chance(g, 50) ? 0xfc : 0xfd);
        asm_note(g, g->k->code[g->len - 1] == 0xfc ? "cld" : "std");
    }
    asm_set_reg(g, ESI, asm_data_addr(g, size, STRING_MARGIN));
    asm_set_reg(g, EDI, asm_data_addr(g, size, STRING_MARGIN));
    if (rep)
        asm_set_reg(g, ECX, count);
    if (base_op != 0xaa && base_op != 0xae && asm_chance(g, 20)) {   /* DS:ESI may be overridden */
        static const uint8_t segs[3] = { 0x26, 0x36, 0x3e };
        unsigned s = asm_below(g, 3);
        asm_byte(g, segs[s]);
        strcat(g->pfx, s == 0 ? "es " : s == 1 ? "ss " : "ds ");
    }
    asm_osize(g, size);
    if (rep)
        asm_byte(g, rep == 1 ? PFX_REP : PFX_REPNE);
    asm_byte(g, op);
    asm_note(g, "%s%s%c", rep == 0 ? "" : rep == 1 ? (compares ? "repe " : "rep ") : "repne ",
         names[(base_op - 0xa4) / 2 % 6], size == 1 ? 'b' : size == 2 ? 'w' : 'd');
    if (!rep || count > 0)
        asm_flags_apply(g, fx_string(op));
    return true;
}

/* 9F LAHF, 9E SAHF, F5 CMC, F8 CLC, F9 STC, FC CLD, FD STD. */
static bool t_flagop(struct gen *g, unsigned unused)
{
    static const struct { uint8_t op; const char *name; } ops[7] = {
        { 0x9f, "lahf" }, { 0x9e, "sahf" }, { 0xf5, "cmc" }, { 0xf8, "clc" },
        { 0xf9, "stc" }, { 0xfc, "cld" }, { 0xfd, "std" },
    };
    struct diff_fx fx[7] = { fx_lahf(), fx_sahf(), fx_cmc(), fx_clc_stc(),
                             fx_clc_stc(), fx_none(), fx_none() };

    unsigned op = asm_below(g, 7);
    (void)unused;
    asm_flags_ready(g, fx[op].read);
    asm_byte(g, ops[op].op);
    asm_note(g, "%s", ops[op].name);
    asm_flags_apply(g, fx[op]);
    return true;
}

/* 27 DAA, 2F DAS, 37 AAA, 3F AAS, D4 ib AAM, D5 ib AAD (base 10 mostly). */
static bool t_bcd(struct gen *g, unsigned unused)
{
    static const uint8_t ops[6] = { 0x27, 0x2f, 0x37, 0x3f, 0xd4, 0xd5 };
    static const char *const names[6] = { "daa", "das", "aaa", "aas", "aam", "aad" };
    unsigned which = asm_below(g, 6);
    struct diff_fx fx = fx_bcd(ops[which]);
    uint8_t base = asm_chance(g, 70) ? 10 : (uint8_t)asm_below(g, 256);

    (void)unused;
    asm_flags_ready(g, fx.read);
    asm_byte(g, ops[which]);
    if (which >= 4)
        asm_byte(g, base);
    if (which >= 4)
        asm_note(g, "%s %u", names[which], base);
    else
        asm_note(g, "%s", names[which]);
    asm_flags_apply(g, fx);
    return true;
}

/* E8 CALL rel32 / C3 RET / C2 RET iw / E2 LOOP / E0-E1 LOOPcc:
 *   form 0: call +0; pop r            (CALL pushes the next EIP)
 *   form 1: call +2; jmp +1; ret      (there and back)
 *   form 2: push imm; call +2; jmp +3; ret 4
 *   form 3: mov ecx, n; L: add r, r; loop(cc) L   (n = 1..4; the ADD
 *           defines ZF before LOOPE/LOOPNE test it, SDM Vol. 2A LOOP/LOOPcc) */
static bool t_branch(struct gen *g, unsigned form)
{
    unsigned reg = asm_wreg(g, 4);

    if (!asm_stack_room(g, 8))
        return false;
    if (form == 0) {
        asm_byte(g, 0xe8), asm_imm(g, 0, 4), asm_note(g, "call +0");
        asm_byte(g, 0x58 + reg), asm_note(g, "pop %s", asm_reg_name(reg, 4));
    } else if (form <= 2) {
        uint32_t v = asm_value(g);
        if (form == 2)
            asm_byte(g, 0x68), asm_imm(g, v, 4), asm_note(g, "push 0x%x", v);
        asm_byte(g, 0xe8), asm_imm(g, 2, 4), asm_note(g, "call +2");
        asm_byte(g, 0xeb), asm_byte(g, form == 1 ? 1 : 3), asm_note(g, "jmp +%u", form == 1 ? 1 : 3);
        if (form == 1)
            asm_byte(g, 0xc3), asm_note(g, "ret");
        else
            asm_byte(g, 0xc2), asm_imm(g, 4, 2), asm_note(g, "ret 4");
    } else {
        unsigned op = 0xe0 + asm_below(g, 3), n = 1 + asm_below(g, 4);
        reg = reg == ECX ? EAX : reg;
        asm_set_reg(g, ECX, n);
        asm_byte(g, 0x01), asm_byte(g, MODRM(3, asm_below(g, 8), reg));
        asm_note(g, "L: add %s, %s", asm_reg_name(reg, 4), asm_reg_name((g->k->code[g->len - 1] >> 3) & 7, 4));
        asm_byte(g, op), asm_byte(g, (uint8_t)-4);
        asm_note(g, "%s L", op == 0xe0 ? "loopne" : op == 0xe1 ? "loope" : "loop");
        asm_flags_apply(g, fx_alu(0));
    }
    return true;
}

/* 62 /r BOUND r, m16&16 / m32&32: #BR unless lower <= index <= upper,
 * signed (SDM Vol. 2A BOUND).  The bounds are stored first. */
static bool t_bound(struct gen *g)
{
    unsigned size = asm_wide_size(g), reg = asm_below(g, 8);
    uint32_t addr = asm_data_addr(g, 2 * size, 0), lo = asm_value(g), hi = asm_value(g);
    struct rm o;

    if (asm_chance(g, 50) && (int32_t)lo > (int32_t)hi) {
        uint32_t t = lo;
        lo = hi, hi = t;
    }
    asm_set_mem(g, addr, lo, size);
    asm_set_mem(g, addr + size, hi, size);
    asm_rm_abs(&o, addr, size);
    asm_emit_op_rm(g, size, false, 0x62, &o, reg);
    asm_note(g, "bound %s, %s", asm_reg_name(reg, size), o.text);
    return true;
}

/* 90 NOP, F3 90 PAUSE, 66 90;  0F 1F /0 NOP r/m with any ModRM (it does not
 * access memory: SDM Vol. 2B NOP, the recommended multi-byte sequences). */
static void misc_nop(struct gen *g)
{
    static const uint8_t one[3][2] = { { 0x90, 0 }, { PFX_REP, 0x90 }, { PFX_OPSIZE, 0x90 } };
    unsigned k = asm_below(g, 4);

    if (k < 3) {
        asm_byte(g, one[k][0]);
        if (one[k][1])
            asm_byte(g, one[k][1]);
        asm_note(g, k == 1 ? "pause" : "nop");
        return;
    }
    asm_osize(g, asm_wide_size(g));
    asm_byte(g, ESC_0F), asm_byte(g, 0x1f);
    asm_any_mem_modrm(g, 0);
    asm_note(g, "nop (0f 1f /0, multi-byte)");
}

/* D7 XLAT: AL := [EBX + zero-extended AL] (SDM Vol. 2B XLAT); EBX set first. */
static void misc_xlat(struct gen *g)
{
    asm_set_reg(g, EBX, DIFF_DATA_ADDR + asm_below(g, DIFF_DATA_SIZE - 256));
    asm_byte(g, 0xd7);
    asm_note(g, "xlatb");
}

/* C8 ENTER iw, ib then C9 LEAVE (SDM Vol. 2A ENTER, Vol. 2B LEAVE): EBP is
 * pointed into the stack page first, since a nesting level > 0 copies
 * frame pointers from [EBP - 4], [EBP - 8]... */
static bool misc_enter(struct gen *g)
{
    static const uint8_t levels[] = { 0, 1, 2, 3, 31, 32, 33 };   /* ENTER masks to 5 bits */
    unsigned size = asm_wide_size(g), level = levels[asm_below(g, sizeof levels)];
    uint16_t alloc = (uint16_t)asm_below(g, 64);

    if (!asm_stack_room(g, 4 + 4 * (int)(level & 31) + alloc + 16))
        return false;
    asm_set_reg(g, EBP, g->esp + 16 + asm_below(g, 64));
    asm_osize(g, size);
    asm_byte(g, 0xc8), asm_imm(g, alloc, 2), asm_byte(g, level);
    asm_note(g, "enter%s %u, %u", size == 2 ? "w" : "", alloc, level);
    asm_osize(g, size);
    asm_byte(g, 0xc9);
    asm_note(g, "leave%s", size == 2 ? "w" : "");
    return true;
}

/* 0F C7 /1 CMPXCHG8B m64 (SDM Vol. 2A): ZF only.  Half the time EDX:EAX is
 * loaded from the operand first, so the exchange happens. */
static void misc_cmpxchg8b(struct gen *g)
{
    uint32_t addr = asm_data_addr(g, 8, 0);
    struct rm o;

    if (asm_chance(g, 50)) {
        asm_byte(g, 0xa1), asm_imm(g, addr, 4), asm_note(g, "mov eax, [0x%x]", addr);
        asm_byte(g, 0x8b), asm_byte(g, MODRM(0, EDX, RM_DISP32)), asm_imm(g, addr + 4, 4);
        asm_note(g, "mov edx, [0x%x]", addr + 4);
    }
    asm_rm_abs(&o, addr, 8);
    g->lock = true;
    asm_emit_op_rm(g, 0, true, 0xc7, &o, 1);
    asm_note(g, "cmpxchg8b qword [0x%x]", addr);
    asm_flags_apply(g, (struct diff_fx){ .written = DF_ZF });
}

/* FF /2 CALL r/m32 and FF /4 JMP r/m32 to a target set up first:
 *   mov r, L; call r; jmp +1; L: ret        (or call [m] with m = L)
 *   mov r, L; jmp r; L:                                              */
static bool misc_indirect(struct gen *g)
{
    unsigned reg = asm_wreg(g, 4), form = asm_below(g, 3);
    uint32_t here = DIFF_CODE_ADDR + g->len;
    struct rm o;

    if (!asm_stack_room(g, 4))
        return false;
    if (form == 2) {
        asm_set_reg(g, reg, here + 5 + 2);
        asm_byte(g, 0xff), asm_byte(g, MODRM(3, 4, reg)), asm_note(g, "jmp *%s", asm_reg_name(reg, 4));
        return true;
    }
    if (form == 0) {
        asm_set_reg(g, reg, here + 5 + 2 + 2);
        asm_rm_reg(&o, reg, 4);
    } else {
        uint32_t addr = asm_data_addr(g, 4, 0);
        g->plain = true;                            /* so the lengths below hold: */
        asm_set_mem(g, addr, here + 10 + 6 + 2, 4);   /* C7 05 m32 imm32; FF 15 m32; EB 01 */
        asm_rm_abs(&o, addr, 4);
    }
    asm_byte(g, 0xff), asm_emit_modrm(g, &o, 2), asm_note(g, "call *%s", o.text);
    asm_byte(g, 0xeb), asm_byte(g, 1), asm_note(g, "jmp +1");
    asm_byte(g, 0xc3), asm_note(g, "ret");
    return true;
}

/* Self-modifying code: a store into the immediate of the next instruction,
 * C6 05 m32 ib then B0 ib (MOV AL, imm8).  SDM Vol. 3A 11.6: a write to a
 * code address that is already prefetched is detected, so the new byte is
 * what executes. */
static void misc_smc(struct gen *g)
{
    uint32_t target = DIFF_CODE_ADDR + g->len + 7 + 1;
    uint8_t old = (uint8_t)asm_below(g, 256), new = (uint8_t)asm_below(g, 256);

    g->plain = true;                /* set_mem must be exactly 7 bytes */
    asm_set_mem(g, target, new, 1);
    asm_byte(g, 0xb0), asm_byte(g, old), asm_note(g, "mov al, 0x%x (modified by the store above)", old);
}

static bool t_misc(struct gen *g, unsigned kind)
{
    switch (kind) {
    case 5: misc_smc(g); return true;
    case 0: misc_nop(g); return true;
    case 1: misc_xlat(g); return true;
    case 2: return misc_enter(g);
    case 3: misc_cmpxchg8b(g); return true;
    default: return misc_indirect(g);
    }
}

/* A run of redundant prefixes (66, and the flat segments 26 36 3E) before
 * ADD r/m32, r: 66 twice is still 16-bit, the last segment override wins;
 * 12..15 prefixes make the instruction longer than the 15-byte limit. */
static void many_prefixes(struct gen *g)
{
    static const uint8_t pfx[4] = { PFX_OPSIZE, 0x26, 0x36, 0x3e };
    unsigned n = 1 + asm_below(g, 15), total;
    struct rm o;

    asm_pick_rm(g, &o, 4, true);
    total = n + 2 + o.ntail;
    for (unsigned i = 0; i < n; i++)
        asm_byte(g, pfx[asm_below(g, 4)]);
    asm_byte(g, 0x01);
    asm_emit_modrm(g, &o, asm_below(g, 8));
    asm_note(g, "add with %u prefixes (%u bytes%s)", n, total, total > 15 ? ": too long" : "");
    asm_flags_apply(g, fx_alu(0));
}

/* Instructions that fault or trap, so the exception and the state it leaves
 * are compared too (SDM Vol. 3A 6.3.1 vectors; 6.5: a fault reports the
 * faulting instruction, a trap the next one):
 *   0  0F 0B        UD2                        #UD
 *   1  F0 01 /r     LOCK ADD r/m32, r, register destination: #UD (Vol. 2A LOCK)
 *   2  F0 89 /r     LOCK MOV m32, r: MOV is not lockable   #UD
 *   3  8D /r        LEA r, r (mod 11)                       #UD (Vol. 2A LEA)
 *   4  FE /2../7    no such byte instruction                #UD (appendix A, group 4)
 *   5  CC           INT3                                    #BP, a trap
 *   6  CE           INTO                                    #OF if OF, a trap
 *   7  62 /r        BOUND r, m (in or out of bounds)        #BR, a fault
 *   8  0F C7 /1     CMPXCHG8B with a register operand       #UD
 *   9  prefixes     n redundant prefixes, then ADD r/m, r: more than 15
 *                   bytes in all is #GP(0) (SDM Vol. 2A 2.3.11) */
static bool t_fault(struct gen *g, unsigned unused)
{
    unsigned kind = asm_below(g, 10), reg = asm_below(g, 8);
    struct rm o;

    (void)unused;
    switch (kind) {
    case 0:
        asm_byte(g, ESC_0F), asm_byte(g, 0x0b), asm_note(g, "ud2");
        break;
    case 1:
        asm_byte(g, PFX_LOCK), asm_byte(g, 0x01), asm_byte(g, MODRM(3, reg, asm_wreg(g, 4)));
        asm_note(g, "lock add (register destination)");
        break;
    case 2:
        asm_rm_abs(&o, asm_data_addr(g, 4, 0), 4);
        asm_byte(g, PFX_LOCK), asm_emit_op_rm(g, 4, false, 0x89, &o, reg);
        asm_note(g, "lock mov %s, %s", o.text, asm_reg_name(reg, 4));
        break;
    case 3:
        asm_byte(g, 0x8d), asm_byte(g, MODRM(3, asm_wreg(g, 4), reg)), asm_note(g, "lea (register operand)");
        break;
    case 4:
        asm_pick_rm(g, &o, 1, true);
        asm_emit_op_rm(g, 1, false, 0xfe, &o, 2 + asm_below(g, 6));
        asm_note(g, "(bad) fe /%u %s", (g->k->code[g->len - 1 - o.ntail] >> 3) & 7, o.text);
        break;
    case 5:
        asm_byte(g, 0xcc), asm_note(g, "int3");
        break;
    case 6:
        asm_flags_ready(g, DF_OF);
        asm_byte(g, 0xce), asm_note(g, "into");
        break;
    case 7:
        return t_bound(g);
    case 9:
        many_prefixes(g);
        break;
    default:
        asm_byte(g, ESC_0F), asm_byte(g, 0xc7), asm_byte(g, MODRM(3, 1, reg)), asm_note(g, "cmpxchg8b (register)");
    }
    return true;
}

/* Instructions a CPL 3 program may not execute: #GP(0) in both worlds
 * (SDM Vol. 3A 5.9 "privileged instructions"; IN, OUT, INS, OUTS, CLI, STI
 * need CPL <= IOPL, Vol. 1 18.5.1, and Linux runs with IOPL 0 and no I/O
 * bitmap).  Each row is the instruction's bytes; memory forms use [disp32]
 * into the data pages.  SGDT/SIDT/SLDT/STR/SMSW are left out: with UMIP
 * Linux emulates them for 32-bit processes. */
static const struct { uint8_t len; uint8_t b[7]; const char *name; } privileged[] = {
    { 1, { 0xfa }, "cli" },
    { 1, { 0xfb }, "sti" },
    { 2, { 0xe4, 0x40 }, "in al, 0x40" },
    { 2, { 0xe6, 0x80 }, "out 0x80, al" },
    { 1, { 0xec }, "in al, dx" },
    { 1, { 0xef }, "out dx, eax" },
    { 1, { 0x6c }, "insb" },
    { 1, { 0x6e }, "outsb" },
    { 3, { 0x0f, 0x01, 0xf0 }, "lmsw ax" },
    { 3, { 0x0f, 0x00, 0xd0 }, "lldt ax" },
    { 3, { 0x0f, 0x00, 0xd8 }, "ltr ax" },
    { 3, { 0x0f, 0x22, 0xc0 }, "mov cr0, eax" },
    { 3, { 0x0f, 0x20, 0xc0 }, "mov eax, cr0" },
    { 3, { 0x0f, 0x22, 0xd8 }, "mov cr3, eax" },
    { 3, { 0x0f, 0x23, 0xf8 }, "mov dr7, eax" },
    { 2, { 0x0f, 0x06 }, "clts" },
    { 2, { 0x0f, 0x08 }, "invd" },
    { 2, { 0x0f, 0x09 }, "wbinvd" },
    { 2, { 0x0f, 0x30 }, "wrmsr" },
    { 2, { 0x0f, 0x32 }, "rdmsr" },
    { 7, { 0x0f, 0x01, 0x15 }, "lgdt [m]" },       /* 0F 01 /2, disp32 appended */
    { 7, { 0x0f, 0x01, 0x1d }, "lidt [m]" },       /* 0F 01 /3 */
    { 7, { 0x0f, 0x01, 0x3d }, "invlpg [m]" },     /* 0F 01 /7 */
};

/* PUSH a flags image with system bits (IF, IOPL, NT, ID), POPF, then PUSHF
 * and POP r so the result is compared: SDM Vol. 2B POPF, at CPL 3 with
 * IOPL 0 "IF and IOPL are unaffected", NT and ID change (Vol. 1 3.4.3:
 * a program that can toggle ID may use CPUID). */
static bool popf_system(struct gen *g)
{
    /* SDM Vol. 1 3.4.3: IF 9, IOPL 13:12, NT 14, ID 21; bit 1 is fixed */
    uint32_t v = (asm_value(g) & (DF_STATUS | DF_DF | 0x200u | 0x3000u | 0x4000u | 0x200000u)) | 2u;
    unsigned reg = asm_wreg(g, 4);

    if (!asm_stack_room(g, 4))
        return false;
    asm_byte(g, 0x68), asm_imm(g, v, 4), asm_note(g, "push 0x%x", v);
    asm_byte(g, 0x9d), asm_note(g, "popfd (system bits)");
    asm_byte(g, 0x9c), asm_note(g, "pushfd");
    asm_byte(g, 0x58 + reg), asm_note(g, "pop %s", asm_reg_name(reg, 4));
    asm_flags_apply(g, fx_popf());
    return true;
}

static bool t_priv(struct gen *g, unsigned unused)
{
    unsigned k = asm_below(g, sizeof privileged / sizeof privileged[0] + 2);
    uint32_t addr = asm_data_addr(g, 8, 0);

    (void)unused;
    if (k >= sizeof privileged / sizeof privileged[0])
        return popf_system(g);
    if (privileged[k].b[0] == 0x6c || privileged[k].b[0] == 0x6e) {
        asm_set_reg(g, ESI, asm_data_addr(g, 1, 0));
        asm_set_reg(g, EDI, asm_data_addr(g, 1, 0));
    }
    for (unsigned i = 0; i < privileged[k].len; i++)
        asm_byte(g, i < 3 ? privileged[k].b[i] : addr >> (8 * (i - 3)));
    asm_note(g, "%s", privileged[k].name);
    return true;
}

/* An address `back` bytes before `page` (0: at it, plus up to 64 bytes in),
 * so that a `size`-byte access straddles into it or starts inside it. */
static uint32_t near_page(struct gen *g, uint32_t page, unsigned size)
{
    if (size > 1 && asm_chance(g, 50))
        return page - 1 - asm_below(g, size - 1);
    return page + asm_below(g, 64);
}

/* A REP string operation that runs into the read-only page (STOS/MOVS
 * writing) or the hole (LODS/MOVS reading) after a few elements: the fault
 * must leave ECX, ESI and EDI at the faulting iteration (SDM Vol. 2B REP:
 * "the registers are updated for the last completed iteration"). */
static void paging_string(struct gen *g)
{
    static const uint8_t ops[3] = { 0xaa, 0xa4, 0xac };     /* STOS MOVS LODS */
    unsigned size = asm_any_size(g), op = ops[asm_below(g, 3)];
    uint32_t k = 1 + asm_below(g, 8 * size);

    asm_byte(g, 0xfc), asm_note(g, "cld");
    asm_set_reg(g, EDI, op == 0xac ? asm_data_addr(g, size, 64) : DIFF_RO_ADDR - k);
    asm_set_reg(g, ESI, op == 0xac ? DIFF_HOLE_ADDR - k : asm_data_addr(g, size, 64));
    if (op == 0xa4 && asm_chance(g, 50))       /* MOVS: fault on the read side instead */
        asm_set_reg(g, ESI, DIFF_HOLE_ADDR - k), asm_set_reg(g, EDI, asm_data_addr(g, size, 64));
    asm_set_reg(g, ECX, 16);
    asm_osize(g, size);
    asm_byte(g, PFX_REP), asm_byte(g, op + (size > 1));
    asm_note(g, "rep %s%c", op == 0xaa ? "stos" : op == 0xa4 ? "movs" : "lods",
             size == 1 ? 'b' : size == 2 ? 'w' : 'd');
}

/* Accesses that page-fault natively (SDM Vol. 3A 4.7: #PF, error code
 * P W/R U/S) and, with DIFF_MODE_PAGED, in the interpreter:
 *   0  MOV m, r into the read-only page            W=1 P=1
 *   1  ADD/XCHG/CMPXCHG m, r (read-modify-write) into it; CMPXCHG writes
 *      even when the comparison fails (SDM Vol. 2A CMPXCHG)
 *   2  MOV r, m from the hole                      W=0 P=0
 *   3  MOV r, m from the read-only page: no fault
 *   4  PUSH m from the hole, POP m into the read-only page: ESP unchanged
 *   5  a REP string operation running into them */
static bool t_paging(struct gen *g, unsigned kind)
{
    static const uint8_t rmw[3] = { 0x00, 0x86, 0xb0 };   /* ADD XCHG CMPXCHG(0F) */
    unsigned size = asm_any_size(g), reg = asm_wreg(g, size);
    struct rm o;

    switch (kind) {
    case 0: case 1: {
        unsigned w = kind == 0 ? 4 : asm_below(g, 3);
        asm_rm_abs(&o, near_page(g, DIFF_RO_ADDR, size), size);
        g->lock = kind == 1;
        asm_emit_op_rm(g, size, w == 2, w == 4 ? 0x88 + (size > 1) : rmw[w] + (size > 1), &o, reg);
        asm_note(g, "%s %s, %s", w == 4 ? "mov" : w == 0 ? "add" : w == 1 ? "xchg" : "cmpxchg",
                 o.text, asm_reg_name(reg, size));
        asm_flags_apply(g, w == 0 || w == 2 ? fx_alu(0) : fx_none());
        return true;
    }
    case 2: case 3:
        asm_rm_abs(&o, kind == 2 ? near_page(g, DIFF_HOLE_ADDR, size)
                                 : DIFF_RO_ADDR + asm_below(g, DIFF_PAGE_SIZE - size + 1), size);
        asm_emit_op_rm(g, size, false, 0x8a + (size > 1), &o, reg);
        asm_note(g, "mov %s, %s", asm_reg_name(reg, size), o.text);
        return true;
    case 4: {
        bool pop = asm_chance(g, 50);
        if (!asm_stack_room(g, 4) || !asm_stack_room(g, -4))
            return false;
        asm_rm_abs(&o, near_page(g, pop ? DIFF_RO_ADDR : DIFF_HOLE_ADDR, 4), 4);
        asm_byte(g, pop ? 0x8f : 0xff);
        asm_emit_modrm(g, &o, pop ? 0 : 6);
        asm_note(g, "%s %s", pop ? "pop" : "push", o.text);
        return true;
    }
    default:
        paging_string(g);
        return true;
    }
}

/* Selectors worth loading at CPL 3 in a Linux process (diff_emu.c builds
 * the same GDT): the user data and code segments with every RPL, kernel
 * data and code (DPL 0: #GP(sel)), null selectors (fine for DS and ES until
 * used, #GP(0) for SS), an LDT selector (no LDT: #GP) and one beyond the
 * GDT limit.  SDM Vol. 3A 5.6 (data segments: DPL >= max(CPL, RPL)) and
 * Vol. 2A MOV (SS: RPL = CPL = DPL, writable). */
static const uint16_t selectors[] = {
    0x2b, 0x2b, 0x2b, 0x28, 0x29, 0x2a, 0x23, 0x20, 0x18, 0x1b, 0x10,
    0x00, 0x01, 0x03, 0x2f, 0x1003,
};

/* Sreg numbers (SDM Vol. 2A table 3-4 "Sreg"): ES 0, CS 1, SS 2, DS 3. */
static const char *const sreg_names[4] = { "es", "cs", "ss", "ds" };

/* A segment register a template may load: DS and ES mostly, SS sometimes. */
static unsigned loadable_sreg(struct gen *g)
{
    static const uint8_t sregs[5] = { 0, 3, 0, 3, 2 };
    return sregs[asm_below(g, 5)];
}

static uint16_t selector(struct gen *g)
{
    return selectors[asm_below(g, sizeof selectors / sizeof selectors[0])];
}

/* Segment-register instructions (loads check the descriptor, SDM Vol. 3A 5.5
 * to 5.7; reads are plain):
 *   0  MOV Sreg, r16 (8E /sreg) after MOV r32, sel
 *   1  MOV Sreg, m16 after storing sel
 *   2  PUSH sel; POP ES/SS/DS (07/17/1F)
 *   3  MOV r/m, Sreg (8C): a 32-bit register gets the selector zero-extended
 *      (SDM Vol. 2A MOV, "P6 family and later"); memory gets 16 bits
 *   4  PUSH ES/CS/SS/DS (06/0E/16/1E), after zeroing the slot: a 32-bit push
 *      of a Sreg may write only 16 bits (SDM Vol. 2B PUSH)
 *   5  LDS/LES r32, m16:32 (C5/C4) */
static bool t_seg(struct gen *g, unsigned kind)
{
    unsigned sreg = loadable_sreg(g), reg = asm_wreg(g, 4);
    uint16_t sel = selector(g);
    uint32_t addr = asm_data_addr(g, 6, 0);
    struct rm o;

    if ((kind == 2 || kind == 4) && (!asm_stack_room(g, 4) || !asm_stack_room(g, -4)))
        return false;
    switch (kind) {
    case 0:
        asm_set_reg(g, reg, sel | (asm_value(g) & ~0xffffu));
        asm_byte(g, 0x8e), asm_byte(g, MODRM(3, sreg, reg));
        asm_note(g, "mov %s, %s", sreg_names[sreg], asm_reg_name(reg, 2));
        break;
    case 1:
        asm_set_mem(g, addr, sel, 2);
        asm_rm_abs(&o, addr, 2);
        asm_emit_op_rm(g, 0, false, 0x8e, &o, sreg);
        asm_note(g, "mov %s, %s", sreg_names[sreg], o.text);
        break;
    case 2:
        asm_byte(g, 0x68), asm_imm(g, sel, 4), asm_note(g, "push 0x%x", sel);
        asm_byte(g, sreg == 0 ? 0x07 : sreg == 2 ? 0x17 : 0x1f), asm_note(g, "pop %s", sreg_names[sreg]);
        break;
    case 3: {
        unsigned size = asm_wide_size(g), src = asm_below(g, 4);
        asm_pick_rm(g, &o, 2, true);
        asm_emit_op_rm(g, o.mem ? 0 : size, false, 0x8c, &o, src);
        asm_note(g, "mov %s, %s", o.mem ? o.text : asm_reg_name(o.reg, size), sreg_names[src]);
        break;
    }
    case 4: {
        unsigned src = asm_below(g, 4);
        asm_byte(g, 0x6a), asm_byte(g, 0), asm_note(g, "push 0");
        asm_byte(g, 0x58 + reg), asm_note(g, "pop %s (the slot below ESP is now 0)", asm_reg_name(reg, 4));
        asm_byte(g, 0x06 + 8 * src), asm_note(g, "push %s", sreg_names[src]);
        asm_byte(g, 0x58 + reg), asm_note(g, "pop %s", asm_reg_name(reg, 4));
        break;
    }
    default: {
        unsigned les = asm_below(g, 2);
        asm_set_mem(g, addr, asm_value(g), 4);
        asm_set_mem(g, addr + 4, sel, 2);
        asm_rm_abs(&o, addr, 6);
        asm_emit_op_rm(g, 0, false, les ? 0xc4 : 0xc5, &o, reg);
        asm_note(g, "%s %s, fword [0x%x]", les ? "les" : "lds", asm_reg_name(reg, 4), addr);
    }
    }
    return true;
}

/* PUSH an image with TF set, POPF: SDM Vol. 3A 17.3.1.4, the processor
 * raises a single-step #DB (a trap, vector 1) after the instruction that
 * follows the one that set TF; the rest of the sequence is not reached. */
static bool t_trap(struct gen *g, unsigned unused)
{
    /* SDM Vol. 1 3.4.3: TF is bit 8; IF and bit 1 as Linux keeps them */
    uint32_t v = (asm_value(g) & (DF_STATUS | DF_DF)) | 0x302u;

    (void)unused;
    if (!asm_stack_room(g, 4))
        return false;
    asm_byte(g, 0x68), asm_imm(g, v, 4), asm_note(g, "push 0x%x (TF set)", v);
    asm_byte(g, 0x9d), asm_note(g, "popfd");
    asm_flags_apply(g, fx_popf());
    return true;
}

/* One row per template: family, emitter, its argument, whether a jump may skip it. */
struct tmpl {
    enum diff_family fam;
    bool (*emit)(struct gen *g, unsigned arg);
    unsigned arg;
    bool simple;
};

static const struct tmpl templates[] = {
    { DIFF_ALU, t_alu_rm, 0, true },         /* 00..39 op r/m, r */
    { DIFF_ALU, t_alu_rm, 2, true },         /* 02..3B op r, r/m */
    { DIFF_ALU, t_alu_imm, 0, true },        /* 80 /x ib */
    { DIFF_ALU, t_alu_imm, 1, true },        /* 81 /x iz */
    { DIFF_ALU, t_alu_imm, 2, true },        /* 83 /x ib */
    { DIFF_ALU, t_alu_imm, 3, true },        /* 04+8x / 05+8x acc, imm */
    { DIFF_ALU, t_test, 0, true },           /* 84/85 */
    { DIFF_ALU, t_test, 1, true },           /* A8/A9 */
    { DIFF_ALU, t_test, 2, true },           /* F6/F7 /0 */
    { DIFF_UNARY, t_unary, 0, true },        /* F6/F7 /2 /3 */
    { DIFF_UNARY, t_unary, 1, true },        /* FE/FF /0 /1 */
    { DIFF_UNARY, t_unary, 2, true },        /* 40+r 48+r */
    { DIFF_MOV, t_mov, 0, true },            /* 88/89 */
    { DIFF_MOV, t_mov, 1, true },            /* 8A/8B */
    { DIFF_MOV, t_mov, 2, true },            /* B0+r B8+r */
    { DIFF_MOV, t_mov, 3, true },            /* C6/C7 */
    { DIFF_MOV, t_mov, 4, true },            /* A0..A3 */
    { DIFF_SHIFT, t_shift, 0, true },        /* C0/C1 */
    { DIFF_SHIFT, t_shift, 1, true },        /* D0/D1 */
    { DIFF_SHIFT, t_shift, 2, false },       /* D2/D3 */
    { DIFF_SHXD, t_shxd, 0, false },         /* 0F A4 / 0F AC */
    { DIFF_SHXD, t_shxd, 1, false },         /* 0F A5 / 0F AD */
    { DIFF_MUL, t_mul, 0, true },            /* F6/F7 /4 /5 */
    { DIFF_MUL, t_mul, 1, true },            /* 0F AF */
    { DIFF_MUL, t_mul, 2, true },            /* 69 */
    { DIFF_MUL, t_mul, 3, true },            /* 6B */
    { DIFF_DIV, t_div, 0, false },           /* F6/F7 /6 */
    { DIFF_DIV, t_div, 1, false },           /* F6/F7 /7 */
    { DIFF_BIT, t_bt, 0, false },            /* 0F A3 AB B3 BB */
    { DIFF_BIT, t_bt, 1, false },            /* 0F BA /4../7 */
    { DIFF_BIT, t_bsf, 0, false },           /* 0F BC */
    { DIFF_BIT, t_bsf, 1, false },           /* 0F BD */
    { DIFF_MOVX, t_movx, 0, true },          /* 0F B6 B7 */
    { DIFF_MOVX, t_movx, 1, true },          /* 0F BE BF */
    { DIFF_CC, t_setcc_cmov, 0, false },     /* 0F 90+cc */
    { DIFF_CC, t_setcc_cmov, 1, false },     /* 0F 40+cc */
    { DIFF_CC, t_jump, 0, false },           /* 70+cc */
    { DIFF_CC, t_jump, 1, false },           /* 0F 80+cc */
    { DIFF_XCHG, t_xchg, 0, true },          /* 86/87 */
    { DIFF_XCHG, t_xchg, 1, true },          /* 90+r */
    { DIFF_XCHG, t_xchg, 2, true },          /* 0F C0/C1 */
    { DIFF_XCHG, t_xchg, 3, true },          /* 0F B0/B1 */
    { DIFF_XCHG, t_bswap, 0, true },         /* 0F C8+r */
    { DIFF_CONV, t_conv, 0, true },          /* 98 */
    { DIFF_CONV, t_conv, 1, true },          /* 99 */
    { DIFF_LEA, t_lea, 0, true },            /* 8D */
    { DIFF_LEA, t_lea, 1, true },            /* 67 8D */
    { DIFF_STACK, t_push, 0, false },        /* 50+r */
    { DIFF_STACK, t_push, 1, false },        /* 68 */
    { DIFF_STACK, t_push, 2, false },        /* FF /6 */
    { DIFF_STACK, t_push, 3, false },        /* 6A */
    { DIFF_STACK, t_push, 4, false },        /* 9C */
    { DIFF_STACK, t_pop, 0, false },         /* 58+r */
    { DIFF_STACK, t_pop, 1, false },         /* 8F /0 */
    { DIFF_STACK, t_pop, 2, false },         /* 9D */
    { DIFF_STACK, t_pop, 3, false },         /* 5C */
    { DIFF_STACK, t_pusha, 0, false },       /* 60 */
    { DIFF_STACK, t_pusha, 1, false },       /* 61 */
    { DIFF_STRING, t_string, 0xa4, false },  /* A4/A5 MOVS */
    { DIFF_STRING, t_string, 0xa6, false },  /* A6/A7 CMPS */
    { DIFF_STRING, t_string, 0xaa, false },  /* AA/AB STOS */
    { DIFF_STRING, t_string, 0xac, false },  /* AC/AD LODS */
    { DIFF_STRING, t_string, 0xae, false },  /* AE/AF SCAS */
    { DIFF_FLAGS, t_flagop, 0, false },      /* 9E 9F F5 F8 F9 FC FD */
    { DIFF_BRANCH, t_jump, 2, false },       /* EB */
    { DIFF_BRANCH, t_jump, 3, false },       /* E9 */
    { DIFF_BRANCH, t_jump, 4, false },       /* E3 */
    { DIFF_BRANCH, t_jump, 5, false },       /* 67 E3 */
    { DIFF_BRANCH, t_branch, 0, false },     /* E8, 58+r */
    { DIFF_BRANCH, t_branch, 1, false },     /* E8, EB, C3 */
    { DIFF_BRANCH, t_branch, 2, false },     /* 68, E8, EB, C2 */
    { DIFF_BRANCH, t_branch, 3, false },     /* E0/E1/E2 */
    { DIFF_BCD, t_bcd, 0, false },           /* 27 2F 37 3F D4 D5 */
    { DIFF_FAULT, t_fault, 0, false },       /* 0F 0B, F0, 8D, FE, CC, CE, 62, 0F C7 */
    { DIFF_MISC, t_misc, 0, false },         /* 90, F3 90, 0F 1F */
    { DIFF_MISC, t_misc, 1, false },         /* D7 */
    { DIFF_MISC, t_misc, 2, false },         /* C8, C9 */
    { DIFF_MISC, t_misc, 3, false },         /* 0F C7 /1 */
    { DIFF_MISC, t_misc, 4, false },         /* FF /2, FF /4 */
    { DIFF_MISC, t_misc, 5, false },         /* C6 05 into the code, B0 */
    { DIFF_PAGING, t_paging, 0, false },     /* 88/89 into the read-only page */
    { DIFF_PAGING, t_paging, 1, false },     /* 00/01, 86/87, 0F B0/B1 into it */
    { DIFF_PAGING, t_paging, 2, false },     /* 8A/8B from the hole */
    { DIFF_PAGING, t_paging, 3, false },     /* 8A/8B from the read-only page */
    { DIFF_PAGING, t_paging, 4, false },     /* FF /6 from the hole, 8F /0 into read-only */
    { DIFF_PAGING, t_paging, 5, false },     /* F3 AA/AB, A4/A5, AC/AD */
    { DIFF_PRIV, t_priv, 0, false },
    { DIFF_TRAP, t_trap, 0, false },         /* 68, 9D with TF */
    { DIFF_SEG, t_seg, 0, false },           /* 8E /sreg, register */
    { DIFF_SEG, t_seg, 1, false },           /* 8E /sreg, memory */
    { DIFF_SEG, t_seg, 2, false },           /* 68, 07/17/1F */
    { DIFF_SEG, t_seg, 3, false },           /* 8C */
    { DIFF_SEG, t_seg, 4, false },           /* 06/0E/16/1E */
    { DIFF_SEG, t_seg, 5, false },           /* C4/C5 */         /* FA FB E4 E6 EC EF 6C 6E 0F 00/01/06/08/09/20/22/23/30/32 */
};
#define NTEMPLATES (sizeof templates / sizeof templates[0])

/* A template a jump may skip: from the simple rows of any family. */
static bool gen_simple(struct gen *g)
{
    const struct tmpl *t;
    do
        t = &templates[asm_below(g, NTEMPLATES)];
    while (!t->simple);
    return t->emit(g, t->arg);
}

/* One template from the allowed families; false if none fits right now. */
static bool gen_one(struct gen *g, uint32_t families)
{
    const struct tmpl *allowed[NTEMPLATES];
    unsigned n = 0;

    for (unsigned i = 0; i < NTEMPLATES; i++)
        if (families & DIFF_FAM(templates[i].fam))
            allowed[n++] = &templates[i];
    for (int tries = 0; n > 0 && tries < 16; tries++) {
        const struct tmpl *t = allowed[asm_below(g, n)];
        if (t->emit(g, t->arg))
            return true;
    }
    return false;
}

/* Random registers, flags and memory; ESP mid-stack-page. */
static void gen_state(struct diff_rng *r, struct diff_state *s)
{
    for (int i = 0; i < 8; i++)
        s->reg[i] = diff_rng_value(r);
    s->reg[ESP] = DIFF_ESP_START;
    s->eflags = (diff_rng_u32(r) & (DF_STATUS | DF_DF)) | 0x2u;
    for (unsigned i = 0; i < DIFF_DATA_SIZE; i += 4) {
        uint32_t d = diff_rng_below(r, 4) ? diff_rng_u32(r) : diff_rng_value(r);
        memcpy(&s->data[i], &d, 4);
    }
    for (unsigned i = 0; i < DIFF_PAGE_SIZE; i += 4) {
        uint32_t st = diff_rng_u32(r);
        memcpy(&s->stack[i], &st, 4);
    }
    s->eip = DIFF_CODE_ADDR;
    s->vector = DIFF_NO_FAULT;
}

static void gen_begin(struct gen *g, struct diff_rng *r, struct diff_case *k, struct diff_meta *m)
{
    *g = (struct gen){ .r = r, .k = k, .m = m, .esp = DIFF_ESP_START };
    memset(k, 0, sizeof *k);
    m->undef = 0;
    m->undef_any = 0;
    m->ninsns = 0;
    m->desc[0] = '\0';
    gen_state(r, &k->in);
}

static void gen_end(struct gen *g)
{
    asm_byte(g, DIFF_HLT);
    asm_note(g, "hlt");
    g->k->code_len = g->len;
}

void diff_gen_case(struct diff_rng *r, uint32_t families, unsigned max_insns,
                   struct diff_case *k, struct diff_meta *m)
{
    struct gen g;
    unsigned n;

    gen_begin(&g, r, k, m);
    n = 1 + diff_rng_below(r, max_insns);
    while (m->ninsns < n && g.len + CODE_ROOM < DIFF_CODE_MAX && gen_one(&g, families))
        m->ninsns++;
    gen_end(&g);
}

void diff_gen_fixed(struct diff_rng *r, const uint8_t *code, unsigned len,
                    struct diff_case *k, struct diff_meta *m)
{
    struct gen g;

    gen_begin(&g, r, k, m);
    for (unsigned i = 0; i < len && i + 1 < DIFF_CODE_MAX; i++)
        asm_byte(&g, code[i]);
    asm_note(&g, "(hand-written)");
    m->ninsns = 1;
    gen_end(&g);
}
