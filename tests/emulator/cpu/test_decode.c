/* test_decode.c - prefixes, ModRM/SIB addressing in 32 and 16 bits, default segments. */

/* Addressing forms from SDM Vol. 2A tables 2-1 (16-bit), 2-2 and 2-3 (32-bit). */

#include "cpu_test.h"

TestSuite(decode, .init = cpu_test_setup, .fini = cpu_test_teardown);

Test(decode, sib_base_index_scale_disp8)
{
    /* lea eax, [ebx + ecx*4 + 8]: 8D /r, ModRM 01 000 100, SIB 10 001 011, disp8 */
    ASSERT_HLT(RUN(0xbb, 0x00, 0x10, 0, 0, 0xb9, 3, 0, 0, 0,
                   0x8d, 0x44, 0x8b, 0x08, HLT));
    cr_assert_eq(c->reg[EAX], 0x1000 + 3 * 4 + 8, "got %#x", c->reg[EAX]);
}

Test(decode, sib_without_base_takes_disp32)
{
    /* lea eax, [ecx*8 + 0x12345678]: ModRM 00 000 100, SIB 11 001 101 (base=101, mod 0) */
    ASSERT_HLT(RUN(0xb9, 2, 0, 0, 0, 0x8d, 0x04, 0xcd, 0x78, 0x56, 0x34, 0x12, HLT));
    cr_assert_eq(c->reg[EAX], 0x12345678u + 16);
}

Test(decode, sib_index_esp_means_none)
{
    /* lea eax, [esp + 4]: SIB 00 100 100 (index 100 = none, base esp) disp8 */
    ASSERT_HLT(RUN(0x8d, 0x44, 0x24, 0x04, HLT));
    cr_assert_eq(c->reg[EAX], FIX_STACK + 4);
}

Test(decode, disp32_alone_and_negative_disp8)
{
    /* mov eax, [0x10000] (ModRM 00 000 101 disp32); mov ebx, [eax - 4]... */
    fix_write32(f, FIX_DATA, 0xcafef00d);
    fix_write32(f, FIX_DATA - 4, 0x11223344);
    ASSERT_HLT(RUN(0x8b, 0x05, 0x00, 0x00, 0x01, 0x00,     /* mov eax, [0x10000] */
                   0xbe, 0x00, 0x00, 0x01, 0x00,           /* mov esi, 0x10000 */
                   0x8b, 0x5e, 0xfc,                       /* mov ebx, [esi - 4] */
                   HLT));
    cr_assert_eq(c->reg[EAX], 0xcafef00du);
    cr_assert_eq(c->reg[EBX], 0x11223344u);
}

Test(decode, ebp_base_defaults_to_ss)
{
    /* Give SS a different base so the default segment is visible. */
    cpu_load_seg_raw(c, SEG_SS, 0x10, 0x20000, 0xffffffffu, c->seg[SEG_DS].attr);
    fix_write32(f, 0x20000 + 0x100, 0x55555555);
    fix_write32(f, 0x100, 0xdddddddd);
    ASSERT_HLT(RUN(0xbd, 0x00, 0x01, 0, 0,      /* mov ebp, 0x100     */
                   0x8b, 0x45, 0x00,            /* mov eax, [ebp + 0] (SS) */
                   0x3e, 0x8b, 0x5d, 0x00,      /* mov ebx, ds:[ebp + 0]  */
                   0x89, 0xeb,                  /* mov ebx, ebp -> use as base */
                   0x8b, 0x0b,                  /* mov ecx, [ebx] (DS) */
                   HLT));
    cr_assert_eq(c->reg[EAX], 0x55555555u, "[ebp] must use SS");
    cr_assert_eq(c->reg[ECX], 0xddddddddu, "[ebx] must use DS");
}

Test(decode, segment_override_prefixes)
{
    cpu_load_seg_raw(c, SEG_FS, 0x10, 0x30000, 0xffffffffu, c->seg[SEG_DS].attr);
    fix_write32(f, 0x30000 + 8, 0x0f0f0f0f);
    ASSERT_HLT(RUN(0x64, 0xa1, 8, 0, 0, 0,      /* mov eax, fs:[8] (moffs) */
                   HLT));
    cr_assert_eq(c->reg[EAX], 0x0f0f0f0fu);
}

Test(decode, sixteen_bit_addressing_forms)
{
    /* 67 prefix: lea eax, [bx + si + 5] (rm 000, mod 01) wraps at 64 KiB */
    ASSERT_HLT(RUN(0xbb, 0xff, 0xff, 0x01, 0x00,  /* mov ebx, 0x1ffff */
                   0xbe, 0x02, 0x00, 0x00, 0x00,  /* mov esi, 2 */
                   0x67, 0x8d, 0x40, 0x05,        /* lea eax, [bx + si + 5] */
                   HLT));
    cr_assert_eq(c->reg[EAX], (0xffff + 2 + 5) & 0xffff, "got %#x", c->reg[EAX]);
    /* [bp + di] uses SS; mod 00 rm 110 is a bare disp16 in DS */
    cpu_load_seg_raw(c, SEG_SS, 0x10, 0x20000, 0xffffffffu, c->seg[SEG_DS].attr);
    fix_write16(f, 0x20000 + 0x30, 0xbeef);
    fix_write16(f, 0x1234, 0x4321);
    ASSERT_HLT(RUN(0xbd, 0x10, 0, 0, 0, 0xbf, 0x20, 0, 0, 0,  /* ebp = 0x10, edi = 0x20 */
                   0x67, 0x66, 0x8b, 0x03,        /* mov ax, [bp + di] */
                   0x67, 0x66, 0x8b, 0x1e, 0x34, 0x12,  /* mov bx, [0x1234] */
                   HLT));
    cr_assert_eq(c->reg[EAX] & 0xffff, 0xbeef);
    cr_assert_eq(c->reg[EBX] & 0xffff, 0x4321);
}

Test(decode, operand_size_prefix)
{
    /* mov eax, 0x11223344; mov ax, 0x5566 keeps the upper half */
    ASSERT_HLT(RUN(0xb8, 0x44, 0x33, 0x22, 0x11, 0x66, 0xb8, 0x66, 0x55, HLT));
    cr_assert_eq(c->reg[EAX], 0x11225566u);
    /* 66 83 /0 ib: add ax, -1 only touches AX and sets flags at 16 bits */
    ASSERT_HLT(RUN(0xb8, 0x00, 0x00, 0x01, 0x00, 0x66, 0x83, 0xc0, 0xff, HLT));
    cr_assert_eq(c->reg[EAX], 0x0001ffffu);
    cr_assert(arith_flags() & FLAG_SF, "16-bit result FFFF is negative");
}

Test(decode, high_byte_registers)
{
    /* mov ah, 0x12; mov ch, ah; mov bl, ch */
    ASSERT_HLT(RUN(0xb4, 0x12, 0x88, 0xe5, 0x88, 0xeb, HLT));
    cr_assert_eq((c->reg[ECX] >> 8) & 0xff, 0x12);
    cr_assert_eq(c->reg[EBX] & 0xff, 0x12);
}

Test(decode, sixteen_bit_code_segment_defaults)
{
    /* CS.D = 0: B8 takes an imm16, and 66 selects 32 bits */
    cpu_load_seg_raw(c, SEG_CS, 0x08, 0, 0xffff, c->seg[SEG_CS].attr & ~SEG_ATTR_DB & ~SEG_ATTR_G);
    ASSERT_HLT(RUN(0xb8, 0x34, 0x12,                  /* mov ax, 0x1234 */
                   0x66, 0xbb, 0x78, 0x56, 0x34, 0x12, /* mov ebx, 0x12345678 */
                   HLT));
    cr_assert_eq(c->reg[EAX] & 0xffff, 0x1234);
    cr_assert_eq(c->reg[EBX], 0x12345678u);
    cr_assert_eq(c->eip, FIX_CODE + 10);
}

Test(decode, sixteen_bit_ip_wraps_at_64k_on_every_pass)
{
    /* CS.D = 0, base 0x20000: a loop whose body runs from IP FFFB across
     * the wrap to IP 0, three times, so later passes come from the decode
     * cache: the instruction at FFFF must continue at 0 every time. */
    static const uint8_t tail[] = { 0x40, 0x40, 0x40, 0x40,   /* fffb: inc ax (x4) */
                                    0x43 };                   /* ffff: inc bx */
    static const uint8_t head[] = { 0x4e,                     /* 0000: dec si */
                                    0x75, 0xf8,               /* 0001: jnz fffb */
                                    HLT };                    /* 0003 */
    fix_poke(f, 0x20000 + 0xfffb, tail, sizeof tail);
    fix_poke(f, 0x20000, head, sizeof head);
    cpu_load_seg_raw(c, SEG_CS, 0x08, 0x20000, 0xffff, c->seg[SEG_CS].attr & ~SEG_ATTR_DB & ~SEG_ATTR_G);
    c->reg[EAX] = c->reg[EBX] = 0;
    c->reg[ESI] = 3;
    c->eip = 0xfffb;
    ASSERT_HLT(fix_run_to_hlt(f));
    cr_assert_eq(c->reg[EAX] & 0xffff, 12, "inc ax runs 4 x 3 times: got %u", c->reg[EAX] & 0xffff);
    cr_assert_eq(c->reg[EBX] & 0xffff, 3, "inc bx runs 3 times: got %u", c->reg[EBX] & 0xffff);
    cr_assert_eq(c->eip, 4);
}

Test(decode, too_long_instruction_is_gp)
{
    /* 15 prefixes then an opcode: 16 bytes -> #GP(0) */
    uint8_t code[20];
    for (int k = 0; k < 15; k++)
        code[k] = 0x3e;
    code[15] = 0x90;
    code[16] = HLT;
    fix_code(f, code, sizeof code);
    cr_assert_eq(fix_run_to_hlt(f), CPU_EXIT_RING0);
    cr_assert_eq(c->exit.vector, EXC_GP);
    cr_assert_eq(c->eip, FIX_CODE);
}

Test(decode, lock_prefix_rules)
{
    /* lock add [ebx], eax is allowed */
    ASSERT_HLT(RUN(0xbb, 0, 0, 1, 0, 0xb8, 5, 0, 0, 0, 0xf0, 0x01, 0x03, HLT));
    cr_assert_eq(fix_read32(f, FIX_DATA), 5);
    /* lock add eax, ebx (register destination) is #UD */
    cr_assert_eq(RUN(0xf0, 0x01, 0xd8, HLT), CPU_EXIT_RING0);
    cr_assert_eq(c->exit.vector, EXC_UD);
    /* lock mov [ebx], eax is #UD */
    cr_assert_eq(RUN(0xf0, 0x89, 0x03, HLT), CPU_EXIT_RING0);
    cr_assert_eq(c->exit.vector, EXC_UD);
}

Test(decode, instruction_crossing_a_page)
{
    /* mov eax, imm32 whose immediate straddles 0x2000 */
    static const uint8_t code[] = { 0xb8, 0x11, 0x22, 0x33, 0x44, HLT };
    fix_poke(f, 0x2000 - 3, code, sizeof code);
    c->eip = 0x2000 - 3;
    ASSERT_HLT(fix_run_to_hlt(f));
    cr_assert_eq(c->reg[EAX], 0x44332211u);
}

Test(decode, self_modifying_code_is_seen)
{
    /* The loop patches the immediate of an instruction it has already run
     * (and so decoded once): the second pass must see the new byte. */
    ASSERT_HLT(RUN(0xb9, 2, 0, 0, 0,                   /* 1000: mov ecx, 2 */
                   0xb8, 1, 0, 0, 0,                   /* 1005: mov eax, 1 */
                   0x01, 0xc3,                         /* 100a: add ebx, eax */
                   0xc6, 0x05, 0x06, 0x10, 0, 0, 7,    /* 100c: mov byte [0x1006], 7 */
                   0xe2, 0xf0,                         /* 1013: loop 1005 */
                   HLT));                              /* 1015 */
    cr_assert_eq(c->reg[EAX], 7, "second pass must execute mov eax, 7: got %u", c->reg[EAX]);
}

Test(decode, same_bytes_at_another_address)
{
    /* a cached instruction reached at a new EIP gets its own next EIP */
    static const uint8_t code[] = { 0xe8, 0x00, 0x00, 0x00, 0x00, HLT };  /* call +0; hlt */
    fix_poke(f, 0x3000, code, sizeof code);
    fix_poke(f, 0x5000, code, sizeof code);
    c->eip = 0x3000;
    ASSERT_HLT(fix_run_to_hlt(f));
    cr_assert_eq(fix_read32(f, FIX_STACK - 4), 0x3005);
    c->eip = 0x5000;
    c->halted = false;
    ASSERT_HLT(fix_run_to_hlt(f));
    cr_assert_eq(fix_read32(f, FIX_STACK - 8), 0x5005);
}

Test(decode, self_modifying_code_in_the_last_bytes_of_a_page)
{
    /* The same patch as above, but on the last 16 bytes of a page, where the
     * cache compares each instruction's bytes one by one: pass 1 runs
     * inc eax and turns it into inc ebx, passes 2 and 3 run inc ebx. */
    static const uint8_t code[] = {
        0xb9, 3, 0, 0, 0,                     /* 2ff0: mov ecx, 3 */
        0x40,                                 /* 2ff5: inc eax */
        0xc6, 0x05, 0xf5, 0x2f, 0, 0, 0x43,   /* 2ff6: mov byte [0x2ff5], 0x43 (inc ebx) */
        0xe2, 0xf6,                           /* 2ffd: loop 2ff5 */
        HLT,                                  /* 2fff */
    };
    fix_poke(f, 0x2ff0, code, sizeof code);
    c->reg[EAX] = c->reg[EBX] = 0;
    c->eip = 0x2ff0;
    ASSERT_HLT(fix_run_to_hlt(f));
    cr_assert_eq(c->reg[EAX], 1, "inc eax runs once: got %u", c->reg[EAX]);
    cr_assert_eq(c->reg[EBX], 2, "inc ebx runs twice: got %u", c->reg[EBX]);
}

Test(decode, remapped_code_page_is_seen)
{
    /* SDM Vol. 3A 4.3: identity-map the first 4 MiB with 4-KiB pages, then
     * point linear page 0x5000 at another physical page: the same EIP must
     * now run the other page's code. */
    const uint32_t pd = 0x9000, pt = 0xa000, pte_p_rw = 0x3;
    fix_write32(f, pd, pt | pte_p_rw);
    for (uint32_t k = 0; k < 1024; k++)
        fix_write32(f, pt + 4 * k, (k << 12) | pte_p_rw);
    fix_poke(f, 0x5000, (const uint8_t[]){ 0xb8, 1, 0, 0, 0, HLT }, 6);   /* mov eax, 1 */
    fix_poke(f, 0x6000, (const uint8_t[]){ 0xb8, 2, 0, 0, 0, HLT }, 6);   /* mov eax, 2 */
    c->cr3 = pd;
    c->cr0 |= CR0_PG;
    cpu_tlb_flush(c);
    c->eip = 0x5000;
    ASSERT_HLT(fix_run_to_hlt(f));
    cr_assert_eq(c->reg[EAX], 1);
    fix_write32(f, pt + 4 * 5, 0x6000 | pte_p_rw);
    cpu_tlb_flush(c);
    c->eip = 0x5000;
    c->halted = false;
    ASSERT_HLT(fix_run_to_hlt(f));
    cr_assert_eq(c->reg[EAX], 2, "the remapped page's code must run: EAX %u", c->reg[EAX]);
}
