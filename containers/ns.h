/* ns.h - one Linux namespace as the runtime sees it: a clone flag and two hooks. */
#ifndef TRAPEZE_NS_H
#define TRAPEZE_NS_H

#include <sys/types.h>

#include "box.h"

/* Each namespace module (ns_user.c, ns_pid.c, ...) fills one of these.  box.c
 * ORs the clone flags of the enabled ones into a single clone(), then runs the
 * parent hooks (from outside, on the new child) and the child hooks (inside, in
 * table order) before the hardening steps and execve(). */
struct ns_ops {
    const char *name;        /* as in --only and /proc/self/ns/<name> */
    unsigned mech;           /* enum box_mech bit that turns it on */
    int clone_flag;          /* CLONE_NEW* given to clone(), or 0 if set up later */
    /* From the parent, after clone(), before the child goes on; 0 or -errno. */
    int (*parent_setup)(const struct box_config *cfg, pid_t child);
    /* In the child, in its new namespaces; 0 or -errno. */
    int (*child_setup)(const struct box_config *cfg);
};

extern const struct ns_ops ns_user_ops;
extern const struct ns_ops ns_pid_ops;
extern const struct ns_ops ns_cgroup_ops;
extern const struct ns_ops ns_uts_ops;
extern const struct ns_ops ns_ipc_ops;
extern const struct ns_ops ns_net_ops;
extern const struct ns_ops ns_mount_ops;

#endif
