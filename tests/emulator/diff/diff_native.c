/* diff_native.c - start the 32-bit helper and talk to it over two pipes. */

/*
 * The helper (native32.c) is started once per test and fed one case at a
 * time: write a struct diff_case, read back a struct diff_state.  Lockstep
 * keeps it simple and cannot deadlock, since each side finishes writing
 * before it reads.  The helper greets with DIFF_HELLO first, so a host that
 * cannot execute i386 binaries (no CONFIG_IA32_EMULATION, not x86) shows up
 * as a failed start, which the tests turn into a skip.
 */
#include "diff_native.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* read()/write() all of `len`.  Returns 0, or -1 on error or end of file. */
static int xfer(int fd, void *buf, size_t len, int writing)
{
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = writing ? write(fd, p, len) : read(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* fork and exec `path` with its stdin/stdout on new pipes.  Returns 0 or -1. */
static int spawn(struct diff_native *n, const char *path)
{
    int in[2], out[2];

    if (pipe(in) < 0)
        return -1;
    if (pipe(out) < 0)
        goto err_in;
    n->pid = fork();
    if (n->pid < 0)
        goto err_out;
    if (n->pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[0]), close(in[1]), close(out[0]), close(out[1]);
        execl(path, path, (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    n->to = in[1];
    n->from = out[0];
    return 0;
err_out:
    close(out[0]), close(out[1]);
err_in:
    close(in[0]), close(in[1]);
    return -1;
}

int diff_native_start(struct diff_native *n, const char *path, char *why, size_t whylen)
{
    uint32_t hello = 0;

    *n = (struct diff_native){ .pid = -1, .to = -1, .from = -1 };
#if !defined(__x86_64__) && !defined(__i386__)
    snprintf(why, whylen, "not an x86 host: there is no native IA-32 to compare with");
    return -1;
#endif
    if (!path || !*path) {
        snprintf(why, whylen, "the 32-bit helper was not built (gcc -m32 -static does not link; "
                 "sudo apt-get install gcc-multilib)");
        return -1;
    }
    signal(SIGPIPE, SIG_IGN);   /* a dead helper is an error return, not a kill */
    if (spawn(n, path) < 0 || xfer(n->from, &hello, sizeof hello, 0) < 0 || hello != DIFF_HELLO) {
        snprintf(why, whylen, "the 32-bit helper %s does not run here "
                 "(no 32-bit support in this kernel, or pages at 0x%x unavailable)",
                 path, DIFF_CODE_ADDR);
        diff_native_stop(n);
        return -1;
    }
    return 0;
}

int diff_native_run(struct diff_native *n, const struct diff_case *k, struct diff_state *out)
{
    if (xfer(n->to, (void *)k, sizeof *k, 1) < 0)
        return -1;
    return xfer(n->from, out, sizeof *out, 0);
}

void diff_native_stop(struct diff_native *n)
{
    if (n->to >= 0)
        close(n->to);
    if (n->from >= 0)
        close(n->from);
    if (n->pid > 0)
        waitpid(n->pid, NULL, 0);
    *n = (struct diff_native){ .pid = -1, .to = -1, .from = -1 };
}
