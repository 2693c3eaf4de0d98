/* uart.c - the NS16550A serial port: the guest's console. */

/*
 * A UART turns bytes into a serial bit stream and back.  The guest sees
 * eight registers: it writes a byte to THR and polls LSR's "THR empty" bit,
 * or reads RBR after LSR's "data ready" bit; or it enables interrupts in IER
 * and asks IIR which event, of those pending, has the highest priority.  A
 * bit in LCR (DLAB) swaps two registers for the baud-rate divisor latch.
 *
 * Our line is infinitely fast: a byte written to THR is written to out_fd at
 * once, one write(2) per byte, so a run that is killed loses no output, and
 * THR is empty again immediately.  The receiver holds one byte: we read the
 * next byte from in_fd only when that byte has been taken, so the FIFO never
 * overflows and a file given as input is consumed at the same instruction on
 * every run.  With FIFOs enabled we still hand over one byte at a time and
 * report it as "received data available".
 *
 * Interrupts: the PC/AT gates the INTR pin through MCR.OUT2; QEMU does not
 * model that gate and neither do we, so guests behave as they do there.
 */

#include "uart.h"

#include "bus.h"
#include "irq.h"

#include <errno.h>
#include <poll.h>
#include <unistd.h>

/* NS16550A datasheet Table II: register offsets (DLAB selects DLL/DLM). */
enum {
    UART_RBR_THR_DLL = 0, UART_IER_DLM = 1, UART_IIR_FCR = 2, UART_LCR = 3,
    UART_MCR = 4, UART_LSR = 5, UART_MSR = 6, UART_SCR = 7, UART_NREGS = 8,
};

/*
 * IER:  7-4   3     2     1     0       LSR:  7    6    5   4  3  2  1  0
 *     +----+-----+----+-----+-----+          +----+----+----+--+--+--+--+--+
 *     | 0  |EDSSI|ELSI|ETBEI|ERBFI|          |FIFO|TEMT|THRE|BI|FE|PE|OE|DR|
 *     +----+-----+----+-----+-----+          +----+----+----+--+--+--+--+--+
 *
 * MCR:  7-5   4    3    2    1   0       MSR:  7   6   5   4    3    2   1    0
 *     +----+----+----+----+---+---+          +---+--+---+---+----+----+----+----+
 *     | 0  |LOOP|OUT2|OUT1|RTS|DTR|          |DCD|RI|DSR|CTS|DDCD|TERI|DDSR|DCTS|
 *     +----+----+----+----+---+---+          +---+--+---+---+----+----+----+----+
 *
 * IIR:  7-6 (11 = FIFOs on)  5-4   3-1 interrupt ID   0 = 0 when one is pending
 */
#define IER_RX   0x01
#define IER_THRE 0x02
#define IER_LS   0x04
#define IER_MS   0x08
#define IER_MASK 0x0F
#define LCR_DLAB 0x80
#define LSR_DR   0x01
#define LSR_OE   0x02
#define LSR_ERRORS 0x1E             /* OE, PE, FE, BI: cleared by reading LSR */
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define MCR_DTR  0x01
#define MCR_RTS  0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10
#define MCR_MASK 0x1F
#define MSR_DELTAS 0x0F
#define MSR_CTS  0x10
#define MSR_DSR  0x20
#define MSR_RI   0x40
#define MSR_DCD  0x80
#define FCR_ENABLE 0x01
#define FCR_CLEAR_RX 0x02
#define IIR_NONE 0x01
#define IIR_FIFO 0xC0
/* NS16550A Table IV: interrupt identification, highest priority first. */
#define IIR_LS   0x06               /* receiver line status */
#define IIR_RX   0x04               /* received data available */
#define IIR_THRE 0x02               /* transmitter holding register empty */
#define IIR_MS   0x00               /* modem status */

/* Modem inputs when not in loopback: a terminal is attached and ready
 * (Clear To Send, Data Set Ready, Data Carrier Detect). */
#define MSR_CONNECTED (MSR_DCD | MSR_DSR | MSR_CTS)

/* The pending interrupt of highest priority, as an IIR ID (no FIFO bits). */
static uint8_t uart_iir_id(const struct uart *u)
{
    if ((u->ier & IER_LS) && (u->lsr & LSR_ERRORS))
        return IIR_LS;
    if ((u->ier & IER_RX) && (u->lsr & LSR_DR))
        return IIR_RX;
    if ((u->ier & IER_THRE) && u->thre_pending)
        return IIR_THRE;
    if ((u->ier & IER_MS) && u->msr_delta)
        return IIR_MS;
    return IIR_NONE;
}

/* Drive the IRQ line from the interrupt state. */
static void uart_update_irq(struct uart *u)
{
    int level = uart_iir_id(u) != IIR_NONE;

    if (level != u->irq_level) {
        u->irq_level = level;
        irq_set(u->irqs, u->irq, level);
    }
}

/* A byte arrives at the receiver; a byte not yet read is lost (overrun). */
static void uart_receive(struct uart *u, uint8_t byte)
{
    if (u->lsr & LSR_DR)
        u->lsr |= LSR_OE;
    u->rbr = byte;
    u->lsr |= LSR_DR;
}

/* Pull one byte from in_fd if the receiver is empty and a byte is ready. */
static void uart_fill(struct uart *u)
{
    struct pollfd pfd = { .fd = u->in_fd, .events = POLLIN };
    uint8_t byte;
    ssize_t n;

    if (u->in_fd < 0 || u->in_eof || (u->lsr & LSR_DR) || (u->mcr & MCR_LOOP))
        return;
    if (poll(&pfd, 1, 0) <= 0)
        return;
    do
        n = read(u->in_fd, &byte, 1);
    while (n < 0 && errno == EINTR);
    if (n == 1)
        uart_receive(u, byte);
    else
        u->in_eof = true;
}

/* Write one byte to out_fd, retrying on EINTR; errors are dropped (the
 * guest's console must never stop the machine). */
static void uart_emit(struct uart *u, uint8_t byte)
{
    ssize_t n;

    if (u->out_fd < 0)
        return;
    do
        n = write(u->out_fd, &byte, 1);
    while (n < 0 && errno == EINTR);
}

/* THR write: transmit at once (or loop back), THR is empty again. */
static void uart_transmit(struct uart *u, uint8_t byte)
{
    if (u->mcr & MCR_LOOP)
        uart_receive(u, byte);
    else
        uart_emit(u, byte);
    u->thre_pending = true;
}

/* MSR inputs: in loopback, NS16550A "MCR bit 4": CTS=RTS, DSR=DTR, RI=OUT1,
 * DCD=OUT2; otherwise a connected terminal. */
static uint8_t uart_msr_inputs(const struct uart *u)
{
    if (!(u->mcr & MCR_LOOP))
        return MSR_CONNECTED;
    return (uint8_t)(((u->mcr & MCR_RTS) ? MSR_CTS : 0) | ((u->mcr & MCR_DTR) ? MSR_DSR : 0) |
                     ((u->mcr & MCR_OUT1) ? MSR_RI : 0) | ((u->mcr & MCR_OUT2) ? MSR_DCD : 0));
}

/* MCR write: record the modem-input changes it causes as MSR delta bits
 * (bit 4-7 change -> bit 0-3; TERI only on RI's trailing edge). */
static void uart_write_mcr(struct uart *u, uint8_t val)
{
    uint8_t before = uart_msr_inputs(u), after, changed;

    u->mcr = val & MCR_MASK;
    after = uart_msr_inputs(u);
    changed = (uint8_t)((before ^ after) >> 4);
    if (!(before & MSR_RI) || (after & MSR_RI))
        changed &= (uint8_t)~(MSR_RI >> 4);
    u->msr_delta |= changed;
}

/* IER write: enabling ETBEI while THR is empty raises THRE at once. */
static void uart_write_ier(struct uart *u, uint8_t val)
{
    if ((val & IER_THRE) && !(u->ier & IER_THRE))
        u->thre_pending = true;
    u->ier = val & IER_MASK;
}

/* FCR write: FIFO enable and receiver reset. */
static void uart_write_fcr(struct uart *u, uint8_t val)
{
    u->fcr = val & FCR_ENABLE;
    if (val & FCR_CLEAR_RX)
        u->lsr &= (uint8_t)~LSR_DR;
}

/* Register write; DLAB turns offsets 0 and 1 into the divisor latch. */
static void uart_io_write(void *dev, uint16_t port, uint32_t val, unsigned size)
{
    struct uart *u = dev;
    uint8_t v = (uint8_t)val;
    bool dlab = u->lcr & LCR_DLAB;

    (void)size;
    switch (port - u->base) {
    case UART_RBR_THR_DLL:
        if (dlab)
            u->divisor = (uint16_t)((u->divisor & 0xFF00) | v);
        else
            uart_transmit(u, v);
        break;
    case UART_IER_DLM:
        if (dlab)
            u->divisor = (uint16_t)((u->divisor & 0x00FF) | v << 8);
        else
            uart_write_ier(u, v);
        break;
    case UART_IIR_FCR: uart_write_fcr(u, v); break;
    case UART_LCR:     u->lcr = v; break;
    case UART_MCR:     uart_write_mcr(u, v); break;
    case UART_SCR:     u->scr = v; break;
    default:           break;      /* LSR and MSR are read-only */
    }
    uart_update_irq(u);
}

/* RBR read: the byte, and the receiver is empty again. */
static uint8_t uart_read_rbr(struct uart *u)
{
    u->lsr &= (uint8_t)~LSR_DR;
    return u->rbr;
}

/* IIR read: reading it while it reports THRE clears that interrupt. */
static uint8_t uart_read_iir(struct uart *u)
{
    uint8_t id = uart_iir_id(u);

    if (id == IIR_THRE)
        u->thre_pending = false;
    return (uint8_t)(id | ((u->fcr & FCR_ENABLE) ? IIR_FIFO : 0));
}

/* LSR read: fetch input first (a byte is ready whenever the file has one),
 * then clear the error bits it reports. */
static uint8_t uart_read_lsr(struct uart *u)
{
    uint8_t lsr;

    uart_fill(u);
    lsr = u->lsr;
    u->lsr &= (uint8_t)~LSR_ERRORS;
    return lsr;
}

/* MSR read: inputs plus deltas; reading clears the deltas. */
static uint8_t uart_read_msr(struct uart *u)
{
    uint8_t msr = (uint8_t)(uart_msr_inputs(u) | u->msr_delta);

    u->msr_delta = 0;
    return msr;
}

/* Register read; DLAB turns offsets 0 and 1 into the divisor latch. */
static uint32_t uart_io_read(void *dev, uint16_t port, unsigned size)
{
    struct uart *u = dev;
    bool dlab = u->lcr & LCR_DLAB;
    uint8_t v;

    (void)size;
    switch (port - u->base) {
    case UART_RBR_THR_DLL: v = dlab ? (uint8_t)u->divisor : uart_read_rbr(u); break;
    case UART_IER_DLM:     v = dlab ? (uint8_t)(u->divisor >> 8) : u->ier; break;
    case UART_IIR_FCR:     v = uart_read_iir(u); break;
    case UART_LCR:         v = u->lcr; break;
    case UART_MCR:         v = u->mcr; break;
    case UART_LSR:         v = uart_read_lsr(u); break;
    case UART_MSR:         v = uart_read_msr(u); break;
    default:               v = u->scr; break;
    }
    uart_update_irq(u);
    return v;
}

/* Reset the port and claim its eight registers.  Returns 0 or -1. */
int uart_init(struct uart *u, struct bus *b, uint16_t base, int irq,
              const struct irq_chip *irqs, int out_fd, int in_fd)
{
    struct io_region r = { "uart", base, UART_NREGS, u, uart_io_read, uart_io_write };

    /* NS16550A Table III, reset: LSR = THRE | TEMT, IIR = none pending. */
    *u = (struct uart){ .base = base, .irq = irq, .irqs = irqs,
                        .out_fd = out_fd, .in_fd = in_fd,
                        .lsr = LSR_THRE | LSR_TEMT };
    return bus_add_io(b, &r);
}

/* Take a byte from in_fd if the receiver is free; update the IRQ line. */
void uart_poll(struct uart *u)
{
    uart_fill(u);
    uart_update_irq(u);
}
