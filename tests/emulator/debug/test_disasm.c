/* test_disasm.c - the disassembler against GNU objdump, instruction by instruction. */

/*
 * The build assembles corpus32.s and corpus16.s and runs `objdump -d -z
 * --insn-width=16` on them (see CMakeLists.txt).  Each line objdump prints
 * is "address:<TAB>bytes<TAB>text"; we disassemble the same bytes at the
 * same address and expect the same length and the same text, with runs of
 * white space counted as one space.  Where objdump says "(bad)" we expect
 * -1.  Every instruction is compared exactly: the corpus only avoids the
 * forms we print differently on purpose, which are
 *   - prefixes that only newer CPUs give a meaning (bnd, notrack,
 *     xacquire/xrelease, the ,pt/,pn branch hints): we print the plain
 *     prefix name (repnz, ds, cs);
 *   - a backward short jump in 16-bit code that wraps below 0: objdump
 *     prints the 32-bit sum, we print the 16-bit IP the CPU would load;
 *   - F3 0F BC, which gcc emits for __builtin_ctz: objdump says tzcnt (a
 *     BMI1 instruction), we say "repz bsf", which is what an IA-32 CPU
 *     without BMI1, and the interpreter, execute;
 *   - x87, MMX, SSE, VMX and the 0F 01 register forms (MONITOR, SWAPGS...),
 *     which the interpreter does not execute: we print (bad).
 */

#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "disasm.h"

#ifndef CORPUS_DIR
#error "CORPUS_DIR must name the directory holding corpus32.dis and corpus16.dis"
#endif

/* Copy `in` to `out` with white-space runs collapsed and the ends trimmed. */
static void normalise(const char *in, char *out, size_t n)
{
    size_t o = 0;
    bool space = false;
    for (; *in && o + 1 < n; in++) {
        if (isspace((unsigned char)*in)) {
            space = o > 0;
            continue;
        }
        if (space && o + 2 < n)
            out[o++] = ' ';
        space = false;
        out[o++] = *in;
    }
    out[o] = 0;
}

/* Parse one objdump line.  Returns the byte count, or 0 for other lines. */
static unsigned parse_line(char *line, uint32_t *addr, uint8_t *bytes, char **text)
{
    char *tab1 = strchr(line, '\t'), *tab2, *p;
    unsigned n = 0;
    if (!tab1 || sscanf(line, " %x:", addr) != 1 || !(tab2 = strchr(tab1 + 1, '\t')))
        return 0;
    *tab2 = 0;
    for (p = tab1 + 1; n < DISASM_MAX_LEN + 1;) {
        unsigned b;
        int used;
        if (sscanf(p, " %2x%n", &b, &used) != 1)
            break;
        bytes[n++] = (uint8_t)b;
        p += used;
    }
    *text = tab2 + 1;
    return n;
}

/* Compare every instruction of one objdump listing; returns how many were
 * compared and counts the mismatches (printing the first few). */
static unsigned compare_listing(const char *path, bool default32, unsigned *bad)
{
    FILE *f = fopen(path, "r");
    char line[512];
    unsigned compared = 0;

    cr_assert_not_null(f, "cannot open %s (built by the test-debug-corpus target)", path);
    while (fgets(line, sizeof line, f)) {
        uint32_t addr;
        uint8_t bytes[DISASM_MAX_LEN + 1];
        char *text, want[256], got[256], raw[256];
        unsigned n = parse_line(line, &addr, bytes, &text);
        if (n == 0)
            continue;
        normalise(text, want, sizeof want);
        int len = disasm_insn(bytes, n, addr, default32, raw, sizeof raw);
        normalise(raw, got, sizeof got);
        bool objdump_bad = strstr(want, "(bad)") != NULL;
        bool ok = objdump_bad ? len == -1 : (len == (int)n && strcmp(want, got) == 0);
        if (!ok && (*bad)++ < 20)
            cr_log_error("%s at 0x%x: objdump says \"%s\" (%u bytes), we say \"%s\" (%d)",
                         path, addr, want, n, got, len);
        compared++;
    }
    fclose(f);
    return compared;
}

Test(disasm, matches_objdump_on_32bit_corpus)
{
    unsigned bad = 0;
    unsigned n = compare_listing(CORPUS_DIR "/corpus32.dis", true, &bad);
    cr_assert_gt(n, 5000, "expected the 32-bit corpus to hold > 5000 instructions, read %u", n);
    cr_assert_eq(bad, 0, "expected no difference from objdump, got %u of %u", bad, n);
}

Test(disasm, matches_objdump_on_16bit_corpus)
{
    unsigned bad = 0;
    unsigned n = compare_listing(CORPUS_DIR "/corpus16.dis", false, &bad);
    cr_assert_gt(n, 1000, "expected the 16-bit corpus to hold > 1000 instructions, read %u", n);
    cr_assert_eq(bad, 0, "expected no difference from objdump, got %u of %u", bad, n);
}

/* SDM Vol. 2B MOV: B8+rd carries a 4-byte immediate; 3 bytes are not enough. */
Test(disasm, truncated_instruction_is_bad)
{
    const uint8_t code[] = { 0xb8, 0x01, 0x02, 0x03, 0x04 };
    char out[64];
    cr_assert_eq(disasm_insn(code, 3, 0, true, out, sizeof out), -1,
                 "mov $imm32 cut after 3 bytes: expected -1");
    cr_assert_str_eq(out, "(bad)");
    cr_assert_eq(disasm_insn(code, 5, 0, true, out, sizeof out), 5,
                 "mov $imm32 with all 5 bytes: expected length 5");
    cr_assert_eq(disasm_insn(code, 0, 0, true, out, sizeof out), -1,
                 "no bytes at all: expected -1");
}

/* A ModRM that the opcode needs but the input lacks is truncation too. */
Test(disasm, missing_modrm_is_bad)
{
    const uint8_t code[] = { 0x0f, 0x01 };
    char out[64];
    cr_assert_eq(disasm_insn(code, sizeof code, 0, true, out, sizeof out), -1,
                 "0F 01 without its ModRM: expected -1");
}

/* SDM Vol. 2A 2.3.11: at most 15 bytes; 15 prefixes plus NOP make 16. */
Test(disasm, longer_than_15_bytes_is_bad)
{
    uint8_t code[16];
    char out[256];
    memset(code, 0x66, sizeof code);
    code[14] = 0x90;
    cr_assert_eq(disasm_insn(code, 15, 0, true, out, sizeof out), 15,
                 "14 prefixes + NOP is 15 bytes: expected length 15");
    code[14] = 0x66;
    code[15] = 0x90;
    cr_assert_eq(disasm_insn(code, 16, 0, true, out, sizeof out), -1,
                 "15 prefixes + NOP is 16 bytes: expected -1");
}

/* 0F FF is UD0 and D6 is undefined in the SDM opcode map (table ). */
Test(disasm, undefined_opcodes_are_bad)
{
    const uint8_t ud0[] = { 0x0f, 0xff, 0xc0 }, d6[] = { 0xd6 };
    char out[64];
    cr_assert_eq(disasm_insn(ud0, sizeof ud0, 0, true, out, sizeof out), -1);
    cr_assert_eq(disasm_insn(d6, sizeof d6, 0, true, out, sizeof out), -1);
    cr_assert_str_eq(out, "(bad)");
}

/* The text is cut, never overflowed, and always NUL-terminated. */
Test(disasm, small_buffer_is_terminated)
{
    const uint8_t code[] = { 0x8b, 0x84, 0x88, 0x78, 0x56, 0x34, 0x12 };
    char out[8];
    memset(out, 'x', sizeof out);
    cr_assert_eq(disasm_insn(code, sizeof code, 0, true, out, sizeof out), 7,
                 "mov 0x12345678(%%eax,%%ecx,4),%%eax: expected length 7");
    cr_assert_eq(out[sizeof out - 1], 0, "expected a NUL at the end of an 8-byte buffer");
    cr_assert_str_eq(out, "mov    ");
}

/* Branch targets are absolute: next EIP plus the displacement (SDM Vol. 2A JMP). */
Test(disasm, branch_target_is_relative_to_next_instruction)
{
    const uint8_t jmp_back[] = { 0xeb, 0xfe }, call_fwd[] = { 0xe8, 0x10, 0x00, 0x00, 0x00 };
    char out[64];
    disasm_insn(jmp_back, sizeof jmp_back, 0x100000, true, out, sizeof out);
    cr_assert_str_eq(out, "jmp    0x100000", "jmp . at 0x100000");
    disasm_insn(call_fwd, sizeof call_fwd, 0x1000, true, out, sizeof out);
    cr_assert_str_eq(out, "call   0x1015", "call +0x10 at 0x1000 (5 bytes)");
}
