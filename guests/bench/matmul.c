/*
 * matmul.c - 32x32 integer matrix multiply (multiplies, adds, 2-D indexing).
 *
 * C = A B with A[i][j] = i + j + k and B[i][j] = i - j for iteration k, so every
 * iteration computes something new and the compiler cannot reuse the last one.
 * The checksum adds up all elements of every C (mod 2^32).
 */
#include "bench.h"
#include "kprintf.h"

#define N             32
#define DEFAULT_ITERS 12000

static int32_t a[N][N], b[N][N], c[N][N];

/* c = a b */
static void multiply(void)
{
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            int32_t s = 0;
            for (int k = 0; k < N; k++)
                s += a[i][k] * b[k][j];
            c[i][j] = s;
        }
}

/* Sum of all elements of c, mod 2^32. */
static uint32_t sum_c(void)
{
    uint32_t s = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            s += (uint32_t)c[i][j];
    return s;
}

int main(void)
{
    uint32_t iters = bench_iters(DEFAULT_ITERS);
    bench_paging_option();
    uint32_t checksum = 0;
    for (uint32_t k = 0; k < iters; k++) {
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) {
                a[i][j] = i + j + (int32_t)k;
                b[i][j] = i - j;
            }
        multiply();
        checksum += sum_c();
    }
    bench_report("matmul", iters, checksum);
    return 0;
}
