/* system.c - system instructions: descriptor tables, control registers, MSRs, I/O permission, flags. */

/*
 * The instructions an operating system uses to run the machine are
 * privileged: outside ring 0 they raise #GP(0) (SDM Vol. 3A 5.9), so that
 * a user program cannot reload the GDT or turn paging off.  A few are
 * guarded by the I/O privilege level instead (CLI, STI, IN, OUT: CPL <=
 * EFLAGS.IOPL), and I/O has a second chance, the TSS I/O permission bitmap.
 *
 * Some instructions that read or change privileged state are NOT
 * privileged, and that is the hole trap-and-emulate falls into (chapter 4):
 * SMSW, SGDT, SIDT, SLDT and STR read system state at any CPL, and POPF
 * at CPL > IOPL leaves IF unchanged without any fault.  They are implemented
 * here exactly as the SDM describes, silence included.
 */

#include "mem.h"
#include "seg.h"

/* The checks below apply in protected mode; real-address mode is CPL 0. */
static void require_cpl0(struct cpu *c)
{
    if (cpu_protected(c) ? c->cpl != 0 : (c->eflags & FLAG_VM) != 0)
        cpu_raise_gp(c, 0);
}

/* SDM Vol. 2A SLDT/STR/LLDT/LTR/VERR/VERW/LAR/LSL/ARPL: not recognized in
 * real-address or virtual-8086 mode (#UD). */
static void require_protected(struct cpu *c)
{
    if (!cpu_protected(c))
        cpu_raise_ud(c);
}

/* EFLAGS.IOPL. */
static unsigned iopl(const struct cpu *c)
{
    return (c->eflags & FLAG_IOPL) >> FLAG_IOPL_SHIFT;
}

/* Set or clear ZF, leaving the other flags alone. */
static void set_zf(struct cpu *c, bool z)
{
    uint32_t f = cpu_get_eflags(c);
    cpu_set_eflags(c, z ? f | FLAG_ZF : f & ~FLAG_ZF);
}

/* The 16-bit r/m operand of a group 6/7 instruction. */
static uint16_t rm16_read(struct cpu *c, const struct insn *i)
{
    if (insn_is_reg(i))
        return (uint16_t)c->reg[i->rm];
    return mem_read16(c, i->ea_seg, i->ea);
}

/* Write a general register at operand size 4 or 2 (the upper half kept). */
static void reg_store(struct cpu *c, unsigned r, uint32_t v, unsigned opsize)
{
    c->reg[r] = opsize == 4 ? v : (c->reg[r] & 0xffff0000u) | (v & 0xffffu);
}

/* Store to a 16-bit r/m operand; a register destination is written at
 * `regsize` (SLDT, STR, SMSW zero-extend into r32 at operand size 32). */
static void rm16_store(struct cpu *c, const struct insn *i, uint32_t v, unsigned regsize)
{
    if (insn_is_reg(i))
        reg_store(c, i->rm, v, regsize);
    else
        mem_write16(c, i->ea_seg, i->ea, (uint16_t)v);
}

/* --- descriptor tables: SGDT SIDT LGDT LIDT, SDM Vol. 2A/2B ------------------ */

/* Memory-only operands: the register form is #UD. */
static void require_memory(struct cpu *c, const struct insn *i)
{
    if (insn_is_reg(i))
        cpu_raise_ud(c);
}

/* SGDT/SIDT: store limit (16 bits) then base (32; the top byte is 0 at
 * operand size 16). */
static void store_dtr(struct cpu *c, const struct insn *i, const struct dtr *t)
{
    require_memory(c, i);
    uint32_t base = i->opsize == 2 ? t->base & 0x00ffffffu : t->base;
    mem_write16(c, i->ea_seg, i->ea, t->limit);
    mem_write32(c, i->ea_seg, i->ea + 2, base);
}

/* LGDT/LIDT: privileged; the same layout as SGDT. */
static void load_dtr(struct cpu *c, const struct insn *i, struct dtr *t)
{
    require_memory(c, i);
    require_cpl0(c);
    uint16_t limit = mem_read16(c, i->ea_seg, i->ea);
    uint32_t base = mem_read32(c, i->ea_seg, i->ea + 2);
    t->limit = limit;
    t->base = i->opsize == 2 ? base & 0x00ffffffu : base;
}

/* --- LDTR and TR: SLDT STR LLDT LTR ----------------------------------------- */

/* SDM Vol. 3A 3.5, table 3-2: system descriptor types. */
#define SYS_TSS16_AVAIL 0x1u
#define SYS_LDT         0x2u
#define SYS_TSS16_BUSY  0x3u
#define SYS_CALLGATE16  0x4u
#define SYS_TASKGATE    0x5u
#define SYS_TSS32_AVAIL 0x9u
#define SYS_TSS32_BUSY  0xbu
#define SYS_CALLGATE32  0xcu
#define TSS_BUSY_BIT    0x2u

/* Read the GDT descriptor for LLDT/LTR: TI must be 0, the type must be
 * `type`, and it must be present (SDM Vol. 2A LLDT, LTR). */
static void read_system_desc(struct cpu *c, uint16_t sel, unsigned type, struct desc *d)
{
    if ((sel & SEL_TI) || !seg_read_desc(c, sel, d))
        cpu_raise_gp(c, SEL_ERR(sel));
    uint16_t a = desc_attr(d);
    if ((a & SEG_ATTR_S) || SEG_ATTR_TYPE(a) != type)
        cpu_raise_gp(c, SEL_ERR(sel));
    if (!(a & SEG_ATTR_P))
        cpu_raise(c, EXC_NP, true, SEL_ERR(sel));
}

/* LLDT: a null selector leaves the LDT unusable. */
static void lldt(struct cpu *c, uint16_t sel)
{
    struct desc d;
    require_cpl0(c);
    if (sel_is_null(sel)) {
        c->seg[SEG_LDTR] = (struct seg){ .sel = sel };
        return;
    }
    read_system_desc(c, sel, SYS_LDT, &d);
    seg_from_desc(&c->seg[SEG_LDTR], sel, &d);
}

/* LTR: loads an available 32-bit TSS and marks it busy in the GDT.  16-bit
 * TSSs are not supported (#GP(sel)). */
static void ltr(struct cpu *c, uint16_t sel)
{
    struct desc d;
    require_cpl0(c);
    if (sel_is_null(sel))
        cpu_raise_gp(c, 0);
    read_system_desc(c, sel, SYS_TSS32_AVAIL, &d);
    d.hi |= TSS_BUSY_BIT << 8;
    lin_write(c, c->gdtr.base + SEL_INDEX(sel) + 4, d.hi, 4, ACC_SUPER);
    seg_from_desc(&c->seg[SEG_TR], sel, &d);
}

/* The DPL/RPL test LAR, LSL, VERR and VERW share: a conforming code
 * segment passes; anything else needs DPL >= CPL and DPL >= RPL. */
static bool desc_visible(const struct cpu *c, uint16_t sel, uint16_t a)
{
    unsigned dpl = SEG_ATTR_DPL(a);
    if (attr_is_conforming(a))
        return true;
    return dpl >= (unsigned)c->cpl && dpl >= SEL_RPL(sel);
}

/* Read the descriptor for LAR/LSL/VERR/VERW: false for a null selector or
 * one beyond the table, which these instructions report with ZF=0. */
static bool probe_desc(struct cpu *c, uint16_t sel, struct desc *d)
{
    return !sel_is_null(sel) && seg_read_desc(c, sel, d) && desc_visible(c, sel, desc_attr(d));
}

/* VERR: readable (data, or code with R); VERW: writable data. */
static void verify(struct cpu *c, uint16_t sel, bool write)
{
    struct desc d;
    bool ok = probe_desc(c, sel, &d);
    uint16_t a = desc_attr(&d);
    set_zf(c, ok && (write ? attr_is_writable_data(a) : attr_is_readable(a)));
}

/* 0F 00 /reg: the LDTR/TR and verify instructions (protected mode only). */
void sys_group6(struct cpu *c, const struct insn *i)
{
    require_protected(c);
    switch (i->reg) {
    case 0: rm16_store(c, i, c->seg[SEG_LDTR].sel, i->opsize); break;   /* SLDT */
    case 1: rm16_store(c, i, c->seg[SEG_TR].sel, i->opsize); break;     /* STR */
    case 2: lldt(c, rm16_read(c, i)); break;                 /* LLDT */
    case 3: ltr(c, rm16_read(c, i)); break;                  /* LTR */
    case 4: verify(c, rm16_read(c, i), false); break;        /* VERR */
    case 5: verify(c, rm16_read(c, i), true); break;         /* VERW */
    default: cpu_raise_ud(c);
    }
}

/* --- group 7: SMSW LMSW INVLPG ------------------------------------------------ */

/* SDM Vol. 2A LMSW: loads PE, MP, EM, TS from the operand; it can set PE but
 * never clear it. */
#define MSW_BITS (CR0_PE | CR0_MP | CR0_EM | CR0_TS)

/* LMSW: privileged; PE may be set but not cleared. */
static void lmsw(struct cpu *c, uint16_t v)
{
    require_cpl0(c);
    c->cr0 = (c->cr0 & ~(MSW_BITS & ~CR0_PE)) | (v & MSW_BITS) | (c->cr0 & CR0_PE);
}

/* SDM Vol. 2A INVLPG: privileged, memory operand; the page of the
 * operand's linear address leaves the TLB. */
static void invlpg(struct cpu *c, const struct insn *i)
{
    require_memory(c, i);
    require_cpl0(c);
    tlb_flush_page(c, c->seg[i->ea_seg].base + i->ea);
}

/* 0F 01 /reg: descriptor-table registers, MSW, INVLPG. */
void sys_group7(struct cpu *c, const struct insn *i)
{
    switch (i->reg) {
    case 0: store_dtr(c, i, &c->gdtr); break;                /* SGDT */
    case 1: store_dtr(c, i, &c->idtr); break;                /* SIDT */
    case 2: load_dtr(c, i, &c->gdtr); break;                 /* LGDT */
    case 3: load_dtr(c, i, &c->idtr); break;                 /* LIDT */
    case 4: rm16_store(c, i, c->cr0, i->opsize); break;                 /* SMSW: not privileged */
    case 6: lmsw(c, rm16_read(c, i)); break;                 /* LMSW */
    case 7: invlpg(c, i); break;                             /* INVLPG */
    default: cpu_raise_ud(c);
    }
}

/* --- LAR LSL ARPL, SDM Vol. 2A --------------------------------------------------- */

/* SDM Vol. 2A LAR: code, data, and these system types (LSL: no gates). */
static bool lar_type_ok(uint16_t a, bool lsl)
{
    if (a & SEG_ATTR_S)
        return true;
    switch (SEG_ATTR_TYPE(a)) {
    case SYS_TSS16_AVAIL: case SYS_LDT: case SYS_TSS16_BUSY:
    case SYS_TSS32_AVAIL: case SYS_TSS32_BUSY:
        return true;
    case SYS_CALLGATE16: case SYS_TASKGATE: case SYS_CALLGATE32:
        return !lsl;
    default:
        return false;
    }
}

#define OPCODE_LSL 0x03
/* SDM Vol. 2A LAR: the access rights are the high dword masked to 00FxFF00h. */
#define LAR_MASK32 0x00f0ff00u
#define LAR_MASK16 0x0000ff00u

/* LAR/LSL: ZF=1 and the rights or limit if the descriptor is visible. */
void sys_lar_lsl(struct cpu *c, const struct insn *i)
{
    require_protected(c);
    bool lsl = i->opcode == OPCODE_LSL;
    uint16_t sel = rm16_read(c, i);
    struct desc d;
    bool ok = probe_desc(c, sel, &d) && lar_type_ok(desc_attr(&d), lsl);
    set_zf(c, ok);
    if (!ok)
        return;
    if (lsl)
        reg_store(c, i->reg, desc_limit(&d), i->opsize);
    else
        reg_store(c, i->reg, d.hi & (i->opsize == 4 ? LAR_MASK32 : LAR_MASK16), i->opsize);
}

/* SDM Vol. 2A ARPL: raise the destination selector's RPL to the source's. */
void sys_arpl(struct cpu *c, const struct insn *i)
{
    require_protected(c);
    uint16_t dst = rm16_read(c, i);
    uint16_t src = (uint16_t)c->reg[i->reg];
    bool raise = SEL_RPL(dst) < SEL_RPL(src);
    if (raise)
        rm16_store(c, i, (dst & ~3u) | SEL_RPL(src), 2);
    set_zf(c, raise);
}

/* --- CLTS INVD/WBINVD ----------------------------------------------------------- */

/* SDM Vol. 2A CLTS: privileged; clears CR0.TS. */
void sys_clts(struct cpu *c)
{
    require_cpl0(c);
    c->cr0 &= ~CR0_TS;
}

/* SDM Vol. 2A INVD/WBINVD: privileged; there is no cache to flush. */
void sys_invd(struct cpu *c)
{
    require_cpl0(c);
}

/* --- control registers, SDM Vol. 2A MOV (CRn), Vol. 3A 2.5 ---------------------- */

#define OPCODE_MOV_FROM_CR 0x20
#define OPCODE_MOV_FROM_DR 0x21
/* The CR0 bits we keep; ET is hardwired to 1 (SDM Vol. 3A 2.5). */
#define CR0_DEFINED (CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | CR0_WP | CR0_AM | \
                     CR0_NW | CR0_CD | CR0_PG)
/* CR4 bits of features CPUID reports; any other bit set is #GP(0). */
#define CR4_SUPPORTED (CR4_TSD | CR4_DE | CR4_PSE | CR4_PGE)
/* SDM Vol. 3A 4.3, figure 4-4: CR3 = page-directory base | PCD | PWT. */
#define CR3_DEFINED 0xfffff018u

/* SDM Vol. 3A 2.5 and MOV CR: PG without PE, or NW without CD, is #GP(0).
 * Changing PG, PE or WP flushes the TLB (4.10.4.1; our TLB also caches the
 * WP decision, so WP counts too). */
static void write_cr0(struct cpu *c, uint32_t v)
{
    v = (v & CR0_DEFINED) | CR0_ET;
    if (((v & CR0_PG) && !(v & CR0_PE)) || ((v & CR0_NW) && !(v & CR0_CD)))
        cpu_raise_gp(c, 0);
    if ((v ^ c->cr0) & (CR0_PG | CR0_PE | CR0_WP))
        tlb_flush_all(c);
    c->cr0 = v;
}

/* SDM Vol. 3A 4.10.4.1: MOV to CR4 changing PSE or PGE flushes every entry,
 * global ones included. */
static void write_cr4(struct cpu *c, uint32_t v)
{
    if (v & ~CR4_SUPPORTED)
        cpu_raise_gp(c, 0);
    if ((v ^ c->cr4) & (CR4_PSE | CR4_PGE))
        tlb_flush_all(c);
    c->cr4 = v;
}

/* SDM Vol. 3A 4.10.4.1: MOV to CR3 flushes all but global entries. */
static void write_cr(struct cpu *c, unsigned n, uint32_t v)
{
    switch (n) {
    case 0: write_cr0(c, v); break;
    case 2: c->cr2 = v; break;
    case 3: c->cr3 = v & CR3_DEFINED; tlb_flush_nonglobal(c); break;
    case 4: write_cr4(c, v); break;
    default: cpu_raise_ud(c);
    }
}

/* MOV from CRn: CR1 and CR5-7 do not exist (#UD). */
static uint32_t read_cr(struct cpu *c, unsigned n)
{
    switch (n) {
    case 0: return c->cr0;
    case 2: return c->cr2;
    case 3: return c->cr3;
    case 4: return c->cr4;
    default: cpu_raise_ud(c);
    }
}

/* MOV CRn: the ModRM r/m field is always a register (mod is ignored). */
void sys_mov_cr(struct cpu *c, const struct insn *i)
{
    require_cpl0(c);
    if (i->opcode == OPCODE_MOV_FROM_CR)
        c->reg[i->rm] = read_cr(c, i->reg);
    else
        write_cr(c, i->reg, c->reg[i->rm]);
}

/* SDM Vol. 3A 17.2.2: DR4/DR5 alias DR6/DR7 unless CR4.DE, then #UD. */
static unsigned dr_index(struct cpu *c, unsigned n)
{
    if (n == 4 || n == 5) {
        if (c->cr4 & CR4_DE)
            cpu_raise_ud(c);
        return n + 2;
    }
    return n;
}

/* MOV DRn: privileged; the registers are stored, breakpoints are not armed. */
void sys_mov_dr(struct cpu *c, const struct insn *i)
{
    require_cpl0(c);
    unsigned n = dr_index(c, i->reg);
    if (i->opcode == OPCODE_MOV_FROM_DR)
        c->reg[i->rm] = c->dr[n];
    else
        c->dr[n] = c->reg[i->rm];
}

/* --- MSRs and the time-stamp counter, SDM Vol. 4 table 2-2 ------------------------ */

#define MSR_TSC              0x10u
#define MSR_APIC_BASE        0x1bu
#define MSR_SYSENTER_CS      0x174u
#define MSR_SYSENTER_ESP     0x175u
#define MSR_SYSENTER_EIP     0x176u

/* The time-stamp counter: virtual time plus what WRMSR 10h added. */
static uint64_t tsc_value(const struct cpu *c)
{
    return cpu_vtime(c) + c->tsc_offset;
}

/* The 64-bit value in EDX:EAX. */
static uint64_t edx_eax(const struct cpu *c)
{
    return ((uint64_t)c->reg[EDX] << 32) | c->reg[EAX];
}

/* Store a 64-bit value in EDX:EAX. */
static void set_edx_eax(struct cpu *c, uint64_t v)
{
    c->reg[EAX] = (uint32_t)v;
    c->reg[EDX] = (uint32_t)(v >> 32);
}

/* A 32-bit MSR we keep in struct cpu, or NULL. */
static uint32_t *msr_field(struct cpu *c, uint32_t msr)
{
    switch (msr) {
    case MSR_APIC_BASE: return &c->apic_base;
    case MSR_SYSENTER_CS: return &c->sysenter_cs;
    case MSR_SYSENTER_ESP: return &c->sysenter_esp;
    case MSR_SYSENTER_EIP: return &c->sysenter_eip;
    case MSR_MISC_FEATURES_ENABLES: return &c->misc_features;
    default: return NULL;
    }
}

/* SDM Vol. 2B RDMSR: privileged; an MSR we do not model is #GP(0). */
void sys_rdmsr(struct cpu *c)
{
    require_cpl0(c);
    uint32_t msr = c->reg[ECX];
    uint32_t *f = msr_field(c, msr);
    if (msr == MSR_TSC)
        set_edx_eax(c, tsc_value(c));
    else if (msr == MSR_PLATFORM_INFO)    /* read-only: only the CPUID-faulting bit is modelled */
        set_edx_eax(c, PLATFORM_INFO_CPUID_FAULTING);
    else if (f)
        set_edx_eax(c, *f);
    else
        cpu_raise_gp(c, 0);
}

/* SDM Vol. 2B WRMSR: writing the TSC moves it without touching virtual time. */
void sys_wrmsr(struct cpu *c)
{
    require_cpl0(c);
    uint32_t msr = c->reg[ECX];
    uint32_t *f = msr_field(c, msr);
    if (msr == MSR_TSC)
        c->tsc_offset = edx_eax(c) - cpu_vtime(c);
    else if (msr == MSR_MISC_FEATURES_ENABLES && edx_eax(c) & ~(uint64_t)MISC_FEATURES_CPUID_FAULTING)
        cpu_raise_gp(c, 0);                /* a reserved bit (we model bit 0 only) */
    else if (f)
        *f = c->reg[EAX];
    else
        cpu_raise_gp(c, 0);
}

/* SDM Vol. 2B RDTSC: #GP(0) at CPL > 0 when CR4.TSD is set.  The counter is
 * virtual time (instructions), so runs are reproducible. */
void sys_rdtsc(struct cpu *c)
{
    if ((c->cr4 & CR4_TSD) && cpu_protected(c) && c->cpl != 0)
        cpu_raise_gp(c, 0);
    set_edx_eax(c, tsc_value(c));
}

/* --- CPUID, SDM Vol. 2A CPUID ------------------------------------------------------ */

/*
 * trapeze reports its own identity rather than a real vendor's:
 *   leaf 0: max basic leaf 1, vendor "TrapezeTeach" (EBX, EDX, ECX order)
 *   leaf 1: EAX = family 6, model 1, stepping 0; EBX = ECX = 0; EDX = the
 *           features below.  Every other leaf reads as zeros.
 */
#define CPUID_VERSION 0x00000610u          /* family 6, model 1, stepping 0 */
#define CPUID_VENDOR_EBX 0x70617254u       /* "Trap" */
#define CPUID_VENDOR_EDX 0x54657a65u       /* "ezeT" */
#define CPUID_VENDOR_ECX 0x68636165u       /* "each" */
/* SDM Vol. 2A table 3-11: leaf 1 EDX feature bits. */
#define CPUID_DE   (1u << 2)
#define CPUID_PSE  (1u << 3)
#define CPUID_TSC  (1u << 4)
#define CPUID_MSR  (1u << 5)
#define CPUID_CX8  (1u << 8)
#define CPUID_APIC (1u << 9)
#define CPUID_PGE  (1u << 13)
#define CPUID_CMOV (1u << 15)
#define CPUID_FEATURES (CPUID_DE | CPUID_PSE | CPUID_TSC | CPUID_MSR | CPUID_CX8 | CPUID_APIC | \
                        CPUID_PGE | CPUID_CMOV)

/* CPUID: leaf 0 and 1 as documented above, zeros otherwise.  With CPUID
 * faulting enabled (MSR 140h bit 0, see cpu.h) it is #GP(0) at CPL > 0,
 * virtual-8086 mode included (CPL 3). */
void sys_cpuid(struct cpu *c)
{
    bool outer = (c->eflags & FLAG_VM) || (cpu_protected(c) && c->cpl != 0);
    if ((c->misc_features & MISC_FEATURES_CPUID_FAULTING) && outer)
        cpu_raise_gp(c, 0);
    uint32_t leaf = c->reg[EAX];
    c->reg[EAX] = c->reg[EBX] = c->reg[ECX] = c->reg[EDX] = 0;
    if (leaf == 0) {
        c->reg[EAX] = 1;
        c->reg[EBX] = CPUID_VENDOR_EBX;
        c->reg[EDX] = CPUID_VENDOR_EDX;
        c->reg[ECX] = CPUID_VENDOR_ECX;
    } else if (leaf == 1) {
        c->reg[EAX] = CPUID_VERSION;
        c->reg[EDX] = CPUID_FEATURES;
    }
}

/* --- HLT CLI STI ----------------------------------------------------------------- */

/* SDM Vol. 2A HLT: privileged.  The run loop returns CPU_EXIT_HLT. */
void sys_hlt(struct cpu *c)
{
    require_cpl0(c);
    c->halted = true;
    cpu_kick(c);
}

/* SDM Vol. 2A CLI/STI, table 3-7 (no VME/PVI): allowed when CPL <= IOPL
 * (in virtual-8086 mode when IOPL = 3), else #GP(0). */
static void require_iopl(struct cpu *c)
{
    unsigned cpl = (c->eflags & FLAG_VM) ? 3u : (cpu_protected(c) ? (unsigned)c->cpl : 0u);
    if (cpl > iopl(c))
        cpu_raise_gp(c, 0);
}

/* CLI: IF := 0 when the IOPL allows it. */
void sys_cli(struct cpu *c)
{
    require_iopl(c);
    c->eflags &= ~FLAG_IF;
}

/* SDM Vol. 2B STI: when it sets IF, interrupts stay blocked until after the
 * next instruction (the interrupt shadow, Vol. 3A 6.8.3). */
void sys_sti(struct cpu *c)
{
    require_iopl(c);
    if (!(c->eflags & FLAG_IF))
        c->inhibit_intr = 1;
    c->eflags |= FLAG_IF;
    cpu_kick(c);
}

/* --- PUSHF / POPF, SDM Vol. 2B ------------------------------------------------------ */

/* PUSHF: VM and RF read as 0 in the pushed image. */
uint32_t sys_pushf_value(struct cpu *c)
{
    if ((c->eflags & FLAG_VM) && iopl(c) < 3)
        cpu_raise_gp(c, 0);
    return cpu_get_eflags(c) & ~(FLAG_VM | FLAG_RF);
}

/*
 * POPF, SDM Vol. 2B: which bits the popped value may change.
 *   CPL 0 (and real mode):   everything but VM, VIP, VIF (and RF, cleared)
 *   0 < CPL <= IOPL:         also not IOPL
 *   CPL > IOPL:              also not IF -- silently, no fault
 * A 16-bit POPF changes only bits 15:0.  In virtual-8086 mode POPF needs
 * IOPL = 3 and never changes IOPL.
 */
static uint32_t popf_mask(const struct cpu *c, unsigned opsize)
{
    unsigned cpl = (c->eflags & FLAG_VM) ? 3u : (cpu_protected(c) ? (unsigned)c->cpl : 0u);
    uint32_t mask = FLAGS_ARITH | FLAG_TF | FLAG_DF | FLAG_NT | FLAG_AC | FLAG_ID;
    if (cpl <= iopl(c))
        mask |= FLAG_IF;
    if (cpl == 0)
        mask |= FLAG_IOPL;
    return opsize == 4 ? mask : mask & 0xffffu;
}

/* POPF: apply `value` through popf_mask; RF is cleared by a 32-bit POPF. */
void sys_popf(struct cpu *c, uint32_t value, unsigned opsize)
{
    if ((c->eflags & FLAG_VM) && iopl(c) < 3)
        cpu_raise_gp(c, 0);
    uint32_t old = cpu_get_eflags(c);
    uint32_t mask = popf_mask(c, opsize);
    uint32_t rf = opsize == 4 ? FLAG_RF : 0;   /* a 32-bit POPF clears RF */
    cpu_set_eflags(c, ((old & ~mask & ~rf) | (value & mask)) | FLAG_FIXED);
}

/* --- I/O permission, SDM Vol. 1 18.5 ------------------------------------------------ */

/* SDM Vol. 1 18.5.2: the 16-bit I/O map base sits at offset 66h of a 32-bit
 * TSS; bit n of the map guards port n, and an access of `size` bytes needs
 * all its ports' bits clear.  A map beyond the TSS limit denies access. */
#define TSS_IOMAP_BASE 0x66u

/* True if the TSS bitmap has a clear bit for every port of the access. */
static bool io_bitmap_allows(struct cpu *c, uint16_t port, unsigned size)
{
    const struct seg *tr = &c->seg[SEG_TR];
    unsigned type = SEG_ATTR_TYPE(tr->attr);
    if (!(tr->attr & SEG_ATTR_P) || (type != SYS_TSS32_AVAIL && type != SYS_TSS32_BUSY) ||
        tr->limit < TSS_IOMAP_BASE + 1)
        return false;
    uint32_t base = lin_read(c, tr->base + TSS_IOMAP_BASE, 2, ACC_SUPER);
    uint32_t byte = base + port / 8u;
    if (byte + 1 > tr->limit)
        return false;
    uint32_t bits = lin_read(c, tr->base + byte, 2, ACC_SUPER);
    uint32_t want = ((1u << size) - 1) << (port % 8u);
    return (bits & want) == 0;
}

/* SDM Vol. 1 18.5.1: in protected mode with CPL > IOPL (or in virtual-8086
 * mode) the bitmap decides; a denied access is #GP(0). */
void io_check(struct cpu *c, uint16_t port, unsigned size)
{
    if (!(c->cr0 & CR0_PE))
        return;
    bool vm = c->eflags & FLAG_VM;
    if (!vm && (unsigned)c->cpl <= iopl(c))
        return;
    if (!io_bitmap_allows(c, port, size))
        cpu_raise_gp(c, 0);
}

/* IN: permission check, then the bus. */
uint32_t io_in(struct cpu *c, uint16_t port, unsigned size)
{
    io_check(c, port, size);
    return c->bus.io_in(c->bus.opaque, port, size);
}

/* OUT: permission check, then the bus. */
void io_out(struct cpu *c, uint16_t port, uint32_t v, unsigned size)
{
    io_check(c, port, size);
    c->bus.io_out(c->bus.opaque, port, v, size);
}
