/* ns_mount.h - the mount namespace: the rootfs becomes /, the host's / goes away. */
#ifndef TRAPEZE_NS_MOUNT_H
#define TRAPEZE_NS_MOUNT_H

/* mount(2), traced by --explain; 0 or -errno. */
int ns_mount_do(const char *src, const char *dst, const char *type, unsigned long flags, const char *data);

/* Remount the mount at path read-only, keeping the flags a user namespace
 * locks on it (nosuid, nodev, noexec, atime); 0 or -errno. */
int ns_mount_read_only(const char *path);

/* Without a mount namespace (--only without "mount"): the old, escapable way,
 * chroot(rootfs); 0 or -errno. */
int ns_mount_chroot(const char *rootfs);

#endif
