/*
 * nano.c - what the nanobenchmarks share.
 *
 * Adams and Agesen ("A Comparison of Software and Hardware Techniques for x86
 * Virtualization", ASPLOS 2006) time seven operations that a virtual machine
 * monitor makes expensive: a system call, an I/O port read, a CR3 write, a plain
 * call/return (the control), a page fault, a divide-by-zero fault and a page
 * table update.  Each of our guests repeats one of them N times; the time is
 * taken outside (e.g. `time qemu ...`), and the output never depends on it.
 */
#include "nano.h"

#include "bench.h"
#include "kprintf.h"
#include "runtime.h"

uint32_t nano_iters(void)
{
    return bench_iters(NANO_DEFAULT_ITERS);
}

void nano_report(const char *name, uint32_t iters)
{
    kprintf("nano %s: %u iterations\n", name, iters);
}

void nano_expect_count(const char *what, uint32_t got, uint32_t iters)
{
    if (got != iters)
        panic("%s: counted %u, expected %u", what, got, iters);
}
