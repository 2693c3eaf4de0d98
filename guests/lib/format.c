/*
 * format.c - the small printf every guest uses.
 *
 * Freestanding code has no C library, so we format numbers ourselves: convert
 * to digits least-significant first into a scratch buffer, then emit padding and
 * the digits in reverse.  The sink abstraction lets the kernel write to the UART
 * and a user program write into a buffer it hands to the write() system call.
 */
#include "format.h"

#include <stdbool.h>
#include <stdint.h>

struct spec {
    bool zero_pad;
    int width;
};

struct out {
    format_sink *sink;
    void *arg;
    int count;
};

/* Emit one byte and count it. */
static void emit(struct out *o, char c)
{
    o->sink(c, o->arg);
    o->count++;
}

/* Emit n copies of c (n may be zero or negative). */
static void emit_pad(struct out *o, char c, int n)
{
    while (n-- > 0)
        emit(o, c);
}

/* Emit an unsigned number in base 10 or 16, with sign and padding. */
static void emit_number(struct out *o, uint32_t v, unsigned base, bool negative,
                        struct spec s)
{
    char digits[12];
    int n = 0;
    do {
        digits[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    int len = n + (negative ? 1 : 0);
    if (s.zero_pad) {
        if (negative)
            emit(o, '-');
        emit_pad(o, '0', s.width - len);
    } else {
        emit_pad(o, ' ', s.width - len);
        if (negative)
            emit(o, '-');
    }
    while (n)
        emit(o, digits[--n]);
}

/* Emit a string, right-aligned in the field width. */
static void emit_string(struct out *o, const char *str, struct spec s)
{
    if (!str)
        str = "(null)";
    int len = 0;
    while (str[len])
        len++;
    emit_pad(o, ' ', s.width - len);
    while (*str)
        emit(o, *str++);
}

/* Emit a signed decimal number. */
static void emit_signed(struct out *o, int32_t v, struct spec s)
{
    uint32_t mag = v < 0 ? 0u - (uint32_t)v : (uint32_t)v;
    emit_number(o, mag, 10, v < 0, s);
}

/* Read the flag and width after '%'; returns the first byte after them. */
static const char *parse_spec(const char *fmt, struct spec *s)
{
    s->zero_pad = (*fmt == '0');
    if (s->zero_pad)
        fmt++;
    s->width = 0;
    while (*fmt >= '0' && *fmt <= '9')
        s->width = s->width * 10 + (*fmt++ - '0');
    return fmt;
}

/* Format one conversion; c is the conversion character. */
static void convert(struct out *o, char c, struct spec s, va_list *ap)
{
    switch (c) {
    case 'd': emit_signed(o, va_arg(*ap, int32_t), s); break;
    case 'u': emit_number(o, va_arg(*ap, uint32_t), 10, false, s); break;
    case 'x': emit_number(o, va_arg(*ap, uint32_t), 16, false, s); break;
    case 'c': emit(o, (char)va_arg(*ap, int)); break;
    case 's': emit_string(o, va_arg(*ap, const char *), s); break;
    case 'p':
        emit(o, '0');
        emit(o, 'x');
        emit_number(o, (uint32_t)va_arg(*ap, void *), 16, false,
                    (struct spec){ .zero_pad = true, .width = 8 });
        break;
    default:                       /* %% and unknown conversions print themselves */
        emit(o, c);
        break;
    }
}

int format(format_sink *sink, void *arg, const char *fmt, va_list ap)
{
    struct out o = { sink, arg, 0 };
    va_list args;
    va_copy(args, ap);
    while (*fmt) {
        if (*fmt != '%') {
            emit(&o, *fmt++);
            continue;
        }
        struct spec s;
        fmt = parse_spec(fmt + 1, &s);
        if (!*fmt)
            break;
        convert(&o, *fmt++, s, &args);
    }
    va_end(args);
    return o.count;
}

struct buf_out {
    char *buf;
    int size, len;
};

/* format_sink that fills a buffer, dropping what does not fit. */
static void buf_sink(char c, void *arg)
{
    struct buf_out *b = arg;
    if (b->len < b->size - 1)
        b->buf[b->len++] = c;
}

int format_buf(char *buf, int size, const char *fmt, ...)
{
    struct buf_out b = { buf, size, 0 };
    va_list ap;
    va_start(ap, fmt);
    format(buf_sink, &b, fmt, ap);
    va_end(ap);
    if (size > 0)
        buf[b.len] = '\0';
    return b.len;
}
