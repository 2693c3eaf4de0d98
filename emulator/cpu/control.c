/* control.c - far transfers between code segments: JMP/CALL/RET far, IRET, INT n. */

/*
 * A far transfer loads CS, and loading CS is how the privilege level
 * changes.  The rules (SDM Vol. 3A 5.8) keep privilege from rising by
 * accident: a far JMP or CALL straight to a code segment stays at the same
 * level (a non-conforming segment needs DPL = CPL; a conforming one runs at
 * the caller's CPL).  Returns (RET far, IRET) may go to a LESS privileged
 * level: the selector's RPL names it, and the outer level's SS:ESP are
 * popped too.  Going up in privilege happens only through gates: interrupt
 * and trap gates (except.c), and call gates, which trapeze leaves out (a far
 * JMP/CALL to any system descriptor is #GP(selector)).
 *
 * IRET also restores EFLAGS, but not all of it: IOPL changes only at CPL 0
 * and IF only when CPL <= IOPL, silently otherwise (SDM Vol. 2A IRET).  That
 * silence is what chapter 4's binary translator is about.
 *
 * Every check and stack read happens before the first register changes,
 * so that a faulting transfer is restartable.
 */

#include <setjmp.h>

#include "mem.h"
#include "seg.h"

/* SDM Vol. 3A 20.1: real-address mode far transfer: CS = selector * 16. */
static void far_real(struct cpu *c, uint16_t sel, uint32_t off)
{
    seg_load_real(c, SEG_CS, sel);
    c->eip = off;
}

/* SDM Vol. 3A 5.8.1: a far JMP/CALL target code segment at the same level.
 * Conforming: DPL <= CPL.  Non-conforming: RPL <= CPL and DPL = CPL.
 * Then present (#NP) and the offset within the limit (#GP(0)). */
static void check_same_level_target(struct cpu *c, uint16_t sel, uint32_t off, struct desc *d)
{
    seg_read_code(c, sel, 0, d);
    uint16_t a = desc_attr(d);
    unsigned cpl = (unsigned)c->cpl;
    if (attr_is_conforming(a) ? SEG_ATTR_DPL(a) > cpl
                              : SEL_RPL(sel) > cpl || SEG_ATTR_DPL(a) != cpl)
        cpu_raise_gp(c, SEL_ERR(sel));
    if (!(a & SEG_ATTR_P))
        cpu_raise(c, EXC_NP, true, SEL_ERR(sel));
    if (off > desc_limit(d))
        cpu_raise_gp(c, 0);
}

/* Load CS:EIP for a same-level transfer whose checks passed. */
static void enter_same_level(struct cpu *c, uint16_t sel, uint32_t off, struct desc *d)
{
    seg_set_accessed(c, sel, d);
    seg_load_cs(c, sel, d, c->cpl);
    c->eip = off;
}

/* A 16-bit operand size truncates the target offset. */
static uint32_t far_offset(uint32_t off, const struct insn *i)
{
    return i->opsize == 2 ? off & 0xffffu : off;
}

/* JMP ptr16:32 / m16:32: same-level jump to a code segment. */
void ctl_far_jmp(struct cpu *c, uint16_t sel, uint32_t off, const struct insn *i)
{
    struct desc d;
    off = far_offset(off, i);
    if (!cpu_protected(c)) {
        far_real(c, sel, off);
        return;
    }
    check_same_level_target(c, sel, off, &d);
    enter_same_level(c, sel, off, &d);
}

/* SDM Vol. 2A CALL: push CS and the return EIP (operand-size values), then
 * jump as JMP does. */
void ctl_far_call(struct cpu *c, uint16_t sel, uint32_t off, const struct insn *i)
{
    struct desc d;
    struct stack st = stack_current(c);
    off = far_offset(off, i);
    if (cpu_protected(c))
        check_same_level_target(c, sel, off, &d);
    stack_push(c, &st, c->seg[SEG_CS].sel, i->opsize);
    stack_push(c, &st, i->next_eip, i->opsize);
    stack_commit(c, &st);
    if (cpu_protected(c))
        enter_same_level(c, sel, off, &d);
    else
        far_real(c, sel, off);
}

/* SDM Vol. 2B RET (far): the return CS must have RPL >= CPL; a conforming
 * segment needs DPL <= RPL, a non-conforming one DPL = RPL; then present. */
static void check_return_cs(struct cpu *c, uint16_t sel, struct desc *d)
{
    if (sel_is_null(sel))
        cpu_raise_gp(c, 0);
    if (SEL_RPL(sel) < (unsigned)c->cpl)
        cpu_raise_gp(c, SEL_ERR(sel));
    seg_read_code(c, sel, 0, d);
    uint16_t a = desc_attr(d);
    if (attr_is_conforming(a) ? SEG_ATTR_DPL(a) > SEL_RPL(sel) : SEG_ATTR_DPL(a) != SEL_RPL(sel))
        cpu_raise_gp(c, SEL_ERR(sel));
    if (!(a & SEG_ATTR_P))
        cpu_raise(c, EXC_NP, true, SEL_ERR(sel));
    seg_set_accessed(c, sel, d);
}

/* SDM Vol. 2B RET/IRET: after returning to an outer level, DS, ES, FS and
 * GS are nulled if they hold data or non-conforming code segments more
 * privileged than the new CPL, so the outer code cannot use them. */
static void null_inner_data_segments(struct cpu *c)
{
    static const int regs[] = { SEG_ES, SEG_DS, SEG_FS, SEG_GS };
    for (unsigned k = 0; k < sizeof regs / sizeof regs[0]; k++) {
        struct seg *s = &c->seg[regs[k]];
        bool guarded = attr_is_data(s->attr) || (attr_is_code(s->attr) && !attr_is_conforming(s->attr));
        if ((s->attr & SEG_ATTR_P) && guarded && SEG_ATTR_DPL(s->attr) < (unsigned)c->cpl)
            *s = (struct seg){ 0 };
    }
}

/* The outer level's SS:ESP, popped from `st` and checked (SDM Vol. 2B RET,
 * IRET: SS must be a writable data segment with RPL = DPL = the new CPL). */
static void pop_outer_stack(struct cpu *c, struct stack *st, unsigned size, int cpl,
                            struct stack *outer)
{
    uint32_t esp = stack_pop(c, st, size);
    uint16_t ss = (uint16_t)stack_pop(c, st, size);
    seg_check_stack(c, ss, cpl, EXC_GP, 0, &outer->ss);
    outer->esp = esp;
}

/* Commit a return: CS:EIP at privilege level `cpl`, and the stack. */
static void commit_return(struct cpu *c, uint16_t sel, uint32_t eip, struct desc *d,
                          const struct stack *st)
{
    int cpl = (int)SEL_RPL(sel);
    bool outer = cpl > c->cpl;
    if (outer)
        c->seg[SEG_SS] = st->ss;
    stack_commit(c, st);
    seg_load_cs(c, sel, d, cpl);
    c->eip = eip;
    if (outer)
        null_inner_data_segments(c);
}

/* SDM Vol. 2B RET: ESP moves past the popped values, then by imm16 on the
 * stack that ends up in use. */
static void release_bytes(struct stack *st, uint16_t n)
{
    uint32_t mask = (st->ss.attr & SEG_ATTR_DB) ? 0xffffffffu : 0xffffu;
    st->esp = (st->esp & ~mask) | ((st->esp + n) & mask);
}

/* RETF [imm16]: same level, or to an outer level with its SS:ESP. */
void ctl_far_ret(struct cpu *c, uint16_t pop_bytes, const struct insn *i)
{
    struct stack st = stack_current(c);
    struct desc d;
    uint32_t eip = stack_pop(c, &st, i->opsize);
    uint16_t sel = (uint16_t)stack_pop(c, &st, i->opsize);
    release_bytes(&st, pop_bytes);
    if (!cpu_protected(c)) {
        stack_commit(c, &st);
        far_real(c, sel, eip);
        return;
    }
    check_return_cs(c, sel, &d);
    if (SEL_RPL(sel) > (unsigned)c->cpl) {
        struct stack outer = { 0 };
        pop_outer_stack(c, &st, i->opsize, (int)SEL_RPL(sel), &outer);
        release_bytes(&outer, pop_bytes);
        st = outer;
    }
    if (eip > desc_limit(&d))
        cpu_raise_gp(c, 0);
    commit_return(c, sel, eip, &d, &st);
}

/* --- IRET ------------------------------------------------------------------------ */

/* SDM Vol. 2A IRET, "RETURN-TO-SAME/OUTER-PRIVILEGE-LEVEL": which EFLAGS
 * bits the popped value may change, decided at the CPL and IOPL in force
 * before the return.  VM is never set here (virtual-8086 returns are not
 * implemented); a 16-bit IRET changes only the low 16 bits. */
static uint32_t iret_flags_mask(const struct cpu *c, uint32_t old, unsigned size)
{
    unsigned iopl = (old & FLAG_IOPL) >> FLAG_IOPL_SHIFT;
    uint32_t mask = FLAGS_ARITH | FLAG_TF | FLAG_DF | FLAG_NT;
    if (size == 4)
        mask |= FLAG_RF | FLAG_AC | FLAG_ID;
    if ((unsigned)c->cpl <= iopl)
        mask |= FLAG_IF;
    if (c->cpl == 0)
        mask |= FLAG_IOPL;
    return size == 4 ? mask : mask & 0xffffu;
}

/* The EFLAGS a popped image yields under those rules. */
static uint32_t iret_flags(struct cpu *c, uint32_t popped, unsigned size)
{
    uint32_t old = cpu_get_eflags(c);
    uint32_t mask = iret_flags_mask(c, old, size);
    return (old & ~mask) | (popped & mask) | FLAG_FIXED;
}

/* Real-address mode IRET: pop IP, CS, FLAGS; all flags may change. */
static void iret_real(struct cpu *c, unsigned size)
{
    struct stack st = stack_current(c);
    uint32_t eip = stack_pop(c, &st, size);
    uint16_t sel = (uint16_t)stack_pop(c, &st, size);
    uint32_t flags = stack_pop(c, &st, size);
    stack_commit(c, &st);
    far_real(c, sel, eip);
    cpu_set_eflags(c, iret_flags(c, flags, size));
}

/* IRET: same level or outer level, EFLAGS under the CPL/IOPL rules. */
void ctl_iret(struct cpu *c, const struct insn *i)
{
    unsigned size = i->opsize;
    if (!cpu_protected(c)) {
        iret_real(c, size);
        return;
    }
    /* SDM Vol. 2A IRET: NT=1 is a return from a nested task (a hardware task
     * switch) and EFLAGS.VM=1 in the image a return to virtual-8086 mode;
     * trapeze implements neither and raises #GP(0). */
    if (c->eflags & FLAG_NT)
        cpu_raise_gp(c, 0);
    struct stack st = stack_current(c);
    struct desc d;
    uint32_t eip = stack_pop(c, &st, size);
    uint16_t sel = (uint16_t)stack_pop(c, &st, size);
    uint32_t flags = stack_pop(c, &st, size);
    if (size == 4 && (flags & FLAG_VM) && c->cpl == 0)
        cpu_raise_gp(c, 0);
    check_return_cs(c, sel, &d);
    if (SEL_RPL(sel) > (unsigned)c->cpl) {
        struct stack outer = { 0 };
        pop_outer_stack(c, &st, size, (int)SEL_RPL(sel), &outer);
        st = outer;
    }
    if (eip > desc_limit(&d))
        cpu_raise_gp(c, 0);
    flags = iret_flags(c, flags, size);   /* at the old CPL */
    commit_return(c, sel, eip, &d, &st);
    cpu_set_eflags(c, flags);
}

/* --- INT n ------------------------------------------------------------------------- */

#define OPCODE_INTO 0xce

/* SDM Vol. 2A INT n/INTO/INT3: a software interrupt is delivered like any
 * other event (except.c) with the next instruction as return address; INTO
 * only when OF is set.  If the delivery ends in an exit (the monitor's
 * intercept, or a triple fault), the instruction cannot return a value, so
 * it records the exit and unwinds to the run loop, whose cpu_deliver() call
 * hands it back. */
void ctl_int(struct cpu *c, int vector, const struct insn *i)
{
    if (!i->two_byte && i->opcode == OPCODE_INTO && !(cpu_get_eflags(c) & FLAG_OF))
        return;
    c->eip = i->next_eip;
    int r = cpu_deliver(c, EVENT_SOFTINT, vector, false, 0);
    if (r >= 0) {
        c->exit_pending = true;
        c->pending_exit = (enum cpu_exit)r;
        longjmp(*(jmp_buf *)c->jmp, 1);
    }
}
