/* MC146818 RTC: fixed date in BCD and binary, registers A-D, memory sizes.
 * Expected values from the Motorola MC146818 datasheet (address map,
 * registers A-D, data modes) and the IBM PC/AT CMOS map (0x15-0x18,
 * 0x30-0x35, century at 0x32). */
#include <criterion/criterion.h>

#include "cmos.h"
#include "devtest.h"

static struct bus bus;
static struct cmos cmos;

static uint8_t rd(uint8_t reg)
{
    outb(&bus, 0x70, reg);
    return inb(&bus, 0x71);
}

static void wr(uint8_t reg, uint8_t v)
{
    outb(&bus, 0x70, reg);
    outb(&bus, 0x71, v);
}

static void setup(uint64_t ram)
{
    bus_init(&bus);
    cr_assert_eq(cmos_init(&cmos, &bus, ram, false), 0);
}

Test(cmos, fixed_date_in_bcd)
{
    setup(32 << 20);
    /* 2026-01-01 00:00:00 is a Thursday: day of week 5 with Sunday = 1 */
    cr_assert_eq(rd(0x00), 0x00, "seconds");
    cr_assert_eq(rd(0x02), 0x00, "minutes");
    cr_assert_eq(rd(0x04), 0x00, "hours");
    cr_assert_eq(rd(0x06), 0x05, "day of week: Thursday = 5");
    cr_assert_eq(rd(0x07), 0x01, "day of month");
    cr_assert_eq(rd(0x08), 0x01, "month");
    cr_assert_eq(rd(0x09), 0x26, "year 26 in BCD is 0x26, got %#x", rd(0x09));
    cr_assert_eq(rd(0x32), 0x20, "century 20 in BCD");
}

Test(cmos, binary_and_12_hour_formats_follow_register_b)
{
    setup(32 << 20);
    wr(0x04, 0x15);                    /* 15:00 in BCD, 24-hour */
    cr_assert_eq(rd(0x0B), 0x02, "register B after reset: 24-hour, BCD");
    wr(0x0B, 0x06);                    /* binary, 24-hour */
    cr_assert_eq(rd(0x09), 26, "binary year");
    cr_assert_eq(rd(0x04), 15, "binary hour");
    wr(0x0B, 0x04);                    /* binary, 12-hour */
    cr_assert_eq(rd(0x04), 0x80 | 3, "15:00 in 12-hour format: 3 PM = 0x83");
    wr(0x0B, 0x00);                    /* BCD, 12-hour */
    wr(0x04, 0x12);                    /* 12 AM = midnight */
    wr(0x0B, 0x02);
    cr_assert_eq(rd(0x04), 0x00, "12 AM is hour 0");
}

Test(cmos, update_in_progress_never_sticks)
{
    setup(32 << 20);
    for (int i = 0; i < 1000; i++)
        cr_assert_eq(rd(0x0A) & 0x80, 0, "UIP set on read %d", i);
    cr_assert_eq(rd(0x0A), 0x26, "register A: 32.768 kHz divider, 1024 Hz rate");
    cr_assert_eq(rd(0x0D), 0x80, "register D: VRT (battery good)");
    cr_assert_eq(rd(0x0C), 0x00, "register C: no interrupt flag");
}

Test(cmos, nmi_bit_is_not_part_of_the_index)
{
    setup(32 << 20);
    outb(&bus, 0x70, 0x80 | 0x09);
    cr_assert_eq(inb(&bus, 0x71), 0x26, "index 0x89 reads register 9");
    cr_assert(cmos.nmi_disabled, "bit 7 of the index disables NMI");
}

Test(cmos, memory_size_bytes)
{
    setup(128ull << 20);               /* 128 MiB */
    cr_assert_eq(rd(0x15) | rd(0x16) << 8, 640, "base memory 640 KiB");
    /* extended: 127 MiB = 130048 KiB, more than 16 bits: clamped */
    cr_assert_eq(rd(0x17) | rd(0x18) << 8, 0xFFFF);
    cr_assert_eq(rd(0x30) | rd(0x31) << 8, 0xFFFF);
    /* above 16 MiB: 112 MiB / 64 KiB = 1792 blocks */
    cr_assert_eq(rd(0x34) | rd(0x35) << 8, 1792);
}

Test(cmos, small_memory_sizes)
{
    setup(8ull << 20);                 /* 8 MiB */
    cr_assert_eq(rd(0x17) | rd(0x18) << 8, 7168, "7 MiB above 1 MiB = 7168 KiB");
    cr_assert_eq(rd(0x34) | rd(0x35) << 8, 0, "nothing above 16 MiB");
}

Test(cmos, nvram_bytes_keep_what_is_written)
{
    setup(32 << 20);
    wr(0x40, 0xA5);
    cr_assert_eq(rd(0x40), 0xA5);
}
