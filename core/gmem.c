/* gmem.c - guest-physical memory, as the monitor reads and writes it. */

/*
 * The monitor reads guest structures (GDT, IDT, TSS, the stack it pushes an
 * interrupt frame on) by guest-physical address.  The host memory behind
 * guest RAM is followed directly by the monitor's own memory, so every
 * access is checked against the guest's RAM size first: an address the guest
 * controls must never reach the monitor.  Until chapter 3 the guest does not
 * page, so its linear addresses are its physical ones.
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
    return 0;
}
