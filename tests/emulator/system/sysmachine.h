/* sysmachine.h - a bare protected-mode machine for the system tests: RAM, GDT, IDT, TSS, page tables. */
#ifndef TRAPEZE_SYSMACHINE_H
#define TRAPEZE_SYSMACHINE_H

/*
 * Every test builds the same small world in 4 MiB of RAM and then runs a few
 * hand-assembled instructions on the interpreter:
 *
 *   0x01000 GDT (selectors below)      0x07000 ring-3 stack top
 *   0x02000 IDT, 256 gates             0x08000 ring-1 stack top (TSS SS1:ESP1)
 *   0x03000 TSS + I/O bitmap           0x09000 ring-0 stack top (TSS SS0:ESP0)
 *   0x04000 LDT                        0x10000 test code
 *   0x20000 handler for vector v at 0x20000 + 16*v: HLT
 *   0x100000 page directory, 0x101000 page table (identity, first 4 MiB)
 *
 * Gates are 32-bit interrupt gates to ring 0; vectors 0x80-0x8f have DPL 3
 * so ring 3 may use INT n on them.  A test knows which vector ran by where
 * HLT stopped (sm_vector) and reads the frame at ESP.
 */

#include <stddef.h>
#include <stdint.h>

#include "cpu.h"

#define SM_RAM_SIZE  (4u << 20)
#define SM_GDT       0x1000u
#define SM_IDT       0x2000u
#define SM_TSS       0x3000u
#define SM_LDT       0x4000u
#define SM_STACK3    0x7000u
#define SM_STACK1    0x8000u
#define SM_STACK0    0x9000u
#define SM_CODE      0x10000u
#define SM_HANDLERS  0x20000u
#define SM_PD        0x100000u
#define SM_PT        0x101000u
#define SM_IOMAP     0x68u          /* I/O bitmap offset inside the TSS */
#define SM_TSS_LIMIT (SM_IOMAP + 8192u)   /* bitmap + the trailing FFh byte */

/* GDT selectors (RPL = the ring they serve). */
enum {
    SEL_CODE0 = 0x08, SEL_DATA0 = 0x10, SEL_CODE3 = 0x1b, SEL_DATA3 = 0x23,
    SEL_TSS = 0x28, SEL_CODE1 = 0x31, SEL_DATA1 = 0x39,
    SEL_DATA0_NP = 0x40,      /* data, not present */
    SEL_DATA0_RO = 0x48,      /* read-only data */
    SEL_CODE0_XO = 0x50,      /* execute-only code */
    SEL_DATA0_DOWN = 0x58,    /* expand-down data, limit 0FFFh, B=1 */
    SEL_DATA0_SMALL = 0x60,   /* data at 50000h, limit 0FFFh */
    SEL_LDT = 0x68,
    SEL_CODE0_NP = 0x70,      /* code, not present */
    SEL_CODE0_CONF = 0x78,    /* conforming code, DPL 0 */
    SEL_DATA3_NP = 0x83,      /* ring-3 writable data, not present */
    SEL_TSS_AVAIL = 0x88,     /* a second, available 32-bit TSS (for LTR) */
    SM_GDT_ENTRIES = 18,
};

/* SDM Vol. 3A 6.11: gate types. */
#define SM_INTR_GATE 0xeu
#define SM_TRAP_GATE 0xfu

struct sm_io {
    uint16_t port;
    uint32_t val;
    unsigned size;
};

struct sm {
    struct cpu c;
    uint8_t *ram;
    struct sm_io out[16];
    unsigned nout;
};

/* Build the machine: protected mode, paging off, CPL 0, ESP = SM_STACK0. */
void sm_init(struct sm *m);
void sm_free(struct sm *m);

/* Copy code (or data) bytes into RAM. */
void sm_put(struct sm *m, uint32_t addr, const void *bytes, size_t n);
#define SM_CODE_AT(m, addr, ...) \
    do { const uint8_t b_[] = { __VA_ARGS__ }; sm_put(m, addr, b_, sizeof b_); } while (0)

uint32_t sm_rd32(const struct sm *m, uint32_t addr);
void sm_wr32(struct sm *m, uint32_t addr, uint32_t v);

/* A segment descriptor (SDM Vol. 3A figure 3-8); attr as in struct seg. */
uint64_t sm_desc(uint32_t base, uint32_t limit, uint16_t attr);
void sm_set_gdt(struct sm *m, unsigned index, uint64_t desc);
uint64_t sm_get_gdt(const struct sm *m, unsigned index);

/* Rewrite IDT entry `vector` (SDM Vol. 3A figure 6-2). */
void sm_gate(struct sm *m, int vector, uint16_t sel, uint32_t off, unsigned type,
             unsigned dpl, int present);

/* Put the CPU at ring `cpl` (0, 1 or 3) with that ring's flat code, data
 * and stack, and EIP = eip. */
void sm_enter(struct sm *m, int cpl, uint32_t eip);

/* Run (at most 100000 instructions). */
enum cpu_exit sm_run(struct sm *m);

/* The vector whose default handler halted, or -1. */
int sm_vector(const struct sm *m);

/* The dword at ESP + 4*k (the handler's frame after a HLT exit). */
uint32_t sm_frame(const struct sm *m, unsigned k);

/* Identity-map the first 4 MiB with 4-KiByte user, writable pages and turn
 * paging on; returns a pointer to the PTE of laddr. */
void sm_paging(struct sm *m);
uint32_t *sm_pte(struct sm *m, uint32_t laddr);
uint32_t *sm_pde(struct sm *m, uint32_t laddr);

#endif
