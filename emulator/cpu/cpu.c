/* cpu.c - reset, the run loop, and the CPU's small public interface. */

/*
 * cpu_run() is the processor's heartbeat.  Between two instructions it looks
 * at the world, in this order:
 *
 *   1. did the owner ask us to stop (cpu_request_exit)?
 *   2. is an external interrupt pending and accepted?  (INTR pin, EFLAGS.IF,
 *      no STI/MOV SS shadow, SDM Vol. 3A 6.8.3) -> acknowledge it and deliver
 *   3. are we halted?  -> return CPU_EXIT_HLT without executing
 *   4. is there a breakpoint at EIP?  -> return CPU_EXIT_DEBUG
 *
 * then decodes and executes one instruction.  A fault anywhere inside an
 * instruction is raised with cpu_raise(), which records it and longjmps back
 * here: the instruction has changed nothing visible (see exec.c), EIP is
 * back on it, and we deliver the exception through the IDT, or return if
 * delivery says the owner must see it (a triple fault, a ring-0 intercept).
 */

#include <setjmp.h>
#include <string.h>

#include "alu.h"
#include "dcache.h"
#include "exec.h"

/* SDM Vol. 3A 9.1.1, table 9-1: segment attributes after reset, as
 * attr bits (see cpu.h): present, DPL 0, code/data, accessed. */
#define RESET_CODE_ATTR  (SEG_ATTR_P | SEG_ATTR_S | 0xb)   /* execute/read, accessed */
#define RESET_DATA_ATTR  (SEG_ATTR_P | SEG_ATTR_S | 0x3)   /* read/write, accessed */
#define RESET_LDT_ATTR   (SEG_ATTR_P | 0x2)                /* LDT */
#define RESET_TSS_ATTR   (SEG_ATTR_P | 0xb)                /* busy 32-bit TSS */

/* Table 9-1: CR0 = 60000010H (CD, NW, ET), DR6 = FFFF0FF0H, DR7 = 00000400H,
 * EDX = processor signature (family 6 here, matching what CPUID reports). */
#define RESET_CR0 (CR0_CD | CR0_NW | CR0_ET)
#define RESET_DR6 0xffff0ff0u
#define RESET_DR7 0x00000400u
#define RESET_EDX 0x00000600u
#define REAL_MODE_LIMIT 0xffffu

/* IA32_APIC_BASE after reset, SDM Vol. 3A 10.4.4: base FEE00000H, enabled
 * (bit 11), bootstrap processor (bit 8). */
#define RESET_APIC_BASE 0xfee00900u

/* Power-on reset: F000:FFF0 with CS base FFFF0000H, real-address mode. */
int cpu_init(struct cpu *c, const struct cpu_bus *bus)
{
    memset(c, 0, sizeof(*c));
    c->bus = *bus;
    c->eflags = FLAG_FIXED;
    c->eip = 0xfff0;
    c->reg[EDX] = RESET_EDX;
    c->cr0 = RESET_CR0;
    c->dr[6] = RESET_DR6;
    c->dr[7] = RESET_DR7;
    c->apic_base = RESET_APIC_BASE;
    for (int s = SEG_ES; s <= SEG_GS; s++)
        cpu_load_seg_raw(c, s, 0, 0, REAL_MODE_LIMIT, RESET_DATA_ATTR);
    cpu_load_seg_raw(c, SEG_CS, 0xf000, 0xffff0000u, REAL_MODE_LIMIT, RESET_CODE_ATTR);
    cpu_load_seg_raw(c, SEG_LDTR, 0, 0, REAL_MODE_LIMIT, RESET_LDT_ATTR);
    cpu_load_seg_raw(c, SEG_TR, 0, 0, REAL_MODE_LIMIT, RESET_TSS_ATTR);
    c->gdtr.limit = c->idtr.limit = REAL_MODE_LIMIT;
    tlb_flush_all(c);
    return 0;
}

/* Flat 4 GiB segments (G=1, D/B=1), Multiboot spec 3.2 "Machine state". */
#define FLAT_CODE_SEL 0x08
#define FLAT_DATA_SEL 0x10
#define FLAT_ATTR (SEG_ATTR_G | SEG_ATTR_DB)

/* The state a Multiboot loader leaves: PE on, PG off, flat CPL-0 segments, IF clear. */
void cpu_set_flat32(struct cpu *c)
{
    c->cr0 = (c->cr0 | CR0_PE) & ~CR0_PG;
    cpu_set_eflags(c, FLAG_FIXED);
    for (int s = SEG_ES; s <= SEG_GS; s++)
        cpu_load_seg_raw(c, s, FLAT_DATA_SEL, 0, 0xffffffffu, FLAT_ATTR | RESET_DATA_ATTR);
    cpu_load_seg_raw(c, SEG_CS, FLAT_CODE_SEL, 0, 0xffffffffu, FLAT_ATTR | RESET_CODE_ATTR);
    c->halted = false;
    tlb_flush_all(c);
}

/* Segment register load without checks.  SDM Vol. 3A 5.5: CPL is the RPL
 * of CS in protected mode and 0 in real-address mode. */
void cpu_load_seg_raw(struct cpu *c, enum cpu_sreg s, uint16_t sel,
                      uint32_t base, uint32_t limit, uint16_t attr)
{
    c->seg[s] = (struct seg){ .sel = sel, .attr = attr, .base = base, .limit = limit };
    if (s == SEG_CS) {
        c->cpl = (c->cr0 & CR0_PE) ? (sel & 3) : 0;
        fetch_flush(c);
    }
}

/* EFLAGS with the lazy arithmetic flags folded in. */
uint32_t cpu_get_eflags(struct cpu *c)
{
    return flags_materialize(c);
}

/* Replace EFLAGS; bit 1 always reads as 1 (SDM Vol. 1 3.4.3). */
void cpu_set_eflags(struct cpu *c, uint32_t eflags)
{
    c->lazy_op = LAZY_NONE;
    c->eflags = eflags | FLAG_FIXED;
    cpu_kick(c);                  /* TF or IF may have changed */
}

/* Drive the INTR pin; run_loop samples it between instructions. */
void cpu_set_intr(struct cpu *c, bool level)
{
    c->intr = level;
    if (level)
        cpu_kick(c);
}

/* Make cpu_run() return CPU_EXIT_REQUEST at the next instruction boundary. */
void cpu_request_exit(struct cpu *c)
{
    c->exit_request = true;
    cpu_kick(c);
}

/* Is EIP a breakpoint we have not just reported? */
static bool at_breakpoint(struct cpu *c)
{
    if (c->bp_skip && c->eip == c->bp_skip_eip)
        return false;
    c->bp_skip = false;
    for (int k = 0; k < c->nbreakpoints; k++) {
        if (c->breakpoints[k] == c->eip) {
            c->bp_skip = true;
            c->bp_skip_eip = c->eip;
            return true;
        }
    }
    return false;
}

/* Accept an external interrupt if INTR is up, IF is set and no shadow is
 * active.  Returns an exit reason, -1 to go on (delivered or nothing to do). */
static int interrupt_window(struct cpu *c)
{
    if (!c->intr || !(c->eflags & FLAG_IF) || c->inhibit_intr)
        return -1;
    c->halted = false;
    flags_materialize(c);
    return cpu_deliver(c, EVENT_EXTINT, c->bus.intr_ack(c->bus.opaque), false, 0);
}

/* SDM Vol. 3A 17.2.3: DR6.BS, "single step", set by the TF trap. */
#define DR6_BS 0x4000u

/* Decode and execute the instruction at CS:EIP.  With EFLAGS.TF set when it
 * starts, a #DB trap follows it (SDM Vol. 3A 17.3.1.4): the event reports
 * the next instruction, like every trap. */
static void execute_one(struct cpu *c)
{
    struct insn scratch;
    const struct insn *i;
    uint8_t shadow = c->inhibit_intr;
    bool single_step = c->eflags & FLAG_TF;

    c->insn_eip = c->eip;
    i = dcache_decode(c, &scratch);
    c->eip = i->next_eip;
    exec_insn(c, i);
    c->icount++;
    if (shadow)
        c->inhibit_intr = 0;                      /* the shadow covered this instruction */
    if (unlikely(single_step)) {
        c->dr[6] |= DR6_BS;
        c->insn_eip = c->eip;
        cpu_raise(c, EXC_DB, false, 0);
    }
}

/* Must the next instruction run through execute_one's single-step and
 * interrupt-shadow bookkeeping, or the breakpoint check? */
static bool needs_care(const struct cpu *c, bool step)
{
    return step || (c->eflags & FLAG_TF) || c->inhibit_intr || c->nbreakpoints;
}

/*
 * The fast loop: instructions back to back while nothing needs a look between
 * them, which is nearly always.  Everything run_loop checks between two
 * instructions can only change in a few places, and each of them calls
 * cpu_kick() (cpu_internal.h), which ends this loop after the current
 * instruction: cpu_request_exit, a rising INTR (cpu_set_intr), HLT, STI and
 * MOV/POP SS (the interrupt shadow), and every EFLAGS load that may set TF
 * or IF (cpu_set_eflags: POPF, IRET).  So one compare per instruction
 * replaces the checks.  A fault leaves through cpu_raise's longjmp as usual.
 */
__attribute__((noinline)) static void run_fast(struct cpu *c)
{
    struct insn scratch;
    const struct insn *i;

    while (likely(c->icount < c->slice_end)) {
        c->insn_eip = c->eip;
        i = dcache_decode(c, &scratch);
        c->eip = i->next_eip;
        exec_insn(c, i);
        c->icount++;
    }
}

/*
 * The loop proper, between cpu_run's setjmp and its return: runs until `end`
 * instructions have retired (or one step if `step`).  Returns the exit.
 * (Kept out of run_guarded: a function that calls setjmp is compiled
 * cautiously, and this loop is the hottest code in the program.)
 */
__attribute__((noinline)) static enum cpu_exit run_loop(struct cpu *c, uint64_t end, bool step)
{
    int r;

    for (;;) {
        if (unlikely(c->exit_request)) {
            c->exit_request = false;
            return CPU_EXIT_REQUEST;
        }
        if (unlikely(c->intr) && (r = interrupt_window(c)) >= 0)
            return (enum cpu_exit)r;
        if (unlikely(c->halted))
            return CPU_EXIT_HLT;
        if (c->icount >= end)
            return CPU_EXIT_BUDGET;
        if (unlikely(c->nbreakpoints) && at_breakpoint(c))
            return CPU_EXIT_DEBUG;
        if (needs_care(c, step)) {
            execute_one(c);
        } else {
            c->slice_end = end;
            if (c->jit)
                jit_run(c);
            else
                run_fast(c);
        }
        if (unlikely(c->halted))
            return CPU_EXIT_HLT;
        if (step)
            return CPU_EXIT_BUDGET;
    }
}

/* A fault unwound to cpu_run: put the flags back as they were before the
 * faulting instruction, then deliver the event.  INT n (EVENT_SOFTINT) has
 * completed as an instruction, so it counts as retired. */
static int deliver_raised(struct cpu *c)
{
    alu_rollback(c);
    flags_materialize(c);
    if (c->exit.kind == EVENT_SOFTINT)
        c->icount++;
    return cpu_deliver(c, c->exit.kind, c->exit.vector, c->exit.has_error, c->exit.error);
}

/* Run with a setjmp landing pad for cpu_raise(). */
static enum cpu_exit run_guarded(struct cpu *c, uint64_t max_insns, bool step)
{
    jmp_buf env;
    void *volatile outer = c->jmp;
    volatile uint64_t end = c->icount + max_insns;
    enum cpu_exit r;

    c->jmp = &env;
    fetch_flush(c);                 /* the owner may have changed CS, CPL or paging */
    if (setjmp(env) != 0) {
        int d = deliver_raised(c);
        if (d >= 0 || step) {
            c->jmp = outer;
            return d >= 0 ? (enum cpu_exit)d : CPU_EXIT_BUDGET;
        }
    }
    r = run_loop(c, end, step);
    c->jmp = outer;
    return r;
}

/* Run until an exit or until max_insns instructions have retired. */
enum cpu_exit cpu_run(struct cpu *c, uint64_t max_insns)
{
    return run_guarded(c, max_insns, false);
}

/* Execute exactly one instruction (or deliver one pending event). */
enum cpu_exit cpu_step(struct cpu *c)
{
    return run_guarded(c, 1, true);
}
