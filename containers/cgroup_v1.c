/* cgroup_v1.c - cgroup v1: one hierarchy per controller.
 *
 * Each v1 controller is its own file system, mounted (by convention) at
 * /sys/fs/cgroup/<controller> with the controller's name among its mount
 * options; the box gets a directory in each hierarchy it needs, below the
 * runtime's own cgroup in that hierarchy.  Interface files, from the kernel's
 * Documentation/admin-guide/cgroup-v1/:
 *   memory.txt   memory.limit_in_bytes, memory.memsw.limit_in_bytes
 *                (memory + swap, only with swap accounting), memory.oom_control
 *                (its "oom_kill" line counts the OOM killer's victims)
 *   pids.txt     pids.max
 *   (scheduler)  cpu.cfs_period_us and cpu.cfs_quota_us: quota microseconds of
 *                CPU time per period (sched-bwc.rst, "CFS Bandwidth Control")
 */
#define _GNU_SOURCE
#include "cgroup.h"

#include <errno.h>
#include <stdio.h>

/* sched-bwc.rst: the default period, 100 ms. */
#define CGROUP_V1_PERIOD_US 100000ull

/* Every needed controller has a v1 mount. */
static bool cgroup_v1_available(unsigned need)
{
    char mnt[PATH_MAX];

    for (int c = 0; c < CGROUP_NCTRL; c++)
        if ((need & (1u << c)) && cgroup_find_mount("cgroup", cgroup_ctrl_name(c), mnt, sizeof mnt) < 0)
            return false;
    return true;
}

/* dir[c] = <mount of c>/<our path in c>/<name>; 0 or -errno. */
static int cgroup_v1_locate(struct cgroup *cg)
{
    char mnt[PATH_MAX], own[PATH_MAX];
    int rc;

    for (int c = 0; c < CGROUP_NCTRL; c++) {
        if (!(cg->need & (1u << c)))
            continue;
        rc = cgroup_find_mount("cgroup", cgroup_ctrl_name(c), mnt, sizeof mnt);
        if (rc == 0)
            rc = cgroup_find_own(cgroup_ctrl_name(c), own, sizeof own);
        if (rc < 0)
            return rc;
        snprintf(cg->dir[c], sizeof cg->dir[c], "%.2000s%.2000s/%s", mnt, own, cg->name);
    }
    return 0;
}

/* Memory limit, and the same for memory+swap so swap is no way around it. */
static int cgroup_v1_memory(struct cgroup *cg, unsigned long long bytes)
{
    char text[32];
    int rc;

    snprintf(text, sizeof text, "%llu", bytes);
    rc = cgroup_write(cg->dir[CGROUP_MEMORY], "memory.limit_in_bytes", text);
    if (rc == 0)
        rc = cgroup_write(cg->dir[CGROUP_MEMORY], "memory.memsw.limit_in_bytes", text);
    return rc == -ENOENT ? 0 : rc;   /* no swap accounting: nothing to add */
}

/* Write the limits asked for; 0 or -errno. */
static int cgroup_v1_limit(struct cgroup *cg, const struct box_limits *l)
{
    char text[32];
    int rc = 0;

    if (l->memory_bytes)
        rc = cgroup_v1_memory(cg, l->memory_bytes);
    if (rc == 0 && l->pids) {
        snprintf(text, sizeof text, "%llu", (unsigned long long)l->pids);
        rc = cgroup_write(cg->dir[CGROUP_PIDS], "pids.max", text);
    }
    if (rc == 0 && l->cpu_millis) {
        snprintf(text, sizeof text, "%llu", CGROUP_V1_PERIOD_US);
        rc = cgroup_write(cg->dir[CGROUP_CPU], "cpu.cfs_period_us", text);
        snprintf(text, sizeof text, "%llu", (unsigned long long)l->cpu_millis * CGROUP_V1_PERIOD_US / 1000);
        if (rc == 0)
            rc = cgroup_write(cg->dir[CGROUP_CPU], "cpu.cfs_quota_us", text);
    }
    return rc;
}

/* The "oom_kill" count of memory.oom_control. */
static long cgroup_v1_oom_kills(struct cgroup *cg)
{
    return cgroup_read_key(cg->dir[CGROUP_MEMORY], "memory.oom_control", "oom_kill");
}

const struct cgroup_ops cgroup_v1_ops = {
    .name = "v1",
    .available = cgroup_v1_available,
    .locate = cgroup_v1_locate,
    .limit = cgroup_v1_limit,
    .oom_kills = cgroup_v1_oom_kills,
};
