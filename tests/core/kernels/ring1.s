# ring1.s - an interrupt handler in ring 1 (a DPL-1 code segment).  Bare
# hardware switches to the TSS's SS1:ESP1 and runs it; under ring
# compression the guest kernel already is in ring 1 and the monitor stops.
# The handler exits through the debug port (IOPL 1 lets ring 1 do I/O).
# RESULTS: +0 CS in the handler.
.include "kernel.inc"
.set SEL_CODE1, 0x31
.set SEL_DATA1, 0x39
.set STACK1, 0x308000
    .globl _start
_start:
    SETUP
    lgdt gdt1_desc               # kernel.inc's descriptors and two of ring 1
    SET_GATE 0x40, on_int40, 3
    movw $SEL_CODE1 & ~3, IDT + 0x40 * 8 + 2
    movl $STACK1, TSS + 12       # ESP1
    movl $SEL_DATA1, TSS + 16    # SS1
    mov $SEL_TSS, %ax
    ltr %ax
    pushl $SEL_UDATA             # IRET to ring 3 with IOPL 1
    pushl $USTACK
    pushl $0x1002
    pushl $SEL_UCODE
    pushl $user
    iret
user:
    mov $SEL_UDATA, %ax          # IRET to ring 3 nulled DS (DPL 0 < CPL 3)
    mov %ax, %ds
    int $0x40
    EXIT 0x7f                    # not reached
on_int40:
    mov %cs, %eax
    mov %eax, RESULTS + 0
    EXIT 0x11
    TABLES
    .balign 8
gdt1:
    .quad 0
    .quad 0x00cf9a000000ffff     # 0x08 code, DPL 0
    .quad 0x00cf92000000ffff     # 0x10 data, DPL 0
    .quad 0x00cffa000000ffff     # 0x18 code, DPL 3
    .quad 0x00cff2000000ffff     # 0x20 data, DPL 3
    .quad 0x0000892200000067     # 0x28 available 32-bit TSS at 0x220000
    .quad 0x00cfba000000ffff     # 0x30 code, DPL 1
    .quad 0x00cfb2000000ffff     # 0x38 data, DPL 1
gdt1_end:
gdt1_desc:
    .word gdt1_end - gdt1 - 1
    .long gdt1
