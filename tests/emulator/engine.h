/* engine.h - which execution engine a CPU test runs on (TRAPEZE_ENGINE). */
#ifndef TRAPEZE_TEST_ENGINE_H
#define TRAPEZE_TEST_ENGINE_H

/*
 * Every CPU-level suite runs twice under CTest: as itself, on the
 * interpreter, and as <suite>-jit with TRAPEZE_ENGINE=jit, on the translator
 * (cpu.h, cpu_jit_enable).  The expected values are the same: they come from
 * the SDM, not from either engine.  A test that writes guest RAM behind the
 * CPU's back between two runs must say so with cpu_ram_written(), as any
 * owner of a CPU must.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"

/* Is this run of the suite the translator's? */
static inline int test_engine_is_jit(void)
{
    const char *e = getenv("TRAPEZE_ENGINE");
    return e != NULL && strcmp(e, "jit") == 0;
}

/* Put the CPU on the engine TRAPEZE_ENGINE asks for (after cpu_init). */
static inline void test_engine_apply(struct cpu *c)
{
    char err[160];

    if (test_engine_is_jit() && cpu_jit_enable(c, err, sizeof err) < 0) {
        fprintf(stderr, "TRAPEZE_ENGINE=jit: %s\n", err);
        abort();
    }
}

#endif
