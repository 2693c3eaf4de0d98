/* kprintf.h - formatted output to the serial console, for kernel code. */
#ifndef GUEST_KPRINTF_H
#define GUEST_KPRINTF_H

#include <stdarg.h>

/* Print to COM1 (see format.h for the conversions).  Returns bytes printed. */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* kprintf with a va_list. */
int kvprintf(const char *fmt, va_list ap);

/* Print a string and a newline. */
void kputs(const char *s);

#endif
