/*
 * serial.c - polled output on COM1.
 *
 * A 16550 UART has eight registers at consecutive ports.  The divisor latch
 * (which sets the baud rate) shares ports 0 and 1 with the data and interrupt
 * registers; the DLAB bit of the line control register selects which one we
 * talk to.  We never take UART interrupts: before each byte we poll the line
 * status register until the transmit holding register is empty.  Emulators
 * report "empty" at once; real hardware makes us wait ~87 us per byte.
 */
#include "serial.h"

#include "x86.h"

#define COM1 0x3F8                 /* IBM PC/AT Technical Reference: COM1 base */

/* PC16550D datasheet, Table II: register offsets (DLAB = LCR bit 7). */
#define UART_THR 0                 /* transmit holding (write, DLAB=0) */
#define UART_DLL 0                 /* divisor latch low (DLAB=1) */
#define UART_IER 1                 /* interrupt enable (DLAB=0) */
#define UART_DLM 1                 /* divisor latch high (DLAB=1) */
#define UART_FCR 2                 /* FIFO control (write) */
#define UART_LCR 3                 /* line control */
#define UART_MCR 4                 /* modem control */
#define UART_LSR 5                 /* line status */

/*
 * LCR: | DLAB | break | stick | EPS | PEN | STB | WLS1 WLS0 |
 *         7      6       5      4     3     2       1-0
 */
#define LCR_DLAB  0x80
#define LCR_8N1   0x03             /* WLS = 11: 8 bits; no parity; 1 stop bit */
#define FCR_ENABLE_CLEAR 0x07      /* FIFO enable, clear RX and TX FIFOs */
#define MCR_DTR_RTS_OUT2 0x0B      /* DTR, RTS, OUT2 (OUT2 gates the IRQ line on a PC) */
#define LSR_THRE  0x20             /* transmit holding register empty */

/* PC16550D: baud = 1.8432 MHz / (16 * divisor); divisor 1 = 115200 baud. */
#define UART_DIVISOR_115200 1

void serial_init(void)
{
    outb(COM1 + UART_IER, 0);                    /* polled: no interrupts */
    outb(COM1 + UART_LCR, LCR_DLAB);
    outb(COM1 + UART_DLL, UART_DIVISOR_115200 & 0xFF);
    outb(COM1 + UART_DLM, UART_DIVISOR_115200 >> 8);
    outb(COM1 + UART_LCR, LCR_8N1);              /* also clears DLAB */
    outb(COM1 + UART_FCR, FCR_ENABLE_CLEAR);
    outb(COM1 + UART_MCR, MCR_DTR_RTS_OUT2);
}

void serial_putc(char c)
{
    while (!(inb(COM1 + UART_LSR) & LSR_THRE))
        ;
    outb(COM1 + UART_THR, (uint8_t)c);
}
