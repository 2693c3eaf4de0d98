/* test_reflect.c - exceptions, INT n and interrupts delivered through the guest's own IDT. */

/*
 * kernels/reflect.s takes a #DE and a #GP(selector) in its ring 0, then
 * goes to ring 3 and does INT 0x80 and INT 0x81; each handler copies the
 * frame it finds to RESULTS.  The expected frames are SDM Vol. 3A 6.12.1,
 * figure 6-4.  kernels/irq.s spins with IF = 0 while the test raises an
 * IRQ, then executes STI.
 */
#include <criterion/criterion.h>

#include "harness.h"

#define BUDGET 1000000
#define SEL_KCODE 0x08
#define SEL_UCODE 0x1b
#define SEL_UDATA 0x23
#define BAD_SEL 0x78                    /* reflect.s: beyond the GDT limit */
#define IRQ_LINE 5
#define IRQ_LOOPS 200000                /* irq.s */

static void run_reflect(struct vmtest *t)
{
    vmtest_boot(t, "reflect", VM_TRAP, BUDGET);
    cr_assert_eq(vmtest_run(t), MACHINE_EXITED, "reflect.s did not exit: %s", t->m->report);
    cr_assert_eq(vmtest_word(t, K_RESULTS + 60), 1, "INT 0x81 from ring 3 never arrived");
}

Test(reflect, divide_error_frame_on_the_same_stack_without_error_code)
{
    struct vmtest t;
    run_reflect(&t);
    uint32_t esp = vmtest_word(&t, K_RESULTS + 0), handler_esp = vmtest_word(&t, K_RESULTS + 4);
    cr_assert_eq(handler_esp, esp - 12, "#DE frame: EIP, CS, EFLAGS = 12 bytes below 0x%x, got 0x%x",
                 esp, handler_esp);
    cr_assert_eq(vmtest_word(&t, K_RESULTS + 8), vmtest_word(&t, K_RESULTS + 28),
                 "#DE is a fault: the pushed EIP is the DIV itself");
    cr_assert_eq(vmtest_word(&t, K_RESULTS + 12), SEL_KCODE,
                 "pushed CS: the guest must see RPL 0 (0x08), got 0x%x", vmtest_word(&t, K_RESULTS + 12));
    cr_assert_eq(vmtest_word(&t, K_RESULTS + 16) & FLAG_IF, 0, "pushed EFLAGS: the virtual IF (0)");
    cr_assert_eq(t.mon->exits[MON_EXIT_EXCEPTION], 1, "one #DE exit");
    vmtest_free(&t);
}

Test(reflect, general_protection_pushes_the_selector_as_error_code)
{
    struct vmtest t;
    run_reflect(&t);
    cr_assert_eq(vmtest_word(&t, K_RESULTS + 20), BAD_SEL, "#GP error code: expected 0x%x, got 0x%x",
                 BAD_SEL, vmtest_word(&t, K_RESULTS + 20));
    cr_assert_eq(vmtest_word(&t, K_RESULTS + 24), vmtest_word(&t, K_RESULTS + 52),
                 "#GP pushed EIP: the faulting MOV DS");
    cr_assert_eq(t.mon->insn_exits[INSN_OTHER], 1, "the #GP was not an emulated instruction");
    cr_assert_geq(t.mon->insn_exits[INSN_IRET], 2, "the handlers' IRETs to ring 0 are emulated");
    vmtest_free(&t);
}

Test(reflect, int_n_from_ring3_switches_to_the_tss_stack_and_back)
{
    struct vmtest t;
    run_reflect(&t);
    cr_assert_eq(vmtest_word(&t, K_RESULTS + 32), K_KSTACK - 20,
                 "handler ESP: TSS.ESP0 - 20 (SS, ESP, EFLAGS, CS, EIP), got 0x%x",
                 vmtest_word(&t, K_RESULTS + 32));
    cr_assert_eq(vmtest_word(&t, K_RESULTS + 36), vmtest_word(&t, K_RESULTS + 56),
                 "INT n is a trap: the pushed EIP follows it");
    cr_assert_eq(vmtest_word(&t, K_RESULTS + 40), SEL_UCODE, "pushed CS: 0x1b");
    cr_assert_eq(vmtest_word(&t, K_RESULTS + 44), K_USTACK, "pushed ESP: the user stack");
    cr_assert_eq(vmtest_word(&t, K_RESULTS + 48), SEL_UDATA, "pushed SS: 0x23");
    cr_assert_eq(t.mon->exits[MON_EXIT_SOFTINT], 3, "INT 0x80, 0x81 and 0x82 exit");
    vmtest_free(&t);
}

Test(reflect, far_ret_from_the_kernel_to_ring3)
{
    struct vmtest t;
    run_reflect(&t);
    cr_assert_eq(vmtest_word(&t, K_RESULTS + 68), K_USTACK - 0x100,
                 "INT 0x82 from ring 3 after LRET: user ESP 0x%x, expected 0x%x",
                 vmtest_word(&t, K_RESULTS + 68), K_USTACK - 0x100);
    cr_assert_eq(t.mon->insn_exits[INSN_RETF], 1, "the LRET to ring 3 trapped once");
    vmtest_free(&t);
}

Test(reflect, iret_to_ring3_restores_if_from_the_frame)
{
    /* SDM Vol. 2A IRET: at CPL 0 IRET loads IF.  At CPL 1 the CPU would not,
     * so the monitor makes that IRET trap and emulates it. */
    struct vmtest t;
    run_reflect(&t);
    cr_assert(vmtest_word(&t, K_RESULTS + 64) & FLAG_IF,
              "EFLAGS pushed from ring 3: expected IF = 1 (the IRET frame's), got 0x%x",
              vmtest_word(&t, K_RESULTS + 64));
    cr_assert_geq(t.mon->insn_exits[INSN_IRET], 3, "IRETs to ring 0 and to ring 3 trap");
    vmtest_free(&t);
}

Test(reflect, int_n_through_a_dpl0_gate_from_ring3_is_a_gp)
{
    /* SDM Vol. 3A 6.12.1.1: INT n checks gate DPL >= CPL.  Patch reflect.s's
     * INT 0x80 gate to DPL 0 before it runs: the user's INT 0x80 becomes
     * #GP(0x80 * 8 + 2), delivered to the #GP handler. */
    struct vmtest t;
    vmtest_boot(&t, "reflect", VM_TRAP, BUDGET);
    t.m->cfg.max_insns = 45;             /* past SETUP and the gates, before INT 0x80 (insn 64) */
    cr_assert_eq(vmtest_run(&t), MACHINE_BUDGET, "reflect.s should still be running");
    uint32_t *gate_hi = (uint32_t *)(t.m->ram + 0x200000 + 0x80 * 8 + 4);
    cr_assert_eq((*gate_hi >> 13) & 3, 3, "reflect.s's gate 0x80 should be DPL 3 at this point");
    *gate_hi &= ~(3u << 13);
    t.m->cfg.max_insns = BUDGET;
    vmtest_run(&t);
    cr_assert_eq(vmtest_word(&t, K_RESULTS + 20), 0x80 * 8 + 2, "#GP error: IDT entry 0x80 (0x402), got 0x%x",
                 vmtest_word(&t, K_RESULTS + 20));
    vmtest_free(&t);
}

Test(reflect, interrupt_waits_for_the_virtual_if)
{
    struct vmtest t;
    vmtest_boot(&t, "irq", VM_TRAP, 5000);
    cr_assert_eq(vmtest_run(&t), MACHINE_BUDGET);
    uint32_t loops = vmtest_word(&t, K_RESULTS);
    cr_assert(loops > 0 && loops < IRQ_LOOPS, "irq.s should be in its CLI loop (at %u)", loops);
    machine_set_irq(t.m, IRQ_LINE, 1);
    t.m->cfg.max_insns = 50000;
    cr_assert_eq(vmtest_run(&t), MACHINE_BUDGET);
    cr_assert_eq(t.mon->exits[MON_EXIT_EXTINT], 0, "IF = 0: the interrupt must not be taken");
    cr_assert(pic_intr(&t.m->pic), "the PIC keeps the interrupt pending while the guest has IF = 0");
    cr_assert(t.m->intr_held && !t.m->cpu.intr, "the monitor holds the CPU's INTR pin low");
    t.m->cfg.max_insns = 10 * IRQ_LOOPS;
    cr_assert_eq(vmtest_run(&t), MACHINE_EXITED, "the handler never ran: %s", t.m->report);
    cr_assert_eq(vmtest_word(&t, K_RESULTS + 4), IRQ_LOOPS, "taken at loop %u, expected after STI (%u)",
                 vmtest_word(&t, K_RESULTS + 4), IRQ_LOOPS);
    cr_assert_eq(t.mon->exits[MON_EXIT_EXTINT], 1, "one interrupt exit");
    cr_assert_eq(t.mon->insn_exits[INSN_HLT], 1, "HLT in the STI shadow trapped once and woke up");
    vmtest_free(&t);
}
