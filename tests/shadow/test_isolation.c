/* test_isolation.c - no guest page-table entry, however crafted, maps host memory outside the guest's RAM. */

/*
 * A property test: fill the guest's page directory and tables with random
 * entries -- frames beyond RAM, inside the monitor's memory, on the APIC,
 * reserved bits, 4-MiB pages, a CR3 outside RAM -- then throw page faults at
 * the shadow MMU for random addresses and access kinds, as the CPU would
 * report them, and after each one check every shadow table in the pool:
 *
 *   - a present shadow PTE maps a frame inside guest RAM;
 *   - it is writable only if that frame is not one of the guest's tables;
 *   - a present shadow PDE names a shadow page table of the same root;
 *   - the monitor's directory entry is the monitor's.
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
#define FAULTS_PER_ROUND 400
#define TABLES_AT 0x00400000u      /* the random directory, then 7 random tables */
#define NTABLES 8u

static uint64_t rng;

/* xorshift64: deterministic, good enough to scatter bits. */
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

/* A frame the guest might name: ordinary RAM, its own tables, the monitor's
 * memory right after RAM, the local APIC, the top page, anything. */
static uint32_t crafted_frame(uint32_t ram)
{
    switch (rnd() % 6) {
    case 0: return (rnd() % (ram / 4096)) * 4096;
    case 1: return TABLES_AT + (rnd() % NTABLES) * 4096;
    case 2: return ram + (rnd() % (MONITOR_BYTES / 4096)) * 4096;
    case 3: return 0xfee00000u;
    case 4: return 0xfffff000u;
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
    mon->v.cr3 = rnd() % 8 ? TABLES_AT : crafted_frame(ram);
    mon->v.cr0 = CR0_PE | CR0_ET | CR0_PG | (rnd() % 2 ? CR0_WP : 0);
    cr_assert_eq(mon->mmu->write_cr(mon, 0, old & ~CR0_PG), EMU_DONE, "seed %#llx",
                 (unsigned long long)SEED);
}

/* A page fault as the CPU reports it: an address the directory covers
 * (below the monitor), and random W/R and U/S bits. */
static void throw_fault(struct monitor *mon)
{
    uint32_t la = ((rnd() % 1023u) << PAGING_PDE_SHIFT) | (rnd() & 0x3ff000u) | (rnd() & 0xfffu);
    if (rnd() % 2)
        la = (rnd() % NTABLES) << PAGING_PDE_SHIFT | (rnd() & 0x3fffffu);
    mon->c->exit = (struct cpu_exit_info){ .kind = EVENT_EXCEPTION, .vector = EXC_PF,
                                           .has_error = true, .error = rnd() & (PF_WR | PF_US),
                                           .cr2 = la, .eip = mon->c->eip };
    mon->m->stop = MACHINE_RUNNING;
    mon->mmu->page_fault(mon, 0);
}

/* The property, over every page of the pool. */
static void check_pool(struct monitor *mon, int round, int fault)
{
    struct spt *s = spt_of(mon);
    for (uint32_t i = 0; i < s->npages; i++) {
        const uint32_t *t = spt_page_ptr(mon, i);
        if (s->pages[i].role == SPT_PT) {
            for (uint32_t k = 0; k < SPT_ENTRIES; k++) {
                if (!(t[k] & PTE_P))
                    continue;
                uint32_t frame = t[k] & PTE_FRAME;
                cr_assert_lt(frame, mon->guest_ram, "seed %#llx round %d fault %d: shadow PTE %#x "
                             "maps host memory outside guest RAM", (unsigned long long)SEED, round,
                             fault, t[k]);
                cr_assert(!(t[k] & PTE_RW) || !spt_tracked(mon, frame >> PAGING_PTE_SHIFT),
                          "seed %#llx round %d fault %d: a guest page table is writable (%#x)",
                          (unsigned long long)SEED, round, fault, t[k]);
            }
        } else if (s->pages[i].role == SPT_PD) {
            for (uint32_t k = 0; k < SPT_ENTRIES; k++) {
                if (k == MONITOR_LINEAR >> PAGING_PDE_SHIFT) {
                    cr_assert_eq(t[k], pt_monitor_pde(mon), "the monitor's directory entry changed");
                    continue;
                }
                if (!(t[k] & PTE_P))
                    continue;
                uint32_t j = spt_page_index(mon, t[k]);
                cr_assert(j < s->npages && s->pages[j].role == SPT_PT,
                          "seed %#llx: shadow PDE %#x names no shadow page table",
                          (unsigned long long)SEED, t[k]);
            }
        }
    }
}

Test(isolation, no_guest_pte_maps_host_memory_outside_guest_ram)
{
    struct vmtest t;
    vm_use_mmu(&spt_mmu_ops);
    vmtest_boot(&t, "dot", VM_TRAP, 1000000);   /* never run: only its machine */
    rng = SEED;
    uint64_t fills = 0;
    for (int round = 0; round < ROUNDS; round++) {
        craft_guest(t.mon);
        for (int f = 0; f < FAULTS_PER_ROUND; f++) {
            throw_fault(t.mon);
            check_pool(t.mon, round, f);
        }
        fills = spt_get_stats(t.mon).fills;
    }
    struct spt_stats st = spt_get_stats(t.mon);
    /* The property must have been exercised, not vacuously true. */
    cr_assert_gt(fills, 100, "only %llu shadow entries were ever filled", (unsigned long long)fills);
    cr_assert_gt(st.true_faults, 100, "only %llu true faults", (unsigned long long)st.true_faults);
    cr_assert_gt(st.mmio_faults, 10, "only %llu faults outside RAM", (unsigned long long)st.mmio_faults);
    cr_assert_gt(st.pt_writes, 10, "only %llu page-table writes", (unsigned long long)st.pt_writes);
    vmtest_free(&t);
    vm_use_mmu(NULL);
}
