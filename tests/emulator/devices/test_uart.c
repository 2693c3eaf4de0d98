/* NS16550A: LSR/IIR bits, divisor latch, TX to a pipe, RX from a file.
 * Expected values from the National Semiconductor PC16550D/NS16550A datasheet:
 * table II (registers), table III (reset), table IV (interrupt priorities),
 * MCR bit 4 (loopback). */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "devtest.h"
#include "uart.h"

#define COM1 0x3F8
static struct bus bus;
static struct uart uart;
static struct irq_rec rec;
static const struct irq_chip chip = { &rec, irq_rec_set };

static void uart_setup(int out_fd, int in_fd)
{
    bus_init(&bus);
    rec = (struct irq_rec){ 0 };
    cr_assert_eq(uart_init(&uart, &bus, COM1, 4, &chip, out_fd, in_fd), 0);
}

Test(uart, reset_state_thr_empty_no_interrupt)
{
    uart_setup(-1, -1);
    cr_assert_eq(inb(&bus, COM1 + 5), 0x60, "LSR after reset: THRE|TEMT = 0x60");
    cr_assert_eq(inb(&bus, COM1 + 2), 0x01, "IIR after reset: no interrupt pending = 0x01");
    cr_assert_eq(inb(&bus, COM1 + 1), 0x00, "IER after reset");
}

Test(uart, divisor_latch_behind_dlab)
{
    uart_setup(-1, -1);
    outb(&bus, COM1 + 1, 0x0F);        /* IER */
    outb(&bus, COM1 + 3, 0x80);        /* LCR: DLAB */
    outb(&bus, COM1 + 0, 0x03);        /* DLL: 38400 baud */
    outb(&bus, COM1 + 1, 0x00);        /* DLM */
    cr_assert_eq(inb(&bus, COM1 + 0), 0x03, "DLL reads back");
    cr_assert_eq(uart.divisor, 3);
    outb(&bus, COM1 + 3, 0x03);        /* 8N1, DLAB off */
    cr_assert_eq(inb(&bus, COM1 + 1), 0x0F, "IER untouched by the DLM write");
    cr_assert_eq(inb(&bus, COM1 + 3), 0x03);
    outb(&bus, COM1 + 7, 0xA5);
    cr_assert_eq(inb(&bus, COM1 + 7), 0xA5, "scratch register");
}

Test(uart, tx_goes_to_the_fd_byte_by_byte)
{
    int fds[2];
    char buf[8] = { 0 };

    cr_assert_eq(pipe(fds), 0);
    uart_setup(fds[1], -1);
    outb(&bus, COM1, 'o');
    outb(&bus, COM1, 'k');
    cr_assert_eq(read(fds[0], buf, sizeof(buf)), 2, "two bytes must be in the pipe already");
    cr_assert_str_eq(buf, "ok");
    cr_assert_eq(inb(&bus, COM1 + 5) & 0x60, 0x60, "THR empty again after transmit");
    close(fds[0]);
    close(fds[1]);
}

Test(uart, thre_interrupt_on_enable_cleared_by_iir_read)
{
    uart_setup(-1, -1);
    outb(&bus, COM1 + 1, 0x02);        /* ETBEI */
    cr_assert_eq(rec.level[4], 1, "enabling ETBEI with THR empty raises IRQ4");
    cr_assert_eq(inb(&bus, COM1 + 2), 0x02, "IIR: THR empty = 0x02");
    cr_assert_eq(rec.level[4], 0, "reading IIR clears the THRE interrupt");
    cr_assert_eq(inb(&bus, COM1 + 2), 0x01, "nothing pending now");
    outb(&bus, COM1, 'x');
    cr_assert_eq(rec.level[4], 1, "THR empties again after the byte: IRQ4");
}

Test(uart, fifo_enable_bits_in_iir)
{
    uart_setup(-1, -1);
    outb(&bus, COM1 + 2, 0xC7);        /* FCR: enable, clear, trigger 14 */
    cr_assert_eq(inb(&bus, COM1 + 2), 0xC1, "IIR with FIFOs on: 0xC0 | no-int 0x01");
}

Test(uart, rx_from_a_file_one_byte_per_lsr_read)
{
    char path[] = "/tmp/uart-rx-XXXXXX";
    int fd = mkstemp(path);

    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, "hi", 2), 2);
    lseek(fd, 0, SEEK_SET);
    uart_setup(-1, fd);
    cr_assert_eq(inb(&bus, COM1 + 5) & 0x01, 0x01, "LSR.DR: file has a byte");
    cr_assert_eq(inb(&bus, COM1 + 5) & 0x01, 0x01, "DR stays until RBR is read");
    cr_assert_eq(inb(&bus, COM1), 'h');
    cr_assert_eq(inb(&bus, COM1 + 5) & 0x01, 0x01, "second byte ready on next LSR read");
    cr_assert_eq(inb(&bus, COM1), 'i');
    cr_assert_eq(inb(&bus, COM1 + 5) & 0x01, 0x00, "end of file: DR clear");
    close(fd);
    unlink(path);
}

Test(uart, rx_interrupt_outranks_thre)
{
    char path[] = "/tmp/uart-rx-XXXXXX";
    int fd = mkstemp(path);

    cr_assert_eq(write(fd, "z", 1), 1);
    lseek(fd, 0, SEEK_SET);
    uart_setup(-1, fd);
    outb(&bus, COM1 + 1, 0x03);        /* ERBFI | ETBEI */
    uart_poll(&uart);
    cr_assert_eq(rec.level[4], 1);
    cr_assert_eq(inb(&bus, COM1 + 2), 0x04, "RX data (0x04) has priority over THRE (0x02)");
    cr_assert_eq(inb(&bus, COM1), 'z');
    cr_assert_eq(inb(&bus, COM1 + 2), 0x02, "then THRE");
    cr_assert_eq(inb(&bus, COM1 + 2), 0x01);
    cr_assert_eq(rec.level[4], 0);
    close(fd);
    unlink(path);
}

Test(uart, loopback_returns_tx_and_mirrors_modem_lines)
{
    uart_setup(-1, -1);
    outb(&bus, COM1 + 4, 0x1E);        /* LOOP | OUT2 | OUT1 | RTS */
    cr_assert_eq(inb(&bus, COM1 + 6) & 0xF0, 0xD0, "MSR: DCD|RI|CTS from OUT2|OUT1|RTS");
    outb(&bus, COM1, 0xAE);
    cr_assert_eq(inb(&bus, COM1 + 5) & 0x01, 0x01, "looped byte is received");
    cr_assert_eq(inb(&bus, COM1), 0xAE);
    outb(&bus, COM1, 1);
    outb(&bus, COM1, 2);
    cr_assert_eq(inb(&bus, COM1 + 5) & 0x02, 0x02, "second byte before read: overrun (OE)");
    cr_assert_eq(inb(&bus, COM1 + 5) & 0x02, 0x00, "reading LSR clears OE");
}
