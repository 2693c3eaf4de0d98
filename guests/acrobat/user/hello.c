/*
 * hello.c - pid 1: system calls, and memory that appears when it is touched.
 *
 * sbrk() only moves the break; no page is mapped until the program touches it.
 * Each first touch is a page fault that the kernel answers with a fresh zeroed
 * page (demand-zero paging), which is why the new memory must read as zero.
 */
#include "ulib.h"

#define PAGE 4096
#define HEAP_PAGES 3

int main(void)
{
    uint16_t cs;
    __asm__ volatile("movw %%cs, %0" : "=r"(cs));
    printf("hello: I am pid %d, running in ring %u\n", getpid(), cs & 3u);
    uint8_t *heap = sbrk(HEAP_PAGES * PAGE);
    printf("hello: sbrk(%u) returned %p\n", HEAP_PAGES * PAGE, (void *)heap);
    uint32_t nonzero = 0;
    for (uint32_t i = 0; i < HEAP_PAGES * PAGE; i++)
        nonzero += heap[i] != 0;
    printf("hello: new heap bytes that are not zero: %u\n", nonzero);
    uint32_t sum = 0;
    for (uint32_t i = 0; i < HEAP_PAGES * PAGE; i++) {
        heap[i] = (uint8_t)(i * 13);
        sum = sum * 31 + heap[i];
    }
    printf("hello: heap checksum 0x%08x\n", sum);
    return nonzero == 0 ? 0 : 1;
}
