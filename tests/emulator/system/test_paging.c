/* test_paging.c - 32-bit paging: #PF error codes and CR2, WP, A/D bits, 4-MiByte pages, and a TLB that only flushes when told. */

#include <criterion/criterion.h>

#include "paging.h"
#include "sysmachine.h"

static struct sm m;

static void setup(void)
{
    sm_init(&m);
    sm_paging(&m);
}

static void teardown(void)
{
    sm_free(&m);
}

TestSuite(paging, .init = setup, .fini = teardown);

#define PAGE 0x300000u

/* Run the code at SM_CODE (ring `cpl`) and expect #PF with `err` at `cr2`. */
static void expect_pf(int cpl, uint32_t err, uint32_t cr2)
{
    sm_enter(&m, cpl, SM_CODE);
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert_eq(sm_vector(&m), EXC_PF, "expected #PF, got vector %d", sm_vector(&m));
    cr_assert_eq(sm_frame(&m, 0), err, "#PF error code: expected %#x, got %#x", err, sm_frame(&m, 0));
    cr_assert_eq(m.c.cr2, cr2, "CR2: expected %#x, got %#x", cr2, m.c.cr2);
    cr_assert_eq(sm_frame(&m, 1), SM_CODE, "#PF reports the faulting instruction");
}

Test(paging, not_present_read)
{
    *sm_pte(&m, PAGE) = 0;
    SM_CODE_AT(&m, SM_CODE, 0xa1, 0x04, 0x00, 0x30, 0x00);   /* mov  0x300004, %eax */
    expect_pf(0, 0, PAGE + 4);
}

Test(paging, not_present_write_from_user)
{
    *sm_pte(&m, PAGE) = 0;
    SM_CODE_AT(&m, SM_CODE, 0xa3, 0x00, 0x00, 0x30, 0x00);   /* mov  %eax, 0x300000 */
    expect_pf(3, PF_WR | PF_US, PAGE);
}

/* SDM Vol. 3A 4.6.1: with CR0.WP=1 a supervisor write needs R/W=1. */
Test(paging, supervisor_write_to_readonly_with_wp_faults)
{
    *sm_pte(&m, PAGE) = PAGE | PTE_P | PTE_US;
    m.c.cr0 |= CR0_WP;
    SM_CODE_AT(&m, SM_CODE, 0xa3, 0x00, 0x00, 0x30, 0x00);   /* mov  %eax, 0x300000 */
    expect_pf(0, PF_P | PF_WR, PAGE);
}

/* ...and with CR0.WP=0 it may write a read-only page. */
Test(paging, supervisor_write_to_readonly_without_wp_succeeds)
{
    *sm_pte(&m, PAGE) = PAGE | PTE_P | PTE_US;
    SM_CODE_AT(&m, SM_CODE,
               0xb8, 0x78, 0x56, 0x34, 0x12,   /* mov  $0x12345678, %eax */
               0xa3, 0x00, 0x00, 0x30, 0x00,   /* mov  %eax, 0x300000 */
               0xf4);                          /* hlt */
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert_eq(sm_vector(&m), -1, "no exception expected, got vector %d", sm_vector(&m));
    cr_assert_eq(sm_rd32(&m, PAGE), 0x12345678u);
}

Test(paging, user_read_of_supervisor_page)
{
    *sm_pte(&m, PAGE) = PAGE | PTE_P | PTE_RW;
    SM_CODE_AT(&m, SM_CODE, 0xa1, 0x00, 0x00, 0x30, 0x00);   /* mov  0x300000, %eax */
    expect_pf(3, PF_P | PF_US, PAGE);
}

/* A user access needs U/S=1 in the PDE as well (SDM Vol. 3A 4.6.1). */
Test(paging, user_bit_of_the_pde_counts)
{
    *sm_pde(&m, PAGE) &= ~PTE_US;
    SM_CODE_AT(&m, SM_CODE, 0xa1, 0x00, 0x00, 0x30, 0x00);   /* mov  0x300000, %eax */
    sm_enter(&m, 3, SM_CODE);
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    /* The code page itself is under the same PDE: the fetch faults first. */
    cr_assert_eq(sm_vector(&m), EXC_PF);
    cr_assert_eq(sm_frame(&m, 0), PF_P | PF_US);
    cr_assert_eq(m.c.cr2, SM_CODE, "instruction fetch of the code page faults first");
}

Test(paging, user_write_to_readonly_user_page)
{
    *sm_pte(&m, PAGE) = PAGE | PTE_P | PTE_US;
    SM_CODE_AT(&m, SM_CODE, 0xa3, 0x00, 0x00, 0x30, 0x00);   /* mov  %eax, 0x300000 */
    expect_pf(3, PF_P | PF_WR | PF_US, PAGE);
}

/* The user may NOT write a read-only page even with WP=0 (WP is about
 * supervisor writes only). */
Test(paging, user_write_to_readonly_faults_without_wp)
{
    *sm_pte(&m, PAGE) = PAGE | PTE_P | PTE_US;
    m.c.cr0 &= ~CR0_WP;
    SM_CODE_AT(&m, SM_CODE, 0xa3, 0x00, 0x00, 0x30, 0x00);   /* mov  %eax, 0x300000 */
    expect_pf(3, PF_P | PF_WR | PF_US, PAGE);
}

/* SDM Vol. 3A 4.8: a read sets A in the PDE and PTE used, a write sets D in
 * the PTE; entries the walk did not use stay untouched. */
Test(paging, accessed_and_dirty_bits)
{
    SM_CODE_AT(&m, SM_CODE,
               0xa1, 0x00, 0x00, 0x30, 0x00,   /* mov  0x300000, %eax */
               0xf4,                           /* hlt */
               0xa3, 0x00, 0x00, 0x30, 0x00,   /* mov  %eax, 0x300000 */
               0xf4);                          /* hlt */
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert(*sm_pde(&m, PAGE) & PTE_A, "PDE.A after a read");
    cr_assert(*sm_pte(&m, PAGE) & PTE_A, "PTE.A after a read");
    cr_assert(!(*sm_pte(&m, PAGE) & PTE_D), "PTE.D must stay clear after a read");
    cr_assert(!(*sm_pte(&m, PAGE + 0x5000) & PTE_A), "an unused PTE must not get A");
    m.c.halted = false;
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert(*sm_pte(&m, PAGE) & PTE_D, "PTE.D after a write (the TLB had the page for reads only)");
    cr_assert(!(*sm_pde(&m, PAGE) & PTE_D), "D is set in the final entry only");
}

/* The TLB is not coherent with the page tables (SDM Vol. 3A 4.10.4): after
 * remapping a page the old translation is used until INVLPG. */
Test(paging, stale_translation_until_invlpg)
{
    sm_wr32(&m, 0x300000, 0x11111111);
    sm_wr32(&m, 0x301000, 0x22222222);
    SM_CODE_AT(&m, SM_CODE,
               0xa1, 0x00, 0x00, 0x30, 0x00,                      /* mov  0x300000, %eax */
               0xc7, 0x05, 0x00, 0x1c, 0x10, 0x00,
                     0x07, 0x10, 0x30, 0x00,                      /* movl $0x301007, 0x101c00 (PTE) */
               0x8b, 0x1d, 0x00, 0x00, 0x30, 0x00,                /* mov  0x300000, %ebx */
               0x0f, 0x01, 0x3d, 0x00, 0x00, 0x30, 0x00,          /* invlpg 0x300000 */
               0x8b, 0x0d, 0x00, 0x00, 0x30, 0x00,                /* mov  0x300000, %ecx */
               0xf4);                                             /* hlt */
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert_eq(sm_vector(&m), -1);
    cr_assert_eq(m.c.reg[EAX], 0x11111111u);
    cr_assert_eq(m.c.reg[EBX], 0x11111111u, "before INVLPG the stale translation is used, got %#x", m.c.reg[EBX]);
    cr_assert_eq(m.c.reg[ECX], 0x22222222u, "after INVLPG the new one, got %#x", m.c.reg[ECX]);
}

/* SDM Vol. 3A 4.10.4.1: MOV to CR3 flushes all but global pages (CR4.PGE). */
Test(paging, global_page_survives_cr3_reload)
{
    m.c.cr4 |= CR4_PGE;
    *sm_pte(&m, 0x300000) |= PTE_G;
    sm_wr32(&m, 0x300000, 0x11111111);
    sm_wr32(&m, 0x301000, 0x22222222);
    sm_wr32(&m, 0x302000, 0x33333333);
    SM_CODE_AT(&m, SM_CODE,
               0xa1, 0x00, 0x00, 0x30, 0x00,                      /* mov  0x300000, %eax */
               0x8b, 0x15, 0x00, 0x20, 0x30, 0x00,                /* mov  0x302000, %edx */
               0xc7, 0x05, 0x00, 0x1c, 0x10, 0x00,
                     0x07, 0x11, 0x30, 0x00,                      /* movl $0x301107, 0x101c00 */
               0xc7, 0x05, 0x08, 0x1c, 0x10, 0x00,
                     0x07, 0x10, 0x30, 0x00,                      /* movl $0x301007, 0x101c08 */
               0x0f, 0x20, 0xde,                                  /* mov  %cr3, %esi */
               0x0f, 0x22, 0xde,                                  /* mov  %esi, %cr3 */
               0x8b, 0x1d, 0x00, 0x00, 0x30, 0x00,                /* mov  0x300000, %ebx */
               0x8b, 0x0d, 0x00, 0x20, 0x30, 0x00,                /* mov  0x302000, %ecx */
               0xf4);                                             /* hlt */
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert_eq(sm_vector(&m), -1);
    cr_assert_eq(m.c.reg[EDX], 0x33333333u);
    cr_assert_eq(m.c.reg[EBX], 0x11111111u, "global page: stale after CR3 reload, got %#x", m.c.reg[EBX]);
    cr_assert_eq(m.c.reg[ECX], 0x22222222u, "non-global page: reloaded, got %#x", m.c.reg[ECX]);
}

/* SDM Vol. 3A 4.3: with CR4.PSE a PDE with PS=1 maps 4 MiB; D goes in the PDE. */
Test(paging, four_mib_page)
{
    m.c.cr4 |= CR4_PSE;
    *sm_pde(&m, 0x400000) = 0x000000 | PTE_PS | PTE_P | PTE_RW;   /* 0x400000 -> phys 0 */
    sm_wr32(&m, 0x10, 0xcafe0001);
    SM_CODE_AT(&m, SM_CODE,
               0xa1, 0x10, 0x00, 0x40, 0x00,   /* mov  0x400010, %eax */
               0xa3, 0x20, 0x00, 0x40, 0x00,   /* mov  %eax, 0x400020 */
               0xf4);                          /* hlt */
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert_eq(sm_vector(&m), -1);
    cr_assert_eq(m.c.reg[EAX], 0xcafe0001u);
    cr_assert_eq(sm_rd32(&m, 0x20), 0xcafe0001u);
    cr_assert_eq(*sm_pde(&m, 0x400000) & (PTE_A | PTE_D), PTE_A | PTE_D);
}

/* A write that crosses into a not-present page faults with CR2 in the
 * second page and changes neither page (restartable). */
Test(paging, page_crossing_write_faults_before_writing)
{
    *sm_pte(&m, PAGE) = 0;
    sm_wr32(&m, PAGE - 4, 0xaaaaaaaa);
    SM_CODE_AT(&m, SM_CODE,
               0xb8, 0x44, 0x33, 0x22, 0x11,   /* mov  $0x11223344, %eax */
               0xa3, 0xfe, 0xff, 0x2f, 0x00);  /* mov  %eax, 0x2ffffe */
    sm_enter(&m, 0, SM_CODE);
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert_eq(sm_vector(&m), EXC_PF);
    cr_assert_eq(m.c.cr2, PAGE, "CR2: the first byte of the missing page");
    cr_assert_eq(sm_rd32(&m, PAGE - 4), 0xaaaaaaaau, "no byte of the first page may be written");
}

/* A read that crosses two mapped pages is assembled from both. */
Test(paging, page_crossing_read)
{
    *sm_pte(&m, PAGE) = 0x305000 | PTE_P | PTE_RW;   /* the second page is elsewhere */
    sm_wr32(&m, PAGE - 4, 0xbbaa0000);
    sm_wr32(&m, 0x305000, 0x0000ddcc);
    SM_CODE_AT(&m, SM_CODE, 0xa1, 0xfe, 0xff, 0x2f, 0x00, 0xf4);   /* mov 0x2ffffe, %eax; hlt */
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert_eq(m.c.reg[EAX], 0xddccbbaau, "got %#x", m.c.reg[EAX]);
}

/* cpu_translate and cpu_read_linear: supervisor view, no side effects. */
Test(paging, translate_has_no_side_effects)
{
    uint32_t pa = 0;
    uint8_t buf[4];
    *sm_pte(&m, PAGE) = 0x305000 | PTE_P;
    *sm_pte(&m, PAGE + 0x1000) = 0;
    sm_wr32(&m, 0x305010, 0x04030201);
    cr_assert_eq(cpu_translate(&m.c, PAGE + 0x10, &pa), 0);
    cr_assert_eq(pa, 0x305010u);
    cr_assert_eq(cpu_translate(&m.c, PAGE + 0x1000, &pa), -1);
    cr_assert_eq(cpu_read_linear(&m.c, PAGE + 0x10, buf, 4), 0);
    cr_assert_eq(buf[0], 1);
    cr_assert_eq(buf[3], 4);
    cr_assert_eq(cpu_read_linear(&m.c, PAGE + 0xffe, buf, 4), -1, "the second page is unmapped");
    cr_assert(!(*sm_pte(&m, PAGE) & PTE_A), "cpu_translate must not set A");
}

/* Our TLB caches the WP decision, so MOV to CR0 changing WP flushes it: a
 * supervisor write allowed with WP=0 faults once WP=1. */
Test(paging, setting_wp_takes_effect_at_once)
{
    *sm_pte(&m, PAGE) = PAGE | PTE_P | PTE_US;
    SM_CODE_AT(&m, SM_CODE,
               0xa3, 0x00, 0x00, 0x30, 0x00,   /* mov  %eax, 0x300000  (WP=0: allowed) */
               0x0f, 0x20, 0xc0,               /* mov  %cr0, %eax */
               0x0d, 0x00, 0x00, 0x01, 0x00,   /* or   $0x10000, %eax  (WP) */
               0x0f, 0x22, 0xc0,               /* mov  %eax, %cr0 */
               0xa3, 0x00, 0x00, 0x30, 0x00);  /* mov  %eax, 0x300000  -> #PF */
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert_eq(sm_vector(&m), EXC_PF);
    cr_assert_eq(sm_frame(&m, 0), PF_P | PF_WR);
    cr_assert_eq(sm_frame(&m, 1), SM_CODE + 16, "the second write faults");
}

/* SDM Vol. 3A 4.10.4.1: clearing CR4.PGE flushes global entries too. */
Test(paging, clearing_pge_flushes_global_pages)
{
    m.c.cr4 |= CR4_PGE;
    *sm_pte(&m, PAGE) |= PTE_G;
    sm_wr32(&m, 0x300000, 0x11111111);
    sm_wr32(&m, 0x301000, 0x22222222);
    SM_CODE_AT(&m, SM_CODE,
               0xa1, 0x00, 0x00, 0x30, 0x00,                      /* mov  0x300000, %eax */
               0xc7, 0x05, 0x00, 0x1c, 0x10, 0x00,
                     0x07, 0x11, 0x30, 0x00,                      /* movl $0x301107, 0x101c00 */
               0x0f, 0x20, 0xe0,                                  /* mov  %cr4, %eax */
               0x25, 0x7f, 0xff, 0xff, 0xff,                      /* and  $~0x80, %eax (PGE) */
               0x0f, 0x22, 0xe0,                                  /* mov  %eax, %cr4 */
               0x8b, 0x1d, 0x00, 0x00, 0x30, 0x00,                /* mov  0x300000, %ebx */
               0xf4);                                             /* hlt */
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert_eq(sm_vector(&m), -1);
    cr_assert_eq(m.c.reg[EBX], 0x22222222u, "global entry flushed by the PGE change, got %#x", m.c.reg[EBX]);
}

/* INVLPG of any address in a 4-MiByte page drops the whole page. */
Test(paging, invlpg_drops_a_whole_large_page)
{
    m.c.cr4 |= CR4_PSE;
    *sm_pde(&m, 0x400000) = PTE_PS | PTE_P | PTE_RW;
    SM_CODE_AT(&m, SM_CODE,
               0xa1, 0x00, 0x00, 0x40, 0x00,                      /* mov  0x400000, %eax */
               0x8b, 0x1d, 0x00, 0xf0, 0x7f, 0x00,                /* mov  0x7ff000, %ebx */
               0xc7, 0x05, 0x04, 0x00, 0x10, 0x00,
                     0x00, 0x00, 0x00, 0x00,                      /* movl $0, 0x100004 (PDE 1) */
               0x8b, 0x15, 0x00, 0xf0, 0x7f, 0x00,                /* mov  0x7ff000, %edx (stale) */
               0x0f, 0x01, 0x3d, 0x00, 0x00, 0x40, 0x00,          /* invlpg 0x400000 */
               0x8b, 0x0d, 0x00, 0xf0, 0x7f, 0x00);               /* mov  0x7ff000, %ecx -> #PF */
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert_eq(sm_vector(&m), EXC_PF, "got vector %d", sm_vector(&m));
    cr_assert_eq(m.c.cr2, 0x7ff000u);
    cr_assert_eq(sm_frame(&m, 1), SM_CODE + 34, "the read after INVLPG faults, not the one before");
}

/* A page that holds both code and data.  The translator watches writes to
 * pages whose code it has translated, but watching must not change what the
 * TLB caches: the guest rewrites the PTE of its own code-and-data page
 * without INVLPG, and its next store must still go through the stale
 * translation to the old frame (SDM Vol. 3A 4.10.4), as on bare hardware. */
Test(paging, stale_translation_of_a_page_with_code_and_data)
{
    const uint32_t code = PAGE, var = PAGE + 0x800, other = 0x310000;
    SM_CODE_AT(&m, code,
               0xc7, 0x05, 0x00, 0x08, 0x30, 0x00, 1, 0, 0, 0,   /* movl $1, 0x300800 */
               0xc7, 0x05, 0x00, 0x1c, 0x10, 0x00,
                     0x07, 0x00, 0x31, 0x00,                    /* movl $0x310007, 0x101c00 (PTE) */
               0xc7, 0x05, 0x00, 0x08, 0x30, 0x00, 2, 0, 0, 0,   /* movl $2, 0x300800 */
               0xf4);                                           /* hlt */
    sm_put(&m, other, (const uint8_t[]){ 0xf4 }, 1);
    sm_wr32(&m, other + 0x800, 0x77);
    /* run it twice, the first time with the PTE written back unchanged, so
     * that the code is cached (translated) before the stale store */
    SM_CODE_AT(&m, code + 16, 0x07, 0x00, 0x30, 0x00);           /* (first pass: same PTE) */
    sm_enter(&m, 0, code);
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    SM_CODE_AT(&m, code + 16, 0x07, 0x00, 0x31, 0x00);           /* now: the other frame */
    m.c.halted = false;
    sm_enter(&m, 0, code);
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert_eq(sm_vector(&m), -1);
    cr_assert_eq(sm_rd32(&m, var), 2, "the stale TLB entry still maps the old frame: %u",
                 sm_rd32(&m, var));
    cr_assert_eq(sm_rd32(&m, other + 0x800), 0x77, "the new frame is not written before INVLPG");
    cr_assert_eq(*sm_pte(&m, code) & PTE_FRAME, other, "the guest did rewrite its PTE");
}

/* A fault in the middle of a run of straight-line code: the instructions
 * before it have retired, it and those after it have not (SDM Vol. 3A 6.5).
 * The run goes twice so that the translator runs it from a block. */
Test(paging, fault_in_the_middle_of_straight_line_code)
{
    SM_CODE_AT(&m, SM_CODE,
               0xb8, 1, 0, 0, 0,                                /* mov $1, %eax */
               0x43,                                            /* inc %ebx */
               0x8b, 0x0d, 0x04, 0x00, 0x30, 0x00,              /* mov 0x300004, %ecx */
               0xb8, 2, 0, 0, 0,                                /* mov $2, %eax */
               0xf4);                                           /* hlt */
    sm_enter(&m, 0, SM_CODE);
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert_eq(sm_vector(&m), -1);
    *sm_pte(&m, PAGE) = 0;
    cpu_tlb_flush_page(&m.c, PAGE);
    m.c.reg[EBX] = 10;
    m.c.reg[ECX] = 0x1234;
    uint64_t start = m.c.icount;
    m.c.halted = false;
    sm_enter(&m, 0, SM_CODE);
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert_eq(sm_vector(&m), EXC_PF, "vector %d", sm_vector(&m));
    cr_assert_eq(sm_frame(&m, 1), SM_CODE + 6, "#PF reports the MOV: %#x", sm_frame(&m, 1));
    cr_assert_eq(m.c.cr2, PAGE + 4);
    cr_assert_eq(m.c.reg[EAX], 1, "the MOV before the fault retired, the one after did not");
    cr_assert_eq(m.c.reg[EBX], 11);
    cr_assert_eq(m.c.reg[ECX], 0x1234, "the faulting load wrote nothing");
    /* mov, inc, then the handler's HLT: the faulting MOV is not counted */
    cr_assert_eq(m.c.icount - start, 3, "instructions retired: %llu",
                 (unsigned long long)(m.c.icount - start));
}
