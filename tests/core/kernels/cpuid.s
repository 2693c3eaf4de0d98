# cpuid.s - CPUID, which the monitor makes trap with CPUID faulting (cpu.h),
# and the guest's own CPUID faulting for its ring 3 (MSR 140h bit 0).
# RESULTS: +0..+12 leaf 0 EAX EBX ECX EDX in ring 0, +16..+28 leaf 1,
# +32 leaf 0 EBX in ring 3 (faulting off), +36 MSR CEh (EAX), +40 MSR 140h
# (EAX) as the guest first reads it, +44 #GP count, +48 #GP error code,
# +52 #GP pushed EIP, +56 &user_cpuid, +60 MSR 140h after the guest set it.
.include "kernel.inc"
.set MSR_PLATFORM_INFO, 0xce
.set MSR_MISC_FEATURES, 0x140
    .globl _start
_start:
    SETUP
    SET_GATE 13, on_gp, 0
    SET_GATE 0x80, on_int80, 3
    mov $SEL_TSS, %ax
    ltr %ax
    movl $user_cpuid, RESULTS + 56
    xor %eax, %eax
    cpuid
    mov %eax, RESULTS + 0
    mov %ebx, RESULTS + 4
    mov %ecx, RESULTS + 8
    mov %edx, RESULTS + 12
    mov $1, %eax
    cpuid
    mov %eax, RESULTS + 16
    mov %ebx, RESULTS + 20
    mov %ecx, RESULTS + 24
    mov %edx, RESULTS + 28
    mov $MSR_PLATFORM_INFO, %ecx
    rdmsr
    mov %eax, RESULTS + 36
    mov $MSR_MISC_FEATURES, %ecx
    rdmsr
    mov %eax, RESULTS + 40
    pushl $SEL_UDATA             # IRET to ring 3
    pushl $USTACK
    pushl $0x202
    pushl $SEL_UCODE
    pushl $user
    iret
user:
    mov $SEL_UDATA, %ax
    mov %ax, %ds
    mov %ax, %es
    xor %eax, %eax
    cpuid                        # faulting is off for the guest: it works
    mov %ebx, RESULTS + 32
    int $0x80                    # the kernel turns the guest's faulting on
    xor %eax, %eax
user_cpuid:
    cpuid                        # now #GP(0) to the guest's handler
    EXIT 0x7f                    # not reached
on_int80:
    mov $MSR_MISC_FEATURES, %ecx
    mov $1, %eax
    xor %edx, %edx
    wrmsr
    xor %eax, %eax
    rdmsr
    mov %eax, RESULTS + 60
    iret
on_gp:
    incl RESULTS + 44
    mov (%esp), %eax
    mov %eax, RESULTS + 48
    mov 4(%esp), %eax
    mov %eax, RESULTS + 52
    EXIT 0x10
    TABLES
