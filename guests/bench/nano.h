/* nano.h - shared pieces of the nanobenchmarks (Adams & Agesen, ASPLOS 2006, section 6). */
#ifndef GUEST_NANO_H
#define GUEST_NANO_H

#include <stdint.h>

/* Iterations: iters=N from the command line, default NANO_DEFAULT_ITERS. */
#define NANO_DEFAULT_ITERS 100000
uint32_t nano_iters(void);

/* Print "nano <name>: <iters> iterations" (the only line a nanobenchmark prints). */
void nano_report(const char *name, uint32_t iters);

/* Check that a counter kept by a handler matches the iterations run. */
void nano_expect_count(const char *what, uint32_t got, uint32_t iters);

#endif
