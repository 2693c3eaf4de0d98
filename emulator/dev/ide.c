/* ide.c - the primary ATA (IDE) channel with PIO hard disks backed by image files. */

/*
 * An ATA disk is driven through a "task file" of byte registers: the guest
 * writes a sector address (LBA) and a sector count, then a command.  In PIO
 * mode the data then moves 16 bits at a time through the data port, one
 * 512-byte block per DRQ phase (ATA/ATAPI-6, "PIO data-in" and "PIO
 * data-out" command protocols):
 *
 *   READ SECTORS:  command -> [block ready: DRQ=1, interrupt] -> guest reads
 *                  256 words -> next block ... -> after the last: DRQ=0
 *   WRITE SECTORS: command -> DRQ=1 (no interrupt) -> guest writes 256 words
 *                  -> [written: interrupt, DRQ=1 for the next block, or
 *                  DRQ=0 after the last]
 *
 * The status register tells the guest where it is: BSY (busy), DRDY (ready
 * for a command), DRQ (data wanted), ERR (see the error register).  Reading
 * it also acknowledges the interrupt.  Our disk is infinitely fast, so BSY
 * is never seen: each step completes during the access that starts it,
 * which keeps runs deterministic.  Writes reach the image file at once
 * (pwrite), so a killed run loses nothing that the guest wrote.
 *
 * Two devices share the channel; the DEV bit of the device register selects
 * which one answers.  An absent device answers status 0 (ATA/ATAPI-6: device
 * 0 answers for an absent device 1 with a status of 00h; QEMU reads 0 for
 * any absent device), which is how a driver detects it.
 */

#include "ide.h"

#include "bus.h"
#include "irq.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define IDE_PORT 0x1F0          /* PC/AT primary channel command block */
#define IDE_CTL_PORT 0x3F6      /* and its control block */
#define IDE_IRQ 14              /* PC/AT: primary channel interrupt */

/* Command block registers, ATA/ATAPI-6 "I/O register descriptions". */
enum { REG_DATA, REG_ERROR_FEATURES, REG_NSECT, REG_LBAL, REG_LBAM, REG_LBAH,
       REG_DEVICE, REG_STATUS_COMMAND, IDE_NREGS };

/*
 * Status (ATA/ATAPI-6):  7    6    5   4    3    2    1    0
 *                     +----+----+---+----+----+----+----+----+
 *                     |BSY |DRDY|DF |DSC |DRQ |obs |obs |ERR |
 *                     +----+----+---+----+----+----+----+----+
 * Error: bit 2 ABRT (command aborted), 4 IDNF (address not found), 6 UNC
 * (uncorrectable data).  Device: bit 6 LBA, bit 4 DEV, 3-0 LBA 27:24 (or
 * the head).  Device control: bit 1 nIEN, bit 2 SRST.
 */
#define ST_ERR  0x01
#define ST_DRQ  0x08
#define ST_DSC  0x10            /* obsolete in ATA-6, set by drives for old hosts */
#define ST_DRDY 0x40
#define ST_BSY  0x80
#define ST_IDLE (ST_DRDY | ST_DSC)
#define ERR_ABRT 0x04
#define ERR_IDNF 0x10
#define ERR_UNC  0x40
#define ERR_DIAG_OK 0x01        /* ATA/ATAPI-6 diagnostic code: device 0 passed */
#define DEV_LBA 0x40
#define DEV_SEL 0x10
#define DEV_HEAD 0x0F
#define CTL_NIEN 0x02
#define CTL_SRST 0x04

/* ATA/ATAPI-6 commands we implement; 0x21 and 0x31 are the ATA-1 "without
 * retry" forms that older drivers still send. */
enum {
    CMD_READ = 0x20, CMD_READ_NR = 0x21, CMD_WRITE = 0x30, CMD_WRITE_NR = 0x31,
    CMD_FLUSH = 0xE7, CMD_IDENTIFY = 0xEC,
};

/* Geometry reported for CHS addressing: 16 heads, 63 sectors per track,
 * at most 16383 cylinders (the largest ATA CHS geometry). */
#define CHS_HEADS 16
#define CHS_SPT 63
#define CHS_MAX_CYL 16383
#define LBA28_MAX 0x0FFFFFFFu

/* The device the DEV bit selects. */
static struct ide_drive *ide_selected(struct ide *d)
{
    return &d->drive[(d->device & DEV_SEL) ? 1 : 0];
}

/* Is an image attached to this device? */
static bool ide_present(const struct ide_drive *dr)
{
    return dr->fd >= 0;
}

/* INTRQ: the selected device's pending interrupt, unless nIEN. */
static void ide_update_irq(struct ide *d)
{
    struct ide_drive *dr = ide_selected(d);
    int level = ide_present(dr) && dr->irq_pending && !(d->control & CTL_NIEN);

    if (level != d->irq_level) {
        d->irq_level = level;
        irq_set(d->irqs, IDE_IRQ, level);
    }
}

/* End a command: status, error, interrupt. */
static void ide_finish(struct ide_drive *dr, uint8_t status, uint8_t error, bool irq)
{
    dr->status = status;
    dr->error = error;
    dr->cmd = 0;
    if (irq)
        dr->irq_pending = true;
}

/* Fail the command with ERR and `error`, and interrupt. */
static void ide_abort(struct ide_drive *dr, uint8_t error)
{
    ide_finish(dr, ST_IDLE | ST_ERR, error, true);
}

/* --- IDENTIFY DEVICE ------------------------------------------------------ */

/* Store word `i` of a 256-word block, little-endian as it crosses the bus. */
static void put_word(uint8_t *buf, int i, uint16_t w)
{
    buf[2 * i] = (uint8_t)w;
    buf[2 * i + 1] = (uint8_t)(w >> 8);
}

/* ATA string (ATA/ATAPI-6 IDENTIFY DEVICE): space-padded, two characters
 * per word, the first in the high byte. */
static void put_string(uint8_t *buf, int word, int nwords, const char *s)
{
    size_t len = strlen(s);

    for (int i = 0; i < 2 * nwords; i++) {
        char c = (size_t)i < len ? s[i] : ' ';
        buf[2 * word + (i ^ 1)] = (uint8_t)c;
    }
}

/* IDENTIFY DEVICE data, ATA/ATAPI-6 IDENTIFY DEVICE table (words not set
 * are 0). */
static void ide_identify_data(struct ide_drive *dr, int unit)
{
    uint32_t lba28 = dr->sectors > LBA28_MAX ? LBA28_MAX : (uint32_t)dr->sectors;
    uint32_t cyl = lba28 / (CHS_HEADS * CHS_SPT);
    uint8_t sum = 0;

    if (cyl > CHS_MAX_CYL)
        cyl = CHS_MAX_CYL;
    memset(dr->buf, 0, sizeof(dr->buf));
    put_word(dr->buf, 0, 0x0040);       /* ATA device, fixed (not removable) */
    put_word(dr->buf, 1, (uint16_t)cyl);
    put_word(dr->buf, 3, CHS_HEADS);
    put_word(dr->buf, 6, CHS_SPT);
    put_string(dr->buf, 10, 10, unit ? "TRAPEZE-DISK-1" : "TRAPEZE-DISK-0");  /* serial */
    put_string(dr->buf, 23, 4, "1.0");                                        /* firmware */
    put_string(dr->buf, 27, 20, "TRAPEZE HARDDISK");                         /* model */
    put_word(dr->buf, 47, 0x8000);      /* READ/WRITE MULTIPLE: not supported */
    put_word(dr->buf, 49, 0x0200);      /* capabilities: LBA supported */
    put_word(dr->buf, 50, 0x4000);      /* bit 14 shall be one */
    put_word(dr->buf, 53, 0x0001);      /* words 54-58 valid */
    put_word(dr->buf, 54, (uint16_t)cyl);
    put_word(dr->buf, 55, CHS_HEADS);
    put_word(dr->buf, 56, CHS_SPT);
    put_word(dr->buf, 57, (uint16_t)(cyl * CHS_HEADS * CHS_SPT));
    put_word(dr->buf, 58, (uint16_t)(cyl * CHS_HEADS * CHS_SPT >> 16));
    put_word(dr->buf, 60, (uint16_t)lba28);             /* total LBA28 sectors */
    put_word(dr->buf, 61, (uint16_t)(lba28 >> 16));
    put_word(dr->buf, 80, 0x007E);      /* major version: ATA-1 to ATA-6 */
    put_word(dr->buf, 83, 0x4000);      /* command sets: bit 14 shall be one */
    put_word(dr->buf, 84, 0x4000);
    put_word(dr->buf, 87, 0x4000);
    /* Word 255, integrity word: signature A5h, then a checksum making all
     * 512 bytes sum to 0 modulo 256. */
    dr->buf[510] = 0xA5;
    for (int i = 0; i < 511; i++)
        sum = (uint8_t)(sum + dr->buf[i]);
    dr->buf[511] = (uint8_t)-sum;
}

/* --- data transfer --------------------------------------------------------- */

/* The LBA the task file addresses, LBA or CHS; -1 for CHS sector 0. */
static int64_t ide_address(const struct ide *d)
{
    uint32_t cyl = (uint32_t)d->lbah << 8 | d->lbam;

    if (d->device & DEV_LBA)
        return (int64_t)((uint32_t)(d->device & DEV_HEAD) << 24 | (uint32_t)d->lbah << 16 |
                         (uint32_t)d->lbam << 8 | d->lbal);
    if (d->lbal == 0)
        return -1;
    return ((int64_t)cyl * CHS_HEADS + (d->device & DEV_HEAD)) * CHS_SPT + d->lbal - 1;
}

/* Read sector dr->lba into the buffer and offer it (DRQ + interrupt). */
static void ide_read_block(struct ide_drive *dr)
{
    ssize_t n = pread(dr->fd, dr->buf, IDE_SECTOR, (off_t)dr->lba * IDE_SECTOR);

    if (n != IDE_SECTOR) {
        ide_abort(dr, ERR_UNC);
        return;
    }
    dr->pos = 0;
    dr->status = ST_IDLE | ST_DRQ;
    dr->irq_pending = true;
}

/* READ/WRITE SECTORS: check the range, then enter the data phase. */
static void ide_start_transfer(struct ide *d, struct ide_drive *dr, uint8_t cmd)
{
    int64_t lba = ide_address(d);
    uint32_t count = d->nsect ? d->nsect : 256;     /* ATA: a count of 0 means 256 */

    if (lba < 0 || (uint64_t)lba + count > dr->sectors) {
        ide_abort(dr, ERR_IDNF);
        return;
    }
    dr->cmd = cmd;
    dr->lba = (uint32_t)lba;
    dr->remaining = count;
    if (cmd == CMD_READ) {
        ide_read_block(dr);
        return;
    }
    dr->pos = 0;
    dr->status = ST_IDLE | ST_DRQ;      /* PIO data-out: no interrupt yet */
}

/* Command register write: run the command on the selected device. */
static void ide_command(struct ide *d, uint8_t cmd)
{
    struct ide_drive *dr = ide_selected(d);

    if (!ide_present(dr))
        return;
    dr->irq_pending = false;
    switch (cmd) {
    case CMD_READ: case CMD_READ_NR:
        ide_start_transfer(d, dr, CMD_READ);
        break;
    case CMD_WRITE: case CMD_WRITE_NR:
        ide_start_transfer(d, dr, CMD_WRITE);
        break;
    case CMD_IDENTIFY:
        ide_identify_data(dr, dr == &d->drive[1]);
        dr->cmd = CMD_IDENTIFY;
        dr->pos = 0;
        dr->remaining = 1;
        dr->status = ST_IDLE | ST_DRQ;
        dr->irq_pending = true;
        break;
    case CMD_FLUSH:                     /* nothing cached: writes are already out */
        ide_finish(dr, ST_IDLE, 0, true);
        break;
    default:
        ide_abort(dr, ERR_ABRT);
    }
}

/* A whole block moved through the data port: next block or completion. */
static void ide_block_done(struct ide_drive *dr)
{
    if (dr->cmd == CMD_WRITE &&
        pwrite(dr->fd, dr->buf, IDE_SECTOR, (off_t)dr->lba * IDE_SECTOR) != IDE_SECTOR) {
        ide_abort(dr, ERR_ABRT);
        return;
    }
    dr->lba++;
    if (--dr->remaining == 0) {
        ide_finish(dr, ST_IDLE, 0, dr->cmd == CMD_WRITE);
        return;
    }
    if (dr->cmd == CMD_READ)
        ide_read_block(dr);
    else {
        dr->pos = 0;
        dr->irq_pending = true;         /* block written, DRQ for the next */
    }
}

/* Data port read of one 16-bit word. */
static uint16_t ide_data_in(struct ide_drive *dr)
{
    uint16_t w;

    if (!(dr->status & ST_DRQ) || dr->cmd == CMD_WRITE)
        return 0;
    w = (uint16_t)(dr->buf[dr->pos] | dr->buf[dr->pos + 1] << 8);
    dr->pos += 2;
    if (dr->pos == IDE_SECTOR)
        ide_block_done(dr);
    return w;
}

/* Data port write of one 16-bit word. */
static void ide_data_out(struct ide_drive *dr, uint16_t w)
{
    if (!(dr->status & ST_DRQ) || dr->cmd != CMD_WRITE)
        return;
    dr->buf[dr->pos] = (uint8_t)w;
    dr->buf[dr->pos + 1] = (uint8_t)(w >> 8);
    dr->pos += 2;
    if (dr->pos == IDE_SECTOR)
        ide_block_done(dr);
}

/* --- registers ------------------------------------------------------------- */

/* Data port: 32-bit accesses move two words (as INSD/OUTSD on a PCI IDE). */
static uint32_t ide_read_data(struct ide_drive *dr, unsigned size)
{
    uint32_t v = ide_data_in(dr);

    if (size == 4)
        v |= (uint32_t)ide_data_in(dr) << 16;
    return size == 1 ? v & 0xFF : v;
}

/* Command block read, from the selected device; 0 if it is absent. */
static uint32_t ide_io_read(void *dev, uint16_t port, unsigned size)
{
    struct ide *d = dev;
    struct ide_drive *dr = ide_selected(d);
    uint32_t v;

    if (!ide_present(dr))
        return 0;
    switch (port - IDE_PORT) {
    case REG_DATA:           v = ide_read_data(dr, size); break;
    case REG_ERROR_FEATURES: v = dr->error; break;
    case REG_NSECT:          v = d->nsect; break;
    case REG_LBAL:           v = d->lbal; break;
    case REG_LBAM:           v = d->lbam; break;
    case REG_LBAH:           v = d->lbah; break;
    case REG_DEVICE:         v = d->device; break;
    default:                 v = dr->status; dr->irq_pending = false; break;
    }
    ide_update_irq(d);
    return v;
}

/* Command block write: registers to both devices, data and command to the selected one. */
static void ide_io_write(void *dev, uint16_t port, uint32_t val, unsigned size)
{
    struct ide *d = dev;
    uint8_t v = (uint8_t)val;

    switch (port - IDE_PORT) {
    case REG_DATA:
        ide_data_out(ide_selected(d), (uint16_t)val);
        if (size == 4)
            ide_data_out(ide_selected(d), (uint16_t)(val >> 16));
        break;
    case REG_ERROR_FEATURES: d->features = v; break;
    case REG_NSECT:          d->nsect = v; break;
    case REG_LBAL:           d->lbal = v; break;
    case REG_LBAM:           d->lbam = v; break;
    case REG_LBAH:           d->lbah = v; break;
    case REG_DEVICE:         d->device = v; break;
    default:                 ide_command(d, v); break;
    }
    ide_update_irq(d);
}

/* After a reset (ATA/ATAPI-6 "Software reset" protocol and signatures): the
 * task file holds an ATA device's signature (count 1, LBA 1, 0, 0), device
 * 0 is selected, diagnostics passed. */
static void ide_reset(struct ide *d)
{
    d->nsect = d->lbal = 1;
    d->lbam = d->lbah = 0;
    d->device = 0;
    for (int i = 0; i < 2; i++) {
        d->drive[i].cmd = 0;
        d->drive[i].irq_pending = false;
        d->drive[i].status = ST_IDLE;
        d->drive[i].error = ERR_DIAG_OK;
    }
}

/* Alternate status: status without acknowledging the interrupt. */
static uint32_t ide_ctl_read(void *dev, uint16_t port, unsigned size)
{
    struct ide *d = dev;
    struct ide_drive *dr = ide_selected(d);

    (void)port; (void)size;
    return ide_present(dr) ? dr->status : 0;
}

/* Device control: nIEN gates INTRQ; SRST held resets both devices, which
 * are ready again as soon as it is released. */
static void ide_ctl_write(void *dev, uint16_t port, uint32_t val, unsigned size)
{
    struct ide *d = dev;

    (void)port; (void)size;
    if (val & CTL_SRST) {
        ide_reset(d);
        d->drive[0].status = d->drive[1].status = ST_BSY;
    } else if (d->control & CTL_SRST)
        ide_reset(d);
    d->control = (uint8_t)val;
    ide_update_irq(d);
}

/* Empty channel, reset task file; claim 0x1F0-0x1F7 and 0x3F6.  Returns 0 or -1. */
int ide_init(struct ide *d, struct bus *b, const struct irq_chip *irqs)
{
    struct io_region cmd = { "ide", IDE_PORT, IDE_NREGS, d, ide_io_read, ide_io_write };
    struct io_region ctl = { "ide-ctl", IDE_CTL_PORT, 1, d, ide_ctl_read, ide_ctl_write };

    *d = (struct ide){ .irqs = irqs };
    d->drive[0].fd = d->drive[1].fd = -1;
    ide_reset(d);
    if (bus_add_io(b, &cmd) < 0 || bus_add_io(b, &ctl) < 0)
        return -1;
    return 0;
}

/* Open the image read-write as device `unit`.  Returns 0 or -errno. */
int ide_attach(struct ide *d, int unit, const char *path)
{
    struct ide_drive *dr;
    struct stat st;
    int fd;

    if (unit < 0 || unit > 1)
        return -EINVAL;
    dr = &d->drive[unit];
    fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    if (fstat(fd, &st) < 0) {
        int err = errno;
        close(fd);
        return -err;
    }
    if (dr->fd >= 0)
        close(dr->fd);
    dr->fd = fd;
    dr->sectors = (uint64_t)st.st_size / IDE_SECTOR;
    return 0;
}

/* Close both images; the devices become absent. */
void ide_close(struct ide *d)
{
    for (int i = 0; i < 2; i++) {
        if (d->drive[i].fd >= 0)
            close(d->drive[i].fd);
        d->drive[i].fd = -1;
    }
}
