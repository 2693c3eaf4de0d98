/* bus.h - the port-I/O and MMIO buses on which device models register. */
#ifndef TRAPEZE_BUS_H
#define TRAPEZE_BUS_H

/*
 * A device model registers the ports (or physical address ranges) it
 * decodes, with two callbacks.  The bare machine routes the CPU's IN/OUT and
 * MMIO accesses here; from chapter 2 on the monitor routes the guest's
 * trapped I/O to the same buses, so device models are written once.
 *
 * Accesses nothing decodes read as open bus (all ones) and are counted per
 * port, for --stats.
 */

#include <stdint.h>

struct io_region {
    const char *name;
    uint16_t base, len;          /* ports base .. base+len-1 */
    void *dev;
    /* `port` is the absolute port number; size is 1, 2 or 4 */
    uint32_t (*read)(void *dev, uint16_t port, unsigned size);
    void (*write)(void *dev, uint16_t port, uint32_t val, unsigned size);
};

struct mmio_region {
    const char *name;
    uint32_t base, len;          /* physical bytes base .. base+len-1 */
    void *dev;
    /* `off` is relative to base */
    uint32_t (*read)(void *dev, uint32_t off, unsigned size);
    void (*write)(void *dev, uint32_t off, uint32_t val, unsigned size);
};

#define BUS_MAX_IO 32
#define BUS_MAX_MMIO 8

struct bus {
    struct io_region io[BUS_MAX_IO];
    int nio;
    uint8_t io_index[65536];     /* port -> 1 + index into io[], 0 = nothing */
    struct mmio_region mmio[BUS_MAX_MMIO];
    int nmmio;
    uint64_t unhandled_io[65536];   /* open-bus accesses per port (--stats) */
    uint64_t unhandled_mmio;
};

/* Empty bus. */
void bus_init(struct bus *b);

/* Register a region.  Returns 0, or -1 if it overlaps one already there or the
 * table is full. */
int bus_add_io(struct bus *b, const struct io_region *r);
int bus_add_mmio(struct bus *b, const struct mmio_region *r);

/* Port I/O and MMIO as the CPU performs it. */
uint32_t bus_io_read(struct bus *b, uint16_t port, unsigned size);
void bus_io_write(struct bus *b, uint16_t port, uint32_t val, unsigned size);
uint32_t bus_mmio_read(struct bus *b, uint32_t paddr, unsigned size);
void bus_mmio_write(struct bus *b, uint32_t paddr, uint32_t val, unsigned size);

#endif
