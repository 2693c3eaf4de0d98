/* ns_cgroup.c - the cgroup namespace.
 *
 * /proc/self/cgroup shows the path of a process's cgroup, and so tells the box
 * where it sits in the host's hierarchy (e.g. /user.slice/...).  A cgroup
 * namespace makes the cgroup a process is in *at the time it is created* the
 * root of what it sees (cgroup_namespaces(7)).  That is why this flag is not
 * given to clone(): the parent first moves the child into its cgroup (cgroup.c),
 * and only then does the child call unshare(CLONE_NEWCGROUP), so the box's own
 * cgroup reads as "/".
 */
#define _GNU_SOURCE
#include "ns.h"

#include <errno.h>
#include <sched.h>

#include "explain.h"

/* Make the cgroup the child is in now the root of its view; 0 or -errno. */
static int ns_cgroup_child(const struct box_config *cfg)
{
    (void)cfg;
    explain_step("cgroupns: the box's cgroup becomes its \"/\"");
    if (explain_sys(unshare(CLONE_NEWCGROUP), "unshare(CLONE_NEWCGROUP)") < 0)
        return -errno;
    return 0;
}

const struct ns_ops ns_cgroup_ops = {
    .name = "cgroupns",
    .mech = BOX_CGROUPNS,
    .clone_flag = 0,
    .child_setup = ns_cgroup_child,
};
