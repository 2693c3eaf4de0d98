/* trace.h - one text line per instruction, event and I/O access (--trace). */
#ifndef TRAPEZE_TRACE_H
#define TRAPEZE_TRACE_H

/*
 * A trace is the machine's diary: before each instruction, where it is and
 * what it is; when an exception or interrupt happens, which one; when the
 * guest touches a port, which port and what value.  Lines carry the
 * instruction count, never host addresses or wall-clock time, so two runs of
 * the same guest give byte-identical traces that `diff` can compare:
 *
 *   1042 0008:0010002a  89 e5                    mov    %esp,%ebp
 *   1043 event: exception 14 #PF error=0x2 cr2=0x00400000 at 0008:0010002c
 *   io: out8 0x03f8 <- 0x41
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu.h"

enum trace_dir { TRACE_IN, TRACE_OUT };

/* Print the instruction at CS:EIP, not yet executed: "icount CS:EIP  bytes
 * disassembly".  Code that cannot be read (unmapped page) prints a
 * "<code fetch fault at linear ...>" marker instead of bytes. */
void trace_insn(FILE *out, struct cpu *c);

/* Print an event about to be delivered at CS:EIP: an exception (with its
 * error code, and CR2 for #PF), an external interrupt or INT n. */
void trace_event(FILE *out, const struct cpu *c, enum cpu_event_kind kind, int vector,
                 bool has_error, uint32_t error);

/* The mnemonic of exception vector `vector` ("#GP"), or NULL for a vector
 * that has none (SDM Vol. 3A 6.3.1, table 6-1). */
const char *trace_vector_name(int vector);

/* Print a port access of `size` bytes (1, 2 or 4): "io: in16 0x01f7 -> 0x50". */
void trace_io(FILE *out, uint16_t port, uint32_t value, unsigned size, enum trace_dir dir);

#endif
