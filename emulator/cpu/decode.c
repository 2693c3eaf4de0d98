/* decode.c - turn the bytes at CS:EIP into a struct insn. */

/*
 * An IA-32 instruction is (SDM Vol. 2A 2.1, figure 2-1):
 *
 *   prefixes   opcode      ModRM      SIB        displacement  immediate
 *   0-4 bytes  1-2 bytes   0-1 byte   0-1 byte   0,1,2,4       0,1,2,4
 *
 * Prefixes change the operand size (66), the address size (67), the segment
 * of the memory operand (2E 36 3E 26 64 65), and ask for LOCK (F0) or REP
 * (F2 F3).  The opcode says whether a ModRM byte follows and which
 * immediates; the ModRM byte names a register and either a second register
 * or a memory operand, whose effective address is base + index*scale + disp
 * in 32-bit addressing and one of eight fixed sums in 16-bit addressing.
 *
 * The decoder reads code through a window: a host pointer to the bytes of the
 * current code page, found once per instruction through the TLB.  Bytes past
 * the window (an instruction that crosses a page, code in MMIO) go through
 * mem_fetch8(), which does the full segment and paging checks.
 *
 * Decoding is the slowest part of an interpreter, and most instructions are
 * executed many times, so decoded instructions are kept in a small cache
 * indexed by the host address of their first byte.  The decoder never reads
 * registers: a memory operand is kept as a recipe (base, index, scale,
 * displacement) and its effective address is computed at each execution.
 * A cache hit is only used if the bytes in memory are still the bytes that
 * were decoded (compared on every hit), so self-modifying code and page
 * remapping (a different host page under the same EIP) are always seen.
 */

#include <string.h>

#include "dcache.h"
#include "exec.h"
#include "jit_internal.h"
#include "mem.h"

/* How an opcode continues after its opcode byte(s). */
#define F_MODRM   0x80   /* a ModRM byte follows */
#define F_REGONLY 0x40   /* ModRM whose mod field is ignored: always a register (MOV CRn/DRn) */
#define F_IMM     0x0f   /* which immediate(s), one of: */
enum imm_kind {
    IMM_NONE,
    IMM_B,      /* imm8, zero-extended */
    IMM_BS,     /* imm8, sign-extended */
    IMM_W,      /* imm16 */
    IMM_Z,      /* imm16 or imm32 by operand size */
    IMM_MOFFS,  /* moffs16 or moffs32 by address size */
    IMM_PTR,    /* ptr16:16 or ptr16:32: offset in imm, selector in imm2 */
    IMM_ENTER,  /* imm16 then imm8 (ENTER) */
    IMM_GRP3,   /* group 3: TEST (reg field 0 or 1) has an imm8 (F6) or immz (F7) */
};

#define M F_MODRM
/* One-byte opcode map, SDM Vol. 2A table A-2. */
static const uint8_t one_byte[256] = {
    [0x00 ... 0x03] = M, [0x04] = IMM_B, [0x05] = IMM_Z,          /* ADD */
    [0x08 ... 0x0b] = M, [0x0c] = IMM_B, [0x0d] = IMM_Z,          /* OR  */
    [0x10 ... 0x13] = M, [0x14] = IMM_B, [0x15] = IMM_Z,          /* ADC */
    [0x18 ... 0x1b] = M, [0x1c] = IMM_B, [0x1d] = IMM_Z,          /* SBB */
    [0x20 ... 0x23] = M, [0x24] = IMM_B, [0x25] = IMM_Z,          /* AND */
    [0x28 ... 0x2b] = M, [0x2c] = IMM_B, [0x2d] = IMM_Z,          /* SUB */
    [0x30 ... 0x33] = M, [0x34] = IMM_B, [0x35] = IMM_Z,          /* XOR */
    [0x38 ... 0x3b] = M, [0x3c] = IMM_B, [0x3d] = IMM_Z,          /* CMP */
    [0x62 ... 0x63] = M,                                          /* BOUND ARPL */
    [0x68] = IMM_Z, [0x69] = M | IMM_Z, [0x6a] = IMM_BS, [0x6b] = M | IMM_BS,  /* PUSH IMUL */
    [0x70 ... 0x7f] = IMM_BS,                                     /* Jcc rel8 */
    [0x80] = M | IMM_B, [0x81] = M | IMM_Z, [0x82] = M | IMM_B, [0x83] = M | IMM_BS,
    [0x84 ... 0x8f] = M,                                          /* TEST XCHG MOV LEA POP */
    [0x9a] = IMM_PTR,                                             /* CALL ptr */
    [0xa0 ... 0xa3] = IMM_MOFFS,                                  /* MOV moffs */
    [0xa8] = IMM_B, [0xa9] = IMM_Z,                               /* TEST acc, imm */
    [0xb0 ... 0xb7] = IMM_B, [0xb8 ... 0xbf] = IMM_Z,             /* MOV reg, imm */
    [0xc0 ... 0xc1] = M | IMM_B,                                  /* shift imm8 */
    [0xc2] = IMM_W, [0xc4 ... 0xc5] = M,                          /* RET imm16, LES LDS */
    [0xc6] = M | IMM_B, [0xc7] = M | IMM_Z,                       /* MOV r/m, imm */
    [0xc8] = IMM_ENTER, [0xca] = IMM_W, [0xcd] = IMM_B,           /* ENTER RETF INT */
    [0xd0 ... 0xd3] = M, [0xd4 ... 0xd5] = IMM_B,                 /* shift AAM AAD */
    [0xd8 ... 0xdf] = M,                                          /* x87 escape */
    [0xe0 ... 0xe3] = IMM_BS, [0xe4 ... 0xe7] = IMM_B,            /* LOOP JECXZ IN OUT */
    [0xe8 ... 0xe9] = IMM_Z, [0xea] = IMM_PTR, [0xeb] = IMM_BS,   /* CALL JMP */
    [0xf6 ... 0xf7] = M | IMM_GRP3, [0xfe ... 0xff] = M,          /* groups 3 4 5 */
};

/* Two-byte opcode map (after 0F), SDM Vol. 2A table A-3. */
static const uint8_t two_byte[256] = {
    [0x00 ... 0x03] = M,                                          /* grp6 grp7 LAR LSL */
    [0x18 ... 0x1f] = M,                                          /* hint NOPs */
    [0x20 ... 0x23] = M | F_REGONLY,                              /* MOV CRn/DRn */
    [0x40 ... 0x4f] = M,                                          /* CMOVcc */
    [0x80 ... 0x8f] = IMM_Z,                                      /* Jcc rel16/32 */
    [0x90 ... 0x9f] = M,                                          /* SETcc */
    [0xa3] = M, [0xa4] = M | IMM_B, [0xa5] = M,                   /* BT SHLD */
    [0xab] = M, [0xac] = M | IMM_B, [0xad] = M, [0xaf] = M,       /* BTS SHRD IMUL */
    [0xb0 ... 0xb7] = M,                                          /* CMPXCHG LSS BTR LFS LGS MOVZX */
    [0xba] = M | IMM_B, [0xbb ... 0xbf] = M,                      /* grp8 BTC BSF BSR MOVSX */
    [0xc0 ... 0xc1] = M, [0xc7] = M,                              /* XADD grp9 */
};
#undef M

/* Where the bytes of the instruction come from. */
struct fetch {
    struct cpu *c;           /* NULL: only win[0..avail) exists (decode_from_bytes) */
    bool overrun;            /* c == NULL and the instruction went past avail */
    const uint8_t *win;      /* host copy of the code at CS:start, or NULL */
    uint32_t avail;          /* bytes readable through win for this instruction */
    uint32_t start;          /* EIP of the instruction */
    uint32_t len;            /* bytes consumed so far */
};

/*
 * The fetch window.  Finding the host bytes of CS:EIP takes a CS limit check
 * and a TLB lookup, and nearly always gives the same page as for the last
 * instruction.  So the first fetch on a page remembers the run of EIPs that
 * are both inside the CS limit and on that page, with the host address of
 * their bytes (c->fw_*); while EIP stays in that run, fetching needs neither.
 * The window is a cached translation like a TLB entry, so whatever changes
 * what it depends on forgets it (fetch_flush): a TLB flush (INVLPG, CR0,
 * CR3, CR4), a CS load or CPL change, and the start of every cpu_run, since
 * the owner may have edited the state in between.
 */
static void window_open(struct cpu *c, uint32_t eip, uint32_t lin, const uint8_t *host)
{
    const struct seg *cs = &c->seg[SEG_CS];
    uint32_t back = lin & ~PAGE_MASK;                  /* page bytes before EIP */
    uint64_t end = (uint64_t)eip + (PAGE_SIZE - back); /* first EIP past the page */
    uint8_t dflt = (cs->attr & SEG_ATTR_DB) ? 4 : 2;

    if (back > eip)
        back = eip;                                    /* EIP cannot go below 0 */
    if (end > (uint64_t)cs->limit + 1)
        end = (uint64_t)cs->limit + 1;
    /* 16-bit code: IP wraps at 64 KiB.  Stopping short of offset FFFFH means
     * an instruction found in the window ends inside it, so its next EIP is
     * EIP + length with no wrap to check (dcache_decode). */
    if (dflt == 2 && end > 0xffff)
        end = 0xffff;
    if (end <= eip) {
        fetch_flush(c);                                /* EIP past FFFEH: no window */
        return;
    }
    c->fw_eip = eip - back;
    c->fw_span = (uint32_t)(end - c->fw_eip);
    c->fw_span16 = c->fw_span >= 16 ? c->fw_span - 15 : 0;
    c->fw_host = host - back;
    c->fw_dflt = dflt;
}

/* For the translator (contract in jit_internal.h): the code at CS:EIP
 * through the fetch window, opened from a TLB hit if need be. */
const uint8_t *fetch_window_host(struct cpu *c, uint32_t *room)
{
    uint32_t off = c->eip - c->fw_eip;

    if (off >= c->fw_span) {
        const struct seg *cs = &c->seg[SEG_CS];
        uint32_t lin = cs->base + c->eip;
        const uint8_t *host;

        if (c->eip > cs->limit)
            return NULL;
        host = tlb_hit(c, lin, tlb_class_of(c, ACC_FETCH));
        if (host == NULL)
            return NULL;
        window_open(c, c->eip, lin, host);
        off = c->eip - c->fw_eip;
        if (off >= c->fw_span)
            return NULL;
    }
    *room = c->fw_span - off;
    return c->fw_host + off;
}

/* Find the host bytes at CS:EIP: as many as the CS limit, the page and the
 * 15-byte rule allow.  Opens the fetch window when they are in RAM; a TLB
 * miss walks the tables. */
static void fetch_open(struct cpu *c, struct fetch *f)
{
    const struct seg *cs = &c->seg[SEG_CS];
    uint32_t eip = c->eip, lin = cs->base + eip, room, paddr;

    f->c = c;
    f->overrun = false;
    f->start = eip;
    f->len = 0;
    f->avail = 0;
    f->win = NULL;
    if (unlikely(eip > cs->limit))
        return;                              /* mem_fetch8 raises the #GP */
    room = PAGE_SIZE - (lin & ~PAGE_MASK);
    if (room > INSN_MAX_LEN)
        room = INSN_MAX_LEN;
    if (cs->limit - eip < room)
        room = cs->limit - eip + 1;
    f->win = tlb_hit(c, lin, tlb_class_of(c, ACC_FETCH));
    if (unlikely(f->win == NULL))
        f->win = mmu_lookup(c, lin, ACC_FETCH, &paddr);
    if (f->win != NULL) {
        f->avail = room;
        window_open(c, eip, lin, f->win);
    }
}

/* Next instruction byte.  SDM Vol. 2A 2.3.11: more than 15 bytes is #GP(0). */
static inline uint8_t fetch8(struct fetch *f)
{
    uint32_t n = f->len;

    if (likely(n < f->avail)) {
        f->len = n + 1;
        return f->win[n];
    }
    if (f->c == NULL) {
        f->overrun = true;
        return 0;
    }
    if (n >= INSN_MAX_LEN)
        cpu_raise_gp(f->c, 0);
    f->len = n + 1;
    return mem_fetch8(f->c, f->start + n);
}

static uint32_t fetch16(struct fetch *f)
{
    uint32_t lo = fetch8(f);
    return lo | (uint32_t)fetch8(f) << 8;
}

static uint32_t fetch32(struct fetch *f)
{
    uint32_t lo = fetch16(f);
    return lo | fetch16(f) << 16;
}

/* An immediate or displacement of `size` bytes, zero-extended. */
static uint32_t fetch_n(struct fetch *f, unsigned size)
{
    return size == 1 ? fetch8(f) : size == 2 ? fetch16(f) : fetch32(f);
}

/* 16-bit addressing, SDM Vol. 2A table 2-1: the eight base/index sums.
 * BP-based forms use SS by default (SDM Vol. 1 3.7.5). */
static void modrm16(struct fetch *f, struct insn *i, struct ea_recipe *ea)
{
    static const int8_t base[8]  = { EBX, EBX, EBP, EBP, ESI, EDI, EBP, EBX };
    static const int8_t index[8] = { ESI, EDI, ESI, EDI, -1, -1, -1, -1 };

    if (i->mod == 0 && i->rm == 6) {
        ea->disp = fetch16(f);                      /* disp16 alone, DS */
        return;
    }
    i->ea_base = base[i->rm];
    ea->index = index[i->rm];
    if (base[i->rm] == EBP)
        i->ea_seg = SEG_SS;
    if (i->mod == 1)
        ea->disp = (uint32_t)(int8_t)fetch8(f);
    else if (i->mod == 2)
        ea->disp = fetch16(f);
}

/* 32-bit addressing, SDM Vol. 2A tables 2-2 and 2-3.  ESP and EBP bases use SS. */
static void modrm32(struct fetch *f, struct insn *i, struct ea_recipe *ea)
{
    int base = i->rm;

    if (base == 4) {                              /* SIB follows */
        uint8_t sib = fetch8(f);
        unsigned idx = (sib >> 3) & 7;
        base = sib & 7;
        if (idx != ESP) {
            ea->index = (int8_t)idx;
            ea->scale = sib >> 6;
        }
        if (base == EBP && i->mod == 0)
            base = -1;                             /* disp32, no base */
    } else if (base == EBP && i->mod == 0) {
        base = -1;                                 /* disp32 alone */
    }
    i->ea_base = (int8_t)base;
    if (base == ESP || base == EBP)
        i->ea_seg = SEG_SS;
    if (i->mod == 1)
        ea->disp = (uint32_t)(int8_t)fetch8(f);
    else if (i->mod == 2 || base < 0)
        ea->disp = fetch32(f);
}

/* ModRM byte and, for a memory operand, the recipe of its address. */
static void decode_modrm(struct fetch *f, struct insn *i, struct ea_recipe *ea, bool reg_only)
{
    uint8_t m = fetch8(f);

    i->has_modrm = true;
    i->mod = m >> 6;
    i->reg = (m >> 3) & 7;
    i->rm = m & 7;
    if (reg_only)
        i->mod = 3;                                /* SDM Vol. 2B MOV CRn: mod ignored */
    if (i->mod == 3)
        return;
    if (i->addrsize == 2)
        modrm16(f, i, ea);
    else
        modrm32(f, i, ea);
    if (i->seg_override >= 0)
        i->ea_seg = i->seg_override;
}

/* The immediates the opcode's table entry asks for. */
static void decode_imm(struct fetch *f, struct insn *i, unsigned kind)
{
    switch (kind) {
    case IMM_B:     i->imm = fetch8(f); break;
    case IMM_BS:    i->imm = (uint32_t)(int8_t)fetch8(f); break;
    case IMM_W:     i->imm = fetch16(f); break;
    case IMM_Z:     i->imm = fetch_n(f, i->opsize); break;
    case IMM_MOFFS: i->imm = fetch_n(f, i->addrsize); break;
    case IMM_PTR:   i->imm = fetch_n(f, i->opsize); i->imm2 = fetch16(f); break;
    case IMM_ENTER: i->imm = fetch16(f); i->imm2 = fetch8(f); break;
    case IMM_GRP3:
        if (i->reg < 2)
            i->imm = fetch_n(f, i->opcode == 0xf6 ? 1 : i->opsize);
        break;
    default:        break;
    }
}

/* Legacy prefixes, SDM Vol. 2A 2.1.1.  Returns the first opcode byte. */
static uint8_t decode_prefixes(struct fetch *f, struct insn *i, unsigned dflt)
{
    for (;;) {
        uint8_t b = fetch8(f);
        switch (b) {
        case 0x66: i->opsize = (uint8_t)(6 - dflt); break;    /* 2 <-> 4 */
        case 0x67: i->addrsize = (uint8_t)(6 - dflt); break;
        case 0x26: i->seg_override = SEG_ES; break;
        case 0x2e: i->seg_override = SEG_CS; break;
        case 0x36: i->seg_override = SEG_SS; break;
        case 0x3e: i->seg_override = SEG_DS; break;
        case 0x64: i->seg_override = SEG_FS; break;
        case 0x65: i->seg_override = SEG_GS; break;
        case 0xf0: i->lock = true; break;
        case 0xf2:
        case 0xf3: i->rep = b; break;
        default:   return b;
        }
    }
}

/* Decode the instruction whose bytes f delivers.  Operand and address size
 * default to CS.D (SDM Vol. 3A 3.4.5); memory operands default to DS (or SS). */
static void decode_bytes(struct fetch *f, struct insn *i, struct ea_recipe *ea, unsigned dflt)
{
    uint8_t b, fmt;

    i->two_byte = false;
    i->opsize = i->addrsize = (uint8_t)dflt;
    i->seg_override = -1;
    i->rep = 0;
    i->lock = false;
    i->has_modrm = false;
    i->mod = 3;
    i->reg = i->rm = 0;
    i->ea_seg = SEG_DS;
    i->ea = 0;
    i->ea_base = -1;
    i->imm = i->imm2 = 0;
    ea->index = -1;
    ea->scale = 0;
    ea->disp = 0;
    b = decode_prefixes(f, i, dflt);
    if (b == 0x0f) {
        i->two_byte = true;
        b = fetch8(f);
        fmt = two_byte[b];
    } else {
        fmt = one_byte[b];
    }
    i->opcode = b;
    if (fmt & F_MODRM)
        decode_modrm(f, i, ea, fmt & F_REGONLY);
    else if (i->seg_override >= 0)
        i->ea_seg = i->seg_override;
    decode_imm(f, i, fmt & F_IMM);
    i->handler = exec_handler(i);
}

/* Remember a freshly decoded instruction whose bytes all came from the
 * window, with the 16 bytes there when the window holds them (dcache.h,
 * dcache_lookup), else its own bytes and zeros. */
static void dcache_fill(struct cpu *c, struct dcache_entry *e, const struct fetch *f, unsigned dflt)
{
    uint32_t room = c->fw_span - (f->start - c->fw_eip);

    e->bytes[0] = e->bytes[1] = 0;
    memcpy(e->bytes, f->win, room >= sizeof e->bytes ? sizeof e->bytes : f->len);
    e->len = (uint8_t)f->len;
    e->dflt = (uint8_t)dflt;
}

/* Cache miss: decode from memory, and keep the result if every byte came
 * from the window.  Kept out of line so the hit path stays small. */
__attribute__((noinline)) const struct insn *decode_miss(struct cpu *c, struct insn *scratch)
{
    unsigned dflt = (c->seg[SEG_CS].attr & SEG_ATTR_DB) ? 4 : 2;
    uint32_t mask = dflt == 4 ? 0xffffffffu : 0xffff;
    struct ea_recipe ea;
    struct fetch f;
    struct dcache_entry *e;

    fetch_open(c, &f);
    if (unlikely(f.win == NULL)) {                 /* MMIO or beyond the limit */
        decode_bytes(&f, scratch, &ea, dflt);
        scratch->ea = ea_compute(c, scratch, &ea);
        scratch->next_eip = (f.start + f.len) & mask;
        return scratch;
    }
    e = dcache_slot(c, f.win);
    e->dflt = 0;                                  /* a fault while decoding leaves it empty */
    decode_bytes(&f, &e->i, &e->ea, dflt);
    if (f.len <= f.avail)
        dcache_fill(c, e, &f, dflt);
    e->i.ea = ea_compute(c, &e->i, &e->ea);
    e->i.next_eip = (f.start + f.len) & mask;
    return &e->i;
}

/* Decode the instruction at CS:EIP (the out-of-line form of dcache_decode). */
const struct insn *decode_insn(struct cpu *c, struct insn *scratch)
{
    return dcache_decode(c, scratch);
}

/* For the translator: decode from a byte buffer, never from memory
 * (contract in jit_internal.h). */
unsigned decode_from_bytes(const uint8_t *bytes, unsigned avail, unsigned dflt,
                           struct insn *i, struct ea_recipe *ea)
{
    struct fetch f = { .c = NULL, .win = bytes, .avail = avail };

    if (avail > INSN_MAX_LEN)
        f.avail = INSN_MAX_LEN;
    decode_bytes(&f, i, ea, dflt);
    return f.overrun ? 0 : f.len;
}
