# outal.s - OUT AL sends one byte, whatever the rest of EAX holds (SDM Vol. 2B OUT).
.include "kernel.inc"
    .globl _start
_start:
    SETUP
    mov $0xabcd1200, %eax          # junk above AL ...
    mov $0x05, %al                 # ... and 5 in AL: the exit status is (5 << 1) | 1
    out %al, $0xf4
    EXIT 0x7f                      # not reached
    TABLES
