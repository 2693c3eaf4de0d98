/* x64.h - an encoder for the x86-64 host instructions the translator emits. */
#ifndef TRAPEZE_X64_H
#define TRAPEZE_X64_H

/*
 * The translator (jit_gen.c) writes host machine code byte by byte.  Every
 * instruction it needs has the same shape (Intel SDM Vol. 2A 2.1 and 2.2.1,
 * the 64-bit extensions):
 *
 *   [66]  [REX]  opcode (1-3 bytes)  ModRM  [SIB]  [disp8/32]  [imm]
 *
 *   66   operand-size prefix: 16-bit operands
 *   REX  0100WRXB: W = 64-bit operands; R, X, B = bit 3 of the ModRM reg
 *        field, of the SIB index and of the base (or ModRM r/m) register,
 *        so that R8-R15 can be named.  Any REX also turns byte registers
 *        4-7 into SPL BPL SIL DIL instead of AH CH DH BH (Vol. 2A 3.7.2.1);
 *        the translator never uses AH..BH, so byte operations always get
 *        one when they name register 4-7.
 *
 * An operand is a register or a memory reference [base + index*2^scale +
 * disp]; x64_op() encodes either.  Nothing here knows about guests: it is a
 * small assembler, one function per instruction form the translator uses.
 * When the buffer fills up the encoder stops writing and sets `full`; the
 * translator then throws the block away.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Host registers, in encoding order (SDM Vol. 2A table 3-1). */
enum x64_reg {
    X_RAX, X_RCX, X_RDX, X_RBX, X_RSP, X_RBP, X_RSI, X_RDI,
    X_R8, X_R9, X_R10, X_R11, X_R12, X_R13, X_R14, X_R15,
};

/* Condition codes of Jcc/SETcc/CMOVcc: the same tttn encoding as the guest's
 * (SDM Vol. 2A B.1.4.7), so a guest condition is a host condition. */
enum x64_cc { CC_O, CC_NO, CC_B, CC_AE, CC_E, CC_NE, CC_BE, CC_A,
              CC_S, CC_NS, CC_P, CC_NP, CC_L, CC_GE, CC_LE, CC_G };

/* Group-1 ALU operations, ModRM reg field (SDM Vol. 2A table A-6). */
enum x64_alu { XA_ADD, XA_OR, XA_ADC, XA_SBB, XA_AND, XA_SUB, XA_XOR, XA_CMP };

/* Group-2 shifts (reg field). */
enum x64_shift { XS_ROL, XS_ROR, XS_RCL, XS_RCR, XS_SHL, XS_SHR, XS_SAL, XS_SAR };

struct x64 {
    uint8_t *p, *end;            /* next byte, end of the buffer */
    bool full;                   /* ran out of room: the output is unusable */
};

/* An operand: a register, or memory at [base + index << scale + disp]. */
struct x64_op {
    bool mem;
    int8_t reg;                  /* register operand */
    int8_t base, index;          /* memory: base register, index register or -1 */
    uint8_t scale;               /* 0..3 */
    int32_t disp;
};

static inline struct x64_op x_reg(int r)
{
    return (struct x64_op){ .mem = false, .reg = (int8_t)r, .base = -1, .index = -1 };
}

static inline struct x64_op x_mem(int base, int32_t disp)
{
    return (struct x64_op){ .mem = true, .reg = -1, .base = (int8_t)base, .index = -1, .disp = disp };
}

static inline struct x64_op x_memi(int base, int index, int scale, int32_t disp)
{
    return (struct x64_op){ .mem = true, .reg = -1, .base = (int8_t)base, .index = (int8_t)index,
                            .scale = (uint8_t)scale, .disp = disp };
}

static inline void x_byte(struct x64 *x, uint8_t b)
{
    if (x->p < x->end)
        *x->p++ = b;
    else
        x->full = true;
}

static inline void x_u32(struct x64 *x, uint32_t v)
{
    for (int k = 0; k < 4; k++)
        x_byte(x, (uint8_t)(v >> (8 * k)));
}

static inline void x_u64(struct x64 *x, uint64_t v)
{
    x_u32(x, (uint32_t)v);
    x_u32(x, (uint32_t)(v >> 32));
}

static inline bool x_fits8(int32_t v)
{
    return v >= -128 && v <= 127;
}

/*
 * One instruction with a ModRM operand: `size` is the operand size in bytes
 * (1, 2, 4, 8), `opcode` one to three opcode bytes (0x0fb6 is 0F B6), `reg`
 * the ModRM reg field (a register or an opcode extension /digit), `rm` the
 * other operand.  SDM Vol. 2A 2.1.5 (ModRM and SIB) and 2.2.1 (REX).
 */
static inline void x_op_bytes(struct x64 *x, unsigned size, uint32_t opcode, int reg,
                              struct x64_op rm, bool bytes)
{
    unsigned rex = 0x40;
    int low_rm = rm.mem ? rm.base : rm.reg;

    if (size == 2)
        x_byte(x, 0x66);
    if (size == 8)
        rex |= 8;
    if (reg & 8)
        rex |= 4;
    if (rm.mem && rm.index >= 0 && (rm.index & 8))
        rex |= 2;
    if (low_rm & 8)
        rex |= 1;
    if (rex != 0x40 || (bytes && ((reg >= 4 && reg < 8) || (!rm.mem && rm.reg >= 4 && rm.reg < 8))))
        x_byte(x, (uint8_t)rex);
    if (opcode > 0xffff)
        x_byte(x, (uint8_t)(opcode >> 16));
    if (opcode > 0xff)
        x_byte(x, (uint8_t)(opcode >> 8));
    x_byte(x, (uint8_t)opcode);

    uint8_t r3 = (uint8_t)((reg & 7) << 3);
    if (!rm.mem) {
        x_byte(x, (uint8_t)(0xc0 | r3 | (rm.reg & 7)));
        return;
    }
    /* mod: 00 no displacement (not for a base of RBP/R13, whose 101 means
     * RIP-relative), 01 disp8, 10 disp32.  r/m 100 means a SIB byte follows,
     * which a base of RSP/R12 always needs. */
    unsigned mod = (rm.disp == 0 && (rm.base & 7) != X_RBP) ? 0 : x_fits8(rm.disp) ? 1 : 2;
    if (rm.index >= 0 || (rm.base & 7) == X_RSP) {
        unsigned idx = rm.index >= 0 ? (unsigned)(rm.index & 7) : 4u;   /* 100: no index */
        x_byte(x, (uint8_t)((mod << 6) | r3 | 4));
        x_byte(x, (uint8_t)((rm.scale << 6) | (idx << 3) | (rm.base & 7)));
    } else {
        x_byte(x, (uint8_t)((mod << 6) | r3 | (rm.base & 7)));
    }
    if (mod == 1)
        x_byte(x, (uint8_t)rm.disp);
    else if (mod == 2)
        x_u32(x, (uint32_t)rm.disp);
}

/* The usual case: byte registers are in play exactly when the operands are bytes. */
static inline void x_op(struct x64 *x, unsigned size, uint32_t opcode, int reg, struct x64_op rm)
{
    x_op_bytes(x, size, opcode, reg, rm, size == 1);
}

/* An immediate of the operand size (at most 32 bits: 64-bit forms sign-extend). */
static inline void x_imm(struct x64 *x, unsigned size, uint32_t v)
{
    if (size == 1)
        x_byte(x, (uint8_t)v);
    else if (size == 2) {
        x_byte(x, (uint8_t)v);
        x_byte(x, (uint8_t)(v >> 8));
    } else {
        x_u32(x, v);
    }
}

/* The w bit: byte forms of the classic opcodes are one lower (SDM Vol. 2A B.1.4.3). */
static inline uint32_t x_w(unsigned size, uint32_t op)
{
    return size == 1 ? op - 1 : op;
}

/* --- data movement --------------------------------------------------------- */

/* MOV reg, rm (8B) and MOV rm, reg (89). */
static inline void x_mov_load(struct x64 *x, unsigned size, int reg, struct x64_op rm)
{
    x_op(x, size, x_w(size, 0x8b), reg, rm);
}

static inline void x_mov_store(struct x64 *x, unsigned size, struct x64_op rm, int reg)
{
    x_op(x, size, x_w(size, 0x89), reg, rm);
}

/* MOV rm, imm (C7 /0, sign-extended imm32 for 64-bit). */
static inline void x_mov_imm_rm(struct x64 *x, unsigned size, struct x64_op rm, uint32_t imm)
{
    x_op(x, size, x_w(size, 0xc7), 0, rm);
    x_imm(x, size == 8 ? 4 : size, imm);
}

/* MOV r32, imm32 (B8+r: zero-extends into the 64-bit register). */
static inline void x_mov_r32_imm(struct x64 *x, int reg, uint32_t imm)
{
    if (reg & 8)
        x_byte(x, 0x41);
    x_byte(x, (uint8_t)(0xb8 + (reg & 7)));
    x_u32(x, imm);
}

/* MOV r64, imm64 (REX.W B8+r). */
static inline void x_mov_r64_imm(struct x64 *x, int reg, uint64_t imm)
{
    if (imm <= 0xffffffffu) {
        x_mov_r32_imm(x, reg, (uint32_t)imm);
        return;
    }
    x_byte(x, (uint8_t)(0x48 | ((reg & 8) ? 1 : 0)));
    x_byte(x, (uint8_t)(0xb8 + (reg & 7)));
    x_u64(x, imm);
}

/* MOV r32, r32 (copies and zero-extends). */
static inline void x_mov_rr(struct x64 *x, unsigned size, int dst, int src)
{
    x_op(x, size, x_w(size, 0x8b), dst, x_reg(src));
}

/* MOVZX / MOVSX r32, rm8 or rm16 (0F B6/B7, 0F BE/BF). */
static inline void x_movzx(struct x64 *x, unsigned from, int reg, struct x64_op rm)
{
    x_op_bytes(x, 4, from == 1 ? 0x0fb6 : 0x0fb7, reg, rm, from == 1);
}

static inline void x_movsx(struct x64 *x, unsigned from, int reg, struct x64_op rm)
{
    x_op_bytes(x, 4, from == 1 ? 0x0fbe : 0x0fbf, reg, rm, from == 1);
}

/* LEA reg, m (8D), 32-bit result: the address wraps at 4 GiB like the guest's. */
static inline void x_lea(struct x64 *x, unsigned size, int reg, struct x64_op m)
{
    x_op(x, size, 0x8d, reg, m);
}

/* --- arithmetic -------------------------------------------------------------- */

/* op rm, reg (00+8op | w) and op reg, rm (02+8op | w). */
static inline void x_alu_rm_reg(struct x64 *x, enum x64_alu op, unsigned size, struct x64_op rm, int reg)
{
    x_op(x, size, x_w(size, 0x01 + 8u * op), reg, rm);
}

static inline void x_alu_reg_rm(struct x64 *x, enum x64_alu op, unsigned size, int reg, struct x64_op rm)
{
    x_op(x, size, x_w(size, 0x03 + 8u * op), reg, rm);
}

/* op rm, imm: 83 /op ib when it fits a sign-extended byte, else 81 /op iz (80 for bytes). */
static inline void x_alu_imm(struct x64 *x, enum x64_alu op, unsigned size, struct x64_op rm, uint32_t imm)
{
    if (size == 1) {
        x_op(x, 1, 0x80, op, rm);
        x_byte(x, (uint8_t)imm);
    } else if (x_fits8((int32_t)imm) || (size == 2 && x_fits8((int16_t)imm))) {
        x_op(x, size, 0x83, op, rm);
        x_byte(x, (uint8_t)imm);
    } else {
        x_op(x, size, 0x81, op, rm);
        x_imm(x, size == 8 ? 4 : size, imm);
    }
}

/* TEST rm, reg (85) and TEST rm, imm (F7 /0). */
static inline void x_test_rm_reg(struct x64 *x, unsigned size, struct x64_op rm, int reg)
{
    x_op(x, size, x_w(size, 0x85), reg, rm);
}

static inline void x_test_imm(struct x64 *x, unsigned size, struct x64_op rm, uint32_t imm)
{
    x_op(x, size, x_w(size, 0xf7), 0, rm);
    x_imm(x, size == 8 ? 4 : size, imm);
}

/* INC/DEC rm (FF /0, /1), NOT/NEG rm (F7 /2, /3). */
static inline void x_inc(struct x64 *x, unsigned size, struct x64_op rm) { x_op(x, size, x_w(size, 0xff), 0, rm); }
static inline void x_dec(struct x64 *x, unsigned size, struct x64_op rm) { x_op(x, size, x_w(size, 0xff), 1, rm); }
static inline void x_not(struct x64 *x, unsigned size, struct x64_op rm) { x_op(x, size, x_w(size, 0xf7), 2, rm); }
static inline void x_neg(struct x64 *x, unsigned size, struct x64_op rm) { x_op(x, size, x_w(size, 0xf7), 3, rm); }

/* Shift rm by imm8 (C1 /op ib, D1 /op for a count of 1). */
static inline void x_shift_imm(struct x64 *x, enum x64_shift op, unsigned size, struct x64_op rm, uint8_t n)
{
    if (n == 1) {
        x_op(x, size, x_w(size, 0xd1), op, rm);
    } else {
        x_op(x, size, x_w(size, 0xc1), op, rm);
        x_byte(x, n);
    }
}

/* Shift rm by CL (D3 /op). */
static inline void x_shift_cl(struct x64 *x, enum x64_shift op, unsigned size, struct x64_op rm)
{
    x_op(x, size, x_w(size, 0xd3), op, rm);
}

/* IMUL reg, rm (0F AF) and IMUL reg, rm, imm32 (69). */
static inline void x_imul(struct x64 *x, unsigned size, int reg, struct x64_op rm)
{
    x_op(x, size, 0x0faf, reg, rm);
}

static inline void x_imul_imm(struct x64 *x, unsigned size, int reg, struct x64_op rm, uint32_t imm)
{
    x_op(x, size, 0x69, reg, rm);
    x_imm(x, size, imm);
}

/* BT rm, imm8 (0F BA /4 ib): CF = the bit. */
static inline void x_bt_imm(struct x64 *x, unsigned size, struct x64_op rm, uint8_t bit)
{
    x_op(x, size, 0x0fba, 4, rm);
    x_byte(x, bit);
}

/* SETcc rm8 (0F 90+cc) and CMOVcc reg, rm (0F 40+cc). */
static inline void x_setcc(struct x64 *x, enum x64_cc cc, struct x64_op rm)
{
    x_op(x, 1, 0x0f90u + cc, 0, rm);
}

static inline void x_cmov(struct x64 *x, enum x64_cc cc, unsigned size, int reg, struct x64_op rm)
{
    x_op(x, size, 0x0f40u + cc, reg, rm);
}

/* BSWAP r32 (0F C8+r). */
static inline void x_bswap(struct x64 *x, int reg)
{
    if (reg & 8)
        x_byte(x, 0x41);
    x_byte(x, 0x0f);
    x_byte(x, (uint8_t)(0xc8 + (reg & 7)));
}

/* --- control ------------------------------------------------------------------- */

/* The rel32 at `site` (the four bytes after a jump opcode) made to reach `to`. */
static inline void x_patch_rel32(uint8_t *site, const uint8_t *to)
{
    int32_t rel = (int32_t)(to - (site + 4));
    memcpy(site, &rel, 4);
}

/* JMP rel32 (E9) and Jcc rel32 (0F 80+cc).  Return the rel32's address, to
 * be patched when the target is known (x_patch_rel32). */
static inline uint8_t *x_jmp(struct x64 *x)
{
    x_byte(x, 0xe9);
    uint8_t *site = x->p;
    x_u32(x, 0);
    return site;
}

static inline uint8_t *x_jcc(struct x64 *x, enum x64_cc cc)
{
    x_byte(x, 0x0f);
    x_byte(x, (uint8_t)(0x80 + cc));
    uint8_t *site = x->p;
    x_u32(x, 0);
    return site;
}

/* CALL to an absolute host address, through RAX (clobbered). */
static inline void x_call(struct x64 *x, const void *fn)
{
    x_mov_r64_imm(x, X_RAX, (uint64_t)(uintptr_t)fn);
    x_op(x, 4, 0xff, 2, x_reg(X_RAX));          /* FF /2: CALL r/m64 */
}

/* JMP through a register (FF /4). */
static inline void x_jmp_reg(struct x64 *x, int reg)
{
    x_op(x, 4, 0xff, 4, x_reg(reg));
}

static inline void x_push(struct x64 *x, int reg)
{
    if (reg & 8)
        x_byte(x, 0x41);
    x_byte(x, (uint8_t)(0x50 + (reg & 7)));
}

static inline void x_pop(struct x64 *x, int reg)
{
    if (reg & 8)
        x_byte(x, 0x41);
    x_byte(x, (uint8_t)(0x58 + (reg & 7)));
}

static inline void x_ret(struct x64 *x)
{
    x_byte(x, 0xc3);
}

#endif
