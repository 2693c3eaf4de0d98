/* mmu.h - how the monitor maps guest memory: one table of operations per chapter. */
#ifndef TRAPEZE_MMU_H
#define TRAPEZE_MMU_H

/*
 * The CPU walks exactly one set of page tables, and under the monitor they
 * are the monitor's.  What those tables contain is the question chapters 2
 * and 3 answer differently, so it sits behind this small table:
 *
 *   mmu_flat_ops   chapter 2: the guest does not page; guest linear =
 *                  guest physical = host physical, inside the guest's RAM
 *   spt_mmu_ops    chapter 3 (shadow-mmu/): shadow page tables, guest
 *                  virtual -> host physical, kept in step with the guest's
 *
 * The monitor calls these at the moments paging matters: attach, a #PF
 * exit, a guest MOV to CR0/CR3/CR4, INVLPG, and whenever it reads or writes
 * guest memory by linear address on the guest's behalf (interrupt frames,
 * descriptor tables).
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "machine.h"

struct monitor;

struct mmu_ops {
    const char *name;

    /* After the CPU is deprivileged: build what the CPU walks, point the
     * real CR3 at it.  Returns 0, or -1 with a message in err. */
    int (*attach)(struct monitor *mon, char *err, size_t errlen);

    /* Free what attach allocated (host memory only). */
    void (*detach)(struct monitor *mon);

    /* Translate guest linear `la` for a supervisor access by the monitor on
     * the guest's behalf (write: a store), setting accessed/dirty bits as
     * the CPU would.  Returns 0 with *gpa, or -1 with the #PF the guest
     * gets in mon->fault (and the virtual CR2 set). */
    int (*translate)(struct monitor *mon, uint32_t la, bool write, uint32_t *gpa);

    /* A #PF exit (mon->c->exit: error code, CR2).  Resolve it, give it to
     * the guest, or stop.  Returns MACHINE_RUNNING or why the VM stops. */
    enum machine_stop (*page_fault)(struct monitor *mon, int depth);

    /* The guest wrote CR0, CR3 or CR4 (`cr`); the virtual CPU already holds
     * the new value, `old` is the previous one.  Returns enum emu_result. */
    int (*write_cr)(struct monitor *mon, int cr, uint32_t old);

    /* The guest executed INVLPG on linear address `la`. */
    void (*invlpg)(struct monitor *mon, uint32_t la);

    /* --stats lines, or NULL. */
    void (*print_stats)(struct monitor *mon, FILE *out);
};

/* Chapter 2's: no guest paging (a guest that enables it stops, status 12). */
extern const struct mmu_ops mmu_flat_ops;

#endif
