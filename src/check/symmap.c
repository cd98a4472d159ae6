/* SymMap: names are interned, so a name's identity is its pointer; the map
 * hashes pointers with linear probing. Entries are never deleted within a
 * generation (callers store -1 to hide one), and symmap_clear starts a new
 * generation, so a function's locals are forgotten in O(1). */
#include "check_int.h"

#include <stdlib.h>
#include <string.h>

void symmap_init(SymMap *m) { memset(m, 0, sizeof *m); m->gen = 1; }

void symmap_free(SymMap *m)
{
    free(m->keys);
    free(m->vals);
    free(m->gens);
    memset(m, 0, sizeof *m);
}

void symmap_clear(SymMap *m)
{
    m->gen++;
    m->n = 0;
}

static uint32_t hash(Sym k, uint32_t cap)
{
    uint64_t h = (uint64_t)(uintptr_t)k * 0x9E3779B97F4A7C15ull;
    return (uint32_t)(h >> 32) & (cap - 1);
}

static uint32_t probe(const SymMap *m, Sym k)
{
    uint32_t i = hash(k, m->cap);
    while (m->gens[i] == m->gen && m->keys[i] != k) i = (i + 1) & (m->cap - 1);
    return i;
}

int32_t symmap_get(const SymMap *m, Sym k)
{
    if (!m->cap) return -1;
    uint32_t i = probe(m, k);
    return m->gens[i] == m->gen ? m->vals[i] : -1;
}

static void grow(SymMap *m)
{
    SymMap old = *m;
    m->cap = old.cap ? old.cap * 2 : 64;
    m->keys = xcalloc(m->cap, sizeof *m->keys);
    m->vals = xcalloc(m->cap, sizeof *m->vals);
    m->gens = xcalloc(m->cap, sizeof *m->gens);
    m->n = 0;
    for (uint32_t i = 0; i < old.cap; i++)
        if (old.gens[i] == old.gen) symmap_put(m, old.keys[i], old.vals[i]);
    free(old.keys);
    free(old.vals);
    free(old.gens);
}

void symmap_put(SymMap *m, Sym k, int32_t v)
{
    if (2 * (m->n + 1) > m->cap) grow(m);
    uint32_t i = probe(m, k);
    if (m->gens[i] != m->gen) {
        m->gens[i] = m->gen;
        m->keys[i] = k;
        m->n++;
    }
    m->vals[i] = v;
}
