/* kimage.c - tiny Multiboot ELF kernels built in memory, for the machine tests. */
#include "kimage.h"

#include "cpu.h"

#include <criterion/criterion.h>
#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

uint32_t get32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }

/* System V ABI ELF32 header for an i386 executable with one program header. */
static void build_ehdr(uint8_t *out)
{
    static const uint8_t ident[EI_NIDENT] = { 0x7f, 'E', 'L', 'F', ELFCLASS32, ELFDATA2LSB, EV_CURRENT };
    memcpy(out, ident, sizeof(ident));
    put16(out + 16, ET_EXEC);            /* e_type */
    put16(out + 18, EM_386);             /* e_machine */
    put32(out + 20, EV_CURRENT);         /* e_version */
    put32(out + 24, KIMAGE_BASE);        /* e_entry */
    put32(out + 28, KIMAGE_PHDR);        /* e_phoff */
    put16(out + 40, 52);                 /* e_ehsize */
    put16(out + 42, 32);                 /* e_phentsize */
    put16(out + 44, 1);                  /* e_phnum */
}

size_t kimage_build(uint8_t *out, const uint8_t *code, size_t len, uint32_t bss)
{
    memset(out, 0, KIMAGE_CODE);
    build_ehdr(out);
    uint8_t *ph = out + KIMAGE_PHDR;
    put32(ph + 0, PT_LOAD);              /* p_type */
    put32(ph + 4, KIMAGE_CODE);          /* p_offset */
    put32(ph + 8, KIMAGE_BASE);          /* p_vaddr */
    put32(ph + 12, KIMAGE_BASE);         /* p_paddr */
    put32(ph + 16, (uint32_t)len);       /* p_filesz */
    put32(ph + 20, (uint32_t)len + bss); /* p_memsz */
    put32(ph + 24, PF_R | PF_W | PF_X);  /* p_flags */
    put32(out + KIMAGE_MBHDR, 0x1BADB002u);            /* Multiboot 3.1.1: magic */
    put32(out + KIMAGE_MBHDR + 4, 0);                  /* flags */
    put32(out + KIMAGE_MBHDR + 8, (uint32_t)-0x1BADB002u); /* checksum */
    memcpy(out + KIMAGE_CODE, code, len);
    return KIMAGE_CODE + len;
}

void kimage_write_file(char *path, const uint8_t *code, size_t len)
{
    static uint8_t img[KIMAGE_MAX];
    size_t n = kimage_build(img, code, len, 0);
    strcpy(path, "/tmp/trapeze-kimage-XXXXXX");
    int fd = mkstemp(path);
    cr_assert(fd >= 0, "mkstemp failed");
    cr_assert_eq(write(fd, img, n), (ssize_t)n, "short write of the kernel image");
    close(fd);
}

struct cpu *kimage_cpu(uint32_t ram_size)
{
    struct cpu *c = calloc(1, sizeof(*c));
    cr_assert(c, "out of memory");
    uint8_t *ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    cr_assert(ram != MAP_FAILED, "cannot map guest RAM");
    struct cpu_bus bus = { .ram = ram, .ram_size = ram_size };
    cpu_init(c, &bus);
    return c;
}

void kimage_cpu_free(struct cpu *c)
{
    munmap(c->bus.ram, c->bus.ram_size);
    free(c);
}
