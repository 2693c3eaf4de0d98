/* kalloc.h - physical page frames for page tables, kernel stacks and user memory. */
#ifndef ACROBAT_KALLOC_H
#define ACROBAT_KALLOC_H

#include <stdint.h>

/* Hand every whole page in [start, end) to the allocator. */
void kalloc_init(uint32_t start, uint32_t end);

/* A zeroed 4 KiB page (its physical address = its kernel address), or 0 when
   memory is exhausted. */
void *kalloc(void);

#endif
