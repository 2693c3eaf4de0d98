/* vcpu.h - the virtual CPU: what the guest believes about the processor it runs on. */
#ifndef TRAPEZE_VCPU_H
#define TRAPEZE_VCPU_H

/*
 * Under trap-and-emulate the guest kernel really executes at CPL 1 on the
 * emulated processor (struct cpu), yet it believes it runs at CPL 0 with
 * interrupts, control registers and descriptor tables of its own.  Those
 * beliefs live here.  The monitor emulates them whenever an instruction
 * that reads or writes them traps; the real EFLAGS.IF stays 1 and the
 * monitor holds device interrupts back while the virtual IF is clear.
 *
 * Ring compression maps the guest's two rings onto the real ones:
 *
 *     guest believes     really runs at
 *     CPL 0 (kernel)  -> CPL 1
 *     CPL 3 (user)    -> CPL 3
 */

#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"

struct vcpu {
    int cpl;                       /* 0 or 3: the guest's idea of its privilege level */
    bool iflag;                    /* EFLAGS.IF as the guest set it */
    unsigned iopl;                 /* EFLAGS.IOPL as the guest set it */
    uint32_t cr0, cr2, cr3, cr4;   /* the guest's control registers (none reach the CPU) */
    struct dtr gdtr, idtr;         /* the guest's tables, guest-physical addresses */
    struct seg ldtr, tr;           /* as LLDT/LTR loaded them from the guest's GDT */
    uint32_t misc_features;        /* MSR 140h as the guest wrote it: CPUID faulting for its
                                      ring 3 (the real one is the monitor's, always on) */
};

/* Start from the state the CPU holds after the Multiboot loader ran. */
void vcpu_init(struct vcpu *v, struct cpu *c);

/* Recompute the guest's privilege level from the real one (ring 1 is the
 * guest's ring 0). */
void vcpu_sync_cpl(struct vcpu *v, const struct cpu *c);

/* The selector the guest should see for a real one: RPL 1 reads as RPL 0. */
uint16_t vcpu_visible_sel(uint16_t real_sel);

/* The selector the CPU must hold for one the guest loads: RPL 0 becomes 1. */
uint16_t vcpu_real_sel(uint16_t guest_sel);

/* EFLAGS as the guest should see them: the real ones with the virtual IF and IOPL. */
uint32_t vcpu_get_eflags(const struct vcpu *v, struct cpu *c);

/* Set EFLAGS to a value the guest wrote at its CPL 0: IF and IOPL go to the
 * virtual CPU; the real IF stays 1 and the real IOPL 0, so that I/O, CLI
 * and STI keep trapping. */
void vcpu_set_eflags(struct vcpu *v, struct cpu *c, uint32_t value);

/* CLI and STI: the virtual IF (the real one stays 1). */
void vcpu_set_if(struct vcpu *v, bool on);

#endif
