/* proc.h - processes and the scheduler: who runs, who waits, who is done. */
#ifndef ACROBAT_PROC_H
#define ACROBAT_PROC_H

#include <stdint.h>

#include "trap.h"

/* A user program embedded in the kernel image (userprogs.S, generated). */
struct user_program {
    const char *name;
    const uint8_t *start, *end;            /* the ELF file's bytes */
};
extern const struct user_program user_programs[];   /* ends with a 0 name */

enum proc_state { PROC_UNUSED, PROC_RUNNABLE, PROC_SLEEPING, PROC_ZOMBIE };

#define NPROC        8
#define OUTPUT_BYTES 1024                  /* what a process may write() */
#define EXIT_KILLED  (-1)                  /* status of a process the kernel killed */

struct proc {
    int pid;
    const char *name;
    enum proc_state state;
    uint32_t *pd;                          /* page directory */
    uint8_t *kstack;                       /* one page; traps from ring 3 land on top */
    struct trapframe *tf;                  /* saved user state while not running */
    uint32_t heap_start, brk;              /* heap is [heap_start, brk) */
    uint32_t wake_tick;                    /* PROC_SLEEPING: wake when ticks reach it */
    int exit_status;
    uint32_t zero_fills;                   /* demand-zero pages mapped */
    char output[OUTPUT_BYTES];             /* printed by the kernel, in pid order */
    uint32_t output_len;
};

extern struct proc procs[NPROC];
extern struct proc *current;               /* the process whose frame we run on */

/* Create a process running prog.  Returns its pid or -1. */
int proc_spawn(const struct user_program *prog);

/* Start running processes (the first runnable one); never returns. */
__attribute__((noreturn)) void proc_start(void);

/* Scheduling points; each takes the current frame and returns the frame to run. */
struct trapframe *proc_yield(struct trapframe *tf);
struct trapframe *proc_sleep(struct trapframe *tf, uint32_t ticks);
struct trapframe *proc_exit(struct trapframe *tf, int status);

/* Append n bytes to p's output; returns how many fitted. */
uint32_t proc_output(struct proc *p, const char *buf, uint32_t n);

/* Make runnable every sleeper whose wake-up tick has come. */
void proc_wake_sleepers(uint32_t now);

/* Is va in p's demand-zero regions (heap or stack)? */
int proc_demand_zero(const struct proc *p, uint32_t va);

/* main.c: called when every process has exited; reports and stops the machine. */
__attribute__((noreturn)) void kernel_finish(void);

#endif
