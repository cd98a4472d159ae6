/* Bit-vector mode (docs/verifier.md "Bit-vector mode"): for a unit marked
 * `/@ bitvector @/` (or --bv NAME), every formula given to the solver is
 * rewritten so that integer arithmetic over words becomes exact
 * bit-vector arithmetic, which Z3 decides by bit-blasting instead of
 * mixing linear integer arithmetic with bv2int/int2bv (which it mostly
 * cannot decide: `x & y <= x`).
 *
 * The rewrite is an equivalence, so it cannot make a wrong program
 * verify: an Int term is "lifted" to a bit-vector B of some width w with
 * value(term) = signed(B) (two's complement of width w), wide enough that
 * no operation wraps: a word bv2int(X) is zero_extend(1, X) (65 bits),
 * a + b takes max(wa, wb) + 1 bits, a * b takes wa + wb bits, constants
 * as many as they need. Comparisons and equalities between two liftable
 * Int terms become bvsle/bvslt/= at a common width; int2bv(64, a) of a
 * liftable a is the low 64 bits of its lift (int2bv is modular). Terms
 * that cannot be lifted (heap words, ghost values of the specification,
 * uninterpreted functions, quantified variables) stay integers, so a
 * formula may mix both: sound, only less decidable. Overflow obligations
 * 0 <= a + b < 2^64 thus become 66-bit comparisons, the same fact as
 * bvadd's no-overflow check, and the two's-complement reading of signed
 * comparisons becomes a bit-vector comparison.
 *
 * Which words are bit-vectors: vgen makes the words of a bit-vector unit
 * (parameters, globals, call results, havocked locals) bv2int of fresh
 * 64-bit constants (val_fresh_words); code builds everything else from
 * them. */
#include "vgen_int.h"

#include <string.h>

enum { MAX_WIDTH = 512 };

typedef struct Lift {
    Z3_ast bv;      /* NULL: not liftable */
    unsigned w;
    bool nonneg;    /* the value is known to be >= 0 */
} Lift;

typedef struct Bv {
    Gen *g;
    Z3_context z;
    AstMemo memo;   /* role 0: Bool rewrite, 1: Int lift, 2: bit-vector rewrite */
} Bv;

static Z3_ast rw_bool(Bv *b, Z3_ast t);
static Z3_ast rw_bv(Bv *b, Z3_ast t);
static Lift lift(Bv *b, Z3_ast t);

static Z3_ast sext(Bv *b, Lift l, unsigned w)
{
    if (w == l.w) return l.bv;
    return Z3_mk_sign_ext(b->z, w - l.w, l.bv);
}

/* A constant integer as a signed bit-vector of just enough width. */
static Lift lift_numeral(Bv *b, Z3_ast t)
{
    Lift r = {0};
    const char *s = Z3_get_numeral_string(b->z, t);
    if (!s) return r;
    bool neg = *s == '-';
    const char *d = s + neg;
    size_t n = strlen(d);
    if (!n || n > 38 || strchr(d, '/') || strchr(d, '.')) return r;
    unsigned __int128 v = 0;
    for (size_t i = 0; i < n; i++) v = v * 10 + (unsigned)(d[i] - '0');
    unsigned bits = 1;
    while (bits < 128 && (v >> bits)) bits++;
    r.w = bits + 1;
    r.nonneg = !neg;
    Z3_sort srt = Z3_mk_bv_sort(b->z, r.w);
    r.bv = Z3_mk_numeral(b->z, d, srt);
    if (neg) r.bv = Z3_mk_bvneg(b->z, r.bv);
    return r;
}

static Lift lift_nary(Bv *b, Z3_app a, Z3_decl_kind k)
{
    Lift r = {0}, args[16];
    unsigned n = Z3_get_app_num_args(b->z, a);
    if (n == 0 || n > 16) return r;
    unsigned w = 0, sum = 0;
    bool nonneg = true;
    for (unsigned i = 0; i < n; i++) {
        args[i] = lift(b, Z3_get_app_arg(b->z, a, i));
        if (!args[i].bv) return r;
        if (args[i].w > w) w = args[i].w;
        sum += args[i].w;
        nonneg &= args[i].nonneg;
    }
    if (k == Z3_OP_MUL) w = sum;
    else w += n; /* n-1 additions: each at most one more bit */
    if (w > MAX_WIDTH) return r;
    Z3_ast acc = sext(b, args[0], w);
    for (unsigned i = 1; i < n; i++) {
        Z3_ast x = sext(b, args[i], w);
        acc = k == Z3_OP_ADD ? Z3_mk_bvadd(b->z, acc, x)
              : k == Z3_OP_SUB ? Z3_mk_bvsub(b->z, acc, x)
                               : Z3_mk_bvmul(b->z, acc, x);
    }
    r.bv = acc;
    r.w = w;
    r.nonneg = nonneg && k != Z3_OP_SUB;
    return r;
}

/* a div d, a mod d for a known non-negative a and a constant d > 0: the
 * unsigned operations agree with SMT-LIB's (Euclidean) div and mod. */
static Lift lift_divmod(Bv *b, Z3_app a, Z3_decl_kind k)
{
    Lift r = {0};
    Lift x = lift(b, Z3_get_app_arg(b->z, a, 0));
    Z3_ast dn = Z3_get_app_arg(b->z, a, 1);
    if (!x.bv || !x.nonneg || Z3_get_ast_kind(b->z, dn) != Z3_NUMERAL_AST) return r;
    Lift d = lift_numeral(b, dn);
    if (!d.bv || !d.nonneg) return r;
    uint64_t dv;
    if (term_u64(b->g, dn, &dv) && dv == 0) return r;
    unsigned w = x.w > d.w ? x.w : d.w;
    Z3_ast xa = sext(b, x, w), da = sext(b, d, w);
    r.bv = k == Z3_OP_IDIV ? Z3_mk_bvudiv(b->z, xa, da) : Z3_mk_bvurem(b->z, xa, da);
    r.w = w;
    r.nonneg = true;
    return r;
}

static Lift lift_app(Bv *b, Z3_ast t)
{
    Lift r = {0};
    Z3_app a = Z3_to_app(b->z, t);
    Z3_decl_kind k = Z3_get_decl_kind(b->z, Z3_get_app_decl(b->z, a));
    switch ((int)k) {
    case Z3_OP_BV2INT: {
        Z3_ast x = rw_bv(b, Z3_get_app_arg(b->z, a, 0));
        unsigned w = Z3_get_bv_sort_size(b->z, Z3_get_sort(b->z, x));
        if (w + 1 > MAX_WIDTH) return r;
        r.bv = Z3_mk_zero_ext(b->z, 1, x);
        r.w = w + 1;
        r.nonneg = true;
        return r;
    }
    case Z3_OP_ADD:
    case Z3_OP_SUB:
    case Z3_OP_MUL: return lift_nary(b, a, k);
    case Z3_OP_UMINUS: {
        Lift x = lift(b, Z3_get_app_arg(b->z, a, 0));
        if (!x.bv || x.w + 1 > MAX_WIDTH) return r;
        r.w = x.w + 1;
        r.bv = Z3_mk_bvneg(b->z, sext(b, x, r.w));
        return r;
    }
    case Z3_OP_IDIV:
    case Z3_OP_MOD: return lift_divmod(b, a, k);
    case Z3_OP_ITE: {
        Lift x = lift(b, Z3_get_app_arg(b->z, a, 1)), y = lift(b, Z3_get_app_arg(b->z, a, 2));
        if (!x.bv || !y.bv) return r;
        r.w = x.w > y.w ? x.w : y.w;
        r.bv = Z3_mk_ite(b->z, rw_bool(b, Z3_get_app_arg(b->z, a, 0)), sext(b, x, r.w), sext(b, y, r.w));
        r.nonneg = x.nonneg && y.nonneg;
        return r;
    }
    }
    return r;
}

static Lift lift(Bv *b, Z3_ast t)
{
    AstMemoSlot *m = ast_memo(b->z, &b->memo, t, 1, false);
    if (m) return (Lift){m->val, m->aux, m->flag};
    Lift r = {0};
    Z3_ast_kind ak = Z3_get_ast_kind(b->z, t);
    if (Z3_get_sort_kind(b->z, Z3_get_sort(b->z, t)) != Z3_INT_SORT) r = (Lift){0};
    else if (ak == Z3_NUMERAL_AST) r = lift_numeral(b, t);
    else if (ak == Z3_APP_AST) r = lift_app(b, t);
    m = ast_memo(b->z, &b->memo, t, 1, true);
    m->val = r.bv;
    m->aux = r.w;
    m->flag = r.nonneg;
    return r;
}

/* Rewrites an argument by its sort: Bool and bit-vector terms. */
static Z3_ast rw_arg(void *cx, Z3_ast x)
{
    Bv *b = cx;
    Z3_sort_kind sk = Z3_get_sort_kind(b->z, Z3_get_sort(b->z, x));
    return sk == Z3_BV_SORT ? rw_bv(b, x) : sk == Z3_BOOL_SORT ? rw_bool(b, x) : x;
}

/* A bit-vector term with int2bv of liftable integers replaced. */
static Z3_ast rw_bv(Bv *b, Z3_ast t)
{
    if (Z3_get_ast_kind(b->z, t) != Z3_APP_AST) return t;
    AstMemoSlot *m = ast_memo(b->z, &b->memo, t, 2, false);
    if (m) return m->val;
    Z3_app a = Z3_to_app(b->z, t);
    Z3_func_decl d = Z3_get_app_decl(b->z, a);
    Z3_ast r = t;
    if (Z3_get_decl_kind(b->z, d) == Z3_OP_INT2BV) {
        unsigned w = (unsigned)Z3_get_decl_int_parameter(b->z, d, 0);
        Lift x = lift(b, Z3_get_app_arg(b->z, a, 0));
        if (x.bv) r = x.w >= w ? Z3_mk_extract(b->z, w - 1, 0, x.bv) : sext(b, x, w);
    } else {
        r = ast_map_args(b->z, t, rw_arg, b);
    }
    m = ast_memo(b->z, &b->memo, t, 2, true);
    m->val = r;
    return r;
}

/* x op y for two integers, as a signed bit-vector comparison when both
 * lift; NULL otherwise. */
static Z3_ast cmp_lifted(Bv *b, Z3_decl_kind k, Z3_ast x0, Z3_ast y0)
{
    Lift x = lift(b, x0), y = lift(b, y0);
    if (!x.bv || !y.bv) return NULL;
    unsigned w = x.w > y.w ? x.w : y.w;
    Z3_ast xs = sext(b, x, w), ys = sext(b, y, w);
    switch ((int)k) {
    case Z3_OP_EQ: return Z3_mk_eq(b->z, xs, ys);
    case Z3_OP_LE: return Z3_mk_bvsle(b->z, xs, ys);
    case Z3_OP_LT: return Z3_mk_bvslt(b->z, xs, ys);
    case Z3_OP_GE: return Z3_mk_bvsge(b->z, xs, ys);
    case Z3_OP_GT: return Z3_mk_bvsgt(b->z, xs, ys);
    }
    return NULL;
}

static Z3_ast rw_bool_app(Bv *b, Z3_ast t)
{
    Z3_app a = Z3_to_app(b->z, t);
    Z3_decl_kind k = Z3_get_decl_kind(b->z, Z3_get_app_decl(b->z, a));
    unsigned n = Z3_get_app_num_args(b->z, a);
    switch ((int)k) {
    case Z3_OP_EQ:
    case Z3_OP_LE:
    case Z3_OP_LT:
    case Z3_OP_GE:
    case Z3_OP_GT: {
        if (n != 2) return t;
        Z3_ast x = Z3_get_app_arg(b->z, a, 0), y = Z3_get_app_arg(b->z, a, 1);
        Z3_sort_kind sk = Z3_get_sort_kind(b->z, Z3_get_sort(b->z, x));
        if (sk == Z3_INT_SORT) {
            Z3_ast r = cmp_lifted(b, k, x, y);
            return r ? r : t;
        }
        if (sk == Z3_BV_SORT && k == Z3_OP_EQ) return Z3_mk_eq(b->z, rw_bv(b, x), rw_bv(b, y));
        if (sk == Z3_BOOL_SORT && k == Z3_OP_EQ) return Z3_mk_eq(b->z, rw_bool(b, x), rw_bool(b, y));
        return t;
    }
    case Z3_OP_AND:
    case Z3_OP_OR:
    case Z3_OP_NOT:
    case Z3_OP_IMPLIES:
    case Z3_OP_IFF:
    case Z3_OP_XOR:
    case Z3_OP_ITE: return ast_map_args(b->z, t, rw_arg, b);
    }
    return t;
}

static Z3_ast rw_bool(Bv *b, Z3_ast t)
{
    if (Z3_get_ast_kind(b->z, t) != Z3_APP_AST) return t; /* quantifiers: as they are */
    AstMemoSlot *m = ast_memo(b->z, &b->memo, t, 0, false);
    if (m) return m->val;
    Z3_ast r = rw_bool_app(b, t);
    m = ast_memo(b->z, &b->memo, t, 0, true);
    m->val = r;
    return r;
}

Z3_ast bv_rewrite(Gen *g, Z3_ast f)
{
    if (!g->bv) return f;
    Bv b = {g, g->z, {0}};
    Z3_ast r = rw_bool(&b, f);
    free(b.memo.tab);
    return r;
}

Z3_ast bv_word(Gen *g, const char *name)
{
    return Z3_mk_bv2int(g->z, Z3_mk_fresh_const(g->z, name, Z3_mk_bv_sort(g->z, 64)), false);
}

/* ---- memo tables over Z3 terms (shared with smt_cvc5.c) ---------------- */

static size_t memo_hash(Z3_context z, Z3_ast key, int role, size_t cap)
{
    return (Z3_get_ast_id(z, key) * 4u + (unsigned)role) & (cap - 1);
}

AstMemoSlot *ast_memo(Z3_context z, AstMemo *m, Z3_ast key, int role, bool add)
{
    if (add && (m->n + 1) * 2 > m->cap) {
        size_t ncap = m->cap ? m->cap * 2 : 256;
        AstMemoSlot *nt = xcalloc(ncap, sizeof *nt);
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->tab[i].key) continue;
            size_t h = memo_hash(z, m->tab[i].key, m->tab[i].role, ncap);
            while (nt[h].key) h = (h + 1) & (ncap - 1);
            nt[h] = m->tab[i];
        }
        free(m->tab);
        m->tab = nt;
        m->cap = ncap;
    }
    if (!m->cap) return NULL;
    size_t h = memo_hash(z, key, role, m->cap);
    while (m->tab[h].key) {
        if (m->tab[h].key == key && m->tab[h].role == role) return &m->tab[h];
        h = (h + 1) & (m->cap - 1);
    }
    if (!add) return NULL;
    m->n++;
    m->tab[h] = (AstMemoSlot){.key = key, .role = role};
    return &m->tab[h];
}

Z3_ast ast_map_args(Z3_context z, Z3_ast e, Z3_ast (*f)(void *cx, Z3_ast x), void *cx)
{
    Z3_app a = Z3_to_app(z, e);
    unsigned n = Z3_get_app_num_args(z, a);
    if (n > 64) return e;
    Z3_ast v[64];
    bool changed = false;
    for (unsigned i = 0; i < n; i++) {
        Z3_ast x = Z3_get_app_arg(z, a, i);
        v[i] = f(cx, x);
        changed |= v[i] != x;
    }
    return changed ? Z3_update_term(z, e, n, v) : e;
}
