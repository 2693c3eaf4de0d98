/* test_stats.c - `trapeze run --mode trap --stats`: the monitor's lines, their shape and counts. */

/*
 * nano-in executes one IN per iteration.  Run it twice with N1 and N2
 * iterations (same number of digits, so its boot and its report print the
 * same lines and poll the UART the same number of times): the "in" count
 * must grow by exactly N2 - N1 and be N + c for one constant c.  The other
 * lines are checked for their shape: exits by reason summing to the total,
 * the histogram of instructions between exits in power-of-two buckets
 * summing to it too, and a host time per exit reason.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"

#define TIMEOUT_S 120
#define N1 200
#define N2 700
#define MAX_REASONS 16

/* What the monitor's --stats lines said. */
struct stats {
    unsigned long total, exits_sum, gaps_sum, in;
    int nreasons, ntimed;
    char reason[MAX_REASONS][24];
    bool timed_all;
};

/* Reasons the monitor's exit switch has (stats.c). */
static bool known_reason(const char *r)
{
    static const char *const names[] = { "privileged", "pio", "hlt", "page-fault", "exception",
                                         "int-n", "interrupt" };
    for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
        if (strcmp(r, names[k]) == 0)
            return true;
    return false;
}

/* One "stats: monitor insns-between-exits >=K N" line: K is 0 or a power of
 * two above the previous bucket's. */
static void parse_gap(const char *line, unsigned long *last, struct stats *st)
{
    unsigned long k, n;
    cr_assert_eq(sscanf(line, "stats: monitor insns-between-exits >=%lu %lu", &k, &n), 2, "%s", line);
    cr_assert(k == 0 || (k & (k - 1)) == 0, "bucket %lu is not a power of two: %s", k, line);
    cr_assert(*last == ~0ul || k > *last, "buckets out of order: %s", line);
    *last = k;
    st->gaps_sum += n;
}

/* One "host: monitor ns-per-exit REASON NS" line: a reason seen on an exit line, or "all". */
static void parse_host(const char *line, struct stats *st)
{
    char reason[24];
    unsigned long ns;
    cr_assert_eq(sscanf(line, "host: monitor ns-per-exit %23s %lu", reason, &ns), 2, "%s", line);
    if (strcmp(reason, "all") == 0) {
        st->timed_all = true;
        return;
    }
    bool seen = false;
    for (int k = 0; k < st->nreasons; k++)
        seen |= strcmp(st->reason[k], reason) == 0;
    cr_assert(seen, "host time for a reason with no exit line: %s", line);
    st->ntimed++;
}

/* Parse every monitor line of stderr text `err`. */
static void parse(const char *err, struct stats *st)
{
    unsigned long last_gap = ~0ul, n;
    char name[24];
    memset(st, 0, sizeof(*st));
    for (const char *p = err; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        if (sscanf(p, "stats: monitor exits %lu", &n) == 1) {
            st->total = n;
        } else if (sscanf(p, "stats: monitor exit %23s %lu", name, &n) == 2) {
            cr_assert(known_reason(name), "unknown exit reason '%s'", name);
            cr_assert_lt(st->nreasons, MAX_REASONS);
            strcpy(st->reason[st->nreasons++], name);
            st->exits_sum += n;
        } else if (sscanf(p, "stats: monitor insn in %lu", &n) == 1) {
            st->in = n;
        } else if (strncmp(p, "stats: monitor insns-between-exits", 34) == 0) {
            parse_gap(p, &last_gap, st);
        } else if (strncmp(p, "host: monitor ns-per-exit", 25) == 0) {
            parse_host(p, st);
        }
    }
}

/* nano-in with `iters` under the monitor, --stats parsed into *st. */
static void run_nano_in(int iters, struct stats *st)
{
    char kernel[512], args[32];
    struct run_result r;
    snprintf(kernel, sizeof(kernel), "%s/nano-in.elf", GUEST_DIR);
    snprintf(args, sizeof(args), "iters=%d", iters);
    char *argv[] = { TRAPEZE_BIN, "run", "--mode", "trap", "--stats", "--serial", "/dev/null",
                     kernel, "--", args, NULL };
    cr_assert_eq(runner_run(argv, TIMEOUT_S, &r), 0, "cannot start %s", TRAPEZE_BIN);
    cr_assert_eq(r.status, 1, "nano-in %s: status %d: %s", args, r.status, r.err);
    parse(r.err, st);
    runner_free(&r);
}

Test(stats, exit_lines_add_up_to_the_total)
{
    struct stats st;
    run_nano_in(N1, &st);
    cr_assert_gt(st.total, N1, "at least one exit per IN: %lu exits", st.total);
    cr_assert_eq(st.exits_sum, st.total, "exits by reason sum to %lu, total %lu", st.exits_sum, st.total);
    cr_assert_eq(st.gaps_sum, st.total, "insns-between-exits buckets sum to %lu, total %lu",
                 st.gaps_sum, st.total);
    cr_assert_eq(st.ntimed, st.nreasons, "a host time for each of the %d reasons, got %d",
                 st.nreasons, st.ntimed);
    cr_assert(st.timed_all, "no 'host: monitor ns-per-exit all' line");
}

Test(stats, each_in_is_one_pio_exit_plus_a_boot_constant)
{
    struct stats a, b;
    run_nano_in(N1, &a);
    run_nano_in(N2, &b);
    bool pio = false;
    for (int k = 0; k < a.nreasons; k++)
        pio |= strcmp(a.reason[k], "pio") == 0;
    cr_assert(pio, "no 'stats: monitor exit pio' line");
    cr_assert_eq(b.in - a.in, (unsigned long)(N2 - N1), "insn in: %lu at %d iterations, %lu at %d",
                 a.in, N1, b.in, N2);
    cr_assert_geq(a.in, N1, "insn in %lu below the %d iterations", a.in, N1);
    cr_assert_eq(b.total - a.total, (unsigned long)(N2 - N1), "one more exit per iteration: %lu, %lu",
                 a.total, b.total);
}
