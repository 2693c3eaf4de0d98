/* procmask.h - hide or freeze the files of a fresh /proc that reach the host. */
#ifndef TRAPEZE_PROCMASK_H
#define TRAPEZE_PROCMASK_H

/* With the box's new proc mounted at proc/ (relative to the cwd, the rootfs):
 * mask the host-wide files, make the host-wide writable ones read-only; paths
 * this kernel does not have are skipped; 0 or -errno. */
int procmask_apply(void);

#endif
