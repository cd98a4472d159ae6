/*
 * Typing and name resolution: PNode -> VExpr (vast.h).
 *
 * Every expression is typed in an environment (VEnv) that says which names
 * it sees: bound variables (innermost first), the declaration's visible
 * locals, the Pancake variables in scope (globals, parameters, locals: the
 * checker's slots), then the implicit names of the annotation language
 * (heap, model fields, retval, result, write/read/none/wildcard).
 *
 * Coercions of §1.3 are made explicit: an Int where a Bool is needed
 * becomes VX_TOBOOL (annotation syntax only; model files are Viper, where
 * that is a type error); `==`/`!=` between Int and Bool coerce the Int side;
 * an Int literal or Int/Int where a Perm is needed becomes a permission
 * literal or VB_PDIV. Permissions (acc, predicate instances) are only
 * accepted in assertion positions: the top of a clause, both sides of &&,
 * the right of ==>, the branches of ?:, the bodies of forall, unfolding
 * and let.
 */
#include "vspec_int.h"

#include <inttypes.h>
#include <string.h>

Diag *verr(VSCtx *c, const char *code, const Span *at, const char *fmt, ...)
{
    char full[32];
    snprintf(full, sizeof full, "verify.%s", code);
    va_list ap;
    va_start(ap, fmt);
    Diag *d = diag_vadd(c->dl, DIAG_ERROR, intern_cstr(c->in, full), at, fmt, ap);
    va_end(ap);
    c->nerrors++;
    return d;
}

/* ---- types ---------------------------------------------------------------- */

const VType *vtype_new(VSCtx *c, VTypeKind k, const VType *elem, const VType *elem2)
{
    VType *t = arena_alloc(c->a, sizeof *t);
    t->kind = k;
    t->elem = elem;
    t->elem2 = elem2;
    return t;
}

static Shape *resolve_shape(VSCtx *c, const Shape *sh, int depth)
{
    if (!sh || depth > 64) return NULL;
    if (sh->kind == SHAPE_ONE) return (Shape *)sh;
    if (sh->kind == SHAPE_NAMED) {
        StructDecl *sd = check_find_struct(c->s->prog, sh->name);
        if (!sd) return NULL;
        Shape **el = arena_alloc(c->a, (sd->nfields + 1) * sizeof *el);
        for (uint32_t i = 0; i < sd->nfields; i++)
            if (!(el[i] = resolve_shape(c, sd->fields[i].shape, depth + 1))) return NULL;
        return shape_comb(c->a, el, sd->nfields);
    }
    Shape **el = arena_alloc(c->a, (sh->n + 1) * sizeof *el);
    for (uint32_t i = 0; i < sh->n; i++)
        if (!(el[i] = resolve_shape(c, sh->elems[i], depth + 1))) return NULL;
    return shape_comb(c->a, el, sh->n);
}

static uint32_t shape_size(const Shape *s)
{
    if (s->kind == SHAPE_ONE) return 1;
    uint32_t w = 0;
    for (uint32_t i = 0; i < s->n; i++) w += shape_size(s->elems[i]);
    return w;
}

const VType *vtype_shape(VSCtx *c, const Shape *sh)
{
    Shape *r = resolve_shape(c, sh, 0);
    if (!r) return NULL;
    if (r->kind == SHAPE_ONE) return c->t_int;
    VType *t = arena_alloc(c->a, sizeof *t);
    t->kind = VT_SHAPE;
    t->shape = r;
    t->words = shape_size(r);
    if (sh->kind == SHAPE_NAMED) t->name = sh->name;
    return t;
}

const VType *vtype_of(VSCtx *c, const PType *t)
{
    switch (t->kind) {
    case PT_INT: return c->t_int;
    case PT_BOOL: return c->t_bool;
    case PT_PERM: return c->t_perm;
    case PT_REF: return c->t_ref;
    case PT_IARRAY: return c->t_iarray;
    case PT_SEQ:
    case PT_SET: {
        const VType *e = vtype_of(c, t->a);
        return e ? vtype_new(c, t->kind == PT_SEQ ? VT_SEQ : VT_SET, e, NULL) : NULL;
    }
    case PT_MAP: {
        const VType *k = vtype_of(c, t->a), *v = vtype_of(c, t->b);
        return k && v ? vtype_new(c, VT_MAP, k, v) : NULL;
    }
    case PT_SHAPE: return vtype_shape(c, t->shape);
    case PT_NAMED:
        for (size_t i = 0; i < c->s->domains.n; i++)
            if (c->s->domains.v[i]->name == t->name) {
                VType *d = arena_alloc(c->a, sizeof *d);
                d->kind = VT_DOMAIN;
                d->name = t->name;
                return d;
            }
        verr(c, "name", &t->span, "unknown type %s", t->name);
        return NULL;
    }
    return NULL;
}

bool vtype_eq(const VType *a, const VType *b)
{
    if (a == b) return true;
    if (!a || !b || a->kind != b->kind) return false;
    switch (a->kind) {
    case VT_SEQ:
    case VT_SET: return vtype_eq(a->elem, b->elem);
    case VT_MAP: return vtype_eq(a->elem, b->elem) && vtype_eq(a->elem2, b->elem2);
    case VT_SHAPE: return shape_eq(a->shape, b->shape);
    case VT_DOMAIN: return a->name == b->name;
    case VT_INT: case VT_BOOL: case VT_PERM: case VT_REF: case VT_IARRAY: return true;
    }
    return false;
}

/* viper: a shape is printed as the Seq[Int] it is encoded as (--emit-viper) */
void vtype_text(StrBuf *b, const VType *t, bool viper)
{
    if (!t) {
        sb_puts(b, "?");
        return;
    }
    switch (t->kind) {
    case VT_INT: sb_puts(b, "Int"); return;
    case VT_BOOL: sb_puts(b, "Bool"); return;
    case VT_PERM: sb_puts(b, "Perm"); return;
    case VT_REF: sb_puts(b, "Ref"); return;
    case VT_IARRAY: sb_puts(b, "IArray"); return;
    case VT_SEQ: sb_puts(b, "Seq["); vtype_text(b, t->elem, viper); sb_puts(b, "]"); return;
    case VT_SET: sb_puts(b, "Set["); vtype_text(b, t->elem, viper); sb_puts(b, "]"); return;
    case VT_MAP:
        sb_puts(b, "Map[");
        vtype_text(b, t->elem, viper);
        sb_puts(b, ", ");
        vtype_text(b, t->elem2, viper);
        sb_puts(b, "]");
        return;
    case VT_SHAPE:
        if (viper) sb_puts(b, "Seq[Int]");
        else shape_print(b, t->shape);
        return;
    case VT_DOMAIN: sb_puts(b, t->name); return;
    }
}

void vtype_print(StrBuf *b, const VType *t) { vtype_text(b, t, false); }

/* A type's text for a message (arena-allocated). */
static const char *tstr(VSCtx *c, const VType *t)
{
    StrBuf b = {0};
    vtype_print(&b, t);
    char *r = arena_strndup(c->a, b.s, b.n);
    sb_free(&b);
    return r;
}

/* ---- nodes ---------------------------------------------------------------- */

VExpr *vexpr_new(VSCtx *c, VExprKind k, const VType *t, Span sp)
{
    VExpr *e = arena_alloc(c->a, sizeof *e);
    e->kind = k;
    e->type = t;
    e->span = sp;
    return e;
}

uint32_t vlocal_add(VSCtx *c, VLocals *l, Sym name, const VType *t, Span sp)
{
    uint32_t n = l->n;
    if (n == 0 || (n >= 4 && (n & (n - 1)) == 0)) {
        VLocal *v = arena_alloc(c->a, (n ? 2 * n : 4) * sizeof *v);
        if (n) memcpy(v, l->v, n * sizeof *v);
        l->v = v;
    }
    l->v[n] = (VLocal){name, t, sp};
    l->n = n + 1;
    return n;
}

static VExpr *int_lit(VSCtx *c, int64_t v, Span sp)
{
    VExpr *e = vexpr_new(c, VX_INT, c->t_int, sp);
    e->u.lit.v = v;
    return e;
}

static VExpr *binop(VSCtx *c, VBinOp op, VExpr *a, VExpr *b, const VType *t, Span sp)
{
    VExpr *e = vexpr_new(c, VX_BINOP, t, sp);
    e->u.bin.op = op;
    e->u.bin.a = a;
    e->u.bin.b = b;
    return e;
}

/* Model-file declarations are Viper: no Int-as-Bool coercion, no `read`. */
static bool viper_mode(const VSCtx *c) { return c->env && c->env->origin == VO_MODEL; }

static bool is_int(const VExpr *e) { return e->type && e->type->kind == VT_INT; }
static bool is_bool(const VExpr *e) { return e->type && e->type->kind == VT_BOOL; }
static bool is_perm(const VExpr *e) { return e->type && e->type->kind == VT_PERM; }

/* Int (annotation syntax) -> Bool as e != 0, made explicit. */
static VExpr *as_bool(VSCtx *c, VExpr *e, const char *what)
{
    if (!e || is_bool(e)) return e;
    if (is_int(e) && !viper_mode(c)) {
        VExpr *b = vexpr_new(c, VX_TOBOOL, c->t_bool, e->span);
        b->u.un.a = e;
        return b;
    }
    verr(c, "type", &e->span, "%s has type %s, expected Bool", what, tstr(c, e->type));
    return NULL;
}

/* Int literal, Int/Int or a Perm expression, as a Perm. */
static VExpr *to_perm(VSCtx *c, VExpr *e, const char *what)
{
    if (!e || is_perm(e)) return e;
    if (e->kind == VX_INT && !e->u.lit.big && e->u.lit.v >= 0) {
        VExpr *p = vexpr_new(c, VX_PERMLIT, c->t_perm, e->span);
        p->u.perm.num = e->u.lit.v;
        p->u.perm.den = 1;
        return p;
    }
    if (e->kind == VX_BINOP && e->u.bin.op == VB_DIV && is_int(e->u.bin.a) && is_int(e->u.bin.b)) {
        VExpr *a = e->u.bin.a, *b = e->u.bin.b;
        if (a->kind == VX_INT && b->kind == VX_INT && !a->u.lit.big && !b->u.lit.big) {
            if (b->u.lit.v == 0) {
                verr(c, "type", &b->span, "permission fraction with denominator 0");
                return NULL;
            }
            VExpr *p = vexpr_new(c, VX_PERMLIT, c->t_perm, e->span);
            p->u.perm.num = a->u.lit.v;
            p->u.perm.den = b->u.lit.v;
            if (p->u.perm.den < 0) {
                verr(c, "type", &b->span, "permission fraction with a negative denominator");
                return NULL;
            }
            return p;
        }
        e->u.bin.op = VB_PDIV;
        e->type = c->t_perm;
        return e;
    }
    verr(c, "type", &e->span, "%s has type %s, expected a permission (Perm, write, read, "
                              "wildcard, none or a fraction n/d)", what, tstr(c, e->type));
    return NULL;
}

/* e converted to type want (Bool and Perm coercions), or an error. */
static VExpr *coerce(VSCtx *c, VExpr *e, const VType *want, const char *what)
{
    if (!e || !want || vtype_eq(e->type, want)) return e;
    if (want->kind == VT_BOOL) return as_bool(c, e, what);
    if (want->kind == VT_PERM) return to_perm(c, e, what);
    verr(c, "type", &e->span, "%s has type %s, expected %s", what, tstr(c, e->type),
         tstr(c, want));
    return NULL;
}

static VExpr *ty(VSCtx *c, PNode *n, bool assn);

static VExpr *ty_pure(VSCtx *c, PNode *n) { return ty(c, n, false); }

VExpr *vtype_assertion(VSCtx *c, PNode *n) { return as_bool(c, ty(c, n, true), "the assertion"); }

VExpr *vtype_pure(VSCtx *c, PNode *n, const VType *want)
{
    return coerce(c, ty(c, n, false), want, "the expression");
}

/* ---- names ---------------------------------------------------------------- */

static VExpr *local_ref(VSCtx *c, uint32_t i, Span sp)
{
    VLocal *l = &c->env->locals->v[i];
    VExpr *e = vexpr_new(c, VX_LOCAL, l->type, sp);
    e->u.local.index = i;
    e->u.local.name = l->name;
    return e;
}

static VExpr *permlit(VSCtx *c, int64_t num, int64_t den, Span sp)
{
    VExpr *e = vexpr_new(c, VX_PERMLIT, c->t_perm, sp);
    e->u.perm.num = num;
    e->u.perm.den = den;
    return e;
}

static VExpr *ty_ident(VSCtx *c, PNode *n)
{
    VEnv *env = c->env;
    Sym s = n->name;
    for (size_t i = c->bound.n; i-- > 0;)
        if (c->bound.v[i].name == s) return local_ref(c, c->bound.v[i].index, n->span);
    for (uint32_t i = env->npvars; i-- > 0;) {
        const PVar *p = &env->pvars[i];
        if (p->name != s) continue;
        const VType *t = vtype_shape(c, p->shape);
        if (!t) {
            verr(c, "type", &n->span, "variable %s has no known shape", s);
            return NULL;
        }
        VExpr *e = vexpr_new(c, p->global ? VX_PGLOBAL : VX_PVAR, t, n->span);
        e->u.pvar.slot = p->slot;
        e->u.pvar.name = s;
        return e;
    }
    if (s == c->k.heap && env->origin == VO_PANCAKE) return vexpr_new(c, VX_HEAP, c->t_iarray, n->span);
    if (s == c->k.retval) {
        if (!env->allow_retval || !env->fun) {
            verr(c, "placement", &n->span, "retval is only available in the ensures clauses of a "
                                           "Pancake function");
            return NULL;
        }
        const VType *t = vtype_shape(c, env->fun->ret);
        return t ? vexpr_new(c, VX_RETVAL, t, n->span) : NULL;
    }
    if (s == c->k.result) {
        if (!env->allow_result) {
            verr(c, "placement", &n->span, "result is only available in the postconditions of a "
                                           "function");
            return NULL;
        }
        return vexpr_new(c, VX_RESULT, env->result, n->span);
    }
    if (s == c->k.write) return permlit(c, 1, 1, n->span);
    if (s == c->k.none) return permlit(c, 0, 1, n->span);
    if (s == c->k.read && !viper_mode(c)) return permlit(c, 1, 2, n->span);
    if (s == c->k.wildcard) return vexpr_new(c, VX_WILDCARD, c->t_perm, n->span);
    if (env->origin == VO_PANCAKE) {
        int32_t mf = vfind_mfield(c->s, s);
        if (mf >= 0) {
            VExpr *e = vexpr_new(c, VX_MFIELD, c->t_ref, n->span);
            e->u.mfield = (uint32_t)mf;
            return e;
        }
    }
    if (vfind_pred(c->s, s) || vfind_func(c->s, s))
        verr(c, "name", &n->span, "%s is a %s: write %s(...)", s,
             vfind_pred(c->s, s) ? "predicate" : "function", s);
    else
        verr(c, "name", &n->span, "unknown name %s in %s", s, env->what);
    return NULL;
}

/* ---- calls ------------------------------------------------------------------ */

/* Types the written arguments against params [first, first+n) of locals,
 * prepending the implicit heap/model-field arguments when a Pancake
 * annotation calls a model declaration without them. */
static bool ty_args(VSCtx *c, PNode *n, Sym callee, VOrigin origin, bool domain,
                    const VLocals *locals, uint32_t nparams, VExprList *out)
{
    uint32_t nmf = (uint32_t)c->s->model_fields.n;
    uint32_t nimpl = 0;
    if (c->env->origin == VO_PANCAKE && origin == VO_MODEL && !domain &&
        n->args.n + 1 + nmf == nparams) {
        bool fits = locals->v[0].type->kind == VT_IARRAY;
        for (uint32_t i = 0; i < nmf; i++) fits &= locals->v[1 + i].type->kind == VT_REF;
        if (fits) nimpl = 1 + nmf;
    }
    if (n->args.n + nimpl != nparams) {
        verr(c, "type", &n->span, "%s takes %u argument(s), %u given", callee, nparams, n->args.n);
        return false;
    }
    out->v = arena_alloc(c->a, (nparams + 1) * sizeof *out->v);
    out->n = nparams;
    if (nimpl) {
        out->v[0] = vexpr_new(c, VX_HEAP, c->t_iarray, n->span);
        for (uint32_t i = 0; i < nmf; i++) {
            VExpr *m = vexpr_new(c, VX_MFIELD, c->t_ref, n->span);
            m->u.mfield = i;
            out->v[1 + i] = m;
        }
    }
    bool ok = true;
    for (uint32_t i = 0; i < n->args.n; i++) {
        char what[96];
        snprintf(what, sizeof what, "argument %u of %s", i + 1, callee);
        VExpr *a = coerce(c, ty_pure(c, n->args.v[i]), locals->v[nimpl + i].type, what);
        ok &= a != NULL;
        out->v[nimpl + i] = a;
    }
    return ok;
}

static VExpr *bounded(VSCtx *c, PNode *n, unsigned bits)
{
    if (n->args.n != 1) {
        verr(c, "type", &n->span, "%s takes 1 argument, %u given", n->name, n->args.n);
        return NULL;
    }
    VExpr *x = coerce(c, ty_pure(c, n->args.v[0]), c->t_int, "the argument of bounded");
    if (!x) return NULL;
    VExpr *lim;
    if (bits == 64) {
        lim = int_lit(c, 0, n->span);
        lim->u.lit.big = "18446744073709551616";
    } else {
        lim = int_lit(c, (int64_t)1 << bits, n->span);
    }
    VExpr *lo = binop(c, VB_LE, int_lit(c, 0, n->span), x, c->t_bool, n->span);
    VExpr *hi = binop(c, VB_LT, x, lim, c->t_bool, n->span);
    return binop(c, VB_AND, lo, hi, c->t_bool, n->span);
}

/* ---- pancake2viper's bit-vector prelude --------------------------------------
 * Its domain BitVectorDomain64 (bv64_from_int, bv64_to_int, bv64_and, ...)
 * is interpreted as SMT (_ BitVec 64). griddle represents a BV64 value by
 * its unsigned value in [0, 2^64) and expands each function into the exact
 * Int operation, so a model using them needs nothing else:
 *   from_int(x) = x % 2^64 (Euclidean, so in range), to_int(b) = b,
 *   and/or/xor/shl/lshr/ashr = the VB_ bit operations (64-bit two's
 *   complement of in-range operands, unsigned result), not(a) = a ^ (2^64-1),
 *   add/sub/mul = (a op b) % 2^64, neg(a) = (2^64 - a) % 2^64,
 *   udiv(a, b) = b == 0 ? 2^64-1 : a / b, urem(a, b) = b == 0 ? a : a % b
 *   (SMT-LIB's total bvudiv/bvurem), ult/ule/ugt/uge = the comparisons,
 *   slt/sle/sgt/sge compare the signed readings (a >= 2^63 ? a - 2^64 : a). */
enum { BV_FROM, BV_TO, BV_NOT, BV_NEG, BV_AND, BV_OR, BV_XOR, BV_SHL, BV_LSHR, BV_ASHR, BV_ADD,
       BV_SUB, BV_MUL, BV_UDIV, BV_UREM, BV_ULT, BV_ULE, BV_UGT, BV_UGE, BV_SLT, BV_SLE, BV_SGT,
       BV_SGE };
static const struct { const char *name; int op; } bv_fns[] = {
    {"bv64_from_int", BV_FROM}, {"bv64_to_int", BV_TO}, {"bv64_not", BV_NOT},
    {"bv64_neg", BV_NEG}, {"bv64_and", BV_AND}, {"bv64_or", BV_OR}, {"bv64_xor", BV_XOR},
    {"bv64_shl", BV_SHL}, {"bv64_lshr", BV_LSHR}, {"bv64_ashr", BV_ASHR}, {"bv64_add", BV_ADD},
    {"bv64_sub", BV_SUB}, {"bv64_mul", BV_MUL}, {"bv64_udiv", BV_UDIV}, {"bv64_urem", BV_UREM},
    {"bv64_ult", BV_ULT}, {"bv64_ule", BV_ULE}, {"bv64_ugt", BV_UGT}, {"bv64_uge", BV_UGE},
    {"bv64_slt", BV_SLT}, {"bv64_sle", BV_SLE}, {"bv64_sgt", BV_SGT}, {"bv64_sge", BV_SGE},
};

static VExpr *big_lit(VSCtx *c, const char *dec, Span sp)
{
    VExpr *e = int_lit(c, 0, sp);
    e->u.lit.big = dec;
    return e;
}

#define TWO64 "18446744073709551616"
#define MAX64 "18446744073709551615"

static VExpr *mod64(VSCtx *c, VExpr *a, Span sp)
{
    return binop(c, VB_MOD, a, big_lit(c, TWO64, sp), c->t_int, sp);
}

static VExpr *signed64(VSCtx *c, VExpr *a, Span sp)
{
    VExpr *neg = binop(c, VB_GE, a, big_lit(c, "9223372036854775808", sp), c->t_bool, sp);
    VExpr *e = vexpr_new(c, VX_COND, c->t_int, sp);
    e->u.tern.c = neg;
    e->u.tern.a = binop(c, VB_SUB, a, big_lit(c, TWO64, sp), c->t_int, sp);
    e->u.tern.b = a;
    return e;
}

static VExpr *cond(VSCtx *c, VExpr *k, VExpr *a, VExpr *b, Span sp)
{
    VExpr *e = vexpr_new(c, VX_COND, a->type, sp);
    e->u.tern.c = k;
    e->u.tern.a = a;
    e->u.tern.b = b;
    return e;
}

/* NULL with *found false when n names no bit-vector function. */
static VExpr *ty_bv64(VSCtx *c, PNode *n, bool *found)
{
    int op = -1;
    for (size_t i = 0; i < ARRAY_LEN(bv_fns) && op < 0; i++)
        if (!strcmp(n->name, bv_fns[i].name)) op = bv_fns[i].op;
    *found = op >= 0;
    if (op < 0) return NULL;
    uint32_t want = op <= BV_NEG ? 1 : 2;
    if (n->args.n != want) {
        verr(c, "type", &n->span, "%s takes %u argument(s), %u given", n->name, want, n->args.n);
        return NULL;
    }
    VExpr *a = coerce(c, ty_pure(c, n->args.v[0]), c->t_int, "the argument");
    VExpr *b = want == 2 ? coerce(c, ty_pure(c, n->args.v[1]), c->t_int, "the argument") : NULL;
    if (!a || (want == 2 && !b)) return NULL;
    Span sp = n->span;
    switch (op) {
    case BV_FROM: return mod64(c, a, sp);
    case BV_TO: return a;
    case BV_NOT: return binop(c, VB_BXOR, a, big_lit(c, MAX64, sp), c->t_int, sp);
    case BV_NEG: return mod64(c, binop(c, VB_SUB, big_lit(c, TWO64, sp), a, c->t_int, sp), sp);
    case BV_AND: return binop(c, VB_BAND, a, b, c->t_int, sp);
    case BV_OR: return binop(c, VB_BOR, a, b, c->t_int, sp);
    case BV_XOR: return binop(c, VB_BXOR, a, b, c->t_int, sp);
    case BV_SHL: return binop(c, VB_SHL, a, b, c->t_int, sp);
    case BV_LSHR: return binop(c, VB_LSHR, a, b, c->t_int, sp);
    case BV_ASHR: return binop(c, VB_ASHR, a, b, c->t_int, sp);
    case BV_ADD: return mod64(c, binop(c, VB_ADD, a, b, c->t_int, sp), sp);
    case BV_SUB: return mod64(c, binop(c, VB_SUB, a, b, c->t_int, sp), sp);
    case BV_MUL: return mod64(c, binop(c, VB_MUL, a, b, c->t_int, sp), sp);
    case BV_UDIV:
    case BV_UREM: {
        VExpr *zero = binop(c, VB_EQ, b, int_lit(c, 0, sp), c->t_bool, sp);
        VExpr *q = binop(c, op == BV_UDIV ? VB_DIV : VB_MOD, a, b, c->t_int, sp);
        return cond(c, zero, op == BV_UDIV ? big_lit(c, MAX64, sp) : a, q, sp);
    }
    case BV_ULT: return binop(c, VB_LT, a, b, c->t_bool, sp);
    case BV_ULE: return binop(c, VB_LE, a, b, c->t_bool, sp);
    case BV_UGT: return binop(c, VB_GT, a, b, c->t_bool, sp);
    case BV_UGE: return binop(c, VB_GE, a, b, c->t_bool, sp);
    }
    VBinOp cmp = op == BV_SLT ? VB_LT : op == BV_SLE ? VB_LE : op == BV_SGT ? VB_GT : VB_GE;
    return binop(c, cmp, signed64(c, a, sp), signed64(c, b, sp), c->t_bool, sp);
}

static VExpr *ty_collection(VSCtx *c, PNode *n)
{
    bool seq = n->name == c->k.Seq;
    const VType *el = n->targ ? vtype_of(c, n->targ) : NULL;
    if (n->targ && !el) return NULL;
    VExpr *e = vexpr_new(c, seq ? VX_SEQLIT : VX_SETLIT, NULL, n->span);
    e->u.list.v = arena_alloc(c->a, (n->args.n + 1) * sizeof *e->u.list.v);
    e->u.list.n = n->args.n;
    for (uint32_t i = 0; i < n->args.n; i++) {
        VExpr *a = ty_pure(c, n->args.v[i]);
        if (!a) return NULL;
        if (!el) el = a->type;
        else if (!(a = coerce(c, a, el, "a collection element"))) return NULL;
        e->u.list.v[i] = a;
    }
    if (!el) {
        verr(c, "type", &n->span, "empty %s literal needs its element type: %s[T]()", n->name, n->name);
        return NULL;
    }
    e->type = vtype_new(c, seq ? VT_SEQ : VT_SET, el, NULL);
    return e;
}

static bool is_heaplike(const VExpr *e)
{
    return e->kind == VX_HEAP || (e->type && e->type->kind == VT_IARRAY);
}

static VExpr *ty_call(VSCtx *c, PNode *n, bool assn)
{
    Sym s = n->name;
    if (s == c->k.Seq || s == c->k.Set) return ty_collection(c, n);
    if (s == c->k.perm) {
        if (c->env->origin != VO_MODEL)
            verr(c, "type", &n->span, "perm(...) is only available in model files");
        VExpr *loc = ty_pure(c, n->args.v[0]);
        if (!loc) return NULL;
        if (!((loc->kind == VX_INDEX && is_heaplike(loc->u.idx.base)) || loc->kind == VX_FIELD)) {
            verr(c, "type", &loc->span, "perm(...) needs a field location (x.f or a[i])");
            return NULL;
        }
        VExpr *e = vexpr_new(c, VX_PERM, c->t_perm, n->span);
        e->u.permof.loc = loc;
        return e;
    }
    if (s == c->k.alen) {
        if (n->args.n != 1) {
            verr(c, "type", &n->span, "alen takes 1 argument, %u given", n->args.n);
            return NULL;
        }
        VExpr *a = ty_pure(c, n->args.v[0]);
        if (!a) return NULL;
        if (!is_heaplike(a)) {
            verr(c, "type", &a->span, "alen needs an IArray, not %s", tstr(c, a->type));
            return NULL;
        }
        VExpr *e = vexpr_new(c, VX_LEN, c->t_int, n->span);
        e->u.un.a = a;
        return e;
    }
    if (s == c->k.bounded) return bounded(c, n, PNK_WORD_BITS);
    if (s == c->k.bounded8) return bounded(c, n, 8);
    if (s == c->k.bounded16) return bounded(c, n, 16);
    if (s == c->k.bounded32) return bounded(c, n, 32);
    if (s == c->k.bounded64) return bounded(c, n, 64);
    VFunc *f = vfind_func(c->s, s);
    VPred *p = vfind_pred(c->s, s);
    if (viper_mode(c) && ((f && f->origin == VO_PANCAKE) || (p && p->origin == VO_PANCAKE))) {
        verr(c, "name", &n->span, "%s is declared in a Pancake annotation: model files only see "
                                  "model declarations", s);
        return NULL;
    }
    if (f) {
        VExpr *e = vexpr_new(c, VX_CALL, f->ret, n->span);
        e->u.call.fn = f;
        return ty_args(c, n, s, f->origin, f->is_domain, &f->locals, f->nparams, &e->u.call.args)
                   ? e : NULL;
    }
    if (p) {
        if (!assn) {
            verr(c, "type", &n->span, "predicate instance %s(...) in a pure position (only in "
                                      "assertions, or under unfolding)", s);
            return NULL;
        }
        VExpr *e = vexpr_new(c, VX_PREDCALL, c->t_bool, n->span);
        e->u.call.pred = p;
        return ty_args(c, n, s, p->origin, false, &p->locals, p->nparams, &e->u.call.args) ? e : NULL;
    }
    if (vfind_method(c->s, s)) {
        verr(c, "type", &n->span, "method %s cannot be called in an expression", s);
        return NULL;
    }
    bool bv;
    VExpr *e = ty_bv64(c, n, &bv);
    if (bv) return e;
    verr(c, "name", &n->span, "unknown function or predicate %s", s);
    return NULL;
}

/* A predicate instance P(args), for acc/fold/unfold/unfolding. */
static VExpr *ty_predcall(VSCtx *c, PNode *n)
{
    if (n->kind != P_CALL || !vfind_pred(c->s, n->name)) {
        verr(c, "type", &n->span, "expected a predicate instance P(...)");
        return NULL;
    }
    return ty_call(c, n, true);
}

VExpr *vtype_foldarg(VSCtx *c, PNode *n)
{
    VExpr *e = ty(c, n, true);
    if (!e) return NULL;
    if (e->kind == VX_PREDCALL || (e->kind == VX_ACC && e->u.acc.loc->kind == VX_PREDCALL))
        return e;
    verr(c, "type", &n->span, "fold and unfold need a predicate instance P(...) or acc(P(...), p)");
    return NULL;
}

/* ---- operators -------------------------------------------------------------- */

static VExpr *ty_eq(VSCtx *c, PNode *n, bool neg, bool viper_eq)
{
    VExpr *a = ty_pure(c, n->a), *b = ty_pure(c, n->b);
    if (!a || !b) return NULL;
    if (!vtype_eq(a->type, b->type) && !viper_eq) {
        if (is_bool(a) && is_int(b) && !viper_mode(c)) b = as_bool(c, b, "operand");
        else if (is_int(a) && is_bool(b) && !viper_mode(c)) a = as_bool(c, a, "operand");
        else if (is_perm(a)) b = to_perm(c, b, "the right operand");
        else if (is_perm(b)) a = to_perm(c, a, "the left operand");
        if (!a || !b) return NULL;
    }
    if (!vtype_eq(a->type, b->type)) {
        verr(c, "type", &n->span, "cannot compare %s with %s", tstr(c, a->type), tstr(c, b->type));
        return NULL;
    }
    return binop(c, neg ? VB_NE : VB_EQ, a, b, c->t_bool, n->span);
}

static VBinOp cmp_op(int op)
{
    switch (op) {
    case VT_LT: case VT_LTU: return VB_LT;
    case VT_LE: case VT_LEU: return VB_LE;
    case VT_GT: case VT_GTU: return VB_GT;
    default: return VB_GE;
    }
}

static VExpr *ty_arith(VSCtx *c, PNode *n, VExpr *a, VExpr *b)
{
    int op = n->op;
    if ((is_perm(a) || is_perm(b)) && (op == VT_PLUS || op == VT_MINUS || op == VT_STAR ||
                                       op == VT_SLASH)) {
        if (op == VT_STAR && (is_int(a) || is_int(b)))
            return binop(c, VB_MUL, a, b, c->t_perm, n->span); /* n * p */
        if (op == VT_SLASH) {
            if (!is_perm(a) || !is_int(b)) {
                verr(c, "type", &n->span, "a permission can only be divided by an Int");
                return NULL;
            }
            return binop(c, VB_DIV, a, b, c->t_perm, n->span);
        }
        a = to_perm(c, a, "the left operand");
        b = to_perm(c, b, "the right operand");
        if (!a || !b) return NULL;
        return binop(c, op == VT_PLUS ? VB_ADD : op == VT_MINUS ? VB_SUB : VB_MUL, a, b, c->t_perm,
                     n->span);
    }
    if (!is_int(a) || !is_int(b)) {
        verr(c, "type", &n->span, "operator '%s' needs Int operands, not %s and %s",
             vtok_text((VTokKind)op), tstr(c, a->type), tstr(c, b->type));
        return NULL;
    }
    VBinOp bo;
    switch (op) {
    case VT_PLUS: bo = VB_ADD; break;
    case VT_MINUS: bo = VB_SUB; break;
    case VT_STAR: bo = VB_MUL; break;
    case VT_SLASH:
    case VT_BSLASH: bo = VB_DIV; break;
    case VT_PERCENT: bo = VB_MOD; break;
    case VT_AMP: bo = VB_BAND; break;
    case VT_BAR: bo = VB_BOR; break;
    default: bo = VB_BXOR; break;
    }
    return binop(c, bo, a, b, c->t_int, n->span);
}

static VExpr *ty_collop(VSCtx *c, PNode *n, VExpr *a, VExpr *b)
{
    int op = n->op;
    if (op == PB_IN) {
        if (!b->type || (b->type->kind != VT_SEQ && b->type->kind != VT_SET)) {
            verr(c, "type", &b->span, "'in' needs a Seq or Set on its right, not %s", tstr(c, b->type));
            return NULL;
        }
        if (!(a = coerce(c, a, b->type->elem, "the element"))) return NULL;
        return binop(c, VB_IN, a, b, c->t_bool, n->span);
    }
    VTypeKind want = op == VT_PLUSPLUS ? VT_SEQ : VT_SET;
    if (!a->type || a->type->kind != want || !vtype_eq(a->type, b->type)) {
        verr(c, "type", &n->span, "operator needs two %s of the same type, not %s and %s",
             want == VT_SEQ ? "sequences" : "sets", tstr(c, a->type), tstr(c, b->type));
        return NULL;
    }
    VBinOp bo = op == VT_PLUSPLUS ? VB_CONCAT : op == PB_UNION ? VB_UNION
              : op == PB_INTERSECT ? VB_INTERSECT : op == PB_SETMINUS ? VB_SETMINUS : VB_SUBSET;
    return binop(c, bo, a, b, bo == VB_SUBSET ? c->t_bool : a->type, n->span);
}

static VExpr *ty_bin(VSCtx *c, PNode *n, bool assn)
{
    int op = n->op;
    switch (op) {
    case VT_ANDAND: {
        VExpr *a = as_bool(c, ty(c, n->a, assn), "operand of &&");
        VExpr *b = as_bool(c, ty(c, n->b, assn), "operand of &&");
        return a && b ? binop(c, VB_AND, a, b, c->t_bool, n->span) : NULL;
    }
    case VT_OROR:
    case VT_IFF: {
        VExpr *a = as_bool(c, ty_pure(c, n->a), "operand");
        VExpr *b = as_bool(c, ty_pure(c, n->b), "operand");
        return a && b ? binop(c, op == VT_OROR ? VB_OR : VB_IFF, a, b, c->t_bool, n->span) : NULL;
    }
    case VT_IMPL: {
        VExpr *a = as_bool(c, ty_pure(c, n->a), "the condition of ==>");
        VExpr *b = as_bool(c, ty(c, n->b, assn), "the right side of ==>");
        return a && b ? binop(c, VB_IMPLIES, a, b, c->t_bool, n->span) : NULL;
    }
    case VT_EQ: case VT_NE: return ty_eq(c, n, op == VT_NE, false);
    case VT_VEQ: case VT_VNE: return ty_eq(c, n, op == VT_VNE, true);
    }
    VExpr *a = ty_pure(c, n->a), *b = ty_pure(c, n->b);
    if (!a || !b) return NULL;
    switch (op) {
    case VT_LT: case VT_LE: case VT_GT: case VT_GE:
    case VT_LTU: case VT_LEU: case VT_GTU: case VT_GEU:
        if (is_perm(a) || is_perm(b)) {
            a = to_perm(c, a, "the left operand");
            b = to_perm(c, b, "the right operand");
            if (!a || !b) return NULL;
        } else if (!is_int(a) || !is_int(b)) {
            verr(c, "type", &n->span, "comparison needs Int (or Perm) operands, not %s and %s",
                 tstr(c, a->type), tstr(c, b->type));
            return NULL;
        }
        return binop(c, cmp_op(op), a, b, c->t_bool, n->span);
    case PB_IN: case VT_PLUSPLUS: case PB_UNION: case PB_INTERSECT: case PB_SETMINUS:
    case PB_SUBSET:
        return ty_collop(c, n, a, b);
    }
    return ty_arith(c, n, a, b);
}

static VExpr *ty_un(VSCtx *c, PNode *n)
{
    if (n->op == VT_BANG) {
        VExpr *a = as_bool(c, ty_pure(c, n->a), "operand of !");
        if (!a) return NULL;
        VExpr *e = vexpr_new(c, VX_UNOP, c->t_bool, n->span);
        e->u.un.op = VU_NOT;
        e->u.un.a = a;
        return e;
    }
    VExpr *a = ty_pure(c, n->a);
    if (!a) return NULL;
    if (a->kind == VX_INT && !a->u.lit.big && a->u.lit.v == INT64_MIN) {
        a->u.lit.big = "9223372036854775808"; /* - -2^63 */
        a->u.lit.v = 0;
        a->span = n->span;
        return a;
    }
    if (a->kind == VX_INT && !a->u.lit.big) {
        a->u.lit.v = -a->u.lit.v;
        a->span = n->span;
        return a;
    }
    if (a->kind == VX_INT && !strcmp(a->u.lit.big, "9223372036854775808")) {
        a->u.lit.big = NULL;
        a->u.lit.v = INT64_MIN;
        a->span = n->span;
        return a;
    }
    if (!is_int(a) && !is_perm(a)) {
        verr(c, "type", &n->span, "unary '-' needs an Int or Perm, not %s", tstr(c, a->type));
        return NULL;
    }
    VExpr *e = vexpr_new(c, VX_UNOP, a->type, n->span);
    e->u.un.op = VU_NEG;
    e->u.un.a = a;
    return e;
}

static VExpr *ty_tern(VSCtx *c, PNode *n, bool assn)
{
    VExpr *k = as_bool(c, ty_pure(c, n->a), "the condition of ?:");
    VExpr *a = ty(c, n->b, assn), *b = ty(c, n->c, assn);
    if (!k || !a || !b) return NULL;
    if (!vtype_eq(a->type, b->type)) {
        if (is_bool(a) || is_bool(b)) {
            a = as_bool(c, a, "a branch of ?:");
            b = as_bool(c, b, "a branch of ?:");
        } else if (is_perm(a) || is_perm(b)) {
            a = to_perm(c, a, "a branch of ?:");
            b = to_perm(c, b, "a branch of ?:");
        }
        if (!a || !b) return NULL;
        if (!vtype_eq(a->type, b->type)) {
            verr(c, "type", &n->span, "the branches of ?: have types %s and %s", tstr(c, a->type),
                 tstr(c, b->type));
            return NULL;
        }
    }
    VExpr *e = vexpr_new(c, VX_COND, a->type, n->span);
    e->u.tern.c = k;
    e->u.tern.a = a;
    e->u.tern.b = b;
    return e;
}

/* ---- selections ---------------------------------------------------------------- */

/* Field k of struct value a: its word range in the flattening, and its
 * type (named when the struct's declaration gives the field a named shape). */
static VExpr *sfield(VSCtx *c, PNode *n, VExpr *a, uint32_t k)
{
    const Shape *sh = a->type->shape;
    uint32_t off = 0;
    for (uint32_t i = 0; i < k; i++) off += shape_size(sh->elems[i]);
    const Shape *fs = sh->elems[k];
    StructDecl *sd = a->type->name ? check_find_struct(c->s->prog, a->type->name) : NULL;
    if (sd && k < sd->nfields) fs = sd->fields[k].shape;
    const VType *t = vtype_shape(c, fs);
    if (!t) return NULL;
    VExpr *e = vexpr_new(c, VX_SFIELD, t, n->span);
    e->u.sfld.e = a;
    e->u.sfld.index = k;
    e->u.sfld.offset = off;
    e->u.sfld.words = t->kind == VT_SHAPE ? t->words : 1;
    return e;
}

static VExpr *ty_sfield(VSCtx *c, PNode *n)
{
    VExpr *a = ty_pure(c, n->a);
    if (!a) return NULL;
    if (!a->type || a->type->kind != VT_SHAPE) {
        verr(c, "type", &n->span, "field .%" PRIu64 " of a value of type %s (not a struct)",
             n->val, tstr(c, a->type));
        return NULL;
    }
    const Shape *sh = a->type->shape;
    if (n->val >= sh->n) {
        verr(c, "type", &n->nspan, "field .%" PRIu64 " of a struct with %u field(s)", n->val, sh->n);
        return NULL;
    }
    return sfield(c, n, a, (uint32_t)n->val);
}

static VExpr *ty_field(VSCtx *c, PNode *n)
{
    VExpr *r = ty_pure(c, n->a);
    if (!r) return NULL;
    if (r->type && r->type->kind == VT_SHAPE && r->type->name) {
        /* .name of a named Pancake struct */
        StructDecl *sd = check_find_struct(c->s->prog, r->type->name);
        for (uint32_t k = 0; sd && k < sd->nfields; k++)
            if (sd->fields[k].name == n->name) return sfield(c, n, r, k);
        verr(c, "name", &n->nspan, "struct %s has no field %s", r->type->name, n->name);
        return NULL;
    }
    VField *f = vfind_field(c->s, n->name);
    if (!f) {
        verr(c, "name", &n->nspan, "unknown field %s (declare it in a model file, or with "
                                  "/@ extern field %s: T @/)", n->name, n->name);
        return NULL;
    }
    if (!r->type || r->type->kind != VT_REF) {
        verr(c, "type", &n->span, "field .%s of a value of type %s (not a Ref)", n->name,
             tstr(c, r->type));
        return NULL;
    }
    VExpr *e = vexpr_new(c, VX_FIELD, f->type, n->span);
    e->u.fld.recv = r;
    e->u.fld.field = f;
    return e;
}

static VExpr *ty_index(VSCtx *c, PNode *n)
{
    VExpr *base = ty_pure(c, n->a);
    VExpr *i = coerce(c, ty_pure(c, n->b), c->t_int, "the index");
    if (!base || !i) return NULL;
    const VType *t;
    if (is_heaplike(base)) t = c->t_int;
    else if (base->type && base->type->kind == VT_SEQ) t = base->type->elem;
    else {
        verr(c, "type", &n->a->span, "indexing a value of type %s (needs heap, an IArray or a Seq)",
             tstr(c, base->type));
        return NULL;
    }
    VExpr *e = vexpr_new(c, VX_INDEX, t, n->span);
    e->u.idx.base = base;
    e->u.idx.index = i;
    return e;
}

/* lo..hi with ..= normalised to hi+1 */
static bool ty_bounds(VSCtx *c, PNode *n, VExpr **lo, VExpr **hi)
{
    *lo = *hi = NULL;
    if (n->b && !(*lo = coerce(c, ty_pure(c, n->b), c->t_int, "the slice start"))) return false;
    if (n->c && !(*hi = coerce(c, ty_pure(c, n->c), c->t_int, "the slice end"))) return false;
    if (n->incl && *hi) *hi = binop(c, VB_ADD, *hi, int_lit(c, 1, n->c->span), c->t_int, n->c->span);
    return true;
}

static VExpr *ty_slice(VSCtx *c, PNode *n)
{
    VExpr *base = ty_pure(c, n->a), *lo, *hi;
    if (!base || !ty_bounds(c, n, &lo, &hi)) return NULL;
    if (is_heaplike(base)) {
        verr(c, "type", &n->span, "a slice of %s is only allowed inside acc(...)",
             base->kind == VX_HEAP ? "heap" : "an IArray");
        return NULL;
    }
    if (!base->type || base->type->kind != VT_SEQ) {
        verr(c, "type", &n->span, "slicing a value of type %s (needs a Seq)", tstr(c, base->type));
        return NULL;
    }
    VExpr *e = vexpr_new(c, VX_SEQSLICE, base->type, n->span);
    e->u.slice.base = base;
    e->u.slice.lo = lo;
    e->u.slice.hi = hi;
    return e;
}

static VExpr *ty_update(VSCtx *c, PNode *n)
{
    VExpr *s = ty_pure(c, n->a);
    VExpr *i = coerce(c, ty_pure(c, n->b), c->t_int, "the index");
    VExpr *v = ty_pure(c, n->c);
    if (!s || !i || !v) return NULL;
    if (!s->type || s->type->kind != VT_SEQ) {
        verr(c, "type", &n->span, "s[i := v] needs a Seq, not %s", tstr(c, s->type));
        return NULL;
    }
    if (!(v = coerce(c, v, s->type->elem, "the new element"))) return NULL;
    VExpr *e = vexpr_new(c, VX_SEQUPDATE, s->type, n->span);
    e->u.upd.s = s;
    e->u.upd.i = i;
    e->u.upd.v = v;
    return e;
}

static VExpr *ty_struct(VSCtx *c, PNode *n)
{
    VExpr *e = vexpr_new(c, VX_STRUCT, NULL, n->span);
    e->u.list.v = arena_alloc(c->a, (n->args.n + 1) * sizeof *e->u.list.v);
    e->u.list.n = n->args.n;
    Shape **el = arena_alloc(c->a, (n->args.n + 1) * sizeof *el);
    for (uint32_t i = 0; i < n->args.n; i++) {
        VExpr *a = ty_pure(c, n->args.v[i]);
        if (!a) return NULL;
        if (is_int(a)) el[i] = shape_one(c->a);
        else if (a->type && a->type->kind == VT_SHAPE) el[i] = (Shape *)a->type->shape;
        else {
            verr(c, "type", &a->span, "a struct field must be an Int or a struct, not %s",
                 tstr(c, a->type));
            return NULL;
        }
        e->u.list.v[i] = a;
    }
    VType *t = arena_alloc(c->a, sizeof *t);
    t->kind = VT_SHAPE;
    t->shape = shape_comb(c->a, el, n->args.n);
    t->words = shape_size(t->shape);
    e->type = t;
    return e;
}

static VExpr *ty_len(VSCtx *c, PNode *n)
{
    VExpr *a = ty_pure(c, n->a);
    if (!a) return NULL;
    if (!is_heaplike(a) && !(a->type && (a->type->kind == VT_SEQ || a->type->kind == VT_SET))) {
        verr(c, "type", &n->span, "|e| needs a Seq, Set or IArray, not %s", tstr(c, a->type));
        return NULL;
    }
    VExpr *e = vexpr_new(c, VX_LEN, c->t_int, n->span);
    e->u.un.a = a;
    return e;
}

/* ---- permissions ------------------------------------------------------------------ */

static VExpr *ty_acc(VSCtx *c, PNode *n, bool assn)
{
    if (!assn) {
        verr(c, "type", &n->span, "acc(...) in a pure position (only in assertions)");
        return NULL;
    }
    VExpr *perm = NULL;
    if (n->b && !(perm = to_perm(c, ty_pure(c, n->b), "the permission"))) return NULL;
    PNode *l = n->a;
    if (l->kind == P_SLICE) {
        VExpr *base = ty_pure(c, l->a), *lo, *hi;
        if (!base || !ty_bounds(c, l, &lo, &hi)) return NULL;
        if (!is_heaplike(base)) {
            verr(c, "type", &l->span, "acc of a slice needs heap or an IArray, not %s",
                 tstr(c, base->type));
            return NULL;
        }
        if (!lo || !hi) {
            verr(c, "type", &l->span, "acc of a slice needs both bounds: acc(a[lo..hi])");
            return NULL;
        }
        VExpr *e = vexpr_new(c, VX_ACCSLICE, c->t_bool, n->span);
        e->u.slice.base = base;
        e->u.slice.lo = lo;
        e->u.slice.hi = hi;
        e->u.slice.perm = perm;
        return e;
    }
    VExpr *loc;
    if (l->kind == P_CALL && vfind_pred(c->s, l->name)) {
        loc = ty_call(c, l, true);
    } else {
        loc = ty_pure(c, l);
        if (loc && !(loc->kind == VX_FIELD ||
                     (loc->kind == VX_INDEX && is_heaplike(loc->u.idx.base)))) {
            verr(c, "type", &l->span, "acc(...) needs a location: heap[e], a[e] on an IArray, "
                                      "x.f, or a predicate instance P(...)");
            return NULL;
        }
    }
    if (!loc) return NULL;
    VExpr *e = vexpr_new(c, VX_ACC, c->t_bool, n->span);
    e->u.acc.loc = loc;
    e->u.acc.perm = perm;
    return e;
}

static VExpr *ty_unfolding(VSCtx *c, PNode *n, bool assn)
{
    VExpr *pred, *perm = NULL;
    if (n->a->kind == P_ACC) {
        if (n->a->b && !(perm = to_perm(c, ty_pure(c, n->a->b), "the permission"))) return NULL;
        pred = ty_predcall(c, n->a->a);
    } else {
        pred = ty_predcall(c, n->a);
    }
    VExpr *body = ty(c, n->b, assn);
    if (!pred || !body) return NULL;
    VExpr *e = vexpr_new(c, VX_UNFOLDING, body->type, n->span);
    e->u.unf.pred = pred;
    e->u.unf.perm = perm;
    e->u.unf.body = body;
    return e;
}

static VExpr *ty_let(VSCtx *c, PNode *n, bool assn)
{
    VExpr *v = ty_pure(c, n->a);
    if (!v) return NULL;
    uint32_t idx = vlocal_add(c, c->env->locals, n->name, v->type, n->span);
    vec_push(&c->bound, ((Bound){n->name, idx}));
    VExpr *body = ty(c, n->b, assn);
    c->bound.n--;
    if (!body) return NULL;
    VExpr *e = vexpr_new(c, VX_LET, body->type, n->span);
    e->u.let.local = idx;
    e->u.let.e = v;
    e->u.let.body = body;
    return e;
}

static VExpr *ty_quant(VSCtx *c, PNode *n, bool assn)
{
    size_t mark = c->bound.n;
    uint32_t first = c->env->locals->n;
    for (uint32_t i = 0; i < n->vars.n; i++) {
        const VType *t = vtype_of(c, n->vars.v[i].type);
        if (!t) {
            c->bound.n = mark;
            return NULL;
        }
        uint32_t idx = vlocal_add(c, c->env->locals, n->vars.v[i].name, t, n->vars.v[i].span);
        vec_push(&c->bound, ((Bound){n->vars.v[i].name, idx}));
    }
    VExpr *e = vexpr_new(c, VX_QUANT, c->t_bool, n->span);
    e->u.quant.kind = n->exists ? VQ_EXISTS : VQ_FORALL;
    e->u.quant.first = first;
    e->u.quant.nvars = n->vars.n;
    e->u.quant.ntriggers = n->ntrig;
    e->u.quant.triggers = arena_alloc(c->a, (n->ntrig + 1) * sizeof *e->u.quant.triggers);
    bool ok = true;
    for (uint32_t i = 0; i < n->ntrig; i++) {
        VExprList *tl = &e->u.quant.triggers[i];
        tl->v = arena_alloc(c->a, (n->trig[i].n + 1) * sizeof *tl->v);
        tl->n = n->trig[i].n;
        for (uint32_t j = 0; j < tl->n; j++) ok &= (tl->v[j] = ty_pure(c, n->trig[i].v[j])) != NULL;
    }
    e->u.quant.body = as_bool(c, ty(c, n->a, assn && !n->exists), "the quantifier body");
    c->bound.n = mark;
    return ok && e->u.quant.body ? e : NULL;
}

static VExpr *ty(VSCtx *c, PNode *n, bool assn)
{
    if (++c->tdepth > 400) {
        c->tdepth--;
        verr(c, "syntax", &n->span, "expression nested too deeply");
        return NULL;
    }
    VExpr *e = NULL;
    switch (n->kind) {
    case P_NUM:
        e = int_lit(c, n->big ? 0 : (int64_t)n->val, n->span);
        e->u.lit.big = n->big;
        break;
    case P_BOOL:
        e = vexpr_new(c, VX_BOOL, c->t_bool, n->span);
        e->u.bval = n->val != 0;
        break;
    case P_NULL: e = vexpr_new(c, VX_NULL, c->t_ref, n->span); break;
    case P_IDENT: e = ty_ident(c, n); break;
    case P_UN: e = ty_un(c, n); break;
    case P_BIN: e = ty_bin(c, n, assn); break;
    case P_TERN: e = ty_tern(c, n, assn); break;
    case P_CALL: e = ty_call(c, n, assn); break;
    case P_SFIELD: e = ty_sfield(c, n); break;
    case P_FIELD: e = ty_field(c, n); break;
    case P_INDEX: e = ty_index(c, n); break;
    case P_SLICE: e = ty_slice(c, n); break;
    case P_UPDATE: e = ty_update(c, n); break;
    case P_SHIFT: {
        VExpr *a = coerce(c, ty_pure(c, n->a), c->t_int, "the shifted value");
        if (!a) break;
        VExpr *amt = int_lit(c, n->b->big ? 0 : (int64_t)n->b->val, n->b->span);
        amt->u.lit.big = n->b->big;
        e = binop(c, n->op == VT_SHL ? VB_SHL : n->op == VT_ASR ? VB_ASHR : VB_LSHR, a, amt,
                  c->t_int, n->span);
        break;
    }
    case P_STRUCT: e = ty_struct(c, n); break;
    case P_LEN: e = ty_len(c, n); break;
    case P_ACC: e = ty_acc(c, n, assn); break;
    case P_OLD: {
        if (!c->env->allow_old) {
            verr(c, "placement", &n->span, "old(...) is not available in %s", c->env->what);
            break;
        }
        VExpr *a = ty_pure(c, n->a);
        if (!a) break;
        e = vexpr_new(c, VX_OLD, a->type, n->span);
        e->u.un.a = a;
        break;
    }
    case P_UNFOLDING: e = ty_unfolding(c, n, assn); break;
    case P_LET: e = ty_let(c, n, assn); break;
    case P_QUANT: e = ty_quant(c, n, assn); break;
    case P_PERMKW: break;
    }
    c->tdepth--;
    return e;
}

/* ---- constant folding (shared addresses) ------------------------------------------ */

typedef __int128 i128;
#define I128_LIM ((i128)1 << 100)

static bool ceval(const VExpr *e, i128 *out)
{
    i128 a, b;
    switch ((int)e->kind) {
    case VX_INT:
        if (e->u.lit.big) return false;
        *out = e->u.lit.v;
        return true;
    case VX_UNOP:
        if (e->u.un.op != VU_NEG || !ceval(e->u.un.a, &a)) return false;
        *out = -a;
        return true;
    case VX_BINOP:
        if (!ceval(e->u.bin.a, &a) || !ceval(e->u.bin.b, &b)) return false;
        switch ((int)e->u.bin.op) {
        case VB_ADD: *out = a + b; break;
        case VB_SUB: *out = a - b; break;
        case VB_MUL:
            if ((a > 0 ? a : -a) >= ((i128)1 << 64) || (b > 0 ? b : -b) >= ((i128)1 << 64))
                return false;
            *out = a * b;
            break;
        case VB_DIV:
        case VB_MOD:
            if (b == 0) return false;
            {   /* Viper's Euclidean division */
                i128 q = a / b, r = a % b;
                if (r < 0) {
                    r += b > 0 ? b : -b;
                    q = b > 0 ? q - 1 : q + 1;
                }
                *out = e->u.bin.op == VB_DIV ? q : r;
            }
            break;
        case VB_BAND: case VB_BOR: case VB_BXOR: case VB_SHL: case VB_LSHR: case VB_ASHR: {
            uint64_t x = (uint64_t)a, y = (uint64_t)b; /* 64-bit two's complement (§8.9) */
            uint64_t r;
            switch ((int)e->u.bin.op) {
            case VB_BAND: r = x & y; break;
            case VB_BOR: r = x | y; break;
            case VB_BXOR: r = x ^ y; break;
            case VB_SHL: r = y >= 64 ? 0 : x << y; break;
            case VB_LSHR: r = y >= 64 ? 0 : x >> y; break;
            default: r = y >= 64 ? ((int64_t)x < 0 ? UINT64_MAX : 0)
                                 : (uint64_t)((int64_t)x >> y); break;
            }
            *out = (i128)r;
            break;
        }
        default: return false;
        }
        return *out < I128_LIM && *out > -I128_LIM;
    }
    return false;
}

bool vconst_eval(VSCtx *c, const VExpr *e, uint64_t *out)
{
    (void)c;
    i128 v;
    if (!ceval(e, &v) || v < 0 || v >= ((i128)1 << 64)) return false;
    *out = (uint64_t)v;
    return true;
}
