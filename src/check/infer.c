/*
 * Return shapes the programmer did not write.
 *
 * compat (§6.1): an un-annotated function's return shape is that of its
 * first return statement whose shape is known, or of the first tail-call
 * (or legacy tail-call) target whose return shape is known. Shapes flow
 * between functions (`var x = f();` takes f's shape, `return g();` takes
 * g's), so the bodies are checked quietly — no diagnostics, no writes to
 * the AST — until nothing new is learnt; mutually recursive functions
 * thus reach a fixpoint. What is still unknown then defaults to 1.
 * Undeclared exceptions thrown on the way are declared with the payload's
 * shape (a last quiet pass after the defaults catches the rest).
 *
 * Rounds are a worklist: every function is checked once, and checked
 * again only when a function whose return shape it used gets one, so a
 * long chain of tail calls costs linear time.
 *
 * strict: the same first-return rule, recorded during the one pass,
 * decides whether an error would go away in compat mode; such errors end
 * with "(accepted with --compat)". Errors that depend on another
 * function's would-be shape are resolved after all bodies (Hint).
 */
#include "check_int.h"

#include <stdlib.h>
#include <string.h>

static void set_inferred(FunInfo *fi, Shape *sh)
{
    fi->ret = sh;
    fi->ret_known = fi->inferred = true;
}

bool note_return(Ctx *c, Shape *got)
{
    FunInfo *fi = c->fi;
    if (c->o->compat) {
        if (!fi->ret_known && got) set_inferred(fi, got);
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
            set_inferred(fi, callee->ret);
        return;
    }
    if (!fi->fn->ret_written && !fi->hint_ret && !fi->hint_tail) fi->hint_tail = callee;
}

void wait_for(Ctx *c, FunInfo *f)
{
    if (!c->o->compat || !c->quiet || !c->fi) return;
    uint32_t me = (uint32_t)(c->fi - c->funs.v);
    if (f->waiters.n && f->waiters.v[f->waiters.n - 1] == me) return;
    vec_push(&f->waiters, me);
}

static void enqueue(Ctx *c, uint32_t i)
{
    if (c->funs.v[i].queued) return;
    c->funs.v[i].queued = true;
    vec_push(&c->queue, i);
}

/* Checks functions until no return shape is learnt any more. */
static void run_worklist(Ctx *c)
{
    for (uint32_t i = (uint32_t)c->funs.n; i-- > 0;) enqueue(c, i); /* popped in order */
    while (c->queue.n) {
        uint32_t i = c->queue.v[--c->queue.n];
        FunInfo *fi = &c->funs.v[i];
        fi->queued = false;
        bool known = fi->ret_known;
        check_body(c, fi);
        if (known || !fi->ret_known) continue;
        for (size_t k = fi->waiters.n; k-- > 0;) enqueue(c, fi->waiters.v[k]);
        fi->waiters.n = 0;
    }
}

void infer_returns(Ctx *c)
{
    for (size_t i = 0; i < c->funs.n; i++) {
        Block *body = &c->funs.v[i].fn->body;
        if (!block_exits(body) && legacy_tail_fixable(body, false))
            legacy_tail_fixable(body, true);
    }
    c->quiet = true;
    run_worklist(c);
    bool defaulted = false;
    for (size_t i = 0; i < c->funs.n; i++) {
        FunInfo *fi = &c->funs.v[i];
        if (!fi->ret_known) {
            fi->ret = c->one;
            fi->ret_known = fi->inferred = defaulted = true;
        }
    }
    for (size_t i = 0; defaulted && i < c->funs.n; i++) check_body(c, &c->funs.v[i]);
    c->quiet = false;
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
