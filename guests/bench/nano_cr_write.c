/*
 * nano_cr_write.c - switch between two address spaces with MOV to CR3, N times.
 *
 * MOV to CR3 is privileged and flushes the TLB (SDM Vol. 3A 4.10.4.1): the
 * operation every context switch performs.  A shadow-paging monitor must
 * intercept it to switch shadow page tables, so we alternate between two page
 * directories -- two processes that share the kernel's page tables, as most
 * kernels arrange -- and each write names the directory not in use.  Under
 * the monitor, after the first switch to each, both shadows are found in its
 * cache (a hit per write, two misses in all).  At the end we switch back to
 * the first one, so that what follows runs the same whatever N is.
 */
#include "nano.h"
#include "bench.h"
#include "paging.h"
#include "string.h"
#include "x86.h"

/* The second address space: the first one's directory entries, same tables. */
static uint32_t pd2[PT_ENTRIES] __attribute__((aligned(PAGE_SIZE)));

int main(void)
{
    uint32_t iters = nano_iters();
    uint32_t *pd = bench_paging_on();
    memcpy(pd2, pd, PAGE_SIZE);
    const uint32_t cr3[2] = { (uint32_t)pd2, (uint32_t)pd };
    for (uint32_t i = 0; i < iters; i++)
        write_cr3(cr3[i & 1]);
    write_cr3((uint32_t)pd);
    nano_report("cr-write", iters);
    return 0;
}
