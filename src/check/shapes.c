/* Shapes as the checker sees them (§3.1, §4.3): well-formedness (every
 * struct name declared — during struct declarations only the earlier
 * ones, since the struct table grows in order), sizes in words, printing
 * for messages, and field lookup. */
#include "check_int.h"

#include <string.h>

int32_t *find_repeats(Ctx *c, const void *items, size_t stride, size_t at, uint32_t n)
{
    int32_t *prev = scratch_alloc(&c->scratch, (n + 1) * sizeof *prev);
    symmap_clear(&c->tmpmap);
    for (uint32_t i = 0; i < n; i++) {
        Sym name = *(const Sym *)((const char *)items + i * stride + at);
        prev[i] = symmap_get(&c->tmpmap, name);
        if (prev[i] < 0) symmap_put(&c->tmpmap, name, (int32_t)i);
    }
    return prev;
}

bool span_eq(const Span *a, const Span *b)
{
    return a->file == b->file && a->line == b->line && a->col == b->col;
}

/* Reports every undeclared struct name in s; true if s is well-formed. */
bool shape_valid(Ctx *c, Shape *s, const Span *fallback)
{
    if (!s) return false;
    switch (s->kind) {
    case SHAPE_ONE: return true;
    case SHAPE_COMB: {
        bool ok = true;
        for (uint32_t i = 0; i < s->n; i++) ok &= shape_valid(c, s->elems[i], fallback);
        return ok;
    }
    case SHAPE_NAMED:
        if (find_struct(c, s->name)) return true;
        cerror(c, "scope", s->span.line ? &s->span : fallback,
               "struct name %s is not in scope in %s", s->name, where(c));
        return false;
    }
    return false;
}

static uint32_t sat_add(uint32_t a, uint32_t b) { return a > UINT32_MAX - b ? UINT32_MAX : a + b; }

/* Size in words; unknown parts count as one word (they were reported). */
uint32_t shape_words(Ctx *c, const Shape *s)
{
    if (!s) return 1;
    switch (s->kind) {
    case SHAPE_ONE: return 1;
    case SHAPE_COMB: {
        uint32_t w = 0;
        for (uint32_t i = 0; i < s->n; i++) w = sat_add(w, shape_words(c, s->elems[i]));
        return w;
    }
    case SHAPE_NAMED: {
        StructInfo *si = find_struct(c, s->name);
        return si ? si->words : 1;
    }
    }
    return 1;
}

const char *shstr(Ctx *c, const Shape *s)
{
    StrBuf b = {0};
    shape_print(&b, s);
    char *r = scratch_alloc(&c->scratch, b.n + 1);
    memcpy(r, b.s ? b.s : "", b.n);
    r[b.n] = 0;
    sb_free(&b);
    return r;
}

bool shape_is_word(const Shape *s) { return s && s->kind == SHAPE_ONE; }

bool shapes_differ(const Shape *a, const Shape *b) { return a && b && !shape_eq(a, b); }

int32_t struct_field(const StructInfo *si, Sym name)
{
    if (si->fmap) return symmap_get(si->fmap, name);
    for (uint32_t i = 0; i < si->d->nfields; i++)
        if (si->d->fields[i].name == name) return (int32_t)i;
    return -1;
}
