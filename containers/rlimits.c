/* rlimits.c - resource limits.
 *
 * Besides cgroups, which limit a group of processes, each process carries
 * rlimits (getrlimit(2)), inherited by its children and kept across execve().
 * Two matter for a box, and a third closes a leak:
 *   RLIMIT_CORE 0        a crashing program must not write its memory into a
 *                        core file, possibly through a host core_pattern pipe;
 *   RLIMIT_NOFILE 1024   FD_SETSIZE of select(2): enough, and bounded, file
 *                        descriptors per process;
 *   RLIMIT_MEMLOCK 64KiB the kernel's historical default (getrlimit(2)):
 *                        locked memory escapes the OOM killer's reach.
 * A limit is only ever lowered: the soft and hard values become the smaller
 * of the current hard limit and the value above.
 */
#define _GNU_SOURCE
#include "rlimits.h"

#include <errno.h>
#include <sys/resource.h>
#include <sys/select.h>

#include "box.h"
#include "explain.h"

/* getrlimit(2): RLIMIT_MEMLOCK "defaults to 64 KiB" before Linux 5.16. */
#define RLIMITS_MEMLOCK_BYTES (64 * 1024)

static const struct { int resource; const char *name; rlim_t value; } rlimits_table[] = {
    { RLIMIT_CORE, "RLIMIT_CORE", 0 },
    { RLIMIT_NOFILE, "RLIMIT_NOFILE", FD_SETSIZE },
    { RLIMIT_MEMLOCK, "RLIMIT_MEMLOCK", RLIMITS_MEMLOCK_BYTES },
};

/* Apply one row of the table; 0 or -errno. */
static int rlimits_lower(int resource, const char *name, rlim_t value)
{
    struct rlimit rl;

    if (getrlimit(resource, &rl) < 0)
        return -errno;
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < value)
        value = rl.rlim_max;
    rl.rlim_cur = rl.rlim_max = value;
    if (explain_sys(setrlimit(resource, &rl), "setrlimit(%s, %llu)", name, (unsigned long long)value) < 0)
        return -errno;
    return 0;
}

/* Lower every limit of the table; 0 or -errno. */
int rlimits_apply(void)
{
    int rc = 0;

    explain_step("rlimits: no core files, bounded descriptors and locked memory");
    for (size_t i = 0; rc == 0 && i < ARRAY_SIZE(rlimits_table); i++)
        rc = rlimits_lower(rlimits_table[i].resource, rlimits_table[i].name, rlimits_table[i].value);
    return rc;
}
