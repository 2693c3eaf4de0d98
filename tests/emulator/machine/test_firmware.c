/* test_firmware.c - the tables read back the way a kernel reads them. */
#include "kimage.h"

#include "firmware.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define RAM (64u << 20)

static uint8_t *ram;

static void setup(void)
{
    ram = mmap(NULL, RAM, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    cr_assert(ram != MAP_FAILED);
}

static void teardown(void)
{
    munmap(ram, RAM);
}

TestSuite(firmware, .init = setup, .fini = teardown);

/* Sum of len bytes, mod 256: 0 for a valid MP structure (MP spec 4.1, 4.2). */
static uint8_t sum8(const uint8_t *p, size_t len)
{
    uint8_t s = 0;
    while (len--)
        s += *p++;
    return s;
}

/* MP spec 4: search [base, base+len) on 16-byte boundaries for "_MP_" with
 * a valid checksum.  Returns the offset, or 0. */
static uint32_t mp_scan(uint32_t base, uint32_t len)
{
    for (uint32_t a = base; a + 16 <= base + len; a += 16)
        if (memcmp(ram + a, "_MP_", 4) == 0 && sum8(ram + a, 16 * ram[a + 8]) == 0)
            return a;
    return 0;
}

/* The kernel's search order, MP spec 4: first KiB of the EBDA (segment at
 * BDA 40:0E), else the last KiB of base memory, else the BIOS ROM. */
static uint32_t mp_find(void)
{
    uint32_t ebda = (uint32_t)get16(ram + 0x40E) << 4;
    uint32_t found = ebda ? mp_scan(ebda, 1024) : 0;
    if (!found)
        found = mp_scan(get16(ram + 0x413) * 1024u - 1024, 1024);
    return found ? found : mp_scan(0xF0000, 0x10000);
}

Test(firmware, bda_reports_639k_and_the_ebda)
{
    firmware_write_bios_tables(ram, RAM);
    cr_assert_eq(get16(ram + 0x413), 639, "40:13 base memory: expected 639 KiB, got %u", get16(ram + 0x413));
    cr_assert_eq(get16(ram + 0x40E), 0x9FC0, "40:0E EBDA segment: expected 0x9FC0, got 0x%x", get16(ram + 0x40E));
}

Test(firmware, mp_floating_pointer_is_found_in_the_ebda)
{
    firmware_write_bios_tables(ram, RAM);
    uint32_t fp = mp_find();
    cr_assert_eq(fp, 0x9FC00u, "floating pointer: expected in the first KiB of the EBDA, found at 0x%x", fp);
    cr_assert_eq(ram[fp + 8], 1, "length: expected 1 paragraph");
    cr_assert_eq(ram[fp + 9], 4, "spec revision: expected 4 (1.4)");
    cr_assert_eq(ram[fp + 11], 0, "feature byte 1: expected 0 (configuration table present)");
    cr_assert_eq(ram[fp + 12] & 0x80, 0, "IMCRP: expected virtual wire mode");
}

/* MP spec table 4-3: entry lengths by type. */
static unsigned entry_len(uint8_t type)
{
    return type == 0 ? 20 : 8;
}

Test(firmware, mp_config_table_describes_the_teaching_pc)
{
    firmware_write_bios_tables(ram, RAM);
    const uint8_t *t = ram + get32(ram + mp_find() + 4);
    cr_assert(memcmp(t, "PCMP", 4) == 0, "configuration table signature");
    uint16_t len = get16(t + 4), count = get16(t + 34);
    cr_assert_eq(sum8(t, len), 0, "configuration table checksum");
    cr_assert_eq(t[6], 4, "spec revision 1.4");
    cr_assert_eq(get32(t + 36), 0xFEE00000u, "local APIC address");

    int cpus = 0, buses = 0, ioapics = 0, lints = 0, irq_pin[16], extint_pin0 = 0;
    for (int i = 0; i < 16; i++)
        irq_pin[i] = -1;
    uint8_t last_type = 0;
    const uint8_t *e = t + 44;
    for (unsigned n = 0; n < count; n++, e += entry_len(e[0])) {
        cr_assert(e[0] <= 4 && e[0] >= last_type, "entry %u type %u: unknown or out of order", n, e[0]);
        last_type = e[0];
        switch (e[0]) {
        case 0:
            cpus++;
            cr_assert_eq(e[1], 0, "processor: LAPIC id 0");
            cr_assert_eq(e[3] & 3, 3, "processor: enabled and BSP");
            break;
        case 1:
            buses++;
            cr_assert(memcmp(e + 2, "ISA   ", 6) == 0, "bus type string: expected \"ISA   \"");
            break;
        case 2:
            ioapics++;
            cr_assert_eq(e[3] & 1, 1, "I/O APIC enabled");
            cr_assert_eq(get32(e + 4), 0xFEC00000u, "I/O APIC address");
            cr_assert_neq(e[1], 0, "I/O APIC id must differ from the LAPIC's");
            break;
        case 3:
            cr_assert(e[7] < 24, "I/O APIC pin %u: 82093AA has 24", e[7]);
            if (e[1] == 3 && e[7] == 0)
                extint_pin0 = 1;
            else if (e[1] == 0) {
                cr_assert_eq(irq_pin[e[5]], -1, "ISA IRQ %u listed twice", e[5]);
                irq_pin[e[5]] = e[7];
            }
            break;
        case 4:
            lints++;
            cr_assert(e[1] == 3 ? e[7] == 0 : e[1] == 1 && e[7] == 1,
                      "local interrupts: ExtINT on LINT0, NMI on LINT1");
            break;
        }
    }
    cr_assert_eq((size_t)(e - t), len, "entries should fill exactly base_length");
    cr_assert(cpus == 1 && buses == 1 && ioapics == 1 && lints == 2, "entry counts %d %d %d %d", cpus, buses, ioapics, lints);
    cr_assert(extint_pin0, "pin 0: the 8259 ExtINT");
    cr_assert_eq(irq_pin[0], 2, "IRQ0 (timer) goes to pin 2 on PCs, got %d", irq_pin[0]);
    for (int irq = 1; irq < 16; irq++)
        if (irq != 2)
            cr_assert_eq(irq_pin[irq], irq, "IRQ %d: expected pin %d, got %d", irq, irq, irq_pin[irq]);
}

Test(firmware, irq_routing_matches_the_table)
{
    cr_assert_eq(firmware_isa_irq_pin(0), 2);
    cr_assert_eq(firmware_isa_irq_pin(4), 4);
    cr_assert_eq(firmware_isa_irq_pin(14), 14);
}

/* --- Multiboot information ------------------------------------------------------ */

static const uint8_t *mb_write(const char *cmdline, const struct fw_module *mods, int n)
{
    struct fw_boot_info bi = { .cmdline = cmdline, .mods = mods, .nmods = n };
    uint32_t addr = 0;
    cr_assert_eq(firmware_write_multiboot_info(ram, RAM, &bi, &addr), 0);
    cr_assert(addr >= 0x1000 && addr < 0x10000, "info at 0x%x: expected the info area", addr);
    return ram + addr;
}

Test(firmware, multiboot_memory_fields)
{
    const uint8_t *info = mb_write(NULL, NULL, 0);
    uint32_t flags = get32(info);
    cr_assert_eq(flags & (1u << 0 | 1u << 6 | 1u << 9), 1u << 0 | 1u << 6 | 1u << 9,
                 "flags 0x%x: expected mem, mmap and loader name", flags);
    cr_assert_eq(flags & (1u << 2), 0, "no cmdline given: flag 2 should be clear");
    cr_assert_eq(get32(info + 4), 639u, "mem_lower: expected 639 KiB");
    cr_assert_eq(get32(info + 8), (RAM >> 10) - 1024, "mem_upper: expected RAM - 1 MiB in KiB");
    cr_assert_str_eq((const char *)ram + get32(info + 64), "trapeze");
}

/* Multiboot 3.3: walk the mmap by each entry's size field. */
Test(firmware, multiboot_mmap_has_the_holes)
{
    const uint8_t *info = mb_write(NULL, NULL, 0);
    uint32_t len = get32(info + 44), addr = get32(info + 48);
    uint64_t available = 0;
    for (uint32_t off = 0; off < len; off += get32(ram + addr + off) + 4) {
        const uint8_t *e = ram + addr + off;
        uint64_t base = get32(e + 4) | (uint64_t)get32(e + 8) << 32;
        uint64_t size = get32(e + 12) | (uint64_t)get32(e + 16) << 32;
        if (get32(e + 20) != 1)
            continue;
        available += size;
        cr_assert(base + size <= 0xA0000 || base >= 0x100000,
                  "available range 0x%llx+0x%llx overlaps the 640K-1M hole", (unsigned long long)base,
                  (unsigned long long)size);
        cr_assert(base + size <= RAM, "available range past the end of RAM");
        cr_assert(base + size <= 0x9FC00 || base >= 0x100000, "EBDA must be reserved");
    }
    cr_assert_eq(available, 0x9FC00 + RAM - 0x100000, "available bytes: expected 639 KiB + RAM - 1 MiB");
}

Test(firmware, multiboot_cmdline_and_modules)
{
    struct fw_module mods[2] = { { 0x200000, 0x200100, "m0 a" }, { 0x201000, 0x201001, "m1" } };
    const uint8_t *info = mb_write("k.elf hello", mods, 2);
    cr_assert(get32(info) & (1u << 2 | 1u << 3), "cmdline and mods flags");
    cr_assert_str_eq((const char *)ram + get32(info + 16), "k.elf hello");
    cr_assert_eq(get32(info + 20), 2u, "mods_count");
    const uint8_t *m = ram + get32(info + 24);
    cr_assert_eq(get32(m), 0x200000u);
    cr_assert_eq(get32(m + 4), 0x200100u);
    cr_assert_str_eq((const char *)ram + get32(m + 8), "m0 a");
    cr_assert_eq(get32(m + 16), 0x201000u);
    cr_assert_str_eq((const char *)ram + get32(m + 16 + 8), "m1");
}

Test(firmware, oversized_cmdline_is_refused)
{
    char *big = malloc(70000);
    memset(big, 'x', 69999);
    big[69999] = '\0';
    struct fw_boot_info bi = { .cmdline = big };
    uint32_t addr;
    int rc = firmware_write_multiboot_info(ram, RAM, &bi, &addr);
    free(big);
    cr_assert_eq(rc, -E2BIG, "a 70 KB command line cannot fit in 60 KiB: expected -E2BIG, got %d", rc);
}
