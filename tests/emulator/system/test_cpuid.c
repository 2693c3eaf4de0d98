/* test_cpuid.c - CPUID faulting: MSR 140h bit 0 makes CPUID at CPL > 0 a #GP(0) (SDM Vol. 4; cpu.h). */

/*
 * CPUID was one of the instructions that made IA-32 impossible to
 * trap-and-emulate: at any CPL it told the truth about the processor.
 * Later Intel processors can make it fault outside ring 0.  Expected
 * values: MSR_PLATFORM_INFO bit 31 reports the feature, bit 0 of
 * MSR_MISC_FEATURES_ENABLES enables it, and only CPL > 0 faults.
 */
#include <criterion/criterion.h>

#include "sysmachine.h"

static struct sm m;

static void setup(void)
{
    sm_init(&m);
}

static void teardown(void)
{
    sm_free(&m);
}

TestSuite(cpuid, .init = setup, .fini = teardown);

#define VENDOR_EBX 0x70617254u          /* "Trap": system.c's leaf 0 */

/* Run `len` code bytes at ring `cpl`, ending in INT 81h.  Returns the
 * vector that stopped it, or -1 if the code reached its INT 81h. */
static int run_at(int cpl, const uint8_t *code, size_t len)
{
    static const uint8_t tail[] = { 0xcd, 0x81 };   /* int $0x81 -> HLT handler */
    sm_put(&m, SM_CODE, code, len);
    sm_put(&m, SM_CODE + (uint32_t)len, tail, sizeof tail);
    sm_enter(&m, cpl, SM_CODE);
    m.c.halted = false;
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    return sm_vector(&m) == 0x81 ? -1 : sm_vector(&m);
}

/* xor %eax,%eax; cpuid: leaf 0. */
static const uint8_t cpuid_leaf0[] = { 0x31, 0xc0, 0x0f, 0xa2 };

/* WRMSR of `lo` (EDX = hi) to MSR 140h at ring 0.  Returns the vector or -1. */
static int write_misc(uint32_t lo, uint32_t hi)
{
    m.c.reg[ECX] = MSR_MISC_FEATURES_ENABLES;
    m.c.reg[EAX] = lo;
    m.c.reg[EDX] = hi;
    static const uint8_t wrmsr[] = { 0x0f, 0x30 };
    return run_at(0, wrmsr, sizeof wrmsr);
}

Test(cpuid, platform_info_reports_cpuid_faulting)
{
    static const uint8_t rdmsr[] = { 0xb9, 0xce, 0x00, 0x00, 0x00, 0x0f, 0x32 };   /* mov $0xce,%ecx; rdmsr */
    cr_assert_eq(run_at(0, rdmsr, sizeof rdmsr), -1, "RDMSR CEh at CPL 0 must work");
    cr_assert_eq(m.c.reg[EAX], 1u << 31, "MSR_PLATFORM_INFO: bit 31 set, got EAX 0x%x", m.c.reg[EAX]);
    cr_assert_eq(m.c.reg[EDX], 0u);
}

Test(cpuid, cpuid_works_at_every_cpl_while_faulting_is_off)
{
    for (int cpl = 0; cpl <= 3; cpl += 3) {
        cr_assert_eq(run_at(cpl, cpuid_leaf0, sizeof cpuid_leaf0), -1, "CPUID at CPL %d faulted", cpl);
        cr_assert_eq(m.c.reg[EBX], VENDOR_EBX, "CPL %d: leaf 0 vendor", cpl);
    }
}

Test(cpuid, faulting_makes_cpuid_gp0_above_ring0_only)
{
    cr_assert_eq(write_misc(MISC_FEATURES_CPUID_FAULTING, 0), -1, "WRMSR 140h bit 0 must work");
    cr_assert_eq(m.c.misc_features, MISC_FEATURES_CPUID_FAULTING);
    for (int cpl = 1; cpl <= 3; cpl += 2) {
        m.c.reg[EBX] = 0x12345678u;
        cr_assert_eq(run_at(cpl, cpuid_leaf0, sizeof cpuid_leaf0), EXC_GP, "CPUID at CPL %d: #GP", cpl);
        cr_assert_eq(sm_frame(&m, 0), 0u, "CPL %d: #GP(0)", cpl);
        cr_assert_eq(sm_frame(&m, 1), SM_CODE + 2, "CPL %d: the #GP reports the CPUID itself", cpl);
        cr_assert_eq(m.c.reg[EBX], 0x12345678u, "CPL %d: a faulting CPUID writes nothing", cpl);
    }
    cr_assert_eq(run_at(0, cpuid_leaf0, sizeof cpuid_leaf0), -1, "CPUID at CPL 0 never faults");
    cr_assert_eq(m.c.reg[EBX], VENDOR_EBX);
}

Test(cpuid, clearing_the_bit_turns_faulting_off)
{
    cr_assert_eq(write_misc(MISC_FEATURES_CPUID_FAULTING, 0), -1);
    cr_assert_eq(write_misc(0, 0), -1);
    cr_assert_eq(run_at(3, cpuid_leaf0, sizeof cpuid_leaf0), -1, "CPUID at CPL 3 with the bit clear");
}

Test(cpuid, reserved_bits_and_platform_info_writes_are_gp)
{
    cr_assert_eq(write_misc(0x4, 0), EXC_GP, "MSR 140h bit 2 is reserved");
    cr_assert_eq(write_misc(MISC_FEATURES_CPUID_FAULTING, 1), EXC_GP, "MSR 140h bits 63:32 are reserved");
    cr_assert_eq(m.c.misc_features, 0u, "a faulting WRMSR changes nothing");
    static const uint8_t wr_platform[] = { 0xb9, 0xce, 0x00, 0x00, 0x00, 0x0f, 0x30 };
    cr_assert_eq(run_at(0, wr_platform, sizeof wr_platform), EXC_GP, "MSR_PLATFORM_INFO is read-only");
}

Test(cpuid, the_msrs_are_privileged)
{
    static const uint8_t rd_misc[] = { 0xb9, 0x40, 0x01, 0x00, 0x00, 0x0f, 0x32 };
    cr_assert_eq(run_at(3, rd_misc, sizeof rd_misc), EXC_GP, "RDMSR 140h at CPL 3");
}
