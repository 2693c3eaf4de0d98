/* diff_native.h - the 32-bit helper process, seen from the test. */
#ifndef TRAPEZE_DIFF_NATIVE_H
#define TRAPEZE_DIFF_NATIVE_H

#include <sys/types.h>

#include "diff_wire.h"

/* A running helper and the pipes to it. */
struct diff_native {
    pid_t pid;
    int to;                     /* its stdin */
    int from;                   /* its stdout */
};

/* Start the helper at `path` and wait for its hello.  Returns 0, or -1 (with
 * a reason in `why`) when it cannot run here: not built, not an x86 host,
 * no 32-bit support in the kernel. */
int diff_native_start(struct diff_native *n, const char *path, char *why, size_t whylen);

/* Run one case natively.  Returns 0, or -1 if the helper died. */
int diff_native_run(struct diff_native *n, const struct diff_case *k, struct diff_state *out);

/* Close the pipes and reap the helper. */
void diff_native_stop(struct diff_native *n);

#endif
