/* monitor_internal.h - what the monitor's files share (not for the monitor's users). */
#ifndef TRAPEZE_MONITOR_INTERNAL_H
#define TRAPEZE_MONITOR_INTERNAL_H

/*
 * The monitor is split by concept:
 *
 *   monitor.c    attach, and the exit switch: one case per exit reason
 *   vcpu.c       the guest's beliefs: CPL, IF, IOPL, selectors
 *   gmem.c       guest-physical memory, bounded by the guest's RAM
 *   pagetable.c  the monitor's page tables: guest RAM, monitor region, MMIO
 *   shadow_gdt.c the physical GDT: the guest's with DPL 0 -> 1, truncated
 *   emulate.c    one function per privileged instruction
 *   reflect.c    exceptions and interrupts through the guest's virtual IDT
 *   stats.c      --stats
 */

#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"
#include "machine.h"
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
    MON_EXIT_PRIVILEGED,           /* #GP at the guest's CPL 0: an instruction to emulate */
    MON_EXIT_MMIO,                 /* #PF: an access outside guest RAM */
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
    INSN_WRMSR, INSN_OTHER, INSN_COUNT,
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
    struct guest_fault fault;      /* set by an emulation returning EMU_FAULT */
    enum mon_insn last_insn;       /* the instruction the last emulation handled */

    /* --stats */
    uint64_t exits[MON_EXIT_COUNT];
    uint64_t insn_exits[INSN_COUNT];
    uint64_t host_ns[MON_EXIT_COUNT];
    uint64_t reflected;            /* events delivered through the guest's IDT */
    uint64_t last_exit_icount;     /* icount at the previous exit */
    uint64_t between[MON_GAP_BUCKETS];   /* exits by log2(instructions since the last one) */
};

/* --- gmem.c: guest-physical memory (guest linear = physical: no paging yet) --- */

/* Copy len bytes from/to guest-physical gpa.  Returns 0, or -1 if any byte
 * is outside the guest's RAM (never touches monitor memory). */
int gmem_read(struct monitor *mon, uint32_t gpa, void *buf, uint32_t len);
int gmem_write(struct monitor *mon, uint32_t gpa, const void *buf, uint32_t len);

/* --- pagetable.c ------------------------------------------------------------- */

/* Build the monitor's page tables and point CR3 at them, paging on. */
void pt_build(struct monitor *mon);

/* Map linear page `laddr` to physical `paddr` (map true), or unmap it
 * (map false, paddr ignored).  Flushes the TLB. */
void pt_map_mmio(struct monitor *mon, uint32_t laddr, uint32_t paddr, bool map);

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

/* --- emulate.c ---------------------------------------------------------------- */

/* Decode the instruction at CS:EIP and emulate it.  Returns enum emu_result. */
int emu_privileged(struct monitor *mon);

/* Stop the VM: one line in the machine's report.  Returns EMU_STOP. */
int emu_stop(struct monitor *mon, enum machine_stop why, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* --- reflect.c ---------------------------------------------------------------- */

/* Deliver an event to the guest through its virtual IDT, with the double-
 * and triple-fault rules; the frame returns to the current EIP (the
 * faulting instruction, or the next one for traps and INT n).  Returns
 * EMU_DONE, or EMU_STOP after a triple fault of the guest. */
int reflect_event(struct monitor *mon, enum cpu_event_kind kind, uint8_t vector,
                  bool has_error, uint32_t error);

/* --- stats.c ---------------------------------------------------------------- */

/* Host nanoseconds on a monotonic clock (only --stats reads them). */
uint64_t stats_host_ns(void);

/* Count one exit of kind `why` in the histograms. */
void stats_count_exit(struct monitor *mon, enum mon_exit why);

#endif
