/* test_diff.c - the interpreter against the host CPU, family by family. */

/*
 * Each test generates one to ten thousand random cases from one
 * instruction family (diff_gen.c), runs every case natively in the 32-bit
 * helper, in the interpreter and in the translator (jit.c: the same CPU with
 * cpu_jit_enable), and fails if any case differs in a
 * register, EIP, the exception raised, a defined flag, or a byte of memory.
 * The first mismatches are printed in full with the line that replays them.
 *
 * Most tests run the interpreter flat at CPL 0; the user_mode_* tests run it
 * at CPL 3 like the helper (privileged instructions must fault), and the
 * paging_* tests with paging on and page tables that mirror the helper's
 * address space (a read-only page, an unmapped hole), so page faults are
 * compared with their error code and CR2.
 *
 * Environment:
 *   TRAPEZE_DIFF_SEED=n    seed (default DEFAULT_SEED: the same cases every run)
 *   TRAPEZE_DIFF_CASES=n   cases per family test instead of the defaults
 *   TRAPEZE_DIFF_CASE=n    run only case n of each test (replay one mismatch)
 *
 * The diff_harness tests check the harness itself against hand-computed
 * results and make sure it can fail.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff_check.h"
#include "diff_emu.h"
#include "diff_flags.h"
#include "diff_gen.h"
#include "diff_native.h"

#ifndef DIFF_NATIVE32
#define DIFF_NATIVE32 ""        /* CMake defines the helper's path when it could build it */
#endif

#define DEFAULT_SEED 0x74726170657a65ull    /* "trapeze" */
#define REPORTS_MAX 3                       /* full reports printed per test */
#define NO_CASE (-1L)

/* SDM Vol. 2A table 2-2 register numbers, for hand-written cases. */
enum { R_EAX, R_ECX, R_EDX, R_EBX, R_ESP };

/* Everything a test needs, on the heap (the pages are large for a stack). */
struct runner {
    struct diff_native native;
    struct diff_emu emu;
    struct diff_case k;
    struct diff_meta m;
    struct diff_state want, got;
    char text[2048];
    uint64_t seed;
    long only;                  /* TRAPEZE_DIFF_CASE, or NO_CASE */
    long cases;                 /* TRAPEZE_DIFF_CASES, or 0 */
};

static long env_long(const char *name, long dflt)
{
    const char *s = getenv(name);
    return s && *s ? (long)strtoull(s, NULL, 0) : dflt;
}

/* Start the helper (or skip the test: no native IA-32 here) and the interpreter. */
static struct runner *runner_start(void)
{
    struct runner *r = calloc(1, sizeof *r);
    char why[256];

    cr_assert_not_null(r, "out of memory for the runner");
    if (diff_native_start(&r->native, DIFF_NATIVE32, why, sizeof why) < 0) {
        free(r);
        cr_skip_test("%s", why);
    }
    cr_assert_eq(diff_emu_init(&r->emu), 0, "out of memory for %u bytes of RAM", DIFF_RAM_SIZE);
    r->seed = (uint64_t)env_long("TRAPEZE_DIFF_SEED", (long)DEFAULT_SEED);
    r->only = env_long("TRAPEZE_DIFF_CASE", NO_CASE);
    r->cases = env_long("TRAPEZE_DIFF_CASES", 0);
    return r;
}

static void runner_stop(struct runner *r)
{
    diff_native_stop(&r->native);
    diff_emu_free(&r->emu);
    free(r);
}

/* Run r->k natively, then on the interpreter and on the translator, each
 * compared with the host; returns the number of differences of the first
 * engine that differs (text in r->text, engine in r->emu.jit). */
static unsigned run_both(struct runner *r, enum cpu_exit *why)
{
    unsigned bad = 0;

    cr_assert_eq(diff_native_run(&r->native, &r->k, &r->want), 0,
                 "the 32-bit helper died (case code:\n%s)", r->m.desc);
    for (int jit = 0; jit <= 1 && bad == 0; jit++) {
        r->emu.jit = jit;
        *why = diff_emu_run(&r->emu, &r->k, &r->got);
        bad = diff_compare(&r->want, &r->got, diff_undef_mask(&r->m, &r->want),
                           r->text, sizeof r->text);
    }
    return bad;
}

static void report(struct runner *r, const char *test, unsigned index, enum cpu_exit why)
{
    char exit_text[96];
    snprintf(exit_text, sizeof exit_text, "%s (on the %s)", diff_emu_exit_name(why),
             r->emu.jit ? "translator, cpu_jit_enable" : "interpreter");
    struct diff_report rep = {
        .test = test, .seed = r->seed, .index = index, .k = &r->k, .m = &r->m,
        .native = &r->want, .emu = &r->got, .emu_exit = exit_text,
        .differences = r->text,
    };
    diff_report_print(stderr, &rep);
}

/* Generate and compare `ncases` cases of `families`, each 1..max_insns
 * instructions long, from random stream `stream`, with the interpreter set
 * up as `mode` says (the native side always runs at CPL 3 with paging). */
static void check_at(enum diff_mode mode, const char *test, uint32_t families, unsigned max_insns,
                     unsigned ncases, unsigned stream)
{
    struct runner *r = runner_start();
    unsigned bad = 0, ran = 0;
    struct diff_rng rng;
    enum cpu_exit why;

    r->emu.mode = mode;
    if (r->cases > 0)
        ncases = (unsigned)r->cases;
    for (unsigned i = 0; i < ncases; i++) {
        if (r->only != NO_CASE && (long)i != r->only)
            continue;
        diff_rng_seed(&rng, r->seed, stream, i);
        diff_gen_case(&rng, families, max_insns, &r->k, &r->m);
        ran++;
        if (run_both(r, &why) && ++bad <= REPORTS_MAX)
            report(r, test, i, why);
    }
    fflush(stderr);
    cr_log_info("%s: %u cases compared with the host CPU (seed 0x%llx)", test, ran,
                (unsigned long long)r->seed);
    runner_stop(r);
    cr_expect_gt(ran, 0, "%s: no case ran (TRAPEZE_DIFF_CASE beyond %u?)", test, ncases);
    cr_assert_eq(bad, 0, "%s: %u of %u cases differ from the host CPU; "
                 "the first %d are printed above", test, bad, ran, REPORTS_MAX);
}

/* Does the interpreter implement the BCD instructions?  The host does, in
 * 32-bit mode, so they are compared only if the interpreter claims them:
 * DAA must not raise #UD (SDM Vol. 3A 6.3.1: vector 6). */
static bool interpreter_has_bcd(void)
{
    static const uint8_t daa[] = { 0x27 };
    struct diff_emu e = { 0 };
    struct diff_rng rng;
    static struct diff_case k;
    static struct diff_meta m;
    static struct diff_state out;
    bool has;

    cr_assert_eq(diff_emu_init(&e), 0, "out of memory");
    diff_rng_seed(&rng, DEFAULT_SEED, 0, 0);
    diff_gen_fixed(&rng, daa, sizeof daa, &k, &m);
    diff_emu_run(&e, &k, &out);
    has = out.vector != 6;
    diff_emu_free(&e);
    return has;
}

/* At CPL 0 the privileged family would really run: it is compared at CPL 3. */
static void check_families(const char *test, uint32_t families, unsigned max_insns,
                           unsigned ncases, unsigned stream)
{
    check_at(DIFF_MODE_FLAT, test, families, max_insns, ncases, stream);
}

#define ALL_FAMILIES (DIFF_FAM(DIFF_FAMILIES) - 1)
/* Privileged instructions really run at CPL 0, the selectors differ from
 * Linux's there, the read-only page and the hole only fault with paging:
 * those families go with their modes.  Single-stepping has its own test. */
#define SPECIAL (DIFF_FAM(DIFF_BCD) | DIFF_FAM(DIFF_PRIV) | DIFF_FAM(DIFF_PAGING) | \
                 DIFF_FAM(DIFF_SEG) | DIFF_FAM(DIFF_TRAP))
#define ALL_BUT_BCD (ALL_FAMILIES & ~SPECIAL)

Test(diff, alu) { check_families("alu", DIFF_FAM(DIFF_ALU), 3, 5000, 1); }
Test(diff, unary) { check_families("unary", DIFF_FAM(DIFF_UNARY), 3, 2000, 2); }
Test(diff, mov) { check_families("mov", DIFF_FAM(DIFF_MOV), 3, 2000, 3); }
Test(diff, shift) { check_families("shift", DIFF_FAM(DIFF_SHIFT), 2, 6000, 4); }
Test(diff, shld_shrd) { check_families("shld_shrd", DIFF_FAM(DIFF_SHXD), 2, 3000, 5); }
Test(diff, mul) { check_families("mul", DIFF_FAM(DIFF_MUL), 2, 3000, 6); }
Test(diff, div) { check_families("div", DIFF_FAM(DIFF_DIV), 2, 3000, 7); }
Test(diff, bit) { check_families("bit", DIFF_FAM(DIFF_BIT), 2, 3000, 8); }
Test(diff, movzx_movsx) { check_families("movzx_movsx", DIFF_FAM(DIFF_MOVX), 3, 1500, 9); }
Test(diff, conditions) { check_families("conditions", DIFF_FAM(DIFF_CC) | DIFF_FAM(DIFF_ALU), 4, 4000, 10); }
Test(diff, xchg) { check_families("xchg", DIFF_FAM(DIFF_XCHG), 3, 3000, 11); }
Test(diff, convert) { check_families("convert", DIFF_FAM(DIFF_CONV), 3, 1000, 12); }
Test(diff, lea) { check_families("lea", DIFF_FAM(DIFF_LEA), 3, 3000, 13); }
Test(diff, stack) { check_families("stack", DIFF_FAM(DIFF_STACK), 6, 3000, 14); }
Test(diff, string) { check_families("string", DIFF_FAM(DIFF_STRING), 3, 3000, 15); }
Test(diff, flags) { check_families("flags", DIFF_FAM(DIFF_FLAGS) | DIFF_FAM(DIFF_ALU), 5, 2000, 16); }
Test(diff, branch) { check_families("branch", DIFF_FAM(DIFF_BRANCH), 3, 2000, 17); }

Test(diff, bcd)
{
    if (!interpreter_has_bcd())
        cr_skip_test("the interpreter raises #UD for DAA: BCD instructions not implemented");
    check_families("bcd", DIFF_FAM(DIFF_BCD) | DIFF_FAM(DIFF_ALU), 3, 2000, 18);
}

Test(diff, faults) { check_families("faults", DIFF_FAM(DIFF_FAULT) | DIFF_FAM(DIFF_ALU), 3, 2000, 20); }
Test(diff, misc) { check_families("misc", DIFF_FAM(DIFF_MISC), 3, 3000, 21); }

Test(diff, mixed_sequences)
{
    uint32_t fams = ALL_BUT_BCD | (interpreter_has_bcd() ? DIFF_FAM(DIFF_BCD) : 0);
    check_families("mixed_sequences", fams, 8, 10000, 19);
}

/* The same comparisons with the interpreter in user mode, like the helper:
 * privileged instructions must fault, POPF must leave IF and IOPL alone. */
Test(diff, user_mode_privileged)
{
    check_at(DIFF_MODE_USER, "user_mode_privileged", DIFF_FAM(DIFF_PRIV) | DIFF_FAM(DIFF_ALU), 3, 3000, 22);
}

Test(diff, user_mode_mixed_sequences)
{
    uint32_t fams = ALL_BUT_BCD | DIFF_FAM(DIFF_PRIV) | DIFF_FAM(DIFF_SEG);
    check_at(DIFF_MODE_USER, "user_mode_mixed_sequences", fams | (interpreter_has_bcd() ? DIFF_FAM(DIFF_BCD) : 0),
             8, 5000, 23);
}

/* Segment loads at CPL 3: the descriptor checks, #GP(selector), a null DS
 * that faults only when used. */
Test(diff, user_mode_segments)
{
    uint32_t fams = DIFF_FAM(DIFF_SEG) | DIFF_FAM(DIFF_ALU) | DIFF_FAM(DIFF_MOV) | DIFF_FAM(DIFF_STRING);
    check_at(DIFF_MODE_USER, "user_mode_segments", fams, 3, 4000, 26);
}

/* TF set by POPF: a #DB trap (vector 1) after the next instruction. */
Test(diff, single_step_trap)
{
    uint32_t fams = DIFF_FAM(DIFF_TRAP) | DIFF_FAM(DIFF_ALU) | DIFF_FAM(DIFF_MOV);
    check_at(DIFF_MODE_USER, "single_step_trap", fams, 3, 1000, 27);
}

/* With paging on: page faults (vector, error code, CR2, registers left as
 * they were before the faulting instruction or REP iteration). */
Test(diff, paging_faults)
{
    uint32_t fams = DIFF_FAM(DIFF_PAGING) | DIFF_FAM(DIFF_ALU) | DIFF_FAM(DIFF_STACK);
    check_at(DIFF_MODE_PAGED, "paging_faults", fams, 3, 4000, 24);
}

Test(diff, paging_mixed_sequences)
{
    uint32_t fams = ALL_BUT_BCD | DIFF_FAM(DIFF_PRIV) | DIFF_FAM(DIFF_SEG) | DIFF_FAM(DIFF_PAGING);
    check_at(DIFF_MODE_PAGED, "paging_mixed_sequences", fams, 8, 5000, 25);
}

/* --- the harness itself ------------------------------------------------------------ */

/* Run hand-written `code` natively with registers eax/ebx (others random). */
static void native_fixed(struct runner *r, const uint8_t *code, unsigned len,
                         uint32_t eax, uint32_t ebx, uint32_t eflags)
{
    struct diff_rng rng;

    diff_rng_seed(&rng, DEFAULT_SEED, 100, len);
    diff_gen_fixed(&rng, code, len, &r->k, &r->m);
    r->k.in.reg[R_EAX] = eax;
    r->k.in.reg[R_EBX] = ebx;
    r->k.in.eflags = eflags;
    cr_assert_eq(diff_native_run(&r->native, &r->k, &r->want), 0, "the 32-bit helper died");
}

/* SDM Vol. 2A ADD: 0xffffffff + 1 = 0 with CF, ZF, AF, PF set, SF, OF clear. */
Test(diff_harness, native_add_matches_hand_computation)
{
    static const uint8_t add_eax_ebx[] = { 0x01, 0xd8 };
    struct runner *r = runner_start();

    native_fixed(r, add_eax_ebx, sizeof add_eax_ebx, 0xffffffffu, 1, 0);
    cr_expect_eq(r->want.vector, DIFF_NO_FAULT, "add: expected no fault, got vector %d", (int)r->want.vector);
    cr_expect_eq(r->want.eip, DIFF_CODE_ADDR + 3, "EIP after add+hlt: expected 0x%x, got 0x%x",
                 DIFF_CODE_ADDR + 3, r->want.eip);
    cr_expect_eq(r->want.reg[R_EAX], 0, "EAX: expected 0, got 0x%x", r->want.reg[R_EAX]);
    cr_expect_eq(r->want.eflags & (DF_STATUS | DF_DF), DF_CF | DF_ZF | DF_AF | DF_PF,
                 "flags: expected CF ZF AF PF (0x55), got 0x%x", r->want.eflags & DF_STATUS);
    cr_expect_eq(r->want.reg[R_ESP], DIFF_ESP_START, "ESP: expected 0x%x, got 0x%x",
                 DIFF_ESP_START, r->want.reg[R_ESP]);
    runner_stop(r);
}

/* SDM Vol. 2A DIV: a zero divisor raises #DE (vector 0) at the DIV itself. */
Test(diff_harness, native_div_by_zero_reports_de)
{
    static const uint8_t div_ebx[] = { 0xf7, 0xf3 };
    struct runner *r = runner_start();

    native_fixed(r, div_ebx, sizeof div_ebx, 1234, 0, 0);
    cr_expect_eq(r->want.vector, 0, "div by 0: expected vector 0 (#DE), got %d", (int)r->want.vector);
    cr_expect_eq(r->want.eip, DIFF_CODE_ADDR, "#DE EIP: expected the DIV at 0x%x, got 0x%x",
                 DIFF_CODE_ADDR, r->want.eip);
    cr_expect_eq(r->want.reg[R_EAX], 1234, "EAX after #DE: expected unchanged 1234, got %u",
                 r->want.reg[R_EAX]);
    runner_stop(r);
}

/* SDM Vol. 2B UD2 (0F 0B): always #UD, vector 6. */
Test(diff_harness, native_ud2_reports_ud)
{
    static const uint8_t ud2[] = { 0x0f, 0x0b };
    struct runner *r = runner_start();

    native_fixed(r, ud2, sizeof ud2, 0, 0, 0);
    cr_expect_eq(r->want.vector, 6, "ud2: expected vector 6 (#UD), got %d", (int)r->want.vector);
    runner_stop(r);
}

/* SDM Vol. 2B PUSH: ESP -= 4, then the value is stored at the new ESP. */
Test(diff_harness, native_push_writes_the_stack_page)
{
    static const uint8_t push_eax[] = { 0x50 };
    struct runner *r = runner_start();
    uint32_t top, off = DIFF_ESP_START - 4 - DIFF_STACK_ADDR;

    native_fixed(r, push_eax, sizeof push_eax, 0xcafef00d, 0, 0);
    memcpy(&top, &r->want.stack[off], 4);
    cr_expect_eq(r->want.reg[R_ESP], DIFF_ESP_START - 4, "ESP after push: expected 0x%x, got 0x%x",
                 DIFF_ESP_START - 4, r->want.reg[R_ESP]);
    cr_expect_eq(top, 0xcafef00d, "pushed dword: expected 0xcafef00d, got 0x%x", top);
    runner_stop(r);
}

/* The generator's invariants hold on the real CPU: every memory operand is
 * inside the mapped pages and every case ends at its HLT or with one of the
 * exceptions the generator means to raise (SDM Vol. 3A 6.3.1: #DE 0, #DB 1, #BP 3,
 * #OF 4, #BR 5, #UD 6, #GP 13 from a privileged instruction) -- never #PF
 * (14: an operand outside the mapped pages) or #AC (17). */
Test(diff_harness, generated_cases_stay_inside_their_pages)
{
    struct runner *r = runner_start();
    struct diff_rng rng;

    for (unsigned i = 0; i < 1500; i++) {
        diff_rng_seed(&rng, r->seed, 200, i);
        diff_gen_case(&rng, ALL_FAMILIES & ~DIFF_FAM(DIFF_PAGING), 8, &r->k, &r->m);
        cr_assert_eq(diff_native_run(&r->native, &r->k, &r->want), 0, "the 32-bit helper died");
        bool ended = r->want.vector == DIFF_NO_FAULT && r->want.eip == DIFF_CODE_ADDR + r->k.code_len;
        cr_assert(ended || r->want.vector <= 6 || r->want.vector == 13,
                  "case %u: expected to end at its HLT (0x%x) or with #DE..#UD or #GP, got vector %d at 0x%x:\n%s",
                  i, DIFF_CODE_ADDR + r->k.code_len, (int)r->want.vector, r->want.eip, r->m.desc);
    }
    runner_stop(r);
}

/* The comparison can fail: a run from a wrongly initialised state (EAX off
 * by one) differs from the right one, and a run repeated exactly does not. */
Test(diff_harness, compare_detects_a_wrong_initial_state)
{
    static const uint8_t add_eax_ebx[] = { 0x01, 0xd8 };
    struct runner *r = runner_start();
    struct diff_state right;
    enum cpu_exit why;

    native_fixed(r, add_eax_ebx, sizeof add_eax_ebx, 0x7fffffff, 1, 0);
    right = r->want;
    native_fixed(r, add_eax_ebx, sizeof add_eax_ebx, 0x7fffffff, 1, 0);
    cr_expect_eq(diff_compare(&right, &r->want, 0, NULL, 0), 0, "the same run twice must compare equal");
    native_fixed(r, add_eax_ebx, sizeof add_eax_ebx, 0x7ffffffe, 1, 0);
    cr_expect_geq(diff_compare(&right, &r->want, 0, NULL, 0), 2,
                  "EAX and OF/SF differ after a wrong EAX: expected >= 2 differences");
    /* and against the interpreter started from the wrong state */
    r->k.in.reg[R_EAX] = 0x7ffffffe;
    why = diff_emu_run(&r->emu, &r->k, &r->got);
    cr_expect_gt(diff_compare(&right, &r->got, 0, NULL, 0), 0,
                 "interpreter from a wrong EAX (stopped on %s) must differ", diff_emu_exit_name(why));
    runner_stop(r);
}

/* Undefined flags are masked, and only those. */
Test(diff_harness, compare_masks_only_undefined_flags)
{
    static struct diff_state a, b;

    a.eflags = DF_CF | DF_AF;
    b.eflags = DF_CF;
    cr_expect_eq(diff_compare(&a, &b, DF_AF, NULL, 0), 0, "AF masked: expected no difference");
    cr_expect_eq(diff_compare(&a, &b, DF_OF, NULL, 0), 1, "AF not masked: expected one difference");
    b.data[100] = 1;
    cr_expect_eq(diff_compare(&a, &b, DF_AF, NULL, 0), 1, "one data byte: expected one difference");
}
