/*
 * runner.c - run a guest kernel and hold its transcript against a golden one.
 *
 * The guests are checked the way blink checks its test programs: the same
 * kernel boots on the reference machine (qemu-system-i386) and on ours, and
 * both must produce exactly the serial output recorded in
 * tests/guests/expected/<name>.txt and exit through isa-debug-exit with
 * status 0, which both machines report as (0 << 1) | 1 = 1.  A mismatch is
 * reported as the first line that differs, which is usually all one needs to
 * find the instruction the emulator got wrong.
 */
#define _GNU_SOURCE             /* asprintf */
#include "runner.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define GUEST_TIMEOUT_S 120        /* generous: the machine is shared and slow */
#define GUEST_EXIT_OK   1          /* isa-debug-exit: (0 << 1) | 1 */
#define QEMU_RAM        "64"       /* MiB, the same as trapeze's default */
#define ARGV_MAX        24
/* TRAPEZE_RECORD_GOLDEN=1 ctest -L qemu: rewrite expected/ from QEMU's output
   (then read every changed transcript before committing it). */
#define RECORD_ENV      "TRAPEZE_RECORD_GOLDEN"

#ifndef TRAPEZE_BIN                /* set by CMake for test-guests only */
#define TRAPEZE_BIN "trapeze"
#endif

/* A growing byte buffer. */
struct buf {
    char *data;
    size_t len, cap;
};

/* Append n bytes to b (keeping a NUL after them).  Returns 0 or -ENOMEM. */
static int buf_append(struct buf *b, const char *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->len + n + 1) * 2;
        char *d = realloc(b->data, cap);
        if (!d)
            return -ENOMEM;
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

/* Child side of runner_run: wire up stdio and exec.  Never returns. */
static void run_child(char *const argv[], int out_fd, int err_fd)
{
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
        _exit(127);
    execvp(argv[0], argv);
    _exit(127);
}

/* Monotonic seconds, for the timeout only (never printed). */
static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Drain the two pipes into out and err until both close or the deadline passes.
   Returns true if the deadline passed. */
static bool collect(int fds[2], struct buf *out, struct buf *err, double deadline)
{
    struct pollfd p[2] = { { fds[0], POLLIN, 0 }, { fds[1], POLLIN, 0 } };
    struct buf *dst[2] = { out, err };
    int open_fds = 2;
    while (open_fds > 0) {
        double left = deadline - now_s();
        if (left <= 0)
            return true;
        if (poll(p, 2, (int)(left * 1000) + 1) < 0 && errno != EINTR)
            return false;
        for (int i = 0; i < 2; i++) {
            if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            char chunk[4096];
            ssize_t n = read(p[i].fd, chunk, sizeof(chunk));
            if (n > 0 && buf_append(dst[i], chunk, (size_t)n) == 0)
                continue;
            close(p[i].fd);
            p[i].fd = -1;
            open_fds--;
        }
    }
    return false;
}

int runner_run(char *const argv[], int timeout_s, struct run_result *r)
{
    memset(r, 0, sizeof(*r));
    int out_pipe[2], err_pipe[2];
    if (pipe(out_pipe) < 0)
        return -errno;
    if (pipe(err_pipe) < 0) {
        int e = errno;
        close(out_pipe[0]);
        close(out_pipe[1]);
        return -e;
    }
    pid_t pid = fork();
    if (pid == 0)
        run_child(argv, out_pipe[1], err_pipe[1]);
    close(out_pipe[1]);
    close(err_pipe[1]);
    struct buf out = { 0 }, err = { 0 };
    int fds[2] = { out_pipe[0], err_pipe[0] };
    if (pid > 0)
        r->timed_out = collect(fds, &out, &err, now_s() + timeout_s);
    for (int i = 0; i < 2; i++)
        if (fcntl(fds[i], F_GETFD) >= 0)
            close(fds[i]);
    if (pid < 0)
        return -errno;
    if (r->timed_out)
        kill(pid, SIGKILL);
    int ws = 0;
    waitpid(pid, &ws, 0);
    r->status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
    buf_append(&out, "", 0);
    buf_append(&err, "", 0);
    r->out = out.data;
    r->out_len = out.len;
    r->err = err.data;
    return 0;
}

void runner_free(struct run_result *r)
{
    free(r->out);
    free(r->err);
    memset(r, 0, sizeof(*r));
}

char *runner_read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct buf b = { 0 };
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        if (buf_append(&b, chunk, n) < 0)
            break;
    fclose(f);
    buf_append(&b, "", 0);
    return b.data;
}

/* Length of the line starting at s (without its newline). */
static size_t line_len(const char *s)
{
    return strcspn(s, "\n");
}

char *runner_first_difference(const char *expected, const char *got)
{
    int line = 1;
    while (*expected || *got) {
        size_t le = line_len(expected), lg = line_len(got);
        bool same = le == lg && memcmp(expected, got, le) == 0 &&
                    (expected[le] == '\n') == (got[lg] == '\n');
        if (!same) {
            char *msg = NULL;
            if (asprintf(&msg, "line %d: expected \"%.*s\"%s, got \"%.*s\"%s", line,
                         (int)le, expected, *expected ? "" : " (end of output)",
                         (int)lg, got, *got ? "" : " (end of output)") < 0)
                return strdup("outputs differ");
            return msg;
        }
        expected += le + (expected[le] == '\n');
        got += lg + (got[lg] == '\n');
        line++;
    }
    return NULL;
}

/* Is there an executable file at path (or, for a bare name, in PATH)? */
static bool have_program(const char *prog)
{
    if (strchr(prog, '/'))
        return access(prog, X_OK) == 0;
    char *cmd = NULL;
    if (asprintf(&cmd, "command -v %s >/dev/null 2>&1", prog) < 0)
        return false;
    bool found = system(cmd) == 0;
    free(cmd);
    return found;
}

/* The engine trapeze runs guests on: TRAPEZE_ENGINE (test-guests-jit sets
 * it to "jit"), else the interpreter. */
static const char *guest_engine(void)
{
    const char *e = getenv("TRAPEZE_ENGINE");
    return e && *e ? e : "interp";
}

/* Fill argv (room for ARGV_MAX entries) for booting kernel on machine m; a string
   it allocates is left in *owned (freed by the caller). */
static void machine_argv(enum guest_machine m, const char *kernel, const char *args,
                         const char *disk, char *argv[], char **owned)
{
    int n = 0;
    *owned = NULL;
    if (m == MACHINE_QEMU) {
        const char *fixed[] = { "qemu-system-i386", "-kernel", kernel, "-append", args,
                                "-serial", "stdio", "-display", "none", "-monitor", "none",
                                "-no-reboot", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
                                "-m", QEMU_RAM };
        for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
            argv[n++] = (char *)fixed[i];
        /* snapshot=on: the image is never written, and parallel runs share it. */
        if (disk && asprintf(owned, "file=%s,format=raw,if=ide,index=0,snapshot=on", disk) >= 0) {
            argv[n++] = "-drive";
            argv[n++] = *owned;
        }
    } else {
        argv[n++] = TRAPEZE_BIN;
        argv[n++] = "run";
        argv[n++] = "--stats";
        argv[n++] = "--engine";
        argv[n++] = (char *)guest_engine();
        if (disk) {
            argv[n++] = "--hda";
            argv[n++] = (char *)disk;
        }
        argv[n++] = (char *)kernel;
        argv[n++] = "--";
        if (*args)
            argv[n++] = (char *)args;
    }
    argv[n] = NULL;
}

/* Write r's output as the new golden transcript (QEMU is the reference). */
static void record_golden(const char *golden, const struct run_result *r)
{
    cr_assert_gt(r->out_len, 0, "refusing to record an empty transcript in %s", golden);
    FILE *f = fopen(golden, "wb");
    cr_assert_not_null(f, "cannot write %s", golden);
    cr_assert_eq(fwrite(r->out, 1, r->out_len, f), r->out_len, "short write to %s", golden);
    fclose(f);
}

/* Path of a file in GUEST_DIR (malloc'd). */
static char *guest_path(const char *file)
{
    char *p = NULL;
    cr_assert_geq(asprintf(&p, "%s/%s", GUEST_DIR, file), 0, "out of memory");
    return p;
}

/* The "stats:" lines of a --stats report (instructions, vectors, I/O ...),
 * malloc'd: what must not depend on the engine. */
static char *stats_lines(const char *err)
{
    struct buf b = { 0 };

    for (const char *l = err; *l; ) {
        size_t n = strcspn(l, "\n");
        if (strncmp(l, "stats: ", 7) == 0)
            buf_append(&b, l, n + (l[n] == '\n'));
        l += n + (l[n] == '\n');
    }
    buf_append(&b, "", 0);
    return b.data;
}

/* Run the same command on the interpreter: the translator must have retired
 * the same instructions, taken the same interrupts and done the same I/O. */
static void expect_same_stats_as_the_interpreter(const char *name, const struct run_result *got,
                                                 char *argv[])
{
    struct run_result ref;
    for (int k = 0; argv[k]; k++)
        if (strcmp(argv[k], "--engine") == 0)
            argv[k + 1] = "interp";
    cr_assert_eq(runner_run(argv, GUEST_TIMEOUT_S, &ref), 0, "%s: could not start trapeze", name);
    char *want = stats_lines(ref.err), *have = stats_lines(got->err);
    char *diff = runner_first_difference(want, have);
    cr_expect_null(diff, "%s: --stats on the %s differ from the interpreter's at %s",
                   name, guest_engine(), diff ? diff : "");
    cr_expect_gt(strlen(want), 0, "%s: no stats: lines from the interpreter", name);
    free(diff);
    free(want);
    free(have);
    runner_free(&ref);
}

void guest_expect(enum guest_machine m, const char *name, const char *args,
                  const char *disk)
{
    const char *prog = m == MACHINE_QEMU ? "qemu-system-i386" : TRAPEZE_BIN;
    if (!have_program(prog))
        cr_skip_test("%s is not installed (%s)", prog, m == MACHINE_QEMU
                     ? "sudo apt-get install qemu-system-x86" : "build the trapeze target");
    char *kernel = NULL, *golden = NULL, *disk_path = disk ? guest_path(disk) : NULL;
    cr_assert_geq(asprintf(&kernel, "%s/%s.elf", GUEST_DIR, name), 0);
    cr_assert_geq(asprintf(&golden, "%s/%s.txt", EXPECTED_DIR, name), 0);
    cr_assert_eq(access(kernel, R_OK), 0, "%s: no guest image %s (build trapeze_guests)",
                 name, kernel);
    char *argv[ARGV_MAX], *owned;
    machine_argv(m, kernel, args, disk_path, argv, &owned);
    struct run_result r;
    int rc = runner_run(argv, GUEST_TIMEOUT_S, &r);
    cr_assert_eq(rc, 0, "%s: could not start %s: %s", name, prog, strerror(-rc));
    cr_assert_not(r.timed_out, "%s: still running after %d s; output so far:\n%s",
                  name, GUEST_TIMEOUT_S, r.out);
    if (m == MACHINE_QEMU && getenv(RECORD_ENV))
        record_golden(golden, &r);
    char *expected = runner_read_file(golden);
    cr_assert_not_null(expected, "%s: cannot read the golden transcript %s", name, golden);
    char *diff = runner_first_difference(expected, r.out);
    cr_expect_null(diff, "%s on %s: serial output differs from %s at %s\nstderr: %s",
                   name, prog, golden, diff ? diff : "", r.err);
    cr_expect_eq(r.status, GUEST_EXIT_OK,
                 "%s on %s: expected exit status %d (guest exit 0), got %d\nstderr: %s",
                 name, prog, GUEST_EXIT_OK, r.status, r.err);
    free(diff);
    if (m == MACHINE_TRAPEZE && strcmp(guest_engine(), "interp") != 0)
        expect_same_stats_as_the_interpreter(name, &r, argv);
    runner_free(&r);
    free(owned);
    free(expected);
    free(golden);
    free(kernel);
    free(disk_path);
}
