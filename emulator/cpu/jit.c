/* jit.c - the translator's block cache and dispatcher: how translated code is found and run. */

/*
 * An interpreter pays for decoding and dispatching every instruction every
 * time it runs.  A translator pays once: the first time the guest reaches an
 * EIP, the code there is translated (jit_gen.c) into host instructions that
 * do the same work, and from then on those are run directly.  This is what
 * QEMU's TCG does, and what VMware's binary translator did for guest kernel
 * code (chapter 4 of this course rewrites guest code in the same spirit).
 * It is optional: cpu_jit_enable() turns it on, and the interpreter alone is
 * the reference -- the translated code must give the same results, flags,
 * faults and instruction counts, and the test suite checks that it does.
 *
 * The unit of translation is a block: the instructions from one EIP to the
 * first jump, within one 4-KiByte code page.  A block is found again by its
 * key: EIP, the physical address of its first byte, and the processor state
 * the host code was specialised for -- CS base and limit, CPL 3 or not, the
 * stack-pointer size.  Everything else (segments, paging, registers) is
 * checked by the host code when it runs.
 *
 * The dispatcher (jit_run) replaces the interpreter's fast loop: it finds the
 * block at CS:EIP, translating it if need be, runs it, and looks at why it
 * came back.  Blocks that jump to a constant EIP on their own page are
 * *linked*: the jump is patched to go straight to the next block, so a loop
 * runs without returning to C.  Whatever the host code cannot do quickly (a
 * TLB miss, a fault, MMIO, an instruction it has no template for) it hands
 * back to the interpreter, one instruction at a time.
 *
 * Self-modifying code.  A translation is only right while its guest bytes
 * are unchanged.  Every physical page that holds translated code is marked
 * (c->code_frames), and the TLB gives the write classes of such pages a
 * "watched" tag (cpu.h), so that no write to them takes a fast path: each one
 * goes through code_write_check() (mem.h), which calls jit_code_written(),
 * which drops the blocks the write touches before it lands -- and stops the
 * running block, in case it was one of them.  Writes from outside the CPU
 * (a monitor, a loader) must say so with cpu_ram_written().
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "dcache.h"
#include "exec.h"
#include "jit_internal.h"
#include "seg.h"
#include "x64.h"

#if defined(__x86_64__)

/* --- the segments translated code may use without checks ------------------- */

/*
 * For each data segment register, the offsets below which an access of up to
 * 4 bytes needs no segment check: the segment is present, a data segment,
 * expand-up, based at 0 (a flat segment, so offset = linear address), and the
 * whole access lies inside its limit (SDM Vol. 3A 5.3); for writes it must
 * also be writable (3.4.5.1).  0 for any other segment: every access to it
 * goes to the interpreter.  Recomputed whenever a segment may have changed
 * (the dispatcher runs nothing that loads segments in translated code).
 */
static void seg_refresh(struct cpu *c)
{
    for (int s = SEG_ES; s <= SEG_GS; s++) {
        const struct seg *sg = &c->seg[s];
        unsigned type = SEG_ATTR_TYPE(sg->attr);
        bool flat = (sg->attr & (SEG_ATTR_P | SEG_ATTR_S)) == (SEG_ATTR_P | SEG_ATTR_S) &&
                    !(type & (TYPE_CODE | TYPE_EXPAND_DOWN)) && sg->base == 0 && sg->limit >= 3;
        uint64_t end = flat ? (uint64_t)sg->limit - 2 : 0;

        c->seg_fast_end[0][s] = end;
        c->seg_fast_end[1][s] = (type & TYPE_RW) ? end : 0;
    }
}

/* --- blocks --------------------------------------------------------------------- */

static uint32_t hash_of(uint32_t paddr, uint32_t eip)
{
    uint32_t h = (paddr * 2654435761u) ^ eip;
    return (h ^ (h >> 15)) & ((1u << JIT_HASH_BITS) - 1);
}

/* The mode bits of the current state (JIT_MODE_*). */
static uint8_t mode_now(const struct cpu *c)
{
    return (uint8_t)((c->cpl == 3 ? JIT_MODE_USER : 0) |
                     ((c->seg[SEG_SS].attr & SEG_ATTR_DB) ? JIT_MODE_SS32 : 0));
}

/* Is block b the translation of the code at paddr for the current state? */
static bool block_matches(const struct cpu *c, const struct jit_block *b, uint32_t paddr, uint8_t mode)
{
    return b->eip == c->eip && b->paddr == paddr && b->mode == mode &&
           b->cs_base == c->seg[SEG_CS].base && b->cs_limit == c->seg[SEG_CS].limit;
}

/* Empty the whole cache: every block, every link, every watched page. */
static void jit_flush(struct cpu *c, struct jit *j)
{
    memset(j->hash, 0, sizeof j->hash);
    memset(j->frame_head, 0, sizeof j->frame_head[0] * c->jit_frames);
    memset(c->code_frames, 0, c->jit_frames);
    tlb_unwatch_all(c);
    j->nblocks = 0;
    j->ncalls = 0;
    j->main_free = j->main_start;
    j->cold_free = j->cold_start;
    j->stats.flushes++;
}

/* Remove block b from its page's list; forget the page if it was the last. */
static void frame_remove(struct cpu *c, struct jit *j, struct jit_block *b)
{
    uint32_t f = b->paddr >> PAGE_SHIFT;
    struct jit_block **p = &j->frame_head[f];

    while (*p && *p != b)
        p = &(*p)->frame_next;
    if (*p)
        *p = b->frame_next;
    if (j->frame_head[f] == NULL) {
        c->code_frames[f] = 0;
        tlb_watch_frame(c, f << PAGE_SHIFT, false);
    }
}

/* Undo link l: its jump goes back to its stub. */
static void unlink_one(struct jit_link *l)
{
    struct jit_block *to = l->to;
    struct jit_link **p = &to->in;

    while (*p && *p != l)
        p = &(*p)->next_in;
    if (*p)
        *p = l->next_in;
    x_patch_rel32(l->site, l->stub);
    l->to = NULL;
}

/* Block b's code is stale: make it unreachable.  Its host code stays (the
 * running block may be b itself; it stops at its next check) until the next
 * flush reuses the buffer. */
static void block_kill(struct cpu *c, struct jit *j, struct jit_block *b)
{
    struct jit_block **p = &j->hash[hash_of(b->paddr, b->eip)];

    while (*p && *p != b)
        p = &(*p)->hash_next;
    if (*p)
        *p = b->hash_next;
    while (b->in)
        unlink_one(b->in);
    for (int k = 0; k < 2; k++)
        if (b->out[k].to)
            unlink_one(&b->out[k]);
    b->dead = true;
    frame_remove(c, j, b);
    j->stats.invalidated++;
}

/* The bytes of RAM paddr..paddr+len-1 hold translated code and are about to
 * be written (contract in mem.h): drop every block that covers any of them,
 * and end the current run of translated code after this instruction. */
void jit_code_written(struct cpu *c, uint32_t paddr, uint32_t len)
{
    struct jit *j = c->jit;
    uint32_t end = paddr + len;

    for (uint32_t f = paddr >> PAGE_SHIFT; f <= (end - 1) >> PAGE_SHIFT && f < c->jit_frames; f++) {
        struct jit_block *b = j->frame_head[f], *next;
        for (; b; b = next) {
            next = b->frame_next;
            if (b->paddr < end && paddr < b->paddr + b->len)
                block_kill(c, j, b);
        }
    }
    cpu_kick(c);
}

/* A new block for the current state at host (paddr), `room` code bytes there. */
static struct jit_block *block_new(struct cpu *c, struct jit *j, uint32_t paddr,
                                   const uint8_t *host, uint32_t room, uint8_t mode)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        if (j->nblocks >= JIT_MAX_BLOCKS)
            jit_flush(c, j);
        struct jit_block *b = &j->blocks[j->nblocks];
        *b = (struct jit_block){
            .eip = c->eip, .paddr = paddr, .mode = mode,
            .cs_base = c->seg[SEG_CS].base, .cs_limit = c->seg[SEG_CS].limit,
        };
        int r = jit_translate(c, j, b, host, room);
        if (r == -2)
            return NULL;
        if (r == -1) {
            jit_flush(c, j);
            continue;
        }
        j->nblocks++;
        j->stats.blocks++;
        j->stats.guest_insns += b->ninsns;
        uint32_t f = paddr >> PAGE_SHIFT, h = hash_of(paddr, b->eip);
        b->hash_next = j->hash[h];
        j->hash[h] = b;
        if (j->frame_head[f] == NULL) {
            c->code_frames[f] = 1;
            tlb_watch_frame(c, f << PAGE_SHIFT, true);
        }
        b->frame_next = j->frame_head[f];
        j->frame_head[f] = b;
        return b;
    }
    return NULL;
}

/* The block for CS:EIP, translated now if need be; NULL when the
 * interpreter must run the next instruction (no fetch window without a page
 * walk, 16-bit code, or nothing translatable). */
static struct jit_block *block_at_eip(struct cpu *c, struct jit *j)
{
    uint32_t room;
    const uint8_t *host = fetch_window_host(c, &room);

    if (host == NULL || c->fw_dflt != 4)
        return NULL;
    uint32_t paddr = (uint32_t)(host - c->bus.ram);
    if ((paddr >> PAGE_SHIFT) >= c->jit_frames)
        return NULL;
    uint8_t mode = mode_now(c);
    for (struct jit_block *b = j->hash[hash_of(paddr, c->eip)]; b; b = b->hash_next)
        if (block_matches(c, b, paddr, mode))
            return b;
    return block_new(c, j, paddr, host, room, mode);
}

/* Patch from's jump number `slot` to go straight to block `to`, when that is
 * safe: both alive, the same mode, the jump's own target, the same page. */
static void block_link(struct jit *j, struct jit_block *from, unsigned slot, struct jit_block *to)
{
    struct jit_link *l = &from->out[slot];

    if (from->dead || to->dead || l->to || l->site == NULL || l->target_eip != to->eip ||
        from->mode != to->mode || from->cs_base != to->cs_base ||
        from->cs_limit != to->cs_limit || (from->paddr >> PAGE_SHIFT) != (to->paddr >> PAGE_SHIFT))
        return;
    x_patch_rel32(l->site, to->code);
    l->to = to;
    l->next_in = to->in;
    to->in = l;
    j->stats.links++;
}

/* One instruction by the interpreter (then segments may have changed). */
static void jit_step(struct cpu *c, struct jit *j)
{
    exec_next(c);
    j->stats.steps++;
    seg_refresh(c);
}

/* Grow the per-page tables when the CPU's RAM grew (a monitor adds its own
 * memory after the guest's before the first run).  Returns -1 without memory. */
static int frames_fit(struct cpu *c, struct jit *j)
{
    uint32_t want = c->bus.ram_size >> PAGE_SHIFT;

    if (want <= c->jit_frames)
        return 0;
    uint8_t *cf = realloc(c->code_frames, want);
    struct jit_block **fh = realloc(j->frame_head, sizeof *fh * want);
    if (cf)
        c->code_frames = cf;
    if (fh)
        j->frame_head = fh;
    if (!cf || !fh)
        return -1;
    memset(cf + c->jit_frames, 0, want - c->jit_frames);
    memset(fh + c->jit_frames, 0, sizeof *fh * (want - c->jit_frames));
    c->jit_frames = want;
    return 0;
}

/*
 * The dispatcher: cpu.c's fast loop when the translator is on.  Runs while
 * icount < slice_end, exactly like run_fast: a block runs only if all of it
 * fits in what is left, and anything that needs the run loop's attention
 * sets slice_end to 0 (cpu_kick), which every block checks on entry.
 */
void jit_run(struct cpu *c)
{
    struct jit *j = c->jit;
    struct jit_block *from = NULL;
    unsigned slot = 0;

    if (frames_fit(c, j) < 0) {
        while (c->icount < c->slice_end)
            exec_next(c);
        return;
    }
    seg_refresh(c);
    while (c->icount < c->slice_end) {
        uint64_t flushes = j->stats.flushes;
        struct jit_block *b = block_at_eip(c, j);
        if (j->stats.flushes != flushes)
            from = NULL;                       /* the flush took `from` with it */
        if (b == NULL || c->icount + b->ninsns > c->slice_end) {
            from = NULL;
            jit_step(c, j);
            continue;
        }
        if (from)
            block_link(j, from, slot, b);
        from = NULL;
        struct jit_exit x = j->enter(c, b->code);
        switch (x.code) {
        case JIT_EXIT_STEP:
            if (c->icount < c->slice_end)
                jit_step(c, j);
            break;
        case JIT_EXIT_SYNC:
            seg_refresh(c);
            break;
        case JIT_EXIT_LINK0:
        case JIT_EXIT_LINK1:
            from = x.from;
            slot = (unsigned)(x.code - JIT_EXIT_LINK0);
            break;
        default:
            break;
        }
    }
}

/* --- setting up ------------------------------------------------------------------ */

/*
 * The trampoline, the only host code not in a block: enter(c, code) saves
 * the registers the SysV ABI says a callee keeps, puts c in RBP and jumps to
 * the block; blocks leave by jumping to exit with the exit code in RAX (and
 * a block in RDX), which restores them and returns both (a two-word struct
 * comes back in RAX:RDX).  Six pushes and the return address leave RSP
 * 8 bytes off a 16-byte boundary: the SUB makes every call from translated
 * code see the aligned stack the ABI promises.
 */
static uint8_t *emit_trampoline(struct jit *j, uint8_t *p)
{
    struct x64 x = { .p = p, .end = p + 64 };
    static const int saved[] = { X_RBP, X_RBX, X_R12, X_R13, X_R14, X_R15 };

    j->enter = (jit_enter_fn *)(void *)x.p;
    for (int k = 0; k < 6; k++)
        x_push(&x, saved[k]);
    x_alu_imm(&x, XA_SUB, 8, x_reg(X_RSP), 8);
    x_mov_rr(&x, 8, X_RBP, X_RDI);
    x_jmp_reg(&x, X_RSI);
    j->exit = x.p;
    x_alu_imm(&x, XA_ADD, 8, x_reg(X_RSP), 8);
    for (int k = 5; k >= 0; k--)
        x_pop(&x, saved[k]);
    x_ret(&x);
    return x.p;
}

/* Public (cpu.h): switch the translator on. */
int cpu_jit_enable(struct cpu *c, char *err, unsigned errlen)
{
    if (c->jit)
        return 0;
    struct jit *j = calloc(1, sizeof *j);
    if (j == NULL) {
        snprintf(err, errlen, "out of memory for the translator");
        return -1;
    }
    j->buf = mmap(NULL, JIT_CODE_BYTES, PROT_READ | PROT_WRITE | PROT_EXEC,
                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    j->blocks = calloc(JIT_MAX_BLOCKS, sizeof *j->blocks);
    j->calls = calloc(JIT_MAX_CALLS, sizeof *j->calls);
    if (j->buf == MAP_FAILED || !j->blocks || !j->calls) {
        snprintf(err, errlen, "cannot map %u KiB of executable memory for the translator",
                 JIT_CODE_BYTES >> 10);
        if (j->buf != MAP_FAILED)
            munmap(j->buf, JIT_CODE_BYTES);
        free(j->blocks);
        free(j->calls);
        free(j);
        return -1;
    }
    j->main_start = j->main_free = emit_trampoline(j, j->buf);
    j->main_end = j->cold_start = j->cold_free = j->buf + JIT_CODE_BYTES / 2;
    j->cold_end = j->buf + JIT_CODE_BYTES;
    c->jit = j;
    c->code_frames = NULL;
    c->jit_frames = 0;
    if (frames_fit(c, j) < 0) {
        cpu_jit_disable(c);
        snprintf(err, errlen, "out of memory for the translator's page table");
        return -1;
    }
    return 0;
}

/* Public (cpu.h): back to the interpreter alone. */
void cpu_jit_disable(struct cpu *c)
{
    struct jit *j = c->jit;

    if (j == NULL)
        return;
    tlb_unwatch_all(c);
    munmap(j->buf, JIT_CODE_BYTES);
    free(j->blocks);
    free(j->calls);
    free(j->frame_head);
    free(c->code_frames);
    free(j);
    c->jit = NULL;
    c->code_frames = NULL;
    c->jit_frames = 0;
}

#else  /* not an x86-64 host: the interpreter alone */

int cpu_jit_enable(struct cpu *c, char *err, unsigned errlen)
{
    (void)c;
    snprintf(err, errlen, "the translator needs an x86-64 host");
    return -1;
}

void cpu_jit_disable(struct cpu *c)
{
    (void)c;
}

void jit_run(struct cpu *c)
{
    while (c->icount < c->slice_end)
        exec_next(c);
}

void jit_code_written(struct cpu *c, uint32_t paddr, uint32_t len)
{
    (void)c, (void)paddr, (void)len;
}

#endif

/* Public (cpu.h): the owner wrote RAM itself, maybe many pages of it. */
void cpu_ram_written(struct cpu *c, uint32_t paddr, uint32_t len)
{
    if (c->code_frames == NULL || len == 0)
        return;
    uint64_t end = (uint64_t)paddr + len;
    for (uint64_t f = paddr >> PAGE_SHIFT; f <= (end - 1) >> PAGE_SHIFT && f < c->jit_frames; f++) {
        if (c->code_frames[f]) {
            jit_code_written(c, paddr, (uint32_t)(end - paddr));
            return;
        }
    }
}

/* Public (cpu.h). */
void cpu_jit_get_stats(const struct cpu *c, struct cpu_jit_stats *out)
{
    memset(out, 0, sizeof *out);
#if defined(__x86_64__)
    if (c->jit) {
        *out = c->jit->stats;
        out->code_bytes = (uint64_t)(c->jit->main_free - c->jit->main_start) +
                          (uint64_t)(c->jit->cold_free - c->jit->cold_start);
    }
#endif
}
