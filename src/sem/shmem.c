/*
 * Shared memory (sh_memaddrs, §3.4): regions of plain memory or device
 * models (pnk_device.h), and the shared load/store statements.
 *
 * Domain (docs/semantics.md): a region [base, base+size) with both
 * multiples of 8 contributes its aligned words to sh_memaddrs. `!ldw` and
 * `!stw` need their address in it (so aligned); the 8/16/32-bit forms need
 * only the word holding the address, as in the reference (no alignment
 * check). For plain memory an access must also end inside the region.
 *
 * Each access is one event in the trace, written after the access (a load
 * records the value the region or device produced).
 */
#include "sem_int.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void host_log(void *ctx, const char *msg)
{
    Region *r = ctx;
    fprintf(stderr, "griddle run: device %s: %s\n", r ? r->label : "?", msg);
}

static const char *dl_path(Arena *a, const char *path)
{
    /* dlopen("x.so") searches the system paths only; a user naming a
     * file in the current directory means that file. */
    if (strchr(path, '/') || access(path, F_OK)) return path;
    return arena_printf(a, "./%s", path);
}

/* Loads a plugin and checks its table; NULL after an error. */
static const PnkDevice *load_plugin(Sem *s, const char *path)
{
    void *h = dlopen(dl_path(&s->arena, path), RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        diag_add(s->dl, DIAG_ERROR, "run", NULL, "cannot load device plugin: %s", dlerror());
        return NULL;
    }
    s->plugins[s->nplugins++] = h;
    PnkDeviceEntry entry;
    void *sym = dlsym(h, PNK_DEVICE_SYMBOL);
    memcpy(&entry, &sym, sizeof entry);
    const PnkDevice *dev = sym ? entry() : NULL;
    if (!dev) {
        diag_add(s->dl, DIAG_ERROR, "run", NULL,
                 "device plugin '%s' defines no %s() or it returned NULL (see pnk_device.h)", path,
                 PNK_DEVICE_SYMBOL);
        return NULL;
    }
    if (dev->abi != PNK_DEVICE_ABI || !dev->open || !dev->load || !dev->store) {
        diag_add(s->dl, DIAG_ERROR, "run", NULL,
                 "device plugin '%s' has ABI %u or lacks open/load/store (this griddle needs ABI %u)",
                 path, dev->abi, PNK_DEVICE_ABI);
        return NULL;
    }
    return dev;
}

static bool start_device(Sem *s, Region *r, const PnkDevice *dev, const SemRegion *sr)
{
    r->label = arena_printf(&s->arena, "%s", dev->name ? dev->name : sr->device);
    PnkHost *host = arena_alloc(&s->arena, sizeof *host);
    *host = (PnkHost){.abi = PNK_DEVICE_ABI, .ctx = r, .log = host_log};
    char err[256] = "";
    r->inst = dev->open(host, r->base, r->size, sr->arg, err, sizeof err);
    if (!r->inst) {
        err[sizeof err - 1] = 0;
        diag_add(s->dl, DIAG_ERROR, "run", NULL, "device %s did not start: %s", r->label,
                 err[0] ? err : "no reason given");
        return false;
    }
    r->dev = dev;
    return true;
}

static bool region_ok(Sem *s, const SemRegion *sr, size_t i)
{
    Word end = sr->base + sr->size;
    if (sr->base % 8 || sr->size % 8 || sr->size == 0 || end < sr->base) {
        diag_add(s->dl, DIAG_ERROR, "run", NULL,
                 "shared region 0x%llx:0x%llx: base and size must be non-zero multiples of 8 "
                 "and the region must not wrap", (unsigned long long)sr->base,
                 (unsigned long long)sr->size);
        return false;
    }
    Word hb = (Word)(uintptr_t)s->heap, he = hb + s->heap_bytes;
    if (sr->base < he && hb < end) {
        diag_add(s->dl, DIAG_ERROR, "run", NULL,
                 "shared region 0x%llx:0x%llx overlaps the heap [0x%llx, 0x%llx)",
                 (unsigned long long)sr->base, (unsigned long long)sr->size,
                 (unsigned long long)hb, (unsigned long long)he);
        return false;
    }
    for (size_t k = 0; k < i; k++) {
        const Region *o = &s->regions[k];
        if (sr->base < o->base + o->size && o->base < end) {
            diag_add(s->dl, DIAG_ERROR, "run", NULL,
                     "shared regions 0x%llx:0x%llx and 0x%llx:0x%llx overlap",
                     (unsigned long long)o->base, (unsigned long long)o->size,
                     (unsigned long long)sr->base, (unsigned long long)sr->size);
            return false;
        }
    }
    return true;
}

bool shmem_init(Sem *s)
{
    size_t n = s->cfg.nregions;
    s->regions = arena_alloc(&s->arena, sizeof(Region) * (n + 1));
    s->plugins = arena_alloc(&s->arena, sizeof(void *) * (n + 1));
    for (size_t i = 0; i < n; i++) {
        SemRegion sr = s->cfg.regions[i];
        const PnkDevice *dev = NULL;
        if (sr.device) {
            if (!(dev = load_plugin(s, sr.device))) return false;
            if (sr.size == 0) { /* --device LIB.so: the model's own region */
                sr.base = dev->default_base;
                sr.size = dev->default_size;
                if (sr.size == 0) {
                    diag_add(s->dl, DIAG_ERROR, "run", NULL,
                             "device plugin '%s' has no default region: give one with "
                             "--device %s=BASE:SIZE", sr.device, sr.device);
                    return false;
                }
            }
        }
        if (!region_ok(s, &sr, i)) return false;
        Region *r = &s->regions[s->nregions++];
        r->base = sr.base;
        r->size = sr.size;
        r->label = arena_printf(&s->arena, "0x%llx", (unsigned long long)sr.base);
        if (dev) {
            if (!start_device(s, r, dev, &sr)) return false;
        } else {
            r->mem = sr.size <= SIZE_MAX ? calloc(1, (size_t)sr.size) : NULL;
            if (!r->mem) {
                diag_add(s->dl, DIAG_ERROR, "run", NULL,
                         "cannot allocate shared region 0x%llx:0x%llx",
                         (unsigned long long)sr.base, (unsigned long long)sr.size);
                s->nregions--;
                return false;
            }
        }
    }
    return true;
}

void shmem_free(Sem *s)
{
    for (size_t i = 0; i < s->nregions; i++) {
        Region *r = &s->regions[i];
        if (r->dev && r->inst && r->dev->close) r->dev->close(r->inst);
        free(r->mem);
    }
    for (size_t i = 0; i < s->nplugins; i++) dlclose(s->plugins[i]);
    s->nregions = s->nplugins = 0;
}

static const char *op_name(bool store, unsigned width)
{
    switch (width) {
    case 1: return store ? "!st8" : "!ld8";
    case 2: return store ? "!st16" : "!ld16";
    case 4: return store ? "!st32" : "!ld32";
    default: return store ? "!stw" : "!ldw";
    }
}

/* The region holding the access, or an Error. */
static Region *find(Sem *s, Word addr, unsigned width, bool store, const Span *sp)
{
    const char *what = op_name(store, width);
    if (width == 8 && (addr & 7))
        sem_fail(s, sp, "%s: address 0x%llx is not in shared memory (not word-aligned)", what,
                 (unsigned long long)addr);
    Word word = addr & ~(Word)7;
    for (size_t i = 0; i < s->nregions; i++) {
        Region *r = &s->regions[i];
        if (word - r->base < r->size) {
            if (r->mem && addr - r->base > r->size - width)
                sem_fail(s, sp, "%s: %u bytes at 0x%llx run past the end of shared region %s", what,
                         width, (unsigned long long)addr, r->label);
            return r;
        }
    }
    sem_fail(s, sp, "%s: address 0x%llx is not in shared memory", what, (unsigned long long)addr);
}

static Word mask(unsigned width, Word v)
{
    return width == 8 ? v : v & (((Word)1 << (8 * width)) - 1);
}

Word shmem_load(Sem *s, Word addr, unsigned width, const Span *sp)
{
    Region *r = find(s, addr, width, false, sp);
    Word v = 0;
    if (r->mem) {
        const uint8_t *p = r->mem + (addr - r->base);
        for (unsigned i = 0; i < width; i++) v |= (Word)p[i] << (8 * i);
    } else {
        uint64_t dv = 0;
        if (r->dev->load(r->inst, addr, width, &dv))
            sem_fail(s, sp, "%s: device %s refused a load at 0x%llx", op_name(false, width),
                     r->label, (unsigned long long)addr);
        v = mask(width, dv);
    }
    trace_shmem(s, false, width, addr, v);
    return v;
}

void shmem_store(Sem *s, Word addr, unsigned width, Word v, const Span *sp)
{
    Region *r = find(s, addr, width, true, sp);
    v = mask(width, v);
    if (r->mem) {
        uint8_t *p = r->mem + (addr - r->base);
        for (unsigned i = 0; i < width; i++) p[i] = (uint8_t)(v >> (8 * i));
    } else if (r->dev->store(r->inst, addr, width, v)) {
        sem_fail(s, sp, "%s: device %s refused a store at 0x%llx", op_name(true, width), r->label,
                 (unsigned long long)addr);
    }
    trace_shmem(s, true, width, addr, v);
}
