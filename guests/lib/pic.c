/*
 * pic.c - programming the 8259A pair.
 *
 * The BIOS leaves the master PIC delivering IRQ 0-7 as vectors 8-15, which the
 * CPU reserves for exceptions (8 is #DF!).  So every guest reinitialises both
 * PICs: four initialisation command words per chip set the vector base and how
 * the slave hangs off the master's IRQ 2.  Afterwards a write to the data port
 * is OCW1, the mask register (bit n set = IRQ n blocked).
 */
#include "pic.h"

#include "x86.h"

/* IBM PC/AT: master at 0x20/0x21, slave at 0xA0/0xA1, slave on master IRQ 2. */
#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xA0
#define PIC2_DATA 0xA1
#define PIC_CASCADE_IRQ 2

/* 8259A datasheet, ICW1: | 0 0 0 1 | LTIM | ADI | SNGL | IC4 |  -> edge, cascade, ICW4 */
#define ICW1_INIT_ICW4  0x11
/* ICW4: | 0 0 0 | SFNM | BUF | M/S | AEOI | uPM |  -> 8086 mode, normal EOI */
#define ICW4_8086       0x01
/* OCW2: | R | SL | EOI | 0 0 | L2 L1 L0 |  -> non-specific EOI */
#define OCW2_EOI        0x20
#define MASK_ALL        0xFF

void pic_init(void)
{
    outb(PIC1_CMD, ICW1_INIT_ICW4);
    outb(PIC2_CMD, ICW1_INIT_ICW4);
    outb(PIC1_DATA, PIC_VECTOR_BASE);              /* ICW2: vector base */
    outb(PIC2_DATA, PIC_VECTOR_BASE + 8);
    outb(PIC1_DATA, 1 << PIC_CASCADE_IRQ);         /* ICW3 master: slave on IR2 */
    outb(PIC2_DATA, PIC_CASCADE_IRQ);              /* ICW3 slave: my id is 2 */
    outb(PIC1_DATA, ICW4_8086);
    outb(PIC2_DATA, ICW4_8086);
    outb(PIC1_DATA, MASK_ALL);                     /* OCW1: everything masked */
    outb(PIC2_DATA, MASK_ALL);
}

void pic_unmask(int irq)
{
    if (irq >= 8) {
        outb(PIC2_DATA, inb(PIC2_DATA) & ~(1 << (irq - 8)));
        irq = PIC_CASCADE_IRQ;                     /* the master must pass the slave on */
    }
    outb(PIC1_DATA, inb(PIC1_DATA) & ~(1 << irq));
}

void pic_eoi(int irq)
{
    if (irq >= 8)
        outb(PIC2_CMD, OCW2_EOI);
    outb(PIC1_CMD, OCW2_EOI);
}
