/* firmware.c - BIOS data area, MP tables and the Multiboot information structure. */

/*
 * A PC kernel learns about the machine from tables in memory, not by probing.
 * The BIOS leaves the BIOS data area and, on multiprocessor-capable boards,
 * the Intel MultiProcessor (MP) tables; the boot loader leaves the Multiboot
 * information structure.  Each table is a packed C struct below, laid out as
 * its specification draws it, copied into guest RAM.  Tables found by
 * scanning memory (the MP ones) carry a signature and a checksum, so a kernel
 * can tell them apart from random bytes: all bytes of the table add up to 0.
 *
 * References: MultiProcessor Specification 1.4 (Intel, 1997), chapter 4;
 * Multiboot Specification 0.6.96, section 3.3.
 */
#include "firmware.h"

#include <errno.h>
#include <string.h>

/* --- the MP tables ---------------------------------------------------------- */

/* MP spec 4.1, table 4-1: the floating pointer, found by scanning for "_MP_". */
struct mp_floating {
    char signature[4];             /* "_MP_" */
    uint32_t config_addr;          /* physical address of the configuration table */
    uint8_t length;                /* in 16-byte paragraphs: 1 */
    uint8_t spec_rev;              /* 4 = version 1.4 */
    uint8_t checksum;
    uint8_t feature[5];            /* feature[0] = 0: a configuration table is present;
                                      feature[1] bit 7 = 0: virtual wire mode, no IMCR */
} __attribute__((packed));

/* MP spec 4.2, table 4-2: the configuration table header. */
struct mp_config {
    char signature[4];             /* "PCMP" */
    uint16_t base_length;          /* header plus every base entry, in bytes */
    uint8_t spec_rev;
    uint8_t checksum;
    char oem_id[8];
    char product_id[12];
    uint32_t oem_table;
    uint16_t oem_table_size;
    uint16_t entry_count;
    uint32_t lapic_addr;
    uint16_t ext_length;
    uint8_t ext_checksum;
    uint8_t reserved;
} __attribute__((packed));

/* MP spec 4.3, table 4-3: entry types. */
enum { MP_PROCESSOR = 0, MP_BUS = 1, MP_IOAPIC = 2, MP_IOINTR = 3, MP_LINTR = 4 };

/* MP spec 4.3.1, table 4-4: processor entry (20 bytes). */
struct mp_processor {
    uint8_t type, lapic_id, lapic_version, flags;
    uint32_t signature;            /* CPUID.1:EAX; left 0, kernels ask CPUID themselves */
    uint32_t features;             /* CPUID.1:EDX; likewise */
    uint32_t reserved[2];
} __attribute__((packed));

#define MP_CPU_EN 0x01             /* table 4-5: the processor is usable */
#define MP_CPU_BP 0x02             /* table 4-5: it is the bootstrap processor */

/* MP spec 4.3.2, table 4-6: bus entry (8 bytes). */
struct mp_bus {
    uint8_t type, bus_id;
    char bus_type[6];              /* table 4-8: "ISA   " */
} __attribute__((packed));

/* MP spec 4.3.3, table 4-9: I/O APIC entry (8 bytes). */
struct mp_ioapic {
    uint8_t type, id, version, flags;
    uint32_t addr;
} __attribute__((packed));

#define MP_IOAPIC_EN 0x01          /* table 4-10: usable */

/* MP spec 4.3.4 and 4.3.5, tables 4-11 and 4-14: interrupt assignment entries
 * (8 bytes); `dst_id` is the I/O APIC (or local APIC, 0xFF = all) and
 * `dst_pin` its INTIN (or LINTIN) input. */
struct mp_intr {
    uint8_t type, intr_type;
    uint16_t flags;                /* 0: polarity and trigger conform to the bus */
    uint8_t src_bus, src_irq, dst_id, dst_pin;
} __attribute__((packed));

/* MP spec tables 4-12 and 4-15: interrupt types. */
enum { MP_INT = 0, MP_NMI = 1, MP_EXTINT = 3 };

/* Versions the APIC models report in their version registers.
 * SDM Vol. 3A 10.4.8: 0x1X is an integrated local APIC;
 * 82093AA datasheet 3.2.2: the I/O APIC reports 0x11. */
#define MP_LAPIC_VERSION  0x14
#define MP_IOAPIC_VERSION 0x11

#define MP_BUS_ISA 0               /* our only bus */
#define MP_ISA_IRQS 16
#define MP_CASCADE_IRQ 2           /* the 8259 cascade input: never raised by a device */

/* The whole base configuration table, entries in the order MP spec 4.3 asks
 * (sorted by entry type). */
struct mp_table {
    struct mp_config header;
    struct mp_processor cpu;
    struct mp_bus bus;
    struct mp_ioapic ioapic;
    struct mp_intr io[MP_ISA_IRQS];    /* ExtINT on pin 0, then ISA IRQs except the cascade */
    struct mp_intr local[2];           /* ExtINT on LINT0, NMI on LINT1 */
} __attribute__((packed));

#define MP_FLOATING_ADDR FW_EBDA
#define MP_CONFIG_ADDR (FW_EBDA + sizeof(struct mp_floating))

_Static_assert(sizeof(struct mp_floating) == 16, "MP spec table 4-1");
_Static_assert(sizeof(struct mp_config) == 44, "MP spec table 4-2");
_Static_assert(sizeof(struct mp_processor) == 20, "MP spec table 4-4");
_Static_assert(sizeof(struct mp_floating) + sizeof(struct mp_table) <= FW_HOLE - FW_EBDA,
               "MP spec 4: the tables must lie in the first KiB of the EBDA");

/* Make the bytes of a table add up to zero: returns the checksum byte. */
static uint8_t checksum(const void *p, size_t len)
{
    const uint8_t *b = p;
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum += b[i];
    return (uint8_t)-sum;
}

/* Chipset wiring of ISA IRQs to I/O APIC pins: as on real PCs the 8254
 * timer (IRQ0) is on pin 2 and pin 0 carries the 8259's ExtINT output;
 * every other IRQ n is on pin n.  Returns the pin. */
int firmware_isa_irq_pin(int irq)
{
    return irq == 0 ? 2 : irq;
}

/* Fill an interrupt assignment entry. */
static struct mp_intr mp_intr(uint8_t type, uint8_t intr_type, uint8_t irq,
                              uint8_t dst_id, uint8_t dst_pin)
{
    return (struct mp_intr){ .type = type, .intr_type = intr_type, .src_bus = MP_BUS_ISA,
                             .src_irq = irq, .dst_id = dst_id, .dst_pin = dst_pin };
}

/* The I/O interrupt entries: pin 0 is the 8259's ExtINT, then every ISA IRQ
 * but the cascade.  Returns the number written. */
static int mp_io_entries(struct mp_intr *io)
{
    int n = 0;
    io[n++] = mp_intr(MP_IOINTR, MP_EXTINT, 0, FW_IOAPIC_ID, 0);
    for (int irq = 0; irq < MP_ISA_IRQS; irq++) {
        if (irq != MP_CASCADE_IRQ)
            io[n++] = mp_intr(MP_IOINTR, MP_INT, (uint8_t)irq, FW_IOAPIC_ID,
                              (uint8_t)firmware_isa_irq_pin(irq));
    }
    return n;
}

/* Build the configuration table: header, one processor, one ISA bus, one I/O
 * APIC, the interrupt wiring. */
static void mp_build_config(struct mp_table *t)
{
    memset(t, 0, sizeof(*t));
    t->cpu = (struct mp_processor){ .type = MP_PROCESSOR, .lapic_id = FW_LAPIC_ID,
                                    .lapic_version = MP_LAPIC_VERSION,
                                    .flags = MP_CPU_EN | MP_CPU_BP };
    t->bus = (struct mp_bus){ .type = MP_BUS, .bus_id = MP_BUS_ISA };
    memcpy(t->bus.bus_type, "ISA   ", sizeof(t->bus.bus_type));
    t->ioapic = (struct mp_ioapic){ .type = MP_IOAPIC, .id = FW_IOAPIC_ID,
                                    .version = MP_IOAPIC_VERSION, .flags = MP_IOAPIC_EN,
                                    .addr = FW_IOAPIC_BASE };
    int nio = mp_io_entries(t->io);
    /* MP spec 5.1 (default configurations): ExtINT on LINT0, NMI on LINT1 of every CPU. */
    t->local[0] = mp_intr(MP_LINTR, MP_EXTINT, 0, 0xFF, 0);
    t->local[1] = mp_intr(MP_LINTR, MP_NMI, 0, 0xFF, 1);

    struct mp_config *h = &t->header;
    memcpy(h->signature, "PCMP", 4);
    h->base_length = sizeof(*t);
    h->spec_rev = 4;
    memcpy(h->oem_id, "TRAPEZE ", sizeof(h->oem_id));
    memcpy(h->product_id, "TEACHING PC ", sizeof(h->product_id));
    h->entry_count = (uint16_t)(3 + nio + 2);
    h->lapic_addr = FW_LAPIC_BASE;
    h->checksum = checksum(t, sizeof(*t));
}

/* Write the floating pointer and the configuration table in the EBDA. */
static void mp_write(uint8_t *ram)
{
    struct mp_table t;
    mp_build_config(&t);
    memcpy(ram + MP_CONFIG_ADDR, &t, sizeof(t));

    struct mp_floating f = { .signature = "_MP_", .config_addr = MP_CONFIG_ADDR,
                             .length = 1, .spec_rev = 4 };
    f.checksum = checksum(&f, sizeof(f));
    memcpy(ram + MP_FLOATING_ADDR, &f, sizeof(f));
}

/* Store a little-endian word (the BDA is a byte array). */
static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

/* BDA, MP tables.  The BDA fields: IBM PC/AT Technical Reference, BIOS
 * data area: 40:0E EBDA segment, 40:13 base memory size in KiB. */
void firmware_write_bios_tables(uint8_t *ram, uint32_t ram_size)
{
    (void)ram_size;   /* the low MiB always exists: machine_init asks for more */
    put16(ram + FW_BDA_EBDA_SEG, FW_EBDA >> 4);
    put16(ram + FW_BDA_BASE_KB, FW_EBDA / 1024);
    mp_write(ram);
}

/* --- the Multiboot information structure --------------------------------------- */

/* Multiboot 0.6.96 3.3: the information structure (88 bytes). */
struct mb_info {
    uint32_t flags;
    uint32_t mem_lower, mem_upper;         /* flags bit 0: KiB below 1 MiB, KiB above */
    uint32_t boot_device;                  /* bit 1 (not provided: no BIOS disk) */
    uint32_t cmdline;                      /* bit 2 */
    uint32_t mods_count, mods_addr;        /* bit 3 */
    uint32_t syms[4];                      /* bits 4/5 (not provided) */
    uint32_t mmap_length, mmap_addr;       /* bit 6 */
    uint32_t drives_length, drives_addr;   /* bit 7 (not provided) */
    uint32_t config_table;                 /* bit 8 (not provided) */
    uint32_t boot_loader_name;             /* bit 9 */
    uint32_t apm_table;                    /* bit 10 (not provided) */
    uint32_t vbe[4];                       /* bit 11 (not provided) */
} __attribute__((packed));

#define MB_INFO_MEMORY   (1u << 0)
#define MB_INFO_CMDLINE  (1u << 2)
#define MB_INFO_MODS     (1u << 3)
#define MB_INFO_MMAP     (1u << 6)
#define MB_INFO_LOADER   (1u << 9)

/* Multiboot 0.6.96 3.3: a module entry (16 bytes). */
struct mb_module {
    uint32_t mod_start, mod_end, string, reserved;
} __attribute__((packed));

/* Multiboot 0.6.96 3.3: a memory map entry; `size` counts the bytes after
 * itself, and mmap_addr points at the first entry's `size`. */
struct mb_mmap {
    uint32_t size;
    uint64_t base_addr, length;
    uint32_t type;                         /* 1 = available RAM, other = reserved */
} __attribute__((packed));

#define MB_MEM_AVAILABLE 1
#define MB_MEM_RESERVED  2
#define MB_MMAP_ENTRIES  6
#define APIC_PAGE 0x1000u                  /* each APIC decodes one 4 KiB page */
#define BIOS_ROM 0xF0000u                  /* the top 64 KiB below 1 MiB */

_Static_assert(sizeof(struct mb_info) == 88, "Multiboot 3.3");
_Static_assert(sizeof(struct mb_mmap) == 24, "Multiboot 3.3");

/* A bump allocator over the information area. */
struct info_area {
    uint8_t *ram;
    uint32_t next;
};

/* Reserve len bytes (4-byte aligned) and copy src there (if not NULL).
 * Returns the physical address, or 0 when the area is full. */
static uint32_t area_put(struct info_area *a, const void *src, uint32_t len)
{
    uint32_t addr = (a->next + 3) & ~3u;
    if (len > FW_LOW_END - addr)
        return 0;
    if (src)
        memcpy(a->ram + addr, src, len);
    a->next = addr + len;
    return addr;
}

/* Copy a NUL-terminated string into the area.  Returns its address or 0. */
static uint32_t area_string(struct info_area *a, const char *s)
{
    size_t len = strlen(s) + 1;
    return len > FW_LOW_END ? 0 : area_put(a, s, (uint32_t)len);
}

/* The memory map: RAM with the EBDA, the hole, the BIOS ROM and the APIC
 * pages marked reserved.  Returns the number of entries. */
static int mmap_entries(struct mb_mmap *e, uint32_t ram_size)
{
    const struct { uint64_t base, end; uint32_t type; } map[MB_MMAP_ENTRIES] = {
        { 0, FW_EBDA, MB_MEM_AVAILABLE },
        { FW_EBDA, FW_HOLE, MB_MEM_RESERVED },
        { BIOS_ROM, FW_HOLE_END, MB_MEM_RESERVED },
        { FW_HOLE_END, ram_size, MB_MEM_AVAILABLE },
        { FW_IOAPIC_BASE, FW_IOAPIC_BASE + APIC_PAGE, MB_MEM_RESERVED },
        { FW_LAPIC_BASE, FW_LAPIC_BASE + APIC_PAGE, MB_MEM_RESERVED },
    };
    for (int i = 0; i < MB_MMAP_ENTRIES; i++)
        e[i] = (struct mb_mmap){ .size = sizeof(struct mb_mmap) - sizeof(uint32_t),
                                 .base_addr = map[i].base,
                                 .length = map[i].end - map[i].base, .type = map[i].type };
    return MB_MMAP_ENTRIES;
}

/* Write the module list, then each module's string.  Returns 0 or -E2BIG. */
static int write_modules(struct info_area *a, struct mb_info *info, const struct fw_boot_info *bi)
{
    uint32_t list = area_put(a, NULL, (uint32_t)(sizeof(struct mb_module) * (unsigned)bi->nmods));
    if (!list)
        return -E2BIG;
    for (int i = 0; i < bi->nmods; i++) {
        const char *s = bi->mods[i].string ? bi->mods[i].string : "";
        struct mb_module m = { .mod_start = bi->mods[i].start, .mod_end = bi->mods[i].end,
                               .string = area_string(a, s) };
        if (!m.string)
            return -E2BIG;
        memcpy(a->ram + list + i * sizeof(m), &m, sizeof(m));
    }
    info->flags |= MB_INFO_MODS;
    info->mods_count = (uint32_t)bi->nmods;
    info->mods_addr = list;
    return 0;
}

/* Multiboot 0.6.96 3.3.  mem_lower/mem_upper: KiB of base memory and of
 * memory above 1 MiB; the strings and tables live in [FW_INFO, FW_LOW_END). */
int firmware_write_multiboot_info(uint8_t *ram, uint32_t ram_size,
                                  const struct fw_boot_info *bi, uint32_t *info_addr)
{
    struct info_area a = { .ram = ram, .next = FW_INFO };
    struct mb_info info = { .flags = MB_INFO_MEMORY | MB_INFO_MMAP | MB_INFO_LOADER,
                            .mem_lower = FW_EBDA / 1024,
                            .mem_upper = (ram_size - FW_HOLE_END) / 1024 };
    uint32_t addr = area_put(&a, NULL, sizeof(info));

    struct mb_mmap map[MB_MMAP_ENTRIES];
    int n = mmap_entries(map, ram_size);
    info.mmap_length = (uint32_t)(n * sizeof(map[0]));
    info.mmap_addr = area_put(&a, map, info.mmap_length);
    info.boot_loader_name = area_string(&a, "trapeze");
    if (bi->cmdline) {
        info.flags |= MB_INFO_CMDLINE;
        info.cmdline = area_string(&a, bi->cmdline);
        if (!info.cmdline)
            return -E2BIG;
    }
    if (write_modules(&a, &info, bi) < 0)
        return -E2BIG;
    memcpy(ram + addr, &info, sizeof(info));
    *info_addr = addr;
    return 0;
}
