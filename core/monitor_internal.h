/* monitor_internal.h - what the monitor's files share (not for the monitor's users). */
#ifndef TRAPEZE_MONITOR_INTERNAL_H
#define TRAPEZE_MONITOR_INTERNAL_H

/*
 * The monitor is split by concept:
 *
 *   monitor.c    attach, and the exit switch: one case per exit reason
 *   vcpu.c       the guest's beliefs: CPL, IF, IOPL, selectors
 *   gmem.c       guest memory: physical (bounded by its RAM) and linear (via mmu_ops)
 *   pagetable.c  the monitor's page tables: guest RAM, monitor region, one-step mappings
 *   mmu_flat.c   chapter 2's mmu_ops: no guest paging
 *   shadow_gdt.c the physical GDT: the guest's with DPL 0 -> 1, truncated
 *   emulate.c    one function per privileged instruction
 *   reflect.c    exceptions and interrupts through the guest's virtual IDT
 *   stats.c      --stats
 */

#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"
#include "machine.h"
#include "mmu.h"
#include "monitor.h"
#include "vcpu.h"

/* Layout of monitor memory (offsets from its start, 4-KiB pages). */
#define MON_PD          0x00000u    /* page directory */
#define MON_PT_SELF     0x01000u    /* page table mapping the monitor region */
#define MON_PT_SCRATCH  0x02000u    /* page table for one MMIO page at a time */
#define MON_TSS         0x03000u    /* an empty page: TR points here, limit 0 */
#define MON_GDT         0x04000u    /* the shadow GDT, up to 8192 descriptors */
#define MON_GDT_BYTES   0x10000u
#define MON_LDT         0x14000u    /* the shadow LDT, as large */
#define MON_PT_GUEST    0x30000u    /* page tables for guest RAM, 1 KiB per MiB */
/* ... then, page-aligned, free pages to the end (mon->pool_off): chapter 3's shadow tables. */
#define MON_PAGE_BYTES  4096u

/* Why a privileged-instruction emulation stopped: */
enum emu_result {
    EMU_DONE = 0,                  /* emulated; EIP is past the instruction */
    EMU_FAULT = 1,                 /* the guest gets mon->fault (the hardware's fault) */
    EMU_STOP = -1,                 /* the VM stops: mon->stop and m->report say why */
    EMU_UNKNOWN = -2,              /* not an instruction the monitor emulates */
};

/* A fault for the guest. */
struct guest_fault {
    uint8_t vector;
    bool has_error;
    uint32_t error;
};

/* Exit reasons, for the switch and for --stats. */
enum mon_exit {
    MON_EXIT_PRIVILEGED,           /* #GP at the guest's CPL 0 (or a CPUID, CLI, STI in its
                                      ring 3): an instruction to emulate */
    MON_EXIT_PIO,                  /* IN, OUT, INS, OUTS */
    MON_EXIT_HLT,                  /* HLT at the guest's CPL 0 */
    MON_EXIT_PAGE_FAULT,           /* #PF: MMIO, or (chapter 3) the shadow page tables */
    MON_EXIT_EXCEPTION,            /* any other exception: the guest's own */
    MON_EXIT_SOFTINT,              /* INT n, INT3, INTO */
    MON_EXIT_EXTINT,               /* an external interrupt the guest can take */
    MON_EXIT_COUNT,
};

/* Instructions the monitor emulates, for --stats. */
enum mon_insn {
    INSN_CLI, INSN_STI, INSN_HLT, INSN_LGDT, INSN_LIDT, INSN_LLDT, INSN_LTR,
    INSN_MOV_TO_CR, INSN_MOV_FROM_CR, INSN_INVLPG, INSN_CLTS, INSN_LMSW, INSN_WBINVD,
    INSN_IN, INSN_OUT, INSN_INS_OUTS, INSN_IRET, INSN_RETF, INSN_MOV_SS, INSN_RDMSR,
    INSN_WRMSR, INSN_CPUID, INSN_OTHER, INSN_COUNT,
};

/* --stats histogram: instructions between exits, buckets 0, 1, 2-3, 4-7, ... */
#define MON_GAP_BUCKETS 33

struct monitor {
    struct machine *m;
    struct cpu *c;
    struct vcpu v;
    uint8_t *mem;                  /* monitor memory (host address) */
    uint32_t mem_phys;             /* its physical address: the guest RAM size */
    uint32_t guest_ram;            /* bytes of guest RAM */
    uint32_t pool_off;             /* first monitor-memory page mmu_ops may use */
    const struct mmu_ops *mmu;     /* flat (chapter 2) or shadow (chapter 3) */
    void *mmu_state;               /* the mmu_ops' own */
    struct guest_fault fault;      /* set by an emulation returning EMU_FAULT */
    enum mon_insn last_insn;       /* the instruction of the current exit (if decoded) */

    /* --stats */
    uint64_t exits[MON_EXIT_COUNT];
    uint64_t insn_exits[INSN_COUNT];
    uint64_t host_ns[MON_EXIT_COUNT];
    uint64_t reflected;            /* events delivered through the guest's IDT */
    uint64_t last_exit_icount;     /* icount at the previous exit */
    uint64_t between[MON_GAP_BUCKETS];   /* exits by log2(instructions since the last one) */
    uint64_t progress_icount;      /* icount when exits_without_progress was last reset */
    uint64_t exits_without_progress;
};

/* --- gmem.c: guest memory ------------------------------------------------------ */

/* Copy len bytes from/to guest-physical gpa.  Returns 0, or -1 if any byte
 * is outside the guest's RAM (never touches monitor memory). */
int gmem_read(struct monitor *mon, uint32_t gpa, void *buf, uint32_t len);
int gmem_write(struct monitor *mon, uint32_t gpa, const void *buf, uint32_t len);

/* A guest page fault stopped a linear access (mon->fault holds the #PF). */
#define GLIN_PAGE_FAULT (-2)

/* Copy len bytes from/to guest linear address la, as supervisor accesses
 * through the guest's own paging (mmu_ops translate).  Returns 0, -1 if a
 * byte is outside guest RAM, or GLIN_PAGE_FAULT. */
int glin_read(struct monitor *mon, uint32_t la, void *buf, uint32_t len);
int glin_write(struct monitor *mon, uint32_t la, const void *buf, uint32_t len);

/* Host address of monitor memory at offset `off`, and its physical address. */
void *mon_ptr(const struct monitor *mon, uint32_t off);
uint32_t mon_phys(const struct monitor *mon, uint32_t off);

/* --- pagetable.c ------------------------------------------------------------- */

/* Build the flat page tables (guest RAM identity-mapped, the monitor region)
 * and point CR3 at them, paging on. */
void pt_build(struct monitor *mon);

/* Physical address of the flat page directory, and the page-directory
 * entry that maps the monitor region (every real page directory has it). */
uint32_t pt_flat_cr3(const struct monitor *mon);
uint32_t pt_monitor_pde(const struct monitor *mon);

/* Execute one guest instruction with linear page `la` mapped, for that one
 * instruction only, to physical `pa` (writable or not) in whatever tables
 * CR3 points at.  How the guest touches MMIO, and how chapter 3 lets it
 * write a page table it write-protects.  An exit inside is handled at
 * depth + 1.  Returns MACHINE_RUNNING or why the VM stops. */
enum machine_stop pt_step_with_page(struct monitor *mon, uint32_t la, uint32_t pa, bool writable,
                                    int depth);

/* Deepest chain of one-step mappings (an access crossing two pages needs two). */
#define MON_MAX_DEPTH 4

/* --- monitor.c ------------------------------------------------------------------ */

/* Handle the CPU's ring-0 exit at nesting `depth` (0 from machine_run). */
enum machine_stop monitor_handle_exit(struct monitor *mon, int depth);

/* The guest could not take fault *f while its #DF was being delivered:
 * stop the VM (MACHINE_TRIPLE_FAULT) with a report.  Returns EMU_STOP. */
int monitor_triple_fault(struct monitor *mon, const struct guest_fault *f);

/* Physical address for a guest-physical one outside guest RAM: itself for
 * MMIO, open bus for the part the host uses for monitor memory. */
uint32_t monitor_outside_ram(const struct monitor *mon, uint32_t gpa);

/* --- shadow_gdt.c ---------------------------------------------------------------- */

/* Rebuild the physical GDT from the guest's (v.gdtr) and load GDTR with it. */
void shadow_gdt_build(struct monitor *mon);

/* The real segment (RPL 1 for the guest's ring 0) for guest selector `sel`,
 * from the shadow GDT.  Returns 0, or -1 if it is null, beyond the table
 * or not present. */
int shadow_gdt_segment(struct monitor *mon, uint16_t sel, struct seg *out);

/* Make the segment registers the loader left (flat, DPL 0) ring-1 ones. */
void shadow_gdt_deprivilege_segments(struct monitor *mon);

/* LLDT: shadow the guest's LDT (descriptor lo:hi of its GDT) and load the
 * real LDTR with it under the same selector. */
void shadow_ldt_load(struct monitor *mon, uint16_t sel, uint32_t lo, uint32_t hi);

/* Read guest descriptor `sel` from the guest's own GDT.  Returns 0 or -1. */
int shadow_guest_desc(struct monitor *mon, uint16_t sel, uint32_t *lo, uint32_t *hi);

/* The byte limit a segment descriptor lo:hi gives (its G bit applied). */
uint32_t shadow_desc_limit(uint32_t lo, uint32_t hi);

/* --- emulate.c ---------------------------------------------------------------- */

/* Which instruction a decoded one is, for the exit switch and --stats. */
enum mon_insn emu_classify(const struct cpu_decoded *d);

/* Emulate d, the privileged instruction (mon->last_insn) that trapped, as
 * the guest's CPU would at the guest's CPL.  Returns enum emu_result:
 * EMU_UNKNOWN when its CPU would raise the #GP too, or the monitor does not
 * emulate it (the CPU's fault then stands). */
int emu_privileged(struct monitor *mon, const struct cpu_decoded *d);

/* IN, OUT, INS, OUTS (mon->last_insn): if the guest's CPL and virtual IOPL
 * or its TSS I/O bitmap allow it, perform it on the machine's devices.
 * Returns enum emu_result (EMU_UNKNOWN: the guest gets the #GP(0);
 * EMU_FAULT: a #PF reading its bitmap, in mon->fault). */
int emu_pio(struct monitor *mon, const struct cpu_decoded *d);

/* HLT at the guest's CPL 0: halt until an interrupt (EMU_DONE), or stop the
 * VM if the virtual IF is clear (EMU_STOP); at CPL 3 EMU_UNKNOWN. */
int emu_hlt(struct monitor *mon, const struct cpu_decoded *d);

/* Stop the VM: one line in the machine's report.  Returns EMU_STOP. */
int emu_stop(struct monitor *mon, enum machine_stop why, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* --- reflect.c ---------------------------------------------------------------- */

/* Deliver an event to the guest through its virtual IDT, with the double-
 * and triple-fault rules; the frame returns to the current EIP (the
 * faulting instruction, or the next one for traps and INT n).  Returns
 * EMU_DONE, or EMU_STOP after a triple fault of the guest
 * (monitor_triple_fault) or a handler the monitor cannot run. */
int reflect_event(struct monitor *mon, enum cpu_event_kind kind, uint8_t vector,
                  bool has_error, uint32_t error);

/* --- stats.c ---------------------------------------------------------------- */

/* Host nanoseconds on a monotonic clock (only --stats reads them). */
uint64_t stats_host_ns(void);

/* Count one exit of kind `why` in the histograms. */
void stats_count_exit(struct monitor *mon, enum mon_exit why);

#endif
