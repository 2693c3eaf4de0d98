/* pic.h - the two 8259A interrupt controllers of the PC, remapped to vectors 32-47. */
#ifndef GUEST_PIC_H
#define GUEST_PIC_H

/* IRQ n arrives as vector PIC_VECTOR_BASE + n, clear of the CPU exceptions (0-31). */
#define PIC_VECTOR_BASE 0x20
#define PIC_IRQS 16

/* Reinitialise both PICs with our vector base and mask every IRQ line. */
void pic_init(void);

/* Let IRQ irq (0-15) through. */
void pic_unmask(int irq);

/* Tell the PIC(s) the handler for irq is done, so lower priorities can arrive. */
void pic_eoi(int irq);

#endif
