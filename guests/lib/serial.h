/* serial.h - the guest's console: COM1, a 16550 UART driven by polling. */
#ifndef GUEST_SERIAL_H
#define GUEST_SERIAL_H

/* Program COM1 for 115200 baud, 8 data bits, no parity, 1 stop bit, no interrupts. */
void serial_init(void);

/* Send one byte, waiting until the transmitter can take it. */
void serial_putc(char c);

#endif
