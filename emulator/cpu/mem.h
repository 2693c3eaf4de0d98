/* mem.h - memory helpers shared by the system files: TLB lookup, limit checks, stacks. */
#ifndef TRAPEZE_MEM_H
#define TRAPEZE_MEM_H

#include <stddef.h>

#include "cpu_internal.h"

/* SDM Vol. 3A 4.3: 32-bit paging uses 4-KiByte pages. */
#define PAGE_SHIFT 12
#define PAGE_SIZE  (1u << PAGE_SHIFT)
#define PAGE_MASK  (~(PAGE_SIZE - 1))

/* Which of the four TLB tags an access uses: write or read, user or
 * supervisor.  User means CPL 3 and not an implicit supervisor access
 * (SDM Vol. 3A 4.6: descriptor-table and TSS accesses are supervisor). */
static inline unsigned tlb_class_of(const struct cpu *c, unsigned acc)
{
    bool user = (acc & ACC_USER) || (c->cpl == 3 && !(acc & ACC_SUPER));
    return (user ? TLB_USER_READ : TLB_SUPER_READ) + ((acc & ACC_WRITE) ? 1 : 0);
}

/* The TLB hit path: the host address of laddr for access class `cls`, or
 * NULL when the entry does not cover it (walk with mmu_lookup). */
static inline uint8_t *tlb_hit(struct cpu *c, uint32_t laddr, unsigned cls)
{
    struct tlb_entry *e = &c->tlb[(laddr >> PAGE_SHIFT) % TLB_ENTRIES];
    if (__builtin_expect(e->tag[cls] == ((laddr & PAGE_MASK) | 1), 1))
        return e->host + (laddr & ~PAGE_MASK);
    return NULL;
}

/* TLB miss: walk the page tables for the access, fill the TLB, set *paddr.
 * Returns the host address for RAM, NULL for MMIO; raises #PF.  (mmu.c) */
uint8_t *mmu_lookup(struct cpu *c, uint32_t laddr, unsigned acc, uint32_t *paddr);

/* True if off..off+size-1 lies inside the segment's limit, expand-down
 * segments included (SDM Vol. 3A 3.4.5.1, 5.3). */
bool seg_offset_ok(const struct seg *s, uint32_t off, unsigned size);

/*
 * A stack being read or written by a control transfer before it commits:
 * the stack segment (maybe not loaded yet), its pointer, the access kind for
 * paging, and the error code of the #SS a limit violation raises.  Nothing
 * architectural changes until stack_commit(), so a fault half-way leaves the
 * instruction restartable.
 */
struct stack {
    struct seg ss;
    uint32_t esp;
    unsigned acc;
    uint32_t fault_error;
};

/* The current SS:ESP, accessed at the current CPL; #SS(0) on overflow. */
struct stack stack_current(const struct cpu *c);
/* Push or pop one value of `size` bytes (2 or 4). */
void stack_push(struct cpu *c, struct stack *st, uint32_t v, unsigned size);
uint32_t stack_pop(struct cpu *c, struct stack *st, unsigned size);
/* Make st->esp the new ESP (only SP when SS is a 16-bit stack). */
void stack_commit(struct cpu *c, const struct stack *st);

#endif
