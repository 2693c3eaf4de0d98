/* test_dot.c - `trapeze mmu-dot` draws a known guest exactly as its golden file says. */

/*
 * kernels/dot.s builds a layout small enough to derive its picture by hand,
 * which is what expected/dot.dot is.  Why each shadow line is there:
 *
 *   shadow PD   the pool's first page (monitor memory starts at 16 MiB, the
 *               pool after the flat tables: 0x01034000); its tables follow
 *               in the order the guest first touched them: PDE 0 (code
 *               fetch after paging went on), PDE 2 (the read), PDE 3 (the
 *               4-MiB write).  The CPU sets A in the shadow PDEs it uses.
 *   PT of PDE 0 only the code page, 256: the guest touched nothing else
 *               through paging; P W (the guest's PTE is W and D, and not a
 *               page table) plus the A the CPU set fetching from it.
 *   PT of PDE 2 entry 5: read-only and user, as the guest's; entry 6:
 *               writable (D was set) and dirty after the write.
 *   PT of PDE 3 entry 1 of the 4-MiB page: supervisor (the PDE has no U),
 *               writable, accessed and dirty after the write.
 *   guest side  the guest's entries as it wrote them (A and D preset, so
 *               the walk added nothing).
 *
 * The same picture must come from the library (spt_dot) and from the
 * `trapeze mmu-dot` command.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "runner.h"
#include "spt.h"

#define TIMEOUT_S 60
static const uint32_t addrs[] = { 0x00805000u, 0x00806000u, 0x00c01000u, 0x00100000u, 0x01000000u };
#define NADDRS (int)(sizeof(addrs) / sizeof(addrs[0]))

/* The golden picture, or a failed assertion. */
static char *golden(void)
{
    char *expected = runner_read_file(EXPECTED_SHADOW_DIR "/dot.dot");
    cr_assert_not_null(expected, "no %s/dot.dot", EXPECTED_SHADOW_DIR);
    return expected;
}

Test(dot, library_picture_of_a_known_guest_matches_its_golden_file)
{
    struct vmtest t;
    char *got = NULL;
    size_t len = 0;
    vm_use_mmu(&spt_mmu_ops);
    vmtest_boot(&t, "dot", VM_TRAP, 100000);
    cr_assert_eq(vmtest_run(&t), MACHINE_EXITED, "dot.s did not finish: %s", t.m->report);
    FILE *f = open_memstream(&got, &len);
    cr_assert_not_null(f);
    spt_dot(t.mon, addrs, NADDRS, f);
    fclose(f);
    char *expected = golden(), *diff = runner_first_difference(expected, got);
    cr_assert_null(diff, "mmu-dot of dot.s: %s", diff);
    free(expected);
    free(got);
    vmtest_free(&t);
    vm_use_mmu(NULL);
}

Test(dot, command_prints_the_same_picture)
{
    char dir[] = "/tmp/trapeze-dot-XXXXXX", path[512];
    struct run_result r;
    vmtest_write_elf("dot", dir, "dot.elf", path, sizeof(path));
    char *argv[] = { TRAPEZE_BIN, "mmu-dot", "--mem", "16M", "--addr", "0x805000", "--addr",
                     "0x806000", "--addr", "0xc01000", "--addr", "0x100000", "--addr", "0x1000000",
                     path, NULL };
    cr_assert_eq(runner_run(argv, TIMEOUT_S, &r), 0);
    cr_assert_eq(r.status, 0, "mmu-dot exit status %d: %s", r.status, r.err);
    char *expected = golden(), *diff = runner_first_difference(expected, r.out);
    cr_assert_null(diff, "trapeze mmu-dot: %s", diff);
    free(expected);
    runner_free(&r);
    unlink(path);
    rmdir(dir);
}

Test(dot, bad_usage_is_a_clear_error)
{
    struct run_result r;
    char *addr_on_run[] = { TRAPEZE_BIN, "run", "--addr", "0x1000", "x.elf", NULL };
    cr_assert_eq(runner_run(addr_on_run, TIMEOUT_S, &r), 0);
    cr_assert_eq(r.status, 2, "run --addr: status %d", r.status);
    cr_assert_not_null(strstr(r.err, "--addr is an option of 'trapeze mmu-dot'"), "%s", r.err);
    runner_free(&r);
    char *bad_addr[] = { TRAPEZE_BIN, "mmu-dot", "--addr", "0x1g", "x.elf", NULL };
    cr_assert_eq(runner_run(bad_addr, TIMEOUT_S, &r), 0);
    cr_assert_eq(r.status, 2, "mmu-dot --addr 0x1g: status %d", r.status);
    cr_assert_not_null(strstr(r.err, "not a 32-bit address"), "%s", r.err);
    runner_free(&r);
    char *bare[] = { TRAPEZE_BIN, "mmu-dot", "--mode", "bare", "x.elf", NULL };
    cr_assert_eq(runner_run(bare, TIMEOUT_S, &r), 0);
    cr_assert_eq(r.status, 2, "mmu-dot --mode bare: status %d", r.status);
    runner_free(&r);
}
