/* gdbstub.c - serve GDB's remote serial protocol over TCP. */

/*
 * GDB talks to a remote target in packets (GDB manual, appendix E "GDB
 * Remote Serial Protocol"):
 *
 *     $<data>#<checksum>
 *
 * where the checksum is the sum of the data bytes modulo 256, as two hex
 * digits.  The receiver answers '+' (received) or '-' (send it again).
 * Every command gets exactly one reply packet; an empty reply means "not
 * supported", and GDB then falls back to a simpler command.  "Resume"
 * commands (c, s, vCont) are answered only when the target stops again: with
 * a stop reply "S05" (stopped by SIGTRAP) or "Wxx" (the program exited with
 * status xx).
 *
 * Registers travel as hex bytes in target (little-endian) order.  Without a
 * target description, i386 GDB expects the 'g' packet to start with the
 * sixteen 32-bit registers below; whatever follows (x87, SSE) may be left
 * out and shows as unavailable.
 *
 * The guest is single-threaded as far as GDB knows: thread 1.  While it
 * runs, GDB may send one byte, 0x03, when the user presses Ctrl-C; if the
 * owner gave us an interrupt callback, a watcher thread reads the socket
 * during resume() and calls it, and the stop reply is then "S02" (SIGINT).
 */

#include "gdbstub.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The largest packet we accept and announce in qSupported (PacketSize). */
#define GDB_PACKET_SIZE 4096
/* Resends of a reply GDB answers with '-' before we drop the reply. */
#define GDB_MAX_RESENDS 8
/* GDB manual E.4 (Stop Reply Packets): signal numbers are GDB's, where
 * 2 is SIGINT and 5 is SIGTRAP. */
#define GDB_SIGINT 2
#define GDB_SIGTRAP 5
/* GDB manual E.8 (Interrupts): Ctrl-C arrives as this byte, outside packets. */
#define GDB_INTERRUPT 0x03
/* GDB manual E.1: errors are "E NN"; GDB reports NN but gives it no meaning.
 * We answer E14 (errno 14 is EFAULT) for memory that is not mapped and E16
 * for a request we cannot parse or carry out. */
#define GDB_EFAULT "E14"
#define GDB_EBADREQ "E16"

/* The register numbers of GDB's i386 'g' packet (gdb/i386-tdep.h). */
enum gdb_reg {
    GDB_EAX, GDB_ECX, GDB_EDX, GDB_EBX, GDB_ESP, GDB_EBP, GDB_ESI, GDB_EDI,
    GDB_EIP, GDB_EFLAGS, GDB_CS, GDB_SS, GDB_DS, GDB_ES, GDB_FS, GDB_GS,
    GDB_NREGS
};

/* The segment register behind GDB's CS..GS. */
static const enum cpu_sreg gdb_sreg[] = { SEG_CS, SEG_SS, SEG_DS, SEG_ES, SEG_FS, SEG_GS };

/* One debugger connection, with a small read buffer. */
struct gdb_conn {
    int fd;
    uint8_t in[512];
    size_t inlen, inpos;
};

/* What a command handler tells the loop. */
enum gdb_next { GDB_REPLY, GDB_END, GDB_END_QUIET };

/* --- the byte stream ----------------------------------------------------------- */

/* Next byte from the debugger, or -1 when it closed the connection. */
static int conn_getc(struct gdb_conn *g)
{
    if (g->inpos == g->inlen) {
        ssize_t n;
        do
            n = recv(g->fd, g->in, sizeof g->in, 0);
        while (n < 0 && errno == EINTR);
        if (n <= 0)
            return -1;
        g->inlen = (size_t)n;
        g->inpos = 0;
    }
    return g->in[g->inpos++];
}

/* Send all of buf.  Returns 0 or -errno (never raises SIGPIPE). */
static int conn_write(struct gdb_conn *g, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = send(g->fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* --- hex ------------------------------------------------------------------------ */

static const char hexdigits[] = "0123456789abcdef";

/* Value of a hex digit, or -1. */
static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* Parse a big-endian hex number at *p (as in "m1000,4"), advancing *p.
 * Returns 0, or -1 if there is no digit or it does not fit 32 bits. */
static int parse_hex(const char **p, uint32_t *v)
{
    const char *s = *p;
    uint64_t x = 0;
    while (hexval(*s) >= 0 && x <= UINT32_MAX)
        x = x << 4 | (uint64_t)hexval(*s++);
    if (s == *p || x > UINT32_MAX)
        return -1;
    *v = (uint32_t)x;
    *p = s;
    return 0;
}

/* Parse "addr,len" into *addr and *len, advancing *p past them. */
static int parse_addr_len(const char **p, uint32_t *addr, uint32_t *len)
{
    if (parse_hex(p, addr) < 0 || **p != ',')
        return -1;
    (*p)++;
    return parse_hex(p, len);
}

/* Append n bytes as hex to out (which has room for 2n + 1). */
static void put_hex_bytes(char *out, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hexdigits[b[i] >> 4];
        out[2 * i + 1] = hexdigits[b[i] & 0xf];
    }
    out[2 * n] = 0;
}

/* Decode 2n hex digits into n bytes.  Returns 0, or -1 on a bad digit. */
static int get_hex_bytes(const char *s, uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int hi = hexval(s[2 * i]), lo = hi < 0 ? -1 : hexval(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        b[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

/* A 32-bit register value as GDB sends it: 8 hex digits, little-endian. */
static int get_le32(const char *s, uint32_t *v)
{
    uint8_t b[4];
    if (strlen(s) < 8 || get_hex_bytes(s, b, 4) < 0)
        return -1;
    *v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    return 0;
}

/* --- packets ---------------------------------------------------------------------- */

/* Receive the next well-formed packet into buf (NUL-terminated), acking it
 * with '+'; packets with a bad checksum are nacked with '-' and skipped, and
 * so is anything outside "$...#xx".  A packet longer than buf is cut (the
 * command then fails to parse).  Returns its length, or -1 at EOF. */
static int recv_packet(struct gdb_conn *g, char *buf, size_t size)
{
    for (;;) {
        int ch, hi, lo;
        size_t n = 0;
        uint8_t sum = 0;
        while ((ch = conn_getc(g)) != '$')
            if (ch < 0)
                return -1;
        while ((ch = conn_getc(g)) != '#') {
            if (ch < 0)
                return -1;
            sum += (uint8_t)ch;
            if (n + 1 < size)
                buf[n++] = (char)ch;
        }
        buf[n] = 0;
        if ((hi = hexval(conn_getc(g))) < 0 || (lo = hexval(conn_getc(g))) < 0
            || (uint8_t)(hi << 4 | lo) != sum) {
            if (conn_write(g, "-", 1) < 0)
                return -1;
            continue;
        }
        return conn_write(g, "+", 1) < 0 ? -1 : (int)n;
    }
}

/* Send "$data#cs" and wait for GDB's '+', resending on '-'.  A client that
 * starts its next packet instead of acking, or nacks GDB_MAX_RESENDS times,
 * loses this reply but keeps the session.  Returns 0, or -1 if the link
 * failed. */
static int send_packet(struct gdb_conn *g, const char *data)
{
    char frame[GDB_PACKET_SIZE + 8];
    uint8_t sum = 0;
    size_t len = strlen(data);

    for (size_t i = 0; i < len; i++)
        sum += (uint8_t)data[i];
    len = (size_t)snprintf(frame, sizeof frame, "$%s#%02x", data, sum);
    for (int tries = 0; tries < GDB_MAX_RESENDS; tries++) {
        int ack;
        if (conn_write(g, frame, len) < 0)
            return -1;
        while ((ack = conn_getc(g)) != '+' && ack != '-' && ack != '$')
            if (ack < 0)
                return -1;
        if (ack == '$')
            g->inpos--;                 /* give the '$' back to recv_packet */
        if (ack != '-')
            return 0;
    }
    return 0;
}

/* --- registers ---------------------------------------------------------------------- */

/* Value of GDB register r. */
static uint32_t reg_get(struct cpu *c, int r)
{
    if (r < GDB_EIP)
        return c->reg[r];
    if (r == GDB_EIP)
        return c->eip;
    if (r == GDB_EFLAGS)
        return cpu_get_eflags(c);
    return c->seg[gdb_sreg[r - GDB_CS]].sel;
}

/* Set GDB register r.  A segment register may only be "set" to the value it
 * has: a new selector would need a descriptor load, which the stub does not
 * do.  Returns 0 or -1. */
static int reg_set(struct cpu *c, int r, uint32_t v)
{
    if (r < GDB_EIP)
        c->reg[r] = v;
    else if (r == GDB_EIP)
        c->eip = v;
    else if (r == GDB_EFLAGS)
        cpu_set_eflags(c, v);
    else if (v != c->seg[gdb_sreg[r - GDB_CS]].sel)
        return -1;
    return 0;
}

/* Append register r as 8 little-endian hex digits. */
static void put_reg(char *out, struct cpu *c, int r)
{
    uint32_t v = reg_get(c, r);
    uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
    put_hex_bytes(out, b, 4);
}

/* g: all registers. */
static void cmd_read_regs(struct cpu *c, char *reply)
{
    for (int r = 0; r < GDB_NREGS; r++)
        put_reg(reply + 8 * r, c, r);
}

/* G<hex>: all registers, in 'g' order.  Checks everything before changing
 * anything. */
static void cmd_write_regs(struct cpu *c, const char *arg, char *reply)
{
    uint32_t v[GDB_NREGS];
    for (int r = 0; r < GDB_NREGS; r++) {
        if (get_le32(arg + 8 * r, &v[r]) < 0) {
            strcpy(reply, GDB_EBADREQ);
            return;
        }
        if (r >= GDB_CS && v[r] != reg_get(c, r)) {
            strcpy(reply, GDB_EBADREQ);
            return;
        }
    }
    for (int r = 0; r < GDB_NREGS; r++)
        reg_set(c, r, v[r]);
    strcpy(reply, "OK");
}

/* p<n>: one register. */
static void cmd_read_reg(struct cpu *c, const char *arg, char *reply)
{
    uint32_t r;
    if (parse_hex(&arg, &r) < 0 || r >= GDB_NREGS)
        strcpy(reply, GDB_EBADREQ);
    else
        put_reg(reply, c, (int)r);
}

/* P<n>=<value>: one register. */
static void cmd_write_reg(struct cpu *c, const char *arg, char *reply)
{
    uint32_t r, v;
    if (parse_hex(&arg, &r) < 0 || r >= GDB_NREGS || *arg != '='
        || get_le32(arg + 1, &v) < 0 || reg_set(c, (int)r, v) < 0)
        strcpy(reply, GDB_EBADREQ);
    else
        strcpy(reply, "OK");
}

/* --- memory --------------------------------------------------------------------- */

/* m<addr>,<len>: read linear memory.  A read that starts on an unmapped page
 * fails with E14; one that runs into one returns the bytes before it. */
static void cmd_read_mem(struct cpu *c, const char *arg, char *reply)
{
    uint8_t buf[(GDB_PACKET_SIZE - 1) / 2];
    uint32_t addr, len, n = 0;

    if (parse_addr_len(&arg, &addr, &len) < 0) {
        strcpy(reply, GDB_EBADREQ);
        return;
    }
    if (len > sizeof buf)
        len = sizeof buf;
    while (n < len && cpu_read_linear(c, addr + n, &buf[n], 1) == 0)
        n++;
    if (n == 0 && len > 0)
        strcpy(reply, GDB_EFAULT);
    else
        put_hex_bytes(reply, buf, n);
}

/* M<addr>,<len>:<hex>: write linear memory. */
static void cmd_write_mem(struct cpu *c, const char *arg, char *reply)
{
    uint8_t buf[(GDB_PACKET_SIZE - 1) / 2];
    uint32_t addr, len;

    if (parse_addr_len(&arg, &addr, &len) < 0 || *arg != ':' || len > sizeof buf
        || strlen(arg + 1) < 2 * (size_t)len || get_hex_bytes(arg + 1, buf, len) < 0)
        strcpy(reply, GDB_EBADREQ);
    else if (cpu_write_linear(c, addr, buf, len) < 0)
        strcpy(reply, GDB_EFAULT);
    else
        strcpy(reply, "OK");
}

/* --- breakpoints ------------------------------------------------------------------ */

/* Index of a breakpoint at addr, or -1. */
static int bp_find(const struct cpu *c, uint32_t addr)
{
    for (int k = 0; k < c->nbreakpoints; k++)
        if (c->breakpoints[k] == addr)
            return k;
    return -1;
}

/* Add a breakpoint (once).  Returns 0, or -1 when the table is full. */
static int bp_insert(struct cpu *c, uint32_t addr)
{
    if (bp_find(c, addr) >= 0)
        return 0;
    if (c->nbreakpoints >= CPU_MAX_BREAKPOINTS)
        return -1;
    c->breakpoints[c->nbreakpoints++] = addr;
    return 0;
}

/* Remove a breakpoint if there is one there. */
static void bp_remove(struct cpu *c, uint32_t addr)
{
    int k = bp_find(c, addr);
    if (k >= 0)
        c->breakpoints[k] = c->breakpoints[--c->nbreakpoints];
}

/* Z<type>,<addr>,<kind> and z...: types 0 (software) and 1 (hardware) are
 * the same thing here, an address in cpu->breakpoints; watchpoints (2-4)
 * are not supported (empty reply). */
static void cmd_breakpoint(struct cpu *c, const char *pkt, char *reply)
{
    const char *arg = pkt + 1;
    uint32_t type, addr;

    if (parse_hex(&arg, &type) < 0 || *arg++ != ',' || parse_hex(&arg, &addr) < 0) {
        strcpy(reply, GDB_EBADREQ);
        return;
    }
    if (type > 1) {
        reply[0] = 0;
        return;
    }
    if (pkt[0] == 'z')
        bp_remove(c, addr);
    else if (bp_insert(c, addr) < 0) {
        strcpy(reply, GDB_EBADREQ);
        return;
    }
    strcpy(reply, "OK");
}

/* --- running ---------------------------------------------------------------------- */

/* The Ctrl-C watcher: runs while the guest does. */
struct watcher {
    struct gdb_target *t;
    int fd;                     /* the debugger's socket */
    int quit[2];                /* a pipe: a byte in it ends the watch */
    atomic_bool fired;          /* Ctrl-C seen and passed on */
    pthread_t thread;
};

/* Wait for GDB_INTERRUPT on the socket (or the quit pipe, or EOF); pass it
 * to the owner.  Other bytes cannot come while the guest runs (GDB waits
 * for the stop reply) and are dropped. */
static void *watch(void *arg)
{
    struct watcher *w = arg;
    struct pollfd p[2] = { { .fd = w->fd, .events = POLLIN }, { .fd = w->quit[0], .events = POLLIN } };
    uint8_t ch;

    for (;;) {
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return NULL;
        }
        if (p[1].revents || recv(w->fd, &ch, 1, 0) != 1)
            return NULL;
        if (ch == GDB_INTERRUPT && !atomic_exchange(&w->fired, true))
            w->t->interrupt(w->t->ctx);
    }
}

/* Tell the watcher to stop, wait for it, close its pipe. */
static void watcher_stop(struct watcher *w)
{
    ssize_t n;
    do
        n = write(w->quit[1], "", 1);   /* an empty pipe we own: only EINTR can fail */
    while (n < 0 && errno == EINTR);
    pthread_join(w->thread, NULL);
    close(w->quit[0]);
    close(w->quit[1]);
}

/* Call the owner's resume(), watching for Ctrl-C meanwhile if the owner can
 * be interrupted.  Returns resume()'s result; *interrupted tells whether
 * Ctrl-C was passed on. */
static int run_guest(struct gdb_target *t, struct gdb_conn *g, bool step, bool *interrupted)
{
    struct watcher w = { .t = t, .fd = g->fd };
    bool watching = t->interrupt && !step && pipe(w.quit) == 0;
    int status;

    if (watching && pthread_create(&w.thread, NULL, watch, &w) != 0) {
        close(w.quit[0]);
        close(w.quit[1]);
        watching = false;
    }
    status = t->resume(t->ctx, step);
    if (watching)
        watcher_stop(&w);
    *interrupted = atomic_load(&w.fired);
    return status;
}

/* Resume the guest (optionally at a new EIP) and build the stop reply.
 * Returns GDB_END when the guest ended (the reply is "Wxx"). */
static enum gdb_next resume(struct gdb_target *t, struct gdb_conn *g, bool step,
                            const char *addr, char *reply)
{
    uint32_t eip;
    int status;
    bool interrupted;

    if (addr && *addr && parse_hex(&addr, &eip) == 0)
        t->cpu->eip = eip;
    status = run_guest(t, g, step, &interrupted);
    if (status < 0) {
        snprintf(reply, GDB_PACKET_SIZE, "S%02x", interrupted ? GDB_SIGINT : GDB_SIGTRAP);
        return GDB_REPLY;
    }
    snprintf(reply, GDB_PACKET_SIZE, "W%02x", status & 0xff);
    return GDB_END;
}

/* vCont;<action>[:<thread>][;...]: the first action decides, since there is
 * one thread.  c/C continue, s/S step (a signal to deliver is ignored). */
static enum gdb_next cmd_vcont(struct gdb_target *t, struct gdb_conn *g, const char *pkt,
                               char *reply)
{
    if (strcmp(pkt, "vCont?") == 0) {
        strcpy(reply, "vCont;c;C;s;S");
        return GDB_REPLY;
    }
    switch (pkt[5] == ';' ? pkt[6] : 0) {
    case 'c': case 'C': return resume(t, g, false, NULL, reply);
    case 's': case 'S': return resume(t, g, true, NULL, reply);
    default: strcpy(reply, GDB_EBADREQ); return GDB_REPLY;
    }
}

/* q...: the general queries GDB makes while connecting (unknown ones get
 * the empty reply). */
static void cmd_query(const char *pkt, char *reply)
{
    if (strncmp(pkt, "qSupported", 10) == 0)
        snprintf(reply, GDB_PACKET_SIZE, "PacketSize=%x", GDB_PACKET_SIZE);
    else if (strcmp(pkt, "qAttached") == 0)
        strcpy(reply, "1");                 /* we attached to a running machine */
    else if (strcmp(pkt, "qC") == 0)
        strcpy(reply, "QC1");
    else if (strcmp(pkt, "qfThreadInfo") == 0)
        strcpy(reply, "m1");
    else if (strcmp(pkt, "qsThreadInfo") == 0)
        strcpy(reply, "l");
    else if (strncmp(pkt, "qSymbol", 7) == 0)
        strcpy(reply, "OK");                /* no symbols wanted */
    else
        reply[0] = 0;
}

/* Carry out one command and leave its reply in `reply`. */
static enum gdb_next dispatch(struct gdb_target *t, struct gdb_conn *g, const char *pkt,
                              char *reply)
{
    struct cpu *c = t->cpu;

    reply[0] = 0;
    switch (pkt[0]) {
    case '?': snprintf(reply, GDB_PACKET_SIZE, "S%02x", GDB_SIGTRAP); break;
    case 'g': cmd_read_regs(c, reply); break;
    case 'G': cmd_write_regs(c, pkt + 1, reply); break;
    case 'p': cmd_read_reg(c, pkt + 1, reply); break;
    case 'P': cmd_write_reg(c, pkt + 1, reply); break;
    case 'm': cmd_read_mem(c, pkt + 1, reply); break;
    case 'M': cmd_write_mem(c, pkt + 1, reply); break;
    case 'Z': case 'z': cmd_breakpoint(c, pkt, reply); break;
    case 'c': return resume(t, g, false, pkt + 1, reply);
    case 's': return resume(t, g, true, pkt + 1, reply);
    case 'H': case 'T': strcpy(reply, "OK"); break;   /* thread 1 is the only one */
    case 'k': return GDB_END_QUIET;
    case 'D': strcpy(reply, "OK"); return GDB_END;
    case 'v':
        if (strncmp(pkt, "vCont", 5) == 0)
            return cmd_vcont(t, g, pkt, reply);
        break;
    case 'q': cmd_query(pkt, reply); break;
    default: break;                                   /* unsupported: empty reply */
    }
    return GDB_REPLY;
}

/* Serve one connected debugger until the session ends: by k, D, the
 * guest's exit, or the debugger going away (EOF, or a reply that cannot be
 * delivered).  Returns 0, or -ENOMEM without buffers. */
static int serve(struct gdb_target *t, struct gdb_conn *g)
{
    char *pkt = malloc(GDB_PACKET_SIZE + 1), *reply = malloc(GDB_PACKET_SIZE + 1);
    int rc = pkt && reply ? 0 : -ENOMEM;

    while (rc == 0 && recv_packet(g, pkt, GDB_PACKET_SIZE + 1) >= 0) {
        enum gdb_next next = dispatch(t, g, pkt, reply);
        if (next != GDB_END_QUIET && send_packet(g, reply) < 0)
            break;                                    /* the debugger went away */
        if (next != GDB_REPLY)
            break;
    }
    free(pkt);
    free(reply);
    return rc;
}

/* A socket listening on 127.0.0.1:port, or -errno. */
static int listen_local(uint16_t port)
{
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    int one = 1, err;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0)
        return -errno;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 1) < 0)
        goto err_close;
    return fd;
err_close:
    err = -errno;
    close(fd);
    return err;
}

int gdb_serve(struct gdb_target *t, uint16_t port)
{
    struct gdb_conn g = { .fd = -1 };
    int lfd = listen_local(port), rc, one = 1;

    if (lfd < 0)
        return lfd;
    do
        g.fd = accept(lfd, NULL, NULL);
    while (g.fd < 0 && errno == EINTR);
    rc = g.fd < 0 ? -errno : 0;
    close(lfd);                                       /* one debugger per run */
    if (rc < 0)
        return rc;
    /* Packets are small and strictly alternate; without TCP_NODELAY, Nagle's
     * algorithm holds each reply back until the previous ack's ACK. */
    setsockopt(g.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    rc = serve(t, &g);
    close(g.fd);
    return rc;
}
