/*
 * lar.c - LAR reads a descriptor's access rights at any privilege level.
 *
 * A ring-1 kernel cannot run on DPL-0 code segments, so a monitor rewrites the
 * guest's descriptors with DPL 1 -- and LAR shows the guest the rewritten DPL.
 * LAR sets ZF when the descriptor is visible from CPL and the selector's RPL
 * (SDM Vol. 2A LAR); the result is masked with 00F0FF00H (bits 19:16 undefined).
 * We also clear the accessed bit (type bit 0): the CPU sets it when a segment
 * register is loaded (SDM Vol. 3A 3.4.5.1), but QEMU does so for data segments
 * only, and the accessed bit is not what this guest is about.
 */
#include "desc.h"
#include "kprintf.h"
#include "observe.h"
#include "x86.h"

#define LAR_DEFINED_BITS 0x00F0FF00u   /* G, D/B, L, AVL; P, DPL, S, type */
#define LAR_ACCESSED     0x00000100u   /* type bit 0 of the access byte */
#define LAR_DPL_SHIFT    13            /* access byte at bit 8, DPL at its bits 6:5 */

/* LAR on selector sel; *ok says whether the CPU allowed it (ZF). */
static uint32_t lar(uint16_t sel, bool *ok)
{
    uint32_t rights = 0;
    uint8_t zf;
    __asm__ volatile("larl %2, %0\n\tsetz %1"
                     : "+r"(rights), "=q"(zf) : "r"((uint32_t)sel) : "cc");
    *ok = zf;
    return rights & LAR_DEFINED_BITS & ~LAR_ACCESSED;
}

int main(void)
{
    bool ok;
    uint32_t kcode = lar(SEL_KCODE, &ok);
    observe_bool("lar_kcode_ok", ok);
    observe_hex32("lar_kcode", kcode);
    observe_uint("kcode_dpl", (kcode >> LAR_DPL_SHIFT) & 3);
    uint32_t kdata = lar(SEL_KDATA, &ok);
    observe_bool("lar_kdata_ok", ok);
    observe_hex32("lar_kdata", kdata);
    lar(SEL(GDT_NULL, 0), &ok);
    observe_bool("lar_null_ok", ok);
    kputs("lar: my code and data descriptors have DPL 0, as I wrote them");
    return 0;
}
