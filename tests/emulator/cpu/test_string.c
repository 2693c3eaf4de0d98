/* test_string.c - MOVS STOS LODS CMPS SCAS INS OUTS with REP, DF and address size. */

#include "cpu_test.h"

TestSuite(string, .init = cpu_test_setup, .fini = cpu_test_teardown);

#define SRC (FIX_DATA)
#define DST (FIX_DATA + 0x1000)

/* mov esi, SRC; mov edi, DST (10 bytes) */
#define SET_SI_DI 0xbe, 0x00, 0x00, 0x01, 0x00, 0xbf, 0x00, 0x10, 0x01, 0x00

Test(string, rep_movsb_copies_and_counts_down)
{
    fix_poke(f, SRC, "hello, world", 12);
    ASSERT_HLT(RUN(SET_SI_DI, 0xb9, 12, 0, 0, 0,     /* mov ecx, 12 */
                   0xf3, 0xa4,                       /* rep movsb */
                   HLT));
    cr_assert_arr_eq(f->ram + DST, "hello, world", 12);
    cr_assert_eq(c->reg[ECX], 0);
    cr_assert_eq(c->reg[ESI], SRC + 12);
    cr_assert_eq(c->reg[EDI], DST + 12);
}

Test(string, rep_with_ecx_zero_does_nothing)
{
    fix_write8(f, SRC, 0x77);
    ASSERT_HLT(RUN(SET_SI_DI, 0x31, 0xc9,             /* xor ecx, ecx (sets ZF) */
                   0xf3, 0xa6,                       /* repe cmpsb */
                   0xf3, 0xa4,                       /* rep movsb */
                   HLT));
    cr_assert_eq(fix_read8(f, DST), 0);
    cr_assert_eq(c->reg[ESI], SRC);
    cr_assert_eq(c->reg[EDI], DST);
    cr_assert(arith_flags() & FLAG_ZF, "flags must be those of XOR (ZF)");
}

Test(string, rep_stosd_and_lodsw)
{
    ASSERT_HLT(RUN(SET_SI_DI, 0xb8, 0x78, 0x56, 0x34, 0x12, 0xb9, 4, 0, 0, 0,
                   0xf3, 0xab,                       /* rep stosd */
                   HLT));
    for (int k = 0; k < 4; k++)
        cr_assert_eq(fix_read32(f, DST + 4 * k), 0x12345678u);
    cr_assert_eq(fix_read32(f, DST + 16), 0);
    cr_assert_eq(c->reg[EDI], DST + 16);
    fix_write16(f, SRC, 0xabcd);
    ASSERT_HLT(RUN(SET_SI_DI, 0x66, 0xad, HLT));     /* lodsw */
    cr_assert_eq(c->reg[EAX], 0x1234abcdu);
    cr_assert_eq(c->reg[ESI], SRC + 2);
}

Test(string, direction_flag_goes_down)
{
    fix_poke(f, SRC, "abcd", 4);
    /* std; esi = SRC+3, edi = DST+3; ecx = 4; rep movsb; cld */
    ASSERT_HLT(RUN(0xfd, 0xbe, 0x03, 0x00, 0x01, 0x00, 0xbf, 0x03, 0x10, 0x01, 0x00,
                   0xb9, 4, 0, 0, 0, 0xf3, 0xa4, 0xfc, HLT));
    cr_assert_arr_eq(f->ram + DST, "abcd", 4);
    cr_assert_eq(c->reg[ESI], SRC - 1);
    cr_assert_eq(c->reg[EDI], DST - 1);
}

Test(string, repe_cmpsb_stops_at_first_difference)
{
    fix_poke(f, SRC, "abcXef", 6);
    fix_poke(f, DST, "abcYef", 6);
    ASSERT_HLT(RUN(SET_SI_DI, 0xb9, 6, 0, 0, 0, 0xf3, 0xa6, HLT));
    cr_assert_eq(c->reg[ECX], 2, "stopped after comparing 4 bytes: ECX %u", c->reg[ECX]);
    cr_assert_eq(c->reg[ESI], SRC + 4);
    /* 'X' - 'Y' = -1: CF SF, not ZF */
    cr_assert_eq(arith_flags() & (FLAG_ZF | FLAG_CF | FLAG_SF), FLAG_CF | FLAG_SF);
}

Test(string, repne_scasb_finds_a_byte)
{
    fix_poke(f, DST, "find the z here", 15);
    ASSERT_HLT(RUN(SET_SI_DI, 0xb0, 'z', 0xb9, 100, 0, 0, 0,
                   0xf2, 0xae,                       /* repne scasb */
                   HLT));
    cr_assert_eq(c->reg[EDI], DST + 10, "EDI one past the 'z'");
    cr_assert_eq(c->reg[ECX], 100 - 10);
    cr_assert(arith_flags() & FLAG_ZF);
}

Test(string, address_size_16_uses_cx_si_di)
{
    fix_poke(f, 0x0010, "xy", 2);
    /* esi = 0xABCD0010, edi = 0x12340100, ecx = 0xFFFF0002; 67 rep movsb */
    ASSERT_HLT(RUN(0xbe, 0x10, 0x00, 0xcd, 0xab, 0xbf, 0x00, 0x01, 0x34, 0x12,
                   0xb9, 0x02, 0x00, 0xff, 0xff,
                   0x67, 0xf3, 0xa4, HLT));
    cr_assert_arr_eq(f->ram + 0x100, "xy", 2);
    cr_assert_eq(c->reg[ECX], 0xffff0000u, "only CX counts: %#x", c->reg[ECX]);
    cr_assert_eq(c->reg[ESI], 0xabcd0012u);
    cr_assert_eq(c->reg[EDI], 0x12340102u);
}

Test(string, source_segment_override)
{
    cpu_load_seg_raw(c, SEG_FS, 0x10, 0x20000, 0xffffffffu, c->seg[SEG_DS].attr);
    fix_write8(f, 0x20000 + SRC, 0x3c);
    ASSERT_HLT(RUN(SET_SI_DI, 0x64, 0xa4, HLT));      /* movsb fs:[esi] -> es:[edi] */
    cr_assert_eq(fix_read8(f, DST), 0x3c);
}

Test(string, ins_outs)
{
    fix_script_in(f, 0x11);
    fix_script_in(f, 0x22);
    fix_poke(f, SRC, "\x05\x06", 2);
    ASSERT_HLT(RUN(SET_SI_DI, 0x66, 0xba, 0x00, 0x01, 0xb9, 2, 0, 0, 0,  /* dx = 0x100 */
                   0xf3, 0x6c,                       /* rep insb */
                   0xb9, 2, 0, 0, 0, 0xf3, 0x6e,     /* rep outsb */
                   HLT));
    cr_assert_eq(fix_read8(f, DST), 0x11);
    cr_assert_eq(fix_read8(f, DST + 1), 0x22);
    cr_assert_eq(f->nout, 2);
    cr_assert_eq(f->out[0].val, 5);
    cr_assert_eq(f->out[1].val, 6);
    cr_assert_eq(f->out[1].addr, 0x100);
}

Test(string, fault_mid_rep_leaves_registers_consistent)
{
    /* ES limit ends 10 bytes into the destination: the 11th store is #GP(0) */
    cpu_load_seg_raw(c, SEG_ES, 0x10, 0, DST + 9, c->seg[SEG_DS].attr & ~SEG_ATTR_G);
    enum cpu_exit r = RUN(SET_SI_DI, 0xb0, 0xee, 0xb9, 20, 0, 0, 0,
                          0xf3, 0xaa,                /* rep stosb at 0x100f */
                          HLT);
    cr_assert_eq(r, CPU_EXIT_RING0);
    cr_assert_eq(c->exit.vector, EXC_GP);
    cr_assert_eq(c->eip, FIX_CODE + 17, "EIP stays on the REP instruction");
    cr_assert_eq(c->reg[ECX], 10, "10 stores done: ECX %u", c->reg[ECX]);
    cr_assert_eq(c->reg[EDI], DST + 10);
    cr_assert_eq(fix_read8(f, DST + 9), 0xee);
    cr_assert_eq(fix_read8(f, DST + 10), 0);
}

Test(string, long_rep_is_resumed_across_runs)
{
    /* a 100000-byte REP STOSB finishes even when run in slices */
    ASSERT_HLT(RUN(SET_SI_DI, 0xb0, 0x01, 0xb9, 0xa0, 0x86, 0x01, 0x00,  /* ecx = 100000 */
                   0xf3, 0xaa, HLT));
    cr_assert_eq(c->reg[ECX], 0);
    cr_assert_eq(fix_read8(f, DST + 99999), 1);
    cr_assert_eq(fix_read8(f, DST + 100000), 0);
}

Test(string, bulk_copy_across_pages_matches_elementwise)
{
    /* 10000 bytes from 0x10003 to 0x20001: both cross several pages */
    for (uint32_t k = 0; k < 10000; k++)
        fix_write8(f, 0x10003 + k, (uint8_t)(k * 7 + 1));
    ASSERT_HLT(RUN(0xbe, 0x03, 0x00, 0x01, 0x00, 0xbf, 0x01, 0x00, 0x02, 0x00,  /* esi, edi */
                   0xb9, 0x10, 0x27, 0x00, 0x00,                                /* ecx = 10000 */
                   0xf3, 0xa4, HLT));                                           /* rep movsb */
    for (uint32_t k = 0; k < 10000; k++)
        cr_assert_eq(fix_read8(f, 0x20001 + k), (uint8_t)(k * 7 + 1), "byte %u", k);
    cr_assert_eq(fix_read8(f, 0x20001 + 10000), 0);
    cr_assert_eq(c->reg[ESI], 0x10003 + 10000);
    cr_assert_eq(c->reg[EDI], 0x20001 + 10000);
    cr_assert_eq(c->reg[ECX], 0);
}

Test(string, overlapping_forward_copy_repeats_the_pattern)
{
    /* movsb from p to p+1 copies byte 0 forward, element by element */
    fix_write8(f, FIX_DATA, 0xab);
    ASSERT_HLT(RUN(0xbe, 0x00, 0x00, 0x01, 0x00, 0xbf, 0x01, 0x00, 0x01, 0x00,
                   0xb9, 0x00, 0x01, 0x00, 0x00, 0xf3, 0xa4, HLT));   /* 256 bytes */
    for (uint32_t k = 0; k <= 256; k++)
        cr_assert_eq(fix_read8(f, FIX_DATA + k), 0xab, "byte %u", k);
}

Test(string, rep_stosd_across_a_limit_faults_at_the_right_element)
{
    /* ES limit in the middle of a page: the bulk path must not write past it */
    cpu_load_seg_raw(c, SEG_ES, 0x10, 0, DST + 4 * 100 - 1, c->seg[SEG_DS].attr & ~SEG_ATTR_G);
    enum cpu_exit r = RUN(SET_SI_DI, 0xb8, 0x11, 0x22, 0x33, 0x44, 0xb9, 0x00, 0x02, 0, 0,
                          0xf3, 0xab, HLT);          /* rep stosd, 512 dwords */
    cr_assert_eq(r, CPU_EXIT_RING0);
    cr_assert_eq(c->exit.vector, EXC_GP);
    cr_assert_eq(c->reg[ECX], 512 - 100, "100 dwords fit: ECX %u", c->reg[ECX]);
    cr_assert_eq(c->reg[EDI], DST + 400);
    cr_assert_eq(fix_read32(f, DST + 396), 0x44332211u);
    cr_assert_eq(fix_read32(f, DST + 400), 0);
}
