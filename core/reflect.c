/* reflect.c - deliver the guest's exceptions and interrupts through its own (virtual) IDT. */

/*
 * With ring 0 intercepted, the CPU never reads an IDT: every exception,
 * INT n and external interrupt exits to the monitor.  Those that belong to
 * the guest are "reflected": the monitor does what the processor would
 * have done with the guest's IDT (SDM Vol. 3A 6.12): read the gate, check
 * it, switch to the stack named by the guest's TSS if the handler is more
 * privileged than the code it interrupts (the guest's ring 3 entering a
 * non-conforming ring-0 segment), push the frame the guest handler
 * expects, and jump.  Everything is read and written in guest memory only,
 * and every selector the guest sees in the frame is the one it believes in
 * (CS with RPL 0, not 1).
 *
 * A fault while reflecting follows the SDM's double-fault rules (6.15):
 * a contributory fault or page fault during the delivery of one becomes
 * #DF, and a fault while delivering #DF is a triple fault, which stops
 * the VM (the monitor itself carries on, with its state intact).
 */
#include "monitor_internal.h"

#define GATE_BYTES 8u
/* SDM Vol. 3A 6.11, figure 6-2: gate type bits 12:8 of the high dword. */
#define GATE_INTR32 0x0eu
#define GATE_TRAP32 0x0fu
#define GATE_P      0x8000u
#define GATE_DPL_SHIFT 13
/* SDM Vol. 3A 7.2.1, figure 7-2: ESP0 at 4 and SS0 at 8 in a 32-bit TSS. */
#define TSS_ESP0 4u
#define TSS_SS0  8u
/* SDM Vol. 3A 3.4.5: DPL of a descriptor's high dword. */
#define DESC_DPL(hi) (((hi) >> 13) & 3u)
#define DESC_P 0x8000u
#define DESC_CODE_S 0x1800u        /* S = 1 and type bit 3: a code segment */
#define DESC_CONFORMING 0x0400u    /* type bit 2 of a code segment (SDM Vol. 3A 3.4.5.1) */
#define DESC_DATA_MASK 0x1a00u     /* S, type bit 3 (code) and bit 1 (writable) */
#define DESC_DATA_W 0x1200u        /* S = 1, data, writable */

/* An event on its way to the guest. */
struct event {
    enum cpu_event_kind kind;
    uint8_t vector;
    bool has_error;
    uint32_t error;
};

/* A decoded gate of the guest's IDT. */
struct gate {
    uint16_t sel;
    uint32_t offset;
    bool trap;                     /* trap gate: IF left alone */
};

/* SDM Vol. 3A 6.13: EXT = 1 unless the event is INT n / INT3 / INTO; an
 * error code naming IDT entry v is v*8 + 2 (IDT bit) + EXT. */
static uint32_t ext_bit(const struct event *ev)
{
    return ev->kind == EVENT_SOFTINT ? 0 : 1;
}

/* The fault `vector` with error code `error` (every fault that delivery
 * itself raises has one: #TS, #NP, #SS, #GP, and #DF's 0). */
static struct guest_fault fault_of(uint8_t vector, uint32_t error)
{
    return (struct guest_fault){ .vector = vector, .has_error = true, .error = error };
}

/* Did a guest-memory access (glin_read/write's result rc) fail?  A page
 * fault replaces the fault the caller prepared in *f: with paging, the
 * processor's own accesses during delivery can raise #PF (SDM Vol. 3A
 * 6.15, table 6-5: and a #PF there becomes #DF). */
static bool glin_fault(struct monitor *mon, int rc, struct guest_fault *f)
{
    if (rc == GLIN_PAGE_FAULT)
        *f = mon->fault;
    return rc < 0;
}

/* SDM Vol. 3A 6.12.1.1: read and check the gate.  Returns 0 or -1 with *f. */
static int read_gate(struct monitor *mon, const struct event *ev, struct gate *g,
                     struct guest_fault *f)
{
    uint32_t d[2], idt_err = ev->vector * GATE_BYTES + 2 + ext_bit(ev);
    *f = fault_of(EXC_GP, idt_err);
    if (ev->vector * GATE_BYTES + GATE_BYTES - 1 > mon->v.idtr.limit)
        return -1;
    if (glin_fault(mon, glin_read(mon, mon->v.idtr.base + ev->vector * GATE_BYTES, d, sizeof(d)), f))
        return -1;
    unsigned type = (d[1] >> 8) & 0x1fu;
    if (type != GATE_INTR32 && type != GATE_TRAP32)
        return -1;                 /* 16-bit and task gates: not in chapter 2's guests */
    if (ev->kind == EVENT_SOFTINT && ((d[1] >> GATE_DPL_SHIFT) & 3u) < (unsigned)mon->v.cpl)
        return -1;                 /* INT n checks the gate's DPL against CPL */
    if (!(d[1] & GATE_P)) {
        *f = fault_of(EXC_NP, idt_err);
        return -1;
    }
    *g = (struct gate){ .sel = (uint16_t)(d[0] >> 16), .trap = type == GATE_TRAP32,
                        .offset = (d[0] & 0xffffu) | (d[1] & 0xffff0000u) };
    return 0;
}

/* SDM Vol. 3A 6.12.1: the handler's segment is a present code segment with
 * DPL <= CPL.  The handler runs at its DPL, except in a conforming segment,
 * which keeps the current CPL: no privilege change, no stack switch (SDM
 * Vol. 2A INT n, "IF code segment is conforming OR code segment DPL = CPL
 * THEN GOTO INTRA-PRIVILEGE-LEVEL-INTERRUPT"; except.c's check_handler_cs).
 * Returns that level (the guest's new CPL: 0 to 3) with the limit of the
 * guest's own descriptor in *limit, or -1 with *f. */
static int handler_cpl(struct monitor *mon, const struct gate *g, uint32_t ext, uint32_t *limit,
                       struct guest_fault *f)
{
    uint32_t lo, hi;
    *f = fault_of(EXC_GP, (g->sel & 0xfffcu) | ext);
    if (shadow_guest_desc(mon, g->sel, &lo, &hi) < 0 || (hi & DESC_CODE_S) != DESC_CODE_S ||
        DESC_DPL(hi) > (unsigned)mon->v.cpl)
        return -1;
    if (!(hi & DESC_P)) {
        *f = fault_of(EXC_NP, (g->sel & 0xfffcu) | ext);
        return -1;
    }
    *limit = shadow_desc_limit(lo, hi);
    return (hi & DESC_CONFORMING) ? mon->v.cpl : (int)DESC_DPL(hi);
}

/*
 * SDM Vol. 2A INT n: "IF EIP not within code segment limits THEN #GP(EXT)"
 * -- the error code names the null selector -- checked after the stack is
 * chosen and before anything is pushed, as except.c does.  The limit is
 * the one in the guest's own descriptor, because that is what bare
 * hardware reads.  The real CS holds the shadow's, cut below
 * MONITOR_LINEAR (shadow_gdt.c), and an entry point between the two would
 * start the handler in the monitor's region: bare hardware runs code
 * there, no guest code can run there under the monitor, and a #GP would
 * be a fault the guest's CPU never raises.  So the VM stops, saying why,
 * like a handler in ring 1 or 2.  Returns EMU_DONE, EMU_FAULT with *f, or
 * EMU_STOP.
 */
static int check_entry(struct monitor *mon, const struct event *ev, const struct gate *g,
                       uint32_t guest_limit, const struct seg *cs, struct guest_fault *f)
{
    if (g->offset > guest_limit) {
        *f = fault_of(EXC_GP, ext_bit(ev));
        return EMU_FAULT;
    }
    if (g->offset > cs->limit)
        return emu_stop(mon, MACHINE_UNSUPPORTED, "guest handler for vector %u starts at linear "
                        "0x%08x, in the monitor's region (segment truncation)", ev->vector,
                        cs->base + g->offset);
    return EMU_DONE;
}

/* SDM Vol. 3A 6.12.1, "stack switch", as bare hardware checks SS0 (seg.c's
 * seg_check_stack): a null selector is #TS(EXT); one beyond the GDT, with
 * RPL or DPL other than 0, or not a writable data segment is
 * #TS(selector + EXT); not present is #SS(selector + EXT).  The checks read
 * the guest's own descriptor; the real segment is its shadow (absent if it
 * would reach the monitor: #SS).  Returns 0 with *ss, or -1 with *f. */
static int check_ss0(struct monitor *mon, uint16_t sel, uint32_t ext, struct seg *ss,
                     struct guest_fault *f)
{
    uint32_t lo, hi, err = (sel & 0xfffcu) | ext;
    *f = fault_of(EXC_TS, (sel & ~3u) == 0 ? ext : err);
    if ((sel & ~3u) == 0 || shadow_guest_desc(mon, sel, &lo, &hi) < 0 || (sel & 3u) != 0 ||
        DESC_DPL(hi) != 0 || (hi & DESC_DATA_MASK) != DESC_DATA_W)
        return -1;
    *f = fault_of(EXC_SS, err);
    if (!(hi & DESC_P) || shadow_gdt_segment(mon, sel, ss) < 0)
        return -1;
    return 0;
}

/* Where the frame goes: the current stack, or the guest TSS's SS0:ESP0
 * when the guest was in its ring 3.  Returns 0 or -1 with *f (#TS, #SS). */
static int frame_stack(struct monitor *mon, bool switched, uint32_t ext, struct seg *ss,
                       uint32_t *esp, struct guest_fault *f)
{
    struct cpu *c = mon->c;
    if (!switched) {
        *ss = c->seg[SEG_SS];
        *esp = c->reg[ESP];
        return 0;
    }
    uint16_t sel = 0;
    *f = fault_of(EXC_TS, (mon->v.tr.sel & 0xfffcu) | ext);
    if (!(mon->v.tr.attr & SEG_ATTR_P) || TSS_SS0 + 1 > mon->v.tr.limit ||
        glin_fault(mon, glin_read(mon, mon->v.tr.base + TSS_ESP0, esp, 4), f) ||
        glin_fault(mon, glin_read(mon, mon->v.tr.base + TSS_SS0, &sel, 2), f))
        return -1;
    return check_ss0(mon, sel, ext, ss, f);
}

/* Push the frame of figure 6-4 (32-bit) at ss:esp.  Returns 0 or -1 with
 * *f (#SS as set by the caller, or a #PF). */
static int push_frame(struct monitor *mon, const struct event *ev, bool switched,
                      const struct seg *ss, uint32_t *esp, struct guest_fault *f)
{
    struct cpu *c = mon->c;
    uint32_t frame[6], n = 0;
    if (ev->has_error)
        frame[n++] = ev->error;
    frame[n++] = c->eip;
    frame[n++] = vcpu_visible_sel(c->seg[SEG_CS].sel);
    frame[n++] = vcpu_get_eflags(&mon->v, c);
    if (switched) {
        frame[n++] = c->reg[ESP];
        frame[n++] = vcpu_visible_sel(c->seg[SEG_SS].sel);
    }
    uint32_t bytes = n * 4, new_esp = *esp - bytes;
    if (new_esp > *esp || new_esp + bytes - 1 > ss->limit ||
        glin_fault(mon, glin_write(mon, ss->base + new_esp, frame, bytes), f))
        return -1;
    *esp = new_esp;
    return 0;
}

/* Ring compression has no room for a handler in the guest's ring 1 or 2:
 * the guest kernel already runs in ring 1.  The VM stops. */
static int unsupported_ring(struct monitor *mon, const struct event *ev, int cpl)
{
    return emu_stop(mon, MACHINE_UNSUPPORTED, "guest handler for vector %u runs in ring %d: "
                    "ring compression leaves only the guest's rings 0 and 3", ev->vector, cpl);
}

/* Commit a checked delivery: the frame's stack, CS:EIP of the handler with
 * CS.RPL = the new CPL (SDM Vol. 2A INT n; the guest's ring 0 is the real
 * ring 1), and the flags.  Cannot fail. */
static void enter_handler(struct monitor *mon, const struct gate *g, int cpl, const struct seg *cs,
                          const struct seg *ss, uint32_t esp)
{
    struct cpu *c = mon->c;
    uint16_t sel = vcpu_real_sel((uint16_t)((g->sel & 0xfffcu) | (unsigned)cpl));
    c->seg[SEG_SS] = *ss;
    c->reg[ESP] = esp;
    cpu_load_seg_raw(c, SEG_CS, sel, cs->base, cs->limit, cs->attr);
    c->eip = g->offset;
    /* SDM Vol. 3A 6.12.1.3: TF, NT, RF, VM cleared; IF too through an interrupt gate. */
    cpu_set_eflags(c, cpu_get_eflags(c) & ~(FLAG_TF | FLAG_NT | FLAG_RF | FLAG_VM));
    if (!g->trap)
        vcpu_set_if(&mon->v, false);
    c->halted = false;
    vcpu_sync_cpl(&mon->v, c);
    mon->reflected++;
}

/* Deliver once, in except.c's order: gate, handler segment, stack, entry
 * point, frame.  Returns EMU_DONE, EMU_FAULT with the fault in *f (no
 * state changed), or EMU_STOP. */
static int deliver(struct monitor *mon, const struct event *ev, struct guest_fault *f)
{
    struct gate g;
    struct seg cs, ss;
    uint32_t esp, limit, ext = ext_bit(ev);
    if (read_gate(mon, ev, &g, f) < 0)
        return EMU_FAULT;
    int rc, cpl = handler_cpl(mon, &g, ext, &limit, f);
    if (cpl == 1 || cpl == 2)
        return unsupported_ring(mon, ev, cpl);
    if (cpl < 0 || shadow_gdt_segment(mon, g.sel, &cs) < 0)
        return EMU_FAULT;
    bool switched = cpl < mon->v.cpl;
    if (frame_stack(mon, switched, ext, &ss, &esp, f) < 0)
        return EMU_FAULT;
    if ((rc = check_entry(mon, ev, &g, limit, &cs, f)) != EMU_DONE)
        return rc;
    *f = (struct guest_fault){ .vector = EXC_SS, .has_error = true, .error = ext };
    if (push_frame(mon, ev, switched, &ss, &esp, f) < 0)
        return EMU_FAULT;
    enter_handler(mon, &g, cpl, &cs, &ss, esp);
    return EMU_DONE;
}

/* SDM Vol. 3A 6.15, table 6-4: contributory exceptions. */
static bool contributory(uint8_t v)
{
    return v == EXC_DE || v == EXC_TS || v == EXC_NP || v == EXC_SS || v == EXC_GP;
}

/* Table 6-5: does fault `second` while delivering `first` make a #DF? */
static bool makes_double(const struct event *first, uint8_t second)
{
    if (first->kind != EVENT_EXCEPTION)
        return false;
    bool second_serious = contributory(second) || second == EXC_PF;
    return (contributory(first->vector) && contributory(second)) ||
           (first->vector == EXC_PF && second_serious);
}

/* INT n, INT3 and INTO are traps, so their frame returns past them (the
 * CPU's exit left EIP there) -- but a fault while delivering one (a gate
 * of too high a DPL or not present, a bad stack) is a fault of the INT
 * instruction itself, whose frame points at it (SDM Vol. 3A 6.5,
 * 6.12.1.1): put EIP back where the CPU found the INT. */
static void rewind_to_int(struct monitor *mon)
{
    mon->c->eip = mon->c->exit.eip;
}

int reflect_event(struct monitor *mon, enum cpu_event_kind kind, uint8_t vector,
                  bool has_error, uint32_t error)
{
    struct event ev = { kind, vector, has_error, has_error ? error : 0 };
    struct guest_fault f;
    int rc;
    while ((rc = deliver(mon, &ev, &f)) == EMU_FAULT) {
        if (ev.kind == EVENT_SOFTINT)
            rewind_to_int(mon);
        if (ev.kind == EVENT_EXCEPTION && ev.vector == EXC_DF)
            return monitor_triple_fault(mon, &f);
        if (makes_double(&ev, f.vector))
            f = fault_of(EXC_DF, 0);
        ev = (struct event){ EVENT_EXCEPTION, f.vector, f.has_error, f.error };
    }
    return rc;
}
