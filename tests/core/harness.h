/* harness.h - boot one of the chapter-2 test kernels on a machine, bare or under the monitor. */
#ifndef TRAPEZE_TEST_CORE_HARNESS_H
#define TRAPEZE_TEST_CORE_HARNESS_H

#include <stdint.h>

#include "machine.h"
#include "monitor_internal.h"
#include "vm.h"

/* kernel.inc's fixed addresses. */
#define K_RESULTS 0x230000u
#define K_KSTACK  0x300000u
#define K_USTACK  0x310000u
#define K_GUEST_RAM (16u << 20)   /* so that monitor memory starts at 16 MiB */

struct vmtest {
    struct machine *m;
    struct monitor *mon;           /* NULL in bare mode */
};

/* Build a 16-MiB machine, load KERNEL_DIR/<name>.bin as a Multiboot kernel,
 * attach the monitor in trap mode.  Asserts (Criterion) on failure. */
void vmtest_boot(struct vmtest *t, const char *name, enum vm_mode mode, uint64_t max_insns);

/* Run until the machine stops; returns how. */
enum machine_stop vmtest_run(struct vmtest *t);

/* The 32-bit word at guest-physical address `gpa`. */
uint32_t vmtest_word(const struct vmtest *t, uint32_t gpa);

/* Write the 32-bit word at guest-physical `gpa` (a kernel's PARAM, before it runs). */
void vmtest_set_word(struct vmtest *t, uint32_t gpa, uint32_t v);

/* Boot `name` bare and under the monitor and run both to their end.
 * Asserts (Criterion) that both stop as `expected`. */
void vmtest_run_both(struct vmtest *bare, struct vmtest *trap, const char *name, uint64_t max_insns,
                     enum machine_stop expected);

/* Assert that the first n words at K_RESULTS are the same bare and under trap. */
void vmtest_same_results(const struct vmtest *bare, const struct vmtest *trap, unsigned n);

/* Free everything. */
void vmtest_free(struct vmtest *t);

/* Write KERNEL_DIR/<name>.bin as a Multiboot ELF, <file> in a fresh
 * directory made from the template `dir` (mkdtemp); the path goes to
 * path[len].  For tests that run the `trapeze` program on a test kernel. */
void vmtest_write_elf(const char *name, char *dir, const char *file, char *path, size_t len);

/* The flat binary KERNEL_DIR/<name>.bin, malloc'd; *len set. */
uint8_t *vmtest_read_kernel(const char *name, size_t *len);

#endif
