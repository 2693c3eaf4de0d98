/*
 * fib.c - naive recursive Fibonacci (CALL, RET, PUSH, POP, conditional jumps).
 *
 * fib(n) = fib(n-1) + fib(n-2) makes about 1.6^n calls: the purest test of how
 * fast a machine does calls and returns.  fib(20) = 6765 (OEIS A000045).
 */
#include "bench.h"
#include "kprintf.h"

#define FIB_N         20
#define FIB_20        6765u       /* OEIS A000045 */
#define DEFAULT_ITERS 8000

/* The n-th Fibonacci number, the slow way on purpose. */
__attribute__((noinline)) static uint32_t fib(uint32_t n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

int main(void)
{
    uint32_t iters = bench_iters(DEFAULT_ITERS);
    bench_paging_option();
    uint32_t checksum = 0, f = 0;
    for (uint32_t i = 0; i < iters; i++) {
        uint32_t n = FIB_N;
        BENCH_OPAQUE(n);                 /* recompute every time */
        f = fib(n);
        checksum += f;
    }
    kprintf("fib(%u) = %u (expected %u)\n", FIB_N, f, FIB_20);
    bench_report("fib", iters, checksum);
    return f == FIB_20 ? 0 : 1;
}
