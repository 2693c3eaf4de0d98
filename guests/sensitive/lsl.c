/*
 * lsl.c - LSL reads a segment's limit at any privilege level.
 *
 * Monitors that live in the top of the guest's address space (VMware's did)
 * shrink the guest's segment limits to keep it out; LSL reveals the truncated
 * limit.  LSL returns the limit in bytes, already scaled by G (SDM Vol. 2A LSL).
 *
 * The small segment is a new GDT entry, and the kernel reloads GDTR after
 * writing it.  Hardware does not need that (LSL reads the table in memory),
 * but a monitor that copies the GDT only at LGDT (chapter 2's shadow GDT,
 * core/README.md) would otherwise answer from a stale copy, and the row
 * would show that instead of what LSL itself reveals.
 */
#include "desc.h"
#include "kprintf.h"
#include "observe.h"

#define SMALL_LIMIT 0xFFFF             /* a byte-granular 64 KiB segment */

/* LSL on selector sel; *ok says whether the CPU allowed it (ZF). */
static uint32_t lsl(uint16_t sel, bool *ok)
{
    uint32_t limit = 0;
    uint8_t zf;
    __asm__ volatile("lsll %2, %0\n\tsetz %1"
                     : "+r"(limit), "=q"(zf) : "r"((uint32_t)sel) : "cc");
    *ok = zf;
    return limit;
}

/* LGDT of the runtime's own table (desc.h), after an edit. */
static void gdt_reload(void)
{
    struct table_reg r = { sizeof(gdt) - 1, (uint32_t)gdt };
    __asm__ volatile("lgdt %0" : : "m"(r) : "memory");
}

int main(void)
{
    gdt_set(GDT_FIRST_FREE, 0, SMALL_LIMIT, SEG_P | SEG_S | SEG_DATA_RW, SEG_DB);
    gdt_reload();
    bool ok;
    uint32_t kdata = lsl(SEL_KDATA, &ok);
    observe_bool("lsl_kdata_ok", ok);
    observe_hex32("lsl_kdata", kdata);
    uint32_t small = lsl(SEL(GDT_FIRST_FREE, 0), &ok);
    observe_bool("lsl_small_ok", ok);
    observe_hex32("lsl_small", small);
    kputs("lsl: my flat segments reach 4 GiB, the small one 64 KiB");
    return 0;
}
