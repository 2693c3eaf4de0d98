/* test_alone.c - chapter 2 builds, runs and passes its tests without the chapters after it. */

/*
 * The promise: "chapter 2 builds and runs without later chapters".
 * Only a build that leaves them out can show it, so this test configures a
 * second tree from the same sources with -DTRAPEZE_SHADOW=OFF and
 * -DTRAPEZE_CONTAINERS=OFF (in ALONE_DIR, kept between runs so that a second
 * `make test` only rebuilds what changed), builds just `trapeze` and
 * `test-core`, and runs that test-core.  Its `trapeze` must be the chapter-2
 * program: no mmu-dot, --mmu flat only, and a paging guest stops with the
 * chapter-3 message.  (This file is built only into trees that have
 * chapter 3, so the inner test-core does not run it again.)
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "runner.h"

#define BUILD_TIMEOUT_S 800
#define RUN_TIMEOUT_S 300
#define STATUS_UNSUPPORTED 12           /* emulator/pc/main.c */

/* Run argv, assert it exits with status `want`; the result stays in *r.
 * On failure the message carries the end of what it printed. */
static void run_ok(char *const argv[], int timeout_s, int want, struct run_result *r)
{
    cr_assert_eq(runner_run(argv, timeout_s, r), 0, "cannot start %s", argv[0]);
    size_t n = r->out_len, tail = n > 3000 ? n - 3000 : 0;
    cr_assert(!r->timed_out && r->status == want, "%s %s %s: status %d (expected %d)%s\n...%s\n%s",
              argv[0], argv[1], argv[2] ? argv[2] : "", r->status, want,
              r->timed_out ? ", timed out" : "", r->out + tail, r->err);
}

/* Configure and build the chapter-2 tree (trapeze and test-core only). */
static void build_alone(void)
{
    struct run_result r;
    char *configure[] = { CMAKE_BIN, "-S", SOURCE_DIR, "-B", ALONE_DIR, "-G", CMAKE_GEN,
                          "-DCMAKE_BUILD_TYPE=Debug", "-DCMAKE_C_FLAGS_DEBUG=-O1 -g",
                          "-DTRAPEZE_SHADOW=OFF", "-DTRAPEZE_CONTAINERS=OFF", NULL };
    run_ok(configure, BUILD_TIMEOUT_S, 0, &r);
    runner_free(&r);
    char *build[] = { CMAKE_BIN, "--build", ALONE_DIR, "--target", "trapeze", "test-core",
                      "-j2", NULL };
    run_ok(build, BUILD_TIMEOUT_S, 0, &r);
    runner_free(&r);
}

/* The chapter-2 test-core passes, all of it. */
static void expect_tests_pass(void)
{
    struct run_result r;
    /* Without BXFI_MAP, which tells Criterion it is this test's sandbox:
     * the inner test-core must start as a test runner of its own. */
    char *tests[] = { "env", "-u", "BXFI_MAP", ALONE_DIR "/tests/core/test-core", "--jobs=2", NULL };
    run_ok(tests, RUN_TIMEOUT_S, 0, &r);
    unsigned tested = 0, passing = 0;
    const char *syn = strstr(r.err, "Synthesis: Tested:");
    cr_assert(syn && sscanf(syn, "Synthesis: Tested: %u | Passing: %u", &tested, &passing) == 2,
              "no Synthesis line from the chapter-2 test-core:\n%s", r.err);
    cr_assert(tested > 50 && passing == tested, "chapter-2 test-core: %u of %u passed", passing, tested);
    runner_free(&r);
}

/* Its `trapeze` is chapter 2's: popek but no mmu-dot, no shadow MMU, and
 * without --mmu a paging guest stops with the chapter-3 message. */
static void expect_chapter_2_program(void)
{
    struct run_result r;
    char *help[] = { ALONE_DIR "/emulator/pc/trapeze", "--help", NULL };
    run_ok(help, RUN_TIMEOUT_S, 0, &r);
    cr_assert_null(strstr(r.out, "mmu-dot"), "chapter 3's command in a chapter-2 build:\n%s", r.out);
    cr_assert_not_null(strstr(r.out, "popek"), "no popek command:\n%s", r.out);
    runner_free(&r);
    char *shadow[] = { ALONE_DIR "/emulator/pc/trapeze", "run", "--mode", "trap", "--mmu", "shadow",
                       GUEST_DIR "/hello.elf", NULL };
    run_ok(shadow, RUN_TIMEOUT_S, 2, &r);
    runner_free(&r);
    char *paging[] = { ALONE_DIR "/emulator/pc/trapeze", "run", "--mode", "trap", "--serial",
                       "/dev/null", GUEST_DIR "/nano-cr-write.elf", "--", "iters=10", NULL };
    run_ok(paging, RUN_TIMEOUT_S, STATUS_UNSUPPORTED, &r);
    cr_assert_not_null(strstr(r.err, "shadow page tables are chapter 3"), "stderr: %s", r.err);
    runner_free(&r);
}

/* One test: the steps share one build tree, which must not be built twice at once. */
Test(alone, chapter_2_builds_and_passes_its_tests_without_chapters_3_and_6, .timeout = 1500)
{
    build_alone();
    expect_tests_pass();
    expect_chapter_2_program();
}
