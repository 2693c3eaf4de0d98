# wp.s - CR0.WP (SDM Vol. 3A 4.6.1).
#
# With CR0.WP = 1 a supervisor-mode write to a read-only page faults
# (error code 0x3: P = 1, W/R = 1, U/S = 0, SDM Vol. 3A 6.15); with
# CR0.WP = 0 supervisor-mode writes ignore R/W (SDM Vol. 3A 4.6.1).  The
# kernel writes read-only pages with WP = 1, then 0, then 1 again.  The
# TLB holds R/W, not the verdict (SDM Vol. 3A 4.10.2.2), so a change of
# WP applies from the next access on.  WP concerns supervisor writes only:
# a user-mode write to a read-only page faults with WP = 0 too (4.6.1), also
# right after the kernel wrote that page (so the shadow maps it writable,
# for the supervisor only).
#
# RESULTS +0  read back of page 0 + 4 after a write with WP = 0 (0x2222)
#         +4  read back of page 1 + 4 (a read-only user page), WP = 0 (0x3333)
#         +8  read of page 0 + 8 after the faulting write with WP = 1 (0x0f0f0008)
#         +12 USER_EAX: a user read of page 1 + 4, WP = 0, after the user write (0x3333)
# PF_LOG  [0] write TVA, WP = 1    [1] user write TVA + 0x1010, WP = 0
#         [2] write TVA + 8, WP = 1 again
.include "kernel.inc"
.include "paging.inc"
    .globl _start
_start:
    SETUP
    PAGING_INIT
    SET_GATE 0x30, on_user_done, 3
    movl $0x0f0f0000, FRAME + 0x0000
    movl $0x0f0f0008, FRAME + 0x0008
    SET_PTE 0, FRAME + 0x0000, P               # supervisor, read-only
    SET_PTE 1, FRAME + 0x1000, P | U           # user, read-only
    USER_PAGE u_write_ro
    PAGING_ON CR0_WP
    mov TVA, %eax                              # reading is allowed
    ON_FAULT_GOTO 1f
    movl $0x1111, TVA                          # WP = 1: #PF(3)
1:  mov %cr0, %eax
    and $~CR0_WP, %eax
    mov %eax, %cr0
    movl $0x2222, TVA + 4                      # WP = 0: allowed
    mov TVA + 4, %eax
    mov %eax, RESULTS + 0
    movl $0x3333, TVA + 0x1004                 # also on a user page
    mov TVA + 0x1004, %eax
    mov %eax, RESULTS + 4
    USER_CALL u_write_ro, u_write_ro_back      # WP = 0 still: #PF(7)
    USER_CALL u_read_ro, u_read_ro_back
    mov USER_EAX, %eax
    mov %eax, RESULTS + 12
    mov %cr0, %eax
    or $CR0_WP, %eax
    mov %eax, %cr0
    ON_FAULT_GOTO 2f
    movl $0x4444, TVA + 8                      # WP = 1 again: #PF(3)
2:  mov TVA + 8, %eax
    mov %eax, RESULTS + 8
    EXIT 0
    HANDLERS
    TABLES

# Ring-3 code: one user page of its own (nothing follows it).
    .balign 4096
u_write_ro:
    movl $1, TVA + 0x1010                      # read-only user page: #PF(7)
    int $0x30
u_read_ro:
    mov TVA + 0x1004, %eax                     # allowed
    int $0x30
