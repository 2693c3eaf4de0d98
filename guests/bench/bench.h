/* bench.h - what every benchmark guest does: read its iteration count, report its result. */
#ifndef GUEST_BENCH_H
#define GUEST_BENCH_H

#include <stdint.h>

/* Iterations to run: iters=N from the command line, or def. */
uint32_t bench_iters(uint32_t def);

/* Print "bench <name>: <iters> iterations, checksum 0x<checksum>". */
void bench_report(const char *name, uint32_t iters, uint32_t checksum);

/* Keep the compiler from deleting or hoisting work whose result looks unused. */
#define BENCH_OPAQUE(v) __asm__ volatile("" : "+r"(v))

#endif
