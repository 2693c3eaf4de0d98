/* exec.c - execute one decoded instruction: the opcode switch. */

/*
 * exec_insn() is a table in the shape of the SDM's opcode maps (Vol. 2A
 * appendix A): one row per opcode, the mnemonic in a comment, and a call to
 * a small helper that does the work.  The helpers share three rules:
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

/* PUSH Sreg: modern processors write only the 16-bit selector, even with a
 * 32-bit operand size (SDM Vol. 2B PUSH, operation notes). */
static void push_sreg(struct cpu *c, const struct insn *i, int s)
{
    uint32_t sp = sp_plus(c, -(uint32_t)i->opsize);

    mem_write16(c, SEG_SS, sp & sp_mask(c), c->seg[s].sel);
    c->reg[ESP] = sp;
}

/* POP Sreg. */
static void pop_sreg(struct cpu *c, const struct insn *i, int s)
{
    uint16_t sel = (uint16_t)stack_peek(c, 0, 2);

    load_sreg(c, s, sel);
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
        uint32_t d = rmw_read(c, i, size);
        uint32_t v = alu_arith(c, op, d, reg_read(c, i->reg, size), size);
        if (op != ALU_CMP)
            rmw_write(c, i, v, size);
        else
            alu_commit(c);
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
    uint32_t d = rmw_read(c, i, size);
    uint32_t v = alu_arith(c, (enum alu_op)i->reg, d, i->imm, size);

    if (i->reg != ALU_CMP)
        rmw_write(c, i, v, size);
    else
        alu_commit(c);
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

/* --- the two-byte map (0F xx), SDM Vol. 2A table A-3 -------------------------- */

static void exec_0f(struct cpu *c, const struct insn *i)
{
    uint8_t op = i->opcode;

    switch (op) {
    case 0x00: flags_materialize(c); sys_group6(c, i); break;         /* SLDT STR LLDT LTR VERR VERW */
    case 0x01: flags_materialize(c); sys_group7(c, i); break;         /* SGDT SIDT LGDT LIDT SMSW LMSW INVLPG */
    case 0x02:
    case 0x03: flags_materialize(c); sys_lar_lsl(c, i); break;        /* LAR LSL */
    case 0x06: sys_clts(c); break;                                    /* CLTS */
    case 0x08:
    case 0x09: sys_invd(c); break;                                    /* INVD WBINVD */
    case 0x18 ... 0x1f: break;                                        /* PREFETCH, NOP r/m (hints) */
    case 0x20:
    case 0x22: sys_mov_cr(c, i); break;                               /* MOV r32, CRn / CRn, r32 */
    case 0x21:
    case 0x23: sys_mov_dr(c, i); break;                               /* MOV r32, DRn / DRn, r32 */
    case 0x30: sys_wrmsr(c); break;                                   /* WRMSR */
    case 0x31: sys_rdtsc(c); break;                                   /* RDTSC */
    case 0x32: sys_rdmsr(c); break;                                   /* RDMSR */
    case 0x40 ... 0x4f: {                                             /* CMOVcc r, r/m */
        uint32_t v = rm_read(c, i, i->opsize);                        /* read even if false */
        if (alu_cond(c, op & 0xf))
            reg_write(c, i->reg, v, i->opsize);
        break;
    }
    case 0x80 ... 0x8f:                                               /* Jcc rel16/32 */
        if (alu_cond(c, op & 0xf))
            jump_near(c, i, i->next_eip + i->imm);
        break;
    case 0x90 ... 0x9f: rm_write(c, i, alu_cond(c, op & 0xf), 1); break;   /* SETcc r/m8 */
    case 0xa0: push_sreg(c, i, SEG_FS); break;                        /* PUSH FS */
    case 0xa1: pop_sreg(c, i, SEG_FS); break;                         /* POP FS */
    case 0xa2: sys_cpuid(c); break;                                   /* CPUID */
    case 0xa3: bit_test(c, i, 0, false); break;                       /* BT r/m, r */
    case 0xa4:
    case 0xa5: double_shift(c, i); break;                             /* SHLD */
    case 0xa8: push_sreg(c, i, SEG_GS); break;                        /* PUSH GS */
    case 0xa9: pop_sreg(c, i, SEG_GS); break;                         /* POP GS */
    case 0xab: bit_test(c, i, 1, false); break;                       /* BTS r/m, r */
    case 0xac:
    case 0xad: double_shift(c, i); break;                             /* SHRD */
    case 0xaf:                                                        /* IMUL r, r/m */
        reg_write(c, i->reg, alu_imul(c, reg_read(c, i->reg, i->opsize),
                                      rm_read(c, i, i->opsize), i->opsize), i->opsize);
        break;
    case 0xb0:
    case 0xb1: cmpxchg(c, i); break;                                  /* CMPXCHG */
    case 0xb2: load_far(c, i, SEG_SS); break;                         /* LSS */
    case 0xb3: bit_test(c, i, 2, false); break;                       /* BTR r/m, r */
    case 0xb4: load_far(c, i, SEG_FS); break;                         /* LFS */
    case 0xb5: load_far(c, i, SEG_GS); break;                         /* LGS */
    case 0xb6:
    case 0xb7: reg_write(c, i->reg, rm_read(c, i, op == 0xb6 ? 1 : 2), i->opsize); break;  /* MOVZX */
    case 0xba:                                                        /* BT BTS BTR BTC r/m, imm8 */
        if (i->reg < 4)
            cpu_raise_ud(c);
        bit_test(c, i, i->reg - 4, true);
        break;
    case 0xbb: bit_test(c, i, 3, false); break;                       /* BTC r/m, r */
    case 0xbc:
    case 0xbd: bit_scan(c, i); break;                                 /* BSF BSR */
    case 0xbe:
    case 0xbf: {                                                      /* MOVSX */
        unsigned from = op == 0xbe ? 1 : 2;
        reg_write(c, i->reg, alu_sext(rm_read(c, i, from), from), i->opsize);
        break;
    }
    case 0xc0:
    case 0xc1: xadd(c, i); break;                                     /* XADD */
    case 0xc7: cmpxchg8b(c, i); break;                                /* CMPXCHG8B m64 */
    case 0xc8 ... 0xcf:                                               /* BSWAP r32 */
        c->reg[op & 7] = __builtin_bswap32(c->reg[op & 7]);
        break;
    default: cpu_raise_ud(c);                                         /* 0B UD2 and the rest */
    }
}

/* --- the one-byte map, SDM Vol. 2A table A-2 ----------------------------------- */

void exec_insn(struct cpu *c, const struct insn *i)
{
    uint8_t op = i->opcode;
    unsigned size = opsize_w(i);

    if (unlikely(i->lock) && !lock_allowed(i))
        cpu_raise_ud(c);                          /* SDM Vol. 2A 2.1.1 */
    if (i->two_byte) {
        exec_0f(c, i);
        return;
    }
    switch (op) {
    case 0x00 ... 0x05:                                               /* ADD */
    case 0x08 ... 0x0d:                                               /* OR  */
    case 0x10 ... 0x15:                                               /* ADC */
    case 0x18 ... 0x1d:                                               /* SBB */
    case 0x20 ... 0x25:                                               /* AND */
    case 0x28 ... 0x2d:                                               /* SUB */
    case 0x30 ... 0x35:                                               /* XOR */
    case 0x38 ... 0x3d: alu_form(c, i); break;                        /* CMP */
    case 0x06: push_sreg(c, i, SEG_ES); break;                        /* PUSH ES */
    case 0x07: pop_sreg(c, i, SEG_ES); break;                         /* POP ES */
    case 0x0e: push_sreg(c, i, SEG_CS); break;                        /* PUSH CS */
    case 0x16: push_sreg(c, i, SEG_SS); break;                        /* PUSH SS */
    case 0x17: pop_sreg(c, i, SEG_SS); break;                         /* POP SS */
    case 0x1e: push_sreg(c, i, SEG_DS); break;                        /* PUSH DS */
    case 0x1f: pop_sreg(c, i, SEG_DS); break;                         /* POP DS */
    case 0x27: alu_daa(c); break;                                     /* DAA */
    case 0x2f: alu_das(c); break;                                     /* DAS */
    case 0x37: alu_aaa(c); break;                                     /* AAA */
    case 0x3f: alu_aas(c); break;                                     /* AAS */
    case 0x40 ... 0x47:                                               /* INC r */
        reg_write(c, op & 7, alu_inc(c, reg_read(c, op & 7, i->opsize), i->opsize), i->opsize);
        break;
    case 0x48 ... 0x4f:                                               /* DEC r */
        reg_write(c, op & 7, alu_dec(c, reg_read(c, op & 7, i->opsize), i->opsize), i->opsize);
        break;
    case 0x50 ... 0x57: cpu_push(c, reg_read(c, op & 7, i->opsize), i->opsize); break;  /* PUSH r */
    case 0x58 ... 0x5f: {                                             /* POP r */
        uint32_t v = cpu_pop(c, i->opsize);
        reg_write(c, op & 7, v, i->opsize);
        break;
    }
    case 0x60: pusha(c, i); break;                                    /* PUSHA */
    case 0x61: popa(c, i); break;                                     /* POPA */
    case 0x62: bound(c, i); break;                                    /* BOUND */
    case 0x63: flags_materialize(c); sys_arpl(c, i); break;           /* ARPL */
    case 0x68:
    case 0x6a: cpu_push(c, i->imm, i->opsize); break;                 /* PUSH imm */
    case 0x69:
    case 0x6b:                                                        /* IMUL r, r/m, imm */
        reg_write(c, i->reg, alu_imul(c, rm_read(c, i, i->opsize), i->imm, i->opsize), i->opsize);
        break;
    case 0x6c ... 0x6f: string_insn(c, i); break;                     /* INS OUTS */
    case 0x70 ... 0x7f:                                               /* Jcc rel8 */
        if (alu_cond(c, op & 0xf))
            jump_near(c, i, i->next_eip + i->imm);
        break;
    case 0x80 ... 0x83: group1(c, i); break;                          /* grp1 r/m, imm */
    case 0x84:
    case 0x85: alu_arith(c, ALU_AND, rm_read(c, i, size), reg_read(c, i->reg, size), size); break;  /* TEST */
    case 0x86:
    case 0x87: xchg_rm(c, i); break;                                  /* XCHG r/m, r */
    case 0x88:
    case 0x89: rm_write(c, i, reg_read(c, i->reg, size), size); break;   /* MOV r/m, r */
    case 0x8a:
    case 0x8b: reg_write(c, i->reg, rm_read(c, i, size), size); break;   /* MOV r, r/m */
    case 0x8c: mov_from_sreg(c, i); break;                            /* MOV r/m, Sreg */
    case 0x8d:                                                        /* LEA */
        if (insn_is_reg(i))
            cpu_raise_ud(c);
        reg_write(c, i->reg, i->ea, i->opsize);
        break;
    case 0x8e: mov_to_sreg(c, i); break;                              /* MOV Sreg, r/m */
    case 0x8f: pop_rm(c, i); break;                                   /* POP r/m */
    case 0x90: break;                                                 /* NOP, PAUSE */
    case 0x91 ... 0x97: {                                             /* XCHG eAX, r */
        uint32_t a = reg_read(c, EAX, i->opsize);
        reg_write(c, EAX, reg_read(c, op & 7, i->opsize), i->opsize);
        reg_write(c, op & 7, a, i->opsize);
        break;
    }
    case 0x98:
    case 0x99: sign_extend_acc(c, i); break;                          /* CBW/CWDE CWD/CDQ */
    case 0x9a: flags_materialize(c); ctl_far_call(c, (uint16_t)i->imm2, i->imm, i); break;  /* CALL ptr */
    case 0x9b: fpu_escape(c, i); break;                               /* WAIT */
    case 0x9c:
    case 0x9d: pushf_popf(c, i); break;                               /* PUSHF POPF */
    case 0x9e:
    case 0x9f: ah_flags(c, i); break;                                 /* SAHF LAHF */
    case 0xa0:
    case 0xa1: reg_write(c, EAX, mem_read(c, i->ea_seg, i->imm, size), size); break;  /* MOV acc, moffs */
    case 0xa2:
    case 0xa3: mem_write(c, i->ea_seg, i->imm, reg_read(c, EAX, size), size); break;  /* MOV moffs, acc */
    case 0xa4 ... 0xa7: string_insn(c, i); break;                     /* MOVS CMPS */
    case 0xa8:
    case 0xa9: alu_arith(c, ALU_AND, reg_read(c, EAX, size), i->imm, size); break;    /* TEST acc, imm */
    case 0xaa ... 0xaf: string_insn(c, i); break;                     /* STOS LODS SCAS */
    case 0xb0 ... 0xb7: reg_write(c, op & 7, i->imm, 1); break;       /* MOV r8, imm8 */
    case 0xb8 ... 0xbf: reg_write(c, op & 7, i->imm, i->opsize); break;  /* MOV r, imm */
    case 0xc0:
    case 0xc1: group2(c, i); break;                                   /* shift r/m, imm8 */
    case 0xc2: ret_near(c, i, i->imm); break;                         /* RET imm16 */
    case 0xc3: ret_near(c, i, 0); break;                              /* RET */
    case 0xc4: load_far(c, i, SEG_ES); break;                         /* LES */
    case 0xc5: load_far(c, i, SEG_DS); break;                         /* LDS */
    case 0xc6:
    case 0xc7:                                                        /* MOV r/m, imm */
        if (i->reg != 0)
            cpu_raise_ud(c);
        rm_write(c, i, i->imm, size);
        break;
    case 0xc8: enter_insn(c, i); break;                               /* ENTER */
    case 0xc9: leave_insn(c, i); break;                               /* LEAVE */
    case 0xca: flags_materialize(c); ctl_far_ret(c, (uint16_t)i->imm, i); break;   /* RETF imm16 */
    case 0xcb: flags_materialize(c); ctl_far_ret(c, 0, i); break;     /* RETF */
    case 0xcc: soft_int(c, i, EXC_BP); break;                         /* INT3 */
    case 0xcd: soft_int(c, i, (int)i->imm); break;                    /* INT imm8 */
    case 0xce:                                                        /* INTO */
        if (alu_cond(c, 0))
            soft_int(c, i, EXC_OF);
        break;
    case 0xcf: flags_materialize(c); ctl_iret(c, i); break;           /* IRET */
    case 0xd0 ... 0xd3: group2(c, i); break;                          /* shift r/m, 1 / CL */
    case 0xd4: alu_aam(c, (uint8_t)i->imm); break;                    /* AAM */
    case 0xd5: alu_aad(c, (uint8_t)i->imm); break;                    /* AAD */
    case 0xd7: {                                                      /* XLAT */
        uint32_t ea = (c->reg[EBX] + reg_read(c, EAX, 1)) & alu_mask(i->addrsize);
        reg_write(c, EAX, mem_read8(c, i->ea_seg, ea), 1);
        break;
    }
    case 0xd8 ... 0xdf: fpu_escape(c, i); break;                      /* x87 ESC */
    case 0xe0 ... 0xe3: loop_insn(c, i); break;                       /* LOOPNE LOOPE LOOP JECXZ */
    case 0xe4 ... 0xe7:                                               /* IN/OUT imm8 */
    case 0xec ... 0xef: in_out(c, i); break;                          /* IN/OUT DX */
    case 0xe8: call_near(c, i, i->next_eip + i->imm); break;          /* CALL rel */
    case 0xe9:
    case 0xeb: jump_near(c, i, i->next_eip + i->imm); break;          /* JMP rel */
    case 0xea: flags_materialize(c); ctl_far_jmp(c, (uint16_t)i->imm2, i->imm, i); break;  /* JMP ptr */
    case 0xf4: sys_hlt(c); break;                                     /* HLT */
    case 0xf5: alu_set_flags(c, FLAG_CF, alu_cf(c) ? 0 : FLAG_CF); break;   /* CMC */
    case 0xf6:
    case 0xf7: group3(c, i); break;                                   /* grp3 */
    case 0xf8: alu_set_flags(c, FLAG_CF, 0); break;                   /* CLC */
    case 0xf9: alu_set_flags(c, FLAG_CF, FLAG_CF); break;             /* STC */
    case 0xfa: flags_materialize(c); sys_cli(c); break;               /* CLI */
    case 0xfb: flags_materialize(c); sys_sti(c); break;               /* STI */
    case 0xfc: c->eflags &= ~FLAG_DF; break;                          /* CLD */
    case 0xfd: c->eflags |= FLAG_DF; break;                           /* STD */
    case 0xfe:                                                        /* grp4: INC/DEC r/m8 */
        if (i->reg > 1)
            cpu_raise_ud(c);
        inc_dec_rm(c, i, 1);
        break;
    case 0xff: group5(c, i); break;                                   /* grp5 */
    default: cpu_raise_ud(c);                                         /* D6 SALC, F1 ICEBP, ... */
    }
}
