/* x86.h - the i386 instructions C cannot express: port I/O, flags, control registers. */
#ifndef GUEST_X86_H
#define GUEST_X86_H

#include <stdint.h>

/*
 * EFLAGS (SDM Vol. 1 3.4.3, Vol. 3A 2.3)
 *
 *  31      22 21 20  19  18 17 16 15 14 13 12 11 10  9  8  7  6  5  4  3  2  1  0
 * +----------+--+---+---+--+--+--+--+--+-----+--+--+--+--+--+--+--+--+--+--+--+--+
 * | reserved |ID|VIP|VIF|AC|VM|RF| 0|NT|IOPL |OF|DF|IF|TF|SF|ZF| 0|AF| 0|PF| 1|CF|
 * +----------+--+---+---+--+--+--+--+--+-----+--+--+--+--+--+--+--+--+--+--+--+--+
 */
#define EFLAGS_RESERVED1 (1u << 1)     /* always reads as 1 */
#define EFLAGS_IF        (1u << 9)
#define EFLAGS_IOPL_SHIFT 12
#define EFLAGS_IOPL_MASK (3u << EFLAGS_IOPL_SHIFT)

/*
 * CR0 (SDM Vol. 3A 2.5)
 *  31 30 29       18   16       5  4  3  2  1  0
 * +--+--+--+-----+--+-+--+-----+--+--+--+--+--+--+
 * |PG|CD|NW|     |AM| |WP|     |NE|ET|TS|EM|MP|PE|
 * +--+--+--+-----+--+-+--+-----+--+--+--+--+--+--+
 */
#define CR0_PE (1u << 0)
#define CR0_TS (1u << 3)
#define CR0_WP (1u << 16)
#define CR0_PG (1u << 31)

/* Segment selector (SDM Vol. 3A 3.4.2): index << 3 | TI << 2 | RPL. */
#define SEL_RPL_MASK 3u

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

/* Read count 16-bit words from port into buf (REP INSW). */
static inline void insw(uint16_t port, void *buf, uint32_t count)
{
    __asm__ volatile("cld; rep insw"
                     : "+D"(buf), "+c"(count) : "d"(port) : "memory");
}

static inline uint32_t read_eflags(void)
{
    uint32_t f;
    __asm__ volatile("pushfl; popl %0" : "=r"(f));
    return f;
}

static inline void write_eflags(uint32_t f)
{
    __asm__ volatile("pushl %0; popfl" : : "r"(f) : "memory", "cc");
}

static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void sti(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void hlt(void) { __asm__ volatile("hlt" ::: "memory"); }

static inline uint32_t read_cr0(void)
{
    uint32_t v;
    __asm__ volatile("movl %%cr0, %0" : "=r"(v));
    return v;
}

static inline void write_cr0(uint32_t v)
{
    __asm__ volatile("movl %0, %%cr0" : : "r"(v) : "memory");
}

static inline uint32_t read_cr2(void)
{
    uint32_t v;
    __asm__ volatile("movl %%cr2, %0" : "=r"(v));
    return v;
}

static inline uint32_t read_cr3(void)
{
    uint32_t v;
    __asm__ volatile("movl %%cr3, %0" : "=r"(v));
    return v;
}

static inline void write_cr3(uint32_t v)
{
    __asm__ volatile("movl %0, %%cr3" : : "r"(v) : "memory");
}

/* Drop the TLB entry for the page holding addr (SDM Vol. 3A 4.10.4.1). */
static inline void invlpg(uint32_t addr)
{
    __asm__ volatile("invlpg (%0)" : : "r"(addr) : "memory");
}

static inline uint16_t read_cs(void)
{
    uint16_t v;
    __asm__ volatile("movw %%cs, %0" : "=r"(v));
    return v;
}

static inline uint16_t read_ss(void)
{
    uint16_t v;
    __asm__ volatile("movw %%ss, %0" : "=r"(v));
    return v;
}

#endif
