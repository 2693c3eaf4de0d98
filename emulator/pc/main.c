/* main.c - the `trapeze` program: boot a kernel on the teaching PC. */

/*
 * `trapeze run KERNEL.elf` is `qemu-system-i386 -kernel KERNEL.elf` for this
 * course: it builds a machine, lets the Multiboot loader place the kernel,
 * runs it, and turns the way the machine stopped into an exit status a test
 * can check.  A guest ends itself with the isa-debug-exit port, which gives
 * an odd status ((value << 1) | 1, as in QEMU); every other ending has its
 * own even status and one line on stderr.
 *
 * Subcommands are rows of a table, so later chapters add one row each.
 */
#include "gdbstub.h"
#include "loader.h"
#include "machine.h"
#ifdef TRAPEZE_HAVE_CORE
#include "monitor.h"
#include "popek.h"
#include "vm.h"
#endif
#ifdef TRAPEZE_HAVE_SHADOW
#include "spt.h"
#endif

struct monitor;                    /* chapter 2's monitor (core/), when built with it */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Exit statuses other than the guest's own (which are odd). */
enum {
    STATUS_OK = 0,
    STATUS_USAGE = 2,              /* bad usage or a bad kernel image */
    STATUS_TRIPLE_FAULT = 4,
    STATUS_BUDGET = 6,             /* --max-insns reached */
    STATUS_HALTED = 8,             /* HLT that nothing can wake */
    STATUS_RESET = 10,             /* the guest asked for a reset */
    STATUS_UNSUPPORTED = 12,       /* the monitor cannot run what the guest did (e.g. paging) */
};

/* --- the `run` subcommand's options ------------------------------------------ */

enum opt_id {
    OPT_MEM, OPT_HDA, OPT_HDB, OPT_SERIAL, OPT_INPUT, OPT_MAX_INSNS, OPT_STATS,
    OPT_TRACE, OPT_GDB, OPT_VGA, OPT_REALTIME, OPT_MODULE, OPT_ENGINE, OPT_MODE, OPT_MMU,
    OPT_ADDR, OPT_HELP,
};

/* One row per option: the parser and `--help` both read this table. */
static const struct option_row {
    const char *name;
    const char *arg;               /* NULL: a flag */
    enum opt_id id;
    const char *help;
} run_options[] = {
    { "mem", "SIZE", OPT_MEM, "guest RAM, e.g. 64M, 256M, 3G (default 64M; 2M..3G)" },
    { "hda", "FILE", OPT_HDA, "disk image on the IDE primary master" },
    { "hdb", "FILE", OPT_HDB, "disk image on the IDE primary slave" },
    { "serial", "stdio|FILE", OPT_SERIAL, "where COM1 (and debug port 0xE9) output goes, unbuffered (default stdio)" },
    { "input", "FILE", OPT_INPUT, "bytes COM1 receives (default: none)" },
    { "max-insns", "N", OPT_MAX_INSNS, "stop after N instructions (exit status 6)" },
    { "stats", NULL, OPT_STATS, "print statistics to stderr at exit" },
    { "trace", "FILE", OPT_TRACE, "write one line per instruction, I/O access and event" },
    { "gdb", "PORT", OPT_GDB, "wait for gdb on TCP PORT (target remote :PORT)" },
    { "vga", NULL, OPT_VGA, "print the CGA text screen to stdout at exit" },
    { "realtime", NULL, OPT_REALTIME, "pace virtual time by the wall clock" },
    { "module", "FILE[,ARGS]", OPT_MODULE, "load FILE as a Multiboot module (repeatable)" },
    { "engine", "interp|jit", OPT_ENGINE, "interp: the interpreter alone; jit: translate guest code "
                                          "to host code (default where the host is x86-64)" },
#ifdef TRAPEZE_HAVE_SHADOW
    { "mode", "bare|trap", OPT_MODE, "bare: the CPU owns ring 0; trap: the monitor does "
                                     "(chapter 2, with chapter 3's shadow page tables)" },
    { "mmu", "flat|shadow", OPT_MMU, "--mode trap: chapter 2's flat memory map (no guest paging) "
                                     "or chapter 3's shadow page tables (default)" },
    { "addr", "VA", OPT_ADDR, "mmu-dot only: draw this guest-virtual address's path (repeatable)" },
#elif defined(TRAPEZE_HAVE_CORE)
    { "mode", "bare|trap", OPT_MODE, "bare: the CPU owns ring 0; trap: the chapter-2 monitor does" },
    { "mmu", "flat", OPT_MMU, "--mode trap: chapter 2's flat memory map (the only one built)" },
#endif
    { "help", NULL, OPT_HELP, "show this help" },
};

#define NOPTIONS (sizeof(run_options) / sizeof(run_options[0]))

/* Everything `run` was asked to do. */
struct run_args {
    struct machine_config cfg;
    const char *kernel;
    char *cmdline;                 /* words after `--`, joined by spaces; NULL: none */
    struct loader_module modules[LOADER_MAX_MODULES];
    int nmodules;
    const char *trace_path;
    long gdb_port;                 /* 0: no debugger */
    bool stats, vga, help;
#ifdef TRAPEZE_HAVE_CORE
    enum vm_mode mode;
    const struct mmu_ops *mmu;     /* --mmu, or NULL: the default */
#endif
    bool dot;                      /* mmu-dot: print the page-table picture at the end */
    uint32_t addrs[16];            /* mmu-dot --addr */
    int naddrs;
};

/* Print one line to stderr prefixed "trapeze: ".  Returns STATUS_USAGE. */
static int complain(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("trapeze: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs("\n", stderr);
    va_end(ap);
    return STATUS_USAGE;
}

/* "64M" -> 67108864: a number with an optional K, M or G suffix (powers of
 * 1024).  Returns 0, or -1 if s is not such a size. */
static int parse_size(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *s == '-')
        return -1;
    unsigned shift = 0;
    switch (*end) {
    case 'K': case 'k': shift = 10; end++; break;
    case 'M': case 'm': shift = 20; end++; break;
    case 'G': case 'g': shift = 30; end++; break;
    }
    if (*end || v > (UINT64_MAX >> shift))
        return -1;
    *out = (uint64_t)v << shift;
    return 0;
}

/* A count in `base` (0: C syntax, 0x... hexadecimal).  Returns 0, or -1
 * if s is not one. */
static int parse_number(const char *s, int base, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, base);
    if (errno || end == s || *end || *s == '-')
        return -1;
    *out = v;
    return 0;
}

/* A decimal count.  Returns 0, or -1 if s is not one. */
static int parse_count(const char *s, uint64_t *out)
{
    return parse_number(s, 10, out);
}

/* --module FILE[,ARGS]: the comma splits the file from its command line. */
static int add_module(struct run_args *a, char *spec)
{
    if (a->nmodules == LOADER_MAX_MODULES)
        return complain("at most %d modules", LOADER_MAX_MODULES);
    char *comma = strchr(spec, ',');
    if (comma)
        *comma = '\0';
    a->modules[a->nmodules++] = (struct loader_module){ .path = spec,
                                                        .args = comma ? comma + 1 : NULL };
    return 0;
}

#ifdef TRAPEZE_HAVE_CORE
/* The memory maps --mmu can choose, by their names. */
static const struct mmu_ops *const mmus[] = {
    &mmu_flat_ops,
#ifdef TRAPEZE_HAVE_SHADOW
    &spt_mmu_ops,
#endif
};

/* --mmu NAME.  Returns 0, or STATUS_USAGE if no built MMU has that name. */
static int choose_mmu(struct run_args *a, const char *v)
{
    for (size_t k = 0; k < sizeof(mmus) / sizeof(mmus[0]); k++)
        if (strcmp(v, mmus[k]->name) == 0) {
            a->mmu = mmus[k];
            return 0;
        }
    return complain("--mmu %s: not a memory map this build has (see 'trapeze run --help')", v);
}
#endif

/* Open an output file for the serial port (stdio: our stdout). */
static int open_serial(struct run_args *a, const char *v)
{
    if (strcmp(v, "stdio") == 0) {
        a->cfg.serial_out = STDOUT_FILENO;
        return 0;
    }
    a->cfg.serial_out = open(v, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    return a->cfg.serial_out < 0 ? complain("%s: %s", v, strerror(errno)) : 0;
}

/* Apply one option (v is its value, NULL for flags).  Returns 0 or STATUS_USAGE. */
static int apply_option(struct run_args *a, enum opt_id id, char *v)
{
    uint64_t n;
    switch (id) {
    case OPT_MEM:
        return parse_size(v, &a->cfg.ram_size) < 0 ? complain("--mem %s: not a size like 64M", v) : 0;
    case OPT_HDA:       a->cfg.hda = v; return 0;
    case OPT_HDB:       a->cfg.hdb = v; return 0;
    case OPT_SERIAL:    return open_serial(a, v);
    case OPT_INPUT:
        a->cfg.serial_in = open(v, O_RDONLY | O_CLOEXEC);
        return a->cfg.serial_in < 0 ? complain("%s: %s", v, strerror(errno)) : 0;
    case OPT_MAX_INSNS:
        if (parse_count(v, &a->cfg.max_insns) < 0 || a->cfg.max_insns == 0)
            return complain("--max-insns %s: not a positive count", v);
        return 0;
    case OPT_STATS:     a->stats = true; return 0;
    case OPT_TRACE:     a->trace_path = v; return 0;
    case OPT_GDB:
        if (parse_count(v, &n) < 0 || n == 0 || n > 65535)
            return complain("--gdb %s: not a TCP port", v);
        a->gdb_port = (long)n;
        return 0;
    case OPT_VGA:       a->vga = true; return 0;
    case OPT_REALTIME:  a->cfg.realtime = true; return 0;
    case OPT_MODULE:    return add_module(a, v);
    case OPT_ENGINE:
        if (strcmp(v, "interp") == 0)
            a->cfg.engine = MACHINE_ENGINE_INTERP;
        else if (strcmp(v, "jit") == 0)
            a->cfg.engine = MACHINE_ENGINE_JIT;
        else
            return complain("--engine %s: not interp or jit", v);
        return 0;
    case OPT_MODE:
#ifdef TRAPEZE_HAVE_CORE
        if (vm_parse_mode(v, &a->mode) < 0)
            return complain("--mode %s: not bare or trap", v);
#endif
        return 0;
    case OPT_MMU:
#ifdef TRAPEZE_HAVE_CORE
        return choose_mmu(a, v);
#endif
        return 0;
    case OPT_ADDR:
        if (!a->dot)
            return complain("--addr is an option of 'trapeze mmu-dot'");
        if (a->naddrs == (int)(sizeof(a->addrs) / sizeof(a->addrs[0])) || parse_number(v, 0, &n) < 0 ||
            n > UINT32_MAX)
            return complain("--addr %s: not a 32-bit address (at most 16 of them)", v);
        a->addrs[a->naddrs++] = (uint32_t)n;
        return 0;
    case OPT_HELP:      a->help = true; return 0;
    }
    return STATUS_USAGE;
}

/* Parse "--name", "--name VALUE" or "--name=VALUE" at argv[*i]. */
static int parse_option(struct run_args *a, int argc, char **argv, int *i)
{
    char *name = argv[*i] + 2, *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    for (size_t k = 0; k < NOPTIONS; k++) {
        const struct option_row *o = &run_options[k];
        if (strlen(o->name) != len || strncmp(o->name, name, len) != 0)
            continue;
        if (!o->arg && eq)
            return complain("--%s takes no value (try 'trapeze run --help')", o->name);
        char *v = eq ? eq + 1 : NULL;
        if (o->arg && !v) {
            if (*i + 1 >= argc)
                return complain("--%s needs a value %s (try 'trapeze run --help')", o->name, o->arg);
            v = argv[++*i];
        }
        return apply_option(a, o->id, v);
    }
    return complain("unknown option '%s' (try 'trapeze run --help')", argv[*i]);
}

/* Join argv[from..argc) with spaces into a new string. */
static char *join_words(int argc, char **argv, int from)
{
    size_t len = 1;
    for (int i = from; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *s = calloc(1, len);
    for (int i = from; s && i < argc; i++) {
        if (i > from)
            strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

/* Options (also accepted after KERNEL), then KERNEL, then `-- ARGS`.
 * Returns 0 or STATUS_USAGE. */
static int parse_run_args(struct run_args *a, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            a->cmdline = join_words(argc, argv, i + 1);
            break;
        }
        int rc = 0;
        if (strncmp(argv[i], "--", 2) == 0)
            rc = parse_option(a, argc, argv, &i);
        else if (argv[i][0] == '-')
            rc = complain("unknown option '%s' (try 'trapeze run --help')", argv[i]);
        else if (a->kernel)
            rc = complain("unexpected '%s': kernel arguments go after '--'", argv[i]);
        else
            a->kernel = argv[i];
        if (rc)
            return rc;
    }
    if (!a->kernel && !a->help)
        return complain("no kernel given (try 'trapeze run --help')");
#ifdef TRAPEZE_HAVE_CORE
    if (a->mmu && a->mode != VM_TRAP)
        return complain("--mmu needs --mode trap: bare hardware maps memory itself");
#endif
    return 0;
}

/* `trapeze run --help`: generated from the option table. */
static void run_usage(FILE *out)
{
    fputs("usage: trapeze run [options] KERNEL.elf [-- kernel command line]\n\n"
          "Boot a Multiboot (v1) ELF32 kernel on the teaching PC, like\n"
          "qemu-system-i386 -kernel.  The kernel's command line is\n"
          "\"KERNEL.elf ARGS...\".\n\noptions:\n", out);
    for (size_t k = 0; k < NOPTIONS; k++) {
        const struct option_row *o = &run_options[k];
        char left[40];
        snprintf(left, sizeof(left), "--%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
        fprintf(out, "  %-24s %s\n", left, o->help);
    }
    fputs("\nexit status:\n"
          "  odd     the guest's isa-debug-exit status: (value << 1) | 1, as in QEMU\n"
          "  0       the debugger detached before the guest ended\n"
          "  2       bad usage or a bad kernel image\n"
          "  4       triple fault\n"
          "  6       instruction budget (--max-insns) exhausted\n"
          "  8       guest halted forever (HLT with interrupts off or nothing to wake it)\n"
          "  10      the guest requested a reset\n"
          "  12      --mode trap: the monitor cannot run what the guest did (paging without\n"
          "          chapter 3, a ring-1 handler) or stopped on an error of its own\n", out);
}

/* --- running --------------------------------------------------------------------- */

/* The exit status for the way the machine stopped. */
static int stop_status(const struct machine *m, enum machine_stop s)
{
    switch (s) {
    case MACHINE_EXITED:        return m->exit_status;
    case MACHINE_TRIPLE_FAULT:  return STATUS_TRIPLE_FAULT;
    case MACHINE_BUDGET:        return STATUS_BUDGET;
    case MACHINE_HALTED:        return STATUS_HALTED;
    case MACHINE_RESET:         return STATUS_RESET;
    case MACHINE_UNSUPPORTED:   return STATUS_UNSUPPORTED;
    case MACHINE_BREAKPOINT:    /* only under --gdb, which goes on */
    case MACHINE_RUNNING:       break;
    }
    return STATUS_OK;
}

/* gdb's resume: -1 when the guest stopped (breakpoint or step done), else
 * the exit status of the guest that ended. */
static int gdb_resume(void *ctx, bool single_step)
{
    struct machine *m = ctx;
    enum machine_stop s = single_step ? machine_step(m) : machine_run(m);
    if (s == MACHINE_RUNNING || s == MACHINE_BREAKPOINT)
        return -1;
    return stop_status(m, s);
}

/* Seconds on the host's monotonic clock. */
static double host_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Run the loaded machine, alone or under gdb; report how it stopped.
 * `mon` is the chapter-2 monitor, or NULL.  Returns the exit status. */
static int run_machine(struct machine *m, const struct run_args *a, struct monitor *mon)
{
    double t0 = host_now();
    if (a->gdb_port) {
        struct gdb_target t = { .cpu = &m->cpu, .ctx = m, .resume = gdb_resume };
        int rc = gdb_serve(&t, (uint16_t)a->gdb_port);
        if (rc < 0)
            return complain("gdb on port %ld: %s", a->gdb_port, strerror(-rc));
    } else {
        machine_run(m);
    }
    int status = stop_status(m, m->stop);
    if (m->stop != MACHINE_EXITED && m->stop != MACHINE_RUNNING)
        fprintf(stderr, "trapeze: %s\n", m->report);
    if (a->vga)
        cga_dump(&m->cga, stdout);
    if (a->stats)
        machine_print_stats(m, stderr, host_now() - t0);
#ifdef TRAPEZE_HAVE_CORE
    if (a->stats && mon)
        monitor_print_stats(mon, stderr);
#endif
#ifdef TRAPEZE_HAVE_SHADOW
    if (a->dot && mon) {
        spt_dot(mon, a->addrs, a->naddrs, stdout);
        status = STATUS_OK;        /* the picture is the result, however the guest stopped */
    }
#endif
    (void)mon;
    return status;
}

/* Build the machine, load the kernel, run it. */
static int boot(struct run_args *a)
{
    char err[512];
    struct machine *m = malloc(sizeof(*m));
    if (!m)
        return complain("out of memory");
    int status = STATUS_USAGE;
    struct monitor *mon = NULL;
#ifdef TRAPEZE_HAVE_CORE
    vm_config(&a->cfg, a->mode);
    if (a->mmu)
        vm_use_mmu(a->mmu);
#endif
    if (machine_init(m, &a->cfg, err, sizeof(err)) < 0) {
        complain("%s", err);
        goto out_free;
    }
    struct loader_request req = { .kernel = a->kernel, .args = a->cmdline,
                                  .modules = a->modules, .nmodules = a->nmodules };
    if (loader_load(&m->cpu, &req, err, sizeof(err)) < 0)
        complain("%s", err);
#ifdef TRAPEZE_HAVE_CORE
    else if (vm_attach(m, a->mode, &mon, err, sizeof(err)) < 0)
        complain("%s", err);
#endif
    else
        status = run_machine(m, a, mon);
#ifdef TRAPEZE_HAVE_CORE
    monitor_destroy(mon);
#endif
    machine_destroy(m);
out_free:
    free(m);
    return status;
}

/* `trapeze run`. */
static int cmd_run(int argc, char **argv)
{
    struct run_args a = { .cfg = { .serial_out = STDOUT_FILENO, .serial_in = -1 } };
    int status = parse_run_args(&a, argc, argv);
    if (status == 0 && a.help) {
        run_usage(stdout);
    } else if (status == 0 && a.trace_path && !(a.cfg.trace = fopen(a.trace_path, "w"))) {
        status = complain("%s: %s", a.trace_path, strerror(errno));
    } else if (status == 0) {
        status = boot(&a);
    }
    if (a.cfg.trace)
        fclose(a.cfg.trace);
    free(a.cmdline);
    return status;
}

#ifdef TRAPEZE_HAVE_SHADOW
/* `trapeze mmu-dot`: run under the monitor (serial output discarded unless
 * --serial says otherwise), then draw the page tables as they are. */
static int cmd_mmu_dot(int argc, char **argv)
{
    struct run_args a = { .cfg = { .serial_out = -1, .serial_in = -1 }, .mode = VM_TRAP, .dot = true };
    int status = parse_run_args(&a, argc, argv);
    if (status == 0 && a.help) {
        fputs("usage: trapeze mmu-dot [--addr VA]... [run options] KERNEL.elf [-- args]\n"
              "Runs KERNEL under the monitor with shadow paging until it stops (--max-insns N\n"
              "stops it early), then prints its page tables, their shadow and the path of\n"
              "each --addr as a Graphviz digraph on stdout (dot -Tsvg).\n", stdout);
        run_usage(stdout);
    } else if (status == 0 && (a.mode != VM_TRAP || (a.mmu && a.mmu != &spt_mmu_ops))) {
        status = complain("mmu-dot needs --mode trap and shadow page tables");
    } else if (status == 0) {
        status = boot(&a);
    }
    free(a.cmdline);
    return status;
}
#endif

/* --- subcommands ------------------------------------------------------------------ */

static const struct command {
    const char *name;
    int (*run)(int argc, char **argv);   /* argv[0] is the subcommand's name */
    const char *help;
} commands[] = {
    { "run", cmd_run, "boot a Multiboot kernel on the emulated PC (see 'trapeze run --help')" },
#ifdef TRAPEZE_HAVE_CORE
    { "popek", popek_main, "run the sensitive-* guests bare and under the monitor; what leaks" },
#endif
#ifdef TRAPEZE_HAVE_SHADOW
    { "mmu-dot", cmd_mmu_dot, "run under the monitor, then draw guest and shadow page tables (DOT)" },
#endif
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

/* `trapeze --help`. */
static void usage(FILE *out)
{
    fputs("usage: trapeze COMMAND [options] ...\n\ncommands:\n", out);
    for (size_t k = 0; k < NCOMMANDS; k++)
        fprintf(out, "  %-10s %s\n", commands[k].name, commands[k].help);
    fputs("\n'trapeze COMMAND --help' describes a command.\n", out);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage(stderr), STATUS_USAGE;
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return usage(stdout), STATUS_OK;
#ifdef TRAPEZE_HAVE_SHADOW
    vm_use_mmu(&spt_mmu_ops);      /* chapter 3 is built: paging guests run under the monitor */
#endif
    for (size_t k = 0; k < NCOMMANDS; k++)
        if (strcmp(argv[1], commands[k].name) == 0)
            return commands[k].run(argc - 1, argv + 1);
    return complain("unknown command '%s' (try 'trapeze --help')", argv[1]);
}
