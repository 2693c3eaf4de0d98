/* test_exec.c - data movement, stack, control transfer, bit operations, I/O. */

#include "cpu_test.h"

TestSuite(exec, .init = cpu_test_setup, .fini = cpu_test_teardown);

Test(exec, mov_forms_and_moffs)
{
    ASSERT_HLT(RUN(0xbb, 0x00, 0x00, 0x01, 0x00,     /* mov ebx, 0x10000 */
                   0xc7, 0x03, 0x78, 0x56, 0x34, 0x12, /* mov dword [ebx], 0x12345678 */
                   0xc6, 0x43, 0x04, 0xab,           /* mov byte [ebx+4], 0xab */
                   0x8b, 0x0b,                       /* mov ecx, [ebx] */
                   0xa0, 0x04, 0x00, 0x01, 0x00,     /* mov al, [0x10004] */
                   0xa3, 0x08, 0x00, 0x01, 0x00,     /* mov [0x10008], eax */
                   HLT));
    cr_assert_eq(c->reg[ECX], 0x12345678u);
    cr_assert_eq(c->reg[EAX] & 0xff, 0xab);
    cr_assert_eq(fix_read32(f, FIX_DATA + 8), c->reg[EAX]);
}

Test(exec, movzx_movsx_cbw_cdq_bswap)
{
    ASSERT_HLT(RUN(0xbb, 0x80, 0xff, 0, 0,           /* mov ebx, 0xff80 */
                   0x0f, 0xb6, 0xc3,                 /* movzx eax, bl */
                   0x0f, 0xbe, 0xcb,                 /* movsx ecx, bl */
                   0x0f, 0xbf, 0xd3,                 /* movsx edx, bx */
                   HLT));
    cr_assert_eq(c->reg[EAX], 0x80);
    cr_assert_eq(c->reg[ECX], 0xffffff80u);
    cr_assert_eq(c->reg[EDX], 0xffffff80u);
    ASSERT_HLT(RUN(0xb0, 0x90, 0x66, 0x98, 0x98, 0x99, HLT));   /* mov al,0x90; cbw; cwde; cdq */
    cr_assert_eq(c->reg[EAX], 0xffffff90u);
    cr_assert_eq(c->reg[EDX], 0xffffffffu);
    ASSERT_HLT(RUN(0xb8, 0x44, 0x33, 0x22, 0x11, 0x0f, 0xc8, HLT));  /* bswap eax */
    cr_assert_eq(c->reg[EAX], 0x44332211u);
}

Test(exec, xchg_xadd_cmpxchg)
{
    fix_write32(f, FIX_DATA, 10);
    ASSERT_HLT(RUN(0xbb, 0x00, 0x00, 0x01, 0x00,     /* mov ebx, 0x10000 */
                   0xb9, 3, 0, 0, 0,                 /* mov ecx, 3 */
                   0x0f, 0xc1, 0x0b,                 /* xadd [ebx], ecx: mem 13, ecx 10 */
                   0x87, 0x0b,                       /* xchg [ebx], ecx: mem 10, ecx 13 */
                   HLT));
    cr_assert_eq(fix_read32(f, FIX_DATA), 10);
    cr_assert_eq(c->reg[ECX], 13);
    /* cmpxchg [ebx], edx with eax == [ebx]: store edx, ZF = 1 */
    ASSERT_HLT(RUN(0xb8, 10, 0, 0, 0, 0xba, 77, 0, 0, 0, 0x0f, 0xb1, 0x13, HLT));
    cr_assert_eq(fix_read32(f, FIX_DATA), 77);
    cr_assert(arith_flags() & FLAG_ZF);
    /* again with eax = 10 != 77: eax = 77, ZF = 0, memory unchanged */
    ASSERT_HLT(RUN(0xb8, 10, 0, 0, 0, 0x0f, 0xb1, 0x13, HLT));
    cr_assert_eq(c->reg[EAX], 77);
    cr_assert_eq(arith_flags() & FLAG_ZF, 0);
}

Test(exec, cmpxchg8b)
{
    fix_write32(f, FIX_DATA, 1);
    fix_write32(f, FIX_DATA + 4, 2);
    ASSERT_HLT(RUN(0xbe, 0x00, 0x00, 0x01, 0x00,     /* mov esi, 0x10000 */
                   0xb8, 1, 0, 0, 0, 0xba, 2, 0, 0, 0,  /* edx:eax = 2:1 */
                   0xbb, 5, 0, 0, 0, 0xb9, 6, 0, 0, 0,  /* ecx:ebx = 6:5 */
                   0x0f, 0xc7, 0x0e,                 /* cmpxchg8b [esi] */
                   HLT));
    cr_assert_eq(fix_read32(f, FIX_DATA), 5);
    cr_assert_eq(fix_read32(f, FIX_DATA + 4), 6);
    cr_assert(arith_flags() & FLAG_ZF);
    ASSERT_HLT(RUN(0x0f, 0xc7, 0x0e, HLT));           /* now differs: edx:eax = 6:5 */
    cr_assert_eq(c->reg[EAX], 5);
    cr_assert_eq(c->reg[EDX], 6);
    cr_assert_eq(arith_flags() & FLAG_ZF, 0);
}

Test(exec, push_pop_and_esp_rules)
{
    ASSERT_HLT(RUN(0x6a, 0xff,                       /* push -1 (imm8 sign-extended) */
                   0x68, 0x78, 0x56, 0x34, 0x12,     /* push 0x12345678 */
                   0x5b,                             /* pop ebx */
                   0x59,                             /* pop ecx */
                   0x54,                             /* push esp: pushes the old value */
                   0x58,                             /* pop eax */
                   HLT));
    cr_assert_eq(c->reg[EBX], 0x12345678u);
    cr_assert_eq(c->reg[ECX], 0xffffffffu);
    cr_assert_eq(c->reg[EAX], FIX_STACK);
    cr_assert_eq(c->reg[ESP], FIX_STACK);
    /* pop dword [esp]: the address is computed after ESP is incremented (SDM POP) */
    ASSERT_HLT(RUN(0x6a, 0x11, 0x6a, 0x22,           /* push 0x11; push 0x22 */
                   0x8f, 0x04, 0x24,                 /* pop dword [esp] */
                   HLT));
    cr_assert_eq(c->reg[ESP], FIX_STACK - 4);
    cr_assert_eq(fix_read32(f, FIX_STACK - 4), 0x22, "0x22 must land on the old 0x11 slot");
}

Test(exec, pusha_popa)
{
    ASSERT_HLT(RUN(0xb8, 1, 0, 0, 0, 0xb9, 2, 0, 0, 0, 0xba, 3, 0, 0, 0, 0xbb, 4, 0, 0, 0,
                   0xbd, 6, 0, 0, 0, 0xbe, 7, 0, 0, 0, 0xbf, 8, 0, 0, 0,
                   0x60,                             /* pusha */
                   HLT));
    cr_assert_eq(c->reg[ESP], FIX_STACK - 32);
    cr_assert_eq(fix_read32(f, FIX_STACK - 4), 1, "EAX pushed first");
    cr_assert_eq(fix_read32(f, FIX_STACK - 20), FIX_STACK, "original ESP in the 5th slot");
    cr_assert_eq(fix_read32(f, FIX_STACK - 32), 8, "EDI pushed last");
    ASSERT_HLT(RUN(0x31, 0xc0, 0x31, 0xff, 0x61, HLT));   /* xor eax, eax; xor edi, edi; popa */
    cr_assert_eq(c->reg[EAX], 1);
    cr_assert_eq(c->reg[EDI], 8);
    cr_assert_eq(c->reg[ESP], FIX_STACK);
}

Test(exec, pushf_popf_arith_flags)
{
    ASSERT_HLT(RUN(0xb0, 0xff, 0x04, 0x01,           /* add al, 1 -> CF ZF AF PF */
                   0x9c,                             /* pushf */
                   0x5b,                             /* pop ebx */
                   0x68, 0x81, 0x08, 0, 0,           /* push 0x881 (OF SF CF) */
                   0x9d,                             /* popf */
                   HLT));
    cr_assert_eq(c->reg[EBX] & (FLAGS_ARITH | FLAG_FIXED),
                 FLAG_CF | FLAG_ZF | FLAG_AF | FLAG_PF | FLAG_FIXED, "got %#x", c->reg[EBX]);
    ASSERT_FLAGS(FLAG_OF | FLAG_SF | FLAG_CF);
}

Test(exec, jcc_taken_and_not_taken)
{
    /* mov eax, 1; cmp eax, 2; jl +5 (over mov eax, 9); jg ...; hlt */
    ASSERT_HLT(RUN(0xb8, 1, 0, 0, 0,
                   0x83, 0xf8, 0x02,                 /* cmp eax, 2 */
                   0x7c, 0x05,                       /* jl +5 */
                   0xb8, 9, 0, 0, 0,                 /* mov eax, 9 (skipped) */
                   0x0f, 0x8f, 0x05, 0, 0, 0,        /* jg near +5 (not taken) */
                   0xbb, 7, 0, 0, 0,                 /* mov ebx, 7 */
                   HLT));
    cr_assert_eq(c->reg[EAX], 1);
    cr_assert_eq(c->reg[EBX], 7);
}

Test(exec, signed_and_unsigned_conditions)
{
    /* cmp -1, 1: below is false (FFFFFFFF > 1 unsigned), less is true */
    ASSERT_HLT(RUN(0xb8, 0xff, 0xff, 0xff, 0xff, 0x83, 0xf8, 0x01,
                   0x0f, 0x92, 0xc1,                 /* setb cl */
                   0x0f, 0x9c, 0xc2,                 /* setl dl */
                   0x0f, 0x96, 0xc3,                 /* setbe bl */
                   0x0f, 0x9f, 0xc4,                 /* setg ah */
                   HLT));
    cr_assert_eq(c->reg[ECX] & 0xff, 0);
    cr_assert_eq(c->reg[EDX] & 0xff, 1);
    cr_assert_eq(c->reg[EBX] & 0xff, 0);
    cr_assert_eq((c->reg[EAX] >> 8) & 0xff, 0);
    /* after an ADD the generic path: 7FFFFFFF + 1 overflows -> jo taken */
    ASSERT_HLT(RUN(0xb8, 0xff, 0xff, 0xff, 0x7f, 0x83, 0xc0, 0x01,
                   0x0f, 0x90, 0xc1,                 /* seto cl */
                   0x0f, 0x9a, 0xc2,                 /* setp dl (low byte 00: even) */
                   HLT));
    cr_assert_eq(c->reg[ECX] & 0xff, 1);
    cr_assert_eq(c->reg[EDX] & 0xff, 1);
}

Test(exec, cmov_moves_only_when_true)
{
    ASSERT_HLT(RUN(0xb8, 1, 0, 0, 0, 0xbb, 2, 0, 0, 0, 0xb9, 3, 0, 0, 0,
                   0xba, 0, 0, 0, 0,                 /* mov edx, 0 */
                   0x39, 0xc0,                       /* cmp eax, eax (ZF) */
                   0x0f, 0x44, 0xc3,                 /* cmove eax, ebx */
                   0x0f, 0x45, 0xd1,                 /* cmovne edx, ecx */
                   HLT));
    cr_assert_eq(c->reg[EAX], 2);
    cr_assert_eq(c->reg[EDX], 0, "CMOVNE must not move when ZF = 1");
}

Test(exec, call_ret_and_ret_imm)
{
    /* call +6 -> sub: mov eax, 5; ret 0 ... */
    ASSERT_HLT(RUN(0x6a, 0x33,                       /* 1000: push 0x33 (an argument) */
                   0xe8, 0x01, 0, 0, 0,              /* 1002: call 1008 */
                   HLT,                              /* 1007 */
                   0xb8, 5, 0, 0, 0,                 /* 1008: mov eax, 5 */
                   0xc2, 0x04, 0x00));               /* 100d: ret 4 */
    cr_assert_eq(c->reg[EAX], 5);
    cr_assert_eq(c->reg[ESP], FIX_STACK, "RET 4 must drop the argument");
    cr_assert_eq(c->eip, FIX_CODE + 8);
    /* call through a register and a near indirect jump */
    ASSERT_HLT(RUN(0xbb, 0x0a, 0x10, 0, 0,           /* 1000: mov ebx, 0x100a */
                   0xff, 0xd3,                       /* 1005: call ebx */
                   HLT,                              /* 1007 */
                   0x90, 0x90,                       /* 1008 */
                   0xb9, 0x0f, 0x10, 0, 0,           /* 100a: mov ecx, 0x100f */
                   0xc3));                           /* 100f: ret -> 1007 */
    cr_assert_eq(c->eip, FIX_CODE + 8);
}

Test(exec, loop_family)
{
    /* ecx = 5; eax += 2 per iteration with LOOP */
    ASSERT_HLT(RUN(0x31, 0xc0, 0xb9, 5, 0, 0, 0,
                   0x83, 0xc0, 0x02,                 /* add eax, 2 */
                   0xe2, 0xfb,                       /* loop -5 */
                   HLT));
    cr_assert_eq(c->reg[EAX], 10);
    cr_assert_eq(c->reg[ECX], 0);
    /* jecxz taken with ecx = 0 */
    ASSERT_HLT(RUN(0xe3, 0x05, 0xb8, 1, 0, 0, 0, HLT));
    cr_assert_eq(c->reg[EAX], 10);
    /* loopne stops when ZF = 1: cmp eax, 10 matches at once */
    ASSERT_HLT(RUN(0xb9, 5, 0, 0, 0, 0x83, 0xf8, 0x0a, 0xe0, 0xfb, HLT));
    cr_assert_eq(c->reg[ECX], 4);
}

Test(exec, enter_leave)
{
    ASSERT_HLT(RUN(0xbd, 0x44, 0x33, 0x22, 0x11,     /* mov ebp, 0x11223344 */
                   0xc8, 0x10, 0x00, 0x00,           /* enter 16, 0 */
                   HLT));
    cr_assert_eq(c->reg[EBP], FIX_STACK - 4);
    cr_assert_eq(c->reg[ESP], FIX_STACK - 4 - 16);
    cr_assert_eq(fix_read32(f, FIX_STACK - 4), 0x11223344u);
    ASSERT_HLT(RUN(0xc9, HLT));                      /* leave */
    cr_assert_eq(c->reg[EBP], 0x11223344u);
    cr_assert_eq(c->reg[ESP], FIX_STACK);
    /* enter 8, 2: pushes ebp, copies one outer frame pointer, pushes the new one */
    fix_write32(f, 0x7000 - 4, 0xaaaa);
    ASSERT_HLT(RUN(0xbd, 0x00, 0x70, 0, 0, 0xc8, 0x08, 0x00, 0x02, HLT));
    cr_assert_eq(c->reg[EBP], FIX_STACK - 4);
    cr_assert_eq(fix_read32(f, FIX_STACK - 8), 0xaaaa, "outer frame pointer copied");
    cr_assert_eq(fix_read32(f, FIX_STACK - 12), FIX_STACK - 4, "new frame pointer pushed");
    cr_assert_eq(c->reg[ESP], FIX_STACK - 12 - 8);
}

Test(exec, bit_test_family)
{
    ASSERT_HLT(RUN(0xb8, 0x10, 0, 0, 0,
                   0x0f, 0xba, 0xe0, 0x04,           /* bt eax, 4 */
                   HLT));
    cr_assert(arith_flags() & FLAG_CF);
    /* bts [ebx], ecx with ecx = 35: dword at ebx+4, bit 3 */
    ASSERT_HLT(RUN(0xbb, 0x00, 0x00, 0x01, 0x00, 0xb9, 35, 0, 0, 0,
                   0x0f, 0xab, 0x0b,                 /* bts [ebx], ecx */
                   HLT));
    cr_assert_eq(fix_read32(f, FIX_DATA + 4), 8);
    cr_assert_eq(arith_flags() & FLAG_CF, 0);
    /* btr with a negative offset -1: dword at ebx-4, bit 31 */
    fix_write32(f, FIX_DATA - 4, 0x80000001u);
    ASSERT_HLT(RUN(0xb9, 0xff, 0xff, 0xff, 0xff, 0x0f, 0xb3, 0x0b, HLT));
    cr_assert_eq(fix_read32(f, FIX_DATA - 4), 1);
    cr_assert(arith_flags() & FLAG_CF);
    /* btc eax, 0 (register form: offset taken modulo 32) */
    ASSERT_HLT(RUN(0xb8, 1, 0, 0, 0, 0xb9, 32, 0, 0, 0, 0x0f, 0xbb, 0xc8, HLT));
    cr_assert_eq(c->reg[EAX], 0);
}

Test(exec, bsf_bsr)
{
    ASSERT_HLT(RUN(0xbb, 0x50, 0, 0, 0, 0x0f, 0xbc, 0xc3, 0x0f, 0xbd, 0xcb, HLT));  /* bsf eax,ebx; bsr ecx,ebx */
    cr_assert_eq(c->reg[EAX], 4);
    cr_assert_eq(c->reg[ECX], 6);
    cr_assert_eq(arith_flags() & FLAG_ZF, 0);
    /* zero source: ZF = 1 and the destination is left alone */
    ASSERT_HLT(RUN(0xb8, 0x77, 0, 0, 0, 0x31, 0xdb, 0x0f, 0xbc, 0xc3, HLT));
    cr_assert_eq(c->reg[EAX], 0x77);
    cr_assert(arith_flags() & FLAG_ZF);
}

Test(exec, port_io)
{
    fix_script_in(f, 0x5a);
    fix_script_in(f, 0x12345678);
    ASSERT_HLT(RUN(0xb0, 0x41, 0xe6, 0x80,           /* mov al, 'A'; out 0x80, al */
                   0x66, 0xba, 0xf8, 0x03,           /* mov dx, 0x3f8 */
                   0xee,                             /* out dx, al */
                   0xec,                             /* in al, dx */
                   0x88, 0xc3,                       /* mov bl, al */
                   0xe5, 0x40,                       /* in eax, 0x40 */
                   0x66, 0xef,                       /* out dx, ax */
                   HLT));
    cr_assert_eq(f->nout, 3);
    cr_assert_eq(f->out[0].addr, 0x80);
    cr_assert_eq(f->out[0].val, 0x41);
    cr_assert_eq(f->out[0].size, 1);
    cr_assert_eq(f->out[1].addr, 0x3f8);
    cr_assert_eq(c->reg[EBX] & 0xff, 0x5a);
    cr_assert_eq(c->reg[EAX], 0x12345678u);
    cr_assert_eq(f->in_ports[1], 0x40);
    cr_assert_eq(f->out[2].val, 0x5678);
    cr_assert_eq(f->out[2].size, 2);
}

Test(exec, undefined_opcodes_raise_ud)
{
    static const uint8_t ud[][3] = {
        { 0x0f, 0x0b, HLT },       /* ud2 */
        { 0xd6, HLT, 0 },          /* salc: not implemented */
        { 0x8d, 0xc0, HLT },       /* lea eax, eax */
        { 0x8e, 0xc8, HLT },       /* mov cs, ax */
        { 0xfe, 0xd0, HLT },       /* fe /2 */
        { 0xff, 0xff, HLT },       /* ff /7 */
    };
    for (size_t k = 0; k < sizeof ud / sizeof ud[0]; k++) {
        fix_code(f, ud[k], sizeof ud[k]);
        cr_assert_eq(fix_run_to_hlt(f), CPU_EXIT_RING0, "case %zu", k);
        cr_assert_eq(c->exit.vector, EXC_UD, "case %zu: expected #UD, got %u", k, c->exit.vector);
        cr_assert_eq(c->eip, FIX_CODE, "case %zu: #UD is a fault", k);
    }
}

/* The two-byte map (SDM Vol. 2A table A-3) of a processor without MMX, SSE
 * or RSM: every opcode it does not implement is #UD, and none is left out
 * of the interpreter's handler table (a hole would crash the host). */
Test(exec, two_byte_gaps_raise_ud)
{
    static const uint8_t gaps[][2] = {
        { 0x04, 0x05 }, { 0x07, 0x07 }, { 0x0a, 0x17 }, { 0x24, 0x2f }, { 0x33, 0x3f },
        { 0x50, 0x7f }, { 0xa6, 0xa7 }, { 0xaa, 0xaa }, { 0xae, 0xae }, { 0xb8, 0xb9 },
        { 0xc2, 0xc6 }, { 0xd0, 0xff },
    };
    for (size_t g = 0; g < sizeof gaps / sizeof gaps[0]; g++) {
        for (unsigned op = gaps[g][0]; op <= gaps[g][1]; op++) {
            uint8_t code[] = { 0x0f, (uint8_t)op, HLT, HLT, HLT, HLT, HLT, HLT };
            fix_code(f, code, sizeof code);
            cr_assert_eq(fix_run_to_hlt(f), CPU_EXIT_RING0, "0f %02x: expected an exit", op);
            cr_assert_eq(c->exit.vector, EXC_UD, "0f %02x: expected #UD, got %u", op, c->exit.vector);
            cr_assert_eq(c->eip, FIX_CODE, "0f %02x: #UD is a fault", op);
        }
    }
}

Test(exec, int_n_reports_vector_and_return_address)
{
    cr_assert_eq(RUN(0x90, 0xcd, 0x42, HLT), CPU_EXIT_RING0);   /* nop; int 0x42 */
    cr_assert_eq(c->exit.kind, EVENT_SOFTINT);
    cr_assert_eq(c->exit.vector, 0x42);
    cr_assert_eq(c->exit.next_eip, FIX_CODE + 3);
}

Test(exec, xlat)
{
    fix_write8(f, FIX_DATA + 3, 0x99);
    ASSERT_HLT(RUN(0xbb, 0x00, 0x00, 0x01, 0x00, 0xb0, 0x03, 0xd7, HLT));
    cr_assert_eq(c->reg[EAX] & 0xff, 0x99);
}

Test(exec, segment_register_loads)
{
    fix_gdt_flat(f);
    fix_write32(f, FIX_DATA, 0x12345678);          /* far pointer: offset */
    fix_write16(f, FIX_DATA + 4, 0x10);            /*              selector */
    ASSERT_HLT(RUN(0x31, 0xc0, 0x8e, 0xe0,         /* xor eax, eax; mov fs, ax (null) */
                   0x66, 0xb8, 0x10, 0x00,         /* mov ax, 0x10 */
                   0x8e, 0xe8,                     /* mov gs, ax */
                   0x0f, 0xa8,                     /* push gs */
                   0x07,                           /* pop es */
                   0xbb, 0x00, 0x00, 0x01, 0x00,   /* mov ebx, 0x10000 */
                   0x0f, 0xb4, 0x0b,               /* lfs ecx, [ebx] */
                   0x8c, 0xe2,                     /* mov edx, fs */
                   HLT));
    cr_assert_eq(c->seg[SEG_GS].sel, 0x10);
    cr_assert_eq(c->seg[SEG_ES].sel, 0x10);
    cr_assert_eq(c->reg[ECX], 0x12345678u);
    cr_assert_eq(c->reg[EDX], 0x10, "MOV r32, Sreg zero-extends: %#x", c->reg[EDX]);
    cr_assert_eq(c->reg[ESP], FIX_STACK);
}

Test(exec, push_sreg_writes_16_bits_of_a_32_bit_slot)
{
    fix_write32(f, FIX_STACK - 4, 0xaaaaaaaa);
    ASSERT_HLT(RUN(0x1e, HLT));                    /* push ds */
    cr_assert_eq(c->reg[ESP], FIX_STACK - 4);
    cr_assert_eq(fix_read32(f, FIX_STACK - 4), 0xaaaa0010u, "got %#x", fix_read32(f, FIX_STACK - 4));
}

Test(exec, mov_ss_shadows_interrupts_for_one_instruction)
{
    fix_gdt_flat(f);
    cpu_set_eflags(c, FLAG_IF);
    f->intr_vector = 0x30;
    enum cpu_exit r;
    fix_code(f, (const uint8_t[]){ 0x66, 0xb8, 0x10, 0x00,    /* mov ax, 0x10 */
                                   0x8e, 0xd0,                /* mov ss, ax */
                                   0x40, 0x40, HLT }, 9);     /* inc eax; inc eax */
    cr_assert_eq(cpu_step(c), CPU_EXIT_BUDGET);              /* mov ax */
    cr_assert_eq(cpu_step(c), CPU_EXIT_BUDGET);              /* mov ss: opens the shadow */
    cpu_set_intr(c, true);
    r = fix_run_to_hlt(f);
    cr_assert_eq(r, CPU_EXIT_RING0);
    cr_assert_eq(c->exit.kind, EVENT_EXTINT);
    cr_assert_eq(c->eip, FIX_CODE + 7, "taken after the instruction following MOV SS: %#x", c->eip);
}

Test(exec, sixteen_bit_operand_stack)
{
    ASSERT_HLT(RUN(0x66, 0x6a, 0xff,               /* push word -1 */
                   0x66, 0x68, 0x34, 0x12,         /* push word 0x1234 */
                   0x66, 0x5b,                     /* pop bx */
                   0x66, 0x59,                     /* pop cx */
                   HLT));
    cr_assert_eq(c->reg[EBX] & 0xffff, 0x1234);
    cr_assert_eq(c->reg[ECX] & 0xffff, 0xffff);
    cr_assert_eq(c->reg[ESP], FIX_STACK);
    /* call with a 16-bit operand size pushes IP and truncates the target */
    ASSERT_HLT(RUN(0x66, 0xe8, 0x01, 0x00,         /* 1000: call 0x1005 (rel16) */
                   HLT,                            /* 1004 */
                   0x66, 0xc3));                   /* 1005: ret (16-bit) */
    cr_assert_eq(c->eip, FIX_CODE + 5);
    cr_assert_eq(c->reg[ESP], FIX_STACK);
}

Test(exec, bound_checks_signed_range)
{
    fix_write32(f, FIX_DATA, (uint32_t)-5);
    fix_write32(f, FIX_DATA + 4, 10);
    ASSERT_HLT(RUN(0xbb, 0x00, 0x00, 0x01, 0x00, 0xb8, 0xfb, 0xff, 0xff, 0xff,  /* eax = -5 */
                   0x62, 0x03, HLT));              /* bound eax, [ebx] */
    cr_assert_eq(RUN(0xb8, 11, 0, 0, 0, 0x62, 0x03, HLT), CPU_EXIT_RING0);
    cr_assert_eq(c->exit.vector, EXC_BR);
    cr_assert_eq(c->eip, FIX_CODE + 5);
}
