/* test_interrupts.c - delivery through the IDT: gates, stack switches, frames, double and triple faults, the ring-0 intercept. */

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

TestSuite(interrupts, .init = setup, .fini = teardown);

#define HANDLER 0x30000u

/* SDM Vol. 3A 6.12.1, figure 6-4: INT from ring 3 to a ring-0 interrupt
 * gate switches to TSS SS0:ESP0 and pushes SS, ESP, EFLAGS, CS, EIP; IRET
 * goes back to ring 3 and its stack. */
Test(interrupts, ring3_int_to_ring0_and_iret_back)
{
    SM_CODE_AT(&m, SM_CODE,
               0xcd, 0x80,                     /* int  $0x80 */
               0xb8, 0x34, 0x12, 0x00, 0x00,   /* mov  $0x1234, %eax */
               0xcd, 0x81);                    /* int  $0x81  -> HLT handler */
    SM_CODE_AT(&m, HANDLER,
               0xbb, 0x11, 0x00, 0x00, 0x00,   /* mov  $0x11, %ebx */
               0xcf);                          /* iret */
    sm_gate(&m, 0x80, SEL_CODE0, HANDLER, SM_INTR_GATE, 3, 1);
    sm_enter(&m, 3, SM_CODE);
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert_eq(sm_vector(&m), 0x81, "expected the INT 0x81 handler, got vector %d", sm_vector(&m));
    cr_assert_eq(m.c.reg[EBX], 0x11u, "the ring-0 handler for 0x80 did not run");
    cr_assert_eq(m.c.reg[EAX], 0x1234u, "ring 3 did not resume after IRET");
    cr_assert_eq(m.c.cpl, 0);
    cr_assert_eq(m.c.reg[ESP], SM_STACK0 - 20, "ring-0 ESP: expected TSS ESP0 - 20, got %#x", m.c.reg[ESP]);
    cr_assert_eq(sm_frame(&m, 0), SM_CODE + 9, "return EIP: expected the insn after INT");
    cr_assert_eq(sm_frame(&m, 1), (uint32_t)SEL_CODE3);
    cr_assert_eq(sm_frame(&m, 3), SM_STACK3, "old ESP: expected %#x, got %#x", SM_STACK3, sm_frame(&m, 3));
    cr_assert_eq(sm_frame(&m, 4), (uint32_t)SEL_DATA3);
    cr_assert_eq(m.c.seg[SEG_SS].sel, SEL_DATA0, "SS should come from TSS SS0");
}

/* A gate whose code segment is ring 1 switches to SS1:ESP1 from the TSS
 * (the monitor's deprivileged kernel in chapter 2 lives there). */
Test(interrupts, ring3_to_ring1_uses_tss_ss1_esp1)
{
    SM_CODE_AT(&m, SM_CODE, 0xcd, 0x82);        /* int  $0x82  -> ring 1 */
    SM_CODE_AT(&m, HANDLER, 0xcd, 0x83);        /* int  $0x83  -> ring 0 HLT handler */
    sm_gate(&m, 0x82, SEL_CODE1 & ~3, HANDLER, SM_INTR_GATE, 3, 1);
    sm_enter(&m, 3, SM_CODE);
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert_eq(sm_vector(&m), 0x83);
    /* ring-0 frame: pushed by the ring-1 handler's INT */
    cr_assert_eq(sm_frame(&m, 1), (uint32_t)SEL_CODE1, "CS pushed from ring 1: got %#x", sm_frame(&m, 1));
    cr_assert_eq(sm_frame(&m, 3), SM_STACK1 - 20, "ring-1 ESP: expected ESP1 - 20, got %#x", sm_frame(&m, 3));
    cr_assert_eq(sm_frame(&m, 4), (uint32_t)SEL_DATA1, "ring-1 SS: expected SS1 %#x", SEL_DATA1);
    /* ring-1 frame on the TSS ring-1 stack */
    cr_assert_eq(sm_rd32(&m, SM_STACK1 - 20), SM_CODE + 2);
    cr_assert_eq(sm_rd32(&m, SM_STACK1 - 16), (uint32_t)SEL_CODE3);
    cr_assert_eq(sm_rd32(&m, SM_STACK1 - 8), SM_STACK3);
    cr_assert_eq(sm_rd32(&m, SM_STACK1 - 4), (uint32_t)SEL_DATA3);
}

/* SDM Vol. 3A 6.12.1.1: INT n checks the gate DPL against CPL:
 * #GP(vector * 8 + 2), EXT = 0. */
Test(interrupts, int_n_to_dpl0_gate_from_ring3_is_gp)
{
    SM_CODE_AT(&m, SM_CODE, 0xcd, 0x40);        /* int  $0x40 (gate DPL 0) */
    sm_enter(&m, 3, SM_CODE);
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert_eq(sm_vector(&m), EXC_GP);
    cr_assert_eq(sm_frame(&m, 0), 0x40u * 8 + 2, "error code: expected %#x, got %#x", 0x40 * 8 + 2, sm_frame(&m, 0));
    cr_assert_eq(sm_frame(&m, 1), SM_CODE, "#GP reports the INT instruction");
    cr_assert_eq(sm_frame(&m, 2), (uint32_t)SEL_CODE3);
}

/* The gate DPL check is for INT n only: an exception at ring 3 uses a DPL-0
 * gate (SDM Vol. 3A 6.12.1.1). */
Test(interrupts, exception_at_ring3_ignores_gate_dpl)
{
    SM_CODE_AT(&m, SM_CODE, 0x0f, 0x0b);        /* ud2 */
    sm_enter(&m, 3, SM_CODE);
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert_eq(sm_vector(&m), EXC_UD);
    cr_assert_eq(sm_frame(&m, 0), SM_CODE, "#UD has no error code; EIP first");
    cr_assert_eq(m.c.reg[ESP], SM_STACK0 - 20);
}

/* #DE: a fault, no error code, same-privilege frame EIP, CS, EFLAGS. */
Test(interrupts, divide_error_frame)
{
    SM_CODE_AT(&m, SM_CODE,
               0x31, 0xc9,                     /* xor  %ecx, %ecx */
               0xb8, 0x05, 0x00, 0x00, 0x00,   /* mov  $5, %eax */
               0x31, 0xd2,                     /* xor  %edx, %edx */
               0xf7, 0xf1);                    /* div  %ecx */
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert_eq(sm_vector(&m), EXC_DE);
    cr_assert_eq(m.c.reg[ESP], SM_STACK0 - 12, "same-level frame is 3 dwords");
    cr_assert_eq(sm_frame(&m, 0), SM_CODE + 9, "EIP of DIV expected");
    cr_assert_eq(sm_frame(&m, 1), (uint32_t)SEL_CODE0);
    cr_assert_eq(sm_frame(&m, 2) & FLAG_FIXED, FLAG_FIXED);
    cr_assert_eq(m.c.reg[EAX], 5u, "DIV must not change EAX when it faults");
}

/* An interrupt gate clears IF; a trap gate leaves it (SDM Vol. 3A 6.12.1.3). */
Test(interrupts, interrupt_gate_clears_if_trap_gate_keeps_it)
{
    SM_CODE_AT(&m, SM_CODE, 0xcd, 0x84);        /* int  $0x84 */
    sm_gate(&m, 0x84, SEL_CODE0, SM_HANDLERS + 16 * 0x84, SM_TRAP_GATE, 0, 1);
    cpu_set_eflags(&m.c, FLAG_IF);
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert(m.c.eflags & FLAG_IF, "trap gate must keep IF");

    sm_enter(&m, 0, SM_CODE);
    sm_gate(&m, 0x84, SEL_CODE0, SM_HANDLERS + 16 * 0x84, SM_INTR_GATE, 0, 1);
    cpu_set_eflags(&m.c, FLAG_IF);
    m.c.halted = false;
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert(!(m.c.eflags & FLAG_IF), "interrupt gate must clear IF");
    cr_assert(sm_frame(&m, 2) & FLAG_IF, "the pushed EFLAGS keep IF=1");
}

/* An external interrupt is delivered before the next instruction, with
 * that instruction's EIP as the return address. */
Test(interrupts, external_interrupt_returns_to_interrupted_insn)
{
    SM_CODE_AT(&m, SM_CODE, 0x90, 0x90);        /* nop; nop */
    cpu_set_eflags(&m.c, FLAG_IF);
    cpu_set_intr(&m.c, true);
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert_eq(sm_vector(&m), 0x40, "intr_ack returns 0x40");
    cr_assert_eq(sm_frame(&m, 0), SM_CODE);
}

/* SDM Vol. 3A 6.15, table 6-5: #DE (contributory) whose gate is not present
 * raises #NP (contributory) during delivery -> #DF with error code 0. */
Test(interrupts, double_fault)
{
    SM_CODE_AT(&m, SM_CODE,
               0x31, 0xc9,                     /* xor  %ecx, %ecx */
               0xf7, 0xf1);                    /* div  %ecx */
    sm_gate(&m, EXC_DE, SEL_CODE0, SM_HANDLERS, SM_INTR_GATE, 0, 0);
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert_eq(sm_vector(&m), EXC_DF, "expected #DF, got vector %d", sm_vector(&m));
    cr_assert_eq(sm_frame(&m, 0), 0u, "#DF error code is 0");
    cr_assert_eq(sm_frame(&m, 1), SM_CODE + 2, "#DF reports the faulting DIV");
}

/* A benign exception (#UD) whose delivery faults is handled serially: the
 * #NP is delivered, no double fault. */
Test(interrupts, benign_then_contributory_is_serial)
{
    SM_CODE_AT(&m, SM_CODE, 0x0f, 0x0b);        /* ud2 */
    sm_gate(&m, EXC_UD, SEL_CODE0, SM_HANDLERS, SM_INTR_GATE, 0, 0);
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert_eq(sm_vector(&m), EXC_NP);
    cr_assert_eq(sm_frame(&m, 0), EXC_UD * 8u + 2 + 1, "#NP(IDT entry 6, IDT=1, EXT=1)");
}

/* Table 6-5: a contributory fault (#NP: the #PF gate is not present) while
 * delivering #PF -> #DF. */
Test(interrupts, page_fault_then_contributory_is_double_fault)
{
    sm_paging(&m);
    *sm_pte(&m, 0x300000) = 0;
    SM_CODE_AT(&m, SM_CODE, 0xa1, 0x00, 0x00, 0x30, 0x00);   /* mov  0x300000, %eax */
    sm_gate(&m, EXC_PF, SEL_CODE0, SM_HANDLERS + 16 * EXC_PF, SM_INTR_GATE, 0, 0);
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert_eq(sm_vector(&m), EXC_DF, "expected #DF, got vector %d", sm_vector(&m));
}

/* Ring 3 reads an unmapped page; the ring-0 stack (TSS ESP0) is unmapped
 * too, so delivering #PF faults with #PF (-> #DF), and delivering #DF faults
 * again on the same stack -> shutdown, reported with the original #PF. */
Test(interrupts, page_fault_on_handler_stack_triple_faults)
{
    sm_paging(&m);
    *sm_pte(&m, 0x300000) = 0;
    SM_CODE_AT(&m, SM_CODE, 0xa1, 0x00, 0x00, 0x30, 0x00);   /* mov  0x300000, %eax */
    sm_wr32(&m, SM_TSS + 4, 0x301000);          /* ESP0: pushes land in 0x300xxx */
    sm_enter(&m, 3, SM_CODE);
    cr_assert_eq(sm_run(&m), CPU_EXIT_TRIPLE_FAULT);
    cr_assert_eq(m.c.exit.vector, EXC_PF, "the exit describes the original #PF");
    cr_assert_eq(m.c.exit.error, 4u, "user read, not present");
    cr_assert_eq(m.c.exit.cr2, 0x300000u);
    cr_assert_eq(m.c.exit.eip, SM_CODE);
}

/* IDT limit 0: #UD -> #GP (serial) -> #GP (double fault) -> fault on #DF ->
 * shutdown.  cpu_run reports CPU_EXIT_TRIPLE_FAULT and the original #UD. */
Test(interrupts, triple_fault)
{
    SM_CODE_AT(&m, SM_CODE, 0x0f, 0x0b);        /* ud2 */
    m.c.idtr.limit = 0;
    cr_assert_eq(sm_run(&m), CPU_EXIT_TRIPLE_FAULT);
    cr_assert_eq(m.c.exit.kind, EVENT_EXCEPTION);
    cr_assert_eq(m.c.exit.vector, EXC_UD, "original fault: expected #UD, got %d", m.c.exit.vector);
    cr_assert_eq(m.c.exit.eip, SM_CODE);
}

/* --- the ring-0 intercept (chapter 2's monitor owns ring 0) --------------- */

Test(interrupts, intercept_exits_on_gp_with_vector_and_error)
{
    SM_CODE_AT(&m, SM_CODE, 0x90, 0xfa);        /* nop; cli (IOPL 0, CPL 3) */
    sm_enter(&m, 3, SM_CODE);
    m.c.intercept_ring0 = true;
    cr_assert_eq(sm_run(&m), CPU_EXIT_RING0);
    cr_assert_eq(m.c.exit.kind, EVENT_EXCEPTION);
    cr_assert_eq(m.c.exit.vector, EXC_GP);
    cr_assert(m.c.exit.has_error);
    cr_assert_eq(m.c.exit.error, 0u);
    cr_assert_eq(m.c.exit.eip, SM_CODE + 1, "eip: the faulting CLI");
    cr_assert_eq(m.c.eip, SM_CODE + 1, "the CPU stays on the faulting insn");
    cr_assert_eq(m.c.cpl, 3, "nothing was delivered");
}

Test(interrupts, intercept_exits_on_page_fault_with_cr2)
{
    sm_paging(&m);
    *sm_pte(&m, 0x300000) = 0;
    SM_CODE_AT(&m, SM_CODE, 0xa1, 0x10, 0x00, 0x30, 0x00);   /* mov  0x300010, %eax */
    sm_enter(&m, 3, SM_CODE);
    m.c.intercept_ring0 = true;
    cr_assert_eq(sm_run(&m), CPU_EXIT_RING0);
    cr_assert_eq(m.c.exit.vector, EXC_PF);
    cr_assert_eq(m.c.exit.error, 4u, "user read, not present: U/S=1 W/R=0 P=0");
    cr_assert_eq(m.c.exit.cr2, 0x300010u);
    cr_assert_eq(m.c.cr2, 0x300010u);
}

Test(interrupts, intercept_exits_on_int_n_with_next_eip)
{
    SM_CODE_AT(&m, SM_CODE, 0xcd, 0x80);        /* int  $0x80 */
    sm_enter(&m, 3, SM_CODE);
    m.c.intercept_ring0 = true;
    cr_assert_eq(sm_run(&m), CPU_EXIT_RING0);
    cr_assert_eq(m.c.exit.kind, EVENT_SOFTINT);
    cr_assert_eq(m.c.exit.vector, 0x80);
    cr_assert(!m.c.exit.has_error);
    cr_assert_eq(m.c.exit.eip, SM_CODE);
    cr_assert_eq(m.c.exit.next_eip, SM_CODE + 2);
    cr_assert_eq(m.c.eip, SM_CODE + 2, "INT n is complete: EIP after it");
    cr_assert_eq(m.c.reg[ESP], SM_STACK3, "nothing pushed");
}

Test(interrupts, intercept_exits_on_external_interrupt)
{
    SM_CODE_AT(&m, SM_CODE, 0x90);
    sm_enter(&m, 3, SM_CODE);
    m.c.intercept_ring0 = true;
    cpu_set_eflags(&m.c, FLAG_IF);
    cpu_set_intr(&m.c, true);
    cr_assert_eq(sm_run(&m), CPU_EXIT_RING0);
    cr_assert_eq(m.c.exit.kind, EVENT_EXTINT);
    cr_assert_eq(m.c.exit.vector, 0x40);
    cr_assert_eq(m.c.exit.eip, SM_CODE);
}

/* INT3 and INTO are traps: the frame's EIP is the next instruction.  INTO
 * does nothing unless OF is set (SDM Vol. 2A INT n/INTO/INT3). */
Test(interrupts, int3_and_into_are_traps)
{
    SM_CODE_AT(&m, SM_CODE,
               0xce,                           /* into (OF=0: nothing) */
               0xb0, 0x7f,                     /* mov  $0x7f, %al */
               0x04, 0x01,                     /* add  $1, %al  -> OF=1 */
               0xce);                          /* into */
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert_eq(sm_vector(&m), EXC_OF, "got vector %d", sm_vector(&m));
    cr_assert_eq(sm_frame(&m, 0), SM_CODE + 6, "INTO returns after itself");
    sm_enter(&m, 0, SM_CODE);
    m.c.halted = false;
    SM_CODE_AT(&m, SM_CODE, 0xcc);             /* int3 */
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert_eq(sm_vector(&m), EXC_BP);
    cr_assert_eq(sm_frame(&m, 0), SM_CODE + 1);
}

/* Real-address mode (SDM Vol. 3A 20.1.4): the IVT at 0 holds IP:CS; INT
 * pushes FLAGS, CS, IP (16 bits each) and IRET pops them. */
Test(interrupts, real_mode_int_through_the_ivt)
{
    struct cpu *c = &m.c;
    sm_wr32(&m, 0x10 * 4, 0x00500000);        /* vector 10h -> 0050:0000 */
    SM_CODE_AT(&m, 0x500,
               0xb8, 0x34, 0x12,               /* mov  $0x1234, %ax */
               0xcf);                          /* iret */
    SM_CODE_AT(&m, 0x7c00,
               0xcd, 0x10,                     /* int  $0x10 */
               0xf4);                          /* hlt */
    c->cr0 &= ~CR0_PE;
    for (int s = SEG_ES; s <= SEG_GS; s++)
        cpu_load_seg_raw(c, s, 0, 0, 0xffff, 0x0093);
    cpu_load_seg_raw(c, SEG_CS, 0, 0, 0xffff, 0x009b);
    c->idtr = (struct dtr){ 0, 0x3ff };
    c->reg[ESP] = 0x7000;
    c->eip = 0x7c00;
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert_eq(c->eip, 0x7c03u, "back after INT, halted after HLT: eip %#x", c->eip);
    cr_assert_eq(c->reg[EAX] & 0xffff, 0x1234u, "the handler ran");
    cr_assert_eq(c->reg[ESP], 0x7000u, "IRET popped the 6 bytes INT pushed");
    cr_assert_eq(m.ram[0x7000 - 6] | m.ram[0x7000 - 5] << 8, 0x7c02, "pushed IP");
}

/* Run ring-3 UD2 whose #UD gate needs the TSS ring-0 stack; with SS0 bad,
 * the stack switch raises #TS(SS0 | EXT), delivered (serially, #UD being
 * benign) through a gate to a conforming segment, which runs at CPL 3 on
 * the current stack and spins.  Returns the error code it got. */
static uint32_t ts_error_for_ss0(uint16_t ss0)
{
    SM_CODE_AT(&m, SM_CODE, 0x0f, 0x0b);        /* ud2 */
    SM_CODE_AT(&m, HANDLER, 0xeb, 0xfe);        /* jmp . */
    sm_gate(&m, EXC_TS, SEL_CODE0_CONF, HANDLER, SM_INTR_GATE, 0, 1);
    sm_wr32(&m, SM_TSS + 8, ss0);
    sm_enter(&m, 3, SM_CODE);
    cr_assert_eq(cpu_run(&m.c, 1000), CPU_EXIT_BUDGET);
    cr_assert_eq(m.c.eip, HANDLER, "the #TS handler runs");
    cr_assert_eq(m.c.cpl, 3, "a conforming handler runs at the caller's CPL");
    cr_assert_eq(m.c.seg[SEG_CS].sel, SEL_CODE0_CONF | 3);
    cr_assert_eq(m.c.reg[ESP], SM_STACK3 - 16, "no stack switch: error, EIP, CS, EFLAGS");
    cr_assert_eq(sm_frame(&m, 1), SM_CODE);
    return sm_frame(&m, 0);
}

/* SDM Vol. 2A INT n, stack switch: a null SS0 is #TS(EXT), a read-only one
 * #TS(SS0 | EXT). */
Test(interrupts, bad_tss_stack_is_ts)
{
    cr_assert_eq(ts_error_for_ss0(0), 1u, "null SS0: #TS(EXT=1)");
    sm_free(&m);
    sm_init(&m);
    cr_assert_eq(ts_error_for_ss0(SEL_DATA0_RO), SEL_DATA0_RO | 1u, "read-only SS0: #TS(sel | EXT)");
}

/* Task gates need hardware task switching, which trapeze leaves out: they
 * fault like a bad gate, #GP(vector * 8 + 2 + EXT). */
Test(interrupts, task_gate_is_gp)
{
    SM_CODE_AT(&m, SM_CODE, 0xcd, 0x85);        /* int  $0x85 */
    sm_gate(&m, 0x85, SEL_TSS, 0, 0x5, 3, 1);
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert_eq(sm_vector(&m), EXC_GP);
    cr_assert_eq(sm_frame(&m, 0), 0x85u * 8 + 2);
}
