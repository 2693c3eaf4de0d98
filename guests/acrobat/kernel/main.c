/*
 * main.c - acrobat, a small teaching OS that runs as a trapeze guest.
 *
 * It boots like any guest (lib/runtime.c has set up the GDT, IDT and TSS),
 * turns paging on, reads a sector from the IDE disk, starts the timer and four
 * ring-3 processes, and lets the scheduler run them until all have exited.
 * Processes do not print directly: their write()s are collected per process
 * and printed here, in pid order, once everyone is done.  That way the
 * transcript is the same whether the timer ticks in wall time (QEMU) or in
 * instructions (trapeze), however the processes happened to interleave.
 *
 * The exit status is 0 only if every self-check passed.
 */
#include "dispatch.h"
#include "ide.h"
#include "irqstate.h"
#include "kalloc.h"
#include "kprintf.h"
#include "proc.h"
#include "runtime.h"
#include "string.h"
#include "timer.h"
#include "vm.h"

#define DISK_DEMO_LBA 1
#define DISK_MAGIC "acrobat disk, sector 1:"

extern char _end[];                 /* kernel.ld: end of the kernel image */

static int checks_failed;

/* Print "check <what>: ok|FAILED" and remember failures. */
static void check(const char *what, int ok)
{
    kprintf("check %s: %s\n", what, ok ? "ok" : "FAILED");
    checks_failed += !ok;
}

/* Read sector DISK_DEMO_LBA and print its first line; returns whether it was right. */
static int disk_demo(void)
{
    static char sector[SECTOR_BYTES + 1];
    if (ide_read(DISK_DEMO_LBA, sector) < 0) {
        kputs("disk: no disk on the primary IDE channel, or a read error");
        return 0;
    }
    char *nl = memchr(sector, '\n', SECTOR_BYTES);
    if (nl)
        *nl = '\0';
    kprintf("disk: sector %u says \"%s\"\n", DISK_DEMO_LBA, sector);
    return !strncmp(sector, DISK_MAGIC, strlen(DISK_MAGIC));
}

static int disk_ok;

int main(void)
{
    kputs("acrobat: a small teaching OS");
    kprintf("acrobat: interrupt state is tracked with %s\n", irq_mechanism());
    vm_init();
    kalloc_init((uint32_t)_end, KERNEL_MAP_BYTES);
    kputs("acrobat: paging on; the kernel is mapped supervisor-only in every process");
    disk_ok = disk_demo();
    dispatch_init();
    timer_init();
    kprintf("acrobat: timer at %u Hz on IRQ 0\n", TIMER_HZ);
    for (const struct user_program *u = user_programs; u->name; u++) {
        int pid = proc_spawn(u);
        if (pid < 0)
            panic("cannot start %s", u->name);
        kprintf("acrobat: started pid %d (%s)\n", pid, u->name);
    }
    proc_start();
}

/* Print one process's record and everything it wrote. */
static void report(const struct proc *p)
{
    kprintf("--- pid %d (%s): exit status %d, %u demand-zero page(s)\n",
            p->pid, p->name, p->exit_status, p->zero_fills);
    for (uint32_t i = 0; i < p->output_len; i++)
        kprintf("%c", p->output[i]);
}

/* The process named name, or 0. */
static const struct proc *find(const char *name)
{
    for (int i = 0; i < NPROC; i++)
        if (procs[i].state != PROC_UNUSED && !strncmp(procs[i].name, name, strlen(name) + 1))
            return &procs[i];
    return 0;
}

void kernel_finish(void)
{
    kputs("acrobat: every process has exited; their output, in pid order:");
    for (int i = 0; i < NPROC; i++)
        if (procs[i].state != PROC_UNUSED)
            report(&procs[i]);
    kputs("---");
    const struct proc *hello = find("hello"), *crasher = find("crasher");
    check("disk read over IDE", disk_ok);
    check("the timer preempted a running process", timer_preemptions() > 0);
    check("sbrk memory was mapped on first touch", hello && hello->zero_fills >= 3);
    check("the crasher was killed and the kernel survived",
          crasher && crasher->exit_status == EXIT_KILLED);
    int clean = 1;
    for (int i = 0; i < NPROC; i++)
        if (procs[i].state != PROC_UNUSED && &procs[i] != crasher)
            clean &= procs[i].exit_status == 0;
    check("every other process exited with status 0", clean);
    kprintf("acrobat: %s\n", checks_failed ? "SOME CHECKS FAILED" : "all checks passed");
    guest_exit(checks_failed ? 1 : 0);
}
