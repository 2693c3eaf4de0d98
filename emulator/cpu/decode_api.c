/* decode_api.c - the interpreter's decoder, offered to monitors. */

/*
 * A trap-and-emulate monitor (chapter 2) must know which instruction
 * trapped: the #GP it receives says nothing about CLI versus LGDT.  Rather
 * than write a second x86 decoder, the monitor asks this one.  Decoding
 * fetches through the CPU's segmentation and paging, which can fault, so
 * the call sets up its own landing pad and reports a fault as -1 without
 * delivering it; no register changes.
 */

#include <setjmp.h>

#include "exec.h"

/* Copy the fields a monitor needs out of the interpreter's struct insn. */
static void export_insn(const struct insn *i, uint32_t eip, struct cpu_decoded *out)
{
    *out = (struct cpu_decoded){
        .opcode = i->opcode, .two_byte = i->two_byte,
        .opsize = i->opsize, .addrsize = i->addrsize, .rep = i->rep,
        .has_modrm = i->has_modrm, .mod = i->mod, .reg = i->reg, .rm = i->rm,
        .seg = i->ea_seg, .ea = i->ea, .imm = i->imm, .imm2 = i->imm2,
        .length = i->next_eip - eip,
    };
}

int cpu_decode(struct cpu *c, struct cpu_decoded *out)
{
    jmp_buf jb;
    void *volatile outer = c->jmp;
    struct cpu_exit_info saved = c->exit;
    uint32_t eip = c->eip, insn_eip = c->insn_eip;
    struct insn scratch;
    int rc = -1;

    c->jmp = &jb;
    fetch_flush(c);                 /* the owner may have changed CS, CPL or paging */
    if (setjmp(jb) == 0) {
        export_insn(decode_insn(c, &scratch), eip, out);
        rc = 0;
    }
    c->jmp = outer;
    c->exit = saved;        /* a fetch fault is reported as -1, not recorded */
    c->eip = eip;
    c->insn_eip = insn_eip;
    return rc;
}
