/* runner.c - start trapeze-box from a test, with pipes on stdin, stdout, stderr
 * and a deadline, so that no test can hang or leave a box behind: on timeout
 * the runtime gets SIGTERM (which it forwards) and then SIGKILL (which its
 * box follows, through PR_SET_PDEATHSIG). */
#define _GNU_SOURCE
#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RUNNER_KILL_GRACE_MS 2000

/* Milliseconds of CLOCK_MONOTONIC, for deadlines only. */
static long long runner_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int runner_spawn(struct box_proc *p, const char *const *args)
{
    const char *argv[64] = { TRAPEZE_BOX, "run" };
    int in[2], out[2], err[2];
    size_t n = 2;

    memset(p, 0, sizeof *p);
    for (; *args && n < 63; args++)
        argv[n++] = *args;
    if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC))
        return -errno;
    p->pid = fork();
    if (p->pid == 0) {
        /* if the test process dies (a Criterion timeout), the runtime gets
         * SIGTERM, forwards it to the box and still removes its cgroup */
        prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        execv(TRAPEZE_BOX, (char *const *)argv);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    close(err[1]);
    p->in_fd = in[1];
    p->out_fd = out[0];
    p->err_fd = err[0];
    signal(SIGPIPE, SIG_IGN);
    return p->pid < 0 ? -errno : 0;
}

/* Read what is available on fd into buf; false at end of file. */
static bool runner_drain(int *fd, char *buf, size_t *len)
{
    ssize_t n = read(*fd, buf + *len, RUNNER_OUT_MAX - 1 - *len);

    if (n <= 0) {
        close(*fd);
        *fd = -1;
        return false;
    }
    *len += (size_t)n;
    buf[*len] = '\0';
    return true;
}

/* Wait up to ms for output on stdout/stderr and read it; false if none is left. */
static bool runner_poll(struct box_proc *p, int ms)
{
    struct pollfd fds[2] = { { .fd = p->out_fd, .events = POLLIN }, { .fd = p->err_fd, .events = POLLIN } };

    if (p->out_fd < 0 && p->err_fd < 0)
        return false;
    if (poll(fds, 2, ms < 0 ? 0 : ms) <= 0)
        return true;
    if (fds[0].revents)
        runner_drain(&p->out_fd, p->out, &p->out_len);
    if (fds[1].revents)
        runner_drain(&p->err_fd, p->err, &p->err_len);
    return true;
}

bool runner_wait_output(struct box_proc *p, const char *needle, int timeout_ms)
{
    long long end = runner_now_ms() + timeout_ms;

    while (!strstr(p->out, needle) && runner_now_ms() < end)
        if (!runner_poll(p, (int)(end - runner_now_ms())))
            break;
    return strstr(p->out, needle) != NULL;
}

void runner_close_stdin(struct box_proc *p)
{
    if (p->in_fd >= 0)
        close(p->in_fd);
    p->in_fd = -1;
}

int runner_finish(struct box_proc *p, int timeout_ms)
{
    long long end = runner_now_ms() + timeout_ms;
    int status = 0, sig = SIGTERM;
    bool reaped = false, timed_out = false;

    runner_close_stdin(p);
    while (!reaped || p->out_fd >= 0 || p->err_fd >= 0) {
        if (!reaped && waitpid(p->pid, &status, WNOHANG) == p->pid)
            reaped = true;
        if (runner_now_ms() >= end) {
            if (reaped)
                break;         /* something else holds the pipes: stop reading */
            timed_out = true;
            kill(p->pid, sig);
            sig = SIGKILL;
            end = runner_now_ms() + RUNNER_KILL_GRACE_MS;
        }
        runner_poll(p, 10);
    }
    if (p->out_fd >= 0)
        close(p->out_fd);
    if (p->err_fd >= 0)
        close(p->err_fd);
    p->status = timed_out ? -1 : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
    return p->status;
}

int runner_run(struct box_proc *p, const char *input, int timeout_ms, const char *const *args)
{
    if (runner_spawn(p, args) < 0)
        return -1;
    if (input && write(p->in_fd, input, strlen(input)) < 0)
        runner_close_stdin(p);
    return runner_finish(p, timeout_ms);
}
