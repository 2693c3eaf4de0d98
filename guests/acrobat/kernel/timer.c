/*
 * timer.c - preemption: the timer interrupt takes the CPU back.
 *
 * Channel 0 of the 8254 PIT counts down from a divisor at 1.193182 MHz and
 * raises IRQ 0 each time it wraps.  Each tick we wake sleepers whose time has
 * come and, if the tick interrupted a process in ring 3, switch to the next
 * runnable one.  A tick that interrupts the kernel (only the idle loop runs
 * with interrupts on) never switches: acrobat's kernel is not preemptible.
 *
 * Nothing printed may depend on when ticks happen: on QEMU they follow wall
 * time, on trapeze they follow the instruction count.
 */
#include "timer.h"

#include "irqstate.h"
#include "pic.h"
#include "proc.h"
#include "x86.h"

/* Intel 8254 datasheet: input clock of the PC's PIT and its I/O ports. */
#define PIT_HZ      1193182u
#define PIT_CH0     0x40
#define PIT_CONTROL 0x43
/*
 * Control word: | SC1 SC0 | RW1 RW0 | M2 M1 M0 | BCD |
 *                 00 = ch0  11 = LSB then MSB  010 = mode 2 (rate generator)  0 = binary
 */
#define PIT_CH0_LOHI_MODE2 0x34

static uint32_t ticks, preemptions;

void timer_init(void)
{
    uint32_t divisor = PIT_HZ / TIMER_HZ;
    outb(PIT_CONTROL, PIT_CH0_LOHI_MODE2);
    outb(PIT_CH0, divisor & 0xFF);
    outb(PIT_CH0, divisor >> 8);
    pic_unmask(TIMER_IRQ);
}

uint32_t timer_ticks(void)
{
    return ticks;
}

uint32_t timer_preemptions(void)
{
    return preemptions;
}

struct trapframe *timer_interrupt(struct trapframe *tf)
{
    irq_save();
    ticks++;
    proc_wake_sleepers(ticks);
    irq_restore();
    pic_eoi(TIMER_IRQ);
    if (!trap_from_user(tf))
        return tf;
    preemptions++;
    return proc_yield(tf);
}
