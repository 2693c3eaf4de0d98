/*
 * bench.c - the shared skeleton of the benchmark guests.
 *
 * A benchmark is only worth timing if it computed the right thing, so each one
 * prints a checksum of its result: an emulator that gets an instruction wrong
 * prints a different number and fails its golden transcript.  Nothing printed
 * depends on time; the time is measured outside, by whoever runs the guest.
 */
#include "bench.h"

#include "cmdline.h"
#include "kprintf.h"

uint32_t bench_iters(uint32_t def)
{
    return cmdline_uint("iters", def);
}

void bench_report(const char *name, uint32_t iters, uint32_t checksum)
{
    kprintf("bench %s: %u iterations, checksum 0x%08x\n", name, iters, checksum);
}
