/* diff_check.h - compare a native and an interpreted run, and explain a mismatch. */
#ifndef TRAPEZE_DIFF_CHECK_H
#define TRAPEZE_DIFF_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "diff_gen.h"
#include "diff_wire.h"

/* Compare `got` against `want`, ignoring the status flags in `undef`.
 * Returns the number of differing items (registers, EIP, vector, flags,
 * memory bytes) and lists the first ones in `text` (if not NULL). */
unsigned diff_compare(const struct diff_state *want, const struct diff_state *got,
                      uint32_t undef, char *text, size_t textlen);

/* The status flags to ignore for a case: those undefined at its end, or,
 * when the native run stopped on an exception, at any point of it. */
uint32_t diff_undef_mask(const struct diff_meta *m, const struct diff_state *native);

/* Everything a reader needs to reproduce and understand one mismatch. */
struct diff_report {
    const char *test;           /* Criterion test name, for --filter */
    uint64_t seed;
    unsigned index;             /* case number within the test */
    const struct diff_case *k;
    const struct diff_meta *m;
    const struct diff_state *native, *emu;
    const char *emu_exit;       /* why the interpreter stopped */
    const char *differences;    /* diff_compare()'s text */
};

/* Print the report: replay command, code, initial state, both results. */
void diff_report_print(FILE *f, const struct diff_report *r);

#endif
