/*
 * pnk_device.h: the device-model plugin interface of `griddle run`.
 *
 * A Pancake program talks to devices through shared memory: the
 * statements !ld8/!ld16/!ld32/!ldw and !st8/!st16/!st32/!stw
 * (pancake-language.md §3.4). `griddle run --device LIB.so[=BASE:SIZE]`
 * (or a `device` line in a --shared-manifest) hands every such access that
 * falls in the region [BASE, BASE+SIZE) to a model loaded from a shared
 * object, so a driver can run against a simulated device.
 *
 * A plugin is a shared object exporting one C function:
 *
 *     const PnkDevice *pnk_device(void);
 *
 * returning a pointer to a static table. This header is the whole contract;
 * it is stable C (no griddle headers needed) and versioned by abi: griddle
 * refuses a plugin whose abi differs from PNK_DEVICE_ABI. Build with e.g.
 *
 *     cc -shared -fPIC -o mydev.so mydev.c
 *
 * Calls come from one thread, in program order, one per shared-memory
 * statement, before the event is written to the trace. Accesses are never
 * merged, split, reordered or dropped.
 *
 * Memory: the plugin owns what open() returns and frees it in close().
 */
#ifndef PNK_DEVICE_H
#define PNK_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PNK_DEVICE_ABI 1u
#define PNK_DEVICE_SYMBOL "pnk_device"

/* What griddle offers a device. */
typedef struct PnkHost {
    uint32_t abi;  /* PNK_DEVICE_ABI */
    void *ctx;     /* pass back to the functions below */
    /* Prints "griddle run: device NAME: MSG" on stderr. */
    void (*log)(void *ctx, const char *msg);
} PnkHost;

typedef struct PnkDevice {
    uint32_t abi;              /* must be PNK_DEVICE_ABI */
    const char *name;          /* shown in messages */
    /* Region used when the command line gives none (size 0: none). */
    uint64_t default_base, default_size;

    /* Creates one instance serving [base, base+size). arg is the text after
     * ',' on the command line (or the manifest's ARG), or NULL. Returns an
     * opaque instance, or NULL after writing a message (NUL-terminated, at
     * most errlen bytes) into err: griddle then stops with exit status 2. */
    void *(*open)(const PnkHost *host, uint64_t base, uint64_t size, const char *arg,
                  char *err, size_t errlen);

    /* A shared load of width 1, 2, 4 or 8 bytes at addr (addr is inside the
     * region; for width 8 it is 8-aligned, for the others the word holding
     * addr is inside the region and addr may be unaligned, as in the
     * reference). Set *value (griddle keeps only the low 8*width bits).
     * Return 0, or non-zero to make the access a runtime Error (a bus
     * error). */
    int (*load)(void *dev, uint64_t addr, unsigned width, uint64_t *value);

    /* A shared store of the low 8*width bits of value. Return as for load. */
    int (*store)(void *dev, uint64_t addr, unsigned width, uint64_t value);

    /* Frees the instance (may be NULL). */
    void (*close)(void *dev);
} PnkDevice;

typedef const PnkDevice *(*PnkDeviceEntry)(void);

#ifdef __cplusplus
}
#endif

#endif
