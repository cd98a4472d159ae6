/*
 * Declarations of the specification: model-file members and the
 * annotation language's top-level forms (verifier.md §1.5, §7.1 item 3).
 *
 * Two passes so declarations may refer to each other in any order:
 *   1. signatures: domains (types), fields, model fields, predicates,
 *      functions (incl. domain functions), methods; one namespace for
 *      predicates, functions and methods (Viper's), duplicates are errors;
 *   2. bodies and contracts, domain axioms, model method statements, then
 *      the forms that refer to declarations: extern, model predicate, ffi,
 *      shared (addresses folded, load_/store_ methods resolved, colliding
 *      regions rejected: §2.15 #15, #16).
 * Last, predicates and functions on a cycle of the body call graph are
 * marked recursive.
 *
 * Implicit parameters: a declaration written in a Pancake annotation gets
 * the default parameters (heap, then one Ref per model field) implicitly,
 * as in pancake2viper; they are not materialised as locals (vgen adds
 * them). A model-file declaration lists them explicitly; a Pancake
 * annotation may call it without them, and vspec then prepends VX_HEAP and
 * the VX_MFIELDs to the call's arguments.
 */
#include "vspec_int.h"

#include <inttypes.h>
#include <string.h>

VPred *vfind_pred(const VSpec *s, Sym name)
{
    for (size_t i = 0; i < s->preds.n; i++)
        if (s->preds.v[i]->name == name) return s->preds.v[i];
    return NULL;
}

VFunc *vfind_func(const VSpec *s, Sym name)
{
    for (size_t i = 0; i < s->funcs.n; i++)
        if (s->funcs.v[i]->name == name) return s->funcs.v[i];
    for (size_t i = 0; i < s->domains.n; i++)
        for (uint32_t j = 0; j < s->domains.v[i]->nfuncs; j++)
            if (s->domains.v[i]->funcs[j]->name == name) return s->domains.v[i]->funcs[j];
    return NULL;
}

VMethod *vfind_method(const VSpec *s, Sym name)
{
    for (size_t i = 0; i < s->methods.n; i++)
        if (s->methods.v[i]->name == name) return s->methods.v[i];
    return NULL;
}

VField *vfind_field(const VSpec *s, Sym name)
{
    for (size_t i = 0; i < s->fields.n; i++)
        if (s->fields.v[i]->name == name) return s->fields.v[i];
    return NULL;
}

int32_t vfind_mfield(const VSpec *s, Sym name)
{
    for (size_t i = 0; i < s->model_fields.n; i++)
        if (s->model_fields.v[i] == name) return (int32_t)i;
    return -1;
}

/* Span of an existing member with this name, or NULL. */
static const Span *member_span(VSCtx *c, Sym name)
{
    VPred *p = vfind_pred(c->s, name);
    if (p) return &p->span;
    VFunc *f = vfind_func(c->s, name);
    if (f) return &f->span;
    VMethod *m = vfind_method(c->s, name);
    return m ? &m->span : NULL;
}

static bool check_fresh(VSCtx *c, Sym name, const Span *at)
{
    const Span *prev = member_span(c, name);
    if (!prev) return true;
    Diag *d = verr(c, "name", at, "%s is already declared", name);
    diag_note(d, prev, "%s is declared here", name);
    return false;
}

/* ---- pass 1: signatures ------------------------------------------------------- */

static const VType *param_type(VSCtx *c, const PDeclVar *v)
{
    const VType *t = vtype_of(c, v->type);
    return t ? t : c->t_int; /* error reported; keep going */
}

static void add_params(VSCtx *c, VLocals *l, PDeclVars ps)
{
    for (uint32_t i = 0; i < ps.n; i++) {
        for (uint32_t j = 0; j < l->n; j++)
            if (l->v[j].name == ps.v[i].name) {
                Diag *d = verr(c, "name", &ps.v[i].span, "parameter %s is declared twice", ps.v[i].name);
                diag_note(d, &l->v[j].span, "first declared here");
            }
        vlocal_add(c, l, ps.v[i].name, param_type(c, &ps.v[i]), ps.v[i].span);
    }
}

static VFunc *declare_func(VSCtx *c, PDecl *d, bool domain)
{
    VFunc *f = arena_alloc(c->a, sizeof *f);
    f->name = d->name;
    f->span = d->name_span;
    f->origin = d->origin;
    f->is_domain = domain;
    add_params(c, &f->locals, d->params);
    f->nparams = f->locals.n;
    f->ret = vtype_of(c, d->type);
    if (!f->ret) f->ret = c->t_int;
    return f;
}

static void declare(VSCtx *c, PDecl *d, void **obj)
{
    switch (d->kind) {
    case PD_PRED: {
        if (!check_fresh(c, d->name, &d->name_span)) return;
        VPred *p = arena_alloc(c->a, sizeof *p);
        p->name = d->name;
        p->span = d->name_span;
        p->origin = d->origin;
        add_params(c, &p->locals, d->params);
        p->nparams = p->locals.n;
        vec_push(&c->s->preds, p);
        *obj = p;
        return;
    }
    case PD_FUNC: {
        if (!check_fresh(c, d->name, &d->name_span)) return;
        VFunc *f = declare_func(c, d, false);
        vec_push(&c->s->funcs, f);
        *obj = f;
        return;
    }
    case PD_METHOD: {
        if (!check_fresh(c, d->name, &d->name_span)) return;
        VMethod *m = arena_alloc(c->a, sizeof *m);
        m->name = d->name;
        m->span = d->name_span;
        m->origin = d->origin;
        add_params(c, &m->locals, d->params);
        m->nparams = m->locals.n;
        add_params(c, &m->locals, d->rets);
        m->nrets = m->locals.n - m->nparams;
        m->has_body = d->has_body;
        m->body_end = d->has_body ? d->mbody.end : d->name_span;
        vec_push(&c->s->methods, m);
        *obj = m;
        return;
    }
    case PD_DOMAIN: {
        VDomain *dm = NULL;
        for (size_t i = 0; i < c->s->domains.n; i++)
            if (c->s->domains.v[i]->name == d->name) dm = c->s->domains.v[i];
        dm->funcs = arena_alloc(c->a, (d->nfuncs + 1) * sizeof *dm->funcs);
        for (uint32_t i = 0; i < d->nfuncs; i++) {
            if (!check_fresh(c, d->funcs[i]->name, &d->funcs[i]->name_span)) continue;
            dm->funcs[dm->nfuncs++] = declare_func(c, d->funcs[i], true);
        }
        *obj = dm;
        return;
    }
    case PD_FIELD:
    case PD_EXTERN_FIELD: {
        const VType *t = vtype_of(c, d->type);
        if (!t) return;
        VField *f = vfind_field(c->s, d->name);
        if (f) {
            if (d->kind == PD_FIELD || !vtype_eq(f->type, t)) {
                Diag *e = verr(c, "name", &d->name_span,
                               d->kind == PD_FIELD ? "field %s is already declared"
                                                   : "extern field %s does not have the type of "
                                                     "the model's field", d->name);
                diag_note(e, &f->span, "%s is declared here", d->name);
            }
            return;
        }
        f = arena_alloc(c->a, sizeof *f);
        f->name = d->name;
        f->type = t;
        f->span = d->name_span;
        vec_push(&c->s->fields, f);
        return;
    }
    case PD_MODEL_FIELD:
        if (vfind_mfield(c->s, d->name) >= 0) {
            verr(c, "name", &d->name_span, "model field %s is already declared", d->name);
            return;
        }
        vec_push(&c->s->model_fields, d->name);
        return;
    case PD_MODEL_PRED: case PD_EXTERN_PRED: case PD_EXTERN_FUNC: case PD_FFI: case PD_SHARED:
    case PD_STMT:
        return;
    }
}

/* ---- pass 2: bodies ------------------------------------------------------------- */

/* Environment of a declaration: its parameters visible by name. */
static void decl_env(VSCtx *c, VEnv *env, VOrigin origin, VLocals *locals, uint32_t nvis,
                     const char *what)
{
    memset(env, 0, sizeof *env);
    env->origin = origin;
    env->locals = locals;
    env->what = what;
    if (origin == VO_PANCAKE) {
        env->pvars = c->globals.v;
        env->npvars = (uint32_t)c->globals.n;
    }
    c->env = env;
    c->bound.n = 0;
    for (uint32_t i = 0; i < nvis; i++) vec_push(&c->bound, ((Bound){locals->v[i].name, i}));
}

static VExprList clauses(VSCtx *c, PList l, bool assertion)
{
    VExprList r = {arena_alloc(c->a, (l.n + 1) * sizeof(VExpr *)), l.n};
    for (uint32_t i = 0; i < l.n; i++)
        r.v[i] = assertion ? vtype_assertion(c, l.v[i]) : vtype_pure(c, l.v[i], c->t_bool);
    return r;
}

static void stmts(VSCtx *c, VMethod *m, const PBlock *pb, VBlock *out);

static VStmt *stmt_new(VSCtx *c, VStmtKind k, Span sp)
{
    VStmt *s = arena_alloc(c->a, sizeof *s);
    s->kind = k;
    s->span = sp;
    return s;
}

static bool local_target(VSCtx *c, VMethod *m, PNode *n, uint32_t *out)
{
    if (n->kind != P_IDENT) return false;
    for (size_t i = c->bound.n; i-- > 0;)
        if (c->bound.v[i].name == n->name) {
            uint32_t idx = c->bound.v[i].index;
            if (idx < m->nparams) {
                verr(c, "type", &n->span, "parameter %s cannot be assigned", n->name);
                return false;
            }
            *out = idx;
            return true;
        }
    verr(c, "name", &n->span, "unknown variable %s", n->name);
    return false;
}

static VStmt *call_stmt(VSCtx *c, VMethod *m, PStmt *ps, Sym name, Span nsp, PList args, PList lhs)
{
    VMethod *callee = vfind_method(c->s, name);
    if (!callee) {
        verr(c, "name", &nsp, "unknown method %s", name);
        return NULL;
    }
    if (callee->origin == VO_PANCAKE) {
        verr(c, "name", &nsp, "%s is declared in a Pancake annotation: model files only see model "
                              "declarations", name);
        return NULL;
    }
    VStmt *s = stmt_new(c, VS_CALL, ps->span);
    s->method = callee;
    if (args.n != callee->nparams) {
        verr(c, "type", &nsp, "method %s takes %u argument(s), %u given", name, callee->nparams, args.n);
        return NULL;
    }
    if (lhs.n != callee->nrets) {
        verr(c, "type", &nsp, "method %s returns %u value(s), %u target(s) given", name,
             callee->nrets, lhs.n);
        return NULL;
    }
    s->args.v = arena_alloc(c->a, (args.n + 1) * sizeof(VExpr *));
    s->args.n = args.n;
    for (uint32_t i = 0; i < args.n; i++)
        if (!(s->args.v[i] = vtype_pure(c, args.v[i], callee->locals.v[i].type))) return NULL;
    s->targets = arena_alloc(c->a, (lhs.n + 1) * sizeof *s->targets);
    s->ntargets = lhs.n;
    for (uint32_t i = 0; i < lhs.n; i++) {
        if (!local_target(c, m, lhs.v[i], &s->targets[i])) return NULL;
        if (!vtype_eq(m->locals.v[s->targets[i]].type, callee->locals.v[callee->nparams + i].type)) {
            verr(c, "type", &lhs.v[i]->span, "target %s does not have the type of the result",
                 m->locals.v[s->targets[i]].name);
            return NULL;
        }
    }
    return s;
}

static VStmt *assign_stmt(VSCtx *c, VMethod *m, PStmt *ps)
{
    PNode *rhs = ps->e;
    if (rhs->kind == P_CALL && vfind_method(c->s, rhs->name))
        return call_stmt(c, m, ps, rhs->name, rhs->span, rhs->args, ps->lhs);
    if (ps->lhs.n != 1) {
        verr(c, "syntax", &ps->span, "several targets need a method call on the right");
        return NULL;
    }
    PNode *l = ps->lhs.v[0];
    if (l->kind == P_IDENT) {
        VStmt *s = stmt_new(c, VS_ASSIGN, ps->span);
        if (!local_target(c, m, l, &s->local)) return NULL;
        s->e = vtype_pure(c, rhs, m->locals.v[s->local].type);
        return s->e ? s : NULL;
    }
    VExpr *lhs = vtype_pure(c, l, NULL);
    if (!lhs) return NULL;
    if (lhs->kind != VX_FIELD &&
        !(lhs->kind == VX_INDEX && lhs->u.idx.base->type->kind == VT_IARRAY)) {
        verr(c, "type", &l->span, "cannot assign to this expression (a variable, x.f or a[i] on "
                                  "an IArray)");
        return NULL;
    }
    VStmt *s = stmt_new(c, VS_FIELDASSIGN, ps->span);
    s->lhs = lhs;
    s->e = vtype_pure(c, rhs, lhs->type);
    return s->e ? s : NULL;
}

static VStmt *stmt(VSCtx *c, VMethod *m, PStmt *ps)
{
    switch (ps->kind) {
    case PS_ASSERT: case PS_ASSUME: case PS_REFUTE: case PS_INHALE: case PS_EXHALE: {
        static const VStmtKind k[] = {[PS_ASSERT] = VS_ASSERT, [PS_ASSUME] = VS_ASSUME,
                                      [PS_REFUTE] = VS_REFUTE, [PS_INHALE] = VS_INHALE,
                                      [PS_EXHALE] = VS_EXHALE};
        VStmt *s = stmt_new(c, k[ps->kind], ps->span);
        s->e = vtype_assertion(c, ps->e);
        return s->e ? s : NULL;
    }
    case PS_FOLD:
    case PS_UNFOLD: {
        VStmt *s = stmt_new(c, ps->kind == PS_FOLD ? VS_FOLD : VS_UNFOLD, ps->span);
        s->e = vtype_foldarg(c, ps->e);
        return s->e ? s : NULL;
    }
    case PS_VAR: {
        const VType *t = vtype_of(c, ps->type);
        if (!t) return NULL;
        for (size_t i = 0; i < c->bound.n; i++)
            if (c->bound.v[i].name == ps->name) {
                Diag *d = verr(c, "name", &ps->name_span, "%s is already declared", ps->name);
                diag_note(d, &m->locals.v[c->bound.v[i].index].span, "declared here");
                return NULL;
            }
        VStmt *s = stmt_new(c, VS_VARDECL, ps->span);
        if (ps->e && !(s->e = vtype_pure(c, ps->e, t))) return NULL;
        s->local = vlocal_add(c, &m->locals, ps->name, t, ps->name_span);
        vec_push(&c->bound, ((Bound){ps->name, s->local}));
        return s;
    }
    case PS_ASSIGN: return assign_stmt(c, m, ps);
    case PS_CALL: {
        PList none = {0};
        return call_stmt(c, m, ps, ps->name, ps->name_span, ps->args, none);
    }
    case PS_IF:
    case PS_WHILE: {
        VStmt *s = stmt_new(c, ps->kind == PS_IF ? VS_IF : VS_WHILE, ps->span);
        s->e = vtype_pure(c, ps->e, c->t_bool);
        if (ps->kind == PS_WHILE) s->invariants = clauses(c, ps->invs, true);
        stmts(c, m, &ps->then, &s->then);
        stmts(c, m, &ps->els, &s->els);
        return s->e ? s : NULL;
    }
    case PS_LABEL:
    case PS_GOTO: {
        VStmt *s = stmt_new(c, ps->kind == PS_LABEL ? VS_LABEL : VS_GOTO, ps->span);
        s->label = ps->name;
        return s;
    }
    case PS_BLOCK: case PS_REQUIRES: case PS_ENSURES: case PS_INVARIANT: case PS_TRUSTED: case PS_BITVECTOR:
    case PS_USE:
        break;
    }
    verr(c, "syntax", &ps->span, "statement not allowed in a model method");
    return NULL;
}

typedef VEC(VStmt *) VStmtVec;

static void stmts_into(VSCtx *c, VMethod *m, const PBlock *pb, VStmtVec *v)
{
    size_t mark = c->bound.n;
    for (uint32_t i = 0; i < pb->n; i++) {
        if (pb->v[i]->kind == PS_BLOCK) {
            stmts_into(c, m, &pb->v[i]->then, v);
            continue;
        }
        VStmt *s = stmt(c, m, pb->v[i]);
        if (s) vec_push(v, s);
    }
    c->bound.n = mark;
}

/* The blocks enclosing a statement, innermost first: the position in
 * each, and whether the block is a while body. */
typedef struct Encl Encl;
struct Encl {
    const Encl *up;
    const VBlock *b;
    uint32_t at;
    bool loop;
};

/* goto (verifier.md §2.7: break, continue, return): only forward jumps to
 * a label later in an enclosing block, possibly out of while loops (the
 * verifier executes them like breaks); anything else is an error. */
static void check_gotos(VSCtx *c, const VBlock *b, const Encl *up, bool loop_body)
{
    for (uint32_t i = 0; i < b->n; i++) {
        VStmt *s = b->v[i];
        Encl here = {up, b, i, loop_body};
        if (s->kind == VS_IF || s->kind == VS_WHILE) {
            check_gotos(c, &s->then, &here, s->kind == VS_WHILE);
            check_gotos(c, &s->els, &here, false);
        }
        if (s->kind != VS_GOTO) continue;
        bool found = false;
        for (const Encl *e = &here; e && !found; e = e->up) {
            for (uint32_t k = e->at + 1; k < e->b->n && !found; k++)
                found = e->b->v[k]->kind == VS_LABEL && e->b->v[k]->label == s->label;
            if (!found && e->loop) s->loops_out++;
        }
        if (!found)
            verr(c, "syntax", &s->span, "goto %s: only a jump forward to a label later in an enclosing block "
                                         "is supported", s->label);
    }
}

static void stmts(VSCtx *c, VMethod *m, const PBlock *pb, VBlock *out)
{
    VStmtVec v = {0};
    stmts_into(c, m, pb, &v);
    out->v = arena_memdup(c->a, v.v, v.n * sizeof *v.v);
    out->n = (uint32_t)v.n;
    vec_free(&v);
}

static void bodies(VSCtx *c, PDecl *d, void *obj)
{
    VEnv env;
    switch (d->kind) {
    case PD_PRED: {
        VPred *p = obj;
        decl_env(c, &env, d->origin, &p->locals, p->nparams, "a predicate body");
        if (d->has_body) p->body = vtype_assertion(c, d->body);
        return;
    }
    case PD_FUNC: {
        VFunc *f = obj;
        decl_env(c, &env, d->origin, &f->locals, f->nparams, "a function's precondition");
        f->requires = clauses(c, d->requires, true);
        env.what = "a function's postcondition";
        env.allow_result = true;
        env.result = f->ret;
        f->ensures = clauses(c, d->ensures, false);
        env.allow_result = false;
        env.what = "a function body";
        if (d->has_body) f->body = vtype_pure(c, d->body, f->ret);
        return;
    }
    case PD_METHOD: {
        VMethod *m = obj;
        decl_env(c, &env, d->origin, &m->locals, m->nparams, "a method's precondition");
        m->requires = clauses(c, d->requires, true);
        for (uint32_t i = 0; i < m->nrets; i++)
            vec_push(&c->bound, ((Bound){m->locals.v[m->nparams + i].name, m->nparams + i}));
        env.what = "a method's postcondition";
        env.allow_old = true;
        m->ensures = clauses(c, d->ensures, true);
        env.what = "a method body";
        if (d->has_body) {
            stmts(c, m, &d->mbody, &m->body);
            check_gotos(c, &m->body, NULL, false);
        }
        return;
    }
    case PD_DOMAIN: {
        VDomain *dm = obj;
        dm->axioms = arena_alloc(c->a, (d->naxioms + 1) * sizeof *dm->axioms);
        for (uint32_t i = 0; i < d->naxioms; i++) {
            VAxiom *ax = &dm->axioms[dm->naxioms];
            memset(ax, 0, sizeof *ax);
            decl_env(c, &env, VO_MODEL, &ax->locals, 0, "a domain axiom");
            ax->e = vtype_pure(c, d->axioms[i].e, c->t_bool);
            ax->name = d->axioms[i].name;
            ax->span = d->axioms[i].span;
            if (ax->e) dm->naxioms++;
        }
        return;
    }
    case PD_FIELD: case PD_MODEL_PRED: case PD_MODEL_FIELD: case PD_EXTERN_PRED:
    case PD_EXTERN_FIELD: case PD_EXTERN_FUNC: case PD_FFI: case PD_SHARED: case PD_STMT:
        return;
    }
}

/* ---- forms that refer to declarations ---------------------------------------------- */

static void extern_pred(VSCtx *c, PDecl *d)
{
    VPred *p = vfind_pred(c->s, d->name);
    if (!p || p->origin != VO_MODEL)
        verr(c, "name", &d->name_span, "extern predicate %s is not defined in the model files", d->name);
}

static void extern_func(VSCtx *c, PDecl *d)
{
    VFunc *f = vfind_func(c->s, d->name);
    if (!f || f->origin != VO_MODEL) {
        verr(c, "name", &d->name_span, "extern function %s is not defined in the model files", d->name);
        return;
    }
    uint32_t nimpl = f->is_domain ? 0 : 1 + (uint32_t)c->s->model_fields.n;
    uint32_t skip = f->nparams == d->params.n + nimpl ? nimpl : 0;
    bool ok = f->nparams == d->params.n + skip;
    const VType *rt = vtype_of(c, d->type);
    ok &= rt && vtype_eq(rt, f->ret);
    for (uint32_t i = 0; ok && i < d->params.n; i++) {
        const VType *t = vtype_of(c, d->params.v[i].type);
        ok &= t && vtype_eq(t, f->locals.v[skip + i].type);
    }
    if (!ok) {
        Diag *e = verr(c, "type", &d->name_span,
                       "extern function %s does not have the signature of the model's function", d->name);
        diag_note(e, &f->span, "%s is declared here", d->name);
    }
}

static void model_pred(VSCtx *c, PDecl *d)
{
    VPred *p = vfind_pred(c->s, d->name);
    if (!p) {
        verr(c, "name", &d->name_span, "unknown predicate %s", d->name);
        return;
    }
    if (p->is_model) {
        verr(c, "name", &d->name_span, "predicate %s is already a model predicate", d->name);
        return;
    }
    VEnv env;
    VLocals none = {0};
    decl_env(c, &env, VO_PANCAKE, &none, 0, "a model predicate");
    PNode call = {.kind = P_CALL, .span = d->name_span, .name = d->name, .args = d->margs};
    VExpr *e = vtype_assertion(c, &call);
    if (!e) return;
    if (none.n) {
        verr(c, "type", &d->span, "a model predicate's arguments cannot bind variables");
        return;
    }
    p->is_model = true;
    p->margs = e->u.call.args;
    vec_push(&c->s->model_preds, p);
}

/* Explicit parameters of a method called implicitly (shared access, FFI):
 * a model method takes the default parameters first (heap, then one Ref
 * per model field); -1 if its leading parameters do not fit. */
static int32_t explicit_params(VSCtx *c, const VMethod *m)
{
    if (m->origin == VO_PANCAKE) return (int32_t)m->nparams;
    uint32_t nimpl = 1 + (uint32_t)c->s->model_fields.n;
    if (m->nparams < nimpl || m->locals.v[0].type->kind != VT_IARRAY) return -1;
    for (uint32_t i = 1; i < nimpl; i++)
        if (m->locals.v[i].type->kind != VT_REF) return -1;
    return (int32_t)(m->nparams - nimpl);
}

static void ffi_decl(VSCtx *c, PDecl *d)
{
    for (size_t i = 0; i < c->s->ffis.n; i++)
        if (c->s->ffis.v[i]->name == d->name) {
            Diag *e = verr(c, "name", &d->name_span, "ffi %s is already declared", d->name);
            diag_note(e, &c->s->ffis.v[i]->span, "declared here");
            return;
        }
    VMethod *m = vfind_method(c->s, d->name);
    if (!m) {
        verr(c, "name", &d->name_span, "ffi %s: no method %s is declared", d->name, d->name);
        return;
    }
    if (explicit_params(c, m) != 4 || m->nrets != 0) {
        Diag *e = verr(c, "type", &d->name_span,
                       "ffi %s: method %s must take the 4 FFI arguments (after heap and the model "
                       "fields, for a model method) and return nothing", d->name, d->name);
        diag_note(e, &m->span, "%s is declared here", d->name);
        return;
    }
    VFfi *f = arena_alloc(c->a, sizeof *f);
    f->name = d->name;
    f->method = m;
    f->span = d->name_span;
    vec_push(&c->s->ffis, f);
}

/* ---- shared regions ------------------------------------------------------------------ */

static bool fold_addr(VSCtx *c, PNode *n, uint64_t *out)
{
    VExpr *e = vtype_pure(c, n, c->t_int);
    if (!e) return false;
    if (!vconst_eval(c, e, out)) {
        verr(c, "shared-decl", &n->span, "a shared address must be a constant in [0, 2^64) "
                                         "(integers, @base, @biw and arithmetic)");
        return false;
    }
    return true;
}

static const VMethod *shared_method(VSCtx *c, PDecl *d, bool store)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s_%s", store ? "store" : "load", d->name);
    Sym name = intern_cstr(c->in, buf);
    VMethod *m = vfind_method(c->s, name);
    if (!m) {
        verr(c, "shared-decl", &d->name_span, "shared region %s is %s but no method %s is declared",
             d->name, store ? "writable" : "readable", name);
        return NULL;
    }
    int32_t np = explicit_params(c, m);
    if (np != (store ? 2 : 1) || m->nrets != (store ? 0u : 1u)) {
        Diag *e = verr(c, "shared-decl", &d->name_span, "method %s must be %s", name,
                       store ? "store_X([heap, model fields,] address: Int, value: Int)"
                             : "load_X([heap, model fields,] address: Int) returns (value: Int)");
        diag_note(e, &m->span, "%s is declared here", name);
        return NULL;
    }
    return m;
}

static void shared_decl(VSCtx *c, PDecl *d)
{
    VEnv env;
    VLocals none = {0};
    decl_env(c, &env, VO_PANCAKE, &none, 0, "a shared address");
    env.npvars = 0;
    uint64_t lo, hi, stride = d->width;
    if (!fold_addr(c, d->lo, &lo)) return;
    if (d->hi) {
        if (!fold_addr(c, d->hi, &hi)) return;
        if (d->stride && !fold_addr(c, d->stride, &stride)) return;
        if (hi <= lo) {
            verr(c, "shared-decl", &d->lo->span, "empty shared range: 0x%" PRIx64 "..0x%" PRIx64, lo, hi);
            return;
        }
        if (stride == 0) {
            verr(c, "shared-decl", &d->stride->span, "the stride of a shared range must not be 0");
            return;
        }
    } else {
        if (lo == UINT64_MAX) {
            verr(c, "shared-decl", &d->lo->span, "shared address out of range");
            return;
        }
        hi = lo + 1;
        stride = 1;
    }
    VShared *r = arena_alloc(c->a, sizeof *r);
    r->name = d->name;
    r->span = d->name_span;
    r->read = d->rd;
    r->write = d->wr;
    r->width = d->width;
    r->lo = lo;
    r->hi = hi;
    r->stride = stride;
    bool ok = true;
    if (r->read) ok &= (r->load = shared_method(c, d, false)) != NULL;
    if (r->write) ok &= (r->store = shared_method(c, d, true)) != NULL;
    if (ok) vec_push(&c->s->shared, r);
    vec_push(&c->s->shared_decls, r);
}

/* Do the address progressions lo + k*stride < hi of two regions meet?
 * (Chinese remainder; values below 2^64, products in 128 bits.) */
typedef __int128 i128;
typedef unsigned __int128 u128;

static i128 egcd(i128 a, i128 b, i128 *x, i128 *y)
{
    if (b == 0) {
        *x = 1;
        *y = 0;
        return a;
    }
    i128 x1, y1, g = egcd(b, a % b, &x1, &y1);
    *x = y1;
    *y = x1 - (a / b) * y1;
    return g;
}

static bool regions_meet(const VShared *a, const VShared *b, uint64_t *where)
{
    i128 x, y;
    i128 s1 = (i128)a->stride, s2 = (i128)b->stride;
    i128 g = egcd(s1, s2, &x, &y);
    i128 diff = (i128)b->lo - (i128)a->lo;
    if (diff % g != 0) return false;
    i128 m2 = s2 / g;
    /* i * (s1/g) == diff/g (mod m2); x is the inverse of s1/g mod m2 */
    i128 i0 = ((diff / g) % m2 * (x % m2)) % m2;
    if (i0 < 0) i0 += m2;
    u128 x0 = (u128)a->lo + (u128)i0 * (u128)s1;
    u128 L = (u128)(s1 / g) * (u128)s2;
    u128 lo = a->lo > b->lo ? a->lo : b->lo, hi = a->hi < b->hi ? a->hi : b->hi;
    u128 pt = x0;
    if (pt < lo) {
        if (L > ((u128)1 << 64)) return false;
        pt = x0 + (lo - x0 + L - 1) / L * L;
    }
    if (pt >= hi) return false;
    *where = (uint64_t)pt;
    return true;
}

/* §2.15 #15: two regions of the same width and direction that serve the
 * same address through different methods make dispatch ambiguous. */
static void shared_collisions(VSCtx *c)
{
    VSpec *s = c->s;
    for (size_t i = 0; i < s->shared.n; i++)
        for (size_t j = 0; j < i; j++) {
            const VShared *a = s->shared.v[j], *b = s->shared.v[i];
            uint64_t at;
            if (a->name == b->name || a->width != b->width) continue;
            if (!((a->read && b->read) || (a->write && b->write))) continue;
            if (!regions_meet(a, b, &at)) continue;
            Diag *d = verr(c, "shared-decl", &b->span,
                           "shared regions %s and %s overlap (both u%u, both %s): they serve the "
                           "same address 0x%" PRIx64 " through different methods", a->name, b->name,
                           8 * b->width, a->read && b->read ? "readable" : "writable", at);
            diag_note(d, &a->span, "%s is declared here", a->name);
        }
}

/* ---- recursion --------------------------------------------------------------------- */

void vexpr_walk(const VExpr *e, void (*f)(const VExpr *, void *), void *ud)
{
    if (!e) return;
    f(e, ud);
    switch (e->kind) {
    case VX_INT: case VX_BOOL: case VX_PERMLIT: case VX_WILDCARD: case VX_NULL: case VX_PVAR:
    case VX_PGLOBAL: case VX_RETVAL: case VX_RESULT: case VX_HEAP: case VX_LOCAL: case VX_MFIELD:
        return;
    case VX_UNOP: case VX_TOBOOL: case VX_LEN: case VX_OLD:
        vexpr_walk(e->u.un.a, f, ud);
        return;
    case VX_BINOP:
        vexpr_walk(e->u.bin.a, f, ud);
        vexpr_walk(e->u.bin.b, f, ud);
        return;
    case VX_COND:
        vexpr_walk(e->u.tern.c, f, ud);
        vexpr_walk(e->u.tern.a, f, ud);
        vexpr_walk(e->u.tern.b, f, ud);
        return;
    case VX_FIELD: vexpr_walk(e->u.fld.recv, f, ud); return;
    case VX_INDEX:
        vexpr_walk(e->u.idx.base, f, ud);
        vexpr_walk(e->u.idx.index, f, ud);
        return;
    case VX_SEQSLICE: case VX_ACCSLICE:
        vexpr_walk(e->u.slice.base, f, ud);
        vexpr_walk(e->u.slice.lo, f, ud);
        vexpr_walk(e->u.slice.hi, f, ud);
        vexpr_walk(e->u.slice.perm, f, ud);
        return;
    case VX_SEQUPDATE:
        vexpr_walk(e->u.upd.s, f, ud);
        vexpr_walk(e->u.upd.i, f, ud);
        vexpr_walk(e->u.upd.v, f, ud);
        return;
    case VX_SEQLIT: case VX_SETLIT: case VX_STRUCT:
        for (uint32_t i = 0; i < e->u.list.n; i++) vexpr_walk(e->u.list.v[i], f, ud);
        return;
    case VX_SFIELD: vexpr_walk(e->u.sfld.e, f, ud); return;
    case VX_CALL: case VX_PREDCALL:
        for (uint32_t i = 0; i < e->u.call.args.n; i++) vexpr_walk(e->u.call.args.v[i], f, ud);
        return;
    case VX_ACC:
        vexpr_walk(e->u.acc.loc, f, ud);
        vexpr_walk(e->u.acc.perm, f, ud);
        return;
    case VX_PERM: vexpr_walk(e->u.permof.loc, f, ud); return;
    case VX_UNFOLDING:
        vexpr_walk(e->u.unf.pred, f, ud);
        vexpr_walk(e->u.unf.perm, f, ud);
        vexpr_walk(e->u.unf.body, f, ud);
        return;
    case VX_LET:
        vexpr_walk(e->u.let.e, f, ud);
        vexpr_walk(e->u.let.body, f, ud);
        return;
    case VX_QUANT:
        for (uint32_t i = 0; i < e->u.quant.ntriggers; i++)
            for (uint32_t j = 0; j < e->u.quant.triggers[i].n; j++)
                vexpr_walk(e->u.quant.triggers[i].v[j], f, ud);
        vexpr_walk(e->u.quant.body, f, ud);
        return;
    }
}

/* Nodes of the body call graph: predicates [0, np), then functions. */
typedef struct Graph {
    VSpec *s;
    size_t np, nf;
    VEC(uint32_t) *out; /* edges per node */
    uint32_t from;
} Graph;

static int32_t node_of(const Graph *g, const void *decl)
{
    for (size_t i = 0; i < g->np; i++)
        if (g->s->preds.v[i] == decl) return (int32_t)i;
    for (size_t i = 0; i < g->nf; i++)
        if (g->s->funcs.v[i] == decl) return (int32_t)(g->np + i);
    return -1; /* a domain function: no body */
}

static void edge(const VExpr *e, void *ud)
{
    Graph *g = ud;
    const void *to = e->kind == VX_PREDCALL ? (const void *)e->u.call.pred
                   : e->kind == VX_CALL ? (const void *)e->u.call.fn : NULL;
    int32_t n = to ? node_of(g, to) : -1;
    if (n >= 0) vec_push(&g->out[g->from], (uint32_t)n);
}

static void mark_recursive(VSCtx *c)
{
    Graph g = {c->s, c->s->preds.n, c->s->funcs.n, NULL, 0};
    size_t n = g.np + g.nf;
    if (!n) return;
    g.out = xcalloc(n, sizeof *g.out);
    for (size_t i = 0; i < n; i++) {
        g.from = (uint32_t)i;
        vexpr_walk(i < g.np ? c->s->preds.v[i]->body : c->s->funcs.v[i - g.np]->body, edge, &g);
    }
    size_t nedges = 0;
    for (size_t i = 0; i < n; i++) nedges += g.out[i].n;
    uint8_t *seen = xmalloc(n);
    uint32_t *stack = xmalloc((nedges + 1) * sizeof *stack);
    for (size_t root = 0; root < n; root++) {
        /* depth-first from root's callees: is root reachable again? Each
         * node is expanded once, so the stack holds at most every edge. */
        memset(seen, 0, n);
        size_t sp = 0;
        bool rec = false;
        for (size_t k = 0; k < g.out[root].n; k++) stack[sp++] = g.out[root].v[k];
        while (sp && !rec) {
            uint32_t v = stack[--sp];
            if (v == root) rec = true;
            if (seen[v]) continue;
            seen[v] = 1;
            for (size_t k = 0; k < g.out[v].n; k++) stack[sp++] = g.out[v].v[k];
        }
        if (root < g.np) c->s->preds.v[root]->recursive = rec;
        else c->s->funcs.v[root - g.np]->recursive = rec;
    }
    for (size_t i = 0; i < n; i++) vec_free(&g.out[i]);
    free(g.out);
    free(seen);
    free(stack);
}

/* ---- driver ------------------------------------------------------------------------ */

void vdecls_build(VSCtx *c)
{
    size_t nd = c->pdecls.n;
    void **obj = xcalloc(nd + 1, sizeof *obj);
    /* domain names first: they are types */
    for (size_t i = 0; i < nd; i++) {
        PDecl *d = c->pdecls.v[i];
        if (d->kind != PD_DOMAIN) continue;
        for (size_t j = 0; j < c->s->domains.n; j++)
            if (c->s->domains.v[j]->name == d->name) {
                Diag *e = verr(c, "name", &d->name_span, "domain %s is already declared", d->name);
                diag_note(e, &c->s->domains.v[j]->span, "declared here");
                d->kind = PD_STMT; /* ignored from now on */
            }
        if (d->kind != PD_DOMAIN) continue;
        VDomain *dm = arena_alloc(c->a, sizeof *dm);
        dm->name = d->name;
        dm->span = d->name_span;
        vec_push(&c->s->domains, dm);
    }
    /* model fields before any signature (they add implicit parameters) */
    for (size_t i = 0; i < nd; i++)
        if (c->pdecls.v[i]->kind == PD_MODEL_FIELD) declare(c, c->pdecls.v[i], &obj[i]);
    for (size_t i = 0; i < nd; i++)
        if (c->pdecls.v[i]->kind != PD_MODEL_FIELD) declare(c, c->pdecls.v[i], &obj[i]);
    for (size_t i = 0; i < nd; i++)
        if (obj[i]) bodies(c, c->pdecls.v[i], obj[i]);
    for (size_t i = 0; i < nd; i++) {
        PDecl *d = c->pdecls.v[i];
        switch (d->kind) {
        case PD_EXTERN_PRED: extern_pred(c, d); break;
        case PD_EXTERN_FUNC: extern_func(c, d); break;
        case PD_MODEL_PRED: model_pred(c, d); break;
        case PD_FFI: ffi_decl(c, d); break;
        case PD_SHARED: shared_decl(c, d); break;
        case PD_PRED: case PD_FUNC: case PD_METHOD: case PD_FIELD: case PD_DOMAIN:
        case PD_MODEL_FIELD: case PD_EXTERN_FIELD: case PD_STMT:
            break;
        }
    }
    shared_collisions(c);
    mark_recursive(c);
    free(obj);
    c->bound.n = 0;
    c->env = NULL;
}
