# reflect.s - exceptions and INT n delivered through this kernel's IDT.
# RESULTS: +0 ESP before #DE, +4 handler ESP, +8 pushed EIP, +12 pushed CS,
# +16 pushed EFLAGS, +20 #GP error code, +24 #GP pushed EIP, +28 &de_insn,
# +32 INT 0x80 handler ESP, +36 pushed EIP, +40 pushed CS, +44 pushed ESP,
# +48 pushed SS, +52 &gp_insn, +56 &after_int80, +60 1 when INT 0x81 arrived,
# +64 EFLAGS pushed by INT 0x80 (ring 3 runs with the IF its IRET frame had),
# +68 user ESP pushed by INT 0x82, after a far RET to ring 3.
.include "kernel.inc"
    .globl _start
_start:
    SETUP
    SET_GATE 0, on_de, 0
    SET_GATE 13, on_gp, 0
    SET_GATE 0x80, on_int80, 3
    SET_GATE 0x81, on_int81, 3
    SET_GATE 0x82, on_int82, 3
    mov $SEL_TSS, %ax
    ltr %ax
    movl $de_insn, RESULTS + 28
    movl $gp_insn, RESULTS + 52
    movl $after_int80, RESULTS + 56
    mov %esp, RESULTS + 0
    xor %ecx, %ecx
de_insn:
    div %ecx                     # #DE, no error code, same stack
    mov $0x78, %ax               # beyond the GDT limit
gp_insn:
    mov %ax, %ds                 # #GP(0x78)
    pushl $SEL_UDATA             # IRET to ring 3
    pushl $USTACK
    pushl $0x202                 # EFLAGS with IF = 1
    pushl $SEL_UCODE
    pushl $user
    iret
user:
    mov $SEL_UDATA, %ax          # IRET to ring 3 nulled DS and ES (DPL 0 < CPL 3,
    mov %ax, %ds                 # SDM Vol. 2A IRET); the handlers use DS too
    mov %ax, %es
    int $0x80
after_int80:
    int $0x81
1:  jmp 1b

on_de:
    mov %esp, RESULTS + 4
    mov (%esp), %eax
    mov %eax, RESULTS + 8
    mov 4(%esp), %eax
    mov %eax, RESULTS + 12
    mov 8(%esp), %eax
    mov %eax, RESULTS + 16
    addl $2, (%esp)              # past DIV ECX (F7 F1)
    iret
on_gp:
    mov (%esp), %eax
    mov %eax, RESULTS + 20
    mov 4(%esp), %eax
    mov %eax, RESULTS + 24
    add $4, %esp
    addl $2, (%esp)              # past MOV DS, AX (8E D8)
    iret
on_int80:
    mov %esp, RESULTS + 32
    mov (%esp), %eax
    mov %eax, RESULTS + 36
    mov 4(%esp), %eax
    mov %eax, RESULTS + 40
    mov 12(%esp), %eax
    mov %eax, RESULTS + 44
    mov 16(%esp), %eax
    mov %eax, RESULTS + 48
    mov 8(%esp), %eax
    mov %eax, RESULTS + 64
    iret                         # back to ring 3: traps (#NP: ring-3 code is not present
                                 # in the shadow GDT) and the monitor emulates it
on_int81:
    movl $1, RESULTS + 60
    pushl $SEL_UDATA             # far RET to ring 3, on a second user stack
    pushl $USTACK - 0x100
    pushl $SEL_UCODE
    pushl $user2
    lret
user2:
    int $0x82
on_int82:
    mov 12(%esp), %eax
    mov %eax, RESULTS + 68
    EXIT 0x10
    TABLES
