/* jit_internal.h - what the block cache (jit.c) and the translator (jit_gen.c) share. */
#ifndef TRAPEZE_JIT_INTERNAL_H
#define TRAPEZE_JIT_INTERNAL_H

/*
 * jit.c explains the translator as a whole.  In short: a *block* is the host
 * code for a run of guest instructions that starts at one EIP and ends at the
 * first jump (or at the end of its code page).  Blocks live in one buffer of
 * executable host memory and are found again by their key: the guest EIP and
 * physical address they were translated from, plus the bits of processor
 * state the host code was specialised for (its "mode").
 */

#include "cpu_internal.h"

#define JIT_CODE_BYTES    (8u << 20)   /* executable buffer: half code, half cold stubs */
#define JIT_MAX_BLOCKS    32768u       /* block descriptors; the cache is flushed when full */
#define JIT_MAX_CALLS     65536u       /* copies of decoded instructions for handler calls */
#define JIT_HASH_BITS     15
#define JIT_BLOCK_INSNS   64u          /* guest instructions in a block, at most */
#define JIT_BLOCK_ROOM    16384u       /* host bytes a block may need, main or cold */

/* The mode bits a block was translated for (besides CS base and limit). */
#define JIT_MODE_USER  0x1u            /* CPL 3: user TLB classes */
#define JIT_MODE_SS32  0x2u            /* SS.B = 1: ESP, not SP */

/* Why translated code returned to the dispatcher (jit.c), in RAX. */
enum jit_exit_code {
    JIT_EXIT_JUMP,      /* c->eip is where to go on */
    JIT_EXIT_STEP,      /* the instruction at c->eip needs the interpreter (a slow path) */
    JIT_EXIT_SYNC,      /* like JUMP, after an instruction that may have changed segments */
    JIT_EXIT_LINK0,     /* a direct jump out[0] (or out[1]) not linked yet: the block is in RDX */
    JIT_EXIT_LINK1,
};

struct jit_block;

/* A direct jump from one block into another, patched to go straight there. */
struct jit_link {
    uint8_t *site;              /* the rel32 of the JMP in the source block, or NULL */
    uint8_t *stub;              /* where that JMP goes while it is not linked */
    uint32_t target_eip;
    struct jit_block *to;       /* the block it is linked to, or NULL */
    struct jit_link *next_in;   /* the next link into the same block */
};

struct jit_block {
    /* the key: what the translation depends on */
    uint32_t eip;
    uint32_t paddr;             /* physical address of its first byte */
    uint32_t cs_base, cs_limit;
    uint8_t mode;               /* JIT_MODE_* */
    uint8_t ninsns;             /* guest instructions */
    uint16_t len;               /* guest bytes */
    bool dead;                  /* its code was overwritten: never entered again */
    uint8_t *code;              /* host entry point */
    struct jit_block *hash_next;
    struct jit_block *frame_next;   /* blocks that start on the same physical page */
    struct jit_link out[2];
    struct jit_link *in;            /* links into this block */
};

/* What the trampoline returns: the exit code and, for a LINK exit, the block. */
struct jit_exit {
    uintptr_t code;
    struct jit_block *from;
};
typedef struct jit_exit jit_enter_fn(struct cpu *c, const uint8_t *code);

struct jit {
    uint8_t *buf;                      /* JIT_CODE_BYTES of executable memory */
    uint8_t *main_start, *main_free, *main_end;   /* block code */
    uint8_t *cold_start, *cold_free, *cold_end;   /* out-of-line stubs */
    jit_enter_fn *enter;               /* the trampoline into translated code */
    uint8_t *exit;                     /* ... and its way back: blocks jump here */
    struct jit_block *blocks;          /* JIT_MAX_BLOCKS descriptors */
    uint32_t nblocks;
    struct insn *calls;                /* JIT_MAX_CALLS instruction copies */
    uint32_t ncalls;
    struct jit_block *hash[1u << JIT_HASH_BITS];
    struct jit_block **frame_head;     /* per physical page: blocks starting there */
    struct cpu_jit_stats stats;
};

/*
 * Translate the guest code at `host` (EIP c->eip, `room` bytes readable
 * before the end of its page or the CS limit) into block b, whose key the
 * caller has filled.  Returns 0 with b->code set; -1 when the code buffer is
 * too full (flush and try again); -2 when not even the first instruction can
 * be translated here (the interpreter must run it).  jit_gen.c.
 */
int jit_translate(struct cpu *c, struct jit *j, struct jit_block *b, const uint8_t *host,
                  uint32_t room);

/* decode.c: decode the instruction in bytes[0..avail) for a code segment of
 * default size dflt (2 or 4) without reading memory or raising anything.
 * Returns its length, or 0 if it does not fit in avail bytes.  The memory
 * operand is left as its recipe in *ea (dcache.h). */
struct ea_recipe;
unsigned decode_from_bytes(const uint8_t *bytes, unsigned avail, unsigned dflt,
                           struct insn *i, struct ea_recipe *ea);

/* decode.c: the host address of the code at CS:EIP and the bytes readable
 * there (to the end of the page or the CS limit), from the fetch window,
 * which a TLB hit may open; NULL when only a page walk or a fault could tell
 * (the interpreter then runs the instruction). */
const uint8_t *fetch_window_host(struct cpu *c, uint32_t *room);

#endif
