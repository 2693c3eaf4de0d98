/* loader.h - boot a Multiboot (v1) ELF32 kernel the way `qemu -kernel` does. */
#ifndef TRAPEZE_LOADER_H
#define TRAPEZE_LOADER_H

/*
 * The loader plays the boot loader: it checks the kernel file, copies its
 * segments into guest RAM, loads the modules after it, writes the firmware
 * tables and the Multiboot information structure (firmware.h), and leaves
 * the CPU at the kernel's entry point in the state Multiboot 3.2 promises.
 * It needs only a CPU whose bus has RAM, so the monitor of later chapters
 * boots its guests with the same code.
 *
 * Every malformed input is refused with a negative code and one line in the
 * caller's buffer, "<file>: <what is wrong>"; nothing a file contains can
 * crash the host.
 */

#include <stddef.h>
#include <stdint.h>

struct cpu;

#define LOADER_MAX_MODULES 16

/* A Multiboot module: a file loaded after the kernel, with a command line. */
struct loader_module {
    const char *path;
    const char *args;              /* NULL: none */
};

/* What to boot.  The kernel's command line is "<kernel> <args>", the way
 * GRUB and QEMU build it; likewise each module's string. */
struct loader_request {
    const char *kernel;
    const char *args;              /* NULL: none */
    const struct loader_module *modules;
    int nmodules;                  /* at most LOADER_MAX_MODULES */
};

/* Boot the kernel file req->kernel into c's RAM.  Returns 0, or a negative
 * errno with a message in err (-EINVAL: malformed file, -E2BIG: does not
 * fit, other: the file could not be read). */
int loader_load(struct cpu *c, const struct loader_request *req, char *err, size_t errlen);

/* The same with the kernel image already in memory (tests and fuzzers);
 * req->kernel names it in messages. */
int loader_load_image(struct cpu *c, const uint8_t *img, size_t len,
                      const struct loader_request *req, char *err, size_t errlen);

#endif
