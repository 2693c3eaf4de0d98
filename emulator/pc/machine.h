/* machine.h - the teaching PC: a CPU, RAM and the device models, wired together. */
#ifndef TRAPEZE_MACHINE_H
#define TRAPEZE_MACHINE_H

/*
 * A machine is the wiring, not the devices: it owns the RAM, connects the
 * CPU's bus callbacks to the port and MMIO buses, routes ISA IRQ lines to
 * both interrupt controllers, and runs the CPU in batches that end at the
 * next timer deadline.  The device models themselves (dev/) know nothing of
 * the machine; the chapter-2 monitor reuses them with its own wiring, using
 * the bus, the clock and the IRQ routing exposed here.
 *
 * struct machine is large (per-port counters): allocate it on the heap.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bus.h"
#include "clock.h"
#include "cpu.h"
#include "irq.h"

#include "cga.h"
#include "cmos.h"
#include "debugport.h"
#include "i8042.h"
#include "ide.h"
#include "ioapic.h"
#include "lapic.h"
#include "pic.h"
#include "pit.h"
#include "uart.h"

#define MACHINE_DEFAULT_RAM (64ull << 20)
#define MACHINE_MIN_RAM     (2ull << 20)   /* the low MiB plus room for a kernel */
#define MACHINE_MAX_RAM     (3ull << 30)   /* below the APICs' MMIO at 0xFEC00000 */
#define MACHINE_ISA_IRQS    16

/* A halted CPU that sees this many timer deadlines pass without executing
 * an instruction (a periodic timer whose IRQ is masked) is halted forever. */
#define MACHINE_MAX_IDLE_WAKEUPS 100000

/* IBM PC/AT Technical Reference: the first serial port. */
#define MACHINE_COM1_BASE   0x3F8          /* 16550 UART, IRQ 4 */
#define MACHINE_COM1_IRQ    4

/* How to build a machine. */
struct machine_config {
    uint64_t ram_size;             /* bytes, 0: MACHINE_DEFAULT_RAM */
    const char *hda, *hdb;         /* IDE primary master / slave images, or NULL */
    int serial_out;                /* fd the UART writes to, -1: nowhere */
    int serial_in;                 /* fd the UART reads from, -1: nothing */
    uint64_t max_insns;            /* stop after this many instructions, 0: never */
    bool realtime;                 /* pace virtual time by the wall clock */
    FILE *trace;                   /* one line per instruction, I/O and event, or NULL */
    uint64_t monitor_bytes;        /* chapter 2: RAM after the guest's, never reported to it */
    enum machine_engine {          /* how the CPU runs guest code (cpu.h, cpu_jit_enable) */
        MACHINE_ENGINE_AUTO,       /* the translator where the host has one, else the interpreter */
        MACHINE_ENGINE_INTERP,     /* the interpreter alone */
        MACHINE_ENGINE_JIT,        /* the translator, or machine_init fails */
    } engine;
};

/* Why machine_run() returned. */
enum machine_stop {
    MACHINE_RUNNING,               /* not stopped (machine_step() returned normally) */
    MACHINE_EXITED,                /* the guest wrote the debug-exit port: see exit_status */
    MACHINE_TRIPLE_FAULT,
    MACHINE_BUDGET,                /* --max-insns reached */
    MACHINE_HALTED,                /* HLT with nothing that could ever wake it */
    MACHINE_RESET,                 /* the guest asked for a reset (8042 pulse) */
    MACHINE_BREAKPOINT,            /* a debugger breakpoint was reached */
    MACHINE_UNSUPPORTED,           /* a monitor cannot run what the guest did (see report) */
};

struct machine {
    struct cpu cpu;
    struct bus bus;
    struct clock clock;
    struct irq_chip irqs;          /* ISA IRQ lines, routed to the PIC and the IOAPIC */

    struct pic pic;
    struct pit pit;
    struct uart uart;
    struct cmos cmos;
    struct lapic lapic;
    struct ioapic ioapic;
    struct ide ide;
    struct i8042 kbd;
    struct cga cga;
    struct debugport dbg;

    uint8_t *ram;
    uint64_t ram_size;             /* the guest's RAM; cfg.monitor_bytes follow it */
    struct machine_config cfg;

    /* Chapter 2: who handles CPU_EXIT_RING0 (the monitor), or NULL on bare
     * hardware.  Returns MACHINE_RUNNING to go on, or why the machine stops. */
    enum machine_stop (*ring0_exit)(void *ctx);
    void *ring0_ctx;
    /* Chapter 2: the monitor holds the CPU's INTR pin low while the guest's
     * virtual IF is clear (the devices keep their interrupts pending). */
    bool intr_held;

    enum machine_stop stop;        /* set by callbacks; MACHINE_RUNNING while running */
    int exit_status;               /* for MACHINE_EXITED: (value << 1) | 1 */
    char report[160];              /* one line saying why the machine stopped */
    uint64_t halt_icount;          /* icount when the CPU last halted */
    uint64_t idle_wakeups;         /* deadlines skipped since then with no instruction */

    /* statistics (--stats) */
    bool irq_level[MACHINE_ISA_IRQS];
    uint64_t irq_count[MACHINE_ISA_IRQS];  /* rising edges per ISA IRQ line */
    uint64_t io_count[65536];              /* accesses per port a device decodes */
    uint64_t traced_vectors[256];          /* stat_vectors at the last trace line */
    uint64_t realtime_start_ns;
};

/* Build a machine: RAM, CPU, devices and wiring.  Returns 0, or a negative
 * errno with a one-line message in err. */
int machine_init(struct machine *m, const struct machine_config *cfg, char *err, size_t errlen);

/* Release the RAM and the devices' files. */
void machine_destroy(struct machine *m);

/* Run until the machine stops (never returns MACHINE_RUNNING). */
enum machine_stop machine_run(struct machine *m);

/* Execute one instruction (or deliver one event), then fire due timers.
 * Returns MACHINE_RUNNING or why it stopped. */
enum machine_stop machine_step(struct machine *m);

/* Print the statistics, in a fixed order; the host-dependent lines start
 * with "host:". */
void machine_print_stats(struct machine *m, FILE *out, double host_seconds);

/* Hold the CPU's INTR pin low (held) or let it follow the interrupt
 * controllers again: how a monitor keeps device interrupts pending while
 * its guest's virtual IF is clear. */
void machine_hold_intr(struct machine *m, bool held);

/* Drive ISA IRQ line `irq` as a device would (the machine's irq_chip). */
void machine_set_irq(void *machine, int irq, int level);

#endif
