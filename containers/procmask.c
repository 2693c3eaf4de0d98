/* procmask.c - the parts of /proc a namespace does not cover.
 *
 * A fresh proc shows the box's own processes, but many of its files are about
 * the whole machine, and some of them are writable by uid 0 on permission
 * bits alone: /proc/sysrq-trigger (write 'b': the host reboots), most of
 * /proc/sys (sysctls not namespaced).  With the identity uid map the box's
 * root *is* uid 0 for such checks.  So, as the OCI runtime spec asks of every
 * runtime (config-linux.md, "Masked Paths" and "Readonly Paths"):
 *   - masked: /dev/null bound over a file, an empty read-only tmpfs over a
 *     directory; reads give nothing, writes fail;
 *   - read-only: the path bound onto itself, then remounted read-only.
 * The lists are those of the OCI reference configuration (runc spec).
 */
#define _GNU_SOURCE
#include "procmask.h"

#include <errno.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "box.h"
#include "ns_mount.h"

static const char *const procmask_hidden[] = {
    "proc/acpi", "proc/asound", "proc/kcore", "proc/keys", "proc/latency_stats", "proc/timer_list",
    "proc/timer_stats", "proc/sched_debug", "proc/scsi",
};

static const char *const procmask_frozen[] = {
    "proc/bus", "proc/fs", "proc/irq", "proc/sys", "proc/sysrq-trigger",
};

/* Hide path: /dev/null over a file, an empty read-only tmpfs over a directory. */
static int procmask_hide(const char *path, const struct stat *st)
{
    if (S_ISDIR(st->st_mode))
        return ns_mount_do("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0");
    return ns_mount_do("/dev/null", path, NULL, MS_BIND, NULL);
}

/* Make path read-only: bind it onto itself, then remount that bind read-only. */
static int procmask_freeze(const char *path)
{
    int rc = ns_mount_do(path, path, NULL, MS_BIND | MS_REC, NULL);

    return rc < 0 ? rc : ns_mount_read_only(path);
}

/* Both lists, skipping what this kernel has not; 0 or -errno. */
int procmask_apply(void)
{
    struct stat st;
    int rc = 0;

    for (size_t i = 0; rc == 0 && i < ARRAY_SIZE(procmask_hidden); i++)
        if (stat(procmask_hidden[i], &st) == 0)
            rc = procmask_hide(procmask_hidden[i], &st);
    for (size_t i = 0; rc == 0 && i < ARRAY_SIZE(procmask_frozen); i++)
        if (stat(procmask_frozen[i], &st) == 0)
            rc = procmask_freeze(procmask_frozen[i]);
    return rc;
}
