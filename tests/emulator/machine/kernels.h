/* kernels.h - hand-assembled guest kernels for the machine and CLI tests. */
#ifndef TRAPEZE_TEST_KERNELS_H
#define TRAPEZE_TEST_KERNELS_H

/*
 * Each kernel is loaded at 0x100000 (kimage.h) and entered in flat 32-bit
 * protected mode.  Bytes from `as --32` on the listed source; the exit port
 * is QEMU's isa-debug-exit at 0xF4: writing 0x10 exits with (0x10 << 1) | 1.
 */

#include <stdint.h>

#define KERNEL_EXIT_STATUS 0x21      /* (0x10 << 1) | 1 */

/* Print "ok\n" on COM1 and exit: 10 instructions, 3 writes to 0x3F8, 1 to 0xF4. */
static const uint8_t kernel_ok[] = {
    0x66, 0xba, 0xf8, 0x03,          /* mov $0x3f8,%dx */
    0xb0, 0x6f,                      /* mov $'o',%al */
    0xee,                            /* out %al,(%dx) */
    0xb0, 0x6b,                      /* mov $'k',%al */
    0xee,                            /* out %al,(%dx) */
    0xb0, 0x0a,                      /* mov $'\n',%al */
    0xee,                            /* out %al,(%dx) */
    0x66, 0xba, 0xf4, 0x00,          /* mov $0xf4,%dx */
    0xb0, 0x10,                      /* mov $0x10,%al */
    0xee,                            /* out %al,(%dx) */
    0xf4,                            /* hlt */
};

/* Print the Multiboot command line (info->cmdline, offset 16) and exit. */
static const uint8_t kernel_cmdline[] = {
    0x8b, 0x73, 0x10,                /* mov 0x10(%ebx),%esi */
    0x66, 0xba, 0xf8, 0x03,          /* mov $0x3f8,%dx */
    0xac,                            /* 1: lods %ds:(%esi),%al */
    0x84, 0xc0,                      /* test %al,%al */
    0x74, 0x03,                      /* je 2f */
    0xee,                            /* out %al,(%dx) */
    0xeb, 0xf8,                      /* jmp 1b */
    0x66, 0xba, 0xf4, 0x00,          /* 2: mov $0xf4,%dx */
    0xb0, 0x10,                      /* mov $0x10,%al */
    0xee,                            /* out %al,(%dx) */
    0xf4,                            /* hlt */
};

/* Load an empty IDT, then INT3: #GP (vector beyond the limit), whose
 * delivery fails again (#DF), whose delivery fails: triple fault. */
static const uint8_t kernel_triple[] = {
    0x0f, 0x01, 0x1d, 0x08, 0x00, 0x10, 0x00,   /* lidtl 0x100008 */
    0xcc,                                       /* int3 */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00,         /* 0x100008: limit 0, base 0 */
};

/* Halt with interrupts off: nothing can ever wake the CPU. */
static const uint8_t kernel_cli_hlt[] = {
    0xfa,                            /* cli */
    0xf4,                            /* hlt */
};

/* Halt with interrupts on but no device programmed to interrupt. */
static const uint8_t kernel_sti_hlt[] = {
    0xfb,                            /* sti */
    0xf4,                            /* hlt */
};

/* Spin forever. */
static const uint8_t kernel_spin[] = {
    0xeb, 0xfe,                      /* jmp . */
};

/* Pulse the CPU reset line through the 8042 (command 0xFE on port 0x64). */
static const uint8_t kernel_reset[] = {
    0xb0, 0xfe,                      /* mov $0xfe,%al */
    0xe6, 0x64,                      /* out %al,$0x64 */
    0xeb, 0xfe,                      /* jmp . */
};

/*
 * Three PIT interrupts through the 8259A, each printing 't'; the third exits.
 * IDT at 0x180000 (vector 0x20 -> handler), stack at 0x190000, PIC master
 * at vector 0x20 with all but IRQ0 masked, PIT channel 0 in mode 2 with a
 * count of 1193 (1 ms at 1.193182 MHz).  The CPU waits in HLT in between.
 */
static const uint8_t kernel_timer[] = {
    0xbc, 0x00, 0x00, 0x19, 0x00,                   /* mov $0x190000,%esp */
    0xb8, 0x56, 0x00, 0x10, 0x00,                   /* mov $handler,%eax */
    0x66, 0xa3, 0x00, 0x01, 0x18, 0x00,             /* mov %ax,0x180100 */
    0x66, 0xc7, 0x05, 0x02, 0x01, 0x18, 0x00, 0x08, 0x00, /* movw $0x8,0x180102 */
    0x66, 0xc7, 0x05, 0x04, 0x01, 0x18, 0x00, 0x00, 0x8e, /* movw $0x8e00,0x180104 */
    0xc1, 0xe8, 0x10,                               /* shr $0x10,%eax */
    0x66, 0xa3, 0x06, 0x01, 0x18, 0x00,             /* mov %ax,0x180106 */
    0x0f, 0x01, 0x1d, 0x79, 0x00, 0x10, 0x00,       /* lidtl idtr */
    0xb0, 0x11, 0xe6, 0x20,                         /* ICW1: edge, cascade, ICW4 */
    0xb0, 0x20, 0xe6, 0x21,                         /* ICW2: vector base 0x20 */
    0xb0, 0x04, 0xe6, 0x21,                         /* ICW3: slave on IR2 */
    0xb0, 0x01, 0xe6, 0x21,                         /* ICW4: 8086 mode */
    0xb0, 0xfe, 0xe6, 0x21,                         /* OCW1: mask all but IRQ0 */
    0xb0, 0x34, 0xe6, 0x43,                         /* PIT: ch0, lo/hi, mode 2 */
    0xb0, 0xa9, 0xe6, 0x40,                         /* count low 0xa9 */
    0xb0, 0x04, 0xe6, 0x40,                         /* count high 0x04 */
    0xfb,                                           /* sti */
    0xf4,                                           /* 1: hlt */
    0xeb, 0xfd,                                     /* jmp 1b */
    /* handler (0x100056): */
    0xb0, 0x74,                                     /* mov $'t',%al */
    0x66, 0xba, 0xf8, 0x03,                         /* mov $0x3f8,%dx */
    0xee,                                           /* out %al,(%dx) */
    0xff, 0x05, 0x7f, 0x00, 0x10, 0x00,             /* incl count */
    0x83, 0x3d, 0x7f, 0x00, 0x10, 0x00, 0x03,       /* cmpl $3,count */
    0x74, 0x05,                                     /* je 2f */
    0xb0, 0x20, 0xe6, 0x20,                         /* OCW2: non-specific EOI */
    0xcf,                                           /* iret */
    0x66, 0xba, 0xf4, 0x00,                         /* 2: mov $0xf4,%dx */
    0xb0, 0x10,                                     /* mov $0x10,%al */
    0xee,                                           /* out %al,(%dx) */
    0xf4,                                           /* hlt */
    /* idtr (0x100079): */
    0x07, 0x01, 0x00, 0x00, 0x18, 0x00,             /* limit 0x21*8-1, base 0x180000 */
    /* count (0x10007f): */
    0x00, 0x00, 0x00, 0x00,
};

/* A timer ticks every 1 ms but its IRQ is masked: HLT never wakes. */
static const uint8_t kernel_masked_timer[] = {
    0xb0, 0xff, 0xe6, 0x21,          /* OCW1: mask every IRQ on the master */
    0xb0, 0x34, 0xe6, 0x43,          /* PIT: ch0, lo/hi, mode 2 */
    0xb0, 0xa9, 0xe6, 0x40,          /* count low 0xa9 */
    0xb0, 0x04, 0xe6, 0x40,          /* count high 0x04 */
    0xfb,                            /* sti */
    0xf4,                            /* 1: hlt */
    0xeb, 0xfd,                      /* jmp 1b */
};

/* Echo COM1 input (polling LSR.DR) up to a newline, then exit. */
static const uint8_t kernel_echo[] = {
    0x66, 0xba, 0xfd, 0x03,          /* 1: mov $0x3fd,%dx */
    0xec,                            /* in (%dx),%al */
    0xa8, 0x01,                      /* test $1,%al (data ready) */
    0x74, 0xf7,                      /* je 1b */
    0x66, 0xba, 0xf8, 0x03,          /* mov $0x3f8,%dx */
    0xec,                            /* in (%dx),%al */
    0xee,                            /* out %al,(%dx) */
    0x3c, 0x0a,                      /* cmp $'\n',%al */
    0x75, 0xed,                      /* jne 1b */
    0x66, 0xba, 0xf4, 0x00,          /* mov $0xf4,%dx */
    0xb0, 0x10,                      /* mov $0x10,%al */
    0xee,                            /* out %al,(%dx) */
};

/* Write "Hi" in grey on black in the top-left corner of the CGA screen. */
static const uint8_t kernel_vga[] = {
    0x66, 0xc7, 0x05, 0x00, 0x80, 0x0b, 0x00, 0x48, 0x07,  /* movw $0x0748,0xb8000 */
    0x66, 0xc7, 0x05, 0x02, 0x80, 0x0b, 0x00, 0x69, 0x07,  /* movw $0x0769,0xb8002 */
    0x66, 0xba, 0xf4, 0x00,          /* mov $0xf4,%dx */
    0xb0, 0x10,                      /* mov $0x10,%al */
    0xee,                            /* out %al,(%dx) */
};

/*
 * The same three timer interrupts through the APICs: the 8259A is masked,
 * the local APIC software-enabled (SVR = 0x1FF), and I/O APIC pin 2 (where
 * the MP table says ISA IRQ0 is wired) sends vector 0x30 to APIC 0.  The
 * handler prints 'a' and EOIs the local APIC.
 */
static const uint8_t kernel_apic_timer[] = {
    0xbc, 0x00, 0x00, 0x19, 0x00,                   /* mov $0x190000,%esp */
    0xb8, 0x7a, 0x00, 0x10, 0x00,                   /* mov $handler,%eax */
    0x66, 0xa3, 0x80, 0x01, 0x18, 0x00,             /* mov %ax,0x180180 (gate 0x30) */
    0x66, 0xc7, 0x05, 0x82, 0x01, 0x18, 0x00, 0x08, 0x00, /* movw $0x8,0x180182 */
    0x66, 0xc7, 0x05, 0x84, 0x01, 0x18, 0x00, 0x00, 0x8e, /* movw $0x8e00,0x180184 */
    0xc1, 0xe8, 0x10,                               /* shr $0x10,%eax */
    0x66, 0xa3, 0x86, 0x01, 0x18, 0x00,             /* mov %ax,0x180186 */
    0x0f, 0x01, 0x1d, 0xa3, 0x00, 0x10, 0x00,       /* lidtl idtr */
    0xb0, 0xff,                                     /* mov $0xff,%al */
    0xe6, 0x21,                                     /* out %al,$0x21: mask the master */
    0xe6, 0xa1,                                     /* out %al,$0xa1: mask the slave */
    0xc7, 0x05, 0xf0, 0x00, 0xe0, 0xfe, 0xff, 0x01, 0x00, 0x00, /* SVR: enable, vector 0xff */
    0xc7, 0x05, 0x00, 0x00, 0xc0, 0xfe, 0x15, 0x00, 0x00, 0x00, /* IOREGSEL = 0x15 (pin 2 high) */
    0xc7, 0x05, 0x10, 0x00, 0xc0, 0xfe, 0x00, 0x00, 0x00, 0x00, /* IOWIN = 0: destination APIC 0 */
    0xc7, 0x05, 0x00, 0x00, 0xc0, 0xfe, 0x14, 0x00, 0x00, 0x00, /* IOREGSEL = 0x14 (pin 2 low) */
    0xc7, 0x05, 0x10, 0x00, 0xc0, 0xfe, 0x30, 0x00, 0x00, 0x00, /* IOWIN = 0x30: fixed, edge, unmasked */
    0xb0, 0x34, 0xe6, 0x43,                         /* PIT: ch0, lo/hi, mode 2 */
    0xb0, 0xa9, 0xe6, 0x40,                         /* count low 0xa9 */
    0xb0, 0x04, 0xe6, 0x40,                         /* count high 0x04 */
    0xfb,                                           /* sti */
    0xf4,                                           /* 1: hlt */
    0xeb, 0xfd,                                     /* jmp 1b */
    /* handler (0x10007a): */
    0xb0, 0x61,                                     /* mov $'a',%al */
    0x66, 0xba, 0xf8, 0x03,                         /* mov $0x3f8,%dx */
    0xee,                                           /* out %al,(%dx) */
    0xff, 0x05, 0xa9, 0x00, 0x10, 0x00,             /* incl count */
    0x83, 0x3d, 0xa9, 0x00, 0x10, 0x00, 0x03,       /* cmpl $3,count */
    0x74, 0x0b,                                     /* je 2f */
    0xc7, 0x05, 0xb0, 0x00, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00, /* EOI: movl $0,0xfee000b0 */
    0xcf,                                           /* iret */
    0x66, 0xba, 0xf4, 0x00,                         /* 2: mov $0xf4,%dx */
    0xb0, 0x10,                                     /* mov $0x10,%al */
    0xee,                                           /* out %al,(%dx) */
    0xf4,                                           /* hlt */
    /* idtr (0x1000a3): */
    0x87, 0x01, 0x00, 0x00, 0x18, 0x00,             /* limit 0x31*8-1, base 0x180000 */
    /* count (0x1000a9): */
    0x00, 0x00, 0x00, 0x00,
};

#endif
