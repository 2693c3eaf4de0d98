/* jit_gen.c - translate a block of guest instructions into x86-64 host code. */

/*
 * The translator reads guest instructions with the interpreter's own decoder
 * and writes, for each one, host code that does what the interpreter's
 * handler would do -- with the same results, flags, faults and instruction
 * count -- but without decoding, dispatching or computing operands at run
 * time.  What the host code may assume, and what it must leave behind:
 *
 *   RBP        struct cpu *c.  Guest registers live in c->reg[] (memory),
 *              so a guest register is the operand [rbp + 4r] and the host
 *              state needs no saving around calls.
 *   R12..R15   the lazy flags of the last flag-setting instruction in this
 *              block: carry-in, dst, src, res (alu.h's lazy_cf, lazy_dst,
 *              lazy_src, lazy_res).  Which kind of operation they describe
 *              is known here, at translation time (struct gen, `pend`), so
 *              an instruction that sets flags costs a few register moves;
 *              the record is written to c->lazy_* ("spilled") only where
 *              somebody else could read it: at the exits of the block and
 *              before calling C.
 *   RAX..R11   scratch.
 *
 * Every translated instruction has two parts.  First the checks: each memory
 * access makes the interpreter's fast-path tests (data segment usable, offset
 * below the limit, TLB hit for this access class, access within one page);
 * any that fails jumps to a "bail" stub, which leaves the block with the
 * guest exactly at this instruction, so that the interpreter runs it with all
 * its slow paths -- page walks, faults, MMIO, watched pages.  Then the
 * commit, which cannot fail.  So translated code never raises a fault
 * itself, and a fault always finds the state the SDM says (Vol. 3A 6.5: a
 * faulting instruction changes nothing).
 *
 * Instructions without a translation here call their interpreter handler,
 * with a copy of the decoded instruction (its effective address filled in at
 * run time): pure data instructions continue the block afterwards, anything
 * that may change control flow, segments, IF or the mode ends it.
 */

#include <stddef.h>

#include "alu.h"
#include "dcache.h"
#include "exec.h"
#include "jit_internal.h"
#include "x64.h"

/* Where things are in struct cpu, for the host code. */
#define OFF(field)       ((int32_t)offsetof(struct cpu, field))
#define OFF_REG(r)       (OFF(reg) + 4 * (int32_t)(r))
#define OFF_TLB          OFF(tlb)
#define OFF_TLB_ADDEND   ((int32_t)offsetof(struct tlb_entry, addend))

_Static_assert(sizeof(struct tlb_entry) == 32 && TLB_ENTRIES == 256,
               "the translator indexes the TLB as (laddr >> 7) & 0x1fe0");
_Static_assert(offsetof(struct cpu, lazy_size) == offsetof(struct cpu, lazy_op) + 1,
               "one 16-bit store writes lazy_op and lazy_size");

/* Host registers with a fixed role (see the top of the file). */
enum {
    R_CPU = X_RBP, R_LCF = X_R12, R_LDST = X_R13, R_LSRC = X_R14, R_LRES = X_R15,
    R_OFF = X_RSI, R_HOST = X_RDI,      /* memory operand: offset, host base */
    R_OFF2 = X_R8, R_HOST2 = X_R9,      /* a second one (PUSH m) */
    R_TMP = X_RCX,                      /* used by the checks */
    R_CARRY = X_R11,                    /* a condition or carry computed early */
};

/* What the lazy-flag registers describe (struct gen.pend). */
enum pend {
    P_MEM,      /* nothing: c->lazy_* and c->eflags hold the flags */
    P_ADD, P_ADC, P_SUB, P_SBB, P_INC, P_DEC,
    P_LOGIC,    /* LAZY_RES with no CF/OF/AF: R15 only */
    P_RES,      /* LAZY_RES: R15, with the CF/OF/AF bits in R14 */
};

/* One translation in progress. */
struct gen {
    struct cpu *c;
    struct jit *j;
    struct jit_block *b;
    struct x64 m, cold;            /* main code, stubs */
    enum pend pend;
    unsigned psize;                /* operand size of the pending operation */
    bool hostflags;                /* host EFLAGS equal the guest's arithmetic flags now */
    unsigned k;                    /* index of the instruction being translated */
    uint32_t eip, next;            /* its EIP and the next one */
    const struct insn *i;
    const struct ea_recipe *ea;
    uint8_t *bail;                 /* its bail stub, once made */
    unsigned nlinks;
    uint8_t *icount_sites[2 * JIT_BLOCK_INSNS + 2];   /* imm32s that become n - k */
    unsigned icount_k[2 * JIT_BLOCK_INSNS + 2];
    unsigned nsites;
    bool user, ss32;
    uint32_t page_lo, page_hi;     /* EIPs of this block's code page inside the CS limit */
    /* flag liveness (jit_translate's two passes): what each instruction was
     * seen to do with the flags in pass 1, and whose CF nobody reads */
    uint8_t fx[JIT_BLOCK_INSNS];
    const bool *cf_dead;
};

/* What an instruction's host code does with the guest's flags (gen.fx). */
enum {
    FX_EXIT = 1,        /* may leave the block or call C: the record must be right */
    FX_READ = 2,        /* reads them */
    FX_WRITE_CF = 4,    /* sets CF (and the others) without reading any */
    FX_CARRY = 8,       /* INC/DEC: CF passes through it */
};

/* --- small emitters -------------------------------------------------------- */

static struct x64_op greg(unsigned r)          { return x_mem(R_CPU, OFF_REG(r)); }
static struct x64_op cpu_field(int32_t off)    { return x_mem(R_CPU, off); }

/* A guest register as ModRM numbers it, for an operand of `size` bytes
 * (SDM Vol. 2A table 2-2: byte registers 4-7 are AH CH DH BH). */
static struct x64_op guest_reg(unsigned r, unsigned size)
{
    if (size == 1)
        return x_mem(R_CPU, OFF_REG(r & 3) + ((r & 4) ? 1 : 0));
    return greg(r);
}

/* Load a value of `size` bytes, zero-extended, into host register `dst`. */
static void load_zx(struct x64 *x, unsigned size, int dst, struct x64_op src)
{
    if (size == 4)
        x_mov_load(x, 4, dst, src);
    else
        x_movzx(x, size, dst, src);
}

/* `sub/add qword [rbp + icount], n - k`: the imm32 is filled in when the
 * block's length n is known (finish_icount). */
static void icount_adjust(struct gen *g, struct x64 *x, enum x64_alu op, unsigned k)
{
    x_op(x, 8, 0x81, op, cpu_field(OFF(icount)));
    if (g->nsites < sizeof g->icount_sites / sizeof g->icount_sites[0]) {
        g->icount_sites[g->nsites] = x->p;
        g->icount_k[g->nsites++] = k;
    } else {
        x->full = true;
    }
    x_u32(x, 0);
}

/* Leave translated code with exit code `code` (JMP to the trampoline's exit). */
static void jump_exit(struct gen *g, struct x64 *x, enum jit_exit_code code)
{
    x_mov_r32_imm(x, X_RAX, code);
    uint8_t *site = x_jmp(x);
    if (!x->full)
        x_patch_rel32(site, g->j->exit);
}

/* Point the jump at `site` (in main code) to `to`. */
static void patch(struct x64 *x, uint8_t *site, const uint8_t *to)
{
    if (!x->full)
        x_patch_rel32(site, to);
}

/* --- the lazy flags ---------------------------------------------------------- */

/* alu.h's kind for a pending operation. */
static enum lazy_kind lazy_of_pend(enum pend p)
{
    static const enum lazy_kind kind[] = {
        [P_ADD] = LAZY_ADD, [P_ADC] = LAZY_ADC, [P_SUB] = LAZY_SUB, [P_SBB] = LAZY_SBB,
        [P_INC] = LAZY_INC, [P_DEC] = LAZY_DEC, [P_LOGIC] = LAZY_RES, [P_RES] = LAZY_RES,
    };
    return kind[p];
}

/* Write the pending flag record to c->lazy_*, exactly as the interpreter's
 * lazy_set() would have left it (so flags_materialize() gives the same
 * EFLAGS).  Emitted into x (main code or a stub); changes no host flags. */
static void spill_into(struct gen *g, struct x64 *x)
{
    enum pend p = g->pend;

    g->fx[g->k] |= FX_EXIT;
    if (p == P_MEM)
        return;
    x_op(x, 2, 0xc7, 0, cpu_field(OFF(lazy_op)));               /* MOV word: op and size */
    x_imm(x, 2, (uint32_t)lazy_of_pend(p) | g->psize << 8);
    x_mov_store(x, 4, cpu_field(OFF(lazy_res)), R_LRES);
    if (p == P_LOGIC) {
        x_mov_imm_rm(x, 4, cpu_field(OFF(lazy_src)), 0);
        return;
    }
    if (p == P_RES) {
        x_mov_store(x, 4, cpu_field(OFF(lazy_src)), R_LSRC);
        return;
    }
    x_mov_store(x, 4, cpu_field(OFF(lazy_dst)), R_LDST);
    if (p == P_INC || p == P_DEC)
        x_mov_imm_rm(x, 4, cpu_field(OFF(lazy_src)), 1);
    else
        x_mov_store(x, 4, cpu_field(OFF(lazy_src)), R_LSRC);
    if (p == P_ADC || p == P_SBB || p == P_INC || p == P_DEC)
        x_mov_store(x, 4, cpu_field(OFF(lazy_cf)), R_LCF);
}

/* Spill in main code; from here on c->lazy_* is the truth. */
static void spill(struct gen *g)
{
    spill_into(g, &g->m);
    g->pend = P_MEM;
}

/* Recompute host flags equal to the pending operation's guest flags, from the
 * lazy registers: the host instruction that produced them, run again (SDM
 * Vol. 1 3.4.3.1: the host computes the same flags from the same operands).
 * Returns false when the kind cannot be redone this way (P_MEM, P_RES). */
static bool redo_flags(struct gen *g)
{
    struct x64 *x = &g->m;
    unsigned s = g->psize;

    switch (g->pend) {
    case P_SUB:
        x_alu_reg_rm(x, XA_CMP, s, R_LDST, x_reg(R_LSRC));
        return true;
    case P_ADD:
    case P_ADC:
    case P_SBB:
        if (g->pend != P_ADD)
            x_bt_imm(x, 4, x_reg(R_LCF), 0);                     /* CF = carry in */
        x_mov_rr(x, 4, X_RAX, R_LDST);
        x_alu_reg_rm(x, g->pend == P_ADD ? XA_ADD : g->pend == P_ADC ? XA_ADC : XA_SBB,
                     s, X_RAX, x_reg(R_LSRC));
        return true;
    case P_INC:
    case P_DEC:
        x_bt_imm(x, 4, x_reg(R_LCF), 0);                         /* INC/DEC keep CF */
        x_mov_rr(x, 4, X_RAX, R_LDST);
        if (g->pend == P_INC)
            x_inc(x, s, x_reg(X_RAX));
        else
            x_dec(x, s, x_reg(X_RAX));
        return true;
    case P_LOGIC:
        x_test_rm_reg(x, s, x_reg(R_LRES), R_LRES);              /* CF = OF = 0 */
        return true;
    default:
        return false;
    }
}

/*
 * Make the host flags answer guest condition `cc` (tttn, SDM Vol. 2A
 * B.1.4.7) and return the host condition to test.  With the flags still in
 * the host EFLAGS from the previous instruction this emits nothing; else it
 * redoes the operation, or for a record in memory calls the interpreter's
 * alu_cond_slow() and tests its answer.
 */
static enum x64_cc cond(struct gen *g, unsigned cc, bool hostflags)
{
    struct x64 *x = &g->m;
    unsigned test = cc >> 1;

    g->fx[g->k] |= FX_READ;
    if (hostflags && g->pend != P_MEM && g->pend != P_RES)
        return (enum x64_cc)cc;
    if (redo_flags(g))
        return (enum x64_cc)cc;
    if (g->pend == P_RES && (test == 2 || test == 4 || test == 5)) {
        x_test_rm_reg(x, g->psize, x_reg(R_LRES), R_LRES);     /* ZF SF PF from res */
        return (enum x64_cc)cc;
    }
    if (g->pend == P_RES && test <= 1) {                       /* O or B: one bit of R14 */
        x_bt_imm(x, 4, x_reg(R_LSRC), test == 0 ? 11 : 0);     /* FLAG_OF, FLAG_CF */
        return (cc & 1) ? CC_AE : CC_B;
    }
    spill(g);
    x_mov_rr(x, 8, X_RDI, R_CPU);
    x_mov_r32_imm(x, X_RSI, cc);
    x_call(x, (const void *)alu_cond_slow);
    x_test_rm_reg(x, 1, x_reg(X_RAX), X_RAX);
    return CC_NE;
}

/* The guest's CF into R_CARRY (0 or 1), before anything else of the
 * instruction, for ADC and SBB, which use it, and INC and DEC, which only
 * hand it on (FX_CARRY: for the flag liveness that is no read). */
static void carry_in(struct gen *g, bool hostflags, bool hand_on)
{
    uint8_t fx = g->fx[g->k];
    enum x64_cc cc = cond(g, CC_B, hostflags);

    if (hand_on)
        g->fx[g->k] = (uint8_t)((g->fx[g->k] & ~FX_READ) | fx | FX_CARRY);
    x_setcc(&g->m, cc, x_reg(R_CARRY));
    x_movzx(&g->m, 1, R_CARRY, x_reg(R_CARRY));
}

/* The instruction leaves a new flag record of kind p in R12..R15. */
static void set_pend(struct gen *g, enum pend p, unsigned size)
{
    g->pend = p;
    g->psize = size;
    if (p != P_INC && p != P_DEC)
        g->fx[g->k] |= FX_WRITE_CF;
}

/* --- leaving the block -------------------------------------------------------- */

/* This instruction's bail stub: back to the dispatcher with the guest at
 * this instruction and this block's instructions before it retired. */
static uint8_t *bail_stub(struct gen *g)
{
    struct x64 *x = &g->cold;

    if (g->bail)
        return g->bail;
    g->bail = x->p;
    spill_into(g, x);
    icount_adjust(g, x, XA_SUB, g->k);
    x_mov_imm_rm(x, 4, cpu_field(OFF(eip)), g->eip);
    jump_exit(g, x, JIT_EXIT_STEP);
    return g->bail;
}

/* Jump to the bail stub when host condition cc holds. */
static void bail_if(struct gen *g, enum x64_cc cc)
{
    uint8_t *site = x_jcc(&g->m, cc);
    patch(&g->m, site, bail_stub(g));
}

/* Is `eip` on this block's code page (and inside the CS limit), so that a
 * jump there may be linked straight to its block? */
static bool on_page(const struct gen *g, uint32_t eip)
{
    return eip >= g->page_lo && eip <= g->page_hi;
}

/* The block is over and the guest goes on at `target`, a constant: spill,
 * then a JMP that the dispatcher links to the target's block later (same
 * page), or a plain exit.  Every instruction of the block has retired. */
static void exit_to(struct gen *g, uint32_t target)
{
    struct x64 *x = &g->m;

    spill(g);
    if (!on_page(g, target) || g->nlinks >= 2) {
        x_mov_imm_rm(x, 4, cpu_field(OFF(eip)), target);
        jump_exit(g, x, JIT_EXIT_JUMP);
        return;
    }
    struct jit_link *l = &g->b->out[g->nlinks];
    l->site = x_jmp(x);
    l->stub = g->cold.p;
    l->target_eip = target;
    patch(x, l->site, l->stub);
    x_mov_imm_rm(&g->cold, 4, cpu_field(OFF(eip)), target);
    x_mov_r64_imm(&g->cold, X_RDX, (uint64_t)(uintptr_t)g->b);
    jump_exit(g, &g->cold, g->nlinks == 0 ? JIT_EXIT_LINK0 : JIT_EXIT_LINK1);
    g->nlinks++;
}

/* The block is over at a computed target already stored in c->eip. */
static void exit_indirect(struct gen *g)
{
    spill(g);
    jump_exit(g, &g->m, JIT_EXIT_JUMP);
}

/* --- memory operands ------------------------------------------------------------- */

/* Compute the effective address of the instruction's memory operand into
 * R_OFF (32 bits, wrapped to the address size), from its recipe. */
static void gen_ea(struct gen *g)
{
    struct x64 *x = &g->m;
    const struct insn *i = g->i;
    const struct ea_recipe *ea = g->ea;
    int32_t disp = (int32_t)ea->disp;

    if (i->ea_base >= 0 && ea->index >= 0) {
        x_mov_load(x, 4, R_OFF, greg((unsigned)i->ea_base));
        x_mov_load(x, 4, R_TMP, greg((unsigned)ea->index));
        x_lea(x, 4, R_OFF, x_memi(R_OFF, R_TMP, ea->scale, disp));
    } else if (i->ea_base >= 0) {
        x_mov_load(x, 4, R_OFF, greg((unsigned)i->ea_base));
        if (disp != 0)
            x_lea(x, 4, R_OFF, x_mem(R_OFF, disp));
    } else if (ea->index >= 0) {
        x_mov_load(x, 4, R_OFF, greg((unsigned)ea->index));
        if (ea->scale)
            x_shift_imm(x, XS_SHL, 4, x_reg(R_OFF), ea->scale);
        if (disp != 0)
            x_lea(x, 4, R_OFF, x_mem(R_OFF, disp));
    } else {
        x_mov_r32_imm(x, R_OFF, (uint32_t)disp);
    }
    if (i->addrsize == 2)
        x_movzx(x, 2, R_OFF, x_reg(R_OFF));
}

/*
 * The fast-path checks of an access of `size` bytes at offset `off` (a host
 * register) in segment `seg`, as mem_fast() makes them (mem.h), bailing
 * when one fails; on success [host + off] is the guest byte.
 *   - c->seg_fast_end[write][seg] (jit.c) is 0 unless the segment is a
 *     usable flat data segment (writable, for a write), and bounds the
 *     offsets whose whole access is inside the limit (SDM Vol. 3A 5.3);
 *   - the TLB entry for the page must have this access class's tag, and the
 *     tag of the access's last byte's page: so an access that crosses into
 *     the next page misses too.
 */
static void check_access(struct gen *g, int seg, int off, int host, unsigned size, bool write)
{
    struct x64 *x = &g->m;
    unsigned cls = (g->user ? TLB_USER_READ : TLB_SUPER_READ) + (write ? 1 : 0);

    x_alu_reg_rm(x, XA_CMP, 8, off, cpu_field(OFF(seg_fast_end) + 8 * (write * 6 + seg)));
    bail_if(g, CC_AE);
    x_mov_rr(x, 4, host, off);
    x_shift_imm(x, XS_SHR, 4, x_reg(host), 7);
    x_alu_imm(x, XA_AND, 4, x_reg(host), 0x1fe0);               /* entry * 32 */
    if (size > 1)
        x_lea(x, 4, R_TMP, x_mem(off, (int32_t)size - 1));
    else
        x_mov_rr(x, 4, R_TMP, off);
    x_alu_imm(x, XA_OR, 4, x_reg(R_TMP), 0xfff);                /* TLB_TAG_OF */
    x_alu_reg_rm(x, XA_CMP, 4, R_TMP, x_memi(R_CPU, host, 0, OFF_TLB + 4 * (int32_t)cls));
    bail_if(g, CC_NE);
    x_mov_load(x, 8, host, x_memi(R_CPU, host, 0, OFF_TLB + OFF_TLB_ADDEND));
}

/* The guest memory operand after check_access: [host + off]. */
static struct x64_op guest_mem(int off, int host)
{
    return x_memi(host, off, 0, 0);
}

/* Check the instruction's r/m operand if it is memory (EA into R_OFF). */
static void check_rm(struct gen *g, unsigned size, bool write)
{
    if (insn_is_reg(g->i))
        return;
    gen_ea(g);
    check_access(g, g->i->ea_seg, R_OFF, R_HOST, size, write);
}

/* The r/m operand, register or (checked) memory. */
static struct x64_op rm_op(const struct gen *g, unsigned size)
{
    return insn_is_reg(g->i) ? guest_reg(g->i->rm, size) : guest_mem(R_OFF, R_HOST);
}

/* The stack pointer as the stack-address size sees it (SDM Vol. 1 6.2: SS.B). */
static void stack_addr(struct gen *g, int off, int32_t delta)
{
    struct x64 *x = &g->m;

    x_mov_load(x, 4, off, greg(ESP));
    if (delta != 0)
        x_lea(x, 4, off, x_mem(off, delta));
    if (!g->ss32)
        x_movzx(x, 2, off, x_reg(off));
}

/* ESP = (the host register `off`) + delta, only SP on a 16-bit stack. */
static void set_esp(struct gen *g, int off, int32_t delta)
{
    struct x64 *x = &g->m;

    if (delta != 0)
        x_lea(x, 4, off, x_mem(off, delta));
    x_mov_store(x, g->ss32 ? 4 : 2, greg(ESP), off);
}

/* --- handler calls ----------------------------------------------------------------- */

/* Which instructions may call their interpreter handler and then let the
 * block go on: those that only compute (registers, flags, memory), never
 * change EIP, segments, IF/TF, CPL or the machine, and never ask the run
 * loop to look (cpu_kick).  Everything else ends the block after the call. */
static bool call_continues(const struct insn *i)
{
    uint8_t op = i->opcode;

    if (i->two_byte)
        return (op >= 0x18 && op <= 0x1f) || (op >= 0x40 && op <= 0x4f) ||
               (op >= 0x90 && op <= 0x9f) || op == 0xa3 || op == 0xa4 || op == 0xa5 ||
               op == 0xab || op == 0xac || op == 0xad || op == 0xaf || op == 0xb0 ||
               op == 0xb1 || op == 0xb3 || op == 0xb6 || op == 0xb7 || op == 0xba ||
               (op >= 0xbb && op <= 0xc1) || op == 0xc7 || (op >= 0xc8 && op <= 0xcf);
    if ((op >= 0xa4 && op <= 0xa7) || (op >= 0xaa && op <= 0xaf))
        return i->rep == 0;                           /* REP strings stop and restart */
    if (op == 0xff)
        return i->reg <= 1 || i->reg == 6;            /* INC DEC PUSH, not CALL/JMP */
    return op < 0x06 || (op >= 0x08 && op <= 0x0d) || (op >= 0x10 && op <= 0x15) ||
           (op >= 0x18 && op <= 0x1d) || (op >= 0x20 && op <= 0x25) || op == 0x27 ||
           (op >= 0x28 && op <= 0x2d) || op == 0x2f || (op >= 0x30 && op <= 0x35) ||
           op == 0x37 || (op >= 0x38 && op <= 0x3d) || op == 0x3f ||
           (op >= 0x40 && op <= 0x62) || (op >= 0x68 && op <= 0x6b) ||
           (op >= 0x80 && op <= 0x8b) || op == 0x8d || op == 0x8f ||
           (op >= 0x90 && op <= 0x99) || op == 0x9e || op == 0x9f ||
           (op >= 0xa0 && op <= 0xa3) || op == 0xa8 || op == 0xa9 ||
           (op >= 0xb0 && op <= 0xc1) || (op >= 0xc6 && op <= 0xc9) ||
           (op >= 0xd0 && op <= 0xd5) || op == 0xd7 || op == 0xf5 || op == 0xf6 ||
           op == 0xf7 || op == 0xf8 || op == 0xf9 || op == 0xfc || op == 0xfd || op == 0xfe;
}

/*
 * Run the instruction through its interpreter handler.  The state the handler
 * sees is the interpreter's: flags spilled, c->insn_eip on the instruction,
 * c->eip on the next, icount counting the instructions before it (so a fault
 * it raises, or RDTSC, sees exactly what the interpreter would).  Returns
 * true if the block may go on after it.
 */
static bool gen_call(struct gen *g)
{
    struct x64 *x = &g->m;
    struct jit *j = g->j;
    bool cont = call_continues(g->i);

    if (j->ncalls >= JIT_MAX_CALLS) {
        x->full = true;
        return false;
    }
    struct insn *copy = &j->calls[j->ncalls++];
    *copy = *g->i;
    copy->next_eip = g->next;
    spill(g);
    if (!insn_is_reg(g->i) && g->i->has_modrm) {
        gen_ea(g);
        x_mov_r64_imm(x, X_RAX, (uint64_t)(uintptr_t)copy);
        x_mov_store(x, 4, x_mem(X_RAX, (int32_t)offsetof(struct insn, ea)), R_OFF);
    }
    x_mov_imm_rm(x, 4, cpu_field(OFF(insn_eip)), g->eip);
    x_mov_imm_rm(x, 4, cpu_field(OFF(eip)), g->next);
    icount_adjust(g, x, XA_SUB, g->k);
    x_mov_rr(x, 8, X_RDI, R_CPU);
    x_mov_r64_imm(x, X_RSI, (uint64_t)(uintptr_t)copy);
    x_call(x, (const void *)copy->handler);
    if (!cont) {
        /* it retired: count it, then leave (the handler set c->eip) */
        x_alu_imm(x, XA_ADD, 8, cpu_field(OFF(icount)), 1);
        jump_exit(g, x, JIT_EXIT_SYNC);
        return false;
    }
    icount_adjust(g, x, XA_ADD, g->k);
    /* The handler may have asked the run loop to look (a write to this very
     * block's code, jit.c, kicks too): leave after this instruction. */
    x_alu_imm(x, XA_CMP, 8, cpu_field(OFF(slice_end)), 0);
    uint8_t *site = x_jcc(x, CC_E);
    patch(x, site, g->cold.p);
    icount_adjust(g, &g->cold, XA_SUB, g->k + 1);
    jump_exit(g, &g->cold, JIT_EXIT_JUMP);
    return true;
}

/* --- the instruction templates ----------------------------------------------------- */

/* The w bit: byte form when clear (SDM Vol. 2A B.1.4.3). */
static unsigned size_w(const struct insn *i)
{
    return (i->opcode & 1) ? i->opsize : 1;
}

static uint32_t size_mask(unsigned size)
{
    return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

/* Group-1 operation `op` (ALU_*): dst op= src, where dst is a guest operand
 * and src a host register (R_LSRC, already loaded) -- the lazy record R13..R15
 * is written last, after everything that could bail (alu.h: alu_arith). */
static void arith_commit(struct gen *g, unsigned op, unsigned size, struct x64_op dst)
{
    struct x64 *x = &g->m;
    static const enum pend kind[8] = { P_ADD, P_LOGIC, P_ADC, P_SBB, P_LOGIC, P_SUB, P_LOGIC, P_SUB };

    load_zx(x, size, R_LDST, dst);
    x_mov_rr(x, 4, R_LRES, R_LDST);
    if (op == ALU_ADC || op == ALU_SBB) {
        x_mov_rr(x, 4, R_LCF, R_CARRY);
        x_bt_imm(x, 4, x_reg(R_CARRY), 0);
    }
    x_alu_reg_rm(x, op == ALU_CMP ? XA_SUB : (enum x64_alu)op, size, R_LRES, x_reg(R_LSRC));
    if (op != ALU_CMP)
        x_mov_store(x, size, dst, R_LRES);
    set_pend(g, kind[op], size);
    g->hostflags = true;
}

/* 00-3D and 80-83: the eight ALU operations on r/m, reg or imm.  Forms
 * (low three opcode bits below 40): 0/1 r/m op= reg, 2/3 reg op= r/m,
 * 4/5 acc op= imm; 80-83 are r/m op= imm. */
static bool t_alu(struct gen *g, bool hostflags)
{
    const struct insn *i = g->i;
    struct x64 *x = &g->m;
    bool group1 = i->opcode >= 0x80;
    unsigned op = group1 ? i->reg : (unsigned)i->opcode >> 3;
    unsigned form = group1 ? 6 : i->opcode & 7;
    unsigned size = !group1 ? size_w(i) : (i->opcode == 0x81 || i->opcode == 0x83) ? i->opsize : 1;
    struct x64_op dst;

    if (op == ALU_ADC || op == ALU_SBB)
        carry_in(g, hostflags, false);
    if (form != 4 && form != 5)
        check_rm(g, size, (form <= 1 || form == 6) && op != ALU_CMP);
    switch (form) {
    case 0: case 1:
        dst = rm_op(g, size);
        load_zx(x, size, R_LSRC, guest_reg(i->reg, size));
        break;
    case 2: case 3:
        dst = guest_reg(i->reg, size);
        load_zx(x, size, R_LSRC, rm_op(g, size));
        break;
    default:
        dst = form == 6 ? rm_op(g, size) : guest_reg(EAX, size);
        x_mov_r32_imm(x, R_LSRC, i->imm & size_mask(size));
        break;
    }
    arith_commit(g, op, size, dst);
    return true;
}

/* 84 85 TEST r/m, r; A8 A9 TEST acc, imm; F6/F7 /0 /1 TEST r/m, imm: the
 * flags of AND, nothing stored. */
static bool t_test(struct gen *g)
{
    const struct insn *i = g->i;
    struct x64 *x = &g->m;
    unsigned size = size_w(i);

    if (i->opcode == 0xa8 || i->opcode == 0xa9) {
        load_zx(x, size, R_LRES, guest_reg(EAX, size));
    } else {
        check_rm(g, size, false);
        load_zx(x, size, R_LRES, rm_op(g, size));
    }
    if (i->opcode == 0x84 || i->opcode == 0x85)
        x_alu_reg_rm(x, XA_AND, size, R_LRES, guest_reg(i->reg, size));
    else
        x_alu_imm(x, XA_AND, size, x_reg(R_LRES), i->imm & size_mask(size));
    set_pend(g, P_LOGIC, size);
    g->hostflags = true;
    return true;
}

/* INC/DEC r (40-4F) and r/m (FE/FF /0 /1): CF is kept (SDM Vol. 2A INC). */
static bool t_incdec(struct gen *g, bool hostflags, bool dec, unsigned size, bool reg_form)
{
    struct x64 *x = &g->m;
    struct x64_op dst;
    bool need_cf = !g->cf_dead[g->k];         /* else nobody reads the CF it keeps */

    if (need_cf)
        carry_in(g, hostflags, true);
    if (reg_form) {
        dst = guest_reg(g->i->opcode & 7, size);
    } else {
        check_rm(g, size, true);
        dst = rm_op(g, size);
    }
    load_zx(x, size, R_LDST, dst);
    x_mov_rr(x, 4, R_LRES, R_LDST);
    if (need_cf) {
        x_mov_rr(x, 4, R_LCF, R_CARRY);
        x_bt_imm(x, 4, x_reg(R_CARRY), 0);                /* host CF = guest CF */
    }
    if (dec)
        x_dec(x, size, x_reg(R_LRES));
    else
        x_inc(x, size, x_reg(R_LRES));
    x_mov_store(x, size, dst, R_LRES);
    set_pend(g, dec ? P_DEC : P_INC, size);
    g->hostflags = need_cf;
    return true;
}

/* F6/F7 /2 NOT (no flags) and /3 NEG (the flags of 0 - dst, SDM Vol. 2B NEG). */
static bool t_notneg(struct gen *g)
{
    struct x64 *x = &g->m;
    unsigned size = size_w(g->i);

    check_rm(g, size, true);
    struct x64_op dst = rm_op(g, size);
    if (g->i->reg == 2) {
        x_mov_load(x, size, X_RAX, dst);
        x_not(x, size, x_reg(X_RAX));
        x_mov_store(x, size, dst, X_RAX);
        return true;
    }
    load_zx(x, size, R_LSRC, dst);
    x_alu_reg_rm(x, XA_XOR, 4, R_LDST, x_reg(R_LDST));
    x_mov_rr(x, 4, R_LRES, R_LDST);
    x_alu_reg_rm(x, XA_SUB, size, R_LRES, x_reg(R_LSRC));
    x_mov_store(x, size, dst, R_LRES);
    set_pend(g, P_SUB, size);
    g->hostflags = true;
    return true;
}

/* C0 C1 D0 D1 /4 /5 /7: SHL SHR SAR by a constant count.  The CF and OF
 * bits go to R14 by the interpreter's own formulas (alu.c, shift()): OF is
 * computed as for a count of 1 whatever the count. */
static bool t_shift(struct gen *g)
{
    const struct insn *i = g->i;
    struct x64 *x = &g->m;
    unsigned size = size_w(i), bits = 8 * size, op = i->reg;
    unsigned n = (i->opcode <= 0xc1 ? i->imm : 1) & 0x1f;

    if ((op != SH_SHL && op != SH_SAL && op != SH_SHR && op != SH_SAR) || n >= bits ||
        (n == 0 && !insn_is_reg(i)))
        return false;                         /* the handler (rotates, wide counts, no-op RMW) */
    if (n == 0)
        return true;                          /* count 0: nothing changes, not even flags */
    check_rm(g, size, true);
    struct x64_op dst = rm_op(g, size);
    load_zx(x, size, R_LDST, dst);
    x_mov_rr(x, 4, R_LRES, R_LDST);
    /* a shift of the sized register keeps R15's upper bits: 0, so R15 = res & mask */
    x_shift_imm(x, op == SH_SHR ? XS_SHR : op == SH_SAR ? XS_SAR : XS_SHL, size,
                x_reg(R_LRES), (uint8_t)n);
    x_mov_store(x, size, dst, R_LRES);
    /* CF: the last bit shifted out */
    unsigned out = op == SH_SHR || op == SH_SAR ? n - 1 : bits - n;
    x_mov_rr(x, 4, R_LSRC, R_LDST);
    if (out != 0)
        x_shift_imm(x, XS_SHR, 4, x_reg(R_LSRC), (uint8_t)out);
    x_alu_imm(x, XA_AND, 4, x_reg(R_LSRC), FLAG_CF);
    if (op != SH_SAR) {
        /* OF: SHR the old sign; SHL the new sign XOR CF */
        x_mov_rr(x, 4, X_RAX, op == SH_SHR ? R_LDST : R_LRES);
        x_shift_imm(x, XS_SHR, 4, x_reg(X_RAX), (uint8_t)(bits - 1));
        x_alu_imm(x, XA_AND, 4, x_reg(X_RAX), 1);
        if (op != SH_SHR)
            x_alu_reg_rm(x, XA_XOR, 4, X_RAX, x_reg(R_LSRC));
        x_shift_imm(x, XS_SHL, 4, x_reg(X_RAX), 11);          /* FLAG_OF */
        x_alu_reg_rm(x, XA_OR, 4, R_LSRC, x_reg(X_RAX));
    }
    set_pend(g, P_RES, size);
    return true;
}

/* 0F AF IMUL r, r/m; 69 6B IMUL r, r/m, imm: the truncated product, CF = OF
 * = bits were lost (SDM Vol. 2B IMUL), which is what the host's IMUL sets. */
static bool t_imul(struct gen *g)
{
    const struct insn *i = g->i;
    struct x64 *x = &g->m;
    unsigned size = i->opsize;

    check_rm(g, size, false);
    if (i->two_byte) {
        x_mov_load(x, 4, R_LRES, greg(i->reg));
        x_imul(x, size, R_LRES, rm_op(g, size));
    } else {
        x_imul_imm(x, size, R_LRES, rm_op(g, size), i->imm);
    }
    x_setcc(x, CC_B, x_reg(R_LSRC));
    x_movzx(x, 1, R_LSRC, x_reg(R_LSRC));
    x_imul_imm(x, 4, R_LSRC, x_reg(R_LSRC), FLAG_CF | FLAG_OF);
    if (size < 4)
        x_movzx(x, size, R_LRES, x_reg(R_LRES));
    x_mov_store(x, size, greg(i->reg), R_LRES);
    set_pend(g, P_RES, size);
    return true;
}

/* MOV in its ModRM forms, 88-8B, C6/C7 /0, and A0-A3 (moffs). */
static bool t_mov(struct gen *g)
{
    const struct insn *i = g->i;
    struct x64 *x = &g->m;
    unsigned size = size_w(i);
    uint8_t op = i->opcode;

    if (op >= 0xa0 && op <= 0xa3) {                   /* moffs: EA is the immediate */
        x_mov_r32_imm(x, R_OFF, i->imm);
        check_access(g, i->ea_seg, R_OFF, R_HOST, size, op >= 0xa2);
        if (op <= 0xa1) {
            x_mov_load(x, size, X_RAX, guest_mem(R_OFF, R_HOST));
            x_mov_store(x, size, guest_reg(EAX, size), X_RAX);
        } else {
            x_mov_load(x, size, X_RAX, guest_reg(EAX, size));
            x_mov_store(x, size, guest_mem(R_OFF, R_HOST), X_RAX);
        }
        return true;
    }
    if (op == 0xc6 || op == 0xc7) {
        if (i->reg != 0)
            return false;                             /* #UD: the handler raises it */
        check_rm(g, size, true);
        x_mov_imm_rm(x, size, rm_op(g, size), i->imm & size_mask(size));
        return true;
    }
    check_rm(g, size, op <= 0x89);
    if (op <= 0x89) {
        x_mov_load(x, size, X_RAX, guest_reg(i->reg, size));
        x_mov_store(x, size, rm_op(g, size), X_RAX);
    } else {
        x_mov_load(x, size, X_RAX, rm_op(g, size));
        x_mov_store(x, size, guest_reg(i->reg, size), X_RAX);
    }
    return true;
}

/* 0F B6 B7 MOVZX, 0F BE BF MOVSX. */
static bool t_movx(struct gen *g)
{
    const struct insn *i = g->i;
    unsigned from = (i->opcode & 1) ? 2 : 1;

    check_rm(g, from, false);
    if (i->opcode <= 0xb7)
        x_movzx(&g->m, from, X_RAX, rm_op(g, from));
    else
        x_movsx(&g->m, from, X_RAX, rm_op(g, from));
    x_mov_store(&g->m, i->opsize, greg(i->reg), X_RAX);
    return true;
}

/* 8D LEA: the offset itself (a register operand is #UD: the handler's). */
static bool t_lea(struct gen *g)
{
    if (insn_is_reg(g->i))
        return false;
    gen_ea(g);
    x_mov_store(&g->m, g->i->opsize, greg(g->i->reg), R_OFF);
    return true;
}

/* B0-BF MOV r, imm. */
static bool t_mov_imm(struct gen *g)
{
    const struct insn *i = g->i;
    unsigned size = i->opcode < 0xb8 ? 1 : i->opsize;

    x_mov_imm_rm(&g->m, size, guest_reg(i->opcode & 7, size), i->imm & size_mask(size));
    return true;
}

/* 86 87 XCHG r/m, r and 91-97 XCHG eAX, r (memory first, SDM Vol. 2B XCHG). */
static bool t_xchg(struct gen *g)
{
    const struct insn *i = g->i;
    struct x64 *x = &g->m;
    unsigned size = i->opcode <= 0x87 ? size_w(i) : i->opsize;
    struct x64_op a, b;

    if (i->opcode <= 0x87) {
        check_rm(g, size, true);
        a = rm_op(g, size);
        b = guest_reg(i->reg, size);
    } else {
        a = guest_reg(EAX, size);
        b = guest_reg(i->opcode & 7, size);
    }
    x_mov_load(x, size, X_RAX, a);
    x_mov_load(x, size, X_RDX, b);
    x_mov_store(x, size, a, X_RDX);
    x_mov_store(x, size, b, X_RAX);
    return true;
}

/* 98 CBW/CWDE, 99 CWD/CDQ. */
static bool t_sign_extend(struct gen *g)
{
    struct x64 *x = &g->m;
    unsigned size = g->i->opsize;

    if (g->i->opcode == 0x98) {
        x_movsx(x, size / 2, X_RAX, guest_reg(EAX, size / 2));
        x_mov_store(x, size, greg(EAX), X_RAX);
    } else {                                       /* the sign of (E)AX, spread */
        if (size == 2)
            x_movsx(x, 2, X_RAX, guest_reg(EAX, 2));
        else
            x_mov_load(x, 4, X_RAX, greg(EAX));
        x_shift_imm(x, XS_SAR, 4, x_reg(X_RAX), 31);
        x_mov_store(x, size, greg(EDX), X_RAX);
    }
    return true;
}

/* 50-57 PUSH r, 68 6A PUSH imm, FF /6 PUSH r/m: write below the stack
 * pointer first, then move it (a push that faults changes nothing). */
static bool t_push(struct gen *g)
{
    const struct insn *i = g->i;
    struct x64 *x = &g->m;
    unsigned size = i->opsize;
    bool from_rm = i->opcode == 0xff;

    if (from_rm)
        check_rm(g, size, false);
    stack_addr(g, R_OFF2, -(int32_t)size);
    check_access(g, SEG_SS, R_OFF2, R_HOST2, size, true);
    if (i->opcode == 0x68 || i->opcode == 0x6a)
        x_mov_imm_rm(x, size, guest_mem(R_OFF2, R_HOST2), i->imm & size_mask(size));
    else {
        x_mov_load(x, size, X_RAX, from_rm ? rm_op(g, size) : greg(i->opcode & 7));
        x_mov_store(x, size, guest_mem(R_OFF2, R_HOST2), X_RAX);
    }
    set_esp(g, R_OFF2, 0);
    return true;
}

/* 58-5F POP r: the stack pointer moves, then the register is written (POP
 * ESP keeps the popped value, SDM Vol. 2B POP). */
static bool t_pop(struct gen *g)
{
    struct x64 *x = &g->m;
    unsigned size = g->i->opsize;

    stack_addr(g, R_OFF, 0);
    check_access(g, SEG_SS, R_OFF, R_HOST, size, false);
    x_mov_load(x, size, X_RAX, guest_mem(R_OFF, R_HOST));
    set_esp(g, R_OFF, (int32_t)size);
    x_mov_store(x, size, greg(g->i->opcode & 7), X_RAX);
    return true;
}

/* C9 LEAVE: ESP = EBP, then POP EBP. */
static bool t_leave(struct gen *g)
{
    struct x64 *x = &g->m;
    unsigned size = g->i->opsize;

    x_mov_load(x, 4, R_OFF, greg(EBP));
    if (!g->ss32)
        x_movzx(x, 2, R_OFF, x_reg(R_OFF));
    check_access(g, SEG_SS, R_OFF, R_HOST, size, false);
    x_mov_load(x, size, X_RAX, guest_mem(R_OFF, R_HOST));
    set_esp(g, R_OFF, (int32_t)size);
    x_mov_store(x, size, greg(EBP), X_RAX);
    return true;
}

/* 0F 90-9F SETcc r/m8. */
static bool t_setcc(struct gen *g, bool hostflags)
{
    enum x64_cc cc = cond(g, g->i->opcode & 0xf, hostflags);

    x_setcc(&g->m, cc, x_reg(R_CARRY));
    check_rm(g, 1, true);
    x_mov_store(&g->m, 1, rm_op(g, 1), R_CARRY);
    return true;
}

/* 0F 40-4F CMOVcc: the source is read even when the condition is false. */
static bool t_cmov(struct gen *g, bool hostflags)
{
    struct x64 *x = &g->m;
    unsigned size = g->i->opsize;
    enum x64_cc cc = cond(g, g->i->opcode & 0xf, hostflags);

    x_setcc(x, cc, x_reg(R_CARRY));
    check_rm(g, size, false);
    x_mov_load(x, size, X_RAX, rm_op(g, size));
    x_mov_load(x, size, X_RDX, greg(g->i->reg));
    x_test_rm_reg(x, 1, x_reg(R_CARRY), R_CARRY);
    x_cmov(x, CC_NE, 4, X_RDX, x_reg(X_RAX));
    x_mov_store(x, size, greg(g->i->reg), X_RDX);
    return true;
}

/* 0F C8-CF BSWAP. */
static bool t_bswap(struct gen *g)
{
    struct x64 *x = &g->m;

    x_mov_load(x, 4, X_RAX, greg(g->i->opcode & 7));
    x_bswap(x, X_RAX);
    x_mov_store(x, 4, greg(g->i->opcode & 7), X_RAX);
    return true;
}

/* A4-A7, AA-AF without REP, 32-bit addressing: one element of MOVS CMPS
 * STOS LODS SCAS (SDM Vol. 2B), then ESI and/or EDI step by the element
 * size, downwards when EFLAGS.DF is set (Vol. 1 7.3.9.2) -- as string.c's
 * string_once() does, the accesses first. */
static bool t_string(struct gen *g)
{
    const struct insn *i = g->i;
    struct x64 *x = &g->m;
    uint8_t op = i->opcode;
    unsigned size = (op & 1) ? i->opsize : 1;
    bool movs = op <= 0xa5, cmps = op == 0xa6 || op == 0xa7, stos = op == 0xaa || op == 0xab;
    bool lods = op == 0xac || op == 0xad, scas = op >= 0xae;
    bool src = movs || cmps || lods, dst = !lods;

    if (i->rep || i->addrsize != 4)
        return false;                         /* REP: the handler, which can stop and restart */
    if (src) {
        x_mov_load(x, 4, R_OFF, greg(ESI));
        check_access(g, i->ea_seg, R_OFF, R_HOST, size, false);
    }
    if (dst) {
        x_mov_load(x, 4, R_OFF2, greg(EDI));
        check_access(g, SEG_ES, R_OFF2, R_HOST2, size, movs || stos);
    }
    if (movs || lods)
        x_mov_load(x, size, X_RAX, guest_mem(R_OFF, R_HOST));
    if (stos)
        x_mov_load(x, size, X_RAX, guest_reg(EAX, size));
    if (movs || stos)
        x_mov_store(x, size, guest_mem(R_OFF2, R_HOST2), X_RAX);
    if (lods)
        x_mov_store(x, size, guest_reg(EAX, size), X_RAX);
    if (cmps || scas) {                       /* the flags of CMP first, second */
        load_zx(x, size, R_LDST, cmps ? guest_mem(R_OFF, R_HOST) : guest_reg(EAX, size));
        load_zx(x, size, R_LSRC, guest_mem(R_OFF2, R_HOST2));
        x_mov_rr(x, 4, R_LRES, R_LDST);
        x_alu_reg_rm(x, XA_SUB, size, R_LRES, x_reg(R_LSRC));
        set_pend(g, P_SUB, size);
    }
    /* the step: +size, or -size when DF = 1 */
    x_mov_load(x, 4, X_RAX, cpu_field(OFF(eflags)));
    x_shift_imm(x, XS_SHR, 4, x_reg(X_RAX), 10);               /* FLAG_DF is bit 10 */
    x_alu_imm(x, XA_AND, 4, x_reg(X_RAX), 1);
    x_neg(x, 4, x_reg(X_RAX));                                 /* 0 or -1 */
    x_alu_imm(x, XA_OR, 4, x_reg(X_RAX), 1);                   /* +1 or -1 */
    if (size > 1)
        x_shift_imm(x, XS_SHL, 4, x_reg(X_RAX), size == 2 ? 1 : 2);
    if (src)
        x_alu_rm_reg(x, XA_ADD, 4, greg(ESI), X_RAX);
    if (dst)
        x_alu_rm_reg(x, XA_ADD, 4, greg(EDI), X_RAX);
    return true;
}

/* --- control transfer ------------------------------------------------------------ */

/* The target of a relative jump, truncated to the operand size (SDM Vol. 2A JMP). */
static uint32_t rel_target(const struct gen *g)
{
    uint32_t t = g->next + g->i->imm;
    return g->i->opsize == 2 ? t & 0xffff : t;
}

/* 70-7F, 0F 80-8F Jcc.  Ends the block: two exits.  A target beyond the CS
 * limit is #GP(0) when taken: that path bails to the interpreter. */
static void t_jcc(struct gen *g, bool hostflags)
{
    uint32_t target = rel_target(g);
    enum x64_cc cc = cond(g, g->i->opcode & 0xf, hostflags);

    spill(g);                                   /* MOVs: the host flags survive */
    uint8_t *taken = x_jcc(&g->m, cc);
    exit_to(g, g->next);
    if (target > g->b->cs_limit) {
        patch(&g->m, taken, bail_stub(g));
        return;
    }
    patch(&g->m, taken, g->m.p);
    exit_to(g, target);
}

/* E8 CALL rel: push the return address, jump (SDM Vol. 2A CALL). */
static bool t_call(struct gen *g)
{
    struct x64 *x = &g->m;
    unsigned size = g->i->opsize;
    uint32_t target = rel_target(g);

    if (target > g->b->cs_limit)
        return false;                           /* #GP(0): the handler raises it */
    stack_addr(g, R_OFF2, -(int32_t)size);
    check_access(g, SEG_SS, R_OFF2, R_HOST2, size, true);
    x_mov_imm_rm(x, size, guest_mem(R_OFF2, R_HOST2), g->next & size_mask(size));
    set_esp(g, R_OFF2, 0);
    exit_to(g, target);
    return true;
}

/* C3 RET, C2 RET imm16: pop EIP, check it against the CS limit, release the
 * arguments (SDM Vol. 2B RET). */
static bool t_ret(struct gen *g)
{
    struct x64 *x = &g->m;
    unsigned size = g->i->opsize;
    uint32_t extra = g->i->opcode == 0xc2 ? g->i->imm : 0;

    stack_addr(g, R_OFF, 0);
    check_access(g, SEG_SS, R_OFF, R_HOST, size, false);
    load_zx(x, size, X_RAX, guest_mem(R_OFF, R_HOST));
    x_alu_imm(x, XA_CMP, 4, x_reg(X_RAX), g->b->cs_limit);
    bail_if(g, CC_A);
    set_esp(g, R_OFF, (int32_t)(size + extra));
    x_mov_store(x, 4, cpu_field(OFF(eip)), X_RAX);
    exit_indirect(g);
    return true;
}

/* EB E9 JMP rel. */
static bool t_jmp(struct gen *g)
{
    uint32_t target = rel_target(g);

    if (target > g->b->cs_limit)
        return false;
    exit_to(g, target);
    return true;
}

/* FF /2 CALL r/m, FF /4 JMP r/m: an indirect near transfer. */
static bool t_jmp_indirect(struct gen *g, bool call)
{
    struct x64 *x = &g->m;
    unsigned size = g->i->opsize;

    check_rm(g, size, false);
    load_zx(x, size, X_RAX, rm_op(g, size));
    x_alu_imm(x, XA_CMP, 4, x_reg(X_RAX), g->b->cs_limit);
    bail_if(g, CC_A);
    if (call) {                                /* the push's checks leave RAX alone */
        stack_addr(g, R_OFF2, -(int32_t)size);
        check_access(g, SEG_SS, R_OFF2, R_HOST2, size, true);
        x_mov_imm_rm(x, size, guest_mem(R_OFF2, R_HOST2), g->next & size_mask(size));
        set_esp(g, R_OFF2, 0);
    }
    x_mov_store(x, 4, cpu_field(OFF(eip)), X_RAX);
    exit_indirect(g);
    return true;
}

/* E2 LOOP and E3 JECXZ with 32-bit addressing (ECX). */
static bool t_loop(struct gen *g)
{
    struct x64 *x = &g->m;
    uint32_t target = rel_target(g);

    if (g->i->addrsize != 4 || target > g->b->cs_limit)
        return false;
    if (g->i->opcode == 0xe2) {
        x_mov_load(x, 4, X_RAX, greg(ECX));
        x_lea(x, 4, X_RAX, x_mem(X_RAX, -1));
        x_mov_store(x, 4, greg(ECX), X_RAX);
    } else {
        x_mov_load(x, 4, X_RAX, greg(ECX));
    }
    spill(g);
    x_test_rm_reg(x, 4, x_reg(X_RAX), X_RAX);
    uint8_t *taken = x_jcc(x, g->i->opcode == 0xe2 ? CC_NE : CC_E);
    exit_to(g, g->next);
    patch(x, taken, x->p);
    exit_to(g, target);
    return true;
}

/* --- one instruction ------------------------------------------------------------- */

/* What translating one instruction did. */
enum step { S_NEXT, S_END, S_NONE };

/* Translate the instruction in g->i; S_END if it ended the block. */
static enum step translate_one(struct gen *g)
{
    const struct insn *i = g->i;
    uint8_t op = i->opcode;
    bool hf = g->hostflags;

    g->hostflags = false;
    if (i->lock && !i->two_byte && op != 0x87 && op != 0x86)
        return gen_call(g) ? S_NEXT : S_END;          /* LOCK: the handler knows the rules */
    if (i->two_byte) {
        if (op >= 0x80 && op <= 0x8f) {
            t_jcc(g, hf);
            return S_END;
        }
        if ((op >= 0xb6 && op <= 0xb7) || (op >= 0xbe && op <= 0xbf)) return t_movx(g) ? S_NEXT : S_NONE;
        if (op >= 0x90 && op <= 0x9f) return t_setcc(g, hf) ? S_NEXT : S_NONE;
        if (op >= 0x40 && op <= 0x4f) return t_cmov(g, hf) ? S_NEXT : S_NONE;
        if (op == 0xaf) return t_imul(g) ? S_NEXT : S_NONE;
        if (op >= 0xc8 && op <= 0xcf) return t_bswap(g) ? S_NEXT : S_NONE;
        if (op >= 0x18 && op <= 0x1f) return S_NEXT;    /* hint NOPs: no access */
        return S_NONE;
    }
    if (op < 0x40 && (op & 7) < 6)
        return t_alu(g, hf) ? S_NEXT : S_NONE;
    switch (op) {
    case 0x40 ... 0x4f: return t_incdec(g, hf, op >= 0x48, i->opsize, true) ? S_NEXT : S_NONE;
    case 0x50 ... 0x57: return t_push(g) ? S_NEXT : S_NONE;
    case 0x58 ... 0x5f: return t_pop(g) ? S_NEXT : S_NONE;
    case 0x68: case 0x6a: return t_push(g) ? S_NEXT : S_NONE;
    case 0x69: case 0x6b: return t_imul(g) ? S_NEXT : S_NONE;
    case 0x70 ... 0x7f: t_jcc(g, hf); return S_END;
    case 0x80 ... 0x83: return t_alu(g, hf) ? S_NEXT : S_NONE;
    case 0x84: case 0x85: case 0xa8: case 0xa9: return t_test(g) ? S_NEXT : S_NONE;
    case 0x86: case 0x87: case 0x91 ... 0x97: return t_xchg(g) ? S_NEXT : S_NONE;
    case 0x88 ... 0x8b: case 0xa0 ... 0xa3: case 0xc6: case 0xc7: return t_mov(g) ? S_NEXT : S_NONE;
    case 0x8d: return t_lea(g) ? S_NEXT : S_NONE;
    case 0xa4 ... 0xa7: case 0xaa ... 0xaf: return t_string(g) ? S_NEXT : S_NONE;
    case 0x90: return S_NEXT;                                  /* NOP, PAUSE */
    case 0x98: case 0x99: return t_sign_extend(g) ? S_NEXT : S_NONE;
    case 0xb0 ... 0xbf: return t_mov_imm(g) ? S_NEXT : S_NONE;
    case 0xc0: case 0xc1: case 0xd0: case 0xd1: return t_shift(g) ? S_NEXT : S_NONE;
    case 0xc2: case 0xc3: return t_ret(g) ? S_END : S_NONE;
    case 0xc9: return t_leave(g) ? S_NEXT : S_NONE;
    case 0xe2: case 0xe3: return t_loop(g) ? S_END : S_NONE;
    case 0xe8: return t_call(g) ? S_END : S_NONE;
    case 0xe9: case 0xeb: return t_jmp(g) ? S_END : S_NONE;
    case 0xf6: case 0xf7:
        if (i->reg <= 1) return t_test(g) ? S_NEXT : S_NONE;
        if (i->reg <= 3) return t_notneg(g) ? S_NEXT : S_NONE;
        return S_NONE;
    case 0xfe: case 0xff:
        if (i->reg <= 1) return t_incdec(g, hf, i->reg == 1, size_w(i), false) ? S_NEXT : S_NONE;
        if (op == 0xff && i->reg == 2) return t_jmp_indirect(g, true) ? S_END : S_NONE;
        if (op == 0xff && i->reg == 4) return t_jmp_indirect(g, false) ? S_END : S_NONE;
        if (op == 0xff && i->reg == 6) return t_push(g) ? S_NEXT : S_NONE;
        return S_NONE;
    default:
        return S_NONE;
    }
}

/* --- the block ------------------------------------------------------------------- */

/* The budget check every block starts with: the whole block must fit in what
 * is left of the slice (cpu.c: icount < slice_end), else back to the
 * dispatcher, which runs the rest one instruction at a time -- so timers and
 * --max-insns stop at exactly the same instruction as the interpreter. */
static void prologue(struct gen *g)
{
    struct x64 *x = &g->m;

    x_mov_load(x, 8, X_RAX, cpu_field(OFF(icount)));
    x_op(x, 8, 0x81, XA_ADD, x_reg(X_RAX));             /* ADD RAX, imm32 = n */
    g->icount_sites[g->nsites] = x->p;
    g->icount_k[g->nsites++] = 0;
    x_u32(x, 0);
    x_alu_reg_rm(x, XA_CMP, 8, X_RAX, cpu_field(OFF(slice_end)));
    uint8_t *site = x_jcc(x, CC_A);
    patch(x, site, g->cold.p);
    x_mov_imm_rm(&g->cold, 4, cpu_field(OFF(eip)), g->b->eip);
    jump_exit(g, &g->cold, JIT_EXIT_JUMP);
    x_mov_store(x, 8, cpu_field(OFF(icount)), X_RAX);
}

/* Fill in n - k wherever the block's instruction count was needed. */
static void finish_icount(struct gen *g, unsigned n)
{
    for (unsigned s = 0; s < g->nsites; s++) {
        int32_t v = (int32_t)(n - g->icount_k[s]);
        memcpy(g->icount_sites[s], &v, 4);
    }
}

/* Set up the state for translating block b at `host`. */
static void gen_init(struct gen *g, struct cpu *c, struct jit *j, struct jit_block *b)
{
    memset(g, 0, sizeof *g);
    g->c = c;
    g->j = j;
    g->b = b;
    g->m = (struct x64){ .p = j->main_free, .end = j->main_end };
    g->cold = (struct x64){ .p = j->cold_free, .end = j->cold_end };
    g->pend = P_MEM;
    g->user = b->mode & JIT_MODE_USER;
    g->ss32 = b->mode & JIT_MODE_SS32;
}

/* One pass over the block: translate instructions from `host` until one
 * ends the block.  Returns the number translated (0: not even one), or -1
 * when the buffers ran out. */
static int translate_pass(struct gen *g, const uint8_t *host, uint32_t room)
{
    struct jit_block *b = g->b;
    struct insn insn;
    struct ea_recipe ea;
    uint32_t off = 0;
    unsigned n = 0;
    enum step st = S_NEXT;

    b->code = g->m.p;
    prologue(g);
    while (st == S_NEXT && n < JIT_BLOCK_INSNS) {
        unsigned len = decode_from_bytes(host + off, room - off, 4, &insn, &ea);
        if (len == 0)
            break;                                /* crosses the page or the limit */
        uint8_t *mark = g->m.p, *cold_mark = g->cold.p;
        unsigned sites = g->nsites, links = g->nlinks, calls = g->j->ncalls;
        enum pend pend = g->pend;
        unsigned psize = g->psize;
        bool hf = g->hostflags;
        g->k = n;
        g->eip = b->eip + off;
        g->next = g->eip + len;
        g->i = &insn;
        g->ea = &ea;
        g->bail = NULL;
        st = translate_one(g);
        if (st == S_NONE) {
            /* no template: undo whatever it started, and call the handler */
            g->m.p = mark;
            g->cold.p = cold_mark;
            g->nsites = sites;
            g->nlinks = links;
            g->j->ncalls = calls;
            g->pend = pend;
            g->psize = psize;
            g->hostflags = hf;
            g->bail = NULL;
            g->fx[n] = 0;
            st = gen_call(g) ? S_NEXT : S_END;
        }
        off += len;
        n++;
        if (g->m.full || g->cold.full)
            return -1;
    }
    if (n == 0)
        return 0;
    if (st == S_NEXT)
        exit_to(g, b->eip + off);                 /* fell off the end of the block */
    if (g->m.full || g->cold.full)
        return -1;
    finish_icount(g, n);
    b->ninsns = (uint8_t)n;
    b->len = (uint16_t)off;
    for (unsigned l = g->nlinks; l < 2; l++)
        b->out[l] = (struct jit_link){ 0 };
    return (int)n;
}

/*
 * Which instructions' CF nobody will read, from what pass 1 saw them do:
 * going backwards, CF is live before an instruction that reads flags or may
 * leave the block (whoever gets control next may read them), dead before
 * one that sets it afresh, and otherwise as live as after it (INC and DEC
 * hand it on).  At the end of the block it is live.
 */
static void cf_liveness(const uint8_t *fx, unsigned n, bool *cf_dead)
{
    bool live = true;

    for (unsigned k = n; k-- > 0; ) {
        cf_dead[k] = !live;
        if (fx[k] & (FX_EXIT | FX_READ))
            live = true;
        else if (fx[k] & FX_WRITE_CF)
            live = false;
    }
}

/* Translate (contract in jit_internal.h).  Twice: the first pass finds out
 * what each instruction does with the flags, the second uses it to leave out
 * the carry that INC and DEC keep when nobody reads it (loops end in
 * INC; CMP; Jcc). */
int jit_translate(struct cpu *c, struct jit *j, struct jit_block *b, const uint8_t *host,
                  uint32_t room)
{
    static const bool none_dead[JIT_BLOCK_INSNS];
    bool cf_dead[JIT_BLOCK_INSNS];
    uint32_t calls = j->ncalls;
    struct gen g;
    int n;

    if ((uint32_t)(j->main_end - j->main_free) < JIT_BLOCK_ROOM ||
        (uint32_t)(j->cold_end - j->cold_free) < JIT_BLOCK_ROOM)
        return -1;
    gen_init(&g, c, j, b);
    g.cf_dead = none_dead;
    /* the EIPs of this page inside the CS limit: jumps there may be linked */
    g.page_lo = b->eip - ((b->cs_base + b->eip) & 0xfff);
    g.page_hi = b->eip + room - 1;
    if (g.page_lo > b->eip)
        g.page_lo = 0;
    uint32_t page_lo = g.page_lo, page_hi = g.page_hi;
    n = translate_pass(&g, host, room);
    if (n <= 0)
        return n < 0 ? -1 : -2;
    cf_liveness(g.fx, (unsigned)n, cf_dead);
    j->ncalls = calls;
    gen_init(&g, c, j, b);
    g.cf_dead = cf_dead;
    g.page_lo = page_lo;
    g.page_hi = page_hi;
    if (translate_pass(&g, host, room) != n)
        return -1;
    j->main_free = g.m.p;
    j->cold_free = g.cold.p;
    return 0;
}
