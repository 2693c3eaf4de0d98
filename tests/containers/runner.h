/* runner.h - start trapeze-box from a test, feed it, collect what it prints. */
#ifndef TRAPEZE_TEST_RUNNER_H
#define TRAPEZE_TEST_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define RUNNER_OUT_MAX 16384

/* One running (then finished) trapeze-box. */
struct box_proc {
    pid_t pid;               /* of trapeze-box itself */
    int in_fd, out_fd, err_fd;
    char out[RUNNER_OUT_MAX], err[RUNNER_OUT_MAX];
    size_t out_len, err_len;
    int status;              /* shell status once finished, -1 if it timed out */
};

/* Start TRAPEZE_BOX "run" args... (NULL-terminated) with pipes on its stdio;
 * 0 or -errno. */
int runner_spawn(struct box_proc *p, const char *const *args);

/* Read until stdout contains needle or timeout_ms pass; true if found. */
bool runner_wait_output(struct box_proc *p, const char *needle, int timeout_ms);

/* Close the box's stdin (it reads end of file). */
void runner_close_stdin(struct box_proc *p);

/* Read everything until the box ends and reap it; after timeout_ms send it
 * SIGTERM, then SIGKILL two seconds later.  Returns p->status. */
int runner_finish(struct box_proc *p, int timeout_ms);

/* runner_spawn, write input (may be NULL) and close stdin, runner_finish. */
int runner_run(struct box_proc *p, const char *input, int timeout_ms, const char *const *args);

/* Start a box with the given arguments after "run", wait at most 20 s. */
#define BOX_RUN(p, ...) runner_run((p), NULL, 20000, (const char *const[]){ __VA_ARGS__, NULL })

#endif
