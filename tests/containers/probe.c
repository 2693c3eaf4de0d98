/* probe.c - a test helper that runs *inside* a box (statically linked, copied
 * into the rootfs as /bin/probe) and reports what it can and cannot do.
 *
 *   probe escape-chroot MARKER   the classic chroot escape; MARKER is a host path
 *   probe dotdot MARKER          open("/../../..MARKER")
 *   probe symlink MARKER         open() through an absolute symlink to MARKER
 *   probe syscalls               each call the seccomp filter denies, and its errno
 *   probe forkbomb               fork until fork fails; how many, and why
 *   probe hog MB                 allocate and touch MB mebibytes
 *   probe crash                  die of a real SIGSEGV
 *   probe ifaces                 the network interfaces it sees
 *   probe shm KEY                does a System V shared memory segment KEY exist?
 *   probe trap                   print "ready", exit 42 on SIGTERM
 *   probe zombies                make an orphan that exits, count zombies after
 *   probe connect ADDR PORT      TCP connect and send "hello"
 *
 * Each prints one line per fact, in a fixed format the tests match.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MIB (1024 * 1024)

/* Print "contained" (0) or "escaped" (1) for whether MARKER can be opened. */
static int verdict(const char *path)
{
    int fd = open(path, O_RDONLY);

    if (fd >= 0) {
        close(fd);
        puts("escaped");
        return 1;
    }
    puts("contained");
    return 0;
}

/* chroot into a subdirectory (/bin: it exists, nothing is created) while the
 * cwd stays outside it, climb with "..", chroot(".") where the climb ended. */
static int escape_chroot(const char *marker)
{
    if (chroot("/bin") < 0) {
        printf("chroot failed %s\n", strerrorname_np(errno));
        return 2;
    }
    for (int i = 0; i < 64; i++)
        if (chdir("..") < 0)
            break;
    if (chroot(".") < 0) {
        printf("chroot failed %s\n", strerrorname_np(errno));
        return 2;
    }
    return verdict(marker);
}

static int dotdot(const char *marker)
{
    char path[4096];

    snprintf(path, sizeof path, "/../../../../../../../..%s", marker);
    return verdict(path);
}

static int symlink_escape(const char *marker)
{
    unlink("/tmp/link");
    if (symlink(marker, "/tmp/link") < 0) {
        printf("symlink failed %s\n", strerrorname_np(errno));
        return 2;
    }
    return verdict("/tmp/link");
}

/* Print "<name> <errno name>" or "<name> OK" for ret/errno. */
static void report(const char *name, long ret)
{
    printf("%s %s\n", name, ret < 0 ? strerrorname_np(errno) : "OK");
}

/* Every call below is harmless if it were allowed (invalid or no-op arguments). */
static int syscalls(void)
{
    char empty = 0;

    report("kexec_load", syscall(SYS_kexec_load, 0, 0, NULL, 0));
    report("init_module", syscall(SYS_init_module, NULL, 0, ""));
    report("finit_module", syscall(SYS_finit_module, -1, "", 0));
    report("delete_module", syscall(SYS_delete_module, "trapeze_none", O_NONBLOCK));
    report("keyctl", syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0));
    report("add_key", syscall(SYS_add_key, "user", "trapeze", "x", 1, KEY_SPEC_PROCESS_KEYRING));
    report("open_by_handle_at", syscall(SYS_open_by_handle_at, AT_FDCWD, NULL, 0));
    report("ptrace", ptrace(PTRACE_ATTACH, 1, NULL, NULL));
    report("userfaultfd", syscall(SYS_userfaultfd, O_CLOEXEC));
    report("perf_event_open", syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0));
    report("bpf", syscall(SYS_bpf, -1, NULL, 0));
    report("mount", mount("none", "/tmp", "tmpfs", 0, NULL));
    report("umount2", umount2("/proc", MNT_DETACH));
    report("pivot_root", syscall(SYS_pivot_root, "/tmp", "/tmp"));
    report("setns", setns(-1, 0));
    report("unshare_newuser", unshare(CLONE_NEWUSER));
    report("clone_newuser", syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0));
    report("clone3", syscall(SYS_clone3, NULL, 0));
    report("iopl", syscall(SYS_iopl, 0));
    report("syslog", syscall(SYS_syslog, 10 /* syslog(2): SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0));
    report("ioctl_tiocsti", ioctl(0, TIOCSTI, &empty));
    return 0;
}

static int forkbomb(void)
{
    int n = 0;
    pid_t pid;

    while ((pid = fork()) > 0)
        n++;
    if (pid == 0) {
        pause();
        _exit(0);
    }
    printf("forked %d then %s\n", n, strerrorname_np(errno));
    return 0;
}

static int hog(long mib)
{
    for (long i = 0; i < mib; i++) {
        char *p = malloc(MIB);
        if (!p) {
            printf("malloc failed after %ld MiB\n", i);
            return 1;
        }
        memset(p, (int)i, MIB);
    }
    printf("allocated %ld MiB\n", mib);
    return 0;
}

static int crash(void)
{
    char *page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    fflush(stdout);
    page[0] = 1;          /* PROT_NONE: a real page fault, SIGSEGV forced */
    return 0;
}

static int ifaces(void)
{
    struct if_nameindex *list = if_nameindex();

    for (struct if_nameindex *i = list; i && i->if_index; i++)
        printf("iface %s\n", i->if_name);
    if_freenameindex(list);
    return 0;
}

static int shm(const char *key)
{
    int id = shmget((key_t)strtol(key, NULL, 0), 0, 0);

    puts(id >= 0 ? "shm found" : "shm absent");
    return 0;
}

static void on_term(int sig)
{
    (void)sig;
    static const char msg[] = "got SIGTERM\n";
    if (write(1, msg, sizeof msg - 1) < 0)
        _exit(1);
    _exit(42);
}

static int __attribute__((noreturn)) trap(void)
{
    signal(SIGTERM, on_term);
    puts("ready");
    fflush(stdout);
    for (;;)
        pause();
}

/* Count processes in state Z in /proc. */
static int count_zombies(void)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    int n = 0;

    while (d && (e = readdir(d))) {
        char path[300], buf[512];
        FILE *f;
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        if (!(f = fopen(path, "r")))
            continue;
        if (fgets(buf, sizeof buf, f) && strstr(buf, ") Z "))
            n++;
        fclose(f);
    }
    if (d)
        closedir(d);
    return n;
}

/* An orphan that has surely ended: the grandchild holds the only other write
 * end of a pipe, so end of file on it means the grandchild is dead.  Then give
 * PID 1 up to a second to reap it, and print how many zombies are left. */
static int zombies(void)
{
    struct timespec tick = { .tv_nsec = 10 * 1000 * 1000 };
    int fds[2], n = 0;
    char c;

    if (pipe(fds) < 0)
        return 1;
    pid_t child = fork();
    if (child == 0) {
        if (fork() == 0)
            _exit(0);          /* the orphan, re-parented to PID 1 */
        _exit(0);
    }
    close(fds[1]);
    waitpid(child, NULL, 0);
    while (read(fds[0], &c, 1) > 0)
        ;
    for (int i = 0; i < 100 && (n = count_zombies()) > 0; i++)
        nanosleep(&tick, NULL);
    printf("zombies %d\n", n);
    return 0;
}

static int connect_to(const char *addr, const char *port)
{
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port)) };
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    inet_pton(AF_INET, addr, &sa.sin_addr);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || write(fd, "hello", 5) != 5) {
        printf("connect failed %s\n", strerrorname_np(errno));
        return 1;
    }
    puts("connected");
    close(fd);
    return 0;
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "";
    const char *arg = argc > 2 ? argv[2] : "";

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (!strcmp(cmd, "escape-chroot")) return escape_chroot(arg);
    if (!strcmp(cmd, "dotdot"))        return dotdot(arg);
    if (!strcmp(cmd, "symlink"))       return symlink_escape(arg);
    if (!strcmp(cmd, "syscalls"))      return syscalls();
    if (!strcmp(cmd, "forkbomb"))      return forkbomb();
    if (!strcmp(cmd, "hog"))           return hog(atol(arg));
    if (!strcmp(cmd, "crash"))         return crash();
    if (!strcmp(cmd, "ifaces"))        return ifaces();
    if (!strcmp(cmd, "shm"))           return shm(arg);
    if (!strcmp(cmd, "trap"))          return trap();
    if (!strcmp(cmd, "zombies"))       return zombies();
    if (!strcmp(cmd, "connect") && argc > 3) return connect_to(arg, argv[3]);
    fprintf(stderr, "probe: unknown command '%s'\n", cmd);
    return 2;
}
