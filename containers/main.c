/* main.c - trapeze-box: the command line of the container runtime.
 *
 *   trapeze-box run [options] ROOTFS -- CMD [ARGS...]
 *
 * Parses and checks the options into a struct box_config, then hands it to
 * box_run() and exits with its status: CMD's own, 128+N if a signal N killed
 * it, 125 if the box could not be made, 126/127 if CMD could not be run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "box.h"
#include "explain.h"

/* Units accepted after --memory, binary as in docker and cgroup tools. */
static const struct { char suffix; uint64_t factor; } main_units[] = {
    { 'K', 1ull << 10 }, { 'M', 1ull << 20 }, { 'G', 1ull << 30 },
};

/* cgroup v1 sched-bwc.rst: cfs_quota_us is at least 1 ms, which at the 100 ms
 * period is 1/100 of a CPU: --cpus 0.01, in thousandths. */
#define MAIN_MIN_CPU_MILLIS 10

static const char main_usage[] =
    "usage: trapeze-box run [options] ROOTFS -- CMD [ARGS...]\n"
    "  --hostname NAME     hostname inside (UTS namespace)\n"
    "  --memory SIZE       memory limit, bytes or with K, M, G (cgroup)\n"
    "  --pids N            at most N processes (cgroup)\n"
    "  --cpus X            at most X CPUs of time, e.g. 0.5 (cgroup)\n"
    "  --read-only         mount the rootfs read-only\n"
    "  --net none          only a loopback interface (default)\n"
    "  --net veth:IF:ADDR/LEN[:HOSTADDR/LEN]\n"
    "                      a veth pair: eth0 inside with ADDR, IF outside with HOSTADDR\n"
    "  --init              a small init is PID 1 (reaps zombies, forwards signals), CMD is PID 2\n"
    "  --only LIST         only these mechanisms, comma-separated, among\n"
    "                      user,pid,ipc,cgroupns,uts,net,mount,rlimits,caps,seccomp\n"
    "  --explain           print each step and the system calls it makes\n";

/* Report a bad option value; returns -EINVAL. */
static int main_bad(const char *option, const char *value, const char *expected)
{
    explain_error("bad limit or option '%s %s': expected %s", option, value, expected);
    return -EINVAL;
}

/* --memory: a positive byte count with an optional K/M/G suffix; 0 or -EINVAL. */
static int main_parse_memory(const char *text, uint64_t *out)
{
    char *end;
    unsigned long long n;

    errno = 0;
    n = strtoull(text, &end, 10);
    for (size_t i = 0; *end && i < ARRAY_SIZE(main_units); i++)
        if ((*end == main_units[i].suffix || *end == main_units[i].suffix + ('a' - 'A')) &&
            end[1] == '\0' && n <= UINT64_MAX / main_units[i].factor) {
            n *= main_units[i].factor;
            end++;
        }
    if (errno || end == text || *end || n == 0 || text[0] == '-')
        return main_bad("--memory", text, "a positive number of bytes, with an optional K, M or G");
    *out = n;
    return 0;
}

/* --pids: a positive integer; 0 or -EINVAL. */
static int main_parse_pids(const char *text, uint64_t *out)
{
    char *end;
    unsigned long long n;

    errno = 0;
    n = strtoull(text, &end, 10);
    if (errno || end == text || *end || n == 0 || text[0] == '-')
        return main_bad("--pids", text, "a positive number of processes");
    *out = n;
    return 0;
}

/* --cpus: a decimal number of CPUs, at least 0.01; 0 or -EINVAL. */
static int main_parse_cpus(const char *text, uint64_t *millis)
{
    char *end;
    double x;

    errno = 0;
    x = strtod(text, &end);
    if (errno || end == text || *end || !(x * 1000 >= MAIN_MIN_CPU_MILLIS) || x > 1e6)
        return main_bad("--cpus", text, "a number of CPUs of at least 0.01");
    *millis = (uint64_t)llround(x * 1000);
    return 0;
}

/* Copy one ':'-separated field of *p into out (size bytes); 0 or -EINVAL. */
static int main_field(const char **p, char *out, size_t size)
{
    size_t n = strcspn(*p, ":");

    if (n == 0 || n >= size)
        return -EINVAL;
    memcpy(out, *p, n);
    out[n] = '\0';
    *p += n + ((*p)[n] == ':');
    return 0;
}

/* --net: "none" or "veth:IF:ADDR/LEN[:HOSTADDR/LEN]"; 0 or -EINVAL. */
static int main_parse_net(const char *text, struct box_veth *v)
{
    const char *p = text + strlen("veth:");

    memset(v, 0, sizeof *v);
    if (strcmp(text, "none") == 0)
        return 0;
    if (strncmp(text, "veth:", strlen("veth:")) != 0 || main_field(&p, v->host_if, sizeof v->host_if) ||
        main_field(&p, v->inner_addr, sizeof v->inner_addr) ||
        (*p && main_field(&p, v->host_addr, sizeof v->host_addr)) || *p)
        return main_bad("--net", text, "none or veth:IF:ADDR/LEN[:HOSTADDR/LEN]");
    v->enabled = true;
    return 0;
}

enum { OPT_HOSTNAME = 256, OPT_MEMORY, OPT_PIDS, OPT_CPUS, OPT_READ_ONLY, OPT_NET,
       OPT_INIT, OPT_ONLY, OPT_EXPLAIN, OPT_HELP };

static const struct option main_options[] = {
    { "hostname", required_argument, NULL, OPT_HOSTNAME },
    { "memory", required_argument, NULL, OPT_MEMORY },
    { "pids", required_argument, NULL, OPT_PIDS },
    { "cpus", required_argument, NULL, OPT_CPUS },
    { "read-only", no_argument, NULL, OPT_READ_ONLY },
    { "net", required_argument, NULL, OPT_NET },
    { "init", no_argument, NULL, OPT_INIT },
    { "only", required_argument, NULL, OPT_ONLY },
    { "explain", no_argument, NULL, OPT_EXPLAIN },
    { "help", no_argument, NULL, OPT_HELP },
    { 0 },
};

/* Apply one option to cfg; 0, or -EINVAL (message printed). */
static int main_option(int opt, const char *arg, struct box_config *cfg)
{
    switch (opt) {
    case OPT_HOSTNAME:  cfg->hostname = arg; return 0;
    case OPT_MEMORY:    return main_parse_memory(arg, &cfg->limits.memory_bytes);
    case OPT_PIDS:      return main_parse_pids(arg, &cfg->limits.pids);
    case OPT_CPUS:      return main_parse_cpus(arg, &cfg->limits.cpu_millis);
    case OPT_READ_ONLY: cfg->read_only = true; return 0;
    case OPT_NET:       return main_parse_net(arg, &cfg->veth);
    case OPT_INIT:      cfg->init = true; return 0;
    case OPT_ONLY:      return box_mech_parse(arg, &cfg->mechs);
    case OPT_EXPLAIN:   explain_enable(true); return 0;
    default:            return -EINVAL;
    }
}

/* Check what the options cannot check alone; 0 or -EINVAL. */
static int main_check(const struct box_config *cfg)
{
    if (cfg->veth.enabled && !(cfg->mechs & BOX_NET)) {
        explain_error("--net veth needs the net namespace (add 'net' to --only)");
        return -EINVAL;
    }
    if (cfg->hostname && !(cfg->mechs & BOX_UTS)) {
        explain_error("--hostname needs the uts namespace (add 'uts' to --only)");
        return -EINVAL;
    }
    return 0;
}

/* Parse "run [options] ROOTFS -- CMD..." into cfg; 0 or -EINVAL. */
static int main_parse(int argc, char **argv, struct box_config *cfg)
{
    int opt;

    if (argc < 2 || strcmp(argv[1], "run") != 0)
        return -EINVAL;
    cfg->mechs = BOX_ALL;
    optind = 2;
    while ((opt = getopt_long(argc, argv, "+", main_options, NULL)) != -1)
        if (opt == OPT_HELP || main_option(opt, optarg, cfg) < 0)
            return -EINVAL;
    if (optind + 2 > argc || strcmp(argv[optind + 1], "--") != 0 || optind + 2 == argc) {
        explain_error("expected ROOTFS -- CMD [ARGS...]");
        return -EINVAL;
    }
    cfg->rootfs = argv[optind];
    cfg->argv = argv + optind + 2;
    return main_check(cfg);
}

/* Parse the command line, run the box; exits with its status. */
int main(int argc, char **argv)
{
    struct box_config cfg = { 0 };

    if (main_parse(argc, argv, &cfg) < 0) {
        fputs(main_usage, stderr);
        return BOX_EXIT_RUNTIME;
    }
    return box_run(&cfg);
}
