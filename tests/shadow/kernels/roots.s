# roots.s - more address spaces than the shadow cache holds.
#
# Ten page directories PD_n (n = 0..9), each mapping test page 0 to frame
# n (which holds 0x0a000000 + n) and sharing PT_LO.  The kernel loads them
# in turn, twice round, reading test page 0 after each MOV to CR3: each
# read must show the frame of the directory just loaded (SDM Vol. 3A
# 4.10.4.1: MOV to CR3 invalidates the old translations).  The monitor
# keeps 8 shadow roots, least recently used evicted; a cycle through ten
# never finds the next one cached.  Between the rounds the kernel rewrites
# the PTE of PD_0 (evicted by then: its table is no longer a page table the
# shadow derives from) and of PD_5 (still cached: that store is tracked).
# Last it reloads PD_8 and PD_9, the two most recently used: both cached.
#
# RESULTS +4i  read of test page 0 after MOV CR3 := PD_(i mod 10), i = 0..19
#              (round 2: PD_0 -> frame 10, 0x0a00000a; PD_5 -> frame 11, 0x0a00000b)
#         +80  read after MOV CR3 := PD_8 again (0x0a000008)
#         +84  read after MOV CR3 := PD_9 again (0x0a000009)
.include "kernel.inc"
.include "paging.inc"
.set NPD, 10
.set PD_0, 0x390000              # PD_n at PD_0 + n * 0x2000, its test table PT_n after it
    .globl _start
_start:
    SETUP
    PAGING_INIT
    mov $PD_0, %edi                            # zero the PD_n and PT_n
    xor %eax, %eax
    mov $NPD * 2 * 1024, %ecx
    rep stosl
    xor %ebx, %ebx                             # n
1:  mov %ebx, %edi
    shl $13, %edi
    add $PD_0, %edi                            # PD_n
    movl $(PT_LO | P | W | U), 0(%edi)
    lea 0x1000 + (P | W | U)(%edi), %eax       # PDE 2 -> PT_n
    mov %eax, 2 * 4(%edi)
    mov %ebx, %eax
    shl $12, %eax
    lea FRAME + (P | W)(%eax), %edx            # PT_n maps test page 0 -> frame n
    mov %edx, 0x1000 + PTE0(%edi)
    lea 0x0a000000(%ebx), %edx
    mov %edx, FRAME(%eax)                      # frame n holds 0x0a000000 + n
    inc %ebx
    cmp $NPD, %ebx
    jne 1b
    movl $0x0a00000a, FRAME + 10 * 0x1000
    movl $0x0a00000b, FRAME + 11 * 0x1000
    PAGING_ON CR0_WP
    mov $RESULTS, %esi
    call round
    movl $(FRAME + 10 * 0x1000 | P | W), PD_0 + 0 * 0x2000 + 0x1000 + PTE0
    movl $(FRAME + 11 * 0x1000 | P | W), PD_0 + 5 * 0x2000 + 0x1000 + PTE0
    call round
    mov $PD_0 + 8 * 0x2000, %eax
    mov %eax, %cr3
    mov TVA, %eax
    mov %eax, RESULTS + 80
    mov $PD_0 + 9 * 0x2000, %eax
    mov %eax, %cr3
    mov TVA, %eax
    mov %eax, RESULTS + 84
    EXIT 0

# MOV CR3 := PD_0 .. PD_9, storing the read of test page 0 after each at (%esi)+.
round:
    mov $PD_0, %ebx
    mov $NPD, %ecx
2:  mov %ebx, %cr3
    mov TVA, %eax
    mov %eax, (%esi)
    add $4, %esi
    add $0x2000, %ebx
    loop 2b
    ret
    HANDLERS
    TABLES
