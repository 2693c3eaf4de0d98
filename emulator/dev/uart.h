/* uart.h - the NS16550A serial port: the guest's console. */
#ifndef TRAPEZE_UART_H
#define TRAPEZE_UART_H

#include <stdbool.h>
#include <stdint.h>

struct bus;
struct irq_chip;

struct uart {
    uint16_t base;
    int irq;
    const struct irq_chip *irqs;
    int out_fd, in_fd;          /* TX goes to out_fd; RX comes from in_fd (-1: none) */
    bool in_eof;                /* in_fd has no more bytes */
    uint8_t rbr;                /* receiver buffer (one byte is enough: see uart.c) */
    uint8_t ier, lcr, mcr, lsr, msr_delta, scr, fcr;
    uint16_t divisor;           /* DLM:DLL */
    bool thre_pending;          /* the "THR empty" interrupt is waiting */
    int irq_level;              /* level last driven on the IRQ line */
};

/* Reset the port (8 data bits undefined, no interrupt enabled, THR empty)
 * and claim ports base..base+7.  Returns 0 or -1 (bus full or overlap). */
int uart_init(struct uart *u, struct bus *b, uint16_t base, int irq,
              const struct irq_chip *irqs, int out_fd, int in_fd);

/* Receive one byte from in_fd if the receiver is empty and one is ready
 * without blocking; raise the data interrupt.  Called by the machine. */
void uart_poll(struct uart *u);

#endif
