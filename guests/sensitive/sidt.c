/*
 * sidt.c - SIDT stores IDTR at any privilege level (SDM Vol. 3A 2.8, SIDT).
 *
 * The monitor must own the real IDT to see every interrupt first, so IDTR
 * points at its table; SIDT, unprivileged, shows that to the guest.  (This is
 * the "Red Pill" test for detecting a virtual machine.)
 */
#include "desc.h"
#include "kprintf.h"
#include "observe.h"

int main(void)
{
    struct table_reg r;
    __asm__ volatile("sidt %0" : "=m"(r));
    observe_hex32("idt_base", r.base);
    observe_hex16("idt_limit", r.limit);
    observe_bool("idt_is_mine", r.base == (uint32_t)idt && r.limit == sizeof(idt) - 1);
    kputs("sidt: IDTR holds the table this kernel loaded with LIDT");
    return 0;
}
