/* except.c - exceptions and interrupts: raising them, and delivering them through the IDT. */

/*
 * An instruction that cannot complete raises an exception: cpu_raise()
 * records it in c->exit and unwinds (longjmp) to the run loop, which calls
 * cpu_deliver().  External interrupts and INT n arrive at cpu_deliver() too.
 *
 * Delivery in protected mode (SDM Vol. 3A 6.12) reads the gate for the
 * vector from the IDT.  The gate names a code segment and an entry point.
 * If that code segment is more privileged than the current code, the
 * processor switches to the stack for the new privilege level, whose SS:ESP
 * it reads from the task-state segment (TSS), and pushes the old SS:ESP
 * there; then it pushes EFLAGS, CS, EIP and, for some exceptions, an error
 * code, and jumps to the handler.  IRET (control.c) undoes it.
 *
 * Delivery itself can fault (a bad gate, a stack that is not mapped).  The
 * SDM's answer (6.15, tables 6-4 and 6-5) is the double fault: a fault
 * during the delivery of a contributory fault or a page fault becomes #DF;
 * a fault during the delivery of #DF shuts the processor down, which a PC
 * turns into a reset: the triple fault.  cpu_deliver() therefore catches
 * faults of its own and never lets them escape.
 *
 * From chapter 2 on, the monitor owns ring 0: with c->intercept_ring0 set,
 * cpu_deliver() does not consult the IDT at all; it describes the event in
 * c->exit and returns CPU_EXIT_RING0, like a VM exit.
 */

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

#include "mem.h"
#include "seg.h"

/* Record the exception in c->exit, put EIP back on the faulting
 * instruction, and unwind to the run loop (never returns). */
_Noreturn void cpu_raise(struct cpu *c, int vector, bool has_error, uint32_t error)
{
    if (c->jmp == NULL) {
        /* A broken invariant of the emulator, not a guest action. */
        fprintf(stderr, "trapeze: exception %d raised outside cpu_run() (c->jmp is NULL)\n",
                vector);
        abort();
    }
    c->exit = (struct cpu_exit_info){
        .kind = EVENT_EXCEPTION,
        .vector = (uint8_t)vector,
        .has_error = has_error,
        .error = has_error ? error : 0,
        .cr2 = vector == EXC_PF ? c->cr2 : 0,
        .eip = c->insn_eip,
        .next_eip = c->insn_eip,
    };
    /* SDM Vol. 3A 6.5: a fault reports the faulting instruction, which
     * restarts after the handler returns. */
    c->eip = c->insn_eip;
    longjmp(*(jmp_buf *)c->jmp, 1);
}

/* #GP(error). */
_Noreturn void cpu_raise_gp(struct cpu *c, uint32_t error)
{
    cpu_raise(c, EXC_GP, true, error);
}

/* #UD, no error code. */
_Noreturn void cpu_raise_ud(struct cpu *c)
{
    cpu_raise(c, EXC_UD, false, 0);
}

/* An event being delivered. */
struct event {
    enum cpu_event_kind kind;
    int vector;
    bool has_error;
    uint32_t error;
};

/* SDM Vol. 3A 6.13: EXT (error-code bit 0) says the fault happened while
 * delivering an event external to the program: anything but INT n, INT3 and
 * INTO. */
static uint32_t event_ext(const struct event *ev)
{
    return ev->kind == EVENT_SOFTINT ? 0 : 1;
}

/* SDM Vol. 3A 6.13: an error code naming IDT entry `vector` has IDT=1 (bit 1). */
static uint32_t idt_error(const struct event *ev)
{
    return (uint32_t)ev->vector * 8 + 2 + event_ext(ev);
}

/* --- real-address mode ------------------------------------------------------ */

/* SDM Vol. 3A 20.1.4: the interrupt vector table holds 4-byte IP:CS pairs;
 * the processor pushes FLAGS, CS, IP and clears IF, TF and AC. */
static void deliver_real(struct cpu *c, const struct event *ev)
{
    uint32_t entry = (uint32_t)ev->vector * 4;
    if (entry + 3 > c->idtr.limit)
        cpu_raise_gp(c, 0);
    uint32_t ip_cs = lin_read(c, c->idtr.base + entry, 4, ACC_SUPER);
    struct stack st = stack_current(c);
    stack_push(c, &st, cpu_get_eflags(c), 2);
    stack_push(c, &st, c->seg[SEG_CS].sel, 2);
    stack_push(c, &st, c->eip, 2);
    stack_commit(c, &st);
    seg_load_real(c, SEG_CS, (uint16_t)(ip_cs >> 16));
    c->eip = ip_cs & 0xffffu;
    c->eflags &= ~(FLAG_IF | FLAG_TF | FLAG_AC);
}

/* --- protected mode ----------------------------------------------------------- */

/*
 * SDM Vol. 3A 6.11, figure 6-2: interrupt and trap gates.
 *
 *  hi: 31            16 15 14 13 12      8 7     0
 *     +----------------+--+-----+----------+-------+
 *     |  offset 31:16  | P| DPL | 0 D 1 1 T|   0   |    T=0 interrupt, T=1 trap
 *     +----------------+--+-----+----------+-------+    D=1 32-bit gate
 *  lo: 31            16 15                        0
 *     +----------------+---------------------------+
 *     |   selector     |        offset 15:0        |
 *     +----------------+---------------------------+
 */
#define GATE_TYPE_TASK   0x5u
#define GATE_TYPE_TRAP   0x1u    /* type bit 0: trap gate (IF left alone) */
#define GATE_TYPE_32     0x8u    /* type bit 3: 32-bit gate */
#define GATE_TYPE_INTR16 0x6u
#define GATE_TYPE_TRAP16 0x7u
#define GATE_TYPE_INTR32 0xeu
#define GATE_TYPE_TRAP32 0xfu

/* A decoded IDT gate. */
struct gate {
    uint16_t sel;
    uint32_t offset;
    unsigned type, dpl;
    bool present;
};

/* Read the gate for the event's vector.  SDM Vol. 3A 6.12.1.1: outside the
 * IDT limit, or not an interrupt or trap gate, is #GP(vector*8+2+EXT).  Task
 * gates would need hardware task switching, which trapeze does not
 * implement: they fault the same way. */
static struct gate read_gate(struct cpu *c, const struct event *ev)
{
    uint32_t entry = (uint32_t)ev->vector * 8;
    if (entry + 7 > c->idtr.limit)
        cpu_raise_gp(c, idt_error(ev));
    uint32_t lo = lin_read(c, c->idtr.base + entry, 4, ACC_SUPER);
    uint32_t hi = lin_read(c, c->idtr.base + entry + 4, 4, ACC_SUPER);
    struct gate g = {
        .sel = (uint16_t)(lo >> 16),
        .offset = (lo & 0xffffu) | (hi & 0xffff0000u),
        .type = (hi >> 8) & 0x1fu,      /* S bit and type: S must be 0 */
        .dpl = (hi >> 13) & 3u,
        .present = (hi >> 15) & 1u,
    };
    if (g.type != GATE_TYPE_INTR32 && g.type != GATE_TYPE_TRAP32 &&
        g.type != GATE_TYPE_INTR16 && g.type != GATE_TYPE_TRAP16)
        cpu_raise_gp(c, idt_error(ev));
    if (!(g.type & GATE_TYPE_32))
        g.offset &= 0xffffu;
    return g;
}

/* SDM Vol. 3A 6.12.1.1: INT n, INT3 and INTO may only use gates with
 * DPL >= CPL, so user code cannot call kernel-only vectors; other events
 * ignore the gate's DPL.  A gate that is not present is #NP. */
static void check_gate(struct cpu *c, const struct event *ev, const struct gate *g)
{
    if (ev->kind == EVENT_SOFTINT && g->dpl < (unsigned)c->cpl)
        cpu_raise_gp(c, idt_error(ev));
    if (!g->present)
        cpu_raise(c, EXC_NP, true, idt_error(ev));
}

/* SDM Vol. 3A 6.12.1: the handler's code segment must be a present code
 * segment with DPL <= CPL.  Returns the handler's privilege level: its DPL,
 * or the CPL for a conforming segment. */
static int check_handler_cs(struct cpu *c, const struct gate *g, uint32_t ext, struct desc *d)
{
    seg_read_code(c, g->sel, ext, d);
    uint16_t a = desc_attr(d);
    if (SEG_ATTR_DPL(a) > (unsigned)c->cpl)
        cpu_raise_gp(c, SEL_ERR(g->sel) | ext);
    if (!(a & SEG_ATTR_P))
        cpu_raise(c, EXC_NP, true, SEL_ERR(g->sel) | ext);
    return attr_is_conforming(a) ? c->cpl : (int)SEG_ATTR_DPL(a);
}

/* SDM Vol. 3A 7.2.1, figure 7-2: a 32-bit TSS holds ESPn at 4 + 8n and SSn
 * at 8 + 8n for rings n = 0, 1, 2.  Reading beyond its limit is
 * #TS(TSS selector + EXT). */
#define TSS_ESP0 4u
#define TSS_RING_STRIDE 8u

/* The stack for privilege level `cpl`, from the TSS, checked (SDM Vol. 3A
 * 6.12.1, "stack switch": SS faults are #TS, a not-present SS is #SS). */
static struct stack tss_stack(struct cpu *c, int cpl, uint32_t ext)
{
    const struct seg *tr = &c->seg[SEG_TR];
    uint32_t off = TSS_ESP0 + TSS_RING_STRIDE * (uint32_t)cpl;
    if (!(tr->attr & SEG_ATTR_P) || off + 5 > tr->limit)
        cpu_raise(c, EXC_TS, true, SEL_ERR(tr->sel) | ext);
    uint32_t esp = lin_read(c, tr->base + off, 4, ACC_SUPER);
    uint16_t ss = (uint16_t)lin_read(c, tr->base + off + 4, 2, ACC_SUPER);
    struct stack st = { .esp = esp, .fault_error = SEL_ERR(ss) | ext };
    seg_check_stack(c, ss, cpl, EXC_TS, ext, &st.ss);
    /* Pushes on the new stack are made at the new privilege level. */
    st.acc = cpl == 3 ? ACC_USER : ACC_SUPER;
    return st;
}

/* SDM Vol. 3A 6.12.1, figure 6-4: push the handler's frame.  On a stack
 * switch the old SS:ESP go first.  Returns nothing; commits nothing. */
static void push_frame(struct cpu *c, struct stack *st, const struct event *ev,
                       bool switched, unsigned size)
{
    if (switched) {
        stack_push(c, st, c->seg[SEG_SS].sel, size);
        stack_push(c, st, c->reg[ESP], size);
    }
    stack_push(c, st, cpu_get_eflags(c), size);
    stack_push(c, st, c->seg[SEG_CS].sel, size);
    stack_push(c, st, c->eip, size);
    if (ev->has_error)
        stack_push(c, st, ev->error, size);
}

/* Deliver through the IDT.  Every check and memory access happens before
 * the first register changes, so a fault here leaves the state as it was. */
static void deliver_protected(struct cpu *c, const struct event *ev)
{
    uint32_t ext = event_ext(ev);
    struct gate g = read_gate(c, ev);
    struct desc cs;
    check_gate(c, ev, &g);
    int new_cpl = check_handler_cs(c, &g, ext, &cs);
    bool switched = new_cpl < c->cpl;
    struct stack st = switched ? tss_stack(c, new_cpl, ext) : stack_current(c);
    if (!switched)
        st.fault_error = ext;
    if (g.offset > desc_limit(&cs))
        cpu_raise_gp(c, ext);
    push_frame(c, &st, ev, switched, (g.type & GATE_TYPE_32) ? 4 : 2);
    seg_set_accessed(c, g.sel, &cs);
    /* Commit. */
    if (switched)
        c->seg[SEG_SS] = st.ss;
    stack_commit(c, &st);
    seg_load_cs(c, g.sel, &cs, new_cpl);
    c->eip = g.offset;
    /* SDM Vol. 3A 6.12.1.3: TF, NT, RF, VM cleared; IF too for an interrupt gate. */
    c->eflags &= ~(FLAG_TF | FLAG_NT | FLAG_RF | FLAG_VM);
    if (!(g.type & GATE_TYPE_TRAP))
        c->eflags &= ~FLAG_IF;
}

/* --- double fault, SDM Vol. 3A 6.15 table 6-4 ------------------------------------ */

enum fault_class { CLASS_BENIGN, CLASS_CONTRIBUTORY, CLASS_PAGE_FAULT, CLASS_DOUBLE_FAULT };

/* Benign, contributory, page fault or double fault (table 6-4). */
static enum fault_class fault_class(const struct event *ev)
{
    if (ev->kind != EVENT_EXCEPTION)
        return CLASS_BENIGN;   /* INTR and INT n are benign */
    switch (ev->vector) {
    case EXC_DE: case EXC_TS: case EXC_NP: case EXC_SS: case EXC_GP:
        return CLASS_CONTRIBUTORY;
    case EXC_PF:
        return CLASS_PAGE_FAULT;
    case EXC_DF:
        return CLASS_DOUBLE_FAULT;
    default:
        return CLASS_BENIGN;
    }
}

/* SDM Vol. 3A 6.15, table 6-5: does `second`, raised while delivering
 * `first`, become a double fault? */
static bool makes_double_fault(const struct event *first, const struct event *second)
{
    enum fault_class a = fault_class(first), b = fault_class(second);
    if (a == CLASS_CONTRIBUTORY)
        return b == CLASS_CONTRIBUTORY;
    if (a == CLASS_PAGE_FAULT)
        return b == CLASS_CONTRIBUTORY || b == CLASS_PAGE_FAULT;
    return false;
}

/* Table 6-5, first = #DF: a contributory fault or page fault while
 * delivering #DF means shutdown. */
static bool makes_shutdown(const struct event *first, const struct event *second)
{
    return fault_class(first) == CLASS_DOUBLE_FAULT && fault_class(second) != CLASS_BENIGN;
}

/* --- the entry point ---------------------------------------------------------------- */

/* What c->exit says about an event: eip is the instruction that caused it
 * (the interrupted one for INTR), next_eip where the handler would return. */
static struct cpu_exit_info describe(const struct cpu *c, const struct event *ev)
{
    return (struct cpu_exit_info){
        .kind = ev->kind,
        .vector = (uint8_t)ev->vector,
        .has_error = ev->has_error,
        .error = ev->error,
        .cr2 = (ev->kind == EVENT_EXCEPTION && ev->vector == EXC_PF) ? c->cr2 : 0,
        .eip = ev->kind == EVENT_EXTINT ? c->eip : c->insn_eip,
        .next_eip = c->eip,
    };
}

/* Deliver once; returns 1 if delivery raised a fault (now in c->exit). */
static int deliver_guarded(struct cpu *c, const struct event *ev, jmp_buf *jb)
{
    if (setjmp(*jb))
        return 1;
    if (cpu_protected(c))
        deliver_protected(c, ev);
    else
        deliver_real(c, ev);
    return 0;
}

/* Table 6-5 allows at most this many faults before shutdown while
 * delivering one event: a contributory fault and then a page fault (both
 * handled serially), then the double fault.  The bound keeps a broken rule
 * (or a student's stub) from looping forever. */
#define MAX_NESTED_FAULTS 3

/* Deliver with the double- and triple-fault rules.  Returns -1, or
 * CPU_EXIT_TRIPLE_FAULT with c->exit describing the original event. */
static int deliver_nested(struct cpu *c, struct event ev)
{
    struct cpu_exit_info original = describe(c, &ev);
    jmp_buf jb;
    int result = -1, nested = 0;
    void *outer = c->jmp;
    c->jmp = &jb;
    while (deliver_guarded(c, &ev, &jb)) {
        struct event fault = { EVENT_EXCEPTION, c->exit.vector, c->exit.has_error, c->exit.error };
        if (makes_shutdown(&ev, &fault) || ++nested > MAX_NESTED_FAULTS) {
            c->exit = original;
            result = CPU_EXIT_TRIPLE_FAULT;
            break;
        }
        if (makes_double_fault(&ev, &fault))
            fault = (struct event){ EVENT_EXCEPTION, EXC_DF, true, 0 };
        ev = fault;
        c->stat_vectors[ev.vector]++;
    }
    c->jmp = outer;
    return result;
}

int cpu_deliver(struct cpu *c, enum cpu_event_kind kind, int vector, bool has_error,
                uint32_t error)
{
    struct event ev = { kind, vector, has_error, has_error ? error : 0 };
    if (c->exit_pending) {   /* ctl_int already delivered, and it ended in an exit */
        c->exit_pending = false;
        return (int)c->pending_exit;
    }
    c->stat_vectors[vector & 0xff]++;
    if (c->intercept_ring0) {
        c->exit = describe(c, &ev);
        return CPU_EXIT_RING0;
    }
    /* A fault while delivering INTR reports the interrupted instruction. */
    if (kind == EVENT_EXTINT)
        c->insn_eip = c->eip;
    return deliver_nested(c, ev);
}
