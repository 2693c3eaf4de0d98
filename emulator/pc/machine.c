/* machine.c - the teaching PC: wiring, the run loop, statistics. */

/*
 * The CPU does not know what a PIC or a UART is.  It reads RAM through a
 * pointer, and for everything else it calls the struct cpu_bus callbacks
 * below: port I/O and MMIO go to the buses on which the device models
 * registered, and the INTA cycle asks the interrupt controllers for a
 * vector.  Devices in turn raise ISA IRQ lines; the machine routes each
 * line to both the 8259A pair and the I/O APIC, as a PC chipset does, and
 * recomputes the CPU's INTR pin whenever a controller's output changes.
 *
 * Time is virtual (clock.h): the CPU runs in batches that end at the next
 * timer deadline, then the due timers fire.  A halted CPU does not spin: we
 * jump virtual time straight to the next deadline.  machine_run() is one
 * switch on the CPU's exit reason, the shape every monitor loop in this
 * course has.
 */
#include "machine.h"

#include "firmware.h"
#include "trace.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

/* Longest batch when no timer is due, so serial input and --realtime pacing
 * are looked at regularly (ticks: 1 ms of virtual time). */
#define MACHINE_MAX_BATCH (CLOCK_HZ / 1000)

/* --- the CPU's view of the machine -------------------------------------------- */

/* Physical addresses above RAM: the APICs, or open bus. */
static uint32_t m_mmio_read(void *opaque, uint32_t paddr, unsigned size)
{
    struct machine *m = opaque;
    return bus_mmio_read(&m->bus, paddr, size);
}

/* Stores above RAM: the APICs, or dropped. */
static void m_mmio_write(void *opaque, uint32_t paddr, uint32_t val, unsigned size)
{
    struct machine *m = opaque;
    bus_mmio_write(&m->bus, paddr, val, size);
}

/* Count an access to a decoded port (open-bus ones the bus counts itself). */
static void count_io(struct machine *m, uint16_t port)
{
    if (m->bus.io_index[port])
        m->io_count[port]++;
}

/* IN: count, trace, route to the port bus. */
static uint32_t m_io_in(void *opaque, uint16_t port, unsigned size)
{
    struct machine *m = opaque;
    count_io(m, port);
    uint32_t val = bus_io_read(&m->bus, port, size);
    if (m->cfg.trace)
        trace_io(m->cfg.trace, port, val, size, TRACE_IN);
    return val;
}

/* OUT: count, trace, route to the port bus. */
static void m_io_out(void *opaque, uint16_t port, uint32_t val, unsigned size)
{
    struct machine *m = opaque;
    count_io(m, port);
    if (m->cfg.trace)
        trace_io(m->cfg.trace, port, val, size, TRACE_OUT);
    bus_io_write(&m->bus, port, val, size);
}

/* The CPU's INTR pin: the local APIC has an interrupt to deliver, or the
 * 8259A raises INT and LINT0 passes it through (virtual-wire mode, MP spec
 * 3.6.2.2: how firmware leaves a PC, until the kernel switches to the APICs). */
static void update_intr(struct machine *m)
{
    bool pic = pic_intr(&m->pic) && lapic_extint_enabled(&m->lapic);
    cpu_set_intr(&m->cpu, !m->intr_held && (lapic_pending(&m->lapic) >= 0 || pic));
}

void machine_hold_intr(struct machine *m, bool held)
{
    m->intr_held = held;
    update_intr(m);
}

/* INTA: the local APIC first (its interrupts come from the I/O APIC and its
 * own timer), then the 8259A.  Returns the vector. */
static int m_intr_ack(void *opaque)
{
    struct machine *m = opaque;
    int vector = lapic_pending(&m->lapic) >= 0 ? lapic_ack(&m->lapic) : pic_ack(&m->pic);
    update_intr(m);
    if (m->cfg.trace) {
        trace_event(m->cfg.trace, &m->cpu, EVENT_EXTINT, vector, false, 0);
        m->traced_vectors[vector & 0xFF]++;
    }
    return vector;
}

/* A controller's output changed: recompute INTR. */
static void intr_changed(void *opaque, int level)
{
    (void)level;
    update_intr(opaque);
}

/* The chipset: ISA IRQ n goes to 8259A input n and to the I/O APIC pin
 * firmware_isa_irq_pin(n) (the same wiring the MP table reports). */
void machine_set_irq(void *opaque, int irq, int level)
{
    struct machine *m = opaque;
    if (irq < 0 || irq >= MACHINE_ISA_IRQS)
        return;
    if (level && !m->irq_level[irq])
        m->irq_count[irq]++;
    m->irq_level[irq] = level != 0;
    pic_set_irq(&m->pic, irq, level);
    ioapic_set_irq(&m->ioapic, firmware_isa_irq_pin(irq), level);
}

/* --- device callbacks that stop the machine ------------------------------------ */

/* Record why the machine stops and make cpu_run() return. */
static void stop(struct machine *m, enum machine_stop why, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->report, sizeof(m->report), fmt, ap);
    va_end(ap);
    m->stop = why;
    cpu_request_exit(&m->cpu);
}

/* isa-debug-exit: status (value << 1) | 1, as QEMU's device reports it. */
static void on_debug_exit(void *opaque, int status)
{
    struct machine *m = opaque;
    m->exit_status = status;
    stop(m, MACHINE_EXITED, "guest exited with status %d", status);
}

/* The 8042's output port pulsed the CPU's reset line. */
static void on_reset(void *opaque)
{
    struct machine *m = opaque;
    stop(m, MACHINE_RESET, "guest requested a reset at EIP 0x%08" PRIx32, m->cpu.eip);
}

/* --- building the machine ------------------------------------------------------ */

/* Write "<message>" to err.  Returns code. */
static int fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return code;
}

/* Reserve the guest's RAM.  MAP_NORESERVE: untouched pages cost nothing,
 * so a 3 GiB guest that uses 10 MiB takes 10 MiB.  Returns 0 or -errno. */
static int ram_alloc(struct machine *m, uint64_t size, char *err, size_t errlen)
{
    if (size < MACHINE_MIN_RAM || size > MACHINE_MAX_RAM)
        return fail(err, errlen, -EINVAL, "memory size %" PRIu64 " MiB is not between %llu MiB and %llu MiB",
                    size >> 20, MACHINE_MIN_RAM >> 20, MACHINE_MAX_RAM >> 20);
    void *p = mmap(NULL, size + m->cfg.monitor_bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return fail(err, errlen, -errno, "cannot reserve %" PRIu64 " MiB of guest RAM: %s",
                    size >> 20, strerror(errno));
    m->ram = p;
    m->ram_size = size;
    return 0;
}

/* The CPU and its bus callbacks. */
static void wire_cpu(struct machine *m)
{
    const struct cpu_bus cb = {
        .ram = m->ram, .ram_size = (uint32_t)m->ram_size, .opaque = m,
        .mmio_read = m_mmio_read, .mmio_write = m_mmio_write,
        .io_in = m_io_in, .io_out = m_io_out, .intr_ack = m_intr_ack,
    };
    cpu_init(&m->cpu, &cb);
    bus_init(&m->bus);
    clock_init(&m->clock, &m->cpu);
    m->irqs = (struct irq_chip){ .opaque = m, .set_irq = machine_set_irq };
}

/* Attach the disk images given in the configuration.  Returns 0 or -errno. */
static int attach_disks(struct machine *m, char *err, size_t errlen)
{
    const char *img[2] = { m->cfg.hda, m->cfg.hdb };
    for (int unit = 0; unit < 2; unit++) {
        if (!img[unit])
            continue;
        int rc = ide_attach(&m->ide, unit, img[unit]);
        if (rc < 0)
            return fail(err, errlen, rc, "%s: cannot attach disk image: %s", img[unit], strerror(-rc));
    }
    return 0;
}

/* Every device on its ports, MMIO ranges and IRQ lines.  Returns 0 or -errno. */
static int wire_devices(struct machine *m, char *err, size_t errlen)
{
    struct bus *b = &m->bus;
    int rc = 0;
    rc |= pic_init(&m->pic, b, intr_changed, m);
    rc |= lapic_init(&m->lapic, b, &m->clock, intr_changed, m);
    rc |= ioapic_init(&m->ioapic, b, &m->lapic);
    rc |= pit_init(&m->pit, b, &m->clock, &m->irqs);
    rc |= uart_init(&m->uart, b, MACHINE_COM1_BASE, MACHINE_COM1_IRQ, &m->irqs,
                    m->cfg.serial_out, m->cfg.serial_in);
    rc |= cmos_init(&m->cmos, b, m->ram_size, m->cfg.realtime);
    rc |= ide_init(&m->ide, b, &m->irqs);
    rc |= i8042_init(&m->kbd, b, on_reset, m);
    rc |= cga_init(&m->cga, b, m->ram + FW_CGA_TEXT);
    rc |= debugport_init(&m->dbg, b, m->cfg.serial_out, on_debug_exit, m);
    if (rc)
        return fail(err, errlen, -EBUSY, "device wiring failed (bus full or overlapping ports)");
    /* Firmware gives the I/O APIC the ID the MP table reports (82093AA
     * datasheet 3.2.1: IOAPICID bits 27:24; reset leaves it 0). */
    m->ioapic.id = (uint32_t)FW_IOAPIC_ID << 24;
    return attach_disks(m, err, errlen);
}

/* Switch the CPU's translator on unless the configuration says otherwise.
 * Returns 0, or -ENOSYS when the translator was required and is missing. */
static int choose_engine(struct machine *m, char *err, size_t errlen)
{
    char why[160];

    if (m->cfg.engine == MACHINE_ENGINE_INTERP)
        return 0;
    if (cpu_jit_enable(&m->cpu, why, sizeof why) == 0 || m->cfg.engine == MACHINE_ENGINE_AUTO)
        return 0;
    return fail(err, errlen, -ENOSYS, "%s", why);
}

int machine_init(struct machine *m, const struct machine_config *cfg, char *err, size_t errlen)
{
    memset(m, 0, sizeof(*m));
    m->cfg = *cfg;
    int rc = ram_alloc(m, cfg->ram_size ? cfg->ram_size : MACHINE_DEFAULT_RAM, err, errlen);
    if (rc < 0)
        return rc;
    wire_cpu(m);
    rc = wire_devices(m, err, errlen);
    if (rc == 0)
        rc = choose_engine(m, err, errlen);
    if (rc < 0)
        machine_destroy(m);
    return rc;
}

void machine_destroy(struct machine *m)
{
    cpu_jit_disable(&m->cpu);
    ide_close(&m->ide);
    if (m->ram)
        munmap(m->ram, m->ram_size + m->cfg.monitor_bytes);
    m->ram = NULL;
}

/* --- running ------------------------------------------------------------------- */

/* Ticks since an arbitrary origin, by the wall clock (--realtime only). */
static uint64_t wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* --realtime: if virtual time is ahead of the wall clock, sleep until the
 * wall clock catches up (a guest that waits for a 1 s timer waits 1 s). */
static void pace(struct machine *m)
{
    uint64_t virt_ns = clock_now(&m->clock) * 1000000000u / CLOCK_HZ;
    uint64_t real_ns = wall_ns() - m->realtime_start_ns;
    if (virt_ns > real_ns) {
        uint64_t d = virt_ns - real_ns;
        struct timespec ts = { .tv_sec = (time_t)(d / 1000000000u), .tv_nsec = (long)(d % 1000000000u) };
        nanosleep(&ts, NULL);
    }
}

/* How many instructions the next batch may run: up to the next timer
 * deadline and the instruction budget.  0 when the budget is spent. */
static uint64_t batch_length(struct machine *m)
{
    uint64_t now = clock_now(&m->clock);
    uint64_t next = clock_next_deadline(&m->clock);
    uint64_t n = next > now ? next - now : 1;
    if (n > MACHINE_MAX_BATCH)
        n = MACHINE_MAX_BATCH;
    if (m->cfg.max_insns) {
        uint64_t left = m->cfg.max_insns > m->cpu.icount ? m->cfg.max_insns - m->cpu.icount : 0;
        if (n > left)
            n = left;
    }
    return n;
}

/* Count timer deadlines skipped while halted since the last instruction
 * retired.  Returns true when there have been too many (see
 * MACHINE_MAX_IDLE_WAKEUPS): the timers that fire cannot wake the CPU. */
static bool idle_too_long(struct machine *m)
{
    if (m->cpu.icount != m->halt_icount) {
        m->halt_icount = m->cpu.icount;
        m->idle_wakeups = 0;
    }
    return ++m->idle_wakeups > MACHINE_MAX_IDLE_WAKEUPS;
}

/* HLT: jump virtual time to the next timer deadline and fire it, as long
 * as some interrupt could still wake the CPU.  Returns MACHINE_RUNNING or
 * MACHINE_HALTED. */
static enum machine_stop on_hlt(struct machine *m)
{
    const char *why = NULL;
    uint64_t next = clock_next_deadline(&m->clock);
    if (next == UINT64_MAX)
        uart_poll(&m->uart);             /* serial input is the only other waker */
    if (!(m->cpu.eflags & FLAG_IF))
        why = "with interrupts disabled";
    else if (m->cpu.intr)
        return MACHINE_RUNNING;          /* cpu_run() delivers it and wakes up */
    else if (next == UINT64_MAX)
        why = "with no timer armed";
    else if (idle_too_long(m))
        why = "and no timer interrupt reaches the CPU";
    if (why) {
        stop(m, MACHINE_HALTED, "guest halted forever %s, at EIP 0x%08" PRIx32, why, m->cpu.eip);
        return m->stop;
    }
    uint64_t now = clock_now(&m->clock);
    if (next > now)
        m->cpu.idle += next - now;
    clock_run_expired(&m->clock);
    return MACHINE_RUNNING;
}

/* Shutdown: name the fault that could not be delivered. */
static enum machine_stop on_triple_fault(struct machine *m)
{
    const struct cpu_exit_info *x = &m->cpu.exit;
    const char *name = trace_vector_name((int)x->vector);
    char error[32] = "";
    if (x->has_error)
        snprintf(error, sizeof(error), " error code 0x%" PRIx32, x->error);
    stop(m, MACHINE_TRIPLE_FAULT, "triple fault: %s (vector %u)%s at EIP 0x%08" PRIx32,
         name ? name : "interrupt", x->vector, error, x->eip);
    return m->stop;
}

/* The budget ran out, or the batch just reached a timer deadline. */
static enum machine_stop on_budget(struct machine *m)
{
    if (m->cfg.max_insns && m->cpu.icount >= m->cfg.max_insns)
        stop(m, MACHINE_BUDGET, "instruction budget of %" PRIu64 " exhausted at EIP 0x%08" PRIx32,
             m->cfg.max_insns, m->cpu.eip);
    return m->stop;
}

/* The one place that decides what each CPU exit means for the machine. */
static enum machine_stop handle_exit(struct machine *m, enum cpu_exit e)
{
    switch (e) {
    case CPU_EXIT_BUDGET:                /* batch over: a deadline, or --max-insns */
        return on_budget(m);
    case CPU_EXIT_HLT:                   /* skip idle time, or halted for good */
        return on_hlt(m);
    case CPU_EXIT_TRIPLE_FAULT:          /* shutdown: a PC would reset; we stop */
        return on_triple_fault(m);
    case CPU_EXIT_REQUEST:               /* debug exit, reset, or a timer moved closer */
        return m->stop;
    case CPU_EXIT_DEBUG:                 /* a breakpoint: the debugger takes over */
        return MACHINE_BREAKPOINT;
    case CPU_EXIT_RING0:                 /* only a monitor sets intercept_ring0 */
        if (m->ring0_exit)
            return m->ring0_exit(m->ring0_ctx);
        break;
    }
    stop(m, MACHINE_TRIPLE_FAULT, "internal error: unexpected CPU exit %d", (int)e);
    return m->stop;
}

/* A trace line for each exception or INT n the last instruction raised
 * (external interrupts are traced at INTA), in vector order.  The CPU
 * records the last raised event in cpu->exit. */
static void trace_events(struct machine *m)
{
    const struct cpu_exit_info *x = &m->cpu.exit;
    for (unsigned v = 0; v < 256; v++) {
        if (m->cpu.stat_vectors[v] == m->traced_vectors[v])
            continue;
        bool known = x->vector == v;
        trace_event(m->cfg.trace, &m->cpu, known ? x->kind : EVENT_EXCEPTION, (int)v,
                    known && x->has_error, x->error);
        m->traced_vectors[v] = m->cpu.stat_vectors[v];
    }
}

/* One instruction, traced.  A pending interrupt is delivered first on its
 * own (cpu_run with no budget), so the handler's first instruction gets a
 * trace line before it executes. */
static enum cpu_exit step_traced(struct machine *m)
{
    enum cpu_exit e = cpu_run(&m->cpu, 0);
    if (e != CPU_EXIT_BUDGET)
        return e;
    trace_insn(m->cfg.trace, &m->cpu);
    e = cpu_step(&m->cpu);
    trace_events(m);
    return e;
}

/* Run n instructions, or one if single. */
static enum cpu_exit run_cpu(struct machine *m, uint64_t n, bool single)
{
    if (!single)
        return cpu_run(&m->cpu, n);
    return m->cfg.trace ? step_traced(m) : cpu_step(&m->cpu);
}

/* Run one batch (or one instruction), then fire due timers and poll input. */
static enum machine_stop run_slice(struct machine *m, bool single)
{
    uint64_t n = batch_length(m);
    if (n == 0)
        return on_budget(m);
    if (single)
        n = 1;
    m->clock.batch_end = clock_now(&m->clock) + n;
    enum cpu_exit e = run_cpu(m, n, single);
    m->clock.batch_end = 0;
    clock_run_expired(&m->clock);
    uart_poll(&m->uart);
    if (single && e == CPU_EXIT_BUDGET)
        return m->stop;                  /* one instruction done */
    return handle_exit(m, e);
}

enum machine_stop machine_step(struct machine *m)
{
    return run_slice(m, true);
}

enum machine_stop machine_run(struct machine *m)
{
    bool single = m->cfg.trace != NULL;   /* tracing sees every instruction */
    if (m->cfg.realtime && !m->realtime_start_ns)
        m->realtime_start_ns = wall_ns() - clock_now(&m->clock);
    m->stop = MACHINE_RUNNING;
    enum machine_stop s;
    while ((s = run_slice(m, single)) == MACHINE_RUNNING)
        if (m->cfg.realtime)
            pace(m);
    return s;
}

/* --- statistics ------------------------------------------------------------------ */

/* One "stats: LABEL 0xPORT N" line per port with a nonzero count. */
static void print_ports(FILE *out, const char *label, const uint64_t *count)
{
    for (unsigned port = 0; port < 65536; port++)
        if (count[port])
            fprintf(out, "stats: %s 0x%04x %" PRIu64 "\n", label, port, count[port]);
}

/* Per-vector, per-IRQ and per-port counters, zero ones left out; then the
 * host's timing on "host:" lines, the only ones that vary between runs. */
/* The translator's counters ("jit:" lines, so that the "stats:" lines are
 * the same whichever engine ran the guest). */
static void print_jit_stats(struct machine *m, FILE *out)
{
    struct cpu_jit_stats j;

    if (m->cpu.jit == NULL)
        return;
    cpu_jit_get_stats(&m->cpu, &j);
    fprintf(out, "jit: blocks %" PRIu64 " (%" PRIu64 " guest instructions, %" PRIu64 " bytes of host code)\n",
            j.blocks, j.guest_insns, j.code_bytes);
    fprintf(out, "jit: links %" PRIu64 "\n", j.links);
    fprintf(out, "jit: invalidated %" PRIu64 "\n", j.invalidated);
    fprintf(out, "jit: flushes %" PRIu64 "\n", j.flushes);
    fprintf(out, "jit: interpreted %" PRIu64 "\n", j.steps);
}

void machine_print_stats(struct machine *m, FILE *out, double host_seconds)
{
    fprintf(out, "stats: instructions %" PRIu64 "\n", m->cpu.icount);
    fprintf(out, "stats: idle-ticks %" PRIu64 "\n", m->cpu.idle);
    for (unsigned v = 0; v < 256; v++) {
        const char *name = trace_vector_name((int)v);
        if (m->cpu.stat_vectors[v])
            fprintf(out, "stats: vector %3u %-4s %" PRIu64 "\n", v, name ? name : "", m->cpu.stat_vectors[v]);
    }
    for (int irq = 0; irq < MACHINE_ISA_IRQS; irq++)
        if (m->irq_count[irq])
            fprintf(out, "stats: irq %2d %" PRIu64 "\n", irq, m->irq_count[irq]);
    print_ports(out, "io", m->io_count);
    print_ports(out, "open-bus", m->bus.unhandled_io);
    fprintf(out, "stats: open-bus-mmio %" PRIu64 "\n", m->bus.unhandled_mmio);
    print_jit_stats(m, out);
    fprintf(out, "host: seconds %.3f\n", host_seconds);
    if (host_seconds > 0)
        fprintf(out, "host: mips %.1f\n", (double)m->cpu.icount / host_seconds / 1e6);
}
