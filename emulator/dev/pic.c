/* pic.c - two cascaded Intel 8259A programmable interrupt controllers. */

/*
 * The 8259A turns eight request lines into one INT pin plus a vector.  A
 * request is latched in IRR; the CPU's INTA cycle moves the highest-priority
 * one to ISR and reads its vector; the handler's EOI command clears the ISR
 * bit.  While a level is in service, it and every lower level are held back
 * ("fully nested mode"), which is how interrupt handlers nest by priority.
 * IR0 has the highest priority and IR7 the lowest.
 *
 * The PC/AT cascades two chips: the slave's INT pin drives the master's IR2,
 * and when the master acknowledges IR2 the slave supplies the vector.  So
 * IRQs 8-15 rank between IRQ 1 and IRQ 3.
 *
 * Each chip has two ports, told apart by the A0 address line: A0=0 (0x20,
 * 0xA0) takes ICW1, OCW2 and OCW3 and reads IRR or ISR; A0=1 (0x21, 0xA1)
 * takes ICW2-ICW4 during initialisation, then OCW1 (the mask).
 *
 * Not modelled, as PC kernels do not use them: priority rotation, special
 * mask mode, the poll command, buffered mode.
 */

#include "pic.h"

#include "bus.h"

#define PIC_MASTER_PORT 0x20    /* IBM PC/AT Technical Reference: I/O map */
#define PIC_SLAVE_PORT  0xA0
#define PIC_CASCADE_IRQ 2       /* PC/AT: slave INT wired to master IR2 */
#define PIC_SPURIOUS_IR 7       /* 8259A: default IR7 when no request at INTA */
#define ELCR_PORT 0x4D0         /* Intel 82371SB (PIIX3) datasheet: ELCR1/ELCR2 */
/* PIIX3 ELCR: IRQ 0, 1, 2 (ELCR1) and 8, 13 (ELCR2) are always edge. */
#define ELCR1_MASK 0xF8
#define ELCR2_MASK 0xDE

/*
 * 8259A datasheet, command words written to A0=0 (ICW1 when D4=1):
 *
 *   ICW1:  7  6  5  4   3    2   1    0        OCW2:  7  6   5   4-3  2-0
 *        +---------+--+----+---+----+---+           +---+--+---+----+-----+
 *        | (8080)  | 1|LTIM|ADI|SNGL|IC4|           | R |SL|EOI| 00 |L2-L0|
 *        +---------+--+----+---+----+---+           +---+--+---+----+-----+
 *
 *   OCW3:  7    6    5   4  3  2   1   0     ICW4:  7-5   4    3   2    1    0
 *        +---+----+---+---+---+-+---+---+         +---+----+---+---+----+---+
 *        | 0 |ESMM|SMM| 0 | 1 |P|RR |RIS|         | 0 |SFNM|BUF|M/S|AEOI|uPM|
 *        +---+----+---+---+---+-+---+---+         +---+----+---+---+----+---+
 */
#define ICW1_SELECT 0x10
#define ICW1_LTIM   0x08
#define ICW1_SNGL   0x02
#define ICW1_IC4    0x01
#define ICW2_VECTOR 0xF8
#define ICW4_AEOI   0x02
#define OCW3_SELECT 0x08
#define OCW3_RR     0x02
#define OCW3_RIS    0x01
#define OCW2_SL     0x40
#define OCW2_EOI    0x20
#define OCW2_LEVEL  0x07

/* The highest-priority (lowest-numbered) bit set in `bits`, or 8. */
static int pic_highest(uint8_t bits)
{
    return bits ? __builtin_ctz(bits) : 8;
}

/* The IR level this chip would present at INTA, or -1: the best unmasked
 * request strictly above the best level in service. */
static int pic_chip_pending(const struct pic_chip *c)
{
    int req = pic_highest(c->irr & ~c->imr);

    return req < pic_highest(c->isr) ? req : -1;
}

/* Recompute the slave's INT -> master IR2 -> the master's INT pin, and tell
 * the CPU side when it changes. */
static void pic_update(struct pic *p);

/* An input pin changes level.  Edge mode latches IRR on a rising edge and
 * keeps it; level mode makes IRR follow the pin (8259A: LTIM, PIIX ELCR). */
static void pic_chip_line(struct pic_chip *c, int ir, int level)
{
    uint8_t bit = (uint8_t)(1u << ir);
    bool level_mode = c->ltim || (c->elcr & bit);

    if (level && (!(c->lines & bit) || level_mode))
        c->irr |= bit;
    if (!level && level_mode)
        c->irr &= (uint8_t)~bit;
    c->lines = level ? (c->lines | bit) : (c->lines & (uint8_t)~bit);
}

static void pic_update(struct pic *p)
{
    int slave_int = pic_chip_pending(&p->chip[1]) >= 0;
    int intr;

    pic_chip_line(&p->chip[0], PIC_CASCADE_IRQ, slave_int);
    intr = pic_chip_pending(&p->chip[0]) >= 0;
    if (intr != p->intr) {
        p->intr = intr;
        if (p->intr_changed)
            p->intr_changed(p->ctx, intr);
    }
}

/* ICW1, 8259A datasheet "Initialization command words": clears IMR and ISR,
 * resets the edge detector (a pin already high must go low and high again),
 * selects IRR for reads, and zeroes the ICW4 functions. */
static void pic_icw1(struct pic_chip *c, uint8_t val)
{
    c->irr = 0;
    c->isr = 0;
    c->imr = 0;
    c->read_isr = false;
    c->auto_eoi = false;
    c->need_icw4 = val & ICW1_IC4;
    c->single = val & ICW1_SNGL;
    c->ltim = val & ICW1_LTIM;
    c->init_step = 2;
}

/* ICW2-ICW4 during initialisation, then OCW1 (the mask). */
static void pic_write_data(struct pic_chip *c, uint8_t val)
{
    switch (c->init_step) {
    case 2:
        c->vector_base = val & ICW2_VECTOR;
        c->init_step = c->single ? (c->need_icw4 ? 4 : 0) : 3;
        break;
    case 3:
        c->icw3 = val;
        c->init_step = c->need_icw4 ? 4 : 0;
        break;
    case 4:
        c->auto_eoi = val & ICW4_AEOI;
        c->init_step = 0;
        break;
    default:
        c->imr = val;
    }
}

/* OCW2: end of interrupt.  Non-specific EOI clears the highest ISR bit,
 * specific EOI (SL=1) clears level L.  Rotation is not modelled: the
 * rotating commands still perform their EOI, with fixed priority. */
static void pic_ocw2(struct pic_chip *c, uint8_t val)
{
    int level;

    if (!(val & OCW2_EOI))
        return;
    level = (val & OCW2_SL) ? (val & OCW2_LEVEL) : pic_highest(c->isr);
    if (level < 8)
        c->isr &= (uint8_t)~(1u << level);
}

/* A0=0 writes: ICW1, OCW3 or OCW2 by bits D4 and D3. */
static void pic_write_command(struct pic_chip *c, uint8_t val)
{
    if (val & ICW1_SELECT)
        pic_icw1(c, val);
    else if (val & OCW3_SELECT) {
        if (val & OCW3_RR)
            c->read_isr = val & OCW3_RIS;
    } else
        pic_ocw2(c, val);
}

/* Port index -> chip (0 master, 1 slave). */
static struct pic_chip *pic_chip_at(struct pic *p, uint16_t port)
{
    return &p->chip[port >= PIC_SLAVE_PORT ? 1 : 0];
}

/* A0=1 reads IMR; A0=0 reads IRR or ISR as OCW3 selected. */
static uint32_t pic_io_read(void *dev, uint16_t port, unsigned size)
{
    struct pic_chip *c = pic_chip_at(dev, port);

    (void)size;
    if (port & 1)
        return c->imr;
    return c->read_isr ? c->isr : c->irr;
}

/* A0=1: ICW2-4 or OCW1; A0=0: ICW1, OCW2, OCW3.  Then recompute INT. */
static void pic_io_write(void *dev, uint16_t port, uint32_t val, unsigned size)
{
    struct pic *p = dev;
    struct pic_chip *c = pic_chip_at(p, port);

    (void)size;
    if (port & 1)
        pic_write_data(c, (uint8_t)val);
    else
        pic_write_command(c, (uint8_t)val);
    pic_update(p);
}

/* ELCR1 (0x4D0) and ELCR2 (0x4D1): per-IRQ edge (0) or level (1). */
static uint32_t pic_elcr_read(void *dev, uint16_t port, unsigned size)
{
    struct pic *p = dev;

    (void)size;
    return p->chip[port - ELCR_PORT].elcr;
}

/* ELCR write: edge/level per IRQ, except the bits PIIX3 fixes to edge. */
static void pic_elcr_write(void *dev, uint16_t port, uint32_t val, unsigned size)
{
    struct pic *p = dev;
    struct pic_chip *c = &p->chip[port - ELCR_PORT];

    (void)size;
    c->elcr = (uint8_t)val & c->elcr_mask;
    pic_update(p);
}

/* Both chips uninitialised, all edge; claim their ports and the ELCR.  Returns 0 or -1. */
int pic_init(struct pic *p, struct bus *b,
             void (*intr_changed)(void *ctx, int level), void *ctx)
{
    const struct io_region regs[] = {
        { "pic-master", PIC_MASTER_PORT, 2, p, pic_io_read, pic_io_write },
        { "pic-slave", PIC_SLAVE_PORT, 2, p, pic_io_read, pic_io_write },
        { "elcr", ELCR_PORT, 2, p, pic_elcr_read, pic_elcr_write },
    };

    *p = (struct pic){ .intr_changed = intr_changed, .ctx = ctx };
    p->chip[0].elcr_mask = ELCR1_MASK;
    p->chip[1].elcr_mask = ELCR2_MASK;
    for (unsigned i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
        if (bus_add_io(b, &regs[i]) < 0)
            return -1;
    return 0;
}

/* Route ISA IRQ 0-7 to the master, 8-15 to the slave, then recompute INT. */
void pic_set_irq(struct pic *p, int irq, int level)
{
    if (irq < 0 || irq > 15)
        return;
    pic_chip_line(&p->chip[irq >> 3], irq & 7, level);
    pic_update(p);
}

/* Level of the master's INT pin. */
int pic_intr(const struct pic *p)
{
    return p->intr;
}

/* One chip's half of INTA: the level it answers with (IR7 if nothing is
 * pending, without touching ISR); IRR is cleared for an edge request, ISR
 * set unless auto-EOI. */
static int pic_chip_ack(struct pic_chip *c)
{
    int ir = pic_chip_pending(c);
    uint8_t bit;

    if (ir < 0)
        return PIC_SPURIOUS_IR;
    bit = (uint8_t)(1u << ir);
    if (!c->ltim && !(c->elcr & bit))
        c->irr &= (uint8_t)~bit;
    if (!c->auto_eoi)
        c->isr |= bit;
    return ir;
}

/* INTA: the master answers, or hands over to the slave for IR2.  Returns the vector. */
int pic_ack(struct pic *p)
{
    bool pending = pic_chip_pending(&p->chip[0]) >= 0;
    int ir = pic_chip_ack(&p->chip[0]);
    int vector = p->chip[0].vector_base + ir;

    if (pending && ir == PIC_CASCADE_IRQ && (p->chip[0].icw3 & (1u << ir)))
        vector = p->chip[1].vector_base + pic_chip_ack(&p->chip[1]);
    pic_update(p);
    return vector;
}
