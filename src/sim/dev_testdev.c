/*
 * "sim-test": a minimal device for testing the emulator itself (MMIO
 * trapping at every width, IRQ delivery, masking and acknowledgement).
 * It is also the smallest example of a device model plugin.
 *
 *   0x000..0x03f  SCRATCH  64 bytes of plain read/write storage
 *   0x100         LINE     u32; nonzero asserts the interrupt line
 *   0x104         WRITES   u32, read-only: MMIO writes so far
 *   0x108         READS    u32, read-only: MMIO reads so far (excluding this one)
 *   0x110         EVENTS   u32, write-1-to-clear
 *   0x114         SET      u32, write-only: ORs the value into EVENTS
 * Interrupt line: LINE != 0 or EVENTS != 0 (level).
 */
#include "sim_int.h"

#include <stdlib.h>
#include <string.h>

struct SimDev {
    uint8_t scratch[64];
    uint32_t line, writes, reads, events;
};

static SimDev *td_create(const SimDevHost *host, const uint8_t mac[6])
{
    (void)host;
    (void)mac;
    return xcalloc(1, sizeof(SimDev));
}

static void td_destroy(SimDev *d) { free(d); }

static uint64_t td_read(SimDev *d, uint64_t off, unsigned width)
{
    uint64_t v = 0;
    if (off + width <= sizeof d->scratch) {
        memcpy(&v, d->scratch + off, width); /* little-endian host */
        d->reads++;
        return v;
    }
    switch (off) {
    case 0x100: v = d->line; break;
    case 0x104: v = d->writes; break;
    case 0x108: v = d->reads; break;
    case 0x110: v = d->events; break;
    default: v = 0; break;
    }
    d->reads++;
    return v;
}

static void td_write(SimDev *d, uint64_t off, unsigned width, uint64_t val)
{
    d->writes++;
    if (off + width <= sizeof d->scratch) {
        memcpy(d->scratch + off, &val, width);
        return;
    }
    switch (off) {
    case 0x100: d->line = (uint32_t)val; break;
    case 0x110: d->events &= ~(uint32_t)val; break;
    case 0x114: d->events |= (uint32_t)val; break;
    default: break;
    }
}

static bool td_irq_line(SimDev *d) { return d->line || d->events; }

static uint64_t td_tick(SimDev *d, uint64_t now)
{
    (void)d;
    (void)now;
    return UINT64_MAX;
}

static void td_stats(SimDev *d, StrBuf *b)
{
    sb_printf(b, "{\"reads\":%u,\"writes\":%u}", d->reads, d->writes);
}

const SimDevModel sim_model_testdev = {
    .name = "sim-test",
    .size = 0x1000,
    .create = td_create,
    .destroy = td_destroy,
    .read = td_read,
    .write = td_write,
    .irq_line = td_irq_line,
    .tick = td_tick,
    .wire_rx = NULL,
    .stats_json = td_stats,
};
