/*
 * goldens.c - the golden transcripts, checked against independent computations.
 *
 * The transcripts in expected/ were recorded on QEMU.  A recording is only as
 * good as the guest that produced it, so here the host recomputes what each
 * benchmark claims -- with different code (a bit-at-a-time CRC instead of a
 * table, trial division instead of a sieve, iteration instead of recursion) --
 * and checks the numbers in the transcripts.  These tests need no machine.
 */
#define _GNU_SOURCE             /* asprintf */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"

/* The golden transcript of guest name (malloc'd). */
static char *golden(const char *name)
{
    char *path = NULL;
    cr_assert_geq(asprintf(&path, "%s/%s.txt", EXPECTED_DIR, name), 0);
    char *text = runner_read_file(path);
    cr_assert_not_null(text, "cannot read %s", path);
    free(path);
    return text;
}

/* Parse "bench <bench>: N iterations, checksum 0xX" from a benchmark golden. */
static uint32_t bench_checksum(const char *bench, uint32_t *iters)
{
    char *name = NULL, *pattern = NULL;
    cr_assert_geq(asprintf(&name, "bench-%s", bench), 0);
    cr_assert_geq(asprintf(&pattern, "bench %s: %%u iterations, checksum 0x%%x", bench), 0);
    char *text = golden(name);
    const char *line = strstr(text, "bench ");
    uint32_t sum = 0;
    cr_assert(line && sscanf(line, pattern, iters, &sum) == 2,
              "%s: no '%s' line in its golden transcript", name, pattern);
    free(text);
    free(pattern);
    free(name);
    return sum;
}

/* CRC-32 (ISO-HDLC), one bit at a time: reflected polynomial 0xEDB88320. */
static uint32_t crc32_bitwise(uint32_t crc, const uint8_t *p, size_t n)
{
    crc = ~crc;
    while (n--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
    }
    return ~crc;
}

Test(goldens, crc32_checksum_is_the_crc_of_the_buffer)
{
    cr_assert_eq(crc32_bitwise(0, (const uint8_t *)"123456789", 9), 0xCBF43926u,
                 "the host CRC must give the published check value");
    uint8_t buf[16384];
    for (uint32_t i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)(i * 7 + (i >> 8));
    uint32_t iters, got = bench_checksum("crc32", &iters), crc = 0;
    for (uint32_t i = 0; i < iters; i++)
        crc = crc32_bitwise(crc, buf, sizeof(buf));
    cr_assert_eq(got, crc, "bench-crc32 golden: expected checksum 0x%08x, recorded 0x%08x",
                 crc, got);
}

/* Is n prime?  (Trial division: the guest uses a sieve.) */
static int is_prime(uint32_t n)
{
    if (n < 2)
        return 0;
    for (uint32_t d = 2; d * d <= n; d++)
        if (n % d == 0)
            return 0;
    return 1;
}

Test(goldens, sieve_checksum_folds_the_sum_of_primes)
{
    uint32_t sum = 0;
    for (uint32_t n = 0; n < 65536; n++)
        sum += is_prime(n) ? n : 0;
    uint32_t iters, got = bench_checksum("sieve", &iters), want = 0;
    for (uint32_t i = 0; i < iters; i++)
        want = want * 31 + sum;
    cr_assert_eq(got, want, "bench-sieve golden: expected 0x%08x, recorded 0x%08x", want, got);
}

Test(goldens, matmul_checksum_sums_every_product_matrix)
{
    uint32_t iters, got = bench_checksum("matmul", &iters), want = 0;
    for (uint32_t k = 0; k < iters; k++)
        for (int i = 0; i < 32; i++)
            for (int j = 0; j < 32; j++)
                for (int m = 0; m < 32; m++)      /* a[i][m] * b[m][j] */
                    want += (uint32_t)((i + m + (int)k) * (m - j));
    cr_assert_eq(got, want, "bench-matmul golden: expected 0x%08x, recorded 0x%08x", want, got);
}

Test(goldens, fib_checksum_is_iters_times_fib20)
{
    uint32_t a = 0, b = 1;
    for (int i = 0; i < 20; i++) {
        uint32_t t = a + b;
        a = b;
        b = t;
    }
    cr_assert_eq(a, 6765u, "fib(20) is 6765 (OEIS A000045)");
    uint32_t iters, got = bench_checksum("fib", &iters);
    cr_assert_eq(got, iters * a, "bench-fib golden: expected 0x%08x, recorded 0x%08x",
                 iters * a, got);
}

Test(goldens, strings_checksum_follows_the_copies)
{
    char src[4096];
    for (int i = 0; i < 4095; i++)
        src[i] = (char)('a' + i % 26);
    src[4095] = '\0';
    uint32_t iters, got = bench_checksum("strings", &iters), want = 0;
    for (uint32_t i = 0; i < iters; i++) {
        src[i % 4095] = (char)('a' + i % 26);
        want = want * 33 + (uint8_t)src[(i * 7) % 4095] + (uint32_t)strlen(src);
    }
    cr_assert_eq(got, want, "bench-strings golden: expected 0x%08x, recorded 0x%08x", want, got);
}

Test(goldens, acrobat_user_results_are_right)
{
    uint32_t sum = 0;
    for (uint32_t i = 0; i < 3 * 4096; i++)
        sum = sum * 31 + (uint8_t)(i * 13);
    uint32_t primes = 0;
    for (uint32_t n = 0; n < 200000; n++)
        primes += is_prime(n);
    char *want_sum = NULL, *want_primes = NULL;
    cr_assert_geq(asprintf(&want_sum, "hello: heap checksum 0x%08x\n", sum), 0);
    cr_assert_geq(asprintf(&want_primes, "primes: %u primes below 200000", primes), 0);
    const char *names[] = { "acrobat", "acrobat-nopushf" };
    for (int i = 0; i < 2; i++) {
        char *text = golden(names[i]);
        cr_expect_not_null(strstr(text, want_sum), "%s golden lacks \"%s\"", names[i], want_sum);
        cr_expect_not_null(strstr(text, want_primes), "%s golden lacks \"%s\"", names[i],
                           want_primes);
        cr_expect_not_null(strstr(text, "acrobat: all checks passed\n"),
                           "%s golden does not end with all checks passed", names[i]);
        free(text);
    }
    free(want_sum);
    free(want_primes);
}
