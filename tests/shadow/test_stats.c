/* test_stats.c - `trapeze run --stats` prints the shadow MMU's counters, which the benchmarks read. */

/*
 * shadow-mmu/bench/run.sh reads `stats: spt KEY N` lines (and the hit
 * rate) from stderr, so their names, order and values are an interface.
 * nano-cr-write alternates between two page directories that share their
 * page tables, N times, then switches back to the first: paging on builds
 * the first root, the first switch the second, and each of the other N
 * MOVs to CR3 finds its root cached.  The CPU's
 * TLB is flushed at each switch but the shadow roots are not, so the
 * hidden faults (filling them) do not grow with the number of switches.
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "runner.h"

#define TIMEOUT_S 60
#define STATUS_GUEST_OK 1              /* isa-debug-exit (0 << 1) | 1 */

/* Every `stats: spt` key, in the order --stats prints them (README.md). */
static const char *const keys[] = {
    "hidden-faults", "true-faults", "fills", "pt-writes", "mmio-faults", "cache-hits",
    "cache-misses", "invlpgs", "evictions", "pool-full", "cache-hit-rate",
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* One run's `stats: spt` values, by index in keys[]. */
struct spt_lines {
    uint64_t v[NKEYS];
};

/* Parse the `stats: spt` lines of err: each key once, in keys[] order,
 * nothing else. */
static void parse_spt_lines(const char *err, struct spt_lines *got)
{
    size_t next = 0;
    for (const char *p = strstr(err, "stats: spt "); p; p = strstr(p + 1, "stats: spt ")) {
        char key[32], unit[4] = "";
        unsigned long long n;
        int fields = sscanf(p, "stats: spt %31s %llu%3[%]", key, &n, unit);
        cr_assert_geq(fields, 2, "unparsable line: %.60s", p);
        cr_assert_lt(next, NKEYS, "more `stats: spt` lines than keys; extra: %s", key);
        cr_assert_str_eq(key, keys[next], "`stats: spt` line %zu: expected key %s, got %s", next,
                         keys[next], key);
        cr_assert_eq(strcmp(key, "cache-hit-rate") == 0, unit[0] == '%', "%s: unit '%s'", key,
                     unit);
        got->v[next++] = n;
    }
    cr_assert_eq(next, NKEYS, "expected %zu `stats: spt` lines, got %zu:\n%s", NKEYS, next, err);
}

/* `trapeze run --mode trap --stats nano-cr-write.elf -- iters=N`. */
static void run_cr_write(uint32_t iters, struct spt_lines *got)
{
    char kernel[512], arg[32];
    struct run_result r;
    snprintf(kernel, sizeof(kernel), "%s/nano-cr-write.elf", GUEST_DIR);
    snprintf(arg, sizeof(arg), "iters=%" PRIu32, iters);
    char *argv[] = { TRAPEZE_BIN, "run", "--mode", "trap", "--stats", kernel, "--", arg, NULL };
    cr_assert_eq(runner_run(argv, TIMEOUT_S, &r), 0, "cannot start %s", TRAPEZE_BIN);
    cr_assert_eq(r.status, STATUS_GUEST_OK, "nano-cr-write %s: status %d (stderr: %s)", arg,
                 r.status, r.err);
    parse_spt_lines(r.err, got);
    runner_free(&r);
}

/* Index of `key` in keys[]. */
static size_t k(const char *key)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (strcmp(keys[i], key) == 0)
            return i;
    cr_assert_fail("no key %s", key);
    return 0;
}

Test(stats, cr_write_switches_find_both_roots_cached)
{
    const uint32_t few = 10, many = 1000;
    struct spt_lines a, b;
    run_cr_write(few, &a);
    run_cr_write(many, &b);
    cr_assert_eq(b.v[k("cache-misses")], 2, "two directories: expected 2 misses, got %" PRIu64,
                 b.v[k("cache-misses")]);
    cr_assert_eq(b.v[k("cache-hits")], many, "%" PRIu32 " + 1 switches, the first a miss: "
                 "expected %" PRIu32 " hits, got %" PRIu64, many, many, b.v[k("cache-hits")]);
    /* 100 * 1000 / (1000 + 2), rounded down. */
    cr_assert_eq(b.v[k("cache-hit-rate")], 99, "cache-hit-rate %" PRIu64 "%%",
                 b.v[k("cache-hit-rate")]);
    cr_assert_eq(a.v[k("cache-hits")], few);
    cr_assert_gt(a.v[k("hidden-faults")], 0, "the shadow starts empty: no hidden faults?");
    cr_assert_eq(b.v[k("hidden-faults")], a.v[k("hidden-faults")], "hidden faults grew with the "
                 "switches (%" PRIu64 " for %" PRIu32 ", %" PRIu64 " for %" PRIu32 "): a cached "
                 "root was refilled", a.v[k("hidden-faults")], few, b.v[k("hidden-faults")], many);
    const char *zero[] = { "true-faults", "pt-writes", "mmio-faults", "invlpgs", "evictions",
                           "pool-full" };
    for (size_t i = 0; i < sizeof(zero) / sizeof(zero[0]); i++)
        cr_assert_eq(b.v[k(zero[i])], 0, "%s: expected 0, got %" PRIu64, zero[i], b.v[k(zero[i])]);
}
