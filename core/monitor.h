/* monitor.h - the trap-and-emulate monitor: runs a guest kernel deprivileged on the teaching PC. */
#ifndef TRAPEZE_MONITOR_H
#define TRAPEZE_MONITOR_H

/*
 * Chapter 2.  A monitor attaches to a machine whose kernel the loader has
 * already placed, takes ring 0 away from it (the CPU exits to us instead of
 * entering ring 0) and from then on machine_run() runs the guest with its
 * kernel in ring 1.  Everything else -- devices, virtual time, HLT -- is the
 * bare machine's.
 */

#include <stdint.h>
#include <stdio.h>

#include "machine.h"
#include "mmu.h"

/* Monitor memory: RAM after the guest's, mapped at the top 4 MiB of the
 * linear address space (one page-directory entry, SDM Vol. 3A 4.3). */
#define MONITOR_BYTES  (4u << 20)
#define MONITOR_LINEAR 0xFFC00000u

struct monitor;

/* Take over a loaded machine (built with cfg.monitor_bytes = MONITOR_BYTES),
 * mapping guest memory with `mmu` (NULL: chapter 2's flat tables).
 * Returns the monitor, or NULL with a message in err. */
struct monitor *monitor_attach(struct machine *m, const struct mmu_ops *mmu, char *err,
                               size_t errlen);

/* Detach from the machine and free the monitor. */
void monitor_destroy(struct monitor *mon);

/* --stats: exits by reason and by instruction, instructions between exits;
 * host times on "host:" lines. */
void monitor_print_stats(struct monitor *mon, FILE *out);

#endif
