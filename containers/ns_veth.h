/* ns_veth.h - a veth pair between the box and the namespace that started it. */
#ifndef TRAPEZE_NS_VETH_H
#define TRAPEZE_NS_VETH_H

#include <sys/types.h>

#include "box.h"

/* Name of the end that goes into the box. */
#define NS_VETH_INNER_IF "eth0"

/* Outside: create the pair, NS_VETH_INNER_IF in child's network namespace,
 * v->host_if here, with v->host_addr (if any) and up; 0 or -errno. */
int ns_veth_create(const struct box_veth *v, pid_t child);

/* Inside: give NS_VETH_INNER_IF the address v->inner_addr and bring it up;
 * 0 or -errno. */
int ns_veth_inside(const struct box_veth *v);

#endif
