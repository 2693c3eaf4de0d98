/*
 * nano_ptemod.c - change a page-table entry and INVLPG it, N times.
 *
 * Each round maps the test page to the other of two frames.  A shadow-paging
 * monitor write-protects guest page tables, so every such store traps.  At the
 * end we read through the page: it must show the frame the last write chose,
 * which only holds if INVLPG really dropped the stale translation.
 */
#include "nano.h"
#include "bench.h"
#include "paging.h"
#include "runtime.h"
#include "x86.h"

#define TEST_PAGE 0x00700000u      /* the virtual page we remap */
#define FRAME_A   0x00701000u      /* two frames with different contents */
#define FRAME_B   0x00702000u
#define MARK_A    0xAAAA0001u
#define MARK_B    0xBBBB0002u

int main(void)
{
    uint32_t iters = nano_iters();
    uint32_t *pd = bench_paging_on();
    *(volatile uint32_t *)FRAME_A = MARK_A;
    *(volatile uint32_t *)FRAME_B = MARK_B;
    uint32_t *pte = paging_pte(pd, TEST_PAGE);
    for (uint32_t i = 0; i < iters; i++) {
        *pte = (i & 1 ? FRAME_B : FRAME_A) | PTE_P | PTE_W;
        invlpg(TEST_PAGE);
    }
    uint32_t want = iters == 0 ? *(volatile uint32_t *)TEST_PAGE
                  : ((iters - 1) & 1 ? MARK_B : MARK_A);
    uint32_t got = *(volatile uint32_t *)TEST_PAGE;
    if (got != want)
        panic("ptemod: read %08x through the remapped page, expected %08x", got, want);
    nano_report("ptemod", iters);
    return 0;
}
