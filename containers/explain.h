/* explain.h - the --explain trace: each step of the runtime and the system calls it made. */
#ifndef TRAPEZE_EXPLAIN_H
#define TRAPEZE_EXPLAIN_H

#include <stdbool.h>

/* Turn the trace on or off (off by default); it goes to stderr. */
void explain_enable(bool on);

/* Print "[box] step: <what>" when tracing; what is a printf format. */
void explain_step(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "[box]   <call> = ret" (with errno's name on failure) when tracing;
 * returns ret unchanged, so a system call can be wrapped where it is made. */
long explain_sys(long ret, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Always print "trapeze-box: <message>" on stderr: what went wrong, for the user. */
void explain_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
