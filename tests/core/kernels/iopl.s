# iopl.s - I/O, CLI and STI in ring 3, as the IOPL and then the TSS I/O
# permission bitmap allow them (SDM Vol. 1 18.5).  The bitmap allows
# COM1's ports (0x3F8-0x3FF) only.
# Phase A, IOPL 3: IN, REP OUTSB, CLI, INT 0x80, STI, INT 0x81.
# Phase B, IOPL 0: IN and INSB through the bitmap, IN from port 0x61 and
# CLI (both #GP(0)), then INT 0x82 ends the run.
# RESULTS: +0 COM1 LSR read in phase A, +4 EFLAGS pushed by INT 0x80,
# +8 EFLAGS pushed by INT 0x81, +12 COM1 LSR read in phase B, +16 INSB's
# byte, +20 #GP count, +24 the #GP error codes ORed, +28 bytes to skip
# after the next #GP.
.include "kernel.inc"
.set IOMAP, 0x68                 # the bitmap right after the 104-byte TSS
.set IOMAP_BYTES, 8192 + 1       # every port, and the trailing FFh byte
.set SKIP, RESULTS + 28
    .globl _start
_start:
    SETUP
    SET_GATE 13, on_gp, 0
    SET_GATE 0x80, on_int80, 3
    SET_GATE 0x81, on_int81, 3
    SET_GATE 0x82, on_int82, 3
    movw $IOMAP, TSS + 0x66      # I/O map base
    mov $TSS + IOMAP, %edi
    mov $IOMAP_BYTES, %ecx
    mov $0xff, %al
    rep stosb                    # every port denied ...
    movb $0, TSS + IOMAP + 0x3f8 / 8   # ... but COM1's
    movw $(IOMAP + IOMAP_BYTES - 1), gdt + SEL_TSS   # the TSS limit covers the map
    mov $SEL_TSS, %ax
    ltr %ax
    pushl $SEL_UDATA             # IRET to ring 3 with IOPL 3, IF 1
    pushl $USTACK
    pushl $0x3202
    pushl $SEL_UCODE
    pushl $user_a
    iret
user_a:
    mov $SEL_UDATA, %ax
    mov %ax, %ds
    mov %ax, %es
    mov $0x3fd, %dx
    in (%dx), %al
    movzbl %al, %eax
    mov %eax, RESULTS + 0
    mov $msg, %esi
    mov $2, %ecx
    mov $0x3f8, %dx
    rep outsb
    cli
    int $0x80                    # its frame shows IF = 0, IOPL 3
    sti
    int $0x81                    # IF = 1 again; the handler goes on to phase B
user_b:
    mov $0x3fd, %dx
    in (%dx), %al
    movzbl %al, %eax
    mov %eax, RESULTS + 12
    mov $RESULTS + 16, %edi
    insb
    movl $2, SKIP
    in $0x61, %al                # the bitmap denies port 0x61: #GP(0)
    movl $1, SKIP
    cli                          # IOPL 0 < CPL 3: #GP(0)
    int $0x82
on_int80:
    mov 8(%esp), %eax
    mov %eax, RESULTS + 4
    iret
on_int81:
    mov 8(%esp), %eax
    mov %eax, RESULTS + 8
    movl $user_b, (%esp)
    andl $~0x3000, 8(%esp)       # IOPL 0 from here on
    iret
on_int82:
    EXIT 0x10
on_gp:
    incl RESULTS + 20
    mov (%esp), %eax
    or %eax, RESULTS + 24
    add $4, %esp
    mov SKIP, %eax
    add %eax, (%esp)
    iret
msg:
    .ascii "ok"
    TABLES
