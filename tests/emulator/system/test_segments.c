/* test_segments.c - segment register loads (MOV Sreg), segment limits and types, far JMP/CALL/RET. */

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

TestSuite(segments, .init = setup, .fini = teardown);

/* ModRM bytes of MOV Sreg, r/m16 with %ax as source (SDM Vol. 2A MOV, 8E /r). */
#define TO_ES 0xc0
#define TO_SS 0xd0
#define TO_DS 0xd8

/* Load `sel` into the segment register at ring `cpl`, then INT 81h.
 * Returns the vector that stopped the run (-1: the load succeeded). */
static int load_sreg(int cpl, uint8_t modrm, uint16_t sel)
{
    const uint8_t code[] = {
        0x66, 0xb8, (uint8_t)sel, (uint8_t)(sel >> 8),   /* mov  $sel, %ax */
        0x8e, modrm,                                     /* mov  %ax, %Sreg */
        0xcd, 0x81,                                      /* int  $0x81 */
    };
    sm_put(&m, SM_CODE, code, sizeof code);
    sm_enter(&m, cpl, SM_CODE);
    m.c.halted = false;
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    return sm_vector(&m) == 0x81 ? -1 : sm_vector(&m);
}

/* Expect `vector` with error code `err` reported at the MOV Sreg. */
static void expect_fault(int v, int vector, uint32_t err, const char *what)
{
    cr_assert_eq(v, vector, "%s: expected vector %d, got %d", what, vector, v);
    cr_assert_eq(sm_frame(&m, 0), err, "%s: error code %#x expected, got %#x", what, err, sm_frame(&m, 0));
    cr_assert_eq(sm_frame(&m, 1), SM_CODE + 4, "%s: the fault reports MOV Sreg", what);
}

/* SDM Vol. 2A MOV (Sreg), protected-mode exceptions. */
Test(segments, mov_ds_beyond_gdt_limit_is_gp_sel)
{
    expect_fault(load_sreg(0, TO_DS, 0x1f8), EXC_GP, 0x1f8, "selector beyond the GDT");
}

Test(segments, mov_ds_not_present_is_np_sel)
{
    expect_fault(load_sreg(0, TO_DS, SEL_DATA0_NP), EXC_NP, SEL_DATA0_NP, "not-present data");
}

Test(segments, mov_ss_null_is_gp0)
{
    expect_fault(load_sreg(0, TO_SS, 0), EXC_GP, 0, "null SS");
}

Test(segments, mov_ss_not_present_is_ss_sel)
{
    expect_fault(load_sreg(3, TO_SS, SEL_DATA3_NP), EXC_SS, SEL_DATA3_NP & ~3u, "not-present SS");
}

Test(segments, mov_ss_rpl_must_equal_cpl)
{
    expect_fault(load_sreg(0, TO_SS, SEL_DATA0 | 3), EXC_GP, SEL_DATA0, "SS with RPL 3 at CPL 0");
}

Test(segments, mov_ss_read_only_is_gp_sel)
{
    expect_fault(load_sreg(0, TO_SS, SEL_DATA0_RO), EXC_GP, SEL_DATA0_RO, "read-only SS");
}

Test(segments, mov_ds_more_privileged_data_is_gp_sel)
{
    expect_fault(load_sreg(3, TO_DS, SEL_DATA0), EXC_GP, SEL_DATA0, "DPL-0 data at CPL 3");
}

Test(segments, mov_ds_execute_only_code_is_gp_sel)
{
    expect_fault(load_sreg(0, TO_DS, SEL_CODE0_XO), EXC_GP, SEL_CODE0_XO, "execute-only code in DS");
}

Test(segments, mov_ds_readable_code_and_null_are_fine)
{
    cr_assert_eq(load_sreg(0, TO_DS, SEL_CODE0), -1, "readable code may be loaded into DS");
    cr_assert_eq(m.c.seg[SEG_DS].sel, SEL_CODE0);
    cr_assert_eq(load_sreg(3, TO_ES, 0), -1, "null ES at CPL 3 is allowed");
    cr_assert_eq(m.c.seg[SEG_ES].sel, 0);
}

/* SDM Vol. 3A 3.4.5.1: loading a segment sets the descriptor's A bit. */
Test(segments, load_sets_accessed_bit)
{
    cr_assert_eq((sm_get_gdt(&m, SEL_DATA0_SMALL >> 3) >> 40) & 1, 0u);
    cr_assert_eq(load_sreg(0, TO_DS, SEL_DATA0_SMALL), -1);
    cr_assert_eq((sm_get_gdt(&m, SEL_DATA0_SMALL >> 3) >> 40) & 1, 1u, "A bit set in the GDT");
    cr_assert_eq(m.c.seg[SEG_DS].base, 0x50000u);
    cr_assert_eq(m.c.seg[SEG_DS].limit, 0xfffu);
}

/* A selector with TI=1 names the LDT loaded by LLDT. */
Test(segments, ldt_selector)
{
    static const uint8_t code[] = {
        0x66, 0xb8, SEL_LDT, 0x00,   /* mov  $SEL_LDT, %ax */
        0x0f, 0x00, 0xd0,            /* lldt %ax */
        0x66, 0xb8, 0x04, 0x00,      /* mov  $0x04, %ax   (LDT entry 0) */
        0x8e, 0xd8,                  /* mov  %ax, %ds */
        0xa1, 0x00, 0x00, 0x00, 0x00,/* mov  0x0, %eax    (DS base 0x60000) */
        0xcd, 0x81,
    };
    sm_put(&m, SM_LDT, (uint64_t[]){ sm_desc(0x60000, 0xfff, 0x4092) }, 8);
    sm_wr32(&m, 0x60000, 0x600d600d);
    sm_put(&m, SM_CODE, code, sizeof code);
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert_eq(sm_vector(&m), 0x81, "got vector %d", sm_vector(&m));
    cr_assert_eq(m.c.reg[EAX], 0x600d600du);
}

/* Run `code` at ring 0 (at SM_CODE) after loading DS with `ds` by MOV
 * (placed just before it); return the vector. */
static int access_with_ds(uint16_t ds, const uint8_t *code, size_t n)
{
    static const uint8_t tail[] = { 0xcd, 0x81 };
    const uint8_t load[] = { 0x66, 0xb8, (uint8_t)ds, (uint8_t)(ds >> 8), 0x8e, 0xd8 };
    sm_put(&m, SM_CODE - sizeof load, load, sizeof load);
    sm_put(&m, SM_CODE, code, n);
    sm_put(&m, SM_CODE + (uint32_t)n, tail, 2);
    sm_enter(&m, 0, SM_CODE - sizeof load);
    m.c.halted = false;
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    return sm_vector(&m) == 0x81 ? -1 : sm_vector(&m);
}

static const uint8_t read_500[] = { 0xa1, 0x00, 0x05, 0x00, 0x00 };    /* mov 0x500, %eax */
static const uint8_t write_500[] = { 0xa3, 0x00, 0x05, 0x00, 0x00 };   /* mov %eax, 0x500 */
static const uint8_t read_ffc[] = { 0xa1, 0xfc, 0x0f, 0x00, 0x00 };    /* mov 0xffc, %eax */
static const uint8_t read_ffe[] = { 0xa1, 0xfe, 0x0f, 0x00, 0x00 };    /* mov 0xffe, %eax */
static const uint8_t read_2000[] = { 0xa1, 0x00, 0x20, 0x00, 0x00 };   /* mov 0x2000, %eax */

/* SDM Vol. 3A 5.7: using a null segment is #GP(0). */
Test(segments, null_ds_access_is_gp0)
{
    cr_assert_eq(access_with_ds(0, read_500, sizeof read_500), EXC_GP);
    cr_assert_eq(sm_frame(&m, 0), 0u);
    cr_assert_eq(sm_frame(&m, 1), SM_CODE, "the faulting MOV");
}

/* SDM Vol. 3A 3.4.5.1: a read-only data segment cannot be written. */
Test(segments, write_to_read_only_segment_is_gp0)
{
    cr_assert_eq(access_with_ds(SEL_DATA0_RO, read_500, sizeof read_500), -1, "reading is fine");
    cr_assert_eq(access_with_ds(SEL_DATA0_RO, write_500, sizeof write_500), EXC_GP);
    cr_assert_eq(sm_frame(&m, 0), 0u);
}

/* SDM Vol. 3A 5.3: every byte must be within the limit. */
Test(segments, limit_check)
{
    sm_wr32(&m, 0x50ffc, 0x5a5a5a5a);
    cr_assert_eq(access_with_ds(SEL_DATA0_SMALL, read_ffc, sizeof read_ffc), -1);
    cr_assert_eq(m.c.reg[EAX], 0x5a5a5a5au, "DS base 0x50000 applies");
    cr_assert_eq(access_with_ds(SEL_DATA0_SMALL, read_ffe, sizeof read_ffe), EXC_GP,
                 "a dword at 0xffe crosses the limit 0xfff");
    cr_assert_eq(sm_frame(&m, 0), 0u);
}

/* SDM Vol. 3A 3.4.5.1: an expand-down segment's valid offsets are
 * limit+1 .. 0xffffffff (B=1). */
Test(segments, expand_down_limit)
{
    cr_assert_eq(access_with_ds(SEL_DATA0_DOWN, read_2000, sizeof read_2000), -1, "above the limit: valid");
    cr_assert_eq(access_with_ds(SEL_DATA0_DOWN, read_500, sizeof read_500), EXC_GP, "below the limit: #GP");
}

/* A stack-segment limit violation is #SS(0), seen through the intercept. */
Test(segments, stack_limit_is_ss0)
{
    static const uint8_t code[] = { 0x50 };   /* push %eax */
    sm_put(&m, SM_CODE, code, 1);
    cpu_load_seg_raw(&m.c, SEG_SS, SEL_DATA0_SMALL, 0x50000, 0xfff, 0x4093);
    m.c.reg[ESP] = 0x2;
    m.c.intercept_ring0 = true;
    cr_assert_eq(sm_run(&m), CPU_EXIT_RING0);
    cr_assert_eq(m.c.exit.vector, EXC_SS);
    cr_assert_eq(m.c.exit.error, 0u);
    cr_assert_eq(m.c.reg[ESP], 0x2u, "a faulting PUSH leaves ESP alone");
}

/* --- far transfers ----------------------------------------------------------- */

/* Far JMP to a code segment at the same level; far CALL to a conforming
 * segment and RETF back. */
Test(segments, far_jmp_call_ret_same_level)
{
    SM_CODE_AT(&m, SM_CODE,
               0xea, 0x20, 0x00, 0x01, 0x00, 0x08, 0x00);   /* ljmp  $0x08, $0x10020 */
    SM_CODE_AT(&m, SM_CODE + 0x20,
               0x9a, 0x40, 0x00, 0x01, 0x00, 0x78, 0x00,    /* lcall $0x78, $0x10040 */
               0xcd, 0x81);                                 /* int   $0x81 */
    SM_CODE_AT(&m, SM_CODE + 0x40,
               0x8c, 0xcb,                                  /* mov   %cs, %ebx */
               0xcb);                                       /* lret */
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert_eq(sm_vector(&m), 0x81, "got vector %d", sm_vector(&m));
    cr_assert_eq(m.c.reg[EBX] & 0xffff, 0x78u, "CS inside the conforming segment (RPL = CPL 0)");
    cr_assert_eq(sm_frame(&m, 0), SM_CODE + 0x29, "RETF returned after the LCALL, then INT");
    cr_assert_eq(sm_frame(&m, 1), (uint32_t)SEL_CODE0);
    cr_assert_eq(m.c.reg[ESP], SM_STACK0 - 12, "LCALL/LRET balanced");
}

Test(segments, far_jmp_checks)
{
    SM_CODE_AT(&m, SM_CODE, 0xea, 0x00, 0x00, 0x00, 0x00, SEL_CODE0_NP, 0x00);   /* ljmp $0x70, $0 */
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert_eq(sm_vector(&m), EXC_NP);
    cr_assert_eq(sm_frame(&m, 0), (uint32_t)SEL_CODE0_NP);
    sm_enter(&m, 0, SM_CODE);
    m.c.halted = false;
    SM_CODE_AT(&m, SM_CODE, 0xea, 0x00, 0x00, 0x00, 0x00, SEL_CODE3, 0x00);      /* ljmp $0x1b, $0 */
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert_eq(sm_vector(&m), EXC_GP, "a far JMP cannot change privilege");
    cr_assert_eq(sm_frame(&m, 0), (uint32_t)(SEL_CODE3 & ~3));
}

/* RETF to an outer level pops SS:ESP and nulls DS/ES holding DPL-0 data
 * (SDM Vol. 2B RET). */
Test(segments, retf_to_ring3_pops_stack_and_nulls_data_segments)
{
    SM_CODE_AT(&m, SM_CODE,
               0x6a, 0x23,                     /* push $0x23 (SS) */
               0x68, 0x00, 0x70, 0x00, 0x00,   /* push $0x7000 (ESP) */
               0x6a, 0x1b,                     /* push $0x1b (CS) */
               0x68, 0x40, 0x00, 0x01, 0x00,   /* push $0x10040 (EIP) */
               0xcb);                          /* lret */
    SM_CODE_AT(&m, SM_CODE + 0x40,
               0x8c, 0xdb,                     /* mov %ds, %ebx */
               0xcd, 0x81);                    /* int $0x81 */
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert_eq(sm_vector(&m), 0x81, "got vector %d", sm_vector(&m));
    cr_assert_eq(sm_frame(&m, 1), (uint32_t)SEL_CODE3, "ran at ring 3");
    cr_assert_eq(sm_frame(&m, 3), SM_STACK3, "ring-3 ESP popped");
    cr_assert_eq(sm_frame(&m, 4), (uint32_t)SEL_DATA3);
    cr_assert_eq(m.c.reg[EBX] & 0xffff, 0u, "DS (DPL 0 data) nulled on return to ring 3");
}

/* SDM Vol. 2A IRET: returning to an outer level, the popped SS must have
 * RPL = the new CPL, else #GP(SS selector); nothing changes. */
Test(segments, iret_to_outer_level_checks_ss)
{
    SM_CODE_AT(&m, SM_CODE,
               0x6a, 0x20,                     /* push $0x20 (SS with RPL 0: wrong) */
               0x68, 0x00, 0x70, 0x00, 0x00,   /* push $0x7000 */
               0x6a, 0x02,                     /* push $0x2 (EFLAGS) */
               0x6a, 0x1b,                     /* push $0x1b (CS) */
               0x68, 0x40, 0x00, 0x01, 0x00,   /* push $0x10040 */
               0xcf);                          /* iret */
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert_eq(sm_vector(&m), EXC_GP);
    cr_assert_eq(sm_frame(&m, 0), 0x20u, "#GP(SS selector)");
    cr_assert_eq(sm_frame(&m, 1), SM_CODE + 16, "the IRET");
    cr_assert_eq(sm_frame(&m, 2), (uint32_t)SEL_CODE0, "still at ring 0");
}
