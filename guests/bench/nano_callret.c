/*
 * nano_callret.c - the control: CALL and RET of an empty function, N times.
 *
 * Nothing here is sensitive, so a monitor should run it at native speed; a
 * binary translator pays for indirect control flow on RET.
 */
#include "bench.h"
#include "nano.h"

/* The callee: does nothing, but must really be called. */
__attribute__((noinline)) static uint32_t empty(uint32_t x)
{
    BENCH_OPAQUE(x);
    return x;
}

int main(void)
{
    uint32_t iters = nano_iters();
    uint32_t sum = 0;
    for (uint32_t i = 0; i < iters; i++)
        sum += empty(1);
    nano_expect_count("calls", sum, iters);
    nano_report("callret", iters);
    return 0;
}
