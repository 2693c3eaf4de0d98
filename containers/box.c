/* box.c - orchestration: from a command line to a contained process.
 *
 * A container is made in two processes that take turns:
 *
 *   parent (the runtime, on the host)          child (becomes the box)
 *   ---------------------------------          -----------------------
 *   cgroup: mkdir, write the limits
 *   clone(CLONE_NEWUSER|NEWPID|NEWNS|...) ---> starts in new namespaces, waits
 *   ns hooks: uid/gid maps, veth                    on the "go" pipe
 *   cgroup: write the child's pid
 *   write "go" --------------------------->    ns hooks: cgroupns, hostname,
 *                                              lo up, pivot_root, /proc, /dev
 *                                              rlimits, capabilities, seccomp
 *   wait, forwarding signals        <-----     execve(CMD)    (PID 1 of the box)
 *   report an OOM kill, rmdir the cgroup
 *
 * The child reports a failure before execve() through a second pipe, marked
 * close-on-exec: end of file on it means execve() succeeded.  The namespaces
 * live in small modules (ns_*.c) behind struct ns_ops, listed below in the
 * order their child hooks run; --only turns any of them (and each hardening
 * step) off, so that a class can see what each one does alone.
 */
#define _GNU_SOURCE
#include "box.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "caps.h"
#include "cgroup.h"
#include "explain.h"
#include "ns.h"
#include "ns_mount.h"
#include "ns_pid.h"
#include "rlimits.h"
#include "seccomp_filter.h"

/* In child-hook order: mount last, since it takes the host's files away. */
static const struct ns_ops *const box_namespaces[] = {
    &ns_user_ops, &ns_pid_ops, &ns_ipc_ops, &ns_cgroup_ops, &ns_uts_ops, &ns_net_ops, &ns_mount_ops,
};

/* The hardening steps, by --only name, in the order they run. */
static const struct {
    const char *name;
    unsigned mech;
    int (*apply)(void);
} box_hardening[] = {
    { "rlimits", BOX_RLIMITS, rlimits_apply },
    { "caps", BOX_CAPS, caps_drop },
    { "seccomp", BOX_SECCOMP, seccomp_filter_install },
};

/* What the child sends back when it cannot reach execve(). */
struct box_failure {
    int status;              /* BOX_EXIT_* */
    char message[240];       /* for the user; one write() below PIPE_BUF */
};

/* environ(7) of CMD: a fixed, minimal environment, nothing from the host. */
static char *box_environment[] = {
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "HOME=/root",
    "container=trapeze",     /* the convention systemd uses to detect a container */
    NULL,
};

/* Turn a --only list ("pid,uts") into mechanism bits; 0 or -EINVAL (message printed). */
int box_mech_parse(const char *list, unsigned *mechs)
{
    char copy[256], *save, *word;

    snprintf(copy, sizeof copy, "%s", list);
    *mechs = 0;
    for (word = strtok_r(copy, ",", &save); word; word = strtok_r(NULL, ",", &save)) {
        unsigned bit = 0;
        for (size_t i = 0; i < ARRAY_SIZE(box_namespaces); i++)
            if (strcmp(word, box_namespaces[i]->name) == 0)
                bit = box_namespaces[i]->mech;
        for (size_t i = 0; i < ARRAY_SIZE(box_hardening); i++)
            if (strcmp(word, box_hardening[i].name) == 0)
                bit = box_hardening[i].mech;
        if (!bit) {
            explain_error("--only: unknown mechanism '%s' (known: user,pid,ipc,cgroupns,uts,net,"
                          "mount,rlimits,caps,seccomp)", word);
            return -EINVAL;
        }
        *mechs |= bit;
    }
    return 0;
}

/* In the child: send the failure to the parent and end; never returns. */
static void __attribute__((noreturn, format(printf, 3, 4)))
box_child_fail(int fd, int status, const char *fmt, ...)
{
    struct box_failure f = { .status = status };
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(f.message, sizeof f.message, fmt, ap);
    va_end(ap);
    if (write(fd, &f, sizeof f) < 0)
        _exit(BOX_EXIT_RUNTIME);
    _exit(status);
}

/* In the child: run the namespace hooks, or chroot without a mount namespace. */
static void box_child_namespaces(const struct box_config *cfg, int err_fd)
{
    int rc;

    for (size_t i = 0; i < ARRAY_SIZE(box_namespaces); i++) {
        const struct ns_ops *ns = box_namespaces[i];
        if (!(cfg->mechs & ns->mech) || !ns->child_setup)
            continue;
        rc = ns->child_setup(cfg);
        if (rc < 0)
            box_child_fail(err_fd, BOX_EXIT_RUNTIME, "%s namespace: %s", ns->name, strerror(-rc));
    }
    if (!(cfg->mechs & BOX_MOUNT) && (rc = ns_mount_chroot(cfg->rootfs)) < 0)
        box_child_fail(err_fd, BOX_EXIT_RUNTIME, "chroot %s: %s", cfg->rootfs, strerror(-rc));
}

/* In the child: rlimits, capabilities, seccomp, as enabled. */
static void box_child_harden(const struct box_config *cfg, int err_fd)
{
    int rc;

    for (size_t i = 0; i < ARRAY_SIZE(box_hardening); i++) {
        if (!(cfg->mechs & box_hardening[i].mech))
            continue;
        rc = box_hardening[i].apply();
        if (rc < 0)
            box_child_fail(err_fd, BOX_EXIT_RUNTIME, "%s: %s", box_hardening[i].name, strerror(-rc));
    }
}

/* In the child (or in PID 2 with --init): execve CMD; never returns. */
static void box_child_exec(const struct box_config *cfg, int err_fd)
{
    extern char **environ;

    environ = box_environment;
    explain_step("exec: %s", cfg->argv[0]);
    execvp(cfg->argv[0], cfg->argv);
    if (errno == ENOENT)
        box_child_fail(err_fd, BOX_EXIT_NOTFOUND, "%s: command not found in the rootfs", cfg->argv[0]);
    box_child_fail(err_fd, BOX_EXIT_NOEXEC, "%s: cannot execute: %s", cfg->argv[0], strerror(errno));
}

/* The child, from clone() to execve(); never returns. */
static void box_child(const struct box_config *cfg, int go_fd, int err_fd)
{
    char go;
    pid_t cmd;
    int rc;

    /* if the runtime dies, so does the box (prctl(2) PR_SET_PDEATHSIG) */
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (read(go_fd, &go, 1) != 1)
        _exit(BOX_EXIT_RUNTIME);       /* the parent gave up; it says why */
    close(go_fd);
    rc = ns_pid_forward_reset();
    if (rc < 0)
        box_child_fail(err_fd, BOX_EXIT_RUNTIME, "signals: %s", strerror(-rc));
    box_child_namespaces(cfg, err_fd);
    box_child_harden(cfg, err_fd);
    if (!cfg->init)
        box_child_exec(cfg, err_fd);
    explain_step("init: PID 1 reaps and forwards, CMD becomes PID 2");
    cmd = fork();
    if (cmd == 0)
        box_child_exec(cfg, err_fd);
    if (cmd < 0)
        box_child_fail(err_fd, BOX_EXIT_RUNTIME, "fork: %s", strerror(errno));
    close(err_fd);
    _exit(ns_pid_init(cmd) & 0xff);
}

/* The clone() flags of the enabled namespaces. */
static int box_clone_flags(unsigned mechs)
{
    int flags = 0;

    for (size_t i = 0; i < ARRAY_SIZE(box_namespaces); i++)
        if (mechs & box_namespaces[i]->mech)
            flags |= box_namespaces[i]->clone_flag;
    return flags;
}

/* --explain: the clone() call, its flags by namespace name. */
static void box_explain_clone(unsigned mechs, pid_t child)
{
    char names[128] = "";

    for (size_t i = 0; i < ARRAY_SIZE(box_namespaces); i++)
        if ((mechs & box_namespaces[i]->mech) && box_namespaces[i]->clone_flag) {
            strncat(names, box_namespaces[i]->name, sizeof names - strlen(names) - 2);
            strcat(names, " ");
        }
    explain_step("clone: a child in new namespaces: %s", names);
    explain_sys(child, "clone(%#x /* CLONE_NEW* */ | SIGCHLD)", box_clone_flags(mechs));
}

/* Explain a failed clone() for the user. */
static void box_clone_complain(int err, unsigned mechs)
{
    if (err == EPERM && geteuid() != 0 && !(mechs & BOX_USER))
        explain_error("missing privileges: new namespaces need root, or a user namespace "
                      "(leave 'user' in --only)");
    else if (err == EPERM || err == ENOSPC || err == EUSERS)
        explain_error("unsupported kernel feature or missing privileges: clone() of the namespaces "
                      "failed (%s); are unprivileged user namespaces disabled "
                      "(sysctl kernel.unprivileged_userns_clone, user.max_user_namespaces)?",
                      strerror(err));
    else
        explain_error("clone() of the namespaces: %s", strerror(err));
}

/* Parent side after clone(): ns hooks, cgroup attach; 0 or -errno (message printed). */
static int box_parent_setup(const struct box_config *cfg, struct cgroup *cg, pid_t child)
{
    int rc;

    for (size_t i = 0; i < ARRAY_SIZE(box_namespaces); i++) {
        const struct ns_ops *ns = box_namespaces[i];
        if (!(cfg->mechs & ns->mech) || !ns->parent_setup)
            continue;
        rc = ns->parent_setup(cfg, child);
        if (rc < 0) {
            explain_error("%s namespace: %s", ns->name, strerror(-rc));
            return rc;
        }
    }
    rc = cgroup_attach(cg, child);
    if (rc < 0)
        explain_error("cgroup: cannot move the box into %s: %s", cg->name, strerror(-rc));
    return rc;
}

/* Parent: let the child go, then read its failure if any; returns the
 * failure's status, or 0 when CMD was executed. */
static int box_parent_release(int go_fd, int err_fd)
{
    struct box_failure f;
    ssize_t n;

    n = write(go_fd, "g", 1);
    close(go_fd);
    if (n != 1)
        return BOX_EXIT_RUNTIME;
    while ((n = read(err_fd, &f, sizeof f)) < 0 && errno == EINTR)
        ;
    if (n == 0)
        return 0;
    if (n != (ssize_t)sizeof f)
        return BOX_EXIT_RUNTIME;
    explain_error("%s", f.message);
    return f.status;
}

/* Parent: wait for the box, report an OOM kill; CMD's status. */
static int box_parent_wait(const struct box_config *cfg, struct cgroup *cg, pid_t child)
{
    int status = ns_pid_wait(child);

    explain_step("exit: the box ended with status %d", status);
    if (status < 0)
        return BOX_EXIT_RUNTIME;
    if (cgroup_oom_killed(cg))
        explain_error("the container was killed by the OOM killer: it went over its memory "
                      "limit of %llu bytes", (unsigned long long)cfg->limits.memory_bytes);
    return status;
}

/* Parent: from clone() to the end of the box; its status. */
static int box_parent(const struct box_config *cfg, struct cgroup *cg, int fds[4])
{
    int rc, go_fd = fds[1], err_fd = fds[2];
    pid_t child;

    /* the raw system call: like fork(), new namespaces, no new stack needed */
    child = (pid_t)syscall(SYS_clone, box_clone_flags(cfg->mechs) | SIGCHLD, 0, 0, 0, 0);
    if (child == 0) {
        close(fds[1]);
        close(fds[2]);
        box_child(cfg, fds[0], fds[3]);
    }
    close(fds[0]);
    close(fds[3]);
    box_explain_clone(cfg->mechs, child);
    if (child < 0) {
        box_clone_complain(errno, cfg->mechs);
        close(go_fd);
        close(err_fd);
        return BOX_EXIT_RUNTIME;
    }
    ns_pid_forward_to(child);
    rc = box_parent_setup(cfg, cg, child);
    if (rc == 0)
        rc = box_parent_release(go_fd, err_fd);
    else
        close(go_fd);              /* the child reads end of file and leaves */
    close(err_fd);
    if (rc != 0) {
        ns_pid_wait(child);
        return rc < 0 ? BOX_EXIT_RUNTIME : rc;
    }
    return box_parent_wait(cfg, cg, child);
}

/* Check the rootfs exists and is a directory, and make it absolute into out;
 * 0 or -errno (message printed). */
static int box_check_rootfs(const char *rootfs, char *out)
{
    struct stat st;

    if (!realpath(rootfs, out) || stat(out, &st) < 0) {
        explain_error("rootfs '%s': %s (build one with the box_rootfs target)", rootfs, strerror(errno));
        return -ENOENT;
    }
    if (!S_ISDIR(st.st_mode)) {
        explain_error("rootfs '%s' is not a directory", rootfs);
        return -ENOTDIR;
    }
    return 0;
}

/* The go pipe (fds[0] read, fds[1] write) and the failure pipe (fds[2] read,
 * fds[3] write), close-on-exec; 0 or -errno (message printed). */
static int box_pipes(int fds[4])
{
    if (pipe2(fds, O_CLOEXEC) < 0)
        goto err;
    if (pipe2(fds + 2, O_CLOEXEC) == 0)
        return 0;
    close(fds[0]);
    close(fds[1]);
err:
    explain_error("pipe: %s", strerror(errno));
    return -errno;
}

/* Run cfg in a box; CMD's status or BOX_EXIT_*. */
int box_run(const struct box_config *cfg)
{
    struct box_config abs = *cfg;
    char rootfs[PATH_MAX];
    struct cgroup cg;
    sigset_t fwd, old;
    int fds[4], status;

    if (box_check_rootfs(cfg->rootfs, rootfs) < 0)
        return BOX_EXIT_RUNTIME;
    abs.rootfs = rootfs;
    /* no signal may end the runtime between cgroup creation and its removal */
    sigprocmask(SIG_BLOCK, ns_pid_forwarded(&fwd), &old);
    if (cgroup_create(&cg, &cfg->limits) < 0)
        status = BOX_EXIT_RUNTIME;
    else if (box_pipes(fds) < 0)
        status = BOX_EXIT_RUNTIME;
    else
        status = box_parent(&abs, &cg, fds);
    if (cgroup_destroy(&cg) < 0)
        explain_error("warning: could not remove cgroup %s", cg.name);
    ns_pid_forward_to(0);      /* the box is gone: nothing to forward to */
    sigprocmask(SIG_SETMASK, &old, NULL);
    return status;
}
