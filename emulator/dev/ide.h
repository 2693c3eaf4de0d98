/* ide.h - the primary ATA (IDE) channel with PIO hard disks backed by image files. */
#ifndef TRAPEZE_IDE_H
#define TRAPEZE_IDE_H

#include <stdbool.h>
#include <stdint.h>

struct bus;
struct irq_chip;

#define IDE_SECTOR 512

/* One device on the channel: a raw disk image. */
struct ide_drive {
    int fd;                     /* -1: no device */
    uint64_t sectors;           /* image size / 512 */
    uint8_t status, error;
    bool irq_pending;           /* INTRQ asserted until status is read */
    uint8_t cmd;                /* command in its data phase, or 0 */
    uint32_t lba, remaining;    /* next sector and sectors left in the command */
    unsigned pos;               /* bytes of buf already transferred */
    uint8_t buf[IDE_SECTOR];    /* the sector (or IDENTIFY data) in transit */
};

struct ide {
    struct ide_drive drive[2];  /* [0] master, [1] slave */
    /* Command block registers: both devices latch every write (ATA/ATAPI-6). */
    uint8_t features, nsect, lbal, lbam, lbah, device;
    uint8_t control;            /* device control register (nIEN, SRST) */
    const struct irq_chip *irqs;
    int irq_level;
};

/* Empty channel (no drive) on ports 0x1F0-0x1F7 and 0x3F6, IRQ 14.
 * Returns 0 or -1. */
int ide_init(struct ide *d, struct bus *b, const struct irq_chip *irqs);

/* Attach the raw image at `path` as device `unit` (0 master, 1 slave), read
 * and write.  Returns 0 or -errno. */
int ide_attach(struct ide *d, int unit, const char *path);

/* Close the image files. */
void ide_close(struct ide *d);

#endif
