# user.s - U/S and R/W from ring 3 (SDM Vol. 3A 4.6).
#
# A user-mode access (CPL 3) may use a page only if U/S = 1 in both its
# PDE and PTE, and write it only if R/W = 1 in both.  The kernel (CPL 0
# on bare hardware, ring 1 under the monitor: supervisor either way) may
# use every page.  Test page 0 is supervisor and writable, page 1 user
# and read-only, page 2 user and writable; the ring-3 code sits on its
# own user page.  Each ring-3 access that is not allowed faults with
# P = 1 (a protection violation), W/R as the access, U/S = 1 (SDM Vol. 3A
# 6.15): error code 0x5 for a read, 0x7 for a write.
#
# RESULTS +0  kernel read of page 0 (0x5a5a0000)
#         +4  kernel write, then read back, of page 0 + 4 (0x0000c0de)
#         +8  USER_EAX after the user read of page 1 (0x005e0001)
#         +12 USER_EAX after the user write and read back of page 2 (0x3333)
# PF_LOG  [0] user read  TVA          [1] user write TVA + 8
#         [2] user write TVA + 0x100c [3] user read RESULTS (kernel data)
.include "kernel.inc"
.include "paging.inc"
    .globl _start
_start:
    SETUP
    PAGING_INIT
    SET_GATE 0x30, on_user_done, 3
    movl $0x5a5a0000, FRAME + 0x0000
    movl $0x05e0001, FRAME + 0x1000
    SET_PTE 0, FRAME + 0x0000, P | W
    SET_PTE 1, FRAME + 0x1000, P | U
    SET_PTE 2, FRAME + 0x2000, P | W | U
    USER_PAGE u_read_sup
    PAGING_ON CR0_WP
    mov TVA, %eax                              # the kernel may read ...
    mov %eax, RESULTS + 0
    movl $0xc0de, TVA + 4                      # ... and write a supervisor page
    mov TVA + 4, %eax
    mov %eax, RESULTS + 4
    USER_CALL u_read_sup, u_read_sup_back
    USER_CALL u_write_sup, u_write_sup_back
    USER_CALL u_write_ro, u_write_ro_back
    USER_CALL u_read_kernel, u_read_kernel_back
    USER_CALL u_read_ro, u_read_ro_back
    mov USER_EAX, %eax
    mov %eax, RESULTS + 8
    USER_CALL u_write_rw, u_write_rw_back
    mov USER_EAX, %eax
    mov %eax, RESULTS + 12
    EXIT 0
    HANDLERS
    TABLES

# Ring-3 code: one user page of its own (nothing follows it).
    .balign 4096
u_read_sup:
    mov TVA, %eax                              # supervisor page: #PF(5)
    int $0x30
u_write_sup:
    movl $1, TVA + 8                           # supervisor page: #PF(7)
    int $0x30
u_write_ro:
    movl $1, TVA + 0x100c                      # read-only user page: #PF(7)
    int $0x30
u_read_kernel:
    mov RESULTS, %eax                          # the kernel's own data: #PF(5)
    int $0x30
u_read_ro:
    mov TVA + 0x1000, %eax                     # allowed
    int $0x30
u_write_rw:
    movl $0x3333, TVA + 0x2000                 # allowed
    mov TVA + 0x2000, %eax
    int $0x30
