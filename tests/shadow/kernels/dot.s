# dot.s - a guest with a page-table layout small enough to draw by hand.
#
# It builds (SDM Vol. 3A 4.3, 32-bit paging; flags P=1 W=2 U=4 A=0x20
# D=0x40 PS=0x80) and turns paging on:
#
#   PD  0x400000  [0] -> PT0 0x401000   P W A
#                 [2] -> PT2 0x402000   P W U A
#                 [3] =  4 MiB page at 0x00c00000   P W A D PS (CR4.PSE)
#   PT0 0x401000  [0..1023] identity    P W A D  (the kernel, stack, tables)
#   PT2 0x402000  [5] -> 0x300000       P U A D  (read-only)
#                 [6] -> 0x300000       P W U A D (the same frame, writable)
#
# Setting A and D ourselves means the picture does not depend on which
# pages the CPU happened to touch first.  Then it reads VA 0x805000, writes
# VA 0x806000 and VA 0xc01000, and exits.  tests/shadow/expected/dot.dot
# is the picture of what the shadow must then hold, derived by hand in
# test_dot.c.
.include "kernel.inc"
.set PD,  0x400000
.set PT0, 0x401000
.set PT2, 0x402000

    .globl _start
_start:
    SETUP
    mov $PD, %edi                  # three zeroed pages: PD, PT0, PT2
    xor %eax, %eax
    mov $3 * 1024, %ecx
    cld
    rep stosl
    mov $PT0, %edi                 # PT0: the first 4 MiB, one to one
    mov $0x063, %eax
    mov $1024, %ecx
1:  mov %eax, (%edi)
    add $4, %edi
    add $0x1000, %eax
    loop 1b
    movl $(PT0 | 0x023), PD + 0 * 4
    movl $(PT2 | 0x027), PD + 2 * 4
    movl $(0x00c00000 | 0x0e3), PD + 3 * 4
    movl $(0x300000 | 0x065), PT2 + 5 * 4
    movl $(0x300000 | 0x067), PT2 + 6 * 4
    mov %cr4, %eax                 # CR4.PSE: 4-MiB pages
    or $0x10, %eax
    mov %eax, %cr4
    mov $PD, %eax
    mov %eax, %cr3
    mov %cr0, %eax                 # CR0.PG and CR0.WP
    or $0x80010000, %eax
    mov %eax, %cr0
    mov 0x00805000, %eax           # read through the read-only alias
    movl $0x1234, 0x00806000       # write through the writable one
    movl $0x5678, 0x00c01000       # write into the 4-MiB page
    EXIT 0
    TABLES
