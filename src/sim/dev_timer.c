/*
 * "sim-timer": a minimal one-shot timer device for emulated systems that
 * need time (the echo system's timer PD, like sDDF's timer driver). It is
 * griddle's own device, not a model of an i.MX8 peripheral.
 *
 *   0x000 TIME    u64, read-only: nanoseconds since the device was created
 *                 (an 8-byte read, or 4-byte reads of 0x000 then 0x004:
 *                 reading the low half latches the high half)
 *   0x008 CMP     u64: the deadline, same time base (8-byte or two halves)
 *   0x010 CTRL    bit 0 ENABLE; cleared when the timer fires (one-shot)
 *   0x014 STATUS  bit 0 FIRED, write-1-to-clear
 * Interrupt line: STATUS.FIRED (level).
 */
#include "sim_int.h"

#include <stdlib.h>

struct SimDev {
    SimDevHost host;
    uint64_t t0, cmp;
    uint32_t ctrl, status, hi_latch;
    uint64_t fired;
};

static uint64_t now_rel(SimDev *d) { return d->host.now(d->host.ctx) - d->t0; }

static SimDev *tm_create(const SimDevHost *host, const uint8_t mac[6])
{
    (void)mac;
    SimDev *d = xcalloc(1, sizeof *d);
    d->host = *host;
    d->t0 = host->now(host->ctx);
    return d;
}

static void tm_destroy(SimDev *d) { free(d); }

static void check(SimDev *d)
{
    if ((d->ctrl & 1) && now_rel(d) >= d->cmp) {
        d->status |= 1;
        d->ctrl &= ~1u;
        d->fired++;
    }
}

static uint64_t tm_read(SimDev *d, uint64_t off, unsigned width)
{
    uint64_t t = now_rel(d);
    switch (off) {
    case 0x000:
        if (width == 8) return t;
        d->hi_latch = (uint32_t)(t >> 32);
        return (uint32_t)t;
    case 0x004: return d->hi_latch;
    case 0x008: return width == 8 ? d->cmp : (uint32_t)d->cmp;
    case 0x00c: return (uint32_t)(d->cmp >> 32);
    case 0x010: return d->ctrl;
    case 0x014: return d->status;
    default: return 0;
    }
}

static void tm_write(SimDev *d, uint64_t off, unsigned width, uint64_t v)
{
    switch (off) {
    case 0x008:
        if (width == 8) d->cmp = v;
        else d->cmp = (d->cmp & ~0xffffffffull) | (uint32_t)v;
        break;
    case 0x00c: d->cmp = (d->cmp & 0xffffffffull) | (uint64_t)(uint32_t)v << 32; break;
    case 0x010: d->ctrl = (uint32_t)v & 1; break;
    case 0x014: d->status &= ~((uint32_t)v & 1); break;
    default: break;
    }
    check(d);
}

static bool tm_irq_line(SimDev *d) { return d->status & 1; }

static uint64_t tm_tick(SimDev *d, uint64_t now)
{
    (void)now;
    check(d);
    return (d->ctrl & 1) ? d->t0 + d->cmp : UINT64_MAX;
}

static void tm_stats(SimDev *d, StrBuf *b)
{
    sb_printf(b, "{\"fired\":%llu}", (unsigned long long)d->fired);
}

const SimDevModel sim_model_timer = {
    .name = "sim-timer",
    .size = 0x1000,
    .create = tm_create,
    .destroy = tm_destroy,
    .read = tm_read,
    .write = tm_write,
    .irq_line = tm_irq_line,
    .tick = tm_tick,
    .wire_rx = NULL,
    .stats_json = tm_stats,
};
