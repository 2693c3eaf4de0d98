/*
 * sleeper.c - pid 3: blocks in the kernel until the timer wakes it.
 *
 * While it sleeps it is not runnable; when every process sleeps, the kernel
 * halts the CPU until the next timer interrupt.
 */
#include "ulib.h"

#define NAPS 3
#define NAP_TICKS 2

int main(void)
{
    for (int i = 1; i <= NAPS; i++) {
        sleep(NAP_TICKS);
        printf("sleeper: woke up from nap %d of %d\n", i, NAPS);
    }
    return 0;
}
