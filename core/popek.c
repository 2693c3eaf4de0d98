/* popek.c - `trapeze popek`: which sensitive instructions betray the monitor. */

/*
 * Popek and Goldberg's theorem needs every sensitive instruction to be
 * privileged.  Robin and Irvine (2000) listed the IA-32 instructions that are
 * sensitive yet do not trap; guests/sensitive/ has a kernel for each, which
 * prints what it observed as `observe <key> <value>` lines.  This command
 * runs each guest twice, on the bare machine and under the monitor, and
 * tabulates the observations side by side: a row whose values differ is
 * state the deprivileged guest can see, i.e. the monitor is not invisible.
 * Nothing in the table is written here; every cell comes from a run.
 */
#include "popek.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm.h"

#define POPEK_MAX_OBS 32
#define POPEK_MAX_GUESTS 64
#define POPEK_MAX_INSNS 200000000ull   /* a guest that runs longer is broken */
#define OBS_PREFIX "observe "

/* One guest's observations. */
struct observations {
    int n;
    char key[POPEK_MAX_OBS][48];
    char value[POPEK_MAX_OBS][40];
    struct vm_result result;
};

/* Read `observe KEY VALUE` lines from f. */
static void parse_observations(FILE *f, struct observations *o)
{
    char line[256];
    o->n = 0;
    while (fgets(line, sizeof(line), f) && o->n < POPEK_MAX_OBS) {
        if (strncmp(line, OBS_PREFIX, strlen(OBS_PREFIX)) != 0)
            continue;
        if (sscanf(line + strlen(OBS_PREFIX), "%47s %39s", o->key[o->n], o->value[o->n]) == 2)
            o->n++;
    }
}

/* Run one guest in one mode and collect its observations.  0 or -1. */
static int observe(const char *path, enum vm_mode mode, struct observations *o)
{
    char err[256];
    FILE *out = tmpfile();
    if (!out)
        return -1;
    int rc = vm_run(path, NULL, mode, fileno(out), POPEK_MAX_INSNS, &o->result, err, sizeof(err));
    if (rc < 0)
        fprintf(stderr, "trapeze: %s\n", err);
    rewind(out);
    parse_observations(out, o);
    fclose(out);
    return rc;
}

/* The value of `key` in o, or "-". */
static const char *lookup(const struct observations *o, const char *key)
{
    for (int k = 0; k < o->n; k++)
        if (strcmp(o->key[k], key) == 0)
            return o->value[k];
    return "-";
}

/* "dir/sensitive-sgdt.elf" -> "sgdt". */
static void insn_name(const char *path, char *out, size_t len)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (strncmp(base, "sensitive-", 10) == 0)
        base += 10;
    snprintf(out, len, "%s", base);
    char *dot = strstr(out, ".elf");
    if (dot)
        *dot = '\0';
}

/* Rows for one guest.  Returns the number of rows that differ, or -1. */
static int popek_guest(const char *path, FILE *out)
{
    static struct observations bare, trap;
    char name[64];
    int leaks = 0;
    insn_name(path, name, sizeof(name));
    if (observe(path, VM_BARE, &bare) < 0 || observe(path, VM_TRAP, &trap) < 0)
        return -1;
    for (int k = 0; k < bare.n; k++) {
        const char *t = lookup(&trap, bare.key[k]);
        bool differs = strcmp(bare.value[k], t) != 0;
        leaks += differs;
        fprintf(out, "%-9s %-26s %-12s %-12s %s\n", name, bare.key[k], bare.value[k], t,
                differs ? "yes" : "no");
    }
    if (trap.result.stop != MACHINE_EXITED)
        fprintf(out, "%-9s %-26s %-12s %-12s %s\n", name, "(trap run)", "exited", "stopped", "yes");
    return leaks + (trap.result.stop != MACHINE_EXITED);
}

/* qsort comparator for the guest paths (char *): by strcmp, so the rows
 * come in the same order on every run. */
static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collect DIR/sensitive-*.elf, or the file itself.  Returns the count added. */
static int collect(const char *arg, char **paths, int n)
{
    DIR *d = opendir(arg);
    if (!d) {
        if (n < POPEK_MAX_GUESTS)
            paths[n++] = strdup(arg);
        return n;
    }
    struct dirent *e;
    while ((e = readdir(d)) && n < POPEK_MAX_GUESTS) {
        size_t len = strlen(e->d_name);
        if (strncmp(e->d_name, "sensitive-", 10) != 0 || len < 4 || strcmp(e->d_name + len - 4, ".elf"))
            continue;
        char *p = malloc(strlen(arg) + len + 2);
        if (p)
            sprintf(p, "%s/%s", arg, e->d_name), paths[n++] = p;
    }
    closedir(d);
    return n;
}

int popek_main(int argc, char **argv)
{
    char *paths[POPEK_MAX_GUESTS];
    int n = 0, leaking = 0, status = 0;
    if (argc < 2 || strcmp(argv[1], "--help") == 0) {
        fputs("usage: trapeze popek DIR|GUEST.elf...\n\n"
              "Run each sensitive-*.elf guest (from DIR, or as given) on the bare machine\n"
              "and under the trap-and-emulate monitor, and print what it observed in each.\n"
              "A row that differs is privileged state the deprivileged guest can see.\n", stdout);
        return argc < 2 ? 2 : 0;
    }
    for (int i = 1; i < argc; i++)
        n = collect(argv[i], paths, n);
    qsort(paths, (size_t)n, sizeof(paths[0]), by_name);
    printf("%-9s %-26s %-12s %-12s %s\n", "insn", "observation", "bare", "trap", "leaks");
    for (int i = 0; i < n; i++) {
        int d = popek_guest(paths[i], stdout);
        if (d < 0)
            status = 2;
        leaking += d > 0;
        free(paths[i]);
    }
    printf("popek: %d of %d instructions let the guest see the monitor\n", leaking, n);
    return status;
}
