/* test_smc.c - code that changes under the CPU: self-modifying code, rewritten
 * functions, remapped pages, and the caches that must notice. */

/*
 * Both engines cache what they decoded: the interpreter its decoded
 * instructions (checked against memory on every use), the translator whole
 * blocks of host code (dropped when a write touches their bytes, jit.c).
 * SDM Vol. 3A 8.1.3: a write to code that is about to run is seen by the
 * processor -- for code on the same linear address, even by the next
 * instruction.  Each test is built so that a cache that missed the write
 * would run the old code and give a different, named, result.  In the
 * test-cpu-jit run (TRAPEZE_ENGINE=jit) the tests also check that the
 * translator really had translated the code it then had to drop.
 */

#include "../engine.h"
#include "cpu_test.h"

TestSuite(smc, .init = cpu_test_setup, .fini = cpu_test_teardown);

/* The translator's counters (all 0 on the interpreter). */
static struct cpu_jit_stats jit_stats(void)
{
    struct cpu_jit_stats s;
    cpu_jit_get_stats(c, &s);
    return s;
}

/* Run from `eip` to HLT. */
static void run_from(uint32_t eip)
{
    c->eip = eip;
    c->halted = false;
    ASSERT_HLT(fix_run_to_hlt(f));
}

Test(smc, store_into_a_later_instruction_of_the_running_block)
{
    /* The store patches the immediate of the very next instruction.  Run 1
     * writes the byte that is already there, so that the code is cached
     * (and, on the translator, translated) as one block; run 2 writes a new
     * one, which the next instruction must use. */
    static const uint8_t code[] = {
        0x88, 0x15, 0x07, 0x20, 0, 0,        /* 2000: mov [0x2007], dl */
        0xb8, 0x11, 0, 0, 0,                 /* 2006: mov eax, 0x11 */
        HLT,                                 /* 200b */
    };
    fix_poke(f, 0x2000, code, sizeof code);
    c->reg[EDX] = 0x11;
    run_from(0x2000);
    run_from(0x2000);
    cr_assert_eq(c->reg[EAX], 0x11);
    uint64_t before = jit_stats().invalidated;
    c->reg[EDX] = 0x99;
    run_from(0x2000);
    cr_assert_eq(c->reg[EAX], 0x99, "the patched MOV must run: EAX %#x", c->reg[EAX]);
    if (test_engine_is_jit())
        cr_assert_gt(jit_stats().invalidated, before, "the store must drop the stale block");
}

Test(smc, rewritten_function_reached_through_a_linked_call)
{
    /* The same CALL runs twice.  Between the two, REP MOVSB copies a new
     * body over the function.  The translator links the CALL straight to the
     * function's block after the first pass; the rewrite must undo that link,
     * or the second call runs the old body (EBX would be 1 + 1). */
    static const uint8_t code[] = {
        0xb9, 2, 0, 0, 0,                    /* 3000: mov ecx, 2 */
        0x50, 0x58,                          /* 3005: push eax; pop eax (the stack in the TLB) */
        0xeb, 0x00,                          /* 3007: jmp 3009 (so 3009 starts a block) */
        0xe8, 0xf7, 0x00, 0, 0,              /* 3009: call 3105 (f) */
        0x01, 0xc3,                          /* 300e: add ebx, eax */
        0x51,                                /* 3010: push ecx */
        0xbe, 0x05, 0x32, 0, 0,              /* 3011: mov esi, 0x3205 (new body) */
        0xbf, 0x05, 0x31, 0, 0,              /* 3016: mov edi, 0x3105 (f) */
        0xb9, 6, 0, 0, 0,                    /* 301b: mov ecx, 6 */
        0xf3, 0xa4,                          /* 3020: rep movsb */
        0x59,                                /* 3022: pop ecx */
        0xe2, 0xe4,                          /* 3023: loop 3009 */
        HLT,                                 /* 3025 */
    };
    static const uint8_t f_old[] = { 0xb8, 1, 0, 0, 0, 0xc3 };   /* mov eax, 1; ret */
    static const uint8_t f_new[] = { 0xb8, 2, 0, 0, 0, 0xc3 };   /* mov eax, 2; ret */
    fix_poke(f, 0x3000, code, sizeof code);
    fix_poke(f, 0x3105, f_old, sizeof f_old);
    fix_poke(f, 0x3205, f_new, sizeof f_new);
    c->reg[EBX] = 0;
    run_from(0x3000);
    cr_assert_eq(c->reg[EBX], 1 + 2, "first call returns 1, the second 2: EBX %u", c->reg[EBX]);
    if (test_engine_is_jit()) {
        cr_assert_gt(jit_stats().links, 0, "the CALL was linked to the function's block");
        cr_assert_gt(jit_stats().invalidated, 0, "the rewrite dropped the old body");
    }
}

Test(smc, code_written_by_the_owner_between_runs)
{
    /* cpu_ram_written() is how an owner (a monitor, a loader, this test's
     * fix_poke) says it wrote RAM itself. */
    fix_poke(f, 0x4000, (const uint8_t[]){ 0xb8, 1, 0, 0, 0, HLT }, 6);    /* mov eax, 1 */
    run_from(0x4000);
    run_from(0x4000);
    cr_assert_eq(c->reg[EAX], 1);
    fix_poke(f, 0x4001, (const uint8_t[]){ 5 }, 1);                       /* mov eax, 5 */
    run_from(0x4000);
    cr_assert_eq(c->reg[EAX], 5, "the new immediate must be seen: EAX %u", c->reg[EAX]);
}

Test(smc, writes_to_data_beside_code_do_not_lose_it)
{
    /* A loop that stores into a variable on its own code page: every store
     * is to a page holding translated code, none to the code itself, so the
     * translation may stay and the loop must still count right. */
    static const uint8_t code[] = {
        0xb9, 0xe8, 0x03, 0, 0,              /* 5000: mov ecx, 1000 */
        0x31, 0xc0,                          /* 5005: xor eax, eax */
        0x40,                                /* 5007: inc eax */
        0xa3, 0x00, 0x58, 0, 0,              /* 5008: mov [0x5800], eax */
        0xe2, 0xf8,                          /* 500d: loop 5007 */
        HLT,                                 /* 500f */
    };
    fix_poke(f, 0x5000, code, sizeof code);
    run_from(0x5000);
    cr_assert_eq(fix_read32(f, 0x5800), 1000);
    cr_assert_eq(c->reg[EAX], 1000);
    if (test_engine_is_jit())
        cr_assert_eq(jit_stats().invalidated, 0, "no store touched the loop's code");
}

Test(smc, a_cache_full_of_blocks_is_flushed_and_goes_on)
{
    /* 40,000 blocks, each one JMP to the next: more than the translator
     * keeps (JIT_MAX_BLOCKS), so it must flush its cache on the way and
     * still run every one of them exactly once. */
    enum { N = 40000, BASE = 0x100000 };
    static uint8_t code[N * 6 + 1];
    for (unsigned k = 0; k < N; k++) {
        code[6 * k] = 0x40;                  /* inc eax */
        code[6 * k + 1] = 0xe9;              /* jmp +0: to the next one */
        memset(&code[6 * k + 2], 0, 4);
    }
    code[6 * N] = HLT;
    fix_poke(f, BASE, code, sizeof code);
    c->reg[EAX] = 0;
    uint64_t start = c->icount;
    run_from(BASE);
    cr_assert_eq(c->reg[EAX], N, "every block ran once: EAX %u", c->reg[EAX]);
    cr_assert_eq(c->icount - start, 2 * N + 1, "instructions retired: %llu",
                 (unsigned long long)(c->icount - start));
    if (test_engine_is_jit())
        cr_assert_gt(jit_stats().flushes, 0, "the cache must have been flushed");
}

Test(smc, budget_stops_inside_a_translated_loop_at_the_exact_instruction)
{
    /* Timers and --max-insns count instructions: a budget must stop after
     * exactly that many, whether or not a whole block fits. */
    static const uint8_t code[] = {
        0x40,                                /* 6000: inc eax */
        0x43,                                /* 6001: inc ebx */
        0xeb, 0xfc,                          /* 6002: jmp 6000 */
    };
    fix_poke(f, 0x6000, code, sizeof code);
    c->eip = 0x6000;
    c->reg[EAX] = c->reg[EBX] = 0;
    for (unsigned budget = 1; budget <= 40; budget += 3) {
        uint64_t start = c->icount;
        cr_assert_eq(cpu_run(c, budget), CPU_EXIT_BUDGET);
        cr_assert_eq(c->icount - start, budget);
    }
    /* 1 + 4 + ... + 40 = 287 instructions: 96 passes (3 each) less the last one's jmp */
    cr_assert_eq(c->icount, 287);
    cr_assert_eq(c->reg[EAX], 96, "EAX %u", c->reg[EAX]);
    cr_assert_eq(c->reg[EBX], 96, "EBX %u", c->reg[EBX]);
    cr_assert_eq(c->eip, 0x6002, "EIP %#x", c->eip);
}
