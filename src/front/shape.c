/* Shapes: construction, equality (exact: named != anonymous, {1} != 1),
 * printing in source syntax. */
#include "front.h"

Shape *shape_one(Arena *a)
{
    Shape *s = arena_alloc(a, sizeof *s);
    s->kind = SHAPE_ONE;
    return s;
}

Shape *shape_comb(Arena *a, Shape **elems, uint32_t n)
{
    Shape *s = arena_alloc(a, sizeof *s);
    s->kind = SHAPE_COMB;
    s->elems = elems;
    s->n = n;
    return s;
}

Shape *shape_named(Arena *a, Sym name)
{
    Shape *s = arena_alloc(a, sizeof *s);
    s->kind = SHAPE_NAMED;
    s->name = name;
    return s;
}

bool shape_eq(const Shape *a, const Shape *b)
{
    if (a == b) return true;
    if (!a || !b || a->kind != b->kind) return false;
    switch (a->kind) {
    case SHAPE_ONE: return true;
    case SHAPE_NAMED: return a->name == b->name;
    case SHAPE_COMB:
        if (a->n != b->n) return false;
        for (uint32_t i = 0; i < a->n; i++)
            if (!shape_eq(a->elems[i], b->elems[i])) return false;
        return true;
    }
    return false;
}

/* Prints a shape as written in source: 1, {1,1} (a run of n words that was
 * written "n" prints as {1,...}), or a struct name. */
void shape_print(StrBuf *b, const Shape *s)
{
    if (!s) {
        sb_puts(b, "?");
        return;
    }
    switch (s->kind) {
    case SHAPE_ONE: sb_putc(b, '1'); return;
    case SHAPE_NAMED: sb_puts(b, s->name); return;
    case SHAPE_COMB: {
        bool all_one = s->n >= 2;
        for (uint32_t i = 0; all_one && i < s->n; i++) all_one = s->elems[i]->kind == SHAPE_ONE;
        if (all_one && (s->from_int || s->n > 8)) {
            sb_printf(b, "%u", s->n);
            return;
        }
        sb_putc(b, '{');
        for (uint32_t i = 0; i < s->n; i++) {
            if (i) sb_puts(b, ",");
            shape_print(b, s->elems[i]);
        }
        sb_putc(b, '}');
        return;
    }
    }
}
