/*
 * movcr3.c - MOV to and from CR3: sensitive, and privileged (the control case).
 *
 * CR3 names the page directory, so a kernel that could read the monitor's
 * value would know it is not alone.  Unlike SGDT or SMSW, MOV to/from CR3
 * raises #GP(0) outside ring 0 (SDM Vol. 3A 5.9), so a deprivileged kernel's
 * accesses trap and the monitor can show it a virtual CR3: the row of the
 * Popek table that does not leak.  Paging stays off, so the value written
 * is only a number the processor keeps (SDM Vol. 3A 2.5).
 */
#include "kprintf.h"
#include "observe.h"

#define CR3_WRITTEN 0x00123000u        /* a page-aligned frame, never used as one */

static uint32_t read_cr3(void)
{
    uint32_t v;
    __asm__ volatile("movl %%cr3, %0" : "=r"(v));
    return v;
}

static void write_cr3(uint32_t v)
{
    __asm__ volatile("movl %0, %%cr3" : : "r"(v) : "memory");
}

int main(void)
{
    write_cr3(CR3_WRITTEN);
    uint32_t cr3 = read_cr3();
    observe_hex32("cr3", cr3);
    observe_bool("cr3_is_mine", cr3 == CR3_WRITTEN);
    kputs("movcr3: CR3 holds the value this kernel wrote");
    return 0;
}
