/* diff_asm.h - a tiny IA-32 assembler for the generator: bytes, operands, flags. */
#ifndef TRAPEZE_DIFF_ASM_H
#define TRAPEZE_DIFF_ASM_H

/*
 * What every template in diff_gen.c needs: emit bytes into the case's code
 * and describe them, build a ModRM operand that points where it should,
 * set registers and memory without touching the flags, and keep track of
 * which flags are undefined and where ESP is.  Encodings: SDM Vol. 2A
 * chapter 2 (prefixes, ModRM, SIB, displacement, immediate).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diff_flags.h"
#include "diff_gen.h"

/* SDM Vol. 2A 2.1.5 table 2-2: register numbers. */
enum { EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI };

/* SDM Vol. 2A 2.1.1: operand-size, address-size and two-byte escape. */
#define PFX_OPSIZE 0x66u
#define PFX_ADSIZE 0x67u
#define ESC_0F     0x0fu
#define PFX_REP    0xf3u
#define PFX_REPNE  0xf2u
#define PFX_LOCK   0xf0u

/* ModRM and SIB, SDM Vol. 2A 2.1.5:
 *
 *    7  6 5   3 2  0        7   6 5     3 2    0
 *   +----+-----+----+      +-----+-------+------+
 *   |mod | reg | rm |      |scale| index | base |
 *   +----+-----+----+      +-----+-------+------+
 */
#define MODRM(mod, reg, rm) ((uint8_t)(((mod) << 6) | ((reg) << 3) | (rm)))
#define SIB(ss, idx, base)  ((uint8_t)(((ss) << 6) | ((idx) << 3) | (base)))
#define RM_SIB    4         /* rm = 100: a SIB byte follows */
#define RM_DISP32 5         /* mod 00, rm = 101: disp32 only */
#define SIB_NONE  4         /* index = 100: no index */

/* The stack page keeps this much room below and above ESP. */
#define STACK_MARGIN 256u
#define ESP_LOW  (DIFF_STACK_ADDR + STACK_MARGIN)
#define ESP_HIGH (DIFF_STACK_ADDR + DIFF_PAGE_SIZE - STACK_MARGIN)

/* One case being assembled. */
struct gen {
    struct diff_rng *r;
    struct diff_case *k;
    struct diff_meta *m;
    uint32_t len;           /* code bytes emitted */
    uint32_t start;         /* where the instruction being emitted starts */
    uint32_t esp;           /* ESP as the code emitted so far leaves it */
    uint32_t avoid;         /* registers an address must not be built in (bit mask) */
    bool lock;              /* the next memory instruction may take a LOCK prefix */
    bool plain;             /* the next memory instruction takes no prefix at all */
    char pfx[16];           /* prefixes to show before the next mnemonic */
    size_t dlen;            /* description length */
};

/* A r/m operand ready to encode: ModRM without its reg field, then the rest. */
struct rm {
    uint8_t modrm;
    uint8_t tail[5];        /* SIB, displacement */
    unsigned ntail;
    bool mem;
    unsigned reg;           /* when !mem */
    char text[64];          /* for the description: "dword [ebx+esi*4+16]" */
};

/* --- random choices (through the case's stream) --- */

uint32_t asm_below(struct gen *g, uint32_t n);          /* in [0, n) */
bool asm_chance(struct gen *g, unsigned percent);      /* true `percent`% of the time */
uint32_t asm_value(struct gen *g);                      /* an edge-biased value */
uint8_t asm_shift_count(struct gen *g);                 /* 0, 1, the widths, or random */
unsigned asm_any_size(struct gen *g);                   /* 1, 2 or 4 */
unsigned asm_wide_size(struct gen *g);                  /* 2 or 4 */
unsigned asm_wreg(struct gen *g, unsigned size);        /* a register it may write: never ESP */

/* --- bytes and their description --- */

void asm_byte(struct gen *g, uint32_t b);
void asm_imm(struct gen *g, uint32_t v, unsigned size);  /* little-endian, `size` bytes */
void asm_osize(struct gen *g, unsigned size);            /* 66 when size is 2 */
/* End the instruction begun at g->start: one description line with its
 * bytes, the pending prefixes and the printf-formatted mnemonic. */
void asm_note(struct gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *asm_reg_name(unsigned r, unsigned size);
const char *asm_size_name(unsigned size);
const char *asm_cc_name(unsigned cc);

/* --- flag-neutral setup --- */

void asm_set_reg(struct gen *g, unsigned reg, uint32_t v);                   /* MOV r32, imm32 */
void asm_set_mem(struct gen *g, uint32_t addr, uint32_t v, unsigned size);  /* MOV [addr], imm */

/* --- flags --- */

/* Before an instruction reading `read`: define them (CMP) if any is undefined. */
void asm_flags_ready(struct gen *g, uint32_t read);
/* After an instruction: fold its effect into the undefined set. */
void asm_flags_apply(struct gen *g, struct diff_fx fx);

/* --- operands --- */

void asm_rm_reg(struct rm *o, unsigned reg, unsigned size);
void asm_rm_abs(struct rm *o, uint32_t addr, unsigned size);                 /* [disp32] */
/* A data address `margin` bytes inside the data pages (sometimes straddling them). */
uint32_t asm_data_addr(struct gen *g, unsigned size, uint32_t margin);
/* A register or memory operand in any addressing form, with its setup emitted. */
void asm_pick_rm(struct gen *g, struct rm *o, unsigned size, bool written);
void asm_emit_modrm(struct gen *g, const struct rm *o, unsigned reg);
/* [prefixes] [66] [0F] op ModRM...: the common instruction shape. */
void asm_emit_op_rm(struct gen *g, unsigned size, bool two_byte, unsigned op,
                    const struct rm *o, unsigned reg);
/* Any 32-bit memory ModRM (+SIB, displacement), for LEA and NOP r/m. */
void asm_any_mem_modrm(struct gen *g, unsigned reg);

/* --- control flow --- */

/* Is there room on the stack page to push `delta` bytes (negative: pop)? */
bool asm_stack_room(struct gen *g, int delta);
/* Set a forward displacement already emitted at `at`, and its description. */
void asm_patch(struct gen *g, uint32_t at, uint32_t disp, unsigned size,
               size_t line, uint32_t first);

#endif
