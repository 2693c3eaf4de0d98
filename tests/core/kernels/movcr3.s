# movcr3.s - a sensitive-instruction guest for MOV to/from CR3, which is
# privileged: it traps and the monitor emulates it, so the guest sees what
# it wrote.  Prints "observe cr3 0x00123000" on COM1, like guests/sensitive/.
.include "kernel.inc"
    .globl _start
_start:
    SETUP
    mov $0x00123000, %eax
    mov %eax, %cr3
    mov %cr3, %ebx
    mov $prefix, %esi
    call puts
    mov $8, %ecx                 # eight hex digits, most significant first
1:  rol $4, %ebx
    mov %ebx, %eax
    and $0xf, %eax
    movb hex(%eax), %al
    call putc
    loop 1b
    mov $0x0a, %al
    call putc
    EXIT 0
putc:                            # AL to COM1's transmit register
    mov $0x3f8, %dx
    out %al, (%dx)
    ret
puts:                            # the NUL-terminated string at ESI
    lodsb
    test %al, %al
    jz 2f
    call putc
    jmp puts
2:  ret
prefix:
    .asciz "observe cr3 0x"
hex:
    .ascii "0123456789abcdef"
    TABLES
