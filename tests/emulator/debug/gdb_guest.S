/* gdb_guest.S - the smallest Multiboot kernel, for the `gdb -batch` test.
 *
 * It loads known values into registers and calls a named function, so the
 * test can stop at the symbol `marker`, read registers, step one
 * instruction and see its effect.  Then it leaves through isa-debug-exit. */

        .set .LMB_MAGIC, 0x1badb002       /* Multiboot 1 spec 3.1.1 */
        .set .LMB_FLAGS, 0
        .set .LDEBUG_EXIT_PORT, 0xf4      /* QEMU isa-debug-exit */
        .set .LSTACK_TOP, 0x90000         /* free RAM below 640 KiB */

        .text
        .code32
        .align 4
        .long .LMB_MAGIC, .LMB_FLAGS, -(.LMB_MAGIC + .LMB_FLAGS)

        .globl _start
_start:
        mov $.LSTACK_TOP, %esp
        mov $0x1234abcd, %eax
        mov $0x2000, %ebx
        call marker
        mov $0, %al
        out %al, $.LDEBUG_EXIT_PORT
1:      hlt
        jmp 1b

        .globl marker
        .type marker, @function
marker:
        inc %ebx
        ret
        .size marker, . - marker
