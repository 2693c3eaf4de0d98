/*
 * ulib.c - the user-space side of acrobat: entry point, system call stubs, printf.
 *
 * A system call is an INT 0x80 with the number in EAX and arguments in EBX, ECX
 * and EDX.  The CPU switches to the ring-0 stack named in the TSS, the kernel
 * runs, and IRET brings us back with the result in EAX.  printf collects a line
 * in a buffer and hands it to write() when the line is complete, so each line
 * costs one system call.
 */
#include "ulib.h"

#include <stdarg.h>

#include "format.h"
#include "syscall_nr.h"

#define LINE_BYTES 128

/* INT 0x80 with up to three arguments. */
static int32_t syscall3(uint32_t nr, uint32_t a, uint32_t b, uint32_t c)
{
    int32_t ret;
    __asm__ volatile("int %1"
                     : "=a"(ret)
                     : "i"(SYSCALL_VECTOR), "a"(nr), "b"(a), "c"(b), "d"(c)
                     : "memory");
    return ret;
}

/* The first instruction of every program: run main, exit with its status. */
__attribute__((section(".text.start"), noreturn)) void _start(void);
void _start(void)
{
    exit(main());
}

int write(int fd, const void *buf, uint32_t len)
{
    return syscall3(SYS_WRITE, (uint32_t)fd, (uint32_t)buf, len);
}

int getpid(void)
{
    return syscall3(SYS_GETPID, 0, 0, 0);
}

int yield(void)
{
    return syscall3(SYS_YIELD, 0, 0, 0);
}

int sleep(uint32_t ticks)
{
    return syscall3(SYS_SLEEP, ticks, 0, 0);
}

void exit(int status)
{
    syscall3(SYS_EXIT, (uint32_t)status, 0, 0);
    for (;;)
        ;                          /* not reached */
}

void *sbrk(int32_t increment)
{
    return (void *)syscall3(SYS_SBRK, (uint32_t)increment, 0, 0);
}

struct line {
    char buf[LINE_BYTES];
    uint32_t len;
};

/* format_sink: collect bytes, write out a full line or a full buffer. */
static void line_sink(char c, void *arg)
{
    struct line *l = arg;
    l->buf[l->len++] = c;
    if (c == '\n' || l->len == LINE_BYTES) {
        write(1, l->buf, l->len);
        l->len = 0;
    }
}

int printf(const char *fmt, ...)
{
    struct line l = { .len = 0 };
    va_list ap;
    va_start(ap, fmt);
    int n = format(line_sink, &l, fmt, ap);
    va_end(ap);
    if (l.len)
        write(1, l.buf, l.len);
    return n;
}
