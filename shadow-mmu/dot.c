/* dot.c - `trapeze mmu-dot`: the guest's page tables, their shadow, and chosen addresses, in Graphviz. */

/*
 * Two translations are easier to believe when drawn.  The picture has the
 * guest's page directory and tables (guest-physical addresses) on one
 * side, the shadow directory and tables the CPU really walks (host-physical,
 * in monitor memory) on the other, and for each chosen guest-virtual
 * address its path through both: GVA -> guest PDE -> guest PTE -> GPA, and
 * GVA -> shadow PDE -> shadow PTE -> HPA.
 *
 * Page tables have 1024 entries, so each table is drawn as runs: entries
 * in a row that map consecutive frames with the same flags are one line
 * ("0-1023 -> 0x00000000.. P W").  Everything printed is guest state or
 * physical addresses of monitor memory, never host pointers, so the same
 * run gives the same bytes, which is what lets a golden file test it.  The
 * shadow's addresses are not the guest's doing alone, though: they depend
 * on where monitor memory starts (after guest RAM: --mem) and on the order
 * the pool handed out pages (the order the guest touched them).
 */
#include <inttypes.h>

#include "spt_internal.h"

#define NO_RUN 0xffffffffu

/* One table's entries, read either from the guest or from monitor memory. */
struct table {
    char prefix;                   /* 'g' (guest) or 's' (shadow): node names */
    uint32_t addr;                 /* its (guest- or host-) physical address */
    uint32_t e[SPT_ENTRIES];
};

/* Flags of an entry as letters (SDM Vol. 3A 4.3, figure 4-4, tables 4-4 to
 * 4-6: a PDE's D bit only means something when it maps a 4-MiB page; in a
 * PDE that names a page table, bit 6 is ignored). */
static const char *flags(uint32_t e, bool pde)
{
    static char buf[24];
    snprintf(buf, sizeof(buf), "P%s%s%s%s%s", e & PTE_RW ? " W" : "", e & PTE_US ? " U" : "",
             e & PTE_A ? " A" : "", (!pde || (e & PTE_PS)) && (e & PTE_D) ? " D" : "",
             pde && (e & PTE_PS) ? " 4M" : "");
    return buf;
}

/* Does entry k continue the run that entry `first` starts? */
static bool same_run(const uint32_t *e, uint32_t first, uint32_t k)
{
    if (!(e[k] & PTE_P))
        return false;
    bool same_flags = (e[k] & ~PTE_FRAME) == (e[first] & ~PTE_FRAME);
    return same_flags && (e[k] & PTE_FRAME) == (e[first] & PTE_FRAME) + (k - first) * SPT_PAGE;
}

/* The first entry of the run holding entry k (k must be present). */
static uint32_t run_start(const uint32_t *e, uint32_t k)
{
    uint32_t first = 0;
    for (uint32_t i = 0; i < SPT_ENTRIES; i++) {
        if (!(e[i] & PTE_P))
            continue;
        if (i == 0 || !(e[i - 1] & PTE_P) || !same_run(e, first, i))
            first = i;
        if (i == k)
            return first;
    }
    return NO_RUN;
}

/* A page table as a record of runs; port r<first> per run. */
static void print_pt(FILE *out, const struct table *t, const char *title)
{
    fprintf(out, "  %c_%08" PRIx32 " [label=\"%s 0x%08" PRIx32, t->prefix, t->addr, title, t->addr);
    for (uint32_t i = 0; i < SPT_ENTRIES;) {
        if (!(t->e[i] & PTE_P)) {
            i++;
            continue;
        }
        uint32_t j = i + 1;
        while (j < SPT_ENTRIES && same_run(t->e, i, j))
            j++;
        fprintf(out, "|<r%" PRIu32 "> %" PRIu32 "-%" PRIu32 ": 0x%08" PRIx32 ".. %s", i, i, j - 1,
                t->e[i] & PTE_FRAME, flags(t->e[i], false));
        i = j;
    }
    fprintf(out, "\"];\n");
}

/* A page directory as a record of its present entries; port e<index>. */
static void print_pd(FILE *out, const struct table *t, const char *title, uint32_t monitor_pdi)
{
    fprintf(out, "  %c_%08" PRIx32 " [label=\"%s 0x%08" PRIx32, t->prefix, t->addr, title, t->addr);
    for (uint32_t i = 0; i < SPT_ENTRIES; i++) {
        if (i == monitor_pdi && (t->e[i] & PTE_P))
            fprintf(out, "|<e%" PRIu32 "> %" PRIu32 ": the monitor (supervisor)", i, i);
        else if (t->e[i] & PTE_P)
            fprintf(out, "|<e%" PRIu32 "> %" PRIu32 ": 0x%08" PRIx32 " %s", i, i,
                    t->e[i] & (t->e[i] & PTE_PS ? PDE_FRAME_4M : PTE_FRAME), flags(t->e[i], true));
    }
    fprintf(out, "\"];\n");
}

/* Read a guest table (guest-physical address pa). */
static void read_guest(struct monitor *mon, uint32_t pa, struct table *t)
{
    t->prefix = 'g';
    t->addr = pa;
    for (uint32_t k = 0; k < SPT_ENTRIES; k++)
        t->e[k] = spt_guest_entry(mon, pa + 4 * k);
}

/* Read a shadow table (pool page i). */
static void read_shadow(struct monitor *mon, uint32_t i, struct table *t)
{
    const uint32_t *p = spt_page_ptr(mon, i);
    t->prefix = 's';
    t->addr = spt_page_phys(mon, i);
    for (uint32_t k = 0; k < SPT_ENTRIES; k++)
        t->e[k] = p[k];
}

/* The guest's side: directory, then each 4-KiB page table it names. */
static void guest_cluster(struct monitor *mon, FILE *out, struct table *pd, struct table *pt)
{
    fprintf(out, " subgraph cluster_guest {\n  label=\"guest page tables (guest-physical)\";\n");
    read_guest(mon, mon->v.cr3 & PTE_FRAME, pd);
    print_pd(out, pd, "guest PD", NO_RUN);
    for (uint32_t i = 0; i < SPT_ENTRIES; i++) {
        bool large = (pd->e[i] & PTE_PS) && (mon->v.cr4 & CR4_PSE);
        if (!(pd->e[i] & PTE_P) || large)
            continue;
        read_guest(mon, pd->e[i] & PTE_FRAME, pt);
        print_pt(out, pt, "guest PT");
        fprintf(out, "  g_%08" PRIx32 ":e%" PRIu32 " -> g_%08" PRIx32 ";\n", pd->addr, i, pt->addr);
    }
    fprintf(out, " }\n");
}

/* The shadow side: the current root's directory and tables. */
static void shadow_cluster(struct monitor *mon, FILE *out, struct table *pd, struct table *pt)
{
    struct spt *s = spt_of(mon);
    fprintf(out, " subgraph cluster_shadow {\n  label=\"shadow page tables (host-physical, "
            "monitor memory)\";\n");
    read_shadow(mon, s->roots[s->current].pd_page, pd);
    print_pd(out, pd, "shadow PD", MONITOR_LINEAR >> PAGING_PDE_SHIFT);
    for (uint32_t i = 0; i < MONITOR_LINEAR >> PAGING_PDE_SHIFT; i++) {
        if (!(pd->e[i] & PTE_P))
            continue;
        read_shadow(mon, spt_page_index(mon, pd->e[i]), pt);
        print_pt(out, pt, "shadow PT");
        fprintf(out, "  s_%08" PRIx32 ":e%" PRIu32 " -> s_%08" PRIx32 ";\n", pd->addr, i, pt->addr);
    }
    fprintf(out, " }\n");
}

/* GVA -> guest PDE -> (guest PTE run) -> GPA -> HPA. */
static void guest_path(struct monitor *mon, FILE *out, uint32_t va, struct table *pt)
{
    struct spt_walk w;
    uint32_t pdi = va >> PAGING_PDE_SHIFT, pti = (va >> PAGING_PTE_SHIFT) & PAGING_INDEX_MASK;
    bool mapped = spt_walk_peek(mon, va, &w) == 0;
    if (w.pde & PTE_P)             /* the directory has a row (a port) for it */
        fprintf(out, " va_%08" PRIx32 " -> g_%08" PRIx32 ":e%" PRIu32 " [color=blue];\n", va,
                mon->v.cr3 & PTE_FRAME, pdi);
    if (!mapped) {
        fprintf(out, " nomap_%08" PRIx32 " [shape=plaintext, label=\"not mapped by the guest\"];\n"
                " va_%08" PRIx32 " -> nomap_%08" PRIx32 " [style=dashed];\n", va, va, va);
        return;
    }
    fprintf(out, " gpa_%08" PRIx32 " [shape=box, label=\"GPA 0x%08" PRIx32 "\"];\n", va, w.gpa);
    if (w.large) {
        fprintf(out, " g_%08" PRIx32 ":e%" PRIu32 " -> gpa_%08" PRIx32 " [color=blue];\n",
                mon->v.cr3 & PTE_FRAME, pdi, va);
    } else {
        read_guest(mon, w.pde & PTE_FRAME, pt);
        fprintf(out, " g_%08" PRIx32 ":r%" PRIu32 " -> gpa_%08" PRIx32 " [color=blue];\n",
                pt->addr, run_start(pt->e, pti), va);
    }
    bool ram = w.gpa < mon->guest_ram;
    fprintf(out, " hpa_%08" PRIx32 " [shape=box, label=\"HPA 0x%08" PRIx32 "%s\"];\n"
            " gpa_%08" PRIx32 " -> hpa_%08" PRIx32 " [label=\"%s\"];\n", va,
            ram ? w.gpa : monitor_outside_ram(mon, w.gpa), ram ? "" : " (device)", va, va,
            ram ? "guest RAM" : "MMIO: one access at a time");
}

/* GVA -> shadow PDE -> shadow PTE run -> HPA, if the shadow has it yet. */
static void shadow_path(struct monitor *mon, FILE *out, uint32_t va, struct table *pt)
{
    struct spt *s = spt_of(mon);
    uint32_t pdi = va >> PAGING_PDE_SHIFT, pti = (va >> PAGING_PTE_SHIFT) & PAGING_INDEX_MASK;
    uint32_t pd_phys = spt_page_phys(mon, s->roots[s->current].pd_page);
    uint32_t pde = spt_page_ptr(mon, s->roots[s->current].pd_page)[pdi];
    uint32_t pte = 0;
    if ((pde & PTE_P) && pdi != MONITOR_LINEAR >> PAGING_PDE_SHIFT) {
        read_shadow(mon, spt_page_index(mon, pde), pt);
        pte = pt->e[pti];
    }
    if (!(pte & PTE_P)) {
        fprintf(out, " noshadow_%08" PRIx32 " [shape=plaintext, label=\"not in the shadow "
                "(the next access is a page fault)\"];\n va_%08" PRIx32 " -> noshadow_%08" PRIx32
                " [style=dashed, color=red];\n", va, va, va);
        return;
    }
    fprintf(out, " va_%08" PRIx32 " -> s_%08" PRIx32 ":e%" PRIu32 " [color=red];\n"
            " s_%08" PRIx32 ":r%" PRIu32 " -> hpa_%08" PRIx32 " [color=red];\n",
            va, pd_phys, pdi, pt->addr, run_start(pt->e, pti), va);
}

void spt_dot(struct monitor *mon, const uint32_t *gva, int n, FILE *out)
{
    static struct table pd, pt;    /* 8 KiB: keep them off the stack */
    struct spt *s = mon->mmu == &spt_mmu_ops ? spt_of(mon) : NULL;
    fprintf(out, "digraph mmu {\n rankdir=LR;\n node [shape=record, fontname=\"monospace\", "
            "fontsize=10];\n");
    if (!s || s->current == SPT_NO_ROOT) {
        fprintf(out, " nopaging [shape=plaintext, label=\"the guest does not page: guest "
                "physical = linear, inside its RAM\"];\n}\n");
        return;
    }
    fprintf(out, " label=\"guest CR3 0x%08" PRIx32 ", real CR3 0x%08" PRIx32 " (blue: the "
            "guest's walk, red: the CPU's)\";\n", mon->v.cr3, mon->c->cr3);
    guest_cluster(mon, out, &pd, &pt);
    shadow_cluster(mon, out, &pd, &pt);
    for (int k = 0; k < n; k++) {
        fprintf(out, " va_%08" PRIx32 " [shape=box, style=bold, label=\"GVA 0x%08" PRIx32 "\"];\n",
                gva[k], gva[k]);
        guest_path(mon, out, gva[k], &pt);
        shadow_path(mon, out, gva[k], &pt);
    }
    fprintf(out, "}\n");
}
