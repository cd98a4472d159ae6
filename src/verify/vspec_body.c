/*
 * Statement annotations in Pancake function bodies (verifier.md §1.4).
 *
 * Each function body is walked with Pancake's block scopes, exactly as the
 * checker numbers slots (check.h): parameters first, then one slot per
 * `var` (S_DEC, S_DECCALL), whose scope is the rest of its block. An
 * annotation sees the variables in scope at its position, with their
 * slots, plus the globals.
 *
 * Placement (errors instead of pancake2viper's silent drops, §2.15 #5):
 *  - requires, ensures, trusted: in the body's top-level sequence or a
 *    nested { } block of it (not inside if, while or a catch handler); they
 *    are hoisted to the function. They may name parameters (and globals)
 *    only: a requires/ensures mentions a parameter's value at entry
 *    (pancake2viper's argument copy semantics, §2.6), so locals declared
 *    before the clause are not visible to it.
 *  - invariant: in the top-level sequence of a while body or a nested { }
 *    block of it; hoisted to that loop. It sees the variables in scope at
 *    the `while` (not the body's own locals: the invariant must hold at
 *    loop entry, where they do not exist). An invariant in an if branch of
 *    the loop, or outside any loop, is an error.
 *  - assert, assume, refute, inhale, exhale, fold, unfold, use: anywhere in
 *    a body; kept at their statement (VAnnotStmt). old(e) is the function's
 *    entry state.
 */
#include "vspec_int.h"

#include <string.h>

typedef struct Walk {
    VSCtx *c;
    const FunDecl *fun;
    VFunSpec *fs;
    PVarVec vars;          /* globals, parameters, then locals in scope */
    uint32_t nparams_vis;  /* globals + parameters */
    bool top;              /* requires/ensures/trusted may appear here */
    bool loop_top;         /* an invariant may appear here */
    bool in_loop;
    uint32_t loop_nvars;   /* variables visible at the current while */
    VExprVec *invs;        /* the current loop's invariants */
    VExprVec req, ens;
} Walk;

VTextPos vannot_pos(VSCtx *c, Span sp)
{
    size_t len = 0;
    const char *line = srcmgr_line(c->s->srcmgr, sp.file, sp.line, &len);
    uint32_t skip = 2;
    if (line && sp.col + 1 < len && !memcmp(line + sp.col - 1, "/*@", 3)) skip = 3;
    return (VTextPos){sp.file, sp.line, sp.col + skip};
}

static void env_for(Walk *w, VEnv *env, uint32_t nvars, const char *what)
{
    memset(env, 0, sizeof *env);
    env->origin = VO_PANCAKE;
    env->fun = w->fun;
    env->pvars = w->vars.v;
    env->npvars = nvars;
    env->locals = &w->fs->locals;
    env->what = what;
    w->c->env = env;
    w->c->bound.n = 0;
}

static const char *kw_name(PStmtKind k)
{
    switch ((int)k) {
    case PS_REQUIRES: return "requires";
    case PS_ENSURES: return "ensures";
    case PS_INVARIANT: return "invariant";
    case PS_TRUSTED: return "trusted";
    case PS_BITVECTOR: return "bitvector";
    default: return "this annotation";
    }
}

/* use NAME: the shared region NAME, or (no region of that name) a region
 * without addresses whose load_/store_ methods are looked up by name. */
static const VShared *use_target(VSCtx *c, PStmt *ps)
{
    for (size_t i = 0; i < c->s->shared.n; i++)
        if (c->s->shared.v[i]->name == ps->name) return c->s->shared.v[i];
    char buf[256];
    snprintf(buf, sizeof buf, "load_%s", ps->name);
    const VMethod *ld = vfind_method(c->s, intern_cstr(c->in, buf));
    snprintf(buf, sizeof buf, "store_%s", ps->name);
    const VMethod *st = vfind_method(c->s, intern_cstr(c->in, buf));
    if (!ld && !st) {
        verr(c, "name", &ps->name_span, "use %s: no shared region %s and no method load_%s or "
                                        "store_%s", ps->name, ps->name, ps->name, ps->name);
        return NULL;
    }
    VShared *r = arena_alloc(c->a, sizeof *r);
    r->name = ps->name;
    r->span = ps->name_span;
    r->read = ld != NULL;
    r->write = st != NULL;
    r->load = ld;
    r->store = st;
    return r;
}

static void stmt_annot(Walk *w, const Stmt *st, PStmt *ps)
{
    VSCtx *c = w->c;
    VEnv env;
    env_for(w, &env, (uint32_t)w->vars.n, "this annotation");
    env.allow_old = true;
    VAnnotStmt a = {.at = st};
    a.stmt.span = ps->span;
    switch ((int)ps->kind) {
    case PS_ASSERT: a.stmt.kind = VS_ASSERT; break;
    case PS_ASSUME: a.stmt.kind = VS_ASSUME; break;
    case PS_REFUTE: a.stmt.kind = VS_REFUTE; break;
    case PS_INHALE: a.stmt.kind = VS_INHALE; break;
    case PS_EXHALE: a.stmt.kind = VS_EXHALE; break;
    case PS_FOLD: a.stmt.kind = VS_FOLD; break;
    case PS_UNFOLD: a.stmt.kind = VS_UNFOLD; break;
    case PS_USE:
        a.stmt.kind = VS_USE;
        if (!(a.stmt.use = use_target(c, ps))) return;
        vec_push(&c->s->annots, a);
        return;
    default: return;
    }
    if (a.stmt.kind == VS_FOLD || a.stmt.kind == VS_UNFOLD) a.stmt.e = vtype_foldarg(c, ps->e);
    else a.stmt.e = vtype_assertion(c, ps->e);
    if (a.stmt.e) vec_push(&c->s->annots, a);
}

static void annot(Walk *w, const Stmt *st)
{
    VSCtx *c = w->c;
    PDecl *d = vparse_annot(c, st->u.annot.text, vannot_pos(c, st->span), false);
    if (!d) return;
    if (d->kind != PD_STMT) {
        verr(c, "placement", &d->span, "declarations (predicate, function, method, model, extern, "
                                       "ffi, shared) belong outside functions");
        return;
    }
    PStmt *ps = d->stmt;
    VEnv env;
    switch ((int)ps->kind) {
    case PS_REQUIRES:
    case PS_ENSURES:
    case PS_TRUSTED:
    case PS_BITVECTOR:
        if (!w->top) {
            verr(c, "placement", &ps->span, "%s must be at the top level of the function body "
                                            "(not inside if, while or a catch handler)",
                 kw_name(ps->kind));
            return;
        }
        if (ps->kind == PS_TRUSTED) {
            if (!w->fs->trusted) w->fs->trusted_span = ps->span;
            w->fs->trusted = true;
            return;
        }
        if (ps->kind == PS_BITVECTOR) { /* docs/verifier.md "Bit-vector mode" */
            w->fs->bitvector = true;
            return;
        }
        env_for(w, &env, w->nparams_vis, ps->kind == PS_REQUIRES ? "a requires clause (it sees "
                                          "the parameters and globals only)" : "an ensures clause "
                                          "(it sees the parameters, globals and retval only)");
        env.allow_retval = env.allow_old = ps->kind == PS_ENSURES;
        {
            VExpr *e = vtype_assertion(c, ps->e);
            if (e) vec_push(ps->kind == PS_REQUIRES ? &w->req : &w->ens, e);
        }
        return;
    case PS_INVARIANT:
        if (!w->in_loop || !w->loop_top) {
            verr(c, "placement", &ps->span, "%s", w->in_loop
                 ? "an invariant must be at the top level of its while body (not inside an if or "
                   "a catch handler)"
                 : "an invariant outside any while loop");
            return;
        }
        env_for(w, &env, w->loop_nvars, "a loop invariant (it sees the variables in scope at "
                                        "the while)");
        env.allow_old = true;
        {
            VExpr *e = vtype_assertion(c, ps->e);
            if (e) vec_push(w->invs, e);
        }
        return;
    default:
        stmt_annot(w, st, ps);
        return;
    }
}

static void walk_block(Walk *w, const Block *b, bool top, bool loop_top);

static void walk_loop(Walk *w, const Stmt *s)
{
    VSCtx *c = w->c;
    VExprVec invs = {0};
    Walk save = *w;
    w->in_loop = true;
    w->loop_nvars = (uint32_t)w->vars.n;
    w->invs = &invs;
    walk_block(w, &s->u.while_.body, false, true);
    w->in_loop = save.in_loop;
    w->loop_nvars = save.loop_nvars;
    w->invs = save.invs;
    VLoopSpec ls = {.loop = s};
    ls.invariants.v = arena_memdup(c->a, invs.v, invs.n * sizeof *invs.v);
    ls.invariants.n = (uint32_t)invs.n;
    vec_push(&c->s->loops, ls);
    vec_free(&invs);
}

static void push_var(Walk *w, const VarRef *v, const Shape *sh)
{
    vec_push(&w->vars, ((PVar){v->name, v->slot, false, sh}));
}

static void walk_block(Walk *w, const Block *b, bool top, bool loop_top)
{
    size_t mark = w->vars.n;
    for (uint32_t i = 0; i < b->n; i++) {
        const Stmt *s = b->v[i];
        switch (s->kind) {
        case S_DEC: push_var(w, &s->u.dec.var, s->u.dec.shape); break;
        case S_DECCALL: push_var(w, &s->u.deccall.var, s->u.deccall.shape); break;
        case S_ANNOT:
            w->top = top;
            w->loop_top = loop_top;
            annot(w, s);
            break;
        case S_IF:
            walk_block(w, &s->u.if_.then, false, false);
            walk_block(w, &s->u.if_.els, false, false);
            break;
        case S_WHILE: walk_loop(w, s); break;
        case S_BLOCK: walk_block(w, &s->u.block, top, loop_top); break;
        case S_TRY: walk_block(w, &s->u.try_.handler, false, false); break;
        case S_SKIP: case S_ASSIGN: case S_CALL: case S_STORE: case S_SHLOAD: case S_SHSTORE:
        case S_BREAK: case S_CONTINUE: case S_TICK: case S_FFI: case S_THROW: case S_RETURN:
            break;
        }
    }
    w->vars.n = mark;
}

static VExprList to_list(VSCtx *c, const VExprVec *v)
{
    VExprList l = {arena_memdup(c->a, v->v, v->n * sizeof *v->v), (uint32_t)v->n};
    return l;
}

void vbodies_build(VSCtx *c)
{
    const Program *p = c->s->prog;
    uint32_t nfuns = 0;
    for (size_t i = 0; i < p->decls.n; i++)
        if (p->decls.v[i]->kind == D_FUN) nfuns++;
    c->s->funs = arena_alloc(c->a, (nfuns + 1) * sizeof *c->s->funs);
    c->s->nfuns = nfuns;
    Walk w = {.c = c};
    for (size_t i = 0; i < p->decls.n; i++) {
        const Decl *d = p->decls.v[i];
        if (d->kind != D_FUN) continue;
        const FunDecl *f = &d->u.fun;
        if (f->index >= nfuns) continue;
        VFunSpec *fs = &c->s->funs[f->index];
        fs->fun = f;
        w.fun = f;
        w.fs = fs;
        w.vars.n = 0;
        w.req.n = w.ens.n = 0;
        for (size_t g = 0; g < c->globals.n; g++) vec_push(&w.vars, c->globals.v[g]);
        for (uint32_t k = 0; k < f->nparams; k++)
            vec_push(&w.vars, ((PVar){f->params[k].name, k, false, f->params[k].shape}));
        w.nparams_vis = (uint32_t)w.vars.n;
        walk_block(&w, &f->body, true, false);
        fs->requires = to_list(c, &w.req);
        fs->ensures = to_list(c, &w.ens);
    }
    vec_free(&w.vars);
    vec_free(&w.req);
    vec_free(&w.ens);
    c->env = NULL;
    c->bound.n = 0;
}
