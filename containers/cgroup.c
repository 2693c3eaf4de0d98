/* cgroup.c - control groups: what the box may use.
 *
 * Namespaces limit what a process can *see*; control groups limit what it can
 * *use* (cgroups(7)).  A cgroup is a directory in a special file system; a
 * process is put in it by writing its pid to the file cgroup.procs, and
 * controllers enforce limits written to other files of the directory:
 * memory (the OOM killer fires inside the group when it is over), pids
 * (fork() fails with EAGAIN past the limit: a fork bomb is contained) and
 * cpu (a quota of CPU time per period).  Children of a process stay in its
 * cgroup, so the whole box is accounted together.
 *
 * There are two versions.  v1 mounts one hierarchy per controller
 * (/sys/fs/cgroup/memory, /sys/fs/cgroup/pids ...) and the box's cgroup is one
 * directory in each; v2 has a single "unified" hierarchy where a parent lists
 * in cgroup.subtree_control the controllers its children may use.  Machines
 * are often hybrid: v1 controllers plus an empty v2 mount.  The runtime uses
 * v2 when it has every controller it needs and v1 otherwise; the two differ
 * only in file names and in where the directories are, which is what struct
 * cgroup_ops (cgroup_v1.c, cgroup_v2.c) captures.  Creating, attaching and
 * removing are the same and live here.
 *
 * The box's cgroup is created *under the runtime's own* cgroup (read from
 * /proc/self/cgroup), so it stays within whatever limits the runtime has.
 */
#define _GNU_SOURCE
#include "cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "explain.h"

/* The order of the backends tried: v2 first, the kernel's present. */
static const struct cgroup_ops *const cgroup_backends[] = { &cgroup_v2_ops, &cgroup_v1_ops };

static const char *const cgroup_names[CGROUP_NCTRL] = {
    [CGROUP_MEMORY] = "memory", [CGROUP_PIDS] = "pids", [CGROUP_CPU] = "cpu",
};

/* rmdir() of a cgroup whose last process was just reaped can still see it
 * busy while the kernel finishes tearing the task down: retry for up to
 * CGROUP_RMDIR_TRIES * CGROUP_RMDIR_WAIT_NS (1 s). */
#define CGROUP_RMDIR_TRIES   1000
#define CGROUP_RMDIR_WAIT_NS 1000000L

/* Name of controller c. */
const char *cgroup_ctrl_name(enum cgroup_ctrl c)
{
    return cgroup_names[c];
}

/* The controllers limits l needs, as a mask. */
static unsigned cgroup_needed(const struct box_limits *l)
{
    return (l->memory_bytes ? 1u << CGROUP_MEMORY : 0) | (l->pids ? 1u << CGROUP_PIDS : 0) |
           (l->cpu_millis ? 1u << CGROUP_CPU : 0);
}

/* Is dir[c] the same directory as an earlier controller's (co-mounted v1, or v2)? */
static bool cgroup_dir_seen(const struct cgroup *cg, int c)
{
    for (int d = 0; d < c; d++)
        if ((cg->need & (1u << d)) && strcmp(cg->dir[d], cg->dir[c]) == 0)
            return true;
    return false;
}

/* Explain why the cgroup could not be made, for the user. */
static void cgroup_complain(const struct cgroup *cg, int c, int err)
{
    if (err == -EACCES || err == -EPERM || err == -EROFS)
        explain_error("missing privileges: cannot create cgroup %s (%s); --memory, --pids and "
                      "--cpus need root or a delegated cgroup", cg->dir[c], strerror(-err));
    else
        explain_error("cgroup %s: %s", cg->dir[c], strerror(-err));
}

/* Explain why the box's cgroup could not be placed, for the user. */
static void cgroup_complain_locate(const struct cgroup *cg, int err)
{
    if (err == -EBUSY)
        explain_error("cgroup %s: cannot hand controllers down from a cgroup that holds "
                      "processes (cgroup-v2.rst, \"no internal process\" rule); run trapeze-box "
                      "in a delegated cgroup, e.g. under systemd-run --scope -p Delegate=yes",
                      cg->ops->name);
    else
        explain_error("cgroup %s: cannot find where to create %s: %s", cg->ops->name, cg->name,
                      strerror(-err));
}

/* mkdir every needed directory; 0 or -errno. */
static int cgroup_mkdirs(struct cgroup *cg)
{
    for (int c = 0; c < CGROUP_NCTRL; c++) {
        if (!(cg->need & (1u << c)) || cgroup_dir_seen(cg, c))
            continue;
        /* a cgroup left by a runtime that was SIGKILLed, whose pid is reused:
         * rmdir() removes it only if it is empty, i.e. truly stale */
        if (access(cg->dir[c], F_OK) == 0)
            explain_sys(rmdir(cg->dir[c]), "rmdir(\"%s\") (stale)", cg->dir[c]);
        if (explain_sys(mkdir(cg->dir[c], 0755), "mkdir(\"%s\")", cg->dir[c]) < 0) {
            int err = -errno;
            cgroup_complain(cg, c, err);
            return err;
        }
    }
    return 0;
}

/* Pick a backend for the needed controllers; NULL (message printed) if none. */
static const struct cgroup_ops *cgroup_pick(unsigned need)
{
    for (size_t i = 0; i < ARRAY_SIZE(cgroup_backends); i++)
        if (cgroup_backends[i]->available(need))
            return cgroup_backends[i];
    for (int c = 0; c < CGROUP_NCTRL; c++)
        if (need & (1u << c))
            explain_error("unsupported kernel feature: no usable cgroup '%s' controller "
                          "(neither in cgroup v2 nor mounted as v1)", cgroup_names[c]);
    return NULL;
}

/* Create the cgroup and write its limits; 0 or -errno. */
int cgroup_create(struct cgroup *cg, const struct box_limits *l)
{
    int rc;

    memset(cg, 0, sizeof *cg);
    cg->need = cgroup_needed(l);
    if (!cg->need)
        return 0;
    cg->ops = cgroup_pick(cg->need);
    if (!cg->ops)
        return -ENOTSUP;
    snprintf(cg->name, sizeof cg->name, "trapeze-box-%d", (int)getpid());
    explain_step("cgroup: a %s cgroup %s for the limits", cg->ops->name, cg->name);
    rc = cg->ops->locate(cg);
    if (rc < 0)
        cgroup_complain_locate(cg, rc);
    if (rc == 0)
        rc = cgroup_mkdirs(cg);
    if (rc == 0 && (rc = cg->ops->limit(cg, l)) < 0)
        explain_error("cannot set the cgroup limits: %s", strerror(-rc));
    if (rc < 0)
        cgroup_destroy(cg);
    return rc;
}

/* Write pid into cgroup.procs of each directory; 0 or -errno. */
int cgroup_attach(struct cgroup *cg, pid_t pid)
{
    char text[16];
    int rc;

    snprintf(text, sizeof text, "%d", (int)pid);
    for (int c = 0; c < CGROUP_NCTRL; c++) {
        if (!(cg->need & (1u << c)) || cgroup_dir_seen(cg, c))
            continue;
        rc = cgroup_write(cg->dir[c], "cgroup.procs", text);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Did the OOM killer act in the box's memory cgroup? */
bool cgroup_oom_killed(struct cgroup *cg)
{
    return (cg->need & (1u << CGROUP_MEMORY)) && cg->ops->oom_kills(cg) > 0;
}

/* rmdir dir, retrying while the kernel still sees it busy; 0 or -errno. */
static int cgroup_rmdir(const char *dir)
{
    struct timespec wait = { .tv_nsec = CGROUP_RMDIR_WAIT_NS };

    for (int i = 0; i < CGROUP_RMDIR_TRIES; i++) {
        if (rmdir(dir) == 0 || errno == ENOENT)
            return (int)explain_sys(0, "rmdir(\"%s\")", dir);
        if (errno != EBUSY)
            break;
        nanosleep(&wait, NULL);
    }
    return (int)explain_sys(-errno, "rmdir(\"%s\")", dir);
}

/* Remove every directory that was made (in reverse order); 0 or -errno. */
int cgroup_destroy(struct cgroup *cg)
{
    int rc = 0, err;

    for (int c = CGROUP_NCTRL - 1; c >= 0; c--) {
        if (!(cg->need & (1u << c)) || !cg->dir[c][0] || cgroup_dir_seen(cg, c))
            continue;
        err = cgroup_rmdir(cg->dir[c]);
        if (err < 0 && rc == 0)
            rc = err;
    }
    cg->need = 0;
    return rc;
}

/* Does list (words separated by sep) contain word exactly? */
bool cgroup_has_word(const char *list, char sep, const char *word)
{
    size_t n = strlen(word);

    for (const char *p = list; p; p = strchr(p, sep)) {
        p += (*p == sep);
        if (strncmp(p, word, n) == 0 && (p[n] == sep || p[n] == '\0'))
            return true;
    }
    return false;
}

/* One mountinfo line: mount point (field 5) if fstype and option match (proc(5):
 * "... mount-point options [optional fields] - fstype source super-options"). */
static bool cgroup_mount_matches(char *line, const char *fstype, const char *option,
                                 char *out, size_t size)
{
    char point[PATH_MAX], type[64], super[512];
    char *dash = strstr(line, " - ");

    if (!dash || sscanf(line, "%*s %*s %*s %*s %4095s", point) != 1 ||
        sscanf(dash + 3, "%63s %*s %511s", type, super) != 2)
        return false;
    if (strcmp(type, fstype) != 0 || (option && !cgroup_has_word(super, ',', option)))
        return false;
    snprintf(out, size, "%s", point);
    return true;
}

/* Mount point of an fstype file system with super option; 0 or -ENOENT. */
int cgroup_find_mount(const char *fstype, const char *option, char *out, size_t size)
{
    FILE *f = fopen("/proc/self/mountinfo", "re");
    char line[1024];
    int rc = -ENOENT;

    if (!f)
        return -errno;
    while (rc < 0 && fgets(line, sizeof line, f))
        if (cgroup_mount_matches(line, fstype, option, out, size))
            rc = 0;
    fclose(f);
    return rc;
}

/* Our cgroup path for ctrl ("" = the v2 "0::" line), cgroups(7) "/proc/[pid]/cgroup"
 * lines are "hierarchy-ID:controller-list:cgroup-path"; 0 or -ENOENT. */
int cgroup_find_own(const char *ctrl, char *out, size_t size)
{
    FILE *f = fopen("/proc/self/cgroup", "re");
    char line[PATH_MAX + 128], *list, *path;
    int rc = -ENOENT;

    if (!f)
        return -errno;
    while (rc < 0 && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        list = strchr(line, ':');
        path = list ? strchr(list + 1, ':') : NULL;
        if (!path)
            continue;
        *path++ = '\0';
        list++;
        if (ctrl[0] ? cgroup_has_word(list, ',', ctrl) : list[0] == '\0') {
            snprintf(out, size, "%s", strcmp(path, "/") == 0 ? "" : path);
            rc = 0;
        }
    }
    fclose(f);
    return rc;
}

/* Write text into dir/file; 0 or -errno. */
int cgroup_write(const char *dir, const char *file, const char *text)
{
    char path[PATH_MAX + 64];
    int fd, rc = 0;

    snprintf(path, sizeof path, "%s/%s", dir, file);
    fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    if (explain_sys(write(fd, text, strlen(text)), "write(\"%s\", \"%s\")", path, text) < 0)
        rc = -errno;
    close(fd);
    return rc;
}

/* Value of "key N" in dir/file; >= 0 or -errno. */
long cgroup_read_key(const char *dir, const char *file, const char *key)
{
    char path[PATH_MAX + 64], name[64];
    long value, rc = -ENOENT;
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", dir, file);
    f = fopen(path, "re");
    if (!f)
        return -errno;
    while (rc < 0 && fscanf(f, "%63s %ld", name, &value) == 2)
        if (strcmp(name, key) == 0)
            rc = value;
    fclose(f);
    return rc;
}
