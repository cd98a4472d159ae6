/* Specification expressions and assertions (verifier.md §6, §7.2, §7.3).
 *
 * Pure expressions become terms in an Env; reads are checked for
 * well-definedness (heap and field reads need permission, division a
 * non-zero divisor, sequence indices bounds, function calls their
 * preconditions) under the guard that leads to them.
 *
 * Assertions are walked with a guard and a permission scale:
 * inhale adds amounts (Carbon-style masks, field amounts then bounded by
 * 1), exhale checks and subtracts them (evaluating in the state before the
 * exhale), assert only checks. Non-recursive predicates with a body are
 * inlined with their amounts scaled (equi-recursive reading, §7.3);
 * abstract or recursive predicates are resources with an amount per
 * argument tuple. Quantified permissions are supported for affine
 * receivers heap[i + k] and slices. */
#include "vgen_int.h"

#include <string.h>


/* W_REMOVE: subtract without checks (a folded footprint leaving). */
typedef enum { W_INHALE, W_EXHALE, W_ASSERT, W_REMOVE } WMode;

typedef struct Walk {
    WMode mode;
    Env *ev;          /* evaluation (the state before an exhale) */
    State *mut;       /* the state whose amounts change */
    const Oblig *ob;
    bool view;        /* mut is a view whose masks are the folded footprint */
} Walk;

static bool tracked(const VPred *p) { return p->body && !p->recursive; }
static Z3_ast seq_concat(Gen *g, Z3_ast a, Z3_ast b);
static bool has_res(const VExpr *e);
static void pred_body_walk(Gen *g, Walk *w, const VPred *pr, const VExpr *loc, Z3_ast guard, Z3_ast q,
                           WMode mode, bool view);

/* ---- sorts and tables -------------------------------------------------- */

Z3_sort vsort(Gen *g, const VType *t)
{
    switch (t->kind) {
    case VT_INT: return g->s_int;
    case VT_BOOL: return g->s_bool;
    case VT_PERM: return g->s_real;
    case VT_REF: return g->s_ref;
    case VT_IARRAY: return g->s_iarray;
    case VT_SEQ: return Z3_mk_seq_sort(g->z, vsort(g, t->elem));
    case VT_SET: return Z3_mk_array_sort(g->z, vsort(g, t->elem), g->s_bool);
    case VT_MAP: return Z3_mk_array_sort(g->z, vsort(g, t->elem), vsort(g, t->elem2));
    case VT_SHAPE: return g->s_int;
    case VT_DOMAIN: return Z3_mk_uninterpreted_sort(g->z, Z3_mk_string_symbol(g->z, t->name));
    }
    return g->s_int;
}

uint32_t field_index(Gen *g, const VField *f)
{
    for (size_t i = 0; i < g->spec->fields.n; i++)
        if (g->spec->fields.v[i] == f) return (uint32_t)i;
    return g->nfields - 1;
}

uint32_t pred_index(Gen *g, const VPred *p)
{
    for (size_t i = 0; i < g->spec->preds.n; i++)
        if (g->spec->preds.v[i] == p) return (uint32_t)i;
    die("vgen: predicate %s not in the spec", p->name);
}

uint32_t func_index(Gen *g, const VFunc *f)
{
    for (size_t i = 0; i < g->spec->funcs.n; i++)
        if (g->spec->funcs.v[i] == f) return (uint32_t)i;
    return UINT32_MAX;
}

Env env_at(Gen *g, State *st)
{
    Env e = {0};
    e.st = st;
    e.old = g->entry ? g->entry : st;
    e.guard = Z3_mk_true(g->z);
    e.check_wf = true;
    if (g->fs) {
        e.vl = arena_alloc(&g->ar, (g->fs->locals.n + 1) * sizeof(Val));
        e.nvl = g->fs->locals.n;
        e.locals = &g->fs->locals;
    }
    if (g->meth && st->vl) {
        e.vl = st->vl;
        e.nvl = g->meth->locals.n;
        e.locals = &g->meth->locals;
    }
    return e;
}

/* ---- well-definedness ------------------------------------------------- */

static void wf(Gen *g, Env *env, Z3_ast cond, Span at, const char *msg)
{
    if (!env->check_wf) return;
    Z3_ast phi = mk_implies(g, env->guard, cond);
    if (env->nbound)
        phi = Z3_mk_forall_const(g->z, 0, env->nbound, env->bound, 0, NULL, phi);
    Oblig ob = {"verify.wellformed", at, msg, NULL, NULL};
    smt_check(g, env->st, phi, &ob);
}

static Z3_ast one(Gen *g, Env *env, const VExpr *e)
{
    Val v = sexpr(g, env, e);
    if (v.n && !v.w[0]) {
        vg_error(g, e->span, "internal: the solver rejected the encoding of this expression (%s)",
                 Z3_get_error_msg(g->z, Z3_get_error_code(g->z)));
        return e->type && e->type->kind == VT_BOOL ? Z3_mk_true(g->z) : g->zero;
    }
    return v.n ? v.w[0] : g->zero;
}

Z3_ast sbool(Gen *g, Env *env, const VExpr *e)
{
    Z3_ast t = one(g, env, e);
    if (Z3_get_sort_kind(g->z, Z3_get_sort(g->z, t)) != Z3_BOOL_SORT)
        return mk_not(g, mk_eq(g, t, g->zero));
    return t;
}

/* Evaluates e with the guard strengthened by c. */
static Val under(Gen *g, Env *env, Z3_ast c, const VExpr *e)
{
    Z3_ast save = env->guard;
    env->guard = mk_and2(g, save, c);
    Val v = sexpr(g, env, e);
    env->guard = save;
    return v;
}

static Z3_ast as_real(Gen *g, Z3_ast t)
{
    if (Z3_get_sort_kind(g->z, Z3_get_sort(g->z, t)) == Z3_INT_SORT) return Z3_mk_int2real(g->z, t);
    return t;
}

static bool is_real(Gen *g, Z3_ast t) { return Z3_get_sort_kind(g->z, Z3_get_sort(g->z, t)) == Z3_REAL_SORT; }

/* ---- locations --------------------------------------------------------- */

typedef enum { LOC_HEAP, LOC_FIELD, LOC_PRED } LocKind;
typedef struct Loc {
    LocKind kind;
    uint32_t idx;    /* field or predicate index */
    Z3_ast key;      /* heap word index, Ref, or predicate key (NULL: no arguments) */
} Loc;

static Z3_ast *mask_of(Gen *g, State *st, const Loc *l)
{
    (void)g;
    switch (l->kind) {
    case LOC_HEAP: return &st->M;
    case LOC_FIELD: return &st->fm[l->idx];
    case LOC_PRED: return &st->pm[l->idx];
    }
    return NULL;
}

static Z3_ast amount(Gen *g, State *st, const Loc *l)
{
    Z3_ast m = *mask_of(g, st, l);
    return l->key ? Z3_mk_select(g->z, m, l->key) : m;
}

static void set_amount(Gen *g, State *st, const Loc *l, Z3_ast v)
{
    Z3_ast *m = mask_of(g, st, l);
    *m = l->key ? Z3_mk_store(g->z, *m, l->key, v) : v;
}

static Z3_ast slot_of(Gen *g, Z3_ast a, Z3_ast i)
{
    Z3_ast args[2] = {a, i};
    return Z3_mk_app(g->z, g->f_slot, 2, args);
}

static bool is_pheap(Gen *g, Z3_ast a) { return Z3_is_eq_ast(g->z, a, g->pheap); }

/* Key of an abstract predicate instance: no key, the one argument, or a
 * tuple of the arguments. */
static Z3_ast pred_key(Gen *g, uint32_t p, const Val *args, uint32_t nargs)
{
    Z3_ast flat[32];
    uint32_t n = 0;
    for (uint32_t i = 0; i < nargs; i++)
        for (uint32_t j = 0; j < args[i].n && n < 32; j++) flat[n++] = args[i].w[j];
    if (!g->pkey[p]) return NULL;
    if (!g->pkey_mk[p]) return flat[0];
    return Z3_mk_app(g->z, g->pkey_mk[p], n, flat);
}

static Val *eval_args(Gen *g, Env *env, const VExprList *l)
{
    Val *v = arena_alloc(&g->ar, (l->n + 1) * sizeof(Val));
    for (uint32_t i = 0; i < l->n; i++) v[i] = sexpr(g, env, l->v[i]);
    return v;
}

/* The location of acc(loc): heap word, field of a Ref, IArray slot. */
static Loc location(Gen *g, Env *env, const VExpr *loc)
{
    Loc l = {LOC_HEAP, 0, NULL};
    if (loc->kind == VX_INDEX) {
        Z3_ast base = one(g, env, loc->u.idx.base), i = one(g, env, loc->u.idx.index);
        if (is_pheap(g, base)) {
            l.key = i;
            vec_push(&g->touched, i);
        } else {
            l.kind = LOC_FIELD;
            l.idx = g->nfields - 1;
            l.key = slot_of(g, base, i);
        }
    } else if (loc->kind == VX_FIELD) {
        l.kind = LOC_FIELD;
        l.idx = field_index(g, loc->u.fld.field);
        l.key = one(g, env, loc->u.fld.recv);
    } else if (loc->kind == VX_PREDCALL) {
        l.kind = LOC_PRED;
        l.idx = pred_index(g, loc->u.call.pred);
        Val *a = eval_args(g, env, &loc->u.call.args);
        l.key = pred_key(g, l.idx, a, loc->u.call.args.n);
    } else {
        vg_error(g, loc->span, "unsupported location in acc(...)");
    }
    return l;
}

static Z3_ast read_loc(Gen *g, Env *env, const Loc *l, Span at)
{
    const char *msg = l->kind == LOC_HEAP ? "reading this heap word needs permission"
                                          : "reading this field needs permission";
    wf(g, env, Z3_mk_gt(g->z, amount(g, env->st, l), g->rzero), at, msg);
    if (l->kind == LOC_HEAP) {
        Z3_ast v = Z3_mk_select(g->z, env->st->H, l->key);
        if (!env->nbound) smt_assume(g, Z3_mk_true(g->z), mk_bounded(g, v, 64)); /* memory holds words */
        return v;
    }
    return Z3_mk_select(g->z, env->st->fv[l->idx], l->key);
}

/* ---- pure expressions ------------------------------------------------- */

static Val bool_val(Gen *g, Z3_ast b) { return val_one(g, b); }

static Z3_ast eq_vals(Gen *g, Val a, Val b)
{
    Z3_ast r = Z3_mk_true(g->z);
    for (uint32_t i = 0; i < a.n && i < b.n; i++) {
        Z3_ast x = a.w[i], y = b.w[i];
        if (is_real(g, x) != is_real(g, y)) x = as_real(g, x), y = as_real(g, y);
        r = mk_and2(g, r, mk_eq(g, x, y));
    }
    return r;
}

static Z3_ast spec_shift(Gen *g, VBinOp op, Z3_ast a, Z3_ast b)
{
    Z3_ast x = Z3_mk_int2bv(g->z, 64, a), y = Z3_mk_int2bv(g->z, 64, b);
    Z3_ast r = op == VB_SHL ? Z3_mk_bvshl(g->z, x, y)
             : op == VB_LSHR ? Z3_mk_bvlshr(g->z, x, y)
                             : Z3_mk_bvashr(g->z, x, y);
    return Z3_mk_bv2int(g->z, r, false);
}

static Val binop(Gen *g, Env *env, const VExpr *e)
{
    VBinOp op = e->u.bin.op;
    if (op == VB_AND || op == VB_OR || op == VB_IMPLIES) {
        Z3_ast a = sbool(g, env, e->u.bin.a);
        Z3_ast c = op == VB_OR ? mk_not(g, a) : a;
        Val bv = under(g, env, c, e->u.bin.b);
        Z3_ast b = bv.w[0];
        if (Z3_get_sort_kind(g->z, Z3_get_sort(g->z, b)) != Z3_BOOL_SORT) b = mk_not(g, mk_eq(g, b, g->zero));
        return bool_val(g, op == VB_AND ? mk_and2(g, a, b) : op == VB_OR ? mk_or2(g, a, b) : mk_implies(g, a, b));
    }
    Val va = sexpr(g, env, e->u.bin.a), vb = sexpr(g, env, e->u.bin.b);
    if (op == VB_EQ) return bool_val(g, eq_vals(g, va, vb));
    if (op == VB_NE) return bool_val(g, mk_not(g, eq_vals(g, va, vb)));
    Z3_ast a = va.w[0], b = vb.w[0];
    if ((op <= VB_PDIV || (op >= VB_LT && op <= VB_GE)) && is_real(g, a) != is_real(g, b))
        a = as_real(g, a), b = as_real(g, b);
    switch (op) {
    case VB_ADD: return val_one(g, mk_add2(g, a, b));
    case VB_SUB: return val_one(g, mk_sub2(g, a, b));
    case VB_MUL: return val_one(g, mk_mul2(g, a, b));
    case VB_DIV:
    case VB_MOD:
    case VB_PDIV: {
        Z3_ast z = is_real(g, b) ? g->rzero : g->zero;
        wf(g, env, mk_not(g, mk_eq(g, b, z)), e->span, "division by zero");
        if (op == VB_PDIV) return val_one(g, Z3_mk_div(g->z, as_real(g, a), as_real(g, b)));
        if (op == VB_MOD) return val_one(g, Z3_mk_mod(g->z, a, b));
        return val_one(g, Z3_mk_div(g->z, a, b));
    }
    case VB_BAND:
    case VB_BOR:
    case VB_BXOR: return val_one(g, vg_bit_spec(g, op, a, b));
    case VB_SHL:
    case VB_LSHR:
    case VB_ASHR: return val_one(g, spec_shift(g, op, a, b));
    case VB_LT: return bool_val(g, mk_lt(g, a, b));
    case VB_LE: return bool_val(g, mk_le(g, a, b));
    case VB_GT: return bool_val(g, mk_lt(g, b, a));
    case VB_GE: return bool_val(g, mk_le(g, b, a));
    case VB_IFF: return bool_val(g, mk_eq(g, a, b));
    case VB_CONCAT: return val_one(g, seq_concat(g, a, b));
    case VB_IN:
        if (e->u.bin.b->type->kind == VT_SEQ) return bool_val(g, Z3_mk_seq_contains(g->z, b, Z3_mk_seq_unit(g->z, a)));
        return bool_val(g, Z3_mk_set_member(g->z, a, b));
    case VB_UNION:
    case VB_INTERSECT:
    case VB_SETMINUS: return val_one(g, set_op(g, op, a, b));
    case VB_SUBSET: return bool_val(g, Z3_mk_set_subset(g->z, a, b));
    case VB_EQ:
    case VB_NE:
    case VB_AND:
    case VB_OR:
    case VB_IMPLIES: break;
    }
    return val_one(g, g->zero);
}

/* s[i] through an uninterpreted wrapper seq_at(s, i), equal to seq.nth
 * inside the bounds: users' triggers {s[i]} must be patterns, and Z3
 * accepts no interpreted sequence function in a pattern. */
static Z3_ast seq_at(Gen *g, Z3_ast s, Z3_ast i)
{
    Z3_sort srt = Z3_get_sort(g->z, s);
    Z3_func_decl f = NULL;
    for (unsigned k = 0; k < g->nseq_at; k++)
        if (Z3_is_eq_sort(g->z, g->seq_at[k].s, srt)) f = g->seq_at[k].f;
    if (!f) {
        Z3_sort dom[2] = {srt, g->s_int};
        Z3_sort el = Z3_get_sort(g->z, Z3_mk_seq_nth(g->z, Z3_mk_seq_empty(g->z, srt), g->zero));
        f = Z3_mk_fresh_func_decl(g->z, "seq_at", 2, dom, el);
        if (g->nseq_at < 8) {
            g->seq_at[g->nseq_at].s = srt;
            g->seq_at[g->nseq_at++].f = f;
        }
        Z3_ast sv = mk_fresh(g, "s", srt), iv = mk_fresh(g, "i", g->s_int);
        Z3_ast args[2] = {sv, iv};
        Z3_ast app = Z3_mk_app(g->z, f, 2, args);
        Z3_ast in = mk_and2(g, mk_le(g, g->zero, iv), mk_lt(g, iv, Z3_mk_seq_length(g->z, sv)));
        Z3_app bv[2] = {Z3_to_app(g->z, sv), Z3_to_app(g->z, iv)};
        Z3_pattern pat = Z3_mk_pattern(g->z, 1, &app);
        smt_assume(g, Z3_mk_true(g->z), Z3_mk_forall_const(g->z, 0, 2, bv, 1, &pat,
                                                           mk_implies(g, in, mk_eq(g, app, Z3_mk_seq_nth(g->z, sv, iv)))));
    }
    Z3_ast args[2] = {s, i};
    return Z3_mk_app(g->z, f, 2, args);
}

/* Index facts for a concatenation c = a ++ b of ground sequences, as a
 * quantifier over i with pattern seq_at(c, i) (Silicon's sequence axioms,
 * instantiated per concatenation). */
static Z3_ast seq_concat(Gen *g, Z3_ast a, Z3_ast b)
{
    Z3_ast ab[2] = {a, b};
    Z3_ast c = Z3_mk_seq_concat(g->z, 2, ab);
    Z3_ast i = mk_fresh(g, "i", g->s_int);
    Z3_ast la = Z3_mk_seq_length(g->z, a), lb = Z3_mk_seq_length(g->z, b);
    Z3_ast at = seq_at(g, c, i);
    Z3_ast left = mk_implies(g, mk_and2(g, mk_le(g, g->zero, i), mk_lt(g, i, la)), mk_eq(g, at, seq_at(g, a, i)));
    Z3_ast right = mk_implies(g, mk_and2(g, mk_le(g, la, i), mk_lt(g, i, mk_add2(g, la, lb))),
                              mk_eq(g, at, seq_at(g, b, mk_sub2(g, i, la))));
    Z3_app bv = Z3_to_app(g->z, i);
    Z3_pattern pat = Z3_mk_pattern(g->z, 1, &at);
    smt_assume(g, Z3_mk_true(g->z), Z3_mk_forall_const(g->z, 0, 1, &bv, 1, &pat, mk_and2(g, left, right)));
    return c;
}

static Z3_ast seq_unit(Gen *g, Z3_ast v)
{
    Z3_ast u = Z3_mk_seq_unit(g->z, v);
    smt_assume(g, Z3_mk_true(g->z), mk_eq(g, seq_at(g, u, g->zero), v));
    return u;
}

static Val index_expr(Gen *g, Env *env, const VExpr *e)
{
    const VExpr *base = e->u.idx.base;
    if (base->type->kind == VT_SEQ) {
        Z3_ast s = one(g, env, base), i = one(g, env, e->u.idx.index);
        wf(g, env, mk_and2(g, mk_le(g, g->zero, i), mk_lt(g, i, Z3_mk_seq_length(g->z, s))), e->span,
           "sequence index may be out of bounds");
        return val_one(g, seq_at(g, s, i));
    }
    Loc l = location(g, env, e);
    return val_one(g, read_loc(g, env, &l, e->span));
}

/* Binds the parameters of a predicate/function to argument values. */
static Env callee_env(Gen *g, Env *env, const VLocals *locals, const Val *args, uint32_t nargs)
{
    Env c = *env;
    c.vl = arena_alloc(&g->ar, (locals->n + 1) * sizeof(Val));
    c.nvl = locals->n;
    c.locals = locals;
    for (uint32_t i = 0; i < nargs && i < locals->n; i++) c.vl[i] = args[i];
    c.pvars = NULL;
    c.retval = (Val){0};
    return c;
}

static void assert_walk_wf(Gen *g, Env *env, const VExpr *a, Span at, const char *msg);

static Val builtin_call(Gen *g, const VFunc *f, const Val *a, uint32_t n, bool *ok)
{
    *ok = true;
    const char *nm = f->name;
    if (!strcmp(nm, "slot") && n == 2) return val_one(g, slot_of(g, a[0].w[0], a[1].w[0]));
    if (!strcmp(nm, "alen") && n == 1) return val_one(g, Z3_mk_app(g->z, g->f_alen, 1, a[0].w));
    if (!strcmp(nm, "first") && n == 1) return val_one(g, Z3_mk_app(g->z, g->f_first, 1, a[0].w));
    if (!strcmp(nm, "second") && n == 1) return val_one(g, Z3_mk_app(g->z, g->f_second, 1, a[0].w));
    if (!strncmp(nm, "bounded", 7) && n == 1 && !f->body) {
        unsigned bits = nm[7] ? (unsigned)atoi(nm + 7) : 64;
        if (bits == 8 || bits == 16 || bits == 32 || bits == 64)
            return val_one(g, mk_bounded(g, a[0].w[0], bits));
    }
    *ok = false;
    return (Val){0};
}

/* An abstract (or recursive) function: an uninterpreted symbol over the
 * heap and field values (unless a domain function) and the arguments. */
static Z3_ast abstract_app(Gen *g, const VFunc *f, const Env *env, const Val *a, uint32_t n)
{
    uint32_t fi = func_index(g, f);
    Z3_ast args[64];
    Z3_sort sorts[64];
    uint32_t k = 0;
    /* a function reads only what its precondition grants (Viper framing):
     * without permissions there, it does not depend on the state */
    bool reads = false;
    for (uint32_t i = 0; i < f->requires.n; i++) reads |= has_res(f->requires.v[i]);
    if (!f->is_domain && reads) {
        args[k++] = env->st->H;
        for (uint32_t i = 0; i < g->nfields && k < 48; i++) args[k++] = env->st->fv[i];
    }
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < a[i].n && k < 64; j++) args[k++] = a[i].w[j];
    for (uint32_t i = 0; i < k; i++) sorts[i] = Z3_get_sort(g->z, args[i]);
    if (fi == UINT32_MAX || !g->funs[fi]) {
        Z3_func_decl d = Z3_mk_fresh_func_decl(g->z, f->name, k, sorts, vsort(g, f->ret));
        if (fi == UINT32_MAX) return Z3_mk_app(g->z, d, k, args);
        g->funs[fi] = d;
    }
    return Z3_mk_app(g->z, g->funs[fi], k, args);
}

static Val call_expr(Gen *g, Env *env, const VExpr *e)
{
    const VFunc *f = e->u.call.fn;
    uint32_t n = e->u.call.args.n;
    Val *a = eval_args(g, env, &e->u.call.args);
    bool ok;
    Val r = builtin_call(g, f, a, n, &ok);
    if (ok) return r;
    Env c = callee_env(g, env, &f->locals, a, n);
    for (uint32_t i = 0; i < f->requires.n; i++) {
        char msg[160];
        snprintf(msg, sizeof msg, "the precondition of function %s may not hold", f->name);
        assert_walk_wf(g, &c, f->requires.v[i], e->span, msg);
    }
    if (f->body && !f->recursive) return sexpr(g, &c, f->body);
    if (f->ret->kind == VT_SHAPE) {
        vg_error(g, e->span, "abstract function %s returning a shape is not supported", f->name);
        return val_alloc(g, f->ret->words);
    }
    Z3_ast app = abstract_app(g, f, env, a, n);
    if (f->body && !env->nbound && g->fun_depth < 4) {
        /* a recursive function with a body: its definition, unfolded a
         * bounded number of times at each use (each instance is a true
         * equation under the precondition, evaluated in this state) */
        g->fun_depth++;
        Env d = callee_env(g, env, &f->locals, a, n);
        d.check_wf = false;
        Z3_ast pre = Z3_mk_true(g->z);
        for (uint32_t i = 0; i < f->requires.n; i++) pre = mk_and2(g, pre, sbool(g, &d, f->requires.v[i]));
        Val b = sexpr(g, &d, f->body);
        if (b.n && b.w[0]) smt_assume(g, Z3_mk_true(g->z), mk_implies(g, pre, mk_eq(g, app, b.w[0])));
        g->fun_depth--;
    }
    if (f->ensures.n && !env->nbound) {
        c.result = app;
        c.check_wf = false;
        Z3_ast pre = Z3_mk_true(g->z), post = Z3_mk_true(g->z);
        for (uint32_t i = 0; i < f->requires.n; i++) pre = mk_and2(g, pre, sbool(g, &c, f->requires.v[i]));
        for (uint32_t i = 0; i < f->ensures.n; i++) post = mk_and2(g, post, sbool(g, &c, f->ensures.v[i]));
        smt_assume(g, Z3_mk_true(g->z), mk_implies(g, pre, post));
    }
    return val_one(g, app);
}

static Val quant_expr(Gen *g, Env *env, const VExpr *e)
{
    uint32_t nv = e->u.quant.nvars;
    Z3_app *bound = arena_alloc(&g->ar, (env->nbound + nv + 1) * sizeof(Z3_app));
    if (env->nbound) memcpy(bound, env->bound, env->nbound * sizeof(Z3_app));
    for (uint32_t i = 0; i < nv; i++) {
        uint32_t li = e->u.quant.first + i;
        if (li >= env->nvl) {
            vg_error(g, e->span, "bound variable outside its declaration's table");
            return val_one(g, Z3_mk_true(g->z));
        }
        const VLocal *vd = env->locals && li < env->locals->n ? &env->locals->v[li] : NULL;
        Z3_ast c = Z3_mk_fresh_const(g->z, vd ? vd->name : "q", vd ? vsort(g, vd->type) : g->s_int);
        env->vl[li] = val_one(g, c);
        bound[env->nbound + i] = Z3_to_app(g->z, c);
    }
    Z3_app *save_b = env->bound;
    uint32_t save_n = env->nbound;
    env->bound = bound;
    env->nbound += nv;
    Z3_ast body = sbool(g, env, e->u.quant.body);
    Z3_pattern *pats = arena_alloc(&g->ar, (e->u.quant.ntriggers + 1) * sizeof(Z3_pattern));
    bool save_wf = env->check_wf;
    env->check_wf = false; /* triggers are not evaluated */
    for (uint32_t t = 0; t < e->u.quant.ntriggers; t++) {
        VExprList *tl = &e->u.quant.triggers[t];
        Z3_ast *terms = arena_alloc(&g->ar, (tl->n + 1) * sizeof(Z3_ast));
        for (uint32_t k = 0; k < tl->n; k++) terms[k] = one(g, env, tl->v[k]);
        pats[t] = Z3_mk_pattern(g->z, tl->n, terms);
    }
    env->check_wf = save_wf;
    env->bound = save_b;
    env->nbound = save_n;
    /* A trigger whose heap read went through a havoc lambda is no longer
     * a pattern Z3 accepts: such quantifiers get Z3's own patterns. */
    Z3_ast q = Z3_mk_quantifier_const(g->z, e->u.quant.kind == VQ_FORALL, 0, nv, bound + save_n,
                                      e->u.quant.ntriggers, pats, body);
    if (!q || Z3_get_error_code(g->z) != Z3_OK) {
        Z3_set_error(g->z, Z3_OK);
        q = Z3_mk_quantifier_const(g->z, e->u.quant.kind == VQ_FORALL, 0, nv, bound + save_n, 0, NULL, body);
    }
    return val_one(g, q);
}

Val sexpr(Gen *g, Env *env, const VExpr *e)
{
    switch (e->kind) {
    case VX_INT:
        if (e->u.lit.big) return val_one(g, Z3_mk_numeral(g->z, e->u.lit.big, g->s_int));
        return val_one(g, mk_int(g, e->u.lit.v));
    case VX_BOOL: return val_one(g, e->u.bval ? Z3_mk_true(g->z) : Z3_mk_false(g->z));
    case VX_PERMLIT: return val_one(g, mk_real(g, e->u.perm.num, e->u.perm.den));
    case VX_WILDCARD: {
        Z3_ast w = mk_fresh(g, "wildcard", g->s_real);
        smt_assume(g, Z3_mk_true(g->z), Z3_mk_gt(g->z, w, g->rzero));
        return val_one(g, w);
    }
    case VX_NULL: return val_one(g, g->null);
    case VX_PVAR: {
        const Val *src = env->pvars ? env->pvars : env->st->locals;
        Val v = src[e->u.pvar.slot];
        if (!v.n) return val_fresh_words(g, NULL, e->type->kind == VT_SHAPE ? e->type->words : 1, "undeclared");
        return v;
    }
    case VX_PGLOBAL: return env->st->globals[e->u.pvar.slot];
    case VX_RETVAL: return env->retval.n ? env->retval : val_one(g, g->zero);
    case VX_RESULT: return val_one(g, env->result ? env->result : g->zero);
    case VX_HEAP: return val_one(g, g->pheap);
    case VX_LOCAL:
        if (e->u.local.index >= env->nvl || !env->vl[e->u.local.index].n) {
            vg_error(g, e->span, "variable used outside its scope");
            return val_one(g, g->zero);
        }
        return env->vl[e->u.local.index];
    case VX_MFIELD: return val_one(g, g->mfields[e->u.mfield]);
    case VX_UNOP: {
        Z3_ast a = one(g, env, e->u.un.a);
        if (e->u.un.op == VU_NOT) return val_one(g, mk_not(g, a));
        return val_one(g, Z3_mk_unary_minus(g->z, a));
    }
    case VX_BINOP: return binop(g, env, e);
    case VX_TOBOOL: return val_one(g, mk_not(g, mk_eq(g, one(g, env, e->u.un.a), g->zero)));
    case VX_COND: {
        Z3_ast c = sbool(g, env, e->u.tern.c);
        Val a = under(g, env, c, e->u.tern.a), b = under(g, env, mk_not(g, c), e->u.tern.b);
        Val r = val_alloc(g, a.n);
        for (uint32_t i = 0; i < a.n; i++) r.w[i] = mk_ite(g, c, a.w[i], i < b.n ? b.w[i] : a.w[i]);
        return r;
    }
    case VX_FIELD: {
        Loc l = location(g, env, e);
        return val_one(g, read_loc(g, env, &l, e->span));
    }
    case VX_INDEX: return index_expr(g, env, e);
    case VX_SEQSLICE: {
        Z3_ast s = one(g, env, e->u.slice.base);
        Z3_ast len = Z3_mk_seq_length(g->z, s);
        Z3_ast lo = e->u.slice.lo ? one(g, env, e->u.slice.lo) : g->zero;
        Z3_ast hi = e->u.slice.hi ? one(g, env, e->u.slice.hi) : len;
        return val_one(g, Z3_mk_seq_extract(g->z, s, lo, mk_sub2(g, hi, lo)));
    }
    case VX_SEQUPDATE: {
        Z3_ast s = one(g, env, e->u.upd.s), i = one(g, env, e->u.upd.i), v = one(g, env, e->u.upd.v);
        Z3_ast len = Z3_mk_seq_length(g->z, s);
        wf(g, env, mk_and2(g, mk_le(g, g->zero, i), mk_lt(g, i, len)), e->span,
           "sequence update index may be out of bounds");
        Z3_ast parts[3] = {Z3_mk_seq_extract(g->z, s, g->zero, i), Z3_mk_seq_unit(g->z, v),
                           Z3_mk_seq_extract(g->z, s, mk_add2(g, i, g->one),
                                             mk_sub2(g, len, mk_add2(g, i, g->one)))};
        return val_one(g, Z3_mk_seq_concat(g->z, 3, parts));
    }
    case VX_SEQLIT: {
        Z3_sort srt = vsort(g, e->type);
        if (!e->u.list.n) return val_one(g, Z3_mk_seq_empty(g->z, srt));
        Z3_ast acc = NULL;
        for (uint32_t i = 0; i < e->u.list.n; i++) {
            Z3_ast u = seq_unit(g, one(g, env, e->u.list.v[i]));
            acc = acc ? seq_concat(g, acc, u) : u;
        }
        return val_one(g, acc);
    }
    case VX_SETLIT: {
        Z3_ast s = set_empty(g, vsort(g, e->type->elem));
        for (uint32_t i = 0; i < e->u.list.n; i++) s = set_add(g, s, one(g, env, e->u.list.v[i]));
        return val_one(g, s);
    }
    case VX_LEN: {
        const VExpr *a = e->u.un.a;
        Z3_ast t = one(g, env, a);
        if (a->type->kind == VT_SEQ) return val_one(g, Z3_mk_seq_length(g->z, t));
        if (a->type->kind == VT_IARRAY || a->kind == VX_HEAP) return val_one(g, Z3_mk_app(g->z, g->f_alen, 1, &t));
        return val_one(g, set_card(g, t)); /* a set */
    }
    case VX_STRUCT: {
        Val *parts = arena_alloc(&g->ar, (e->u.list.n + 1) * sizeof(Val));
        uint32_t total = 0;
        for (uint32_t i = 0; i < e->u.list.n; i++) total += (parts[i] = sexpr(g, env, e->u.list.v[i])).n;
        Val r = val_alloc(g, total);
        uint32_t k = 0;
        for (uint32_t i = 0; i < e->u.list.n; i++)
            for (uint32_t j = 0; j < parts[i].n; j++) r.w[k++] = parts[i].w[j];
        return r;
    }
    case VX_SFIELD: {
        Val in = sexpr(g, env, e->u.sfld.e);
        Val r = val_alloc(g, e->u.sfld.words);
        for (uint32_t i = 0; i < e->u.sfld.words; i++)
            r.w[i] = e->u.sfld.offset + i < in.n ? in.w[e->u.sfld.offset + i] : g->zero;
        return r;
    }
    case VX_CALL: return call_expr(g, env, e);
    case VX_PREDCALL:
    case VX_ACC:
    case VX_ACCSLICE:
        /* permissions inside pure positions (function preconditions used
         * as pure facts): their pure content is true */
        return val_one(g, Z3_mk_true(g->z));
    case VX_PERM: {
        Loc l = location(g, env, e->u.permof.loc);
        return val_one(g, amount(g, env->st, &l));
    }
    case VX_OLD: {
        Env o = *env;
        o.st = env->old;
        o.pvars = env->pvars;
        return sexpr(g, &o, e->u.un.a);
    }
    case VX_UNFOLDING: {
        const VExpr *p = e->u.unf.pred;
        if (p->kind == VX_ACC) p = p->u.acc.loc;
        const VPred *pr = p->u.call.pred;
        Loc l = location(g, env, p);
        wf(g, env, Z3_mk_gt(g->z, amount(g, env->st, &l), g->rzero), e->span,
           "unfolding needs the predicate instance");
        if (!tracked(pr)) return sexpr(g, env, e->u.unf.body);
        /* evaluate in a copy where the instance is unfolded (held: checked above) */
        State *tmp = st_copy(g, env->st);
        Env u = *env;
        u.st = tmp;
        u.check_wf = false;
        Walk w = {W_REMOVE, &u, tmp, NULL, false};
        pred_body_walk(g, &w, pr, p, Z3_mk_true(g->z), g->rone, W_REMOVE, true);
        w.mode = W_INHALE;
        pred_body_walk(g, &w, pr, p, Z3_mk_true(g->z), g->rone, W_INHALE, false);
        Env r = *env;
        r.st = tmp;
        return sexpr(g, &r, e->u.unf.body);
    }
    case VX_LET:
        if (e->u.let.local < env->nvl) env->vl[e->u.let.local] = sexpr(g, env, e->u.let.e);
        return sexpr(g, env, e->u.let.body);
    case VX_QUANT: return quant_expr(g, env, e);
    }
    return val_one(g, g->zero);
}

/* ---- assertions: inhale, exhale, assert -------------------------------- */


static bool has_res(const VExpr *e)
{
    if (!e) return false;
    switch ((int)e->kind) {
    case VX_ACC:
    case VX_ACCSLICE:
    case VX_PREDCALL: return true;
    case VX_BINOP: return has_res(e->u.bin.a) || has_res(e->u.bin.b);
    case VX_COND: return has_res(e->u.tern.a) || has_res(e->u.tern.b);
    case VX_QUANT: return has_res(e->u.quant.body);
    case VX_LET: return has_res(e->u.let.body);
    case VX_UNFOLDING: return has_res(e->u.unf.body);
    default: return false;
    }
}

/* Does e mention bound variable li? (conservative: unknown kinds say yes) */
static bool mentions(const VExpr *e, uint32_t li)
{
    if (!e) return false;
    switch ((int)e->kind) {
    case VX_INT:
    case VX_BOOL:
    case VX_PERMLIT:
    case VX_NULL:
    case VX_PVAR:
    case VX_PGLOBAL:
    case VX_RETVAL:
    case VX_HEAP:
    case VX_MFIELD: return false;
    case VX_LOCAL: return e->u.local.index == li;
    case VX_UNOP:
    case VX_TOBOOL:
    case VX_OLD:
    case VX_LEN: return mentions(e->u.un.a, li);
    case VX_BINOP: return mentions(e->u.bin.a, li) || mentions(e->u.bin.b, li);
    case VX_INDEX: return mentions(e->u.idx.base, li) || mentions(e->u.idx.index, li);
    case VX_FIELD: return mentions(e->u.fld.recv, li);
    case VX_CALL:
        for (uint32_t i = 0; i < e->u.call.args.n; i++)
            if (mentions(e->u.call.args.v[i], li)) return true;
        return false;
    default: return true;
    }
}

static void check_under(Gen *g, Walk *w, Z3_ast phi, Span note_at)
{
    Oblig ob = *w->ob;
    ob.note_at = &note_at;
    if (!ob.note) ob.note = "this part may not hold";
    smt_check(g, w->mut, phi, &ob);
}

static void walk(Gen *g, Walk *w, const VExpr *a, Z3_ast guard, Z3_ast scale);

static void pure_part(Gen *g, Walk *w, const VExpr *a, Z3_ast guard)
{
    if (w->mode == W_REMOVE) return;
    Z3_ast save = w->ev->guard;
    w->ev->guard = guard;
    Z3_ast b = sbool(g, w->ev, a);
    w->ev->guard = save;
    if (w->mode == W_INHALE) smt_assume(g, w->mut->pc, mk_implies(g, guard, b));
    else if (w->mode != W_REMOVE) check_under(g, w, mk_implies(g, guard, b), a->span);
}

static Z3_ast perm_amount(Gen *g, Walk *w, const VExpr *perm, Z3_ast guard, Z3_ast scale)
{
    Z3_ast p = g->rone;
    if (perm) {
        Z3_ast save = w->ev->guard;
        w->ev->guard = guard;
        p = as_real(g, one(g, w->ev, perm));
        w->ev->guard = save;
        if (w->mode == W_INHALE && perm->kind != VX_PERMLIT && perm->kind != VX_WILDCARD)
            wf(g, w->ev, mk_implies(g, guard, Z3_mk_ge(g->z, p, g->rzero)), perm->span,
               "permission amount may be negative");
    }
    if (!is_true(g, Z3_mk_eq(g->z, scale, g->rone)) && !Z3_is_eq_ast(g->z, scale, g->rone))
        p = Z3_mk_mul(g->z, 2, (Z3_ast[]){p, scale});
    return p;
}


/* Walks the body of predicate instance loc (scaled by q) with mode: into
 * the folded footprint (view) or into the state itself. */
static void pred_body_walk(Gen *g, Walk *w, const VPred *pr, const VExpr *loc, Z3_ast guard, Z3_ast q,
                           WMode mode, bool view)
{
    Val *args = eval_args(g, w->ev, &loc->u.call.args);
    Env c = callee_env(g, w->ev, &pr->locals, args, loc->u.call.args.n);
    if (!view) {
        Walk w2 = {mode, &c, w->mut, w->ob, w->view};
        walk(g, &w2, pr->body, guard, q);
        return;
    }
    c.check_wf = false;
    State v = *w->mut;
    v.M = w->mut->FM;
    v.fm = arena_memdup(&g->ar, w->mut->ffm, g->nfields * sizeof(Z3_ast));
    Walk w2 = {mode, &c, &v, w->ob, true};
    walk(g, &w2, pr->body, guard, q);
    w->mut->FM = v.M;
    memcpy(w->mut->ffm, v.fm, g->nfields * sizeof(Z3_ast));
}

static void walk_acc(Gen *g, Walk *w, const VExpr *a, Z3_ast guard, Z3_ast scale)
{
    const VExpr *loc = a->u.acc.loc, *perm = a->u.acc.perm;
    if (loc->kind == VX_PREDCALL && w->view) {
        /* nested instance inside a folded footprint: its footprint too */
        if (tracked(loc->u.call.pred))
            pred_body_walk(g, w, loc->u.call.pred, loc, guard, perm_amount(g, w, perm, guard, scale), w->mode,
                           false);
        return;
    }
    Z3_ast save = w->ev->guard;
    w->ev->guard = guard;
    Loc l = location(g, w->ev, loc);
    w->ev->guard = save;
    if (g->aborted) return;
    bool wild = perm && perm->kind == VX_WILDCARD;
    Z3_ast p = wild ? NULL : perm_amount(g, w, perm, guard, scale);
    Z3_ast cur = amount(g, w->mut, &l);
    if (w->mode == W_INHALE) {
        if (wild) {
            p = mk_fresh(g, "wildcard", g->s_real);
            smt_assume(g, w->mut->pc, Z3_mk_gt(g->z, p, g->rzero));
        }
        Z3_ast nv = mk_add2(g, cur, mk_ite(g, guard, p, g->rzero));
        set_amount(g, w->mut, &l, nv);
        if (l.kind != LOC_PRED) smt_assume(g, w->mut->pc, mk_le(g, amount(g, w->mut, &l), g->rone));
        if (l.kind == LOC_FIELD && l.idx + 1 < g->nfields)
            smt_assume(g, w->mut->pc, mk_implies(g, guard, mk_not(g, mk_eq(g, l.key, g->null))));
    } else {
        if (wild) {
            if (w->mode != W_REMOVE)
                check_under(g, w, mk_implies(g, guard, Z3_mk_gt(g->z, cur, g->rzero)), a->span);
            p = mk_fresh(g, "wildcard", g->s_real);
            smt_assume(g, w->mut->pc, mk_and2(g, Z3_mk_gt(g->z, p, g->rzero), mk_lt(g, p, cur)));
        } else if (w->mode != W_REMOVE) {
            check_under(g, w, mk_implies(g, guard, mk_le(g, p, cur)), a->span);
        }
        if (w->mode != W_ASSERT) set_amount(g, w->mut, &l, mk_sub2(g, cur, mk_ite(g, guard, p, g->rzero)));
    }
    /* a predicate with a body keeps its footprint while folded */
    if (l.kind == LOC_PRED && tracked(loc->u.call.pred) && w->mode != W_ASSERT)
        pred_body_walk(g, w, loc->u.call.pred, loc, guard, p, w->mode == W_INHALE ? W_INHALE : W_REMOVE, true);
}

/* Quantified amounts over the index sort of mask *m: where cond(var)
 * holds, add (inhale) or remove (exhale) p. A fresh mask constant with a
 * pointwise defining axiom (pattern Mq[var]) keeps later reads cheap. */
static void qp_apply(Gen *g, Walk *w, Z3_ast *m, Z3_ast var, Z3_ast cond, Z3_ast p, bool upper,
                     Span at, Z3_ast check_phi)
{
    if (w->mode == W_EXHALE || w->mode == W_ASSERT) check_under(g, w, check_phi, at);
    if (w->mode == W_ASSERT) return;
    Z3_sort dom = Z3_get_sort(g->z, var);
    Z3_ast mq = mk_fresh(g, "QPMask", Z3_mk_array_sort(g->z, dom, g->s_real));
    Z3_ast sel = Z3_mk_select(g->z, mq, var), old = Z3_mk_select(g->z, *m, var);
    Z3_ast delta = mk_ite(g, cond, p, g->rzero);
    Z3_ast def = mk_eq(g, sel, w->mode == W_INHALE ? mk_add2(g, old, delta) : mk_sub2(g, old, delta));
    if (upper && w->mode == W_INHALE) def = mk_and2(g, def, mk_le(g, sel, g->rone));
    Z3_app bv = Z3_to_app(g->z, var);
    Z3_pattern pat = Z3_mk_pattern(g->z, 1, &sel);
    smt_assume(g, w->mut->pc, Z3_mk_forall_const(g->z, 0, 1, &bv, 1, &pat, def));
    *m = mq;
}

static void walk_slice(Gen *g, Walk *w, const VExpr *a, Z3_ast guard, Z3_ast scale)
{
    Z3_ast save = w->ev->guard;
    w->ev->guard = guard;
    Z3_ast base = one(g, w->ev, a->u.slice.base);
    Z3_ast lo = one(g, w->ev, a->u.slice.lo), hi = one(g, w->ev, a->u.slice.hi);
    w->ev->guard = save;
    Z3_ast p = perm_amount(g, w, a->u.slice.perm, guard, scale);
    /* verifier.md §8.10, §2.15 #4: a slice past alen grants nothing in
     * pancake2viper; here it is an ill-formed specification. */
    Z3_ast alen = Z3_mk_app(g->z, g->f_alen, 1, &base);
    wf(g, w->ev, mk_implies(g, mk_and2(g, guard, mk_lt(g, lo, hi)),
                            mk_and2(g, mk_le(g, g->zero, lo), mk_le(g, hi, alen))),
       a->span, "slice may extend outside [0, alen(heap))");
    if (is_pheap(g, base)) {
        Z3_ast j = mk_fresh(g, "j", g->s_int);
        Z3_ast in = mk_and2(g, guard, mk_and2(g, mk_le(g, lo, j), mk_lt(g, j, hi)));
        Z3_app bv = Z3_to_app(g->z, j);
        Z3_ast chk = Z3_mk_forall_const(g->z, 0, 1, &bv, 0, NULL,
                                        mk_implies(g, in, mk_le(g, p, Z3_mk_select(g->z, w->mut->M, j))));
        qp_apply(g, w, &w->mut->M, j, in, p, true, a->span, chk);
    } else {
        Z3_ast r = mk_fresh(g, "r", g->s_ref);
        Z3_ast sec = Z3_mk_app(g->z, g->f_second, 1, &r);
        Z3_ast in = mk_and2(g, guard, mk_and2(g, mk_eq(g, Z3_mk_app(g->z, g->f_first, 1, &r), base),
                                              mk_and2(g, mk_le(g, lo, sec), mk_lt(g, sec, hi))));
        Z3_ast *m = &w->mut->fm[g->nfields - 1];
        Z3_app bv = Z3_to_app(g->z, r);
        Z3_ast chk = Z3_mk_forall_const(g->z, 0, 1, &bv, 0, NULL,
                                        mk_implies(g, in, mk_le(g, p, Z3_mk_select(g->z, *m, r))));
        qp_apply(g, w, m, r, in, p, true, a->span, chk);
    }
}

/* forall i :: c(i) ==> (acc(heap[e(i)], p) && pure(i) && ...), e affine. */
static void walk_quant(Gen *g, Walk *w, const VExpr *q, Z3_ast guard)
{
    if (q->u.quant.kind != VQ_FORALL || q->u.quant.nvars != 1 || q->u.quant.first >= w->ev->nvl) {
        vg_error(g, q->span, "quantified permissions need `forall` over one variable");
        return;
    }
    uint32_t li = q->u.quant.first;
    const VExpr *body = q->u.quant.body, *cond = NULL;
    if (body->kind == VX_BINOP && body->u.bin.op == VB_IMPLIES) {
        cond = body->u.bin.a;
        body = body->u.bin.b;
    }
    const VExpr *parts[64];
    uint32_t np = 0;
    const VExpr *stack[64];
    uint32_t ns = 0;
    stack[ns++] = body;
    while (ns && np < 64) {
        const VExpr *x = stack[--ns];
        if (x->kind == VX_BINOP && x->u.bin.op == VB_AND && ns + 2 <= 64) {
            stack[ns++] = x->u.bin.b;
            stack[ns++] = x->u.bin.a;
        } else {
            parts[np++] = x;
        }
    }
    Env *ev = w->ev;
    for (uint32_t k = 0; k < np && !g->aborted; k++) {
        const VExpr *x = parts[k];
        if (!has_res(x)) {
            /* pure: forall i. guard && c(i) ==> x(i) */
            Z3_ast i = Z3_mk_fresh_const(g->z, "i", vsort(g, ev->locals ? ev->locals->v[li].type : q->type));
            ev->vl[li] = val_one(g, i);
            Z3_ast c = cond ? sbool(g, ev, cond) : Z3_mk_true(g->z);
            Z3_ast save = ev->guard;
            ev->guard = mk_and2(g, guard, c);
            Z3_app bv = Z3_to_app(g->z, i);
            Z3_app *sb = ev->bound;
            uint32_t sn = ev->nbound;
            Z3_app all[65];
            for (uint32_t t = 0; t < sn && t < 64; t++) all[t] = sb[t];
            all[sn < 64 ? sn : 63] = bv;
            ev->bound = all;
            ev->nbound = sn + 1;
            Z3_ast b = sbool(g, ev, x);
            ev->bound = sb;
            ev->nbound = sn;
            ev->guard = save;
            Z3_ast phi = Z3_mk_forall_const(g->z, 0, 1, &bv, 0, NULL, mk_implies(g, mk_and2(g, guard, c), b));
            if (w->mode == W_INHALE) smt_assume(g, w->mut->pc, phi);
            else if (w->mode != W_REMOVE) check_under(g, w, phi, x->span);
            continue;
        }
        /* receivers: heap[e(i)], A[e(i)] and slot(A, e(i)).f of an IArray A */
        const VExpr *loc = x->kind == VX_ACC ? x->u.acc.loc : NULL, *arr = NULL, *ix = NULL;
        uint32_t fidx = g->nfields - 1;
        if (loc && loc->kind == VX_INDEX && loc->u.idx.base->kind == VX_HEAP) {
            ix = loc->u.idx.index;
        }
        if (!ix && loc && loc->kind == VX_INDEX && loc->u.idx.base->type && loc->u.idx.base->type->kind == VT_IARRAY &&
            loc->u.idx.base->kind != VX_HEAP) {
            arr = loc->u.idx.base;
            ix = loc->u.idx.index;
        } else if (!ix && loc && loc->kind == VX_FIELD && loc->u.fld.recv->kind == VX_CALL &&
                   !strcmp(loc->u.fld.recv->u.call.fn->name, "slot") && loc->u.fld.recv->u.call.args.n == 2) {
            arr = loc->u.fld.recv->u.call.args.v[0];
            ix = loc->u.fld.recv->u.call.args.v[1];
            fidx = field_index(g, loc->u.fld.field);
        }
        if (!ix || (arr && mentions(arr, li))) {
            vg_error(g, x->span, "quantified permissions are supported for acc(heap[i + k]) and "
                                 "acc(slot(A, i + k).f) only");
            return;
        }
        /* receiver e(i) = i + k (or k + i, i - k) */
        const VExpr *off = NULL;
        int sign = 1;
        if (ix->kind == VX_LOCAL && ix->u.local.index == li) {
            off = NULL;
        } else if (ix->kind == VX_BINOP && (ix->u.bin.op == VB_ADD || ix->u.bin.op == VB_SUB) &&
                   ix->u.bin.a->kind == VX_LOCAL && ix->u.bin.a->u.local.index == li &&
                   !mentions(ix->u.bin.b, li)) {
            off = ix->u.bin.b;
            sign = ix->u.bin.op == VB_ADD ? 1 : -1;
        } else if (ix->kind == VX_BINOP && ix->u.bin.op == VB_ADD && ix->u.bin.b->kind == VX_LOCAL &&
                   ix->u.bin.b->u.local.index == li && !mentions(ix->u.bin.a, li)) {
            off = ix->u.bin.a;
        } else if (!mentions(ix, li)) {
            /* the same location for every i: injective only if at most
             * one i satisfies the condition (§8.5) */
            Z3_sort is = vsort(g, ev->locals ? ev->locals->v[li].type : q->type);
            Z3_ast i1 = Z3_mk_fresh_const(g->z, "i", is), i2 = Z3_mk_fresh_const(g->z, "i", is);
            ev->vl[li] = val_one(g, i1);
            Z3_ast c1 = cond ? sbool(g, ev, cond) : Z3_mk_true(g->z);
            ev->vl[li] = val_one(g, i2);
            Z3_ast c2 = cond ? sbool(g, ev, cond) : Z3_mk_true(g->z);
            Z3_app bv2[2] = {Z3_to_app(g->z, i1), Z3_to_app(g->z, i2)};
            Oblig ob = {"verify.wellformed", q->span, "quantified permission: the receiver may not be injective",
                        NULL, NULL};
            if (!smt_check(g, w->mut, Z3_mk_forall_const(g->z, 0, 2, bv2, 0, NULL,
                                                         mk_implies(g, mk_and2(g, guard, mk_and2(g, c1, c2)),
                                                                    mk_eq(g, i1, i2))),
                           &ob))
                return;
            vg_error(g, ix->span, "quantified permission with a constant receiver: write acc(...) without forall");
            return;
        } else {
            vg_error(g, ix->span, "quantified permission receiver must be i + k (affine, injective)");
            return;
        }
        Z3_ast k0 = off ? one(g, ev, off) : g->zero;
        if (arr) {
            /* over Refs r = slot(A, second(r)) of A: i = second(r) - k
             * (verifier.md §7.3 item 8) */
            Z3_ast a = one(g, ev, arr);
            Z3_ast r = mk_fresh(g, "r", g->s_ref);
            Z3_ast sec = Z3_mk_app(g->z, g->f_second, 1, &r);
            ev->vl[li] = val_one(g, sign > 0 ? mk_sub2(g, sec, k0) : mk_add2(g, sec, k0));
            Z3_ast c = cond ? sbool(g, ev, cond) : Z3_mk_true(g->z);
            Z3_ast of_a = mk_and2(g, mk_eq(g, Z3_mk_app(g->z, g->f_first, 1, &r), a),
                                  mk_eq(g, r, slot_of(g, a, sec)));
            Z3_ast in = mk_and2(g, guard, mk_and2(g, c, of_a));
            Z3_ast *m = &w->mut->fm[fidx];
            Z3_app bv = Z3_to_app(g->z, r);
            if (x->u.acc.perm && x->u.acc.perm->kind == VX_WILDCARD) {
                /* as for heap words below: a positive amount is held at
                 * every slot (one fresh amount below each is not a constant) */
                Z3_ast chk = Z3_mk_forall_const(g->z, 0, 1, &bv, 0, NULL,
                                                mk_implies(g, in, Z3_mk_gt(g->z, Z3_mk_select(g->z, *m, r), g->rzero)));
                if (w->mode == W_EXHALE || w->mode == W_ASSERT) check_under(g, w, chk, x->span);
                if (w->mode == W_INHALE) {
                    Z3_ast wv = mk_fresh(g, "wildcard", g->s_real);
                    smt_assume(g, w->mut->pc, Z3_mk_gt(g->z, wv, g->rzero));
                    qp_apply(g, w, m, r, in, wv, true, x->span, chk);
                    smt_assume(g, w->mut->pc, Z3_mk_forall_const(g->z, 0, 1, &bv, 0, NULL,
                                                                 mk_implies(g, in, mk_not(g, mk_eq(g, r, g->null)))));
                }
                continue;
            }
            Z3_ast p = perm_amount(g, w, x->u.acc.perm, in, g->rone);
            Z3_ast chk = Z3_mk_forall_const(g->z, 0, 1, &bv, 0, NULL,
                                            mk_implies(g, in, mk_le(g, p, Z3_mk_select(g->z, *m, r))));
            qp_apply(g, w, m, r, in, p, true, x->span, chk);
            if (w->mode == W_INHALE)
                smt_assume(g, w->mut->pc, Z3_mk_forall_const(g->z, 0, 1, &bv, 0, NULL,
                                                             mk_implies(g, in, mk_not(g, mk_eq(g, r, g->null)))));
            continue;
        }
        Z3_ast j = mk_fresh(g, "j", g->s_int);
        Z3_ast inv = sign > 0 ? mk_sub2(g, j, k0) : mk_add2(g, j, k0);
        ev->vl[li] = val_one(g, inv);
        Z3_ast c = cond ? sbool(g, ev, cond) : Z3_mk_true(g->z);
        Z3_ast in = mk_and2(g, guard, c);
        Z3_app bv = Z3_to_app(g->z, j);
        if (x->u.acc.perm && x->u.acc.perm->kind == VX_WILDCARD) {
            /* wildcard: some positive amount is held; exhale keeps the
             * amount (the callee only reads), inhale adds a fresh one */
            Z3_ast chk = Z3_mk_forall_const(g->z, 0, 1, &bv, 0, NULL,
                                            mk_implies(g, in, Z3_mk_gt(g->z, Z3_mk_select(g->z, w->mut->M, j), g->rzero)));
            if (w->mode == W_EXHALE || w->mode == W_ASSERT) check_under(g, w, chk, x->span);
            if (w->mode == W_INHALE) {
                Z3_ast wv = mk_fresh(g, "wildcard", g->s_real);
                smt_assume(g, w->mut->pc, Z3_mk_gt(g->z, wv, g->rzero));
                qp_apply(g, w, &w->mut->M, j, in, wv, true, x->span, chk);
            }
            continue;
        }
        Z3_ast p = perm_amount(g, w, x->u.acc.perm, mk_and2(g, guard, c), g->rone);
        Z3_ast chk = Z3_mk_forall_const(g->z, 0, 1, &bv, 0, NULL,
                                        mk_implies(g, in, mk_le(g, p, Z3_mk_select(g->z, w->mut->M, j))));
        qp_apply(g, w, &w->mut->M, j, in, p, true, x->span, chk);
    }
}

static void walk(Gen *g, Walk *w, const VExpr *a, Z3_ast guard, Z3_ast scale)
{
    if (g->aborted || is_false(g, guard)) return;
    if (!has_res(a)) {
        pure_part(g, w, a, guard);
        return;
    }
    switch ((int)a->kind) {
    case VX_BINOP:
        if (a->u.bin.op == VB_AND) {
            walk(g, w, a->u.bin.a, guard, scale);
            walk(g, w, a->u.bin.b, guard, scale);
            return;
        }
        if (a->u.bin.op == VB_IMPLIES && !has_res(a->u.bin.a)) {
            Z3_ast save = w->ev->guard;
            w->ev->guard = guard;
            Z3_ast c = sbool(g, w->ev, a->u.bin.a);
            w->ev->guard = save;
            walk(g, w, a->u.bin.b, mk_and2(g, guard, c), scale);
            return;
        }
        break;
    case VX_COND: {
        Z3_ast save = w->ev->guard;
        w->ev->guard = guard;
        Z3_ast c = sbool(g, w->ev, a->u.tern.c);
        w->ev->guard = save;
        walk(g, w, a->u.tern.a, mk_and2(g, guard, c), scale);
        walk(g, w, a->u.tern.b, mk_and2(g, guard, mk_not(g, c)), scale);
        return;
    }
    case VX_ACC: walk_acc(g, w, a, guard, scale); return;
    case VX_PREDCALL: {
        VExpr acc = {.kind = VX_ACC, .type = a->type, .span = a->span};
        acc.u.acc.loc = (VExpr *)a;
        walk_acc(g, w, &acc, guard, scale);
        return;
    }
    case VX_ACCSLICE: walk_slice(g, w, a, guard, scale); return;
    case VX_QUANT: walk_quant(g, w, a, guard); return;
    case VX_LET:
        if (a->u.let.local < w->ev->nvl) w->ev->vl[a->u.let.local] = sexpr(g, w->ev, a->u.let.e);
        walk(g, w, a->u.let.body, guard, scale);
        return;
    case VX_UNFOLDING: walk(g, w, a->u.unf.body, guard, scale); return;
    }
    vg_error(g, a->span, "unsupported use of permissions in this assertion");
}

void inhale(Gen *g, Env *env, const VExpr *a)
{
    static const Oblig none = {"verify.wellformed", {0}, "", NULL, NULL};
    Walk w = {W_INHALE, env, env->st, &none, false};
    walk(g, &w, a, Z3_mk_true(g->z), g->rone);
}

void exhale(Gen *g, Env *env, const VExpr *a, const Oblig *ob)
{
    Env ev = *env;
    ev.st = env->snap ? env->snap : st_copy(g, env->st);
    Walk w = {W_EXHALE, &ev, env->st, ob, false};
    walk(g, &w, a, Z3_mk_true(g->z), g->rone);
}

void assert_spec(Gen *g, Env *env, const VExpr *a, const Oblig *ob)
{
    Walk w = {W_ASSERT, env, env->st, ob, false};
    walk(g, &w, a, Z3_mk_true(g->z), g->rone);
}

void pred_body(Gen *g, Env *env, const VExpr *e, bool inhale_it, const Oblig *ob)
{
    static const Oblig none = {"verify.wellformed", {0}, "", NULL, NULL};
    const VExpr *loc = e->kind == VX_ACC ? e->u.acc.loc : e;
    const VExpr *perm = e->kind == VX_ACC ? e->u.acc.perm : NULL;
    Env ev = *env;
    if (!inhale_it) ev.st = env->snap ? env->snap : st_copy(g, env->st);
    Walk w = {inhale_it ? W_INHALE : W_EXHALE, &ev, env->st, ob ? ob : &none, false};
    Z3_ast q = perm_amount(g, &w, perm, Z3_mk_true(g->z), g->rone);
    pred_body_walk(g, &w, loc->u.call.pred, loc, Z3_mk_true(g->z), q, w.mode, false);
}

static void assert_walk_wf(Gen *g, Env *env, const VExpr *a, Span at, const char *msg)
{
    if (!env->check_wf) return;
    Oblig ob = {"verify.wellformed", at, msg, NULL, "the precondition"};
    Walk w = {W_ASSERT, env, env->st, &ob, false};
    walk(g, &w, a, env->guard, g->rone);
}

/* Annotation bit operations act on the operands modulo 2^64 (int2bv
 * wraps, §8.9); with a constant operand they avoid bit-vectors. */
Z3_ast vg_bit_spec(Gen *g, VBinOp op, Z3_ast a, Z3_ast b)
{
    uint64_t c;
    if (vg_const(g, a, &c)) {
        Z3_ast t = a;
        a = b;
        b = t;
    }
    if (vg_const(g, b, &c)) {
        Z3_ast and_ = vg_and_const(g, a, c, true);
        if (op == VB_BAND) return and_;
        Z3_ast x = Z3_mk_mod(g->z, a, g->two64);
        Z3_ast sum = mk_add2(g, x, mk_u64(g, c));
        return mk_sub2(g, sum, op == VB_BOR ? and_ : mk_mul2(g, mk_int(g, 2), and_));
    }
    Z3_ast x = Z3_mk_int2bv(g->z, 64, a), y = Z3_mk_int2bv(g->z, 64, b);
    Z3_ast r = op == VB_BAND ? Z3_mk_bvand(g->z, x, y) : op == VB_BOR ? Z3_mk_bvor(g->z, x, y) : Z3_mk_bvxor(g->z, x, y);
    return Z3_mk_bv2int(g->z, r, false);
}
