/*
 * ide.c - the simplest disk driver: ATA PIO, polled, one sector at a time.
 *
 * The primary IDE channel is a block of eight I/O ports.  To read a sector we
 * write its 28-bit logical block address and a count of 1, issue READ SECTORS,
 * wait until the drive is no longer busy and has data ready (DRQ), then pull
 * 256 16-bit words from the data port.  Interrupts are disabled at the drive
 * (nIEN), so there is no IRQ 14 to handle.  (ATA/ATAPI-6, T13/1410D, sections
 * 7.1-7.15 for the registers and 8.27 / 9.5 for READ SECTORS and the PIO
 * data-in protocol.)
 */
#include "ide.h"

#include "x86.h"

/* IBM PC/AT: primary channel command block and control block. */
#define ATA_DATA     0x1F0
#define ATA_COUNT    0x1F2
#define ATA_LBA_LO   0x1F3
#define ATA_LBA_MID  0x1F4
#define ATA_LBA_HI   0x1F5
#define ATA_DEVICE   0x1F6
#define ATA_STATUS   0x1F7          /* read */
#define ATA_COMMAND  0x1F7          /* write */
#define ATA_CONTROL  0x3F6          /* write: device control */

/* Status: | BSY | DRDY | DF | # | DRQ | obs | obs | ERR | */
#define ST_BSY  0x80
#define ST_DF   0x20
#define ST_DRQ  0x08
#define ST_ERR  0x01
#define ST_FLOATING 0xFF            /* nothing drives the bus: no device */

/* Device: | obs(1) | LBA | obs(1) | DEV | LBA 27:24 |  -> master, LBA mode */
#define DEV_MASTER_LBA 0xE0
#define CTL_NIEN 0x02               /* device control: no interrupts */
#define CMD_READ_SECTORS 0x20

/* Wait while the drive is busy; returns the final status. */
static uint8_t ide_wait(void)
{
    uint8_t st;
    while ((st = inb(ATA_STATUS)) & ST_BSY && st != ST_FLOATING)
        ;
    return st;
}

int ide_read(uint32_t lba, void *buf)
{
    outb(ATA_CONTROL, CTL_NIEN);
    if (ide_wait() == ST_FLOATING)
        return -1;
    outb(ATA_DEVICE, DEV_MASTER_LBA | ((lba >> 24) & 0x0F));
    outb(ATA_COUNT, 1);
    outb(ATA_LBA_LO, lba & 0xFF);
    outb(ATA_LBA_MID, (lba >> 8) & 0xFF);
    outb(ATA_LBA_HI, (lba >> 16) & 0xFF);
    outb(ATA_COMMAND, CMD_READ_SECTORS);
    uint8_t st = ide_wait();
    if ((st & (ST_ERR | ST_DF)) || !(st & ST_DRQ))
        return -1;
    insw(ATA_DATA, buf, SECTOR_BYTES / 2);
    return 0;
}
