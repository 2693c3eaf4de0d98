/* explain.c - the --explain trace.
 *
 * A container is nothing but an ordinary process on which the runtime made a few
 * dozen system calls before execve(): clone() with CLONE_NEW* flags, writes to
 * files under /proc and /sys/fs/cgroup, mount(), pivot_root(), capset(), prctl(),
 * seccomp().  The best way to see that is to print them.  Every module wraps the
 * calls that matter in explain_sys(), which prints the call and its result and
 * hands the result back untouched, so tracing never changes what the code does.
 */
#define _GNU_SOURCE
#include "explain.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static bool explain_on;

/* Turn the trace on or off. */
void explain_enable(bool on)
{
    explain_on = on;
}

/* Print one step header when tracing. */
void explain_step(const char *fmt, ...)
{
    va_list ap;

    if (!explain_on)
        return;
    va_start(ap, fmt);
    fputs("[box] ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* Print one system call and its result when tracing; returns ret, errno kept. */
long explain_sys(long ret, const char *fmt, ...)
{
    int saved = errno;
    va_list ap;

    if (!explain_on)
        return ret;
    va_start(ap, fmt);
    fputs("[box]     ", stderr);
    vfprintf(stderr, fmt, ap);
    if (ret < 0)
        fprintf(stderr, " = -1 %s (%s)\n", strerrorname_np(saved), strerror(saved));
    else
        fprintf(stderr, " = %ld\n", ret);
    va_end(ap);
    errno = saved;
    return ret;
}

/* Print one error message for the user, tracing or not. */
void explain_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fputs("trapeze-box: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}
