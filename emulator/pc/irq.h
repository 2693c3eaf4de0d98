/* irq.h - interrupt request lines from devices to the interrupt controllers. */
#ifndef TRAPEZE_IRQ_H
#define TRAPEZE_IRQ_H

/*
 * A device does not know which controller it is wired to: it drives an ISA
 * IRQ line (0-15) through this small interface.  The machine routes the line
 * to both the 8259A pair and the IOAPIC, as a PC's chipset does; a unit test
 * routes it to a recorder.
 */
struct irq_chip {
    void *opaque;
    void (*set_irq)(void *opaque, int irq, int level);
};

/* Drive ISA IRQ line `irq` to `level` (1 = asserted). */
static inline void irq_set(const struct irq_chip *chip, int irq, int level)
{
    if (chip && chip->set_irq)
        chip->set_irq(chip->opaque, irq, level);
}

#endif
