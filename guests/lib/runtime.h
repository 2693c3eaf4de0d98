/* runtime.h - how a guest starts and stops: main(), exit through the debug port, panic. */
#ifndef GUEST_RUNTIME_H
#define GUEST_RUNTIME_H

#include <stdint.h>

/* Every guest defines main(); rt_start() calls it once the machine is set up
   (serial console, GDT/IDT/TSS, PIC masked, command line parsed).  Its return
   value is the exit status. */
int main(void);

/* Status a guest exits with when it panics. */
#define GUEST_EXIT_PANIC 0x7F

/* Stop the machine with status v (0-255): QEMU exits with (v << 1) | 1. */
__attribute__((noreturn)) void guest_exit(uint32_t v);

/* Print "panic: <message>" and exit with GUEST_EXIT_PANIC. */
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

#endif
