/*
 * sieve.c - the sieve of Eratosthenes below 65536 (byte stores, tight loops).
 *
 * Cross out the multiples of every prime; what is left is prime.  There are
 * exactly 6542 primes below 2^16 (pi(65536) = 6542), which we check each time.
 */
#include "bench.h"
#include "kprintf.h"
#include "string.h"

#define LIMIT          65536
#define PRIMES_BELOW_LIMIT 6542      /* pi(2^16), from any table of primes */
#define DEFAULT_ITERS  2000

static uint8_t composite[LIMIT];

/* Sieve [0, LIMIT); returns how many primes there are and their sum in *sum. */
static uint32_t sieve(uint32_t *sum)
{
    memset(composite, 0, sizeof(composite));
    uint32_t count = 0;
    *sum = 0;
    for (uint32_t n = 2; n < LIMIT; n++) {
        if (composite[n])
            continue;
        count++;
        *sum += n;
        for (uint32_t m = n * n; m < LIMIT; m += n)
            composite[m] = 1;
    }
    return count;
}

int main(void)
{
    uint32_t iters = bench_iters(DEFAULT_ITERS);
    bench_paging_option();
    uint32_t checksum = 0, count = 0;
    for (uint32_t i = 0; i < iters; i++) {
        uint32_t sum;
        count = sieve(&sum);
        checksum = checksum * 31 + sum;
    }
    kprintf("primes below %u: %u (expected %u)\n", LIMIT, count, PRIMES_BELOW_LIMIT);
    bench_report("sieve", iters, checksum);
    return count == PRIMES_BELOW_LIMIT ? 0 : 1;
}
