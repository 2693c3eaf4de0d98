/* test_isolation.c - the guest cannot reach the monitor's memory (run it under the asan preset). */

/*
 * kernels/isolation.s runs with 16 MiB of guest RAM, so the monitor's
 * memory sits at host-physical 16 MiB and at linear MONITOR_LINEAR.  The
 * kernel reads and writes guest-physical 16 MiB (open bus for the guest,
 * as on the bare machine), reads the monitor's linear region (beyond every
 * truncated segment limit: #GP), and loads a descriptor whose base is in
 * the monitor region (not present in the shadow GDT: #NP).
 */
#include <criterion/criterion.h>

#include "harness.h"

#define BUDGET 100000
#define OPEN_BUS 0xffffffffu
#define PDE_INDEX_OF_0x10000000 64     /* where the write to +0x100 would land */

Test(isolation, beyond_guest_ram_is_open_bus_and_monitor_memory_is_untouched)
{
    struct vmtest t;
    vmtest_boot(&t, "isolation", VM_TRAP, BUDGET);
    uint32_t gdt_entry1[2];
    cr_assert_eq(vmtest_run(&t), MACHINE_EXITED, "%s", t.m->report);
    cr_assert_eq(vmtest_word(&t, K_RESULTS + 0), OPEN_BUS, "read beyond RAM: expected open bus, got 0x%x",
                 vmtest_word(&t, K_RESULTS + 0));
    const uint32_t *pd = (const uint32_t *)(t.mon->mem + MON_PD);
    cr_assert_eq(pd[PDE_INDEX_OF_0x10000000], 0, "the guest's store reached the monitor's page directory");
    memcpy(gdt_entry1, t.mon->mem + MON_GDT + 8, sizeof(gdt_entry1));
    cr_assert_neq(gdt_entry1[0], 0xdeadbeefu, "the guest's store reached the shadow GDT");
    cr_assert_geq(t.mon->exits[MON_EXIT_PAGE_FAULT], 3, "each access beyond RAM is a #PF exit (MMIO)");
    vmtest_free(&t);
}

Test(isolation, monitor_linear_region_is_beyond_every_segment_limit)
{
    struct vmtest t;
    vmtest_boot(&t, "isolation", VM_TRAP, BUDGET);
    cr_assert_eq(vmtest_run(&t), MACHINE_EXITED, "%s", t.m->report);
    cr_assert_eq(vmtest_word(&t, K_RESULTS + 8), 1, "expected one #GP in the guest, got %u",
                 vmtest_word(&t, K_RESULTS + 8));
    cr_assert_eq(vmtest_word(&t, K_RESULTS + 4), 0, "#GP(0): a limit violation");
    vmtest_free(&t);
}

Test(isolation, descriptor_reaching_the_monitor_is_not_present)
{
    struct vmtest t;
    vmtest_boot(&t, "isolation", VM_TRAP, BUDGET);
    cr_assert_eq(vmtest_run(&t), MACHINE_EXITED, "%s", t.m->report);
    cr_assert_eq(vmtest_word(&t, K_RESULTS + 16), 1, "expected one #NP in the guest");
    cr_assert_eq(vmtest_word(&t, K_RESULTS + 12), 0x10, "#NP(selector 0x10)");
    vmtest_free(&t);
}

Test(isolation, bare_machine_reads_the_same_open_bus)
{
    struct vmtest t;
    vmtest_boot(&t, "isolation", VM_BARE, BUDGET);
    vmtest_run(&t);
    cr_assert_eq(vmtest_word(&t, K_RESULTS + 0), OPEN_BUS, "bare: beyond RAM reads 0x%x",
                 vmtest_word(&t, K_RESULTS + 0));
    vmtest_free(&t);
}

Test(isolation, mmio_reaches_the_same_local_apic_as_bare)
{
    struct vmtest bare, trap;
    vmtest_boot(&bare, "isolation", VM_BARE, BUDGET);
    vmtest_run(&bare);
    vmtest_boot(&trap, "isolation", VM_TRAP, BUDGET);
    cr_assert_eq(vmtest_run(&trap), MACHINE_EXITED, "%s", trap.m->report);
    uint32_t b = vmtest_word(&bare, K_RESULTS + 20), t = vmtest_word(&trap, K_RESULTS + 20);
    cr_assert_neq(b, OPEN_BUS, "bare: the LAPIC version register should decode");
    cr_assert_eq(t, b, "LAPIC version: bare 0x%x, trap 0x%x", b, t);
    vmtest_free(&bare);
    vmtest_free(&trap);
}

/* A student's page-fault handler that returns without doing anything. */
static enum machine_stop page_fault_left_alone(struct monitor *mon, int depth)
{
    (void)mon;
    (void)depth;
    return MACHINE_RUNNING;
}

/* The same #PF exits forever, with no instruction retiring: --max-insns
 * cannot stop that, so the monitor must, and say why -- as its own error
 * (MACHINE_UNSUPPORTED, status 12), not as a triple fault of the guest. */
Test(isolation, a_fault_never_resolved_stops_the_vm_instead_of_spinning, .timeout = 60)
{
    struct vmtest t;
    struct mmu_ops broken = mmu_flat_ops;
    broken.page_fault = page_fault_left_alone;
    vm_use_mmu(&broken);
    vmtest_boot(&t, "isolation", VM_TRAP, BUDGET);
    cr_assert_eq(vmtest_run(&t), MACHINE_UNSUPPORTED, "expected the monitor's own stop: %s",
                 t.m->report);
    cr_assert_not_null(strstr(t.m->report, "without a guest instruction retiring"), "%s", t.m->report);
    cr_assert_not_null(strstr(t.m->report, "monitor bug"), "the report blames the monitor: %s",
                       t.m->report);
    vmtest_free(&t);
    vm_use_mmu(NULL);
}
