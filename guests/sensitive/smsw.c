/*
 * smsw.c - SMSW stores the low 16 bits of CR0 at any privilege level (SDM SMSW).
 *
 * MOV from CR0 is privileged, so a monitor can show the guest a virtual CR0;
 * SMSW is not, so it shows the real machine status word (PE, MP, EM, TS, ET,
 * NE).  We set CR0.TS ourselves and check that SMSW agrees with what we wrote.
 */
#include "kprintf.h"
#include "observe.h"
#include "x86.h"

/* The machine status word as SMSW reports it. */
static uint16_t smsw(void)
{
    uint32_t v;
    __asm__ volatile("smsw %0" : "=r"(v));
    return (uint16_t)v;
}

int main(void)
{
    uint16_t msw = smsw();
    observe_hex16("msw", msw);
    observe_uint("msw_pe", msw & CR0_PE);
    observe_bool("msw_matches_cr0", msw == (uint16_t)read_cr0());
    write_cr0(read_cr0() | CR0_TS);
    observe_uint("msw_ts_after_set", (smsw() & CR0_TS) ? 1 : 0);
    __asm__ volatile("clts");
    observe_uint("msw_ts_after_clts", (smsw() & CR0_TS) ? 1 : 0);
    kputs("smsw: the machine status word is the low half of the CR0 this kernel wrote");
    return 0;
}
