/* test_cli.c - the `trapeze` program: exit statuses, messages, --help. */
#include "kernels.h"
#include "kimage.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef TRAPEZE_BIN
#error "TRAPEZE_BIN must name the built trapeze program"
#endif

#define CLI_TIME_LIMIT 60         /* seconds: every kernel here ends in well under 1 */

/* What one run of the program printed, and its exit status. */
struct cli {
    int status;
    char out[16384], err[16384];
};

/* Read a whole temporary file back into buf. */
static void slurp(int fd, char *buf, size_t len)
{
    ssize_t n = pread(fd, buf, len - 1, 0);
    buf[n < 0 ? 0 : n] = '\0';
    close(fd);
}

/* Run `trapeze ARGS... NULL` with stdout and stderr captured. */
static void cli_run(struct cli *c, ...)
{
    char *argv[32] = { TRAPEZE_BIN };
    va_list ap;
    va_start(ap, c);
    for (int i = 1; i < 31 && (argv[i] = va_arg(ap, char *)); i++)
        ;
    va_end(ap);
    FILE *o = tmpfile(), *e = tmpfile();
    cr_assert(o && e, "tmpfile");
    pid_t pid = fork();
    cr_assert(pid >= 0, "fork");
    if (pid == 0) {
        dup2(fileno(o), 1);
        dup2(fileno(e), 2);
        alarm(CLI_TIME_LIMIT);     /* a hung guest fails the test instead of hanging it */
        execv(argv[0], argv);
        _exit(127);
    }
    int ws;
    waitpid(pid, &ws, 0);
    c->status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
    slurp(dup(fileno(o)), c->out, sizeof(c->out));
    slurp(dup(fileno(e)), c->err, sizeof(c->err));
    fclose(o);
    fclose(e);
}

/* Count lines in s. */
static int lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* stderr is exactly one line starting "trapeze: " and containing `what`. */
static void expect_one_line(const struct cli *c, const char *what)
{
    cr_assert_eq(lines(c->err), 1, "expected one line on stderr, got:\n%s", c->err);
    cr_assert(strncmp(c->err, "trapeze: ", 9) == 0, "stderr should start with 'trapeze: ': %s", c->err);
    cr_assert(strstr(c->err, what), "stderr should mention '%s': %s", what, c->err);
}

static struct cli c;
static char kernel[64];

/* Write `code` as a kernel file in `kernel`. */
static void make_kernel(const uint8_t *code, size_t len)
{
    kimage_write_file(kernel, code, len);
}

static void cleanup(void)
{
    if (kernel[0])
        unlink(kernel);
    kernel[0] = '\0';
}

TestSuite(cli, .fini = cleanup);

Test(cli, help_lists_commands)
{
    cli_run(&c, "--help", NULL);
    cr_assert_eq(c.status, 0, "trapeze --help: expected status 0, got %d", c.status);
    cr_assert(strstr(c.out, "run"), "help should list 'run':\n%s", c.out);
}

Test(cli, run_help_documents_every_option)
{
    static const char *const opts[] = { "--mem", "--hda", "--hdb", "--serial", "--input", "--max-insns",
                                        "--stats", "--trace", "--gdb", "--vga", "--realtime", "--module" };
    cli_run(&c, "run", "--help", NULL);
    cr_assert_eq(c.status, 0, "trapeze run --help: expected 0, got %d", c.status);
    for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
        cr_assert(strstr(c.out, opts[i]), "run --help should document %s", opts[i]);
    cr_assert(strstr(c.out, "exit status"), "run --help should document exit statuses");
}

Test(cli, no_arguments_is_usage_error)
{
    cli_run(&c, NULL);
    cr_assert_eq(c.status, 2, "expected 2, got %d", c.status);
}

Test(cli, unknown_command)
{
    cli_run(&c, "frobnicate", NULL);
    cr_assert_eq(c.status, 2, "expected 2, got %d", c.status);
    expect_one_line(&c, "unknown command");
}

Test(cli, unknown_option)
{
    cli_run(&c, "run", "--frobnicate", "k.elf", NULL);
    cr_assert_eq(c.status, 2, "expected 2, got %d", c.status);
    expect_one_line(&c, "--help");
}

Test(cli, bad_memory_size)
{
    make_kernel(kernel_ok, sizeof(kernel_ok));
    cli_run(&c, "run", "--mem", "12Q", kernel, NULL);
    cr_assert_eq(c.status, 2, "--mem 12Q: expected 2, got %d", c.status);
    cli_run(&c, "run", "--mem", "1M", kernel, NULL);
    cr_assert_eq(c.status, 2, "--mem 1M: expected 2, got %d", c.status);
    expect_one_line(&c, "memory size");
    cli_run(&c, "run", "--mem", "4G", kernel, NULL);
    cr_assert_eq(c.status, 2, "--mem 4G: expected 2, got %d", c.status);
}

Test(cli, missing_kernel_file)
{
    cli_run(&c, "run", "/nonexistent/k.elf", NULL);
    cr_assert_eq(c.status, 2, "expected 2, got %d", c.status);
    expect_one_line(&c, "trapeze: /nonexistent/k.elf: ");
}

Test(cli, bad_image_is_one_line_and_status_2)
{
    strcpy(kernel, "/tmp/trapeze-bad-XXXXXX");
    int fd = mkstemp(kernel);
    cr_assert(write(fd, "#!/bin/sh\necho not a kernel\n", 28) == 28);
    close(fd);
    cli_run(&c, "run", kernel, NULL);
    cr_assert_eq(c.status, 2, "expected 2, got %d", c.status);
    char want[96];
    snprintf(want, sizeof(want), "trapeze: %s: ", kernel);
    expect_one_line(&c, want);
}

Test(cli, guest_exit_status_and_serial_output)
{
    make_kernel(kernel_ok, sizeof(kernel_ok));
    cli_run(&c, "run", kernel, NULL);
    cr_assert_eq(c.status, KERNEL_EXIT_STATUS, "expected the guest's 0x21, got %d (%s)", c.status, c.err);
    cr_assert_str_eq(c.out, "ok\n");
    cr_assert_str_eq(c.err, "", "a guest exit prints nothing on stderr");
}

Test(cli, serial_to_a_file)
{
    char path[] = "/tmp/trapeze-serial-XXXXXX";
    close(mkstemp(path));
    make_kernel(kernel_ok, sizeof(kernel_ok));
    cli_run(&c, "run", "--serial", path, kernel, NULL);
    int fd = open(path, O_RDONLY);
    char buf[64];
    slurp(fd, buf, sizeof(buf));
    unlink(path);
    cr_assert_eq(c.status, KERNEL_EXIT_STATUS, "status %d", c.status);
    cr_assert_str_eq(buf, "ok\n");
    cr_assert_str_eq(c.out, "");
}

Test(cli, kernel_command_line_after_dashdash)
{
    make_kernel(kernel_cmdline, sizeof(kernel_cmdline));
    cli_run(&c, "run", kernel, "--", "a", "b=c", NULL);
    char want[96];
    snprintf(want, sizeof(want), "%s a b=c", kernel);
    cr_assert_eq(c.status, KERNEL_EXIT_STATUS, "status %d: %s", c.status, c.err);
    cr_assert_str_eq(c.out, want);
}

Test(cli, triple_fault_status_4)
{
    make_kernel(kernel_triple, sizeof(kernel_triple));
    cli_run(&c, "run", kernel, NULL);
    cr_assert_eq(c.status, 4, "expected 4, got %d (%s)", c.status, c.err);
    expect_one_line(&c, "triple fault");
}

Test(cli, budget_status_6)
{
    make_kernel(kernel_spin, sizeof(kernel_spin));
    cli_run(&c, "run", "--max-insns", "5000", kernel, NULL);
    cr_assert_eq(c.status, 6, "expected 6, got %d (%s)", c.status, c.err);
    expect_one_line(&c, "5000");
}

Test(cli, halted_forever_status_8)
{
    make_kernel(kernel_cli_hlt, sizeof(kernel_cli_hlt));
    cli_run(&c, "run", kernel, NULL);
    cr_assert_eq(c.status, 8, "expected 8, got %d (%s)", c.status, c.err);
    expect_one_line(&c, "halted");
}

Test(cli, reset_status_10)
{
    make_kernel(kernel_reset, sizeof(kernel_reset));
    cli_run(&c, "run", "--max-insns", "100000", kernel, NULL);
    cr_assert_eq(c.status, 10, "expected 10, got %d (%s)", c.status, c.err);
    expect_one_line(&c, "reset");
}

/* --stats: deterministic lines, host timing only on "host:" lines. */
Test(cli, stats_are_exact_and_host_lines_marked)
{
    make_kernel(kernel_ok, sizeof(kernel_ok));
    cli_run(&c, "run", "--stats", kernel, NULL);
    cr_assert_eq(c.status, KERNEL_EXIT_STATUS, "status %d", c.status);
    cr_assert(strstr(c.err, "stats: instructions 10\n"), "10 instructions expected:\n%s", c.err);
    cr_assert(strstr(c.err, "stats: io 0x03f8 3\n"), "3 COM1 writes expected:\n%s", c.err);
    cr_assert(strstr(c.err, "stats: io 0x00f4 1\n"), "1 exit-port write expected:\n%s", c.err);
    for (const char *l = c.err; *l; l = strchr(l, '\n') + 1)
        cr_assert(strncmp(l, "stats: ", 7) == 0 || strncmp(l, "host: ", 6) == 0 ||
                  strncmp(l, "jit: ", 5) == 0,
                  "every stats line starts with 'stats: ', 'jit: ' or 'host: ':\n%s", c.err);
    cr_assert(strstr(c.err, "host: mips"), "MIPS should be reported on a host: line");
}

/* The translator is the default engine on this (x86-64) host and reports on
 * "jit:" lines; the interpreter alone has none, and the "stats:" lines of
 * the two engines are the same. */
Test(cli, engines_give_the_same_stats)
{
    static char jit_err[sizeof c.err];

    make_kernel(kernel_ok, sizeof(kernel_ok));
    cli_run(&c, "run", "--stats", "--engine", "jit", kernel, NULL);
    cr_assert_eq(c.status, KERNEL_EXIT_STATUS, "status %d: %s", c.status, c.err);
    cr_assert(strstr(c.err, "jit: blocks "), "the translator reports its blocks:\n%s", c.err);
    strcpy(jit_err, c.err);
    cli_run(&c, "run", "--stats", "--engine", "interp", kernel, NULL);
    cr_assert_eq(c.status, KERNEL_EXIT_STATUS, "status %d: %s", c.status, c.err);
    cr_assert_null(strstr(c.err, "jit: "), "no jit: lines without the translator:\n%s", c.err);
    for (const char *l = c.err; *l; l = strchr(l, '\n') + 1) {
        if (strncmp(l, "stats: ", 7) != 0)
            continue;
        size_t n = (size_t)(strchr(l, '\n') - l + 1);
        char line[256];
        snprintf(line, sizeof line, "%.*s", (int)n, l);
        cr_assert(strstr(jit_err, line), "'%.*s' missing on the translator:\n%s", (int)n - 1, l, jit_err);
    }
    cli_run(&c, "run", "--engine", "fast", kernel, NULL);
    cr_assert_eq(c.status, 2, "an unknown engine is a usage error, got %d", c.status);
    cr_assert(strstr(c.err, "--engine fast: not interp or jit"), "%s", c.err);
}

Test(cli, trace_has_one_line_per_instruction)
{
    char path[] = "/tmp/trapeze-trace-XXXXXX";
    close(mkstemp(path));
    make_kernel(kernel_ok, sizeof(kernel_ok));
    cli_run(&c, "run", "--trace", path, kernel, NULL);
    static char buf[65536];
    slurp(open(path, O_RDONLY), buf, sizeof(buf));
    unlink(path);
    cr_assert_eq(c.status, KERNEL_EXIT_STATUS, "status %d (%s)", c.status, c.err);
    int io = 0, other = 0;
    for (const char *l = buf; *l; l = strchr(l, '\n') + 1)
        strncmp(l, "io: ", 4) == 0 ? io++ : other++;
    cr_assert_eq(io, 4, "expected 4 I/O lines (3 to COM1, 1 to 0xF4):\n%s", buf);
    cr_assert_eq(other, 10, "expected 10 instruction lines:\n%s", buf);
    cr_assert_str_eq(c.out, "ok\n", "tracing must not change the output");
}

Test(cli, serial_input_from_a_file)
{
    char path[] = "/tmp/trapeze-input-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(write(fd, "hello\nrest", 10) == 10);
    close(fd);
    make_kernel(kernel_echo, sizeof(kernel_echo));
    cli_run(&c, "run", "--input", path, "--max-insns", "1000000", kernel, NULL);
    unlink(path);
    cr_assert_eq(c.status, KERNEL_EXIT_STATUS, "status %d (%s)", c.status, c.err);
    cr_assert_str_eq(c.out, "hello\n", "the kernel echoes up to the newline");
}

Test(cli, vga_dumps_the_screen)
{
    make_kernel(kernel_vga, sizeof(kernel_vga));
    cli_run(&c, "run", "--vga", kernel, NULL);
    cr_assert_eq(c.status, KERNEL_EXIT_STATUS, "status %d (%s)", c.status, c.err);
    cr_assert_str_eq(c.out, "Hi\n");
}

Test(cli, option_values_with_equals_and_modules)
{
    make_kernel(kernel_ok, sizeof(kernel_ok));
    cli_run(&c, "run", "--mem=256M", "--module", kernel, "--module", "/nonexistent,x", kernel, NULL);
    cr_assert_eq(c.status, 2, "a missing module is a bad image: expected 2, got %d", c.status);
    expect_one_line(&c, "trapeze: /nonexistent: ");
    cli_run(&c, "run", "--mem=256M", "--module", kernel, kernel, NULL);
    cr_assert_eq(c.status, KERNEL_EXIT_STATUS, "status %d (%s)", c.status, c.err);
}

Test(cli, disk_images_are_attached)
{
    char disk[] = "/tmp/trapeze-disk-XXXXXX";
    int fd = mkstemp(disk);
    cr_assert(ftruncate(fd, 512 * 64) == 0);
    close(fd);
    make_kernel(kernel_ok, sizeof(kernel_ok));
    cli_run(&c, "run", "--hda", disk, "--hdb", disk, kernel, NULL);
    cr_assert_eq(c.status, KERNEL_EXIT_STATUS, "status %d (%s)", c.status, c.err);
    cli_run(&c, "run", "--hda", "/nonexistent/disk.img", kernel, NULL);
    unlink(disk);
    cr_assert_eq(c.status, 2, "a missing disk image: expected 2, got %d", c.status);
    expect_one_line(&c, "/nonexistent/disk.img");
}

/* The timer kernel with the PIT count at 0xFFFF: 3 periods of 65535 /
 * 1193182 s = 165 ms of virtual time, which --realtime makes wall time. */
Test(cli, realtime_paces_virtual_time)
{
    uint8_t slow[sizeof(kernel_timer)];
    memcpy(slow, kernel_timer, sizeof(slow));
    cr_assert(slow[0x4b] == 0xa9 && slow[0x4f] == 0x04, "count bytes moved in kernel_timer");
    slow[0x4b] = slow[0x4f] = 0xff;
    make_kernel(slow, sizeof(slow));
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    cli_run(&c, "run", "--realtime", kernel, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
    cr_assert_eq(c.status, KERNEL_EXIT_STATUS, "status %d (%s)", c.status, c.err);
    cr_assert_str_eq(c.out, "ttt");
    cr_assert(ms >= 160, "--realtime: 165 ms of guest time took only %.1f ms", ms);
}

/* --gdb: a real gdb steps, stops at a breakpoint, and sees the guest's exit
 * status (gdb prints it in octal: 041 = 0x21). */
Test(cli, gdb_drives_the_guest, .timeout = 60)
{
    char port[16], target[32];
    snprintf(port, sizeof(port), "%d", 20000 + getpid() % 20000);
    snprintf(target, sizeof(target), "target remote :%s", port);
    make_kernel(kernel_ok, sizeof(kernel_ok));
    pid_t pid = fork();
    cr_assert(pid >= 0, "fork");
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        alarm(CLI_TIME_LIMIT);
        execl(TRAPEZE_BIN, TRAPEZE_BIN, "run", "--gdb", port, kernel, (char *)NULL);
        _exit(127);
    }
    char cmd[512];
    snprintf(cmd, sizeof(cmd),
             "gdb -batch -nx -ex 'set architecture i386' -ex '%s' -ex stepi "
             "-ex 'break *0x100013' -ex continue -ex 'info registers eip' -ex continue 2>&1", target);
    FILE *g = popen(cmd, "r");
    cr_assert(g, "cannot run gdb");
    static char out[8192];
    size_t n = fread(out, 1, sizeof(out) - 1, g);
    out[n] = '\0';
    pclose(g);
    int ws;
    waitpid(pid, &ws, 0);
    cr_assert(strstr(out, "0x00100004 in"), "stepi should stop after the first instruction:\n%s", out);
    cr_assert(strstr(out, "Breakpoint 1, 0x00100013"), "breakpoint at the exit OUT not hit:\n%s", out);
    cr_assert(strstr(out, "exited with code 041"), "gdb should see exit status 041:\n%s", out);
    cr_assert(WIFEXITED(ws) && WEXITSTATUS(ws) == KERNEL_EXIT_STATUS, "trapeze status: expected 0x21");
}

/* Remove the "host:" lines (the only ones allowed to differ) from s. */
static void drop_host_lines(char *s)
{
    char *l;
    while ((l = strstr(s, "host: "))) {
        char *nl = strchr(l, '\n');
        memmove(l, nl ? nl + 1 : l + strlen(l), strlen(nl ? nl + 1 : l + strlen(l)) + 1);
    }
}

/* Two runs of the same kernel: byte-identical traces, identical stats. */
Test(cli, runs_are_deterministic)
{
    char path[2][32];
    static char trace[2][65536], stats[2][16384];
    make_kernel(kernel_timer, sizeof(kernel_timer));
    for (int i = 0; i < 2; i++) {
        strcpy(path[i], "/tmp/trapeze-trace-XXXXXX");
        close(mkstemp(path[i]));
        cli_run(&c, "run", "--stats", "--trace", path[i], kernel, NULL);
        cr_assert_eq(c.status, KERNEL_EXIT_STATUS, "run %d: status %d (%s)", i, c.status, c.err);
        slurp(open(path[i], O_RDONLY), trace[i], sizeof(trace[i]));
        unlink(path[i]);
        strcpy(stats[i], c.err);
        drop_host_lines(stats[i]);
    }
    cr_assert(strlen(trace[0]) > 1000, "the trace should not be empty");
    cr_assert_str_eq(trace[0], trace[1], "traces differ between runs");
    cr_assert_str_eq(stats[0], stats[1], "statistics differ between runs");
}
