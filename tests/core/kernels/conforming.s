# conforming.s - an interrupt handler in a conforming code segment runs at
# the CPL of the code it interrupts (SDM Vol. 2A INT n: "IF code segment is
# conforming OR code segment DPL = CPL THEN GOTO
# INTRA-PRIVILEGE-LEVEL-INTERRUPT"; Vol. 3A 5.8.1.2).  Ring 3 executes
# INT 0x80 through a DPL-3 gate into a conforming DPL-0 segment: no stack
# switch, EIP, CS, EFLAGS pushed on the user's stack, the handler in ring
# 3 (CS.RPL = 3).  It leaves by INT 0x81 into the ordinary kernel code
# segment, which does switch to TSS.ESP0.
# RESULTS: +0 ESP in the conforming handler, +4 its CS, +8 pushed EIP,
# +12 pushed CS, +16 the address after the INT 0x80, +20 ESP in the
# INT 0x81 handler, +24 the CS pushed by INT 0x81, +28 #GP count.
.include "kernel.inc"
.set GDT2, 0x240000              # kernel.inc's GDT and one more descriptor
.set SEL_CONF, 0x30
    .globl _start
_start:
    SETUP
    SET_GATE 13, on_gp, 0
    SET_GATE 0x80, on_conforming, 3
    SET_GATE 0x81, on_back, 3
    movw $SEL_CONF, IDT + 0x80 * 8 + 2
    cld
    mov $gdt, %esi
    mov $GDT2, %edi
    mov $SEL_CONF / 4, %ecx
    rep movsl
    # SDM Vol. 3A 3.4.5: base 0, limit 4 GiB, P, DPL 0, S, type 1110b
    # (code, conforming, readable).
    movl $0x0000ffff, GDT2 + SEL_CONF
    movl $0x00cf9e00, GDT2 + SEL_CONF + 4
    lgdt gdt2_desc
    mov $SEL_TSS, %ax
    ltr %ax
    pushl $SEL_UDATA
    pushl $USTACK
    pushl $0x2
    pushl $SEL_UCODE
    pushl $user
    iret
user:
    mov $SEL_UDATA, %ax
    mov %ax, %ds
    mov %ax, %es
    int $0x80
after_int80:
    EXIT 0x11                    # not reached: the handler leaves by INT 0x81
on_conforming:
    mov %esp, RESULTS + 0
    xor %eax, %eax
    mov %cs, %ax
    mov %eax, RESULTS + 4
    mov 0(%esp), %eax
    mov %eax, RESULTS + 8
    mov 4(%esp), %eax
    mov %eax, RESULTS + 12
    movl $after_int80, RESULTS + 16
    int $0x81
on_back:
    mov %esp, RESULTS + 20
    mov 4(%esp), %eax
    mov %eax, RESULTS + 24
    EXIT 0x10
on_gp:
    incl RESULTS + 28
    EXIT 0x12
gdt2_desc:
    .word SEL_CONF + 7
    .long GDT2
    TABLES
