/*
 * bench.c - the shared skeleton of the benchmark guests.
 *
 * A benchmark is only worth timing if it computed the right thing, so each one
 * prints a checksum of its result: an emulator that gets an instruction wrong
 * prints a different number and fails its golden transcript.  Nothing printed
 * depends on time; the time is measured outside, by whoever runs the guest.
 *
 * paging=1 runs the same work with paging on.  On bare hardware that costs
 * little: the TLB caches the identity map.  Under a monitor with shadow page
 * tables it costs one hidden page fault per page touched, to fill the shadow,
 * and nothing afterwards -- which is what chapter 3's benchmark checks.
 */
#include "bench.h"

#include "cmdline.h"
#include "kprintf.h"
#include "paging.h"
#include "runtime.h"

/* The page directory and the page tables for BENCH_MAPPED_BYTES (one per 4 MiB). */
static uint32_t pd[PT_ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static uint32_t pts[BENCH_MAPPED_BYTES / PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

extern char _end[];   /* kernel.ld: the first byte after the kernel image */

uint32_t bench_iters(uint32_t def)
{
    return cmdline_uint("iters", def);
}

uint32_t *bench_paging_on(void)
{
    /* Code, stack and data must stay reachable once CR0.PG is set. */
    if ((uint32_t)_end > BENCH_MAPPED_BYTES)
        panic("kernel ends at %08x, beyond the %u-byte identity map",
              (uint32_t)_end, BENCH_MAPPED_BYTES);
    paging_identity_map(pd, pts, BENCH_MAPPED_BYTES);
    paging_enable(pd);
    return pd;
}

void bench_paging_option(void)
{
    if (cmdline_uint("paging", 0) != 1)
        return;
    bench_paging_on();
    kprintf("paging on: identity map of the first %u MiB\n", BENCH_MAPPED_BYTES >> 20);
}

void bench_report(const char *name, uint32_t iters, uint32_t checksum)
{
    kprintf("bench %s: %u iterations, checksum 0x%08x\n", name, iters, checksum);
}
