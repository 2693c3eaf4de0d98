/* vm.c - boot a guest on the bare machine or under the monitor, in one call. */
#include "vm.h"

#include <stdlib.h>
#include <string.h>

#include "loader.h"
#include "monitor.h"

static const struct mmu_ops *vm_mmu;   /* NULL: the flat MMU */

void vm_use_mmu(const struct mmu_ops *ops)
{
    vm_mmu = ops;
}

int vm_parse_mode(const char *s, enum vm_mode *mode)
{
    if (strcmp(s, "bare") == 0)
        *mode = VM_BARE;
    else if (strcmp(s, "trap") == 0)
        *mode = VM_TRAP;
    else
        return -1;
    return 0;
}

void vm_config(struct machine_config *cfg, enum vm_mode mode)
{
    cfg->monitor_bytes = mode == VM_TRAP ? MONITOR_BYTES : 0;
}

int vm_attach(struct machine *m, enum vm_mode mode, struct monitor **mon, char *err, size_t errlen)
{
    *mon = NULL;
    if (mode == VM_BARE)
        return 0;
    *mon = monitor_attach(m, vm_mmu, err, errlen);
    return *mon ? 0 : -1;
}

/* Load, attach, run; the machine is already built. */
static int run_built(struct machine *m, const char *kernel, const char *args, enum vm_mode mode,
                     struct vm_result *r, char *err, size_t errlen)
{
    struct loader_request req = { .kernel = kernel, .args = args };
    struct monitor *mon;
    if (loader_load(&m->cpu, &req, err, errlen) < 0 || vm_attach(m, mode, &mon, err, errlen) < 0)
        return -1;
    r->stop = machine_run(m);
    r->exit_status = m->exit_status;
    r->icount = m->cpu.icount;
    snprintf(r->report, sizeof(r->report), "%s", m->report);
    monitor_destroy(mon);
    return 0;
}

int vm_run(const char *kernel, const char *args, enum vm_mode mode, int serial_fd,
           uint64_t max_insns, struct vm_result *r, char *err, size_t errlen)
{
    struct machine_config cfg = { .serial_out = serial_fd, .serial_in = -1, .max_insns = max_insns };
    vm_config(&cfg, mode);
    struct machine *m = malloc(sizeof(*m));
    if (!m) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = machine_init(m, &cfg, err, errlen);
    if (rc == 0) {
        rc = run_built(m, kernel, args, mode, r, err, errlen);
        machine_destroy(m);
    }
    free(m);
    return rc < 0 ? -1 : 0;
}
