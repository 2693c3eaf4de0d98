/* ns_pid.c - the PID namespace.
 *
 * With CLONE_NEWPID the child is process 1 of a new numbering: getpid() returns 1
 * inside, its real pid outside, and a /proc mounted inside (ns_mount.c) lists
 * only the box's processes (pid_namespaces(7)).  Process 1 of a namespace plays
 * init for it, with two duties and one privilege:
 *   - orphans are re-parented to it: it must wait() for them, or zombies pile up;
 *   - when it dies, the kernel SIGKILLs every other process of the namespace;
 *   - it only receives the signals for which it installed a handler (SIGKILL
 *     and SIGSTOP excepted when they come from an ancestor namespace), so a
 *     plain `sleep` as PID 1 ignores SIGTERM.
 * By default CMD itself is PID 1, as in docker.  With --init a tiny init from
 * this file is PID 1: it forwards SIGTERM/SIGINT/SIGHUP/SIGQUIT to CMD (PID 2),
 * which then gets the default action, and reaps every zombie.
 *
 * The runtime outside does the same forwarding to the box's PID 1, so that a
 * signal sent to `trapeze-box` reaches the contained program.
 */
#define _GNU_SOURCE
#include "ns_pid.h"
#include "ns.h"

#include <errno.h>
#include <sched.h>
#include <sys/wait.h>

#include "explain.h"

/* Who forwarded signals go to; written before the handlers are installed. */
static volatile pid_t ns_pid_target;

/* signal(7): the signals that ask a program to end, as a terminal or a
 * supervisor sends them. */
sigset_t *ns_pid_forwarded(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGHUP);
    sigaddset(set, SIGQUIT);
    return set;
}

/* Signal handler: pass sig on (kill() is async-signal-safe). */
static void ns_pid_relay(int sig)
{
    if (ns_pid_target > 0)
        kill(ns_pid_target, sig);
}

/* Install handler h for every forwarded signal and unblock them; 0 or -errno. */
static int ns_pid_set_handlers(void (*h)(int))
{
    struct sigaction sa = { .sa_handler = h, .sa_flags = SA_RESTART };
    sigset_t set;

    ns_pid_forwarded(&set);
    sigemptyset(&sa.sa_mask);
    for (int sig = 1; sig < NSIG; sig++)
        if (sigismember(&set, sig) == 1 && sigaction(sig, &sa, NULL) < 0)
            return -errno;
    if (sigprocmask(SIG_UNBLOCK, &set, NULL) < 0)
        return -errno;
    return 0;
}

/* Forward the signals to target from now on; 0 or -errno. */
int ns_pid_forward_to(pid_t target)
{
    ns_pid_target = target;
    return ns_pid_set_handlers(ns_pid_relay);
}

/* Default action for the forwarded signals, unblocked; 0 or -errno. */
int ns_pid_forward_reset(void)
{
    ns_pid_target = 0;
    return ns_pid_set_handlers(SIG_DFL);
}

/* wait(2) status -> shell status: exit code, or 128 + signal number. */
static int ns_pid_status_code(int status)
{
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

/* Wait for child; its shell status, or -errno. */
int ns_pid_wait(pid_t child)
{
    int status;

    while (waitpid(child, &status, 0) < 0)
        if (errno != EINTR)
            return -errno;
    return ns_pid_status_code(status);
}

/* PID 1 with --init: reap all, forward to cmd, return cmd's shell status. */
int ns_pid_init(pid_t cmd)
{
    int status, rc;
    pid_t pid;

    rc = ns_pid_forward_to(cmd);
    if (rc < 0)
        return rc;
    for (;;) {
        pid = wait(&status);
        if (pid == cmd)
            return ns_pid_status_code(status);
        if (pid < 0 && errno != EINTR)
            return -errno;
        /* any other pid: an orphan's zombie, now reaped */
    }
}

const struct ns_ops ns_pid_ops = {
    .name = "pid",
    .mech = BOX_PID,
    .clone_flag = CLONE_NEWPID,
};
