/* diff_flags.h - which arithmetic flags an instruction reads, defines, or leaves undefined. */
#ifndef TRAPEZE_DIFF_FLAGS_H
#define TRAPEZE_DIFF_FLAGS_H

#include <stdbool.h>
#include <stdint.h>

/* SDM Vol. 1 3.4.3, EFLAGS: the status flags and DF. */
#define DF_CF 0x0001u
#define DF_PF 0x0004u
#define DF_AF 0x0010u
#define DF_ZF 0x0040u
#define DF_SF 0x0080u
#define DF_DF 0x0400u
#define DF_OF 0x0800u
#define DF_STATUS (DF_CF | DF_PF | DF_AF | DF_ZF | DF_SF | DF_OF)

/* A count the generator cannot know (a shift by CL set by earlier code). */
#define DIFF_COUNT_UNKNOWN (-1)

/* An instruction's effect on the status flags.  `written` flags get a
 * defined value, `undef` ones a value the SDM leaves undefined (the host and
 * the interpreter may disagree and both be right), `read` ones are inputs. */
struct diff_fx {
    uint32_t read, written, undef;
};

/* Group 1 ALU op (ModRM /0../7: ADD OR ADC SBB AND SUB XOR CMP). */
struct diff_fx fx_alu(unsigned ext);
struct diff_fx fx_logic(void);          /* TEST */
struct diff_fx fx_incdec(void);         /* INC, DEC */
struct diff_fx fx_neg(void);
struct diff_fx fx_none(void);           /* MOV, NOT, XCHG, LEA, ... */
struct diff_fx fx_mul(void);            /* MUL and every IMUL form */
struct diff_fx fx_div(void);            /* DIV, IDIV */
/* Group 2 (ModRM /0../7: ROL ROR RCL RCR SHL SHR - SAR) on `size` bytes. */
struct diff_fx fx_shift(unsigned ext, unsigned size, int count);
struct diff_fx fx_shxd(unsigned size, int count);   /* SHLD, SHRD */
struct diff_fx fx_bt(void);             /* BT BTS BTR BTC */
struct diff_fx fx_bsf(void);            /* BSF, BSR */
struct diff_fx fx_cc(unsigned cc);      /* Jcc SETcc CMOVcc with condition `cc` */
struct diff_fx fx_cmpxchg(void);
struct diff_fx fx_xadd(void);
struct diff_fx fx_sahf(void);
struct diff_fx fx_lahf(void);
struct diff_fx fx_cmc(void);
struct diff_fx fx_clc_stc(void);
struct diff_fx fx_popf(void);
struct diff_fx fx_pushf(void);
struct diff_fx fx_string(unsigned op);  /* opcode A4..AF: CMPS/SCAS set flags */
struct diff_fx fx_bcd(unsigned op);     /* 27 DAA 2F DAS 37 AAA 3F AAS D4 AAM D5 AAD */

/* SDM Vol. 2A BSF/BSR: "If the content of the source operand is 0, the
 * content of the destination operand is undefined." */
bool fx_bsf_dest_undefined(uint32_t src);

/* SDM Vol. 2B SHLD/SHRD: "If the count is greater than the operand size,
 * the result is undefined." (count already masked to 5 bits) */
bool fx_shxd_dest_undefined(unsigned size, int count);

#endif
