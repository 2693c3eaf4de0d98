/* bench.c - box-bench: the median start-to-exit latency of a command.
 *
 *   box-bench RUNS CMD [ARGS...]
 *
 * Runs CMD RUNS times in a row (one warm-up run first, not counted), each time
 * measuring from just before fork() to just after waitpid() on
 * CLOCK_MONOTONIC, and prints the median in milliseconds with three decimals.
 * Exits non-zero, saying which run, if CMD ever fails: a benchmark of a
 * runtime that does not work means nothing.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Run argv once; its wait status, or -1 if it could not be started. */
static int bench_once(char **argv)
{
    int status;
    pid_t pid = fork();

    if (pid == 0) {
        execvp(argv[0], argv);
        _exit(127);
    }
    if (pid < 0 || waitpid(pid, &status, 0) < 0)
        return -1;
    return status;
}

/* Milliseconds between a and b. */
static double bench_ms(const struct timespec *a, const struct timespec *b)
{
    return (b->tv_sec - a->tv_sec) * 1e3 + (b->tv_nsec - a->tv_nsec) / 1e6;
}

static int bench_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    struct timespec t0, t1;
    int runs = argc > 2 ? atoi(argv[1]) : 0;
    double *ms;

    if (runs < 1) {
        fputs("usage: box-bench RUNS CMD [ARGS...]\n", stderr);
        return 2;
    }
    ms = calloc((size_t)runs, sizeof *ms);
    if (!ms || bench_once(argv + 2) != 0) {
        fprintf(stderr, "box-bench: %s fails (warm-up run)\n", argv[2]);
        return 1;
    }
    for (int i = 0; i < runs; i++) {
        clock_gettime(CLOCK_MONOTONIC, &t0);
        int status = bench_once(argv + 2);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (status != 0) {
            fprintf(stderr, "box-bench: %s failed on run %d (status %#x)\n", argv[2], i + 1, status);
            return 1;
        }
        ms[i] = bench_ms(&t0, &t1);
    }
    qsort(ms, (size_t)runs, sizeof *ms, bench_cmp);
    printf("%.3f\n", runs % 2 ? ms[runs / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2);
    free(ms);
    return 0;
}
