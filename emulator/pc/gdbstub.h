/* gdbstub.h - a GDB remote serial protocol server for the emulated CPU. */
#ifndef TRAPEZE_GDBSTUB_H
#define TRAPEZE_GDBSTUB_H

/*
 * `trapeze run --gdb PORT` lets GDB drive the guest:
 *
 *     gdb guest.elf -ex 'target remote :PORT'
 *
 * The stub reads and writes registers and memory through struct cpu, sets
 * breakpoints in cpu->breakpoints (the interpreter checks EIP against them,
 * so guest memory is never patched), and asks its owner to run the guest
 * through the resume callback.
 */

#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"

struct gdb_target {
    struct cpu *cpu;
    void *ctx;
    /* Run the guest: one instruction if single_step, else until a
     * breakpoint or the end.  Returns -1 when the guest stopped and can go
     * on, or the guest's exit status (>= 0) when it ended. */
    int (*resume)(void *ctx, bool single_step);
    /* Optional (NULL: Ctrl-C waits for the next stop).  GDB asked to stop
     * the running guest; called from the stub's watcher thread while
     * resume() runs, so it may only set something resume() polls safely
     * (an atomic flag); resume() then returns -1. */
    void (*interrupt)(void *ctx);
};

/* Listen on 127.0.0.1:port, accept one debugger and serve it until it
 * kills or detaches, disconnects, or the guest ends.  Returns 0 when the
 * session ended that way, or a negative errno if the socket could not be
 * set up (-EADDRINUSE: the port is taken). */
int gdb_serve(struct gdb_target *t, uint16_t port);

#endif
