/* diff_asm.c - the generator's assembler: operands that land where they should. */

/*
 * The generator's templates (diff_gen.c) describe instructions; this file
 * turns them into bytes.  Its one non-obvious job is the memory operand:
 * any addressing form may be chosen ([disp32], [base+disp], [base+index*scale
 * +disp], [esp+disp8]), and the registers it uses are first set by MOVs so
 * that the effective address, computed modulo 2^32 (SDM Vol. 1 3.7.5), falls
 * inside the data pages (or the stack page for ESP) in both worlds.
 * It also keeps the undefined-flags state (diff_flags.c) up to date, and
 * writes the description a mismatch report prints.
 */
#include "diff_asm.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* --- random choices ---------------------------------------------------------------- */

uint32_t asm_below(struct gen *g, uint32_t n)
{
    return diff_rng_below(g->r, n);
}

bool asm_chance(struct gen *g, unsigned percent)
{
    return asm_below(g, 100) < percent;
}

uint32_t asm_value(struct gen *g)
{
    return diff_rng_value(g->r);
}

/* A count for shifts: the interesting ones are 0, 1 and the operand sizes. */
uint8_t asm_shift_count(struct gen *g)
{
    static const uint8_t counts[] = { 0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 255 };
    if (asm_chance(g, 25))
        return (uint8_t)asm_below(g, 256);
    return counts[asm_below(g, sizeof counts)];
}

unsigned asm_any_size(struct gen *g)
{
    static const unsigned sizes[3] = { 1, 2, 4 };
    return sizes[asm_below(g, 3)];
}

unsigned asm_wide_size(struct gen *g)
{
    return asm_chance(g, 50) ? 2 : 4;
}

/* A register the instruction may write: any but ESP (AH..BH are fine). */
unsigned asm_wreg(struct gen *g, unsigned size)
{
    unsigned r = asm_below(g, 8);
    if (size != 1 && r == ESP)
        r = asm_chance(g, 50) ? EBP : EAX;
    return r;
}

/* --- emission and description --------------------------------------------------- */

void asm_byte(struct gen *g, uint32_t b)
{
    g->k->code[g->len++] = (uint8_t)b;
}

void asm_imm(struct gen *g, uint32_t v, unsigned size)
{
    for (unsigned i = 0; i < size; i++)
        asm_byte(g, v >> (8 * i));
}

void asm_osize(struct gen *g, unsigned size)
{
    if (size == 2)
        asm_byte(g, PFX_OPSIZE);
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
void asm_note(struct gen *g, const char *fmt, ...)
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

const char *asm_reg_name(unsigned r, unsigned size)
{
    static const char *names[3][8] = {
        { "al", "cl", "dl", "bl", "ah", "ch", "dh", "bh" },
        { "ax", "cx", "dx", "bx", "sp", "bp", "si", "di" },
        { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" },
    };
    return names[size == 1 ? 0 : size == 2 ? 1 : 2][r & 7];
}

const char *asm_size_name(unsigned size)
{
    return size == 1 ? "byte" : size == 2 ? "word" : "dword";
}

/* SDM Vol. 1 appendix B table B-1: condition mnemonics by cc. */
const char *asm_cc_name(unsigned cc)
{
    static const char *names[16] = { "o", "no", "b", "ae", "e", "ne", "be", "a",
                                     "s", "ns", "p", "np", "l", "ge", "le", "g" };
    return names[cc & 15];
}

/* MOV r32, imm32 (B8+r id): set a register without touching the flags. */
void asm_set_reg(struct gen *g, unsigned reg, uint32_t v)
{
    asm_byte(g, 0xb8 + reg);
    asm_imm(g, v, 4);
    asm_note(g, "mov %s, 0x%x", asm_reg_name(reg, 4), v);
}

/* --- flags ------------------------------------------------------------------------- */

/* Before an instruction that reads `read`: if any is undefined, define all
 * of them with CMP r32, r32 (39 /r). */
void asm_flags_ready(struct gen *g, uint32_t read)
{
    if (!(read & g->m->undef))
        return;
    unsigned a = asm_below(g, 8), b = asm_below(g, 8);
    asm_byte(g, 0x39);
    asm_byte(g, MODRM(3, b, a));
    asm_note(g, "cmp %s, %s", asm_reg_name(a, 4), asm_reg_name(b, 4));
    g->m->undef = 0;
}

void asm_flags_apply(struct gen *g, struct diff_fx fx)
{
    g->m->undef = (g->m->undef & ~fx.written) | fx.undef;
    g->m->undef_any |= g->m->undef;
}

/* --- operands ---------------------------------------------------------------------- */

void asm_rm_reg(struct rm *o, unsigned reg, unsigned size)
{
    *o = (struct rm){ .modrm = MODRM(3, 0, reg), .reg = reg };
    snprintf(o->text, sizeof o->text, "%s", asm_reg_name(reg, size));
}

static void tail(struct rm *o, uint32_t v, unsigned size)
{
    for (unsigned i = 0; i < size; i++)
        o->tail[o->ntail++] = (uint8_t)(v >> (8 * i));
}

/* [disp32]: mod 00 rm 101. */
void asm_rm_abs(struct rm *o, uint32_t addr, unsigned size)
{
    *o = (struct rm){ .modrm = MODRM(0, 0, RM_DISP32), .mem = true };
    tail(o, addr, 4);
    snprintf(o->text, sizeof o->text, "%s [0x%x]", asm_size_name(size), addr);
}

/* An operand address in the data pages, at least `margin` bytes from their
 * ends; one in four straddles the boundary between the two pages, where an
 * access is split across two translations (SDM Vol. 3A 4.10.2 caches them
 * per page, and so does the interpreter's TLB). */
uint32_t asm_data_addr(struct gen *g, unsigned size, uint32_t margin)
{
    if (size > 1 && asm_chance(g, 25))
        return DIFF_DATA_ADDR + DIFF_PAGE_SIZE - size + 1 + asm_below(g, size - 1);
    return DIFF_DATA_ADDR + margin + asm_below(g, DIFF_DATA_SIZE - 2 * margin - size + 1);
}

/* A displacement of 0, 1 or 4 bytes for `mod`, sign-extended. */
static int32_t disp_for(struct gen *g, unsigned mod)
{
    if (mod == 1)
        return (int8_t)asm_below(g, 256);
    return mod == 2 ? (int32_t)asm_value(g) : 0;
}

/* A register to build an address in: not ESP, not in g->avoid, not `other`. */
static unsigned addr_reg(struct gen *g, unsigned other)
{
    unsigned r;
    do
        r = asm_below(g, 8);
    while (r == ESP || r == other || (g->avoid & (1u << r)));
    return r;
}

/* [base + disp] with base set up first; base is never ESP here. */
static void rm_based(struct gen *g, struct rm *o, unsigned size)
{
    unsigned base = addr_reg(g, ESP);
    unsigned mod = 1 + asm_below(g, 2);
    if (base != EBP && asm_chance(g, 30))
        mod = 0;
    int32_t disp = disp_for(g, mod);
    asm_set_reg(g, base, asm_data_addr(g, size, 0) - (uint32_t)disp);
    *o = (struct rm){ .modrm = MODRM(mod, 0, base), .mem = true };
    tail(o, (uint32_t)disp, mod == 1 ? 1 : mod == 2 ? 4 : 0);
    snprintf(o->text, sizeof o->text, "%s [%s%+d]", asm_size_name(size), asm_reg_name(base, 4), disp);
}

/* [base + index*scale + disp] (or no base: [index*scale + disp32]). */
static void rm_sib(struct gen *g, struct rm *o, unsigned size)
{
    unsigned mod = asm_below(g, 3), ss = asm_below(g, 4);
    bool no_base = mod == 0 && asm_chance(g, 25);
    unsigned base = no_base ? EBP : addr_reg(g, mod == 0 ? EBP : ESP);
    unsigned index = addr_reg(g, no_base ? ESP : base);
    int32_t disp = no_base ? (int32_t)asm_value(g) : disp_for(g, mod);
    uint32_t ival = asm_value(g);
    uint32_t rest = asm_data_addr(g, size, 0) - (uint32_t)disp - (ival << ss);
    asm_set_reg(g, index, ival);
    if (!no_base)
        asm_set_reg(g, base, rest);
    else
        disp = (int32_t)((uint32_t)disp + rest);
    *o = (struct rm){ .modrm = MODRM(mod, 0, RM_SIB), .mem = true };
    o->tail[o->ntail++] = SIB(ss, index, base);
    tail(o, (uint32_t)disp, no_base || mod == 2 ? 4 : mod);
    snprintf(o->text, sizeof o->text, "%s [%s%s%s*%u%+d]", asm_size_name(size),
             no_base ? "" : asm_reg_name(base, 4), no_base ? "" : "+", asm_reg_name(index, 4),
             1u << ss, disp);
}

/* [esp + disp8]: SIB with base ESP, no index; lands in the stack page. */
static void rm_esp(struct gen *g, struct rm *o, unsigned size)
{
    int32_t disp = (int8_t)asm_below(g, 256);
    *o = (struct rm){ .modrm = MODRM(1, 0, RM_SIB), .mem = true };
    o->tail[o->ntail++] = SIB(0, SIB_NONE, ESP);
    tail(o, (uint32_t)disp, 1);
    snprintf(o->text, sizeof o->text, "%s [esp%+d]", asm_size_name(size), disp);
}

/* A memory operand of `size` bytes in one of the addressing forms. */
static void rm_mem(struct gen *g, struct rm *o, unsigned size)
{
    switch (asm_below(g, 5)) {
    case 0: case 1:
        asm_rm_abs(o, asm_data_addr(g, size, 0), size);
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
void asm_pick_rm(struct gen *g, struct rm *o, unsigned size, bool written)
{
    if (asm_chance(g, 40))
        rm_mem(g, o, size);
    else
        asm_rm_reg(o, written ? asm_wreg(g, size) : asm_below(g, 8), size);
}

void asm_emit_modrm(struct gen *g, const struct rm *o, unsigned reg)
{
    asm_byte(g, o->modrm | (reg << 3));
    for (unsigned i = 0; i < o->ntail; i++)
        asm_byte(g, o->tail[i]);
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
    if (o->mem && g->lock && asm_chance(g, 30)) {
        asm_byte(g, PFX_LOCK);
        strcat(g->pfx, "lock ");
    }
    if (o->mem && asm_chance(g, 15)) {
        unsigned k = asm_below(g, 3);
        asm_byte(g, segs[k].b);
        strcat(g->pfx, segs[k].name);
    }
    g->lock = false;
}

/* [prefixes] [0F] op modrm...: the common shape. */
void asm_emit_op_rm(struct gen *g, unsigned size, bool two_byte, unsigned op,
                       const struct rm *o, unsigned reg)
{
    mem_prefixes(g, o);
    asm_osize(g, size);
    if (two_byte)
        asm_byte(g, ESC_0F);
    asm_byte(g, op);
    asm_emit_modrm(g, o, reg);
}

/* MOV size [addr], imm (C6 /0 ib, C7 /0 iw/id): set a memory value. */
void asm_set_mem(struct gen *g, uint32_t addr, uint32_t v, unsigned size)
{
    struct rm o;
    asm_rm_abs(&o, addr, size);
    asm_emit_op_rm(g, size, false, size == 1 ? 0xc6 : 0xc7, &o, 0);
    asm_imm(g, v, size);
    asm_note(g, "mov %s, 0x%x", o.text, v);
}

/* --- helpers the templates share ------------------------------------------------- */

/* Any memory ModRM with 32-bit addressing, its SIB and displacement, for
 * instructions that compute an address without accessing it (SDM Vol. 2A
 * table 2-2 and 2-3: mod 00 with rm 101, or with SIB base 101, is disp32). */
void asm_any_mem_modrm(struct gen *g, unsigned reg)
{
    unsigned mod = asm_below(g, 3), rm = asm_below(g, 8);
    uint8_t sib = (uint8_t)asm_below(g, 256);
    bool disp32 = mod == 2 || (mod == 0 && (rm == RM_DISP32 || (rm == RM_SIB && (sib & 7) == EBP)));

    asm_byte(g, MODRM(mod, reg, rm));
    if (rm == RM_SIB)
        asm_byte(g, sib);
    asm_imm(g, asm_value(g), disp32 ? 4 : mod == 1 ? 1 : 0);
}

/* Room on the stack for `down` more bytes pushed / `up` bytes popped. */
bool asm_stack_room(struct gen *g, int delta)
{
    uint32_t esp = g->esp - (uint32_t)delta;
    return esp >= ESP_LOW && esp <= ESP_HIGH;
}

/* Patch a forward displacement of `size` bytes at `at`, in the code and in
 * the description line at `line` that shows the instruction begun at `first`. */
void asm_patch(struct gen *g, uint32_t at, uint32_t disp, unsigned size,
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

