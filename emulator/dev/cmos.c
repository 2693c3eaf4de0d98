/* cmos.c - the MC146818 real-time clock and its battery-backed CMOS RAM. */

/*
 * The MC146818 keeps the date in ten registers and 50 more bytes of RAM,
 * powered by a battery; the PC/AT adds 64 bytes more (128 in all) and uses
 * some of them to tell the operating system how much memory POST found.
 * Software writes a register number to port 0x70 (whose bit 7, on the AT,
 * also masks NMI) and reads or writes the register at port 0x71.
 *
 * Time registers are in BCD unless register B selects binary, and hours are
 * 0-23 unless B selects 12-hour format (bit 7 = PM).  We keep the time in
 * binary and encode it on each read, so a kernel may switch formats at will.
 *
 * Deterministic runs need a deterministic date: the clock shows
 * CMOS_FIXED_TIME and does not advance; with `realtime` it reads the host's
 * UTC clock instead.  The update-in-progress bit (register A, bit 7) is never
 * set: there is no update cycle for a kernel to wait out.
 */

#include "cmos.h"

#include "bus.h"

#include <time.h>

#define CMOS_PORT 0x70          /* IBM PC/AT Technical Reference: I/O map */
#define CMOS_INDEX_NMI 0x80     /* PC/AT: bit 7 of the index disables NMI */
#define CMOS_INDEX_MASK 0x7F

/* MC146818 datasheet, address map: time registers and registers A-D. */
enum {
    RTC_SEC = 0x00, RTC_MIN = 0x02, RTC_HOUR = 0x04, RTC_WDAY = 0x06,
    RTC_MDAY = 0x07, RTC_MON = 0x08, RTC_YEAR = 0x09,
    RTC_A = 0x0A, RTC_B = 0x0B, RTC_C = 0x0C, RTC_D = 0x0D,
};

/* IBM PC/AT BIOS conventions for the extra bytes (also what QEMU and
 * SeaBIOS use): memory sizes and the century. */
enum {
    CMOS_BASE_KB = 0x15,        /* 0x15-0x16: base memory in KiB (max 640) */
    CMOS_EXT_KB = 0x17,         /* 0x17-0x18: KiB above 1 MiB (max 65535) */
    CMOS_EXT_KB_POST = 0x30,    /* 0x30-0x31: the same, as POST found it */
    CMOS_CENTURY = 0x32,
    CMOS_HIGH_64K = 0x34,       /* 0x34-0x35: 64 KiB blocks above 16 MiB */
};

/*
 * Register A:  7    6-4   3-0       Register B:  7    6   5   4    3    2   1     0
 *            +---+-----+-----+                 +---+---+---+---+----+--+-----+---+
 *            |UIP| DV  | RS  |                 |SET|PIE|AIE|UIE|SQWE|DM|24/12|DSE|
 *            +---+-----+-----+                 +---+---+---+---+----+--+-----+---+
 * Register D bit 7: VRT, valid RAM and time (the battery is good).
 */
#define REG_A_UIP 0x80
#define REG_A_RESET 0x26        /* DV = 010 (32.768 kHz), RS = 0110 (1024 Hz) */
#define REG_B_DM 0x04           /* 1 = binary, 0 = BCD */
#define REG_B_24H 0x02
#define REG_D_VRT 0x80
#define HOUR_PM 0x80

#define KIB 1024ull
#define MIB (1024ull * KIB)
#define BASE_MEMORY_KB 640      /* conventional memory below the 640 KiB hole */

/* Binary 0-99 to two BCD digits. */
static uint8_t to_bcd(int v)
{
    return (uint8_t)((v / 10) << 4 | v % 10);
}

/* Two BCD digits to binary. */
static int from_bcd(uint8_t v)
{
    return (v >> 4) * 10 + (v & 0xF);
}

/* A value as the registers show it: BCD unless register B says binary. */
static uint8_t cmos_encode(const struct cmos *c, int v)
{
    return (c->ram[RTC_B] & REG_B_DM) ? (uint8_t)v : to_bcd(v);
}

/* A value written by the guest, in the format register B selects. */
static int cmos_decode(const struct cmos *c, uint8_t v)
{
    return (c->ram[RTC_B] & REG_B_DM) ? v : from_bcd(v);
}

/* The hours register: 0-23, or 1-12 with bit 7 = PM. */
static uint8_t cmos_encode_hour(const struct cmos *c, int hour)
{
    int h12 = hour % 12 ? hour % 12 : 12;

    if (c->ram[RTC_B] & REG_B_24H)
        return cmos_encode(c, hour);
    return (uint8_t)(cmos_encode(c, h12) | (hour >= 12 ? HOUR_PM : 0));
}

/* The hours register as written (24-hour, or 12-hour with PM bit) to 0-23. */
static int cmos_decode_hour(const struct cmos *c, uint8_t v)
{
    int h12;

    if (c->ram[RTC_B] & REG_B_24H)
        return cmos_decode(c, v);
    h12 = cmos_decode(c, v & (uint8_t)~HOUR_PM) % 12;
    return (v & HOUR_PM) ? h12 + 12 : h12;
}

/* Realtime mode: the host's UTC time, read at each access. */
static void cmos_host_time(struct cmos_time *t)
{
    time_t now = time(NULL);
    struct tm tm;

    gmtime_r(&now, &tm);
    *t = (struct cmos_time){ tm.tm_sec, tm.tm_min, tm.tm_hour, tm.tm_wday + 1,
                             tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900 };
}

/* Where a time register keeps its value, or NULL for other registers. */
static int *cmos_time_field(struct cmos *c, uint8_t reg)
{
    switch (reg) {
    case RTC_SEC:  return &c->time.sec;
    case RTC_MIN:  return &c->time.min;
    case RTC_WDAY: return &c->time.wday;
    case RTC_MDAY: return &c->time.mday;
    case RTC_MON:  return &c->time.mon;
    default:       return NULL;
    }
}

/* Register read: the time encoded now, A without UIP, C and D as the
 * datasheet fixes them, anything else from RAM. */
static uint8_t cmos_read_reg(struct cmos *c, uint8_t reg)
{
    int *field = cmos_time_field(c, reg);

    if (c->realtime)
        cmos_host_time(&c->time);
    if (field)
        return cmos_encode(c, *field);
    switch (reg) {
    case RTC_HOUR:     return cmos_encode_hour(c, c->time.hour);
    case RTC_YEAR:     return cmos_encode(c, c->time.year % 100);
    case CMOS_CENTURY: return cmos_encode(c, c->time.year / 100);
    case RTC_A:        return c->ram[RTC_A] & (uint8_t)~REG_A_UIP;
    case RTC_C:        return 0;       /* no interrupt flags: none modelled */
    case RTC_D:        return REG_D_VRT;
    default:           return c->ram[reg];
    }
}

/* Register write: setting the time (ignored in realtime mode), A-B, RAM.
 * C and D are read-only. */
static void cmos_write_reg(struct cmos *c, uint8_t reg, uint8_t v)
{
    int *field = cmos_time_field(c, reg);

    if (field || reg == RTC_HOUR || reg == RTC_YEAR || reg == CMOS_CENTURY) {
        if (c->realtime)
            return;
        if (field)
            *field = cmos_decode(c, v);
        else if (reg == RTC_HOUR)
            c->time.hour = cmos_decode_hour(c, v);
        else if (reg == RTC_YEAR)
            c->time.year = c->time.year / 100 * 100 + cmos_decode(c, v);
        else
            c->time.year = cmos_decode(c, v) * 100 + c->time.year % 100;
        return;
    }
    if (reg != RTC_C && reg != RTC_D)
        c->ram[reg] = v;
}

/* Port 0x71 reads the selected register. */
static uint32_t cmos_io_read(void *dev, uint16_t port, unsigned size)
{
    struct cmos *c = dev;

    (void)size;
    if (port == CMOS_PORT)
        return 0xFF;                /* PC/AT: the index port is write-only */
    return cmos_read_reg(c, c->index);
}

/* Port 0x70 selects a register (and the NMI mask), 0x71 writes it. */
static void cmos_io_write(void *dev, uint16_t port, uint32_t val, unsigned size)
{
    struct cmos *c = dev;

    (void)size;
    if (port == CMOS_PORT) {
        c->index = val & CMOS_INDEX_MASK;
        c->nmi_disabled = val & CMOS_INDEX_NMI;
    } else
        cmos_write_reg(c, c->index, (uint8_t)val);
}

/* Store a 16-bit little-endian value at `reg`, clamped to 0xFFFF. */
static void cmos_put16(struct cmos *c, uint8_t reg, uint64_t v)
{
    if (v > 0xFFFF)
        v = 0xFFFF;
    c->ram[reg] = (uint8_t)v;
    c->ram[reg + 1] = (uint8_t)(v >> 8);
}

/* The memory-size bytes POST leaves for `ram_bytes` of RAM. */
static void cmos_set_memory(struct cmos *c, uint64_t ram_bytes)
{
    uint64_t base_kb = ram_bytes / KIB < BASE_MEMORY_KB ? ram_bytes / KIB : BASE_MEMORY_KB;
    uint64_t ext_kb = ram_bytes > MIB ? (ram_bytes - MIB) / KIB : 0;
    uint64_t high = ram_bytes > 16 * MIB ? (ram_bytes - 16 * MIB) / (64 * KIB) : 0;

    cmos_put16(c, CMOS_BASE_KB, base_kb);
    cmos_put16(c, CMOS_EXT_KB, ext_kb);
    cmos_put16(c, CMOS_EXT_KB_POST, ext_kb);
    cmos_put16(c, CMOS_HIGH_64K, high);
}

/* Fixed (or host) time, 24-hour BCD, memory sizes; claim 0x70-0x71.  Returns 0 or -1. */
int cmos_init(struct cmos *c, struct bus *b, uint64_t ram_bytes, bool realtime)
{
    struct io_region r = { "cmos", CMOS_PORT, 2, c, cmos_io_read, cmos_io_write };

    *c = (struct cmos){ .realtime = realtime, .time = CMOS_FIXED_TIME };
    c->ram[RTC_A] = REG_A_RESET;
    c->ram[RTC_B] = REG_B_24H;
    cmos_set_memory(c, ram_bytes);
    return bus_add_io(b, &r);
}
