/* test_trace.c - the --trace lines for instructions, events and port I/O. */

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "paging.h"
#include "trace.h"

#define PD_ADDR 0x20000u
#define PT_ADDR 0x21000u

/* Run fn on a memory stream and return what it printed (caller frees). */
static char *capture(void (*fn)(FILE *, struct fixture *), struct fixture *f)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    cr_assert_not_null(out);
    fn(out, f);
    fclose(out);
    return buf;
}

static void trace_next(FILE *out, struct fixture *f)
{
    trace_insn(out, &f->cpu);
}

/* Paging on, with only the 4-KiB page at linear 0x1000 mapped (identity). */
static void map_only_code_page(struct fixture *f)
{
    fix_write32(f, PD_ADDR, PT_ADDR | PTE_P | PTE_RW);
    fix_write32(f, PT_ADDR + 4 * (FIX_CODE >> 12), FIX_CODE | PTE_P | PTE_RW);
    f->cpu.cr3 = PD_ADDR;
    f->cpu.cr0 |= CR0_PG;
    cpu_tlb_flush(&f->cpu);
}

Test(trace, insn_line_has_icount_cs_eip_bytes_and_text)
{
    struct fixture *f = fix_new();
    const uint8_t code[] = { 0xb8, 0x78, 0x56, 0x34, 0x12 };   /* mov $0x12345678,%eax */
    fix_code(f, code, sizeof code);
    f->cpu.icount = 42;
    char *line = capture(trace_next, f);
    cr_assert_str_eq(line,
        "42 0008:00001000  b8 78 56 34 12           mov    $0x12345678,%eax\n");
    free(line);
    fix_free(f);
}

/* Real mode: 16-bit code (SDM Vol. 3A 20.1), linear = CS.base + IP. */
Test(trace, real_mode_code_decodes_as_16bit)
{
    struct fixture *f = fix_new();
    const uint8_t code[] = { 0xb8, 0x34, 0x12 };               /* mov $0x1234,%ax */
    f->cpu.cr0 &= ~CR0_PE;
    cpu_load_seg_raw(&f->cpu, SEG_CS, 0x1000, 0x10000, 0xffff, SEG_ATTR_P | SEG_ATTR_S | 0xb);
    f->cpu.eip = 0x10;
    fix_poke(f, 0x10010, code, sizeof code);
    char *line = capture(trace_next, f);
    cr_assert_str_eq(line,
        "0 1000:00000010  b8 34 12                 mov    $0x1234,%ax\n");
    free(line);
    fix_free(f);
}

Test(trace, unmapped_code_prints_a_fault_marker)
{
    struct fixture *f = fix_new();
    map_only_code_page(f);
    f->cpu.eip = 0x3000;
    char *line = capture(trace_next, f);
    cr_assert_str_eq(line, "0 0008:00003000  <code fetch fault at linear 0x00003000>\n");
    free(line);
    fix_free(f);
}

/* An instruction cut by the end of the mapped page: its bytes are unreadable
 * past 0x1fff, so it cannot be decoded. */
Test(trace, insn_running_into_unmapped_page_is_bad)
{
    struct fixture *f = fix_new();
    const uint8_t half_mov[] = { 0xb8, 0x78 };
    map_only_code_page(f);
    fix_poke(f, 0x1ffe, half_mov, sizeof half_mov);
    f->cpu.eip = 0x1ffe;
    char *line = capture(trace_next, f);
    cr_assert_str_eq(line, "0 0008:00001ffe  b8                       (bad)\n");
    free(line);
    fix_free(f);
}

/* A real fetch sets the accessed bits (SDM Vol. 3A 4.8); the tracer must not. */
Test(trace, tracing_leaves_accessed_bits_alone)
{
    struct fixture *f = fix_new();
    const uint8_t nop = 0x90;
    map_only_code_page(f);
    fix_code(f, &nop, 1);
    free(capture(trace_next, f));
    cr_assert_eq(fix_read32(f, PD_ADDR) & PTE_A, 0, "PDE.A set by tracing");
    cr_assert_eq(fix_read32(f, PT_ADDR + 4) & PTE_A, 0, "PTE.A set by tracing");
    fix_free(f);
}

static void page_fault_event(FILE *out, struct fixture *f)
{
    f->cpu.icount = 7;
    f->cpu.cr2 = 0x400000;
    trace_event(out, &f->cpu, EVENT_EXCEPTION, EXC_PF, true, 0x2);
    trace_event(out, &f->cpu, EVENT_EXTINT, 32, false, 0);
    trace_event(out, &f->cpu, EVENT_SOFTINT, 0x80, false, 0);
    trace_event(out, &f->cpu, EVENT_EXCEPTION, EXC_UD, false, 0);
}

Test(trace, event_lines_name_the_vector)
{
    struct fixture *f = fix_new();
    char *text = capture(page_fault_event, f);
    cr_assert_str_eq(text,
        "7 event: exception 14 #PF error=0x2 cr2=0x00400000 at 0008:00001000\n"
        "7 event: interrupt 32 (external) at 0008:00001000\n"
        "7 event: int 128 (software) at 0008:00001000\n"
        "7 event: exception 6 #UD at 0008:00001000\n");
    free(text);
    fix_free(f);
}

static void port_accesses(FILE *out, struct fixture *f)
{
    (void)f;
    trace_io(out, 0x3f8, 0x41, 1, TRACE_OUT);
    trace_io(out, 0x1f0, 0xbeef, 2, TRACE_IN);
    trace_io(out, 0xcfc, 0x12345678, 4, TRACE_IN);
}

Test(trace, io_lines_show_port_size_direction_value)
{
    struct fixture *f = fix_new();
    char *text = capture(port_accesses, f);
    cr_assert_str_eq(text,
        "io: out8 0x03f8 <- 0x41\n"
        "io: in16 0x01f0 -> 0xbeef\n"
        "io: in32 0x0cfc -> 0x12345678\n");
    free(text);
    fix_free(f);
}

/* SDM Vol. 3A 6.3.1, table 6-1: vector 13 is #GP, 8 is #DF; 15 is reserved
 * and 32 and up are the OS's. */
Test(trace, vector_names_follow_table_6_1)
{
    cr_assert_str_eq(trace_vector_name(13), "#GP");
    cr_assert_str_eq(trace_vector_name(8), "#DF");
    cr_assert_str_eq(trace_vector_name(0), "#DE");
    cr_assert_null(trace_vector_name(15), "vector 15 is reserved: expected no name");
    cr_assert_null(trace_vector_name(32), "vector 32 is not an exception: expected no name");
    cr_assert_null(trace_vector_name(-1), "vector -1: expected no name");
}
