/* Pancake expressions in code. A word is an Int in [0, 2^64); every
 * arithmetic result carries an overflow obligation (+ - * <<, negative
 * literals), so a verified program never wraps. Signed comparisons and
 * >> read words as two's complement. Bit operations use the rewrites of
 * verifier.md §7.4 when an operand is a constant mask, and bit-vectors
 * otherwise. Memory is the word array H indexed by addr div 8 (@base = 0)
 * with the permission mask M; sub-word accesses shift by 8*(addr mod 8)
 * (little-endian). Pancake evaluates every operand (no short circuit),
 * so every operand's obligations are checked. */
#include "vgen_int.h"

#include <string.h>

uint32_t vg_words(Gen *g, const Shape *s)
{
    return s ? check_shape_words(g->prog, s) : 1;
}

static void check(Gen *g, State *st, Z3_ast phi, const char *code, Span at, const char *msg)
{
    Oblig ob = {code, at, msg, NULL, NULL};
    smt_check(g, st, phi, &ob);
}

Z3_ast word_overflow(Gen *g, State *st, Z3_ast r, Span at, const char *what)
{
    if (g->o->no_overflow) return Z3_mk_mod(g->z, r, g->two64);
    char msg[128];
    snprintf(msg, sizeof msg, "possible overflow: the result of %s may be outside [0, 2^64)", what);
    check(g, st, mk_bounded(g, r, 64), "verify.overflow", at, msg);
    return r;
}

Z3_ast mem_word_index(Gen *g, State *st, Z3_ast addr, unsigned align, Span at)
{
    if (align > 1) {
        char msg[96];
        snprintf(msg, sizeof msg, "address may not be a multiple of %u (unaligned access)", align);
        check(g, st, mk_eq(g, Z3_mk_mod(g->z, addr, mk_int(g, align)), g->zero),
              "verify.permission", at, msg);
    }
    Z3_ast idx = Z3_mk_div(g->z, addr, mk_int(g, PNK_WORD_BYTES));
    vec_push(&g->touched, idx);
    return idx;
}

void mem_check_read(Gen *g, State *st, Z3_ast idx, Span at)
{
    check(g, st, Z3_mk_gt(g->z, Z3_mk_select(g->z, st->M, idx), g->rzero), "verify.permission", at,
          "no permission to read this heap word");
}

void mem_check_write(Gen *g, State *st, Z3_ast idx, Span at)
{
    check(g, st, mk_eq(g, Z3_mk_select(g->z, st->M, idx), g->rone), "verify.permission", at,
          "no write permission to this heap word");
}

/* The span of the operator written after operand a (overflow is reported
 * at the operator, vast.h); the whole expression when the text is not at
 * hand or the operator is on another line. Source files are loaded
 * before the worker threads start (verify_program). */
static Span op_span(Gen *g, const Expr *a, const Expr *b, const Expr *whole, unsigned width)
{
    Span s = whole->span;
    size_t n;
    if (!g->spec->srcmgr) return s;
    const char *t = srcmgr_line(g->spec->srcmgr, a->span.file, a->span.eline, &n);
    if (!t) return s;
    size_t i = a->span.ecol;
    while (i < n && (t[i] == ' ' || t[i] == '\t' || t[i] == ')')) i++;
    if (i >= n || (b->span.line == a->span.eline && i + 1 >= b->span.col)) return s;
    s.file = a->span.file;
    s.line = s.eline = a->span.eline;
    s.col = (uint32_t)i + 1;
    s.ecol = (uint32_t)i + width;
    return s;
}

/* ---- bit operations --------------------------------------------------- */




/* x & c for a constant c and 0 <= x < 2^64, without bit-vectors: the
 * sum over the runs of ones of c (bits lo..lo+len-1) of
 * (x div 2^lo mod 2^len) * 2^lo (verifier.md §7.4, generalised to any
 * constant). Linear arithmetic with constant divisors only. */
Z3_ast vg_and_const(Gen *g, Z3_ast x, uint64_t c, bool wrap)
{
    if (c == UINT64_MAX && !wrap) return x;
    Z3_ast sum = NULL;
    unsigned lo = 0, len;
    for (; vmask_run(c, &lo, &len); lo += len) {
        Z3_ast part = lo ? Z3_mk_div(g->z, x, mk_pow2(g, lo)) : x;
        if (lo + len < 64 || wrap) part = Z3_mk_mod(g->z, part, mk_pow2(g, len));
        if (lo) part = mk_mul2(g, part, mk_pow2(g, lo));
        sum = sum ? mk_add2(g, sum, part) : part;
    }
    return sum ? sum : g->zero;
}

bool vg_const(Gen *g, Z3_ast t, uint64_t *v)
{
    if (term_u64(g, t, v)) return true;
    if (Z3_get_ast_kind(g->z, t) != Z3_APP_AST) return false;
    return term_u64(g, Z3_simplify(g->z, t), v);
}

/* Bitwise and/or/xor of two words; with a constant operand they reduce to
 * vg_and_const (x | c = x + c - (x & c), x ^ c = x + c - 2 (x & c)). */
static Z3_ast bit_op_const(Gen *g, ExprKind k, Z3_ast a, uint64_t d)
{
    if (k == E_AND) return vg_and_const(g, a, d, false);
    if (!d) return a;
    Z3_ast and_ = vg_and_const(g, a, d, false), sum = mk_add2(g, a, mk_u64(g, d));
    return mk_sub2(g, sum, k == E_OR ? and_ : mk_mul2(g, mk_int(g, 2), and_));
}

/* Most cases a bit operation of two symbolic words is split into (an
 * operand with more values goes to bit-vectors). */
#define BIT_CASES 8

/* The obligation a finite case split rests on: b is one of vals[0..n) on
 * this path (the enumeration's last query again, decided by the
 * configured solver; it cannot fail unless the solvers disagree). */
static void cases_checked(Gen *g, State *st, Z3_ast b, const uint64_t *vals, int n, Span at)
{
    Z3_ast in = Z3_mk_false(g->z);
    for (int i = n - 1; i >= 0; i--) in = mk_or2(g, mk_eq(g, b, mk_u64(g, vals[i])), in);
    Oblig ob = {"verify.unknown", at,
                "the finite case split of this operation may miss a value of its operand "
                "(the solvers disagree)", NULL, NULL};
    smt_check(g, st, in, &ob);
}

/* a op c for a constant c: a constant-operand bit rewrite, or a linear
 * product. */
static Z3_ast op_const(Gen *g, ExprKind k, Z3_ast a, uint64_t c)
{
    return k == E_MUL ? mk_mul2(g, a, mk_u64(g, c)) : bit_op_const(g, k, a, c);
}

/* Two symbolic words, one of which (b) takes at most BIT_CASES values c_k
 * on this path (found by vg_values): ite(b == c_1, a op c_1, ... a op c_n,
 * r), each arm a constant-operand bit rewrite or a linear product (a
 * product of two symbolic words is nonlinear: `i * stride` with a stride
 * of 16 or 24), r a fresh word. That b is one
 * of the c_k is then an obligation (the enumeration's last query again,
 * decided by the configured solver), assumed afterwards like every
 * obligation, so no later query has a model that takes the last arm. In
 * bit-vector mode (smt_bv.c) the operation is exact as it is: no split.
 * NULL when neither operand has few values. */
static Z3_ast op_cases(Gen *g, State *st, ExprKind k, Z3_ast a, Z3_ast b, Span at)
{
    if (g->bv) return NULL;
    uint64_t vals[BIT_CASES];
    int n = vg_values(g, st->pc, b, vals, BIT_CASES);
    if (n < 0) {
        Z3_ast t = a;
        a = b;
        b = t;
        n = vg_values(g, st->pc, b, vals, BIT_CASES);
    }
    if (n < 0) return NULL;
    Z3_ast r = mk_fresh(g, "bitcase", g->s_int);
    for (int i = n - 1; i >= 0; i--) r = mk_ite(g, mk_eq(g, b, mk_u64(g, vals[i])), op_const(g, k, a, vals[i]), r);
    cases_checked(g, st, b, vals, n, at);
    return r;
}

/* Bitwise and/or/xor of two words: constant-operand rewrites, a finite
 * case split, else 64-bit vectors. */
static Z3_ast bit_op(Gen *g, State *st, ExprKind k, Z3_ast a, Z3_ast b, Span at)
{
    uint64_t c, d;
    bool ca = vg_const(g, a, &c), cb = vg_const(g, b, &d);
    if (ca && cb) return mk_u64(g, k == E_AND ? (c & d) : k == E_OR ? (c | d) : (c ^ d));
    if (ca) return bit_op_const(g, k, b, c);
    if (cb) return bit_op_const(g, k, a, d);
    Z3_ast r = op_cases(g, st, k, a, b, at);
    if (r) return r;
    /* many values on both sides: 64-bit vectors (slow in Z3; a
     * per-function bit-vector mode is not implemented, docs/verifier.md) */
    Z3_ast x = Z3_mk_int2bv(g->z, 64, a), y = Z3_mk_int2bv(g->z, 64, b);
    r = k == E_AND ? Z3_mk_bvand(g->z, x, y) : k == E_OR ? Z3_mk_bvor(g->z, x, y) : Z3_mk_bvxor(g->z, x, y);
    return Z3_mk_bv2int(g->z, r, false);
}

static Z3_ast to_signed(Gen *g, Z3_ast x)
{
    return mk_ite(g, mk_lt(g, x, g->two63), x, mk_sub2(g, x, g->two64));
}

static Z3_ast cmp_bool(Gen *g, CmpOp op, Z3_ast a, Z3_ast b)
{
    switch (op) {
    case CMP_EQ: return mk_eq(g, a, b);
    case CMP_NE: return mk_not(g, mk_eq(g, a, b));
    case CMP_LTU: return mk_lt(g, a, b);
    case CMP_GTU: return mk_lt(g, b, a);
    case CMP_LEU: return mk_le(g, a, b);
    case CMP_GEU: return mk_le(g, b, a);
    case CMP_LT: return mk_lt(g, to_signed(g, a), to_signed(g, b));
    case CMP_GT: return mk_lt(g, to_signed(g, b), to_signed(g, a));
    case CMP_LE: return mk_le(g, to_signed(g, a), to_signed(g, b));
    case CMP_GE: return mk_le(g, to_signed(g, b), to_signed(g, a));
    }
    return NULL;
}

/* a shifted by the constant sh < 64 (no overflow check). */
static Z3_ast shift_arm(Gen *g, ShiftOp op, Z3_ast a, unsigned sh)
{
    if (!sh) return a;
    Z3_ast q = Z3_mk_div(g->z, a, mk_pow2(g, sh));
    switch (op) {
    case SH_LSL: return mk_mul2(g, a, mk_pow2(g, sh));
    case SH_LSR: return q;
    case SH_ASR: return mk_ite(g, mk_lt(g, a, g->two63), q, mk_add2(g, q, mk_sub2(g, g->two64, mk_pow2(g, 64 - sh))));
    case SH_ROR: return mk_add2(g, q, mk_mul2(g, Z3_mk_mod(g->z, a, mk_pow2(g, sh)), mk_pow2(g, 64 - sh)));
    }
    return a;
}

static Z3_ast shift(Gen *g, State *st, const Expr *e0, Z3_ast a, Z3_ast n)
{
    uint64_t k;
    ShiftOp sop = (ShiftOp)e0->op;
    Span at = op_span(g, e0->u.bin.a, e0->u.bin.b, e0, sop == SH_LSL || sop == SH_ASR ? 2 : 3);
    Z3_ast r;
    if (vg_const(g, n, &k)) {
        if (k >= 64) {
            check(g, st, Z3_mk_false(g->z), "verify.overflow", at, "shift by 64 or more is an Error in Pancake");
            return g->zero;
        }
        r = shift_arm(g, sop, a, (unsigned)k);
    } else {
        check(g, st, mk_lt(g, n, mk_int(g, 64)), "verify.overflow", at,
              "shift amount may be 64 or more (an Error in Pancake)");
        /* a symbolic amount: one arm per amount it can take on this path
         * when they are few (finite cases), else per amount 0..63; each a
         * constant shift (linear), instead of bit-vectors */
        uint64_t vals[BIT_CASES];
        int cnt = g->bv ? -1 : vg_values(g, st->pc, n, vals, BIT_CASES);
        for (int i = 0; i < cnt; i++)
            if (vals[i] >= 64) cnt = -1; /* the amount check failed */
        if (cnt >= 0) {
            r = mk_fresh(g, "shiftcase", g->s_int);
            for (int i = cnt - 1; i >= 0; i--)
                r = mk_ite(g, mk_eq(g, n, mk_u64(g, vals[i])), shift_arm(g, sop, a, (unsigned)vals[i]), r);
            cases_checked(g, st, n, vals, cnt, at);
        } else {
            r = shift_arm(g, sop, a, 63);
            for (int j = 62; j >= 0; j--) r = mk_ite(g, mk_eq(g, n, mk_int(g, j)), shift_arm(g, sop, a, (unsigned)j), r);
        }
    }
    return sop == SH_LSL && !Z3_is_eq_ast(g->z, r, a) ? word_overflow(g, st, r, at, "'<<'") : r;
}

/* ---- sub-word memory ------------------------------------------------- */

static Z3_ast byte_of(Gen *g, Z3_ast w, unsigned k)
{
    return Z3_mk_mod(g->z, Z3_mk_div(g->z, w, mk_pow2(g, 8 * k)), mk_int(g, 256));
}

/* The byte at offset r = addr mod 8 of word w (little-endian). */
static Z3_ast load_byte(Gen *g, Z3_ast w, Z3_ast r)
{
    uint64_t k;
    if (vg_const(g, r, &k)) return byte_of(g, w, (unsigned)k);
    Z3_ast v = byte_of(g, w, 7);
    for (int i = 6; i >= 0; i--) v = mk_ite(g, mk_eq(g, r, mk_int(g, i)), byte_of(g, w, (unsigned)i), v);
    return v;
}

static Z3_ast store_byte_k(Gen *g, Z3_ast w, Z3_ast v, unsigned k)
{
    Z3_ast p = mk_pow2(g, 8 * k);
    Z3_ast low = Z3_mk_mod(g->z, v, mk_int(g, 256));
    return mk_add2(g, mk_sub2(g, w, mk_mul2(g, byte_of(g, w, k), p)), mk_mul2(g, low, p));
}

Z3_ast vg_store_byte(Gen *g, Z3_ast w, Z3_ast r, Z3_ast v)
{
    uint64_t k;
    if (vg_const(g, r, &k)) return store_byte_k(g, w, v, (unsigned)k);
    Z3_ast x = store_byte_k(g, w, v, 7);
    for (int i = 6; i >= 0; i--) x = mk_ite(g, mk_eq(g, r, mk_int(g, i)), store_byte_k(g, w, v, (unsigned)i), x);
    return x;
}

static Z3_ast load_half(Gen *g, Z3_ast w, Z3_ast r)
{
    Z3_ast p = mk_pow2(g, 32);
    return mk_ite(g, mk_eq(g, r, g->zero), Z3_mk_mod(g->z, w, p), Z3_mk_div(g->z, w, p));
}

Z3_ast vg_store_half(Gen *g, Z3_ast w, Z3_ast r, Z3_ast v)
{
    Z3_ast p = mk_pow2(g, 32);
    Z3_ast lo = Z3_mk_mod(g->z, w, p), hi = Z3_mk_div(g->z, w, p), nv = Z3_mk_mod(g->z, v, p);
    return mk_ite(g, mk_eq(g, r, g->zero), mk_add2(g, mk_mul2(g, hi, p), nv),
                  mk_add2(g, mk_mul2(g, nv, p), lo));
}

/* ---- expressions ------------------------------------------------------ */

static Z3_ast word(Gen *g, State *st, const Expr *e)
{
    Val v = pexpr(g, st, e);
    return v.n ? v.w[0] : g->zero;
}

static Val concat(Gen *g, Val *parts, uint32_t n)
{
    uint32_t total = 0;
    for (uint32_t i = 0; i < n; i++) total += parts[i].n;
    Val r = val_alloc(g, total);
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < parts[i].n; j++) r.w[k++] = parts[i].w[j];
    return r;
}

static Val slice(Gen *g, Val v, uint32_t off, uint32_t n)
{
    Val r = val_alloc(g, n);
    for (uint32_t i = 0; i < n && off + i < v.n; i++) r.w[i] = v.w[off + i];
    return r;
}

static Val load_words(Gen *g, State *st, const Expr *e)
{
    uint32_t n = vg_words(g, e->u.load.shape);
    Z3_ast idx = mem_word_index(g, st, word(g, st, e->u.load.addr), PNK_WORD_BYTES, e->span);
    Val r = val_alloc(g, n);
    for (uint32_t i = 0; i < n; i++) {
        Z3_ast ix = i ? mk_add2(g, idx, mk_int(g, i)) : idx;
        mem_check_read(g, st, ix, e->span);
        r.w[i] = Z3_mk_select(g->z, st->H, ix);
        smt_assume(g, st->pc, mk_bounded(g, r.w[i], 64)); /* memory holds words */
    }
    return r;
}

/* a * b: linear with a constant operand; with two symbolic operands a
 * finite case split when one has few values, else Z3's nonlinear
 * arithmetic. */
static Z3_ast mul(Gen *g, State *st, Z3_ast a, Z3_ast b, Span at)
{
    uint64_t c;
    if (vg_const(g, a, &c) || vg_const(g, b, &c)) return mk_mul2(g, a, b);
    Z3_ast r = op_cases(g, st, E_MUL, a, b, at);
    return r ? r : mk_mul2(g, a, b);
}

static Val arith(Gen *g, State *st, const Expr *e)
{
    Z3_ast acc = word(g, st, e->u.list.v[0]);
    for (uint32_t i = 1; i < e->u.list.n; i++) {
        Z3_ast b = word(g, st, e->u.list.v[i]);
        switch ((int)e->kind) {
        case E_ADD: acc = mk_add2(g, acc, b); break;
        case E_SUB: acc = mk_sub2(g, acc, b); break;
        case E_MUL: acc = mul(g, st, acc, b, e->span); break;
        default: acc = bit_op(g, st, e->kind, acc, b, e->span); break;
        }
    }
    const char *what = e->kind == E_ADD ? "'+'" : e->kind == E_SUB ? "'-'" : "'*'";
    if (e->kind == E_ADD || e->kind == E_SUB || e->kind == E_MUL) {
        uint32_t n = e->u.list.n;
        acc = word_overflow(g, st, acc, op_span(g, e->u.list.v[n - 2], e->u.list.v[n - 1], e, 1), what);
    }
    return val_one(g, acc);
}

Val pexpr(Gen *g, State *st, const Expr *e)
{
    switch (e->kind) {
    case E_CONST:
        if (e->op == 1 && e->u.value != 0 && !g->o->no_overflow)
            check(g, st, Z3_mk_false(g->z), "verify.overflow", e->span,
                  "negative literal: words are unsigned, so it wraps to 2^64 minus its magnitude");
        return val_one(g, mk_u64(g, e->u.value));
    case E_VAR:
        return e->u.var.global ? st->globals[e->u.var.slot] : st->locals[e->u.var.slot];
    case E_STRUCT: {
        Val *parts = arena_alloc(&g->ar, (e->u.list.n + 1) * sizeof(Val));
        for (uint32_t i = 0; i < e->u.list.n; i++) parts[i] = pexpr(g, st, e->u.list.v[i]);
        return concat(g, parts, e->u.list.n);
    }
    case E_NSTRUCT: {
        uint32_t n = e->u.nstruct.n;
        Val *parts = arena_alloc(&g->ar, (n + 1) * sizeof(Val));
        for (uint32_t i = 0; i < n; i++) {
            uint32_t pos = e->u.nstruct.v[i].index < n ? e->u.nstruct.v[i].index : i;
            parts[pos] = pexpr(g, st, e->u.nstruct.v[i].value);
        }
        return concat(g, parts, n);
    }
    case E_FIELD: {
        Val in = pexpr(g, st, e->u.field.e);
        const Shape *s = e->u.field.e->shape;
        uint32_t off = 0;
        for (uint32_t i = 0; s && s->kind == SHAPE_COMB && i < e->u.field.index; i++)
            off += vg_words(g, s->elems[i]);
        return slice(g, in, off, vg_words(g, e->shape));
    }
    case E_NFIELD:
        return slice(g, pexpr(g, st, e->u.field.e), e->u.field.offset, vg_words(g, e->shape));
    case E_LOAD: return load_words(g, st, e);
    case E_LOAD8:
    case E_LOAD32: {
        Z3_ast a = word(g, st, e->u.load.addr);
        unsigned al = e->kind == E_LOAD32 ? 4 : 1;
        Z3_ast idx = mem_word_index(g, st, a, al, e->span);
        mem_check_read(g, st, idx, e->span);
        Z3_ast w = Z3_mk_select(g->z, st->H, idx), r = Z3_mk_mod(g->z, a, mk_int(g, 8));
        smt_assume(g, st->pc, mk_bounded(g, w, 64));
        return val_one(g, e->kind == E_LOAD8 ? load_byte(g, w, r) : load_half(g, w, r));
    }
    case E_ADD:
    case E_SUB:
    case E_MUL:
    case E_AND:
    case E_OR:
    case E_XOR: return arith(g, st, e);
    case E_LAND:
    case E_LOR:
    case E_NOT:
    case E_CMP: return val_one(g, mk_ite(g, pcond(g, st, e), g->one, g->zero));
    case E_SHIFT: {
        Z3_ast a = word(g, st, e->u.bin.a), n = word(g, st, e->u.bin.b);
        return val_one(g, shift(g, st, e, a, n));
    }
    case E_BASE: return val_one(g, g->zero);
    case E_TOP: {
        uint64_t words = g->spec->opts.heap_words ? g->spec->opts.heap_words : 16384;
        return val_one(g, mk_u64(g, words * PNK_WORD_BYTES));
    }
    case E_BIW: return val_one(g, mk_int(g, PNK_WORD_BYTES));
    }
    return val_one(g, g->zero);
}

Z3_ast pcond(Gen *g, State *st, const Expr *e)
{
    switch ((int)e->kind) {
    case E_CMP: {
        Z3_ast a = word(g, st, e->u.bin.a), b = word(g, st, e->u.bin.b);
        return cmp_bool(g, (CmpOp)e->op, a, b);
    }
    case E_NOT: return mk_not(g, pcond(g, st, e->u.un));
    case E_LAND:
    case E_LOR: {
        Z3_ast acc = pcond(g, st, e->u.list.v[0]);
        for (uint32_t i = 1; i < e->u.list.n; i++) {
            Z3_ast b = pcond(g, st, e->u.list.v[i]);
            acc = e->kind == E_LAND ? mk_and2(g, acc, b) : mk_or2(g, acc, b);
        }
        return acc;
    }
    default: return mk_not(g, mk_eq(g, word(g, st, e), g->zero));
    }
}
