# userhlt.s - HLT in ring 3.  HLT is privileged (SDM Vol. 2A HLT: "#GP(0)
# if the current privilege level is not 0"), so ring 3 gets #GP(0), a fault
# whose pushed EIP is the HLT; the processor never halts.
# RESULTS: +0 #GP error code, +4 pushed EIP, +8 the HLT's address,
# +12 pushed CS.
.include "kernel.inc"
    .globl _start
_start:
    SETUP
    SET_GATE 13, on_gp, 0
    mov $SEL_TSS, %ax
    ltr %ax
    movl $user_hlt, RESULTS + 8
    pushl $SEL_UDATA
    pushl $USTACK
    pushl $0x2
    pushl $SEL_UCODE
    pushl $user
    iret
user:
    mov $SEL_UDATA, %ax          # the IRET nulled DS (DPL 0); the handler uses it
    mov %ax, %ds
user_hlt:
    hlt
    EXIT 0x11                    # not reached (and would be a #GP too)
on_gp:
    mov 0(%esp), %eax
    mov %eax, RESULTS + 0
    mov 4(%esp), %eax
    mov %eax, RESULTS + 4
    mov 8(%esp), %eax
    mov %eax, RESULTS + 12
    EXIT 0x10
    TABLES
