/*
 * primes.c - pid 2: long computation that the timer must preempt.
 *
 * Counting primes by trial division takes tens of millions of instructions, far
 * longer than one timer tick, so the scheduler takes the CPU away from us many
 * times.  We also give it up voluntarily with yield() every few thousand numbers.
 * There are 17984 primes below 200000 (pi(2 x 10^5), any table of primes).
 */
#include "ulib.h"

#define LIMIT 200000
#define PRIMES_BELOW_LIMIT 17984
#define YIELD_EVERY 50000

/* Trial division by odd numbers up to the square root. */
static int is_prime(uint32_t n)
{
    if (n < 2)
        return 0;
    if (n % 2 == 0)
        return n == 2;
    for (uint32_t d = 3; d * d <= n; d += 2)
        if (n % d == 0)
            return 0;
    return 1;
}

int main(void)
{
    uint32_t count = 0;
    for (uint32_t n = 0; n < LIMIT; n++) {
        count += is_prime(n);
        if (n % YIELD_EVERY == YIELD_EVERY - 1)
            yield();
    }
    printf("primes: %u primes below %u (expected %u)\n", count, LIMIT, PRIMES_BELOW_LIMIT);
    return count == PRIMES_BELOW_LIMIT ? 0 : 1;
}
