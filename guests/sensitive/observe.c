/*
 * observe.c - how the sensitive-instruction guests report what they saw.
 *
 * Robin and Irvine showed that seventeen IA-32 instructions read or change
 * privileged state without trapping when run outside ring 0, so a classic
 * trap-and-emulate monitor cannot hide itself (Popek & Goldberg's condition
 * fails).  Each guest executes one of them and prints what it saw as lines a
 * program can compare: chapter 2 runs the same guest bare and deprivileged
 * (kernel in ring 1) and diffs the `observe` lines.
 */
#include "observe.h"

#include "kprintf.h"

void observe_hex32(const char *key, uint32_t v)
{
    kprintf("observe %s 0x%08x\n", key, v);
}

void observe_hex16(const char *key, uint16_t v)
{
    kprintf("observe %s 0x%04x\n", key, v);
}

void observe_uint(const char *key, uint32_t v)
{
    kprintf("observe %s %u\n", key, v);
}

void observe_bool(const char *key, bool v)
{
    kprintf("observe %s %s\n", key, v ? "yes" : "no");
}
