/* timer.h - the periodic timer: PIT channel 0 on IRQ 0, TIMER_HZ ticks a second. */
#ifndef ACROBAT_TIMER_H
#define ACROBAT_TIMER_H

#include <stdint.h>

#include "trap.h"

#define TIMER_HZ  1000
#define TIMER_IRQ 0

/* Program the PIT and unmask IRQ 0 (interrupts stay off until processes run). */
void timer_init(void);

/* Timer interrupts so far. */
uint32_t timer_ticks(void);

/* How often the timer took the CPU away from a running process. */
uint32_t timer_preemptions(void);

/* IRQ 0: count the tick, wake sleepers, preempt ring-3 code. */
struct trapframe *timer_interrupt(struct trapframe *tf);

#endif
