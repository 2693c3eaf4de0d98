/*
 * hello.c - the first guest: print a line on the serial port and exit.
 *
 * If this works on a machine, that machine can load a Multiboot ELF, run
 * protected-mode code, emulate a 16550 UART and the isa-debug-exit port --
 * everything every other guest relies on.
 */
#include "kprintf.h"

int main(void)
{
    kputs("Hello from a trapeze guest kernel!");
    kprintf("running in ring %u, 32-bit protected mode\n", 0u);
    return 0;
}
