/* elf.h - load a static ELF32 executable into an address space. */
#ifndef ACROBAT_ELF_H
#define ACROBAT_ELF_H

#include <stdint.h>

/* Copy the PT_LOAD segments of the ELF image [image, image+size) into new user
   pages of pd.  Returns the entry point and sets *end to the first address after
   the highest segment; returns 0 if the image is not an i386 executable or
   memory ran out. */
uint32_t elf_load(uint32_t *pd, const uint8_t *image, uint32_t size, uint32_t *end);

#endif
