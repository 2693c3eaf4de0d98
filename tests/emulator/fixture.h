/* fixture.h - a tiny machine for CPU tests: RAM, one CPU, scripted port I/O. */
#ifndef TRAPEZE_TEST_FIXTURE_H
#define TRAPEZE_TEST_FIXTURE_H

/*
 * A test builds a fixture, writes machine code into its RAM, sets registers,
 * runs the CPU until HLT (or an exit) and checks registers, flags, memory
 * and the port writes the code made.  The fixture starts in the Multiboot
 * state (flat 32-bit CPL 0, paging off, IF clear) with EIP = FIX_CODE and
 * ESP = FIX_STACK.  There is no GDT or IDT in memory unless the test writes
 * one; MMIO reads as all ones and is logged like port writes.
 */

#include <stddef.h>
#include <stdint.h>

#include "cpu.h"

#define FIX_RAM_SIZE  (4u << 20)      /* 4 MiB */
#define FIX_CODE      0x00001000u     /* where fix_code() puts code by default */
#define FIX_DATA      0x00010000u     /* a free area for test data */
#define FIX_STACK     0x00080000u     /* initial ESP (grows down) */
#define FIX_MAX_IO    64

/* One recorded port or MMIO write. */
struct fix_io {
    uint32_t addr;                    /* port number or physical address */
    uint32_t val;
    unsigned size;
};

struct fixture {
    struct cpu cpu;
    uint8_t *ram;
    struct fix_io out[FIX_MAX_IO];    /* port writes (OUT, OUTS), in order */
    int nout;
    struct fix_io mmio[FIX_MAX_IO];   /* MMIO writes, in order */
    int nmmio;
    uint32_t in_script[FIX_MAX_IO];   /* values IN returns, in order; then all ones */
    int nin, in_pos;
    uint16_t in_ports[FIX_MAX_IO];    /* ports IN read, in order */
    int intr_vector;                  /* what the INTA cycle returns */
    int nacks;                        /* INTA cycles seen */
};

/* A fresh fixture in the flat 32-bit state, RAM zeroed.  Aborts the test
 * process if out of memory (tests only). */
struct fixture *fix_new(void);
void fix_free(struct fixture *f);

/* Copy bytes into RAM at a physical address. */
void fix_poke(struct fixture *f, uint32_t paddr, const void *bytes, size_t len);

/* Put code at FIX_CODE and point EIP at it (leaving the HLT state, if any). */
void fix_code(struct fixture *f, const void *bytes, size_t len);

/* Little-endian RAM reads and writes at a physical address. */
uint8_t  fix_read8(const struct fixture *f, uint32_t paddr);
uint16_t fix_read16(const struct fixture *f, uint32_t paddr);
uint32_t fix_read32(const struct fixture *f, uint32_t paddr);
void fix_write8(struct fixture *f, uint32_t paddr, uint8_t v);
void fix_write16(struct fixture *f, uint32_t paddr, uint16_t v);
void fix_write32(struct fixture *f, uint32_t paddr, uint32_t v);

/* Write a GDT at FIX_GDT with flat 4 GiB descriptors (SDM Vol. 3A 3.4.5):
 * 0x08 code and 0x10 data at DPL 0, 0x1b code and 0x23 data at DPL 3
 * (selectors with their RPL), and point GDTR at it. */
#define FIX_GDT 0x00000800u
void fix_gdt_flat(struct fixture *f);

/* Queue a value for the next IN to return. */
void fix_script_in(struct fixture *f, uint32_t v);

/* Run until HLT or another exit, at most `budget` instructions. */
enum cpu_exit fix_run(struct fixture *f, uint64_t budget);

/* Run the fixture's code until HLT with a default budget; returns the exit. */
enum cpu_exit fix_run_to_hlt(struct fixture *f);

#endif
