/*
 * hello.c - the first guest: print a line on the serial port and exit.
 *
 * If this works on a machine, that machine can load a Multiboot ELF, run
 * protected-mode code, emulate a 16550 UART and the isa-debug-exit port --
 * everything every other guest relies on.  The second line exercises the
 * runtime's printf.
 */
#include "kprintf.h"

int main(void)
{
    kputs("Hello from a trapeze guest kernel!");
    /* One of each conversion (%p always prints 0x and 8 digits). */
    kprintf("printf: [%d] [%u] [%x] [%08x] [%5d] [%s] [%c] [%p] [%%]\n",
            -42, 42u, 0xbeefu, 0x1234u, 7, "str", 'c', (void *)0x101000);
    return 0;
}
