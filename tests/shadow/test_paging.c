/* test_paging.c - paging guests see the same memory, faults and bits bare and under shadow page tables. */

/*
 * Each kernel in kernels/ (see paging.inc for the shared layout) turns
 * paging on with its own tables, runs one scenario and stores what it saw
 * in RESULTS; #PF reaching the guest are logged there too (PF_LOG).  Every
 * test boots its kernel twice, bare and under the monitor with the shadow
 * MMU, and checks both runs with the same function: the expectations come
 * from the SDM, so the shadow is right when it is indistinguishable from
 * the hardware.  Then, in trap mode, the shadow's statistics show that the
 * mechanism under test was used (a hidden fault, a tracked page-table
 * write, a cache hit), so a test cannot pass because nothing happened.
 */
#include <criterion/criterion.h>
#include <inttypes.h>

#include "harness.h"
#include "spt.h"

#define MAX_INSNS 1000000
/* A monitor that resolves the same fault forever retires no instruction,
 * so MAX_INSNS never stops it: Criterion's timeout does (a kernel runs in
 * milliseconds). */
#define TEST_TIMEOUT_S 60
#define STATUS_OK 1                    /* EXIT 0: (0 << 1) | 1 */
#define STATUS_UNEXPECTED_GP 0x7b      /* paging.inc: EXIT 0x3d */

/* paging.inc's layout. */
#define TVA 0x00840000u                /* test page n at TVA + n * 4 KiB */
#define FRAME 0x00500000u              /* test frame n at FRAME + n * 4 KiB */
#define PF_COUNT (K_RESULTS + 0x100)
#define PF_LOG (K_RESULTS + 0x104)
#define USER_EAX (K_RESULTS + 0x1f8)

/* SDM Vol. 3A 4.8 (A, D), table 4-6; 6.15 (#PF error code bits). */
#define PTE_A 0x20u
#define PTE_D 0x40u
#define PF_P 0x1u                      /* 0: not present, 1: protection */
#define PF_W 0x2u                      /* the access was a write */
#define PF_U 0x4u                      /* the access was in user mode (CPL 3) */

/* Checks one run; `mode` is "bare" or "trap" for the messages. */
typedef void (*check_fn)(const struct vmtest *t, const char *mode);

/* Word `off` of RESULTS. */
static uint32_t result(const struct vmtest *t, uint32_t off)
{
    return vmtest_word(t, K_RESULTS + off);
}

/* Asserts RESULTS + off == want. */
static void expect_result(const struct vmtest *t, const char *mode, uint32_t off, uint32_t want,
                          const char *what)
{
    uint32_t got = result(t, off);
    cr_assert_eq(got, want, "%s: %s: expected 0x%08" PRIx32 ", got 0x%08" PRIx32, mode, what, want,
                 got);
}

/* Asserts that exactly `n` #PF reached the guest's handler. */
static void expect_fault_count(const struct vmtest *t, const char *mode, uint32_t n)
{
    uint32_t got = vmtest_word(t, PF_COUNT);
    cr_assert_eq(got, n, "%s: expected %" PRIu32 " #PF delivered to the guest, got %" PRIu32, mode,
                 n, got);
}

/* Asserts that the i-th #PF the guest saw had error code `err` and CR2 `cr2`. */
static void expect_fault(const struct vmtest *t, const char *mode, uint32_t i, uint32_t err,
                         uint32_t cr2, const char *what)
{
    uint32_t got_err = vmtest_word(t, PF_LOG + 8 * i), got_cr2 = vmtest_word(t, PF_LOG + 8 * i + 4);
    cr_assert_eq(got_err, err, "%s: %s: expected #PF error code 0x%" PRIx32 ", got 0x%" PRIx32,
                 mode, what, err, got_err);
    cr_assert_eq(got_cr2, cr2, "%s: %s: expected CR2 0x%08" PRIx32 ", got 0x%08" PRIx32, mode,
                 what, cr2, got_cr2);
}

/* Asserts the machine stopped as `want` (MACHINE_EXITED: by EXIT 0). */
static void expect_stop(const struct vmtest *t, const char *kernel, const char *mode,
                        enum machine_stop got, enum machine_stop want)
{
    cr_assert_eq(got, want, "%s.s %s: expected stop %d, got %d (%s)", kernel, mode, want, got,
                 t->m->report);
    if (want != MACHINE_EXITED)
        return;
    /* EXIT writes AL alone to the 8-bit debug-exit port (OUT imm8, AL);
     * the rest of EAX holds whatever the kernel last loaded and must not
     * reach the device. */
    int status = t->m->exit_status;
    cr_assert_neq(status, STATUS_UNEXPECTED_GP, "%s.s %s: an unexpected #GP, error code %#x",
                  kernel, mode, result(t, 0x1f0));
    cr_assert_eq(status, STATUS_OK, "%s.s %s: expected EXIT 0, status 1; got status %#x = "
                 "(%#x << 1) | 1", kernel, mode, status, status >> 1);
}

/* Boot `kernel` bare, then under the shadow MMU; check each run with
 * `check` after it stopped as `want`.  Returns the shadow's statistics. */
static struct spt_stats run_both(const char *kernel, enum machine_stop want, check_fn check)
{
    struct vmtest t;
    vmtest_boot(&t, kernel, VM_BARE, MAX_INSNS);
    expect_stop(&t, kernel, "bare", vmtest_run(&t), want);
    check(&t, "bare");
    vmtest_free(&t);

    vm_use_mmu(&spt_mmu_ops);
    vmtest_boot(&t, kernel, VM_TRAP, MAX_INSNS);
    expect_stop(&t, kernel, "trap", vmtest_run(&t), want);
    check(&t, "trap");
    struct spt_stats st = spt_get_stats(t.mon);
    vmtest_free(&t);
    vm_use_mmu(NULL);
    return st;
}

/* --- 1. hidden and true faults (kernels/faults.s) ------------------------- */

static void check_faults(const struct vmtest *t, const char *mode)
{
    expect_result(t, mode, 0, 0x11110000u, "read through a present PTE");
    expect_result(t, mode, 4, 0x12345678u, "write, then read, through a present PTE");
    expect_result(t, mode, 8, 0, "#PF seen by the guest before the first not-present access");
    expect_result(t, mode, 12, 0xc2c2c000u, "CR2 after the allowed accesses (what the kernel "
                  "stored; no #PF reached it)");
    cr_assert_eq(vmtest_word(t, FRAME + 0x1008), 0x12345678u, "%s: the write did not reach frame 1",
                 mode);
    expect_fault_count(t, mode, 3);
    /* SDM Vol. 3A 6.15: P = 0 (not present), W/R as the access, U/S = 0. */
    expect_fault(t, mode, 0, 0, TVA + 0x2010, "supervisor read, PTE not present");
    expect_fault(t, mode, 1, PF_W, TVA + 0x3024, "supervisor write, PTE with P = 0");
    expect_fault(t, mode, 2, 0, 0x00c00008u, "supervisor read, PDE not present");
    cr_assert_neq(vmtest_word(t, FRAME + 0x3024), 0xbadu, "%s: a faulting write reached memory",
                  mode);
}

Test(shadow, hidden_fault_is_invisible_to_the_guest, .timeout = TEST_TIMEOUT_S)
{
    struct spt_stats st = run_both("faults", MACHINE_EXITED, check_faults);
    /* The shadow starts empty and the CPU's first access to each page the
     * guest uses after paging is on faults once: the code page (0x100000),
     * TVA (read), RESULTS (written first, so mapped writable at once), TVA +
     * 0x1000 (written first) and the kernel stack, which the #PF handler
     * pops (the monitor pushed the frame itself, with the guest's walk). */
    cr_assert_eq(st.hidden_faults, 5, "trap: expected 5 hidden faults (code, TVA, RESULTS, "
                 "TVA + 0x1000, stack), got %" PRIu64, st.hidden_faults);
    cr_assert_eq(st.true_faults, 3, "trap: expected the 3 faults the guest saw to be counted as "
                 "true faults, got %" PRIu64, st.true_faults);
}

/* --- 2. a PTE write, then an access through it (kernels/ptewrite.s) ------- */

static void check_ptewrite(const struct vmtest *t, const char *mode)
{
    expect_fault_count(t, mode, 1);
    expect_fault(t, mode, 0, 0, TVA + 0x4000, "read before the PTE was written");
    expect_result(t, mode, 0, 0x44440004u, "read through the PTE just made present");
    expect_result(t, mode, 4, 0x4444beefu, "write, then read, through it");
    cr_assert_eq(vmtest_word(t, FRAME + 0x4004), 0x4444beefu, "%s: the write missed frame 4", mode);
    expect_result(t, mode, 8, 0x11110001u, "read after the PTE moved to frame 1 and INVLPG");
    /* The kernel's store is what the PTE holds: A set by the accesses (SDM 4.8). */
    cr_assert_eq(result(t, 12) & ~(PTE_A | PTE_D), (FRAME + 0x4000) | 0x3u,
                 "%s: PTE 4 reads back as 0x%08" PRIx32, mode, result(t, 12));
}

Test(shadow, guest_pte_write_is_seen_by_the_next_access, .timeout = TEST_TIMEOUT_S)
{
    struct spt_stats st = run_both("ptewrite", MACHINE_EXITED, check_ptewrite);
    cr_assert_geq(st.pt_writes, 2, "trap: the guest stored twice into a page table that backs "
                  "a shadow; pt_writes = %" PRIu64, st.pt_writes);
    cr_assert_geq(st.invlpgs, 1, "trap: invlpgs = %" PRIu64, st.invlpgs);
}

/* --- 3. stale translations (kernels/stale.s) ----------------------------- */

static void check_stale(const struct vmtest *t, const char *mode)
{
    expect_result(t, mode, 0, 0xaaaa000au, "first read (PTE -> frame A)");
    expect_result(t, mode, 4, 0xaaaa000au, "read after PTE := B without INVLPG (the cached "
                  "translation, A)");
    expect_result(t, mode, 8, 0xbbbb000bu, "read after INVLPG (B)");
    expect_result(t, mode, 12, 0xbbbb000bu, "read after PTE := A without INVLPG (still B)");
    expect_result(t, mode, 16, 0xaaaa000au, "read after MOV CR3, CR3 (A)");
}

Test(shadow, stale_translation_lasts_until_invlpg_as_on_bare, .timeout = TEST_TIMEOUT_S)
{
    struct spt_stats st = run_both("stale", MACHINE_EXITED, check_stale);
    cr_assert_geq(st.pt_writes, 2, "trap: pt_writes = %" PRIu64, st.pt_writes);
    cr_assert_geq(st.invlpgs, 1, "trap: invlpgs = %" PRIu64, st.invlpgs);
}

/* --- 4. accessed and dirty bits (kernels/adbits.s) ------------------------ */

static void check_adbits(const struct vmtest *t, const char *mode)
{
    cr_assert_eq(result(t, 0) & PTE_A, 0, "%s: PDE 2 before any access: A set (0x%08" PRIx32 ")",
                 mode, result(t, 0));
    cr_assert_eq(result(t, 4) & (PTE_A | PTE_D), PTE_A, "%s: PTE after a read: expected A = 1 "
                 "D = 0, got 0x%08" PRIx32, mode, result(t, 4));
    cr_assert_eq(result(t, 8) & PTE_A, PTE_A, "%s: PDE after a read: expected A = 1, got 0x%08"
                 PRIx32, mode, result(t, 8));
    cr_assert_eq(result(t, 12) & (PTE_A | PTE_D), PTE_A | PTE_D, "%s: PTE after a write: "
                 "expected A = 1 D = 1, got 0x%08" PRIx32, mode, result(t, 12));
    cr_assert_eq(result(t, 16) & (PTE_A | PTE_D), PTE_A | PTE_D, "%s: PTE after a first access "
                 "that writes: expected A = 1 D = 1, got 0x%08" PRIx32, mode, result(t, 16));
    cr_assert_eq(result(t, 20) & (PTE_A | PTE_D), 0, "%s: PTE never used: expected A = 0 D = 0, "
                 "got 0x%08" PRIx32, mode, result(t, 20));
    cr_assert_eq(vmtest_word(t, FRAME + 4), 0xd1d1u, "%s: the write missed frame 0", mode);
    cr_assert_eq(vmtest_word(t, FRAME + 0x1000), 0xd2d2u, "%s: the write missed frame 1", mode);
}

Test(shadow, accessed_and_dirty_bits_as_the_sdm_says, .timeout = TEST_TIMEOUT_S)
{
    struct spt_stats st = run_both("adbits", MACHINE_EXITED, check_adbits);
    cr_assert_geq(st.fills, 2, "trap: fills = %" PRIu64, st.fills);
}

/* --- 5. user and supervisor (kernels/user.s) ------------------------------ */

static void check_user(const struct vmtest *t, const char *mode)
{
    expect_result(t, mode, 0, 0x5a5a0000u, "kernel read of a supervisor page");
    expect_result(t, mode, 4, 0xc0deu, "kernel write of a supervisor page");
    expect_fault_count(t, mode, 4);
    /* SDM Vol. 3A 4.6, 6.15: P = 1 (protection), U/S = 1 (CPL 3). */
    expect_fault(t, mode, 0, PF_P | PF_U, TVA, "user read of a supervisor page");
    expect_fault(t, mode, 1, PF_P | PF_W | PF_U, TVA + 8, "user write of a supervisor page");
    expect_fault(t, mode, 2, PF_P | PF_W | PF_U, TVA + 0x100c, "user write of a read-only user "
                 "page");
    expect_fault(t, mode, 3, PF_P | PF_U, K_RESULTS, "user read of the kernel's data");
    uint32_t ro = result(t, 8), rw = result(t, 12);
    cr_assert_eq(ro, 0x005e0001u, "%s: user read of a read-only user page: expected 0x005e0001, "
                 "got 0x%08" PRIx32, mode, ro);
    cr_assert_eq(rw, 0x3333u, "%s: user write of a writable user page: expected 0x3333, got 0x%08"
                 PRIx32, mode, rw);
    cr_assert_eq(vmtest_word(t, FRAME + 8), 0, "%s: a user write reached a supervisor page", mode);
    cr_assert_eq(vmtest_word(t, FRAME + 0x100c), 0, "%s: a user write reached a read-only page",
                 mode);
}

Test(shadow, user_access_to_supervisor_page_faults_in_the_guest, .timeout = TEST_TIMEOUT_S)
{
    struct spt_stats st = run_both("user", MACHINE_EXITED, check_user);
    cr_assert_geq(st.true_faults, 4, "trap: true_faults = %" PRIu64, st.true_faults);
}

/* --- 6. CR0.WP (kernels/wp.s) -------------------------------------------- */

static void check_wp(const struct vmtest *t, const char *mode)
{
    expect_fault_count(t, mode, 3);
    /* SDM Vol. 3A 6.15: P = 1, W/R = 1, U/S = 0 (supervisor) or 1 (user). */
    expect_fault(t, mode, 0, PF_P | PF_W, TVA, "supervisor write, read-only page, WP = 1");
    expect_fault(t, mode, 1, PF_P | PF_W | PF_U, TVA + 0x1010, "user write, read-only user "
                 "page, WP = 0 (WP is about supervisor writes)");
    expect_fault(t, mode, 2, PF_P | PF_W, TVA + 8, "supervisor write, read-only page, WP = 1 "
                 "again after WP = 0");
    expect_result(t, mode, 0, 0x2222u, "supervisor write of a read-only page with WP = 0");
    expect_result(t, mode, 4, 0x3333u, "supervisor write of a read-only user page with WP = 0");
    expect_result(t, mode, 8, 0x0f0f0008u, "read after the faulting write with WP = 1");
    expect_result(t, mode, 12, 0x3333u, "user read of the read-only user page with WP = 0");
    cr_assert_eq(vmtest_word(t, FRAME), 0x0f0f0000u, "%s: a faulting write reached memory", mode);
    cr_assert_eq(vmtest_word(t, FRAME + 0x1010), 0, "%s: a user write with WP = 0 reached a "
                 "read-only page", mode);
}

Test(shadow, cr0_wp_decides_supervisor_writes_to_read_only_pages, .timeout = TEST_TIMEOUT_S)
{
    run_both("wp", MACHINE_EXITED, check_wp);
}

/* --- 7. one frame, two pages (kernels/alias.s) ---------------------------- */

static void check_alias(const struct vmtest *t, const char *mode)
{
    expect_result(t, mode, 0, 0xa11a0000u, "first alias");
    expect_result(t, mode, 4, 0xa11a0000u, "second alias");
    expect_result(t, mode, 8, 0xa1u, "second alias after a store through the first");
    expect_result(t, mode, 12, 0xa1u, "read-only alias after that store");
    expect_result(t, mode, 16, 0xa2u, "first alias after a store through the second");
    expect_result(t, mode, 20, 0xa2u, "read-only alias after a faulting store through it");
    expect_fault_count(t, mode, 1);
    expect_fault(t, mode, 0, PF_P | PF_W, TVA + 0x2000, "store through the read-only alias");
}

Test(shadow, aliased_frame_is_coherent, .timeout = TEST_TIMEOUT_S)
{
    run_both("alias", MACHINE_EXITED, check_alias);
}

/* --- 8. 4-MiB pages (kernels/bigpage.s) ----------------------------------- */

static void check_bigpage(const struct vmtest *t, const char *mode)
{
    expect_result(t, mode, 0, 0xb16b0001u, "read through the 4-MiB page");
    cr_assert_eq(result(t, 4) & (PTE_A | PTE_D), PTE_A, "%s: 4-MiB PDE after a read: expected "
                 "A = 1 D = 0, got 0x%08" PRIx32, mode, result(t, 4));
    cr_assert_eq(result(t, 8) & (PTE_A | PTE_D), PTE_A | PTE_D, "%s: 4-MiB PDE after a write: "
                 "expected A = 1 D = 1, got 0x%08" PRIx32, mode, result(t, 8));
    cr_assert_eq(vmtest_word(t, 0x00bff010u), 0xb16b0002u, "%s: the write through VA 0xfff010 "
                 "should reach physical 0xbff010", mode);
    cr_assert_neq(vmtest_word(t, 0x00fff010u), 0xb16b0002u, "%s: the write reached physical "
                  "0xfff010 (identity), not the 4-MiB frame", mode);
}

Test(shadow, four_mib_page_reaches_the_right_frame, .timeout = TEST_TIMEOUT_S)
{
    struct spt_stats st = run_both("bigpage", MACHINE_EXITED, check_bigpage);
    cr_assert_geq(st.fills, 2, "trap: fills = %" PRIu64, st.fills);
}

/* --- 9. context switches (kernels/switch.s) ------------------------------- */

#define NSWITCH 16

static void check_switch(const struct vmtest *t, const char *mode)
{
    for (uint32_t i = 0; i < NSWITCH; i++) {
        uint32_t a = result(t, 8 * i), b = result(t, 8 * i + 4);
        cr_assert_eq(a, 0x5a0u, "%s: switch %" PRIu32 " to PD: expected 0x5a0, got 0x%" PRIx32,
                     mode, i, a);
        cr_assert_eq(b, 0x5b1u, "%s: switch %" PRIu32 " to PD2: expected 0x5b1, got 0x%" PRIx32,
                     mode, i, b);
    }
    expect_result(t, mode, 0xf0, 0x5c2u, "PD after its PTE was rewritten while PD2 was current");
    expect_result(t, mode, 0xf4, 0x5b1u, "PD2 after that");
}

Test(shadow, shadow_cache_survives_a_context_switch, .timeout = TEST_TIMEOUT_S)
{
    struct spt_stats st = run_both("switch", MACHINE_EXITED, check_switch);
    /* 2 * NSWITCH + 2 MOVs to CR3 with paging on, two directories: only
     * the first use of each should build a shadow. */
    cr_assert_geq(st.cache_hits, 2 * NSWITCH - 2, "trap: expected at least %d shadow cache hits, "
                  "got %" PRIu64 " (misses %" PRIu64 ")", 2 * NSWITCH - 2, st.cache_hits,
                  st.cache_misses);
    cr_assert_leq(st.cache_misses, 2, "trap: two directories should cost at most 2 misses, got %"
                  PRIu64, st.cache_misses);
}

/* --- 9b. more address spaces than the cache holds (kernels/roots.s) ------- */

#define NROOTS_GUEST 10                /* roots.s: PD_0 .. PD_9 */
#define ROOT_SLOTS 8                   /* shadow-mmu/spt_internal.h SPT_ROOTS */

static void check_roots(const struct vmtest *t, const char *mode)
{
    for (uint32_t i = 0; i < 2 * NROOTS_GUEST; i++) {
        uint32_t n = i % NROOTS_GUEST, want = 0x0a000000u + n;
        if (i == NROOTS_GUEST + 0)
            want = 0x0a00000au;        /* PD_0's PTE rewritten between the rounds */
        if (i == NROOTS_GUEST + 5)
            want = 0x0a00000bu;        /* PD_5's */
        uint32_t got = result(t, 4 * i);
        cr_assert_eq(got, want, "%s: round %" PRIu32 ", MOV CR3 := PD_%" PRIu32 ": expected "
                     "0x%08" PRIx32 ", got 0x%08" PRIx32, mode, i / NROOTS_GUEST + 1, n, want, got);
    }
    expect_result(t, mode, 80, 0x0a000008u, "PD_8 reloaded");
    expect_result(t, mode, 84, 0x0a000009u, "PD_9 reloaded");
}

Test(shadow, more_address_spaces_than_cached_roots_evict_the_least_recently_used,
     .timeout = TEST_TIMEOUT_S)
{
    struct spt_stats st = run_both("roots", MACHINE_EXITED, check_roots);
    /* PD (paging on), then PD_0..PD_9 twice: a cycle through more roots
     * than LRU keeps misses every time; PD_8 and PD_9 last were cached.
     * Every miss past the eighth evicts one root. */
    uint64_t misses = 1 + 2 * NROOTS_GUEST;
    cr_assert_eq(st.cache_misses, misses, "trap: expected %" PRIu64 " cache misses, got %" PRIu64,
                 misses, st.cache_misses);
    cr_assert_eq(st.cache_hits, 2, "trap: expected 2 cache hits, got %" PRIu64, st.cache_hits);
    cr_assert_eq(st.evictions, misses - ROOT_SLOTS, "trap: expected %" PRIu64 " evictions, got %"
                 PRIu64, misses - ROOT_SLOTS, st.evictions);
    cr_assert_eq(st.pool_full, 0, "trap: pool_full = %" PRIu64, st.pool_full);
    /* PD_5's table backed a cached root (its store is emulated); PD_0's no
     * longer did once PD_0 was evicted (its store is a plain write). */
    cr_assert_eq(st.pt_writes, 1, "trap: expected 1 page-table write, got %" PRIu64, st.pt_writes);
}

/* --- 10. a device through paging (kernels/mmio.s) ------------------------- */

static uint32_t lapic_version[2];      /* bare, trap */

static void check_mmio(const struct vmtest *t, const char *mode)
{
    uint32_t flat = result(t, 0), paged = result(t, 4);
    /* SDM Vol. 3A 10.4.8: version 1XH for an integrated local APIC. */
    cr_assert_eq(flat & 0xf0u, 0x10u, "%s: LAPIC version register with paging off: 0x%08" PRIx32,
                 mode, flat);
    cr_assert_eq(paged, flat, "%s: LAPIC version through paging: expected 0x%08" PRIx32 " (as "
                 "read with paging off), got 0x%08" PRIx32, mode, flat, paged);
    expect_result(t, mode, 8, 0x20u, "LAPIC TPR read back through paging");
    lapic_version[mode[0] == 't'] = paged;
}

Test(shadow, mmio_through_a_guest_mapping_reaches_the_device, .timeout = TEST_TIMEOUT_S)
{
    struct spt_stats st = run_both("mmio", MACHINE_EXITED, check_mmio);
    cr_assert_eq(lapic_version[1], lapic_version[0], "LAPIC version: bare 0x%08" PRIx32 ", trap "
                 "0x%08" PRIx32, lapic_version[0], lapic_version[1]);
    cr_assert_geq(st.mmio_faults, 3, "trap: three accesses to the APIC through paging, "
                  "mmio_faults = %" PRIu64, st.mmio_faults);
}

/* --- 12. triple fault (kernels/triple.s) ---------------------------------- */

static void check_triple(const struct vmtest *t, const char *mode)
{
    expect_result(t, mode, 0, 0x7f1eu, "marker stored with paging on, before the fault");
}

Test(shadow, triple_fault_with_paging_on_stops_the_vm, .timeout = TEST_TIMEOUT_S)
{
    run_both("triple", MACHINE_TRIPLE_FAULT, check_triple);
}

/* --- 13. INVLPG after a 4-MiB PDE changed (kernels/bigpde.s) -------------- */

static void check_bigpde(const struct vmtest *t, const char *mode)
{
    expect_result(t, mode, 0, 0xb16e0040u, "read of 0xc40000 through the 4-MiB page");
    expect_result(t, mode, 4, 0xb16e0042u, "read of 0xc42000 through the 4-MiB page");
    expect_result(t, mode, 8, 0xb16e0042u, "read of 0xc42000 after the PDE became a page-table "
                  "PDE, before INVLPG (the cached translation)");
    expect_result(t, mode, 12, 0x4e000002u, "read of 0xc42000 after INVLPG 0xc41000 (every piece "
                  "of the 4-MiB page goes; the new table maps frame 2)");
    expect_result(t, mode, 16, 0x4e000000u, "read of 0xc40000 through the new table");
    expect_result(t, mode, 20, 0xb16e0050u, "read of 0x1050000 through the 4-MiB page");
    expect_result(t, mode, 24, 0xb16e0052u, "read of 0x1052000 through the 4-MiB page");
    expect_result(t, mode, 28, 0xb16e0052u, "read of 0x1052000 after the PDE was cleared, before "
                  "INVLPG (the cached translation)");
    expect_result(t, mode, 32, 0, "read of 0x1052000 after INVLPG 0x1051000 (should fault)");
    expect_fault_count(t, mode, 1);
    expect_fault(t, mode, 0, 0, 0x01052000u, "read after the 4-MiB PDE was cleared and a piece "
                 "of it invalidated");
}

Test(shadow, invlpg_drops_every_piece_of_a_4mib_page_whose_pde_changed,
     .timeout = TEST_TIMEOUT_S)
{
    struct spt_stats st = run_both("bigpde", MACHINE_EXITED, check_bigpde);
    cr_assert_eq(st.invlpgs, 2, "trap: invlpgs = %" PRIu64, st.invlpgs);
    cr_assert_geq(st.pt_writes, 2, "trap: the two PDE stores should have been emulated, "
                  "pt_writes = %" PRIu64, st.pt_writes);
}

/* --- 14. PDEs rewritten with paging on (kernels/pdechange.s) -------------- */

static void check_pdechange(const struct vmtest *t, const char *mode)
{
    const uint32_t f0 = 0x9d000000u, f1 = 0x9d000001u, f2 = 0x9d000002u, f3 = 0x9d000003u;
    expect_result(t, mode, 0, f0, "TVA through PT_T");
    expect_result(t, mode, 4, f1, "TVA + 0x1000 through PT_T");
    expect_result(t, mode, 8, f0, "TVA after PDE 2 := PT_T2, before INVLPG (stale)");
    expect_result(t, mode, 12, f2, "TVA after INVLPG (PT_T2)");
    expect_result(t, mode, 16, f1, "TVA + 0x1000, not invalidated (stale)");
    expect_result(t, mode, 20, f3, "TVA + 0x1000 after MOV CR3 (PT_T2)");
    expect_result(t, mode, 24, f2, "TVA after MOV CR3 (PT_T2)");
    expect_result(t, mode, 28, f2, "TVA after PDE 2 := 0, before INVLPG (stale)");
    expect_result(t, mode, 32, 0, "TVA after PDE 2 := 0 and INVLPG (should fault)");
    expect_result(t, mode, 36, f3, "TVA + 0x1000 after PDE 2 := 0, not invalidated (stale)");
    expect_result(t, mode, 40, 0, "TVA + 0x1000 after PDE 2 := 0 and MOV CR3 (should fault)");
    expect_result(t, mode, 44, 0xb1600050u, "0xc50000 through the 4-MiB page at 0x800000");
    expect_result(t, mode, 48, 0xb1600052u, "0xc52000 through the 4-MiB page at 0x800000");
    expect_result(t, mode, 52, 0xb1600052u, "0xc52000 after PDE 3 := 4 MiB at 0x400000, before "
                  "INVLPG (stale)");
    expect_result(t, mode, 56, 0xb1400052u, "0xc52000 after INVLPG 0xc50000 (0x400000)");
    expect_result(t, mode, 60, 0xb1400050u, "0xc50000 after INVLPG 0xc50000 (0x400000)");
    expect_fault_count(t, mode, 2);
    expect_fault(t, mode, 0, 0, TVA, "read of TVA, PDE 2 cleared");
    expect_fault(t, mode, 1, 0, TVA + 0x1000, "read of TVA + 0x1000, PDE 2 cleared");
}

Test(shadow, pde_rewritten_with_paging_on_is_seen_after_invlpg_or_cr3,
     .timeout = TEST_TIMEOUT_S)
{
    struct spt_stats st = run_both("pdechange", MACHINE_EXITED, check_pdechange);
    cr_assert_geq(st.pt_writes, 3, "trap: three PDE stores, pt_writes = %" PRIu64, st.pt_writes);
    cr_assert_geq(st.cache_hits, 2, "trap: MOV CR3, CR3 twice should find the root cached, "
                  "cache_hits = %" PRIu64, st.cache_hits);
}

/* --- 15. a written page becomes a page table (kernels/ptframe.s) ---------- */

static void check_ptframe(const struct vmtest *t, const char *mode)
{
    expect_result(t, mode, 0, 0x7ac00001u, "read through the new page table (frame 1)");
    expect_result(t, mode, 4, 0x7ac00002u, "read after the kernel rewrote that table's entry "
                  "through its old writable mapping, and MOV CR3 (frame 2)");
    cr_assert_eq(result(t, 8) & ~PTE_A, (FRAME + 0x2000) | 0x3u, "%s: the table's entry 0x50 "
                 "reads 0x%08" PRIx32 ", expected frame 2 | P W", mode, result(t, 8));
}

Test(shadow, store_through_an_old_writable_mapping_of_a_new_page_table_is_seen,
     .timeout = TEST_TIMEOUT_S)
{
    struct spt_stats st = run_both("ptframe", MACHINE_EXITED, check_ptframe);
    cr_assert_geq(st.pt_writes, 2, "trap: pt_writes = %" PRIu64, st.pt_writes);
}
