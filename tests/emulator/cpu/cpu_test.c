/* cpu_test.c - the shared setup and helpers of cpu_test.h. */

#include <stdio.h>
#include <string.h>

#include "cpu_test.h"

struct fixture *f;
struct cpu *c;

void cpu_test_setup(void)
{
    f = fix_new();
    c = &f->cpu;
    c->intercept_ring0 = true;
}

void cpu_test_teardown(void)
{
    fix_free(f);
}

enum cpu_exit run_bytes(const uint8_t *code, size_t len)
{
    fix_code(f, code, len);
    return fix_run_to_hlt(f);
}

uint32_t arith_flags(void)
{
    return cpu_get_eflags(c) & FLAGS_ARITH;
}

const char *flag_names(uint32_t flags)
{
    static char buf[32];
    static const struct { uint32_t bit; const char *name; } names[] = {
        { FLAG_CF, "CF " }, { FLAG_PF, "PF " }, { FLAG_AF, "AF " },
        { FLAG_ZF, "ZF " }, { FLAG_SF, "SF " }, { FLAG_OF, "OF " },
    };
    buf[0] = 0;
    for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
        if (flags & names[k].bit)
            strcat(buf, names[k].name);
    return buf;
}
