/* cpu.h - the IA-32 processor: architectural state and the run interface. */
#ifndef TRAPEZE_CPU_H
#define TRAPEZE_CPU_H

/*
 * The emulated CPU is the hardware of the course.  Whoever owns it (the bare
 * machine in chapter 1, the monitor from chapter 2 on) calls cpu_run(), which
 * executes guest instructions until something needs the owner's attention and
 * then returns an exit reason, the way KVM_RUN does.  Everything architectural
 * is in struct cpu and may be read and written between runs.
 *
 * Guest faults are values: nothing a guest does makes the host process abort.
 */

#include <stdbool.h>
#include <stdint.h>

/* SDM Vol. 2A 2.1.5, table 2-2: general register numbers as ModRM encodes them. */
enum cpu_reg { EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI };

/* SDM Vol. 3A 3.4.2: segment registers as the Sreg field encodes them; LDTR and TR
 * use the same descriptor-cache shape and live in the same array. */
enum cpu_sreg { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR, SEG_TR, SEG_COUNT };

/*
 * EFLAGS, SDM Vol. 1 3.4.3:
 *
 *   31      22 21 20  19  18 17 16 15 14 13-12 11 10  9  8  7  6  5  4  3  2  1  0
 *  +---------+--+---+---+--+--+--+--+--+-----+--+--+--+--+--+--+--+--+--+--+--+--+
 *  |    0    |ID|VIP|VIF|AC|VM|RF| 0|NT|IOPL |OF|DF|IF|TF|SF|ZF| 0|AF| 0|PF| 1|CF|
 *  +---------+--+---+---+--+--+--+--+--+-----+--+--+--+--+--+--+--+--+--+--+--+--+
 */
#define FLAG_CF   0x00000001u
#define FLAG_FIXED 0x00000002u   /* bit 1 always reads as 1 */
#define FLAG_PF   0x00000004u
#define FLAG_AF   0x00000010u
#define FLAG_ZF   0x00000040u
#define FLAG_SF   0x00000080u
#define FLAG_TF   0x00000100u
#define FLAG_IF   0x00000200u
#define FLAG_DF   0x00000400u
#define FLAG_OF   0x00000800u
#define FLAG_IOPL 0x00003000u
#define FLAG_IOPL_SHIFT 12
#define FLAG_NT   0x00004000u
#define FLAG_RF   0x00010000u
#define FLAG_VM   0x00020000u
#define FLAG_AC   0x00040000u
#define FLAG_ID   0x00200000u
#define FLAGS_ARITH (FLAG_CF | FLAG_PF | FLAG_AF | FLAG_ZF | FLAG_SF | FLAG_OF)

/* SDM Vol. 3A 2.5: control register bits we implement. */
#define CR0_PE 0x00000001u
#define CR0_MP 0x00000002u
#define CR0_EM 0x00000004u
#define CR0_TS 0x00000008u
#define CR0_ET 0x00000010u
#define CR0_NE 0x00000020u
#define CR0_WP 0x00010000u
#define CR0_AM 0x00040000u
#define CR0_NW 0x20000000u
#define CR0_CD 0x40000000u
#define CR0_PG 0x80000000u
#define CR4_VME 0x00000001u
#define CR4_PVI 0x00000002u
#define CR4_TSD 0x00000004u
#define CR4_DE  0x00000008u
#define CR4_PSE 0x00000010u
#define CR4_PGE 0x00000080u

/*
 * A segment register: the visible selector and the hidden descriptor cache,
 * SDM Vol. 3A 3.4.3.  `attr` holds bits 8..23 of the descriptor's high dword
 * (the format LAR returns, shifted right by 8):
 *
 *   15  14  13  12  11-8       7   6-5   4   3-0
 *  +---+---+---+---+---------+---+-----+---+------+
 *  | G |D/B| L |AVL|lim 19:16| P | DPL | S | type |
 *  +---+---+---+---+---------+---+-----+---+------+
 *
 * `limit` is the effective byte limit (already scaled by G).
 */
struct seg {
    uint16_t sel;
    uint16_t attr;
    uint32_t base;
    uint32_t limit;
};

#define SEG_ATTR_TYPE(a)  ((a) & 0xf)
#define SEG_ATTR_S        0x0010u   /* 1 = code/data, 0 = system */
#define SEG_ATTR_DPL(a)   (((a) >> 5) & 3)
#define SEG_ATTR_P        0x0080u
#define SEG_ATTR_DB       0x4000u
#define SEG_ATTR_G        0x8000u

/* SDM Vol. 3A 2.4: GDTR and IDTR. */
struct dtr {
    uint32_t base;
    uint16_t limit;
};

/*
 * CPUID faulting (SDM Vol. 4, the MSRs of processors from the Ivy Bridge
 * microarchitecture on; Intel's FlexMigration application note, 2.3.2):
 * MSR_PLATFORM_INFO bit 31 (read-only) says the processor has it, and
 * MSR_MISC_FEATURES_ENABLES bit 0 turns it on: CPUID at CPL > 0 then raises
 * #GP(0) instead of executing.  What makes CPUID trappable by a monitor.
 */
#define MSR_PLATFORM_INFO            0xceu
#define MSR_MISC_FEATURES_ENABLES    0x140u
#define PLATFORM_INFO_CPUID_FAULTING (1u << 31)
#define MISC_FEATURES_CPUID_FAULTING (1u << 0)

/* SDM Vol. 3A 6.3.1: exception vectors. */
enum {
    EXC_DE = 0, EXC_DB = 1, EXC_NMI = 2, EXC_BP = 3, EXC_OF = 4, EXC_BR = 5,
    EXC_UD = 6, EXC_NM = 7, EXC_DF = 8, EXC_TS = 10, EXC_NP = 11, EXC_SS = 12,
    EXC_GP = 13, EXC_PF = 14, EXC_MF = 16, EXC_AC = 17,
};

/*
 * How the CPU reaches the rest of the machine.  Physical addresses below
 * ram_size are RAM and are accessed directly through `ram`; every other
 * physical address goes to mmio_read/mmio_write (which return open bus,
 * 0xffffffff, where nothing decodes).  Port I/O always goes to io_in/io_out.
 * intr_ack is the INTA cycle: called when the CPU accepts an external
 * interrupt (INTR asserted, IF set); it returns the vector.
 */
struct cpu_bus {
    uint8_t *ram;
    uint32_t ram_size;
    void *opaque;
    uint32_t (*mmio_read)(void *opaque, uint32_t paddr, unsigned size);
    void (*mmio_write)(void *opaque, uint32_t paddr, uint32_t val, unsigned size);
    uint32_t (*io_in)(void *opaque, uint16_t port, unsigned size);
    void (*io_out)(void *opaque, uint16_t port, uint32_t val, unsigned size);
    int (*intr_ack)(void *opaque);
};

/* Why cpu_run() returned. */
enum cpu_exit {
    CPU_EXIT_BUDGET,        /* the instruction budget is spent */
    CPU_EXIT_HLT,           /* HLT executed; cpu->halted stays set until an interrupt */
    CPU_EXIT_TRIPLE_FAULT,  /* shutdown: see cpu->exit for the fault that caused it */
    CPU_EXIT_DEBUG,         /* breakpoint address reached (cpu->breakpoints) */
    CPU_EXIT_RING0,         /* intercept_ring0: an event would enter ring 0; see cpu->exit */
    CPU_EXIT_REQUEST,       /* cpu_request_exit() was called (device, timer, reset, debug port) */
};

/* What kind of event an exit or a delivery is about. */
enum cpu_event_kind {
    EVENT_EXCEPTION,        /* a fault or trap raised by an instruction */
    EVENT_EXTINT,           /* an external interrupt accepted from INTR */
    EVENT_SOFTINT,          /* INT n, INT3, INTO */
};

/* Details of the last exit (CPU_EXIT_RING0 and CPU_EXIT_TRIPLE_FAULT). */
struct cpu_exit_info {
    enum cpu_event_kind kind;
    uint8_t vector;
    bool has_error;
    uint32_t error;
    uint32_t cr2;           /* faulting linear address, for #PF */
    uint32_t eip;           /* EIP of the instruction that caused it */
    uint32_t next_eip;      /* EIP after it (INT n returns here) */
};

#define CPU_MAX_BREAKPOINTS 16
#define DCACHE_ENTRIES 2048     /* decoded instructions cached (decode.c) */
#define DCACHE_ENTRY_BYTES 64     /* one cache line */
#define TLB_ENTRIES 256     /* see mmu.c for the TLB geometry */

/*
 * One TLB entry (mmu.c has the geometry): a linear page mapped to the host
 * address of a RAM page.  There is one tag per access class (supervisor
 * read, supervisor write, user read, user write):
 *
 *   laddr | 0xfff        the class may use the entry (TLB_TAG_OF)
 *   laddr | 0xffe        a write class whose page holds translated code
 *                        (jit.c): the translation is good, but every write
 *                        must take the slow path so the translator hears of it
 *   0                    the class must walk the page tables
 *
 * so a lookup is one compare of (laddr | 0xfff) with the tag.  `addend` is
 * the host address of the page minus its linear address: the host address
 * of any byte of the page is addend + laddr.  MMIO pages are never cached.
 */
enum tlb_class { TLB_SUPER_READ, TLB_SUPER_WRITE, TLB_USER_READ, TLB_USER_WRITE, TLB_CLASSES };
#define TLB_TAG_OF(laddr)     ((laddr) | 0xfffu)
#define TLB_TAG_WATCHED(page) (((page) & ~0xfffu) | 0xffeu)
struct tlb_entry {
    uint32_t tag[TLB_CLASSES];
    uint32_t paddr;         /* physical page */
    bool global;            /* PTE.G with CR4.PGE: survives MOV to CR3 */
    bool large;             /* a piece of a 4-MiByte page (INVLPG drops all pieces) */
    uintptr_t addend;       /* host address of the page - its linear address */
};

struct cpu {
    /* --- architectural state ------------------------------------------ */
    uint32_t reg[8];              /* EAX..EDI */
    uint32_t eip;
    uint32_t eflags;              /* authoritative except the arithmetic flags: use cpu_get_eflags() */
    struct seg seg[SEG_COUNT];    /* ES CS SS DS FS GS LDTR TR */
    struct dtr gdtr, idtr;
    uint32_t cr0, cr2, cr3, cr4;
    uint32_t dr[8];
    uint32_t sysenter_cs, sysenter_esp, sysenter_eip;   /* MSRs 174h-176h */
    uint32_t apic_base;           /* IA32_APIC_BASE, MSR 1Bh */
    uint32_t misc_features;       /* MSR_MISC_FEATURES_ENABLES, MSR 140h (CPUID faulting) */
    int cpl;                      /* current privilege level, SDM 3A 5.5: the RPL of CS */

    /* --- time and run state --------------------------------------------- */
    /* From inside a run (a device callback), change intr and exit_request
     * only through cpu_set_intr() and cpu_request_exit(): the run loop
     * learns of them that way.  Between runs, anything may be written. */
    uint64_t icount;              /* instructions retired */
    uint64_t idle;                /* virtual time skipped while halted */
    bool halted;
    bool intr;                    /* level of the INTR pin */
    bool exit_request;            /* cpu_request_exit() was called */
    bool intercept_ring0;         /* exit instead of entering ring 0 (the monitor owns it) */
    uint8_t inhibit_intr;         /* STI / MOV SS interrupt shadow, SDM 3A 6.8.3 */
    struct cpu_exit_info exit;

    /* --- debugging and statistics -------------------------------------- */
    uint32_t breakpoints[CPU_MAX_BREAKPOINTS];
    int nbreakpoints;
    uint64_t stat_vectors[256];   /* events delivered (or exited on) per vector, for --stats */

    /* --- the machine ---------------------------------------------------- */
    struct cpu_bus bus;

    /* --- interpreter internals (see cpu_internal.h) --------------------- */
    uint8_t lazy_op;              /* lazy arithmetic flags (alu.h): the kind of operation, */
    uint8_t lazy_size;            /* its operand size in bytes (next to lazy_op: one store sets both), */
    uint32_t lazy_res, lazy_src, lazy_dst, lazy_cf;   /* its result, operands and carry in */
    struct {                      /* flags before a read-modify-write whose write may fault */
        uint32_t op, res, src, dst, cf, eflags;
        uint8_t size;
        bool valid;
    } lazy_undo;
    bool bp_skip;                 /* resuming at bp_skip_eip after CPU_EXIT_DEBUG */
    uint32_t bp_skip_eip;
    /* fetch window, private to decode.c: EIPs fw_eip .. fw_eip + fw_span - 1
     * are inside the CS limit and on one RAM page, whose byte for fw_eip is
     * at fw_host; fw_dflt is CS.D's default size (2 or 4).  fw_span = 0: empty.
     * The first fw_span16 of them have 16 window bytes from theirs on. */
    const uint8_t *fw_host;
    uint32_t fw_eip, fw_span, fw_span16;
    uint8_t fw_dflt;
    /* decoded-instruction cache, private to decode.c (which checks the size) */
    _Alignas(64) unsigned char dcache[DCACHE_ENTRIES * DCACHE_ENTRY_BYTES];
    uint32_t insn_eip;            /* EIP of the instruction being executed */
    uint64_t slice_end;           /* cpu.c: the fast loop runs while icount < slice_end */
    struct tlb_entry tlb[TLB_ENTRIES];
    void *jmp;                    /* jmp_buf of the running cpu_run, or NULL */
    bool exit_pending;            /* except.c: INT n ended in an exit; cpu_deliver returns it next */
    enum cpu_exit pending_exit;
    uint64_t tsc_offset;          /* system.c: WRMSR 10h moves the TSC away from cpu_vtime() */

    /* --- the translator (jit.c), NULL when the interpreter runs alone ----- */
    struct jit *jit;
    uint8_t *code_frames;         /* per physical page: nonzero if it holds translated code */
    uint32_t jit_frames;          /* pages code_frames covers */
    /* per data segment ES..GS, for reads [0] and writes [1]: translated code
     * may access offsets below this without segment checks (jit.c) */
    uint64_t seg_fast_end[2][SEG_GS + 1];
};

/* Power-on reset, SDM Vol. 3A 9.1.1: real-address mode at F000:FFF0 with the
 * given bus.  Returns 0. */
int cpu_init(struct cpu *c, const struct cpu_bus *bus);

/* Put the CPU in the state a Multiboot loader leaves it in (Multiboot 1
 * spec 3.2): protected mode, paging off, flat 4 GiB code (selector 0x08) and
 * data (0x10) segments at CPL 0, IF clear.  The GDT itself is not in memory:
 * the caller writes one and sets gdtr if the guest may reload segments. */
void cpu_set_flat32(struct cpu *c);

/* Run until an exit or until max_insns instructions have retired. */
enum cpu_exit cpu_run(struct cpu *c, uint64_t max_insns);

/* Execute exactly one instruction (or deliver one pending event). */
enum cpu_exit cpu_step(struct cpu *c);

/* EFLAGS with the lazily computed arithmetic flags folded in. */
uint32_t cpu_get_eflags(struct cpu *c);

/* Replace EFLAGS wholesale, no privilege checks (for loaders, tests, monitors). */
void cpu_set_eflags(struct cpu *c, uint32_t eflags);

/* Drive the INTR pin; the CPU samples it between instructions. */
void cpu_set_intr(struct cpu *c, bool level);

/* Ask cpu_run() to return CPU_EXIT_REQUEST after the current instruction. */
void cpu_request_exit(struct cpu *c);

/* Load a segment register's selector and cache directly, with no checks. */
void cpu_load_seg_raw(struct cpu *c, enum cpu_sreg s, uint16_t sel,
                      uint32_t base, uint32_t limit, uint16_t attr);

/* Drop every TLB entry (after the owner edits CR3/CR0/CR4 or page tables). */
void cpu_tlb_flush(struct cpu *c);

/* Drop the TLB's translation of one linear page, as INVLPG does (after the
 * owner edits one page-table entry and wants only that page forgotten). */
void cpu_tlb_flush_page(struct cpu *c, uint32_t laddr);

/* Translate a linear address as a supervisor read would, with no side
 * effects (no A/D bits, no fault).  Returns 0 and sets *paddr, or -1. */
int cpu_translate(struct cpu *c, uint32_t laddr, uint32_t *paddr);

/* Copy between host memory and guest linear memory with cpu_translate()
 * semantics (for debuggers and monitors).  Return 0, or -1 at the first
 * unmapped byte. */
int cpu_read_linear(struct cpu *c, uint32_t laddr, void *buf, uint32_t len);
int cpu_write_linear(struct cpu *c, uint32_t laddr, const void *buf, uint32_t len);

/*
 * A decoded instruction, for monitors that emulate what traps (chapter 2):
 * the interpreter's own decoder, exposed read-only (decode_api.c).
 */
struct cpu_decoded {
    uint8_t opcode;          /* primary opcode byte (second byte for 0F xx) */
    bool two_byte;           /* 0F escape seen */
    uint8_t opsize;          /* operand size: 2 or 4 bytes */
    uint8_t addrsize;        /* address size: 2 or 4 bytes */
    uint8_t rep;             /* 0, 0xF2 or 0xF3 */
    bool has_modrm;
    uint8_t mod, reg, rm;    /* ModRM fields */
    int8_t seg;              /* enum cpu_sreg of the memory operand */
    uint32_t ea;             /* effective address (offset) of the memory operand */
    uint32_t imm, imm2;      /* immediates (imm2: a far pointer's selector) */
    uint32_t length;         /* bytes */
};

/* Decode the instruction at CS:EIP without executing it.  Returns 0, or -1
 * if its bytes cannot be fetched (the fault is not delivered). */
int cpu_decode(struct cpu *c, struct cpu_decoded *out);

/*
 * The execution engine.  The interpreter always works; on an x86-64 host the
 * CPU can also translate guest code into host code a block at a time
 * (jit.c), which runs the same instructions with the same results, faults and
 * instruction counts, several times faster.  cpu_jit_enable() switches the
 * translator on (call it after cpu_init); it returns 0, or -1 with a message
 * in err when this host cannot translate.  cpu_jit_disable() frees it.
 */
int cpu_jit_enable(struct cpu *c, char *err, unsigned errlen);
void cpu_jit_disable(struct cpu *c);

/* The owner wrote guest RAM behind the CPU's back (a monitor, a debugger, a
 * loader): forget any translation of those bytes.  Writes made by the CPU
 * itself, and by cpu_write_linear(), need no call. */
void cpu_ram_written(struct cpu *c, uint32_t paddr, uint32_t len);

/* What the translator did, for --stats (all 0 without it). */
struct cpu_jit_stats {
    uint64_t blocks;              /* blocks translated */
    uint64_t guest_insns;         /* guest instructions in them */
    uint64_t invalidated;         /* blocks dropped because their code was written */
    uint64_t flushes;             /* times the whole code cache was emptied */
    uint64_t links;               /* direct jumps patched between blocks */
    uint64_t steps;               /* instructions the translator left to the interpreter */
    uint64_t code_bytes;          /* host code in use */
};
void cpu_jit_get_stats(const struct cpu *c, struct cpu_jit_stats *out);

/* Virtual time: instructions retired plus time skipped while halted. */
static inline uint64_t cpu_vtime(const struct cpu *c)
{
    return c->icount + c->idle;
}

#endif
