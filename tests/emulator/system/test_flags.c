/* test_flags.c - the silent EFLAGS rules of POPF and IRET (SDM Vol. 2B POPF, Vol. 2A IRET). */

/*
 * POPF and IRET never fault for trying to change IF or IOPL: they just leave
 * the bits alone.  That is why a deprivileged guest kernel (ring 1, chapter 2)
 * cannot be trapped when it does POPF to re-enable interrupts (chapter 4).
 * The expected results here follow the SDM's rules, written independently
 * of system.c:
 *     IOPL changes only at CPL 0;  IF changes only when CPL <= IOPL;
 *     the arithmetic flags always change;  VM and RF are never set.
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

TestSuite(flags, .init = setup, .fini = teardown);

#define IOPL(n) ((uint32_t)(n) << FLAG_IOPL_SHIFT)

/* At ring `cpl` with EFLAGS `before`, POPF `image` and report EFLAGS
 * through INT 81h's frame.  Asserts that nothing faulted. */
static uint32_t popf_at(int cpl, uint32_t before, uint32_t image)
{
    SM_CODE_AT(&m, SM_CODE,
               0x68, (uint8_t)image, (uint8_t)(image >> 8),
                     (uint8_t)(image >> 16), (uint8_t)(image >> 24),   /* push $image */
               0x9d,                                                   /* popf */
               0xcd, 0x81);                                            /* int  $0x81 */
    sm_enter(&m, cpl, SM_CODE);
    cpu_set_eflags(&m.c, before);
    m.c.halted = false;
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert_eq(sm_vector(&m), 0x81, "POPF at CPL %d must not fault (got vector %d)", cpl, sm_vector(&m));
    return sm_frame(&m, 2);
}

Test(flags, popf_if_and_iopl_rules_at_cpl_0_1_3)
{
    static const int cpls[] = { 0, 1, 3 };
    for (unsigned a = 0; a < 3; a++)
    for (unsigned iopl = 0; iopl <= 3; iopl += 3)
    for (unsigned if0 = 0; if0 <= 1; if0++)
    for (unsigned img = 0; img < 4; img++) {
        int cpl = cpls[a];
        uint32_t before = IOPL(iopl) | (if0 ? FLAG_IF : 0);
        uint32_t img_if = (img & 1) ? FLAG_IF : 0;
        uint32_t img_iopl = (img & 2) ? IOPL(3 - iopl) : IOPL(iopl);
        uint32_t image = img_if | img_iopl | FLAG_CF | FLAG_ZF | FLAG_RF | FLAG_VM;
        uint32_t after = popf_at(cpl, before, image);
        uint32_t want_if = (unsigned)cpl <= iopl ? img_if : (before & FLAG_IF);
        uint32_t want_iopl = cpl == 0 ? img_iopl : IOPL(iopl);
        cr_assert_eq(after & FLAG_IF, want_if, "CPL %d IOPL %u IF %u image %#x: IF expected %#x, got %#x",
                     cpl, iopl, if0, image, want_if, after & FLAG_IF);
        cr_assert_eq(after & FLAG_IOPL, want_iopl, "CPL %d IOPL %u image %#x: IOPL expected %#x, got %#x",
                     cpl, iopl, image, want_iopl, after & FLAG_IOPL);
        cr_assert_eq(after & (FLAG_CF | FLAG_ZF), FLAG_CF | FLAG_ZF, "arithmetic flags always load");
        cr_assert_eq(after & (FLAG_VM | FLAG_RF), 0u, "VM and RF never set by POPF");
    }
}

/* A 16-bit POPF (66 9D) changes bits 15:0 only. */
Test(flags, popf16_keeps_the_upper_half)
{
    SM_CODE_AT(&m, SM_CODE,
               0x66, 0x68, 0x01, 0x00,   /* pushw $0x0001 (CF) */
               0x66, 0x9d,               /* popfw */
               0xcd, 0x81);              /* int $0x81 */
    cpu_set_eflags(&m.c, FLAG_AC | FLAG_ZF);
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert_eq(sm_frame(&m, 2) & (FLAG_AC | FLAG_ZF | FLAG_CF), FLAG_AC | FLAG_CF,
                 "AC kept, ZF cleared, CF set: got %#x", sm_frame(&m, 2));
}

/* IRET from ring `cpl` to ring 3 with EFLAGS image `image`; returns the
 * EFLAGS ring 3 ran with (INT 81h frame). */
static uint32_t iret_to_ring3(int cpl, uint32_t before, uint32_t image)
{
    SM_CODE_AT(&m, SM_CODE,
               0x6a, 0x23,                                             /* push $0x23 (SS) */
               0x68, 0x00, 0x70, 0x00, 0x00,                           /* push $0x7000 (ESP) */
               0x68, (uint8_t)image, (uint8_t)(image >> 8),
                     (uint8_t)(image >> 16), (uint8_t)(image >> 24),   /* push $image */
               0x6a, 0x1b,                                             /* push $0x1b (CS) */
               0x68, 0x40, 0x00, 0x01, 0x00,                           /* push $0x10040 */
               0xcf);                                                  /* iret */
    SM_CODE_AT(&m, SM_CODE + 0x40, 0xcd, 0x81);                        /* int $0x81 */
    sm_enter(&m, cpl, SM_CODE);
    cpu_set_eflags(&m.c, before);
    m.c.halted = false;
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert_eq(sm_vector(&m), 0x81, "IRET from CPL %d: no fault expected, got vector %d", cpl, sm_vector(&m));
    cr_assert_eq(sm_frame(&m, 1), (uint32_t)SEL_CODE3, "arrived at ring 3");
    return sm_frame(&m, 2);
}

/* IRET at ring 1 (a deprivileged kernel) to ring 3 cannot raise IOPL, nor
 * set IF while CPL > IOPL, and it does not fault either. */
Test(flags, iret_from_ring1_to_ring3_does_not_change_iopl)
{
    uint32_t f = iret_to_ring3(1, IOPL(0), IOPL(3) | FLAG_IF | FLAG_CF);
    cr_assert_eq(f & FLAG_IOPL, 0u, "IOPL stays 0, got %#x", f);
    cr_assert_eq(f & FLAG_IF, 0u, "IF unchanged (CPL 1 > IOPL 0)");
    cr_assert(f & FLAG_CF, "CF restored");
}

/* The same IRET at ring 0 restores IOPL and IF: the rule is about the CPL. */
Test(flags, iret_from_ring0_restores_iopl)
{
    uint32_t f = iret_to_ring3(0, IOPL(0), IOPL(3) | FLAG_IF);
    cr_assert_eq(f & FLAG_IOPL, IOPL(3), "IOPL restored at CPL 0, got %#x", f);
    cr_assert(f & FLAG_IF);
}

/* IRET at ring 3 to ring 3 (same level) with IOPL 0: IOPL and IF unchanged. */
Test(flags, iret_at_ring3_same_level_keeps_iopl_and_if)
{
    SM_CODE_AT(&m, SM_CODE,
               0x68, 0x00, 0x32, 0x00, 0x00,   /* push $0x3200 (IOPL 3, IF) */
               0x6a, 0x1b,                     /* push $0x1b */
               0x68, 0x40, 0x00, 0x01, 0x00,   /* push $0x10040 */
               0xcf);                          /* iret */
    SM_CODE_AT(&m, SM_CODE + 0x40, 0xcd, 0x81);
    sm_enter(&m, 3, SM_CODE);
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert_eq(sm_vector(&m), 0x81);
    cr_assert_eq(sm_frame(&m, 2) & (FLAG_IOPL | FLAG_IF), 0u, "got %#x", sm_frame(&m, 2));
    cr_assert_eq(sm_frame(&m, 3), SM_STACK3, "same-level IRET pops 3 dwords only");
}
