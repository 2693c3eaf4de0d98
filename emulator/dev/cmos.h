/* cmos.h - the MC146818 real-time clock and its battery-backed CMOS RAM. */
#ifndef TRAPEZE_CMOS_H
#define TRAPEZE_CMOS_H

#include <stdbool.h>
#include <stdint.h>

struct bus;

/* Calendar time in binary; the registers show it in BCD or binary. */
struct cmos_time {
    int sec, min, hour;         /* 0-59, 0-59, 0-23 */
    int wday;                   /* 1-7, Sunday = 1 (MC146818 datasheet) */
    int mday, mon, year;        /* 1-31, 1-12, e.g. 2026 */
};

struct cmos {
    uint8_t index;              /* register selected through port 0x70 */
    bool nmi_disabled;          /* bit 7 of the last index write */
    bool realtime;              /* read the host's UTC clock instead of `time` */
    struct cmos_time time;
    uint8_t ram[128];           /* registers A-D and the non-volatile bytes */
};

/* The date a deterministic run sees: 2026-01-01 00:00:00, a Thursday. */
#define CMOS_FIXED_TIME ((struct cmos_time){ 0, 0, 0, 5, 1, 1, 2026 })

/* Power-on state: the fixed date (or host UTC time if `realtime`), 24-hour
 * BCD format, memory-size bytes for `ram_bytes` of RAM; claims ports
 * 0x70-0x71.  Returns 0 or -1. */
int cmos_init(struct cmos *c, struct bus *b, uint64_t ram_bytes, bool realtime);

#endif
