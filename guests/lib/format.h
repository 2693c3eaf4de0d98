/* format.h - printf-style formatting into any byte sink (kernel and user code share it). */
#ifndef GUEST_FORMAT_H
#define GUEST_FORMAT_H

#include <stdarg.h>

/* A sink receives the formatted bytes one at a time. */
typedef void format_sink(char c, void *arg);

/*
 * Format fmt with ap into sink.  Supports %d %u %x %s %c %p %%, an optional
 * '0' flag and a field width (e.g. %08x, %5d).  %p prints 0x and 8 hex digits.
 * Returns the number of bytes produced.
 */
int format(format_sink *sink, void *arg, const char *fmt, va_list ap);

/* Format into buf (at most size - 1 bytes and a NUL).  Returns the length written. */
int format_buf(char *buf, int size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
