# switch.s - two address spaces, switched with MOV to CR3.
#
# PD maps test page 0 to frame 0 (holds 0x5a0), PD2 maps it to frame 1
# (holds 0x5b1); both share PT_LO.  The kernel switches CR3 between them
# NSWITCH times each way, reading test page 0 after every switch: a MOV to
# CR3 flushes the old translations (SDM Vol. 3A 4.10.4.1), so each read
# sees the frame of the directory just loaded.  Last, while PD2 is
# current, it rewrites PD's PTE to frame 2 (holds 0x5c2) and switches to
# PD: the write made while PD was not in use must count.
#
# RESULTS +8i    read after MOV CR3 := PD  (i = 0 .. NSWITCH-1)
#         +8i+4  read after MOV CR3 := PD2
#         +0xf0  read after the PTE rewrite and MOV CR3 := PD (0x5c2)
#         +0xf4  read after MOV CR3 := PD2 again (0x5b1)
.include "kernel.inc"
.include "paging.inc"
.set NSWITCH, 16
    .globl _start
_start:
    SETUP
    PAGING_INIT
    movl $0x5a0, FRAME + 0x0000
    movl $0x5b1, FRAME + 0x1000
    movl $0x5c2, FRAME + 0x2000
    SET_PTE 0, FRAME + 0x0000, P | W
    movl $(PT_T2 | P | W | U), PD2 + 2 * 4
    movl $(FRAME + 0x1000 | P | W), PT_T2 + PTE0 + 0 * 4
    PAGING_ON CR0_WP
    mov $RESULTS, %edi
    mov $NSWITCH, %ecx
1:  mov $PD, %eax
    mov %eax, %cr3
    mov TVA, %eax
    mov %eax, (%edi)
    mov $PD2, %eax
    mov %eax, %cr3
    mov TVA, %eax
    mov %eax, 4(%edi)
    add $8, %edi
    loop 1b
    SET_PTE 0, FRAME + 0x2000, P | W           # PD is not in use
    mov $PD, %eax
    mov %eax, %cr3
    mov TVA, %eax
    mov %eax, RESULTS + 0xf0
    mov $PD2, %eax
    mov %eax, %cr3
    mov TVA, %eax
    mov %eax, RESULTS + 0xf4
    EXIT 0
    HANDLERS
    TABLES
