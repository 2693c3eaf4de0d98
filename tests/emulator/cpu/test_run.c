/* test_run.c - the run loop: budget, HLT, breakpoints, interrupts, restartable faults. */

#include "cpu_test.h"

TestSuite(run, .init = cpu_test_setup, .fini = cpu_test_teardown);

Test(run, reset_state)
{
    /* SDM Vol. 3A 9.1.1 table 9-1 */
    struct cpu r;
    cpu_init(&r, &c->bus);
    cr_assert_eq(r.eip, 0xfff0);
    cr_assert_eq(r.seg[SEG_CS].sel, 0xf000);
    cr_assert_eq(r.seg[SEG_CS].base, 0xffff0000u);
    cr_assert_eq(r.seg[SEG_CS].limit, 0xffff);
    cr_assert_eq(r.cr0, 0x60000010u);
    cr_assert_eq(cpu_get_eflags(&r), 0x2);
    cr_assert_eq(r.dr[7], 0x400);
    cr_assert_eq(r.cpl, 0);
}

Test(run, flat32_state)
{
    cr_assert_eq(c->seg[SEG_CS].sel, 0x08);
    cr_assert_eq(c->seg[SEG_DS].sel, 0x10);
    cr_assert_eq(c->seg[SEG_SS].limit, 0xffffffffu);
    cr_assert(c->seg[SEG_CS].attr & SEG_ATTR_DB);
    cr_assert(c->cr0 & CR0_PE);
    cr_assert_eq(c->cr0 & CR0_PG, 0);
    cr_assert_eq(cpu_get_eflags(c) & FLAG_IF, 0);
}

Test(run, budget_exit_counts_instructions)
{
    fix_code(f, (const uint8_t[]){ 0xeb, 0xfe }, 2);     /* jmp $ */
    cr_assert_eq(cpu_run(c, 100), CPU_EXIT_BUDGET);
    cr_assert_eq(c->icount, 100);
    cr_assert_eq(c->eip, FIX_CODE);
    cr_assert_eq(cpu_run(c, 5), CPU_EXIT_BUDGET);
    cr_assert_eq(c->icount, 105);
}

Test(run, hlt_retires_and_stays_halted)
{
    ASSERT_HLT(RUN(0x90, 0x90, HLT));
    cr_assert_eq(c->icount, 3);
    cr_assert(c->halted);
    cr_assert_eq(c->eip, FIX_CODE + 3);
    cr_assert_eq(cpu_run(c, 100), CPU_EXIT_HLT, "a halted CPU stays halted");
    cr_assert_eq(c->icount, 3);
}

Test(run, step_executes_one_instruction)
{
    fix_code(f, (const uint8_t[]){ 0x40, 0x40, HLT }, 3);  /* inc eax; inc eax */
    c->reg[EAX] = 0;
    cr_assert_eq(cpu_step(c), CPU_EXIT_BUDGET);
    cr_assert_eq(c->reg[EAX], 1);
    cr_assert_eq(c->eip, FIX_CODE + 1);
}

Test(run, breakpoint_stops_then_continues)
{
    c->breakpoints[0] = FIX_CODE + 1;
    c->nbreakpoints = 1;
    fix_code(f, (const uint8_t[]){ 0x40, 0x40, 0x40, HLT }, 4);
    c->reg[EAX] = 0;
    cr_assert_eq(fix_run_to_hlt(f), CPU_EXIT_DEBUG);
    cr_assert_eq(c->eip, FIX_CODE + 1);
    cr_assert_eq(c->reg[EAX], 1, "the instruction at the breakpoint has not run");
    ASSERT_HLT(fix_run_to_hlt(f));
    cr_assert_eq(c->reg[EAX], 3);
}

Test(run, exit_request_returns_before_executing)
{
    fix_code(f, (const uint8_t[]){ 0x40, HLT }, 2);
    cpu_request_exit(c);
    cr_assert_eq(fix_run_to_hlt(f), CPU_EXIT_REQUEST);
    cr_assert_eq(c->icount, 0);
    ASSERT_HLT(fix_run_to_hlt(f));
}

Test(run, interrupt_waits_for_if_and_sti_shadow)
{
    f->intr_vector = 0x20;
    cpu_set_intr(c, true);
    /* IF = 0: nop runs, no INTA.  sti; nop: the interrupt comes after the nop */
    enum cpu_exit r = RUN(0x90, 0xfb, 0x90, 0x90, HLT);
    cr_assert_eq(r, CPU_EXIT_RING0);
    cr_assert_eq(c->exit.kind, EVENT_EXTINT);
    cr_assert_eq(c->exit.vector, 0x20);
    cr_assert_eq(f->nacks, 1);
    cr_assert_eq(c->eip, FIX_CODE + 3, "taken after the instruction following STI: eip %#x",
                 c->eip);
}

Test(run, interrupt_wakes_hlt)
{
    cpu_set_eflags(c, FLAG_IF);
    ASSERT_HLT(RUN(HLT));
    f->intr_vector = 0x21;
    cpu_set_intr(c, true);
    cr_assert_eq(fix_run_to_hlt(f), CPU_EXIT_RING0);
    cr_assert_eq(c->exit.vector, 0x21);
    cr_assert(!c->halted);
}

Test(run, faulting_rmw_keeps_flags_and_memory)
{
    /* DS read-only (type 1): ADC [ebx], eax reads, then its write is #GP */
    cpu_load_seg_raw(c, SEG_DS, 0x10, 0, 0xffffffffu,
                     (c->seg[SEG_DS].attr & ~0xf) | 0x1);
    fix_write32(f, FIX_DATA, 0xffffffffu);
    enum cpu_exit r = RUN(0xbb, 0x00, 0x00, 0x01, 0x00, 0xb8, 1, 0, 0, 0,
                          0xf9,                      /* stc */
                          0x11, 0x03,                /* adc [ebx], eax at 0x100b */
                          HLT);
    cr_assert_eq(r, CPU_EXIT_RING0);
    cr_assert_eq(c->exit.vector, EXC_GP);
    cr_assert_eq(c->eip, FIX_CODE + 11);
    cr_assert_eq(fix_read32(f, FIX_DATA), 0xffffffffu);
    cr_assert_eq(arith_flags(), FLAG_CF, "flags must be those before the ADC: got %#x",
                 arith_flags());
}

Test(run, icount_and_branch_to_limit)
{
    /* jmp to an EIP beyond the CS limit is #GP(0) at the jump */
    cpu_load_seg_raw(c, SEG_CS, 0x08, 0, 0x1fff, c->seg[SEG_CS].attr & ~SEG_ATTR_G);
    enum cpu_exit r = RUN(0xe9, 0x00, 0x10, 0x00, 0x00, HLT);   /* jmp 0x2005 */
    cr_assert_eq(r, CPU_EXIT_RING0);
    cr_assert_eq(c->exit.vector, EXC_GP);
    cr_assert_eq(c->eip, FIX_CODE);
}

Test(run, trap_flag_single_steps)
{
    /* SDM Vol. 3A 17.3.1.4: #DB after the instruction, reporting the next EIP */
    cpu_set_eflags(c, FLAG_TF);
    enum cpu_exit r = RUN(0x40, 0x40, HLT);          /* inc eax; inc eax */
    cr_assert_eq(r, CPU_EXIT_RING0);
    cr_assert_eq(c->exit.vector, EXC_DB, "expected #DB, got %u", c->exit.vector);
    cr_assert_eq(c->exit.eip, FIX_CODE + 1, "trap reports the next instruction: %#x", c->exit.eip);
    cr_assert(c->dr[6] & 0x4000, "DR6.BS must be set");
    cr_assert_eq(c->icount, 1, "the stepped instruction retired");
}
