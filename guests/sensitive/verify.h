/* verify.h - VERR and VERW as C functions (shared by verr.c and verw.c). */
#ifndef GUEST_VERIFY_H
#define GUEST_VERIFY_H

#include <stdbool.h>
#include <stdint.h>

/* SDM Vol. 2B VERR/VERW: ZF = 1 when the segment is readable (writable) from
   max(CPL, RPL); neither instruction ever faults on a bad selector. */
static inline bool verr(uint16_t sel)
{
    uint8_t zf;
    __asm__ volatile("verr %w1\n\tsetz %0" : "=q"(zf) : "r"((uint32_t)sel) : "cc");
    return zf;
}

static inline bool verw(uint16_t sel)
{
    uint8_t zf;
    __asm__ volatile("verw %w1\n\tsetz %0" : "=q"(zf) : "r"((uint32_t)sel) : "cc");
    return zf;
}

#endif
