/*
 * str.c - STR stores the task register's selector at any privilege level.
 *
 * The runtime loaded TR with LTR (privileged).  A monitor needs its own TSS to
 * get a ring-0 stack on interrupts, so the real TR is the monitor's; STR tells.
 */
#include "desc.h"
#include "kprintf.h"
#include "observe.h"

int main(void)
{
    uint16_t tr;
    __asm__ volatile("str %w0" : "=r"(tr));
    observe_hex16("tr", tr);
    observe_bool("tr_is_mine", tr == SEL_TSS);
    kputs("str: TR holds the TSS selector this kernel loaded with LTR");
    return 0;
}
