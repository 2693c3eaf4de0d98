/* Debug console and isa-debug-exit (QEMU isa-debug-exit: status (v<<1)|1;
 * Bochs port E9), i8042 A20/reset (IBM PC/AT Technical Reference, keyboard
 * controller commands), CGA cursor (MC6845 R14-R15) and screen dump. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cga.h"
#include "debugport.h"
#include "devtest.h"
#include "i8042.h"

static struct bus bus;
static int exit_status = -1, resets;

static void on_exit_req(void *ctx, int status)
{
    (void)ctx;
    exit_status = status;
}

static void on_reset(void *ctx)
{
    (void)ctx;
    resets++;
}

Test(debugport, e9_bytes_reach_the_console_fd)
{
    static struct debugport d;
    int fds[2];
    char buf[4] = { 0 };

    bus_init(&bus);
    cr_assert_eq(pipe(fds), 0);
    cr_assert_eq(debugport_init(&d, &bus, fds[1], on_exit_req, NULL), 0);
    outb(&bus, 0xE9, 'h');
    outb(&bus, 0xE9, 'i');
    cr_assert_eq(read(fds[0], buf, 3), 2);
    cr_assert_str_eq(buf, "hi");
    cr_assert_eq(inb(&bus, 0xE9), 0xE9, "Bochs: port 0xE9 reads back 0xE9");
    close(fds[0]);
    close(fds[1]);
}

Test(debugport, isa_debug_exit_status_is_v_shl_1_or_1)
{
    static struct debugport d;

    bus_init(&bus);
    cr_assert_eq(debugport_init(&d, &bus, -1, on_exit_req, NULL), 0);
    outb(&bus, 0xF4, 0x10);
    cr_assert_eq(exit_status, 0x21, "QEMU isa-debug-exit: (0x10 << 1) | 1 = 0x21");
    bus_io_write(&bus, 0xF4, 0, 4);
    cr_assert_eq(exit_status, 1, "value 0 exits with 1");
}

Test(i8042, self_test_and_command_byte)
{
    static struct i8042 k;

    bus_init(&bus);
    cr_assert_eq(i8042_init(&k, &bus, on_reset, NULL), 0);
    cr_assert_eq(inb(&bus, 0x64) & 0x01, 0, "output buffer empty at start");
    outb(&bus, 0x64, 0xAA);
    cr_assert_eq(inb(&bus, 0x64) & 0x01, 0x01, "OBF after self test");
    cr_assert_eq(inb(&bus, 0x60), 0x55, "self test passed: 0x55");
    cr_assert_eq(inb(&bus, 0x64) & 0x05, 0x04, "OBF clear, SYS flag set");
    outb(&bus, 0x64, 0x60);
    outb(&bus, 0x60, 0x61);
    outb(&bus, 0x64, 0x20);
    cr_assert_eq(inb(&bus, 0x60), 0x61, "command byte reads back");
}

Test(i8042, output_port_controls_a20_and_reset)
{
    static struct i8042 k;

    bus_init(&bus);
    resets = 0;
    cr_assert_eq(i8042_init(&k, &bus, on_reset, NULL), 0);
    outb(&bus, 0x92, 0x00);            /* fast A20 off too */
    outb(&bus, 0x64, 0xD1);
    outb(&bus, 0x60, 0xDD);            /* A20 off, reset line high */
    cr_assert(!i8042_a20(&k), "0xDD clears A20 (bit 1)");
    outb(&bus, 0x64, 0xD0);
    cr_assert_eq(inb(&bus, 0x60), 0xDD, "0xD0 reads the output port");
    outb(&bus, 0x64, 0xD1);
    outb(&bus, 0x60, 0xDF);
    cr_assert(i8042_a20(&k), "0xDF sets A20");
    cr_assert_eq(resets, 0, "no reset so far");
    outb(&bus, 0x64, 0xFE);
    cr_assert_eq(resets, 1, "0xFE pulses the reset line");
    outb(&bus, 0x92, 0x01);
    cr_assert_eq(resets, 2, "port 0x92 bit 0 rising: fast reset");
}

Test(i8042, keyboard_acknowledges_reset)
{
    static struct i8042 k;

    bus_init(&bus);
    cr_assert_eq(i8042_init(&k, &bus, on_reset, NULL), 0);
    outb(&bus, 0x60, 0xFF);
    cr_assert_eq(inb(&bus, 0x60), 0xFA, "keyboard ACK");
    cr_assert_eq(inb(&bus, 0x60), 0xAA, "basic assurance test passed");
}

Test(cga, cursor_registers_read_back)
{
    static struct cga c;
    static uint8_t text[80 * 25 * 2];

    bus_init(&bus);
    cr_assert_eq(cga_init(&c, &bus, text), 0);
    outb(&bus, 0x3D4, 0x0E);
    outb(&bus, 0x3D5, 0x07);
    outb(&bus, 0x3D4, 0x0F);
    outb(&bus, 0x3D5, 0xD0);
    outb(&bus, 0x3D4, 0x0E);
    cr_assert_eq(inb(&bus, 0x3D5), 0x07);
    cr_assert_eq(cga_cursor(&c), 2000, "0x07D0 = row 25 col 0 = 2000");
}

Test(cga, dump_trims_trailing_blanks_and_rows)
{
    static struct cga c;
    static uint8_t text[80 * 25 * 2];
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);

    for (int i = 0; i < 80 * 25; i++) {
        text[2 * i] = ' ';
        text[2 * i + 1] = 0x07;
    }
    memcpy(&text[0], "h\x07i\x07", 4);
    memcpy(&text[2 * 80 * 2], "x\x07\x01\x07", 4);   /* row 2: 'x' then a non-ASCII glyph */
    bus_init(&bus);
    cr_assert_eq(cga_init(&c, &bus, text), 0);
    cga_dump(&c, out);
    fclose(out);
    cr_assert_str_eq(buf, "hi\n\nx.\n", "got \"%s\"", buf);
    free(buf);
}
