/* caps.c - capabilities: split root's power, keep a few pieces.
 *
 * Linux splits the power of root into about 40 capabilities (capabilities(7)):
 * CAP_SYS_ADMIN (mount, most of what is left), CAP_SYS_MODULE, CAP_SYS_PTRACE,
 * CAP_NET_ADMIN, ...  A process has several sets: *effective* (what is checked
 * now), *permitted* (what it may make effective), *inheritable* and *ambient*
 * (what may survive execve) and the *bounding* set, a ceiling on what any later
 * execve() can grant, even of a setuid-root program.  Root inside the box only
 * needs what it takes to manage its own files and processes, so the runtime
 * keeps this documented set and drops everything else from every set:
 *
 *   CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FOWNER, CAP_FSETID   own the rootfs's files
 *   CAP_KILL                                               signal its processes
 *   CAP_SETUID, CAP_SETGID                                 become another user
 *   CAP_NET_BIND_SERVICE                                   ports below 1024
 *   CAP_SYS_CHROOT                                         chroot() (harmless
 *                                                          after pivot_root)
 *
 * Gone are in particular CAP_SYS_ADMIN, CAP_SYS_MODULE, CAP_SYS_PTRACE,
 * CAP_SYS_RAWIO, CAP_SYS_TIME, CAP_NET_ADMIN, CAP_MKNOD and CAP_SYS_BOOT.
 * Finally PR_SET_NO_NEW_PRIVS makes sure no execve() (setuid binary, file
 * capabilities) can ever give anything back (prctl(2)).
 */
#define _GNU_SOURCE
#include "caps.h"

#include <errno.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "box.h"
#include "explain.h"

/* The set kept, see the top of the file. */
static const int caps_keep[] = {
    CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FOWNER, CAP_FSETID, CAP_KILL,
    CAP_SETUID, CAP_SETGID, CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT,
};

#define CAPS_NKEEP ARRAY_SIZE(caps_keep)

/* Mask of the kept capabilities. */
uint64_t caps_kept(void)
{
    uint64_t mask = 0;

    for (size_t i = 0; i < CAPS_NKEEP; i++)
        mask |= 1ull << caps_keep[i];
    return mask;
}

/* Drop from the bounding set every capability the kernel knows and we do not
 * keep (PR_CAPBSET_READ fails with EINVAL past the last one); 0 or -errno. */
static int caps_drop_bounding(uint64_t keep)
{
    int cap, dropped = 0;

    for (cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++) {
        if (keep & (1ull << cap))
            continue;
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
            return (int)explain_sys(-errno, "prctl(PR_CAPBSET_DROP, %d)", cap);
        dropped++;
    }
    explain_sys(0, "prctl(PR_CAPBSET_DROP, cap) for %d of the %d capabilities", dropped, cap);
    return 0;
}

/* capset(2) effective = permitted = inheritable = keep; 0 or -errno.
 * linux/capability.h: version 3 takes two 32-bit halves. */
static int caps_set(uint64_t keep)
{
    struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

    for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; i++) {
        uint32_t half = (uint32_t)(keep >> (32 * i));
        data[i] = (struct __user_cap_data_struct){ half, half, half };
    }
    if (explain_sys(syscall(SYS_capset, &hdr, data), "capset(effective = permitted = inheritable = %#llx)",
                    (unsigned long long)keep) < 0)
        return -errno;
    return 0;
}

/* The whole drop, then no_new_privs; 0 or -errno. */
int caps_drop(void)
{
    uint64_t keep = caps_kept();
    int rc;

    explain_step("caps: keep %zu capabilities, drop the others, no_new_privs", CAPS_NKEEP);
    rc = caps_drop_bounding(keep);
    if (rc < 0)
        return rc;
    if (explain_sys(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0),
                    "prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)") < 0)
        return -errno;
    rc = caps_set(keep);
    if (rc < 0)
        return rc;
    if (explain_sys(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS, 1)") < 0)
        return -errno;
    return 0;
}
