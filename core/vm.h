/* vm.h - boot a guest on the bare machine or under the monitor, in one call. */
#ifndef TRAPEZE_VM_H
#define TRAPEZE_VM_H

/*
 * The same kernel, the same machine, two ways to run it: `bare` lets the CPU
 * own ring 0 (chapter 1), `trap` puts the monitor there (chapter 2).  Used
 * by `trapeze popek`, the tests and the benchmarks to compare the two.
 */

#include <stdbool.h>
#include <stdint.h>

#include "machine.h"
#include "mmu.h"

enum vm_mode { VM_BARE, VM_TRAP };

struct monitor;

/* How the run ended. */
struct vm_result {
    enum machine_stop stop;
    int exit_status;               /* MACHINE_EXITED: (value << 1) | 1 */
    char report[160];
    uint64_t icount;
};

/* Parse "bare" or "trap".  Returns 0, or -1. */
int vm_parse_mode(const char *s, enum vm_mode *mode);

/* The MMU every later VM_TRAP attach uses: chapter 2's flat one unless a
 * later chapter's program or test installs its own (chapter 3: shadow
 * page tables).  NULL restores the flat one. */
void vm_use_mmu(const struct mmu_ops *ops);

/* Make cfg suitable for `mode` (trap mode needs monitor memory). */
void vm_config(struct machine_config *cfg, enum vm_mode mode);

/* After machine_init and loader_load: in trap mode attach the monitor
 * (*mon), in bare mode do nothing.  Returns 0, or -1 with a message in err. */
int vm_attach(struct machine *m, enum vm_mode mode, struct monitor **mon, char *err, size_t errlen);

/* Boot `kernel` (with command line `args`, or NULL), serial output to
 * serial_fd, at most max_insns instructions (0: no limit).  Returns 0 with
 * *r filled in, or -1 with a message in err. */
int vm_run(const char *kernel, const char *args, enum vm_mode mode, int serial_fd,
           uint64_t max_insns, struct vm_result *r, char *err, size_t errlen);

#endif
