/*
 * cmdline.c - the kernel command line as a tiny option parser.
 *
 * `qemu-system-i386 -kernel k.elf -append "iters=100"` (and `trapeze run k.elf
 * -- iters=100`) pass a command line through the Multiboot information.  QEMU
 * puts the kernel's file name first, so we never print the line: we only look
 * for space-separated words of the form key=value.
 */
#include "cmdline.h"

#include <stdbool.h>

#include "string.h"

static const char *cmdline;

void cmdline_set(const char *line)
{
    cmdline = line;
}

/* Parse the decimal number at s (up to a space or NUL) into *v; returns success. */
static bool parse_uint(const char *s, uint32_t *v)
{
    uint32_t n = 0;
    if (*s == ' ' || !*s)
        return false;
    for (; *s && *s != ' '; s++) {
        if (*s < '0' || *s > '9')
            return false;
        n = n * 10 + (uint32_t)(*s - '0');
    }
    *v = n;
    return true;
}

uint32_t cmdline_uint(const char *key, uint32_t def)
{
    size_t klen = strlen(key);
    const char *w = cmdline;
    while (w && *w) {
        while (*w == ' ')
            w++;
        uint32_t v;
        if (!strncmp(w, key, klen) && w[klen] == '=' && parse_uint(w + klen + 1, &v))
            return v;
        while (*w && *w != ' ')
            w++;
    }
    return def;
}
