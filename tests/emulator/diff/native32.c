/* native32.c - the 32-bit helper that runs test cases on the host CPU. */

/*
 * An x86-64 host still executes 32-bit code natively, so the best reference
 * for the interpreter is the processor it runs on.  This program is built
 * with `gcc -m32 -static` (never with the test's sanitizer flags) and started
 * once per test: it reads struct diff_case records on stdin and answers each
 * with a struct diff_state on stdout.
 *
 * For each case it copies the code, data and stack bytes to their fixed
 * addresses, loads the registers and EFLAGS (native32_enter.S) and jumps in.
 * Every case ends in a processor exception: the final HLT raises #GP at
 * CPL 3 (SDM Vol. 2A HLT: "#GP(0) if the current privilege level is not 0"),
 * a bad DIV raises #DE, and so on.  Linux turns the exception into a signal
 * whose context holds the registers, EFLAGS, EIP and the exception vector
 * (the i386 sigcontext's trapno), which is exactly what the test compares.
 * The handler runs on its own stack, so the case's stack page is untouched,
 * and siglongjmps back to the loop.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "diff_wire.h"

/* SDM Vol. 1 3.4.3: the EFLAGS bits a case starts with (user-settable ones). */
#define EFLAGS_FIXED   0x00000002u   /* bit 1 reads as 1 */
#define EFLAGS_IF      0x00000200u   /* always set in a Linux process */
#define EFLAGS_CASE    0x00000cd5u   /* OF DF SF ZF AF PF CF */

/* A case gets this many seconds of host time before the helper gives up. */
#define CASE_TIMEOUT_S 2

/* What native_enter() loads, in the order POPA and POPF take it. */
struct native_regs {
    uint32_t edi, esi, ebp, esp_skipped, ebx, edx, ecx, eax;
    uint32_t eflags;
    uint32_t esp;
};

void native_enter(const struct native_regs *r) __attribute__((noreturn));

/* Where native_enter() jumps: read through memory, see native32_enter.S. */
const uint32_t native_entry = DIFF_CODE_ADDR;

static sigjmp_buf case_return;
static struct diff_state result;
static uint8_t alt_stack[65536];

/* Copy the faulting context into `result` and go back to run_case(). */
static void on_fault(int sig, siginfo_t *si, void *ctx)
{
    const greg_t *g = ((ucontext_t *)ctx)->uc_mcontext.gregs;
    static const int order[8] = { REG_EAX, REG_ECX, REG_EDX, REG_EBX,
                                  REG_ESP, REG_EBP, REG_ESI, REG_EDI };
    (void)sig;
    (void)si;
    for (int i = 0; i < 8; i++)
        result.reg[i] = (uint32_t)g[order[i]];
    result.eflags = (uint32_t)g[REG_EFL];
    result.eip = (uint32_t)g[REG_EIP];
    result.vector = (uint32_t)g[REG_TRAPNO];
    result.error = (uint32_t)g[REG_ERR];
    result.cr2 = (uint32_t)((ucontext_t *)ctx)->uc_mcontext.cr2;
    siglongjmp(case_return, 1);
}

/* SDM Vol. 3A 6.3.1: #GP is vector 13.  A #GP on a HLT byte is the end of
 * the case; report it the way the interpreter sees a completed HLT, with EIP
 * after it (SDM Vol. 2A HLT: execution resumes at the next instruction). */
static void classify_end(void)
{
    const uint8_t *code = (const uint8_t *)DIFF_CODE_ADDR;
    uint32_t off = result.eip - DIFF_CODE_ADDR;

    if (result.vector == 13 && off < DIFF_PAGE_SIZE && code[off] == DIFF_HLT) {
        result.vector = DIFF_NO_FAULT;
        result.eip++;
    }
}

/* Run one case and fill `result`. */
static void run_case(const struct diff_case *k)
{
    const struct diff_state *in = &k->in;
    struct native_regs r = {
        .eax = in->reg[0], .ecx = in->reg[1], .edx = in->reg[2], .ebx = in->reg[3],
        .esp = in->reg[4], .ebp = in->reg[5], .esi = in->reg[6], .edi = in->reg[7],
        .eflags = (in->eflags & EFLAGS_CASE) | EFLAGS_FIXED | EFLAGS_IF,
    };

    memset((void *)DIFF_CODE_ADDR, DIFF_HLT, DIFF_PAGE_SIZE);
    memcpy((void *)DIFF_CODE_ADDR, k->code, k->code_len);
    memcpy((void *)DIFF_DATA_ADDR, in->data, DIFF_DATA_SIZE);
    memcpy((void *)DIFF_STACK_ADDR, in->stack, DIFF_PAGE_SIZE);
    alarm(CASE_TIMEOUT_S);
    if (sigsetjmp(case_return, 1) == 0)
        native_enter(&r);
    alarm(0);
    classify_end();
    memcpy(result.data, (void *)DIFF_DATA_ADDR, DIFF_DATA_SIZE);
    memcpy(result.stack, (void *)DIFF_STACK_ADDR, DIFF_PAGE_SIZE);
}

/* Map code, data, read-only and stack pages at their fixed addresses (the
 * hole after the read-only page stays unmapped).  Returns 0 or -1. */
static int map_pages(void)
{
    static const uint32_t addr[4] = { DIFF_CODE_ADDR, DIFF_DATA_ADDR, DIFF_RO_ADDR, DIFF_STACK_ADDR };
    static const uint32_t size[4] = { DIFF_PAGE_SIZE, DIFF_DATA_SIZE, DIFF_PAGE_SIZE, DIFF_PAGE_SIZE };
    uint8_t *ro = (uint8_t *)DIFF_RO_ADDR;

    for (int i = 0; i < 4; i++) {
        void *p = mmap((void *)addr[i], size[i],
                       PROT_READ | PROT_WRITE | PROT_EXEC,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
        if (p != (void *)addr[i])
            return -1;
    }
    for (uint32_t i = 0; i < DIFF_PAGE_SIZE; i++)
        ro[i] = diff_ro_byte(i);
    return mprotect(ro, DIFF_PAGE_SIZE, PROT_READ);
}

/* Catch the signals an exception can become, on the alternate stack. */
static int catch_faults(void)
{
    static const int sigs[] = { SIGSEGV, SIGILL, SIGFPE, SIGBUS, SIGTRAP };
    stack_t ss = { .ss_sp = alt_stack, .ss_size = sizeof alt_stack };
    struct sigaction sa = { .sa_sigaction = on_fault, .sa_flags = SA_SIGINFO | SA_ONSTACK };

    if (sigaltstack(&ss, NULL) < 0)
        return -1;
    sigemptyset(&sa.sa_mask);
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        if (sigaction(sigs[i], &sa, NULL) < 0)
            return -1;
    return 0;
}

/* read()/write() the whole buffer.  Return 1 on success, 0 at EOF, -1 on error. */
static int xfer(int fd, void *buf, size_t len, int writing)
{
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = writing ? write(fd, p, len) : read(fd, p, len);
        if (n <= 0)
            return n == 0 ? 0 : -1;
        p += n;
        len -= (size_t)n;
    }
    return 1;
}

int main(void)
{
    static struct diff_case k;
    uint32_t hello = DIFF_HELLO;

    if (map_pages() < 0 || catch_faults() < 0)
        return 2;
    if (xfer(1, &hello, sizeof hello, 1) != 1)
        return 1;
    while (xfer(0, &k, sizeof k, 0) == 1) {
        if (k.code_len > DIFF_CODE_MAX)
            return 1;
        run_case(&k);
        if (xfer(1, &result, sizeof result, 1) != 1)
            return 1;
    }
    return 0;
}
