/*
 * elf.c - the program loader.
 *
 * An ELF executable starts with a header that points at a table of program
 * headers; each PT_LOAD entry says "put filesz bytes from this file offset at
 * virtual address vaddr, then zeros up to memsz" (System V ABI, Chapter 5; ELF
 * Specification 1.2, Book I, 2-2).  We allocate user pages for each segment and
 * copy into them through their physical addresses, since the target address
 * space is not the one we run in.
 */
#include "elf.h"

#include "kalloc.h"
#include "paging.h"
#include "string.h"
#include "vm.h"

/* ELF Specification 1.2, Book I, Figures 1-3 and 2-1 (the fields we use). */
struct elf_header {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version, entry, phoff, shoff, flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf_phdr {
    uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

#define ELF_MAGIC     "\x7f" "ELF"
#define ELFCLASS32    1            /* ident[4] */
#define ET_EXEC       2
#define EM_386        3
#define PT_LOAD       1
#define PF_W          2

/* Is this an i386 executable whose program headers lie inside the image? */
static int elf_check(const struct elf_header *h, uint32_t size)
{
    return size >= sizeof(*h) && !memcmp(h->ident, ELF_MAGIC, 4) &&
           h->ident[4] == ELFCLASS32 && h->type == ET_EXEC && h->machine == EM_386 &&
           h->phentsize == sizeof(struct elf_phdr) &&
           h->phoff + (uint32_t)h->phnum * sizeof(struct elf_phdr) <= size;
}

/* The frame backing page va in pd, mapping a new zeroed one if there is none. */
static uint8_t *user_frame(uint32_t *pd, uint32_t va, uint32_t flags)
{
    uint32_t *pte = paging_pte(pd, va);
    if (pte && (*pte & PTE_P)) {
        *pte |= flags;             /* a page two segments share: writable if either is */
        return (uint8_t *)PTE_ADDR(*pte);
    }
    uint8_t *page = kalloc();
    if (!page || vm_map(pd, va & PAGE_MASK, (uint32_t)page, flags) < 0)
        return 0;
    return page;
}

/* Load one PT_LOAD segment; returns 0 or -1. */
static int load_segment(uint32_t *pd, const uint8_t *image, const struct elf_phdr *ph)
{
    uint32_t flags = PTE_U | (ph->flags & PF_W ? PTE_W : 0);
    for (uint32_t off = 0; off < ph->memsz; ) {
        uint32_t va = ph->vaddr + off;
        uint32_t chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));
        if (chunk > ph->memsz - off)
            chunk = ph->memsz - off;
        uint8_t *frame = user_frame(pd, va, flags);
        if (!frame)
            return -1;
        if (off < ph->filesz) {
            uint32_t n = ph->filesz - off < chunk ? ph->filesz - off : chunk;
            memcpy(frame + (va & (PAGE_SIZE - 1)), image + ph->offset + off, n);
        }
        off += chunk;
    }
    return 0;
}

uint32_t elf_load(uint32_t *pd, const uint8_t *image, uint32_t size, uint32_t *end)
{
    const struct elf_header *h = (const struct elf_header *)image;
    if (!elf_check(h, size))
        return 0;
    *end = 0;
    const struct elf_phdr *ph = (const struct elf_phdr *)(image + h->phoff);
    for (int i = 0; i < h->phnum; i++, ph++) {
        if (ph->type != PT_LOAD)
            continue;
        if (ph->offset + ph->filesz > size || load_segment(pd, image, ph) < 0)
            return 0;
        if (ph->vaddr + ph->memsz > *end)
            *end = ph->vaddr + ph->memsz;
    }
    return h->entry;
}
