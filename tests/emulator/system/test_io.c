/* test_io.c - IN/OUT permission: IOPL, then the TSS I/O permission bitmap (SDM Vol. 1 18.5). */

#include <criterion/criterion.h>

#include "sysmachine.h"

static struct sm m;

static void setup(void)
{
    sm_init(&m);
}

static void teardown(void)
{
    sm_free(&m);
}

TestSuite(io, .init = setup, .fini = teardown);

/* Allow one port in the bitmap (bit clear = allowed). */
static void allow_port(uint16_t port)
{
    m.ram[SM_TSS + SM_IOMAP + port / 8] &= (uint8_t)~(1u << (port % 8));
}

/* OUT `size` bytes (1 or 2) of 0x41 to `port` at ring `cpl` with `iopl`.
 * Returns the vector that stopped it, -1 if it went through. */
static int out_at(int cpl, unsigned iopl, uint16_t port, unsigned size)
{
    SM_CODE_AT(&m, SM_CODE,
               0x66, 0xba, 0x00, 0x00,   /* mov  $port, %dx (patched below) */
               0xb8, 0x41, 0x00, 0x00, 0x00,   /* mov  $0x41, %eax */
               0x90, 0xee,               /* nop / 66 prefix slot; out %al, %dx (patched) */
               0xcd, 0x81);              /* int  $0x81 */
    m.ram[SM_CODE + 2] = (uint8_t)port;
    m.ram[SM_CODE + 3] = (uint8_t)(port >> 8);
    if (size == 2) {
        m.ram[SM_CODE + 9] = 0x66;       /* operand-size prefix */
        m.ram[SM_CODE + 10] = 0xef;      /* out %ax, %dx */
    }
    sm_enter(&m, cpl, SM_CODE);
    cpu_set_eflags(&m.c, (uint32_t)iopl << FLAG_IOPL_SHIFT);
    m.c.halted = false;
    m.nout = 0;
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    return sm_vector(&m) == 0x81 ? -1 : sm_vector(&m);
}

Test(io, ring0_reaches_the_bus)
{
    cr_assert_eq(out_at(0, 0, 0x80, 1), -1);
    cr_assert_eq(m.nout, 1u);
    cr_assert_eq(m.out[0].port, 0x80);
    cr_assert_eq(m.out[0].val & 0xff, 0x41u);
}

Test(io, iopl3_lets_ring3_through_without_bitmap)
{
    cr_assert_eq(out_at(3, 3, 0x3f9, 1), -1, "CPL <= IOPL: no bitmap check");
    cr_assert_eq(m.nout, 1u);
}

Test(io, bitmap_allows_and_denies_at_cpl3)
{
    allow_port(0x3f8);
    cr_assert_eq(out_at(3, 0, 0x3f8, 1), -1, "port 0x3f8 allowed by the bitmap");
    cr_assert_eq(m.nout, 1u);
    cr_assert_eq(out_at(3, 0, 0x3f9, 1), EXC_GP, "port 0x3f9 denied");
    cr_assert_eq(sm_frame(&m, 0), 0u, "#GP(0)");
    cr_assert_eq(m.nout, 0u, "nothing reached the bus");
}

/* A 2-byte access needs both ports' bits clear, also across a byte of the
 * bitmap (ports 0x3ff and 0x400). */
Test(io, word_access_needs_every_port)
{
    allow_port(0x3ff);
    cr_assert_eq(out_at(3, 0, 0x3ff, 2), EXC_GP, "0x400 is denied");
    allow_port(0x400);
    cr_assert_eq(out_at(3, 0, 0x3ff, 2), -1, "both allowed");
    cr_assert_eq(m.out[0].size, 2u);
}

/* A TSS too short to hold the bitmap denies everything at CPL > IOPL. */
Test(io, no_bitmap_denies)
{
    allow_port(0x3f8);
    m.c.seg[SEG_TR].limit = 0x67;
    cr_assert_eq(out_at(3, 0, 0x3f8, 1), EXC_GP);
}

Test(io, in_returns_the_device_value)
{
    allow_port(0x50);
    SM_CODE_AT(&m, SM_CODE,
               0x66, 0xba, 0x50, 0x00,   /* mov  $0x50, %dx */
               0xec,                     /* in   %dx, %al */
               0xcd, 0x81);              /* int  $0x81 */
    sm_enter(&m, 3, SM_CODE);
    cr_assert_eq(sm_run(&m), CPU_EXIT_HLT);
    cr_assert_eq(sm_vector(&m), 0x81);
    cr_assert_eq(m.c.reg[EAX] & 0xff, 0xa0u + 0x50, "the fixture's device answers 0xa0 + port");
}
