/*
 * sldt.c - SLDT stores the LDTR selector at any privilege level (SDM Vol. 3A 2.8).
 *
 * We describe a one-entry LDT in the GDT, load it with LLDT (privileged, so a
 * monitor sees it) and read it back with SLDT (not privileged, so a monitor that
 * substituted its own LDT selector is caught).
 */
#include "desc.h"
#include "kprintf.h"
#include "observe.h"

/* A local descriptor table with a single flat data segment. */
static struct seg_desc ldt[1] __attribute__((aligned(8)));

int main(void)
{
    seg_desc_set(&ldt[0], 0, 0xFFFFF, SEG_P | SEG_S | SEG_DATA_RW, SEG_G | SEG_DB);
    gdt_set(GDT_LDT, (uint32_t)ldt, sizeof(ldt) - 1, SEG_P | SEG_LDT, 0);
    __asm__ volatile("lldt %w0" : : "r"((uint32_t)SEL_LDT));
    uint16_t ldtr;
    __asm__ volatile("sldt %w0" : "=r"(ldtr));
    observe_hex16("ldtr", ldtr);
    observe_bool("ldtr_is_mine", ldtr == SEL_LDT);
    kputs("sldt: LDTR holds the selector this kernel loaded with LLDT");
    return 0;
}
