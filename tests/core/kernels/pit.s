# pit.s - HLT until the timer: program PIT channel 0, unmask IRQ 0, STI; HLT.
# The machine skips virtual time to the timer's deadline (cpu.idle).
# RESULTS: +0 TSC (virtual time) before HLT, +4 TSC in the IRQ 0 handler,
# +8 1 when the handler ran.
.include "kernel.inc"
.set PIT_COUNT, 0x8000
    .globl _start
_start:
    SETUP
    SET_GATE 0x20, on_timer, 0
    PIC_INIT
    mov $0xfe, %al               # OCW1: only IRQ 0
    out %al, $0x21
    mov $0xff, %al
    out %al, $0xa1
    # 8254 datasheet: control word 34h = counter 0, LSB then MSB, mode 2.
    mov $0x34, %al
    out %al, $0x43
    mov $(PIT_COUNT & 0xff), %al
    out %al, $0x40
    mov $(PIT_COUNT >> 8), %al
    out %al, $0x40
    rdtsc
    mov %eax, RESULTS + 0
    sti
    hlt                          # wakes at the timer's deadline
1:  jmp 1b
on_timer:
    rdtsc
    mov %eax, RESULTS + 4
    movl $1, RESULTS + 8
    EXIT 0x10
    TABLES
