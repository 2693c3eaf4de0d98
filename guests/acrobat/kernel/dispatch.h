/* dispatch.h - what acrobat does for each trap: faults, the timer, system calls. */
#ifndef ACROBAT_DISPATCH_H
#define ACROBAT_DISPATCH_H

/* Install the kernel's handlers for exceptions, IRQ 0 and INT 0x80. */
void dispatch_init(void);

#endif
