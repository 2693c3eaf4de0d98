/* ioapic.c - the Intel 82093AA I/O APIC: device interrupts as APIC messages. */

/*
 * The I/O APIC replaces the 8259A in multiprocessor PCs.  It has 24 input
 * pins and, for each, a 64-bit redirection entry written by the OS: which
 * vector to send, to which APIC, edge or level, active high or low, masked
 * or not.  When a pin becomes active it sends an interrupt message to a
 * local APIC, which does the prioritising; the I/O APIC itself has no ISR.
 *
 * Level-triggered pins need a handshake: after sending, the entry's Remote
 * IRR bit is set and no new message goes out until the local APIC reports
 * the EOI of that vector; if the pin is still active then, the interrupt is
 * sent again.  That is how a shared level interrupt is never lost.
 *
 * Registers are indirect (82093AA datasheet 3.1): write a register number
 * to IOREGSEL at offset 0x00, access it through IOWIN at offset 0x10.
 */

#include "ioapic.h"

#include "bus.h"
#include "lapic.h"

#define IOAPIC_BASE 0xFEC00000u /* 82093AA datasheet 3.1: default base */
#define IOAPIC_SIZE 0x1000
#define OFF_IOREGSEL 0x00
#define OFF_IOWIN 0x10

/* 82093AA datasheet 3.2: indirect registers. */
#define REG_ID 0x00
#define REG_VERSION 0x01
#define REG_ARB 0x02
#define REG_REDIR 0x10          /* entry n: low dword 0x10+2n, high 0x11+2n */
#define ID_WRITABLE 0x0F000000u
#define IOAPIC_VERSION (0x11u | (IOAPIC_PINS - 1u) << 16)   /* 3.2.2 */

/*
 * Redirection entry, 82093AA datasheet 3.2.4:
 *
 *   63-56   55-17   16     15     14      13     12     11     10-8     7-0
 *  +------+-------+----+-------+------+------+------+------+---------+------+
 *  | dest |   0   |mask|trigger|remote|polar.|deliv.| dest |delivery |vector|
 *  |      |       |    |(1=lvl)| IRR  |(1=lo)|status| mode |  mode   |      |
 *  +------+-------+----+-------+------+------+------+------+---------+------+
 */
#define RTE_VECTOR(e) ((int)((e) & 0xFF))
#define RTE_DELIVERY(e) (((e) >> 8) & 7)
#define RTE_ACTIVE_LOW (1ull << 13)
#define RTE_REMOTE_IRR (1ull << 14)
#define RTE_LEVEL (1ull << 15)
#define RTE_MASKED (1ull << 16)
#define RTE_WRITABLE 0xFF0000000001AFFFull  /* status and Remote IRR are read-only */
#define DELIVERY_FIXED 0
#define DELIVERY_LOWEST 1

/* Is pin `pin` asserted, taking its polarity into account? */
static bool ioapic_active(const struct ioapic *io, int pin)
{
    bool high = io->lines >> pin & 1;

    return (io->redir[pin] & RTE_ACTIVE_LOW) ? !high : high;
}

/* Send pin's interrupt message if the entry allows it now.  Edge entries
 * are called only on an activating edge; level entries whenever the pin is
 * active, and wait for Remote IRR to clear.  Only fixed and lowest-priority
 * delivery reach the (single) local APIC. */
static void ioapic_deliver(struct ioapic *io, int pin)
{
    uint64_t *e = &io->redir[pin];
    bool level = *e & RTE_LEVEL;

    if ((*e & RTE_MASKED) || (level && (*e & RTE_REMOTE_IRR)))
        return;
    if (RTE_DELIVERY(*e) != DELIVERY_FIXED && RTE_DELIVERY(*e) != DELIVERY_LOWEST)
        return;
    if (level)
        *e |= RTE_REMOTE_IRR;
    lapic_accept(io->lapic, RTE_VECTOR(*e), level);
}

/* A pin changes level: edge entries send on activation, level entries while active. */
void ioapic_set_irq(struct ioapic *io, int irq, int level)
{
    bool was_active;

    if (irq < 0 || irq >= IOAPIC_PINS)
        return;
    was_active = ioapic_active(io, irq);
    io->lines = level ? io->lines | 1u << irq : io->lines & ~(1u << irq);
    if (!ioapic_active(io, irq))
        return;
    if ((io->redir[irq] & RTE_LEVEL) || !was_active)
        ioapic_deliver(io, irq);
}

/* The local APIC EOI'd a level-triggered `vector`: clear Remote IRR of the
 * entries using it, and resend for pins still active (datasheet 3.2.4). */
static void ioapic_eoi(void *ctx, int vector)
{
    struct ioapic *io = ctx;

    for (int pin = 0; pin < IOAPIC_PINS; pin++) {
        uint64_t *e = &io->redir[pin];
        if (!(*e & RTE_LEVEL) || RTE_VECTOR(*e) != vector)
            continue;
        *e &= ~RTE_REMOTE_IRR;
        if (ioapic_active(io, pin))
            ioapic_deliver(io, pin);
    }
}

/* Write half of a redirection entry; unmasking a level entry whose pin is
 * active sends it. */
static void ioapic_write_redir(struct ioapic *io, int reg, uint32_t val)
{
    int pin = (reg - REG_REDIR) / 2;
    int shift = (reg - REG_REDIR) % 2 ? 32 : 0;
    uint64_t *e = &io->redir[pin];
    uint64_t mask = RTE_WRITABLE & (0xFFFFFFFFull << shift);

    *e = (*e & ~mask) | ((uint64_t)val << shift & mask);
    if ((*e & RTE_LEVEL) && ioapic_active(io, pin))
        ioapic_deliver(io, pin);
}

/* Indirect register read: ID, version, arbitration, redirection halves. */
static uint32_t ioapic_read_reg(const struct ioapic *io, int reg)
{
    if (reg >= REG_REDIR && reg < REG_REDIR + 2 * IOAPIC_PINS)
        return (uint32_t)(io->redir[(reg - REG_REDIR) / 2] >> ((reg - REG_REDIR) % 2 ? 32 : 0));
    switch (reg) {
    case REG_ID:      return io->id;
    case REG_VERSION: return IOAPIC_VERSION;
    case REG_ARB:     return io->id;   /* 3.2.3: arbitration ID loads from the ID */
    default:          return 0;
    }
}

/* IOREGSEL reads back; IOWIN reads the selected register. */
static uint32_t ioapic_mmio_read(void *dev, uint32_t off, unsigned size)
{
    struct ioapic *io = dev;

    (void)size;
    if (off == OFF_IOREGSEL)
        return io->regsel;
    if (off == OFF_IOWIN)
        return ioapic_read_reg(io, io->regsel);
    return 0;
}

/* IOREGSEL selects; IOWIN writes the ID or a redirection half. */
static void ioapic_mmio_write(void *dev, uint32_t off, uint32_t val, unsigned size)
{
    struct ioapic *io = dev;
    int reg = io->regsel;

    (void)size;
    if (off == OFF_IOREGSEL)
        io->regsel = (uint8_t)val;
    else if (off == OFF_IOWIN && reg == REG_ID)
        io->id = val & ID_WRITABLE;
    else if (off == OFF_IOWIN && reg >= REG_REDIR && reg < REG_REDIR + 2 * IOAPIC_PINS)
        ioapic_write_redir(io, reg, val);
}

/* Every pin masked; take the LAPIC's EOIs; claim 0xFEC00000.  Returns 0 or -1. */
int ioapic_init(struct ioapic *io, struct bus *b, struct lapic *lapic)
{
    struct mmio_region r = { "ioapic", IOAPIC_BASE, IOAPIC_SIZE, io, ioapic_mmio_read,
                             ioapic_mmio_write };

    *io = (struct ioapic){ .lapic = lapic };
    for (int pin = 0; pin < IOAPIC_PINS; pin++)
        io->redir[pin] = RTE_MASKED;     /* 3.2.4: masked at reset */
    lapic_set_eoi_handler(lapic, ioapic_eoi, io);
    return bus_add_mmio(b, &r);
}
