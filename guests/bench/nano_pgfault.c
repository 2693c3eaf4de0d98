/*
 * nano_pgfault.c - a page fault that the handler resolves, N times.
 *
 * We unmap one page, touch it, and let the #PF handler map it again; the CPU
 * then restarts the faulting load, which now succeeds.  Before the next round we
 * unmap the page (clear the PTE, INVLPG so the TLB forgets it).  This is the
 * "hidden page fault" path a shadow-paging monitor spends its life in.
 */
#include "nano.h"
#include "bench.h"
#include "paging.h"
#include "runtime.h"
#include "trap.h"
#include "x86.h"

#define TEST_PAGE 0x00700000u      /* inside the 8 MiB identity map, unused */

static uint32_t *pte;
static uint32_t faults;

/* #PF: map the test page back (identity), count, and restart the access. */
static struct trapframe *on_page_fault(struct trapframe *tf)
{
    uint32_t addr = read_cr2();
    if (addr != TEST_PAGE || (tf->error & PF_ERR_P))
        panic("unexpected page fault at %08x (error %x)", addr, tf->error);
    *pte = TEST_PAGE | PTE_P | PTE_W;
    faults++;
    return tf;
}

int main(void)
{
    uint32_t iters = nano_iters();
    uint32_t *pd = bench_paging_on();
    pte = paging_pte(pd, TEST_PAGE);
    trap_set_handler(VEC_PF, on_page_fault);
    volatile uint32_t *page = (volatile uint32_t *)TEST_PAGE;
    for (uint32_t i = 0; i < iters; i++) {
        *pte = 0;                  /* not present */
        invlpg(TEST_PAGE);
        (void)*page;               /* faults; the handler maps it */
    }
    nano_expect_count("page faults", faults, iters);
    nano_report("pgfault", iters);
    return 0;
}
