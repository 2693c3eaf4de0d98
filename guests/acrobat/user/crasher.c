/*
 * crasher.c - pid 4: a program that attacks the kernel and is killed for it.
 *
 * The kernel's pages are mapped supervisor-only, so a ring-3 store into the
 * kernel image is a page fault (present, write, user: error code 7).  The kernel
 * kills the process and carries on -- the isolation that paging buys.
 */
#include "ulib.h"

#define KERNEL_IMAGE 0x00100000u      /* where every guest kernel is loaded */

int main(void)
{
    printf("crasher: writing to the kernel at %p\n", (void *)KERNEL_IMAGE);
    *(volatile uint32_t *)KERNEL_IMAGE = 0xDEADBEEF;
    printf("crasher: the kernel let me write to it!\n");
    return 1;
}
