/* diff_gen.h - random instruction sequences for the differential tests. */
#ifndef TRAPEZE_DIFF_GEN_H
#define TRAPEZE_DIFF_GEN_H

#include <stdint.h>

#include "diff_wire.h"

/* Instruction families; a Criterion test per family names what failed. */
enum diff_family {
    DIFF_ALU,       /* ADD..CMP, TEST in every form */
    DIFF_UNARY,     /* INC DEC NEG NOT */
    DIFF_MOV,       /* MOV in every form */
    DIFF_SHIFT,     /* ROL ROR RCL RCR SHL SHR SAR by 1, imm8, CL */
    DIFF_SHXD,      /* SHLD SHRD */
    DIFF_MUL,       /* MUL, IMUL (one, two and three operands) */
    DIFF_DIV,       /* DIV IDIV, including #DE */
    DIFF_BIT,       /* BT BTS BTR BTC BSF BSR */
    DIFF_MOVX,      /* MOVZX MOVSX */
    DIFF_CC,        /* Jcc SETcc CMOVcc over all conditions */
    DIFF_XCHG,      /* XCHG XADD CMPXCHG BSWAP */
    DIFF_CONV,      /* CBW CWDE CWD CDQ */
    DIFF_LEA,       /* LEA, every 32- and 16-bit addressing form */
    DIFF_STACK,     /* PUSH POP PUSHA POPA PUSHF POPF */
    DIFF_STRING,    /* MOVS STOS LODS CMPS SCAS with REP/REPE/REPNE */
    DIFF_FLAGS,     /* LAHF SAHF CLC STC CMC CLD STD */
    DIFF_BRANCH,    /* JMP CALL RET LOOP JECXZ */
    DIFF_BCD,       /* DAA DAS AAA AAS AAM AAD */
    DIFF_FAULT,     /* #UD (UD2, bad LOCK, bad ModRM), INT3, INTO, BOUND */
    DIFF_MISC,      /* NOPs, XLAT, ENTER/LEAVE, CMPXCHG8B, indirect CALL/JMP */
    DIFF_PRIV,      /* privileged and IOPL-sensitive: compare at CPL 3 only */
    DIFF_PAGING,    /* accesses to the read-only page and the hole: #PF, paging only */
    DIFF_SEG,       /* MOV/POP/LDS/LES of DS ES SS, MOV r/m and PUSH of a Sreg: CPL 3 only */
    DIFF_TRAP,      /* POPF setting TF: the single-step #DB after the next instruction */
    DIFF_FAMILIES
};
#define DIFF_FAM(f) (1u << (f))

#define DIFF_DESC_MAX 4096

/* A deterministic random stream (splitmix64): the same seed gives the same
 * cases on every host. */
struct diff_rng {
    uint64_t s;
};

/* Start the stream for case `index` of stream `stream` under `seed`. */
void diff_rng_seed(struct diff_rng *r, uint64_t seed, uint64_t stream, uint64_t index);
uint32_t diff_rng_u32(struct diff_rng *r);
/* A value in [0, n). */
uint32_t diff_rng_below(struct diff_rng *r, uint32_t n);
/* A value biased towards where flags change: 0, 1, sign boundaries, all ones. */
uint32_t diff_rng_value(struct diff_rng *r);

/* What the comparison needs to know about a generated case. */
struct diff_meta {
    uint32_t undef;             /* status flags undefined when the case ends */
    uint32_t undef_any;         /* ... at any point of it (a fault may stop it anywhere) */
    unsigned ninsns;            /* instructions chosen (setup moves not counted) */
    char desc[DIFF_DESC_MAX];   /* one line per instruction: bytes, then mnemonic */
};

/* Fill `k` with random initial state and 1..max_insns instructions from the
 * families in the `families` bit mask, ended by HLT; describe it in `m`. */
void diff_gen_case(struct diff_rng *r, uint32_t families, unsigned max_insns,
                   struct diff_case *k, struct diff_meta *m);

/* Fill `k` with random initial state and the given code (plus the final
 * HLT); `m` says nothing is undefined.  For hand-written cases. */
void diff_gen_fixed(struct diff_rng *r, const uint8_t *code, unsigned len,
                    struct diff_case *k, struct diff_meta *m);

#endif
