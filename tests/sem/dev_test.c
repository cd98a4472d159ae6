/*
 * A device model for the conformance tests (pnk_device.h). Its registers,
 * at offsets from the region base:
 *   0x00  load: the number of loads of this register so far (1, 2, ...)
 *   0x08  store: latch the value; load: the latched value + 1
 *   0x10  load: 0x0123456789abcdef (griddle keeps the low bytes)
 *   0x80+ any access is refused (a bus error)
 * Other offsets read as 0 and ignore stores. Default region
 * 0x40000000:0x100. The argument "fail" makes open() fail.
 */
#include "sem/pnk_device.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Dev {
    uint64_t base, loads, latch;
    const PnkHost *host;
} Dev;

static void *dev_open(const PnkHost *host, uint64_t base, uint64_t size, const char *arg,
                      char *err, size_t errlen)
{
    (void)size;
    if (arg && !strcmp(arg, "fail")) {
        snprintf(err, errlen, "asked to fail");
        return NULL;
    }
    Dev *d = calloc(1, sizeof *d);
    d->base = base;
    d->host = host;
    return d;
}

static int dev_load(void *p, uint64_t addr, unsigned width, uint64_t *value)
{
    Dev *d = p;
    uint64_t off = addr - d->base;
    (void)width;
    if (off >= 0x80) return 1;
    switch (off) {
    case 0x00: *value = ++d->loads; break;
    case 0x08: *value = d->latch + 1; break;
    case 0x10: *value = 0x0123456789abcdefull; break;
    default: *value = 0;
    }
    return 0;
}

static int dev_store(void *p, uint64_t addr, unsigned width, uint64_t value)
{
    Dev *d = p;
    uint64_t off = addr - d->base;
    (void)width;
    if (off >= 0x80) return 1;
    if (off == 0x08) d->latch = value;
    return 0;
}

static void dev_close(void *p) { free(p); }

static const PnkDevice device = {
    .abi = PNK_DEVICE_ABI,
    .name = "testdev",
    .default_base = 0x40000000,
    .default_size = 0x100,
    .open = dev_open,
    .load = dev_load,
    .store = dev_store,
    .close = dev_close,
};

const PnkDevice *pnk_device(void);
const PnkDevice *pnk_device(void) { return &device; }
