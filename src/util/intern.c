/* Interning: open addressing over FNV-1a hashes; strings live in an arena. */
#include "util.h"

#include <stdlib.h>
#include <string.h>

void interner_init(Interner *in)
{
    memset(in, 0, sizeof *in);
    arena_init(&in->arena);
    in->cap = 1024;
    in->slots = xcalloc(in->cap, sizeof(Sym));
}

void interner_free(Interner *in)
{
    arena_free(&in->arena);
    free(in->slots);
    memset(in, 0, sizeof *in);
}

static uint64_t hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static void grow(Interner *in)
{
    size_t cap = in->cap * 2;
    Sym *slots = xcalloc(cap, sizeof(Sym));
    for (size_t i = 0; i < in->cap; i++) {
        Sym s = in->slots[i];
        if (!s) continue;
        size_t j = hash(s, strlen(s)) & (cap - 1);
        while (slots[j]) j = (j + 1) & (cap - 1);
        slots[j] = s;
    }
    free(in->slots);
    in->slots = slots;
    in->cap = cap;
}

Sym intern(Interner *in, const char *s, size_t n)
{
    if ((in->n + 1) * 2 > in->cap) grow(in);
    size_t j = hash(s, n) & (in->cap - 1);
    for (;;) {
        Sym t = in->slots[j];
        if (!t) break;
        if (strncmp(t, s, n) == 0 && t[n] == 0) return t;
        j = (j + 1) & (in->cap - 1);
    }
    char *m = arena_alloc(&in->arena, n + 2); /* tag byte, text, NUL */
    memcpy(m + 1, s, n);
    Sym t = m + 1;
    in->slots[j] = t;
    in->n++;
    return t;
}

Sym intern_cstr(Interner *in, const char *s) { return intern(in, s, strlen(s)); }
