/* gmem.c - guest-physical memory, as the monitor reads and writes it. */

/*
 * The monitor reads guest structures (GDT, IDT, TSS, the stack it pushes an
 * interrupt frame on) at the linear addresses the guest gave for them.  A
 * linear address becomes guest-physical through the MMU (mmu_ops translate:
 * itself in chapter 2, the guest's page tables in chapter 3), one page at a
 * time, since consecutive linear pages need not be consecutive frames.
 *
 * The host memory behind guest RAM is followed directly by the monitor's
 * own memory, so every physical access is checked against the guest's RAM
 * size first: an address the guest controls must never reach the monitor.
 */
#include <string.h>

#include "monitor_internal.h"

/* True if [gpa, gpa+len) lies inside guest RAM (no wrap-around). */
static bool in_guest_ram(const struct monitor *mon, uint32_t gpa, uint32_t len)
{
    return len <= mon->guest_ram && gpa <= mon->guest_ram - len;
}

int gmem_read(struct monitor *mon, uint32_t gpa, void *buf, uint32_t len)
{
    if (!in_guest_ram(mon, gpa, len))
        return -1;
    memcpy(buf, mon->m->ram + gpa, len);
    return 0;
}

int gmem_write(struct monitor *mon, uint32_t gpa, const void *buf, uint32_t len)
{
    if (!in_guest_ram(mon, gpa, len))
        return -1;
    memcpy(mon->m->ram + gpa, buf, len);
    cpu_ram_written(mon->c, gpa, len);     /* the CPU may have translated code there */
    return 0;
}

/* Copy between buf and guest linear memory, page by page. */
static int glin_copy(struct monitor *mon, uint32_t la, uint8_t *buf, uint32_t len, bool write)
{
    while (len) {
        uint32_t gpa, chunk = MON_PAGE_BYTES - (la & (MON_PAGE_BYTES - 1));
        if (chunk > len)
            chunk = len;
        if (mon->mmu->translate(mon, la, write, &gpa) < 0)
            return GLIN_PAGE_FAULT;
        int rc = write ? gmem_write(mon, gpa, buf, chunk) : gmem_read(mon, gpa, buf, chunk);
        if (rc < 0)
            return -1;
        la += chunk;
        buf += chunk;
        len -= chunk;
    }
    return 0;
}

int glin_read(struct monitor *mon, uint32_t la, void *buf, uint32_t len)
{
    return glin_copy(mon, la, buf, len, false);
}

int glin_write(struct monitor *mon, uint32_t la, const void *buf, uint32_t len)
{
    return glin_copy(mon, la, (uint8_t *)buf, len, true);
}

void *mon_ptr(const struct monitor *mon, uint32_t off)
{
    return mon->mem + off;
}

uint32_t mon_phys(const struct monitor *mon, uint32_t off)
{
    return mon->mem_phys + off;
}
