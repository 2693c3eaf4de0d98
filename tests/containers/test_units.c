/* test_units.c - the runtime's pure functions, without starting a box. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "box.h"
#include "caps.h"
#include "cgroup.h"

Test(units, only_list_parses_to_mechanisms)
{
    unsigned mechs = 0;

    cr_assert_eq(box_mech_parse("pid,uts,seccomp", &mechs), 0);
    cr_assert_eq(mechs, BOX_PID | BOX_UTS | BOX_SECCOMP, "pid,uts,seccomp: got %#x", mechs);
    cr_assert_eq(box_mech_parse("user,pid,ipc,cgroupns,uts,net,mount,rlimits,caps,seccomp", &mechs), 0);
    cr_assert_eq(mechs, BOX_ALL, "every name: expected %#x, got %#x", BOX_ALL, mechs);
    cr_assert_eq(box_mech_parse("pid,nope", &mechs), -EINVAL, "an unknown name must be refused");
}

Test(units, kept_capabilities_are_the_documented_set)
{
    /* capabilities(7): CHOWN 0, DAC_OVERRIDE 1, FOWNER 3, FSETID 4, KILL 5, SETGID 6,
     * SETUID 7, NET_BIND_SERVICE 10, SYS_CHROOT 18 */
    unsigned long long expected = 0x1 | 0x2 | 0x8 | 0x10 | 0x20 | 0x40 | 0x80 | 0x400 | 0x40000;

    cr_assert_eq(caps_kept(), expected, "expected %#llx, got %#llx", expected, (unsigned long long)caps_kept());
    cr_assert_eq(caps_kept() & (1ull << 21), 0, "CAP_SYS_ADMIN (21) must not be kept");
}

Test(units, word_lists_match_whole_words)
{
    cr_assert(cgroup_has_word("rw,cpu", ',', "cpu"), "cpu is in rw,cpu");
    cr_assert_not(cgroup_has_word("rw,cpuacct", ',', "cpu"), "cpu is not cpuacct");
    cr_assert(cgroup_has_word("cpuset cpu io memory pids", ' ', "memory"), "memory in the v2 list");
    cr_assert_not(cgroup_has_word("cpuset io", ' ', "cpu"), "cpu is not cpuset");
}

/* A fake cgroup directory: a temporary directory holding empty interface files,
 * so that a backend's limit() can be checked against the kernel's file names
 * and formats without a cgroup file system. */
static void fake_cgroup(struct cgroup *cg, char *dir, const char *const *files)
{
    char path[PATH_MAX];

    strcpy(dir, "/tmp/trapeze-fake-cgroup-XXXXXX");
    cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
    memset(cg, 0, sizeof *cg);
    cg->need = (1u << CGROUP_MEMORY) | (1u << CGROUP_PIDS) | (1u << CGROUP_CPU);
    for (int c = 0; c < CGROUP_NCTRL; c++)
        snprintf(cg->dir[c], sizeof cg->dir[c], "%s", dir);
    for (; *files; files++) {
        snprintf(path, sizeof path, "%s/%s", dir, *files);
        fclose(fopen(path, "w"));
    }
}

/* Contents of dir/file, without the trailing newline, into out. */
static const char *fake_read(const char *dir, const char *file, char *out, size_t size)
{
    char path[PATH_MAX];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", dir, file);
    f = fopen(path, "r");
    out[0] = '\0';
    if (f && !fgets(out, (int)size, f))
        out[0] = '\0';
    if (f)
        fclose(f);
    return out;
}

/* Write text into dir/file (to play the kernel's part). */
static void fake_write(const char *dir, const char *file, const char *text)
{
    char path[PATH_MAX];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", dir, file);
    f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

/* Remove the fake directory and its files. */
static void fake_remove(const char *dir, const char *const *files)
{
    char path[PATH_MAX];

    for (; *files; files++) {
        snprintf(path, sizeof path, "%s/%s", dir, *files);
        unlink(path);
    }
    rmdir(dir);
}

static const struct box_limits fake_limits = {
    .memory_bytes = 64ull << 20, .pids = 32, .cpu_millis = 1500,
};

Test(units, cgroup_v1_writes_the_v1_files)
{
    static const char *const files[] = { "memory.limit_in_bytes", "memory.memsw.limit_in_bytes", "pids.max",
                                         "cpu.cfs_period_us", "cpu.cfs_quota_us", "memory.oom_control", NULL };
    char dir[64];
    struct cgroup cg;

    fake_cgroup(&cg, dir, files);
    int rc = cgroup_v1_ops.limit(&cg, &fake_limits);
    /* cgroup-v1/memory.txt, pids.txt; sched-bwc.rst: 1.5 CPU = 150000 us per 100000 us */
    fake_write(dir, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
    long kills = cgroup_v1_ops.oom_kills(&cg);
    char mem[64], memsw[64], pids[64], period[64], quota[64];
    fake_read(dir, "memory.limit_in_bytes", mem, sizeof mem);
    fake_read(dir, "memory.memsw.limit_in_bytes", memsw, sizeof memsw);
    fake_read(dir, "pids.max", pids, sizeof pids);
    fake_read(dir, "cpu.cfs_period_us", period, sizeof period);
    fake_read(dir, "cpu.cfs_quota_us", quota, sizeof quota);
    fake_remove(dir, files);
    cr_assert_eq(rc, 0, "limit(): %d", rc);
    cr_assert_str_eq(mem, "67108864", "memory.limit_in_bytes: '%s'", mem);
    cr_assert_str_eq(memsw, "67108864", "memory.memsw.limit_in_bytes: '%s'", memsw);
    cr_assert_str_eq(pids, "32", "pids.max: '%s'", pids);
    cr_assert_str_eq(period, "100000", "cpu.cfs_period_us: '%s'", period);
    cr_assert_str_eq(quota, "150000", "cpu.cfs_quota_us: '%s'", quota);
    cr_assert_eq(kills, 2, "oom_kill line of memory.oom_control: expected 2, got %ld", kills);
}

Test(units, cgroup_v2_writes_the_v2_files)
{
    static const char *const files[] = { "memory.max", "memory.swap.max", "pids.max", "cpu.max",
                                         "memory.events", NULL };
    char dir[64], mem[64], swap[64], pids[64], cpu[64];
    struct cgroup cg;

    fake_cgroup(&cg, dir, files);
    int rc = cgroup_v2_ops.limit(&cg, &fake_limits);
    /* cgroup-v2.rst: memory.events "oom_kill" counts the OOM killer's victims */
    fake_write(dir, "memory.events", "low 0\nhigh 0\nmax 5\noom 1\noom_kill 1\n");
    long kills = cgroup_v2_ops.oom_kills(&cg);
    fake_read(dir, "memory.max", mem, sizeof mem);
    fake_read(dir, "memory.swap.max", swap, sizeof swap);
    fake_read(dir, "pids.max", pids, sizeof pids);
    fake_read(dir, "cpu.max", cpu, sizeof cpu);
    fake_remove(dir, files);
    cr_assert_eq(rc, 0, "limit(): %d", rc);
    cr_assert_str_eq(mem, "67108864", "memory.max: '%s'", mem);
    cr_assert_str_eq(swap, "0", "memory.swap.max: '%s'", swap);
    cr_assert_str_eq(pids, "32", "pids.max: '%s'", pids);
    /* cgroup-v2.rst cpu.max: "$MAX $PERIOD", 1.5 CPU = 150000 of 100000 */
    cr_assert_str_eq(cpu, "150000 100000", "cpu.max: '%s'", cpu);
    cr_assert_eq(kills, 1, "oom_kill line of memory.events: expected 1, got %ld", kills);
}
