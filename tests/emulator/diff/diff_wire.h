/* diff_wire.h - what the test and the 32-bit native helper send each other. */
#ifndef TRAPEZE_DIFF_WIRE_H
#define TRAPEZE_DIFF_WIRE_H

/*
 * A differential test runs the same few instructions twice: natively, in a
 * 32-bit helper process on the host CPU, and in the interpreter.  Both
 * worlds see the same memory at the same linear addresses, so a memory
 * operand means the same thing in both:
 *
 *   DIFF_CODE_ADDR   one page: the instructions, then HLT, then more HLTs
 *   DIFF_DATA_ADDR   two pages: what memory operands point at (two, so
 *                    that an operand can straddle a page boundary)
 *   DIFF_RO_ADDR     one read-only page right after them (diff_ro_byte())
 *   DIFF_HOLE_ADDR   the page after that, never mapped
 *   DIFF_STACK_ADDR  one page: ESP starts in its middle
 *
 * The last two make page faults comparable: a store into the read-only page
 * or any access to the hole raises #PF natively, and in the interpreter
 * when it runs with paging on and page tables that say the same.
 *
 * The addresses are low enough to be valid in a 32-bit process (above
 * vm.mmap_min_addr, below where a static i386 executable loads, 0x08048000)
 * and in an interpreter whose RAM is DIFF_RAM_SIZE bytes.
 *
 * Every field is a uint32_t or a byte array, so the layout is the same for
 * the i386 helper and the x86-64 test: the structs travel over a pipe as is.
 */

#include <stdint.h>

#define DIFF_PAGE_SIZE   4096u
#define DIFF_CODE_ADDR   0x00100000u
#define DIFF_DATA_ADDR   0x00200000u
#define DIFF_DATA_SIZE   (2 * DIFF_PAGE_SIZE)
#define DIFF_RO_ADDR     (DIFF_DATA_ADDR + DIFF_DATA_SIZE)
#define DIFF_HOLE_ADDR   (DIFF_RO_ADDR + DIFF_PAGE_SIZE)
#define DIFF_STACK_ADDR  0x00300000u
#define DIFF_RAM_SIZE    0x00400000u    /* covers the three pages */
#define DIFF_ESP_START   (DIFF_STACK_ADDR + DIFF_PAGE_SIZE / 2)
#define DIFF_CODE_MAX    512u

/* SDM Vol. 2A HLT: 0xF4.  Every case ends with it; the code page is filled
 * with it, so a stray jump also stops at a HLT (at the wrong address). */
#define DIFF_HLT 0xf4u

/* `vector` when the run reached the HLT that ends the case. */
#define DIFF_NO_FAULT     0xffffffffu
/* `vector` when the interpreter stopped for any other reason (budget spent,
 * triple fault, ...): never equal to a native result. */
#define DIFF_EMU_STUCK    0xfffffffeu

/* The helper's first four bytes on its stdout, so the test knows it runs. */
#define DIFF_HELLO 0x5a504254u          /* "TBPZ" little-endian */

/* Architectural state the comparison covers. */
struct diff_state {
    uint32_t reg[8];            /* EAX..EDI, SDM Vol. 2A table 2-2 order */
    uint32_t eflags;
    uint32_t eip;               /* faulting instruction, or the byte after the final HLT */
    uint32_t vector;            /* exception vector, or DIFF_NO_FAULT */
    uint32_t error;             /* its error code (SDM Vol. 3A 6.13), if it has one */
    uint32_t cr2;               /* the faulting linear address, for #PF */
    uint8_t data[DIFF_DATA_SIZE];
    uint8_t stack[DIFF_PAGE_SIZE];
};

/* The read-only page's contents: a fixed pattern, the same in both worlds. */
static inline uint8_t diff_ro_byte(uint32_t offset)
{
    return (uint8_t)(offset * 7u + 3u);
}

/* One test case: code placed at DIFF_CODE_ADDR, run from `in`. */
struct diff_case {
    uint32_t code_len;
    uint8_t code[DIFF_CODE_MAX];
    struct diff_state in;       /* eip and vector are ignored */
};

#endif
