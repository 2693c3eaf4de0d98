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
 *   page fault              -> the guest touched MMIO: do that one access
 *   external interrupt      -> deliver it through the guest's IDT
 *   INT n, other exception  -> the guest's own: deliver it through its IDT
 *
 * x86 breaks the theorem: some instructions read privileged state without
 * trapping (SGDT, PUSHF, ...).  `trapeze popek` shows which.
 */
#include <stdlib.h>
#include <string.h>

#include "monitor_internal.h"

/* What the exit is, from the CPU's description of the event. */
static enum mon_exit exit_reason(const struct monitor *mon)
{
    const struct cpu_exit_info *x = &mon->c->exit;
    if (x->kind == EVENT_EXTINT)
        return MON_EXIT_EXTINT;
    if (x->kind == EVENT_SOFTINT)
        return MON_EXIT_SOFTINT;
    if ((x->vector == EXC_GP || x->vector == EXC_NP) && mon->v.cpl == 0)
        return MON_EXIT_PRIVILEGED;        /* #NP: IRET to ring 3, see shadow_gdt.c */
    if (x->vector == EXC_PF)
        return MON_EXIT_PAGE_FAULT;
    return MON_EXIT_EXCEPTION;
}

/* Turn an emulation's result into the machine's: go on, or stop. */
static enum machine_stop after(struct monitor *mon, int rc)
{
    if (rc == EMU_FAULT)
        rc = reflect_event(mon, EVENT_EXCEPTION, mon->fault.vector, mon->fault.has_error,
                           mon->fault.error);
    return rc == EMU_STOP ? mon->m->stop : MACHINE_RUNNING;
}

/* The exception stands: deliver it to the guest as the CPU reported it. */
static int reflect_exit(struct monitor *mon)
{
    const struct cpu_exit_info *x = &mon->c->exit;
    return reflect_event(mon, x->kind, x->vector, x->has_error, x->error);
}

/* A #GP (or #NP) at the guest's CPL 0: emulate the instruction, or give
 * the guest its fault if it is not one the monitor emulates. */
static int on_privileged(struct monitor *mon)
{
    int rc = emu_privileged(mon);
    mon->insn_exits[mon->last_insn]++;
    return rc == EMU_UNKNOWN ? reflect_exit(mon) : rc;
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

/* The exit switch: one case per reason (see the file comment). */
enum machine_stop monitor_handle_exit(struct monitor *mon, int depth)
{
    vcpu_sync_cpl(&mon->v, mon->c);
    enum mon_exit why = exit_reason(mon);
    uint64_t t0 = stats_host_ns();
    enum machine_stop s = MACHINE_RUNNING;
    stats_count_exit(mon, why);
    if (no_progress(mon)) {
        emu_stop(mon, MACHINE_TRIPLE_FAULT, "monitor: %d exits without a guest instruction "
                 "retiring, at EIP 0x%08x (a monitor bug: livelock)", MON_MAX_EXITS_WITHOUT_PROGRESS,
                 mon->c->eip);
        return mon->m->stop;
    }
    switch (why) {
    case MON_EXIT_PRIVILEGED:      /* #GP in ring 1: CLI, OUT, LGDT, MOV CR3, IRET ... */
        s = after(mon, on_privileged(mon));
        break;
    case MON_EXIT_PAGE_FAULT:      /* #PF: MMIO, or the shadow page tables' business */
        s = mon->mmu->page_fault(mon, depth);
        break;
    case MON_EXIT_EXTINT:          /* a device interrupt: only arrives with virtual IF = 1 */
    case MON_EXIT_SOFTINT:         /* INT n: the gate's DPL is checked against the guest's CPL */
    case MON_EXIT_EXCEPTION:       /* the guest's own fault */
        s = after(mon, reflect_exit(mon));
        break;
    case MON_EXIT_COUNT:
        break;
    }
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
 * IOPL 0, and the guest's segments in ring 1. */
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
    machine_hold_intr(mon->m, false);
    mon->mmu->detach(mon);
    free(mon);
}
