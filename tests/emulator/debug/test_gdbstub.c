/* test_gdbstub.c - the GDB stub driven by a scripted client over a socket. */

/*
 * Each test starts gdb_serve() in a thread on a free loopback port, on a
 * fixture CPU, and talks to it the way GDB does: "$payload#checksum"
 * packets (GDB manual E.1), '+' acks, and replies checked against the
 * manual and against struct cpu.  The guest "ends" when it halts; the
 * resume callback then returns EAX as the exit status.
 */

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "fixture.h"
#include "gdbstub.h"

#define RUN_BUDGET 100000
#define CONNECT_TRIES 200             /* x 10 ms */

/*  1000: b8 01 00 00 00   mov $0x1,%eax
 *  1005: bb 02 00 00 00   mov $0x2,%ebx
 *  100a: 40               inc %eax
 *  100b: f4               hlt                                          */
static const uint8_t program[] = {
    0xb8, 0x01, 0x00, 0x00, 0x00, 0xbb, 0x02, 0x00, 0x00, 0x00, 0x40, 0xf4,
};

struct session {
    struct fixture *f;
    struct gdb_target t;
    pthread_t thread;
    uint16_t port;
    int rc;                           /* what gdb_serve returned */
    int fd;                           /* the client's socket */
};

/* resume: -1 after a step or at a breakpoint; EAX's low byte once halted. */
static int fixture_resume(void *ctx, bool single_step)
{
    struct fixture *f = ctx;
    enum cpu_exit e = single_step ? cpu_step(&f->cpu) : cpu_run(&f->cpu, RUN_BUDGET);
    return e == CPU_EXIT_HLT ? (int)(f->cpu.reg[EAX] & 0xff) : -1;
}

static void *server_main(void *arg)
{
    struct session *s = arg;
    s->rc = gdb_serve(&s->t, s->port);
    return NULL;
}

/* A TCP port nobody listens on right now (the kernel picks it). */
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

/* Connect to 127.0.0.1:port, retrying while the server thread starts. */
static int connect_retry(uint16_t port)
{
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    struct timeval tmo = { .tv_sec = 5 };
    int one = 1;
    for (int i = 0; i < CONNECT_TRIES; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof tmo);
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            return fd;
        }
        close(fd);
        nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
    }
    cr_assert_fail("the stub never listened on port %u", port);
    return -1;
}

/* A fixture holding `code`, and a stub serving it to our socket with the
 * given owner callbacks. */
static void start_with(struct session *s, const uint8_t *code, size_t len,
                       int (*resume)(void *, bool), void (*interrupt)(void *))
{
    s->port = free_port();
    s->f = fix_new();
    fix_code(s->f, code, len);
    s->t = (struct gdb_target){ .cpu = &s->f->cpu, .ctx = s->f, .resume = resume,
                                .interrupt = interrupt };
    cr_assert_eq(pthread_create(&s->thread, NULL, server_main, s), 0);
    s->fd = connect_retry(s->port);
}

/* The same with `program`. */
static void start(struct session *s)
{
    start_with(s, program, sizeof program, fixture_resume, NULL);
}

/* Close our end and collect gdb_serve's result. */
static int finish(struct session *s)
{
    close(s->fd);
    pthread_join(s->thread, NULL);
    fix_free(s->f);
    return s->rc;
}

/* One byte from the stub, or -1 on timeout or EOF. */
static int getbyte(int fd)
{
    unsigned char ch;
    return recv(fd, &ch, 1, 0) == 1 ? ch : -1;
}

/* Send raw bytes. */
static void send_raw(int fd, const char *s)
{
    cr_assert_eq(send(fd, s, strlen(s), MSG_NOSIGNAL), (ssize_t)strlen(s));
}

/* Send one packet with a correct checksum and expect the stub's '+'. */
static void send_packet(int fd, const char *payload)
{
    char frame[8192];
    unsigned sum = 0;
    for (const char *p = payload; *p; p++)
        sum += (unsigned char)*p;
    snprintf(frame, sizeof frame, "$%s#%02x", payload, sum & 0xff);
    send_raw(fd, frame);
    int ack = getbyte(fd);
    cr_assert_eq(ack, '+', "packet \"%.40s\": expected ack '+', got %d", payload, ack);
}

/* Receive one reply packet, check its checksum, ack it.  Returns the payload. */
static char *recv_packet(int fd, char *buf, size_t size)
{
    size_t n = 0;
    unsigned sum = 0, want;
    int ch;
    while ((ch = getbyte(fd)) != '$')
        cr_assert_neq(ch, -1, "expected a reply packet, got EOF or timeout");
    while ((ch = getbyte(fd)) != '#') {
        cr_assert_neq(ch, -1, "reply cut short");
        cr_assert_lt(n + 1, size, "reply longer than %zu", size);
        buf[n++] = (char)ch;
        sum += (unsigned)ch;
    }
    buf[n] = 0;
    char cs[3] = { (char)getbyte(fd), (char)getbyte(fd), 0 };
    cr_assert_eq(sscanf(cs, "%2x", &want), 1, "bad checksum digits \"%s\"", cs);
    cr_assert_eq(want, sum & 0xff, "reply \"%s\": checksum %02x, expected %02x", buf, want, sum & 0xff);
    send_raw(fd, "+");
    return buf;
}

/* Send a command and expect exactly `expected` back. */
static void expect(struct session *s, const char *cmd, const char *expected)
{
    char buf[8192];
    send_packet(s->fd, cmd);
    recv_packet(s->fd, buf, sizeof buf);
    cr_assert_str_eq(buf, expected, "\"%s\": expected \"%s\", got \"%s\"", cmd, expected, buf);
}

/* 32-bit value as GDB's little-endian hex. */
static const char *le32(uint32_t v, char out[9])
{
    snprintf(out, 9, "%02x%02x%02x%02x", v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24);
    return out;
}

Test(gdbstub, g_packet_has_i386_register_order)
{
    struct session s;
    char buf[8192], want[200] = "", hex[9];
    start(&s);
    struct cpu *c = &s.f->cpu;
    for (int r = 0; r < 8; r++)
        c->reg[r] = 0x11111111u * (uint32_t)(r + 1);
    cpu_set_eflags(c, FLAG_FIXED | FLAG_ZF | FLAG_CF);
    /* gdb/i386-tdep.h order: eax ecx edx ebx esp ebp esi edi eip eflags cs ss ds es fs gs */
    const uint32_t order[16] = {
        c->reg[EAX], c->reg[ECX], c->reg[EDX], c->reg[EBX], c->reg[ESP], c->reg[EBP],
        c->reg[ESI], c->reg[EDI], c->eip, 0x43 /* ZF|bit1|CF */, c->seg[SEG_CS].sel,
        c->seg[SEG_SS].sel, c->seg[SEG_DS].sel, c->seg[SEG_ES].sel, c->seg[SEG_FS].sel,
        c->seg[SEG_GS].sel,
    };
    for (int r = 0; r < 16; r++)
        strcat(want, le32(order[r], hex));
    send_packet(s.fd, "g");
    recv_packet(s.fd, buf, sizeof buf);
    cr_assert_str_eq(buf, want, "g reply");
    cr_assert_eq(strncmp(buf, "11111111", 8), 0);
    cr_assert_eq(strncmp(buf + 8 * 8, "00100000", 8), 0, "eip 0x1000 at slot 8: %.8s", buf + 64);
    cr_assert_eq(strncmp(buf + 8 * 10, "08000000", 8), 0, "cs 0x08 at slot 10: %.8s", buf + 80);
    expect(&s, "p8", "00100000");
    expect(&s, "p9", "43000000");
    expect(&s, "p0", "11111111");
    cr_assert_eq(finish(&s), 0);
}

Test(gdbstub, register_writes_reach_struct_cpu)
{
    struct session s;
    char buf[8192];
    start(&s);
    expect(&s, "P0=78563412", "OK");
    cr_assert_eq(s.f->cpu.reg[EAX], 0x12345678u, "P0 wrote 0x%x", s.f->cpu.reg[EAX]);
    expect(&s, "P8=05100000", "OK");
    cr_assert_eq(s.f->cpu.eip, 0x1005u);
    /* G: take g, change ebx (slot 3), send it back */
    send_packet(s.fd, "g");
    recv_packet(s.fd, buf, sizeof buf);
    memcpy(buf + 3 * 8, "efbeadde", 8);
    char cmd[8200] = "G";
    strcat(cmd, buf);
    expect(&s, cmd, "OK");
    cr_assert_eq(s.f->cpu.reg[EBX], 0xdeadbeefu, "G wrote ebx 0x%x", s.f->cpu.reg[EBX]);
    /* a new CS selector would need a descriptor load: refused */
    expect(&s, "Pa=10000000", "E16");
    cr_assert_eq(s.f->cpu.seg[SEG_CS].sel, 0x08);
    expect(&s, "Pa=08000000", "OK");
    cr_assert_eq(finish(&s), 0);
}

Test(gdbstub, breakpoint_hit_then_single_step_then_exit)
{
    struct session s;
    start(&s);
    expect(&s, "?", "S05");
    expect(&s, "Z0,100a,1", "OK");
    cr_assert_eq(s.f->cpu.nbreakpoints, 1);
    cr_assert_eq(s.f->cpu.breakpoints[0], 0x100au);
    cr_assert_eq(s.f->cpu.bus.ram[0x100a], 0x40, "memory must not be patched");
    expect(&s, "c", "S05");
    expect(&s, "p8", "0a100000");                       /* stopped at 0x100a */
    expect(&s, "p0", "01000000");                       /* eax = 1 */
    expect(&s, "p3", "02000000");                       /* ebx = 2 */
    expect(&s, "z0,100a,1", "OK");
    cr_assert_eq(s.f->cpu.nbreakpoints, 0);
    expect(&s, "s", "S05");
    expect(&s, "p8", "0b100000");                       /* inc done: at hlt */
    expect(&s, "p0", "02000000");
    expect(&s, "c", "W02");                             /* hlt ends it, status = eax */
    cr_assert_eq(finish(&s), 0, "session ended by the guest's exit");
}

Test(gdbstub, vcont_steps_and_continues)
{
    struct session s;
    start(&s);
    expect(&s, "vCont?", "vCont;c;C;s;S");
    expect(&s, "vCont;s:1", "S05");
    cr_assert_eq(s.f->cpu.eip, 0x1005u, "one step from 0x1000 (5-byte mov)");
    expect(&s, "vCont;s:1;c", "S05");
    cr_assert_eq(s.f->cpu.eip, 0x100au);
    expect(&s, "vCont;c", "W02");
    cr_assert_eq(finish(&s), 0);
}

Test(gdbstub, memory_read_write_and_unmapped)
{
    struct session s;
    start(&s);
    expect(&s, "m1000,5", "b801000000");
    expect(&s, "M10000,4:deadbeef", "OK");
    cr_assert_eq(s.f->cpu.bus.ram[0x10000], 0xde);
    cr_assert_eq(s.f->cpu.bus.ram[0x10003], 0xef);
    expect(&s, "m10000,4", "deadbeef");
    /* paging with only the first 4 MiB mapped (one 4-MiB page, SDM 3A 4.3) */
    s.f->cpu.bus.ram[0x20000] = 0x83;                     /* PDE 0: P | RW | PS */
    s.f->cpu.cr4 |= CR4_PSE;
    s.f->cpu.cr3 = 0x20000;
    s.f->cpu.cr0 |= CR0_PG;
    cpu_tlb_flush(&s.f->cpu);
    expect(&s, "m1000,2", "b801");
    expect(&s, "m400000,4", "E14");
    expect(&s, "M400000,1:00", "E14");
    expect(&s, "m3ffffe,4", "0000");                      /* stops at the unmapped page */
    cr_assert_eq(finish(&s), 0);
}

Test(gdbstub, bad_checksum_and_garbage_do_not_break_the_session)
{
    struct session s;
    char big[6000];
    start(&s);
    send_raw(s.fd, "$g#00");                              /* wrong checksum */
    cr_assert_eq(getbyte(s.fd), '-', "a bad checksum must be nacked");
    send_raw(s.fd, "junk\x03+-");                         /* noise between packets */
    send_raw(s.fd, "$?#zz");                              /* checksum not hex */
    cr_assert_eq(getbyte(s.fd), '-');
    expect(&s, "?", "S05");
    expect(&s, "Xfoo", "");                               /* unknown: empty reply */
    expect(&s, "mzz", "E16");
    expect(&s, "m1000", "E16");
    expect(&s, "p99", "E16");
    expect(&s, "P0=12", "E16");
    expect(&s, "G1234", "E16");
    expect(&s, "M1000,4:zz", "E16");
    expect(&s, "Z0", "E16");
    expect(&s, "Z2,1000,4", "");                          /* watchpoints: unsupported */
    expect(&s, "vCont;x", "E16");
    expect(&s, "m1000,ffffffffff", "E16");                /* does not fit 32 bits */
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = 0;
    expect(&s, big, "");                                  /* longer than PacketSize */
    expect(&s, "", "");
    expect(&s, "m1000,1", "b8");                          /* still alive */
    cr_assert_eq(finish(&s), 0);
}

Test(gdbstub, queries_for_a_single_thread_target)
{
    struct session s;
    char buf[8192];
    start(&s);
    send_packet(s.fd, "qSupported:multiprocess+;swbreak+");
    recv_packet(s.fd, buf, sizeof buf);
    cr_assert_not_null(strstr(buf, "PacketSize="), "qSupported: \"%s\"", buf);
    expect(&s, "qAttached", "1");
    expect(&s, "qC", "QC1");
    expect(&s, "qfThreadInfo", "m1");
    expect(&s, "qsThreadInfo", "l");
    expect(&s, "Hg0", "OK");
    expect(&s, "Hc-1", "OK");
    expect(&s, "qTStatus", "");
    expect(&s, "vMustReplyEmpty", "");
    cr_assert_eq(finish(&s), 0);
}

Test(gdbstub, kill_ends_the_session_without_a_reply)
{
    struct session s;
    start(&s);
    send_packet(s.fd, "k");
    cr_assert_eq(getbyte(s.fd), -1, "after k the stub closes the connection");
    cr_assert_eq(finish(&s), 0);
}

Test(gdbstub, detach_says_ok_and_ends)
{
    struct session s;
    start(&s);
    expect(&s, "Z0,1005,1", "OK");
    expect(&s, "D", "OK");
    cr_assert_eq(getbyte(s.fd), -1, "after D the stub closes the connection");
    cr_assert_eq(finish(&s), 0);
}

Test(gdbstub, breakpoint_table_full_is_an_error)
{
    struct session s;
    char cmd[32];
    start(&s);
    for (int k = 0; k < CPU_MAX_BREAKPOINTS; k++) {
        snprintf(cmd, sizeof cmd, "Z0,%x,1", 0x2000 + k);
        expect(&s, cmd, "OK");
    }
    expect(&s, "Z0,2000,1", "OK");                        /* already there */
    expect(&s, "Z0,3000,1", "E16");
    cr_assert_eq(s.f->cpu.nbreakpoints, CPU_MAX_BREAKPOINTS);
    cr_assert_eq(finish(&s), 0);
}

Test(gdbstub, port_in_use_is_an_error)
{
    struct gdb_target t = { 0 };
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof sa;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert(bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 && listen(fd, 1) == 0
              && getsockname(fd, (struct sockaddr *)&sa, &len) == 0);
    int rc = gdb_serve(&t, ntohs(sa.sin_port));
    cr_assert_lt(rc, 0, "binding a port someone listens on: expected -errno, got %d", rc);
    close(fd);
}

/* --- Ctrl-C: an owner that can be interrupted ------------------------------ */

static atomic_bool stop_requested;

/* Run until interrupted (the guest below never ends by itself). */
static int interruptible_resume(void *ctx, bool single_step)
{
    struct fixture *f = ctx;
    if (single_step) {
        cpu_step(&f->cpu);
        return -1;
    }
    while (!atomic_exchange(&stop_requested, false))
        cpu_run(&f->cpu, 1000);
    return -1;
}

static void request_stop(void *ctx)
{
    (void)ctx;
    atomic_store(&stop_requested, true);
}

/* GDB manual E.8: Ctrl-C is the byte 0x03 sent while the target runs; the
 * stop reply then reports SIGINT (2). */
Test(gdbstub, ctrl_c_stops_a_running_guest)
{
    struct session s;
    const uint8_t spin[] = { 0xeb, 0xfe };                /* 1000: jmp 1000 */
    char buf[64];
    start_with(&s, spin, sizeof spin, interruptible_resume, request_stop);
    send_packet(s.fd, "c");
    nanosleep(&(struct timespec){ .tv_nsec = 20000000 }, NULL);
    send_raw(s.fd, "\x03");
    recv_packet(s.fd, buf, sizeof buf);
    cr_assert_str_eq(buf, "S02", "stop reply after Ctrl-C");
    cr_assert_gt(s.f->cpu.icount, 0, "the guest ran before the interrupt");
    expect(&s, "p8", "00100000");                         /* still in its loop */
    expect(&s, "s", "S05");                               /* a step is not an interrupt */
    cr_assert_eq(finish(&s), 0);
}
