/*
 * strings.c - memcpy and strlen loops (byte loads and stores, pointer walks).
 *
 * Each iteration copies a 4 KiB buffer with memcpy, changes one byte so the next
 * copy differs, and measures a 4095-character string with strlen.  The checksum
 * folds in a byte of the copy and the length, which must be 4095.
 */
#include "bench.h"
#include "kprintf.h"
#include "string.h"

#define BUF_BYTES     4096
#define DEFAULT_ITERS 50000

static char src[BUF_BYTES], dst[BUF_BYTES];

int main(void)
{
    for (int i = 0; i < BUF_BYTES - 1; i++)
        src[i] = (char)('a' + i % 26);
    src[BUF_BYTES - 1] = '\0';
    uint32_t iters = bench_iters(DEFAULT_ITERS);
    bench_paging_option();
    uint32_t checksum = 0;
    size_t len = 0;
    for (uint32_t i = 0; i < iters; i++) {
        src[i % (BUF_BYTES - 1)] = (char)('a' + i % 26);
        memcpy(dst, src, BUF_BYTES);
        len = strlen(dst);
        checksum = checksum * 33 + (uint8_t)dst[(i * 7) % (BUF_BYTES - 1)] + len;
    }
    kprintf("strlen = %u (expected %u)\n", (uint32_t)len, BUF_BYTES - 1);
    bench_report("strings", iters, checksum);
    return len == BUF_BYTES - 1 ? 0 : 1;
}
