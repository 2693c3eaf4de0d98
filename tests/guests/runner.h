/* runner.h - boot a guest on a machine (QEMU or trapeze) and compare its transcript. */
#ifndef TRAPEZE_GUEST_RUNNER_H
#define TRAPEZE_GUEST_RUNNER_H

#include <stdbool.h>
#include <stddef.h>

/* What a finished command left behind. */
struct run_result {
    char *out;                 /* everything it wrote to stdout (the serial port), NUL-terminated */
    size_t out_len;
    char *err;                 /* everything it wrote to stderr, NUL-terminated */
    int status;                /* exit status, or 128 + signal number */
    bool timed_out;            /* killed after the timeout */
};

/* Run argv[0] (searched in PATH) with stdin from /dev/null, capturing stdout and
   stderr; kill it after timeout_s seconds.  Returns 0, or -errno if it could not
   be started (the result is then empty). */
int runner_run(char *const argv[], int timeout_s, struct run_result *r);

/* Free what runner_run allocated. */
void runner_free(struct run_result *r);

/* The whole file at path as a NUL-terminated string, or NULL (errno set). */
char *runner_read_file(const char *path);

/* NULL if got equals expected; otherwise a malloc'd description of the first
   line that differs ("line 3: expected \"...\", got \"...\""). */
char *runner_first_difference(const char *expected, const char *got);

/* The two machines a guest runs on. */
enum guest_machine { MACHINE_QEMU, MACHINE_TRAPEZE };

/* Boot guest `name` (<name>.elf in GUEST_DIR) on machine m with kernel command
   line args (may be ""), with disk image `disk` (a file in GUEST_DIR, or NULL)
   as the IDE primary master.  Asserts (Criterion) that it exits with status 1
   ((0 << 1) | 1 through isa-debug-exit) and that its serial output equals
   expected/<name>.txt; skips the test if the machine is not installed. */
void guest_expect(enum guest_machine m, const char *name, const char *args,
                  const char *disk);

#endif
