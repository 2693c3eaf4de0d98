/* kimage.h - tiny Multiboot ELF kernels built in memory, for the machine tests. */
#ifndef TRAPEZE_TEST_KIMAGE_H
#define TRAPEZE_TEST_KIMAGE_H

/*
 * Layout of the image kimage_build() makes (ELF32 spec, Multiboot 3.1.1):
 *
 *   0    Elf32_Ehdr           (52 bytes)
 *   52   Elf32_Phdr, PT_LOAD  (32 bytes): file offset 96 -> paddr 0x100000
 *   84   Multiboot header     (12 bytes): magic, flags 0, checksum
 *   96   the code             (entry point: its first byte)
 *
 * Tests corrupt the image at these offsets to make each malformed case.
 */

#include <stddef.h>
#include <stdint.h>

struct cpu;

#define KIMAGE_BASE     0x100000u
#define KIMAGE_PHDR     52
#define KIMAGE_MBHDR    84
#define KIMAGE_CODE     96
#define KIMAGE_MAX      (KIMAGE_CODE + 8192)

/* Build the image around `code` (len bytes, at most 8192) with `bss` zero
 * bytes after it.  Returns the image size. */
size_t kimage_build(uint8_t *out, const uint8_t *code, size_t len, uint32_t bss);

/* Write the image for `code` to a new temporary file whose name is stored
 * in path (at least 32 bytes); the caller unlinks it. */
void kimage_write_file(char *path, const uint8_t *code, size_t len);

/* A CPU (cpu_init) with ram_size bytes of zeroed RAM, for loader tests. */
struct cpu *kimage_cpu(uint32_t ram_size);
void kimage_cpu_free(struct cpu *c);

/* Little-endian field access in an image or in guest RAM. */
uint32_t get32(const uint8_t *p);
uint16_t get16(const uint8_t *p);
void put32(uint8_t *p, uint32_t v);
void put16(uint8_t *p, uint16_t v);

#endif
