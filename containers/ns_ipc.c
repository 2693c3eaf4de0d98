/* ns_ipc.c - the IPC namespace.
 *
 * System V message queues, semaphores and shared memory are found by a numeric
 * key (msgget/semget/shmget), and POSIX message queues by a name: both are
 * global name spaces through which two unrelated processes can meet.  With
 * CLONE_NEWIPC the box gets empty ones (ipc_namespaces(7)): a segment the host
 * created under key 42 does not exist inside, and what the box creates is
 * destroyed with the namespace.  The kernel does all of it at clone() time, so
 * there is nothing left to set up here; this module only names the flag.
 */
#define _GNU_SOURCE
#include "ns.h"

#include <sched.h>

const struct ns_ops ns_ipc_ops = {
    .name = "ipc",
    .mech = BOX_IPC,
    .clone_flag = CLONE_NEWIPC,
};
