/* vm.h - address spaces: one page directory per process, the kernel mapped in each. */
#ifndef ACROBAT_VM_H
#define ACROBAT_VM_H

#include <stdint.h>

/*
 * Every address space looks like this:
 *
 *   0x00000000 +---------------------------+
 *              | kernel: low 4 MiB mapped  |  supervisor only (U/S = 0), shared
 *              | one to one (page 0 not)   |  page table in every directory
 *   0x00400000 +---------------------------+
 *              |         unmapped          |
 *   0x40000000 +---------------------------+  USER_BASE (syscall_nr.h)
 *              | program image (ELF)       |
 *              | heap: demand-zero, sbrk() |  up to USER_HEAP_MAX
 *              |           ...             |
 *              | stack: demand-zero        |  USER_STACK_MAX bytes below
 *   0x80000000 +---------------------------+  USER_STACK_TOP
 */
#define KERNEL_MAP_BYTES (4u << 20)

/* Build the kernel's page table and turn paging on with a kernel-only directory. */
void vm_init(void);

/* A new page directory holding just the kernel mapping, or 0 (out of memory). */
uint32_t *vm_new(void);

/* Map page va to frame pa with flags (PTE_*) in pd, making a page table if
   needed.  Returns 0, or -1 when memory is exhausted. */
int vm_map(uint32_t *pd, uint32_t va, uint32_t pa, uint32_t flags);

/* Map a fresh zeroed, user-writable page at va.  Returns 0 or -1. */
int vm_map_zero(uint32_t *pd, uint32_t va);

/* Make pd the current address space (load CR3). */
void vm_switch(uint32_t *pd);

#endif
