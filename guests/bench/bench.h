/* bench.h - what every benchmark guest does: read its iteration count, report its result. */
#ifndef GUEST_BENCH_H
#define GUEST_BENCH_H

#include <stdint.h>

/* Iterations to run: iters=N from the command line, or def. */
uint32_t bench_iters(uint32_t def);

/* Identity-map the first BENCH_MAPPED_BYTES and turn paging on; returns the
   page directory.  Panics if the kernel image does not fit in that map. */
#define BENCH_MAPPED_BYTES (8u << 20)   /* 8 MiB: kernel, stack, data, test pages */
uint32_t *bench_paging_on(void);

/* With paging=1 on the command line, turn paging on (and say so); otherwise do
   nothing and print nothing.  Compute guests call it just before their timed
   loop, so one ELF measures the same work untranslated and translated. */
void bench_paging_option(void);

/* Print "bench <name>: <iters> iterations, checksum 0x<checksum>". */
void bench_report(const char *name, uint32_t iters, uint32_t checksum);

/* Keep the compiler from deleting or hoisting work whose result looks unused. */
#define BENCH_OPAQUE(v) __asm__ volatile("" : "+r"(v))

#endif
