/* i8042.c - the PS/2 keyboard controller, for its A20 gate and reset line. */

/*
 * On the PC/AT the keyboard controller is a small microcontroller (an Intel
 * 8042) that, besides the keyboard, owns two wires the CPU cares about: the
 * A20 gate (so that 8086 programs could keep wrapping at 1 MiB) and the CPU
 * reset line.  Kernels reboot by asking it to pulse reset (command 0xFE) and
 * old boot code enables A20 through its output port (command 0xD1).
 *
 * Port 0x64 reads the status register and takes commands; port 0x60 reads
 * the output buffer and takes data (a command's parameter, or a byte for the
 * keyboard).  We answer what kernels send at boot; the keyboard itself only
 * acknowledges its commands (there are no keys), and nothing raises IRQ 1.
 * Port 0x92 (PS/2 "system control port A") is the fast A20/reset path.
 */

#include "i8042.h"

#include "bus.h"

#define I8042_DATA 0x60         /* IBM PC/AT Technical Reference: I/O map */
#define I8042_CMD 0x64
#define PORT_92 0x92            /* IBM PS/2 Technical Reference: port A */

/*
 * Status register:   7     6     5    4    3     2     1    0
 *                 +-----+-----+----+----+----+-----+-----+-----+
 *                 |PARE |TIM  |AOBF|INH | A2 | SYS | IBF | OBF |
 *                 +-----+-----+----+----+----+-----+-----+-----+
 * OBF: a byte waits at 0x60.  SYS: self test passed.  A2: the last write
 * was to 0x64 (a command).  INH: 1 = keyboard not inhibited.
 */
#define ST_OBF 0x01
#define ST_SYS 0x04
#define ST_A2 0x08
#define ST_INH 0x10

/* Output port: bit 0 = system reset (0 resets the CPU), bit 1 = A20 gate. */
#define OUT_RESET 0x01
#define OUT_A20 0x02
/* Port 0x92: bit 0 = fast reset (writing 1 resets), bit 1 = A20. */
#define P92_RESET 0x01
#define P92_A20 0x02

/* 8042 commands (IBM PC/AT Technical Reference, "Keyboard controller"). */
enum {
    CMD_READ_CB = 0x20, CMD_WRITE_CB = 0x60, CMD_DISABLE_AUX = 0xA7,
    CMD_ENABLE_AUX = 0xA8, CMD_TEST_AUX = 0xA9, CMD_SELF_TEST = 0xAA,
    CMD_TEST_KBD = 0xAB, CMD_DISABLE_KBD = 0xAD, CMD_ENABLE_KBD = 0xAE,
    CMD_READ_OUT = 0xD0, CMD_WRITE_OUT = 0xD1, CMD_PULSE = 0xF0,
};
#define SELF_TEST_OK 0x55
#define INTERFACE_OK 0x00
#define CB_RESET 0x45           /* after POST: translate, SYS, keyboard interrupt */
#define CB_SYS 0x04
/* Keyboard answers (IBM PC/AT Technical Reference, "Keyboard"). */
#define KBD_ACK 0xFA
#define KBD_RESET 0xFF
#define KBD_BAT_OK 0xAA

/* Queue a byte for the guest to read at port 0x60 (dropped when full). */
static void i8042_push(struct i8042 *k, uint8_t v)
{
    if (k->count == I8042_QUEUE)
        return;
    k->queue[(k->head + k->count++) % I8042_QUEUE] = v;
}

/* Output port write: a cleared reset bit resets the machine. */
static void i8042_write_output(struct i8042 *k, uint8_t v)
{
    k->output_port = v;
    if (!(v & OUT_RESET) && k->reset)
        k->reset(k->ctx);
}

/* A command written to port 0x64. */
static void i8042_command(struct i8042 *k, uint8_t cmd)
{
    switch (cmd) {
    case CMD_READ_CB:     i8042_push(k, k->command_byte); break;
    case CMD_SELF_TEST:   k->status |= ST_SYS; i8042_push(k, SELF_TEST_OK); break;
    case CMD_TEST_KBD:    /* fall through: both interfaces test good */
    case CMD_TEST_AUX:    i8042_push(k, INTERFACE_OK); break;
    case CMD_READ_OUT:    i8042_push(k, k->output_port); break;
    case CMD_WRITE_CB:    /* fall through: the parameter follows at 0x60 */
    case CMD_WRITE_OUT:   k->pending = cmd; break;
    case CMD_DISABLE_KBD: case CMD_ENABLE_KBD:
    case CMD_DISABLE_AUX: case CMD_ENABLE_AUX: break;
    default:
        if (cmd >= CMD_PULSE && !(cmd & OUT_RESET) && k->reset)
            k->reset(k->ctx);    /* 0xFE pulses bit 0: the reset line */
    }
}

/* A byte written to port 0x60: a pending command's parameter, or a byte
 * for the keyboard, which acknowledges it. */
static void i8042_data(struct i8042 *k, uint8_t v)
{
    uint8_t cmd = k->pending;

    k->pending = 0;
    if (cmd == CMD_WRITE_CB) {
        k->command_byte = v;
        k->status = (uint8_t)((k->status & ~ST_SYS) | (v & CB_SYS));
    } else if (cmd == CMD_WRITE_OUT)
        i8042_write_output(k, v);
    else {
        i8042_push(k, KBD_ACK);
        if (v == KBD_RESET)
            i8042_push(k, KBD_BAT_OK);
    }
}

/* Port 0x64: status (OBF when a byte waits); port 0x60: the next byte. */
static uint32_t i8042_io_read(void *dev, uint16_t port, unsigned size)
{
    struct i8042 *k = dev;
    uint8_t v;

    (void)size;
    if (port == I8042_CMD)
        return k->status | (k->count ? ST_OBF : 0);
    if (!k->count)
        return k->queue[(k->head + I8042_QUEUE - 1) % I8042_QUEUE];  /* last byte again */
    v = k->queue[k->head];
    k->head = (k->head + 1) % I8042_QUEUE;
    k->count--;
    return v;
}

/* Port 0x64 takes commands, port 0x60 data; A2 records which. */
static void i8042_io_write(void *dev, uint16_t port, uint32_t val, unsigned size)
{
    struct i8042 *k = dev;

    (void)size;
    if (port == I8042_CMD) {
        k->status |= ST_A2;
        i8042_command(k, (uint8_t)val);
    } else {
        k->status &= (uint8_t)~ST_A2;
        i8042_data(k, (uint8_t)val);
    }
}

/* Port 0x92 reads back A20 and the reset bit. */
static uint32_t port92_read(void *dev, uint16_t port, unsigned size)
{
    struct i8042 *k = dev;

    (void)port; (void)size;
    return k->port92;
}

/* Port 0x92: bit 1 = A20; a 0 -> 1 change of bit 0 resets. */
static void port92_write(void *dev, uint16_t port, uint32_t val, unsigned size)
{
    struct i8042 *k = dev;
    uint8_t old = k->port92;

    (void)port; (void)size;
    k->port92 = (uint8_t)val & (P92_A20 | P92_RESET);
    if ((val & P92_RESET) && !(old & P92_RESET) && k->reset)
        k->reset(k->ctx);
}

/* State after POST; claim 0x60, 0x64 and 0x92.  Returns 0 or -1. */
int i8042_init(struct i8042 *k, struct bus *b, void (*reset)(void *ctx), void *ctx)
{
    struct io_region data = { "i8042-data", I8042_DATA, 1, k, i8042_io_read, i8042_io_write };
    struct io_region cmd = { "i8042-cmd", I8042_CMD, 1, k, i8042_io_read, i8042_io_write };
    struct io_region p92 = { "port92", PORT_92, 1, k, port92_read, port92_write };

    *k = (struct i8042){ .status = ST_SYS | ST_INH, .command_byte = CB_RESET,
                         .output_port = OUT_RESET | OUT_A20, .port92 = P92_A20,
                         .reset = reset, .ctx = ctx };
    if (bus_add_io(b, &data) < 0 || bus_add_io(b, &cmd) < 0 || bus_add_io(b, &p92) < 0)
        return -1;
    return 0;
}

/* A20 is open if either the output port or port 0x92 opens it. */
bool i8042_a20(const struct i8042 *k)
{
    return (k->output_port & OUT_A20) || (k->port92 & P92_A20);
}
