# reflect2.s - more of SDM Vol. 3A 6.12-6.15: INT n through a not-present
# gate (#NP with the IDT bit in its error code), a contributory fault while
# delivering one (#DF), and #GP from ring 3 (error code on the TSS's stack).
# RESULTS: +0 #NP error code, +4 #NP pushed EIP, +8 &np_insn,
# +12 #DF error code, +16 #DF handler ESP, +20 #DF count, +24 #GP error
# code, +28 pushed EIP, +32 pushed CS, +36 pushed EFLAGS, +40 pushed ESP,
# +44 pushed SS, +48 #GP handler ESP, +52 &gp_insn, +56 ESP before #DE.
.include "kernel.inc"
    .globl _start
_start:
    SETUP
    SET_GATE 0, on_de, 0
    SET_GATE 8, on_df, 0
    SET_GATE 11, on_np, 0
    SET_GATE 13, on_gp, 0
    SET_GATE 0x41, on_np, 3
    andw $0x7fff, IDT + 0 * 8 + 4     # gates 0 and 0x41: P = 0
    andw $0x7fff, IDT + 0x41 * 8 + 4
    mov $SEL_TSS, %ax
    ltr %ax
    movl $np_insn, RESULTS + 8
    movl $gp_insn, RESULTS + 52
np_insn:
    int $0x41                    # #NP(0x41 * 8 + 2): IDT bit, EXT = 0 for INT n
    mov %esp, RESULTS + 56
    xor %ecx, %ecx
    div %ecx                     # #DE, its gate not present: #NP while delivering it: #DF(0)
df_done:
    pushl $SEL_UDATA             # IRET to ring 3
    pushl $USTACK
    pushl $0x202
    pushl $SEL_UCODE
    pushl $user
    iret
user:
    mov $SEL_UDATA, %ax
    mov %ax, %ds
    mov %ax, %es
    mov $0x78, %ax               # beyond the GDT limit
gp_insn:
    mov %ax, %ds                 # #GP(0x78) in ring 3
    EXIT 0x7f                    # not reached
on_de:
    EXIT 0x7e                    # not reached: the gate is not present
on_np:
    mov (%esp), %eax
    mov %eax, RESULTS + 0
    mov 4(%esp), %eax
    mov %eax, RESULTS + 4
    add $4, %esp
    addl $2, (%esp)              # past INT 0x41 (CD 41)
    iret
on_df:
    mov (%esp), %eax
    mov %eax, RESULTS + 12
    mov %esp, RESULTS + 16
    incl RESULTS + 20
    mov $KSTACK, %esp            # an abort: no return (its saved CS:EIP are undefined)
    jmp df_done
on_gp:
    mov %esp, RESULTS + 48
    mov (%esp), %eax
    mov %eax, RESULTS + 24
    mov 4(%esp), %eax
    mov %eax, RESULTS + 28
    mov 8(%esp), %eax
    mov %eax, RESULTS + 32
    mov 12(%esp), %eax
    mov %eax, RESULTS + 36
    mov 16(%esp), %eax
    mov %eax, RESULTS + 40
    mov 20(%esp), %eax
    mov %eax, RESULTS + 44
    EXIT 0x10
    TABLES
