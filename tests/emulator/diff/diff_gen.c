/* diff_gen.c - assemble random but well-behaved IA-32 instruction sequences. */

/*
 * The generator is a tiny assembler driven by a random stream.  Each
 * template below emits one instruction (sometimes with "setup" MOVs before
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

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "diff_flags.h"

/* SDM Vol. 2A 2.1.5 table 2-2: register numbers. */
enum { EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI };

/* SDM Vol. 2A 2.1.1: operand-size, address-size and two-byte escape. */
#define PFX_OPSIZE 0x66u
#define PFX_ADSIZE 0x67u
#define ESC_0F     0x0fu
#define PFX_REP    0xf3u
#define PFX_REPNE  0xf2u
#define PFX_LOCK   0xf0u

/* ModRM and SIB, SDM Vol. 2A 2.1.5:
 *
 *    7  6 5   3 2  0        7   6 5     3 2    0
 *   +----+-----+----+      +-----+-------+------+
 *   |mod | reg | rm |      |scale| index | base |
 *   +----+-----+----+      +-----+-------+------+
 */
#define MODRM(mod, reg, rm) ((uint8_t)(((mod) << 6) | ((reg) << 3) | (rm)))
#define SIB(ss, idx, base)  ((uint8_t)(((ss) << 6) | ((idx) << 3) | (base)))
#define RM_SIB    4         /* rm = 100: a SIB byte follows */
#define RM_DISP32 5         /* mod 00, rm = 101: disp32 only */
#define SIB_NONE  4         /* index = 100: no index */

/* The stack page keeps this much room below and above ESP. */
#define STACK_MARGIN 256u
#define ESP_LOW  (DIFF_STACK_ADDR + STACK_MARGIN)
#define ESP_HIGH (DIFF_STACK_ADDR + DIFF_PAGE_SIZE - STACK_MARGIN)
/* String operands stay this far from the data pages' ends (REP count <= 8
 * elements of <= 4 bytes each way). */
#define STRING_MARGIN 64u
/* Room kept at the end of the code buffer for one more template. */
#define CODE_ROOM 96u

struct gen {
    struct diff_rng *r;
    struct diff_case *k;
    struct diff_meta *m;
    uint32_t len;           /* code bytes emitted */
    uint32_t start;         /* where the instruction being emitted starts */
    uint32_t esp;           /* ESP as the code emitted so far leaves it */
    uint32_t avoid;         /* registers an address must not be built in (bit mask) */
    bool lock;              /* the next memory instruction may take a LOCK prefix */
    bool plain;             /* the next memory instruction takes no prefix at all */
    char pfx[16];           /* prefixes to show before the next mnemonic */
    size_t dlen;            /* description length */
};

/* A r/m operand ready to encode: ModRM without its reg field, then the rest. */
struct rm {
    uint8_t modrm;
    uint8_t tail[5];        /* SIB, displacement */
    unsigned ntail;
    bool mem;
    unsigned reg;           /* when !mem */
    char text[64];
};

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

static uint32_t below(struct gen *g, uint32_t n)
{
    return diff_rng_below(g->r, n);
}

static bool chance(struct gen *g, unsigned percent)
{
    return below(g, 100) < percent;
}

/* A value biased towards the edges where flags change: 0, 1, the sign
 * boundaries of 8, 16 and 32 bits, all ones. */
static uint32_t edge_value(struct diff_rng *r)
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

static uint32_t value(struct gen *g)
{
    return edge_value(g->r);
}

/* A count for shifts: the interesting ones are 0, 1 and the operand sizes. */
static uint8_t shift_count(struct gen *g)
{
    static const uint8_t counts[] = { 0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 255 };
    if (chance(g, 25))
        return (uint8_t)below(g, 256);
    return counts[below(g, sizeof counts)];
}

static unsigned any_size(struct gen *g)
{
    static const unsigned sizes[3] = { 1, 2, 4 };
    return sizes[below(g, 3)];
}

static unsigned wide_size(struct gen *g)
{
    return chance(g, 50) ? 2 : 4;
}

/* A register the instruction may write: any but ESP (AH..BH are fine). */
static unsigned wreg(struct gen *g, unsigned size)
{
    unsigned r = below(g, 8);
    if (size != 1 && r == ESP)
        r = chance(g, 50) ? EBP : EAX;
    return r;
}

/* --- emission and description --------------------------------------------------- */

static void byte(struct gen *g, uint32_t b)
{
    g->k->code[g->len++] = (uint8_t)b;
}

static void imm(struct gen *g, uint32_t v, unsigned size)
{
    for (unsigned i = 0; i < size; i++)
        byte(g, v >> (8 * i));
}

static void osize(struct gen *g, unsigned size)
{
    if (size == 2)
        byte(g, PFX_OPSIZE);
}

/* Append to the description, never past its end. */
static void say(struct gen *g, const char *fmt, ...)
{
    va_list ap;
    size_t room = DIFF_DESC_MAX - g->dlen;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(g->m->desc + g->dlen, room, fmt, ap);
    va_end(ap);
    g->dlen += n < 0 ? 0 : (size_t)n < room ? (size_t)n : room - 1;
}

/* Close the instruction started at g->start: describe its bytes and mnemonic. */
static void note(struct gen *g, const char *fmt, ...)
{
    char text[96];
    va_list ap;
    unsigned col = 0;

    for (uint32_t i = g->start; i < g->len; i++, col += 3)
        say(g, "%02x ", g->k->code[i]);
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    say(g, "%*s%s%s\n", col < 30 ? (int)(30 - col) : 1, "", g->pfx, text);
    g->pfx[0] = '\0';
    g->start = g->len;
}

static const char *reg_name(unsigned r, unsigned size)
{
    static const char *names[3][8] = {
        { "al", "cl", "dl", "bl", "ah", "ch", "dh", "bh" },
        { "ax", "cx", "dx", "bx", "sp", "bp", "si", "di" },
        { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" },
    };
    return names[size == 1 ? 0 : size == 2 ? 1 : 2][r & 7];
}

static const char *size_name(unsigned size)
{
    return size == 1 ? "byte" : size == 2 ? "word" : "dword";
}

/* SDM Vol. 1 appendix B table B-1: condition mnemonics by cc. */
static const char *cc_name(unsigned cc)
{
    static const char *names[16] = { "o", "no", "b", "ae", "e", "ne", "be", "a",
                                     "s", "ns", "p", "np", "l", "ge", "le", "g" };
    return names[cc & 15];
}

/* MOV r32, imm32 (B8+r id): set a register without touching the flags. */
static void set_reg(struct gen *g, unsigned reg, uint32_t v)
{
    byte(g, 0xb8 + reg);
    imm(g, v, 4);
    note(g, "mov %s, 0x%x", reg_name(reg, 4), v);
}

/* --- flags ------------------------------------------------------------------------- */

/* Before an instruction that reads `read`: if any is undefined, define all
 * of them with CMP r32, r32 (39 /r). */
static void flags_ready(struct gen *g, uint32_t read)
{
    if (!(read & g->m->undef))
        return;
    unsigned a = below(g, 8), b = below(g, 8);
    byte(g, 0x39);
    byte(g, MODRM(3, b, a));
    note(g, "cmp %s, %s", reg_name(a, 4), reg_name(b, 4));
    g->m->undef = 0;
}

static void flags_apply(struct gen *g, struct diff_fx fx)
{
    g->m->undef = (g->m->undef & ~fx.written) | fx.undef;
    g->m->undef_any |= g->m->undef;
}

/* --- operands ---------------------------------------------------------------------- */

static void rm_reg(struct rm *o, unsigned reg, unsigned size)
{
    *o = (struct rm){ .modrm = MODRM(3, 0, reg), .reg = reg };
    snprintf(o->text, sizeof o->text, "%s", reg_name(reg, size));
}

static void tail(struct rm *o, uint32_t v, unsigned size)
{
    for (unsigned i = 0; i < size; i++)
        o->tail[o->ntail++] = (uint8_t)(v >> (8 * i));
}

/* [disp32]: mod 00 rm 101. */
static void rm_abs(struct rm *o, uint32_t addr, unsigned size)
{
    *o = (struct rm){ .modrm = MODRM(0, 0, RM_DISP32), .mem = true };
    tail(o, addr, 4);
    snprintf(o->text, sizeof o->text, "%s [0x%x]", size_name(size), addr);
}

/* An operand address in the data pages, at least `margin` bytes from their
 * ends; one in four straddles the boundary between the two pages, where an
 * access is split across two translations (SDM Vol. 3A 4.10.2 caches them
 * per page, and so does the interpreter's TLB). */
static uint32_t data_addr(struct gen *g, unsigned size, uint32_t margin)
{
    if (size > 1 && chance(g, 25))
        return DIFF_DATA_ADDR + DIFF_PAGE_SIZE - size + 1 + below(g, size - 1);
    return DIFF_DATA_ADDR + margin + below(g, DIFF_DATA_SIZE - 2 * margin - size + 1);
}

/* A displacement of 0, 1 or 4 bytes for `mod`, sign-extended. */
static int32_t disp_for(struct gen *g, unsigned mod)
{
    if (mod == 1)
        return (int8_t)below(g, 256);
    return mod == 2 ? (int32_t)value(g) : 0;
}

/* A register to build an address in: not ESP, not in g->avoid, not `other`. */
static unsigned addr_reg(struct gen *g, unsigned other)
{
    unsigned r;
    do
        r = below(g, 8);
    while (r == ESP || r == other || (g->avoid & (1u << r)));
    return r;
}

/* [base + disp] with base set up first; base is never ESP here. */
static void rm_based(struct gen *g, struct rm *o, unsigned size)
{
    unsigned base = addr_reg(g, ESP);
    unsigned mod = 1 + below(g, 2);
    if (base != EBP && chance(g, 30))
        mod = 0;
    int32_t disp = disp_for(g, mod);
    set_reg(g, base, data_addr(g, size, 0) - (uint32_t)disp);
    *o = (struct rm){ .modrm = MODRM(mod, 0, base), .mem = true };
    tail(o, (uint32_t)disp, mod == 1 ? 1 : mod == 2 ? 4 : 0);
    snprintf(o->text, sizeof o->text, "%s [%s%+d]", size_name(size), reg_name(base, 4), disp);
}

/* [base + index*scale + disp] (or no base: [index*scale + disp32]). */
static void rm_sib(struct gen *g, struct rm *o, unsigned size)
{
    unsigned mod = below(g, 3), ss = below(g, 4);
    bool no_base = mod == 0 && chance(g, 25);
    unsigned base = no_base ? EBP : addr_reg(g, mod == 0 ? EBP : ESP);
    unsigned index = addr_reg(g, no_base ? ESP : base);
    int32_t disp = no_base ? (int32_t)value(g) : disp_for(g, mod);
    uint32_t ival = value(g);
    uint32_t rest = data_addr(g, size, 0) - (uint32_t)disp - (ival << ss);
    set_reg(g, index, ival);
    if (!no_base)
        set_reg(g, base, rest);
    else
        disp = (int32_t)((uint32_t)disp + rest);
    *o = (struct rm){ .modrm = MODRM(mod, 0, RM_SIB), .mem = true };
    o->tail[o->ntail++] = SIB(ss, index, base);
    tail(o, (uint32_t)disp, no_base || mod == 2 ? 4 : mod);
    snprintf(o->text, sizeof o->text, "%s [%s%s%s*%u%+d]", size_name(size),
             no_base ? "" : reg_name(base, 4), no_base ? "" : "+", reg_name(index, 4),
             1u << ss, disp);
}

/* [esp + disp8]: SIB with base ESP, no index; lands in the stack page. */
static void rm_esp(struct gen *g, struct rm *o, unsigned size)
{
    int32_t disp = (int8_t)below(g, 256);
    *o = (struct rm){ .modrm = MODRM(1, 0, RM_SIB), .mem = true };
    o->tail[o->ntail++] = SIB(0, SIB_NONE, ESP);
    tail(o, (uint32_t)disp, 1);
    snprintf(o->text, sizeof o->text, "%s [esp%+d]", size_name(size), disp);
}

/* A memory operand of `size` bytes in one of the addressing forms. */
static void rm_mem(struct gen *g, struct rm *o, unsigned size)
{
    switch (below(g, 5)) {
    case 0: case 1:
        rm_abs(o, data_addr(g, size, 0), size);
        break;
    case 2:
        rm_based(g, o, size);
        break;
    case 3:
        rm_sib(g, o, size);
        break;
    default:
        rm_esp(g, o, size);
        break;
    }
}

/* A register or memory operand; a written register is never ESP. */
static void pick_rm(struct gen *g, struct rm *o, unsigned size, bool written)
{
    if (chance(g, 40))
        rm_mem(g, o, size);
    else
        rm_reg(o, written ? wreg(g, size) : below(g, 8), size);
}

static void emit_modrm(struct gen *g, const struct rm *o, unsigned reg)
{
    byte(g, o->modrm | (reg << 3));
    for (unsigned i = 0; i < o->ntail; i++)
        byte(g, o->tail[i]);
}

/* Now and then, a segment override or (if the template allows it) LOCK
 * before a memory operand.  ES, SS and DS are flat in both worlds (FS and GS
 * are not: Linux uses GS for thread data), so the override must change
 * nothing; SDM Vol. 2A 2.1.1 lists the prefixes, LOCK's rules are on the
 * LOCK page (Vol. 2A): only read-modify-write forms with a memory
 * destination. */
static void mem_prefixes(struct gen *g, const struct rm *o)
{
    static const struct { uint8_t b; const char *name; } segs[3] = {
        { 0x26, "es " }, { 0x36, "ss " }, { 0x3e, "ds " },
    };
    if (g->plain) {
        g->plain = g->lock = false;
        return;
    }
    if (o->mem && g->lock && chance(g, 30)) {
        byte(g, PFX_LOCK);
        strcat(g->pfx, "lock ");
    }
    if (o->mem && chance(g, 15)) {
        unsigned k = below(g, 3);
        byte(g, segs[k].b);
        strcat(g->pfx, segs[k].name);
    }
    g->lock = false;
}

/* [prefixes] [0F] op modrm...: the common shape. */
static void emit_op_rm(struct gen *g, unsigned size, bool two_byte, unsigned op,
                       const struct rm *o, unsigned reg)
{
    mem_prefixes(g, o);
    osize(g, size);
    if (two_byte)
        byte(g, ESC_0F);
    byte(g, op);
    emit_modrm(g, o, reg);
}

/* MOV size [addr], imm (C6 /0 ib, C7 /0 iw/id): set a memory value. */
static void set_mem(struct gen *g, uint32_t addr, uint32_t v, unsigned size)
{
    struct rm o;
    rm_abs(&o, addr, size);
    emit_op_rm(g, size, false, size == 1 ? 0xc6 : 0xc7, &o, 0);
    imm(g, v, size);
    note(g, "mov %s, 0x%x", o.text, v);
}

/* --- templates ----------------------------------------------------------------------- */

static const char *const alu_names[8] = { "add", "or", "adc", "sbb", "and", "sub", "xor", "cmp" };

/* 00..3B: op r/m, r (dir 0) or op r, r/m (dir 2). */
static bool t_alu_rm(struct gen *g, unsigned dir)
{
    unsigned ext = below(g, 8), size = any_size(g);
    bool writes = ext != 7;
    struct diff_fx fx = fx_alu(ext);
    struct rm o;
    unsigned reg;

    flags_ready(g, fx.read);
    pick_rm(g, &o, size, writes && dir == 0);
    reg = writes && dir == 2 ? wreg(g, size) : below(g, 8);
    g->lock = writes && dir == 0;
    emit_op_rm(g, size, false, ext * 8 + dir + (size > 1), &o, reg);
    if (dir == 0)
        note(g, "%s %s, %s", alu_names[ext], o.text, reg_name(reg, size));
    else
        note(g, "%s %s, %s", alu_names[ext], reg_name(reg, size), o.text);
    flags_apply(g, fx);
    return true;
}

/* 80 /x ib, 81 /x iz, 83 /x ib (sign-extended), 04+8x ib / 05+8x iz (accumulator). */
static bool t_alu_imm(struct gen *g, unsigned form)
{
    unsigned ext = below(g, 8), size = form == 0 ? 1 : wide_size(g);
    unsigned isize = form == 0 ? 1 : form == 2 ? 1 : size;
    uint32_t v = value(g);
    struct diff_fx fx = fx_alu(ext);
    struct rm o;

    if (form == 3) {
        size = any_size(g);
        isize = size;
    }
    flags_ready(g, fx.read);
    if (form == 3) {
        osize(g, size);
        byte(g, ext * 8 + 4 + (size > 1));
        rm_reg(&o, EAX, size);
    } else {
        pick_rm(g, &o, size, ext != 7);
        g->lock = ext != 7;
        emit_op_rm(g, size, false, form == 2 ? 0x83 : 0x80 + form, &o, ext);
    }
    imm(g, v, isize);
    v = isize == 1 ? (uint32_t)(int8_t)v : isize == 2 ? (v & 0xffff) : v;
    note(g, "%s %s, 0x%x", alu_names[ext], o.text, size == 1 ? v & 0xff : size == 2 ? v & 0xffff : v);
    flags_apply(g, fx);
    return true;
}

/* 84/85 TEST r/m, r;  A8/A9 TEST acc, imm;  F6/F7 /0 TEST r/m, imm. */
static bool t_test(struct gen *g, unsigned form)
{
    unsigned size = any_size(g), reg = below(g, 8);
    uint32_t v = value(g) & (size == 1 ? 0xff : size == 2 ? 0xffff : 0xffffffff);
    struct rm o;

    if (form == 0) {
        pick_rm(g, &o, size, false);
        emit_op_rm(g, size, false, 0x84 + (size > 1), &o, reg);
        note(g, "test %s, %s", o.text, reg_name(reg, size));
    } else if (form == 1) {
        osize(g, size);
        byte(g, 0xa8 + (size > 1));
        imm(g, v, size);
        note(g, "test %s, 0x%x", reg_name(EAX, size), v);
    } else {
        pick_rm(g, &o, size, false);
        emit_op_rm(g, size, false, 0xf6 + (size > 1), &o, 0);
        imm(g, v, size);
        note(g, "test %s, 0x%x", o.text, v);
    }
    flags_apply(g, fx_logic());
    return true;
}

/* F6/F7 /2 NOT, /3 NEG;  FE/FF /0 INC, /1 DEC;  40+r INC r, 48+r DEC r. */
static bool t_unary(struct gen *g, unsigned form)
{
    static const char *names[4] = { "not", "neg", "inc", "dec" };
    unsigned which = below(g, 2), size = any_size(g);
    struct rm o;

    if (form == 2) {
        size = wide_size(g);
        unsigned reg = wreg(g, size);
        osize(g, size);
        byte(g, (which ? 0x48 : 0x40) + reg);
        note(g, "%s %s", names[2 + which], reg_name(reg, size));
        flags_apply(g, fx_incdec());
        return true;
    }
    pick_rm(g, &o, size, true);
    g->lock = true;
    emit_op_rm(g, size, false, (form ? 0xfe : 0xf6) + (size > 1), &o, form ? which : 2 + which);
    note(g, "%s %s", names[form * 2 + which], o.text);
    flags_apply(g, form ? fx_incdec() : which ? fx_neg() : fx_none());
    return true;
}

/* 88/89 MOV r/m, r;  8A/8B MOV r, r/m;  B0+r / B8+r MOV r, imm;  C6/C7 /0 MOV r/m, imm;
 * A0..A3 MOV acc, moffs / moffs, acc. */
static bool t_mov(struct gen *g, unsigned form)
{
    unsigned size = any_size(g), reg = form == 1 ? wreg(g, size) : below(g, 8);
    uint32_t v = value(g) & (size == 1 ? 0xff : size == 2 ? 0xffff : 0xffffffff);
    struct rm o;

    switch (form) {
    case 0: case 1:
        pick_rm(g, &o, size, form == 0);
        emit_op_rm(g, size, false, 0x88 + 2 * form + (size > 1), &o, reg);
        note(g, form ? "mov %2$s, %1$s" : "mov %s, %s", o.text, reg_name(reg, size));
        break;
    case 2:
        reg = wreg(g, size);
        osize(g, size);
        byte(g, (size == 1 ? 0xb0 : 0xb8) + reg);
        imm(g, v, size);
        note(g, "mov %s, 0x%x", reg_name(reg, size), v);
        break;
    case 3:
        pick_rm(g, &o, size, true);
        emit_op_rm(g, size, false, 0xc6 + (size > 1), &o, 0);
        imm(g, v, size);
        note(g, "mov %s, 0x%x", o.text, v);
        break;
    default: {
        unsigned store = below(g, 2);
        uint32_t addr = data_addr(g, size, 0);
        osize(g, size);
        byte(g, 0xa0 + 2 * store + (size > 1));
        imm(g, addr, 4);
        note(g, store ? "mov %s [0x%x], %s" : "mov %3$s, %1$s [0x%2$x]",
             size_name(size), addr, reg_name(EAX, size));
    }
    }
    return true;
}

static const char *const shift_names[8] = { "rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar" };

/* C0/C1 /x ib, D0/D1 /x (by 1), D2/D3 /x (by CL).  /6 is not documented: skipped. */
static bool t_shift(struct gen *g, unsigned form)
{
    unsigned ext = below(g, 7), size = any_size(g);
    int count = form == 1 ? 1 : shift_count(g);
    char ctext[16];
    struct rm o;

    ext = ext == 6 ? 7 : ext;
    g->avoid = form == 2 ? 1u << ECX : 0;
    pick_rm(g, &o, size, true);
    g->avoid = 0;
    if (form == 2 && chance(g, 80))
        set_reg(g, ECX, (uint32_t)count | (value(g) & ~0xffu));
    else if (form == 2)
        count = DIFF_COUNT_UNKNOWN;
    struct diff_fx fx = fx_shift(ext, size, count == DIFF_COUNT_UNKNOWN ? count : count & 31);
    flags_ready(g, fx.read);
    emit_op_rm(g, size, false, (form == 0 ? 0xc0 : form == 1 ? 0xd0 : 0xd2) + (size > 1), &o, ext);
    if (form == 0)
        imm(g, (uint32_t)count, 1);
    snprintf(ctext, sizeof ctext, form == 2 ? "cl" : "%d", count);
    note(g, "%s %s, %s", shift_names[ext], o.text, ctext);
    flags_apply(g, fx);
    return true;
}

/* 0F A4 SHLD r/m, r, ib;  0F A5 SHLD r/m, r, CL;  0F AC / 0F AD SHRD likewise. */
static bool t_shxd(struct gen *g, unsigned by_cl)
{
    unsigned right = below(g, 2), size = wide_size(g), reg = below(g, 8);
    uint8_t count = shift_count(g);
    int masked = count & 31;
    bool undef_dest = fx_shxd_dest_undefined(size, masked);
    struct rm o;

    g->avoid = 1u << ECX;
    if (undef_dest)
        rm_reg(&o, wreg(g, size), size);
    else
        pick_rm(g, &o, size, true);
    g->avoid = 0;
    if (by_cl)
        set_reg(g, ECX, count | (value(g) & ~0xffu));
    emit_op_rm(g, size, true, (right ? 0xac : 0xa4) + by_cl, &o, reg);
    if (!by_cl)
        imm(g, count, 1);
    note(g, by_cl ? "%s %s, %s, cl" : "%s %s, %s, %u", right ? "shrd" : "shld",
         o.text, reg_name(reg, size), count);
    if (undef_dest)     /* SDM: result undefined; give it a defined value again */
        set_reg(g, o.reg, value(g));
    flags_apply(g, fx_shxd(size, masked));
    return true;
}

/* F6/F7 /4 MUL, /5 IMUL;  0F AF IMUL r, r/m;  69 IMUL r, r/m, iz;  6B IMUL r, r/m, ib. */
static bool t_mul(struct gen *g, unsigned form)
{
    unsigned size = form == 0 ? any_size(g) : wide_size(g), reg = wreg(g, size);
    unsigned isize = form == 2 ? size : 1;
    uint32_t v = value(g);
    struct rm o;

    pick_rm(g, &o, size, false);
    if (form == 0) {
        unsigned sign = below(g, 2);
        emit_op_rm(g, size, false, 0xf6 + (size > 1), &o, 4 + sign);
        note(g, "%s %s", sign ? "imul" : "mul", o.text);
    } else if (form == 1) {
        emit_op_rm(g, size, true, 0xaf, &o, reg);
        note(g, "imul %s, %s", reg_name(reg, size), o.text);
    } else {
        emit_op_rm(g, size, false, form == 2 ? 0x69 : 0x6b, &o, reg);
        imm(g, v, isize);
        note(g, "imul %s, %s, 0x%x", reg_name(reg, size), o.text,
             isize == 1 ? v & 0xff : size == 2 ? v & 0xffff : v);
    }
    flags_apply(g, fx_mul());
    return true;
}

/* F6/F7 /6 DIV, /7 IDIV.  Half the time the dividend's high half is made
 * small (zero, or the sign extension with CBW/CWD/CDQ) so the quotient
 * fits; the rest of the time #DE is likely, and compared too. */
static bool t_div(struct gen *g, unsigned sign)
{
    unsigned size = any_size(g);
    struct rm o;

    if (chance(g, 50) && sign) {
        osize(g, size == 4 ? 4 : 2);
        byte(g, size == 1 ? 0x98 : 0x99);
        note(g, size == 1 ? "cbw" : size == 2 ? "cwd" : "cdq");
    } else if (chance(g, 50)) {
        set_reg(g, size == 1 ? EAX : EDX, size == 1 ? value(g) & 0xff : below(g, 4));
    }
    pick_rm(g, &o, size, false);
    emit_op_rm(g, size, false, 0xf6 + (size > 1), &o, 6 + sign);
    note(g, "%s %s", sign ? "idiv" : "div", o.text);
    flags_apply(g, fx_div());
    return true;
}

static const char *const bt_names[4] = { "bt", "bts", "btr", "btc" };

/* 0F A3/AB/B3/BB BTx r/m, r;  0F BA /4../7 BTx r/m, ib.  With a register
 * bit offset a memory operand reaches offset/8 bytes away (SDM Vol. 2A BT:
 * "bit string"), so the offset is kept small and the base mid-page. */
static bool t_bt(struct gen *g, unsigned by_imm)
{
    unsigned which = below(g, 4), size = wide_size(g), reg = below(g, 8);
    uint8_t ib = (uint8_t)below(g, 256);
    struct rm o;

    if (!by_imm && chance(g, 40)) {
        reg = wreg(g, 4);
        set_reg(g, reg, (uint32_t)((int32_t)below(g, 2048) - 1024));
        rm_abs(&o, data_addr(g, size, 160), size);
    } else if (!by_imm) {
        rm_reg(&o, wreg(g, size), size);
    } else {
        pick_rm(g, &o, size, true);
    }
    g->lock = which != 0;
    if (by_imm) {
        emit_op_rm(g, size, true, 0xba, &o, 4 + which);
        byte(g, ib);
        note(g, "%s %s, %u", bt_names[which], o.text, ib);
    } else {
        emit_op_rm(g, size, true, 0xa3 + 8 * which, &o, reg);
        note(g, "%s %s, %s", bt_names[which], o.text, reg_name(reg, size));
    }
    flags_apply(g, fx_bt());
    return true;
}

/* 0F BC BSF r, r/m;  0F BD BSR r, r/m.  The source is set first so the
 * generator knows whether it is 0 (destination then undefined). */
static bool t_bsf(struct gen *g, unsigned reverse)
{
    unsigned size = wide_size(g), dst = wreg(g, size);
    uint32_t v = chance(g, 15) ? 0 : value(g);
    struct rm o;

    v &= size == 2 ? 0xffff : 0xffffffff;
    if (chance(g, 50)) {
        rm_reg(&o, wreg(g, 4), size);
        set_reg(g, o.reg, v);
    } else {
        uint32_t addr = data_addr(g, size, 0);
        set_mem(g, addr, v, size);
        rm_abs(&o, addr, size);
    }
    emit_op_rm(g, size, true, 0xbc + reverse, &o, dst);
    note(g, "%s %s, %s", reverse ? "bsr" : "bsf", reg_name(dst, size), o.text);
    if (fx_bsf_dest_undefined(v))
        set_reg(g, dst, value(g));
    flags_apply(g, fx_bsf());
    return true;
}

/* 0F B6/B7 MOVZX, 0F BE/BF MOVSX: r16/r32 from r/m8 or r/m16. */
static bool t_movx(struct gen *g, unsigned sign)
{
    unsigned from16 = below(g, 2), size = wide_size(g), dst = wreg(g, size);
    struct rm o;

    pick_rm(g, &o, from16 ? 2 : 1, false);
    emit_op_rm(g, size, true, (sign ? 0xbe : 0xb6) + from16, &o, dst);
    note(g, "%s %s, %s", sign ? "movsx" : "movzx", reg_name(dst, size), o.text);
    return true;
}

/* 0F 90+cc SETcc r/m8;  0F 40+cc CMOVcc r, r/m. */
static bool t_setcc_cmov(struct gen *g, unsigned cmov)
{
    unsigned cc = below(g, 16), size = cmov ? wide_size(g) : 1;
    struct rm o;

    flags_ready(g, fx_cc(cc).read);
    if (cmov) {
        unsigned dst = wreg(g, size);
        pick_rm(g, &o, size, false);
        emit_op_rm(g, size, true, 0x40 + cc, &o, dst);
        note(g, "cmov%s %s, %s", cc_name(cc), reg_name(dst, size), o.text);
    } else {
        pick_rm(g, &o, 1, true);
        emit_op_rm(g, 0, true, 0x90 + cc, &o, 0);
        note(g, "set%s %s", cc_name(cc), o.text);
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

/* Patch a forward displacement of `size` bytes at `at`, in the code and in
 * the description line at `line` that shows the instruction begun at `first`. */
static void patch(struct gen *g, uint32_t at, uint32_t disp, unsigned size,
                  size_t line, uint32_t first)
{
    static const char hex[] = "0123456789abcdef";
    char *text = g->m->desc + line + 3 * (at - first);

    for (unsigned i = 0; i < size; i++, text += 3) {
        uint8_t b = (uint8_t)(disp >> (8 * i));
        g->k->code[at + i] = b;
        if (text + 2 < g->m->desc + g->dlen)
            text[0] = hex[b >> 4], text[1] = hex[b & 15];
    }
}

/* 70+cc Jcc rel8, 0F 80+cc Jcc rel32, EB JMP rel8, E9 JMP rel32, E3 JECXZ rel8,
 * 67 E3 JCXZ rel8:
 * jump over the next instruction (or, now and then, by 0). */
static bool t_jump(struct gen *g, unsigned kind)
{
    static const char *const fmt[6] = { "j%s over the next line", "j%s (rel32) over the next line",
                                        "jmp%s over the next line", "jmp%s (rel32) over the next line",
                                        "jecxz%s over the next line", "jcxz%s over the next line" };
    unsigned cc = below(g, 16), rel32 = kind == 1 || kind == 3;
    uint32_t at, first, skip = 0;
    size_t line;

    if (kind <= 1)
        flags_ready(g, fx_cc(cc).read);
    first = g->start;
    line = g->dlen;
    if (kind <= 1)
        byte(g, rel32 ? ESC_0F : 0x70 + cc);
    if (kind == 1)
        byte(g, 0x80 + cc);
    if (kind == 5)
        byte(g, PFX_ADSIZE);        /* SDM Vol. 2A Jcc: 67 E3 tests CX */
    if (kind >= 2)
        byte(g, kind == 2 ? 0xeb : kind == 3 ? 0xe9 : 0xe3);
    at = g->len;
    imm(g, 0, rel32 ? 4 : 1);
    note(g, fmt[kind], kind <= 1 ? cc_name(cc) : "");
    if (chance(g, 90))
        skip = skippable(g);
    patch(g, at, skip, rel32 ? 4 : 1, line, first);
    if (skip == 0)
        note(g, "(nothing to skip: the jump above has displacement 0)");
    return true;
}

/* 86/87 XCHG r/m, r;  90+r XCHG eAX, r;  0F C0/C1 XADD r/m, r;  0F B0/B1
 * CMPXCHG r/m, r (after MOV acc, r/m half the time, so they compare equal). */
static bool t_xchg(struct gen *g, unsigned form)
{
    unsigned size = form == 1 ? wide_size(g) : any_size(g), reg = wreg(g, size);
    struct rm o;

    if (form == 1) {
        osize(g, size);
        byte(g, 0x90 + reg);
        note(g, "xchg %s, %s", reg_name(EAX, size), reg_name(reg, size));
        return true;
    }
    g->avoid = 1u << EAX;
    pick_rm(g, &o, size, true);
    g->avoid = 0;
    if (form == 3 && chance(g, 50)) {
        emit_op_rm(g, size, false, 0x8a + (size > 1), &o, EAX);
        note(g, "mov %s, %s", reg_name(EAX, size), o.text);
    }
    static const uint8_t ops[4] = { 0x86, 0, 0xc0, 0xb0 };
    static const char *const names[4] = { "xchg", "", "xadd", "cmpxchg" };
    g->lock = true;
    emit_op_rm(g, size, form >= 2, ops[form] + (size > 1), &o, reg);
    note(g, "%s %s, %s", names[form], o.text, reg_name(reg, size));
    flags_apply(g, form == 2 ? fx_xadd() : form == 3 ? fx_cmpxchg() : fx_none());
    return true;
}

/* 0F C8+r BSWAP r32 (16-bit BSWAP is undefined: SDM Vol. 2A BSWAP). */
static bool t_bswap(struct gen *g, unsigned unused)
{
    unsigned reg = wreg(g, 4);
    (void)unused;
    byte(g, ESC_0F);
    byte(g, 0xc8 + reg);
    note(g, "bswap %s", reg_name(reg, 4));
    return true;
}

/* 98 CBW/CWDE, 99 CWD/CDQ (66 selects the 16-bit form). */
static bool t_conv(struct gen *g, unsigned op)
{
    unsigned size = wide_size(g);
    osize(g, size);
    byte(g, 0x98 + op);
    note(g, "%s", op ? (size == 2 ? "cwd" : "cdq") : (size == 2 ? "cbw" : "cwde"));
    return true;
}

/* Any memory ModRM with 32-bit addressing, its SIB and displacement, for
 * instructions that compute an address without accessing it (SDM Vol. 2A
 * table 2-2 and 2-3: mod 00 with rm 101, or with SIB base 101, is disp32). */
static void any_mem_modrm(struct gen *g, unsigned reg)
{
    unsigned mod = below(g, 3), rm = below(g, 8);
    uint8_t sib = (uint8_t)below(g, 256);
    bool disp32 = mod == 2 || (mod == 0 && (rm == RM_DISP32 || (rm == RM_SIB && (sib & 7) == EBP)));

    byte(g, MODRM(mod, reg, rm));
    if (rm == RM_SIB)
        byte(g, sib);
    imm(g, value(g), disp32 ? 4 : mod == 1 ? 1 : 0);
}

/* 8D LEA r, m with 32-bit addressing: any ModRM/SIB, any register values
 * (LEA computes, it does not access memory). */
static void lea32(struct gen *g, unsigned size, unsigned dst)
{
    osize(g, size);
    byte(g, 0x8d);
    any_mem_modrm(g, dst);
    note(g, "lea %s, [any 32-bit form] (see the ModRM byte)", reg_name(dst, size));
}

/* 67 8D LEA r, m with 16-bit addressing, SDM Vol. 2A table 2-1. */
static void lea16(struct gen *g, unsigned size, unsigned dst)
{
    static const char *const forms[8] = { "bx+si", "bx+di", "bp+si", "bp+di", "si", "di", "bp", "bx" };
    unsigned mod = below(g, 3), rm = below(g, 8);
    bool disp16 = mod == 2 || (mod == 0 && rm == 6);

    osize(g, size);
    byte(g, PFX_ADSIZE);
    byte(g, 0x8d);
    byte(g, MODRM(mod, dst, rm));
    imm(g, value(g), disp16 ? 2 : mod == 1 ? 1 : 0);
    note(g, "lea %s, [%s%s] (16-bit addressing)", reg_name(dst, size),
         mod == 0 && rm == 6 ? "" : forms[rm], mod == 0 ? (rm == 6 ? "disp16" : "") : "+disp");
}

static bool t_lea(struct gen *g, unsigned a16)
{
    unsigned size = wide_size(g), dst = wreg(g, size);
    if (a16)
        lea16(g, size, dst);
    else
        lea32(g, size, dst);
    return true;
}

/* Room on the stack for `down` more bytes pushed / `up` bytes popped. */
static bool stack_room(struct gen *g, int delta)
{
    uint32_t esp = g->esp - (uint32_t)delta;
    return esp >= ESP_LOW && esp <= ESP_HIGH;
}

/* 50+r PUSH r;  68 PUSH iz;  6A PUSH ib;  FF /6 PUSH r/m;  9C PUSHF. */
static bool t_push(struct gen *g, unsigned form)
{
    unsigned size = wide_size(g), reg = below(g, 8);
    uint32_t v = value(g);
    struct rm o;

    if (!stack_room(g, (int)size))
        return false;
    if (form == 4)
        flags_ready(g, fx_pushf().read);
    if (form == 2)
        pick_rm(g, &o, size, false);
    osize(g, size);
    switch (form) {
    case 0:
        byte(g, 0x50 + reg);
        note(g, "push %s", reg_name(reg, size));
        break;
    case 1:
        byte(g, 0x68);
        imm(g, v, size);
        note(g, "push%s 0x%x", size == 2 ? "w" : "", size == 2 ? v & 0xffff : v);
        break;
    case 2:
        byte(g, 0xff);
        emit_modrm(g, &o, 6);
        note(g, "push %s", o.text);
        break;
    case 3:
        byte(g, 0x6a);
        byte(g, v);
        note(g, "push%s %d", size == 2 ? "w" : "", (int8_t)v);
        break;
    default:
        byte(g, 0x9c);
        note(g, size == 2 ? "pushfw" : "pushfd");
    }
    g->esp -= size;
    return true;
}

/* PUSH imm of a flags image with only user flags, then POPF (66: POPFW).
 * SDM Vol. 1 3.4.3: status flags, DF, the fixed bit 1 and IF as Linux keeps it. */
static bool popf_value(struct gen *g)
{
    unsigned size = wide_size(g);
    uint32_t v = (value(g) & (DF_STATUS | DF_DF)) | 0x202u;

    if (!stack_room(g, 4))
        return false;
    osize(g, size);
    byte(g, 0x68), imm(g, v, size), note(g, "push%s 0x%x", size == 2 ? "w" : "", v);
    osize(g, size);
    byte(g, 0x9d), note(g, size == 2 ? "popfw" : "popfd");
    flags_apply(g, fx_popf());
    return true;
}

/* PUSH imm32 of an address in the stack page, then POP ESP: SDM Vol. 2B POP,
 * "POP ESP ... increments the stack pointer before data at the old top of
 * stack is written into the destination", so ESP ends up as the value. */
static bool pop_esp(struct gen *g)
{
    uint32_t v = ESP_LOW + 4 * below(g, (ESP_HIGH - ESP_LOW) / 4);

    if (!stack_room(g, 4))
        return false;
    byte(g, 0x68), imm(g, v, 4), note(g, "push 0x%x", v);
    byte(g, 0x58 + ESP), note(g, "pop esp");
    g->esp = v;
    return true;
}

/* 58+r POP r;  8F /0 POP r/m (an ESP base is used after the increment:
 * SDM Vol. 2B POP);  9D POPF;  POP ESP. */
static bool t_pop(struct gen *g, unsigned form)
{
    unsigned size = wide_size(g), reg = wreg(g, size);
    struct rm o;

    if (form == 2)
        return popf_value(g);
    if (form == 3)
        return pop_esp(g);
    if (!stack_room(g, -(int)size))
        return false;
    if (form == 1)
        pick_rm(g, &o, size, true);
    osize(g, size);
    if (form == 0) {
        byte(g, 0x58 + reg);
        note(g, "pop %s", reg_name(reg, size));
    } else {
        byte(g, 0x8f);
        emit_modrm(g, &o, 0);
        note(g, "pop %s", o.text);
    }
    g->esp += size;
    return true;
}

/* 60 PUSHA, 61 POPA (66 for the 16-bit forms). */
static bool t_pusha(struct gen *g, unsigned pop)
{
    unsigned size = wide_size(g);
    int bytes = 8 * (int)size;

    if (!stack_room(g, pop ? -bytes : bytes))
        return false;
    osize(g, size);
    byte(g, 0x60 + pop);
    note(g, "%s%s", pop ? "popa" : "pusha", size == 2 ? "w" : "d");
    g->esp += pop ? (uint32_t)bytes : (uint32_t)-bytes;
    return true;
}

/* A4/A5 MOVS, AA/AB STOS, AC/AD LODS, A6/A7 CMPS, AE/AF SCAS, with REP (F3)
 * or, for the comparisons, REPE (F3) / REPNE (F2) and a small ECX; ESI and
 * EDI set mid-page first, DF set or cleared now and then. */
static bool t_string(struct gen *g, unsigned base_op)
{
    static const char *const names[6] = { "movs", "cmps", "", "stos", "lods", "scas" };
    unsigned size = any_size(g), op = base_op + (size > 1);
    bool compares = base_op == 0xa6 || base_op == 0xae;
    unsigned rep = below(g, compares ? 3 : 2);
    uint32_t count = below(g, 9);

    if (chance(g, 30)) {
        byte(g, chance(g, 50) ? 0xfc : 0xfd);
        note(g, g->k->code[g->len - 1] == 0xfc ? "cld" : "std");
    }
    set_reg(g, ESI, data_addr(g, size, STRING_MARGIN));
    set_reg(g, EDI, data_addr(g, size, STRING_MARGIN));
    if (rep)
        set_reg(g, ECX, count);
    if (base_op != 0xaa && base_op != 0xae && chance(g, 20)) {   /* DS:ESI may be overridden */
        static const uint8_t segs[3] = { 0x26, 0x36, 0x3e };
        unsigned s = below(g, 3);
        byte(g, segs[s]);
        strcat(g->pfx, s == 0 ? "es " : s == 1 ? "ss " : "ds ");
    }
    osize(g, size);
    if (rep)
        byte(g, rep == 1 ? PFX_REP : PFX_REPNE);
    byte(g, op);
    note(g, "%s%s%c", rep == 0 ? "" : rep == 1 ? (compares ? "repe " : "rep ") : "repne ",
         names[(base_op - 0xa4) / 2 % 6], size == 1 ? 'b' : size == 2 ? 'w' : 'd');
    if (!rep || count > 0)
        flags_apply(g, fx_string(op));
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

    unsigned op = below(g, 7);
    (void)unused;
    flags_ready(g, fx[op].read);
    byte(g, ops[op].op);
    note(g, "%s", ops[op].name);
    flags_apply(g, fx[op]);
    return true;
}

/* 27 DAA, 2F DAS, 37 AAA, 3F AAS, D4 ib AAM, D5 ib AAD (base 10 mostly). */
static bool t_bcd(struct gen *g, unsigned unused)
{
    static const uint8_t ops[6] = { 0x27, 0x2f, 0x37, 0x3f, 0xd4, 0xd5 };
    static const char *const names[6] = { "daa", "das", "aaa", "aas", "aam", "aad" };
    unsigned which = below(g, 6);
    struct diff_fx fx = fx_bcd(ops[which]);
    uint8_t base = chance(g, 70) ? 10 : (uint8_t)below(g, 256);

    (void)unused;
    flags_ready(g, fx.read);
    byte(g, ops[which]);
    if (which >= 4)
        byte(g, base);
    if (which >= 4)
        note(g, "%s %u", names[which], base);
    else
        note(g, "%s", names[which]);
    flags_apply(g, fx);
    return true;
}

/* E8 CALL rel32 / C3 RET / C2 RET iw / E2 LOOP / E0-E1 LOOPcc:
 *   form 0: call +0; pop r            (CALL pushes the next EIP)
 *   form 1: call +2; jmp +1; ret      (there and back)
 *   form 2: push imm; call +2; jmp +3; ret 4
 *   form 3: mov ecx, n; L: add r, r; loop(cc) L   (n = 1..4) */
static bool t_branch(struct gen *g, unsigned form)
{
    unsigned reg = wreg(g, 4);

    if (!stack_room(g, 8))
        return false;
    if (form == 0) {
        byte(g, 0xe8), imm(g, 0, 4), note(g, "call +0");
        byte(g, 0x58 + reg), note(g, "pop %s", reg_name(reg, 4));
    } else if (form <= 2) {
        uint32_t v = value(g);
        if (form == 2)
            byte(g, 0x68), imm(g, v, 4), note(g, "push 0x%x", v);
        byte(g, 0xe8), imm(g, 2, 4), note(g, "call +2");
        byte(g, 0xeb), byte(g, form == 1 ? 1 : 3), note(g, "jmp +%u", form == 1 ? 1 : 3);
        if (form == 1)
            byte(g, 0xc3), note(g, "ret");
        else
            byte(g, 0xc2), imm(g, 4, 2), note(g, "ret 4");
    } else {
        unsigned op = 0xe0 + below(g, 3), n = 1 + below(g, 4);
        reg = reg == ECX ? EAX : reg;
        set_reg(g, ECX, n);
        byte(g, 0x01), byte(g, MODRM(3, below(g, 8), reg));
        note(g, "L: add %s, %s", reg_name(reg, 4), reg_name((g->k->code[g->len - 1] >> 3) & 7, 4));
        byte(g, op), byte(g, (uint8_t)-4);
        note(g, "%s L", op == 0xe0 ? "loopne" : op == 0xe1 ? "loope" : "loop");
        flags_apply(g, fx_alu(0));
    }
    return true;
}

/* 62 /r BOUND r, m16&16 / m32&32: #BR unless lower <= index <= upper,
 * signed (SDM Vol. 2A BOUND).  The bounds are stored first. */
static bool t_bound(struct gen *g)
{
    unsigned size = wide_size(g), reg = below(g, 8);
    uint32_t addr = data_addr(g, 2 * size, 0), lo = value(g), hi = value(g);
    struct rm o;

    if (chance(g, 50) && (int32_t)lo > (int32_t)hi) {
        uint32_t t = lo;
        lo = hi, hi = t;
    }
    set_mem(g, addr, lo, size);
    set_mem(g, addr + size, hi, size);
    rm_abs(&o, addr, size);
    emit_op_rm(g, size, false, 0x62, &o, reg);
    note(g, "bound %s, %s", reg_name(reg, size), o.text);
    return true;
}

/* 90 NOP, F3 90 PAUSE, 66 90;  0F 1F /0 NOP r/m with any ModRM (it does not
 * access memory: SDM Vol. 2B NOP, the recommended multi-byte sequences). */
static void misc_nop(struct gen *g)
{
    static const uint8_t one[3][2] = { { 0x90, 0 }, { PFX_REP, 0x90 }, { PFX_OPSIZE, 0x90 } };
    unsigned k = below(g, 4);

    if (k < 3) {
        byte(g, one[k][0]);
        if (one[k][1])
            byte(g, one[k][1]);
        note(g, k == 1 ? "pause" : "nop");
        return;
    }
    osize(g, wide_size(g));
    byte(g, ESC_0F), byte(g, 0x1f);
    any_mem_modrm(g, 0);
    note(g, "nop (0f 1f /0, multi-byte)");
}

/* D7 XLAT: AL := [EBX + zero-extended AL] (SDM Vol. 2B XLAT); EBX set first. */
static void misc_xlat(struct gen *g)
{
    set_reg(g, EBX, DIFF_DATA_ADDR + below(g, DIFF_DATA_SIZE - 256));
    byte(g, 0xd7);
    note(g, "xlatb");
}

/* C8 ENTER iw, ib then C9 LEAVE (SDM Vol. 2A ENTER, Vol. 2B LEAVE): EBP is
 * pointed into the stack page first, since a nesting level > 0 copies
 * frame pointers from [EBP - 4], [EBP - 8]... */
static bool misc_enter(struct gen *g)
{
    unsigned size = wide_size(g), level = below(g, 4);
    uint16_t alloc = (uint16_t)below(g, 64);

    if (!stack_room(g, 4 + 4 * (int)level + alloc + 16))
        return false;
    set_reg(g, EBP, g->esp + 16 + below(g, 64));
    osize(g, size);
    byte(g, 0xc8), imm(g, alloc, 2), byte(g, level);
    note(g, "enter%s %u, %u", size == 2 ? "w" : "", alloc, level);
    osize(g, size);
    byte(g, 0xc9);
    note(g, "leave%s", size == 2 ? "w" : "");
    return true;
}

/* 0F C7 /1 CMPXCHG8B m64 (SDM Vol. 2A): ZF only.  Half the time EDX:EAX is
 * loaded from the operand first, so the exchange happens. */
static void misc_cmpxchg8b(struct gen *g)
{
    uint32_t addr = data_addr(g, 8, 0);
    struct rm o;

    if (chance(g, 50)) {
        byte(g, 0xa1), imm(g, addr, 4), note(g, "mov eax, [0x%x]", addr);
        byte(g, 0x8b), byte(g, MODRM(0, EDX, RM_DISP32)), imm(g, addr + 4, 4);
        note(g, "mov edx, [0x%x]", addr + 4);
    }
    rm_abs(&o, addr, 8);
    g->lock = true;
    emit_op_rm(g, 0, true, 0xc7, &o, 1);
    note(g, "cmpxchg8b qword [0x%x]", addr);
    flags_apply(g, (struct diff_fx){ .written = DF_ZF });
}

/* FF /2 CALL r/m32 and FF /4 JMP r/m32 to a target set up first:
 *   mov r, L; call r; jmp +1; L: ret        (or call [m] with m = L)
 *   mov r, L; jmp r; L:                                              */
static bool misc_indirect(struct gen *g)
{
    unsigned reg = wreg(g, 4), form = below(g, 3);
    uint32_t here = DIFF_CODE_ADDR + g->len;
    struct rm o;

    if (!stack_room(g, 4))
        return false;
    if (form == 2) {
        set_reg(g, reg, here + 5 + 2);
        byte(g, 0xff), byte(g, MODRM(3, 4, reg)), note(g, "jmp *%s", reg_name(reg, 4));
        return true;
    }
    if (form == 0) {
        set_reg(g, reg, here + 5 + 2 + 2);
        rm_reg(&o, reg, 4);
    } else {
        uint32_t addr = data_addr(g, 4, 0);
        g->plain = true;                            /* so the lengths below hold: */
        set_mem(g, addr, here + 10 + 6 + 2, 4);   /* C7 05 m32 imm32; FF 15 m32; EB 01 */
        rm_abs(&o, addr, 4);
    }
    byte(g, 0xff), emit_modrm(g, &o, 2), note(g, "call *%s", o.text);
    byte(g, 0xeb), byte(g, 1), note(g, "jmp +1");
    byte(g, 0xc3), note(g, "ret");
    return true;
}

/* Self-modifying code: a store into the immediate of the next instruction,
 * C6 05 m32 ib then B0 ib (MOV AL, imm8).  SDM Vol. 3A 11.6: a write to a
 * code address that is already prefetched is detected, so the new byte is
 * what executes. */
static void misc_smc(struct gen *g)
{
    uint32_t target = DIFF_CODE_ADDR + g->len + 7 + 1;
    uint8_t old = (uint8_t)below(g, 256), new = (uint8_t)below(g, 256);

    g->plain = true;                /* set_mem must be exactly 7 bytes */
    set_mem(g, target, new, 1);
    byte(g, 0xb0), byte(g, old), note(g, "mov al, 0x%x (modified by the store above)", old);
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
 *   8  0F C7 /1     CMPXCHG8B with a register operand       #UD */
static bool t_fault(struct gen *g, unsigned unused)
{
    unsigned kind = below(g, 9), reg = below(g, 8);
    struct rm o;

    (void)unused;
    switch (kind) {
    case 0:
        byte(g, ESC_0F), byte(g, 0x0b), note(g, "ud2");
        break;
    case 1:
        byte(g, PFX_LOCK), byte(g, 0x01), byte(g, MODRM(3, reg, wreg(g, 4)));
        note(g, "lock add (register destination)");
        break;
    case 2:
        rm_abs(&o, data_addr(g, 4, 0), 4);
        byte(g, PFX_LOCK), emit_op_rm(g, 4, false, 0x89, &o, reg);
        note(g, "lock mov %s, %s", o.text, reg_name(reg, 4));
        break;
    case 3:
        byte(g, 0x8d), byte(g, MODRM(3, wreg(g, 4), reg)), note(g, "lea (register operand)");
        break;
    case 4:
        pick_rm(g, &o, 1, true);
        emit_op_rm(g, 1, false, 0xfe, &o, 2 + below(g, 6));
        note(g, "(bad) fe /%u %s", (g->k->code[g->len - 1 - o.ntail] >> 3) & 7, o.text);
        break;
    case 5:
        byte(g, 0xcc), note(g, "int3");
        break;
    case 6:
        flags_ready(g, DF_OF);
        byte(g, 0xce), note(g, "into");
        break;
    case 7:
        return t_bound(g);
    default:
        byte(g, ESC_0F), byte(g, 0xc7), byte(g, MODRM(3, 1, reg)), note(g, "cmpxchg8b (register)");
    }
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
};
#define NTEMPLATES (sizeof templates / sizeof templates[0])

/* A template a jump may skip: from the simple rows of any family. */
static bool gen_simple(struct gen *g)
{
    const struct tmpl *t;
    do
        t = &templates[below(g, NTEMPLATES)];
    while (!t->simple);
    return t->emit(g, t->arg);
}

/* One template from the allowed families; false if none fits right now. */
static bool gen_one(struct gen *g, uint32_t families)
{
    for (int tries = 0; tries < 64; tries++) {
        const struct tmpl *t = &templates[below(g, NTEMPLATES)];
        if (!(families & DIFF_FAM(t->fam)))
            continue;
        if (t->emit(g, t->arg))
            return true;
    }
    return false;
}

/* Random registers, flags and memory; ESP mid-stack-page. */
static void gen_state(struct diff_rng *r, struct diff_state *s)
{
    for (int i = 0; i < 8; i++)
        s->reg[i] = edge_value(r);
    s->reg[ESP] = DIFF_ESP_START;
    s->eflags = (diff_rng_u32(r) & (DF_STATUS | DF_DF)) | 0x2u;
    for (unsigned i = 0; i < DIFF_DATA_SIZE; i += 4) {
        uint32_t d = diff_rng_below(r, 4) ? diff_rng_u32(r) : edge_value(r);
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
    byte(g, DIFF_HLT);
    note(g, "hlt");
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
        byte(&g, code[i]);
    note(&g, "(hand-written)");
    m->ninsns = 1;
    gen_end(&g);
}
