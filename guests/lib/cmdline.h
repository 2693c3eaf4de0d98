/* cmdline.h - read key=value options from the kernel command line (e.g. iters=1000). */
#ifndef GUEST_CMDLINE_H
#define GUEST_CMDLINE_H

#include <stdint.h>

/* Remember the command line (a NUL-terminated string, or 0 when there is none). */
void cmdline_set(const char *cmdline);

/* Value of decimal option key=N, or def when the option is absent or malformed. */
uint32_t cmdline_uint(const char *key, uint32_t def);

#endif
