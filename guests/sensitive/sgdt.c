/*
 * sgdt.c - SGDT stores GDTR at any privilege level (SDM Vol. 3A 2.8, SGDT).
 *
 * A monitor that runs the guest kernel deprivileged must keep its own GDT in
 * GDTR (the guest's descriptors have the wrong DPLs for ring 1), yet SGDT does
 * not trap: the guest reads the monitor's table address instead of its own.
 */
#include "desc.h"
#include "kprintf.h"
#include "observe.h"

int main(void)
{
    struct table_reg r;
    __asm__ volatile("sgdt %0" : "=m"(r));
    observe_hex32("gdt_base", r.base);
    observe_hex16("gdt_limit", r.limit);
    observe_bool("gdt_is_mine", r.base == (uint32_t)gdt && r.limit == sizeof(gdt) - 1);
    kputs("sgdt: GDTR holds the table this kernel loaded with LGDT");
    return 0;
}
