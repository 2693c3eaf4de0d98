/* test_emulate.c - each privileged instruction, trapped at CPL 1 and emulated on the virtual CPU. */

/*
 * kernels/priv.s executes one of each privileged instruction and stores
 * what it read back at RESULTS.  Expected values come from the kernel's
 * source and the SDM; "exit counted" means the monitor saw the instruction
 * trap exactly as many times as the kernel executes it.
 */
#include <criterion/criterion.h>

#include "harness.h"
#ifdef TRAPEZE_HAVE_SHADOW
#include "spt.h"
#endif

#define BUDGET 100000
#define GDT_LIMIT (6 * 8 - 1)           /* kernel.inc: six descriptors */
#define SEL_KDATA 0x10
#define SEL_TSS 0x28
#define CR3_WRITTEN 0x00123000u         /* priv.s */
#define DEBUG_EXIT_0x10 0x21            /* (0x10 << 1) | 1 */

/* Boot priv.s under the monitor and run it to its debug-exit. */
static void run_priv(struct vmtest *t)
{
    vmtest_boot(t, "priv", VM_TRAP, BUDGET);
    cr_assert_eq(vmtest_run(t), MACHINE_EXITED, "priv.s did not exit: %s", t->m->report);
    cr_assert_eq(t->m->exit_status, DEBUG_EXIT_0x10, "exit status: expected 0x21, got 0x%x",
                 t->m->exit_status);
}

/* The monitor saw `insn` trap n times. */
static void expect_exits(const struct vmtest *t, enum mon_insn insn, uint64_t n, const char *name)
{
    cr_assert_eq(t->mon->insn_exits[insn], n, "%s: expected %lu exit(s), got %lu", name,
                 (unsigned long)n, (unsigned long)t->mon->insn_exits[insn]);
}

Test(emulate, lgdt_loads_the_virtual_gdtr_and_points_the_real_one_at_the_shadow)
{
    struct vmtest t;
    run_priv(&t);
    uint32_t gdt = vmtest_word(&t, K_RESULTS + 24);
    cr_assert_eq(t.mon->v.gdtr.base, gdt, "virtual GDTR.base: expected 0x%x, got 0x%x", gdt,
                 t.mon->v.gdtr.base);
    cr_assert_eq(t.mon->v.gdtr.limit, GDT_LIMIT, "virtual GDTR.limit: expected %d", GDT_LIMIT);
    cr_assert_eq(t.m->cpu.gdtr.base, MONITOR_LINEAR + MON_GDT, "real GDTR must be the shadow");
    cr_assert_eq(t.m->cpu.gdtr.limit, GDT_LIMIT, "shadow GDT: same limit, same selectors");
    expect_exits(&t, INSN_LGDT, 1, "LGDT");
    vmtest_free(&t);
}

Test(emulate, shadow_gdt_has_dpl1_and_stops_below_the_monitor)
{
    struct vmtest t;
    run_priv(&t);
    /* SDM Vol. 3A 3.4.5: DPL is hi bits 14:13; limit 19:16 in hi, 15:0 in lo. */
    const uint32_t *code = (const uint32_t *)(t.mon->mem + MON_GDT + 8);
    const uint32_t *ucode = (const uint32_t *)(t.mon->mem + MON_GDT + 0x18);
    cr_assert_eq((code[1] >> 13) & 3, 1, "kernel code: DPL 0 must become 1");
    cr_assert_eq((ucode[1] >> 13) & 3, 3, "user code: DPL 3 must stay 3");
    uint32_t pages = (code[0] & 0xffff) | (code[1] & 0xf0000);
    cr_assert_eq(pages, (MONITOR_LINEAR >> 12) - 1, "limit: expected 0x%x pages - 1, got 0x%x",
                 MONITOR_LINEAR >> 12, pages);
    cr_assert_eq(t.m->cpu.seg[SEG_CS].limit, MONITOR_LINEAR - 1, "CS limit: expected 0x%x, got 0x%x",
                 MONITOR_LINEAR - 1, t.m->cpu.seg[SEG_CS].limit);
    cr_assert_eq(t.m->cpu.cpl, 1, "the guest kernel runs at CPL 1, got %d", t.m->cpu.cpl);
    vmtest_free(&t);
}

Test(emulate, lidt_loads_only_the_virtual_idtr)
{
    struct vmtest t;
    run_priv(&t);
    cr_assert_eq(t.mon->v.idtr.base, 0x200000u, "virtual IDTR.base: expected kernel.inc's IDT");
    cr_assert_eq(t.mon->v.idtr.limit, 256 * 8 - 1, "virtual IDTR.limit");
    cr_assert_eq(t.m->cpu.idtr.base, MONITOR_LINEAR, "the real IDTR stays the monitor's");
    expect_exits(&t, INSN_LIDT, 1, "LIDT");
    vmtest_free(&t);
}

Test(emulate, ltr_loads_the_virtual_tr_and_marks_the_guest_tss_busy)
{
    struct vmtest t;
    run_priv(&t);
    uint32_t gdt = vmtest_word(&t, K_RESULTS + 24);
    cr_assert_eq(t.mon->v.tr.sel, SEL_TSS, "virtual TR: expected 0x28, got 0x%x", t.mon->v.tr.sel);
    cr_assert_eq(t.mon->v.tr.base, 0x220000u, "virtual TR.base: the TSS at 0x220000");
    cr_assert_eq(t.mon->v.tr.limit, 0x67u, "virtual TR.limit: 0x67");
    /* SDM Vol. 3A 7.2.2: type 1011b = busy 32-bit TSS. */
    cr_assert_eq((vmtest_word(&t, gdt + SEL_TSS + 4) >> 8) & 0xf, 0xbu, "guest's TSS descriptor: busy");
    expect_exits(&t, INSN_LTR, 1, "LTR");
    vmtest_free(&t);
}

Test(emulate, mov_ss_with_rpl0_loads_the_ring1_selector)
{
    struct vmtest t;
    run_priv(&t);
    cr_assert_eq(t.m->cpu.seg[SEG_SS].sel, SEL_KDATA | 1, "SS: expected 0x11, got 0x%x",
                 t.m->cpu.seg[SEG_SS].sel);
    cr_assert_eq(vmtest_word(&t, K_RESULTS + 28), K_KSTACK, "ESP after the stack switch");
    expect_exits(&t, INSN_MOV_SS, 1, "MOV SS");
    vmtest_free(&t);
}

Test(emulate, sti_and_cli_set_the_virtual_if_and_hold_intr)
{
    struct vmtest t;
    vmtest_boot(&t, "priv", VM_TRAP, BUDGET);
    cr_assert_not(t.mon->v.iflag, "before: Multiboot leaves IF = 0");
    cr_assert_eq(vmtest_run(&t), MACHINE_EXITED);
    cr_assert_not(t.mon->v.iflag, "after STI; CLI: virtual IF = 0");
    cr_assert_neq(t.m->cpu.eflags & FLAG_IF, 0, "the real IF stays 1 (the monitor's)");
    cr_assert(t.m->intr_held, "virtual IF = 0: the monitor holds the INTR pin low");
    cr_assert_eq((t.m->cpu.eflags & FLAG_IOPL), 0, "the real IOPL stays 0 so I/O keeps trapping");
    expect_exits(&t, INSN_STI, 1, "STI");
    expect_exits(&t, INSN_CLI, 1, "CLI");
    vmtest_free(&t);
}

Test(emulate, mov_to_and_from_cr3_reach_only_the_virtual_cr3)
{
    struct vmtest t;
    run_priv(&t);
    cr_assert_eq(vmtest_word(&t, K_RESULTS + 0), CR3_WRITTEN, "guest read back 0x%x",
                 vmtest_word(&t, K_RESULTS + 0));
    cr_assert_eq(t.mon->v.cr3, CR3_WRITTEN, "virtual CR3");
    cr_assert_eq(t.m->cpu.cr3, t.mon->mem_phys + MON_PD, "the real CR3 stays the monitor's");
    expect_exits(&t, INSN_MOV_TO_CR, 3, "MOV to CR (CR3, CR0, CR4)");
    expect_exits(&t, INSN_MOV_FROM_CR, 6, "MOV from CR");
    vmtest_free(&t);
}

Test(emulate, cr0_ts_clts_and_lmsw)
{
    struct vmtest t;
    run_priv(&t);
    uint32_t set = vmtest_word(&t, K_RESULTS + 4), cleared = vmtest_word(&t, K_RESULTS + 8);
    uint32_t lmsw = vmtest_word(&t, K_RESULTS + 12);
    cr_assert(set & CR0_TS, "MOV to CR0 set TS: got 0x%x", set);
    cr_assert_eq(cleared, set & ~CR0_TS, "CLTS clears TS only: expected 0x%x, got 0x%x",
                 set & ~CR0_TS, cleared);
    /* SDM Vol. 2A LMSW: bits 3:0 from the operand (3 = PE | MP). */
    cr_assert_eq(lmsw, (cleared & ~0xfu) | 0x3u, "LMSW: expected 0x%x, got 0x%x",
                 (cleared & ~0xfu) | 0x3u, lmsw);
    cr_assert_eq(t.mon->v.cr0, lmsw, "virtual CR0");
    cr_assert_eq(lmsw & CR0_PG, 0, "the guest sees paging off");
    cr_assert(t.m->cpu.cr0 & CR0_PG, "the real CPU pages with the monitor's tables");
    expect_exits(&t, INSN_CLTS, 1, "CLTS");
    expect_exits(&t, INSN_LMSW, 1, "LMSW");
    vmtest_free(&t);
}

Test(emulate, mov_cr4_invlpg_and_wbinvd)
{
    struct vmtest t;
    run_priv(&t);
    cr_assert_eq(vmtest_word(&t, K_RESULTS + 16), CR4_PSE, "CR4 read back");
    cr_assert_eq(t.mon->v.cr4, CR4_PSE, "virtual CR4");
    cr_assert_eq(t.m->cpu.cr4 & CR4_PSE, 0, "the real CR4 is the monitor's");
    expect_exits(&t, INSN_INVLPG, 1, "INVLPG");
    expect_exits(&t, INSN_WBINVD, 1, "WBINVD");
    vmtest_free(&t);
}

Test(emulate, in_and_out_reach_the_same_device_models_as_bare)
{
    struct vmtest bare, trap;
    vmtest_boot(&bare, "priv", VM_BARE, BUDGET);
    cr_assert_eq(vmtest_run(&bare), MACHINE_EXITED);
    run_priv(&trap);
    uint32_t lsr_bare = vmtest_word(&bare, K_RESULTS + 20) & 0xff;
    uint32_t lsr_trap = vmtest_word(&trap, K_RESULTS + 20) & 0xff;
    cr_assert_eq(lsr_trap, lsr_bare, "COM1 LSR: bare 0x%x, trap 0x%x", lsr_bare, lsr_trap);
    expect_exits(&trap, INSN_IN, 1, "IN");
    expect_exits(&trap, INSN_OUT, 1, "OUT (the debug exit)");
    vmtest_free(&bare);
    vmtest_free(&trap);
}

/* SDM Vol. 2B OUT: the operand size says how many bytes of EAX go out. */
Test(emulate, out_al_sends_only_al)
{
    struct vmtest bare, trap;
    vmtest_boot(&bare, "outal", VM_BARE, BUDGET);
    vmtest_boot(&trap, "outal", VM_TRAP, BUDGET);
    cr_assert_eq(vmtest_run(&bare), MACHINE_EXITED);
    cr_assert_eq(vmtest_run(&trap), MACHINE_EXITED);
    cr_assert_eq(bare.m->exit_status, (5 << 1) | 1, "bare: status 0x%x", bare.m->exit_status);
    cr_assert_eq(trap.m->exit_status, (5 << 1) | 1, "trap: status 0x%x (EAX's upper bytes leaked)",
                 trap.m->exit_status);
    vmtest_free(&bare);
    vmtest_free(&trap);
}

Test(emulate, emulated_instructions_retire_like_on_bare_hardware)
{
    struct vmtest bare, trap;
    vmtest_boot(&bare, "priv", VM_BARE, BUDGET);
    cr_assert_eq(vmtest_run(&bare), MACHINE_EXITED);
    run_priv(&trap);
    cr_assert_eq(trap.m->cpu.icount, bare.m->cpu.icount, "instructions: bare %lu, trap %lu",
                 (unsigned long)bare.m->cpu.icount, (unsigned long)trap.m->cpu.icount);
    vmtest_free(&bare);
    vmtest_free(&trap);
}

Test(emulate, enabling_paging_stops_the_vm_naming_chapter_3)
{
    struct vmtest t;
    vmtest_boot(&t, "paging", VM_TRAP, BUDGET);
    cr_assert_eq(vmtest_run(&t), MACHINE_UNSUPPORTED, "expected MACHINE_UNSUPPORTED: %s", t.m->report);
    cr_assert_str_eq(t.m->report, "guest enabled paging: shadow page tables are chapter 3 (shadow-mmu/)");
    vmtest_free(&t);
}

/* --- kernels/priv2.s -------------------------------------------------------------- */

static void run_priv2(struct vmtest *t, enum vm_mode mode)
{
    vmtest_boot(t, "priv2", mode, BUDGET);
    cr_assert_eq(vmtest_run(t), MACHINE_EXITED, "priv2.s did not exit: %s", t->m->report);
}

Test(emulate, lldt_shadows_the_guest_ldt)
{
    struct vmtest t;
    run_priv2(&t, VM_TRAP);
    cr_assert_eq(t.mon->v.ldtr.sel, 0x28, "virtual LDTR: expected 0x28, got 0x%x", t.mon->v.ldtr.sel);
    cr_assert_eq(t.m->cpu.seg[SEG_LDTR].base, MONITOR_LINEAR + MON_LDT, "the real LDTR names the shadow LDT");
    cr_assert_eq(SEG_ATTR_DPL(t.m->cpu.seg[SEG_FS].attr), 1, "FS from the shadow LDT: DPL 0 became 1");
    cr_assert_eq(vmtest_word(&t, K_RESULTS + 0), 0x5a5a5a5au, "store through the LDT segment");
    cr_assert_eq(t.mon->insn_exits[INSN_LLDT], 1, "LLDT: one exit");
    vmtest_free(&t);
}

Test(emulate, wrmsr_and_rdmsr_reach_the_guests_msrs)
{
    struct vmtest t;
    run_priv2(&t, VM_TRAP);
    cr_assert_eq(vmtest_word(&t, K_RESULTS + 4), 0x08, "SYSENTER_CS read back: expected 8");
    cr_assert_eq(t.m->cpu.sysenter_cs, 0x08, "the CPU's IA32_SYSENTER_CS");
    cr_assert_eq(t.m->cpu.cpl, 1, "CPL is 1 again after the native step");
    cr_assert_eq(t.mon->insn_exits[INSN_WRMSR], 1, "WRMSR: one exit");
    cr_assert_eq(t.mon->insn_exits[INSN_RDMSR], 1, "RDMSR: one exit");
    vmtest_free(&t);
}

Test(emulate, rep_ins_and_outs_read_and_write_the_device_models)
{
    struct vmtest bare, trap;
    run_priv2(&bare, VM_BARE);
    run_priv2(&trap, VM_TRAP);
    uint32_t b = vmtest_word(&bare, K_RESULTS + 8), t = vmtest_word(&trap, K_RESULTS + 8);
    cr_assert_eq(t, b, "REP INSB of COM1's LSR: bare 0x%08x, trap 0x%08x", b, t);
    cr_assert_eq(trap.m->io_count[0x3f8], bare.m->io_count[0x3f8], "REP OUTSB: same writes to COM1");
    cr_assert_eq(trap.mon->insn_exits[INSN_INS_OUTS], 2, "one exit per REP string instruction");
    vmtest_free(&bare);
    vmtest_free(&trap);
}

Test(emulate, far_ret_and_pop_ss_into_ring0)
{
    struct vmtest t;
    run_priv2(&t, VM_TRAP);
    cr_assert_eq(vmtest_word(&t, K_RESULTS + 12), 1, "LRET to 0x08 did not arrive");
    cr_assert_eq(vmtest_word(&t, K_RESULTS + 16), 1, "POP SS did not complete");
    cr_assert_eq(t.m->cpu.seg[SEG_SS].sel, 0x11, "SS: expected 0x11, got 0x%x", t.m->cpu.seg[SEG_SS].sel);
    cr_assert_eq(t.mon->insn_exits[INSN_RETF], 1, "far RET: one exit");
    cr_assert_eq(t.mon->insn_exits[INSN_MOV_SS], 2, "MOV SS in SETUP and POP SS");
    vmtest_free(&t);
}

/* --- kernels/cpuid.s: CPUID, made to trap by CPUID faulting ------------------------ */

#define CPUID_VENDOR_EBX 0x70617254u    /* "Trap": the interpreter's leaf 0 (system.c) */

Test(emulate, cpuid_traps_is_emulated_and_tells_what_bare_hardware_does)
{
    struct vmtest bare, trap;
    vmtest_run_both(&bare, &trap, "cpuid", BUDGET, MACHINE_EXITED);
    cr_assert_eq(vmtest_word(&bare, K_RESULTS + 4), CPUID_VENDOR_EBX, "bare leaf 0: the interpreter's vendor");
    vmtest_same_results(&bare, &trap, 16);      /* leaves 0 and 1, ring 3, the MSRs, the #GP */
    /* Two CPUIDs in the guest's ring 0 (real CPL 1) and one in its ring 3:
     * without CPUID faulting none of them would trap. */
    expect_exits(&trap, INSN_CPUID, 3, "CPUID");
    cr_assert(trap.m->cpu.misc_features & MISC_FEATURES_CPUID_FAULTING,
              "the monitor keeps CPUID faulting on in the real MSR 140h");
    cr_assert_eq(trap.m->cpu.cpl, 1, "the kernel's #GP handler runs at CPL 1 again");
    vmtest_free(&bare);
    vmtest_free(&trap);
}

Test(emulate, the_guest_sees_its_own_cpuid_faulting_msr)
{
    struct vmtest bare, trap;
    vmtest_run_both(&bare, &trap, "cpuid", BUDGET, MACHINE_EXITED);
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 36), PLATFORM_INFO_CPUID_FAULTING,
                 "MSR CEh: the guest learns it may use CPUID faulting");
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 40), 0, "MSR 140h: 0, as the guest left it "
                 "(the real one, the monitor's, has bit 0 set)");
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 60), MISC_FEATURES_CPUID_FAULTING, "read back after WRMSR");
    cr_assert_eq(trap.mon->v.misc_features, MISC_FEATURES_CPUID_FAULTING, "the guest's virtual MSR 140h");
    /* With its own faulting on, the guest's ring-3 CPUID is its #GP(0). */
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 44), 1, "one #GP in the guest");
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 48), 0, "#GP(0)");
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 52), vmtest_word(&trap, K_RESULTS + 56),
                 "the #GP points at the ring-3 CPUID");
    vmtest_free(&bare);
    vmtest_free(&trap);
}

/* --- kernels/iopl.s: ring 3 with IOPL 3, then through the TSS I/O bitmap ------------ */

Test(emulate, ring3_io_cli_sti_follow_the_guests_iopl_and_io_bitmap)
{
    struct vmtest bare, trap;
    vmtest_run_both(&bare, &trap, "iopl", BUDGET, MACHINE_EXITED);
    vmtest_same_results(&bare, &trap, 7);
    uint32_t after_cli = vmtest_word(&trap, K_RESULTS + 4), after_sti = vmtest_word(&trap, K_RESULTS + 8);
    cr_assert_eq(after_cli & FLAG_IF, 0, "ring-3 CLI with IOPL 3 cleared IF: EFLAGS 0x%x", after_cli);
    cr_assert_eq((after_cli & FLAG_IOPL) >> FLAG_IOPL_SHIFT, 3, "the frame shows IOPL 3");
    cr_assert_neq(after_sti & FLAG_IF, 0, "ring-3 STI set IF again: EFLAGS 0x%x", after_sti);
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 20), 2, "IOPL 0: IN from a denied port and CLI are #GP");
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 24), 0, "both #GP(0)");
    cr_assert_eq(trap.m->io_count[0x3f8], bare.m->io_count[0x3f8], "REP OUTSB from ring 3: same bytes");
    cr_assert_eq(trap.mon->insn_exits[INSN_IN], 2, "two ring-3 INs emulated");
    cr_assert_eq(trap.mon->insn_exits[INSN_OTHER], 2, "the denied IN and CLI are left to the guest");
    cr_assert_eq(trap.mon->insn_exits[INSN_INS_OUTS], 2, "REP OUTSB and INSB from ring 3");
    cr_assert_eq(trap.m->cpu.eflags & FLAG_IOPL, 0, "the real IOPL is back to 0");
    vmtest_free(&bare);
    vmtest_free(&trap);
}

/* --- kernels/cslimit.s: a #GP whose instruction cannot be decoded ------------------- */

Test(emulate, an_undecodable_fault_is_not_counted_as_the_previous_instruction)
{
    struct vmtest bare, trap;
    vmtest_run_both(&bare, &trap, "cslimit", BUDGET, MACHINE_EXITED);
    vmtest_same_results(&bare, &trap, 3);
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 0), 0, "#GP(0) at the CS limit");
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 4), 3, "pushed EIP: 3, just past the limit (2)");
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 8), 0x28, "pushed CS: the tiny segment, RPL 0");
    /* The LGDTs of SETUP and of the kernel are the last emulated instructions
     * before the fault: it must not be counted as a third one. */
    expect_exits(&trap, INSN_LGDT, 2, "LGDT");
    cr_assert_eq(trap.mon->exits[MON_EXIT_EXCEPTION], 1, "the #GP is the guest's own fault");
    vmtest_free(&bare);
    vmtest_free(&trap);
}

/* --- kernels/pit.s: HLT until the timer --------------------------------------------- */

Test(emulate, hlt_skips_virtual_time_to_the_timer_like_bare)
{
    struct vmtest bare, trap;
    vmtest_run_both(&bare, &trap, "pit", BUDGET, MACHINE_EXITED);
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 8), 1, "the IRQ 0 handler never ran");
    cr_assert_gt(bare.m->cpu.idle, 0, "bare: the halted CPU skipped virtual time");
    cr_assert_eq(trap.m->cpu.idle, bare.m->cpu.idle, "idle time: bare %lu, trap %lu",
                 (unsigned long)bare.m->cpu.idle, (unsigned long)trap.m->cpu.idle);
    cr_assert_eq(trap.m->cpu.icount, bare.m->cpu.icount, "instructions: bare %lu, trap %lu",
                 (unsigned long)bare.m->cpu.icount, (unsigned long)trap.m->cpu.icount);
    vmtest_same_results(&bare, &trap, 3);      /* the guest's TSC before HLT and in the handler */
    uint32_t slept = vmtest_word(&trap, K_RESULTS + 4) - vmtest_word(&trap, K_RESULTS + 0);
    cr_assert_geq(slept, trap.m->cpu.idle, "the guest's TSC counts the skipped time (%u)", slept);
    cr_assert_eq(trap.mon->exits[MON_EXIT_HLT], 1, "one HLT exit");
    cr_assert_eq(trap.mon->exits[MON_EXIT_EXTINT], 1, "one timer interrupt, reflected");
    vmtest_free(&bare);
    vmtest_free(&trap);
}

/* --- kernels/userhlt.s: HLT in ring 3 is the guest's #GP, not a HLT exit ------------- */

Test(emulate, a_ring3_hlt_is_counted_as_the_exception_it_is)
{
    struct vmtest bare, trap;
    vmtest_run_both(&bare, &trap, "userhlt", BUDGET, MACHINE_EXITED);
    vmtest_same_results(&bare, &trap, 4);
    cr_assert_eq(trap.m->exit_status, DEBUG_EXIT_0x10, "userhlt.s: status 0x%x", trap.m->exit_status);
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 0), 0, "SDM Vol. 2A HLT: #GP(0) outside CPL 0");
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 4), vmtest_word(&trap, K_RESULTS + 8),
                 "a fault: the pushed EIP is the HLT");
    cr_assert_eq(trap.mon->exits[MON_EXIT_HLT], 0, "the guest never halted: no hlt exit, got %lu",
                 (unsigned long)trap.mon->exits[MON_EXIT_HLT]);
    cr_assert_eq(trap.mon->exits[MON_EXIT_EXCEPTION], 1, "the #GP is the guest's one exception exit");
    expect_exits(&trap, INSN_HLT, 0, "HLT (none emulated)");
    cr_assert_eq(trap.mon->reflected, 1, "the #GP was reflected");
    cr_assert_not(trap.m->cpu.halted, "the CPU is not halted");
    vmtest_free(&bare);
    vmtest_free(&trap);
}

#ifdef TRAPEZE_HAVE_SHADOW
/* --- kernels/iomappf.s: a #PF reading the I/O bitmap (paging: chapter 3's MMU) ------- */

#define IOMAP_COM1_LSR_BYTE (0x220000u + 0x1000u + 0x3fdu / 8)   /* iomappf.s: TSS + map + port/8 */

/* Run iomappf.s in `mode` (trap: with shadow page tables) to its end. */
static void run_iomappf(struct vmtest *t, enum vm_mode mode)
{
    vm_use_mmu(mode == VM_TRAP ? &spt_mmu_ops : NULL);
    vmtest_boot(t, "iomappf", mode, BUDGET);
    vm_use_mmu(NULL);
    cr_assert_eq(vmtest_run(t), MACHINE_EXITED, "iomappf.s %s: %s", mode == VM_TRAP ? "trap" : "bare",
                 t->m->report);
}

Test(emulate, a_page_fault_reading_the_io_bitmap_is_the_guests_pf)
{
    /* SDM Vol. 3A 4.6, 4.7: the bitmap read is a supervisor access, so the
     * not-present page gives #PF with error code 0 and CR2 the byte read. */
    struct vmtest bare, trap;
    run_iomappf(&bare, VM_BARE);
    run_iomappf(&trap, VM_TRAP);
    vmtest_same_results(&bare, &trap, 9);
    cr_assert_eq(trap.m->exit_status, DEBUG_EXIT_0x10, "iomappf.s: status 0x%x (0x23: a #GP)",
                 trap.m->exit_status);
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 0), 1, "one #PF");
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 4), 0, "#PF error: not present, read, supervisor");
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 8), IOMAP_COM1_LSR_BYTE, "CR2: 0x%x, got 0x%x",
                 IOMAP_COM1_LSR_BYTE, vmtest_word(&trap, K_RESULTS + 8));
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 12), vmtest_word(&trap, K_RESULTS + 20),
                 "a fault of the IN: the pushed EIP is the IN");
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 16), 0x1b, "pushed CS: the user's");
    cr_assert_eq(vmtest_word(&trap, K_RESULTS + 28), 0, "no #GP");
    expect_exits(&trap, INSN_IN, 2, "IN (the faulting one, then the allowed one)");
    vmtest_free(&bare);
    vmtest_free(&trap);
}
#endif
