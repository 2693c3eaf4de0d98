/* test_loader.c - the Multiboot loader accepts a good kernel and refuses every bad one. */
#include "kimage.h"

#include "cpu.h"
#include "firmware.h"
#include "loader.h"

#include <criterion/criterion.h>
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define RAM (4u << 20)     /* small guest: "outside RAM" is easy to reach */

/* ok: mov $0x3f8,%dx; mov $'o',%al; out %al,(%dx); hlt */
static const uint8_t code[] = { 0x66, 0xba, 0xf8, 0x03, 0xb0, 0x6f, 0xee, 0xf4 };

static uint8_t img[KIMAGE_MAX];
static size_t img_len;
static struct cpu *cpu;
static char err[512];

static void setup(void)
{
    img_len = kimage_build(img, code, sizeof(code), 0x100);
    cpu = kimage_cpu(RAM);
    err[0] = '\0';
}

static void teardown(void)
{
    kimage_cpu_free(cpu);
}

/* Load img[0..len) as "k.elf".  Returns the loader's result. */
static int load(size_t len)
{
    struct loader_request req = { .kernel = "k.elf" };
    return loader_load_image(cpu, img, len, &req, err, sizeof(err));
}

/* The image must be refused with -EINVAL and a "k.elf: ...<what>..." line. */
static void expect_refused(size_t len, const char *what)
{
    int rc = load(len);
    cr_assert_eq(rc, -EINVAL, "expected -EINVAL (%s), got %d: %s", what, rc, err);
    cr_assert(strncmp(err, "k.elf: ", 7) == 0, "message should start with the file name: '%s'", err);
    cr_assert(strstr(err, what), "message should mention '%s': '%s'", what, err);
    cr_assert(!strchr(err, '\n'), "message should be one line: '%s'", err);
}

TestSuite(loader, .init = setup, .fini = teardown);

Test(loader, good_kernel_is_copied_and_bss_zeroed)
{
    memset(cpu->bus.ram + KIMAGE_BASE, 0xCC, 0x1000);
    cr_assert_eq(load(img_len), 0, "valid kernel refused: %s", err);
    cr_assert(memcmp(cpu->bus.ram + KIMAGE_BASE, code, sizeof(code)) == 0, "code not at p_paddr");
    for (uint32_t i = sizeof(code); i < sizeof(code) + 0x100; i++)
        cr_assert_eq(cpu->bus.ram[KIMAGE_BASE + i], 0, "bss byte +0x%x not zeroed", i);
    cr_assert_eq(cpu->bus.ram[KIMAGE_BASE + sizeof(code) + 0x100], 0xCC,
                 "loader wrote past p_memsz");
}

/* Multiboot 3.2: EAX magic, EBX info, protected mode, paging off, IF clear. */
Test(loader, cpu_state_is_what_multiboot_promises)
{
    cr_assert_eq(load(img_len), 0, "valid kernel refused: %s", err);
    cr_assert_eq(cpu->reg[EAX], 0x2BADB002u, "EAX: expected 0x2BADB002, got 0x%x", cpu->reg[EAX]);
    cr_assert_eq(cpu->eip, KIMAGE_BASE, "EIP: expected the ELF entry 0x100000, got 0x%x", cpu->eip);
    uint32_t info = cpu->reg[EBX];
    cr_assert(info >= 0x1000 && info < 0x10000, "EBX 0x%x: expected the info area", info);
    cr_assert_eq(get32(cpu->bus.ram + info) & 1, 1u, "info flags bit 0 (mem_lower/upper) not set");
    cr_assert(cpu->cr0 & CR0_PE, "CR0.PE should be set");
    cr_assert(!(cpu->cr0 & CR0_PG), "CR0.PG should be clear");
    cr_assert(!(cpu_get_eflags(cpu) & FLAG_IF), "IF should be clear");
    cr_assert_eq(cpu->seg[SEG_CS].sel, 0x08, "CS: expected 0x08, got 0x%x", cpu->seg[SEG_CS].sel);
    cr_assert_eq(cpu->seg[SEG_DS].sel, 0x10, "DS: expected 0x10, got 0x%x", cpu->seg[SEG_DS].sel);
}

/* SDM Vol. 3A 3.4.5: decode a descriptor's base, limit (scaled by G) and type. */
static void decode_desc(const uint8_t *d, uint32_t *base, uint32_t *limit, unsigned *access)
{
    uint32_t lo = get32(d), hi = get32(d + 4);
    *base = (lo >> 16) | (hi & 0xFF) << 16 | (hi & 0xFF000000u);
    *limit = (lo & 0xFFFF) | (hi & 0x000F0000u);
    if (hi & (1u << 23))
        *limit = *limit << 12 | 0xFFF;
    *access = (hi >> 8) & 0xFF;
}

Test(loader, gdt_in_memory_holds_flat_code_and_data)
{
    cr_assert_eq(load(img_len), 0, "valid kernel refused: %s", err);
    cr_assert_eq(cpu->gdtr.limit, 23, "GDTR limit: expected 3 descriptors (23), got %u", cpu->gdtr.limit);
    const uint8_t *gdt = cpu->bus.ram + cpu->gdtr.base;
    uint32_t base, limit;
    unsigned access;
    decode_desc(gdt + 0x08, &base, &limit, &access);
    cr_assert(base == 0 && limit == 0xFFFFFFFFu, "code: expected flat 4 GiB, got base 0x%x limit 0x%x", base, limit);
    cr_assert_eq(access & 0x9A, 0x9A, "code: expected present, S=1, executable+readable, got 0x%x", access);
    decode_desc(gdt + 0x10, &base, &limit, &access);
    cr_assert(base == 0 && limit == 0xFFFFFFFFu, "data: expected flat 4 GiB, got base 0x%x limit 0x%x", base, limit);
    cr_assert_eq(access & 0x9A, 0x92, "data: expected present, S=1, writable data, got 0x%x", access);
}

Test(loader, header_anywhere_aligned_in_first_8k_is_found)
{
    uint8_t hdr[12];
    memcpy(hdr, img + KIMAGE_MBHDR, 12);
    memset(img + KIMAGE_MBHDR, 0, 12);
    img_len = KIMAGE_CODE + 8192;                    /* code is 8 KiB of zeros + ours */
    put32(img + KIMAGE_PHDR + 16, 8192);
    put32(img + KIMAGE_PHDR + 20, 8192);
    memcpy(img + 8192 - 12, hdr, 12);                /* last aligned slot that fits */
    cr_assert_eq(load(img_len), 0, "header at 8180 refused: %s", err);
    memset(img + 8192 - 12, 0, 12);
    memcpy(img + 8192, hdr, 12);                     /* just past the 8 KiB window */
    expect_refused(img_len, "no Multiboot header");
}

Test(loader, truncated_file_is_refused)
{
    expect_refused(KIMAGE_CODE + 2, "past the end of the file");
    expect_refused(60, "no Multiboot header");
    expect_refused(8, "no Multiboot header");      /* shorter than the header itself */
    expect_refused(0, "no Multiboot header");
}

Test(loader, header_in_a_file_shorter_than_an_elf_header)
{
    uint8_t hdr[12];
    memcpy(hdr, img + KIMAGE_MBHDR, 12);
    memcpy(img, hdr, 12);
    expect_refused(12, "shorter than an ELF header");
}

Test(loader, bad_checksum_means_no_header)
{
    img[KIMAGE_MBHDR + 8] ^= 1;
    expect_refused(img_len, "no Multiboot header");
}

Test(loader, unknown_required_flag_is_refused)
{
    put32(img + KIMAGE_MBHDR + 4, 1u << 2);          /* video mode: we have none */
    put32(img + KIMAGE_MBHDR + 8, -(0x1BADB002u + (1u << 2)));
    expect_refused(img_len, "requires features");
}

Test(loader, optional_flags_and_known_required_flags_are_accepted)
{
    uint32_t flags = 1u << 0 | 1u << 1 | 1u << 20;   /* align, meminfo, an optional bit */
    put32(img + KIMAGE_MBHDR + 4, flags);
    put32(img + KIMAGE_MBHDR + 8, -(0x1BADB002u + flags));
    cr_assert_eq(load(img_len), 0, "flags 0x%x refused: %s", flags, err);
}

Test(loader, bad_elf_magic)
{
    img[1] = 'X';
    expect_refused(img_len, "not an ELF file");
}

Test(loader, elf64_class)
{
    img[EI_CLASS] = ELFCLASS64;
    expect_refused(img_len, "32-bit");
}

Test(loader, big_endian)
{
    img[EI_DATA] = ELFDATA2MSB;
    expect_refused(img_len, "little-endian");
}

Test(loader, wrong_machine)
{
    put16(img + 18, EM_X86_64);
    expect_refused(img_len, "not i386");
}

Test(loader, shared_object_is_not_an_executable)
{
    put16(img + 16, ET_DYN);
    expect_refused(img_len, "not an executable");
}

Test(loader, program_headers_past_end)
{
    put32(img + 28, (uint32_t)img_len - 8);          /* e_phoff */
    expect_refused(img_len, "program headers");
    put32(img + 28, 0xFFFFFFF0u);
    expect_refused(img_len, "program headers");
}

Test(loader, wrong_phentsize_or_no_phdrs)
{
    put16(img + 42, 40);
    expect_refused(img_len, "program headers");
    put16(img + 42, 32);
    put16(img + 44, 0);
    expect_refused(img_len, "program headers");
}

Test(loader, segment_file_offset_past_end)
{
    put32(img + KIMAGE_PHDR + 4, 0xFFFFFFF0u);       /* p_offset: offset + filesz wraps in 32 bits */
    expect_refused(img_len, "past the end of the file");
}

Test(loader, filesz_larger_than_memsz)
{
    put32(img + KIMAGE_PHDR + 20, 2);
    expect_refused(img_len, "exceeds memory size");
}

Test(loader, segment_outside_ram)
{
    put32(img + KIMAGE_PHDR + 12, RAM - 4);          /* p_paddr: 4 bytes left, 8 needed */
    put32(img + 24, RAM - 4);
    expect_refused(img_len, "outside RAM");
    put32(img + KIMAGE_PHDR + 12, 0xFFFFF000u);      /* paddr + memsz wraps in 32 bits */
    put32(img + KIMAGE_PHDR + 20, 0x2000);
    put32(img + 24, 0xFFFFF000u);
    expect_refused(img_len, "outside RAM");
}

Test(loader, segment_in_the_640k_hole)
{
    put32(img + KIMAGE_PHDR + 12, 0xB8000);
    put32(img + 24, 0xB8000);
    expect_refused(img_len, "hole");
    put32(img + KIMAGE_PHDR + 12, 0x9FFF0);          /* starts below, runs into the hole */
    put32(img + 24, 0x9FFF0);
    put32(img + KIMAGE_PHDR + 20, 0x100);
    expect_refused(img_len, "hole");
}

Test(loader, segment_over_the_info_area)
{
    put32(img + KIMAGE_PHDR + 12, 0x2000);
    put32(img + 24, 0x2000);
    expect_refused(img_len, "firmware area");
}

Test(loader, entry_outside_every_segment)
{
    put32(img + 24, KIMAGE_BASE + 0x10000);
    expect_refused(img_len, "entry point");
    put32(img + 24, KIMAGE_BASE - 1);
    expect_refused(img_len, "entry point");
}

Test(loader, no_loadable_segment)
{
    put32(img + KIMAGE_PHDR, PT_NOTE);
    expect_refused(img_len, "no loadable segment");
}

/* Two PT_LOADs: the second overlapping the first by one byte. */
Test(loader, overlapping_segments)
{
    uint8_t two[KIMAGE_MAX + 32];
    memcpy(two, img, img_len);
    memmove(two + KIMAGE_CODE + 32, two + KIMAGE_CODE, sizeof(code));
    memmove(two + KIMAGE_MBHDR + 32, two + KIMAGE_MBHDR, 12);
    memcpy(two + KIMAGE_PHDR + 32, two + KIMAGE_PHDR, 32);
    put16(two + 44, 2);
    for (int i = 0; i < 2; i++)
        put32(two + KIMAGE_PHDR + 32 * i + 4, KIMAGE_CODE + 32);
    put32(two + KIMAGE_PHDR + 32 + 12, KIMAGE_BASE + sizeof(code) + 0x100 - 1);
    memcpy(img, two, img_len + 32);
    expect_refused(img_len + 32, "overlaps another");
}

Test(loader, missing_file_names_it)
{
    struct loader_request req = { .kernel = "/nonexistent/k.elf" };
    int rc = loader_load(cpu, &req, err, sizeof(err));
    cr_assert_eq(rc, -ENOENT, "expected -ENOENT, got %d", rc);
    cr_assert(strncmp(err, "/nonexistent/k.elf: ", 20) == 0, "message: '%s'", err);
}

Test(loader, command_line_is_path_then_args)
{
    struct loader_request req = { .kernel = "k.elf", .args = "console=ttyS0 quiet" };
    cr_assert_eq(loader_load_image(cpu, img, img_len, &req, err, sizeof(err)), 0, "%s", err);
    const uint8_t *info = cpu->bus.ram + cpu->reg[EBX];
    cr_assert(get32(info) & (1u << 2), "flags bit 2 (cmdline) not set");
    cr_assert_str_eq((const char *)cpu->bus.ram + get32(info + 16), "k.elf console=ttyS0 quiet");
}

/* Modules go page-aligned after the kernel; their strings are "path args". */
Test(loader, modules_are_loaded_after_the_kernel)
{
    char path[2][32];
    const char *content[2] = { "first module\n", "second" };
    struct loader_module mods[2];
    for (int i = 0; i < 2; i++) {
        strcpy(path[i], "/tmp/trapeze-mod-XXXXXX");
        int fd = mkstemp(path[i]);
        cr_assert(fd >= 0);
        cr_assert_eq(write(fd, content[i], strlen(content[i])), (ssize_t)strlen(content[i]));
        close(fd);
        mods[i] = (struct loader_module){ .path = path[i], .args = i ? "x=1" : NULL };
    }
    struct loader_request req = { .kernel = "k.elf", .modules = mods, .nmodules = 2 };
    int rc = loader_load_image(cpu, img, img_len, &req, err, sizeof(err));
    unlink(path[0]);
    unlink(path[1]);
    cr_assert_eq(rc, 0, "%s", err);
    const uint8_t *ram = cpu->bus.ram, *info = ram + cpu->reg[EBX];
    cr_assert(get32(info) & (1u << 3), "flags bit 3 (mods) not set");
    cr_assert_eq(get32(info + 20), 2u, "mods_count: expected 2, got %u", get32(info + 20));
    const uint8_t *m = ram + get32(info + 24);
    uint32_t kernel_end = KIMAGE_BASE + sizeof(code) + 0x100;
    cr_assert_eq(get32(m), (kernel_end + 0xFFF) & ~0xFFFu, "module 0 start: expected the next page after the kernel");
    for (int i = 0; i < 2; i++, m += 16) {
        uint32_t start = get32(m), end = get32(m + 4);
        cr_assert_eq(start & 0xFFF, 0u, "module %d start 0x%x not page aligned", i, start);
        cr_assert_eq(end - start, strlen(content[i]), "module %d size", i);
        cr_assert(memcmp(ram + start, content[i], end - start) == 0, "module %d contents", i);
    }
    m = ram + get32(info + 24);
    cr_assert_str_eq((const char *)ram + get32(m + 8), path[0]);
    char want[64];
    snprintf(want, sizeof(want), "%s x=1", path[1]);
    cr_assert_str_eq((const char *)ram + get32(m + 16 + 8), want);
}

Test(loader, module_too_big_for_ram)
{
    char path[32] = "/tmp/trapeze-mod-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(ftruncate(fd, RAM), 0);
    close(fd);
    struct loader_module mod = { .path = path };
    struct loader_request req = { .kernel = "k.elf", .modules = &mod, .nmodules = 1 };
    int rc = loader_load_image(cpu, img, img_len, &req, err, sizeof(err));
    unlink(path);
    cr_assert_eq(rc, -E2BIG, "expected -E2BIG, got %d (%s)", rc, err);
    cr_assert(strstr(err, "does not fit"), "message: '%s'", err);
}

/* --- fuzzing ------------------------------------------------------------------- */

/* xorshift64 (Marsaglia 2003): a seeded, reproducible stream. */
static uint64_t rng_state;
static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)rng_state;
}

/* Values that break naive bounds checks. */
static const uint32_t nasty[] = { 0, 1, 0x7FFFFFFF, 0x80000000u, 0xFFFFFFFFu, 0xFFFFF000u,
                                  RAM, RAM - 1, 0xA0000, 0x100000, 0x10000, 32, 52 };

/* One mutation: a random byte, a nasty 32-bit field, or a truncation. */
static size_t mutate(uint8_t *m, size_t len)
{
    switch (rng() % 4) {
    case 0:
        m[rng() % len] = (uint8_t)rng();
        return len;
    case 1:
        put32(m + (rng() % (len - 3) & ~3u), nasty[rng() % (sizeof(nasty) / 4)]);
        return len;
    case 2:
        put16(m + (rng() % (len - 1) & ~1u), (uint16_t)rng());
        return len;
    default:
        return rng() % 8 ? len : rng() % len;
    }
}

/* Every mutated image is either loaded (entry in RAM) or refused with a
 * one-line message naming the file; nothing crashes (run under asan). */
Test(loader, fuzz_mutated_images_never_crash, .timeout = 300)
{
    static uint8_t m[KIMAGE_MAX];
    rng_state = 0x9E3779B97F4A7C15ull;
    int loaded = 0, refused = 0;
    for (int iter = 0; iter < 20000; iter++) {
        memcpy(m, img, img_len);
        size_t len = img_len;
        for (int k = 1 + rng() % 4; k > 0 && len > 4; k--)
            len = mutate(m, len);
        struct loader_request req = { .kernel = "k.elf" };
        err[0] = '\0';
        int rc = loader_load_image(cpu, m, len, &req, err, sizeof(err));
        if (rc == 0) {
            loaded++;
            cr_assert(cpu->eip < RAM, "iteration %d: entry 0x%x outside RAM was accepted", iter, cpu->eip);
        } else {
            refused++;
            cr_assert(rc == -EINVAL || rc == -E2BIG, "iteration %d: unexpected code %d", iter, rc);
            cr_assert(strncmp(err, "k.elf: ", 7) == 0 && !strchr(err, '\n'),
                      "iteration %d: bad message '%s'", iter, err);
        }
    }
    cr_assert(loaded > 0 && refused > 0, "mutator too weak: %d loaded, %d refused", loaded, refused);
}
