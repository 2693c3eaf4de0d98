/* test_privileged.c - privileged instructions fault outside ring 0; system instructions do what the SDM says. */

#include <criterion/criterion.h>
#include <string.h>

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

TestSuite(privileged, .init = setup, .fini = teardown);

/* Run `len` code bytes at ring `cpl` and return the vector that stopped
 * it (-1 if the code ran into its trailing HLT at ring 0, or an INT 81h). */
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

struct insn_case {
    const char *name;
    uint8_t bytes[8];
    size_t len;
};

/* SDM Vol. 3A 5.9: privileged instructions raise #GP(0) at CPL > 0. */
static const struct insn_case privileged[] = {
    { "hlt", { 0xf4 }, 1 },
    { "mov %eax,%cr3", { 0x0f, 0x22, 0xd8 }, 3 },
    { "mov %cr0,%eax", { 0x0f, 0x20, 0xc0 }, 3 },
    { "lgdt 0x500", { 0x0f, 0x01, 0x15, 0x00, 0x05, 0x00, 0x00 }, 7 },
    { "lidt 0x500", { 0x0f, 0x01, 0x1d, 0x00, 0x05, 0x00, 0x00 }, 7 },
    { "ltr %ax", { 0x0f, 0x00, 0xd8 }, 3 },
    { "lldt %ax", { 0x0f, 0x00, 0xd0 }, 3 },
    { "clts", { 0x0f, 0x06 }, 2 },
    { "invd", { 0x0f, 0x08 }, 2 },
    { "wrmsr", { 0x0f, 0x30 }, 2 },
    { "rdmsr", { 0x0f, 0x32 }, 2 },
    { "mov %eax,%dr7", { 0x0f, 0x23, 0xf8 }, 3 },
    { "invlpg 0x500", { 0x0f, 0x01, 0x3d, 0x00, 0x05, 0x00, 0x00 }, 7 },
    { "lmsw %ax", { 0x0f, 0x01, 0xf0 }, 3 },
    { "cli (IOPL 0)", { 0xfa }, 1 },
    { "sti (IOPL 0)", { 0xfb }, 1 },
};

Test(privileged, privileged_instructions_gp_at_cpl3_and_cpl1)
{
    for (size_t k = 0; k < sizeof privileged / sizeof privileged[0]; k++) {
        for (int cpl = 1; cpl <= 3; cpl += 2) {
            const struct insn_case *t = &privileged[k];
            int v = run_at(cpl, t->bytes, t->len);
            cr_assert_eq(v, EXC_GP, "%s at CPL %d: expected #GP, got vector %d", t->name, cpl, v);
            cr_assert_eq(sm_frame(&m, 0), 0u, "%s: error code 0 expected", t->name);
            cr_assert_eq(sm_frame(&m, 1), SM_CODE, "%s: #GP reports the instruction", t->name);
        }
    }
}

/* SMSW, SGDT, SIDT, SLDT, STR are not privileged (the trap-and-emulate
 * hole, chapter 4): at CPL 3 they just work. */
Test(privileged, smsw_sgdt_str_allowed_at_cpl3)
{
    static const uint8_t code[] = {
        0x0f, 0x01, 0xe0,                          /* smsw %eax */
        0x0f, 0x01, 0x05, 0x00, 0x05, 0x00, 0x00,  /* sgdt 0x500 */
        0x0f, 0x00, 0xcb,                          /* str  %ebx */
    };
    m.c.cr0 |= CR0_TS | CR0_MP;
    cr_assert_eq(run_at(3, code, sizeof code), -1, "no fault expected");
    cr_assert_eq(m.c.reg[EAX] & 0xffff, m.c.cr0 & 0xffff, "SMSW: low 16 bits of CR0");
    cr_assert_eq(m.ram[0x500] | m.ram[0x501] << 8, SM_GDT_ENTRIES * 8 - 1, "SGDT limit");
    cr_assert_eq(sm_rd32(&m, 0x502), SM_GDT, "SGDT base");
    cr_assert_eq(m.c.reg[EBX], (uint32_t)SEL_TSS, "STR");
}

/* Ring 0 runs them: MOV CR0/CR3 round trip, LGDT, CLTS, MOV DR. */
Test(privileged, ring0_system_instructions)
{
    static const uint8_t code[] = {
        0x0f, 0x01, 0x15, 0x00, 0x05, 0x00, 0x00,  /* lgdt 0x500 */
        0x0f, 0x06,                                /* clts */
        0xb8, 0x00, 0x20, 0x10, 0x00,              /* mov  $0x102000, %eax */
        0x0f, 0x22, 0xd8,                          /* mov  %eax, %cr3 */
        0x0f, 0x20, 0xd9,                          /* mov  %cr3, %ecx */
        0x0f, 0x23, 0xf8,                          /* mov  %eax, %dr7 */
        0x0f, 0x21, 0xfa,                          /* mov  %dr7, %edx */
    };
    /* LGDT reloads our GDT from memory (the trailing INT needs it) after
     * we clobber GDTR: limit, then base. */
    m.ram[0x500] = (SM_GDT_ENTRIES * 8 - 1) & 0xff;
    m.ram[0x501] = (SM_GDT_ENTRIES * 8 - 1) >> 8;
    sm_wr32(&m, 0x502, SM_GDT);
    m.c.gdtr = (struct dtr){ 0, 0 };
    m.c.cr0 |= CR0_TS;
    cr_assert_eq(run_at(0, code, sizeof code), -1);
    cr_assert_eq(m.c.gdtr.limit, SM_GDT_ENTRIES * 8 - 1);
    cr_assert_eq(m.c.gdtr.base, SM_GDT);
    cr_assert(!(m.c.cr0 & CR0_TS), "CLTS clears CR0.TS");
    cr_assert_eq(m.c.reg[ECX], 0x102000u);
    cr_assert_eq(m.c.reg[EDX], 0x102000u, "DR7 stored and read back");
}

/* SDM Vol. 2A MOV CR: PG without PE and reserved CR4 bits are #GP(0). */
Test(privileged, mov_cr_rejects_invalid_values)
{
    static const uint8_t to_cr0[] = { 0x0f, 0x22, 0xc0 };   /* mov %eax, %cr0 */
    static const uint8_t to_cr4[] = { 0x0f, 0x22, 0xe0 };   /* mov %eax, %cr4 */
    m.c.reg[EAX] = CR0_PG | CR0_ET;                         /* PG=1, PE=0 */
    sm_put(&m, SM_CODE, to_cr0, 3);
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert_eq(sm_vector(&m), EXC_GP, "PG without PE: expected #GP, got %d", sm_vector(&m));
    sm_enter(&m, 0, SM_CODE);
    m.c.halted = false;
    m.c.reg[EAX] = 1u << 20;                                /* CR4 bit 20 (SMEP): not supported */
    sm_put(&m, SM_CODE, to_cr4, 3);
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert_eq(sm_vector(&m), EXC_GP, "reserved CR4 bit: expected #GP, got %d", sm_vector(&m));
}

/* CPUID: our documented identity (system.c). */
Test(privileged, cpuid_identity)
{
    static const uint8_t code[] = { 0x0f, 0xa2 };
    char vendor[13] = { 0 };
    m.c.reg[EAX] = 0;
    cr_assert_eq(run_at(3, code, sizeof code), -1, "CPUID is not privileged");
    memcpy(vendor, &m.c.reg[EBX], 4);
    memcpy(vendor + 4, &m.c.reg[EDX], 4);
    memcpy(vendor + 8, &m.c.reg[ECX], 4);
    cr_assert_str_eq(vendor, "TrapezeTeach");
    cr_assert_eq(m.c.reg[EAX], 1u, "max basic leaf");
    m.c.reg[EAX] = 1;
    run_at(0, code, sizeof code);
    cr_assert_eq((m.c.reg[EAX] >> 8) & 0xf, 6u, "family 6");
    uint32_t edx = m.c.reg[EDX];
    /* SDM Vol. 2A table 3-11: FPU=0, PSE=3, TSC=4, MSR=5, CX8=8, APIC=9, SEP=11, PGE=13 */
    cr_assert_eq(edx & 1u, 0u, "no FPU");
    cr_assert_eq(edx & (1u << 11), 0u, "no SYSENTER");
    uint32_t need = (1u << 3) | (1u << 4) | (1u << 5) | (1u << 8) | (1u << 9) | (1u << 13);
    cr_assert_eq(edx & need, need, "PSE TSC MSR CX8 APIC PGE expected, EDX=%#x", edx);
    m.c.reg[EAX] = 7;
    run_at(0, code, sizeof code);
    cr_assert_eq(m.c.reg[EAX] | m.c.reg[EBX] | m.c.reg[ECX] | m.c.reg[EDX], 0u, "other leaves read zero");
}

/* RDMSR/WRMSR: the SYSENTER MSRs and APIC base round-trip; unknown MSRs #GP. */
Test(privileged, msrs)
{
    static const uint8_t wr[] = { 0x0f, 0x30 };
    static const uint8_t rd[] = { 0x0f, 0x32 };
    m.c.reg[ECX] = 0x175;
    m.c.reg[EAX] = 0xdead0000;
    m.c.reg[EDX] = 0;
    cr_assert_eq(run_at(0, wr, 2), -1);
    cr_assert_eq(m.c.sysenter_esp, 0xdead0000u);
    m.c.reg[EAX] = 0;
    cr_assert_eq(run_at(0, rd, 2), -1);
    cr_assert_eq(m.c.reg[EAX], 0xdead0000u);
    m.c.reg[ECX] = 0xc0000080;   /* EFER: not on this CPU */
    cr_assert_eq(run_at(0, rd, 2), EXC_GP);
    cr_assert_eq(sm_frame(&m, 0), 0u);
}

/* RDTSC is virtual time; CR4.TSD makes it privileged (SDM Vol. 2B RDTSC). */
Test(privileged, rdtsc_and_tsd)
{
    static const uint8_t code[] = { 0x0f, 0x31 };
    cr_assert_eq(run_at(3, code, 2), -1, "RDTSC at CPL 3 with TSD=0 is allowed");
    cr_assert_eq(m.c.reg[EAX], 0u, "no instruction retired before it: TSC 0, got %u", m.c.reg[EAX]);
    m.c.cr4 |= CR4_TSD;
    cr_assert_eq(run_at(3, code, 2), EXC_GP);
    cr_assert_eq(run_at(0, code, 2), -1);
}

/* LTR loads TR and marks the TSS descriptor busy (type 9 -> B). */
Test(privileged, ltr_marks_tss_busy)
{
    static const uint8_t code[] = { 0x0f, 0x00, 0xd8 };   /* ltr %ax */
    m.c.reg[EAX] = SEL_TSS_AVAIL;
    cr_assert_eq(run_at(0, code, 3), -1);
    cr_assert_eq(m.c.seg[SEG_TR].sel, SEL_TSS_AVAIL);
    cr_assert_eq(m.c.seg[SEG_TR].base, SM_TSS);
    cr_assert_eq((sm_get_gdt(&m, SEL_TSS_AVAIL >> 3) >> 40) & 0xf, 0xbu, "busy 32-bit TSS type");
    cr_assert_eq(run_at(0, code, 3), EXC_GP, "LTR of a busy TSS is #GP(sel)");
    cr_assert_eq(sm_frame(&m, 0), (uint32_t)SEL_TSS_AVAIL);
}

/* LAR/LSL/VERR/VERW set ZF and never fault on a bad selector (SDM Vol. 2A). */
Test(privileged, lar_lsl_verr_verw)
{
    static const uint8_t code[] = {
        0x0f, 0x02, 0xd8,    /* lar  %eax, %ebx */
        0x9c,                /* pushf */
        0x0f, 0x03, 0xc8,    /* lsl  %eax, %ecx */
        0x0f, 0x00, 0xe0,    /* verr %ax */
        0x9c,                /* pushf */
        0x0f, 0x00, 0xe8,    /* verw %ax */
        0x9c,                /* pushf */
    };
    m.c.reg[EAX] = SEL_DATA0_SMALL;
    cr_assert_eq(run_at(0, code, sizeof code), -1);
    uint32_t *st = (uint32_t *)(void *)(m.ram + SM_STACK0 - 12);
    cr_assert_eq(m.c.reg[EBX], 0x00409200u, "LAR: high dword & 00F0FF00h, got %#x", m.c.reg[EBX]);
    cr_assert_eq(m.c.reg[ECX], 0xfffu, "LSL: byte limit");
    cr_assert(st[2] & FLAG_ZF, "LAR ZF=1");
    cr_assert(st[1] & FLAG_ZF, "VERR ZF=1 for data");
    cr_assert(st[0] & FLAG_ZF, "VERW ZF=1 for writable data");

    m.c.reg[EAX] = 0x1f8;   /* beyond the GDT limit */
    m.c.reg[EBX] = 0x5555;
    cr_assert_eq(run_at(3, code, sizeof code), -1, "no fault on a bad selector");
    st = (uint32_t *)(void *)(m.ram + SM_STACK3 - 12);
    cr_assert_eq(m.c.reg[EBX], 0x5555u, "LAR leaves the destination alone on failure");
    cr_assert(!(st[2] & FLAG_ZF) && !(st[1] & FLAG_ZF) && !(st[0] & FLAG_ZF), "ZF=0 for all");

    m.c.reg[EAX] = SEL_CODE0_XO;   /* execute-only code, DPL 0, seen from ring 0 */
    run_at(0, code, sizeof code);
    st = (uint32_t *)(void *)(m.ram + SM_STACK0 - 12);
    cr_assert(st[2] & FLAG_ZF, "LAR of code is fine");
    cr_assert(!(st[1] & FLAG_ZF), "VERR: execute-only is not readable");
    cr_assert(!(st[0] & FLAG_ZF), "VERW: code is never writable");
}

/* ARPL raises the destination's RPL to the source's and sets ZF. */
Test(privileged, arpl)
{
    static const uint8_t code[] = { 0x63, 0xd8 };   /* arpl %bx, %ax */
    m.c.reg[EAX] = 0xabcd0010;
    m.c.reg[EBX] = 0x00000003;
    cr_assert_eq(run_at(3, code, 2), -1);
    cr_assert_eq(m.c.reg[EAX], 0xabcd0013u, "got %#x", m.c.reg[EAX]);
    cr_assert(cpu_get_eflags(&m.c) & FLAG_ZF);
}
