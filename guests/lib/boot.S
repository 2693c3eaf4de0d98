/*
 * boot.S - the first instructions of every guest.
 *
 * A Multiboot loader (GRUB, QEMU's -kernel, trapeze's loader) finds the header
 * below in the first 8 KiB of the image, loads the ELF segments at their physical
 * addresses and jumps to _start in 32-bit protected mode with paging off,
 * EAX = 0x2BADB002 and EBX = the physical address of the Multiboot information
 * structure.  It promises nothing about the stack, the GDT or the IDT, so we set
 * up a stack here and let rt_start() (runtime.c) load our own tables.
 */

/* Multiboot Specification 0.6.96, 3.1.1: header magic; flags = 0 (no requests);
   magic + flags + checksum must be 0 (mod 2^32). */
#define MB_HEADER_MAGIC 0x1BADB002
#define MB_HEADER_FLAGS 0

    .section .multiboot, "a"
    .balign 4                      /* Multiboot 3.1.1: 32-bit aligned */
    .long MB_HEADER_MAGIC
    .long MB_HEADER_FLAGS
    .long -(MB_HEADER_MAGIC + MB_HEADER_FLAGS)

    .text
    .globl _start
_start:
    movl $boot_stack_top, %esp
    xorl %ebp, %ebp                /* end of the frame-pointer chain */
    cli                            /* Multiboot 3.2 promises IF=0; make sure */
    cld                            /* C code expects DF=0 */
    pushl %ebx                     /* Multiboot information */
    pushl %eax                     /* Multiboot magic */
    call rt_start                  /* never returns */
1:  cli
    hlt
    jmp 1b

    .section .bss
    .balign 16
boot_stack:
    .space 16384
boot_stack_top:

    .section .note.GNU-stack, "", @progbits   /* no executable stack needed */
