/* pit.h - the Intel 8254 programmable interval timer (the PC's system timer). */
#ifndef TRAPEZE_PIT_H
#define TRAPEZE_PIT_H

#include <stdbool.h>
#include <stdint.h>

#include "clock.h"

struct bus;
struct irq_chip;
struct pit;

/* One of the three counters (8254 datasheet, "Counter description"). */
struct pit_channel {
    struct pit *pit;
    int index;
    uint8_t mode, rw, bcd;      /* from the control word */
    bool loaded;                /* a count is in the counting element */
    uint32_t count;             /* N, the initial count (1..65536 or 10000) */
    uint64_t load_time;         /* tick at which counting (re)started */
    uint32_t counted;           /* counts done before load_time (mode 0 paused by gate) */
    uint64_t skip;              /* counts after load_time that belong to older counts */
    bool gate;                  /* GATE input (channels 0 and 1: wired high) */
    bool pending;               /* modes 2/3: a new count waits for the next reload */
    uint32_t pending_count;
    uint64_t pending_at;        /* tick of the reload that takes it */
    uint64_t pending_skip;      /* elapsed counts at that reload */
    uint8_t write_lsb;          /* rw=3: LSB written, waiting for MSB */
    bool write_msb_next, read_msb_next;
    bool latched, status_latched;
    uint16_t latch;
    uint8_t status;
    bool null_count;            /* count written but not yet loaded */
    struct timer timer;         /* channel 0: next rising edge of OUT */
};

struct pit {
    struct pit_channel ch[3];
    struct clock *clk;
    const struct irq_chip *irqs;
    uint8_t port61;             /* speaker data and the check-enable bits */
};

/* Reset the three counters (no count loaded) and claim ports 0x40-0x43 and
 * 0x61.  Channel 0 drives ISA IRQ 0 through `irqs`.  Returns 0 or -1. */
int pit_init(struct pit *p, struct bus *b, struct clock *clk, const struct irq_chip *irqs);

#endif
