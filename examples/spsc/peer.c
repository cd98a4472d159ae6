/*
 * peer.c: the concurrent peer of spsc.pnk as a `griddle run` device
 * plugin (src/sem/pnk_device.h), serving the two rings at 8192..12368.
 *
 * It plays the other side of both rings the way peer.vpr allows: when the
 * program reads the out ring's head it may first consume items; when it
 * reads the in ring's tail it may first produce some. A small
 * deterministic generator (seeded by the plugin argument, default 1)
 * decides how many. It also checks the program's side of the protocol and
 * refuses (a bus error, so a runtime Error) any access peer.vpr's
 * preconditions forbid: a tail or head not advanced by exactly one modulo
 * 65536, an over- or under-filled ring, a slot the index does not own, a
 * store to the peer's own index, or an access that is not a 64-bit word.
 * Under `griddle run` the verified spsc.pnk must never be refused
 * (tests/verify/errorfree.py); the SPSC_MUTANT build is.
 */
#include "sem/pnk_device.h"

#include <stdio.h>
#include <stdlib.h>

#define IDX 65536u
#define CAP 8u
#define OUT 8192u  /* out ring: tail, head, slots */
#define IN 12288u  /* in ring: tail, head, slots */

typedef struct Ring {
    uint64_t tail, head, slot[CAP];
} Ring;

typedef struct Peer {
    const PnkHost *host;
    Ring out, in;
    uint64_t rng, produced, consumed;
} Peer;

const PnkDevice *pnk_device(void);

static uint64_t count(const Ring *r) { return (r->tail - r->head + IDX) % IDX; }

/* xorshift64: a fixed sequence per seed, so runs are reproducible. */
static uint64_t next(Peer *p)
{
    p->rng ^= p->rng << 13;
    p->rng ^= p->rng >> 7;
    p->rng ^= p->rng << 17;
    return p->rng;
}

static int refuse(Peer *p, const char *what, uint64_t addr, uint64_t value)
{
    char msg[160];
    snprintf(msg, sizeof msg, "protocol violation: %s (address %llu, value %llu)", what,
             (unsigned long long)addr, (unsigned long long)value);
    p->host->log(p->host->ctx, msg);
    return 1;
}

static void *peer_open(const PnkHost *host, uint64_t base, uint64_t size, const char *arg,
                       char *err, size_t errlen)
{
    if (base != OUT || size < IN + 16 + 8 * CAP - OUT) {
        snprintf(err, errlen, "the rings need the region %u:%u", OUT, IN + 16 + 8 * CAP - OUT);
        return NULL;
    }
    Peer *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    p->host = host;
    p->rng = arg ? strtoull(arg, NULL, 10) : 1;
    if (p->rng == 0) p->rng = 1;
    return p;
}

/* The peer's moves, made just before the program observes them. */
static void consume(Peer *p)
{
    uint64_t n = next(p) % (count(&p->out) + 1);
    p->out.head = (p->out.head + n) % IDX;
    p->consumed += n;
}

static void produce(Peer *p)
{
    uint64_t n = next(p) % (CAP - count(&p->in) + 1);
    for (uint64_t k = 0; k < n; k++) {
        p->in.slot[p->in.tail % CAP] = 1000 + p->produced++;
        p->in.tail = (p->in.tail + 1) % IDX;
    }
}

static int peer_load(void *dev, uint64_t addr, unsigned width, uint64_t *value)
{
    Peer *p = dev;
    if (width != 8) return refuse(p, "not a 64-bit load", addr, width);
    if (addr == OUT) *value = p->out.tail;
    else if (addr == OUT + 8) {
        consume(p);
        *value = p->out.head;
    } else if (addr == IN) {
        produce(p);
        *value = p->in.tail;
    } else if (addr == IN + 8) *value = p->in.head;
    else if (addr >= IN + 16 && addr < IN + 16 + 8 * CAP) {
        if (count(&p->in) == 0 || addr != IN + 16 + 8 * (p->in.head % CAP))
            return refuse(p, "load of an in slot the head does not own", addr, 0);
        *value = p->in.slot[p->in.head % CAP];
    } else return refuse(p, "load outside the protocol", addr, 0);
    return 0;
}

static int peer_store(void *dev, uint64_t addr, unsigned width, uint64_t value)
{
    Peer *p = dev;
    if (width != 8) return refuse(p, "not a 64-bit store", addr, value);
    if (addr == OUT) {
        if (value != (p->out.tail + 1) % IDX || count(&p->out) >= CAP)
            return refuse(p, "out tail not advanced by one into a free slot", addr, value);
        p->out.tail = value;
    } else if (addr >= OUT + 16 && addr < OUT + 16 + 8 * CAP) {
        if (count(&p->out) >= CAP || addr != OUT + 16 + 8 * (p->out.tail % CAP))
            return refuse(p, "store to an out slot the tail does not own", addr, value);
        p->out.slot[p->out.tail % CAP] = value;
    } else if (addr == IN + 8) {
        if (value != (p->in.head + 1) % IDX || count(&p->in) == 0)
            return refuse(p, "in head not advanced by one over an item", addr, value);
        p->in.head = value;
    } else return refuse(p, "store outside the protocol", addr, value);
    return 0;
}

static void peer_close(void *dev) { free(dev); }

static const PnkDevice peer = {
    PNK_DEVICE_ABI, "spsc-peer", OUT, IN + 16 + 8 * CAP - OUT,
    peer_open, peer_load, peer_store, peer_close,
};

const PnkDevice *pnk_device(void) { return &peer; }
