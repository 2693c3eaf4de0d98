/* emulate.c - the privileged instructions the guest kernel executes, emulated on the virtual CPU. */

/*
 * At CPL 1 every privileged instruction faults with #GP (SDM Vol. 3A 5.9:
 * they "can be executed only when the CPL is 0"), and so do IN/OUT, CLI
 * and STI while IOPL is 0 (Vol. 1 18.5), and CPUID, because the monitor
 * turns CPUID faulting on (cpu.h).  monitor.c decodes the faulting
 * instruction with the interpreter's own decoder (cpu_decode); the
 * functions here perform it on the virtual CPU: on struct vcpu, on the
 * shadow GDT, on the machine's device buses.  Then they move EIP past it
 * and count it as retired, so the guest's virtual time is the same as on
 * bare hardware.
 *
 * The real IOPL is 0 in the guest's ring 3 too, so that CLI and STI there
 * cannot touch the real IF.  Where the guest's own (virtual) IOPL or its
 * TSS I/O bitmap would let its ring 3 do I/O, CLI or STI, the monitor
 * emulates that as well; anything the guest's CPU would refuse keeps the
 * #GP(0) the real CPU raised (EMU_UNKNOWN).
 *
 * Two more kinds of instruction trap although they are not privileged:
 * IRET and far RET whose frame holds a selector with RPL 0 (the guest's
 * ring 0, which the CPU at CPL 1 refuses to return to: #GP(selector)), and
 * loading SS with RPL 0.  They are emulated by loading the same segment
 * with RPL 1 from the shadow GDT.
 *
 * Each emulation returns EMU_DONE, EMU_FAULT (the guest receives
 * mon->fault, as the hardware would deliver it), or EMU_STOP.
 */
#include <stdarg.h>
#include <stdio.h>

#include "monitor_internal.h"

/* SDM Vol. 2D, appendix A, tables: opcodes the monitor emulates. */
#define OP_TWO_BYTE_GROUP6 0x00   /* 0F 00 /2 LLDT, /3 LTR */
#define OP_TWO_BYTE_GROUP7 0x01   /* 0F 01 /2 LGDT, /3 LIDT, /6 LMSW, /7 INVLPG */
#define OP_CLTS   0x06            /* 0F 06 */
#define OP_INVD   0x08            /* 0F 08 */
#define OP_WBINVD 0x09            /* 0F 09 */
#define OP_MOV_FROM_CR 0x20       /* 0F 20 /r */
#define OP_MOV_TO_CR   0x22       /* 0F 22 /r */
#define OP_WRMSR  0x30            /* 0F 30 */
#define OP_RDMSR  0x32            /* 0F 32 */
#define OP_CPUID  0xa2            /* 0F A2 */

#define DESC_TYPE_SHIFT 8
#define LDT_TYPE        0x2u      /* SDM Vol. 3A 3.5, table 3-2: S = 0, type 0010b */
#define DESC_PRESENT    0x8000u
#define TSS32_AVAILABLE 0x9u      /* SDM Vol. 3A 7.2.2: type 1001b; busy is 1011b */
#define TSS32_BUSY_BIT  0x200u    /* type bit 1 in the high dword */
#define SEG_ATTR_CODE   0x8u      /* type bit 3 */
#define SEG_ATTR_W      0x2u      /* type bit 1 of a data segment */
#define SEG_ATTR_CONFORMING 0x4u  /* type bit 2 of a code segment */
#define CR0_GUEST_MIRRORED (CR0_MP | CR0_EM | CR0_TS | CR0_NE)   /* FPU behaviour: real */
#define LMSW_BITS (CR0_PE | CR0_MP | CR0_EM | CR0_TS)             /* SDM Vol. 2A LMSW */
/* SDM Vol. 1 18.5.2: the 16-bit I/O map base at offset 66h of a 32-bit TSS. */
#define TSS_IOMAP_BASE 0x66u

int emu_stop(struct monitor *mon, enum machine_stop why, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(mon->m->report, sizeof(mon->m->report), fmt, ap);
    va_end(ap);
    mon->m->stop = why;
    return EMU_STOP;
}

/* The guest receives #GP(error). */
static int fault_gp(struct monitor *mon, uint32_t error)
{
    mon->fault = (struct guest_fault){ .vector = EXC_GP, .has_error = true, .error = error };
    return EMU_FAULT;
}

/* Done: move past the instruction and count it as retired.  An STI or
 * MOV SS shadow covered this instruction and ends with it (SDM Vol. 2B
 * STI; Vol. 3A 6.8.3 for MOV SS); STI and MOV SS set a new one after
 * calling this. */
static int retire(struct monitor *mon, const struct cpu_decoded *d)
{
    mon->c->eip += d->length;
    mon->c->icount++;
    mon->c->inhibit_intr = 0;
    return EMU_DONE;
}

/* Read `size` bytes of the memory operand.  0, -1 (beyond the segment or
 * RAM) or GLIN_PAGE_FAULT (mon->fault is the guest's #PF). */
static int read_mem(struct monitor *mon, const struct cpu_decoded *d, uint32_t add, void *buf,
                    uint32_t size)
{
    const struct seg *s = &mon->c->seg[d->seg];
    if (d->ea + add + size - 1 > s->limit)
        return -1;
    return glin_read(mon, s->base + d->ea + add, buf, size);
}

/* A memory operand could not be read: the guest's #PF, or #GP(0). */
static int operand_fault(struct monitor *mon, int rc)
{
    return rc == GLIN_PAGE_FAULT ? EMU_FAULT : fault_gp(mon, 0);
}

/* A 16-bit operand: the register (mod = 3) or memory.  0 or -1. */
static int read_operand16(struct monitor *mon, const struct cpu_decoded *d, uint16_t *v)
{
    if (d->mod == 3) {
        *v = (uint16_t)mon->c->reg[d->rm];
        return 0;
    }
    return read_mem(mon, d, 0, v, 2);
}

/* SDM Vol. 2A CLI, table 3-7 (no VME/PVI): allowed when CPL <= IOPL --
 * the guest's CPL and its virtual IOPL. */
static bool iopl_allows(const struct monitor *mon)
{
    return (unsigned)mon->v.cpl <= mon->v.iopl;
}

/* SDM Vol. 2A CLI: IF := 0 (the virtual IF; monitor.c then holds INTR low). */
static int emu_cli(struct monitor *mon, const struct cpu_decoded *d)
{
    if (!iopl_allows(mon))
        return EMU_UNKNOWN;
    vcpu_set_if(&mon->v, false);
    return retire(mon, d);
}

/* SDM Vol. 2B STI: IF := 1, and interrupts stay blocked for one more
 * instruction so that "STI; HLT" cannot miss one. */
static int emu_sti(struct monitor *mon, const struct cpu_decoded *d)
{
    if (!iopl_allows(mon))
        return EMU_UNKNOWN;
    bool was_clear = !mon->v.iflag;
    vcpu_set_if(&mon->v, true);
    retire(mon, d);
    if (was_clear)
        mon->c->inhibit_intr = 1;
    return EMU_DONE;
}

/* SDM Vol. 2A HLT: stop until an interrupt (privileged: CPL 0 only).  The
 * machine's loop then skips virtual time to the next device deadline,
 * exactly as on bare hardware.  With the virtual IF clear nothing can wake
 * the guest: the machine would see the real IF set, so the monitor says
 * it, in the bare machine's words. */
int emu_hlt(struct monitor *mon, const struct cpu_decoded *d)
{
    if (mon->v.cpl != 0)
        return EMU_UNKNOWN;
    retire(mon, d);
    if (!mon->v.iflag)
        return emu_stop(mon, MACHINE_HALTED, "guest halted forever with interrupts disabled, "
                        "at EIP 0x%08x", mon->c->eip);
    mon->c->halted = true;
    return EMU_DONE;
}

/* SDM Vol. 2A LGDT/LIDT: a 6-byte operand, limit then base (24 bits of it
 * with a 16-bit operand size).  LGDT rebuilds the shadow GDT. */
static int emu_load_dtr(struct monitor *mon, const struct cpu_decoded *d, bool gdt)
{
    uint16_t limit;
    uint32_t base;
    int rc;
    if (d->mod == 3)
        return fault_gp(mon, 0);
    if ((rc = read_mem(mon, d, 0, &limit, 2)) < 0 || (rc = read_mem(mon, d, 2, &base, 4)) < 0)
        return operand_fault(mon, rc);
    struct dtr t = { .base = d->opsize == 2 ? base & 0xffffffu : base, .limit = limit };
    if (gdt) {
        mon->v.gdtr = t;
        shadow_gdt_build(mon);
    } else {
        mon->v.idtr = t;
    }
    return retire(mon, d);
}

/* SDM Vol. 2A LLDT: a null selector makes LDTR unusable; otherwise it must
 * name a present LDT descriptor (type 2) in the GDT, else #GP(selector). */
static int emu_lldt(struct monitor *mon, const struct cpu_decoded *d)
{
    uint16_t sel;
    uint32_t lo, hi;
    int rc;
    if ((rc = read_operand16(mon, d, &sel)) < 0)
        return operand_fault(mon, rc);
    if ((sel & ~3u) == 0) {
        mon->v.ldtr = (struct seg){ .sel = sel };
        cpu_load_seg_raw(mon->c, SEG_LDTR, sel, 0, 0, 0);
        return retire(mon, d);
    }
    if (shadow_guest_desc(mon, sel, &lo, &hi) < 0 || ((hi >> DESC_TYPE_SHIFT) & 0x1fu) != LDT_TYPE ||
        !(hi & DESC_PRESENT))
        return fault_gp(mon, sel & 0xfffcu);
    shadow_ldt_load(mon, sel, lo, hi);
    mon->v.ldtr = mon->c->seg[SEG_LDTR];
    return retire(mon, d);
}

/* SDM Vol. 2A LTR: the selector must name an available 32-bit TSS in the
 * GDT (#GP(selector) otherwise); LTR marks it busy.  Only the virtual TR
 * changes: the CPU never switches stacks itself under the monitor. */
static int emu_ltr(struct monitor *mon, const struct cpu_decoded *d)
{
    uint16_t sel;
    uint32_t lo, hi;
    int rc;
    if ((rc = read_operand16(mon, d, &sel)) < 0)
        return operand_fault(mon, rc);
    if (shadow_guest_desc(mon, sel, &lo, &hi) < 0 || ((hi >> DESC_TYPE_SHIFT) & 0x1fu) != TSS32_AVAILABLE)
        return fault_gp(mon, sel & 0xfffcu);
    hi |= TSS32_BUSY_BIT;
    if ((rc = glin_write(mon, mon->v.gdtr.base + (sel & 0xfff8u) + 4, &hi, 4)) < 0)
        return operand_fault(mon, rc);
    uint32_t limit = (lo & 0xffffu) | (hi & 0xf0000u);
    if (hi & 0x00800000u)
        limit = limit * 4096u + 4095u;
    mon->v.tr = (struct seg){ .sel = sel, .attr = (uint16_t)(hi >> 8), .limit = limit,
                              .base = (lo >> 16) | ((hi & 0xffu) << 16) | (hi & 0xff000000u) };
    return retire(mon, d);
}

/* SDM Vol. 3A 2.5: the real CR0 keeps PE and PG (the monitor's paging);
 * the FPU bits follow the guest's so that its x87 code faults as it expects. */
static void update_real_cr0(struct monitor *mon)
{
    struct cpu *c = mon->c;
    c->cr0 = (c->cr0 & ~CR0_GUEST_MIRRORED) | (mon->v.cr0 & CR0_GUEST_MIRRORED);
}

/* SDM Vol. 2B MOV to CR0: real mode is beyond this course; paging is the
 * MMU's business (chapter 2's stops the VM, chapter 3's shadows it).
 * SDM Vol. 3A 2.5: PG without PE is #GP(0). */
static int write_cr0(struct monitor *mon, uint32_t value)
{
    if ((value & CR0_PG) && !(value & CR0_PE))
        return fault_gp(mon, 0);
    if (!(value & CR0_PE))
        return emu_stop(mon, MACHINE_UNSUPPORTED, "guest left protected mode: not supported");
    uint32_t old = mon->v.cr0;
    mon->v.cr0 = value | CR0_ET;
    update_real_cr0(mon);
    return mon->mmu->write_cr(mon, 0, old);
}

/* CR3 and CR4 go to the virtual CPU; the MMU decides what they mean for
 * the real page tables. */
static int write_cr34(struct monitor *mon, int cr, uint32_t value)
{
    uint32_t *reg = cr == 3 ? &mon->v.cr3 : &mon->v.cr4, old = *reg;
    *reg = value;
    return mon->mmu->write_cr(mon, cr, old);
}

/* SDM Vol. 2B MOV CRn, r32 (0F 22): CR0, CR2, CR3, CR4; others #UD. */
static int emu_mov_to_cr(struct monitor *mon, const struct cpu_decoded *d)
{
    uint32_t value = mon->c->reg[d->rm];
    int rc = EMU_DONE;
    switch (d->reg) {
    case 0: rc = write_cr0(mon, value); break;
    case 2: mon->v.cr2 = value; break;
    case 3:
    case 4: rc = write_cr34(mon, d->reg, value); break;
    default:
        mon->fault = (struct guest_fault){ .vector = EXC_UD };
        return EMU_FAULT;
    }
    return rc == EMU_DONE ? retire(mon, d) : rc;
}

/* SDM Vol. 2B MOV r32, CRn (0F 20): the guest's values, never the real ones. */
static int emu_mov_from_cr(struct monitor *mon, const struct cpu_decoded *d)
{
    const uint32_t *cr[5] = { &mon->v.cr0, NULL, &mon->v.cr2, &mon->v.cr3, &mon->v.cr4 };
    if (d->reg > 4 || !cr[d->reg]) {
        mon->fault = (struct guest_fault){ .vector = EXC_UD };
        return EMU_FAULT;
    }
    mon->c->reg[d->rm] = *cr[d->reg];
    return retire(mon, d);
}

/* SDM Vol. 2A CLTS: CR0.TS := 0. */
static int emu_clts(struct monitor *mon, const struct cpu_decoded *d)
{
    mon->v.cr0 &= ~CR0_TS;
    update_real_cr0(mon);
    return retire(mon, d);
}

/* SDM Vol. 2A LMSW: loads CR0 bits 3:0; it can set PE but never clear it. */
static int emu_lmsw(struct monitor *mon, const struct cpu_decoded *d)
{
    uint16_t msw;
    int rc;
    if ((rc = read_operand16(mon, d, &msw)) < 0)
        return operand_fault(mon, rc);
    uint32_t cr0 = (mon->v.cr0 & ~(LMSW_BITS & ~CR0_PE)) | (msw & LMSW_BITS);
    rc = write_cr0(mon, cr0);
    return rc == EMU_DONE ? retire(mon, d) : rc;
}

/* SDM Vol. 2D WBINVD, Vol. 2A INVD: the machine has no caches: nothing to do. */
static int emu_nop(struct monitor *mon, const struct cpu_decoded *d)
{
    return retire(mon, d);
}

/* SDM Vol. 2A INVLPG m: the linear address of the operand (segment base +
 * offset, no access made) is the MMU's to forget. */
static int emu_invlpg(struct monitor *mon, const struct cpu_decoded *d)
{
    mon->mmu->invlpg(mon, mon->c->seg[d->seg].base + d->ea);
    return retire(mon, d);
}

/* SDM Vol. 1 18.5.2, as bare hardware checks it (system.c): bit n of the
 * guest TSS's I/O permission bitmap guards port n, and an access of `size`
 * bytes needs all its ports' bits clear; a map beyond the TSS limit (or
 * outside guest RAM, where bare hardware reads all ones) denies.  The
 * processor reads the TSS with supervisor accesses (SDM Vol. 3A 4.6),
 * which with paging can fault: that #PF is a fault of the I/O instruction
 * itself.  Returns 0 if the map allows the access, -1 if it denies it, or
 * GLIN_PAGE_FAULT with the guest's #PF in mon->fault (and its CR2 set). */
static int io_bitmap_check(struct monitor *mon, uint16_t port, unsigned size)
{
    const struct seg *tr = &mon->v.tr;
    uint16_t base, bits;
    int rc;
    if (!(tr->attr & SEG_ATTR_P) || tr->limit < TSS_IOMAP_BASE + 1)
        return -1;
    if ((rc = glin_read(mon, tr->base + TSS_IOMAP_BASE, &base, 2)) < 0)
        return rc;
    uint32_t byte = base + port / 8u;
    if (byte + 1 > tr->limit)
        return -1;
    if ((rc = glin_read(mon, tr->base + byte, &bits, 2)) < 0)
        return rc;
    return (bits & (((1u << size) - 1) << (port % 8u))) == 0 ? 0 : -1;
}

/* SDM Vol. 1 18.5.1: I/O is allowed at CPL <= IOPL (the guest's CPL and
 * virtual IOPL), and otherwise where the guest's bitmap allows it.
 * Returns io_bitmap_check's 0, -1 or GLIN_PAGE_FAULT. */
static int guest_io_check(struct monitor *mon, uint16_t port, unsigned size)
{
    return iopl_allows(mon) ? 0 : io_bitmap_check(mon, port, size);
}

/* SDM Vol. 2A IN (E4 E5 EC ED), Vol. 2B OUT (E6 E7 EE EF): opcode bit 0
 * says byte or operand size, bit 1 OUT, bit 3 port in DX instead of imm8.
 * The access goes to the machine's port bus: the same device models as on
 * bare hardware. */
static int emu_in_out(struct monitor *mon, const struct cpu_decoded *d, uint16_t port, unsigned size)
{
    struct cpu *c = mon->c;
    uint32_t mask = size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
    bool out = (d->opcode & 0x2) != 0;
    if (out) {                     /* AL, AX or EAX: only `size` bytes leave the CPU */
        c->bus.io_out(c->bus.opaque, port, c->reg[EAX] & mask, size);
    } else {
        uint32_t v = c->bus.io_in(c->bus.opaque, port, size);
        c->reg[EAX] = (c->reg[EAX] & ~mask) | (v & mask);
    }
    return retire(mon, d);
}

/*
 * Let the CPU itself execute the trapped instruction for one step, once
 * the monitor has allowed it; the caller has lifted the check that made it
 * trap (CPL or IOPL) and puts it back afterwards.  INS/OUTS touch only
 * guest memory (ES is truncated like every guest segment) and the device
 * buses; RDMSR/WRMSR and CPUID the CPU's MSRs and identity, which the guest
 * may see.  Interrupts are held off for the step.
 */
static int step_native(struct monitor *mon)
{
    struct cpu *c = mon->c;
    bool request = c->exit_request;
    c->exit_request = false;
    c->inhibit_intr = 1;
    enum cpu_exit e = cpu_step(c);
    c->exit_request |= request;
    if (e == CPU_EXIT_RING0 && c->exit.vector == EXC_PF) {
        /* A page the shadow has not filled yet (REP INS into a fresh buffer):
         * the MMU decides; if it resolves the fault, the instruction
         * traps again and goes on where it stopped (ECX, EDI are updated). */
        return mon->mmu->page_fault(mon, 1) == MACHINE_RUNNING ? EMU_DONE : EMU_STOP;
    }
    if (e == CPU_EXIT_RING0) {     /* it faulted: the guest gets the fault */
        mon->fault = (struct guest_fault){ c->exit.vector, c->exit.has_error, c->exit.error };
        return EMU_FAULT;
    }
    return EMU_DONE;
}

/* One step as if at CPL 0 (RDMSR, WRMSR, CPUID), then the real CPL again. */
static int step_at_cpl0(struct monitor *mon)
{
    int cpl = mon->c->cpl;
    mon->c->cpl = 0;
    int rc = step_native(mon);
    mon->c->cpl = cpl;
    return rc;
}

/* INS/OUTS (6C-6F, with REP): one step with the real IOPL at 3, so the
 * CPU's own I/O check passes while its page and segment checks stay those
 * of the guest's real CPL. */
static int emu_ins_outs(struct monitor *mon)
{
    mon->c->eflags |= FLAG_IOPL;
    int rc = step_native(mon);
    mon->c->eflags &= ~FLAG_IOPL;
    return rc;
}

/* Port and size of a trapped I/O instruction: IN/OUT as above; INS/OUTS
 * use DX and, with opcode bit 0, the operand size. */
static void io_operand(const struct monitor *mon, const struct cpu_decoded *d, uint16_t *port,
                       unsigned *size)
{
    bool string = mon->last_insn == INSN_INS_OUTS;
    *size = (d->opcode & 1) ? d->opsize : 1;
    *port = (string || (d->opcode & 0x8)) ? (uint16_t)mon->c->reg[EDX] : (uint16_t)d->imm;
}

/* The guest's I/O instruction, if its CPL, IOPL or I/O bitmap allows it
 * (monitor_internal.h). */
int emu_pio(struct monitor *mon, const struct cpu_decoded *d)
{
    uint16_t port;
    unsigned size;
    io_operand(mon, d, &port, &size);
    int rc = guest_io_check(mon, port, size);
    if (rc == GLIN_PAGE_FAULT)
        return EMU_FAULT;          /* the #PF of reading the bitmap (mon->fault) */
    if (rc < 0)
        return EMU_UNKNOWN;        /* the #GP(0) the guest's own CPU would raise */
    return mon->last_insn == INSN_INS_OUTS ? emu_ins_outs(mon) : emu_in_out(mon, d, port, size);
}

/* SDM Vol. 2B RDMSR.  MSR 140h (CPUID faulting, cpu.h) is the monitor's on
 * the real CPU; the guest reads its own virtual copy.  Every other MSR,
 * MSR_PLATFORM_INFO included, the CPU reads for the guest. */
static int emu_rdmsr(struct monitor *mon, const struct cpu_decoded *d)
{
    struct cpu *c = mon->c;
    if (c->reg[ECX] != MSR_MISC_FEATURES_ENABLES)
        return step_at_cpl0(mon);
    c->reg[EAX] = mon->v.misc_features;
    c->reg[EDX] = 0;
    return retire(mon, d);
}

/* SDM Vol. 2D WRMSR: MSR 140h goes to the virtual copy, with the real
 * CPU's rule (only bit 0 defined, anything else #GP(0)). */
static int emu_wrmsr(struct monitor *mon, const struct cpu_decoded *d)
{
    struct cpu *c = mon->c;
    if (c->reg[ECX] != MSR_MISC_FEATURES_ENABLES)
        return step_at_cpl0(mon);
    if (c->reg[EDX] || (c->reg[EAX] & ~MISC_FEATURES_CPUID_FAULTING))
        return fault_gp(mon, 0);
    mon->v.misc_features = c->reg[EAX];
    return retire(mon, d);
}

/* SDM Vol. 2A CPUID, with CPUID faulting (cpu.h).  The monitor keeps the
 * real CPU's faulting on, so every CPUID of the guest traps, its ring 0
 * (real CPL 1) included: CPUID describes the processor, and a monitor must
 * decide what its guest is told.  This one tells it what the bare machine
 * would (the CPU runs CPUID for it at CPL 0) -- unless the guest enabled
 * faulting itself, and then its ring 3 gets the #GP(0), as it asked. */
static int emu_cpuid(struct monitor *mon)
{
    if ((mon->v.misc_features & MISC_FEATURES_CPUID_FAULTING) && mon->v.cpl > 0)
        return EMU_UNKNOWN;
    return step_at_cpl0(mon);
}

/* Load CS:EIP for a return into the guest's ring 0.  0, or -1 with #GP(sel). */
static int return_to_ring0(struct monitor *mon, uint16_t sel, uint32_t eip)
{
    struct seg cs;
    if (shadow_gdt_segment(mon, sel, &cs) < 0 || !(cs.attr & SEG_ATTR_S) ||
        !(cs.attr & SEG_ATTR_CODE) || eip > cs.limit)
        return -1;
    cpu_load_seg_raw(mon->c, SEG_CS, cs.sel, cs.base, cs.limit, cs.attr);
    mon->c->eip = eip;
    return 0;
}

/* Pop n 32-bit words at SS:ESP without moving ESP.  0 or -1. */
static int peek_stack(struct monitor *mon, uint32_t *w, uint32_t n)
{
    const struct seg *ss = &mon->c->seg[SEG_SS];
    uint32_t esp = mon->c->reg[ESP];
    if (esp + n * 4 - 1 > ss->limit)
        return -1;
    return glin_read(mon, ss->base + esp, w, n * 4);
}

/* SDM Vol. 2A IRET, "return to outer privilege level": the data segment
 * registers whose DPL is below the new CPL become null. */
static void null_inner_segments(struct cpu *c)
{
    for (int s = SEG_ES; s <= SEG_GS; s++) {
        uint16_t a = c->seg[s].attr;
        bool conforming_code = (a & SEG_ATTR_CODE) && (a & SEG_ATTR_CONFORMING);
        if (s != SEG_CS && s != SEG_SS && !conforming_code && SEG_ATTR_DPL(a) < 3)
            cpu_load_seg_raw(c, s, 0, 0, 0, 0);
    }
}

/* A return to the guest's ring 3 (IRET or far RET, "return to outer
 * privilege level"): CS must be a ring-3 code segment, SS a writable ring-3
 * data segment, else #GP(selector).  Loads CS:EIP and SS:ESP. */
static int return_to_ring3(struct monitor *mon, uint32_t eip, uint32_t cs_sel, uint32_t esp,
                           uint32_t ss_sel)
{
    struct cpu *c = mon->c;
    struct seg cs, ss;
    if (shadow_gdt_segment(mon, (uint16_t)cs_sel, &cs) < 0 || !(cs.attr & SEG_ATTR_CODE) ||
        SEG_ATTR_DPL(cs.attr) != 3 || eip > cs.limit)
        return fault_gp(mon, cs_sel & 0xfffcu);
    if ((ss_sel & 3u) != 3 || shadow_gdt_segment(mon, (uint16_t)ss_sel, &ss) < 0 ||
        (ss.attr & SEG_ATTR_CODE) || !(ss.attr & SEG_ATTR_W) || SEG_ATTR_DPL(ss.attr) != 3)
        return fault_gp(mon, ss_sel & 0xfffcu);
    cpu_load_seg_raw(c, SEG_CS, cs.sel, cs.base, cs.limit, cs.attr);
    c->seg[SEG_SS] = ss;
    c->eip = eip;
    c->reg[ESP] = esp;
    null_inner_segments(c);
    vcpu_sync_cpl(&mon->v, c);
    return EMU_DONE;
}

/* IRET to ring 3: EIP, CS, EFLAGS, ESP, SS; EFLAGS as the guest's CPL 0 may set them. */
static int iret_to_ring3(struct monitor *mon, const uint32_t *w)
{
    uint32_t eflags = vcpu_get_eflags(&mon->v, mon->c);
    vcpu_set_eflags(&mon->v, mon->c, w[2]);
    int rc = return_to_ring3(mon, w[0], w[1], w[3], w[4]);
    if (rc != EMU_DONE)
        vcpu_set_eflags(&mon->v, mon->c, eflags);   /* a faulting IRET changes nothing */
    return rc;
}

/* SDM Vol. 2A IRET (32-bit): pop EIP, CS, EFLAGS, and ESP, SS when the
 * return goes to ring 3.  The guest at its CPL 0 may change IF and IOPL.
 * Only frames the CPU refuses at CPL 1 trap: CS with RPL 0 (#GP), and
 * ring-3 code, which the shadow GDT marks not present (#NP). */
static int emu_iret(struct monitor *mon, const struct cpu_decoded *d)
{
    uint32_t w[5];
    int rc;
    if (d->opsize != 4 || peek_stack(mon, w, 3) < 0)
        return EMU_UNKNOWN;
    if ((w[1] & 3u) == 3) {
        if (peek_stack(mon, w, 5) < 0)
            return EMU_UNKNOWN;
        rc = iret_to_ring3(mon, w);
    } else if ((w[1] & 3u) == 0) {
        rc = return_to_ring0(mon, (uint16_t)w[1], w[0]) < 0 ? fault_gp(mon, w[1] & 0xfffcu) : EMU_DONE;
        if (rc == EMU_DONE) {
            vcpu_set_eflags(&mon->v, mon->c, w[2]);
            mon->c->reg[ESP] += 3 * sizeof(w[0]);
        }
    } else {
        return EMU_UNKNOWN;        /* not ours: the CPU's fault stands */
    }
    if (rc == EMU_DONE) {
        mon->c->icount++;
        mon->c->inhibit_intr = 0;
    }
    return rc;
}

/* SDM Vol. 2B RET (far), CB and CA imm16: pop EIP and CS, release imm16
 * bytes of parameters, and to ring 3 also pop ESP and SS. */
static int emu_retf(struct monitor *mon, const struct cpu_decoded *d)
{
    uint32_t w[4], params = d->opcode == 0xca ? (d->imm & 0xffffu) : 0;
    int rc;
    if (d->opsize != 4 || peek_stack(mon, w, 2) < 0)
        return EMU_UNKNOWN;
    if ((w[1] & 3u) == 3) {
        const struct seg *ss = &mon->c->seg[SEG_SS];
        uint32_t at = mon->c->reg[ESP] + 8 + params;
        if (at + 7 > ss->limit || glin_read(mon, ss->base + at, &w[2], 8) < 0)
            return EMU_UNKNOWN;
        rc = return_to_ring3(mon, w[0], w[1], w[2] + params, w[3]);
    } else if ((w[1] & 3u) == 0) {
        rc = return_to_ring0(mon, (uint16_t)w[1], w[0]) < 0 ? fault_gp(mon, w[1] & 0xfffcu) : EMU_DONE;
        if (rc == EMU_DONE)
            mon->c->reg[ESP] += 8 + params;
    } else {
        return EMU_UNKNOWN;
    }
    if (rc == EMU_DONE) {
        mon->c->icount++;
        mon->c->inhibit_intr = 0;
    }
    return rc;
}

/* SDM Vol. 2B MOV (8E /2) and POP SS (17): SS must be a writable data
 * segment with RPL = DPL = CPL.  The guest's RPL 0 becomes 1; the next
 * instruction runs in the interrupt shadow (Vol. 3A 6.8.3). */
static int emu_load_ss(struct monitor *mon, const struct cpu_decoded *d)
{
    uint16_t sel;
    uint32_t top;
    bool pop = d->opcode == 0x17;
    if (pop ? peek_stack(mon, &top, 1) < 0 : read_operand16(mon, d, &sel) < 0)
        return EMU_UNKNOWN;
    if (pop)
        sel = (uint16_t)top;
    struct seg ss;
    if ((sel & 3u) != 0)
        return EMU_UNKNOWN;
    if (shadow_gdt_segment(mon, sel, &ss) < 0)
        return EMU_UNKNOWN;        /* not present: the CPU's #NP stands */
    if ((ss.attr & SEG_ATTR_CODE) || !(ss.attr & SEG_ATTR_W))
        return fault_gp(mon, sel & 0xfffcu);
    mon->c->seg[SEG_SS] = ss;
    if (pop)
        mon->c->reg[ESP] += d->opsize;
    retire(mon, d);
    mon->c->inhibit_intr = 1;
    return EMU_DONE;
}

/* Which instruction d is, by opcode (the tables above). */
enum mon_insn emu_classify(const struct cpu_decoded *d)
{
    if (d->two_byte) {
        switch (d->opcode) {
        case OP_TWO_BYTE_GROUP6:   /* 0F 00 /2 LLDT, /3 LTR */
            return d->reg == 2 ? INSN_LLDT : d->reg == 3 ? INSN_LTR : INSN_OTHER;
        case OP_TWO_BYTE_GROUP7:   /* 0F 01 /2 LGDT /3 LIDT /6 LMSW /7 INVLPG */
            return d->reg == 2 ? INSN_LGDT : d->reg == 3 ? INSN_LIDT :
                   d->reg == 6 ? INSN_LMSW : d->reg == 7 && d->mod != 3 ? INSN_INVLPG : INSN_OTHER;
        case OP_CLTS:        return INSN_CLTS;          /* 0F 06 */
        case OP_INVD:                                  /* 0F 08 */
        case OP_WBINVD:      return INSN_WBINVD;        /* 0F 09 */
        case OP_MOV_FROM_CR: return INSN_MOV_FROM_CR;   /* 0F 20 */
        case OP_MOV_TO_CR:   return INSN_MOV_TO_CR;     /* 0F 22 */
        case OP_WRMSR:       return INSN_WRMSR;         /* 0F 30 */
        case OP_RDMSR:       return INSN_RDMSR;         /* 0F 32 */
        case OP_CPUID:       return INSN_CPUID;         /* 0F A2 */
        }
        return INSN_OTHER;
    }
    switch (d->opcode) {
    case 0xfa: return INSN_CLI;                         /* FA CLI */
    case 0xfb: return INSN_STI;                         /* FB STI */
    case 0xf4: return INSN_HLT;                         /* F4 HLT */
    case 0xe4: case 0xe5: case 0xec: case 0xed: return INSN_IN;   /* IN */
    case 0xe6: case 0xe7: case 0xee: case 0xef: return INSN_OUT;  /* OUT */
    case 0x6c: case 0x6d: case 0x6e: case 0x6f: return INSN_INS_OUTS;
    case 0xcf: return INSN_IRET;                        /* CF IRET */
    case 0xca: case 0xcb: return INSN_RETF;             /* CA/CB RET far */
    case 0x17: return INSN_MOV_SS;                      /* 17 POP SS */
    case 0x8e: return d->reg == SEG_SS ? INSN_MOV_SS : INSN_OTHER;   /* 8E /2 MOV SS */
    }
    return INSN_OTHER;
}

/* Instructions the guest's CPU runs outside ring 0 too, under rules of
 * their own (IOPL for CLI and STI, the guest's CPUID faulting); every
 * other privileged one is CPL 0 only (SDM Vol. 3A 5.9). */
static bool not_cpl0_only(enum mon_insn insn)
{
    return insn == INSN_CLI || insn == INSN_STI || insn == INSN_CPUID;
}

/* Dispatch the trapped instruction to its emulation (monitor_internal.h). */
int emu_privileged(struct monitor *mon, const struct cpu_decoded *d)
{
    if (mon->v.cpl != 0 && !not_cpl0_only(mon->last_insn))
        return EMU_UNKNOWN;
    switch (mon->last_insn) {
    case INSN_CLI:          return emu_cli(mon, d);
    case INSN_STI:          return emu_sti(mon, d);
    case INSN_LGDT:         return emu_load_dtr(mon, d, true);
    case INSN_LIDT:         return emu_load_dtr(mon, d, false);
    case INSN_LLDT:         return emu_lldt(mon, d);
    case INSN_LTR:          return emu_ltr(mon, d);
    case INSN_MOV_TO_CR:    return emu_mov_to_cr(mon, d);
    case INSN_MOV_FROM_CR:  return emu_mov_from_cr(mon, d);
    case INSN_CLTS:         return emu_clts(mon, d);
    case INSN_LMSW:         return emu_lmsw(mon, d);
    case INSN_INVLPG:       return emu_invlpg(mon, d);
    case INSN_WBINVD:       return emu_nop(mon, d);
    case INSN_RDMSR:        return emu_rdmsr(mon, d);
    case INSN_WRMSR:        return emu_wrmsr(mon, d);
    case INSN_CPUID:        return emu_cpuid(mon);
    case INSN_IRET:         return emu_iret(mon, d);
    case INSN_RETF:         return emu_retf(mon, d);
    case INSN_MOV_SS:       return emu_load_ss(mon, d);
    case INSN_HLT:                 /* monitor.c's own exit cases */
    case INSN_IN:
    case INSN_OUT:
    case INSN_INS_OUTS:
    case INSN_OTHER:
    case INSN_COUNT:        break;
    }
    return EMU_UNKNOWN;
}
