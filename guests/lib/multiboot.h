/* multiboot.h - what the boot loader hands a Multiboot v1 kernel. */
#ifndef GUEST_MULTIBOOT_H
#define GUEST_MULTIBOOT_H

#include <stdint.h>

/* Multiboot Specification 0.6.96, 3.2: EAX on entry. */
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002

/*
 * Multiboot 3.3: the information structure (only the fields we read).
 *   offset 0  flags    bit 2 set => cmdline is valid
 *   offset 16 cmdline  physical address of a NUL-terminated string
 */
#define MULTIBOOT_INFO_CMDLINE (1u << 2)

struct multiboot_info {
    uint32_t flags;
    uint32_t mem_lower;
    uint32_t mem_upper;
    uint32_t boot_device;
    uint32_t cmdline;
};

#endif
