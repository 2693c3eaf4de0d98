# priv2.s - the rest of the emulated instructions: LLDT, WRMSR/RDMSR,
# REP INSB/OUTSB, far RET into ring 0, POP SS.
# RESULTS: +0 written through an LDT segment, +4 SYSENTER_CS read back,
# +8..+11 four reads of COM1's LSR, +12 1 after LRET, +16 1 after POP SS.
.include "kernel.inc"
.set SEL_LDT, 0x28               # reuses the TSS slot of kernel.inc's GDT
.set SEL_LDATA, 0x04             # LDT entry 0, TI = 1, RPL 0
.set MSR_SYSENTER_CS, 0x174      # SDM Vol. 4, table 2-2
    .globl _start
_start:
    SETUP
    # An LDT descriptor (SDM Vol. 3A 3.5: S = 0, type 2, P) for `ldt`, limit 7.
    mov $ldt, %edx
    mov %edx, %eax
    shl $16, %eax
    or $7, %eax
    mov %eax, gdt + SEL_LDT
    mov %edx, %eax
    shr $16, %eax
    and $0xff, %eax
    or $0x8200, %eax
    mov %edx, %ecx
    and $0xff000000, %ecx
    or %ecx, %eax
    mov %eax, gdt + SEL_LDT + 4
    mov $SEL_LDT, %ax
    lldt %ax
    mov $SEL_LDATA, %ax
    mov %ax, %fs
    movl $0x5a5a5a5a, %fs:RESULTS + 0
    mov $MSR_SYSENTER_CS, %ecx
    mov $SEL_KCODE, %eax
    xor %edx, %edx
    wrmsr
    xor %eax, %eax
    rdmsr
    mov %eax, RESULTS + 4
    mov $RESULTS + 8, %edi
    mov $4, %ecx
    mov $0x3fd, %dx
    rep insb
    mov $msg, %esi
    mov $3, %ecx
    mov $0x3f8, %dx
    rep outsb
    pushl $SEL_KCODE
    pushl $1f
    lret
1:  movl $1, RESULTS + 12
    pushl $SEL_KDATA
    popl %ss
    movl $1, RESULTS + 16
    EXIT 0x10
    .balign 8
ldt:
    .quad 0x00cf92000000ffff     # flat data, DPL 0
msg:
    .ascii "ok\n"
    TABLES
