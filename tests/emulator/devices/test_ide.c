/* ATA: IDENTIFY, PIO READ/WRITE SECTORS round trip through a temp file,
 * errors.  Expected values from ATA/ATAPI-6 (T13/1410D): IDENTIFY DEVICE
 * words 0, 49, 60-61, 255; status and error register bits; the PIO data-in
 * and data-out protocols; the ATA device signature after software reset. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devtest.h"
#include "ide.h"

#define SECTORS 1000
static struct bus bus;
static struct ide ide;
static struct irq_rec rec;
static const struct irq_chip chip = { &rec, irq_rec_set };
static char path[] = "/tmp/ide-test-XXXXXX";
static int img;

/* A 1000-sector image whose sector i is filled with byte (i & 0xFF). */
static void setup(void)
{
    uint8_t sector[512];

    strcpy(path, "/tmp/ide-test-XXXXXX");
    img = mkstemp(path);
    cr_assert_geq(img, 0);
    for (int i = 0; i < SECTORS; i++) {
        memset(sector, i & 0xFF, sizeof(sector));
        cr_assert_eq(write(img, sector, sizeof(sector)), 512);
    }
    bus_init(&bus);
    rec = (struct irq_rec){ 0 };
    cr_assert_eq(ide_init(&ide, &bus, &chip), 0);
    cr_assert_eq(ide_attach(&ide, 0, path), 0);
}

static void teardown(void)
{
    ide_close(&ide);
    close(img);
    unlink(path);
}

TestSuite(ide, .init = setup, .fini = teardown);

/* Task file for an LBA28 command on the master, then the command. */
static void issue(uint32_t lba, uint8_t count, uint8_t cmd)
{
    outb(&bus, 0x1F6, (uint8_t)(0xE0 | (lba >> 24 & 0xF)));
    outb(&bus, 0x1F2, count);
    outb(&bus, 0x1F3, (uint8_t)lba);
    outb(&bus, 0x1F4, (uint8_t)(lba >> 8));
    outb(&bus, 0x1F5, (uint8_t)(lba >> 16));
    outb(&bus, 0x1F7, cmd);
}

Test(ide, identify_device)
{
    uint16_t id[256];
    uint8_t sum = 0;
    char model[41];

    issue(0, 0, 0xEC);
    cr_assert_eq(rec.level[14], 1, "IDENTIFY data ready raises IRQ 14");
    cr_assert_eq(inb(&bus, 0x3F6), 0x58, "alt status: DRDY|DSC|DRQ");
    cr_assert_eq(rec.level[14], 1, "alternate status does not acknowledge");
    cr_assert_eq(inb(&bus, 0x1F7), 0x58);
    cr_assert_eq(rec.level[14], 0, "status read acknowledges the interrupt");
    for (int i = 0; i < 256; i++)
        id[i] = inw(&bus, 0x1F0);
    cr_assert_eq(inb(&bus, 0x1F7), 0x50, "after 256 words: DRDY|DSC, DRQ clear");
    cr_assert_eq(id[0] & 0x8000, 0, "word 0 bit 15 = 0: ATA device");
    cr_assert_neq(id[49] & 0x0200, 0, "word 49: LBA supported");
    cr_assert_eq(id[60] | (uint32_t)id[61] << 16, SECTORS, "words 60-61: LBA capacity");
    for (int i = 0; i < 20; i++) {
        model[2 * i] = (char)(id[27 + i] >> 8);
        model[2 * i + 1] = (char)id[27 + i];
    }
    model[40] = 0;
    cr_assert(strncmp(model, "TRAPEZE HARDDISK    ", 20) == 0, "model \"%s\"", model);
    for (int i = 0; i < 256; i++)
        sum = (uint8_t)(sum + (id[i] & 0xFF) + (id[i] >> 8));
    cr_assert_eq(id[255] & 0xFF, 0xA5, "integrity word signature");
    cr_assert_eq(sum, 0, "IDENTIFY bytes must sum to 0 mod 256");
}

Test(ide, read_sectors_interrupt_per_sector)
{
    issue(5, 2, 0x20);
    cr_assert_eq(rec.rises[14], 1, "first sector ready: one interrupt");
    cr_assert_eq(inb(&bus, 0x1F7), 0x58);
    for (int i = 0; i < 256; i++)
        cr_assert_eq(inw(&bus, 0x1F0), 0x0505, "sector 5 word %d", i);
    cr_assert_eq(rec.rises[14], 2, "second sector ready: second interrupt");
    cr_assert_eq(inb(&bus, 0x1F7), 0x58, "DRQ for the second sector");
    for (int i = 0; i < 128; i++)
        cr_assert_eq(bus_io_read(&bus, 0x1F0, 4), 0x06060606u, "sector 6, 32-bit reads");
    cr_assert_eq(inb(&bus, 0x1F7), 0x50, "done: DRQ clear");
    cr_assert_eq(rec.rises[14], 2, "no interrupt after the last block of a read");
}

Test(ide, write_sectors_reach_the_file)
{
    uint8_t back[1024];

    issue(7, 2, 0x30);
    cr_assert_eq(inb(&bus, 0x3F6), 0x58, "DRQ: waiting for the first block");
    cr_assert_eq(rec.rises[14], 0, "PIO data-out: no interrupt before the first block");
    for (int i = 0; i < 256; i++)
        outw(&bus, 0x1F0, 0xA1B2);
    cr_assert_eq(rec.rises[14], 1, "interrupt after block 1");
    cr_assert_eq(inb(&bus, 0x1F7), 0x58, "DRQ for block 2");
    for (int i = 0; i < 256; i++)
        outw(&bus, 0x1F0, (uint16_t)i);
    cr_assert_eq(rec.rises[14], 2, "interrupt after the last block");
    cr_assert_eq(inb(&bus, 0x1F7), 0x50);
    cr_assert_eq(pread(img, back, sizeof(back), 7 * 512), 1024);
    cr_assert(back[0] == 0xB2 && back[1] == 0xA1, "block 1 little-endian words in the file");
    cr_assert(back[512 + 2 * 255] == 255 && back[512 + 2 * 255 + 1] == 0, "block 2 last word");
    issue(8, 1, 0x20);
    inb(&bus, 0x1F7);
    cr_assert_eq(inw(&bus, 0x1F0), 0x0000, "read back what was written: word 0");
    cr_assert_eq(inw(&bus, 0x1F0), 0x0001, "word 1");
}

Test(ide, unknown_command_aborts)
{
    issue(0, 1, 0xA1);                 /* IDENTIFY PACKET DEVICE: not an ATAPI device */
    cr_assert_eq(inb(&bus, 0x1F7), 0x51, "DRDY|DSC|ERR");
    cr_assert_eq(inb(&bus, 0x1F1), 0x04, "error: ABRT");
    cr_assert_eq(rec.rises[14], 1, "completion interrupt");
}

Test(ide, out_of_range_is_idnf)
{
    issue(SECTORS - 1, 2, 0x20);
    cr_assert_eq(inb(&bus, 0x1F7), 0x51);
    cr_assert_eq(inb(&bus, 0x1F1), 0x10, "error: IDNF");
}

Test(ide, missing_slave_reads_status_zero)
{
    outb(&bus, 0x1F6, 0xF0);           /* select device 1 */
    cr_assert_eq(inb(&bus, 0x1F7), 0x00, "absent device 1: status 0");
    outb(&bus, 0x1F7, 0xEC);
    cr_assert_eq(rec.rises[14], 0, "commands to an absent device do nothing");
    outb(&bus, 0x1F6, 0xE0);
    cr_assert_eq(inb(&bus, 0x1F7), 0x50, "device 0 still ready");
}

Test(ide, nien_masks_the_interrupt)
{
    outb(&bus, 0x3F6, 0x02);
    issue(0, 1, 0x20);
    cr_assert_eq(rec.rises[14], 0, "nIEN set: INTRQ stays released");
    cr_assert_eq(inb(&bus, 0x3F6), 0x58, "but the data phase proceeds");
}

Test(ide, software_reset_leaves_the_signature)
{
    issue(0x123456, 9, 0x20);
    outb(&bus, 0x3F6, 0x04);
    cr_assert_eq(inb(&bus, 0x3F6) & 0x80, 0x80, "BSY while SRST is held");
    outb(&bus, 0x3F6, 0x00);
    cr_assert_eq(inb(&bus, 0x1F7), 0x50);
    cr_assert_eq(inb(&bus, 0x1F2), 1, "signature: sector count 1");
    cr_assert_eq(inb(&bus, 0x1F3), 1, "signature: LBA low 1");
    cr_assert_eq(inb(&bus, 0x1F4), 0);
    cr_assert_eq(inb(&bus, 0x1F5), 0, "LBA mid/high 0: an ATA (not ATAPI) device");
}

Test(ide, attach_missing_file_returns_errno)
{
    cr_assert_eq(ide_attach(&ide, 1, "/nonexistent/disk.img"), -ENOENT);
    cr_assert_eq(ide_attach(&ide, 2, path), -EINVAL, "unit 2 does not exist");
}

Test(ide, chs_addressing)
{
    /* cylinder 0, head 1, sector 1 = LBA 1 * 63 = 63 */
    outb(&bus, 0x1F6, 0xA1);
    outb(&bus, 0x1F2, 1);
    outb(&bus, 0x1F3, 1);
    outb(&bus, 0x1F4, 0);
    outb(&bus, 0x1F5, 0);
    outb(&bus, 0x1F7, 0x20);
    cr_assert_eq(inb(&bus, 0x1F7), 0x58);
    cr_assert_eq(inw(&bus, 0x1F0), 0x3F3F, "CHS 0/1/1 is sector 63");
}
