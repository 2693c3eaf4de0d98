/* test_teaching_os.c - the teaching OS under shadow paging: PUSHF/POPF is what still breaks it. */

/*
 * acrobat pages, runs four processes in ring 3 and checks itself.  With
 * shadow page tables the monitor can run it, except for one thing no
 * trap-and-emulate monitor fixes: at CPL 1, PUSHF shows the real IF (1)
 * and POPF cannot change IF.  The default build keeps its interrupt state
 * with PUSHF/CLI/POPF, so under --mode trap its own consistency check
 * finds interrupts "enabled" where it disabled them and panics -- the
 * lesson, asserted here.  acrobat-nopushf keeps a software copy of IF
 * instead and must print exactly what it prints bare.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"

#define TIMEOUT_S 180
#define STATUS_GUEST_OK 1              /* isa-debug-exit (0 << 1) | 1 */
#define STATUS_GUEST_PANIC 0xff        /* guests/lib/runtime.h: GUEST_EXIT_PANIC 0x7f, (0x7f << 1) | 1 */

/* The interrupt-state checks acrobat can trip (guests/acrobat/kernel/proc.c
 * and irqstate.c); which one fires first depends on where the leaked IF is
 * first looked at. */
static const char *const if_checks[] = {
    "panic: sched: called with interrupts enabled\n",
    "panic: irq_restore: interrupts are enabled inside an irq_save() section\n",
};

/* `trapeze run --mode <mode> --hda acrobat.img GUEST_DIR/<name>.elf`. */
static void run_acrobat(const char *name, const char *mode, struct run_result *r)
{
    char kernel[512], disk[512];
    snprintf(kernel, sizeof(kernel), "%s/%s.elf", GUEST_DIR, name);
    snprintf(disk, sizeof(disk), "%s/acrobat.img", GUEST_DIR);
    char *argv[] = { TRAPEZE_BIN, "run", "--mode", (char *)mode, "--hda", disk, kernel, NULL };
    cr_assert_eq(runner_run(argv, TIMEOUT_S, r), 0, "cannot start %s", TRAPEZE_BIN);
    cr_assert_not(r->timed_out, "%s --mode %s timed out after %d s", name, mode, TIMEOUT_S);
}

/* Runs `name` bare: it must pass all its checks.  Returns its transcript. */
static char *bare_transcript(const char *name)
{
    struct run_result r;
    run_acrobat(name, "bare", &r);
    cr_assert_eq(r.status, STATUS_GUEST_OK, "%s bare: expected status 1, got %d (stderr: %s)", name,
                 r.status, r.err);
    cr_assert_not_null(strstr(r.out, "acrobat: all checks passed\n"), "%s bare: %s", name, r.out);
    char *out = strdup(r.out);
    runner_free(&r);
    return out;
}

/* The first interrupt-state panic line in `out`, or NULL. */
static const char *if_panic(const char *out)
{
    for (size_t k = 0; k < sizeof(if_checks) / sizeof(if_checks[0]); k++) {
        const char *p = strstr(out, if_checks[k]);
        if (p)
            return p;
    }
    return NULL;
}

Test(teaching_os, default_build_trips_its_interrupt_state_check_under_trap)
{
    char *bare = bare_transcript("acrobat");
    struct run_result r;
    run_acrobat("acrobat", "trap", &r);
    const char *panic = if_panic(r.out);
    cr_assert_not_null(panic, "acrobat --mode trap: expected a panic from its interrupt-state "
                       "check (PUSHF sees the real IF); got status %d, transcript:\n%s", r.status,
                       r.out);
    cr_assert_eq(r.status, STATUS_GUEST_PANIC, "acrobat --mode trap: expected the guest's panic "
                 "status 0x%x, got 0x%x (stderr: %s)", STATUS_GUEST_PANIC, r.status, r.err);
    /* Up to the panic, it did what it does bare: paging and processes worked. */
    size_t before = (size_t)(panic - r.out);
    cr_assert(before > 0 && strncmp(bare, r.out, before) == 0, "acrobat --mode trap: the "
              "transcript before the panic differs from bare:\n%.*s", (int)before, r.out);
    cr_assert_not_null(strstr(r.out, "acrobat: paging on"), "%s", r.out);
    free(bare);
    runner_free(&r);
}

Test(teaching_os, nopushf_build_runs_under_trap_exactly_as_bare)
{
    char *bare = bare_transcript("acrobat-nopushf");
    struct run_result r;
    run_acrobat("acrobat-nopushf", "trap", &r);
    char *diff = runner_first_difference(bare, r.out);
    cr_assert_null(diff, "acrobat-nopushf --mode trap vs bare: %s", diff);
    cr_assert_eq(r.status, STATUS_GUEST_OK, "acrobat-nopushf --mode trap: expected status 1, got "
                 "%d (stderr: %s)", r.status, r.err);
    free(bare);
    runner_free(&r);
}
