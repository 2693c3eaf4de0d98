/* ns_net.c - the network namespace.
 *
 * A network namespace has its own interfaces, addresses, routes, firewall rules
 * and port numbers (network_namespaces(7)).  A new one holds a single
 * interface, the loopback "lo", and even that one is down: nothing can be
 * reached, not even 127.0.0.1.  So the box brings lo up, and that is all of
 * `--net none` (the default): the box can talk to itself and to nobody else.
 *
 * Bringing an interface up is setting IFF_UP in its flags with the
 * SIOCSIFFLAGS ioctl on any socket (netdevice(7)).  A connection to the
 * outside needs a veth pair, a virtual cable whose two ends can sit in two
 * namespaces (veth(4)); --net veth asks for one (ns_veth.c).
 */
#define _GNU_SOURCE
#include "ns.h"
#include "ns_veth.h"

#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "explain.h"

/* Set IFF_UP on interface name; 0 or -errno. */
static int ns_net_up(const char *name)
{
    struct ifreq ifr;
    int fd, rc = 0;

    fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
        rc = -errno;
    } else {
        ifr.ifr_flags |= IFF_UP;
        if (explain_sys(ioctl(fd, SIOCSIFFLAGS, &ifr), "ioctl(SIOCSIFFLAGS, \"%s\", IFF_UP)", name) < 0)
            rc = -errno;
    }
    close(fd);
    return rc;
}

/* In the box: lo up, then the inner veth end if there is one; 0 or -errno. */
static int ns_net_child(const struct box_config *cfg)
{
    int rc;

    explain_step("net: only lo, brought up");
    rc = ns_net_up("lo");
    if (rc == 0 && cfg->veth.enabled)
        rc = ns_veth_inside(&cfg->veth);
    return rc;
}

/* Outside: create the veth pair, one end in the child's namespace; 0 or -errno. */
static int ns_net_parent(const struct box_config *cfg, pid_t child)
{
    if (!cfg->veth.enabled)
        return 0;
    return ns_veth_create(&cfg->veth, child);
}

const struct ns_ops ns_net_ops = {
    .name = "net",
    .mech = BOX_NET,
    .clone_flag = CLONE_NEWNET,
    .parent_setup = ns_net_parent,
    .child_setup = ns_net_child,
};
