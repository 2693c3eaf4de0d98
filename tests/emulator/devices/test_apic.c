/* Local APIC and 82093AA I/O APIC.  Expected values from the Intel SDM
 * Vol. 3A chapter 10 (10.4.7.1 reset state, 10.4.8 version, 10.5.3 ESR,
 * 10.5.4 timer, 10.6.1 ICR, 10.8.3.1 TPR/PPR, 10.8.5 EOI) and the Intel
 * 82093AA datasheet 3.2 (IOAPICVER, IOREDTBL, Remote IRR). */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "devtest.h"
#include "ioapic.h"
#include "lapic.h"

#define LAPIC 0xFEE00000u
#define IOAPIC 0xFEC00000u

static struct bus bus;
static struct clock clk;
static struct cpu *cpu;
static struct lapic apic;
static struct ioapic io;
static int intr_level;

static void on_intr(void *ctx, int level)
{
    (void)ctx;
    intr_level = level;
}

static void setup(void)
{
    cpu = calloc(1, sizeof(*cpu));
    bus_init(&bus);
    clock_init(&clk, cpu);
    intr_level = 0;
    cr_assert_eq(lapic_init(&apic, &bus, &clk, on_intr, NULL), 0);
    cr_assert_eq(ioapic_init(&io, &bus, &apic), 0);
}

static void teardown(void)
{
    free(cpu);
}

static void enable(void)
{
    mmio_wr(&bus, LAPIC + 0xF0, 0x1FF);   /* SVR: enable, spurious vector 0xFF */
}

static void eoi(void)
{
    mmio_wr(&bus, LAPIC + 0xB0, 0);
}

TestSuite(lapic, .init = setup, .fini = teardown);
TestSuite(ioapic, .init = setup, .fini = teardown);

Test(lapic, reset_state)
{
    cr_assert_eq(mmio_rd(&bus, LAPIC + 0x30), 0x00050014u,
                 "version 0x14, 6 LVT entries (max LVT = 5)");
    cr_assert_eq(mmio_rd(&bus, LAPIC + 0xF0), 0xFF, "SVR reset value 0xFF: disabled");
    cr_assert_eq(mmio_rd(&bus, LAPIC + 0xE0), 0xFFFFFFFFu, "DFR reset: flat model");
    cr_assert_eq(mmio_rd(&bus, LAPIC + 0x320), 0x10000u, "LVT timer masked at reset");
    cr_assert(lapic_extint_enabled(&apic), "LINT0 in virtual-wire ExtINT mode");
    lapic_accept(&apic, 0x40, false);
    cr_assert_eq(lapic_pending(&apic), -1, "software-disabled APIC delivers nothing");
    enable();
    cr_assert_eq(lapic_pending(&apic), 0x40, "held request delivered once enabled");
}

Test(lapic, tpr_masks_by_priority_class)
{
    enable();
    lapic_accept(&apic, 0x45, false);
    cr_assert_eq(intr_level, 1);
    mmio_wr(&bus, LAPIC + 0x80, 0x50);
    cr_assert_eq(lapic_pending(&apic), -1, "class 4 <= TPR class 5: blocked");
    cr_assert_eq(intr_level, 0, "INTR drops when TPR blocks");
    mmio_wr(&bus, LAPIC + 0x80, 0x4F);
    cr_assert_eq(lapic_pending(&apic), -1, "class 4 is not above TPR class 4");
    mmio_wr(&bus, LAPIC + 0x80, 0x3F);
    cr_assert_eq(lapic_pending(&apic), 0x45, "class 4 above TPR class 3");
    cr_assert_eq(mmio_rd(&bus, LAPIC + 0xA0), 0x3F, "PPR = TPR when nothing in service");
}

Test(lapic, in_service_class_blocks_same_and_lower)
{
    enable();
    lapic_accept(&apic, 0x45, false);
    cr_assert_eq(lapic_ack(&apic), 0x45);
    cr_assert_eq(mmio_rd(&bus, LAPIC + 0x100 + 0x20), 1u << 5, "ISR bit 0x45 (word 2, bit 5)");
    cr_assert_eq(mmio_rd(&bus, LAPIC + 0xA0), 0x40, "PPR = class of ISR vector, 0x40");
    lapic_accept(&apic, 0x4A, false);
    cr_assert_eq(lapic_pending(&apic), -1, "0x4A same class as 0x45 in service");
    lapic_accept(&apic, 0x61, false);
    cr_assert_eq(lapic_ack(&apic), 0x61, "higher class nests");
    eoi();
    cr_assert_eq(mmio_rd(&bus, LAPIC + 0x100 + 0x30), 0, "EOI retired 0x61");
    eoi();
    cr_assert_eq(lapic_ack(&apic), 0x4A, "0x4A after 0x45's EOI");
    cr_assert_eq(lapic_ack(&apic), 0xFF, "nothing left: spurious vector from SVR");
}

Test(lapic, timer_one_shot)
{
    enable();
    mmio_wr(&bus, LAPIC + 0x3E0, 0xB);    /* divide by 1 */
    mmio_wr(&bus, LAPIC + 0x320, 0x30);   /* one-shot, vector 0x30 */
    mmio_wr(&bus, LAPIC + 0x380, 1000);   /* 1000 bus clocks at 1 GHz = 1000 ticks */
    run_until(&clk, 400);
    cr_assert_eq(mmio_rd(&bus, LAPIC + 0x390), 600, "current count after 400 ticks");
    run_until(&clk, 999);
    cr_assert_eq(lapic_pending(&apic), -1, "not expired at 999");
    run_until(&clk, 1000);
    cr_assert_eq(lapic_ack(&apic), 0x30, "expired at 1000");
    eoi();
    run_until(&clk, 5000);
    cr_assert_eq(lapic_pending(&apic), -1, "one-shot fires once");
    cr_assert_eq(mmio_rd(&bus, LAPIC + 0x390), 0, "current count stays 0");
}

Test(lapic, timer_periodic_with_divider)
{
    enable();
    mmio_wr(&bus, LAPIC + 0x3E0, 0x3);    /* divide by 16 */
    mmio_wr(&bus, LAPIC + 0x320, 0x20031);/* periodic, vector 0x31 */
    mmio_wr(&bus, LAPIC + 0x380, 100);    /* period 100 * 16 = 1600 ticks */
    for (uint64_t k = 1; k <= 5; k++) {
        run_until(&clk, k * 1600 - 1);
        cr_assert_eq(lapic_pending(&apic), -1, "period %llu not yet over", (unsigned long long)k);
        run_until(&clk, k * 1600);
        cr_assert_eq(lapic_ack(&apic), 0x31, "interrupt at %llu", (unsigned long long)(k * 1600));
        eoi();
    }
    cpu->icount = 5 * 1600 + 16 * 30;
    cr_assert_eq(mmio_rd(&bus, LAPIC + 0x390), 70, "30 counts into a period of 100");
}

Test(lapic, masked_timer_counts_silently)
{
    enable();
    mmio_wr(&bus, LAPIC + 0x3E0, 0xB);
    mmio_wr(&bus, LAPIC + 0x320, 0x10032);
    mmio_wr(&bus, LAPIC + 0x380, 10);
    run_until(&clk, 100);
    cr_assert_eq(lapic_pending(&apic), -1, "masked LVT timer: no interrupt");
}

Test(lapic, self_ipi_and_ignored_init)
{
    enable();
    mmio_wr(&bus, LAPIC + 0x300, 0x00044050); /* shorthand self, fixed, vector 0x50 */
    cr_assert_eq(lapic_pending(&apic), 0x50, "self IPI delivered");
    mmio_wr(&bus, LAPIC + 0x310, 0);
    mmio_wr(&bus, LAPIC + 0x300, 0x00004500); /* INIT to APIC 0 */
    mmio_wr(&bus, LAPIC + 0x300, 0x00004601); /* STARTUP */
    cr_assert_eq(lapic_ack(&apic), 0x50, "INIT/STARTUP change nothing");
    cr_assert_eq(mmio_rd(&bus, LAPIC + 0x300) & 0x1000, 0, "delivery status idle");
}

Test(lapic, illegal_vector_sets_esr)
{
    enable();
    mmio_wr(&bus, LAPIC + 0x300, 0x00040005); /* self IPI, vector 5 */
    mmio_wr(&bus, LAPIC + 0x280, 0);          /* latch errors */
    cr_assert_eq(mmio_rd(&bus, LAPIC + 0x280), 0x20, "ESR: send illegal vector (bit 5)");
    mmio_wr(&bus, LAPIC + 0x280, 0);
    cr_assert_eq(mmio_rd(&bus, LAPIC + 0x280), 0, "ESR cleared by the next write");
}

Test(lapic, disable_masks_every_lvt)
{
    enable();
    mmio_wr(&bus, LAPIC + 0x320, 0x30);
    mmio_wr(&bus, LAPIC + 0xF0, 0xFF);
    cr_assert_eq(mmio_rd(&bus, LAPIC + 0x320), 0x10030, "disabling sets the mask bit");
    mmio_wr(&bus, LAPIC + 0x320, 0x30);
    cr_assert_eq(mmio_rd(&bus, LAPIC + 0x320), 0x10030, "mask cannot be cleared while disabled");
}

/* --- I/O APIC ------------------------------------------------------------ */

static void io_wr(uint8_t reg, uint32_t v)
{
    mmio_wr(&bus, IOAPIC, reg);
    mmio_wr(&bus, IOAPIC + 0x10, v);
}

static uint32_t io_rd(uint8_t reg)
{
    mmio_wr(&bus, IOAPIC, reg);
    return mmio_rd(&bus, IOAPIC + 0x10);
}

Test(ioapic, version_and_reset_masks)
{
    cr_assert_eq(io_rd(0x01), 0x00170011u, "version 0x11, 24 entries (max 23)");
    cr_assert_eq(io_rd(0x10 + 2 * 5), 0x10000u, "entry 5 masked at reset");
    enable();
    ioapic_set_irq(&io, 5, 1);
    cr_assert_eq(lapic_pending(&apic), -1, "masked pin sends nothing");
}

Test(ioapic, edge_pin_routes_to_vector)
{
    enable();
    io_wr(0x10 + 2 * 4, 0x34);          /* pin 4: vector 0x34, fixed, edge, high */
    io_wr(0x11 + 2 * 4, 0);             /* destination APIC 0 */
    ioapic_set_irq(&io, 4, 1);
    cr_assert_eq(lapic_ack(&apic), 0x34, "pin 4 -> vector 0x34");
    ioapic_set_irq(&io, 4, 1);
    cr_assert_eq(lapic_pending(&apic), -1, "no edge, no message");
    ioapic_set_irq(&io, 4, 0);
    ioapic_set_irq(&io, 4, 1);
    eoi();
    cr_assert_eq(lapic_ack(&apic), 0x34, "new edge, new message");
    cr_assert_eq(mmio_rd(&bus, LAPIC + 0x180 + 0x10), 0, "edge: TMR bit clear");
}

Test(ioapic, level_pin_waits_for_eoi)
{
    enable();
    io_wr(0x10 + 2 * 9, 0x8049);        /* pin 9: vector 0x49, level, active high */
    ioapic_set_irq(&io, 9, 1);
    cr_assert_neq(io_rd(0x10 + 2 * 9) & 0x4000, 0, "Remote IRR set once sent");
    cr_assert_eq(lapic_ack(&apic), 0x49);
    cr_assert_eq(mmio_rd(&bus, LAPIC + 0x180 + 0x20), 1u << 9, "TMR marks 0x49 level");
    eoi();
    cr_assert_eq(io_rd(0x10 + 2 * 9) & 0x4000, 0x4000, "Remote IRR set again: line still high");
    cr_assert_eq(lapic_ack(&apic), 0x49, "EOI with the line high resends");
    ioapic_set_irq(&io, 9, 0);
    eoi();
    cr_assert_eq(io_rd(0x10 + 2 * 9) & 0x4000, 0, "Remote IRR clear after EOI");
    cr_assert_eq(lapic_pending(&apic), -1, "line low: nothing resent");
}

Test(ioapic, active_low_polarity_and_unmask_delivers)
{
    enable();
    io_wr(0x10 + 2 * 11, 0x1A05B);      /* masked, level, active low, vector 0x5B */
    ioapic_set_irq(&io, 11, 0);         /* active */
    cr_assert_eq(lapic_pending(&apic), -1, "masked");
    io_wr(0x10 + 2 * 11, 0xA05B);       /* unmask */
    cr_assert_eq(lapic_pending(&apic), 0x5B, "unmasking an active level pin delivers");
}

Test(ioapic, id_register)
{
    io_wr(0x00, 0x0F000000);
    cr_assert_eq(io_rd(0x00), 0x0F000000u);
    cr_assert_eq(io_rd(0x02), 0x0F000000u, "arbitration ID follows the ID");
}
