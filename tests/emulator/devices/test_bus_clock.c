/* Buses and virtual time: overlap refusal, open bus, timer order, batch exit
 * (the contracts in bus.h and clock.h). */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "devtest.h"

static uint32_t last_port, last_val;

static uint32_t echo_read(void *dev, uint16_t port, unsigned size)
{
    (void)dev; (void)size;
    return port + 1u;
}

static void echo_write(void *dev, uint16_t port, uint32_t val, unsigned size)
{
    (void)dev; (void)size;
    last_port = port;
    last_val = val;
}

static uint32_t mm_read(void *dev, uint32_t off, unsigned size)
{
    (void)dev; (void)size;
    return off;
}

Test(bus, overlapping_io_region_is_refused)
{
    static struct bus b;
    struct io_region a = { "a", 0x100, 8, NULL, echo_read, echo_write };
    struct io_region c = { "c", 0x107, 2, NULL, echo_read, echo_write };
    struct io_region d = { "d", 0x108, 2, NULL, echo_read, echo_write };

    bus_init(&b);
    cr_assert_eq(bus_add_io(&b, &a), 0, "first region must register");
    cr_assert_eq(bus_add_io(&b, &c), -1, "0x107-0x108 overlaps 0x100-0x107: expected -1");
    cr_assert_eq(bus_add_io(&b, &d), 0, "0x108-0x109 is adjacent, not overlapping: expected 0");
    cr_assert_eq(bus_io_read(&b, 0x107, 1), 0x108, "port 0x107 must reach region a");
    bus_io_write(&b, 0x109, 0x5a, 1);
    cr_assert_eq(last_port, 0x109, "write to 0x109: device saw port %#x", last_port);
    cr_assert_eq(last_val, 0x5a);
}

Test(bus, io_table_full_is_refused)
{
    static struct bus b;

    bus_init(&b);
    for (int i = 0; i < BUS_MAX_IO; i++) {
        struct io_region r = { "r", (uint16_t)(i * 2), 1, NULL, echo_read, echo_write };
        cr_assert_eq(bus_add_io(&b, &r), 0, "region %d of %d must fit", i, BUS_MAX_IO);
    }
    struct io_region extra = { "x", 0x1000, 1, NULL, echo_read, echo_write };
    cr_assert_eq(bus_add_io(&b, &extra), -1, "region %d must be refused", BUS_MAX_IO + 1);
}

Test(bus, open_bus_reads_all_ones_and_is_counted)
{
    static struct bus b;

    bus_init(&b);
    cr_assert_eq(bus_io_read(&b, 0x80, 1), 0xff, "undecoded byte read: expected 0xff");
    cr_assert_eq(bus_io_read(&b, 0x80, 2), 0xffff);
    cr_assert_eq(bus_io_read(&b, 0x80, 4), 0xffffffffu);
    bus_io_write(&b, 0x80, 0, 1);
    cr_assert_eq(b.unhandled_io[0x80], 4, "3 reads + 1 write to 0x80: counted %llu",
                 (unsigned long long)b.unhandled_io[0x80]);
    cr_assert_eq(b.unhandled_io[0x81], 0);
    cr_assert_eq(bus_mmio_read(&b, 0xfee00000u, 4), 0xffffffffu);
    cr_assert_eq(b.unhandled_mmio, 1);
}

Test(bus, mmio_overlap_refused_and_offset_relative)
{
    static struct bus b;
    struct mmio_region a = { "a", 0xfec00000u, 0x1000, NULL, mm_read, NULL };
    struct mmio_region c = { "c", 0xfebff000u, 0x1001, NULL, mm_read, NULL };
    struct mmio_region top = { "top", 0xfffff000u, 0x1000, NULL, mm_read, NULL };

    bus_init(&b);
    cr_assert_eq(bus_add_mmio(&b, &a), 0);
    cr_assert_eq(bus_add_mmio(&b, &c), -1, "last byte of c overlaps a: expected -1");
    cr_assert_eq(bus_add_mmio(&b, &top), 0, "a region ending at 4 GiB must fit");
    cr_assert_eq(bus_mmio_read(&b, 0xfec00010u, 4), 0x10, "offset is relative to base");
    cr_assert_eq(bus_mmio_read(&b, 0xffffffffu, 1), 0xfff);
}

/* --- virtual time -------------------------------------------------------- */

static char order[16];
static int norder;

static void record_fire(void *dev, uint64_t now)
{
    (void)now;
    order[norder++] = *(const char *)dev;
}

Test(clock, timers_fire_in_deadline_order)
{
    struct cpu *cpu = calloc(1, sizeof(*cpu));
    struct clock clk;
    struct timer a = { .fire = record_fire, .dev = "a" };
    struct timer b = { .fire = record_fire, .dev = "b" };
    struct timer c = { .fire = record_fire, .dev = "c" };

    norder = 0;
    clock_init(&clk, cpu);
    clock_arm(&clk, &a, 300);
    clock_arm(&clk, &b, 100);
    clock_arm(&clk, &c, 200);
    cr_assert_eq(clock_next_deadline(&clk), 100);
    cpu->icount = 250;
    clock_run_expired(&clk);
    cr_assert_eq(norder, 2, "at t=250 two timers are due, %d fired", norder);
    cr_assert(order[0] == 'b' && order[1] == 'c', "expected b then c, got %c %c", order[0], order[1]);
    cr_assert_eq(clock_next_deadline(&clk), 300);
    clock_arm(&clk, &a, 50);            /* re-arming moves it */
    clock_cancel(&clk, &a);
    cr_assert_eq(clock_next_deadline(&clk), UINT64_MAX, "nothing armed after cancel");
    free(cpu);
}

Test(clock, equal_deadlines_fire_in_arming_order)
{
    struct cpu *cpu = calloc(1, sizeof(*cpu));
    struct clock clk;
    struct timer a = { .fire = record_fire, .dev = "a" };
    struct timer b = { .fire = record_fire, .dev = "b" };

    norder = 0;
    clock_init(&clk, cpu);
    clock_arm(&clk, &b, 10);
    clock_arm(&clk, &a, 10);
    cpu->icount = 10;
    clock_run_expired(&clk);
    cr_assert(norder == 2 && order[0] == 'b' && order[1] == 'a', "expected b then a");
    free(cpu);
}

Test(clock, early_deadline_ends_the_batch)
{
    struct cpu *cpu = calloc(1, sizeof(*cpu));
    struct clock clk;
    struct timer t = { .fire = record_fire, .dev = "t" };

    clock_init(&clk, cpu);
    clk.batch_end = 1000;
    clock_arm(&clk, &t, 1000);
    cr_assert(!cpu->exit_request, "deadline == batch end needs no early exit");
    clock_arm(&clk, &t, 999);
    cr_assert(cpu->exit_request, "deadline 999 < batch end 1000: cpu_request_exit expected");
    free(cpu);
}

Test(clock, time_is_instructions_plus_idle)
{
    struct cpu *cpu = calloc(1, sizeof(*cpu));
    struct clock clk;

    clock_init(&clk, cpu);
    cpu->icount = 7;
    cpu->idle = 100;
    cr_assert_eq(clock_now(&clk), 107);
    free(cpu);
}

Test(clock, frequency_conversion_rounds_up_then_down)
{
    /* 8254: 1193182 Hz.  65536 counts = 65536e9/1193182 ns = 54925401.15... */
    cr_assert_eq(clock_ticks_from(65536, 1193182), 54925402ull);
    cr_assert_eq(clock_count_in(54925402ull, 1193182), 65536);
    cr_assert_eq(clock_count_in(54925401ull, 1193182), 65535, "one tick short of the count");
    cr_assert_eq(clock_ticks_from(1000, CLOCK_HZ), 1000);
    /* 2^32 * 128 counts of a 1 GHz clock: no overflow in the product */
    cr_assert_eq(clock_ticks_from(0x80000000000ull, 1000000000ull), 0x80000000000ull);
}
