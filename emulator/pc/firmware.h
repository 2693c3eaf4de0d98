/* firmware.h - the tables a PC kernel expects the BIOS and boot loader to leave in memory. */
#ifndef TRAPEZE_FIRMWARE_H
#define TRAPEZE_FIRMWARE_H

/*
 * trapeze has no BIOS: the machine starts directly in the kernel, the way
 * `qemu -kernel` starts a Multiboot kernel.  What a BIOS and a boot loader
 * would have left behind, a kernel still looks for, so we write it:
 *
 *   - the BIOS data area (how much base memory there is, where the EBDA is);
 *   - the Intel MultiProcessor tables, which tell the kernel where the local
 *     APIC and the I/O APIC are and how ISA IRQs are wired to I/O APIC pins;
 *   - the Multiboot information structure (memory map, command line, modules).
 *
 * Physical memory as the firmware leaves it:
 *
 *   0x00000 - 0x003FF  real-mode interrupt vector table (zero: we boot in protected mode)
 *   0x00400 - 0x004FF  BIOS data area
 *   0x00800 - 0x00817  boot GDT: null, flat code (0x08), flat data (0x10)
 *   0x01000 - 0x0FFFF  Multiboot information area (info, memory map, modules, strings)
 *   0x10000 - 0x9FBFF  free conventional memory
 *   0x9FC00 - 0x9FFFF  extended BIOS data area: MP floating pointer + configuration table
 *   0xA0000 - 0xFFFFF  the hole: video memory (CGA text at 0xB8000), BIOS ROM
 *   0x100000 -         extended memory: the kernel, then its modules
 *
 * A kernel may not load a segment below FW_LOW_END or in [FW_EBDA, FW_HOLE_END).
 */

#include <stdint.h>

#define FW_BDA          0x00400u   /* BIOS data area */
#define FW_BDA_EBDA_SEG 0x0040Eu   /* word: real-mode segment of the EBDA */
#define FW_BDA_BASE_KB  0x00413u   /* word: base memory size in KiB */
#define FW_GDT          0x00800u   /* the boot GDT the loader writes */
#define FW_INFO         0x01000u   /* start of the Multiboot information area */
#define FW_LOW_END      0x10000u   /* end of the firmware's low area */
#define FW_EBDA         0x9FC00u   /* 639 KiB: the last KiB of base memory */
#define FW_HOLE         0xA0000u   /* 640 KiB: start of the ISA hole */
#define FW_HOLE_END     0x100000u  /* 1 MiB: start of extended memory */
#define FW_CGA_TEXT     0xB8000u   /* IBM CGA: 80x25 text buffer, 2 bytes per cell */

/* Fixed addresses of the APICs, as firmware reports them.
 * SDM Vol. 3A 10.4.1: the local APIC's default base is 0xFEE00000.
 * 82093AA I/O APIC datasheet 3.0: default base 0xFEC00000. */
#define FW_LAPIC_BASE   0xFEE00000u
#define FW_IOAPIC_BASE  0xFEC00000u
#define FW_LAPIC_ID     0          /* the only processor (the BSP) */
#define FW_IOAPIC_ID    1          /* MP spec 4.3.3: must not clash with a local APIC ID */

/* One Multiboot module as the loader placed it in RAM. */
struct fw_module {
    uint32_t start, end;           /* physical [start, end) */
    const char *string;            /* its command line */
};

/* What the loader knows and the Multiboot information structure reports. */
struct fw_boot_info {
    const char *cmdline;           /* kernel command line (NULL: none) */
    const struct fw_module *mods;
    int nmods;
};

/* The I/O APIC input pin an ISA IRQ line is wired to.  Returns the pin. */
int firmware_isa_irq_pin(int irq);

/* Write the BIOS data area and the MP tables into RAM (ram_size >= 1 MiB). */
void firmware_write_bios_tables(uint8_t *ram, uint32_t ram_size);

/* Write the Multiboot information structure in the information area.
 * Returns 0 and its address in *info_addr, or -E2BIG if the strings and
 * module list do not fit in the area. */
int firmware_write_multiboot_info(uint8_t *ram, uint32_t ram_size,
                                  const struct fw_boot_info *bi, uint32_t *info_addr);

#endif
