/*
 * nano_cr_write.c - write CR3 N times (with paging on).
 *
 * MOV to CR3 is privileged and flushes the TLB (SDM Vol. 3A 4.10.4.1): the
 * operation every context switch performs.  A shadow-paging monitor must
 * intercept it to switch shadow page tables.  We write back the same directory.
 */
#include "nano.h"
#include "bench.h"
#include "x86.h"

int main(void)
{
    uint32_t iters = nano_iters();
    uint32_t cr3 = (uint32_t)bench_paging_on();
    for (uint32_t i = 0; i < iters; i++)
        write_cr3(cr3);
    nano_report("cr-write", iters);
    return 0;
}
