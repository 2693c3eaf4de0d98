/* ns_user.c - the user namespace: uid/gid maps.
 *
 * A user namespace has its own uids and gids and, above all, its own set of
 * capabilities: a process created with CLONE_NEWUSER has every capability *in
 * that namespace*, and none in the parent one.  The kernel checks a privileged
 * operation against the namespace that owns the object: CAP_SYS_ADMIN in the
 * box lets it mount a tmpfs in its own mount namespace, but never load a module
 * or reboot the host (user_namespaces(7)).
 *
 * The new namespace starts with no mapping, so its processes appear as the
 * overflow uid 65534 ("nobody").  The parent writes /proc/CHILD/uid_map and
 * gid_map, lines of "inside-first outside-first count":
 *   - as root, the identity map "0 0 4294967295": same uids, but capabilities
 *     now only count inside;
 *   - as an ordinary user (where the kernel allows unprivileged user
 *     namespaces), one line "0 UID 1": the user becomes root of the box.  The
 *     kernel then requires "deny" in /proc/CHILD/setgroups before gid_map is
 *     written, so that the box cannot drop a supplementary group that the host
 *     used to *deny* access to a file.
 */
#define _GNU_SOURCE
#include "ns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "explain.h"

/* user_namespaces(7): the identity map of the initial namespace covers all
 * 32-bit ids but (uid_t)-1, which means "no change" to set*id(). */
#define NS_USER_FULL_RANGE 4294967295u

/* Write text into /proc/<pid>/<file>; 0 or -errno. */
static int ns_user_write(pid_t pid, const char *file, const char *text)
{
    char path[64];
    int fd, rc = 0;

    snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
    fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    if (explain_sys(write(fd, text, strlen(text)), "write(\"%s\", \"%.*s\")",
                    path, (int)strcspn(text, "\n"), text) < 0)
        rc = -errno;
    close(fd);
    return rc;
}

/* Write the uid and gid maps of child (see the top of the file); 0 or -errno. */
static int ns_user_parent(const struct box_config *cfg, pid_t child)
{
    char uid_map[64], gid_map[64];
    int rc;

    (void)cfg;
    explain_step("user: map the box's ids to the host's");
    if (geteuid() == 0) {
        snprintf(uid_map, sizeof uid_map, "0 0 %u\n", NS_USER_FULL_RANGE);
        snprintf(gid_map, sizeof gid_map, "0 0 %u\n", NS_USER_FULL_RANGE);
    } else {
        snprintf(uid_map, sizeof uid_map, "0 %u 1\n", (unsigned)geteuid());
        snprintf(gid_map, sizeof gid_map, "0 %u 1\n", (unsigned)getegid());
        rc = ns_user_write(child, "setgroups", "deny");
        if (rc < 0)
            return rc;
    }
    rc = ns_user_write(child, "uid_map", uid_map);
    if (rc < 0)
        return rc;
    return ns_user_write(child, "gid_map", gid_map);
}

const struct ns_ops ns_user_ops = {
    .name = "user",
    .mech = BOX_USER,
    .clone_flag = CLONE_NEWUSER,
    .parent_setup = ns_user_parent,
};
