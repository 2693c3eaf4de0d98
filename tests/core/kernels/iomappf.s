# iomappf.s - a page fault while the processor reads the TSS's I/O
# permission bitmap.  Ring 3 with IOPL 0 executes IN from COM1's line
# status register, so the processor consults the bitmap (SDM Vol. 1
# 18.5.2) with a supervisor read (SDM Vol. 3A 4.6: TSS accesses are
# supervisor-mode), and the bitmap's page is not present: #PF, a fault of
# the IN (its frame points at the IN), CR2 the bitmap byte for the port,
# error code 0 (not present, read, supervisor: SDM Vol. 3A 4.7).  The
# handler maps the page and returns; the IN runs again and the bitmap,
# which allows COM1, lets it through.
#
# 32-bit paging (SDM Vol. 3A 4.3): PD's entry 0 names PT, which maps
# 0..4 MiB one to one, present, writable and user -- all but the page at
# IOMAP, where the bitmap starts (the TSS itself stays present).
#
# RESULTS: +0 #PF count, +4 its error code, +8 its CR2, +12 pushed EIP,
# +16 pushed CS, +20 the IN's address, +24 the byte IN read, +28 #GP count,
# +32 the #GP's error code.
.include "kernel.inc"
.set PD, 0x380000
.set PT, 0x381000
.set PTE_PWU, 0x7                # P, R/W, U/S (SDM Vol. 3A table 4-6)
.set PTE_PW, 0x3
.set CR0_PG, 0x80000000
.set IOMAP_OFF, 0x1000           # the bitmap starts one page into the TSS
.set IOMAP, TSS + IOMAP_OFF
.set IOMAP_BYTES, 8192 + 1       # every port, and the trailing FFh byte
.set COM1_LSR, 0x3fd
.set IOMAP_PTE, PT + (IOMAP >> 12) * 4
    .globl _start
_start:
    SETUP
    SET_GATE 13, on_gp, 0
    SET_GATE 14, on_pf, 0
    SET_GATE 0x80, on_done, 3
    cld
    mov $IOMAP, %edi             # every port denied ...
    mov $IOMAP_BYTES, %ecx
    mov $0xff, %al
    rep stosb
    movb $0, IOMAP + COM1_LSR / 8   # ... but COM1's
    movw $IOMAP_OFF, TSS + 0x66  # I/O map base
    movw $(IOMAP_OFF + IOMAP_BYTES - 1), gdt + SEL_TSS   # the TSS limit covers the map
    mov $SEL_TSS, %ax
    ltr %ax
    mov $PD, %edi                # the page directory: empty but for entry 0
    xor %eax, %eax
    mov $1024, %ecx
    rep stosl
    movl $(PT | PTE_PWU), PD
    mov $PT, %edi                # the page table: 0..4 MiB one to one
    mov $PTE_PWU, %eax
    mov $1024, %ecx
1:  stosl
    add $0x1000, %eax
    loop 1b
    movl $0, IOMAP_PTE           # the bitmap's first page: not present
    mov $PD, %eax
    mov %eax, %cr3
    mov %cr0, %eax
    or $CR0_PG, %eax
    mov %eax, %cr0
    movl $user_in, RESULTS + 20
    pushl $SEL_UDATA
    pushl $USTACK
    pushl $0x2                   # IOPL 0: the bitmap decides
    pushl $SEL_UCODE
    pushl $user
    iret
user:
    mov $SEL_UDATA, %ax
    mov %ax, %ds
    mov %ax, %es
    mov $COM1_LSR, %dx
user_in:
    in (%dx), %al                # #PF reading the bitmap, then allowed
    movzbl %al, %eax
    mov %eax, RESULTS + 24
    int $0x80
on_pf:
    incl RESULTS + 0
    mov 0(%esp), %eax
    mov %eax, RESULTS + 4
    mov %cr2, %eax
    mov %eax, RESULTS + 8
    mov 4(%esp), %eax
    mov %eax, RESULTS + 12
    mov 8(%esp), %eax
    mov %eax, RESULTS + 16
    cmpl $1, RESULTS + 0
    ja too_many
    movl $(IOMAP | PTE_PW), IOMAP_PTE   # map the page and retry the IN
    invlpg IOMAP
    add $4, %esp
    iret
too_many:
    EXIT 0x12
on_gp:
    incl RESULTS + 28
    mov 0(%esp), %eax
    mov %eax, RESULTS + 32
    EXIT 0x11
on_done:
    EXIT 0x10
    TABLES
