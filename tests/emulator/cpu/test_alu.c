/* test_alu.c - arithmetic and logic results and their exact flags. */

/*
 * Expected values are worked out by hand from the SDM Vol. 1 3.4.3.1 flag
 * definitions and the instruction pages in Vol. 2; each comment shows the
 * arithmetic.
 */

#include "cpu_test.h"

#define CF FLAG_CF
#define PF FLAG_PF
#define AF FLAG_AF
#define ZF FLAG_ZF
#define SF FLAG_SF
#define OF FLAG_OF

TestSuite(alu, .init = cpu_test_setup, .fini = cpu_test_teardown);

Test(alu, add_byte_wraps_to_zero)
{
    /* FF + 01 = 1_00: carry out, zero, carry out of bit 3, even parity */
    ASSERT_HLT(RUN(0xb0, 0xff,            /* mov al, 0xff */
                   0x04, 0x01,            /* add al, 1    */
                   HLT));
    cr_assert_eq(c->reg[EAX] & 0xff, 0, "AL: expected 0, got %#x", c->reg[EAX] & 0xff);
    ASSERT_FLAGS(CF | ZF | AF | PF);
}

Test(alu, add_signed_overflow)
{
    /* 7F + 01 = 80: positive + positive gave negative -> OF; 0x80 has one bit set */
    ASSERT_HLT(RUN(0xb0, 0x7f, 0x04, 0x01, HLT));   /* mov al, 0x7f; add al, 1 */
    ASSERT_FLAGS(OF | SF | AF);
}

Test(alu, sub_sets_af_on_borrow_from_bit4)
{
    /* 10 - 01 = 0F: borrow out of bit 3 -> AF; 0x0F has four ones -> PF */
    ASSERT_HLT(RUN(0xb0, 0x10, 0x2c, 0x01, HLT));   /* mov al, 0x10; sub al, 1 */
    cr_assert_eq(c->reg[EAX] & 0xff, 0x0f);
    ASSERT_FLAGS(AF | PF);
}

Test(alu, sub_borrow_and_overflow)
{
    /* 00 - 01 = FF: borrow -> CF, AF; SF; eight ones -> PF */
    ASSERT_HLT(RUN(0xb0, 0x00, 0x2c, 0x01, HLT));
    ASSERT_FLAGS(CF | AF | SF | PF);
    /* 80 - 01 = 7F: negative - positive gave positive -> OF; seven ones, odd */
    ASSERT_HLT(RUN(0xb0, 0x80, 0x2c, 0x01, HLT));
    ASSERT_FLAGS(OF | AF);
}

Test(alu, cmp_does_not_store_and_sets_flags)
{
    /* 5 - 7 = FFFFFFFE: borrow, negative; FE has seven ones (odd); 5-7 in the low nibble borrows */
    ASSERT_HLT(RUN(0xb8, 5, 0, 0, 0,     /* mov eax, 5     */
                   0xbb, 7, 0, 0, 0,     /* mov ebx, 7     */
                   0x39, 0xd8,           /* cmp eax, ebx   */
                   HLT));
    cr_assert_eq(c->reg[EAX], 5, "CMP must not write EAX");
    ASSERT_FLAGS(CF | SF | AF);
}

Test(alu, adc_and_sbb_use_carry)
{
    /* stc; FFFFFFFF + 0 + 1 = 0 with carry */
    ASSERT_HLT(RUN(0xf9,                       /* stc               */
                   0xb8, 0xff, 0xff, 0xff, 0xff, /* mov eax, -1     */
                   0x83, 0xd0, 0x00,           /* adc eax, 0        */
                   HLT));
    cr_assert_eq(c->reg[EAX], 0);
    ASSERT_FLAGS(CF | ZF | AF | PF);
    /* stc; 0 - 0 - 1 = FFFFFFFF with borrow */
    ASSERT_HLT(RUN(0xf9, 0xb8, 0, 0, 0, 0,
                   0x83, 0xd8, 0x00,           /* sbb eax, 0        */
                   HLT));
    cr_assert_eq(c->reg[EAX], 0xffffffffu);
    ASSERT_FLAGS(CF | AF | SF | PF);
}

Test(alu, inc_dec_preserve_cf)
{
    /* stc; FFFFFFFF + 1 = 0: INC leaves CF = 1 */
    ASSERT_HLT(RUN(0xf9, 0xb8, 0xff, 0xff, 0xff, 0xff,
                   0x40,                       /* inc eax */
                   HLT));
    ASSERT_FLAGS(CF | ZF | AF | PF);
    /* clc; 80000000 - 1 = 7FFFFFFF: OF; CF stays 0; low byte FF even */
    ASSERT_HLT(RUN(0xf8, 0xb8, 0, 0, 0, 0x80,
                   0x48,                       /* dec eax */
                   HLT));
    cr_assert_eq(c->reg[EAX], 0x7fffffffu);
    ASSERT_FLAGS(OF | AF | PF);
}

Test(alu, neg_sets_cf_unless_zero)
{
    ASSERT_HLT(RUN(0xb8, 0, 0, 0, 0, 0xf7, 0xd8, HLT));          /* neg eax (0) */
    ASSERT_FLAGS(ZF | PF);
    ASSERT_HLT(RUN(0xb8, 0, 0, 0, 0x80, 0xf7, 0xd8, HLT));       /* neg 80000000 */
    cr_assert_eq(c->reg[EAX], 0x80000000u);
    ASSERT_FLAGS(CF | OF | SF | PF);
    ASSERT_HLT(RUN(0xb8, 1, 0, 0, 0, 0xf7, 0xd8, HLT));          /* neg 1 = FFFFFFFF */
    ASSERT_FLAGS(CF | SF | AF | PF);
}

Test(alu, logic_clears_cf_and_of)
{
    /* stc; F0 and 0F = 0: CF and OF cleared, ZF, PF (zero has even parity) */
    ASSERT_HLT(RUN(0xf9, 0xb8, 0xf0, 0, 0, 0,
                   0x83, 0xe0, 0x0f,           /* and eax, 0x0f */
                   HLT));
    cr_assert_eq(c->reg[EAX], 0);
    ASSERT_FLAGS(ZF | PF);
    /* or eax, 0x80000000 -> SF; xor eax, eax -> ZF PF */
    ASSERT_HLT(RUN(0x0d, 0, 0, 0, 0x80,        /* or eax, 0x80000000 */
                   HLT));
    ASSERT_FLAGS(SF | PF);
    ASSERT_HLT(RUN(0x31, 0xc0, HLT));          /* xor eax, eax */
    ASSERT_FLAGS(ZF | PF);
}

Test(alu, not_changes_no_flags)
{
    ASSERT_HLT(RUN(0xf9, 0xb8, 0x0f, 0, 0, 0, 0xf7, 0xd0, HLT)); /* stc; mov eax, 0xf; not eax */
    cr_assert_eq(c->reg[EAX], 0xfffffff0u);
    cr_assert(arith_flags() & CF, "NOT must leave CF set");
}

Test(alu, mul_sets_cf_of_when_high_half_used)
{
    /* 80000000 * 2 = 1_00000000: EDX = 1 -> CF = OF = 1 */
    ASSERT_HLT(RUN(0xb8, 0, 0, 0, 0x80, 0xbb, 2, 0, 0, 0,
                   0xf7, 0xe3,                 /* mul ebx */
                   HLT));
    cr_assert_eq(c->reg[EDX], 1);
    cr_assert_eq(c->reg[EAX], 0);
    cr_assert_eq(arith_flags() & (CF | OF), CF | OF);
    /* 3 * 5 = 15: high half 0 */
    ASSERT_HLT(RUN(0xb8, 3, 0, 0, 0, 0xbb, 5, 0, 0, 0, 0xf7, 0xe3, HLT));
    cr_assert_eq(c->reg[EAX], 15);
    cr_assert_eq(arith_flags() & (CF | OF), 0);
    /* byte: AL = 0x80 * 2 -> AX = 0x100 */
    ASSERT_HLT(RUN(0xb0, 0x80, 0xb3, 2, 0xf6, 0xe3, HLT));     /* mov al; mov bl; mul bl */
    cr_assert_eq(c->reg[EAX] & 0xffff, 0x100);
    cr_assert_eq(arith_flags() & (CF | OF), CF | OF);
}

Test(alu, imul_one_operand_sign_extension_decides_cf_of)
{
    /* -2 * 3 = -6 fits in 32 bits: EDX = FFFFFFFF (sign), CF = OF = 0 */
    ASSERT_HLT(RUN(0xb8, 0xfe, 0xff, 0xff, 0xff, 0xbb, 3, 0, 0, 0,
                   0xf7, 0xeb,                 /* imul ebx */
                   HLT));
    cr_assert_eq(c->reg[EAX], 0xfffffffau);
    cr_assert_eq(c->reg[EDX], 0xffffffffu);
    cr_assert_eq(arith_flags() & (CF | OF), 0);
    /* 10000h * 10000h = 1_00000000h does not fit */
    ASSERT_HLT(RUN(0xb8, 0, 0, 1, 0, 0xbb, 0, 0, 1, 0, 0xf7, 0xeb, HLT));
    cr_assert_eq(c->reg[EDX], 1);
    cr_assert_eq(arith_flags() & (CF | OF), CF | OF);
}

Test(alu, imul_two_and_three_operands_truncate)
{
    /* imul eax, ebx: 10000h * 10000h truncates to 0, CF = OF = 1 */
    ASSERT_HLT(RUN(0xb8, 0, 0, 1, 0, 0xbb, 0, 0, 1, 0,
                   0x0f, 0xaf, 0xc3,           /* imul eax, ebx */
                   HLT));
    cr_assert_eq(c->reg[EAX], 0);
    cr_assert_eq(arith_flags() & (CF | OF), CF | OF);
    /* imul ecx, ebx, -3: 7 * -3 = -21 = FFFFFFEB, fits */
    ASSERT_HLT(RUN(0xbb, 7, 0, 0, 0,
                   0x6b, 0xcb, 0xfd,           /* imul ecx, ebx, -3 */
                   HLT));
    cr_assert_eq(c->reg[ECX], 0xffffffebu);
    cr_assert_eq(arith_flags() & (CF | OF), 0);
    /* 16-bit: imul cx, bx, 0x100 with bx = 0x100 -> 0x10000 truncates to 0 */
    ASSERT_HLT(RUN(0xbb, 0, 1, 0, 0, 0xb9, 0x34, 0x12, 0xff, 0xff,
                   0x66, 0x69, 0xcb, 0x00, 0x01,   /* imul cx, bx, 0x100 */
                   HLT));
    cr_assert_eq(c->reg[ECX], 0xffff0000u, "upper ECX kept, CX = 0: got %#x", c->reg[ECX]);
    cr_assert_eq(arith_flags() & (CF | OF), CF | OF);
}

Test(alu, div_and_idiv)
{
    /* 100 / 7 = 14 r 2 */
    ASSERT_HLT(RUN(0x31, 0xd2, 0xb8, 100, 0, 0, 0, 0xbb, 7, 0, 0, 0,
                   0xf7, 0xf3,                 /* div ebx */
                   HLT));
    cr_assert_eq(c->reg[EAX], 14);
    cr_assert_eq(c->reg[EDX], 2);
    /* -7 / 2 = -3 r -1 (truncation toward zero) */
    ASSERT_HLT(RUN(0xb8, 0xf9, 0xff, 0xff, 0xff, 0x99,   /* mov eax, -7; cdq */
                   0xbb, 2, 0, 0, 0, 0xf7, 0xfb,         /* mov ebx, 2; idiv ebx */
                   HLT));
    cr_assert_eq(c->reg[EAX], 0xfffffffdu);
    cr_assert_eq(c->reg[EDX], 0xffffffffu);
    /* byte: AX = 0x0107 (263) / 0x10 = 16 r 7 */
    ASSERT_HLT(RUN(0x66, 0xb8, 0x07, 0x01, 0xb3, 0x10, 0xf6, 0xf3, HLT));  /* div bl */
    cr_assert_eq(c->reg[EAX] & 0xffff, 0x0710);
}

/* Expect #DE: exit with vector 0, EIP on the divide, registers untouched. */
static void expect_de(uint32_t insn_addr, uint32_t eax, uint32_t edx)
{
    cr_assert_eq(c->exit.vector, EXC_DE, "expected #DE, got vector %u", c->exit.vector);
    cr_assert_eq(c->exit.kind, EVENT_EXCEPTION);
    cr_assert_eq(c->eip, insn_addr, "#DE is a fault: EIP %#x expected, got %#x", insn_addr, c->eip);
    cr_assert_eq(c->reg[EAX], eax);
    cr_assert_eq(c->reg[EDX], edx);
}

Test(alu, divide_by_zero_is_de)
{
    enum cpu_exit r = RUN(0xb8, 9, 0, 0, 0, 0x31, 0xd2, 0x31, 0xdb,  /* eax=9; edx=0; ebx=0 */
                          0xf7, 0xf3, HLT);                         /* div ebx */
    cr_assert_eq(r, CPU_EXIT_RING0);
    expect_de(FIX_CODE + 9, 9, 0);
}

Test(alu, divide_overflow_is_de)
{
    /* EDX:EAX = 1_00000000 / 1: quotient needs 33 bits */
    enum cpu_exit r = RUN(0x31, 0xc0, 0xba, 1, 0, 0, 0, 0xbb, 1, 0, 0, 0,
                          0xf7, 0xf3, HLT);
    cr_assert_eq(r, CPU_EXIT_RING0);
    expect_de(FIX_CODE + 12, 0, 1);
    /* IDIV: -2^31 / -1 = +2^31 does not fit */
    r = RUN(0xb8, 0, 0, 0, 0x80, 0x99, 0xbb, 0xff, 0xff, 0xff, 0xff,
            0xf7, 0xfb, HLT);
    cr_assert_eq(r, CPU_EXIT_RING0);
    expect_de(FIX_CODE + 11, 0x80000000u, 0xffffffffu);
    /* AAM 0 */
    r = RUN(0xd4, 0x00, HLT);
    cr_assert_eq(r, CPU_EXIT_RING0);
    cr_assert_eq(c->exit.vector, EXC_DE);
}

Test(alu, shift_by_one_flags)
{
    /* shl 80000001,1 = 2: CF = old bit 31 = 1; OF = MSB(result) ^ CF = 1 */
    ASSERT_HLT(RUN(0xb8, 1, 0, 0, 0x80, 0xd1, 0xe0, HLT));
    cr_assert_eq(c->reg[EAX], 2);
    cr_assert_eq(arith_flags() & (CF | OF | ZF | SF | PF), CF | OF);
    /* shr 80000001,1 = 40000000: CF = 1, OF = old MSB = 1, even parity of 00 */
    ASSERT_HLT(RUN(0xb8, 1, 0, 0, 0x80, 0xd1, 0xe8, HLT));
    cr_assert_eq(c->reg[EAX], 0x40000000u);
    cr_assert_eq(arith_flags() & (CF | OF | ZF | SF | PF), CF | OF | PF);
    /* sar 80000001,1 = C0000000: CF = 1, OF = 0, SF */
    ASSERT_HLT(RUN(0xb8, 1, 0, 0, 0x80, 0xd1, 0xf8, HLT));
    cr_assert_eq(c->reg[EAX], 0xc0000000u);
    cr_assert_eq(arith_flags() & (CF | OF | ZF | SF | PF), CF | SF | PF);
}

Test(alu, shift_by_zero_changes_nothing)
{
    /* stc; mov eax, 0x80; xor ecx, ecx; cmp eax, eax -> ZF PF, then shl eax, cl (0) */
    ASSERT_HLT(RUN(0xb8, 0x80, 0, 0, 0, 0x31, 0xc9,
                   0x39, 0xc0,                 /* cmp eax, eax: ZF PF */
                   0xd3, 0xe0,                 /* shl eax, cl */
                   HLT));
    cr_assert_eq(c->reg[EAX], 0x80);
    ASSERT_FLAGS(ZF | PF);
    /* the count is masked to 5 bits: cl = 32 is a shift by 0 */
    ASSERT_HLT(RUN(0xf9, 0xb1, 32, 0xd3, 0xe0, HLT));   /* stc; mov cl, 32; shl eax, cl */
    cr_assert_eq(c->reg[EAX], 0x80);
    cr_assert(arith_flags() & CF, "CF must survive a masked count of 0");
    /* cl = 33 is a shift by 1 */
    ASSERT_HLT(RUN(0xb1, 33, 0xd3, 0xe0, HLT));
    cr_assert_eq(c->reg[EAX], 0x100);
}

Test(alu, byte_shift_past_width)
{
    /* shl al, 8 with al = 1: result 0, last bit out is bit 0 -> CF = 1 */
    ASSERT_HLT(RUN(0xb0, 1, 0xc0, 0xe0, 8, HLT));       /* mov al, 1; shl al, 8 */
    cr_assert_eq(c->reg[EAX] & 0xff, 0);
    cr_assert_eq(arith_flags() & (CF | ZF), CF | ZF);
    /* sar al, 20 with al = 0x80: all sign bits, CF = sign */
    ASSERT_HLT(RUN(0xb0, 0x80, 0xc0, 0xf8, 20, HLT));
    cr_assert_eq(c->reg[EAX] & 0xff, 0xff);
    cr_assert(arith_flags() & CF);
}

Test(alu, rotates)
{
    /* rol 80000000,1 = 1: CF = 1 (bit that came around), OF = MSB ^ CF = 1 */
    ASSERT_HLT(RUN(0xb8, 0, 0, 0, 0x80, 0xd1, 0xc0, HLT));
    cr_assert_eq(c->reg[EAX], 1);
    cr_assert_eq(arith_flags() & (CF | OF), CF | OF);
    /* ror 1,1 = 80000000: CF = 1, OF = bit31 ^ bit30 = 1 */
    ASSERT_HLT(RUN(0xb8, 1, 0, 0, 0, 0xd1, 0xc8, HLT));
    cr_assert_eq(c->reg[EAX], 0x80000000u);
    cr_assert_eq(arith_flags() & (CF | OF), CF | OF);
    /* rotates keep ZF: cmp eax, eax; rol eax, 4 */
    ASSERT_HLT(RUN(0xb8, 0x21, 0, 0, 0, 0x39, 0xc0, 0xc1, 0xc0, 4, HLT));
    cr_assert_eq(c->reg[EAX], 0x210);
    cr_assert(arith_flags() & ZF, "ROL must not touch ZF");
}

Test(alu, rotates_through_carry)
{
    /* stc; rcl al,1 with al = 80: al = 01, CF = 1, OF = MSB(0) ^ CF = 1 */
    ASSERT_HLT(RUN(0xf9, 0xb0, 0x80, 0xd0, 0xd0, HLT));
    cr_assert_eq(c->reg[EAX] & 0xff, 0x01);
    cr_assert_eq(arith_flags() & (CF | OF), CF | OF);
    /* clc; rcr al,1 with al = 01: al = 00, CF = 1, OF = 0 */
    ASSERT_HLT(RUN(0xf8, 0xb0, 0x01, 0xd0, 0xd8, HLT));
    cr_assert_eq(c->reg[EAX] & 0xff, 0);
    cr_assert_eq(arith_flags() & (CF | OF), CF);
    /* rcl al, 9 is a full 9-bit turn: nothing changes (count mod 9 = 0) */
    ASSERT_HLT(RUN(0xf9, 0xb0, 0x5a, 0xc0, 0xd0, 9, HLT));
    cr_assert_eq(c->reg[EAX] & 0xff, 0x5a);
    cr_assert(arith_flags() & CF);
    /* rcr eax, 4 with CF=1: 00000010 -> 10000001 (CF ends in bit 28), CF = bit 3 = 0 */
    ASSERT_HLT(RUN(0xf9, 0xb8, 0x10, 0, 0, 0, 0xc1, 0xd8, 4, HLT));
    cr_assert_eq(c->reg[EAX], 0x10000001u, "got %#x", c->reg[EAX]);
    cr_assert_eq(arith_flags() & CF, 0);
}

Test(alu, shld_shrd)
{
    /* shld eax, ebx, 4: 12345678:9ABCDEF0 -> 23456789, CF = bit 28 of eax = 1 */
    ASSERT_HLT(RUN(0xb8, 0x78, 0x56, 0x34, 0x12, 0xbb, 0xf0, 0xde, 0xbc, 0x9a,
                   0x0f, 0xa4, 0xd8, 4,        /* shld eax, ebx, 4 */
                   HLT));
    cr_assert_eq(c->reg[EAX], 0x23456789u);
    cr_assert(arith_flags() & CF);
    /* shrd eax, ebx, 8: 12345678 with ebx 9ABCDEF0 -> F0123456, CF = bit 7 of eax = 0 */
    ASSERT_HLT(RUN(0xb8, 0x78, 0x56, 0x34, 0x12, 0xbb, 0xf0, 0xde, 0xbc, 0x9a,
                   0x0f, 0xac, 0xd8, 8,        /* shrd eax, ebx, 8 */
                   HLT));
    cr_assert_eq(c->reg[EAX], 0xf0123456u);
    cr_assert_eq(arith_flags() & (CF | SF), SF);
    /* shld with cl = 0: nothing */
    ASSERT_HLT(RUN(0xf9, 0x31, 0xc9, 0xb8, 1, 0, 0, 0, 0x0f, 0xa5, 0xd8, HLT));
    cr_assert_eq(c->reg[EAX], 1);
}

Test(alu, decimal_adjust)
{
    /* 79 + 35 = AE; DAA -> 14 with CF (BCD 79 + 35 = 114) */
    ASSERT_HLT(RUN(0xb0, 0x79, 0x04, 0x35, 0x27, HLT));
    cr_assert_eq(c->reg[EAX] & 0xff, 0x14);
    cr_assert_eq(arith_flags() & (CF | AF), CF | AF);
    /* 35 - 47 = EE; DAS -> 88 with CF (BCD 35 - 47 = -12 -> 88 borrow) */
    ASSERT_HLT(RUN(0xb0, 0x35, 0x2c, 0x47, 0x2f, HLT));
    cr_assert_eq(c->reg[EAX] & 0xff, 0x88);
    cr_assert_eq(arith_flags() & CF, CF);
    /* AX = 0009; add al, 3 -> 0C; AAA -> AX = 0102, CF = AF = 1 */
    ASSERT_HLT(RUN(0x66, 0xb8, 0x09, 0x00, 0x04, 0x03, 0x37, HLT));
    cr_assert_eq(c->reg[EAX] & 0xffff, 0x0102);
    cr_assert_eq(arith_flags() & (CF | AF), CF | AF);
    /* AX = 0102; sub al, 5 -> FD with AF; AAS: AX - 6 = 01F7, AH - 1 -> 00F7, AL & 0F -> 0007 */
    ASSERT_HLT(RUN(0x66, 0xb8, 0x02, 0x01, 0x2c, 0x05, 0x3f, HLT));
    cr_assert_eq(c->reg[EAX] & 0xffff, 0x0007, "got %#x", c->reg[EAX] & 0xffff);
    /* AAM: AL = 63 -> AH = 6, AL = 3; AAD reverses it */
    ASSERT_HLT(RUN(0xb0, 63, 0xd4, 0x0a, HLT));
    cr_assert_eq(c->reg[EAX] & 0xffff, 0x0603);
    ASSERT_HLT(RUN(0xd5, 0x0a, HLT));
    cr_assert_eq(c->reg[EAX] & 0xffff, 63);
}

Test(alu, lahf_sahf)
{
    /* stc; cmp eax,eax leaves ZF PF; LAHF puts SF ZF 0 AF 0 PF 1 CF in AH */
    ASSERT_HLT(RUN(0x39, 0xc0, 0x9f, HLT));
    cr_assert_eq((c->reg[EAX] >> 8) & 0xff, 0x46, "AH: expected ZF|PF|bit1 = 0x46, got %#x",
                 (c->reg[EAX] >> 8) & 0xff);
    /* SAHF with AH = D5 sets SF ZF AF PF CF, OF is untouched */
    ASSERT_HLT(RUN(0xb4, 0xd5, 0x9e, HLT));
    ASSERT_FLAGS(SF | ZF | AF | PF | CF);
}

Test(alu, flag_instructions)
{
    ASSERT_HLT(RUN(0xf9, 0xf5, HLT));            /* stc; cmc */
    cr_assert_eq(arith_flags() & CF, 0);
    ASSERT_HLT(RUN(0xfd, HLT));                  /* std */
    cr_assert(cpu_get_eflags(c) & FLAG_DF);
    ASSERT_HLT(RUN(0xfc, HLT));                  /* cld */
    cr_assert_eq(cpu_get_eflags(c) & FLAG_DF, 0);
}
