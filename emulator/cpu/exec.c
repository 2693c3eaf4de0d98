/* exec.c - execute one decoded instruction: the opcode maps as tables of handlers. */

/*
 * exec_one_byte[] and exec_two_byte[], at the end of this file, are tables
 * in the shape of the SDM's opcode maps (Vol. 2A appendix A): one row per
 * opcode, the mnemonic in a comment, and the handler that does the work.
 * The decoder looks the handler up once (exec_handler) and keeps it with
 * the decoded instruction, so each execution is one indirect call and pays
 * only for what its own handler needs.
 * The handlers share three rules:
 *
 *  - Every access that can fault comes before any change to registers or
 *    flags, so a faulting instruction can simply be restarted (SDM Vol. 3A
 *    6.5).  A read-modify-write to memory brackets its flag update with
 *    alu_checkpoint()/alu_commit(), because the write comes last.
 *  - c->eip already points at the next instruction; branches overwrite it.
 *  - Anything the core does not implement raises #UD: never a silent wrong
 *    result.  System instructions are the system files' (sys_*, ctl_*);
 *    before calling them the lazy flags are folded into c->eflags, so they
 *    may read and write c->eflags directly.
 */

#include "alu.h"
#include "exec.h"

/* --- operands ------------------------------------------------------------- */

/* Read the ModRM r/m operand: a register, or memory at ea_seg:ea. */
static inline uint32_t rm_read(struct cpu *c, const struct insn *i, unsigned size)
{
    if (insn_is_reg(i))
        return reg_read(c, i->rm, size);
    return mem_read(c, i->ea_seg, i->ea, size);
}

/* Write the ModRM r/m operand. */
static inline void rm_write(struct cpu *c, const struct insn *i, uint32_t v, unsigned size)
{
    if (insn_is_reg(i))
        reg_write(c, i->rm, v, size);
    else
        mem_write(c, i->ea_seg, i->ea, v, size);
}

/* Start a read-modify-write of r/m whose flags are set before the write. */
static uint32_t rmw_read(struct cpu *c, const struct insn *i, unsigned size)
{
    uint32_t v = rm_read(c, i, size);

    if (!insn_is_reg(i))
        alu_checkpoint(c);
    return v;
}

/* Finish it: the write, then the flags are final. */
static void rmw_write(struct cpu *c, const struct insn *i, uint32_t v, unsigned size)
{
    rm_write(c, i, v, size);
    alu_commit(c);
}

/* Byte opcodes have bit 0 clear (SDM Vol. 2A B.1.4.3, the w bit). */
static inline unsigned opsize_w(const struct insn *i)
{
    return (i->opcode & 1) ? i->opsize : 1;
}

/* An effective address plus a byte offset, wrapped to the address size. */
static uint32_t ea_plus(const struct insn *i, uint32_t delta)
{
    uint32_t ea = i->ea + delta;
    return i->addrsize == 2 ? ea & 0xffff : ea;
}

/* --- the stack (SDM Vol. 1 6.2: SS.B picks SP or ESP) ----------------------- */

static uint32_t sp_mask(const struct cpu *c)
{
    return (c->seg[SEG_SS].attr & SEG_ATTR_DB) ? 0xffffffffu : 0xffff;
}

/* Stack pointer after adding n (ESP or SP by SS.B). */
static uint32_t sp_plus(const struct cpu *c, uint32_t n)
{
    uint32_t m = sp_mask(c);
    return (c->reg[ESP] & ~m) | ((c->reg[ESP] + n) & m);
}

/* Read `size` bytes at SS:(SP + off) without popping. */
static uint32_t stack_peek(struct cpu *c, uint32_t off, unsigned size)
{
    return mem_read(c, SEG_SS, (c->reg[ESP] + off) & sp_mask(c), size);
}

/* --- control transfer --------------------------------------------------------- */

/* Near jump: the target is truncated to the operand size and must be within
 * the CS limit, else #GP(0) (SDM Vol. 2A JMP). */
static void jump_near(struct cpu *c, const struct insn *i, uint32_t target)
{
    if (i->opsize == 2)
        target &= 0xffff;
    if (unlikely(target > c->seg[SEG_CS].limit))
        cpu_raise_gp(c, 0);
    c->eip = target;
}

/* Near call: push the return address, then jump (SDM Vol. 2A CALL). */
static void call_near(struct cpu *c, const struct insn *i, uint32_t target)
{
    if (i->opsize == 2)
        target &= 0xffff;
    if (unlikely(target > c->seg[SEG_CS].limit))
        cpu_raise_gp(c, 0);
    cpu_push(c, i->next_eip, i->opsize);
    c->eip = target;
}

/* RET / RET imm16: pop EIP and release `extra` bytes of arguments. */
static void ret_near(struct cpu *c, const struct insn *i, uint32_t extra)
{
    uint32_t target = stack_peek(c, 0, i->opsize);

    jump_near(c, i, target);
    c->reg[ESP] = sp_plus(c, i->opsize + extra);
}

/* LOOP/LOOPE/LOOPNE/JECXZ (E0-E3): the counter is CX or ECX by address size. */
static void loop_insn(struct cpu *c, const struct insn *i)
{
    uint32_t count = reg_read(c, ECX, i->addrsize);
    bool take;

    if (i->opcode == 0xe3) {                       /* JECXZ */
        take = count == 0;
    } else {
        count = (count - 1) & alu_mask(i->addrsize);
        take = count != 0;
        if (i->opcode == 0xe1)                     /* LOOPE */
            take = take && alu_cond(c, 4);
        else if (i->opcode == 0xe0)                /* LOOPNE */
            take = take && alu_cond(c, 5);
    }
    if (take)
        jump_near(c, i, i->next_eip + i->imm);
    if (i->opcode != 0xe3)
        reg_write(c, ECX, count, i->addrsize);
}

/* Far pointer m16:16 or m16:32 at the memory operand (#UD for a register). */
static void far_pointer(struct cpu *c, const struct insn *i, uint16_t *sel, uint32_t *off)
{
    if (insn_is_reg(i))
        cpu_raise_ud(c);
    *off = mem_read(c, i->ea_seg, i->ea, i->opsize);
    *sel = mem_read16(c, i->ea_seg, ea_plus(i, i->opsize));
}

/* ENTER imm16, imm8, SDM Vol. 2A: push EBP, copy `level - 1` frame pointers,
 * push the new frame pointer, reserve `alloc` bytes.  All writes first. */
static void enter_insn(struct cpu *c, const struct insn *i)
{
    unsigned size = i->opsize, level = i->imm2 & 0x1f;
    uint32_t m = sp_mask(c), sp = c->reg[ESP], bp = c->reg[EBP], frame;

    sp -= size;
    mem_write(c, SEG_SS, sp & m, reg_read(c, EBP, size), size);
    frame = sp;
    for (unsigned k = 1; k < level; k++) {
        bp -= size;
        sp -= size;
        mem_write(c, SEG_SS, sp & m, mem_read(c, SEG_SS, bp & m, size), size);
    }
    if (level > 0) {
        sp -= size;
        mem_write(c, SEG_SS, sp & m, frame, size);
    }
    reg_write(c, EBP, frame, size);
    c->reg[ESP] = (c->reg[ESP] & ~m) | ((sp - i->imm) & m);
}

/* LEAVE: (E)SP = (E)BP, then pop (E)BP. */
static void leave_insn(struct cpu *c, const struct insn *i)
{
    uint32_t m = sp_mask(c), bp = c->reg[EBP] & m;
    uint32_t v = mem_read(c, SEG_SS, bp, i->opsize);

    c->reg[ESP] = (c->reg[ESP] & ~m) | ((bp + i->opsize) & m);
    reg_write(c, EBP, v, i->opsize);
}

/* PUSHA: EAX ECX EDX EBX (original ESP) EBP ESI EDI. */
static void pusha(struct cpu *c, const struct insn *i)
{
    unsigned size = i->opsize;
    uint32_t m = sp_mask(c), sp = c->reg[ESP];

    for (unsigned r = EAX; r <= EDI; r++)
        mem_write(c, SEG_SS, (sp - (r + 1) * size) & m, reg_read(c, r, size), size);
    c->reg[ESP] = sp_plus(c, -8 * size);
}

/* POPA: the reverse, skipping the saved ESP. */
static void popa(struct cpu *c, const struct insn *i)
{
    unsigned size = i->opsize;
    uint32_t v[8];

    for (unsigned r = EAX; r <= EDI; r++)
        v[r] = stack_peek(c, (7 - r) * size, size);
    for (unsigned r = EAX; r <= EDI; r++)
        if (r != ESP)
            reg_write(c, r, v[r], size);
    c->reg[ESP] = sp_plus(c, 8 * size);
}

/* --- segment registers ---------------------------------------------------------- */

/* Loading SS inhibits interrupts until after the next instruction, so that
 * SS:ESP can be switched with MOV SS; MOV ESP (SDM Vol. 3A 6.8.3). */
static void load_sreg(struct cpu *c, int s, uint16_t sel)
{
    seg_load(c, s, sel);
    if (s == SEG_SS) {
        c->inhibit_intr = 1;
        cpu_kick(c);
    }
}

/* The segment register of PUSH/POP Sreg is opcode bits 5:3 (SDM Vol. 2A
 * appendix B, the sreg2 and sreg3 fields): 06 ES, 0E CS, 16 SS, 1E DS,
 * 0F A0 FS, 0F A8 GS. */
static int sreg_of(const struct insn *i)
{
    return (i->opcode >> 3) & 7;
}

/* PUSH Sreg: modern processors write only the 16-bit selector, even with a
 * 32-bit operand size (SDM Vol. 2B PUSH, operation notes). */
static void op_push_sreg(struct cpu *c, const struct insn *i)
{
    int s = sreg_of(i);
    uint32_t sp = sp_plus(c, -(uint32_t)i->opsize);

    mem_write16(c, SEG_SS, sp & sp_mask(c), c->seg[s].sel);
    c->reg[ESP] = sp;
}

/* POP Sreg. */
static void op_pop_sreg(struct cpu *c, const struct insn *i)
{
    uint16_t sel = (uint16_t)stack_peek(c, 0, 2);

    load_sreg(c, sreg_of(i), sel);
    c->reg[ESP] = sp_plus(c, i->opsize);
}

/* LDS LES LSS LFS LGS r, m16:xx.  LSS loads SS and ESP together, so it
 * needs (and gets) no interrupt shadow. */
static void load_far(struct cpu *c, const struct insn *i, int s)
{
    uint16_t sel;
    uint32_t off;

    far_pointer(c, i, &sel, &off);
    seg_load(c, s, sel);
    reg_write(c, i->reg, off, i->opsize);
}

/* 8C MOV r/m, Sreg: a register destination gets the selector zero-extended,
 * memory gets 16 bits (SDM Vol. 2B MOV). */
static void mov_from_sreg(struct cpu *c, const struct insn *i)
{
    if (i->reg > SEG_GS)
        cpu_raise_ud(c);
    rm_write(c, i, c->seg[i->reg].sel, insn_is_reg(i) ? i->opsize : 2);
}

/* 8E MOV Sreg, r/m: loading CS this way is #UD (SDM Vol. 2B MOV). */
static void mov_to_sreg(struct cpu *c, const struct insn *i)
{
    if (i->reg == SEG_CS || i->reg > SEG_GS)
        cpu_raise_ud(c);
    load_sreg(c, i->reg, (uint16_t)rm_read(c, i, 2));
}

/* --- arithmetic -------------------------------------------------------------------- */

/* 00-3D: the eight ALU operations in their six forms (low three opcode bits):
 * Eb,Gb  Ev,Gv  Gb,Eb  Gv,Ev  AL,Ib  eAX,Iz. */
static void alu_form(struct cpu *c, const struct insn *i)
{
    enum alu_op op = (enum alu_op)(i->opcode >> 3);
    unsigned size = opsize_w(i), r;

    switch (i->opcode & 7) {
    case 0:
    case 1: {
        if (op == ALU_CMP) {                  /* writes nothing: no checkpoint */
            alu_arith(c, op, rm_read(c, i, size), reg_read(c, i->reg, size), size);
            return;
        }
        uint32_t d = rmw_read(c, i, size);
        rmw_write(c, i, alu_arith(c, op, d, reg_read(c, i->reg, size), size), size);
        return;
    }
    case 2:
    case 3:  r = i->reg; break;
    default: r = EAX; break;
    }
    uint32_t src = (i->opcode & 7) >= 4 ? i->imm : rm_read(c, i, size);
    uint32_t v = alu_arith(c, op, reg_read(c, r, size), src, size);
    if (op != ALU_CMP)
        reg_write(c, r, v, size);
}

/* 80-83: group 1, r/m op= imm. */
static void group1(struct cpu *c, const struct insn *i)
{
    unsigned size = i->opcode == 0x81 || i->opcode == 0x83 ? i->opsize : 1;

    if (i->reg == ALU_CMP) {                  /* writes nothing: no checkpoint */
        alu_arith(c, ALU_CMP, rm_read(c, i, size), i->imm, size);
        return;
    }
    uint32_t d = rmw_read(c, i, size);
    rmw_write(c, i, alu_arith(c, (enum alu_op)i->reg, d, i->imm, size), size);
}

/* C0 C1 D0-D3: group 2 shifts and rotates by imm8, 1 or CL. */
static void group2(struct cpu *c, const struct insn *i)
{
    unsigned size = opsize_w(i);
    uint8_t count = i->opcode <= 0xc1 ? (uint8_t)i->imm
                  : i->opcode <= 0xd1 ? 1 : (uint8_t)reg_read(c, ECX, 1);
    uint32_t d = rmw_read(c, i, size);

    rmw_write(c, i, alu_shift(c, (enum shift_op)i->reg, d, count, size), size);
}

/* 0F A4 A5 AC AD: SHLD/SHRD r/m, r, imm8/CL. */
static void double_shift(struct cpu *c, const struct insn *i)
{
    unsigned size = i->opsize;
    uint8_t count = (i->opcode & 1) ? (uint8_t)reg_read(c, ECX, 1) : (uint8_t)i->imm;
    uint32_t d = rmw_read(c, i, size), s = reg_read(c, i->reg, size);
    uint32_t v = i->opcode < 0xa8 ? alu_shld(c, d, s, count, size)
                                  : alu_shrd(c, d, s, count, size);

    rmw_write(c, i, v, size);
}

/* F6 F7: group 3, TEST NOT NEG MUL IMUL DIV IDIV. */
static void group3(struct cpu *c, const struct insn *i)
{
    unsigned size = opsize_w(i);
    uint32_t v;

    switch (i->reg) {
    case 0:
    case 1: alu_arith(c, ALU_AND, rm_read(c, i, size), i->imm, size); break;     /* TEST */
    case 2: rm_write(c, i, ~rm_read(c, i, size), size); break;                   /* NOT  */
    case 3: v = rmw_read(c, i, size); rmw_write(c, i, alu_neg(c, v, size), size); break;
    case 4: alu_mul(c, rm_read(c, i, size), size); break;                        /* MUL  */
    case 5: alu_imul1(c, rm_read(c, i, size), size); break;                      /* IMUL */
    case 6: alu_div(c, rm_read(c, i, size), size); break;                        /* DIV  */
    default: alu_idiv(c, rm_read(c, i, size), size); break;                      /* IDIV */
    }
}

/* INC/DEC r/m (FE /0 /1, FF /0 /1). */
static void inc_dec_rm(struct cpu *c, const struct insn *i, unsigned size)
{
    uint32_t d = rmw_read(c, i, size);

    rmw_write(c, i, i->reg == 0 ? alu_inc(c, d, size) : alu_dec(c, d, size), size);
}

/* FF: group 5, INC DEC CALL CALLF JMP JMPF PUSH. */
static void group5(struct cpu *c, const struct insn *i)
{
    uint16_t sel;
    uint32_t off;

    switch (i->reg) {
    case 0:
    case 1: inc_dec_rm(c, i, i->opsize); break;
    case 2: call_near(c, i, rm_read(c, i, i->opsize)); break;
    case 3: far_pointer(c, i, &sel, &off); flags_materialize(c); ctl_far_call(c, sel, off, i); break;
    case 4: jump_near(c, i, rm_read(c, i, i->opsize)); break;
    case 5: far_pointer(c, i, &sel, &off); flags_materialize(c); ctl_far_jmp(c, sel, off, i); break;
    case 6: cpu_push(c, rm_read(c, i, i->opsize), i->opsize); break;
    default: cpu_raise_ud(c);
    }
}

/* 8F /0: POP r/m.  An ESP-based address is computed after ESP is incremented
 * (SDM Vol. 2B POP); the stack read comes first, ESP changes last. */
static void pop_rm(struct cpu *c, const struct insn *i)
{
    if (i->reg != 0)
        cpu_raise_ud(c);
    uint32_t v = stack_peek(c, 0, i->opsize);

    if (insn_is_reg(i)) {
        c->reg[ESP] = sp_plus(c, i->opsize);
        reg_write(c, i->rm, v, i->opsize);
        return;
    }
    struct insn adj = *i;
    if (i->ea_base == ESP)
        adj.ea = ea_plus(i, i->opsize);
    rm_write(c, &adj, v, i->opsize);
    c->reg[ESP] = sp_plus(c, i->opsize);
}

/* 86 87: XCHG r/m, r (memory first). */
static void xchg_rm(struct cpu *c, const struct insn *i)
{
    unsigned size = opsize_w(i);
    uint32_t a = rm_read(c, i, size), b = reg_read(c, i->reg, size);

    rm_write(c, i, b, size);
    reg_write(c, i->reg, a, size);
}

/* 0F C0 C1: XADD r/m, r: TEMP = SRC + DEST; SRC = DEST; DEST = TEMP. */
static void xadd(struct cpu *c, const struct insn *i)
{
    unsigned size = opsize_w(i);
    uint32_t d = rmw_read(c, i, size);
    uint32_t sum = alu_arith(c, ALU_ADD, d, reg_read(c, i->reg, size), size);

    if (insn_is_reg(i)) {
        reg_write(c, i->reg, d, size);
        reg_write(c, i->rm, sum, size);
    } else {
        rmw_write(c, i, sum, size);
        reg_write(c, i->reg, d, size);
    }
}

/* 0F B0 B1: CMPXCHG r/m, r: compare with the accumulator; the destination is
 * written either way (SDM Vol. 2A CMPXCHG). */
static void cmpxchg(struct cpu *c, const struct insn *i)
{
    unsigned size = opsize_w(i);
    uint32_t d = rmw_read(c, i, size), acc = reg_read(c, EAX, size);

    alu_arith(c, ALU_CMP, acc, d, size);
    if (acc == d) {
        rmw_write(c, i, reg_read(c, i->reg, size), size);
    } else {
        rmw_write(c, i, d, size);
        reg_write(c, EAX, d, size);
    }
}

/* 0F C7 /1: CMPXCHG8B m64: compare EDX:EAX, store ECX:EBX if equal. */
static void cmpxchg8b(struct cpu *c, const struct insn *i)
{
    if (insn_is_reg(i) || i->reg != 1)
        cpu_raise_ud(c);
    uint32_t lo = mem_read32(c, i->ea_seg, i->ea);
    uint32_t hi = mem_read32(c, i->ea_seg, ea_plus(i, 4));
    bool eq = lo == c->reg[EAX] && hi == c->reg[EDX];

    mem_write32(c, i->ea_seg, i->ea, eq ? c->reg[EBX] : lo);
    mem_write32(c, i->ea_seg, ea_plus(i, 4), eq ? c->reg[ECX] : hi);
    alu_set_flags(c, FLAG_ZF, eq ? FLAG_ZF : 0);
    if (!eq) {
        c->reg[EAX] = lo;
        c->reg[EDX] = hi;
    }
}

/* 0F A3 AB B3 BB and 0F BA: BT BTS BTR BTC.  With a register bit offset
 * and a memory operand, the offset is signed and may reach outside the
 * addressed word (SDM Vol. 2A BT, "bit string"). */
static void bit_test(struct cpu *c, const struct insn *i, unsigned op, bool imm)
{
    unsigned size = i->opsize, bits = size * 8;
    uint32_t off = imm ? i->imm : reg_read(c, i->reg, size);
    struct insn at = *i;

    if (!imm && !insn_is_reg(i)) {
        int32_t soff = (int32_t)alu_sext(off, size);
        at.ea = ea_plus(i, (uint32_t)((soff >> (size == 2 ? 4 : 5)) * (int32_t)size));
    }
    uint32_t mask = 1u << (off & (bits - 1));
    uint32_t v = op == 0 ? rm_read(c, &at, size) : rmw_read(c, &at, size);
    alu_set_flags(c, FLAG_CF, (v & mask) ? FLAG_CF : 0);
    switch (op) {
    case 1: rmw_write(c, &at, v | mask, size); break;      /* BTS */
    case 2: rmw_write(c, &at, v & ~mask, size); break;     /* BTR */
    case 3: rmw_write(c, &at, v ^ mask, size); break;      /* BTC */
    default: break;                                        /* BT  */
    }
}

/* 0F BC BD: BSF/BSR.  A zero source sets ZF and leaves the destination. */
static void bit_scan(struct cpu *c, const struct insn *i)
{
    uint32_t v = rm_read(c, i, i->opsize);

    alu_set_flags(c, FLAG_ZF, v == 0 ? FLAG_ZF : 0);
    if (v != 0)
        reg_write(c, i->reg, i->opcode == 0xbc ? (uint32_t)__builtin_ctz(v)
                                               : 31u - (uint32_t)__builtin_clz(v), i->opsize);
}

/* 62: BOUND r, m: #BR unless lower <= index <= upper (signed). */
static void bound(struct cpu *c, const struct insn *i)
{
    unsigned size = i->opsize;

    if (insn_is_reg(i))
        cpu_raise_ud(c);
    int32_t lo = (int32_t)alu_sext(mem_read(c, i->ea_seg, i->ea, size), size);
    int32_t hi = (int32_t)alu_sext(mem_read(c, i->ea_seg, ea_plus(i, size), size), size);
    int32_t x = (int32_t)alu_sext(reg_read(c, i->reg, size), size);
    if (x < lo || x > hi)
        cpu_raise(c, EXC_BR, false, 0);
}

/* 98 CBW/CWDE and 99 CWD/CDQ. */
static void sign_extend_acc(struct cpu *c, const struct insn *i)
{
    unsigned size = i->opsize;
    uint32_t half = reg_read(c, EAX, size / 2), a = reg_read(c, EAX, size);

    if (i->opcode == 0x98)
        reg_write(c, EAX, alu_sext(half, size / 2), size);
    else
        reg_write(c, EDX, (a & alu_sign(size)) ? 0xffffffffu : 0, size);
}

/* 9E SAHF / 9F LAHF: AH <-> SF ZF 0 AF 0 PF 1 CF (SDM Vol. 2A LAHF). */
static void ah_flags(struct cpu *c, const struct insn *i)
{
    const uint32_t mask = FLAG_SF | FLAG_ZF | FLAG_AF | FLAG_PF | FLAG_CF;

    if (i->opcode == 0x9e)
        alu_set_flags(c, mask, reg_read(c, REG_AH, 1));
    else
        reg_write(c, REG_AH, (flags_materialize(c) & mask) | FLAG_FIXED, 1);
}

/* 9C PUSHF / 9D POPF, with the privilege rules in system.c. */
static void pushf_popf(struct cpu *c, const struct insn *i)
{
    flags_materialize(c);
    if (i->opcode == 0x9c) {
        cpu_push(c, sys_pushf_value(c), i->opsize);
    } else {
        sys_popf(c, stack_peek(c, 0, i->opsize), i->opsize);
        c->reg[ESP] = sp_plus(c, i->opsize);
    }
}

/* E4-E7 EC-EF: IN/OUT with an imm8 or DX port. */
static void in_out(struct cpu *c, const struct insn *i)
{
    unsigned size = opsize_w(i);
    uint16_t port = i->opcode >= 0xec ? (uint16_t)c->reg[EDX] : (uint16_t)i->imm;

    flags_materialize(c);
    if (i->opcode & 2)
        io_out(c, port, reg_read(c, EAX, size), size);
    else
        reg_write(c, EAX, io_in(c, port, size), size);
}

/* D8-DF x87 escapes and 9B WAIT: there is no FPU.  SDM Vol. 3A 2.5 and
 * 9.2: CR0.EM/TS send ESC to #NM (so a kernel can emulate); WAIT faults only
 * with MP and TS; otherwise ESC is #UD and WAIT does nothing. */
static void fpu_escape(struct cpu *c, const struct insn *i)
{
    if (i->opcode == 0x9b) {
        if ((c->cr0 & CR0_MP) && (c->cr0 & CR0_TS))
            cpu_raise(c, EXC_NM, false, 0);
        return;
    }
    if (c->cr0 & (CR0_EM | CR0_TS))
        cpu_raise(c, EXC_NM, false, 0);
    cpu_raise_ud(c);
}

/* SDM Vol. 2A LOCK: only these, with a memory destination, take LOCK. */
static bool lock_allowed(const struct insn *i)
{
    uint8_t op = i->opcode;

    if (insn_is_reg(i))
        return false;
    if (i->two_byte)
        return op == 0xab || op == 0xb3 || op == 0xbb || op == 0xb0 || op == 0xb1 ||
               op == 0xc0 || op == 0xc1 || (op == 0xc7 && i->reg == 1) ||
               (op == 0xba && i->reg >= 5);
    if (op < 0x40)
        return (op & 7) < 2 && (op >> 3) != ALU_CMP;
    if (op >= 0x80 && op <= 0x83)
        return i->reg != ALU_CMP;
    if (op == 0x86 || op == 0x87)
        return true;
    if (op == 0xf6 || op == 0xf7)
        return i->reg == 2 || i->reg == 3;
    return (op == 0xfe || op == 0xff) && i->reg < 2;
}

/* Software interrupts and IRET go through control.c. */
static void soft_int(struct cpu *c, const struct insn *i, int vector)
{
    flags_materialize(c);
    ctl_int(c, vector, i);
}

/* --- one row each: the handlers too small for a helper above ------------------- */

/* Every handler takes the CPU and the decoded instruction, so that the two
 * opcode maps at the end of this file can be tables of them.  Handlers that
 * serve several opcodes read what differs (a register, a condition, a
 * segment) from the opcode's low bits, as the SDM's encoding tables do. */

static void op_ud(struct cpu *c, const struct insn *i)        { (void)i; cpu_raise_ud(c); }
static void op_nop(struct cpu *c, const struct insn *i)       { (void)c; (void)i; }

static void op_daa(struct cpu *c, const struct insn *i)       { (void)i; alu_daa(c); }
static void op_das(struct cpu *c, const struct insn *i)       { (void)i; alu_das(c); }
static void op_aaa(struct cpu *c, const struct insn *i)       { (void)i; alu_aaa(c); }
static void op_aas(struct cpu *c, const struct insn *i)       { (void)i; alu_aas(c); }
static void op_aam(struct cpu *c, const struct insn *i)       { alu_aam(c, (uint8_t)i->imm); }
static void op_aad(struct cpu *c, const struct insn *i)       { alu_aad(c, (uint8_t)i->imm); }

/* 40-4F INC/DEC r, 50-5F PUSH/POP r, 91-97 XCHG, B0-BF MOV r, imm: the
 * register is the low three opcode bits (SDM Vol. 2A B.1.4.1, the reg field). */
static void op_inc_r(struct cpu *c, const struct insn *i)
{
    unsigned r = i->opcode & 7;
    reg_write(c, r, alu_inc(c, reg_read(c, r, i->opsize), i->opsize), i->opsize);
}

static void op_dec_r(struct cpu *c, const struct insn *i)
{
    unsigned r = i->opcode & 7;
    reg_write(c, r, alu_dec(c, reg_read(c, r, i->opsize), i->opsize), i->opsize);
}

static void op_push_imm(struct cpu *c, const struct insn *i)  { cpu_push(c, i->imm, i->opsize); }   /* 68 6A */

static void op_push_r(struct cpu *c, const struct insn *i)
{
    cpu_push(c, reg_read(c, i->opcode & 7, i->opsize), i->opsize);
}

static void op_pop_r(struct cpu *c, const struct insn *i)
{
    uint32_t v = cpu_pop(c, i->opsize);             /* POP ESP: the popped value wins */
    reg_write(c, i->opcode & 7, v, i->opsize);
}

static void op_xchg_acc(struct cpu *c, const struct insn *i)
{
    uint32_t a = reg_read(c, EAX, i->opsize);
    reg_write(c, EAX, reg_read(c, i->opcode & 7, i->opsize), i->opsize);
    reg_write(c, i->opcode & 7, a, i->opsize);
}

static void op_mov_r8_imm(struct cpu *c, const struct insn *i) { reg_write(c, i->opcode & 7, i->imm, 1); }
static void op_mov_r_imm(struct cpu *c, const struct insn *i)  { reg_write(c, i->opcode & 7, i->imm, i->opsize); }

/* Data movement through ModRM. */
static void op_mov_rm_r(struct cpu *c, const struct insn *i)
{
    unsigned size = opsize_w(i);
    rm_write(c, i, reg_read(c, i->reg, size), size);
}

static void op_mov_r_rm(struct cpu *c, const struct insn *i)
{
    unsigned size = opsize_w(i);
    reg_write(c, i->reg, rm_read(c, i, size), size);
}

/* C6 C7: MOV r/m, imm is /0; the other reg values are undefined. */
static void op_mov_rm_imm(struct cpu *c, const struct insn *i)
{
    if (i->reg != 0)
        cpu_raise_ud(c);
    rm_write(c, i, i->imm, opsize_w(i));
}

/* 8D LEA: the address itself; a register operand has none (#UD). */
static void op_lea(struct cpu *c, const struct insn *i)
{
    if (insn_is_reg(i))
        cpu_raise_ud(c);
    reg_write(c, i->reg, i->ea, i->opsize);
}

static void op_mov_acc_moffs(struct cpu *c, const struct insn *i)
{
    unsigned size = opsize_w(i);
    reg_write(c, EAX, mem_read(c, i->ea_seg, i->imm, size), size);
}

static void op_mov_moffs_acc(struct cpu *c, const struct insn *i)
{
    unsigned size = opsize_w(i);
    mem_write(c, i->ea_seg, i->imm, reg_read(c, EAX, size), size);
}

/* D7 XLAT: AL = [seg:(E)BX + AL]. */
static void op_xlat(struct cpu *c, const struct insn *i)
{
    uint32_t ea = (c->reg[EBX] + reg_read(c, EAX, 1)) & alu_mask(i->addrsize);
    reg_write(c, EAX, mem_read8(c, i->ea_seg, ea), 1);
}

/* 0F B6 B7 MOVZX, 0F BE BF MOVSX: the source is a byte for the even opcode. */
static void op_movzx(struct cpu *c, const struct insn *i)
{
    unsigned from = (i->opcode & 1) ? 2 : 1;
    reg_write(c, i->reg, rm_read(c, i, from), i->opsize);
}

static void op_movsx(struct cpu *c, const struct insn *i)
{
    unsigned from = (i->opcode & 1) ? 2 : 1;
    reg_write(c, i->reg, alu_sext(rm_read(c, i, from), from), i->opsize);
}

/* 0F C8-CF BSWAP r32. */
static void op_bswap(struct cpu *c, const struct insn *i)
{
    c->reg[i->opcode & 7] = __builtin_bswap32(c->reg[i->opcode & 7]);
}

/* Arithmetic rows. */
static void op_test_rm(struct cpu *c, const struct insn *i)
{
    unsigned size = opsize_w(i);
    alu_arith(c, ALU_AND, rm_read(c, i, size), reg_read(c, i->reg, size), size);
}

static void op_test_acc(struct cpu *c, const struct insn *i)
{
    unsigned size = opsize_w(i);
    alu_arith(c, ALU_AND, reg_read(c, EAX, size), i->imm, size);
}

static void op_imul_imm(struct cpu *c, const struct insn *i)   /* 69 6B: r = r/m * imm */
{
    reg_write(c, i->reg, alu_imul(c, rm_read(c, i, i->opsize), i->imm, i->opsize), i->opsize);
}

static void op_imul_r_rm(struct cpu *c, const struct insn *i)  /* 0F AF: r = r * r/m */
{
    reg_write(c, i->reg, alu_imul(c, reg_read(c, i->reg, i->opsize),
                                  rm_read(c, i, i->opsize), i->opsize), i->opsize);
}

/* FE: group 4 is INC/DEC r/m8 only. */
static void op_group4(struct cpu *c, const struct insn *i)
{
    if (i->reg > 1)
        cpu_raise_ud(c);
    inc_dec_rm(c, i, 1);
}

/* Conditions: the low four opcode bits, SDM Vol. 2A B.1.4.7 (tttn). */
static void op_jcc(struct cpu *c, const struct insn *i)        /* 70-7F, 0F 80-8F */
{
    if (alu_cond(c, i->opcode & 0xf))
        jump_near(c, i, i->next_eip + i->imm);
}

static void op_setcc(struct cpu *c, const struct insn *i)      /* 0F 90-9F */
{
    rm_write(c, i, alu_cond(c, i->opcode & 0xf), 1);
}

static void op_cmov(struct cpu *c, const struct insn *i)       /* 0F 40-4F */
{
    uint32_t v = rm_read(c, i, i->opsize);                     /* read even if false */
    if (alu_cond(c, i->opcode & 0xf))
        reg_write(c, i->reg, v, i->opsize);
}

/* Near and far transfers. */
static void op_jmp_rel(struct cpu *c, const struct insn *i)    { jump_near(c, i, i->next_eip + i->imm); }
static void op_call_rel(struct cpu *c, const struct insn *i)   { call_near(c, i, i->next_eip + i->imm); }
static void op_ret_near(struct cpu *c, const struct insn *i)   /* C2 RET imm16, C3 RET */
{
    ret_near(c, i, i->opcode == 0xc2 ? i->imm : 0);
}

static void op_jmp_far_ptr(struct cpu *c, const struct insn *i)
{
    flags_materialize(c);
    ctl_far_jmp(c, (uint16_t)i->imm2, i->imm, i);
}

static void op_call_far_ptr(struct cpu *c, const struct insn *i)
{
    flags_materialize(c);
    ctl_far_call(c, (uint16_t)i->imm2, i->imm, i);
}

static void op_ret_far(struct cpu *c, const struct insn *i)    /* CA RETF imm16, CB RETF */
{
    flags_materialize(c);
    ctl_far_ret(c, i->opcode == 0xca ? (uint16_t)i->imm : 0, i);
}

static void op_iret(struct cpu *c, const struct insn *i)       { flags_materialize(c); ctl_iret(c, i); }
static void op_int3(struct cpu *c, const struct insn *i)       { soft_int(c, i, EXC_BP); }
static void op_int(struct cpu *c, const struct insn *i)        { soft_int(c, i, (int)i->imm); }
static void op_into(struct cpu *c, const struct insn *i)
{
    if (alu_cond(c, 0))
        soft_int(c, i, EXC_OF);
}

/* Segment loads by opcode. */
static void op_les(struct cpu *c, const struct insn *i)        { load_far(c, i, SEG_ES); }
static void op_lds(struct cpu *c, const struct insn *i)        { load_far(c, i, SEG_DS); }
static void op_lss(struct cpu *c, const struct insn *i)        { load_far(c, i, SEG_SS); }
static void op_lfs(struct cpu *c, const struct insn *i)        { load_far(c, i, SEG_FS); }
static void op_lgs(struct cpu *c, const struct insn *i)        { load_far(c, i, SEG_GS); }

/* 0F A3 AB B3 BB: BT BTS BTR BTC r/m, r (bits 4:3 of the opcode pick which);
 * 0F BA /4../7: the same with imm8, /0../3 are undefined. */
static void op_bt_r(struct cpu *c, const struct insn *i)       { bit_test(c, i, (i->opcode >> 3) & 3, false); }
static void op_bt_imm(struct cpu *c, const struct insn *i)
{
    if (i->reg < 4)
        cpu_raise_ud(c);
    bit_test(c, i, i->reg - 4, true);
}

/* Flags. */
static void op_cmc(struct cpu *c, const struct insn *i)        { (void)i; alu_set_flags(c, FLAG_CF, alu_cf(c) ? 0 : FLAG_CF); }
static void op_clc(struct cpu *c, const struct insn *i)        { (void)i; alu_set_flags(c, FLAG_CF, 0); }
static void op_stc(struct cpu *c, const struct insn *i)        { (void)i; alu_set_flags(c, FLAG_CF, FLAG_CF); }
static void op_cld(struct cpu *c, const struct insn *i)        { (void)i; c->eflags &= ~FLAG_DF; }
static void op_std(struct cpu *c, const struct insn *i)        { (void)i; c->eflags |= FLAG_DF; }

/* System instructions (system.c) see materialized flags. */
static void op_cli(struct cpu *c, const struct insn *i)        { (void)i; flags_materialize(c); sys_cli(c); }
static void op_sti(struct cpu *c, const struct insn *i)        { (void)i; flags_materialize(c); sys_sti(c); }
static void op_hlt(struct cpu *c, const struct insn *i)        { (void)i; sys_hlt(c); }
static void op_arpl(struct cpu *c, const struct insn *i)       { flags_materialize(c); sys_arpl(c, i); }
static void op_group6(struct cpu *c, const struct insn *i)     { flags_materialize(c); sys_group6(c, i); }
static void op_group7(struct cpu *c, const struct insn *i)     { flags_materialize(c); sys_group7(c, i); }
static void op_lar_lsl(struct cpu *c, const struct insn *i)    { flags_materialize(c); sys_lar_lsl(c, i); }
static void op_clts(struct cpu *c, const struct insn *i)       { (void)i; sys_clts(c); }
static void op_invd(struct cpu *c, const struct insn *i)       { (void)i; sys_invd(c); }
static void op_wrmsr(struct cpu *c, const struct insn *i)      { (void)i; sys_wrmsr(c); }
static void op_rdtsc(struct cpu *c, const struct insn *i)      { (void)i; sys_rdtsc(c); }
static void op_rdmsr(struct cpu *c, const struct insn *i)      { (void)i; sys_rdmsr(c); }
static void op_cpuid(struct cpu *c, const struct insn *i)      { (void)i; sys_cpuid(c); }

/* --- the one-byte map, SDM Vol. 2A table A-2 ----------------------------------- */

/* Every row is filled: a hole would be a NULL call.  Prefix bytes (26 2E 36
 * 3E 64-67 F0 F2 F3) and 0F never reach here as opcodes; they are #UD rows. */
exec_fn *const exec_one_byte[256] = {
    [0x00 ... 0x05] = alu_form,           /* ADD */
    [0x06] = op_push_sreg,                /* PUSH ES */
    [0x07] = op_pop_sreg,                 /* POP ES */
    [0x08 ... 0x0d] = alu_form,           /* OR */
    [0x0e] = op_push_sreg,                /* PUSH CS */
    [0x0f] = op_ud,                       /* (two-byte escape) */
    [0x10 ... 0x15] = alu_form,           /* ADC */
    [0x16] = op_push_sreg,                /* PUSH SS */
    [0x17] = op_pop_sreg,                 /* POP SS */
    [0x18 ... 0x1d] = alu_form,           /* SBB */
    [0x1e] = op_push_sreg,                /* PUSH DS */
    [0x1f] = op_pop_sreg,                 /* POP DS */
    [0x20 ... 0x25] = alu_form,           /* AND */
    [0x26] = op_ud,                       /* (ES prefix) */
    [0x27] = op_daa,                      /* DAA */
    [0x28 ... 0x2d] = alu_form,           /* SUB */
    [0x2e] = op_ud,                       /* (CS prefix) */
    [0x2f] = op_das,                      /* DAS */
    [0x30 ... 0x35] = alu_form,           /* XOR */
    [0x36] = op_ud,                       /* (SS prefix) */
    [0x37] = op_aaa,                      /* AAA */
    [0x38 ... 0x3d] = alu_form,           /* CMP */
    [0x3e] = op_ud,                       /* (DS prefix) */
    [0x3f] = op_aas,                      /* AAS */
    [0x40 ... 0x47] = op_inc_r,           /* INC r */
    [0x48 ... 0x4f] = op_dec_r,           /* DEC r */
    [0x50 ... 0x57] = op_push_r,          /* PUSH r */
    [0x58 ... 0x5f] = op_pop_r,           /* POP r */
    [0x60] = pusha,                       /* PUSHA */
    [0x61] = popa,                        /* POPA */
    [0x62] = bound,                       /* BOUND */
    [0x63] = op_arpl,                     /* ARPL */
    [0x64 ... 0x67] = op_ud,              /* (FS GS operand-size address-size prefixes) */
    [0x68] = op_push_imm,                 /* PUSH imm16/32 */
    [0x69] = op_imul_imm,                 /* IMUL r, r/m, imm16/32 */
    [0x6a] = op_push_imm,                 /* PUSH imm8 */
    [0x6b] = op_imul_imm,                 /* IMUL r, r/m, imm8 */
    [0x6c ... 0x6f] = string_insn,        /* INS OUTS */
    [0x70 ... 0x7f] = op_jcc,             /* Jcc rel8 */
    [0x80 ... 0x83] = group1,             /* grp1 r/m, imm */
    [0x84 ... 0x85] = op_test_rm,         /* TEST r/m, r */
    [0x86 ... 0x87] = xchg_rm,            /* XCHG r/m, r */
    [0x88 ... 0x89] = op_mov_rm_r,        /* MOV r/m, r */
    [0x8a ... 0x8b] = op_mov_r_rm,        /* MOV r, r/m */
    [0x8c] = mov_from_sreg,               /* MOV r/m, Sreg */
    [0x8d] = op_lea,                      /* LEA */
    [0x8e] = mov_to_sreg,                 /* MOV Sreg, r/m */
    [0x8f] = pop_rm,                      /* POP r/m */
    [0x90] = op_nop,                      /* NOP, PAUSE */
    [0x91 ... 0x97] = op_xchg_acc,        /* XCHG eAX, r */
    [0x98 ... 0x99] = sign_extend_acc,    /* CBW/CWDE CWD/CDQ */
    [0x9a] = op_call_far_ptr,             /* CALL ptr16:xx */
    [0x9b] = fpu_escape,                  /* WAIT */
    [0x9c ... 0x9d] = pushf_popf,         /* PUSHF POPF */
    [0x9e ... 0x9f] = ah_flags,           /* SAHF LAHF */
    [0xa0 ... 0xa1] = op_mov_acc_moffs,   /* MOV acc, moffs */
    [0xa2 ... 0xa3] = op_mov_moffs_acc,   /* MOV moffs, acc */
    [0xa4 ... 0xa7] = string_insn,        /* MOVS CMPS */
    [0xa8 ... 0xa9] = op_test_acc,        /* TEST acc, imm */
    [0xaa ... 0xaf] = string_insn,        /* STOS LODS SCAS */
    [0xb0 ... 0xb7] = op_mov_r8_imm,      /* MOV r8, imm8 */
    [0xb8 ... 0xbf] = op_mov_r_imm,       /* MOV r, imm */
    [0xc0 ... 0xc1] = group2,             /* shift r/m, imm8 */
    [0xc2 ... 0xc3] = op_ret_near,        /* RET imm16, RET */
    [0xc4] = op_les,                      /* LES */
    [0xc5] = op_lds,                      /* LDS */
    [0xc6 ... 0xc7] = op_mov_rm_imm,      /* MOV r/m, imm */
    [0xc8] = enter_insn,                  /* ENTER */
    [0xc9] = leave_insn,                  /* LEAVE */
    [0xca ... 0xcb] = op_ret_far,         /* RETF imm16, RETF */
    [0xcc] = op_int3,                     /* INT3 */
    [0xcd] = op_int,                      /* INT imm8 */
    [0xce] = op_into,                     /* INTO */
    [0xcf] = op_iret,                     /* IRET */
    [0xd0 ... 0xd3] = group2,             /* shift r/m, 1 / CL */
    [0xd4] = op_aam,                      /* AAM */
    [0xd5] = op_aad,                      /* AAD */
    [0xd6] = op_ud,                       /* (SALC, undocumented: #UD here) */
    [0xd7] = op_xlat,                     /* XLAT */
    [0xd8 ... 0xdf] = fpu_escape,         /* x87 ESC */
    [0xe0 ... 0xe3] = loop_insn,          /* LOOPNE LOOPE LOOP JECXZ */
    [0xe4 ... 0xe7] = in_out,             /* IN/OUT imm8 */
    [0xe8] = op_call_rel,                 /* CALL rel */
    [0xe9] = op_jmp_rel,                  /* JMP rel16/32 */
    [0xea] = op_jmp_far_ptr,              /* JMP ptr16:xx */
    [0xeb] = op_jmp_rel,                  /* JMP rel8 */
    [0xec ... 0xef] = in_out,             /* IN/OUT DX */
    [0xf0] = op_ud,                       /* (LOCK prefix) */
    [0xf1] = op_ud,                       /* (ICEBP, undocumented: #UD here) */
    [0xf2 ... 0xf3] = op_ud,              /* (REP prefixes) */
    [0xf4] = op_hlt,                      /* HLT */
    [0xf5] = op_cmc,                      /* CMC */
    [0xf6 ... 0xf7] = group3,             /* grp3 */
    [0xf8] = op_clc,                      /* CLC */
    [0xf9] = op_stc,                      /* STC */
    [0xfa] = op_cli,                      /* CLI */
    [0xfb] = op_sti,                      /* STI */
    [0xfc] = op_cld,                      /* CLD */
    [0xfd] = op_std,                      /* STD */
    [0xfe] = op_group4,                   /* grp4: INC/DEC r/m8 */
    [0xff] = group5,                      /* grp5 */
};

/* --- the two-byte map (0F xx), SDM Vol. 2A table A-3 -------------------------- */

exec_fn *const exec_two_byte[256] = {
    [0x00] = op_group6,                   /* SLDT STR LLDT LTR VERR VERW */
    [0x01] = op_group7,                   /* SGDT SIDT LGDT LIDT SMSW LMSW INVLPG */
    [0x02 ... 0x03] = op_lar_lsl,         /* LAR LSL */
    [0x04 ... 0x05] = op_ud,
    [0x06] = op_clts,                     /* CLTS */
    [0x07] = op_ud,
    [0x08 ... 0x09] = op_invd,            /* INVD WBINVD */
    [0x0a] = op_ud,
    [0x0b] = op_ud,                       /* UD2 */
    [0x0c ... 0x17] = op_ud,
    [0x18 ... 0x1f] = op_nop,             /* PREFETCH, NOP r/m (hints) */
    [0x20] = sys_mov_cr,                  /* MOV r32, CRn */
    [0x21] = sys_mov_dr,                  /* MOV r32, DRn */
    [0x22] = sys_mov_cr,                  /* MOV CRn, r32 */
    [0x23] = sys_mov_dr,                  /* MOV DRn, r32 */
    [0x24 ... 0x2f] = op_ud,
    [0x30] = op_wrmsr,                    /* WRMSR */
    [0x31] = op_rdtsc,                    /* RDTSC */
    [0x32] = op_rdmsr,                    /* RDMSR */
    [0x33 ... 0x3f] = op_ud,
    [0x40 ... 0x4f] = op_cmov,            /* CMOVcc r, r/m */
    [0x50 ... 0x7f] = op_ud,              /* (SSE, MMX) */
    [0x80 ... 0x8f] = op_jcc,             /* Jcc rel16/32 */
    [0x90 ... 0x9f] = op_setcc,           /* SETcc r/m8 */
    [0xa0] = op_push_sreg,                /* PUSH FS */
    [0xa1] = op_pop_sreg,                 /* POP FS */
    [0xa2] = op_cpuid,                    /* CPUID */
    [0xa3] = op_bt_r,                     /* BT r/m, r */
    [0xa4 ... 0xa5] = double_shift,       /* SHLD */
    [0xa6 ... 0xa7] = op_ud,
    [0xa8] = op_push_sreg,                /* PUSH GS */
    [0xa9] = op_pop_sreg,                 /* POP GS */
    [0xaa] = op_ud,                       /* (RSM) */
    [0xab] = op_bt_r,                     /* BTS r/m, r */
    [0xac ... 0xad] = double_shift,       /* SHRD */
    [0xae] = op_ud,                       /* (FXSAVE and friends) */
    [0xaf] = op_imul_r_rm,                /* IMUL r, r/m */
    [0xb0 ... 0xb1] = cmpxchg,            /* CMPXCHG */
    [0xb2] = op_lss,                      /* LSS */
    [0xb3] = op_bt_r,                     /* BTR r/m, r */
    [0xb4] = op_lfs,                      /* LFS */
    [0xb5] = op_lgs,                      /* LGS */
    [0xb6 ... 0xb7] = op_movzx,           /* MOVZX */
    [0xb8 ... 0xb9] = op_ud,
    [0xba] = op_bt_imm,                   /* BT BTS BTR BTC r/m, imm8 */
    [0xbb] = op_bt_r,                     /* BTC r/m, r */
    [0xbc ... 0xbd] = bit_scan,           /* BSF BSR */
    [0xbe ... 0xbf] = op_movsx,           /* MOVSX */
    [0xc0 ... 0xc1] = xadd,               /* XADD */
    [0xc2 ... 0xc6] = op_ud,
    [0xc7] = cmpxchg8b,                   /* CMPXCHG8B m64 */
    [0xc8 ... 0xcf] = op_bswap,           /* BSWAP r32 */
    [0xd0 ... 0xff] = op_ud,              /* (MMX, SSE) */
};

/* The handler for a decoded instruction: its row in the opcode maps.  LOCK
 * before an instruction that does not take it is #UD (SDM Vol. 2A 2.1.1). */
exec_fn *exec_handler(const struct insn *i)
{
    if (i->lock && !lock_allowed(i))
        return op_ud;
    return (i->two_byte ? exec_two_byte : exec_one_byte)[i->opcode];
}
