/* monitor.c - the trap-and-emulate monitor: attach to a machine, and the exit switch. */

/*
 * Popek and Goldberg (1974): a machine can be virtualized by a monitor that
 * runs the guest directly, deprivileged, if every instruction that reads or
 * changes privileged state traps when executed outside the most privileged
 * mode.  The monitor then only has to catch the traps and emulate.
 *
 * Here the guest kernel runs in ring 1 on the emulated CPU and the monitor
 * owns ring 0: with cpu->intercept_ring0 set, any event that would enter
 * ring 0 makes cpu_run() return CPU_EXIT_RING0, like a VM exit.  The bare
 * machine's loop (machine_run) keeps doing what it does -- batches, timers,
 * HLT -- and hands each such exit to monitor_exit() below, whose switch is
 * the whole idea of the chapter on one screen:
 *
 *   privileged instruction  -> decode it, emulate it on the virtual CPU
 *   port I/O                -> the same device models as on bare hardware
 *   HLT                     -> the machine skips virtual time to the next event
 *   page fault              -> the guest touched MMIO: do that one access
 *   external interrupt      -> deliver it through the guest's IDT
 *   INT n, other exception  -> the guest's own: deliver it through its IDT
 *   ... which it cannot take -> triple fault: the VM stops, the monitor lives on
 *
 * x86 breaks the theorem: some instructions read privileged state without
 * trapping (SGDT, PUSHF, ...).  `trapeze popek` shows which.
 */
#include <stdlib.h>
#include <string.h>

#include "monitor_internal.h"
#include "trace.h"

/* Could this exception be an instruction the monitor runs for the guest?
 * Any #GP at the guest's CPL 0 (and #NP: IRET to ring 3, see
 * shadow_gdt.c); in its ring 3 only a #GP(0), which is how CPUID, CLI,
 * STI and I/O fault there. */
static bool may_emulate(const struct monitor *mon, const struct cpu_exit_info *x)
{
    if (mon->v.cpl == 0)
        return x->vector == EXC_GP || x->vector == EXC_NP;
    return x->vector == EXC_GP && x->has_error && x->error == 0;
}

/* SDM Vol. 2A HLT: CPL 0 only.  In the guest's ring 3 it is the guest's
 * #GP(0), which the monitor reflects like any exception and counts as one:
 * the guest never halted. */
static enum mon_exit hlt_reason(const struct monitor *mon)
{
    return mon->v.cpl == 0 ? MON_EXIT_HLT : MON_EXIT_EXCEPTION;
}

/* What the exit is, from the CPU's description of the event; an
 * instruction's exit also decodes it into *d (and mon->last_insn).  One
 * that cannot be decoded (EIP beyond CS's limit) is the guest's fault. */
static enum mon_exit exit_reason(struct monitor *mon, struct cpu_decoded *d)
{
    const struct cpu_exit_info *x = &mon->c->exit;
    if (x->kind == EVENT_EXTINT)
        return MON_EXIT_EXTINT;
    if (x->kind == EVENT_SOFTINT)
        return MON_EXIT_SOFTINT;
    if (x->vector == EXC_PF)
        return MON_EXIT_PAGE_FAULT;
    if (!may_emulate(mon, x) || cpu_decode(mon->c, d) < 0)
        return MON_EXIT_EXCEPTION;
    mon->last_insn = emu_classify(d);
    switch (mon->last_insn) {
    case INSN_IN: case INSN_OUT: case INSN_INS_OUTS: return MON_EXIT_PIO;
    case INSN_HLT:                                  return hlt_reason(mon);
    default:                                        return MON_EXIT_PRIVILEGED;
    }
}

/* The event stands: deliver it to the guest as the CPU reported it. */
static int reflect_exit(struct monitor *mon)
{
    const struct cpu_exit_info *x = &mon->c->exit;
    return reflect_event(mon, x->kind, x->vector, x->has_error, x->error);
}

/* After an instruction's emulation: count it (as not-emulated if the
 * monitor left it to the guest), then give the guest the fault it
 * raises: the CPU's own (EMU_UNKNOWN) or the emulation's (EMU_FAULT). */
static int emulated(struct monitor *mon, int rc)
{
    mon->insn_exits[rc == EMU_UNKNOWN ? INSN_OTHER : mon->last_insn]++;
    if (rc == EMU_UNKNOWN)
        return reflect_exit(mon);
    if (rc == EMU_FAULT)
        return reflect_event(mon, EVENT_EXCEPTION, mon->fault.vector, mon->fault.has_error,
                             mon->fault.error);
    return rc;
}

/* SDM Vol. 3A 6.15, interrupt 8: a fault while delivering #DF is a triple
 * fault, after which a PC shuts down.  Here the VM stops with a report and
 * the monitor is untouched: a failed delivery commits nothing, so its
 * shadow GDT, the vcpu and the CPU's registers stay as they were. */
int monitor_triple_fault(struct monitor *mon, const struct guest_fault *f)
{
    const char *name = trace_vector_name(f->vector);
    return emu_stop(mon, MACHINE_TRIPLE_FAULT,
                    "guest triple fault: %s (vector %u) while delivering #DF at EIP 0x%08x",
                    name ? name : "fault", f->vector, mon->c->eip);
}

uint32_t monitor_outside_ram(const struct monitor *mon, uint32_t gpa)
{
    uint32_t end_of_ram = mon->mem_phys + MONITOR_BYTES;
    return gpa >= mon->guest_ram && gpa < end_of_ram ? end_of_ram + (gpa & 0xfffu) : gpa;
}

/* Exits in a row with no guest instruction retired before the monitor
 * calls it a livelock: far more than any instruction needs (a #PF per page
 * it touches, an emulation), so only a monitor bug -- an exit resolved the
 * same way forever -- reaches it.  Then the VM stops with a report instead
 * of spinning where --max-insns cannot see it. */
#define MON_MAX_EXITS_WITHOUT_PROGRESS 100000

/* True if the guest has been stuck at the same instruction count for too
 * many exits. */
static bool no_progress(struct monitor *mon)
{
    if (mon->c->icount != mon->progress_icount) {
        mon->progress_icount = mon->c->icount;
        mon->exits_without_progress = 0;
    }
    return ++mon->exits_without_progress > MON_MAX_EXITS_WITHOUT_PROGRESS;
}

/* SDM Vol. 3A 6.8.1: an external interrupt is taken only with IF = 1.  The
 * real IF stays 1 (vcpu.c), so the monitor holds the devices' interrupt
 * line back while the guest's virtual IF is clear; the interrupt stays
 * pending in the PIC or APIC exactly as it would on bare hardware, and
 * arrives after the STI (and its one-instruction shadow) that allows it. */
static void sync_intr(struct monitor *mon)
{
    if (mon->m->intr_held != !mon->v.iflag)
        machine_hold_intr(mon->m, !mon->v.iflag);
}

/* The monitor, not the guest, is stuck: stop with a report that says so. */
static enum machine_stop livelock(struct monitor *mon)
{
    emu_stop(mon, MACHINE_UNSUPPORTED, "monitor: %d exits without a guest instruction retiring, "
             "at EIP 0x%08x (a monitor bug: livelock)", MON_MAX_EXITS_WITHOUT_PROGRESS, mon->c->eip);
    return mon->m->stop;
}

/* The exit switch: one case per reason (see the file comment). */
enum machine_stop monitor_handle_exit(struct monitor *mon, int depth)
{
    struct cpu_decoded d;
    vcpu_sync_cpl(&mon->v, mon->c);
    enum mon_exit why = exit_reason(mon, &d);
    uint64_t t0 = stats_host_ns();
    enum machine_stop s = MACHINE_RUNNING;
    int rc = EMU_DONE;
    stats_count_exit(mon, why);
    if (no_progress(mon))
        return livelock(mon);
    switch (why) {
    case MON_EXIT_PRIVILEGED:      /* #GP: CLI, LGDT, MOV CR3, IRET, CPUID ...: emulate it */
        rc = emulated(mon, emu_privileged(mon, &d));
        break;
    case MON_EXIT_PIO:             /* IN, OUT, INS, OUTS: the bare machine's device models */
        rc = emulated(mon, emu_pio(mon, &d));
        break;
    case MON_EXIT_HLT:             /* HLT: the machine skips virtual time to the next event */
        rc = emulated(mon, emu_hlt(mon, &d));
        break;
    case MON_EXIT_PAGE_FAULT:      /* #PF: MMIO, or the shadow page tables' business */
        s = mon->mmu->page_fault(mon, depth);
        break;
    case MON_EXIT_EXTINT:          /* a device interrupt: only arrives with virtual IF = 1 */
    case MON_EXIT_SOFTINT:         /* INT n: the gate's DPL is checked against the guest's CPL */
    case MON_EXIT_EXCEPTION:       /* the guest's own fault; one it cannot take is a triple */
        rc = reflect_exit(mon);    /* fault: monitor_triple_fault stops the VM */
        break;
    case MON_EXIT_COUNT:
        break;
    }
    if (rc == EMU_STOP)            /* triple fault, HLT forever, what the monitor cannot run */
        s = mon->m->stop;
    sync_intr(mon);
    mon->host_ns[why] += stats_host_ns() - t0;
    return s;
}

/* machine.h's ring0_exit hook. */
static enum machine_stop monitor_exit(void *ctx)
{
    return monitor_handle_exit(ctx, 0);
}

/* The CPU as the monitor runs it: paging on with the monitor's tables, the
 * shadow GDT, no IDT and no TSS of its own (ring 0 is never entered), real
 * IOPL 0, CPUID faulting on, and the guest's segments in ring 1. */
static void deprivilege(struct monitor *mon)
{
    struct cpu *c = mon->c;
    c->bus.ram_size = mon->guest_ram + MONITOR_BYTES;
    shadow_gdt_build(mon);
    shadow_gdt_deprivilege_segments(mon);
    c->idtr = (struct dtr){ .base = MONITOR_LINEAR, .limit = 0 };
    cpu_load_seg_raw(c, SEG_TR, 0, MONITOR_LINEAR + MON_TSS, 0, 0);
    cpu_load_seg_raw(c, SEG_LDTR, 0, 0, 0, 0);
    vcpu_set_eflags(&mon->v, c, vcpu_get_eflags(&mon->v, c));
    c->misc_features |= MISC_FEATURES_CPUID_FAULTING;   /* CPUID traps at CPL 1 and 3 */
    c->intercept_ring0 = true;
    vcpu_sync_cpl(&mon->v, c);
    sync_intr(mon);
}

struct monitor *monitor_attach(struct machine *m, const struct mmu_ops *mmu, char *err,
                               size_t errlen)
{
    if (m->cfg.monitor_bytes < MONITOR_BYTES) {
        snprintf(err, errlen, "monitor: the machine has no monitor memory (monitor_bytes)");
        return NULL;
    }
    struct monitor *mon = calloc(1, sizeof(*mon));
    if (!mon) {
        snprintf(err, errlen, "monitor: out of memory");
        return NULL;
    }
    mon->m = m;
    mon->c = &m->cpu;
    mon->guest_ram = (uint32_t)m->ram_size;
    mon->mem_phys = mon->guest_ram;
    mon->mem = m->ram + m->ram_size;
    mon->mmu = mmu ? mmu : &mmu_flat_ops;
    vcpu_init(&mon->v, mon->c);
    if (mon->mmu->attach(mon, err, errlen) < 0) {
        free(mon);
        return NULL;
    }
    deprivilege(mon);
    m->ring0_exit = monitor_exit;
    m->ring0_ctx = mon;
    return mon;
}

void monitor_destroy(struct monitor *mon)
{
    if (!mon)
        return;
    mon->m->ring0_exit = NULL;
    mon->m->ring0_ctx = NULL;
    mon->c->misc_features = mon->v.misc_features;
    machine_hold_intr(mon->m, false);
    mon->mmu->detach(mon);
    free(mon);
}
