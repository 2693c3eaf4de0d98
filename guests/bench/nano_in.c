/*
 * nano_in.c - read I/O port 0x80 N times.
 *
 * Port 0x80 is the POST diagnostic port: reading it does nothing, which makes it
 * the classic "how much does one I/O instruction cost" probe.  On hardware an IN
 * takes microseconds; under a monitor every IN is an exit.
 */
#include "nano.h"
#include "x86.h"

#define POST_PORT 0x80             /* IBM PC/AT: manufacturing diagnostic port */

int main(void)
{
    uint32_t iters = nano_iters();
    for (uint32_t i = 0; i < iters; i++)
        (void)inb(POST_PORT);
    nano_report("in", iters);
    return 0;
}
