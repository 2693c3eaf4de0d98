/* stats.c - what the monitor cost: exits by reason and by instruction (--stats). */

/*
 * A trap-and-emulate monitor is as fast as its exit rate: code that does not
 * trap runs at full speed, each exit costs a decode and an emulation.  The
 * counts are deterministic (virtual time); host times are not, so they are
 * printed on "host:" lines only.
 */
#include <inttypes.h>
#include <time.h>

#include "monitor_internal.h"

static const char *const exit_names[MON_EXIT_COUNT] = {
    [MON_EXIT_PRIVILEGED] = "privileged",
    [MON_EXIT_PIO] = "pio",
    [MON_EXIT_HLT] = "hlt",
    [MON_EXIT_PAGE_FAULT] = "page-fault",
    [MON_EXIT_EXCEPTION] = "exception",
    [MON_EXIT_SOFTINT] = "int-n",
    [MON_EXIT_EXTINT] = "interrupt",
};

static const char *const insn_names[INSN_COUNT] = {
    [INSN_CLI] = "cli", [INSN_STI] = "sti", [INSN_HLT] = "hlt", [INSN_LGDT] = "lgdt",
    [INSN_LIDT] = "lidt", [INSN_LLDT] = "lldt", [INSN_LTR] = "ltr",
    [INSN_MOV_TO_CR] = "mov-to-cr", [INSN_MOV_FROM_CR] = "mov-from-cr",
    [INSN_INVLPG] = "invlpg", [INSN_CLTS] = "clts", [INSN_LMSW] = "lmsw",
    [INSN_WBINVD] = "wbinvd", [INSN_IN] = "in", [INSN_OUT] = "out",
    [INSN_INS_OUTS] = "ins-outs", [INSN_IRET] = "iret", [INSN_RETF] = "retf",
    [INSN_MOV_SS] = "mov-ss", [INSN_RDMSR] = "rdmsr", [INSN_WRMSR] = "wrmsr",
    [INSN_CPUID] = "cpuid",
    [INSN_OTHER] = "not-emulated",
};

uint64_t stats_host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Bucket k >= 1 holds gaps in [2^(k-1), 2^k); bucket 0 holds 0. */
static unsigned gap_bucket(uint64_t gap)
{
    unsigned k = 0;
    while (gap) {
        k++;
        gap >>= 1;
    }
    return k < MON_GAP_BUCKETS ? k : MON_GAP_BUCKETS - 1;
}

void stats_count_exit(struct monitor *mon, enum mon_exit why)
{
    uint64_t now = mon->c->icount;
    mon->exits[why]++;
    mon->between[gap_bucket(now - mon->last_exit_icount)]++;
    mon->last_exit_icount = now;
}

/* "stats: monitor insns-between-exits >=LOW N" per nonempty bucket. */
static void print_gaps(const struct monitor *mon, FILE *out)
{
    for (unsigned k = 0; k < MON_GAP_BUCKETS; k++)
        if (mon->between[k])
            fprintf(out, "stats: monitor insns-between-exits >=%-10" PRIu64 " %" PRIu64 "\n",
                    k ? (uint64_t)1 << (k - 1) : 0, mon->between[k]);
}

void monitor_print_stats(struct monitor *mon, FILE *out)
{
    uint64_t total = 0, ns = 0;
    for (int r = 0; r < MON_EXIT_COUNT; r++) {
        total += mon->exits[r];
        ns += mon->host_ns[r];
    }
    fprintf(out, "stats: monitor exits %" PRIu64 "\n", total);
    for (int r = 0; r < MON_EXIT_COUNT; r++)
        if (mon->exits[r])
            fprintf(out, "stats: monitor exit %-10s %" PRIu64 "\n", exit_names[r], mon->exits[r]);
    for (int k = 0; k < INSN_COUNT; k++)
        if (mon->insn_exits[k])
            fprintf(out, "stats: monitor insn %-12s %" PRIu64 "\n", insn_names[k], mon->insn_exits[k]);
    fprintf(out, "stats: monitor reflected %" PRIu64 "\n", mon->reflected);
    fprintf(out, "stats: monitor insns-per-exit %" PRIu64 "\n",
            total ? mon->c->icount / total : mon->c->icount);
    print_gaps(mon, out);
    if (mon->mmu->print_stats)
        mon->mmu->print_stats(mon, out);
    for (int r = 0; r < MON_EXIT_COUNT; r++)
        if (mon->exits[r])
            fprintf(out, "host: monitor ns-per-exit %-10s %" PRIu64 "\n", exit_names[r],
                    mon->host_ns[r] / mon->exits[r]);
    if (total)
        fprintf(out, "host: monitor ns-per-exit all %" PRIu64 "\n", ns / total);
}
