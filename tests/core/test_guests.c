/* test_guests.c - whole guests under the monitor: same transcript as bare, and the Popek table. */

/*
 * Every guest that does not page must print, under `trapeze run --mode
 * trap --mmu flat` -- chapter 2's own memory map, even when chapter 3 is
 * built -- exactly its golden transcript (tests/guests/expected/, recorded
 * on QEMU) and exit the same way.  The sensitive-* guests whose
 * observations legitimately differ (that is the lesson) must still run to
 * completion.  Guests that page stop with the chapter-3 message and status
 * 12 under the flat map, and run with chapter 3's shadow page tables.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"

#define TIMEOUT_S 120
#define STATUS_GUEST_OK 1               /* isa-debug-exit (0 << 1) | 1 */
#define STATUS_UNSUPPORTED 12           /* main.c */

/* `trapeze run --mode trap --mmu MMU GUEST_DIR/<name>.elf -- args`. */
static void run_trap(const char *mmu, const char *name, const char *args, struct run_result *r)
{
    char kernel[512];
    snprintf(kernel, sizeof(kernel), "%s/%s.elf", GUEST_DIR, name);
    char *argv[] = { TRAPEZE_BIN, "run", "--mode", "trap", "--mmu", (char *)mmu, kernel, "--",
                     (char *)args, NULL };
    cr_assert_eq(runner_run(argv, TIMEOUT_S, r), 0, "cannot start %s", TRAPEZE_BIN);
    cr_assert_not(r->timed_out, "%s timed out", name);
}

/* The guest prints its golden transcript and exits with status 1. */
static void expect_golden_with(const char *mmu, const char *name, const char *args)
{
    struct run_result r;
    char golden[512];
    run_trap(mmu, name, args, &r);
    snprintf(golden, sizeof(golden), "%s/%s.txt", EXPECTED_DIR, name);
    char *expected = runner_read_file(golden);
    cr_assert_not_null(expected, "no golden %s", golden);
    char *diff = runner_first_difference(expected, r.out);
    cr_assert_null(diff, "%s under trap: %s", name, diff);
    cr_assert_eq(r.status, STATUS_GUEST_OK, "%s: exit status %d (stderr: %s)", name, r.status, r.err);
    free(expected);
    runner_free(&r);
}

/* ... under chapter 2's own memory map. */
static void expect_golden(const char *name, const char *args)
{
    expect_golden_with("flat", name, args);
}

Test(guests, hello) { expect_golden("hello", ""); }
Test(guests, bench_crc32) { expect_golden("bench-crc32", "iters=3"); }
Test(guests, bench_sieve) { expect_golden("bench-sieve", "iters=2"); }
Test(guests, bench_matmul) { expect_golden("bench-matmul", "iters=3"); }
Test(guests, bench_fib) { expect_golden("bench-fib", "iters=3"); }
Test(guests, bench_strings) { expect_golden("bench-strings", "iters=20"); }
Test(guests, nano_syscall) { expect_golden("nano-syscall", "iters=1000"); }
Test(guests, nano_in) { expect_golden("nano-in", "iters=1000"); }
Test(guests, nano_callret) { expect_golden("nano-callret", "iters=1000"); }
Test(guests, nano_divzero) { expect_golden("nano-divzero", "iters=1000"); }
Test(guests, sensitive_smsw) { expect_golden("sensitive-smsw", ""); }
Test(guests, sensitive_sldt) { expect_golden("sensitive-sldt", ""); }
Test(guests, sensitive_verr) { expect_golden("sensitive-verr", ""); }
Test(guests, sensitive_verw) { expect_golden("sensitive-verw", ""); }
Test(guests, sensitive_movcr3) { expect_golden("sensitive-movcr3", ""); }

/* A guest whose observations differ still runs to its end. */
static void expect_completes(const char *name)
{
    struct run_result r;
    run_trap("flat", name, "", &r);
    cr_assert_eq(r.status, STATUS_GUEST_OK, "%s: exit status %d (stderr: %s)", name, r.status, r.err);
    runner_free(&r);
}

Test(guests, leaking_sensitive_guests_complete)
{
    const char *names[] = { "sensitive-sgdt", "sensitive-sidt", "sensitive-str", "sensitive-popf",
                            "sensitive-pushf", "sensitive-intn",
                            "sensitive-pushcs", "sensitive-lar", "sensitive-lsl", "sensitive-farcall" };
    for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
        expect_completes(names[k]);
}

/* A paging guest under the flat map stops with the message and status 12. */
static void expect_paging_stop(const char *name, const char *args)
{
    struct run_result r;
    run_trap("flat", name, args, &r);
    cr_assert_eq(r.status, STATUS_UNSUPPORTED, "%s: expected status 12, got %d", name, r.status);
    cr_assert_not_null(strstr(r.err, "shadow page tables are chapter 3 (shadow-mmu/)"),
                       "%s: stderr was: %s", name, r.err);
    runner_free(&r);
}

Test(guests, paging_guests_stop_naming_chapter_3)
{
    expect_paging_stop("nano-cr-write", "iters=1000");
    expect_paging_stop("nano-pgfault", "iters=1000");
    expect_paging_stop("nano-ptemod", "iters=1000");
    expect_paging_stop("acrobat", "");
}

#ifdef TRAPEZE_HAVE_SHADOW
/* Built with chapter 3: `trapeze` runs paging guests under the monitor
 * with shadow page tables (its default), and they print their golden
 * transcripts (tests/shadow has the rest). */
Test(guests, paging_guests_run_with_chapter_3)
{
    expect_golden_with("shadow", "nano-cr-write", "iters=1000");
    expect_golden_with("shadow", "nano-pgfault", "iters=1000");
    expect_golden_with("shadow", "nano-ptemod", "iters=1000");
}
#endif

/* --- trapeze popek ------------------------------------------------------------------ */

/* The "leaks" cell of the row for instruction `insn`, observation `key`. */
static const char *leaks(const char *table, const char *insn, const char *key)
{
    static char cell[8];
    char want_insn[32], want_key[64], line_insn[32], line_key[64], bare[32], trap[32];
    snprintf(want_insn, sizeof(want_insn), "%s", insn);
    snprintf(want_key, sizeof(want_key), "%s", key);
    for (const char *p = table; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        if (sscanf(p, "%31s %63s %31s %31s %7s", line_insn, line_key, bare, trap, cell) == 5 &&
            strcmp(line_insn, want_insn) == 0 && strcmp(line_key, want_key) == 0)
            return cell;
    }
    return "(missing)";
}

Test(popek, table_from_running_the_guests)
{
    struct run_result r;
    char *argv[] = { TRAPEZE_BIN, "popek", GUEST_DIR, NULL };
    cr_assert_eq(runner_run(argv, TIMEOUT_S, &r), 0);
    cr_assert_eq(r.status, 0, "popek exit status %d: %s", r.status, r.err);
    /* POPF cannot change IF or IOPL at CPL 1 (the guest reads back the real
     * IF, 1, after clearing it) and SGDT shows the shadow GDT: both leak. */
    cr_assert_str_eq(leaks(r.out, "popf", "if_after_popf_clear"), "yes", "%s", r.out);
    cr_assert_str_eq(leaks(r.out, "popf", "iopl_after_popf"), "yes", "%s", r.out);
    cr_assert_str_eq(leaks(r.out, "sgdt", "gdt_base"), "yes", "%s", r.out);
    cr_assert_str_eq(leaks(r.out, "pushcs", "cs_rpl"), "yes", "%s", r.out);
    /* MOV to CR3 traps and is emulated: the guest reads back what it wrote. */
    cr_assert_str_eq(leaks(r.out, "movcr3", "cr3"), "no", "%s", r.out);
    cr_assert_str_eq(leaks(r.out, "movcr3", "cr3_is_mine"), "no", "%s", r.out);
    /* LSL shows the truncated limit of a flat segment, but a small one is
     * what the guest wrote (lsl.c reloads GDTR after adding it). */
    cr_assert_str_eq(leaks(r.out, "lsl", "lsl_kdata"), "yes", "%s", r.out);
    cr_assert_str_eq(leaks(r.out, "lsl", "lsl_small_ok"), "no", "%s", r.out);
    /* PUSHF: the real IF stays 1 for the monitor, so after CLI the guest
     * reads IF = 1; after STI it reads 1 on both machines; IOPL is 0 on both. */
    cr_assert_str_eq(leaks(r.out, "pushf", "if_after_cli"), "yes", "%s", r.out);
    cr_assert_str_eq(leaks(r.out, "pushf", "if_after_sti"), "no", "%s", r.out);
    cr_assert_str_eq(leaks(r.out, "pushf", "iopl"), "no", "%s", r.out);
    /* The same real IF shows inside an interrupt gate's handler. */
    cr_assert_str_eq(leaks(r.out, "intn", "int_if_in_handler"), "yes", "%s", r.out);
    runner_free(&r);
}
