# isolation.s - reaching for monitor memory.  Run with 16 MiB of guest RAM:
# the monitor's memory starts at physical 0x1000000.
# RESULTS: +0 value read beyond RAM, +4 #GP error, +8 #GP count,
# +12 #NP error, +16 #NP count, +20 the local APIC version register.
.include "kernel.inc"
    .globl _start
_start:
    SETUP
    SET_GATE 13, on_gp, 0
    SET_GATE 11, on_np, 0
    movl 0x01000100, %eax        # guest-physical beyond RAM: open bus
    mov %eax, RESULTS + 0
    movl $0xdeadbeef, 0x01000100 # page directory entry 64 of the monitor, if it reached
    movl $0xdeadbeef, 0x01004008 # the shadow GDT's entry 1, if it reached
    movl 0xfee00030, %eax        # the local APIC's version register (Intel SDM Vol. 3A 10.4.8)
    mov %eax, RESULTS + 20
    movl 0xffc04000, %eax        # the monitor's linear region: beyond the segment limit
    lgdt evil_desc               # a GDT whose data segment has base 0xFFC00000
    mov $0x10, %ax
    mov %ax, %es                 # not present in the shadow: #NP(0x10)
    EXIT 0x10
on_gp:
    pop %eax
    mov %eax, RESULTS + 4
    incl RESULTS + 8
    addl $5, (%esp)              # past MOV EAX, moffs32 (A1 imm32)
    iret
on_np:
    pop %eax
    mov %eax, RESULTS + 12
    incl RESULTS + 16
    addl $2, (%esp)              # past MOV ES, AX (8E C0)
    iret
    TABLES
    .balign 8
evil:
    .quad 0
    .quad 0x00cf9a000000ffff     # 0x08 code, DPL 0
    .quad 0xffcf92c00000ffff     # 0x10 data, DPL 0, base 0xFFC00000
evil_desc:
    .word 3 * 8 - 1
    .long evil
