/* disasm.h - IA-32 disassembler printing AT&T syntax the way `objdump -d` does. */
#ifndef TRAPEZE_DISASM_H
#define TRAPEZE_DISASM_H

/*
 * The tracer and the debugger show guest instructions as text.  The text
 * matches GNU objdump's AT&T syntax (source before destination, `%` on
 * registers, `$` on immediates, a size suffix only where no register
 * operand gives the size), so a student can diff a trace against
 * `objdump -d guest.elf`.  It covers what the interpreter executes:
 * the integer, string and system instructions, all prefixes, and 16- and
 * 32-bit operand and address sizes.  x87, MMX and SSE are not decoded.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The longest IA-32 instruction, SDM Vol. 2A 2.3.11: 15 bytes. */
#define DISASM_MAX_LEN 15

/* Decode the instruction at `code` (at most `avail` bytes readable), which
 * sits at address `eip` (used for branch targets) in a code segment whose
 * default size is 32-bit if `default32` (the D bit, SDM Vol. 3A 3.4.5).
 * Writes the text into `out` (always NUL-terminated when outsz > 0).
 * Returns the instruction length, or -1 and the text "(bad)" when the bytes
 * are not an instruction we know or are cut short by `avail`. */
int disasm_insn(const uint8_t *code, unsigned avail, uint32_t eip,
                bool default32, char *out, size_t outsz);

#endif
