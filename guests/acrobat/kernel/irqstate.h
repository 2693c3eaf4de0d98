/* irqstate.h - nesting "interrupts off" sections (xv6's pushcli/popcli), two ways. */
#ifndef ACROBAT_IRQSTATE_H
#define ACROBAT_IRQSTATE_H

#include <stdbool.h>

#include "trap.h"

/* Disable interrupts; the outermost call saves the interrupt state (nests). */
void irq_save(void);

/* Undo one irq_save(); undoing the outermost one restores the saved state
   (re-enabling interrupts if they were on).  Panics if interrupts are on (someone enabled them inside) or if
   there is no matching irq_save(). */
void irq_restore(void);

/* Are interrupts enabled right now? */
bool irq_enabled(void);

/* Idle: enable interrupts, halt until one arrives and has been handled, disable. */
void irq_idle_wait(void);

/* Every trap entry and exit (dispatch.c) reports here.  if_kept: the gate left
   IF as it was (trap gate) instead of clearing it (interrupt gate). */
void irq_trap_enter(const struct trapframe *tf, bool if_kept);
void irq_trap_exit(const struct trapframe *next);

/* One line for the transcript: how interrupt state is tracked. */
const char *irq_mechanism(void);

#endif
