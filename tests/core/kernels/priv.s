# priv.s - one of each privileged instruction the monitor emulates.
# RESULTS: +0 CR3 read back, +4 CR0 after setting TS, +8 CR0 after CLTS,
# +12 CR0 after LMSW, +16 CR4 read back, +20 COM1 LSR, +24 &gdt, +28 ESP.
.include "kernel.inc"
    .globl _start
_start:
    SETUP
    movl $gdt, RESULTS + 24
    mov $SEL_TSS, %ax
    ltr %ax
    sti
    cli
    mov $0x00123000, %eax
    mov %eax, %cr3
    mov %cr3, %ebx
    mov %ebx, RESULTS + 0
    mov %cr0, %eax
    or $0x8, %eax                # CR0.TS
    mov %eax, %cr0
    mov %cr0, %eax
    mov %eax, RESULTS + 4
    clts
    mov %cr0, %eax
    mov %eax, RESULTS + 8
    mov $0x3, %ax                # PE | MP
    lmsw %ax
    mov %cr0, %eax
    mov %eax, RESULTS + 12
    mov $0x10, %eax              # CR4.PSE
    mov %eax, %cr4
    mov %cr4, %ecx
    mov %ecx, RESULTS + 16
    invlpg 0x1000
    wbinvd
    mov $0x3fd, %dx
    in (%dx), %al
    mov %al, RESULTS + 20
    mov %esp, RESULTS + 28
    EXIT 0x10
    TABLES
