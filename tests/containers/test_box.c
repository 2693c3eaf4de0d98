/* test_box.c - trapeze-box, one mechanism at a time, checked from inside.
 *
 * Each test starts the real runtime on the busybox rootfs and looks at the box
 * with busybox applets or /bin/probe (probe.c).  Expected values come from the
 * man pages (capability numbers, errno values, PID 1) and from the host, never
 * from the runtime itself.  A mechanism the machine forbids (not root, no user
 * namespaces, no cgroup controller) makes its test skip with the reason.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sched.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "box.h"
#include "cgroup.h"
#include "runner.h"

#define R BOX_ROOTFS

/* The mechanisms but the cgroup namespace, so /proc/self/cgroup shows host paths. */
#define ALL_BUT_CGROUPNS "user,pid,ipc,uts,net,mount,rlimits,caps,seccomp"

/* Skip when the box could not be made for lack of privilege or kernel support. */
static void skip_if_forbidden(const struct box_proc *p)
{
    if (p->status == BOX_EXIT_RUNTIME &&
        (strstr(p->err, "missing privileges") || strstr(p->err, "unsupported kernel feature")))
        cr_skip_test("this machine forbids it: %s", p->err);
}

/* Cgroup limits need root (or a delegated cgroup this suite does not set up). */
static void need_root(void)
{
    if (geteuid() != 0)
        cr_skip_test("cgroup limits need root; run the tests as root");
}

/* An --only list for mechanisms alone: as root the list itself; otherwise with
 * "user," in front, since without root no other namespace can be made. */
static const char *alone(const char *list)
{
    static char buf[128];

    if (geteuid() == 0)
        return list;
    snprintf(buf, sizeof buf, "user,%s", list);
    return buf;
}

/* Count the lines of text equal to line. */
static int count_lines(const char *text, const char *line)
{
    size_t n = strlen(line);
    int count = 0;

    for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        if (strncmp(p, line, n) == 0 && (p[n] == '\n' || p[n] == '\0'))
            count++;
    return count;
}

/* Count the all-digit lines of text (pids in a listing of /proc). */
static int count_numeric_lines(const char *text)
{
    int count = 0;

    for (const char *p = text; *p;) {
        size_t len = strcspn(p, "\n"), digits = strspn(p, "0123456789");
        count += len > 0 && digits == len;
        p += len + (p[len] == '\n');
    }
    return count;
}

/* ---------------------------------------------------------------- exit & stdio */

Test(box, exit_code_of_cmd_propagates, .timeout = 30)
{
    struct box_proc p;

    BOX_RUN(&p, R, "--", "sh", "-c", "exit 42");
    skip_if_forbidden(&p);
    cr_assert_eq(p.status, 42, "exit 42 inside: expected status 42, got %d (%s)", p.status, p.err);
    BOX_RUN(&p, R, "--", "probe", "crash");
    cr_assert_eq(p.status, 128 + SIGSEGV, "SIGSEGV inside: expected 128+%d, got %d", SIGSEGV, p.status);
}

Test(box, stdio_passes_through, .timeout = 30)
{
    struct box_proc p;

    runner_run(&p, "from the host\n", 20000,
               (const char *const[]){ R, "--", "sh", "-c", "read line; echo \"got $line\"; echo oops >&2", NULL });
    skip_if_forbidden(&p);
    cr_assert_eq(p.status, 0, "expected 0, got %d (%s)", p.status, p.err);
    cr_assert_str_eq(p.out, "got from the host\n", "stdin to stdout: got '%s'", p.out);
    cr_assert_str_eq(p.err, "oops\n", "stderr: got '%s'", p.err);
}

Test(box, clear_errors, .timeout = 30)
{
    struct box_proc p;

    BOX_RUN(&p, "/nonexistent-rootfs", "--", "true");
    cr_assert_eq(p.status, BOX_EXIT_RUNTIME, "missing rootfs: expected 125, got %d", p.status);
    cr_assert(strstr(p.err, "rootfs '/nonexistent-rootfs'"), "missing rootfs message: '%s'", p.err);
    BOX_RUN(&p, "--memory", "12X", R, "--", "true");
    cr_assert_eq(p.status, BOX_EXIT_RUNTIME, "bad --memory: expected 125, got %d", p.status);
    cr_assert(strstr(p.err, "bad limit"), "bad --memory message: '%s'", p.err);
    BOX_RUN(&p, "--pids", "0", R, "--", "true");
    cr_assert(strstr(p.err, "bad limit"), "--pids 0 message: '%s'", p.err);
    BOX_RUN(&p, "--cpus", "0", R, "--", "true");
    cr_assert(strstr(p.err, "bad limit"), "--cpus 0 message: '%s'", p.err);
    BOX_RUN(&p, "--only", "pid,warp", R, "--", "true");
    cr_assert(strstr(p.err, "unknown mechanism 'warp'"), "bad --only message: '%s'", p.err);
    BOX_RUN(&p, R, "--", "no-such-command");
    skip_if_forbidden(&p);
    cr_assert_eq(p.status, BOX_EXIT_NOTFOUND, "missing CMD: expected 127, got %d", p.status);
    cr_assert(strstr(p.err, "not found"), "missing CMD message: '%s'", p.err);
}

Test(box, explain_prints_the_system_calls, .timeout = 30)
{
    struct box_proc p;

    BOX_RUN(&p, "--explain", "--hostname", "traced", R, "--", "true");
    skip_if_forbidden(&p);
    cr_assert_eq(p.status, 0, "expected 0, got %d (%s)", p.status, p.err);
    cr_assert(strstr(p.err, "sethostname(\"traced\") = 0"), "no sethostname in the trace:\n%s", p.err);
    cr_assert(strstr(p.err, "pivot_root(\".\", \".\") = 0"), "no pivot_root in the trace:\n%s", p.err);
    cr_assert(strstr(p.err, "prctl(PR_SET_NO_NEW_PRIVS, 1) = 0"), "no no_new_privs in the trace:\n%s", p.err);
}

/* ---------------------------------------------------------------- uts */

Test(uts, hostname_is_isolated, .timeout = 30)
{
    char before[256], after[256];
    struct box_proc p;

    gethostname(before, sizeof before);
    BOX_RUN(&p, "--hostname", "inner-name", R, "--", "hostname");
    skip_if_forbidden(&p);
    gethostname(after, sizeof after);
    cr_assert_str_eq(p.out, "inner-name\n", "hostname inside: expected inner-name, got '%s' (%s)", p.out, p.err);
    cr_assert_str_eq(after, before, "host hostname changed from '%s' to '%s'", before, after);
}

/* ---------------------------------------------------------------- pid */

Test(pid, cmd_is_pid_1, .timeout = 30)
{
    struct box_proc p;

    BOX_RUN(&p, R, "--", "sh", "-c", "echo $$");
    skip_if_forbidden(&p);
    cr_assert_str_eq(p.out, "1\n", "pid of CMD: expected 1, got '%s' (%s)", p.out, p.err);
}

Test(pid, host_processes_are_invisible, .timeout = 30)
{
    struct box_proc p;

    BOX_RUN(&p, R, "--", "ls", "/proc");
    skip_if_forbidden(&p);
    cr_assert_eq(count_numeric_lines(p.out), 1, "expected one process in /proc (ls itself), got:\n%s", p.out);
    cr_assert_eq(count_lines(p.out, "1"), 1, "expected /proc/1 to be ls itself:\n%s", p.out);
}

Test(pid, init_reaps_orphans, .timeout = 30)
{
    struct box_proc p;

    BOX_RUN(&p, "--init", R, "--", "probe", "zombies");
    skip_if_forbidden(&p);
    cr_assert_str_eq(p.out, "zombies 0\n", "with --init: expected no zombie, got '%s'", p.out);
    /* without --init, probe is PID 1, inherits the orphan and never waits for it */
    BOX_RUN(&p, R, "--", "probe", "zombies");
    cr_assert_str_eq(p.out, "zombies 1\n", "without --init: expected 1 zombie, got '%s'", p.out);
}

Test(pid, sigterm_reaches_pid1_with_a_handler, .timeout = 30)
{
    struct box_proc p;

    runner_spawn(&p, (const char *const[]){ R, "--", "probe", "trap", NULL });
    if (!runner_wait_output(&p, "ready\n", 10000)) {
        runner_finish(&p, 5000);
        skip_if_forbidden(&p);
        cr_assert_fail("probe trap never said ready: %s", p.err);
    }
    kill(p.pid, SIGTERM);
    runner_finish(&p, 10000);
    cr_assert_eq(p.status, 42, "SIGTERM forwarded to the handler: expected 42, got %d", p.status);
    cr_assert(strstr(p.out, "got SIGTERM"), "probe output: '%s'", p.out);
}

/* --init forwards SIGTERM and SIGINT to CMD, which takes the default action. */
static void check_init_forwards(int sig)
{
    struct box_proc p;

    runner_spawn(&p, (const char *const[]){ "--init", R, "--", "sh", "-c", "echo ready; exec sleep 100", NULL });
    if (!runner_wait_output(&p, "ready\n", 10000)) {
        runner_finish(&p, 5000);
        skip_if_forbidden(&p);
        cr_assert_fail("the box never said ready: %s", p.err);
    }
    kill(p.pid, sig);
    runner_finish(&p, 10000);
    cr_assert_eq(p.status, 128 + sig, "signal %d through --init: expected %d, got %d", sig, 128 + sig, p.status);
}

Test(pid, init_forwards_sigterm, .timeout = 30)
{
    check_init_forwards(SIGTERM);
}

Test(pid, init_forwards_sigint, .timeout = 30)
{
    check_init_forwards(SIGINT);
}

/* ---------------------------------------------------------------- mount */

static char marker[64];

/* A file on the host that the box must not reach. */
static void make_marker(void)
{
    snprintf(marker, sizeof marker, "/tmp/trapeze-box-marker-%d", (int)getpid());
    FILE *f = fopen(marker, "w");
    if (f)
        fclose(f);
}

static void remove_marker(void)
{
    unlink(marker);
}

TestSuite(mount, .init = make_marker, .fini = remove_marker, .timeout = 30);

Test(mount, rootfs_cannot_be_escaped)
{
    static const char *const ways[] = { "dotdot", "symlink", "escape-chroot" };
    struct box_proc p;

    for (size_t i = 0; i < sizeof ways / sizeof ways[0]; i++) {
        BOX_RUN(&p, R, "--", "probe", ways[i], marker);
        skip_if_forbidden(&p);
        cr_assert_str_eq(p.out, "contained\n", "%s: expected contained, got '%s' (%s)", ways[i], p.out, p.err);
    }
}

Test(mount, chroot_alone_is_escaped_and_pivot_root_is_not)
{
    struct box_proc p;

    /* no mount namespace: the runtime falls back to chroot(), and the classic
     * escape works; this is what the previous test guards against */
    BOX_RUN(&p, "--only", "user,pid,uts", R, "--", "probe", "escape-chroot", marker);
    skip_if_forbidden(&p);
    cr_assert_str_eq(p.out, "escaped\n", "chroot only: expected the escape to work, got '%s' (%s)", p.out, p.err);
}

Test(mount, dev_is_minimal)
{
    struct box_proc p;

    BOX_RUN(&p, R, "--", "ls", "/dev");
    skip_if_forbidden(&p);
    cr_assert_str_eq(p.out, "fd\nnull\nrandom\nstderr\nstdin\nstdout\ntty\nurandom\nzero\n",
                     "ls /dev: got '%s' (%s)", p.out, p.err);
}

Test(mount, only_the_box_mounts_are_visible)
{
    static const char *const allowed[] = { "/", "/proc", "/dev", "/dev/null", "/dev/zero", "/dev/random",
                                           "/dev/urandom", "/dev/tty", "/tmp" };
    char point[PATH_MAX];
    struct box_proc p;

    BOX_RUN(&p, R, "--", "cat", "/proc/self/mountinfo");
    skip_if_forbidden(&p);
    cr_assert_eq(p.status, 0, "cat mountinfo: %d (%s)", p.status, p.err);
    for (const char *line = p.out; *line; line = strchr(line, '\n') + 1) {
        bool ok = false;
        cr_assert_eq(sscanf(line, "%*s %*s %*s %*s %4095s", point), 1, "mountinfo line: %s", line);
        for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
            ok |= strcmp(point, allowed[i]) == 0;
        ok |= strncmp(point, "/proc/", strlen("/proc/")) == 0;   /* masked or read-only (procmask.c) */
        cr_assert(ok, "mount point %s of the host is visible in the box", point);
    }
}

Test(mount, read_only_rootfs)
{
    struct box_proc p;

    BOX_RUN(&p, "--read-only", R, "--", "sh", "-c", "touch /etc/x || echo refused; touch /tmp/x && echo tmp ok");
    skip_if_forbidden(&p);
    cr_assert_str_eq(p.out, "refused\ntmp ok\n", "read-only: got '%s' (%s)", p.out, p.err);
    cr_assert(strstr(p.err, "Read-only file system"), "touch error: '%s'", p.err);
}

Test(mount, host_wide_proc_files_are_masked_or_read_only)
{
    struct box_proc p;

    BOX_RUN(&p, R, "--", "sh", "-c",
            "echo 1 > /proc/sys/kernel/ns_last_pid; wc -c < /proc/keys; wc -c < /proc/timer_list");
    skip_if_forbidden(&p);
    cr_assert(strstr(p.err, "Read-only file system"), "/proc/sys must be read-only: '%s'", p.err);
    /* /proc/keys and /proc/timer_list list host-wide state; masked, they read empty
     * (where this kernel has them at all, wc prints 0 either way) */
    cr_assert_str_eq(p.out, "0\n0\n", "masked files must read empty: '%s' (%s)", p.out, p.err);
}

/* ---------------------------------------------------------------- cgroups */

Test(cgroup, memory_hog_is_oom_killed_and_reported, .timeout = 30)
{
    struct box_proc p;

    need_root();
    BOX_RUN(&p, "--memory", "32M", R, "--", "probe", "hog", "512");
    skip_if_forbidden(&p);
    cr_assert_eq(p.status, 128 + SIGKILL, "hog of 512 MiB in 32 MiB: expected SIGKILL (137), got %d (%s)",
                 p.status, p.err);
    cr_assert(strstr(p.err, "killed by the OOM killer"), "no OOM report on stderr: '%s'", p.err);
    cr_assert_null(strstr(p.out, "allocated"), "the hog finished: '%s'", p.out);
}

Test(cgroup, fork_bomb_is_bounded, .timeout = 30)
{
    struct box_proc p;
    int forked = -1, status;
    char why[32] = "";
    pid_t pid;

    need_root();
    BOX_RUN(&p, "--pids", "16", R, "--", "probe", "forkbomb");
    skip_if_forbidden(&p);
    cr_assert_eq(sscanf(p.out, "forked %d then %31s", &forked, why), 2, "probe output: '%s' (%s)", p.out, p.err);
    cr_assert_lt(forked, 16, "pids.max 16 (probe included): forked %d", forked);
    cr_assert_str_eq(why, "EAGAIN", "fork(2) past pids.max fails with EAGAIN, got %s", why);
    /* and the host is fine: this process can still fork */
    pid = fork();
    if (pid == 0)
        _exit(0);
    cr_assert_gt(pid, 0, "the host cannot fork any more");
    waitpid(pid, &status, 0);
}

/* Host directory of the box's memory cgroup, from the box's /proc/self/cgroup;
 * false if it is not there. */
static bool memory_cgroup_dir(const char *box_output, char *out, size_t size)
{
    const char *line = strstr(box_output, ":memory:");
    char mnt[PATH_MAX], rel[PATH_MAX];

    if (!line || sscanf(line + strlen(":memory:"), "%4095s", rel) != 1)
        return false;
    if (cgroup_find_mount("cgroup", "memory", mnt, sizeof mnt) < 0)
        return false;
    snprintf(out, size, "%.2000s%.2000s", mnt, rel);
    return true;
}

/* Run script with --memory (no cgroupns); check the cgroup it was in is gone. */
static void check_cgroup_removed(const char *script, int expected_status)
{
    char name[64], dir[PATH_MAX];
    struct box_proc p;
    struct stat st;

    need_root();
    BOX_RUN(&p, "--memory", "64M", "--only", ALL_BUT_CGROUPNS, R, "--", "sh", "-c", script);
    skip_if_forbidden(&p);
    cr_assert_eq(p.status, expected_status, "expected %d, got %d (%s)", expected_status, p.status, p.err);
    if (!strstr(p.out, ":memory:"))
        cr_skip_test("no v1 memory hierarchy here (the box's cgroup was: %s)", p.out);
    snprintf(name, sizeof name, "/trapeze-box-%d\n", (int)p.pid);
    cr_assert(strstr(p.out, name), "box not in its own cgroup %s: %s", name, p.out);
    cr_assert(memory_cgroup_dir(p.out, dir, sizeof dir), "cannot find the memory cgroup of '%s'", p.out);
    cr_assert_eq(stat(dir, &st), -1, "cgroup %s still exists after the box ended", dir);
}

Test(cgroup, removed_after_exit, .timeout = 30)
{
    check_cgroup_removed("cat /proc/self/cgroup", 0);
}

Test(cgroup, removed_after_a_crash, .timeout = 30)
{
    check_cgroup_removed("cat /proc/self/cgroup; exec probe crash", 128 + SIGSEGV);
}

/* The number in host cgroup file <mount of ctrl><path of ctrl in box_output>/file, or 0. */
static unsigned long long cgroup_value(const char *box_output, const char *ctrl, const char *file)
{
    char key[32], mnt[PATH_MAX], rel[PATH_MAX], path[3 * PATH_MAX];
    unsigned long long value = 0;
    const char *line;
    FILE *f;

    snprintf(key, sizeof key, ":%s:", ctrl);
    line = strstr(box_output, key);
    if (!line || sscanf(line + strlen(key), "%4095s", rel) != 1 ||
        cgroup_find_mount("cgroup", ctrl, mnt, sizeof mnt) < 0)
        return 0;
    snprintf(path, sizeof path, "%s%s/%s", mnt, rel, file);
    f = fopen(path, "r");
    if (f && fscanf(f, "%llu", &value) != 1)
        value = 0;
    if (f)
        fclose(f);
    return value;
}

Test(cgroup, limits_are_written_while_running, .timeout = 30)
{
    unsigned long long bytes, quota;
    struct box_proc p;

    need_root();
    runner_spawn(&p, (const char *const[]){ "--memory", "32M", "--cpus", "0.5", "--only", ALL_BUT_CGROUPNS, R,
                                            "--", "sh", "-c", "cat /proc/self/cgroup; echo ready; read x", NULL });
    runner_wait_output(&p, "ready\n", 10000);
    bytes = cgroup_value(p.out, "memory", "memory.limit_in_bytes");
    quota = cgroup_value(p.out, "cpu", "cpu.cfs_quota_us");
    runner_finish(&p, 10000);
    skip_if_forbidden(&p);
    if (!strstr(p.out, ":memory:") || !strstr(p.out, ":cpu:"))
        cr_skip_test("no v1 memory and cpu hierarchies here (cgroups: %s)", p.out);
    cr_assert_eq(bytes, 32ull << 20, "memory.limit_in_bytes: expected 32 MiB, got %llu", bytes);
    /* sched-bwc.rst: CPUs = quota / period, period 100000 us */
    cr_assert_eq(quota, 50000, "cpu.cfs_quota_us for 0.5 CPU: expected 50000, got %llu", quota);
}

Test(cgroup, namespace_hides_host_paths, .timeout = 30)
{
    struct box_proc p;

    BOX_RUN(&p, "--only", "user,pid,mount,cgroupns", R, "--", "cat", "/proc/self/cgroup");
    skip_if_forbidden(&p);
    for (const char *line = p.out; *line; line = strchr(line, '\n') + 1) {
        const char *path = strrchr(line, ':');
        cr_assert(path && strncmp(path, ":/\n", 3) == 0, "cgroup namespace: expected root paths, got %s", line);
    }
}

/* ---------------------------------------------------------------- hardening */

/* capabilities(7) numbers of the documented kept set. */
#define CAP_BIT(n) (1ull << (n))
static const unsigned long long kept_caps = CAP_BIT(0) /* CHOWN */ | CAP_BIT(1) /* DAC_OVERRIDE */ |
    CAP_BIT(3) /* FOWNER */ | CAP_BIT(4) /* FSETID */ | CAP_BIT(5) /* KILL */ | CAP_BIT(6) /* SETGID */ |
    CAP_BIT(7) /* SETUID */ | CAP_BIT(10) /* NET_BIND_SERVICE */ | CAP_BIT(18) /* SYS_CHROOT */;

/* The hex value after "name:\t" in /proc/self/status text. */
static unsigned long long status_hex(const char *text, const char *name)
{
    const char *p = strstr(text, name);

    cr_assert(p, "no %s in /proc/self/status", name);
    return strtoull(p + strlen(name) + 1, NULL, 16);
}

Test(caps, cap_sys_admin_is_absent, .timeout = 30)
{
    struct box_proc p;

    BOX_RUN(&p, R, "--", "cat", "/proc/self/status");
    skip_if_forbidden(&p);
    cr_assert_eq(status_hex(p.out, "CapEff") & CAP_BIT(21), 0, "CAP_SYS_ADMIN (21) is effective");
    cr_assert_eq(status_hex(p.out, "CapBnd") & CAP_BIT(21), 0, "CAP_SYS_ADMIN (21) is in the bounding set");
    cr_assert_eq(status_hex(p.out, "CapEff"), kept_caps, "CapEff: expected %#llx, got %#llx", kept_caps,
                 status_hex(p.out, "CapEff"));
    cr_assert_eq(status_hex(p.out, "CapBnd"), kept_caps, "CapBnd: expected %#llx", kept_caps);
    cr_assert(strstr(p.out, "NoNewPrivs:\t1"), "no_new_privs not set:\n%s", p.out);
    cr_assert(strstr(p.out, "Seccomp:\t2"), "not in seccomp filter mode (2):\n%s", p.out);
}

Test(seccomp, denied_syscalls_fail_with_eperm, .timeout = 30)
{
    static const char *const denied[] = {
        "kexec_load", "init_module", "finit_module", "delete_module", "keyctl", "add_key",
        "open_by_handle_at", "ptrace", "userfaultfd", "perf_event_open", "bpf", "mount", "umount2",
        "pivot_root", "setns", "unshare_newuser", "clone_newuser", "iopl", "syslog", "ioctl_tiocsti",
    };
    char line[64];
    struct box_proc p;

    BOX_RUN(&p, R, "--", "probe", "syscalls");
    skip_if_forbidden(&p);
    for (size_t i = 0; i < sizeof denied / sizeof denied[0]; i++) {
        snprintf(line, sizeof line, "%s EPERM", denied[i]);
        cr_assert_eq(count_lines(p.out, line), 1, "expected '%s' in:\n%s", line, p.out);
    }
    cr_assert_eq(count_lines(p.out, "clone3 ENOSYS"), 1, "clone3 must be ENOSYS (so libc falls back):\n%s", p.out);
}

Test(seccomp, the_i386_abi_is_filtered_too, .timeout = 30)
{
    struct box_proc p;
    struct stat st;

    if (stat(R "/bin/probe32", &st) < 0)
        cr_skip_test("no 32-bit probe in the rootfs (gcc -m32 -static failed: sudo apt-get install gcc-multilib)");
    BOX_RUN(&p, R, "--", "probe32", "syscalls");
    skip_if_forbidden(&p);
    cr_assert_eq(count_lines(p.out, "unshare_newuser EPERM"), 1, "int $0x80 unshare(CLONE_NEWUSER):\n%s", p.out);
    cr_assert_eq(count_lines(p.out, "keyctl EPERM"), 1, "int $0x80 keyctl:\n%s", p.out);
    cr_assert_eq(count_lines(p.out, "mount EPERM"), 1, "int $0x80 mount:\n%s", p.out);
    cr_assert_eq(count_lines(p.out, "open_by_handle_at EPERM"), 1, "int $0x80 open_by_handle_at:\n%s", p.out);
}

Test(seccomp, without_the_filter_a_new_user_namespace_is_allowed, .timeout = 30)
{
    struct box_proc p;

    BOX_RUN(&p, "--only", "user,pid,mount,caps", R, "--", "probe", "syscalls");
    skip_if_forbidden(&p);
    cr_assert_eq(count_lines(p.out, "unshare_newuser OK"), 1, "unshare(CLONE_NEWUSER) needs no capability:\n%s",
                 p.out);
}

Test(rlimits, limits_are_lowered, .timeout = 30)
{
    struct box_proc p;

    BOX_RUN(&p, R, "--", "sh", "-c", "ulimit -c; ulimit -n");
    skip_if_forbidden(&p);
    cr_assert_str_eq(p.out, "0\n1024\n", "core and nofile limits: got '%s' (%s)", p.out, p.err);
}

/* ---------------------------------------------------------------- --only */

Test(only, uts_alone_changes_only_the_hostname, .timeout = 30)
{
    struct box_proc p;

    BOX_RUN(&p, "--only", alone("uts"), "--hostname", "solo", R, "--", "sh", "-c", "hostname; echo $$");
    skip_if_forbidden(&p);
    cr_assert(strncmp(p.out, "solo\n", 5) == 0, "hostname: got '%s' (%s)", p.out, p.err);
    cr_assert_neq(atoi(p.out + 5), 1, "without a PID namespace CMD is not PID 1: got '%s'", p.out);
}

Test(only, pid_alone_makes_pid_1_and_keeps_the_hostname, .timeout = 30)
{
    char host[256], expected[300];
    struct box_proc p;

    gethostname(host, sizeof host);
    snprintf(expected, sizeof expected, "1\n%s\n", host);
    BOX_RUN(&p, "--only", alone("pid"), R, "--", "sh", "-c", "echo $$; hostname");
    skip_if_forbidden(&p);
    cr_assert_str_eq(p.out, expected, "pid alone: expected '%s', got '%s' (%s)", expected, p.out, p.err);
}

Test(only, mount_alone_shows_host_processes, .timeout = 30)
{
    struct box_proc p;

    if (geteuid() != 0)
        cr_skip_test("a /proc of the host's PID namespace can only be mounted by root");
    BOX_RUN(&p, "--only", "mount", R, "--", "ls", "/proc");
    skip_if_forbidden(&p);
    cr_assert_gt(count_numeric_lines(p.out), 1, "a fresh /proc without a PID namespace lists the host:\n%s", p.out);
}

Test(only, net_alone_leaves_only_loopback, .timeout = 30)
{
    struct box_proc p;

    BOX_RUN(&p, "--only", alone("net"), R, "--", "probe", "ifaces");
    skip_if_forbidden(&p);
    cr_assert_str_eq(p.out, "iface lo\n", "net namespace: expected only lo, got '%s' (%s)", p.out, p.err);
}

Test(only, ipc_alone_hides_host_shared_memory, .timeout = 30)
{
    key_t key = (key_t)(0x7ea00000 | (getpid() & 0xfffff));
    char text[32];
    struct box_proc p;
    int id = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600);

    cr_assert_geq(id, 0, "cannot create a test segment: %s", strerror(errno));
    snprintf(text, sizeof text, "%d", (int)key);
    BOX_RUN(&p, "--only", alone("ipc"), R, "--", "probe", "shm", text);
    struct box_proc q;
    BOX_RUN(&q, "--only", alone("uts"), R, "--", "probe", "shm", text);
    shmctl(id, IPC_RMID, NULL);
    skip_if_forbidden(&p);
    cr_assert_str_eq(p.out, "shm absent\n", "ipc namespace: got '%s' (%s)", p.out, p.err);
    cr_assert_str_eq(q.out, "shm found\n", "no ipc namespace: got '%s' (%s)", q.out, q.err);
}

Test(only, user_alone_takes_host_privilege_away, .timeout = 30)
{
    struct box_proc p;

    /* setting the hostname to its current value changes nothing, but needs
     * CAP_SYS_ADMIN over the host's UTS namespace, which a user namespace lacks */
    BOX_RUN(&p, "--only", "user", R, "--", "sh", "-c", "hostname \"$(hostname)\" || echo denied");
    skip_if_forbidden(&p);
    cr_assert_str_eq(p.out, "denied\n", "user namespace: expected denied, got '%s' (%s)", p.out, p.err);
}

/* ---------------------------------------------------------------- veth */

/* In a network namespace of its own (so no address ever reaches the host's),
 * listen on the outer address, start a box with a veth pair, let it connect. */
static int veth_round_trip(char *box_out, size_t size)
{
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(7777) };
    int one = 1, fd, conn;
    char buf[8] = "";
    struct box_proc p;

    if (unshare(CLONE_NEWNET) < 0)
        return 2;
    fd = socket(AF_INET, SOCK_STREAM, 0);
    inet_pton(AF_INET, "10.200.0.1", &sa.sin_addr);
    /* ip(7) IP_FREEBIND: bind before the veth end has its address */
    setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 1) < 0)
        return 3;
    BOX_RUN(&p, "--net", "veth:tbveth0:10.200.0.2/24:10.200.0.1/24", R, "--", "probe", "connect", "10.200.0.1",
            "7777");
    if (snprintf(box_out, size, "status %d out %s err %s", p.status, p.out, p.err) >= (int)size)
        box_out[size - 1] = '\0';   /* cut short: still enough to say what went wrong */
    conn = accept4(fd, NULL, NULL, SOCK_NONBLOCK);
    if (conn < 0 || read(conn, buf, 5) != 5)
        return 4;
    return strcmp(buf, "hello") == 0 && p.status == 0 ? 0 : 5;
}

Test(net, veth_pair_connects_box_and_test_namespace, .timeout = 30)
{
    char *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    int status;
    pid_t pid;

    if (geteuid() != 0)
        cr_skip_test("a veth pair needs root (CAP_NET_ADMIN on the host side)");
    pid = fork();
    if (pid == 0)
        _exit(veth_round_trip(shared, 4096));
    waitpid(pid, &status, 0);
    if (strstr(shared, "missing privileges") || strstr(shared, "unsupported kernel feature"))
        cr_skip_test("this machine forbids it: %s", shared);
    cr_assert_eq(WEXITSTATUS(status), 0, "veth round trip failed at step %d: %s", WEXITSTATUS(status), shared);
    cr_assert(strstr(shared, "connected"), "probe did not connect: %s", shared);
}
