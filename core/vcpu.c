/* vcpu.c - the virtual CPU: the guest's view of privilege, flags and selectors. */

/*
 * Two pieces of state are split between the guest's belief and the real
 * CPU.  The privilege level: the guest kernel runs at real CPL 1, so every
 * selector the CPU loads for it carries RPL 1, and the guest must be shown
 * RPL 0 wherever the monitor writes a selector for it (interrupt frames).
 * And EFLAGS: the real IOPL is always 0, so that IN, OUT, CLI and STI fault
 * at CPL 1 and reach the monitor, while the guest keeps its own IOPL and IF
 * here.  In the guest's ring 3 they fault too, whatever IOPL the guest
 * gave it, and the monitor applies the guest's IOPL itself (emulate.c):
 * a real IOPL of 3 there would let ring 3 clear the real IF.  The real IF is always 1, as under any real monitor: interrupts
 * belong to the monitor first.  It keeps the guest's devices from
 * interrupting while the virtual IF is clear by holding the CPU's INTR pin
 * low (machine_hold_intr, see monitor.c).  The price is the lesson of
 * chapter 4: PUSHF at CPL 1 shows the real IF, 1, whatever the guest did
 * with CLI, and POPF at CPL 1 cannot change IF at all (SDM Vol. 2B POPF).
 */
#include "vcpu.h"

/* SDM Vol. 3A 3.4.2: the RPL is bits 1:0 of a selector. */
#define SEL_RPL_MASK 3u
#define GUEST_KERNEL_RING 1u      /* where ring compression puts the guest's ring 0 */

void vcpu_init(struct vcpu *v, struct cpu *c)
{
    *v = (struct vcpu){
        .iflag = (c->eflags & FLAG_IF) != 0,
        .iopl = (c->eflags & FLAG_IOPL) >> FLAG_IOPL_SHIFT,
        .cr0 = c->cr0, .cr2 = c->cr2, .cr3 = c->cr3, .cr4 = c->cr4,
        .gdtr = c->gdtr, .idtr = c->idtr,
        .ldtr = c->seg[SEG_LDTR], .tr = c->seg[SEG_TR],
        .misc_features = c->misc_features,
    };
    vcpu_sync_cpl(v, c);
}

void vcpu_sync_cpl(struct vcpu *v, const struct cpu *c)
{
    v->cpl = c->cpl == 3 ? 3 : 0;
}

uint16_t vcpu_visible_sel(uint16_t real_sel)
{
    if ((real_sel & SEL_RPL_MASK) == GUEST_KERNEL_RING)
        return (uint16_t)(real_sel & ~SEL_RPL_MASK);
    return real_sel;
}

uint16_t vcpu_real_sel(uint16_t guest_sel)
{
    if ((guest_sel & SEL_RPL_MASK) == 0)
        return (uint16_t)(guest_sel | GUEST_KERNEL_RING);
    return guest_sel;
}

uint32_t vcpu_get_eflags(const struct vcpu *v, struct cpu *c)
{
    uint32_t f = cpu_get_eflags(c) & ~(FLAG_IF | FLAG_IOPL);
    if (v->iflag)
        f |= FLAG_IF;
    return f | (v->iopl << FLAG_IOPL_SHIFT);
}

/* SDM Vol. 1 3.4.3: VM, RF and the reserved bits are not the guest's to set here. */
void vcpu_set_eflags(struct vcpu *v, struct cpu *c, uint32_t value)
{
    v->iflag = (value & FLAG_IF) != 0;
    v->iopl = (value & FLAG_IOPL) >> FLAG_IOPL_SHIFT;
    uint32_t keep = FLAGS_ARITH | FLAG_TF | FLAG_DF | FLAG_NT | FLAG_AC | FLAG_ID;
    cpu_set_eflags(c, (value & keep) | FLAG_IF);
}

void vcpu_set_if(struct vcpu *v, bool on)
{
    v->iflag = on;
}
