/* harness.c - boot one of the chapter-2 test kernels on a machine, bare or under the monitor. */
#include "harness.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../emulator/engine.h"
#include "kimage.h"
#include "loader.h"

uint8_t *vmtest_read_kernel(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s.bin", KERNEL_DIR, name);
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "test kernel %s is missing (build target core_test_kernels)", path);
    uint8_t *buf = calloc(1, KIMAGE_MAX);
    cr_assert_not_null(buf);
    *len = fread(buf, 1, KIMAGE_MAX, f);
    fclose(f);
    return buf;
}

void vmtest_boot(struct vmtest *t, const char *name, enum vm_mode mode, uint64_t max_insns)
{
    char err[256];
    size_t len;
    uint8_t *code = vmtest_read_kernel(name, &len);
    uint8_t *img = calloc(1, KIMAGE_MAX);
    cr_assert_not_null(img);
    size_t img_len = kimage_build(img, code, len, 0);
    struct machine_config cfg = { .ram_size = K_GUEST_RAM, .serial_out = -1, .serial_in = -1,
                                  .max_insns = max_insns };
    vm_config(&cfg, mode);
    cfg.engine = test_engine_is_jit() ? MACHINE_ENGINE_JIT : MACHINE_ENGINE_INTERP;
    t->m = malloc(sizeof(*t->m));
    cr_assert_not_null(t->m);
    cr_assert_eq(machine_init(t->m, &cfg, err, sizeof(err)), 0, "machine_init: %s", err);
    struct loader_request req = { .kernel = name };
    cr_assert_eq(loader_load_image(&t->m->cpu, img, img_len, &req, err, sizeof(err)), 0,
                 "loader: %s", err);
    cr_assert_eq(vm_attach(t->m, mode, &t->mon, err, sizeof(err)), 0, "attach: %s", err);
    free(code);
    free(img);
}

enum machine_stop vmtest_run(struct vmtest *t)
{
    return machine_run(t->m);
}

uint32_t vmtest_word(const struct vmtest *t, uint32_t gpa)
{
    uint32_t v;
    memcpy(&v, t->m->ram + gpa, sizeof(v));
    return v;
}

void vmtest_set_word(struct vmtest *t, uint32_t gpa, uint32_t v)
{
    memcpy(t->m->ram + gpa, &v, sizeof(v));
}

void vmtest_run_both(struct vmtest *bare, struct vmtest *trap, const char *name, uint64_t max_insns,
                     enum machine_stop expected)
{
    vmtest_boot(bare, name, VM_BARE, max_insns);
    vmtest_boot(trap, name, VM_TRAP, max_insns);
    enum machine_stop b = vmtest_run(bare), t = vmtest_run(trap);
    cr_assert_eq(b, expected, "%s bare: stopped %d, expected %d: %s", name, b, expected, bare->m->report);
    cr_assert_eq(t, expected, "%s trap: stopped %d, expected %d: %s", name, t, expected, trap->m->report);
}

void vmtest_same_results(const struct vmtest *bare, const struct vmtest *trap, unsigned n)
{
    for (unsigned k = 0; k < n; k++) {
        uint32_t b = vmtest_word(bare, K_RESULTS + 4 * k), t = vmtest_word(trap, K_RESULTS + 4 * k);
        cr_assert_eq(t, b, "RESULTS + %u: bare 0x%08x, trap 0x%08x", 4 * k, b, t);
    }
}

void vmtest_free(struct vmtest *t)
{
    monitor_destroy(t->mon);
    machine_destroy(t->m);
    free(t->m);
}

void vmtest_write_elf(const char *name, char *dir, const char *file, char *path, size_t len)
{
    size_t code_len;
    uint8_t *code = vmtest_read_kernel(name, &code_len);
    uint8_t img[KIMAGE_MAX];
    size_t n = kimage_build(img, code, code_len, 0);
    cr_assert_not_null(mkdtemp(dir), "mkdtemp %s", dir);
    snprintf(path, len, "%s/%s", dir, file);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "cannot write %s", path);
    cr_assert_eq(fwrite(img, 1, n, f), n);
    fclose(f);
    free(code);
}
