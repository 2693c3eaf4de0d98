/* ns_uts.c - the UTS namespace.
 *
 * uname(2) returns a struct utsname whose nodename (the hostname) and domainname
 * used to be one global per machine.  CLONE_NEWUTS gives the child a copy of
 * both; sethostname() inside then changes only the copy (uts_namespaces(7)).
 * It is the smallest namespace and the easiest to see: `hostname` inside a box
 * prints the box's name while the host keeps its own.
 */
#define _GNU_SOURCE
#include "ns.h"

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include "explain.h"

/* Hostname a box gets when --hostname is not given. */
#define NS_UTS_DEFAULT_HOSTNAME "trapeze-box"

/* Set the hostname inside the new UTS namespace; 0 or -errno. */
static int ns_uts_child(const struct box_config *cfg)
{
    const char *name = cfg->hostname ? cfg->hostname : NS_UTS_DEFAULT_HOSTNAME;

    explain_step("uts: the box gets its own hostname");
    if (explain_sys(sethostname(name, strlen(name)), "sethostname(\"%s\")", name) < 0)
        return -errno;
    return 0;
}

const struct ns_ops ns_uts_ops = {
    .name = "uts",
    .mech = BOX_UTS,
    .clone_flag = CLONE_NEWUTS,
    .child_setup = ns_uts_child,
};
