/* Intel 8254: IRQ 0 period per mode, latch, read-back, channel 2 gate.
 * Expected values from the Intel 8254 datasheet ("Control word format",
 * "Counter latch command", "Read-back command", "Mode 0/2/3", "Gate") and
 * the PC/AT clock of 1.193182 MHz, converted to ticks here independently. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "devtest.h"
#include "pit.h"

#define HZ 1193182ull           /* 8254 input clock on the PC/AT */

static struct bus bus;
static struct pit pit;
static struct clock clk;
static struct cpu *cpu;
static struct irq_rec rec;
static const struct irq_chip chip = { &rec, irq_rec_set };

static void setup(void)
{
    cpu = calloc(1, sizeof(*cpu));
    bus_init(&bus);
    clock_init(&clk, cpu);
    rec = (struct irq_rec){ 0 };
    cr_assert_eq(pit_init(&pit, &bus, &clk, &chip), 0);
}

static void teardown(void)
{
    free(cpu);
}

/* Tick at which `counts` input clocks have elapsed, computed here
 * independently: ceil(counts * 10^9 / 1193182). */
static uint64_t at(uint64_t counts)
{
    return (counts * 1000000000ull + HZ - 1) / HZ;
}

/* Program channel 0: control word then LSB, MSB. */
static void program(uint8_t cw, uint16_t n)
{
    outb(&bus, 0x43, cw);
    outb(&bus, 0x40, (uint8_t)n);
    outb(&bus, 0x40, (uint8_t)(n >> 8));
}

TestSuite(pit, .init = setup, .fini = teardown);

Test(pit, mode2_rate_generator_interrupts_every_n_clocks)
{
    program(0x34, 11932);              /* channel 0, LSB+MSB, mode 2: ~100 Hz */
    run_until(&clk, at(11932) - 1);
    cr_assert_eq(rec.rises[0], 0, "no IRQ0 before N clocks");
    run_until(&clk, at(11932));
    cr_assert_eq(rec.rises[0], 1, "IRQ0 exactly at N clocks (tick %llu)",
                 (unsigned long long)at(11932));
    run_until(&clk, at(5 * 11932) - 1);
    cr_assert_eq(rec.rises[0], 4, "4 periods before 5N, got %d", rec.rises[0]);
    run_until(&clk, at(5 * 11932));
    cr_assert_eq(rec.rises[0], 5);
    cr_assert_eq(rec.level[0], 0, "line pulsed, not held");
}

Test(pit, mode3_square_wave_has_the_same_period)
{
    program(0x36, 1000);               /* mode 3 */
    run_until(&clk, at(10 * 1000));
    cr_assert_eq(rec.rises[0], 10, "10 periods of 1000 clocks, got %d", rec.rises[0]);
    outb(&bus, 0x43, 0xE2);            /* read-back status of counter 0 */
    run_until(&clk, at(10 * 1000 + 250));
    outb(&bus, 0x43, 0xE2);
    uint8_t st = inb(&bus, 0x40);
    cr_assert_eq(st & 0x3F, 0x36, "status: RW=3, mode 3, binary; got %#x", st);
    cr_assert_eq(st & 0x80, 0x80, "first half of the period: OUT high");
}

Test(pit, count_zero_means_65536)
{
    program(0x34, 0);
    run_until(&clk, at(65536) - 1);
    cr_assert_eq(rec.rises[0], 0);
    run_until(&clk, at(65536));
    cr_assert_eq(rec.rises[0], 1, "period of 65536 clocks (18.2 Hz)");
}

Test(pit, mode0_interrupts_once_and_holds)
{
    program(0x30, 500);                /* mode 0 */
    run_until(&clk, at(10 * 500));
    cr_assert_eq(rec.rises[0], 1, "mode 0: one interrupt at terminal count");
    cr_assert_eq(rec.level[0], 1, "OUT stays high after terminal count");
    program(0x30, 500);
    cr_assert_eq(rec.level[0], 0, "writing the control word drops OUT");
}

Test(pit, latch_reads_the_count_from_virtual_time)
{
    program(0x34, 10000);
    cpu->icount = at(1234);
    outb(&bus, 0x43, 0x00);            /* latch counter 0 */
    cpu->icount = at(5000);            /* latched value must not move */
    uint16_t v = inb(&bus, 0x40);
    v |= (uint16_t)(inb(&bus, 0x40) << 8);
    cr_assert_eq(v, 10000 - 1234, "mode 2 after 1234 clocks: expected %d, got %u", 10000 - 1234, v);
    v = inb(&bus, 0x40);
    v |= (uint16_t)(inb(&bus, 0x40) << 8);
    cr_assert_eq(v, 10000 - 5000, "unlatched read is live: expected 5000, got %u", v);
}

Test(pit, lsb_only_access)
{
    outb(&bus, 0x43, 0x14);            /* channel 0, LSB only, mode 2 */
    outb(&bus, 0x40, 200);
    run_until(&clk, at(3 * 200));
    cr_assert_eq(rec.rises[0], 3, "count 200 from one LSB write: 3 periods");
    cpu->icount = at(3 * 200 + 50);
    cr_assert_eq(inb(&bus, 0x40), 150, "LSB read of the live count");
}

Test(pit, new_count_in_mode2_waits_for_reload)
{
    program(0x34, 1000);
    run_until(&clk, at(500));
    outb(&bus, 0x40, (uint8_t)2000);
    outb(&bus, 0x40, (uint8_t)(2000 >> 8));
    run_until(&clk, at(1000));
    cr_assert_eq(rec.rises[0], 1, "current period still ends at 1000");
    run_until(&clk, at(3000) - 1);
    cr_assert_eq(rec.rises[0], 1, "next period uses the new count 2000");
    run_until(&clk, at(3000));
    cr_assert_eq(rec.rises[0], 2);
}

Test(pit, channel2_gate_and_out_through_port61)
{
    outb(&bus, 0x61, 0x00);            /* gate low */
    outb(&bus, 0x43, 0xB0);            /* channel 2, LSB+MSB, mode 0 */
    outb(&bus, 0x42, 100);
    outb(&bus, 0x42, 0);
    cpu->icount = at(1000);
    cr_assert_eq(inb(&bus, 0x61) & 0x20, 0, "gate low: not counting, OUT2 low");
    outb(&bus, 0x61, 0x01);            /* gate high: counting starts */
    cpu->icount = at(1000) + at(99);
    cr_assert_eq(inb(&bus, 0x61) & 0x20, 0, "99 clocks after gate: still counting");
    cpu->icount = at(1000) + at(101);
    cr_assert_eq(inb(&bus, 0x61) & 0x20, 0x20, "past 100 clocks: OUT2 high");
    cr_assert_eq(rec.rises[0], 0, "channel 2 drives no IRQ");
}

Test(pit, bcd_count_is_decimal)
{
    program(0x35, 0x1000);             /* mode 2, BCD: count "1000" = 1000 clocks */
    run_until(&clk, at(1000) - 1);
    cr_assert_eq(rec.rises[0], 0);
    run_until(&clk, at(1000));
    cr_assert_eq(rec.rises[0], 1, "BCD 0x1000 is 1000 clocks, not 4096");
    cpu->icount = at(1000 + 250);
    outb(&bus, 0x43, 0x00);
    cr_assert_eq(inb(&bus, 0x40), 0x50, "count 750 reads as BCD 0x0750: LSB 0x50");
    cr_assert_eq(inb(&bus, 0x40), 0x07);
}

Test(pit, read_back_reports_null_count_until_loaded)
{
    outb(&bus, 0x43, 0x34);
    outb(&bus, 0x43, 0xE2);            /* status of counter 0 */
    cr_assert_eq(inb(&bus, 0x40) & 0x40, 0x40, "NULL COUNT after a control word");
    outb(&bus, 0x40, 0x10);
    outb(&bus, 0x40, 0x00);
    outb(&bus, 0x43, 0xE2);
    cr_assert_eq(inb(&bus, 0x40) & 0x40, 0x00, "count loaded: NULL COUNT clear");
}
