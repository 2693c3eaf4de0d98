/*
 * kprintf.c - printf for kernel code: format.c with the UART as the sink.
 *
 * Output is written byte by byte as it is formatted; nothing is buffered, so a
 * kernel that dies right after a kprintf has still said what it had to say.
 */
#include "kprintf.h"

#include "format.h"
#include "serial.h"

/* format_sink that writes to COM1. */
static void serial_sink(char c, void *arg)
{
    (void)arg;
    serial_putc(c);
}

int kvprintf(const char *fmt, va_list ap)
{
    return format(serial_sink, 0, fmt, ap);
}

int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvprintf(fmt, ap);
    va_end(ap);
    return n;
}

void kputs(const char *s)
{
    while (*s)
        serial_putc(*s++);
    serial_putc('\n');
}
