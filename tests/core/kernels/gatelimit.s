# gatelimit.s - a gate whose entry point lies beyond its code segment's
# limit.  SDM Vol. 2A INT n: "IF EIP not within code segment limits THEN
# #GP(EXT)" -- the error code names the null selector, with EXT = 0 for
# INT n and 1 for an exception -- raised before anything is pushed.
# INT 0x40 and UD2 (#UD) both go through gates to offset 0x10 of a code
# segment of limit 0x0f (the handler itself never runs, so the segment
# holds no code).  INT n and #UD are benign (SDM Vol. 3A 6.15, table
# 6-4), so a #GP while delivering them is delivered as itself, not as #DF.
# With PARAM = 1 instead: INT 0x41 through a gate to 0xFFC00000 in the flat
# kernel code segment, within its limit, which is where chapter 2's
# monitor lives (MONITOR_LINEAR): bare hardware jumps there (and its open
# bus faults at once: on_gp logs that fault, pushed EIP 0xFFC00000).
# RESULTS: +0 #GP count, then per #GP (+4, +16) its error code, pushed EIP
# and pushed CS; +28 the INT 0x40's address, +32 the UD2's.
.include "kernel.inc"
.set SEL_SMALL, 0x28             # reuses the TSS slot of kernel.inc's GDT
.set ENTRY, 0x10                 # the gates' offset: the limit + 1
.set PARAM, RESULTS + 0x100
.set GP_COUNT, RESULTS + 0
    .globl _start
_start:
    SETUP
    SET_GATE 13, on_gp, 0
    SET_GATE 0x40, ENTRY, 3
    SET_GATE 6, ENTRY, 0
    movw $SEL_SMALL, IDT + 0x40 * 8 + 2
    movw $SEL_SMALL, IDT + 6 * 8 + 2
    # SDM Vol. 3A 3.4.5: base 0, limit 0x0f, G = 0, D = 1, P, DPL 0,
    # execute/read code.
    movl $0x0000000f, gdt + SEL_SMALL
    movl $0x00409a00, gdt + SEL_SMALL + 4
    lgdt gdt_desc                # the shadow GDT is rebuilt at LGDT only
    cmpl $1, PARAM
    je monitor_region
    movl $int40, RESULTS + 28
    movl $ud, RESULTS + 32
int40:
    int $0x40                    # #GP(0)
ud:
    ud2                          # #UD, then #GP(1)
    EXIT 0x10
monitor_region:
    SET_GATE 0x41, 0xffc00000, 0
    int $0x41
    EXIT 0x13
# Log the #GP and return past the 2-byte INT 0x40 or UD2; a third #GP
# means delivery went wrong: stop.
on_gp:
    mov GP_COUNT, %ecx
    cmp $2, %ecx
    jae too_many
    imul $12, %ecx, %edx
    mov (%esp), %eax
    mov %eax, RESULTS + 4(%edx)
    mov 4(%esp), %eax
    mov %eax, RESULTS + 8(%edx)
    mov 8(%esp), %eax
    mov %eax, RESULTS + 12(%edx)
    incl GP_COUNT
    add $4, %esp
    addl $2, (%esp)
    iret
too_many:
    EXIT 0x12
    TABLES
