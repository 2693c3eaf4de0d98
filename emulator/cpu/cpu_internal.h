/* cpu_internal.h - what the interpreter's files share with each other (not for CPU users). */
#ifndef TRAPEZE_CPU_INTERNAL_H
#define TRAPEZE_CPU_INTERNAL_H

/*
 * The interpreter is split by concept:
 *
 *   cpu.c      the run loop: fetch, interrupt window, exception catch     (core)
 *   decode.c   prefixes, ModRM, SIB, displacement, immediates             (core)
 *   exec.c     the opcode maps: tables of handlers, one row per opcode    (core)
 *   alu.c      arithmetic and logic with exact flags, lazy flags          (core)
 *   string.c   MOVS/STOS/LODS/CMPS/SCAS/INS/OUTS with REP                 (core)
 *   mem.c/h    segmented and linear memory access, limit checks           (system)
 *   mmu.c      two-level paging, 4 MiB pages, A/D bits, the TLB           (system)
 *   seg.c      descriptor loads with the protection checks                (system)
 *   except.c   exception and interrupt delivery through the IDT, TSS
 *              stack switch, double and triple fault, ring-0 intercept    (system)
 *   control.c  far JMP/CALL/RET, IRET, INT n                              (system)
 *   system.c   LGDT..SMSW, MOV CRn/DRn, CPUID, MSRs, RDTSC, I/O
 *              permission, POPF rules, LAR/LSL/VERR/VERW/ARPL, HLT/CLI/STI (system)
 *   jit.c      the translator's block cache and dispatcher            (optional)
 *   jit_gen.c  guest blocks to x86-64 host code (x64.h: the encoder)   (optional)
 *
 * Faults unwind with cpu_raise(): it records the exception and longjmps back to
 * cpu_run(), which delivers it (or exits) and resumes.  An instruction must
 * therefore do every access that can fault before it changes visible state,
 * so that a faulting instruction is restartable (SDM Vol. 3A 6.5: faults
 * report the CS:EIP of the faulting instruction).
 */

#include "cpu.h"

/* A decoded instruction.  decode.c fills it; exec.c and the system files read it. */
struct insn {
    uint8_t opcode;          /* primary opcode byte (second byte for 0F xx) */
    bool two_byte;           /* 0F escape seen */
    uint8_t opsize;          /* 2 or 4 bytes */
    uint8_t addrsize;        /* 2 or 4 bytes */
    int8_t seg_override;     /* enum cpu_sreg, or -1 */
    uint8_t rep;             /* 0, 0xF2 (REPNE) or 0xF3 (REP/REPE) */
    bool lock;
    bool has_modrm;
    uint8_t mod, reg, rm;    /* ModRM fields */
    int8_t ea_seg;           /* segment of the memory operand (default or override) */
    uint32_t ea;             /* effective address (offset) of the memory operand */
    int8_t ea_base;          /* base register of that address, or -1 (core: POP r/m, SDM 2B) */
    uint32_t imm;            /* first immediate, sign- or zero-extended as the opcode wants */
    uint32_t imm2;           /* second immediate (ENTER, far pointers: the selector) */
    uint32_t next_eip;       /* EIP of the following instruction */
    /* what executes it: its row in exec.c's opcode maps, picked when decoded */
    void (*handler)(struct cpu *c, const struct insn *i);
};

/* Memory operand is a register when mod == 3. */
static inline bool insn_is_reg(const struct insn *i)
{
    return i->mod == 3;
}

/* Forget the fetch window (decode.c): CS, CPL or a translation changed, or
 * the owner may have changed them between two runs. */
static inline void fetch_flush(struct cpu *c)
{
    c->fw_span = c->fw_span16 = 0;
}

/* End cpu.c's fast loop after the current instruction, so that the run loop
 * looks at exit requests, interrupts, HLT, TF and the interrupt shadow
 * before the next one.  Whatever changes those during a run calls this. */
static inline void cpu_kick(struct cpu *c)
{
    c->slice_end = 0;
}

/* --- faults (except.c) ----------------------------------------------------- */

/* Raise exception `vector` with an error code (pass has_error=false for none).
 * Does not return: unwinds to cpu_run(). */
_Noreturn void cpu_raise(struct cpu *c, int vector, bool has_error, uint32_t error);

/* Shorthands for the common cases. */
_Noreturn void cpu_raise_gp(struct cpu *c, uint32_t error);   /* #GP(error) */
_Noreturn void cpu_raise_ud(struct cpu *c);                   /* #UD */

/* Deliver an event through the IDT (or, if c->intercept_ring0, describe it
 * in c->exit and return CPU_EXIT_RING0 without using the IDT).  Called by
 * cpu_run() after a cpu_raise(), for an accepted external interrupt, and by
 * INT n.  Returns the exit reason to
 * stop with, or -1 to keep running. */
int cpu_deliver(struct cpu *c, enum cpu_event_kind kind, int vector,
                bool has_error, uint32_t error);

/* --- memory (mem.c, mmu.c) -------------------------------------------------- */

/* Access kinds for the paging checks, SDM Vol. 3A 4.7 (#PF error code bits). */
#define ACC_WRITE 0x2u       /* W/R */
#define ACC_USER  0x4u       /* U/S: access made at CPL 3 */
#define ACC_FETCH 0x10u      /* I/D (only reported when NX exists; kept for clarity) */
#define ACC_SUPER 0x100u     /* implicit supervisor access (descriptor tables, TSS) */

/* Segmented accesses: check the segment (limit, type), translate, access.
 * Raise #GP/#SS/#PF as the SDM says. */
uint8_t  mem_read8(struct cpu *c, int sreg, uint32_t off);
uint16_t mem_read16(struct cpu *c, int sreg, uint32_t off);
uint32_t mem_read32(struct cpu *c, int sreg, uint32_t off);
void mem_write8(struct cpu *c, int sreg, uint32_t off, uint8_t v);
void mem_write16(struct cpu *c, int sreg, uint32_t off, uint16_t v);
void mem_write32(struct cpu *c, int sreg, uint32_t off, uint32_t v);

/* Operand-size forms, size 1, 2 or 4: mem_read() and mem_write() are
 * inline in mem.h (their fast path). */

/* Instruction fetch at CS:off (checks CS limit, execute access). */
uint8_t mem_fetch8(struct cpu *c, uint32_t off);

/* Linear accesses after segmentation; `acc` is ACC_SUPER for implicit
 * supervisor accesses (GDT, IDT, LDT, TSS), else 0 (CPL decides). */
uint32_t lin_read(struct cpu *c, uint32_t laddr, unsigned size, unsigned acc);
void lin_write(struct cpu *c, uint32_t laddr, uint32_t v, unsigned size, unsigned acc);

/* Physical accesses (RAM or MMIO). */
uint32_t phys_read(struct cpu *c, uint32_t paddr, unsigned size);
void phys_write(struct cpu *c, uint32_t paddr, uint32_t v, unsigned size);

/* Stack: push/pop at SS:ESP with the stack-address size from SS.B. */
/* cpu_push(c, v, size) and cpu_pop(c, size) are inline in mem.h. */

/* Translate a linear address for an access, walking the page tables on a TLB
 * miss and setting A/D bits; raises #PF on failure.  SDM Vol. 3A 4.3. */
uint32_t mmu_translate(struct cpu *c, uint32_t laddr, unsigned acc);

/* TLB maintenance: SDM Vol. 3A 4.10.4. */
void tlb_flush_all(struct cpu *c);          /* including global entries */
void tlb_flush_nonglobal(struct cpu *c);    /* MOV to CR3 */
void tlb_flush_page(struct cpu *c, uint32_t laddr);   /* INVLPG */

/* The translator gained (watch) or lost (!watch) code on physical page
 * `page`: make the write tags of its TLB entries watched, or normal (mmu.c). */
void tlb_watch_frame(struct cpu *c, uint32_t page, bool watch);
void tlb_unwatch_all(struct cpu *c);        /* ... or lost all of it */

/* jit.c: the fast loop with the translator on (cpu.c calls it instead of
 * its own when c->jit is set): runs while icount < slice_end. */
void jit_run(struct cpu *c);

/* --- segments and control transfer (seg.c, control.c) ---------------------- */

/* MOV/POP Sreg, LDS..LGS: load a data or stack segment register with the
 * checks of SDM Vol. 3A 5.4-5.6 and the MOV instruction page. */
void seg_load(struct cpu *c, int sreg, uint16_t sel);

/* Far transfers, SDM Vol. 2A JMP/CALL, Vol. 2B RET/IRET, INT n. */
void ctl_far_jmp(struct cpu *c, uint16_t sel, uint32_t off, const struct insn *i);
void ctl_far_call(struct cpu *c, uint16_t sel, uint32_t off, const struct insn *i);
void ctl_far_ret(struct cpu *c, uint16_t pop_bytes, const struct insn *i);
void ctl_iret(struct cpu *c, const struct insn *i);
void ctl_int(struct cpu *c, int vector, const struct insn *i);   /* INT n, INT3, INTO */

/* --- system instructions (system.c) ------------------------------------------ */

/* Each receives the decoded instruction and performs it fully, including the
 * CPL/IOPL checks, raising the fault the SDM lists when they fail. */
void sys_group6(struct cpu *c, const struct insn *i);   /* 0F 00: SLDT STR LLDT LTR VERR VERW */
void sys_group7(struct cpu *c, const struct insn *i);   /* 0F 01: SGDT SIDT LGDT LIDT SMSW LMSW INVLPG */
void sys_lar_lsl(struct cpu *c, const struct insn *i);  /* 0F 02 LAR, 0F 03 LSL */
void sys_arpl(struct cpu *c, const struct insn *i);     /* 63 ARPL */
void sys_clts(struct cpu *c);                           /* 0F 06 */
void sys_invd(struct cpu *c);                           /* 0F 08 INVD, 0F 09 WBINVD */
void sys_mov_cr(struct cpu *c, const struct insn *i);   /* 0F 20 / 0F 22 */
void sys_mov_dr(struct cpu *c, const struct insn *i);   /* 0F 21 / 0F 23 */
void sys_wrmsr(struct cpu *c);                          /* 0F 30 */
void sys_rdtsc(struct cpu *c);                          /* 0F 31 */
void sys_rdmsr(struct cpu *c);                          /* 0F 32 */
void sys_cpuid(struct cpu *c);                          /* 0F A2 */
void sys_hlt(struct cpu *c);                            /* F4 */
void sys_cli(struct cpu *c);                            /* FA */
void sys_sti(struct cpu *c);                            /* FB */

/* PUSHF/POPF, SDM Vol. 2B: the CPL/IOPL rules for IF, IOPL, VM, RF.
 * At CPL > IOPL, POPF leaves IF unchanged and does not fault. */
uint32_t sys_pushf_value(struct cpu *c);
void sys_popf(struct cpu *c, uint32_t value, unsigned opsize);

/* I/O: check IOPL (and the TSS I/O bitmap), then reach the bus.
 * SDM Vol. 1 18.5.2. */
void io_check(struct cpu *c, uint16_t port, unsigned size);
uint32_t io_in(struct cpu *c, uint16_t port, unsigned size);
void io_out(struct cpu *c, uint16_t port, uint32_t v, unsigned size);

/* --- flags (alu.c) ----------------------------------------------------------- */

/* Fold the lazy arithmetic flags into c->eflags and return them. */
uint32_t flags_materialize(struct cpu *c);

#endif
