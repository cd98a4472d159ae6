/*
 * Return shapes the programmer did not write.
 *
 * compat (§6.1): an un-annotated function's return shape is that of its
 * first return statement whose shape is known, or of the first tail-call
 * (or legacy tail-call) target whose return shape is known. Shapes flow
 * between functions (`var x = f();` takes f's shape, `return g();` takes
 * g's), so the bodies are checked in quiet rounds — no diagnostics, no
 * writes to the AST — until a round learns nothing new; mutually
 * recursive functions thus reach a fixpoint. What is still unknown then
 * defaults to 1. Undeclared exceptions thrown in a round are declared
 * with the payload's shape, which also counts as progress.
 *
 * strict: the same first-return rule, recorded during the one pass,
 * decides whether an error would go away in compat mode; such errors end
 * with "(accepted with --compat)". Errors that depend on another
 * function's would-be shape are resolved after all bodies (Hint).
 */
#include "check_int.h"

#include <stdlib.h>
#include <string.h>

static void set_inferred(Ctx *c, FunInfo *fi, Shape *sh)
{
    fi->ret = sh;
    fi->ret_known = fi->inferred = true;
    c->changed = true;
}

bool note_return(Ctx *c, Shape *got)
{
    FunInfo *fi = c->fi;
    if (c->o->compat) {
        if (!fi->ret_known && got) set_inferred(c, fi, got);
        return false;
    }
    if (fi->fn->ret_written) return false;
    if (!fi->hint_ret && !fi->hint_tail) {
        fi->hint_ret = got;
        return got != NULL;
    }
    return fi->hint_ret && got && shape_eq(fi->hint_ret, got);
}

void note_tail_target(Ctx *c, FunInfo *callee)
{
    FunInfo *fi = c->fi;
    if (c->o->compat) {
        if (!fi->ret_known && callee && callee->ret_known && callee->ret)
            set_inferred(c, fi, callee->ret);
        return;
    }
    if (!fi->fn->ret_written && !fi->hint_ret && !fi->hint_tail) fi->hint_tail = callee;
}

void infer_returns(Ctx *c)
{
    for (size_t i = 0; i < c->funs.n; i++) {
        Block *body = &c->funs.v[i].fn->body;
        if (!block_exits(body) && legacy_tail_fixable(body, false))
            legacy_tail_fixable(body, true);
    }
    c->quiet = true;
    size_t max_rounds = c->funs.n + 16;
    for (size_t round = 0; round < max_rounds; round++) {
        c->changed = false;
        for (size_t i = 0; i < c->funs.n; i++) check_body(c, &c->funs.v[i]);
        if (!c->changed) break;
    }
    c->quiet = false;
    for (size_t i = 0; i < c->funs.n; i++) {
        FunInfo *fi = &c->funs.v[i];
        if (!fi->ret_known) {
            fi->ret = c->one;
            fi->ret_known = fi->inferred = true;
        }
    }
}

void add_hint(Ctx *c, Diag *d, FunInfo *fun, Shape *want)
{
    if (!d || c->o->compat || !want || !fun) return;
    Hint h = {(size_t)(d - c->dl->v.v), fun, want};
    vec_push(&c->hints, h);
}

/* What compat would infer for fi's return shape. */
static Shape *would_infer(Ctx *c, FunInfo *fi, int depth)
{
    if (fi->fn->ret_written) return fi->ret;
    if (fi->hint_ret) return fi->hint_ret;
    if (fi->hint_tail && depth < 64) return would_infer(c, fi->hint_tail, depth + 1);
    return c->one;
}

void resolve_hints(Ctx *c)
{
    for (size_t i = 0; i < c->hints.n; i++) {
        Hint *h = &c->hints.v[i];
        Shape *s = would_infer(c, h->fun, 0);
        if (!s || !shape_eq(s, h->want) || h->diag >= c->dl->v.n) continue;
        Diag *d = &c->dl->v.v[h->diag];
        size_t n = strlen(d->msg);
        char *m = xmalloc(n + sizeof COMPAT_SUFFIX);
        memcpy(m, d->msg, n);
        memcpy(m + n, COMPAT_SUFFIX, sizeof COMPAT_SUFFIX);
        free(d->msg);
        d->msg = m;
    }
}
