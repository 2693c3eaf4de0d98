/* ns_mount.h - the mount namespace: the rootfs becomes /, the host's / goes away. */
#ifndef TRAPEZE_NS_MOUNT_H
#define TRAPEZE_NS_MOUNT_H

/* Without a mount namespace (--only without "mount"): the old, escapable way,
 * chroot(rootfs); 0 or -errno. */
int ns_mount_chroot(const char *rootfs);

#endif
