/* test_reflect.c - exceptions, INT n and interrupts delivered through the guest's own IDT. */

/*
 * kernels/reflect.s takes a #DE and a #GP(selector) in its ring 0, then
 * goes to ring 3 and does INT 0x80 and INT 0x81; each handler copies the
 * frame it finds to RESULTS.  The expected frames are SDM Vol. 3A 6.12.1,
 * figure 6-4.  kernels/irq.s spins with IF = 0 while the test raises an
 * IRQ, then executes STI.  kernels/reflect2.s, gates.s, triple.s, ring1.s
 * and badss0.s run bare and under the monitor: the guest must see the
 * same thing on both (and the monitor stop where it cannot follow).
 */
#include <criterion/criterion.h>
#include <string.h>

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

/* --- kernels/reflect2.s ------------------------------------------------------------- */

#define GATE_ERR(v, ext) ((v) * 8u + 2u + (ext))   /* SDM Vol. 3A 6.13: IDT bit, EXT */

Test(reflect, int_n_through_a_not_present_gate_is_np_with_the_idt_bit)
{
    struct vmtest bare, trap;
    vmtest_run_both(&bare, &trap, "reflect2", BUDGET, MACHINE_EXITED);
    vmtest_same_results(&bare, &trap, 3);
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 0), GATE_ERR(0x41, 0),
                 "#NP error: IDT entry 0x41, EXT 0 (INT n), expected 0x%x, got 0x%x",
                 GATE_ERR(0x41, 0), vmtest_word(&trap, K_RESULTS + 0));
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 4), vmtest_word(&trap, K_RESULTS + 8),
                 "#NP is a fault: the pushed EIP is the INT");
    vmtest_free(&bare);
    vmtest_free(&trap);
}

Test(reflect, a_contributory_fault_while_delivering_one_is_a_double_fault)
{
    /* SDM Vol. 3A 6.15, table 6-5: #DE (contributory) whose gate is not
     * present raises #NP (contributory) during its delivery: #DF, error 0. */
    struct vmtest bare, trap;
    vmtest_run_both(&bare, &trap, "reflect2", BUDGET, MACHINE_EXITED);
    vmtest_same_results(&bare, &trap, 6);
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 20), 1, "one #DF");
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 12), 0, "#DF pushes error code 0");
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 16), vmtest_word(&trap, K_RESULTS + 56) - 16,
                 "#DF frame: error code, EIP, CS, EFLAGS on the same stack");
    vmtest_free(&bare);
    vmtest_free(&trap);
}

Test(reflect, gp_from_ring3_pushes_24_bytes_with_the_error_code_on_esp0)
{
    struct vmtest bare, trap;
    vmtest_run_both(&bare, &trap, "reflect2", BUDGET, MACHINE_EXITED);
    vmtest_same_results(&bare, &trap, 14);
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 48), K_KSTACK - 24,
                 "handler ESP: TSS.ESP0 - 24 (SS, ESP, EFLAGS, CS, EIP, error), got 0x%x",
                 vmtest_word(&trap, K_RESULTS + 48));
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 24), BAD_SEL, "#GP(0x78)");
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 28), vmtest_word(&trap, K_RESULTS + 52),
                 "pushed EIP: the faulting MOV DS");
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 32), SEL_UCODE, "pushed CS: 0x1b");
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 40), K_USTACK, "pushed ESP: the user stack");
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 44), SEL_UDATA, "pushed SS: 0x23");
    vmtest_free(&bare);
    vmtest_free(&trap);
}

/* --- kernels/gates.s: IF after delivery --------------------------------------------- */

/* Run gates.s with PARAM = trap_gate; returns IF after delivery, bare and
 * virtual (trap), asserting they agree and that the frame holds IF = 1. */
static bool if_after_delivery(bool trap_gate)
{
    struct vmtest bare, trap;
    vmtest_boot(&bare, "gates", VM_BARE, BUDGET);
    vmtest_boot(&trap, "gates", VM_TRAP, BUDGET);
    vmtest_set_word(&bare, K_RESULTS + 0x100, trap_gate);
    vmtest_set_word(&trap, K_RESULTS + 0x100, trap_gate);
    cr_assert_eq(vmtest_run(&bare), MACHINE_EXITED, "%s", bare.m->report);
    cr_assert_eq(vmtest_run(&trap), MACHINE_EXITED, "%s", trap.m->report);
    cr_assert_neq(vmtest_word(&trap, K_RESULTS) & FLAG_IF, 0, "pushed EFLAGS: IF = 1 before delivery");
    bool bare_if = (bare.m->cpu.eflags & FLAG_IF) != 0, trap_if = trap.mon->v.iflag;
    cr_assert_eq(trap_if, bare_if, "%s gate: IF after delivery bare %d, virtual %d",
                 trap_gate ? "trap" : "interrupt", bare_if, trap_if);
    cr_assert_neq(trap.m->cpu.eflags & FLAG_IF, 0, "the real IF stays 1");
    vmtest_free(&bare);
    vmtest_free(&trap);
    return trap_if;
}

Test(reflect, an_interrupt_gate_clears_the_virtual_if_a_trap_gate_does_not)
{
    cr_assert_not(if_after_delivery(false), "interrupt gate: IF must be 0 in the handler");
    cr_assert(if_after_delivery(true), "trap gate: IF must stay 1 in the handler");
}

/* --- kernels/irq.s: the external interrupt's frame ----------------------------------- */

/* Run irq.s in `mode`, raising IRQ 5 during its CLI loop, to its end. */
static void run_irq(struct vmtest *t, enum vm_mode mode)
{
    vmtest_boot(t, "irq", mode, 5000);
    cr_assert_eq(vmtest_run(t), MACHINE_BUDGET);
    machine_set_irq(t->m, IRQ_LINE, 1);
    t->m->cfg.max_insns = 10 * IRQ_LOOPS;
    cr_assert_eq(vmtest_run(t), MACHINE_EXITED, "%s", t->m->report);
}

Test(reflect, external_interrupt_frame_returns_after_the_hlt)
{
    struct vmtest bare, trap;
    run_irq(&bare, VM_BARE);
    run_irq(&trap, VM_TRAP);
    vmtest_same_results(&bare, &trap, 7);
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 8), K_KSTACK - 12,
                 "handler ESP: EIP, CS, EFLAGS and no error code, got 0x%x", vmtest_word(&trap, K_RESULTS + 8));
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 12), vmtest_word(&trap, K_RESULTS + 24),
                 "pushed EIP: the instruction after HLT");
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 16), SEL_KCODE, "pushed CS: 0x08, RPL 0");
    cr_assert_neq(vmtest_word(&trap, K_RESULTS + 20) & FLAG_IF, 0, "pushed EFLAGS: IF = 1");
    vmtest_free(&bare);
    vmtest_free(&trap);
}

/* --- kernels/triple.s ---------------------------------------------------------------- */

Test(reflect, a_triple_fault_stops_the_vm_and_leaves_the_monitor_intact)
{
    struct vmtest bare, trap;
    vmtest_run_both(&bare, &trap, "triple", BUDGET, MACHINE_TRIPLE_FAULT);
    uint32_t div = vmtest_word(&trap, K_RESULTS + 0);
    cr_assert_not_null(strstr(trap.m->report, "guest triple fault"), "report: %s", trap.m->report);
    cr_assert_not_null(strstr(trap.m->report, "while delivering #DF"), "report: %s", trap.m->report);
    /* The monitor's own state: nothing of a failed delivery was committed. */
    struct cpu *c = &trap.m->cpu;
    cr_assert_eq(c->eip, div, "EIP still at the DIV (0x%x), got 0x%x", div, c->eip);
    cr_assert_eq(c->reg[ESP], K_KSTACK, "nothing pushed on the guest's stack");
    cr_assert_eq(c->cpl, 1, "the guest kernel is still at CPL 1");
    cr_assert(c->intercept_ring0, "the monitor still owns ring 0");
    cr_assert_eq(c->gdtr.base, MONITOR_LINEAR + MON_GDT, "the real GDTR is the shadow");
    const uint32_t *kcode = (const uint32_t *)(trap.mon->mem + MON_GDT + 8);
    cr_assert_eq((kcode[1] >> 13) & 3, 1, "the shadow GDT still has the kernel code at DPL 1");
    cr_assert_eq(trap.mon->v.cpl, 0, "the vcpu: the guest's CPL 0");
    cr_assert_eq(trap.mon->v.idtr.limit, 0, "the vcpu: the guest's empty IDT");
    cr_assert_eq(trap.mon->reflected, 0, "no event was delivered");
    vmtest_free(&bare);
    vmtest_free(&trap);
}

/* --- kernels/ring1.s, kernels/badss0.s: stacks and rings ------------------------------- */

Test(reflect, a_handler_in_ring1_stops_the_vm_as_unsupported)
{
    struct vmtest bare, trap;
    vmtest_boot(&bare, "ring1", VM_BARE, BUDGET);
    cr_assert_eq(vmtest_run(&bare), MACHINE_EXITED, "bare: %s", bare.m->report);
    cr_assert_eq(bare.m->exit_status, (0x11 << 1) | 1, "bare: the ring-1 handler exits");
    cr_assert_eq(vmtest_word(&bare, K_RESULTS + 0), 0x31, "bare: the handler runs with CS 0x31");
    vmtest_boot(&trap, "ring1", VM_TRAP, BUDGET);
    cr_assert_eq(vmtest_run(&trap), MACHINE_UNSUPPORTED, "trap: %s", trap.m->report);
    cr_assert_not_null(strstr(trap.m->report, "ring 1"), "report: %s", trap.m->report);
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 0), 0, "the handler must not run in ring 3");
    vmtest_free(&bare);
    vmtest_free(&trap);
}

Test(reflect, ss0_with_dpl3_is_a_ts_as_on_bare_hardware)
{
    /* SDM Vol. 3A 6.12.1: SS0's DPL must be 0.  #TS(SS0) needs the same
     * stack again, so both machines end in a triple fault, and the INT 0x80
     * handler never runs on the user's data segment. */
    struct vmtest bare, trap;
    vmtest_run_both(&bare, &trap, "badss0", BUDGET, MACHINE_TRIPLE_FAULT);
    cr_assert_eq(vmtest_word(&bare, K_RESULTS + 0), 0, "bare: the handler ran");
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 0), 0, "trap: the handler ran on a ring-3 stack");
    vmtest_free(&bare);
    vmtest_free(&trap);
}

/* --- kernels/gatelimit.s: an entry point beyond the handler segment's limit ---------- */

#define GATELIMIT_PARAM (K_RESULTS + 0x100)

Test(reflect, an_entry_point_beyond_the_segment_limit_is_gp_ext_before_any_push)
{
    /* SDM Vol. 2A INT n: "IF EIP not within code segment limits THEN
     * #GP(EXT)": the null selector, EXT 0 for INT n, 1 for an exception.
     * The limit is the guest descriptor's (0x0f); the gate says 0x10. */
    struct vmtest bare, trap;
    vmtest_run_both(&bare, &trap, "gatelimit", BUDGET, MACHINE_EXITED);
    vmtest_same_results(&bare, &trap, 9);
    cr_assert_eq(trap.m->exit_status, (0x10 << 1) | 1, "gatelimit.s: status 0x%x", trap.m->exit_status);
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 0), 2, "two #GP: INT 0x40's and #UD's");
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 4), 0, "INT 0x40: #GP(0), EXT 0, got 0x%x",
                 vmtest_word(&trap, K_RESULTS + 4));
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 8), vmtest_word(&trap, K_RESULTS + 28),
                 "a fault of the INT: the pushed EIP is the INT");
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 12), SEL_KCODE, "pushed CS: the kernel's, not 0x28");
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 16), 1, "#UD: #GP(1), EXT 1, got 0x%x",
                 vmtest_word(&trap, K_RESULTS + 16));
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 20), vmtest_word(&trap, K_RESULTS + 32),
                 "#UD is a fault: the pushed EIP is the UD2");
    vmtest_free(&bare);
    vmtest_free(&trap);
}

Test(reflect, an_entry_point_in_the_monitors_region_stops_the_vm)
{
    /* Within the flat segment's limit, so bare hardware raises no #GP for
     * the gate and jumps to 0xFFC00000; there the monitor lives (segment
     * truncation), so the VM stops instead of giving the guest a fault bare
     * hardware never raises. */
    struct vmtest bare, trap;
    vmtest_boot(&bare, "gatelimit", VM_BARE, BUDGET);
    vmtest_set_word(&bare, GATELIMIT_PARAM, 1);
    vmtest_run(&bare);
    cr_assert_eq(vmtest_word(&bare, K_RESULTS + 8), MONITOR_LINEAR,
                 "bare: the handler starts at 0xffc00000 (open bus: its first instruction "
                 "faults, and that fault's pushed EIP is 0x%x)", vmtest_word(&bare, K_RESULTS + 8));
    vmtest_boot(&trap, "gatelimit", VM_TRAP, BUDGET);
    vmtest_set_word(&trap, GATELIMIT_PARAM, 1);
    cr_assert_eq(vmtest_run(&trap), MACHINE_UNSUPPORTED, "trap: %s", trap.m->report);
    cr_assert_not_null(strstr(trap.m->report, "monitor's region"), "report: %s", trap.m->report);
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 0), 0, "trap: the guest got no #GP");
    cr_assert_eq(trap.mon->reflected, 0, "nothing was delivered");
    vmtest_free(&bare);
    vmtest_free(&trap);
}

/* --- kernels/conforming.s: a handler in a conforming code segment ------------------- */

#define SEL_CONF_RING3 0x33             /* conforming.s's 0x30, at CPL 3 */

Test(reflect, a_conforming_handler_keeps_the_cpl_and_the_stack)
{
    struct vmtest bare, trap;
    vmtest_run_both(&bare, &trap, "conforming", BUDGET, MACHINE_EXITED);
    vmtest_same_results(&bare, &trap, 8);
    cr_assert_eq(trap.m->exit_status, (0x10 << 1) | 1, "conforming.s: status 0x%x", trap.m->exit_status);
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 0), K_USTACK - 12,
                 "handler ESP: the user stack - 12 (EIP, CS, EFLAGS; no stack switch), got 0x%x",
                 vmtest_word(&trap, K_RESULTS + 0));
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 4), SEL_CONF_RING3,
                 "handler CS: 0x30 with RPL 3 (the CPL stays 3), got 0x%x", vmtest_word(&trap, K_RESULTS + 4));
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 8), vmtest_word(&trap, K_RESULTS + 16),
                 "INT n is a trap: the pushed EIP follows it");
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 12), SEL_UCODE, "pushed CS: the user's 0x1b");
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 20), K_KSTACK - 20,
                 "INT 0x81 from the conforming handler (ring 3) switches to TSS.ESP0, got 0x%x",
                 vmtest_word(&trap, K_RESULTS + 20));
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 24), SEL_CONF_RING3, "INT 0x81 pushed CS 0x33");
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 28), 0, "no #GP");
    vmtest_free(&bare);
    vmtest_free(&trap);
}
