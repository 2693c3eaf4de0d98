/* i8042.h - the PS/2 keyboard controller, for its A20 gate and reset line. */
#ifndef TRAPEZE_I8042_H
#define TRAPEZE_I8042_H

#include <stdbool.h>
#include <stdint.h>

struct bus;

#define I8042_QUEUE 8

struct i8042 {
    uint8_t status;             /* status register bits kept between accesses */
    uint8_t command_byte;       /* controller configuration (commands 0x20/0x60) */
    uint8_t output_port;        /* bit 0 = reset line (active low), bit 1 = A20 */
    uint8_t pending;            /* command waiting for its data byte, or 0 */
    uint8_t queue[I8042_QUEUE]; /* bytes for the guest to read at port 0x60 */
    int head, count;
    uint8_t port92;             /* PS/2 system control port A (fast A20) */
    void (*reset)(void *ctx);
    void *ctx;
};

/* Power-on state after POST (self test passed, A20 enabled, reset line
 * high); claims ports 0x60, 0x64 and 0x92.  Returns 0 or -1. */
int i8042_init(struct i8042 *k, struct bus *b, void (*reset)(void *ctx), void *ctx);

/* Is the A20 gate open (through the output port or port 0x92)? */
bool i8042_a20(const struct i8042 *k);

#endif
