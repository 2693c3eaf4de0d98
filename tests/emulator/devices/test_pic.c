/* Intel 8259A pair: ICW sequence, priority and nesting, EOI, masks, cascade.
 * Expected values from the Intel 8259A datasheet ("Interrupt sequence",
 * "Initialization command words", "Operation command words", "Fully nested
 * mode", "Cascading") and the 82371SB (PIIX3) datasheet for the ELCR. */
#include <criterion/criterion.h>

#include "devtest.h"
#include "pic.h"

static struct bus bus;
static struct pic pic;
static int intr_calls, intr_level;

static void on_intr(void *ctx, int level)
{
    (void)ctx;
    intr_calls++;
    intr_level = level;
}

/* The PC/AT initialisation (8259A datasheet "Initialization command words"):
 * ICW1 edge+ICW4, ICW2 vector base, ICW3 cascade, ICW4 8086 mode (+AEOI). */
static void pic_setup(uint8_t icw4)
{
    bus_init(&bus);
    intr_calls = 0;
    intr_level = 0;
    cr_assert_eq(pic_init(&pic, &bus, on_intr, NULL), 0);
    outb(&bus, 0x20, 0x11); outb(&bus, 0x21, 0x20); outb(&bus, 0x21, 0x04); outb(&bus, 0x21, icw4);
    outb(&bus, 0xA0, 0x11); outb(&bus, 0xA1, 0x28); outb(&bus, 0xA1, 0x02); outb(&bus, 0xA1, icw4);
}

/* Raise and drop a line: one rising edge. */
static void pulse(int irq)
{
    pic_set_irq(&pic, irq, 1);
    pic_set_irq(&pic, irq, 0);
}

static void eoi_master(void) { outb(&bus, 0x20, 0x20); }
static void eoi_slave(void) { outb(&bus, 0xA0, 0x20); }

Test(pic, init_sequence_sets_vector_base_and_clears_mask)
{
    pic_setup(0x01);
    cr_assert_eq(inb(&bus, 0x21), 0x00, "ICW1 clears IMR");
    pulse(0);
    cr_assert_eq(pic_intr(&pic), 1, "IRQ0 edge must raise INT");
    cr_assert_eq(intr_level, 1, "intr_changed callback must report level 1");
    cr_assert_eq(pic_ack(&pic), 0x20, "IRQ0 vector = ICW2 base 0x20 + 0");
    cr_assert_eq(pic_intr(&pic), 0, "INT drops once IRQ0 is in service");
}

Test(pic, higher_priority_nests_lower_waits_for_eoi)
{
    pic_setup(0x01);
    pulse(4);
    cr_assert_eq(pic_ack(&pic), 0x24);
    pulse(5);
    cr_assert_eq(pic_intr(&pic), 0, "IRQ5 is below IRQ4 in service: no INT");
    pulse(1);
    cr_assert_eq(pic_intr(&pic), 1, "IRQ1 is above IRQ4 in service: INT (nesting)");
    cr_assert_eq(pic_ack(&pic), 0x21);
    outb(&bus, 0x20, 0x0B);            /* OCW3: read ISR */
    cr_assert_eq(inb(&bus, 0x20), 0x12, "ISR holds IRQ1 and IRQ4: expected 0x12");
    eoi_master();                      /* non-specific: clears the highest, IRQ1 */
    cr_assert_eq(inb(&bus, 0x20), 0x10, "after one EOI only IRQ4 in service");
    cr_assert_eq(pic_intr(&pic), 0, "IRQ5 still held back by IRQ4");
    eoi_master();
    cr_assert_eq(pic_intr(&pic), 1, "IRQ5 delivered after IRQ4's EOI");
    cr_assert_eq(pic_ack(&pic), 0x25);
}

Test(pic, specific_eoi_clears_the_named_level)
{
    pic_setup(0x01);
    pulse(3);
    pic_ack(&pic);
    pulse(0);
    pic_ack(&pic);
    outb(&bus, 0x20, 0x63);            /* OCW2: specific EOI, level 3 */
    outb(&bus, 0x20, 0x0B);
    cr_assert_eq(inb(&bus, 0x20), 0x01, "specific EOI 3 leaves IRQ0 in service");
}

Test(pic, irr_read_and_masking)
{
    pic_setup(0x01);
    outb(&bus, 0x21, 0x08);            /* OCW1: mask IRQ3 */
    pulse(3);
    cr_assert_eq(pic_intr(&pic), 0, "masked IRQ3 must not raise INT");
    outb(&bus, 0x20, 0x0A);            /* OCW3: read IRR */
    cr_assert_eq(inb(&bus, 0x20), 0x08, "masked request is still latched in IRR");
    cr_assert_eq(inb(&bus, 0x21), 0x08, "IMR reads back");
    outb(&bus, 0x21, 0x00);
    cr_assert_eq(pic_intr(&pic), 1, "unmasking delivers the latched request");
    cr_assert_eq(pic_ack(&pic), 0x23);
}

Test(pic, edge_needs_a_new_rising_edge)
{
    pic_setup(0x01);
    pic_set_irq(&pic, 6, 1);
    cr_assert_eq(pic_ack(&pic), 0x26);
    eoi_master();
    cr_assert_eq(pic_intr(&pic), 0, "a line held high raises one edge interrupt only");
}

Test(pic, slave_irq_goes_through_master_irq2)
{
    pic_setup(0x01);
    pulse(12);
    cr_assert_eq(pic_intr(&pic), 1, "slave request must reach the CPU via IR2");
    cr_assert_eq(pic_ack(&pic), 0x2C, "IRQ12 vector = slave base 0x28 + 4");
    outb(&bus, 0x20, 0x0B);
    outb(&bus, 0xA0, 0x0B);
    cr_assert_eq(inb(&bus, 0x20), 0x04, "master ISR: IR2 in service");
    cr_assert_eq(inb(&bus, 0xA0), 0x10, "slave ISR: IR4 in service");
    pulse(3);
    cr_assert_eq(pic_intr(&pic), 0, "IRQ3 ranks below the cascade (IR2) in service");
    pulse(1);
    cr_assert_eq(pic_intr(&pic), 1, "IRQ1 ranks above IRQ8-15");
    cr_assert_eq(pic_ack(&pic), 0x21);
    eoi_master();
    eoi_slave();
    eoi_master();
    cr_assert_eq(pic_ack(&pic), 0x23, "after both EOIs IRQ3 is delivered");
}

Test(pic, spurious_irq7_when_nothing_pending)
{
    pic_setup(0x01);
    cr_assert_eq(pic_ack(&pic), 0x27, "INTA with no request: IR7 vector");
    outb(&bus, 0x20, 0x0B);
    cr_assert_eq(inb(&bus, 0x20), 0x00, "spurious IRQ7 sets no ISR bit");
}

Test(pic, spurious_irq15_when_slave_request_vanishes)
{
    pic_setup(0x01);
    outb(&bus, 0x4D1, 0x04);           /* ELCR2: IRQ10 level-triggered */
    pic_set_irq(&pic, 10, 1);
    cr_assert_eq(pic_intr(&pic), 1);
    pic_set_irq(&pic, 10, 0);          /* the device withdraws before INTA */
    cr_assert_eq(pic_ack(&pic), 0x2F, "slave answers IR7: IRQ15 vector 0x2F");
    outb(&bus, 0x20, 0x0B);
    outb(&bus, 0xA0, 0x0B);
    cr_assert_eq(inb(&bus, 0x20), 0x04, "master IR2 is in service (OS must EOI it)");
    cr_assert_eq(inb(&bus, 0xA0), 0x00, "slave ISR untouched");
}

Test(pic, level_mode_reasserts_until_line_drops)
{
    pic_setup(0x01);
    outb(&bus, 0x4D0, 0x20);           /* ELCR1: IRQ5 level */
    cr_assert_eq(inb(&bus, 0x4D0), 0x20);
    outb(&bus, 0x4D0, 0x07);
    cr_assert_eq(inb(&bus, 0x4D0), 0x00, "PIIX3: IRQ0-2 cannot be level");
    outb(&bus, 0x4D0, 0x20);
    pic_set_irq(&pic, 5, 1);
    cr_assert_eq(pic_ack(&pic), 0x25);
    eoi_master();
    cr_assert_eq(pic_intr(&pic), 1, "level still high after EOI: interrupt again");
    pic_set_irq(&pic, 5, 0);
    cr_assert_eq(pic_intr(&pic), 0, "line dropped: request gone");
}

Test(pic, auto_eoi_leaves_isr_clear)
{
    pic_setup(0x03);                   /* ICW4: 8086 mode + AEOI */
    pulse(4);
    cr_assert_eq(pic_ack(&pic), 0x24);
    outb(&bus, 0x20, 0x0B);
    cr_assert_eq(inb(&bus, 0x20), 0x00, "AEOI: ISR cleared at INTA");
    pulse(5);
    cr_assert_eq(pic_intr(&pic), 1, "no EOI needed for the next interrupt");
}
