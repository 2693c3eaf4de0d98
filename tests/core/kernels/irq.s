# irq.s - an interrupt raised while IF = 0 must wait for STI.
# The test raises ISA IRQ 5 during the CLI loop; STI; HLT must then wake.  RESULTS: +0 loop counter,
# +4 its value when the interrupt arrived, +8 handler ESP, +12 pushed EIP,
# +16 pushed CS, +20 pushed EFLAGS, +24 &after_hlt.
.include "kernel.inc"
.set LOOPS, 200000
    .globl _start
_start:
    SETUP
    SET_GATE 0x25, on_irq, 0
    PIC_INIT
    mov $0xdf, %al               # OCW1: only IRQ 5
    out %al, $0x21
    mov $0xff, %al
    out %al, $0xa1
    movl $after_hlt, RESULTS + 24
    cli
    movl $0, RESULTS
1:  incl RESULTS
    cmpl $LOOPS, RESULTS
    jne 1b
    sti
    hlt                          # in STI's shadow: halts, then the IRQ wakes it
after_hlt:
    jmp after_hlt
on_irq:
    mov RESULTS, %eax
    mov %eax, RESULTS + 4
    mov %esp, RESULTS + 8
    mov (%esp), %eax
    mov %eax, RESULTS + 12
    mov 4(%esp), %eax
    mov %eax, RESULTS + 16
    mov 8(%esp), %eax
    mov %eax, RESULTS + 20
    EXIT 0x10
    TABLES
