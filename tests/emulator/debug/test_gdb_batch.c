/* test_gdb_batch.c - a real `gdb -batch` session against `trapeze run --gdb`. */

/*
 * The scripted client of test_gdbstub.c checks the protocol packet by
 * packet; this test checks that GDB itself is satisfied: it boots
 * gdb_guest.elf under `trapeze run --gdb PORT`, lets GDB stop at the symbol
 * `marker`, read registers and step.  The expected values are the ones
 * gdb_guest.S loads.  The test is skipped when the trapeze program or gdb is
 * not there, or when trapeze has no --gdb option.
 */

#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef TRAPEZE_BIN
#define TRAPEZE_BIN ""
#endif
#ifndef GDB_GUEST
#error "GDB_GUEST must name gdb_guest.elf"
#endif

#define WAIT_TRIES 1000               /* x 10 ms: how long trapeze may take */
#define TCP_LISTEN "0A"               /* /proc/net/tcp state of a listening socket */

static void sleep_10ms(void)
{
    nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
}

/* Run a shell command and return its output (caller frees), or NULL. */
static char *run_capture(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    int ch;
    if (!p || !out)
        return NULL;
    while ((ch = fgetc(p)) != EOF)
        fputc(ch, out);
    pclose(p);
    fclose(out);
    return buf;
}

/* Skip unless trapeze (with --gdb) and gdb are both there. */
static void require_tools(void)
{
    char cmd[1024];
    char *help, *gdb;
    if (TRAPEZE_BIN[0] == 0 || access(TRAPEZE_BIN, X_OK) != 0)
        cr_skip_test("the trapeze program was not built");
    snprintf(cmd, sizeof cmd, "'%s' run --help 2>&1", TRAPEZE_BIN);
    help = run_capture(cmd);
    bool has_gdb = help && strstr(help, "--gdb");
    free(help);
    if (!has_gdb)
        cr_skip_test("trapeze run has no --gdb option yet");
    gdb = run_capture("gdb --version 2>/dev/null");
    bool has_gdb_prog = gdb && strstr(gdb, "GNU gdb");
    free(gdb);
    if (!has_gdb_prog)
        cr_skip_test("gdb is not installed (apt-get install gdb)");
}

/* A TCP port nobody listens on right now. */
static uint16_t free_port(void)
{
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof sa;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert(fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0
              && getsockname(fd, (struct sockaddr *)&sa, &len) == 0, "no free port");
    close(fd);
    return ntohs(sa.sin_port);
}

/* Is something listening on 127.0.0.1:port?  Read from /proc/net/tcp so as
 * not to use up the stub's single accept. */
static bool listening(uint16_t port)
{
    char want[32], line[256];
    bool found = false;
    FILE *f = fopen("/proc/net/tcp", "r");
    snprintf(want, sizeof want, "0100007F:%04X 00000000:0000 " TCP_LISTEN, port);
    while (f && !found && fgets(line, sizeof line, f))
        found = strstr(line, want) != NULL;
    if (f)
        fclose(f);
    return found;
}

/* Start `trapeze run --gdb port guest` and wait until it listens. */
static pid_t start_trapeze(uint16_t port)
{
    char portstr[8];
    snprintf(portstr, sizeof portstr, "%u", port);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stdout))
            _exit(127);
        execl(TRAPEZE_BIN, TRAPEZE_BIN, "run", "--gdb", portstr, GDB_GUEST, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < WAIT_TRIES && !listening(port); i++) {
        int st;
        cr_assert_eq(waitpid(pid, &st, WNOHANG), 0, "trapeze exited before gdb connected");
        sleep_10ms();
    }
    cr_assert(listening(port), "trapeze never listened on port %u", port);
    return pid;
}

/* Wait for trapeze to end (killing it after a while); returns its status. */
static int finish_trapeze(pid_t pid)
{
    int st = 0;
    for (int i = 0; i < WAIT_TRIES; i++) {
        if (waitpid(pid, &st, WNOHANG) == pid)
            return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        sleep_10ms();
    }
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    cr_assert_fail("trapeze did not exit after the gdb session");
    return -1;
}

/* Run gdb in batch mode on the guest with the given -ex commands. */
static char *run_gdb(uint16_t port, const char *commands)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "timeout 60 gdb -batch -nx -ex 'target remote 127.0.0.1:%u' %s '%s' 2>&1",
             port, commands, GDB_GUEST);
    char *out = run_capture(cmd);
    cr_assert_not_null(out, "could not run gdb");
    return out;
}

static void expect_in(const char *out, const char *what)
{
    cr_assert_not_null(strstr(out, what), "expected \"%s\" in gdb's output:\n%s", what, out);
}

Test(gdb_batch, break_at_symbol_read_registers_and_step, .timeout = 120)
{
    require_tools();
    uint16_t port = free_port();
    pid_t pid = start_trapeze(port);
    char *out = run_gdb(port,
        "-ex 'break marker' -ex 'continue' -ex 'p/x $eax' -ex 'p $pc == &marker'"
        " -ex 'stepi' -ex 'p/x $ebx' -ex 'p $pc == (char *)&marker + 1' -ex 'kill'");
    expect_in(out, "Breakpoint 1, ");
    expect_in(out, " in marker ()");
    expect_in(out, "$1 = 0x1234abcd");        /* gdb_guest.S: mov $0x1234abcd,%eax */
    expect_in(out, "$2 = 1");                 /* stopped exactly at marker */
    expect_in(out, "$3 = 0x2001");            /* the step ran inc %ebx on 0x2000 */
    expect_in(out, "$4 = 1");                 /* inc %ebx is one byte */
    free(out);
    int status = finish_trapeze(pid);
    cr_assert_eq(status, 0, "after kill, trapeze should exit 0 (session ended), got %d", status);
}

Test(gdb_batch, continue_to_the_end_reports_the_exit_code, .timeout = 120)
{
    require_tools();
    uint16_t port = free_port();
    pid_t pid = start_trapeze(port);
    char *out = run_gdb(port, "-ex 'continue'");
    /* isa-debug-exit with 0 exits with status (0 << 1) | 1 = 1 */
    expect_in(out, "exited with code 01");
    free(out);
    finish_trapeze(pid);
}
