/* diff_check.c - the comparison, and the report a mismatch prints. */

/*
 * The comparison covers what user-level code can observe: the eight
 * general registers, EIP where the case stopped, the exception vector (or
 * none) with its error code and CR2, the status flags and DF, and every byte of the data and stack
 * pages.  Only the status flags the SDM leaves undefined (diff_flags.c) are
 * masked.  A mismatch report is meant to be replayed: it prints the seed and
 * case number (TRAPEZE_DIFF_SEED, TRAPEZE_DIFF_CASE), the code with a
 * mnemonic per line, the initial registers, and both results side by side.
 */
#include "diff_check.h"

#include <stdarg.h>
#include <string.h>

#include "diff_flags.h"

/* The EFLAGS bits compared, SDM Vol. 1 3.4.3: status flags and DF. */
#define COMPARED_FLAGS (DF_STATUS | DF_DF)
/* At most this many differences are spelled out. */
#define LISTED_MAX 12

static const char *const reg_names[8] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };

/* A growing list of differences. */
struct diffs {
    unsigned count;
    char *text;
    size_t len, cap;
};

static void differ(struct diffs *d, const char *fmt, ...)
{
    va_list ap;

    if (d->count++ >= LISTED_MAX || !d->text || d->len + 1 >= d->cap)
        return;
    va_start(ap, fmt);
    int n = vsnprintf(d->text + d->len, d->cap - d->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        d->len = d->len + (size_t)n < d->cap ? d->len + (size_t)n : d->cap - 1;
}

/* SDM Vol. 1 3.4.3: status flag names by bit. */
static void compare_flags(struct diffs *d, uint32_t want, uint32_t got, uint32_t undef)
{
    static const struct { uint32_t bit; const char *name; } flags[] = {
        { DF_CF, "CF" }, { DF_PF, "PF" }, { DF_AF, "AF" }, { DF_ZF, "ZF" },
        { DF_SF, "SF" }, { DF_DF, "DF" }, { DF_OF, "OF" },
    };
    uint32_t x = (want ^ got) & COMPARED_FLAGS & ~undef;

    for (unsigned i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if (x & flags[i].bit)
            differ(d, "  %s: native %u, interpreter %u\n", flags[i].name,
                   !!(want & flags[i].bit), !!(got & flags[i].bit));
}

static void compare_bytes(struct diffs *d, const char *name, uint32_t base,
                          const uint8_t *want, const uint8_t *got, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++)
        if (want[i] != got[i])
            differ(d, "  %s byte at 0x%08x: native 0x%02x, interpreter 0x%02x\n",
                   name, base + i, want[i], got[i]);
}

/* SDM Vol. 3A 6.13 and 6.15: #GP (13) and #PF (14) push an error code; #PF
 * also leaves the faulting linear address in CR2.  Compared when both
 * sides raised the same one of them. */
static void compare_fault(struct diffs *d, const struct diff_state *want,
                          const struct diff_state *got)
{
    enum { GP = 13, PF = 14 };

    if (want->vector != got->vector || (want->vector != GP && want->vector != PF))
        return;
    if (want->error != got->error)
        differ(d, "  error code: native 0x%x, interpreter 0x%x\n", want->error, got->error);
    if (want->vector == PF && want->cr2 != got->cr2)
        differ(d, "  cr2: native 0x%08x, interpreter 0x%08x\n", want->cr2, got->cr2);
}

unsigned diff_compare(const struct diff_state *want, const struct diff_state *got,
                      uint32_t undef, char *text, size_t textlen)
{
    struct diffs d = { .text = text, .cap = textlen };

    if (text && textlen)
        text[0] = '\0';
    if (want->vector != got->vector)
        differ(&d, "  vector: native %d, interpreter %d (-1 = none, -2 = interpreter stuck)\n",
               (int)want->vector, (int)got->vector);
    compare_fault(&d, want, got);
    if (want->eip != got->eip)
        differ(&d, "  eip: native 0x%08x, interpreter 0x%08x\n", want->eip, got->eip);
    for (int i = 0; i < 8; i++)
        if (want->reg[i] != got->reg[i])
            differ(&d, "  %s: native 0x%08x, interpreter 0x%08x\n", reg_names[i],
                   want->reg[i], got->reg[i]);
    compare_flags(&d, want->eflags, got->eflags, undef);
    compare_bytes(&d, "data", DIFF_DATA_ADDR, want->data, got->data, DIFF_DATA_SIZE);
    compare_bytes(&d, "stack", DIFF_STACK_ADDR, want->stack, got->stack, DIFF_PAGE_SIZE);
    if (d.count > LISTED_MAX)
        differ(&d, "  ... %u differences in all\n", d.count);
    return d.count > LISTED_MAX ? d.count - 1 : d.count;
}

uint32_t diff_undef_mask(const struct diff_meta *m, const struct diff_state *native)
{
    return native->vector == DIFF_NO_FAULT ? m->undef : m->undef_any;
}

static void print_regs(FILE *f, const char *label, const struct diff_state *s)
{
    fprintf(f, "  %-12s", label);
    for (int i = 0; i < 8; i++)
        fprintf(f, " %s=%08x", reg_names[i], s->reg[i]);
    fprintf(f, " eflags=%08x eip=%08x vector=%d\n", s->eflags & COMPARED_FLAGS, s->eip,
            (int)s->vector);
}

void diff_report_print(FILE *f, const struct diff_report *r)
{
    fprintf(f, "\nMISMATCH in %s, case %u (seed 0x%llx)\n", r->test, r->index,
            (unsigned long long)r->seed);
    fprintf(f, "  replay: TRAPEZE_DIFF_SEED=0x%llx TRAPEZE_DIFF_CASE=%u ./test-diff --filter 'diff/%s'\n",
            (unsigned long long)r->seed, r->index, r->test);
    fprintf(f, "  code at 0x%08x:\n", DIFF_CODE_ADDR);
    for (const char *p = r->m->desc; *p;) {
        const char *nl = strchr(p, '\n');
        int n = nl ? (int)(nl - p) : (int)strlen(p);
        fprintf(f, "    %.*s\n", n, p);
        p += n + (nl != NULL);
    }
    print_regs(f, "initial:", &r->k->in);
    print_regs(f, "native:", r->native);
    print_regs(f, "interpreter:", r->emu);
    fprintf(f, "  interpreter stopped on: %s\n", r->emu_exit);
    fprintf(f, "  undefined (masked) flags: %03x\n", diff_undef_mask(r->m, r->native));
    fprintf(f, "  differences:\n%s", r->differences);
}
