/* box.h - run one command in a container: the configuration and the entry point. */
#ifndef TRAPEZE_BOX_H
#define TRAPEZE_BOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The mechanisms a container is made of; --only picks a subset of them. */
enum box_mech {
    BOX_USER     = 1u << 0,  /* user namespace: uid/gid maps, namespaced capabilities */
    BOX_PID      = 1u << 1,  /* PID namespace: CMD is PID 1 */
    BOX_MOUNT    = 1u << 2,  /* mount namespace: pivot_root into the rootfs */
    BOX_UTS      = 1u << 3,  /* UTS namespace: own hostname */
    BOX_IPC      = 1u << 4,  /* IPC namespace: own System V IPC and POSIX queues */
    BOX_NET      = 1u << 5,  /* network namespace: own interfaces, only lo */
    BOX_CGROUPNS = 1u << 6,  /* cgroup namespace: /proc/self/cgroup starts at the box */
    BOX_CAPS     = 1u << 7,  /* drop capabilities (bounding set too) */
    BOX_SECCOMP  = 1u << 8,  /* seccomp filter (sets no_new_privs) */
    BOX_RLIMITS  = 1u << 9,  /* resource limits */
    BOX_ALL      = (1u << 10) - 1,
};

/* Number of elements of an array. */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Exit statuses of the runtime itself, as chosen by docker/podman (and POSIX sh
 * for 126/127): they cannot be confused with a status of CMD below 125. */
#define BOX_EXIT_RUNTIME   125  /* the container could not be set up */
#define BOX_EXIT_NOEXEC    126  /* CMD exists but could not be executed */
#define BOX_EXIT_NOTFOUND  127  /* CMD was not found in the rootfs */

/* What cgroups should enforce; 0 means "no limit". */
struct box_limits {
    uint64_t memory_bytes;   /* --memory */
    uint64_t pids;           /* --pids */
    uint64_t cpu_millis;     /* --cpus, in thousandths of a CPU */
};

/* --net veth: a veth pair, one end inside the box. */
struct box_veth {
    bool enabled;
    char host_if[16];        /* IFNAMSIZ: name of the end left outside */
    char inner_addr[48];     /* address/prefix of the inside end (eth0), e.g. 10.0.0.2/24 */
    char host_addr[48];      /* address/prefix of the outside end, or "" */
};

struct box_config {
    const char *rootfs;      /* directory that becomes / */
    char *const *argv;       /* CMD and its arguments, NULL-terminated */
    const char *hostname;    /* --hostname, or NULL for the default */
    unsigned mechs;          /* enum box_mech bits in use */
    bool read_only;          /* --read-only: / mounted read-only */
    bool init;               /* --init: a small init is PID 1, CMD is PID 2 */
    struct box_limits limits;
    struct box_veth veth;
};

/* Turn a --only list such as "pid,uts,mount" into enum box_mech bits in
 * *mechs; 0, or -EINVAL with a message for an unknown name. */
int box_mech_parse(const char *list, unsigned *mechs);

/* Run cfg->argv in a new container; returns CMD's exit status (128+signal if it
 * was killed) or one of the BOX_EXIT_* codes, after removing what it created. */
int box_run(const struct box_config *cfg);

#endif
