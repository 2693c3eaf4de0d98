/* disasm.c - decode IA-32 instructions into objdump-style AT&T text. */

/*
 * An IA-32 instruction is, in this order (SDM Vol. 2A 2.1): up to four
 * prefix bytes, a one- or two-byte opcode, a ModRM byte that names a
 * register and a register-or-memory operand, a SIB byte for scaled-index
 * addressing, a displacement, and an immediate.  Which of these follow the
 * opcode is a property of the opcode alone, so a disassembler is a table:
 * for each opcode, a mnemonic and a list of operand kinds taken from the
 * opcode map of SDM Vol. 2D Appendix A (Eb = r/m byte, Gv = register of
 * operand size, Iz = immediate of operand size, ...).  Opcodes that share a
 * byte and differ in the ModRM reg field ("groups", A.4) point to a
 * sub-table of eight rows.
 *
 * The text follows GNU objdump's AT&T syntax: operands in reverse Intel
 * order, a size suffix (b/w/l) only when no register operand shows the
 * size, and a prefix that changed nothing printed as a word of its own
 * (`data16`, `addr16`, `es`).
 */

#include "disasm.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Operand kinds, after the abbreviations of SDM Vol. 2D A.2.1 (method) and
 * A.2.2 (size). */
enum opnd {
    NONE,
    Eb, Ev, Ew,         /* ModRM r/m: register or memory (byte, operand size, word) */
    Mw_Rv,              /* r/m: memory of no printed size, or an operand-size register */
    M, Mp,              /* r/m: memory only (LEA, LGDT; a far pointer for LES, LCALL) */
    Gb, Gv, Gw,         /* ModRM reg: general register */
    Sw,                 /* ModRM reg: segment register */
    Cd, Dd,             /* ModRM reg: control / debug register */
    Rd,                 /* ModRM r/m: 32-bit register whatever mod says (MOV CRn) */
    Ib, Ibs, Iw, Iz,    /* immediate: byte, byte sign-extended, word, operand size */
    Jb, Jz,             /* relative branch: target = next EIP + displacement */
    Ap,                 /* direct far pointer (selector and offset) */
    Ob, Ov,             /* moffs: an absolute offset with no ModRM */
    Zb, Zv,             /* register named by the opcode's low three bits */
    AL, eAX, CL, DX,    /* fixed registers (DX as a port prints "(%dx)") */
    Xb, Xv, Yb, Yv,     /* string source DS:eSI, destination ES:eDI */
    XLAT,               /* DS:[eBX + AL], the table of XLAT */
    sES, sCS, sSS, sDS, sFS, sGS,   /* fixed segment register (PUSH/POP Sreg) */
};

/* Row flags.  The low three bits say when to add a size suffix. */
#define SFX_MEM    1u   /* when no general register operand shows the size */
#define SFX_STK    2u   /* when the operand size is not the default (PUSH, RET, IRET) */
#define SFX_ADDR   3u   /* when the address size is not the default (LOOP) */
#define SFX_ALWAYS 4u   /* always, from the operand size (LGDT, MOVZX) */
#define SFX_MASK   7u
#define F_IND      0x08u  /* indirect branch: '*' before the operand */
#define F_NOREV    0x10u  /* operands print in Intel order (ENTER, BOUND) */
#define F_STR      0x20u  /* string instruction: F3 is REP */
#define F_REPZ     0x40u  /* CMPS/SCAS: F3 is REPZ */
#define F_ALT      0x80u  /* name is "w16/w32", chosen by operand size (CBW/CWDE) */
#define F_ALTADDR  0x100u /* name is "w16/w32", chosen by address size (JCXZ/JECXZ) */
#define F_NOP      0x200u /* 90: NOP, PAUSE with F3, XCHG eAX,eAX with 66 */

struct op {
    const char *name;       /* NULL: no instruction */
    uint16_t flags;
    uint8_t opnd[3];        /* enum opnd, in Intel (destination first) order */
    const struct op *grp;   /* ModRM.reg selects a row of this table (A.4) */
};

/* --- opcode groups, SDM Vol. 2D table A-6.  A row without operands takes
 * them from the opcode that selected the group. ------------------------------- */

static const struct op grp1[8] = {     /* 80-83 /r */
    [0] = { "add", SFX_MEM },
    [1] = { "or", SFX_MEM },
    [2] = { "adc", SFX_MEM },
    [3] = { "sbb", SFX_MEM },
    [4] = { "and", SFX_MEM },
    [5] = { "sub", SFX_MEM },
    [6] = { "xor", SFX_MEM },
    [7] = { "cmp", SFX_MEM },
};
static const struct op grp1a[8] = {    /* 8F /r */
    [0] = { "pop", SFX_STK, { Ev } },
};
static const struct op grp2[8] = {     /* C0 C1 D0-D3 /r */
    [0] = { "rol", SFX_MEM },
    [1] = { "ror", SFX_MEM },
    [2] = { "rcl", SFX_MEM },
    [3] = { "rcr", SFX_MEM },
    [4] = { "shl", SFX_MEM },
    [5] = { "shr", SFX_MEM },
    [6] = { "shl", SFX_MEM },          /* undocumented alias of /4 */
    [7] = { "sar", SFX_MEM },
};
static const struct op grp3b[8] = {    /* F6 /r */
    [0] = { "test", SFX_MEM, { Eb, Ib } },
    [1] = { "test", SFX_MEM, { Eb, Ib } },
    [2] = { "not", SFX_MEM, { Eb } },
    [3] = { "neg", SFX_MEM, { Eb } },
    [4] = { "mul", SFX_MEM, { Eb } },
    [5] = { "imul", SFX_MEM, { Eb } },
    [6] = { "div", SFX_MEM, { Eb } },
    [7] = { "idiv", SFX_MEM, { Eb } },
};
static const struct op grp3v[8] = {    /* F7 /r */
    [0] = { "test", SFX_MEM, { Ev, Iz } },
    [1] = { "test", SFX_MEM, { Ev, Iz } },
    [2] = { "not", SFX_MEM, { Ev } },
    [3] = { "neg", SFX_MEM, { Ev } },
    [4] = { "mul", SFX_MEM, { Ev } },
    [5] = { "imul", SFX_MEM, { Ev } },
    [6] = { "div", SFX_MEM, { Ev } },
    [7] = { "idiv", SFX_MEM, { Ev } },
};
static const struct op grp4[8] = {     /* FE /r */
    [0] = { "inc", SFX_MEM, { Eb } },
    [1] = { "dec", SFX_MEM, { Eb } },
};
static const struct op grp5[8] = {     /* FF /r */
    [0] = { "inc", SFX_MEM, { Ev } },
    [1] = { "dec", SFX_MEM, { Ev } },
    [2] = { "call", SFX_STK | F_IND, { Ev } },
    [3] = { "lcall", SFX_STK | F_IND, { Mp } },
    [4] = { "jmp", SFX_STK | F_IND, { Ev } },
    [5] = { "ljmp", SFX_STK | F_IND, { Mp } },
    [6] = { "push", SFX_STK, { Ev } },
};
static const struct op grp6[8] = {     /* 0F 00 /r */
    [0] = { "sldt", 0, { Mw_Rv } },
    [1] = { "str", 0, { Mw_Rv } },
    [2] = { "lldt", 0, { Ew } },
    [3] = { "ltr", 0, { Ew } },
    [4] = { "verr", 0, { Ew } },
    [5] = { "verw", 0, { Ew } },
};
static const struct op grp7[8] = {     /* 0F 01 /r */
    [0] = { "sgdt", SFX_ALWAYS, { M } },
    [1] = { "sidt", SFX_ALWAYS, { M } },
    [2] = { "lgdt", SFX_ALWAYS, { M } },
    [3] = { "lidt", SFX_ALWAYS, { M } },
    [4] = { "smsw", 0, { Mw_Rv } },
    [6] = { "lmsw", 0, { Ew } },
    [7] = { "invlpg", 0, { M } },
};
static const struct op grp8[8] = {     /* 0F BA /r */
    [4] = { "bt", SFX_MEM },
    [5] = { "bts", SFX_MEM },
    [6] = { "btr", SFX_MEM },
    [7] = { "btc", SFX_MEM },
};
static const struct op grp9[8] = {     /* 0F C7 /r */
    [1] = { "cmpxchg8b", 0, { M } },
};
static const struct op grp11b[8] = {   /* C6 /r */
    [0] = { "mov", SFX_MEM, { Eb, Ib } },
};
static const struct op grp11v[8] = {   /* C7 /r */
    [0] = { "mov", SFX_MEM, { Ev, Iz } },
};

/* --- one-byte opcodes, SDM Vol. 2D table A-2.  Prefix bytes (26 2E 36 3E
 * 64 65 66 67 F0 F2 F3) and the 0F escape are handled before the table. -- */

static const struct op one_byte[256] = {
    [0x00] = { "add", SFX_MEM, { Eb, Gb } },
    [0x01] = { "add", SFX_MEM, { Ev, Gv } },
    [0x02] = { "add", SFX_MEM, { Gb, Eb } },
    [0x03] = { "add", SFX_MEM, { Gv, Ev } },
    [0x04] = { "add", SFX_MEM, { AL, Ib } },
    [0x05] = { "add", SFX_MEM, { eAX, Iz } },
    [0x06] = { "push", SFX_STK, { sES } },
    [0x07] = { "pop", SFX_STK, { sES } },
    [0x08] = { "or", SFX_MEM, { Eb, Gb } },
    [0x09] = { "or", SFX_MEM, { Ev, Gv } },
    [0x0a] = { "or", SFX_MEM, { Gb, Eb } },
    [0x0b] = { "or", SFX_MEM, { Gv, Ev } },
    [0x0c] = { "or", SFX_MEM, { AL, Ib } },
    [0x0d] = { "or", SFX_MEM, { eAX, Iz } },
    [0x0e] = { "push", SFX_STK, { sCS } },
    [0x10] = { "adc", SFX_MEM, { Eb, Gb } },
    [0x11] = { "adc", SFX_MEM, { Ev, Gv } },
    [0x12] = { "adc", SFX_MEM, { Gb, Eb } },
    [0x13] = { "adc", SFX_MEM, { Gv, Ev } },
    [0x14] = { "adc", SFX_MEM, { AL, Ib } },
    [0x15] = { "adc", SFX_MEM, { eAX, Iz } },
    [0x16] = { "push", SFX_STK, { sSS } },
    [0x17] = { "pop", SFX_STK, { sSS } },
    [0x18] = { "sbb", SFX_MEM, { Eb, Gb } },
    [0x19] = { "sbb", SFX_MEM, { Ev, Gv } },
    [0x1a] = { "sbb", SFX_MEM, { Gb, Eb } },
    [0x1b] = { "sbb", SFX_MEM, { Gv, Ev } },
    [0x1c] = { "sbb", SFX_MEM, { AL, Ib } },
    [0x1d] = { "sbb", SFX_MEM, { eAX, Iz } },
    [0x1e] = { "push", SFX_STK, { sDS } },
    [0x1f] = { "pop", SFX_STK, { sDS } },
    [0x20] = { "and", SFX_MEM, { Eb, Gb } },
    [0x21] = { "and", SFX_MEM, { Ev, Gv } },
    [0x22] = { "and", SFX_MEM, { Gb, Eb } },
    [0x23] = { "and", SFX_MEM, { Gv, Ev } },
    [0x24] = { "and", SFX_MEM, { AL, Ib } },
    [0x25] = { "and", SFX_MEM, { eAX, Iz } },
    [0x27] = { "daa" },
    [0x28] = { "sub", SFX_MEM, { Eb, Gb } },
    [0x29] = { "sub", SFX_MEM, { Ev, Gv } },
    [0x2a] = { "sub", SFX_MEM, { Gb, Eb } },
    [0x2b] = { "sub", SFX_MEM, { Gv, Ev } },
    [0x2c] = { "sub", SFX_MEM, { AL, Ib } },
    [0x2d] = { "sub", SFX_MEM, { eAX, Iz } },
    [0x2f] = { "das" },
    [0x30] = { "xor", SFX_MEM, { Eb, Gb } },
    [0x31] = { "xor", SFX_MEM, { Ev, Gv } },
    [0x32] = { "xor", SFX_MEM, { Gb, Eb } },
    [0x33] = { "xor", SFX_MEM, { Gv, Ev } },
    [0x34] = { "xor", SFX_MEM, { AL, Ib } },
    [0x35] = { "xor", SFX_MEM, { eAX, Iz } },
    [0x37] = { "aaa" },
    [0x38] = { "cmp", SFX_MEM, { Eb, Gb } },
    [0x39] = { "cmp", SFX_MEM, { Ev, Gv } },
    [0x3a] = { "cmp", SFX_MEM, { Gb, Eb } },
    [0x3b] = { "cmp", SFX_MEM, { Gv, Ev } },
    [0x3c] = { "cmp", SFX_MEM, { AL, Ib } },
    [0x3d] = { "cmp", SFX_MEM, { eAX, Iz } },
    [0x3f] = { "aas" },
    [0x40] = { "inc", 0, { Zv } }, [0x41] = { "inc", 0, { Zv } },
    [0x42] = { "inc", 0, { Zv } }, [0x43] = { "inc", 0, { Zv } },
    [0x44] = { "inc", 0, { Zv } }, [0x45] = { "inc", 0, { Zv } },
    [0x46] = { "inc", 0, { Zv } }, [0x47] = { "inc", 0, { Zv } },
    [0x48] = { "dec", 0, { Zv } }, [0x49] = { "dec", 0, { Zv } },
    [0x4a] = { "dec", 0, { Zv } }, [0x4b] = { "dec", 0, { Zv } },
    [0x4c] = { "dec", 0, { Zv } }, [0x4d] = { "dec", 0, { Zv } },
    [0x4e] = { "dec", 0, { Zv } }, [0x4f] = { "dec", 0, { Zv } },
    [0x50] = { "push", SFX_STK, { Zv } }, [0x51] = { "push", SFX_STK, { Zv } },
    [0x52] = { "push", SFX_STK, { Zv } }, [0x53] = { "push", SFX_STK, { Zv } },
    [0x54] = { "push", SFX_STK, { Zv } }, [0x55] = { "push", SFX_STK, { Zv } },
    [0x56] = { "push", SFX_STK, { Zv } }, [0x57] = { "push", SFX_STK, { Zv } },
    [0x58] = { "pop", SFX_STK, { Zv } }, [0x59] = { "pop", SFX_STK, { Zv } },
    [0x5a] = { "pop", SFX_STK, { Zv } }, [0x5b] = { "pop", SFX_STK, { Zv } },
    [0x5c] = { "pop", SFX_STK, { Zv } }, [0x5d] = { "pop", SFX_STK, { Zv } },
    [0x5e] = { "pop", SFX_STK, { Zv } }, [0x5f] = { "pop", SFX_STK, { Zv } },
    [0x60] = { "pusha", SFX_STK },
    [0x61] = { "popa", SFX_STK },
    [0x62] = { "bound", F_NOREV, { Gv, M } },
    [0x63] = { "arpl", 0, { Ew, Gw } },
    [0x68] = { "push", SFX_STK, { Iz } },
    [0x69] = { "imul", 0, { Gv, Ev, Iz } },
    [0x6a] = { "push", SFX_STK, { Ibs } },
    [0x6b] = { "imul", 0, { Gv, Ev, Ibs } },
    [0x6c] = { "ins", SFX_MEM | F_STR, { Yb, DX } },
    [0x6d] = { "ins", SFX_MEM | F_STR, { Yv, DX } },
    [0x6e] = { "outs", SFX_MEM | F_STR, { DX, Xb } },
    [0x6f] = { "outs", SFX_MEM | F_STR, { DX, Xv } },
    [0x70] = { "jo", 0, { Jb } },
    [0x71] = { "jno", 0, { Jb } },
    [0x72] = { "jb", 0, { Jb } },
    [0x73] = { "jae", 0, { Jb } },
    [0x74] = { "je", 0, { Jb } },
    [0x75] = { "jne", 0, { Jb } },
    [0x76] = { "jbe", 0, { Jb } },
    [0x77] = { "ja", 0, { Jb } },
    [0x78] = { "js", 0, { Jb } },
    [0x79] = { "jns", 0, { Jb } },
    [0x7a] = { "jp", 0, { Jb } },
    [0x7b] = { "jnp", 0, { Jb } },
    [0x7c] = { "jl", 0, { Jb } },
    [0x7d] = { "jge", 0, { Jb } },
    [0x7e] = { "jle", 0, { Jb } },
    [0x7f] = { "jg", 0, { Jb } },
    [0x80] = { NULL, 0, { Eb, Ib }, grp1 },
    [0x81] = { NULL, 0, { Ev, Iz }, grp1 },
    [0x82] = { NULL, 0, { Eb, Ib }, grp1 },
    [0x83] = { NULL, 0, { Ev, Ibs }, grp1 },
    [0x84] = { "test", SFX_MEM, { Eb, Gb } },
    [0x85] = { "test", SFX_MEM, { Ev, Gv } },
    [0x86] = { "xchg", SFX_MEM, { Eb, Gb } },
    [0x87] = { "xchg", SFX_MEM, { Ev, Gv } },
    [0x88] = { "mov", SFX_MEM, { Eb, Gb } },
    [0x89] = { "mov", SFX_MEM, { Ev, Gv } },
    [0x8a] = { "mov", SFX_MEM, { Gb, Eb } },
    [0x8b] = { "mov", SFX_MEM, { Gv, Ev } },
    [0x8c] = { "mov", 0, { Mw_Rv, Sw } },
    [0x8d] = { "lea", 0, { Gv, M } },
    [0x8e] = { "mov", 0, { Sw, Mw_Rv } },
    [0x8f] = { NULL, 0, { NONE }, grp1a },
    [0x90] = { "nop", F_NOP },
    [0x91] = { "xchg", 0, { Zv, eAX } }, [0x92] = { "xchg", 0, { Zv, eAX } },
    [0x93] = { "xchg", 0, { Zv, eAX } }, [0x94] = { "xchg", 0, { Zv, eAX } },
    [0x95] = { "xchg", 0, { Zv, eAX } }, [0x96] = { "xchg", 0, { Zv, eAX } },
    [0x97] = { "xchg", 0, { Zv, eAX } },
    [0x98] = { "cbtw/cwtl", F_ALT },
    [0x99] = { "cwtd/cltd", F_ALT },
    [0x9a] = { "lcall", SFX_STK, { Ap } },
    [0x9b] = { "fwait" },
    [0x9c] = { "pushf", SFX_STK },
    [0x9d] = { "popf", SFX_STK },
    [0x9e] = { "sahf" },
    [0x9f] = { "lahf" },
    [0xa0] = { "mov", SFX_MEM, { AL, Ob } },
    [0xa1] = { "mov", SFX_MEM, { eAX, Ov } },
    [0xa2] = { "mov", SFX_MEM, { Ob, AL } },
    [0xa3] = { "mov", SFX_MEM, { Ov, eAX } },
    [0xa4] = { "movs", SFX_MEM | F_STR, { Yb, Xb } },
    [0xa5] = { "movs", SFX_MEM | F_STR, { Yv, Xv } },
    [0xa6] = { "cmps", SFX_MEM | F_STR | F_REPZ, { Xb, Yb } },
    [0xa7] = { "cmps", SFX_MEM | F_STR | F_REPZ, { Xv, Yv } },
    [0xa8] = { "test", SFX_MEM, { AL, Ib } },
    [0xa9] = { "test", SFX_MEM, { eAX, Iz } },
    [0xaa] = { "stos", SFX_MEM | F_STR, { Yb, AL } },
    [0xab] = { "stos", SFX_MEM | F_STR, { Yv, eAX } },
    [0xac] = { "lods", SFX_MEM | F_STR, { AL, Xb } },
    [0xad] = { "lods", SFX_MEM | F_STR, { eAX, Xv } },
    [0xae] = { "scas", SFX_MEM | F_STR | F_REPZ, { AL, Yb } },
    [0xaf] = { "scas", SFX_MEM | F_STR | F_REPZ, { eAX, Yv } },
    [0xb0] = { "mov", 0, { Zb, Ib } }, [0xb1] = { "mov", 0, { Zb, Ib } },
    [0xb2] = { "mov", 0, { Zb, Ib } }, [0xb3] = { "mov", 0, { Zb, Ib } },
    [0xb4] = { "mov", 0, { Zb, Ib } }, [0xb5] = { "mov", 0, { Zb, Ib } },
    [0xb6] = { "mov", 0, { Zb, Ib } }, [0xb7] = { "mov", 0, { Zb, Ib } },
    [0xb8] = { "mov", 0, { Zv, Iz } }, [0xb9] = { "mov", 0, { Zv, Iz } },
    [0xba] = { "mov", 0, { Zv, Iz } }, [0xbb] = { "mov", 0, { Zv, Iz } },
    [0xbc] = { "mov", 0, { Zv, Iz } }, [0xbd] = { "mov", 0, { Zv, Iz } },
    [0xbe] = { "mov", 0, { Zv, Iz } }, [0xbf] = { "mov", 0, { Zv, Iz } },
    [0xc0] = { NULL, 0, { Eb, Ib }, grp2 },
    [0xc1] = { NULL, 0, { Ev, Ib }, grp2 },
    [0xc2] = { "ret", SFX_STK, { Iw } },
    [0xc3] = { "ret", SFX_STK },
    [0xc4] = { "les", 0, { Gv, Mp } },
    [0xc5] = { "lds", 0, { Gv, Mp } },
    [0xc6] = { NULL, 0, { NONE }, grp11b },
    [0xc7] = { NULL, 0, { NONE }, grp11v },
    [0xc8] = { "enter", SFX_STK | F_NOREV, { Iw, Ib } },
    [0xc9] = { "leave", SFX_STK },
    [0xca] = { "lret", SFX_STK, { Iw } },
    [0xcb] = { "lret", SFX_STK },
    [0xcc] = { "int3" },
    [0xcd] = { "int", 0, { Ib } },
    [0xce] = { "into" },
    [0xcf] = { "iret", SFX_STK },
    [0xd0] = { NULL, 0, { Eb }, grp2 },        /* shift by 1: objdump prints no count */
    [0xd1] = { NULL, 0, { Ev }, grp2 },
    [0xd2] = { NULL, 0, { Eb, CL }, grp2 },
    [0xd3] = { NULL, 0, { Ev, CL }, grp2 },
    [0xd4] = { "aam", 0, { Ib } },
    [0xd5] = { "aad", 0, { Ib } },
    [0xd7] = { "xlat", 0, { XLAT } },
    [0xe0] = { "loopne", SFX_ADDR, { Jb } },
    [0xe1] = { "loope", SFX_ADDR, { Jb } },
    [0xe2] = { "loop", SFX_ADDR, { Jb } },
    [0xe3] = { "jcxz/jecxz", F_ALTADDR, { Jb } },
    [0xe4] = { "in", 0, { AL, Ib } },
    [0xe5] = { "in", 0, { eAX, Ib } },
    [0xe6] = { "out", 0, { Ib, AL } },
    [0xe7] = { "out", 0, { Ib, eAX } },
    [0xe8] = { "call", SFX_STK, { Jz } },
    [0xe9] = { "jmp", SFX_STK, { Jz } },
    [0xea] = { "ljmp", SFX_STK, { Ap } },
    [0xeb] = { "jmp", 0, { Jb } },
    [0xec] = { "in", 0, { AL, DX } },
    [0xed] = { "in", 0, { eAX, DX } },
    [0xee] = { "out", 0, { DX, AL } },
    [0xef] = { "out", 0, { DX, eAX } },
    [0xf1] = { "int1" },
    [0xf4] = { "hlt" },
    [0xf5] = { "cmc" },
    [0xf6] = { NULL, 0, { NONE }, grp3b },
    [0xf7] = { NULL, 0, { NONE }, grp3v },
    [0xf8] = { "clc" },
    [0xf9] = { "stc" },
    [0xfa] = { "cli" },
    [0xfb] = { "sti" },
    [0xfc] = { "cld" },
    [0xfd] = { "std" },
    [0xfe] = { NULL, 0, { NONE }, grp4 },
    [0xff] = { NULL, 0, { NONE }, grp5 },
};

/* --- two-byte opcodes 0F xx, SDM Vol. 2D table A-3 (the ones the
 * interpreter executes). ---------------------------------------------------- */

static const struct op two_byte[256] = {
    [0x00] = { NULL, 0, { NONE }, grp6 },
    [0x01] = { NULL, 0, { NONE }, grp7 },
    [0x02] = { "lar", 0, { Gv, Mw_Rv } },
    [0x03] = { "lsl", 0, { Gv, Mw_Rv } },
    [0x06] = { "clts" },
    [0x08] = { "invd" },
    [0x09] = { "wbinvd" },
    [0x0b] = { "ud2" },
    [0x1f] = { "nop", SFX_MEM, { Ev } },
    [0x20] = { "mov", 0, { Rd, Cd } },
    [0x21] = { "mov", 0, { Rd, Dd } },
    [0x22] = { "mov", 0, { Cd, Rd } },
    [0x23] = { "mov", 0, { Dd, Rd } },
    [0x30] = { "wrmsr" },
    [0x31] = { "rdtsc" },
    [0x32] = { "rdmsr" },
    [0x34] = { "sysenter" },
    [0x35] = { "sysexit" },
    [0x40] = { "cmovo", 0, { Gv, Ev } },
    [0x41] = { "cmovno", 0, { Gv, Ev } },
    [0x42] = { "cmovb", 0, { Gv, Ev } },
    [0x43] = { "cmovae", 0, { Gv, Ev } },
    [0x44] = { "cmove", 0, { Gv, Ev } },
    [0x45] = { "cmovne", 0, { Gv, Ev } },
    [0x46] = { "cmovbe", 0, { Gv, Ev } },
    [0x47] = { "cmova", 0, { Gv, Ev } },
    [0x48] = { "cmovs", 0, { Gv, Ev } },
    [0x49] = { "cmovns", 0, { Gv, Ev } },
    [0x4a] = { "cmovp", 0, { Gv, Ev } },
    [0x4b] = { "cmovnp", 0, { Gv, Ev } },
    [0x4c] = { "cmovl", 0, { Gv, Ev } },
    [0x4d] = { "cmovge", 0, { Gv, Ev } },
    [0x4e] = { "cmovle", 0, { Gv, Ev } },
    [0x4f] = { "cmovg", 0, { Gv, Ev } },
    [0x80] = { "jo", 0, { Jz } },
    [0x81] = { "jno", 0, { Jz } },
    [0x82] = { "jb", 0, { Jz } },
    [0x83] = { "jae", 0, { Jz } },
    [0x84] = { "je", 0, { Jz } },
    [0x85] = { "jne", 0, { Jz } },
    [0x86] = { "jbe", 0, { Jz } },
    [0x87] = { "ja", 0, { Jz } },
    [0x88] = { "js", 0, { Jz } },
    [0x89] = { "jns", 0, { Jz } },
    [0x8a] = { "jp", 0, { Jz } },
    [0x8b] = { "jnp", 0, { Jz } },
    [0x8c] = { "jl", 0, { Jz } },
    [0x8d] = { "jge", 0, { Jz } },
    [0x8e] = { "jle", 0, { Jz } },
    [0x8f] = { "jg", 0, { Jz } },
    [0x90] = { "seto", 0, { Eb } },
    [0x91] = { "setno", 0, { Eb } },
    [0x92] = { "setb", 0, { Eb } },
    [0x93] = { "setae", 0, { Eb } },
    [0x94] = { "sete", 0, { Eb } },
    [0x95] = { "setne", 0, { Eb } },
    [0x96] = { "setbe", 0, { Eb } },
    [0x97] = { "seta", 0, { Eb } },
    [0x98] = { "sets", 0, { Eb } },
    [0x99] = { "setns", 0, { Eb } },
    [0x9a] = { "setp", 0, { Eb } },
    [0x9b] = { "setnp", 0, { Eb } },
    [0x9c] = { "setl", 0, { Eb } },
    [0x9d] = { "setge", 0, { Eb } },
    [0x9e] = { "setle", 0, { Eb } },
    [0x9f] = { "setg", 0, { Eb } },
    [0xa0] = { "push", SFX_STK, { sFS } },
    [0xa1] = { "pop", SFX_STK, { sFS } },
    [0xa2] = { "cpuid" },
    [0xa3] = { "bt", SFX_MEM, { Ev, Gv } },
    [0xa4] = { "shld", SFX_MEM, { Ev, Gv, Ib } },
    [0xa5] = { "shld", SFX_MEM, { Ev, Gv, CL } },
    [0xa8] = { "push", SFX_STK, { sGS } },
    [0xa9] = { "pop", SFX_STK, { sGS } },
    [0xab] = { "bts", SFX_MEM, { Ev, Gv } },
    [0xac] = { "shrd", SFX_MEM, { Ev, Gv, Ib } },
    [0xad] = { "shrd", SFX_MEM, { Ev, Gv, CL } },
    [0xaf] = { "imul", 0, { Gv, Ev } },
    [0xb0] = { "cmpxchg", SFX_MEM, { Eb, Gb } },
    [0xb1] = { "cmpxchg", SFX_MEM, { Ev, Gv } },
    [0xb2] = { "lss", 0, { Gv, Mp } },
    [0xb3] = { "btr", SFX_MEM, { Ev, Gv } },
    [0xb4] = { "lfs", 0, { Gv, Mp } },
    [0xb5] = { "lgs", 0, { Gv, Mp } },
    [0xb6] = { "movzb", SFX_ALWAYS, { Gv, Eb } },
    [0xb7] = { "movzw", SFX_ALWAYS, { Gv, Ew } },
    [0xba] = { NULL, 0, { Ev, Ib }, grp8 },
    [0xbb] = { "btc", SFX_MEM, { Ev, Gv } },
    [0xbc] = { "bsf", 0, { Gv, Ev } },
    [0xbd] = { "bsr", 0, { Gv, Ev } },
    [0xbe] = { "movsb", SFX_ALWAYS, { Gv, Eb } },
    [0xbf] = { "movsw", SFX_ALWAYS, { Gv, Ew } },
    [0xc0] = { "xadd", SFX_MEM, { Eb, Gb } },
    [0xc1] = { "xadd", SFX_MEM, { Ev, Gv } },
    [0xc7] = { NULL, 0, { NONE }, grp9 },
    [0xc8] = { "bswap", 0, { Zv } }, [0xc9] = { "bswap", 0, { Zv } },
    [0xca] = { "bswap", 0, { Zv } }, [0xcb] = { "bswap", 0, { Zv } },
    [0xcc] = { "bswap", 0, { Zv } }, [0xcd] = { "bswap", 0, { Zv } },
    [0xce] = { "bswap", 0, { Zv } }, [0xcf] = { "bswap", 0, { Zv } },
};

/* The variants of 90 (SDM Vol. 2B NOP, PAUSE; XCHG with a 66 prefix). */
static const struct op op_pause = { .name = "pause" };
static const struct op op_xchg_eax = { .name = "xchg", .opnd = { eAX, eAX } };

/* Register names, in ModRM encoding order (SDM Vol. 2A table 2-2). */
static const char *const reg8[8] = { "al", "cl", "dl", "bl", "ah", "ch", "dh", "bh" };
static const char *const reg16[8] = { "ax", "cx", "dx", "bx", "sp", "bp", "si", "di" };
static const char *const reg32[8] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };
/* SDM Vol. 2A 3.1.1.3 (Sreg field): 6 and 7 are reserved. */
static const char *const sreg[8] = { "es", "cs", "ss", "ds", "fs", "gs", NULL, NULL };
/* SDM Vol. 2A table 2-1: the 16-bit ModRM base/index pairs. */
static const char *const mem16_regs[8] = {
    "%bx,%si", "%bx,%di", "%bp,%si", "%bp,%di", "%si", "%di", "%bp", "%bx",
};

/* SDM Vol. 2A 2.1.1: the prefixes other than segment overrides, and the
 * escape to the two-byte opcode map (A.3). */
#define PFX_LOCK     0xf0
#define PFX_REPNE    0xf2
#define PFX_REP      0xf3
#define PFX_OPSIZE   0x66
#define PFX_ADDRSIZE 0x67
#define ESCAPE_0F    0x0f

#define SREG_DS 3                /* Sreg encoding of DS, the default data segment */
#define SREG_ES 0               /* ES, the segment of string destinations */
#define MODRM_NO_BASE 5         /* mod 00 with r/m or SIB base 101: disp32, no base */
#define MODRM_SIB 4             /* r/m 100: a SIB byte follows */
#define SIB_NO_INDEX 4          /* index 100: no index register */
#define SIB_BASE_ESP 4          /* base 100: ESP */
#define MODRM16_NO_BASE 6       /* 16-bit mod 00 r/m 110: disp16, no base */

/* Decoder state for one instruction. */
struct dis {
    const uint8_t *code;
    unsigned avail, pos;
    uint32_t eip;
    bool def32;
    unsigned opsize, addrsize;  /* 2 or 4 */
    int seg;                    /* segment override (Sreg encoding) or -1 */
    unsigned seg_at;            /* index of the effective segment prefix */
    uint8_t rep;                /* last of PFX_REPNE/PFX_REP seen, or 0 */
    uint8_t prefix[DISASM_MAX_LEN];
    unsigned nprefix;
    bool used_opsize, used_addrsize, used_seg, used_rep;
    uint8_t opcode;             /* last opcode byte (Zb/Zv take the register from it) */
    uint8_t mod, reg, rm;
    bool bad;
    char mem[64];               /* the ModRM memory operand, once decoded */
};

/* Next code byte; sets d->bad past the end of the input or of 15 bytes. */
static uint8_t fetch8(struct dis *d)
{
    if (d->pos >= d->avail || d->pos >= DISASM_MAX_LEN) {
        d->bad = true;
        return 0;
    }
    return d->code[d->pos++];
}

/* Next `size` code bytes as a little-endian value (size 1, 2 or 4). */
static uint32_t fetch(struct dis *d, unsigned size)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint32_t)fetch8(d) << (8 * i);
    return v;
}

/* Operand-size value, recording that the 66 prefix (if any) mattered. */
static unsigned opsize(struct dis *d)
{
    d->used_opsize = true;
    return d->opsize;
}

/* Address-size value, recording that the 67 prefix (if any) mattered. */
static unsigned addrsize(struct dis *d)
{
    d->used_addrsize = true;
    return d->addrsize;
}

/* Register name for encoding r at operand size `size`. */
static const char *reg_name(unsigned size, unsigned r)
{
    return size == 1 ? reg8[r] : size == 2 ? reg16[r] : reg32[r];
}

/* Append printf-formatted text to buf. */
static void put(char *buf, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void put(char *buf, size_t n, const char *fmt, ...)
{
    size_t len = strlen(buf);
    va_list ap;
    if (len >= n)
        return;
    va_start(ap, fmt);
    vsnprintf(buf + len, n - len, fmt, ap);
    va_end(ap);
}

/* "0x1f" or "-0x1f": how objdump prints a displacement. */
static void put_disp(char *buf, size_t n, int32_t v)
{
    if (v < 0)
        put(buf, n, "-0x%x", 0u - (uint32_t)v);
    else
        put(buf, n, "0x%x", (uint32_t)v);
}

/* "%es:" when a segment override applies to this memory operand. */
static void put_seg_override(struct dis *d, char *buf, size_t n)
{
    if (d->seg >= 0) {
        d->used_seg = true;
        put(buf, n, "%%%s:", sreg[d->seg]);
    }
}

/* 32-bit ModRM/SIB memory operand, SDM Vol. 2A tables 2-2 and 2-3. */
static void mem32(struct dis *d, char *buf, size_t n)
{
    bool sib = d->rm == MODRM_SIB;
    unsigned s = sib ? fetch8(d) : 0;
    unsigned scale = s >> 6, index = (s >> 3) & 7, base = sib ? (s & 7) : d->rm;
    bool no_base = d->mod == 0 && base == MODRM_NO_BASE;
    int32_t disp = 0;

    if (d->mod == 1)
        disp = (int8_t)fetch8(d);
    else if (d->mod == 2 || no_base)
        disp = (int32_t)fetch(d, 4);
    put_seg_override(d, buf, n);
    if (no_base && !sib) {
        put(buf, n, "0x%x", (uint32_t)disp);
        return;
    }
    if (d->mod != 0 || no_base)
        put_disp(buf, n, disp);
    put(buf, n, "(%s%s", no_base ? "" : "%", no_base ? "" : reg32[base]);
    /* objdump names "no index" %eiz unless the SIB only encodes (%esp) */
    if (sib && (index != SIB_NO_INDEX || scale != 0 || base != SIB_BASE_ESP))
        put(buf, n, ",%%%s,%u", index == SIB_NO_INDEX ? "eiz" : reg32[index], 1u << scale);
    put(buf, n, ")");
}

/* 16-bit ModRM memory operand, SDM Vol. 2A table 2-1. */
static void mem16(struct dis *d, char *buf, size_t n)
{
    bool no_base = d->mod == 0 && d->rm == MODRM16_NO_BASE;
    int32_t disp = 0;

    if (d->mod == 1)
        disp = (int8_t)fetch8(d);
    else if (d->mod == 2 || no_base)
        disp = (int16_t)fetch(d, 2);
    put_seg_override(d, buf, n);
    if (no_base || d->mod != 0)     /* objdump signs even a bare disp16 */
        put_disp(buf, n, disp);
    if (no_base)
        return;
    put(buf, n, "(%s)", mem16_regs[d->rm]);
}

/* Operand kinds that come from the ModRM byte, and those that may be memory. */
static bool from_modrm(int k) { return k >= Eb && k <= Rd; }
static bool maybe_memory(int k) { return k >= Eb && k <= Mp; }

/* Does any operand of `op` satisfy `pred`? */
static bool any_operand(const struct op *op, bool (*pred)(int))
{
    for (int i = 0; i < 3; i++)
        if (pred(op->opnd[i]))
            return true;
    return false;
}

/* Read the ModRM byte into its three fields (SDM Vol. 2A 2.1.5). */
static void read_modrm(struct dis *d)
{
    uint8_t m = fetch8(d);
    d->mod = m >> 6;
    d->reg = (m >> 3) & 7;
    d->rm = m & 7;
}

/* The row of a group opcode: ModRM.reg picks it; it inherits the operands of
 * the opcode when it lists none. */
static const struct op *resolve_group(const struct dis *d, const struct op *op,
                                      struct op *tmp)
{
    const struct op *g = &op->grp[d->reg];
    *tmp = *g;
    if (g->opnd[0] == NONE)
        memcpy(tmp->opnd, op->opnd, sizeof tmp->opnd);
    return tmp;
}

/* 90 is NOP; F3 90 is PAUSE; with a 66 prefix objdump shows XCHG eAX,eAX. */
static const struct op *resolve_nop(struct dis *d, const struct op *op)
{
    if (d->rep == PFX_REP) {
        d->used_rep = true;
        return &op_pause;
    }
    if (d->opsize != (d->def32 ? 4u : 2u))
        return &op_xchg_eax;
    return op;
}

/* The row for the opcode at d->pos, with its ModRM (and SIB and
 * displacement) read.  Returns NULL for an undefined opcode. */
static const struct op *lookup(struct dis *d, struct op *tmp)
{
    uint8_t b = fetch8(d);
    const struct op *op = &one_byte[b];

    if (b == ESCAPE_0F) {
        b = fetch8(d);
        op = &two_byte[b];
    }
    d->opcode = b;
    if (op->grp || any_operand(op, from_modrm))
        read_modrm(d);
    if (op->grp)
        op = resolve_group(d, op, tmp);
    if (op->flags & F_NOP)
        op = resolve_nop(d, op);
    if (!op->name || d->bad)
        return NULL;
    if (any_operand(op, maybe_memory) && d->mod != 3) {
        if (addrsize(d) == 4)
            mem32(d, d->mem, sizeof d->mem);
        else
            mem16(d, d->mem, sizeof d->mem);
    }
    return op;
}

/* A branch target: the displacement is relative to the next instruction;
 * with a 16-bit operand size EIP wraps at 64 KiB (SDM Vol. 2A JMP). */
static void put_target(struct dis *d, char *buf, size_t n, int32_t disp)
{
    uint32_t target = d->eip + d->pos + (uint32_t)disp;
    if (d->opsize == 2)
        target &= 0xffffu;
    put(buf, n, "0x%x", target);
}

/* A string operand: seg:(base) with the address-size register. */
static void put_string_operand(struct dis *d, char *buf, size_t n, int seg,
                               const char *reg)
{
    put(buf, n, "%%%s:(%%%s%s)", sreg[seg], addrsize(d) == 4 ? "e" : "", reg);
}

/* The data segment of a string source: DS unless overridden. */
static int source_seg(struct dis *d)
{
    if (d->seg < 0)
        return SREG_DS;
    d->used_seg = true;
    return d->seg;
}

/* Format operand kind `k` of `op` into buf (which is empty); set *gpr when
 * it is a general register (objdump then omits the size suffix). */
static void operand(struct dis *d, const struct op *op, int k, char *buf, size_t n,
                    bool *gpr)
{
    const char *ind = (op->flags & F_IND) ? "*" : "";
    uint32_t v;

    switch (k) {
    case Eb: case Ev: case Ew: case Mw_Rv:
        if (d->mod != 3) {
            put(buf, n, "%s%s", ind, d->mem);
            break;
        }
        *gpr = true;
        put(buf, n, "%s%%%s", ind,
            reg_name(k == Eb ? 1 : k == Ew ? 2 : opsize(d), d->rm));
        break;
    case M: case Mp:
        if (d->mod == 3)
            d->bad = true;      /* register form: #UD, SDM Vol. 2A LEA, LGDT */
        put(buf, n, "%s%s", ind, d->mem);
        break;
    case Gb: *gpr = true; put(buf, n, "%%%s", reg8[d->reg]); break;
    case Gw: *gpr = true; put(buf, n, "%%%s", reg16[d->reg]); break;
    case Gv: *gpr = true; put(buf, n, "%%%s", reg_name(opsize(d), d->reg)); break;
    case Sw:
        if (!sreg[d->reg])
            d->bad = true;
        else
            put(buf, n, "%%%s", sreg[d->reg]);
        break;
    case Cd: put(buf, n, "%%cr%u", d->reg); break;
    case Dd: put(buf, n, "%%db%u", d->reg); break;
    case Rd: *gpr = true; put(buf, n, "%%%s", reg32[d->rm]); break;
    case Ib: put(buf, n, "$0x%x", fetch8(d)); break;
    case Ibs:
        v = (uint32_t)(int8_t)fetch8(d);
        put(buf, n, "$0x%x", opsize(d) == 2 ? v & 0xffffu : v);
        break;
    case Iw: put(buf, n, "$0x%x", fetch(d, 2)); break;
    case Iz: put(buf, n, "$0x%x", fetch(d, opsize(d))); break;
    case Jb: put_target(d, buf, n, (int8_t)fetch8(d)); break;
    case Jz:
        v = fetch(d, opsize(d));
        put_target(d, buf, n, d->opsize == 2 ? (int16_t)v : (int32_t)v);
        break;
    case Ap:
        v = fetch(d, opsize(d));
        put(buf, n, "$0x%x,$0x%x", fetch(d, 2), v);
        break;
    case Ob: case Ov:       /* objdump does not count 67 as used here */
        v = fetch(d, d->addrsize);
        put_seg_override(d, buf, n);
        put(buf, n, "0x%x", v);
        break;
    case Zb: *gpr = true; put(buf, n, "%%%s", reg8[d->opcode & 7]); break;
    case Zv: *gpr = true; put(buf, n, "%%%s", reg_name(opsize(d), d->opcode & 7)); break;
    case AL: *gpr = true; put(buf, n, "%%al"); break;
    case eAX: *gpr = true; put(buf, n, "%%%s", reg_name(opsize(d), 0)); break;
    case CL: put(buf, n, "%%cl"); break;
    case DX: put(buf, n, "(%%dx)"); break;
    case Xb: case Xv: put_string_operand(d, buf, n, source_seg(d), "si"); break;
    case Yb: case Yv: put_string_operand(d, buf, n, SREG_ES, "di"); break;
    case XLAT: put_string_operand(d, buf, n, source_seg(d), "bx"); break;
    case sES: case sCS: case sSS: case sDS: case sFS: case sGS:
        put(buf, n, "%%%s", sreg[k - sES]);
        break;
    default:
        break;
    }
}

/* The operand size objdump's suffix shows: that of the first sized operand. */
static unsigned operand_size(struct dis *d, const struct op *op)
{
    for (int i = 0; i < 3; i++) {
        switch (op->opnd[i]) {
        case Eb: case Gb: case Zb: case AL: case Xb: case Yb: case Ob:
            return 1;
        case Ew: case Gw:
            return 2;
        case Ev: case Gv: case Zv: case eAX: case Xv: case Yv: case Ov: case Iz:
            return opsize(d);
        default:
            break;
        }
    }
    return opsize(d);
}

/* 'b', 'w' or 'l' for a size in bytes. */
static char size_letter(unsigned size)
{
    return size == 1 ? 'b' : size == 2 ? 'w' : 'l';
}

/* The size suffix of `op`, or 0 for none (see the SFX_ flags). */
static char suffix(struct dis *d, const struct op *op, bool gpr)
{
    unsigned def = d->def32 ? 4 : 2;

    switch (op->flags & SFX_MASK) {
    case SFX_MEM:
        return gpr ? 0 : size_letter(operand_size(d, op));
    case SFX_STK:
        return (opsize(d) != def && !gpr) ? size_letter(d->opsize) : 0;
    case SFX_ADDR:
        return addrsize(d) != def ? size_letter(d->addrsize) : 0;
    case SFX_ALWAYS:
        return size_letter(opsize(d));
    default:
        return 0;
    }
}

/* Append the name of `op`: the half of "w16/w32" the size selects. */
static void put_name(struct dis *d, const struct op *op, char *buf, size_t n)
{
    const char *slash = strchr(op->name, '/');
    bool wide;

    if (!slash) {
        put(buf, n, "%s", op->name);
        return;
    }
    wide = (op->flags & F_ALTADDR) ? addrsize(d) == 4 : opsize(d) == 4;
    if (wide)
        put(buf, n, "%s", slash + 1);
    else
        put(buf, n, "%.*s", (int)(slash - op->name), op->name);
}

/* Sreg encoding of a segment-override prefix byte (SDM Vol. 2A 2.1.1), or -1. */
static int prefix_seg(uint8_t b)
{
    switch (b) {
    case 0x26: return 0;    /* ES */
    case 0x2e: return 1;    /* CS */
    case 0x36: return 2;    /* SS */
    case 0x3e: return 3;    /* DS */
    case 0x64: return 4;    /* FS */
    case 0x65: return 5;    /* GS */
    default: return -1;
    }
}

/* Consume the prefix bytes (SDM Vol. 2A 2.1.1) and apply their effect. */
static void read_prefixes(struct dis *d)
{
    while (d->pos < d->avail && d->pos < DISASM_MAX_LEN) {
        uint8_t b = d->code[d->pos];
        int seg = prefix_seg(b);

        if (seg >= 0) {
            d->seg = seg;
            d->seg_at = d->nprefix;
        } else if (b == PFX_OPSIZE) {
            d->opsize = d->def32 ? 2 : 4;
        } else if (b == PFX_ADDRSIZE) {
            d->addrsize = d->def32 ? 2 : 4;
        } else if (b == PFX_REPNE || b == PFX_REP) {
            d->rep = b;
        } else if (b != PFX_LOCK) {
            return;
        }
        d->prefix[d->nprefix++] = b;
        d->pos++;
    }
}

/* Append the prefixes as objdump names them: LOCK and REP always; the
 * others only when the instruction did not use them. */
static void put_prefixes(struct dis *d, const struct op *op, char *buf, size_t n)
{
    for (unsigned i = 0; i < d->nprefix; i++) {
        uint8_t b = d->prefix[i];
        if (b == PFX_LOCK)
            put(buf, n, "lock ");
        else if (b == PFX_REPNE)
            put(buf, n, "repnz ");
        else if (b == PFX_REP && !d->used_rep)
            put(buf, n, (op->flags & (F_STR | F_REPZ)) == F_STR ? "rep " : "repz ");
        else if (b == PFX_OPSIZE && !d->used_opsize)
            put(buf, n, d->def32 ? "data16 " : "data32 ");
        else if (b == PFX_ADDRSIZE && !d->used_addrsize)
            put(buf, n, d->def32 ? "addr16 " : "addr32 ");
        else if (prefix_seg(b) >= 0 && !(d->used_seg && i == d->seg_at))
            put(buf, n, "%s ", sreg[prefix_seg(b)]);
    }
}

/* Write "mnemonic operands" for a decoded instruction; operands were
 * formatted in Intel order and print reversed (AT&T) unless F_NOREV. */
static void format(struct dis *d, const struct op *op, char text[3][64], bool gpr,
                   char *out, size_t outsz)
{
    char name[32] = "", mn[64] = "", ops[192] = "";
    char sfx = suffix(d, op, gpr);
    int nops = 0;

    put_name(d, op, name, sizeof name);     /* before the prefixes: it may use 66/67 */

    while (nops < 3 && op->opnd[nops] != NONE)
        nops++;
    for (int i = 0; i < nops; i++) {
        int k = (op->flags & F_NOREV) ? i : nops - 1 - i;
        put(ops, sizeof ops, "%s%s", i ? "," : "", text[k]);
    }
    put_prefixes(d, op, mn, sizeof mn);
    put(mn, sizeof mn, "%s", name);
    if (sfx)
        put(mn, sizeof mn, "%c", sfx);
    if (nops)
        snprintf(out, outsz, "%-6s %s", mn, ops);
    else
        snprintf(out, outsz, "%s", mn);
}

int disasm_insn(const uint8_t *code, unsigned avail, uint32_t eip,
                bool default32, char *out, size_t outsz)
{
    struct dis d = {
        .code = code, .avail = avail, .eip = eip, .def32 = default32,
        .opsize = default32 ? 4 : 2, .addrsize = default32 ? 4 : 2, .seg = -1,
    };
    struct op tmp;
    char text[3][64] = { "", "", "" };
    bool gpr = false;
    const struct op *op;

    read_prefixes(&d);
    op = lookup(&d, &tmp);
    for (int i = 0; op && i < 3 && op->opnd[i] != NONE; i++)
        operand(&d, op, op->opnd[i], text[i], sizeof text[i], &gpr);
    if (!op || d.bad) {
        snprintf(out, outsz, "(bad)");
        return -1;
    }
    format(&d, op, text, gpr, out, outsz);
    return (int)d.pos;
}
