/* test_machine.c - tiny kernels on the whole machine: output, stops, determinism. */
#include "kernels.h"
#include "kimage.h"

#include "loader.h"
#include "machine.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A machine that ran one kernel, with what it printed on COM1. */
struct run {
    struct machine *m;
    enum machine_stop stop;
    char out[4096];
};

/* Where run_kernel() traces to (NULL: no trace). */
static FILE *run_trace;

/* Boot `code` with the given instruction budget (every test gives one, so
 * a CPU bug that makes a kernel spin fails instead of hanging) and kernel
 * arguments; run it to the end; collect COM1 output.  The caller frees with run_free(). */
static void run_kernel(struct run *r, const uint8_t *code, size_t len,
                       uint64_t max_insns, const char *args)
{
    static uint8_t img[KIMAGE_MAX];
    char err[256];
    FILE *out = tmpfile();
    cr_assert(out, "tmpfile");
    struct machine_config cfg = { .serial_out = fileno(out), .serial_in = -1, .max_insns = max_insns,
                                  .trace = run_trace };
    r->m = malloc(sizeof(*r->m));
    cr_assert(r->m, "out of memory");
    cr_assert_eq(machine_init(r->m, &cfg, err, sizeof(err)), 0, "machine_init: %s", err);
    size_t n = kimage_build(img, code, len, 0);
    struct loader_request req = { .kernel = "k.elf", .args = args };
    cr_assert_eq(loader_load_image(&r->m->cpu, img, n, &req, err, sizeof(err)), 0, "load: %s", err);
    r->stop = machine_run(r->m);
    size_t got = (size_t)pread(fileno(out), r->out, sizeof(r->out) - 1, 0);
    r->out[got == (size_t)-1 ? 0 : got] = '\0';
    fclose(out);
}

static void run_free(struct run *r)
{
    machine_destroy(r->m);
    free(r->m);
}

Test(machine, kernel_prints_on_com1_and_exits)
{
    struct run r;
    run_kernel(&r, kernel_ok, sizeof(kernel_ok), 1000000, NULL);
    cr_assert_eq(r.stop, MACHINE_EXITED, "expected a debug-exit stop, got %d (%s)", r.stop, r.m->report);
    cr_assert_eq(r.m->exit_status, KERNEL_EXIT_STATUS, "exit status: expected (0x10<<1)|1 = 0x21, got 0x%x",
                 r.m->exit_status);
    cr_assert_str_eq(r.out, "ok\n");
    cr_assert_eq(r.m->cpu.icount, 10, "instructions: expected 10 (up to the exit OUT), got %llu",
                 (unsigned long long)r.m->cpu.icount);
    cr_assert_eq(r.m->io_count[0x3f8], 3, "writes to COM1: expected 3");
    cr_assert_eq(r.m->io_count[0xf4], 1, "writes to the exit port: expected 1");
    run_free(&r);
}

Test(machine, kernel_sees_its_command_line)
{
    struct run r;
    run_kernel(&r, kernel_cmdline, sizeof(kernel_cmdline), 100000, "console=ttyS0 answer=42");
    cr_assert_eq(r.stop, MACHINE_EXITED, "stop %d: %s", r.stop, r.m->report);
    cr_assert_str_eq(r.out, "k.elf console=ttyS0 answer=42");
    run_free(&r);
}

Test(machine, triple_fault_is_reported)
{
    struct run r;
    run_kernel(&r, kernel_triple, sizeof(kernel_triple), 100000, NULL);
    cr_assert_eq(r.stop, MACHINE_TRIPLE_FAULT, "expected a triple fault, got %d (%s)", r.stop, r.m->report);
    cr_assert(strstr(r.m->report, "triple fault"), "report: '%s'", r.m->report);
    cr_assert(strstr(r.m->report, "EIP 0x"), "report should name the EIP: '%s'", r.m->report);
    run_free(&r);
}

Test(machine, hlt_with_interrupts_off_halts_forever)
{
    struct run r;
    run_kernel(&r, kernel_cli_hlt, sizeof(kernel_cli_hlt), 100000, NULL);
    cr_assert_eq(r.stop, MACHINE_HALTED, "expected halted, got %d (%s)", r.stop, r.m->report);
    cr_assert(strstr(r.m->report, "interrupts disabled"), "report: '%s'", r.m->report);
    cr_assert_eq(r.m->cpu.icount, 2, "cli; hlt: expected 2 instructions");
    run_free(&r);
}

Test(machine, hlt_with_nothing_armed_halts_forever)
{
    struct run r;
    run_kernel(&r, kernel_sti_hlt, sizeof(kernel_sti_hlt), 100000, NULL);
    cr_assert_eq(r.stop, MACHINE_HALTED, "expected halted, got %d (%s)", r.stop, r.m->report);
    run_free(&r);
}

/* A masked periodic timer keeps expiring but never wakes the CPU: the
 * machine gives up after MACHINE_MAX_IDLE_WAKEUPS deadlines. */
Test(machine, hlt_with_a_masked_timer_halts_forever)
{
    struct run r;
    run_kernel(&r, kernel_masked_timer, sizeof(kernel_masked_timer), 100000, NULL);
    cr_assert_eq(r.stop, MACHINE_HALTED, "expected halted, got %d (%s)", r.stop, r.m->report);
    cr_assert_eq(r.m->cpu.icount, 10, "expected the 10 instructions before HLT, got %llu",
                 (unsigned long long)r.m->cpu.icount);
    run_free(&r);
}

Test(machine, instruction_budget_stops_exactly)
{
    struct run r;
    run_kernel(&r, kernel_spin, sizeof(kernel_spin), 12345, NULL);
    cr_assert_eq(r.stop, MACHINE_BUDGET, "expected the budget stop, got %d (%s)", r.stop, r.m->report);
    cr_assert_eq(r.m->cpu.icount, 12345, "expected exactly 12345 instructions, got %llu",
                 (unsigned long long)r.m->cpu.icount);
    run_free(&r);
}

Test(machine, keyboard_controller_reset_stops)
{
    struct run r;
    run_kernel(&r, kernel_reset, sizeof(kernel_reset), 100000, NULL);
    cr_assert_eq(r.stop, MACHINE_RESET, "expected a reset stop, got %d (%s)", r.stop, r.m->report);
    run_free(&r);
}

/* The PIT's IRQ0 reaches the CPU through the 8259A three times; the CPU
 * waits in HLT, so virtual time is skipped rather than spun. */
Test(machine, timer_interrupts_wake_hlt)
{
    struct run r;
    run_kernel(&r, kernel_timer, sizeof(kernel_timer), 1000000, NULL);
    cr_assert_eq(r.stop, MACHINE_EXITED, "expected exit, got %d (%s)", r.stop, r.m->report);
    cr_assert_str_eq(r.out, "ttt");
    cr_assert_eq(r.m->irq_count[0], 3, "IRQ0 rising edges: expected 3, got %llu",
                 (unsigned long long)r.m->irq_count[0]);
    cr_assert_eq(r.m->cpu.stat_vectors[0x20], 3, "vector 0x20 deliveries: expected 3");
    cr_assert(r.m->cpu.idle > 0, "HLT should have skipped virtual time");
    /* 3 periods of 1193 PIT ticks at 1.193182 MHz: about 3 ms of virtual time */
    uint64_t t = cpu_vtime(&r.m->cpu);
    cr_assert(t >= 2900000 && t < 3100000, "virtual time: expected ~3 ms, got %llu ns", (unsigned long long)t);
    run_free(&r);
}

/* ISA IRQ0 reaches the CPU through I/O APIC pin 2, as the MP table says. */
Test(machine, timer_interrupts_through_the_apics)
{
    struct run r;
    run_kernel(&r, kernel_apic_timer, sizeof(kernel_apic_timer), 1000000, NULL);
    cr_assert_eq(r.stop, MACHINE_EXITED, "expected exit, got %d (%s)", r.stop, r.m->report);
    cr_assert_str_eq(r.out, "aaa");
    cr_assert_eq(r.m->cpu.stat_vectors[0x30], 3, "vector 0x30 deliveries: expected 3, got %llu",
                 (unsigned long long)r.m->cpu.stat_vectors[0x30]);
    cr_assert_eq(r.m->cpu.stat_vectors[0x20], 0, "nothing should come through the masked 8259A");
    run_free(&r);
}

/* Statistics without the host: lines, into buf. */
static void stats_text(struct machine *m, char *buf, size_t len)
{
    FILE *f = fmemopen(buf, len, "w");
    machine_print_stats(m, f, 1.0);
    fclose(f);
    char *host = strstr(buf, "host:");
    cr_assert(host, "stats should end with host: lines");
    *host = '\0';
}

Test(machine, two_runs_are_identical)
{
    struct run a, b;
    static char sa[65536], sb[65536];
    run_kernel(&a, kernel_timer, sizeof(kernel_timer), 1000000, NULL);
    run_kernel(&b, kernel_timer, sizeof(kernel_timer), 1000000, NULL);
    cr_assert_str_eq(a.out, b.out, "serial output differs between runs");
    stats_text(a.m, sa, sizeof(sa));
    stats_text(b.m, sb, sizeof(sb));
    cr_assert_str_eq(sa, sb, "statistics differ between runs");
    cr_assert(strstr(sa, "stats: irq  0 3\n"), "stats should count 3 IRQ0 edges:\n%s", sa);
    cr_assert(strstr(sa, "stats: io 0x03f8 3\n"), "stats should count 3 COM1 writes:\n%s", sa);
    run_free(&a);
    run_free(&b);
}

/* Kernels of random bytes end, every one, with a stop and a report. */
Test(machine, random_kernels_end_cleanly, .timeout = 300)
{
    static uint8_t code[4096];
    uint64_t s = 0x243F6A8885A308D3ull;
    for (int seed = 0; seed < 64; seed++) {
        for (size_t i = 0; i < sizeof(code); i++) {
            s ^= s << 13, s ^= s >> 7, s ^= s << 17;     /* xorshift64 */
            code[i] = (uint8_t)s;
        }
        struct run r;
        run_kernel(&r, code, sizeof(code), 200000, NULL);
        cr_assert(r.stop != MACHINE_RUNNING && r.stop != MACHINE_BREAKPOINT,
                  "seed %d: unexpected stop %d", seed, r.stop);
        cr_assert(r.m->report[0], "seed %d: stop %d without a report", seed, r.stop);
        cr_assert(r.m->cpu.icount <= 200000, "seed %d: budget overrun", seed);
        run_free(&r);
    }
}

/* Tracing single-steps the CPU: it must not change what the guest does,
 * and every retired instruction gets exactly one line. */
Test(machine, tracing_changes_nothing_but_sees_everything)
{
    struct run plain, traced;
    run_kernel(&plain, kernel_timer, sizeof(kernel_timer), 1000000, NULL);
    run_trace = tmpfile();
    run_kernel(&traced, kernel_timer, sizeof(kernel_timer), 1000000, NULL);
    cr_assert_str_eq(traced.out, plain.out);
    cr_assert_eq(traced.m->cpu.icount, plain.m->cpu.icount, "instructions: %llu traced, %llu not",
                 (unsigned long long)traced.m->cpu.icount, (unsigned long long)plain.m->cpu.icount);
    cr_assert_eq(cpu_vtime(&traced.m->cpu), cpu_vtime(&plain.m->cpu), "virtual time differs");
    rewind(run_trace);
    char line[256];
    uint64_t insns = 0, events = 0;
    while (fgets(line, sizeof(line), run_trace)) {
        if (strstr(line, " event: interrupt 32"))
            events++;
        else if (strncmp(line, "io: ", 4) != 0)
            insns++;
    }
    fclose(run_trace);
    run_trace = NULL;
    cr_assert_eq(insns, plain.m->cpu.icount, "one trace line per instruction: %llu lines, %llu instructions",
                 (unsigned long long)insns, (unsigned long long)plain.m->cpu.icount);
    cr_assert_eq(events, 3, "expected 3 timer interrupt lines, got %llu", (unsigned long long)events);
    run_free(&plain);
    run_free(&traced);
}
