/* ide.h - read sectors from the primary master ATA disk with programmed I/O. */
#ifndef ACROBAT_IDE_H
#define ACROBAT_IDE_H

#include <stdint.h>

#define SECTOR_BYTES 512

/* Read the 512-byte sector at LBA lba (28 bits) into buf.  Returns 0, or -1 if
   there is no disk or the drive reports an error. */
int ide_read(uint32_t lba, void *buf);

#endif
