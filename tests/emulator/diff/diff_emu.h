/* diff_emu.h - run a differential test case in the interpreter. */
#ifndef TRAPEZE_DIFF_EMU_H
#define TRAPEZE_DIFF_EMU_H

#include "cpu.h"
#include "diff_wire.h"

/* How the interpreter is set up for a case. */
enum diff_mode {
    DIFF_MODE_FLAT,             /* CPL 0, paging off */
    DIFF_MODE_USER,             /* CPL 3, paging off, as the helper runs */
    DIFF_MODE_PAGED,            /* CPL 3, paging on: read-only page, hole, a remapped page */
};

/* The interpreter and the RAM that holds the case's pages. */
struct diff_emu {
    struct cpu cpu;
    uint8_t *ram;               /* DIFF_RAM_SIZE bytes */
    enum diff_mode mode;
    bool jit;                   /* run on the translator (cpu_jit_enable), not the interpreter */
};

/* Allocate the RAM.  Returns 0, or -1 when out of memory. */
int diff_emu_init(struct diff_emu *e);
void diff_emu_free(struct diff_emu *e);

/* Run case `k` from a fresh CPU and fill `out`; returns why cpu_run() stopped. */
enum cpu_exit diff_emu_run(struct diff_emu *e, const struct diff_case *k, struct diff_state *out);

/* Name of an exit reason, for reports. */
const char *diff_emu_exit_name(enum cpu_exit why);

#endif
