/* seccomp_filter.c - seccomp: deny the system calls that attack the kernel.
 *
 * Dropping capabilities (caps.c) disarms most dangerous calls, but not all:
 * some need no capability at all (unshare(CLONE_NEWUSER) gives a fresh set of
 * them; userfaultfd and perf_event_open are favourite tools of kernel
 * exploits), and the kernel's attack surface is the whole syscall table.  A
 * seccomp filter is a small BPF program the kernel runs on every system call
 * of the process and its descendants, and that can make a call fail with an
 * errno before it runs (seccomp(2)).  It is inherited, survives execve(), and
 * can never be removed.  libseccomp compiles a rule list into that BPF.
 *
 * The policy here is a deny list (default: allow) that answers EPERM to:
 *   - loading code into the kernel or replacing it: init_module,
 *     finit_module, delete_module, kexec_load, kexec_file_load, bpf;
 *   - the kernel keyring, not namespaced: add_key, request_key, keyctl;
 *   - file handles, which bypass the mount namespace: open_by_handle_at,
 *     name_to_handle_at (the "shocker" escape);
 *   - looking into other processes: ptrace, process_vm_readv/writev, kcmp;
 *   - classic exploit helpers: userfaultfd, perf_event_open;
 *   - changing the file system view after setup: mount, umount2, pivot_root,
 *     chroot is kept (harmless after pivot_root), the new mount API
 *     (open_tree, move_mount, fsopen, fsconfig, fsmount, fspick, mount_setattr);
 *   - other namespaces: setns, and unshare()/clone() asking for
 *     CLONE_NEWUSER (clone3 passes its flags in memory a filter cannot read,
 *     so it gets ENOSYS and the C library falls back to clone);
 *   - the machine itself: reboot, swapon, swapoff, acct, syslog, iopl,
 *     ioperm, settimeofday, clock_settime, clock_adjtime, quotactl,
 *     lookup_dcookie;
 *   - ioctl(TIOCSTI), which pushes characters into the input of a terminal
 *     shared with the host (tty_ioctl(4)).
 * The filter is installed for the native ABI and, on x86-64, for the i386 and
 * x32 ABIs too: a 32-bit int $0x80 must not be a way around it.
 */
#define _GNU_SOURCE
#include "seccomp_filter.h"

#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/ioctl.h>

#include "box.h"
#include "explain.h"

/* Denied outright (see the top of the file). */
static const char *const seccomp_filter_denied[] = {
    "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load", "bpf",
    "add_key", "request_key", "keyctl",
    "open_by_handle_at", "name_to_handle_at",
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp",
    "userfaultfd", "perf_event_open",
    "mount", "umount2", "umount", "pivot_root", "open_tree", "move_mount", "fsopen", "fsconfig",
    "fsmount", "fspick", "mount_setattr",
    "setns", "reboot", "swapon", "swapoff", "acct", "syslog", "iopl", "ioperm",
    "settimeofday", "clock_settime", "clock_adjtime", "quotactl", "lookup_dcookie",
};

/* The extra ABIs a 64-bit x86 process can enter the kernel through. */
static const uint32_t seccomp_filter_arches[] = {
#if defined(__x86_64__)
    SCMP_ARCH_X86, SCMP_ARCH_X32,
#endif
    0,
};

/* Add one rule "name -> errno(err)" with up to one argument comparison
 * (argc 0 or 1); names unknown to every ABI are skipped; 0 or -errno. */
static int seccomp_filter_rule(scmp_filter_ctx ctx, const char *name, int err,
                               unsigned argc, struct scmp_arg_cmp cmp)
{
    int nr = seccomp_syscall_resolve_name(name);

    if (nr == __NR_SCMP_ERROR)
        return 0;
    return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(err), nr, argc, cmp);
}

/* All the rules of the policy; 0 or -errno. */
static int seccomp_filter_rules(scmp_filter_ctx ctx)
{
    const struct scmp_arg_cmp none = { 0 };
    int rc = 0;

    for (size_t i = 0; rc == 0 && i < ARRAY_SIZE(seccomp_filter_denied); i++)
        rc = seccomp_filter_rule(ctx, seccomp_filter_denied[i], EPERM, 0, none);
    if (rc == 0)
        rc = seccomp_filter_rule(ctx, "unshare", EPERM, 1,
                                 SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER));
    if (rc == 0)
        rc = seccomp_filter_rule(ctx, "clone", EPERM, 1,
                                 SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER));
    if (rc == 0)
        rc = seccomp_filter_rule(ctx, "clone3", ENOSYS, 0, none);
    if (rc == 0)
        rc = seccomp_filter_rule(ctx, "ioctl", EPERM, 1, SCMP_A1(SCMP_CMP_EQ, TIOCSTI));
    return rc;
}

/* Build the filter and load it; 0 or -errno. */
int seccomp_filter_install(void)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    int rc = 0;

    explain_step("seccomp: %zu system calls denied, and CLONE_NEWUSER, clone3, TIOCSTI",
                 ARRAY_SIZE(seccomp_filter_denied));
    if (!ctx)
        return -ENOMEM;
    for (size_t i = 0; rc == 0 && seccomp_filter_arches[i]; i++)
        if (seccomp_arch_exist(ctx, seccomp_filter_arches[i]) == -EEXIST)
            rc = seccomp_arch_add(ctx, seccomp_filter_arches[i]);
    if (rc == 0)
        rc = seccomp_filter_rules(ctx);
    if (rc == 0) {
        rc = seccomp_load(ctx);
        errno = -rc;
        explain_sys(rc < 0 ? -1 : 0, "seccomp(SECCOMP_SET_MODE_FILTER, <bpf program>)");
    }
    seccomp_release(ctx);
    return rc;
}
