# cslimit.s - running off the end of a code segment: #GP(0) with EIP beyond
# CS's limit (SDM Vol. 3A 5.3), an instruction nobody can fetch.
# RESULTS: +0 #GP error code, +4 pushed EIP, +8 pushed CS.
.include "kernel.inc"
.set SEL_TINY, 0x28              # reuses the TSS slot of kernel.inc's GDT
    .globl _start
_start:
    SETUP
    SET_GATE 13, on_gp, 0
    # A code segment (SDM Vol. 3A 3.4.5: P, DPL 0, execute/read, D = 1,
    # G = 0) at `tiny`, limit 2: its three NOPs and not one byte more.
    mov $tiny, %edx
    mov %edx, %eax
    shl $16, %eax
    or $2, %eax
    mov %eax, gdt + SEL_TINY
    mov %edx, %eax
    shr $16, %eax
    and $0xff, %eax
    or $0x409a00, %eax
    mov %edx, %ecx
    and $0xff000000, %ecx
    or %ecx, %eax
    mov %eax, gdt + SEL_TINY + 4
    lgdt gdt_desc                # the shadow GDT is rebuilt at LGDT only
    ljmp $SEL_TINY, $0
on_gp:
    mov (%esp), %eax
    mov %eax, RESULTS + 0
    mov 4(%esp), %eax
    mov %eax, RESULTS + 4
    mov 8(%esp), %eax
    mov %eax, RESULTS + 8
    EXIT 0x10
tiny:
    nop
    nop
    nop                          # then EIP = 3 > limit 2: #GP(0)
    TABLES
