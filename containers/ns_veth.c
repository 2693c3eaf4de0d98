/* ns_veth.c - a veth pair, made with rtnetlink.
 *
 * A veth device is a pair of Ethernet interfaces joined back to back: what one
 * sends the other receives (veth(4)).  Created with one end in the box's
 * network namespace and the other in the runtime's, it is the box's cable.
 *
 * Interfaces are created and addressed with rtnetlink (rtnetlink(7)): a
 * message on an AF_NETLINK socket made of a header (struct nlmsghdr), a fixed
 * part (struct ifinfomsg for a link, struct ifaddrmsg for an address) and a
 * list of type-length-value attributes (struct rtattr), which may nest.  The
 * veth request is
 *
 *   RTM_NEWLINK  ifinfomsg
 *     IFLA_IFNAME "tb0"
 *     IFLA_LINKINFO
 *       IFLA_INFO_KIND "veth"
 *       IFLA_INFO_DATA
 *         VETH_INFO_PEER  ifinfomsg
 *           IFLA_IFNAME "eth0"
 *           IFLA_NET_NS_PID <pid of the box>
 *
 * and the kernel answers every request with an NLMSG_ERROR whose error is 0
 * on success (we ask for it with NLM_F_ACK).  IPv4 only.
 */
#define _GNU_SOURCE
#include "ns_veth.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "explain.h"

/* One request under construction: a flat buffer, nests patched in place. */
struct nl_req {
    union {
        struct nlmsghdr hdr;
        char buf[512];
    };
};

/* Start a request of type with NLM_F_REQUEST|NLM_F_ACK|extra and a fixed part
 * of fixed_len bytes (zeroed); returns the fixed part. */
static void *nl_start(struct nl_req *r, int type, int extra, size_t fixed_len)
{
    memset(r, 0, sizeof *r);
    r->hdr.nlmsg_type = type;
    r->hdr.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | extra;
    r->hdr.nlmsg_len = NLMSG_LENGTH(fixed_len);
    return NLMSG_DATA(&r->hdr);
}

/* Append attribute type with len bytes of data (may be NULL: a nest); returns
 * it, so a nest can be closed by nl_end(). */
static struct rtattr *nl_put(struct nl_req *r, int type, const void *data, size_t len)
{
    struct rtattr *a = (struct rtattr *)(r->buf + NLMSG_ALIGN(r->hdr.nlmsg_len));

    a->rta_type = type;
    a->rta_len = RTA_LENGTH(len);
    if (data)
        memcpy(RTA_DATA(a), data, len);
    r->hdr.nlmsg_len = NLMSG_ALIGN(r->hdr.nlmsg_len) + RTA_ALIGN(a->rta_len);
    return a;
}

/* Close nest a: its length covers everything appended since. */
static void nl_end(struct nl_req *r, struct rtattr *a)
{
    a->rta_len = (unsigned short)(r->buf + r->hdr.nlmsg_len - (char *)a);
}

/* Send r on a fresh rtnetlink socket and read the kernel's ack; 0 or -errno
 * (errno set too). */
static int nl_talk(struct nl_req *r)
{
    struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
    struct nl_req ack;
    ssize_t n;
    int fd, rc;

    fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0)
        return -errno;
    rc = -EIO;
    if (sendto(fd, r, r->hdr.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0)
        rc = -errno;
    else if ((n = recv(fd, &ack, sizeof ack, 0)) < 0)
        rc = -errno;
    else if (NLMSG_OK(&ack.hdr, (size_t)n) && ack.hdr.nlmsg_type == NLMSG_ERROR)
        rc = ((struct nlmsgerr *)NLMSG_DATA(&ack.hdr))->error;
    close(fd);
    if (rc < 0)
        errno = -rc;    /* so that explain_sys() can name it */
    return rc;
}

/* Parse "a.b.c.d/len" into addr and prefix; 0 or -EINVAL. */
static int nl_parse_cidr(const char *text, struct in_addr *addr, unsigned char *prefix)
{
    char ip[INET_ADDRSTRLEN];
    const char *slash = strchr(text, '/');
    char *end;
    long len;

    if (!slash || (size_t)(slash - text) >= sizeof ip)
        return -EINVAL;
    memcpy(ip, text, slash - text);
    ip[slash - text] = '\0';
    len = strtol(slash + 1, &end, 10);
    if (*end || len < 0 || len > 32 || inet_pton(AF_INET, ip, addr) != 1)
        return -EINVAL;
    *prefix = (unsigned char)len;
    return 0;
}

/* Add cidr to interface name, then bring it up; 0 or -errno. */
static int nl_address_and_up(const char *name, const char *cidr)
{
    struct nl_req r;
    struct ifaddrmsg *ifa;
    struct ifinfomsg *ifi;
    struct in_addr addr;
    unsigned char prefix;
    unsigned index = if_nametoindex(name);
    int rc;

    if (!index)
        return -errno;
    if (cidr[0]) {
        rc = nl_parse_cidr(cidr, &addr, &prefix);
        if (rc < 0)
            return rc;
        ifa = nl_start(&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof *ifa);
        *ifa = (struct ifaddrmsg){ .ifa_family = AF_INET, .ifa_prefixlen = prefix, .ifa_index = index };
        nl_put(&r, IFA_LOCAL, &addr, sizeof addr);
        nl_put(&r, IFA_ADDRESS, &addr, sizeof addr);
        if (explain_sys(nl_talk(&r), "netlink RTM_NEWADDR %s dev %s", cidr, name) < 0)
            return -errno;
    }
    ifi = nl_start(&r, RTM_NEWLINK, 0, sizeof *ifi);
    *ifi = (struct ifinfomsg){ .ifi_family = AF_UNSPEC, .ifi_index = (int)index,
                               .ifi_flags = IFF_UP, .ifi_change = IFF_UP };
    return (int)explain_sys(nl_talk(&r), "netlink RTM_NEWLINK %s up", name);
}

/* Outside: the pair, then the host end's address; 0 or -errno. */
int ns_veth_create(const struct box_veth *v, pid_t child)
{
    struct rtattr *linkinfo, *data, *peer;
    struct ifinfomsg *ifi, peer_ifi = { .ifi_family = AF_UNSPEC };
    uint32_t pid = (uint32_t)child;
    struct nl_req r;
    int rc;

    explain_step("net: veth pair %s (here) <-> %s (in the box)", v->host_if, NS_VETH_INNER_IF);
    ifi = nl_start(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof *ifi);
    ifi->ifi_family = AF_UNSPEC;
    nl_put(&r, IFLA_IFNAME, v->host_if, strlen(v->host_if) + 1);
    linkinfo = nl_put(&r, IFLA_LINKINFO, NULL, 0);
    nl_put(&r, IFLA_INFO_KIND, "veth", sizeof "veth");
    data = nl_put(&r, IFLA_INFO_DATA, NULL, 0);
    peer = nl_put(&r, VETH_INFO_PEER, &peer_ifi, sizeof peer_ifi);
    nl_put(&r, IFLA_IFNAME, NS_VETH_INNER_IF, sizeof NS_VETH_INNER_IF);
    nl_put(&r, IFLA_NET_NS_PID, &pid, sizeof pid);
    nl_end(&r, peer);
    nl_end(&r, data);
    nl_end(&r, linkinfo);
    rc = (int)explain_sys(nl_talk(&r), "netlink RTM_NEWLINK %s type veth peer %s netns %d",
                          v->host_if, NS_VETH_INNER_IF, (int)child);
    if (rc < 0)
        return rc;
    return nl_address_and_up(v->host_if, v->host_addr);
}

/* Inside: address and up for the box's end; 0 or -errno. */
int ns_veth_inside(const struct box_veth *v)
{
    return nl_address_and_up(NS_VETH_INNER_IF, v->inner_addr);
}
