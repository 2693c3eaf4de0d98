/* debugport.c - the Bochs/QEMU debug console (0xE9) and isa-debug-exit (0xF4). */

/*
 * Two devices that exist only in emulators, so that a guest can talk to its
 * host with a single OUT instruction, before it has any driver:
 *
 *  - port 0xE9 (Bochs "port E9 hack", also QEMU's -debugcon): every byte
 *    written appears on the host console; reading it returns 0xE9, which is
 *    how a guest checks that the port exists.
 *  - isa-debug-exit (QEMU: -device isa-debug-exit,iobase=0xf4,iosize=0x04):
 *    writing value v ends the emulator with exit status (v << 1) | 1, so a
 *    test kernel can report pass or fail as an exit code.  The status is
 *    always odd, which keeps it apart from QEMU's own exit codes.
 */

#include "debugport.h"

#include "bus.h"

#include <errno.h>
#include <unistd.h>

#define E9_PORT 0xE9
#define E9_SIGNATURE 0xE9       /* Bochs: a read of port 0xE9 returns 0xE9 */
#define EXIT_PORT 0xF4
#define EXIT_PORT_LEN 4         /* QEMU isa-debug-exit iosize=0x04 */

/* Reading port 0xE9 answers 0xE9: the port exists. */
static uint32_t e9_read(void *dev, uint16_t port, unsigned size)
{
    (void)dev; (void)port; (void)size;
    return E9_SIGNATURE;
}

/* One write(2) per byte: nothing is buffered, nothing lost on a kill. */
static void e9_write(void *dev, uint16_t port, uint32_t val, unsigned size)
{
    struct debugport *d = dev;
    uint8_t byte = (uint8_t)val;
    ssize_t n;

    (void)port; (void)size;
    if (d->console_fd < 0)
        return;
    do
        n = write(d->console_fd, &byte, 1);
    while (n < 0 && errno == EINTR);
}

/* The value written, at the width of the OUT, becomes the exit request. */
static void exit_write(void *dev, uint16_t port, uint32_t val, unsigned size)
{
    struct debugport *d = dev;

    (void)port; (void)size;
    if (d->exit)
        d->exit(d->ctx, (int)(val << 1 | 1));
}

/* Claim 0xE9 and 0xF4-0xF7.  Returns 0 or -1. */
int debugport_init(struct debugport *d, struct bus *b, int console_fd,
                   void (*exit)(void *ctx, int status), void *ctx)
{
    struct io_region e9 = { "debugcon", E9_PORT, 1, d, e9_read, e9_write };
    struct io_region ex = { "isa-debug-exit", EXIT_PORT, EXIT_PORT_LEN, d, NULL, exit_write };

    *d = (struct debugport){ .console_fd = console_fd, .exit = exit, .ctx = ctx };
    if (bus_add_io(b, &e9) < 0 || bus_add_io(b, &ex) < 0)
        return -1;
    return 0;
}
