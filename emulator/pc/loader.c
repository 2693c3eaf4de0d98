/* loader.c - the Multiboot v1 boot loader for ELF32 kernels. */

/*
 * A Multiboot kernel announces itself with a small header in its first
 * 8 KiB: a magic number, flags saying what it requires from the loader, and
 * a checksum.  The kernel itself is an ordinary ELF executable: its program
 * headers list the segments to copy into memory (PT_LOAD), each at its
 * physical address p_paddr, p_filesz bytes from the file and the rest of
 * p_memsz zero (the .bss).  The loader then jumps to the ELF entry point in
 * 32-bit protected mode with paging off, EAX = 0x2BADB002 to say "a
 * Multiboot loader booted you" and EBX = the address of the information
 * structure.
 *
 * A kernel file is untrusted input: every offset and size read from it is
 * checked against the file and against guest RAM before it is used, in
 * 64-bit arithmetic so that no sum can wrap.
 *
 * References: Multiboot Specification 0.6.96 sections 3.1 (header) and 3.2
 * (machine state); System V ABI and its Intel386 supplement (ELF32).
 */
#include "loader.h"

#include "cpu.h"
#include "firmware.h"

#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Multiboot 3.1.1: the header, 32-bit aligned, within the first 8192 bytes. */
struct mb_header {
    uint32_t magic, flags, checksum;       /* magic + flags + checksum == 0 (mod 2^32) */
} __attribute__((packed));

#define MB_HEADER_MAGIC  0x1BADB002u
#define MB_HEADER_SEARCH 8192
#define MB_BOOT_MAGIC    0x2BADB002u       /* Multiboot 3.2: EAX at entry */

/*
 * Multiboot 3.1.2: header flags.  Bits 0-15 are requirements: a loader that
 * does not understand one must refuse the kernel.  Bits 16-31 are optional.
 *
 *   31 .. 17  16  15 ..  3   2   1   0
 *  +--------+---+--------+---+---+---+
 *  | option |AOUT| required|VID|MEM|ALN|
 *  +--------+---+--------+---+---+---+
 *
 * We honour ALN (page-align modules: we always do) and MEM (we always give a
 * memory map).  VID asks for a graphics mode we do not have.  AOUT says the
 * header carries load addresses for non-ELF kernels; like GRUB with an ELF
 * kernel we use the ELF program headers instead.
 */
#define MB_FLAG_ALIGN     0x00000001u
#define MB_FLAG_MEMINFO   0x00000002u
#define MB_FLAGS_REQUIRED 0x0000FFFFu
#define MB_FLAGS_KNOWN    (MB_FLAG_ALIGN | MB_FLAG_MEMINFO)

#define PAGE_SIZE 4096u
#define LOADER_MAX_SEGMENTS 32    /* more PT_LOADs than any kernel has: refuse */

/*
 * SDM Vol. 3A 3.4.5, figure 3-8: a segment descriptor.
 *
 *   63    56 55 54 53 52 51   48 47 46 45 44 43  40 39     32
 *  +--------+--+--+--+--+-------+--+-----+--+------+--------+
 *  |base31:24|G|DB| 0|AV|lim19:16|P| DPL |S | type |base23:16|
 *  +--------+--+--+--+--+-------+--+-----+--+------+--------+
 *   31               16 15                                  0
 *  +-------------------+------------------------------------+
 *  |    base 15:0      |           limit 15:0               |
 *  +-------------------+------------------------------------+
 *
 * Flat: base 0, limit 0xFFFFF in 4 KiB units (G=1), 32-bit (DB=1), present,
 * DPL 0; type 0xB = code execute/read accessed, 0x3 = data read/write accessed.
 */
#define GDT_FLAT_CODE 0x00CF9B000000FFFFull
#define GDT_FLAT_DATA 0x00CF93000000FFFFull

/* A loader run: the target, the request and where messages go. */
struct boot {
    struct cpu *cpu;
    uint8_t *ram;
    uint32_t ram_size;
    const struct loader_request *req;
    char *err;
    size_t errlen;
    uint64_t kernel_end;           /* end of the highest segment */
};

/* Write "<name>: <message>" to the caller's buffer.  Returns code. */
static int fail(struct boot *b, const char *name, int code, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    snprintf(b->err, b->errlen, "%s: %s", name, msg);
    return code;
}

/* Multiboot 3.1.1: find a header (magic and a valid checksum) at a 4-byte
 * aligned offset in the first 8192 bytes.  Returns 0 and fills *h, or -EINVAL. */
static int find_header(struct boot *b, const uint8_t *img, size_t len, struct mb_header *h)
{
    size_t end = len < MB_HEADER_SEARCH ? len : MB_HEADER_SEARCH;
    *h = (struct mb_header){ 0 };
    for (size_t off = 0; off + sizeof(*h) <= end; off += 4) {
        memcpy(h, img + off, sizeof(*h));
        if (h->magic == MB_HEADER_MAGIC && h->magic + h->flags + h->checksum == 0)
            break;
        h->magic = 0;
    }
    if (h->magic != MB_HEADER_MAGIC)
        return fail(b, b->req->kernel, -EINVAL,
                    "no Multiboot header (magic 0x1BADB002, valid checksum) in the first 8192 bytes");
    uint32_t unknown = h->flags & MB_FLAGS_REQUIRED & ~MB_FLAGS_KNOWN;
    if (unknown)
        return fail(b, b->req->kernel, -EINVAL,
                    "Multiboot header requires features we do not provide (flags 0x%x)", unknown);
    return 0;
}

/* ELF header checks: a little-endian 32-bit i386 executable with sane
 * program headers.  Returns 0 or -EINVAL. */
static int check_ehdr(struct boot *b, const uint8_t *img, size_t len, Elf32_Ehdr *eh)
{
    const char *name = b->req->kernel;
    if (len < sizeof(*eh))
        return fail(b, name, -EINVAL, "truncated: %zu bytes is shorter than an ELF header", len);
    memcpy(eh, img, sizeof(*eh));
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
        return fail(b, name, -EINVAL, "not an ELF file (bad magic)");
    if (eh->e_ident[EI_CLASS] != ELFCLASS32 || eh->e_ident[EI_DATA] != ELFDATA2LSB)
        return fail(b, name, -EINVAL, "not a 32-bit little-endian ELF file");
    if (eh->e_machine != EM_386)
        return fail(b, name, -EINVAL, "ELF machine %u is not i386 (3)", eh->e_machine);
    if (eh->e_type != ET_EXEC)
        return fail(b, name, -EINVAL, "ELF type %u is not an executable (2)", eh->e_type);
    if (eh->e_phentsize != sizeof(Elf32_Phdr) || eh->e_phnum == 0)
        return fail(b, name, -EINVAL, "no program headers (or of the wrong size)");
    if ((uint64_t)eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(Elf32_Phdr) > len)
        return fail(b, name, -EINVAL, "program headers at 0x%x run past the end of the file",
                    eh->e_phoff);
    return 0;
}

/* Does [base, base+len) meet [lo, hi)? */
static bool overlaps(uint64_t base, uint64_t len, uint64_t lo, uint64_t hi)
{
    return base < hi && lo < base + len;
}

/* Check one PT_LOAD segment against the file, RAM and the firmware's
 * areas (firmware.h).  Returns 0 or -EINVAL. */
static int check_segment(struct boot *b, const Elf32_Phdr *ph, int i, size_t len)
{
    const char *name = b->req->kernel;
    uint64_t base = ph->p_paddr, size = ph->p_memsz;
    if (ph->p_filesz > ph->p_memsz)
        return fail(b, name, -EINVAL, "segment %d: file size 0x%x exceeds memory size 0x%x",
                    i, ph->p_filesz, ph->p_memsz);
    if ((uint64_t)ph->p_offset + ph->p_filesz > len)
        return fail(b, name, -EINVAL, "segment %d: file offset 0x%x + 0x%x is past the end of the file",
                    i, ph->p_offset, ph->p_filesz);
    if (base + size > b->ram_size)
        return fail(b, name, -EINVAL, "segment %d at 0x%x (0x%x bytes) is outside RAM (%u MiB)",
                    i, ph->p_paddr, ph->p_memsz, b->ram_size >> 20);
    if (overlaps(base, size, 0, FW_LOW_END))
        return fail(b, name, -EINVAL, "segment %d at 0x%x overlaps the firmware area below 0x%x",
                    i, ph->p_paddr, FW_LOW_END);
    if (overlaps(base, size, FW_EBDA, FW_HOLE_END))
        return fail(b, name, -EINVAL, "segment %d at 0x%x overlaps the EBDA and 640K-1M hole",
                    i, ph->p_paddr);
    return 0;
}

/* Collect and check the PT_LOAD segments, refusing overlapping ones.
 * Returns how many, or -EINVAL. */
static int collect_segments(struct boot *b, const uint8_t *img, size_t len,
                            const Elf32_Ehdr *eh, Elf32_Phdr *seg)
{
    int n = 0;
    for (int i = 0; i < eh->e_phnum; i++) {
        Elf32_Phdr ph;
        memcpy(&ph, img + eh->e_phoff + (size_t)i * sizeof(ph), sizeof(ph));
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        if (n == LOADER_MAX_SEGMENTS)
            return fail(b, b->req->kernel, -EINVAL, "more than %d loadable segments",
                        LOADER_MAX_SEGMENTS);
        int rc = check_segment(b, &ph, i, len);
        if (rc < 0)
            return rc;
        for (int j = 0; j < n; j++)
            if (overlaps(ph.p_paddr, ph.p_memsz, seg[j].p_paddr,
                         (uint64_t)seg[j].p_paddr + seg[j].p_memsz))
                return fail(b, b->req->kernel, -EINVAL, "segment %d at 0x%x overlaps another",
                            i, ph.p_paddr);
        seg[n++] = ph;
    }
    if (n == 0)
        return fail(b, b->req->kernel, -EINVAL, "no loadable segment");
    return n;
}

/* The entry point must be an address the kernel loads from the file.
 * Returns 0 or -EINVAL. */
static int check_entry(struct boot *b, uint32_t entry, const Elf32_Phdr *seg, int n)
{
    for (int i = 0; i < n; i++)
        if (entry >= seg[i].p_paddr && entry - seg[i].p_paddr < seg[i].p_filesz)
            return 0;
    return fail(b, b->req->kernel, -EINVAL, "entry point 0x%x is outside every loaded segment", entry);
}

/* Copy the segments into RAM: p_filesz bytes, then zeros up to p_memsz. */
static void copy_segments(struct boot *b, const uint8_t *img, const Elf32_Phdr *seg, int n)
{
    for (int i = 0; i < n; i++) {
        uint8_t *dst = b->ram + seg[i].p_paddr;
        memcpy(dst, img + seg[i].p_offset, seg[i].p_filesz);
        memset(dst + seg[i].p_filesz, 0, seg[i].p_memsz - seg[i].p_filesz);
        uint64_t end = (uint64_t)seg[i].p_paddr + seg[i].p_memsz;
        if (end > b->kernel_end)
            b->kernel_end = end;
    }
}

/* Join "<path> <args>" (or just path) into out.  Returns 0 or -E2BIG. */
static int join_cmdline(char *out, size_t n, const char *path, const char *args)
{
    int len = snprintf(out, n, "%s%s%s", path, args ? " " : "", args ? args : "");
    return len < 0 || (size_t)len >= n ? -E2BIG : 0;
}

#define CMDLINE_MAX 1024   /* all of them must fit in the 60 KiB information area */

/* Read a whole module file into RAM at `at`.  Returns its size, or a negative errno. */
static int64_t read_module(struct boot *b, const char *path, uint64_t at)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return fail(b, path, -errno, "%s", strerror(errno));
    struct stat st;
    int64_t rc;
    if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode))
        rc = fail(b, path, -EINVAL, "not a regular file");
    else if (at + (uint64_t)st.st_size > b->ram_size)
        rc = fail(b, path, -E2BIG, "module (%lld bytes) does not fit in RAM after the kernel",
                  (long long)st.st_size);
    else if (fread(b->ram + at, 1, (size_t)st.st_size, f) != (size_t)st.st_size)
        rc = fail(b, path, -EIO, "short read");
    else
        rc = st.st_size;
    fclose(f);
    return rc;
}

/* Load the modules page-aligned after the kernel and describe them.
 * Returns 0 or a negative errno. */
static int load_modules(struct boot *b, struct fw_module *mods, char (*strings)[CMDLINE_MAX])
{
    uint64_t at = (b->kernel_end + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
    for (int i = 0; i < b->req->nmodules; i++) {
        const struct loader_module *m = &b->req->modules[i];
        int64_t size = read_module(b, m->path, at);
        if (size < 0)
            return (int)size;
        if (join_cmdline(strings[i], CMDLINE_MAX, m->path, m->args) < 0)
            return fail(b, m->path, -E2BIG, "module command line longer than %d bytes", CMDLINE_MAX);
        mods[i] = (struct fw_module){ .start = (uint32_t)at, .end = (uint32_t)(at + size),
                                      .string = strings[i] };
        at = (at + (uint64_t)size + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
    }
    return 0;
}

/* Firmware tables, Multiboot information, modules.  Returns 0 and the
 * information structure's address, or a negative errno. */
static int write_boot_info(struct boot *b, uint32_t *info_addr)
{
    char strings[LOADER_MAX_MODULES][CMDLINE_MAX];
    char cmdline[CMDLINE_MAX];
    struct fw_module mods[LOADER_MAX_MODULES];
    const struct loader_request *req = b->req;

    if (req->nmodules < 0 || req->nmodules > LOADER_MAX_MODULES)
        return fail(b, req->kernel, -E2BIG, "at most %d modules", LOADER_MAX_MODULES);
    if (join_cmdline(cmdline, sizeof(cmdline), req->kernel, req->args) < 0)
        return fail(b, req->kernel, -E2BIG, "command line longer than %d bytes", CMDLINE_MAX);
    int rc = load_modules(b, mods, strings);
    if (rc < 0)
        return rc;
    firmware_write_bios_tables(b->ram, b->ram_size);
    struct fw_boot_info bi = { .cmdline = cmdline, .mods = mods, .nmods = req->nmodules };
    if (firmware_write_multiboot_info(b->ram, b->ram_size, &bi, info_addr) < 0)
        return fail(b, req->kernel, -E2BIG, "command lines do not fit in the information area");
    return 0;
}

/* Multiboot 3.2: protected mode, paging off, flat segments, EAX = magic,
 * EBX = information structure.  The GDT the selectors name is written at
 * FW_GDT so that the kernel may reload its segment registers. */
static void enter_kernel(struct boot *b, uint32_t entry, uint32_t info_addr)
{
    const uint64_t gdt[3] = { 0, GDT_FLAT_CODE, GDT_FLAT_DATA };
    memcpy(b->ram + FW_GDT, gdt, sizeof(gdt));
    cpu_set_flat32(b->cpu);
    b->cpu->gdtr = (struct dtr){ .base = FW_GDT, .limit = sizeof(gdt) - 1 };
    b->cpu->reg[EAX] = MB_BOOT_MAGIC;
    b->cpu->reg[EBX] = info_addr;
    b->cpu->eip = entry;
}

int loader_load_image(struct cpu *c, const uint8_t *img, size_t len,
                      const struct loader_request *req, char *err, size_t errlen)
{
    struct boot b = { .cpu = c, .ram = c->bus.ram, .ram_size = c->bus.ram_size,
                      .req = req, .err = err, .errlen = errlen };
    struct mb_header h;
    Elf32_Ehdr eh;
    Elf32_Phdr seg[LOADER_MAX_SEGMENTS];
    uint32_t info_addr;

    int rc = find_header(&b, img, len, &h);
    if (rc == 0)
        rc = check_ehdr(&b, img, len, &eh);
    int n = rc < 0 ? rc : collect_segments(&b, img, len, &eh, seg);
    if (n < 0)
        return n;
    rc = check_entry(&b, eh.e_entry, seg, n);
    if (rc < 0)
        return rc;
    copy_segments(&b, img, seg, n);
    rc = write_boot_info(&b, &info_addr);
    if (rc < 0)
        return rc;
    enter_kernel(&b, eh.e_entry, info_addr);
    return 0;
}

/* Read the whole kernel file (it must fit in RAM), then boot it. */
int loader_load(struct cpu *c, const struct loader_request *req, char *err, size_t errlen)
{
    struct boot b = { .req = req, .err = err, .errlen = errlen };
    FILE *f = fopen(req->kernel, "rb");
    if (!f)
        return fail(&b, req->kernel, -errno, "%s", strerror(errno));
    struct stat st;
    int rc = -EINVAL;
    uint8_t *img = NULL;
    if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode))
        rc = fail(&b, req->kernel, -EINVAL, "not a regular file");
    else if ((uint64_t)st.st_size > c->bus.ram_size)
        rc = fail(&b, req->kernel, -E2BIG, "file is larger than RAM");
    else if (!(img = malloc((size_t)st.st_size + 1)))
        rc = fail(&b, req->kernel, -ENOMEM, "out of memory");
    else if (fread(img, 1, (size_t)st.st_size, f) != (size_t)st.st_size)
        rc = fail(&b, req->kernel, -EIO, "short read");
    else
        rc = loader_load_image(c, img, (size_t)st.st_size, req, err, errlen);
    free(img);
    fclose(f);
    return rc;
}
