/* cgroup.h - control groups: limit what the box may use, v1 or v2 behind one table. */
#ifndef TRAPEZE_CGROUP_H
#define TRAPEZE_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "box.h"

/* The controllers the runtime knows, as bits of a "need" mask. */
enum cgroup_ctrl {
    CGROUP_MEMORY,   /* --memory */
    CGROUP_PIDS,     /* --pids */
    CGROUP_CPU,      /* --cpus */
    CGROUP_NCTRL,
};

/* The box's cgroup: one directory per controller hierarchy (v1) or one (v2). */
struct cgroup {
    const struct cgroup_ops *ops;
    char name[32];                       /* trapeze-box-<runtime pid> */
    char dir[CGROUP_NCTRL][PATH_MAX];    /* dir[c] is where controller c lives */
    unsigned need;                       /* 1u << enum cgroup_ctrl, per limit asked */
};

/* What differs between cgroup v1 and v2; cgroup_v1.c and cgroup_v2.c fill one each. */
struct cgroup_ops {
    const char *name;
    /* Can every controller in need be used here? */
    bool (*available)(unsigned need);
    /* Make cg->dir[c] for each needed controller (not created yet); 0 or -errno. */
    int (*locate)(struct cgroup *cg);
    /* Write the limits into the created directories; 0 or -errno. */
    int (*limit)(struct cgroup *cg, const struct box_limits *l);
    /* How many processes the OOM killer killed in the cgroup; >= 0 or -errno. */
    long (*oom_kills)(struct cgroup *cg);
};

extern const struct cgroup_ops cgroup_v1_ops;
extern const struct cgroup_ops cgroup_v2_ops;

/* Name of controller c as the kernel spells it. */
const char *cgroup_ctrl_name(enum cgroup_ctrl c);

/* Create the box's cgroup for limits l (nothing if l asks for nothing), on v2
 * if it has the controllers, else on v1; 0 or -errno, with a message printed. */
int cgroup_create(struct cgroup *cg, const struct box_limits *l);

/* Move process pid into the cgroup; 0 or -errno. */
int cgroup_attach(struct cgroup *cg, pid_t pid);

/* Did the OOM killer kill something in the cgroup? */
bool cgroup_oom_killed(struct cgroup *cg);

/* Remove the cgroup's directories (all its processes must be gone); 0 or -errno. */
int cgroup_destroy(struct cgroup *cg);

/* --- helpers shared by the v1 and v2 backends --- */

/* Does list (words separated by sep) contain word exactly? */
bool cgroup_has_word(const char *list, char sep, const char *word);

/* Find the mount point of a file system of type fstype whose super options
 * contain option (NULL: any) in /proc/self/mountinfo; 0 or -ENOENT. */
int cgroup_find_mount(const char *fstype, const char *option, char *out, size_t size);

/* This process's cgroup path for controller ctrl ("" = the v2 line) from
 * /proc/self/cgroup; 0 or -ENOENT. */
int cgroup_find_own(const char *ctrl, char *out, size_t size);

/* Write text into dir/file; 0 or -errno. */
int cgroup_write(const char *dir, const char *file, const char *text);

/* Read the value after "key " in dir/file (flat keyed file); >= 0 or -errno. */
long cgroup_read_key(const char *dir, const char *file, const char *key);

#endif
