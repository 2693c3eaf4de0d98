/*
 * verw.c - VERW asks "may I write this segment?" at any privilege level.
 *
 * Like VERR, its answer depends on CPL, so it tells a deprivileged kernel that
 * its own data segment is not writable.  Code segments are never writable.
 */
#include "desc.h"
#include "kprintf.h"
#include "observe.h"
#include "verify.h"

int main(void)
{
    observe_bool("verw_kdata", verw(SEL_KDATA));
    observe_bool("verw_kdata_rpl3", verw(SEL(GDT_KDATA, 3)));  /* RPL 3 > DPL 0 */
    observe_bool("verw_udata", verw(SEL_UDATA));
    observe_bool("verw_kcode", verw(SEL_KCODE));        /* code: never writable */
    kputs("verw: ring 0 may write its data segments, never a code segment");
    return 0;
}
