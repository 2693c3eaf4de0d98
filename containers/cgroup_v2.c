/* cgroup_v2.c - cgroup v2: the unified hierarchy.
 *
 * One cgroup2 file system holds every controller (Documentation/admin-guide/
 * cgroup-v2.rst).  A controller can be used in a cgroup only if it is listed
 * in cgroup.controllers there, and a parent hands it down to its children by
 * writing "+memory" into its cgroup.subtree_control ("Controlling
 * Controllers").  Interface files:
 *   memory.max, memory.swap.max   limits ("Memory Interface Files")
 *   memory.events                 its "oom_kill" line counts the OOM killer's victims
 *   pids.max                      ("PID Interface Files")
 *   cpu.max                       "$MAX $PERIOD" in microseconds ("CPU Interface Files")
 * On a hybrid machine the v2 mount has none of these controllers (they are
 * bound to v1 hierarchies) and cgroup_v2_available() says no.
 */
#define _GNU_SOURCE
#include "cgroup.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* cgroup-v2.rst "cpu.max": the default period, 100 ms. */
#define CGROUP_V2_PERIOD_US 100000ull

/* The box's parent: <cgroup2 mount>/<our path>; 0 or -errno. */
static int cgroup_v2_parent(char *out, size_t size)
{
    char mnt[PATH_MAX], own[PATH_MAX];
    int rc = cgroup_find_mount("cgroup2", NULL, mnt, sizeof mnt);

    if (rc == 0)
        rc = cgroup_find_own("", own, sizeof own);
    if (rc == 0)
        snprintf(out, size, "%.2000s%.2000s", mnt, own);
    return rc;
}

/* Is every needed controller listed in the parent's cgroup.controllers
 * (one line, names separated by spaces)? */
static bool cgroup_v2_available(unsigned need)
{
    char parent[PATH_MAX], path[PATH_MAX + 32], list[256] = "";
    FILE *f;

    if (cgroup_v2_parent(parent, sizeof parent) < 0)
        return false;
    snprintf(path, sizeof path, "%s/cgroup.controllers", parent);
    f = fopen(path, "re");
    if (!f)
        return false;
    if (!fgets(list, sizeof list, f))
        list[0] = '\0';
    fclose(f);
    list[strcspn(list, "\n")] = '\0';
    for (int c = 0; c < CGROUP_NCTRL; c++)
        if ((need & (1u << c)) && !cgroup_has_word(list, ' ', cgroup_ctrl_name(c)))
            return false;
    return true;
}

/* Enable the needed controllers for the parent's children; all dir[c] =
 * <parent>/<name>; 0 or -errno. */
static int cgroup_v2_locate(struct cgroup *cg)
{
    char parent[PATH_MAX], plus[16];
    int rc = cgroup_v2_parent(parent, sizeof parent);

    for (int c = 0; rc == 0 && c < CGROUP_NCTRL; c++) {
        if (!(cg->need & (1u << c)))
            continue;
        snprintf(plus, sizeof plus, "+%s", cgroup_ctrl_name(c));
        rc = cgroup_write(parent, "cgroup.subtree_control", plus);
        snprintf(cg->dir[c], sizeof cg->dir[c], "%.4000s/%s", parent, cg->name);
    }
    return rc;
}

/* Write the limits asked for; 0 or -errno. */
static int cgroup_v2_limit(struct cgroup *cg, const struct box_limits *l)
{
    char text[48];
    int rc = 0;

    if (l->memory_bytes) {
        snprintf(text, sizeof text, "%llu", (unsigned long long)l->memory_bytes);
        rc = cgroup_write(cg->dir[CGROUP_MEMORY], "memory.max", text);
        if (rc == 0)
            rc = cgroup_write(cg->dir[CGROUP_MEMORY], "memory.swap.max", "0");
        if (rc == -ENOENT)   /* no swap accounting: nothing to add */
            rc = 0;
    }
    if (rc == 0 && l->pids) {
        snprintf(text, sizeof text, "%llu", (unsigned long long)l->pids);
        rc = cgroup_write(cg->dir[CGROUP_PIDS], "pids.max", text);
    }
    if (rc == 0 && l->cpu_millis) {
        snprintf(text, sizeof text, "%llu %llu",
                 (unsigned long long)l->cpu_millis * CGROUP_V2_PERIOD_US / 1000, CGROUP_V2_PERIOD_US);
        rc = cgroup_write(cg->dir[CGROUP_CPU], "cpu.max", text);
    }
    return rc;
}

/* The "oom_kill" count of memory.events. */
static long cgroup_v2_oom_kills(struct cgroup *cg)
{
    return cgroup_read_key(cg->dir[CGROUP_MEMORY], "memory.events", "oom_kill");
}

const struct cgroup_ops cgroup_v2_ops = {
    .name = "v2",
    .available = cgroup_v2_available,
    .locate = cgroup_v2_locate,
    .limit = cgroup_v2_limit,
    .oom_kills = cgroup_v2_oom_kills,
};
