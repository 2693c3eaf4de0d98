/* ioapic.h - the Intel 82093AA I/O APIC: device interrupts as APIC messages. */
#ifndef TRAPEZE_IOAPIC_H
#define TRAPEZE_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

struct bus;
struct lapic;

#define IOAPIC_PINS 24

struct ioapic {
    struct lapic *lapic;        /* the one CPU every message goes to */
    uint8_t regsel;             /* IOREGSEL */
    uint32_t id;                /* IOAPICID, bits 27-24 */
    uint64_t redir[IOAPIC_PINS];
    uint32_t lines;             /* input pin levels, as driven */
};

/* Reset (every pin masked) and claim 0xFEC00000; route messages to `lapic`
 * and receive its EOIs for level-triggered vectors.  Returns 0 or -1. */
int ioapic_init(struct ioapic *io, struct bus *b, struct lapic *lapic);

/* Drive input pin `irq` (0-23) to `level` (1 = electrically high). */
void ioapic_set_irq(struct ioapic *io, int irq, int level);

#endif
