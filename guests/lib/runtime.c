/*
 * runtime.c - from the boot loader to main() and back out.
 *
 * boot.S gives us a stack and calls rt_start().  We bring the machine to a state
 * every guest can count on, run main(), and then stop the machine through the
 * isa-debug-exit device: a write of v to I/O port 0xF4 makes QEMU exit with
 * status (v << 1) | 1, and trapeze does the same.  That is how a test learns
 * whether a guest succeeded, without parsing its output.
 */
#include "runtime.h"

#include <stdarg.h>

#include "cmdline.h"
#include "desc.h"
#include "kprintf.h"
#include "multiboot.h"
#include "pic.h"
#include "serial.h"
#include "x86.h"

/* QEMU isa-debug-exit (-device isa-debug-exit,iobase=0xf4,iosize=0x04). */
#define DEBUG_EXIT_PORT 0xF4

void rt_start(uint32_t magic, const struct multiboot_info *mbi);

/* Called by boot.S with the registers the Multiboot loader set. */
void rt_start(uint32_t magic, const struct multiboot_info *mbi)
{
    serial_init();
    desc_init();
    pic_init();
    if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
        panic("not started by a Multiboot loader (EAX=%08x)", magic);
    if (mbi->flags & MULTIBOOT_INFO_CMDLINE)
        cmdline_set((const char *)mbi->cmdline);
    guest_exit((uint32_t)main());
}

void guest_exit(uint32_t v)
{
    outb(DEBUG_EXIT_PORT, (uint8_t)v);
    /* Still running: the machine has no debug-exit device.  Halt for good. */
    kputs("guest_exit: no isa-debug-exit device at port 0xf4; halting");
    for (;;) {
        cli();
        hlt();
    }
}

void panic(const char *fmt, ...)
{
    cli();
    kprintf("panic: ");
    va_list ap;
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
    kputs("");
    guest_exit(GUEST_EXIT_PANIC);
}
