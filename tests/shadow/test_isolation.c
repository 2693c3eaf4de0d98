/* test_isolation.c - no guest page-table entry, however crafted, maps host memory outside the guest's RAM. */

/*
 * A property test: fill guest memory with random page-table entries --
 * frames beyond RAM, inside the monitor's memory, on the APIC, reserved
 * bits, 4-MiB pages, a CR3 outside RAM -- then drive the shadow MMU as a
 * guest would, with random addresses and access kinds:
 *
 *   - page faults, as the CPU reports them (hidden, true, MMIO, page-table
 *     writes: the last two run one guest instruction);
 *   - the monitor's own accesses to guest memory (translate), writes
 *     included, which drop whatever derives from a page table they hit;
 *   - INVLPG;
 *   - MOV to CR3 among more directories than the shadow caches roots, so
 *     roots are evicted and rebuilt.
 *
 * After each step it checks every page of the pool:
 *
 *   - a present shadow PTE maps a frame inside guest RAM;
 *   - it is writable only if that frame is not one of the guest's tables;
 *   - a present shadow PDE names a shadow page table of the same root,
 *     which says it sits there;
 *   - the monitor's directory entry is the monitor's;
 *   - each guest frame is tracked exactly as many times as shadow tables
 *     and roots derive from it (so tracking neither leaks nor drops).
 *
 * Runs under ASan in the asan preset, so an access outside the pool or the
 * guest's RAM by the monitor itself fails too.  The seed is fixed and
 * printed with any failure.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "harness.h"
#include "spt_internal.h"

#define SEED 0x7a9e2e5eedu
#define ROUNDS 24
#define STEPS_PER_ROUND 400
#define TABLES_AT 0x00400000u      /* random pages: any may be a directory or a table */
#define NTABLES 16u
#define NCR3 12u                   /* directories the guest switches among: > SPT_ROOTS */

static uint64_t rng;

/* What the steps did, beyond the shadow's own statistics. */
static struct {
    uint64_t translates, tracked_writes, cr3_writes;
} seen;

/* xorshift64: deterministic, good enough to scatter bits. */
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

/* A frame the guest might name: ordinary RAM, its own tables, the monitor's
 * memory right after RAM, the local APIC, the top page, anything.  Inside
 * RAM half the time, or few walks would get far enough to fill anything. */
static uint32_t crafted_frame(uint32_t ram)
{
    switch (rnd() % 8) {
    case 0: case 1: return (rnd() % (ram / 4096)) * 4096;
    case 2: case 3: return TABLES_AT + (rnd() % NTABLES) * 4096;
    case 4: return ram + (rnd() % (MONITOR_BYTES / 4096)) * 4096;
    case 5: return 0xfee00000u;
    case 6: return 0xfffff000u;
    default: return rnd() & PTE_FRAME;
    }
}

/* A random entry: mostly present, random flags (PS, reserved bits included). */
static uint32_t crafted_entry(uint32_t ram)
{
    uint32_t flags = rnd() & 0xfffu;
    if (rnd() % 4)
        flags |= PTE_P;
    return crafted_frame(ram) | flags;
}

/* A guest CR3: mostly one of the NCR3 random directories, sometimes anything. */
static uint32_t crafted_cr3(uint32_t ram)
{
    return rnd() % 8 ? TABLES_AT + (rnd() % NCR3) * 4096 : crafted_frame(ram);
}

/* Random tables at TABLES_AT; CR3, CR4.PSE and CR0.WP random too. */
static void craft_guest(struct monitor *mon)
{
    uint32_t ram = mon->guest_ram;
    for (uint32_t k = 0; k < NTABLES * 1024; k++) {
        uint32_t e = crafted_entry(ram);
        memcpy(mon->m->ram + TABLES_AT + 4 * k, &e, 4);
    }
    uint32_t old = mon->v.cr0;
    mon->v.cr4 = rnd() % 2 ? CR4_PSE : 0;
    mon->v.cr3 = crafted_cr3(ram);
    mon->v.cr0 = CR0_PE | CR0_ET | CR0_PG | (rnd() % 2 ? CR0_WP : 0);
    cr_assert_eq(mon->mmu->write_cr(mon, 0, old & ~CR0_PG), EMU_DONE, "seed %#llx",
                 (unsigned long long)SEED);
}

/* A linear address the directory covers (below the monitor), often in
 * the first few 4 MiB, where the random tables themselves live. */
static uint32_t crafted_la(void)
{
    uint32_t la = ((rnd() % 1023u) << PAGING_PDE_SHIFT) | (rnd() & 0x3ff000u) | (rnd() & 0xfffu);
    if (rnd() % 2)
        la = (rnd() % NTABLES) << PAGING_PDE_SHIFT | (rnd() & 0x3fffffu);
    return la;
}

/* A linear address the guest maps onto one of its own page tables, if
 * one of a few tries finds it (else any): page-table writes are where the
 * shadow's bookkeeping is hardest. */
static uint32_t la_onto_table(struct monitor *mon)
{
    struct spt_walk w;
    for (int k = 0; k < 64; k++) {
        uint32_t la = crafted_la();
        if (spt_walk_peek(mon, la, &w) == 0 && spt_tracked(mon, w.gpa >> PAGING_PTE_SHIFT))
            return la;
    }
    return crafted_la();
}

/* A page fault as the CPU reports it: random W/R and U/S bits. */
static void throw_fault(struct monitor *mon)
{
    uint32_t la = rnd() % 4 ? crafted_la() : la_onto_table(mon);
    mon->c->exit = (struct cpu_exit_info){ .kind = EVENT_EXCEPTION, .vector = EXC_PF,
                                           .has_error = true, .error = rnd() & (PF_WR | PF_US),
                                           .cr2 = la, .eip = mon->c->eip };
    mon->m->stop = MACHINE_RUNNING;
    mon->mmu->page_fault(mon, 0);
}

/* The monitor reads or writes guest memory, as when it emulates an
 * instruction or delivers an event; often into a guest page table. */
static void monitor_access(struct monitor *mon)
{
    struct spt_walk w;
    uint32_t la = rnd() % 2 ? crafted_la() : la_onto_table(mon), gpa;
    bool write = rnd() % 2;
    if (write && spt_walk_peek(mon, la, &w) == 0 && spt_tracked(mon, w.gpa >> PAGING_PTE_SHIFT))
        seen.tracked_writes++;
    mon->mmu->translate(mon, la, write, &gpa);
    seen.translates++;
}

/* MOV to CR3 with paging on. */
static void switch_cr3(struct monitor *mon)
{
    uint32_t old = mon->v.cr3;
    mon->v.cr3 = crafted_cr3(mon->guest_ram);
    cr_assert_eq(mon->mmu->write_cr(mon, 3, old), EMU_DONE, "seed %#llx: MOV to CR3 %#x failed",
                 (unsigned long long)SEED, mon->v.cr3);
    seen.cr3_writes++;
}

/* One random step: mostly page faults, as a guest's life is. */
static void step(struct monitor *mon)
{
    switch (rnd() % 8) {
    case 0: monitor_access(mon); break;
    case 1: mon->mmu->invlpg(mon, crafted_la()); break;
    case 2: switch_cr3(mon); break;
    default: throw_fault(mon); break;
    }
}

/* The property for one shadow page table (pool page i). */
static void check_pt(struct monitor *mon, uint32_t i, int round, int n)
{
    struct spt *s = spt_of(mon);
    const uint32_t *t = spt_page_ptr(mon, i);
    const struct spt_page *p = &s->pages[i];
    cr_assert(p->root >= 0 && p->root < SPT_ROOTS && s->roots[p->root].used,
              "seed %#llx round %d step %d: shadow PT %u belongs to no root",
              (unsigned long long)SEED, round, n, i);
    uint32_t pde = spt_page_ptr(mon, s->roots[p->root].pd_page)[p->pdi];
    cr_assert((pde & PTE_P) && spt_page_index(mon, pde) == i, "seed %#llx round %d step %d: "
              "shadow PT %u is not where its directory entry says", (unsigned long long)SEED,
              round, n, i);
    for (uint32_t k = 0; k < SPT_ENTRIES; k++) {
        if (!(t[k] & PTE_P))
            continue;
        uint32_t frame = t[k] & PTE_FRAME;
        cr_assert_lt(frame, mon->guest_ram, "seed %#llx round %d step %d: shadow PTE %#x maps "
                     "host memory outside guest RAM", (unsigned long long)SEED, round, n, t[k]);
        cr_assert(!(t[k] & PTE_RW) || !spt_tracked(mon, frame >> PAGING_PTE_SHIFT),
                  "seed %#llx round %d step %d: a guest page table is writable (%#x)",
                  (unsigned long long)SEED, round, n, t[k]);
    }
}

/* The property for one shadow page directory (pool page i). */
static void check_pd(struct monitor *mon, uint32_t i, int round, int n)
{
    struct spt *s = spt_of(mon);
    const uint32_t *t = spt_page_ptr(mon, i);
    for (uint32_t k = 0; k < SPT_ENTRIES; k++) {
        if (k == MONITOR_PDE_INDEX) {
            cr_assert_eq(t[k], pt_monitor_pde(mon), "the monitor's directory entry changed");
            continue;
        }
        if (!(t[k] & PTE_P))
            continue;
        uint32_t j = spt_page_index(mon, t[k]);
        cr_assert(j < s->npages && s->pages[j].role == SPT_PT && s->pages[j].pdi == k &&
                  s->roots[s->pages[j].root].pd_page == i, "seed %#llx round %d step %d: shadow "
                  "PDE %#x names no shadow page table of its root", (unsigned long long)SEED,
                  round, n, t[k]);
    }
}

/* Tracking counts what derives from each frame: 4-KiB shadow tables
 * (from a guest page table) and roots (from a guest directory). */
static void check_tracking(struct monitor *mon, int round, int n)
{
    static uint16_t want[K_GUEST_RAM / 4096];
    struct spt *s = spt_of(mon);
    memset(want, 0, sizeof(want));
    for (uint32_t i = 0; i < s->npages; i++)
        if (s->pages[i].role == SPT_PT && !s->pages[i].large && s->pages[i].src < s->nframes)
            want[s->pages[i].src]++;
    for (int r = 0; r < SPT_ROOTS; r++)
        if (s->roots[r].used && s->roots[r].guest_pd >> PAGING_PTE_SHIFT < s->nframes)
            want[s->roots[r].guest_pd >> PAGING_PTE_SHIFT]++;
    for (uint32_t f = 0; f < s->nframes; f++)
        cr_assert_eq(s->track[f], want[f], "seed %#llx round %d step %d: frame %#x tracked %u "
                     "times, %u shadow tables and roots derive from it", (unsigned long long)SEED,
                     round, n, f << PAGING_PTE_SHIFT, s->track[f], want[f]);
}

/* The property, over every page of the pool. */
static void check_pool(struct monitor *mon, int round, int n)
{
    struct spt *s = spt_of(mon);
    for (uint32_t i = 0; i < s->npages; i++) {
        if (s->pages[i].role == SPT_PT)
            check_pt(mon, i, round, n);
        else if (s->pages[i].role == SPT_PD)
            check_pd(mon, i, round, n);
    }
    check_tracking(mon, round, n);
}

Test(isolation, no_guest_pte_maps_host_memory_outside_guest_ram)
{
    struct vmtest t;
    vm_use_mmu(&spt_mmu_ops);
    vmtest_boot(&t, "dot", VM_TRAP, 1000000);   /* never run: only its machine */
    cr_assert_eq(t.mon->guest_ram, K_GUEST_RAM);
    rng = SEED;
    for (int round = 0; round < ROUNDS; round++) {
        craft_guest(t.mon);
        for (int n = 0; n < STEPS_PER_ROUND; n++) {
            step(t.mon);
            check_pool(t.mon, round, n);
        }
    }
    struct spt_stats st = spt_get_stats(t.mon);
    /* The property must have been exercised, not vacuously true. */
    cr_assert_gt(st.fills, 100, "only %llu shadow entries were ever filled",
                 (unsigned long long)st.fills);
    cr_assert_gt(st.true_faults, 100, "only %llu true faults", (unsigned long long)st.true_faults);
    cr_assert_gt(st.mmio_faults, 10, "only %llu faults outside RAM",
                 (unsigned long long)st.mmio_faults);
    cr_assert_gt(st.pt_writes, 10, "only %llu page-table writes", (unsigned long long)st.pt_writes);
    cr_assert_gt(st.invlpgs, 100, "only %llu INVLPGs", (unsigned long long)st.invlpgs);
    cr_assert_gt(st.cache_hits, 10, "only %llu cache hits", (unsigned long long)st.cache_hits);
    cr_assert_gt(st.evictions, 10, "only %llu root evictions", (unsigned long long)st.evictions);
    cr_assert_gt(seen.translates, 100, "only %llu monitor accesses",
                 (unsigned long long)seen.translates);
    cr_assert_gt(seen.tracked_writes, 10, "only %llu monitor writes into a guest page table",
                 (unsigned long long)seen.tracked_writes);
    vmtest_free(&t);
    vm_use_mmu(NULL);
}
