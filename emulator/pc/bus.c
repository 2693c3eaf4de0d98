/* bus.c - the port-I/O and MMIO buses on which device models register. */

/*
 * A PC decodes addresses in a tree of chips; we flatten it into two tables.
 * Port I/O has only 65536 addresses, so a byte per port maps a port straight
 * to the region that claimed it: one array load per IN or OUT.  MMIO regions
 * are few (the LAPIC, the IOAPIC), so a linear search over them is enough.
 *
 * Nothing drives the data lines when no device decodes an address, and the
 * bus pull-ups make such a read return all ones ("open bus"); an ISA probe
 * relies on exactly that to find out that a device is absent.
 */

#include "bus.h"

#include <string.h>

/* Value of an undecoded read of `size` bytes: every data line pulled high. */
static uint32_t bus_open(unsigned size)
{
    return size >= 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
}

/* Empty bus: no region, no counts. */
void bus_init(struct bus *b)
{
    memset(b, 0, sizeof(*b));
}

/* Claim ports r->base .. r->base+len-1.  Returns 0, or -1 on an empty or
 * wrapping range, an overlap, or a full table. */
int bus_add_io(struct bus *b, const struct io_region *r)
{
    uint32_t end = (uint32_t)r->base + r->len;

    if (r->len == 0 || end > 0x10000 || b->nio >= BUS_MAX_IO)
        return -1;
    for (uint32_t p = r->base; p < end; p++)
        if (b->io_index[p])
            return -1;
    b->io[b->nio++] = *r;
    for (uint32_t p = r->base; p < end; p++)
        b->io_index[p] = (uint8_t)b->nio;
    return 0;
}

/* Claim physical bytes r->base .. r->base+len-1.  Returns 0, or -1 on an
 * empty or wrapping range, an overlap, or a full table. */
int bus_add_mmio(struct bus *b, const struct mmio_region *r)
{
    uint64_t end = (uint64_t)r->base + r->len;

    if (r->len == 0 || end > 0x100000000ull || b->nmmio >= BUS_MAX_MMIO)
        return -1;
    for (int i = 0; i < b->nmmio; i++) {
        const struct mmio_region *o = &b->mmio[i];
        if (r->base < (uint64_t)o->base + o->len && o->base < end)
            return -1;
    }
    b->mmio[b->nmmio++] = *r;
    return 0;
}

/* The region that decodes `port`, or NULL. */
static struct io_region *bus_io_find(struct bus *b, uint16_t port)
{
    uint8_t i = b->io_index[port];
    return i ? &b->io[i - 1] : NULL;
}

/* IN: the decoding device's answer, or open bus (counted). */
uint32_t bus_io_read(struct bus *b, uint16_t port, unsigned size)
{
    struct io_region *r = bus_io_find(b, port);

    if (!r || !r->read) {
        b->unhandled_io[port]++;
        return bus_open(size);
    }
    return r->read(r->dev, port, size);
}

/* OUT: to the decoding device, or counted and dropped. */
void bus_io_write(struct bus *b, uint16_t port, uint32_t val, unsigned size)
{
    struct io_region *r = bus_io_find(b, port);

    if (!r || !r->write) {
        b->unhandled_io[port]++;
        return;
    }
    r->write(r->dev, port, val, size);
}

/* The MMIO region that decodes `paddr`, or NULL. */
static struct mmio_region *bus_mmio_find(struct bus *b, uint32_t paddr)
{
    for (int i = 0; i < b->nmmio; i++)
        if (paddr - b->mmio[i].base < b->mmio[i].len)
            return &b->mmio[i];
    return NULL;
}

/* MMIO load: the decoding device's answer, or open bus (counted). */
uint32_t bus_mmio_read(struct bus *b, uint32_t paddr, unsigned size)
{
    struct mmio_region *r = bus_mmio_find(b, paddr);

    if (!r || !r->read) {
        b->unhandled_mmio++;
        return bus_open(size);
    }
    return r->read(r->dev, paddr - r->base, size);
}

/* MMIO store: to the decoding device, or counted and dropped. */
void bus_mmio_write(struct bus *b, uint32_t paddr, uint32_t val, unsigned size)
{
    struct mmio_region *r = bus_mmio_find(b, paddr);

    if (!r || !r->write) {
        b->unhandled_mmio++;
        return;
    }
    r->write(r->dev, paddr - r->base, val, size);
}
