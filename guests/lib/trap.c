/*
 * trap.c - where every interrupt and exception lands.
 *
 * isr.S turns a vector into a call to trap_dispatch() with a pointer to the
 * saved registers.  Guests install C handlers per vector; a vector nobody
 * claimed is a bug, so the default handler names the exception and panics.
 */
#include "trap.h"

#include "desc.h"
#include "runtime.h"
#include "string.h"
#include "x86.h"

static trap_handler *handlers[IDT_ENTRIES];

/* SDM Vol. 3A Table 6-1: mnemonics of the architectural exceptions. */
static const char *const exception_names[] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "(9)",
    "#TS", "#NP", "#SS", "#GP", "#PF", "(15)", "#MF", "#AC", "#MC", "#XM",
};

void trap_set_handler(int vec, trap_handler *h)
{
    handlers[vec] = h;
}

/* The default handler: report the unexpected trap and stop. */
static void trap_unexpected(const struct trapframe *tf)
{
    const char *name = tf->vector < sizeof(exception_names) / sizeof(exception_names[0])
                     ? exception_names[tf->vector] : "interrupt";
    panic("unexpected %s (vector %u) error=%x at %x:%08x eflags=%08x cr2=%08x",
          name, tf->vector, tf->error, tf->cs, tf->eip, tf->eflags, read_cr2());
}

struct trapframe *trap_dispatch(struct trapframe *tf)
{
    trap_handler *h = handlers[tf->vector];
    if (!h)
        trap_unexpected(tf);
    return h(tf);
}

void trap_user_frame(struct trapframe *tf, uint32_t eip, uint32_t esp, uint32_t eflags)
{
    memset(tf, 0, sizeof(*tf));
    tf->ds = tf->es = tf->fs = tf->gs = SEL_UDATA;
    tf->cs = SEL_UCODE;
    tf->ss = SEL_UDATA;
    tf->eip = eip;
    tf->esp = esp;
    tf->eflags = eflags | EFLAGS_RESERVED1;
}
