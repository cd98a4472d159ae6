/* Symbolic states (DSA): every component is a Z3 term; an update makes a
 * new term, a copy shares them. Join points merge with ite over the
 * reaching path conditions, so no path is explored twice. */
#include "vgen_int.h"

#include <string.h>

Val val_alloc(Gen *g, uint32_t n)
{
    Val v = {arena_alloc(&g->ar, (n ? n : 1) * sizeof(Z3_ast)), n};
    return v;
}

Val val_one(Gen *g, Z3_ast t)
{
    Val v = val_alloc(g, 1);
    v.w[0] = t;
    return v;
}

Val val_fresh_words(Gen *g, State *st, uint32_t n, const char *name)
{
    Val v = val_alloc(g, n);
    for (uint32_t i = 0; i < n; i++) {
        v.w[i] = g->bv ? bv_word(g, name) : mk_fresh(g, name, g->s_int);
        smt_assume(g, st ? st->pc : Z3_mk_true(g->z), mk_bounded(g, v.w[i], 64));
    }
    return v;
}

/* Zero amount for an abstract predicate: a Real for no arguments, else
 * an array from its argument key (pred_key) to 0. */
static Z3_ast pred_zero(Gen *g, uint32_t p)
{
    if (!g->pkey[p]) return g->rzero;
    return Z3_mk_const_array(g->z, g->pkey[p], g->rzero);
}

State *st_new(Gen *g)
{
    State *s = arena_alloc(&g->ar, sizeof *s);
    s->pc = Z3_mk_true(g->z);
    s->H = mk_fresh(g, "H", g->s_heap);
    s->M = Z3_mk_const_array(g->z, g->s_int, g->rzero);
    s->fv = arena_alloc(&g->ar, g->nfields * sizeof(Z3_ast));
    s->fm = arena_alloc(&g->ar, g->nfields * sizeof(Z3_ast));
    s->ffm = arena_alloc(&g->ar, g->nfields * sizeof(Z3_ast));
    s->FM = s->M;
    for (uint32_t f = 0; f < g->nfields; f++) {
        Z3_sort t = f + 1 < g->nfields ? vsort(g, g->spec->fields.v[f]->type) : g->s_int;
        s->fv[f] = mk_fresh(g, "F", Z3_mk_array_sort(g->z, g->s_ref, t));
        s->fm[f] = Z3_mk_const_array(g->z, g->s_ref, g->rzero);
        s->ffm[f] = s->fm[f];
    }
    size_t np = g->spec->preds.n;
    s->pm = arena_alloc(&g->ar, (np ? np : 1) * sizeof(Z3_ast));
    for (size_t p = 0; p < np; p++)
        s->pm[p] = pred_zero(g, (uint32_t)p);
    s->locals = arena_alloc(&g->ar, (g->nslots ? g->nslots : 1) * sizeof(Val));
    uint32_t ng = g->prog->nglobals;
    s->globals = arena_alloc(&g->ar, (ng ? ng : 1) * sizeof(Val));
    return s;
}

State *st_copy(Gen *g, const State *s)
{
    State *c = arena_alloc(&g->ar, sizeof *c);
    *c = *s;
    c->fv = arena_memdup(&g->ar, s->fv, g->nfields * sizeof(Z3_ast));
    c->fm = arena_memdup(&g->ar, s->fm, g->nfields * sizeof(Z3_ast));
    c->ffm = arena_memdup(&g->ar, s->ffm, g->nfields * sizeof(Z3_ast));
    size_t np = g->spec->preds.n;
    c->pm = arena_memdup(&g->ar, s->pm, (np ? np : 1) * sizeof(Z3_ast));
    c->locals = arena_memdup(&g->ar, s->locals, (g->nslots ? g->nslots : 1) * sizeof(Val));
    uint32_t ng = g->prog->nglobals;
    c->globals = arena_memdup(&g->ar, s->globals, (ng ? ng : 1) * sizeof(Val));
    if (s->vl && g->meth)
        c->vl = arena_memdup(&g->ar, s->vl, g->meth->locals.n * sizeof(Val));
    return c;
}

static Val merge_val(Gen *g, Z3_ast c, Val a, Val b)
{
    if (!a.n) return b;
    if (!b.n || a.w == b.w) return a;
    if (a.n != b.n) return a; /* out of scope in one branch: never read after */
    Val r = val_alloc(g, a.n);
    for (uint32_t i = 0; i < a.n; i++) r.w[i] = mk_ite(g, c, a.w[i], b.w[i]);
    return r;
}

/* ite of two arrays as a fresh array constant defined by one equation:
 * selects on it stay valid patterns (Z3 rejects ite in patterns). */
static Z3_ast merge_arr(Gen *g, Z3_ast c, Z3_ast x, Z3_ast y)
{
    if (Z3_is_eq_ast(g->z, x, y)) return x;
    Z3_ast v = mk_fresh(g, "join", Z3_get_sort(g->z, x));
    smt_assume(g, Z3_mk_true(g->z), mk_eq(g, v, Z3_mk_ite(g->z, c, x, y)));
    return v;
}

void st_merge(Gen *g, State *a, const State *b)
{
    if (is_false(g, b->pc)) return;
    if (is_false(g, a->pc)) {
        State *keep = st_copy(g, b);
        *a = *keep;
        return;
    }
    Z3_ast c = a->pc;
    a->H = merge_arr(g, c, a->H, b->H);
    a->M = merge_arr(g, c, a->M, b->M);
    a->FM = merge_arr(g, c, a->FM, b->FM);
    for (uint32_t f = 0; f < g->nfields; f++) {
        a->fv[f] = merge_arr(g, c, a->fv[f], b->fv[f]);
        a->fm[f] = merge_arr(g, c, a->fm[f], b->fm[f]);
        a->ffm[f] = merge_arr(g, c, a->ffm[f], b->ffm[f]);
    }
    for (size_t p = 0; p < g->spec->preds.n; p++)
        if (a->pm[p]) a->pm[p] = g->pkey[p] ? merge_arr(g, c, a->pm[p], b->pm[p]) : mk_ite(g, c, a->pm[p], b->pm[p]);
    for (uint32_t s = 0; s < g->nslots; s++) a->locals[s] = merge_val(g, c, a->locals[s], b->locals[s]);
    for (uint32_t s = 0; s < g->prog->nglobals; s++)
        a->globals[s] = merge_val(g, c, a->globals[s], b->globals[s]);
    if (a->vl && b->vl && g->meth)
        for (uint32_t i = 0; i < g->meth->locals.n; i++) a->vl[i] = merge_val(g, c, a->vl[i], b->vl[i]);
    a->pc = mk_or2(g, a->pc, b->pc);
}

/* A fresh array X with forall i {X[i]} X[i] == body(i): the pointwise
 * updates below (havoc, frames, sums of masks) as definitions whose
 * selects remain patterns, where a lambda would be beta-reduced into
 * ite terms. body is built over the constant i. */
static Z3_ast defined(Gen *g, const char *name, Z3_ast i, Z3_ast body)
{
    Z3_sort dom = Z3_get_sort(g->z, i);
    Z3_ast x = mk_fresh(g, name, Z3_mk_array_sort(g->z, dom, Z3_get_sort(g->z, body)));
    Z3_ast sel = Z3_mk_select(g->z, x, i);
    Z3_app bv = Z3_to_app(g->z, i);
    Z3_pattern pat = Z3_mk_pattern(g->z, 1, &sel);
    smt_assume(g, Z3_mk_true(g->z), Z3_mk_forall_const(g->z, 0, 1, &bv, 1, &pat, mk_eq(g, sel, body)));
    return x;
}

/* Is m the mask that holds nothing (the constant array 0)? States start
 * with it and keep it until a permission is inhaled, so functions that
 * hold no heap or field permission (drivers that only talk to devices
 * through shared memory) havoc and frame without quantifiers. */
static bool mask_empty(Gen *g, Z3_ast m)
{
    return Z3_is_eq_ast(g->z, m, Z3_mk_const_array(g->z, Z3_get_array_sort_domain(g->z, Z3_get_sort(g->z, m)),
                                                   g->rzero));
}

/* λi. ite(mask[i] + folded[i] > 0, vals[i], fresh[i]) over index sort dom. */
static Z3_ast keep_owned(Gen *g, Z3_ast vals, Z3_ast mask, Z3_ast folded, Z3_sort dom, Z3_sort range)
{
    Z3_ast fresh = mk_fresh(g, "havoc", Z3_mk_array_sort(g->z, dom, range));
    if (mask_empty(g, mask) && mask_empty(g, folded)) return fresh;
    Z3_ast i = mk_fresh(g, "i", dom);
    Z3_ast held = mk_add2(g, Z3_mk_select(g->z, mask, i), Z3_mk_select(g->z, folded, i));
    Z3_ast body = Z3_mk_ite(g->z, Z3_mk_gt(g->z, held, g->rzero),
                            Z3_mk_select(g->z, vals, i), Z3_mk_select(g->z, fresh, i));
    return defined(g, "H", i, body);
}

void st_havoc_unowned(Gen *g, State *s, bool fields)
{
    s->H = keep_owned(g, s->H, s->M, s->FM, g->s_int, g->s_int);
    for (uint32_t f = 0; fields && f < g->nfields; f++) {
        Z3_sort r = Z3_get_array_sort_range(g->z, Z3_get_sort(g->z, s->fv[f]));
        s->fv[f] = keep_owned(g, s->fv[f], s->fm[f], s->ffm[f], g->s_ref, r);
    }
}

/* λi. a[i] + b[i] */
static Z3_ast mask_add(Gen *g, Z3_ast a, Z3_ast b, Z3_sort dom)
{
    if (mask_empty(g, b)) return a;
    if (mask_empty(g, a)) return b;
    Z3_ast i = mk_fresh(g, "i", dom);
    return defined(g, "M", i, mk_add2(g, Z3_mk_select(g->z, a, i), Z3_mk_select(g->z, b, i)));
}

/* λi. ite(frame[i] > 0, before[i], cur[i]) */
static Z3_ast frame_vals(Gen *g, Z3_ast fmask, Z3_ast before, Z3_ast cur, Z3_sort dom)
{
    if (mask_empty(g, fmask)) return cur;
    Z3_ast i = mk_fresh(g, "i", dom);
    Z3_ast body = Z3_mk_ite(g->z, Z3_mk_gt(g->z, Z3_mk_select(g->z, fmask, i), g->rzero),
                            Z3_mk_select(g->z, before, i), Z3_mk_select(g->z, cur, i));
    return defined(g, "H", i, body);
}

void st_add_frame(Gen *g, State *s, const State *frame, const State *before)
{
    s->H = frame_vals(g, mask_add(g, frame->M, frame->FM, g->s_int), before->H, s->H, g->s_int);
    s->M = mask_add(g, s->M, frame->M, g->s_int);
    s->FM = mask_add(g, s->FM, frame->FM, g->s_int);
    for (uint32_t f = 0; f < g->nfields; f++) {
        s->fv[f] = frame_vals(g, mask_add(g, frame->fm[f], frame->ffm[f], g->s_ref), before->fv[f], s->fv[f],
                              g->s_ref);
        s->fm[f] = mask_add(g, s->fm[f], frame->fm[f], g->s_ref);
        s->ffm[f] = mask_add(g, s->ffm[f], frame->ffm[f], g->s_ref);
    }
    for (size_t p = 0; p < g->spec->preds.n; p++) {
        if (!s->pm[p]) continue;
        if (!g->pkey[p]) s->pm[p] = mk_add2(g, s->pm[p], frame->pm[p]);
        else s->pm[p] = mask_add(g, s->pm[p], frame->pm[p], g->pkey[p]);
    }
}
