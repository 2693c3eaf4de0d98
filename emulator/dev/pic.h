/* pic.h - two cascaded Intel 8259A programmable interrupt controllers. */
#ifndef TRAPEZE_PIC_H
#define TRAPEZE_PIC_H

#include <stdbool.h>
#include <stdint.h>

struct bus;

/* One 8259A (Intel 8259A datasheet, "Functional description"). */
struct pic_chip {
    uint8_t irr;            /* interrupt request register: latched requests */
    uint8_t isr;            /* in-service register: acknowledged, not yet EOI'd */
    uint8_t imr;            /* interrupt mask register (OCW1) */
    uint8_t lines;          /* current level of the IR0-7 input pins */
    uint8_t elcr;           /* 1 = level-triggered input (PIIX ELCR) */
    uint8_t elcr_mask;      /* which ELCR bits are writable */
    uint8_t vector_base;    /* ICW2: T7-T3 */
    uint8_t icw3;           /* master: slave bitmap; slave: its ID */
    uint8_t init_step;      /* 0 = ready, else the ICW expected next (2-4) */
    bool need_icw4, single, auto_eoi;
    bool ltim;              /* ICW1: every input level-triggered */
    bool read_isr;          /* OCW3: reads of A0=0 return ISR, not IRR */
};

/* The PC/AT pair: a master at 0x20 and a slave at 0xA0 on master IR2. */
struct pic {
    struct pic_chip chip[2];        /* [0] master, [1] slave */
    int intr;                       /* level of the master's INT pin */
    void (*intr_changed)(void *ctx, int level);
    void *ctx;
};

/* Reset both chips (uninitialised, all inputs edge, IMR clear) and claim
 * ports 0x20-0x21, 0xA0-0xA1, 0x4D0-0x4D1.  Returns 0 or -1 (bus full). */
int pic_init(struct pic *p, struct bus *b,
             void (*intr_changed)(void *ctx, int level), void *ctx);

/* Drive ISA IRQ line `irq` (0-15) to `level`. */
void pic_set_irq(struct pic *p, int irq, int level);

/* Level of the INT output that goes to the CPU's INTR pin. */
int pic_intr(const struct pic *p);

/* The INTA cycle: the vector of the highest-priority request, moving it from
 * IRR to ISR; the IRQ 7 (or 15) vector for a spurious interrupt. */
int pic_ack(struct pic *p);

#endif
