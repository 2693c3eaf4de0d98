/* ns_mount.c - the mount namespace: pivot_root into the rootfs.
 *
 * A mount namespace is a private copy of the mount table (mount_namespaces(7)).
 * The box builds its file system view in that copy and then throws the host's
 * away:
 *   1. make every mount private (MS_PRIVATE, recursively), so that nothing the
 *      box mounts propagates back to the host through shared peer groups;
 *   2. bind-mount the rootfs onto itself: pivot_root(2) wants a mount point;
 *   3. mount inside it a fresh /proc (which, in a new PID namespace, shows only
 *      the box; procmask.c hides or freezes its files that reach the host), a tmpfs /dev holding only null, zero, random, urandom and tty
 *      (bind-mounted from the host's, which works in a user namespace where
 *      mknod does not), and a tmpfs /tmp;  /proc has to be mounted *before*
 *      the host's / goes away: in a user namespace the kernel only allows a new
 *      proc where a complete one is already visible;
 *   4. pivot_root(".", "."): the rootfs becomes /, the old / is stacked on top
 *      of it, and umount2(".", MNT_DETACH) takes it off (pivot_root(2), NOTES);
 *   5. with --read-only, remount / read-only.
 * After step 4 there is no path, no "..", no symlink that leads back to the
 * host's files: they are not in this namespace's mount table any more.  This
 * is the difference with chroot(2), which only changes where path lookup
 * starts and is escaped by a second chroot() and a few chdir("..").
 */
#define _GNU_SOURCE
#include "ns_mount.h"
#include "ns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "explain.h"
#include "procmask.h"

/* The devices of a minimal /dev: what the OCI runtime spec (config-linux.md,
 * "Default Devices") requires of every container, /dev/console and /dev/ptmx
 * aside. */
static const char *const ns_mount_devices[] = { "null", "zero", "random", "urandom", "tty" };

/* The /dev symlinks the same spec requires (config-linux.md, "/dev symbolic links"). */
static const struct { const char *link, *target; } ns_mount_dev_links[] = {
    { "dev/fd", "/proc/self/fd" },
    { "dev/stdin", "/proc/self/fd/0" },
    { "dev/stdout", "/proc/self/fd/1" },
    { "dev/stderr", "/proc/self/fd/2" },
};

/* statvfs(3) flag -> mount(2) flag, for the flags a user namespace locks on a
 * mount and that a remount must therefore repeat (mount_namespaces(7), "Restrictions"). */
static const struct { unsigned long st, ms; } ns_mount_locked[] = {
    { ST_NOSUID, MS_NOSUID },     { ST_NODEV, MS_NODEV },
    { ST_NOEXEC, MS_NOEXEC },     { ST_NOATIME, MS_NOATIME },
    { ST_NODIRATIME, MS_NODIRATIME }, { ST_RELATIME, MS_RELATIME },
};

/* mount(2), traced; 0 or -errno. */
int ns_mount_do(const char *src, const char *dst, const char *type,
                       unsigned long flags, const char *data)
{
    if (explain_sys(mount(src, dst, type, flags, data), "mount(\"%s\", \"%s\", \"%s\", %#lx, \"%s\")",
                    src ? src : "", dst, type ? type : "", flags, data ? data : "") == 0)
        return 0;
    explain_error("mount of %s on %s: %s", src ? src : "(remount)", dst, strerror(errno));
    return -errno;
}

/* Step 1 and 2: private propagation, the rootfs a mount point; 0 or -errno. */
static int ns_mount_prepare(const char *rootfs)
{
    int rc = ns_mount_do(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);

    if (rc == 0)
        rc = ns_mount_do(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL);
    if (rc == 0 && explain_sys(chdir(rootfs), "chdir(\"%s\")", rootfs) < 0)
        rc = -errno;
    return rc;
}

/* Bind the host's /dev/<name> onto an empty file dev/<name>; 0 or -errno. */
static int ns_mount_device(const char *name)
{
    char host[32], inner[32];
    int fd;

    snprintf(host, sizeof host, "/dev/%s", name);
    snprintf(inner, sizeof inner, "dev/%s", name);
    fd = open(inner, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0)
        return -errno;
    close(fd);
    return ns_mount_do(host, inner, NULL, MS_BIND, NULL);
}

/* Step 3 for /dev: tmpfs, the devices, the links (cwd is the rootfs); 0 or -errno. */
static int ns_mount_dev(void)
{
    int rc = ns_mount_do("tmpfs", "dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=64k");

    for (size_t i = 0; rc == 0 && i < ARRAY_SIZE(ns_mount_devices); i++)
        rc = ns_mount_device(ns_mount_devices[i]);
    for (size_t i = 0; rc == 0 && i < ARRAY_SIZE(ns_mount_dev_links); i++)
        if (symlink(ns_mount_dev_links[i].target, ns_mount_dev_links[i].link) < 0)
            rc = -errno;
    return rc;
}

/* Step 3: /proc (its dangerous files hidden), /dev, /tmp inside the rootfs
 * (cwd); 0 or -errno. */
static int ns_mount_filesystems(void)
{
    int rc = ns_mount_do("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);

    if (rc == -EPERM)
        explain_error("in a user namespace a new proc is refused while something is mounted "
                      "over parts of the host's /proc (pid_namespaces(7), proc(5))");
    if (rc == 0)
        rc = procmask_apply();
    if (rc == 0)
        rc = ns_mount_dev();
    if (rc == 0)
        rc = ns_mount_do("tmpfs", "tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
    return rc;
}

/* Step 4: the rootfs (cwd) becomes /, the old / is detached; 0 or -errno. */
static int ns_mount_pivot(void)
{
    /* glibc has no wrapper for pivot_root(2) */
    if (explain_sys(syscall(SYS_pivot_root, ".", "."), "pivot_root(\".\", \".\")") < 0)
        return -errno;
    if (explain_sys(umount2(".", MNT_DETACH), "umount2(\".\", MNT_DETACH)") < 0)
        return -errno;
    if (chdir("/") < 0)
        return -errno;
    return 0;
}

/* Remount the mount at path read-only, repeating its locked flags; 0 or -errno. */
int ns_mount_read_only(const char *path)
{
    unsigned long flags = MS_REMOUNT | MS_BIND | MS_RDONLY;
    struct statvfs sv;

    if (statvfs(path, &sv) < 0)
        return -errno;
    for (size_t i = 0; i < ARRAY_SIZE(ns_mount_locked); i++)
        if (sv.f_flag & ns_mount_locked[i].st)
            flags |= ns_mount_locked[i].ms;
    return ns_mount_do(NULL, path, NULL, flags, NULL);
}

/* The five steps above, in the child's new mount namespace; 0 or -errno. */
static int ns_mount_child(const struct box_config *cfg)
{
    int rc;

    explain_step("mount: pivot_root into %s", cfg->rootfs);
    rc = ns_mount_prepare(cfg->rootfs);
    if (rc == 0)
        rc = ns_mount_filesystems();
    if (rc == 0)
        rc = ns_mount_pivot();
    if (rc == 0 && cfg->read_only)
        rc = ns_mount_read_only("/");
    return rc;
}

/* No mount namespace: chroot(2) only, which a root inside can escape; 0 or -errno. */
int ns_mount_chroot(const char *rootfs)
{
    explain_step("mount namespace off: chroot into %s (escapable!)", rootfs);
    if (explain_sys(chdir(rootfs), "chdir(\"%s\")", rootfs) < 0 ||
        explain_sys(chroot("."), "chroot(\".\")") < 0 || chdir("/") < 0)
        return -errno;
    return 0;
}

const struct ns_ops ns_mount_ops = {
    .name = "mount",
    .mech = BOX_MOUNT,
    .clone_flag = CLONE_NEWNS,
    .child_setup = ns_mount_child,
};
