/*
 * verr.c - VERR asks "may I read this segment?" at any privilege level.
 *
 * The answer depends on CPL: a kernel moved to ring 1 is told that its own
 * DPL-0 segments are not readable, which it can never see on a real machine.
 */
#include "desc.h"
#include "kprintf.h"
#include "observe.h"
#include "verify.h"

int main(void)
{
    observe_bool("verr_kcode", verr(SEL_KCODE));        /* execute/read code */
    observe_bool("verr_kdata", verr(SEL_KDATA));
    observe_bool("verr_kdata_rpl3", verr(SEL(GDT_KDATA, 3)));  /* RPL 3 > DPL 0 */
    observe_bool("verr_udata", verr(SEL_UDATA));
    observe_bool("verr_tss", verr(SEL_TSS));            /* system segment */
    kputs("verr: ring 0 may read every code and data segment; RPL 3 may not read DPL 0");
    return 0;
}
