/* cpu_test.h - helpers shared by the interpreter's unit tests. */
#ifndef TRAPEZE_CPU_TEST_H
#define TRAPEZE_CPU_TEST_H

/*
 * Each test writes a few hand-assembled instructions (bytes from the SDM
 * Vol. 2 opcode tables, the assembly in a comment), ending in HLT (F4), runs
 * them on a fresh fixture and checks the result.  intercept_ring0 is on, so
 * an exception does not need an IDT: cpu_run() returns CPU_EXIT_RING0 with
 * the vector in cpu.exit.
 */

#include <criterion/criterion.h>

#include "fixture.h"

#define HLT 0xf4

extern struct fixture *f;
extern struct cpu *c;

void cpu_test_setup(void);
void cpu_test_teardown(void);

/* Load code at FIX_CODE and run it to HLT (or an exit). */
enum cpu_exit run_bytes(const uint8_t *code, size_t len);
#define RUN(...) run_bytes((const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ }))

/* The six arithmetic flags after the run. */
uint32_t arith_flags(void);

/* Render flags as "CF PF AF ZF SF OF" letters for failure messages. */
const char *flag_names(uint32_t flags);

/* Assert that a run ended on HLT. */
#define ASSERT_HLT(r) cr_assert_eq((r), CPU_EXIT_HLT, "expected HLT exit, got %d (vector %u)", \
                                   (int)(r), c->exit.vector)

/* Assert the arithmetic flags exactly. */
#define ASSERT_FLAGS(expect) do { \
        uint32_t got_ = arith_flags(), exp_ = (expect); \
        cr_assert_eq(got_, exp_, "flags: expected %#x [%s], got %#x", \
                     exp_, flag_names(exp_), got_); \
    } while (0)

#endif
