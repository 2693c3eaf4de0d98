/* trap.h - interrupts and exceptions as C calls: the trap frame and a handler table. */
#ifndef GUEST_TRAP_H
#define GUEST_TRAP_H

#include <stdbool.h>
#include <stdint.h>

/* Everything isr.S saved, lowest address first (SDM Vol. 3A 6.12.1 for the CPU part). */
struct trapframe {
    uint32_t edi, esi, ebp, esp_pushal, ebx, edx, ecx, eax;   /* PUSHAL */
    uint32_t gs, fs, es, ds;                                   /* isr_common */
    uint32_t vector, error;                                    /* the stub */
    uint32_t eip, cs, eflags;                                  /* the CPU */
    uint32_t esp, ss;          /* the CPU, only when entering from ring 3 */
};

/* Exception vectors the guests handle (SDM Vol. 3A Table 6-1; trap.c names all). */
enum {
    VEC_DE = 0,            /* divide error */
    VEC_PF = 14,           /* page fault */
};

/* A handler gets the saved state and returns the frame to resume (usually tf). */
typedef struct trapframe *trap_handler(struct trapframe *tf);

/* Route vector vec to handler h (0 restores the default, which panics). */
void trap_set_handler(int vec, trap_handler *h);

/* Called by isr.S for every interrupt and exception; returns the frame to resume. */
struct trapframe *trap_dispatch(struct trapframe *tf);

/* Restore the registers saved in tf and IRET: enters ring 3 if tf->cs says so. */
__attribute__((noreturn)) void trap_resume(struct trapframe *tf);

/* Build in *tf a frame that trap_resume() turns into a jump to ring 3 at eip/esp. */
void trap_user_frame(struct trapframe *tf, uint32_t eip, uint32_t esp, uint32_t eflags);

/* True when the trap interrupted ring-3 code. */
static inline bool trap_from_user(const struct trapframe *tf)
{
    return (tf->cs & 3) == 3;
}

#endif
