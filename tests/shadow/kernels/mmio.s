# mmio.s - a device register through paging.
#
# The local APIC's registers are at physical 0xFEE00000 (SDM Vol. 3A
# 10.4.1); its version register is at offset 0x30 (SDM Vol. 3A 10.4.8) and
# its task-priority register, read/write, at 0x80 (SDM Vol. 3A 10.8.3.1).
# The kernel reads the version register by its physical address with
# paging off, then maps the APIC page at test page 0 (cache disabled, as
# for any device) and reads it through the mapping, and writes and reads
# back the TPR.
#
# RESULTS +0  version register, paging off
#         +4  version register through TVA + 0x30
#         +8  TPR read back through TVA + 0x80 after writing 0x20
.include "kernel.inc"
.include "paging.inc"
.set LAPIC, 0xfee00000
    .globl _start
_start:
    SETUP
    PAGING_INIT
    mov LAPIC + 0x30, %eax
    mov %eax, RESULTS + 0
    SET_PTE 0, LAPIC, P | W | PCD
    PAGING_ON CR0_WP
    mov TVA + 0x30, %eax
    mov %eax, RESULTS + 4
    movl $0x20, TVA + 0x80
    mov TVA + 0x80, %eax
    mov %eax, RESULTS + 8
    EXIT 0
    HANDLERS
    TABLES
