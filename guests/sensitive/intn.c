/*
 * intn.c - INT n checks the gate's DPL against CPL (SDM Vol. 3A 6.12.1.1).
 *
 * From ring 0 an INT through a DPL-0 gate is delivered on the same stack: the
 * CPU pushes only EFLAGS, CS and EIP.  From ring 1 the same INT faults with #GP,
 * and a monitor must emulate it.  We check where the CPU put the frame, which
 * CS it pushed and that the interrupt gate cleared IF.
 */
#include "desc.h"
#include "kprintf.h"
#include "observe.h"
#include "trap.h"
#include "x86.h"

#define TEST_VECTOR 0x31          /* any vector not used by exceptions or IRQs */

static uint32_t esp_before;
static bool delivered, same_stack;
static uint32_t pushed_cs, if_in_handler;

/* Record what the CPU pushed; the frame has no SS:ESP if it stayed on our stack. */
static struct trapframe *on_int(struct trapframe *tf)
{
    delivered = true;
    pushed_cs = tf->cs;
    same_stack = (uint32_t)&tf->esp == esp_before;
    if_in_handler = (read_eflags() & EFLAGS_IF) ? 1 : 0;
    return tf;
}

int main(void)
{
    trap_set_handler(TEST_VECTOR, on_int);
    sti();                                   /* safe: every IRQ is masked */
    __asm__ volatile("movl %%esp, %0\n\tint %1" : "=m"(esp_before) : "i"(TEST_VECTOR)
                     : "memory");
    cli();
    observe_bool("int_delivered", delivered);
    observe_hex16("int_pushed_cs", (uint16_t)pushed_cs);
    observe_uint("int_pushed_rpl", pushed_cs & SEL_RPL_MASK);
    observe_bool("int_same_stack", same_stack);
    observe_uint("int_if_in_handler", if_in_handler);
    kputs("intn: INT from ring 0 through a DPL-0 gate stays on the ring-0 stack");
    return 0;
}
