/*
 * kalloc.c - a free list of 4 KiB physical pages.
 *
 * The kernel maps low memory one to one, so a free page can hold the link to
 * the next free page in its own first word: the list costs no memory at all.
 * acrobat never frees (its processes are few and the machine stops when they
 * are done), so there is no kfree.
 */
#include "kalloc.h"

#include "paging.h"
#include "string.h"

struct free_page {
    struct free_page *next;
};

static struct free_page *free_list;

void kalloc_init(uint32_t start, uint32_t end)
{
    start = (start + PAGE_SIZE - 1) & PAGE_MASK;
    for (uint32_t pa = (end & PAGE_MASK) - PAGE_SIZE; pa >= start; pa -= PAGE_SIZE) {
        struct free_page *p = (struct free_page *)pa;
        p->next = free_list;
        free_list = p;
    }
}

void *kalloc(void)
{
    struct free_page *p = free_list;
    if (!p)
        return 0;
    free_list = p->next;
    memset(p, 0, PAGE_SIZE);
    return p;
}
