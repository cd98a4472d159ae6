/*
 * Parser of annotations (verifier.md §1.3-§1.5) and model files (§7.1
 * item 3). One Pratt expression parser with a mode flag for the two
 * grammars' differences:
 *
 *   annotation (low -> high):  ==> (right), <==>  |  ?:  |  ||  |  &&  |  '|'
 *     |  ^  |  &  |  == != === !==  |  < <= > >= <+ <=+ >+ >=+ in subset
 *     |  << >> >>> (amount: an integer literal)  |  + - ++ union
 *     intersection setminus  |  * / %  |  prefix ! -  |  .N .f [ ]
 *   Viper:  ?:  |  <==> (right)  |  ==> (right)  |  ||  |  &&  |  == !=
 *     |  < <= > >= in subset  |  + - ++ union intersection setminus
 *     |  * / %  |  prefix ! -  |  .f [ ]
 *
 * The ternary is a postfix in the annotation grammar: `c ? a : b` takes a
 * whole expression for a and a ternary-level one for b (right associative).
 * The sequence/set operators are an extension of the annotation grammar
 * (the models' expressions can then be written in annotations too).
 *
 * A syntax error stops the text being read (one located error per
 * annotation; model files stop at their first error): after it, cur()
 * answers the end token, so every loop ends, and results are dummies.
 *
 * `define` macros (Viper mode) are expanded on the token array when their
 * name is read where an expression or a statement starts: an expression
 * macro becomes `( body )`, a block macro `{ body }`, arguments are
 * substituted token-wise (parenthesised unless a simple name/literal
 * chain). Expanded body tokens carry the span of the macro's use.
 */
#include "vspec_int.h"

#include <string.h>

#define MAX_DEPTH 200
#define MAX_EXPANDED (1u << 20)

/* Tokens: logical index i is tb[i] below pos, tb[tail + i - pos] from pos
 * on; the last token is always VT_EOF. */
static uint32_t ntok(const VSCtx *c) { return c->pos + (c->cap - c->tail); }
static VTok *tok_at(VSCtx *c, uint32_t i)
{
    if (i >= ntok(c)) i = ntok(c) - 1;
    return i < c->pos ? &c->tb[i] : &c->tb[c->tail + (i - c->pos)];
}
static const VTok *cur(VSCtx *c) { return tok_at(c, c->perr ? ntok(c) - 1 : c->pos); }
static const VTok *peek(VSCtx *c, uint32_t k)
{
    return tok_at(c, c->perr ? ntok(c) - 1 : c->pos + k);
}
static bool at(VSCtx *c, VTokKind k) { return cur(c)->kind == k; }
static bool at_kw(VSCtx *c, Sym kw) { return cur(c)->kind == VT_IDENT && cur(c)->text == kw; }
static void next(VSCtx *c)
{
    if (c->perr || c->pos + 1 >= ntok(c)) return;
    c->tb[c->pos++] = c->tb[c->tail++];
}

static void describe(StrBuf *b, const VTok *t)
{
    if (t->kind == VT_IDENT) sb_printf(b, "'%s'", t->text);
    else if (t->kind == VT_NUM) sb_printf(b, "'%s'", t->text);
    else if (t->kind == VT_EOF) sb_puts(b, "the end of the text");
    else sb_printf(b, "'%s'", vtok_text(t->kind));
}

static void perr_at(VSCtx *c, const Span *sp, const char *fmt, ...) PRINTF_LIKE(3, 4);
static void perr_at(VSCtx *c, const Span *sp, const char *fmt, ...)
{
    if (c->perr) return;
    va_list ap;
    va_start(ap, fmt);
    StrBuf b = {0};
    sb_vprintf(&b, fmt, ap);
    va_end(ap);
    verr(c, "syntax", sp, "%s", b.s);
    sb_free(&b);
    c->perr = true;
}

/* "expected X, found Y" at the current token. */
static void expected(VSCtx *c, const char *what)
{
    if (c->perr) return;
    StrBuf b = {0};
    describe(&b, cur(c));
    perr_at(c, &cur(c)->span, "expected %s, found %s", what, b.s);
    sb_free(&b);
}

static bool accept(VSCtx *c, VTokKind k)
{
    if (!at(c, k)) return false;
    next(c);
    return true;
}

static Span expect(VSCtx *c, VTokKind k)
{
    Span sp = cur(c)->span;
    if (!accept(c, k)) {
        char what[32];
        snprintf(what, sizeof what, "'%s'", vtok_text(k));
        expected(c, what);
    }
    return sp;
}

static Sym expect_ident(VSCtx *c, Span *sp)
{
    const VTok *t = cur(c);
    if (sp) *sp = t->span;
    if (t->kind != VT_IDENT) {
        expected(c, "an identifier");
        return intern_cstr(c->in, "?");
    }
    Sym s = t->text;
    next(c);
    return s;
}

/* A node's own span excludes its parentheses (a division `(a / b)` is
 * reported at `a`); an expression built from it includes them, so
 * `assert ((x) & 5) <= y` starts at the first `(` (tests/verify README,
 * "Positions"). */
static Span outer_span(const PNode *n) { return n->paren ? n->pspan : n->span; }

static Span span_join(Span a, Span b)
{
    if (a.file != b.file) return a;
    a.eline = b.eline;
    a.ecol = b.ecol;
    return a;
}

static Span prev_span(VSCtx *c) { return tok_at(c, c->pos ? c->pos - 1 : 0)->span; }

/* Un-reads the last token. */
static void back(VSCtx *c)
{
    if (c->pos) c->tb[--c->tail] = c->tb[--c->pos];
}

static PNode *node(VSCtx *c, PKind k, Span sp)
{
    PNode *n = arena_alloc(c->a, sizeof *n);
    n->kind = k;
    n->span = sp;
    return n;
}

static PNode *bad(VSCtx *c) { return node(c, P_BOOL, cur(c)->span); }

static bool enter(VSCtx *c)
{
    if (++c->depth > MAX_DEPTH) {
        perr_at(c, &cur(c)->span, "expression nested too deeply (more than %d levels)", MAX_DEPTH);
        return false;
    }
    return true;
}

/* ---- define expansion ---------------------------------------------------- */

static VMacro *find_macro(VSCtx *c, Sym name)
{
    if (!c->viper) return NULL;
    for (size_t i = c->macros.n; i-- > 0;)
        if (c->macros.v[i].name == name) return &c->macros.v[i];
    return NULL;
}

/* A simple argument needs no parentheses: one token, or a name followed by
 * .field / .N / [...] selections. */
static bool simple_arg(const VTok *t, uint32_t n)
{
    if (n == 1) return true;
    if (t[0].kind != VT_IDENT) return false;
    int depth = 0;
    for (uint32_t i = 1; i < n; i++) {
        VTokKind k = t[i].kind;
        if (k == VT_LBRACK || k == VT_LPAREN) depth++;
        else if (k == VT_RBRACK || k == VT_RPAREN) depth--;
        else if (!depth && k != VT_DOT && k != VT_IDENT && k != VT_NUM) return false;
    }
    return true;
}

/* Replaces the macro use at c->pos by its expansion: the use's tokens are
 * dropped from the front of the gap buffer's tail and the expansion is
 * written just before it. */
static void expand(VSCtx *c, VMacro *m)
{
    uint32_t use = c->pos, p = c->pos + 1, n = ntok(c);
    Span usp = tok_at(c, use)->span;
    uint32_t *as = NULL, *an = NULL;
    uint32_t na = 0;
    VTokVec ex = {0};
    if (m->nparams) {
        if (tok_at(c, p)->kind != VT_LPAREN) {
            perr_at(c, &usp, "macro %s takes %u argument(s)", m->name, m->nparams);
            return;
        }
        as = xcalloc(m->nparams + 1, sizeof *as);
        an = xcalloc(m->nparams + 1, sizeof *an);
        p++;
        int depth = 0;
        uint32_t start = p;
        for (;; p++) {
            if (p >= n || tok_at(c, p)->kind == VT_EOF) {
                perr_at(c, &usp, "unterminated arguments of macro %s", m->name);
                goto out;
            }
            VTokKind k = tok_at(c, p)->kind;
            if (k == VT_LPAREN || k == VT_LBRACK || k == VT_LBRACE) depth++;
            else if ((k == VT_RPAREN || k == VT_RBRACK || k == VT_RBRACE) && depth) depth--;
            else if (!depth && (k == VT_COMMA || k == VT_RPAREN)) {
                if (p == start) {
                    perr_at(c, &tok_at(c, p)->span, "empty argument of macro %s", m->name);
                    goto out;
                }
                if (na == m->nparams) {
                    perr_at(c, &usp, "macro %s takes %u argument(s)", m->name, m->nparams);
                    goto out;
                }
                as[na] = start;
                an[na++] = p - start;
                start = p + 1;
                if (k == VT_RPAREN) break;
            }
        }
        p++;
        if (na != m->nparams) {
            perr_at(c, &usp, "macro %s takes %u argument(s), %u given", m->name, m->nparams, na);
            goto out;
        }
    } else if (p + 1 < n && tok_at(c, p)->kind == VT_LPAREN && tok_at(c, p + 1)->kind == VT_RPAREN) {
        p += 2; /* NAME() for a parameterless macro */
    }
    VTok lp = {.kind = VT_LPAREN, .span = usp}, rp = {.kind = VT_RPAREN, .span = usp};
    if (!m->is_block) vec_push(&ex, lp);
    for (uint32_t i = 0; i < m->nbody; i++) {
        VTok bt = m->body[i];
        uint32_t k = 0;
        if (bt.kind == VT_IDENT)
            while (k < m->nparams && m->params[k] != bt.text) k++;
        if (bt.kind != VT_IDENT || k == m->nparams) {
            bt.span = usp;
            vec_push(&ex, bt);
            continue;
        }
        /* arguments are in the tail, contiguous */
        const VTok *arg = tok_at(c, as[k]);
        bool par = !simple_arg(arg, an[k]);
        if (par) vec_push(&ex, lp);
        for (uint32_t j = 0; j < an[k]; j++) vec_push(&ex, arg[j]);
        if (par) vec_push(&ex, rp);
    }
    if (!m->is_block) vec_push(&ex, rp);
    c->expanded += ex.n;
    if (c->expanded > MAX_EXPANDED) {
        perr_at(c, &usp, "macro expansion too large (more than %u tokens)", MAX_EXPANDED);
        goto out;
    }
    c->tail += p - use; /* drop the use */
    if (c->tail - c->pos < ex.n) {
        uint32_t rest = c->cap - c->tail;
        uint32_t cap = c->pos + (uint32_t)ex.n + rest + c->cap / 2 + 64;
        VTok *nb = xmalloc(cap * sizeof *nb);
        memcpy(nb, c->tb, c->pos * sizeof *nb);
        memcpy(nb + cap - rest, c->tb + c->tail, rest * sizeof *nb);
        free(c->tb);
        c->tb = nb;
        c->tail = cap - rest;
        c->cap = cap;
    }
    c->tail -= (uint32_t)ex.n;
    memcpy(c->tb + c->tail, ex.v, ex.n * sizeof *ex.v);
out:
    vec_free(&ex);
    free(as);
    free(an);
}

/* Expands macros at the current token until it is no macro use. */
static void expand_here(VSCtx *c)
{
    int guard = 0;
    while (!c->perr && at(c, VT_IDENT)) {
        VMacro *m = find_macro(c, cur(c)->text);
        if (!m) return;
        if (++guard > 64) {
            perr_at(c, &cur(c)->span, "macro %s expands to itself (recursion)", m->name);
            return;
        }
        expand(c, m);
    }
}

/* ---- types ----------------------------------------------------------------- */

static Shape *parse_shape(VSCtx *c)
{
    Span sp = cur(c)->span;
    if (at(c, VT_NUM)) {
        uint64_t v = cur(c)->val;
        bool big = cur(c)->big != NULL;
        next(c);
        if (big || v == 0 || v > 1024) {
            perr_at(c, &sp, "shape size must be between 1 and 1024");
            return shape_one(c->a);
        }
        if (v == 1) return shape_one(c->a);
        Shape **el = arena_alloc(c->a, v * sizeof *el);
        for (uint64_t i = 0; i < v; i++) el[i] = shape_one(c->a);
        Shape *s = shape_comb(c->a, el, (uint32_t)v);
        s->from_int = true;
        s->span = sp;
        return s;
    }
    if (!accept(c, VT_LBRACE)) {
        expected(c, "a shape");
        return shape_one(c->a);
    }
    VEC(Shape *) el = {0};
    if (enter(c)) {
        do vec_push(&el, parse_shape(c));
        while (!c->perr && accept(c, VT_COMMA));
    }
    c->depth--;
    expect(c, VT_RBRACE);
    Shape **v = arena_memdup(c->a, el.v, el.n * sizeof *el.v);
    Shape *s = shape_comb(c->a, v, (uint32_t)el.n);
    s->span = span_join(sp, prev_span(c));
    vec_free(&el);
    return s;
}

static PType *parse_type(VSCtx *c)
{
    PType *t = arena_alloc(c->a, sizeof *t);
    t->span = cur(c)->span;
    if (at(c, VT_NUM) || at(c, VT_LBRACE)) {
        if (c->viper) {
            expected(c, "a type");
            return t;
        }
        t->shape = parse_shape(c);
        t->kind = t->shape->kind == SHAPE_ONE ? PT_INT : PT_SHAPE;
        return t;
    }
    Sym n = expect_ident(c, NULL);
    if (c->perr) return t;
    if (n == c->k.Int) t->kind = PT_INT;
    else if (n == c->k.Bool) t->kind = PT_BOOL;
    else if (n == c->k.Perm) t->kind = PT_PERM;
    else if (n == c->k.Ref) t->kind = PT_REF;
    else if (n == c->k.IArray) t->kind = PT_IARRAY;
    else if (n == c->k.Seq || n == c->k.Set || n == c->k.Map) {
        t->kind = n == c->k.Seq ? PT_SEQ : n == c->k.Set ? PT_SET : PT_MAP;
        expect(c, VT_LBRACK);
        if (enter(c)) {
            t->a = parse_type(c);
            if (t->kind == PT_MAP) {
                expect(c, VT_COMMA);
                t->b = parse_type(c);
            }
        }
        c->depth--;
        expect(c, VT_RBRACK);
    } else {
        t->kind = PT_NAMED;
        t->name = n;
    }
    t->span = span_join(t->span, prev_span(c));
    return t;
}

/* x: T (, y: T)*  -- until a token that is not ',' */
static PDeclVars parse_decls(VSCtx *c, bool allow_empty, VTokKind close)
{
    VEC(PDeclVar) v = {0};
    if (!(allow_empty && at(c, close))) {
        do {
            PDeclVar d = {0};
            d.name = expect_ident(c, &d.span);
            expect(c, VT_COLON);
            d.type = parse_type(c);
            vec_push(&v, d);
        } while (!c->perr && accept(c, VT_COMMA));
    }
    PDeclVars r = {arena_memdup(c->a, v.v, v.n * sizeof *v.v), (uint32_t)v.n};
    vec_free(&v);
    return r;
}

/* ---- expressions ------------------------------------------------------------ */

static PNode *parse_expr(VSCtx *c, int min);

/* Binding powers: lbp of an infix operator, and whether right associative.
 * 0: not an infix operator in this mode. */
static int infix_bp(VSCtx *c, const VTok *t, int *op, bool *right)
{
    *right = false;
    int k = t->kind;
    if (k == VT_IDENT) {
        if (t->text == c->k.in) k = PB_IN;
        else if (t->text == c->k.union_) k = PB_UNION;
        else if (t->text == c->k.intersection) k = PB_INTERSECT;
        else if (t->text == c->k.setminus) k = PB_SETMINUS;
        else if (t->text == c->k.subset) k = PB_SUBSET;
        else return 0;
    }
    *op = k;
    if (!c->viper) {
        switch (k) {
        case VT_IMPL: *right = true; return 2;
        case VT_IFF: return 2;
        case VT_OROR: return 6;
        case VT_ANDAND: return 8;
        case VT_BAR: return 10;
        case VT_CARET: return 12;
        case VT_AMP: return 14;
        case VT_EQ: case VT_NE: case VT_VEQ: case VT_VNE: return 16;
        case VT_LT: case VT_LE: case VT_GT: case VT_GE: case VT_LTU: case VT_LEU:
        case VT_GTU: case VT_GEU: case PB_IN: case PB_SUBSET: return 18;
        case VT_PLUS: case VT_MINUS: case VT_PLUSPLUS: case PB_UNION: case PB_INTERSECT:
        case PB_SETMINUS: return 22;
        case VT_STAR: case VT_SLASH: case VT_BSLASH: case VT_PERCENT: return 24;
        }
        return 0;
    }
    switch (k) {
    case VT_IFF: *right = true; return 4;
    case VT_IMPL: *right = true; return 6;
    case VT_OROR: return 8;
    case VT_ANDAND: return 10;
    case VT_EQ: case VT_NE: return 12;
    case VT_LT: case VT_LE: case VT_GT: case VT_GE: case PB_IN: case PB_SUBSET: return 14;
    case VT_PLUS: case VT_MINUS: case VT_PLUSPLUS: case PB_UNION: case PB_INTERSECT:
    case PB_SETMINUS: return 16;
    case VT_STAR: case VT_SLASH: case VT_BSLASH: case VT_PERCENT: return 18;
    }
    return 0;
}

static bool is_ordering(int op)
{
    return op == VT_LT || op == VT_LE || op == VT_GT || op == VT_GE || op == VT_LTU ||
           op == VT_LEU || op == VT_GTU || op == VT_GEU;
}

#define BP_TERN_ANNOT 4
#define BP_TERN_VIPER 2
#define BP_SHIFT 20
#define BP_PREFIX 26
#define BP_STRUCT_ELEM 21 /* above shifts and comparisons: `>` closes the literal */

static PList parse_args(VSCtx *c, VTokKind close)
{
    VEC(PNode *) v = {0};
    if (!at(c, close)) {
        do vec_push(&v, parse_expr(c, 0));
        while (!c->perr && accept(c, VT_COMMA));
    }
    expect(c, close);
    PList l = {arena_memdup(c->a, v.v, v.n * sizeof *v.v), (uint32_t)v.n};
    vec_free(&v);
    return l;
}

static PNode *parse_quant(VSCtx *c)
{
    PNode *n = node(c, P_QUANT, cur(c)->span);
    n->exists = cur(c)->text == c->k.exists;
    next(c);
    n->vars = parse_decls(c, false, VT_COLCOL);
    expect(c, VT_COLCOL);
    VEC(PList) tr = {0};
    while (!c->perr && at(c, VT_LBRACE)) {
        next(c);
        vec_push(&tr, parse_args(c, VT_RBRACE));
    }
    n->trig = arena_memdup(c->a, tr.v, tr.n * sizeof *tr.v);
    n->ntrig = (uint32_t)tr.n;
    vec_free(&tr);
    n->a = parse_expr(c, 0);
    n->span = span_join(n->span, outer_span(n->a));
    return n;
}

/* Seq(...), Seq[T](), Set(...), Set[T]() */
static PNode *parse_collection(VSCtx *c, Span sp, Sym name)
{
    PNode *n = node(c, P_CALL, sp);
    n->name = name;
    if (accept(c, VT_LBRACK)) {
        n->targ = parse_type(c);
        expect(c, VT_RBRACK);
    }
    expect(c, VT_LPAREN);
    n->args = parse_args(c, VT_RPAREN);
    n->span = span_join(sp, prev_span(c));
    return n;
}

static PNode *parse_ident_primary(VSCtx *c)
{
    const VTok *t = cur(c);
    Sym s = t->text;
    Span sp = t->span;
    if (s == c->k.true_ || s == c->k.false_) {
        next(c);
        PNode *n = node(c, P_BOOL, sp);
        n->val = s == c->k.true_;
        return n;
    }
    if (s == c->k.null && c->viper) {
        next(c);
        return node(c, P_NULL, sp);
    }
    if ((s == c->k.forall || s == c->k.exists) && peek(c, 1)->kind == VT_IDENT) return parse_quant(c);
    if (s == c->k.unfolding) {
        next(c);
        PNode *n = node(c, P_UNFOLDING, sp);
        n->a = parse_expr(c, BP_PREFIX + 2);
        if (!at_kw(c, c->k.in)) expected(c, "'in'");
        next(c);
        n->b = parse_expr(c, 0);
        n->span = span_join(sp, outer_span(n->b));
        return n;
    }
    if (s == c->k.let && c->viper && peek(c, 1)->kind == VT_IDENT) {
        next(c);
        PNode *n = node(c, P_LET, sp);
        n->name = expect_ident(c, NULL);
        expect(c, VT_EQ);
        expect(c, VT_LPAREN);
        n->a = parse_expr(c, 0);
        expect(c, VT_RPAREN);
        if (!at_kw(c, c->k.in)) expected(c, "'in'");
        next(c);
        n->b = parse_expr(c, 0);
        n->span = span_join(sp, outer_span(n->b));
        return n;
    }
    if ((s == c->k.Seq || s == c->k.Set) &&
        (peek(c, 1)->kind == VT_LPAREN || peek(c, 1)->kind == VT_LBRACK)) {
        next(c);
        return parse_collection(c, sp, s);
    }
    next(c);
    if ((s == c->k.acc || s == c->k.old || s == c->k.perm) && at(c, VT_LPAREN)) {
        next(c);
        PNode *n = node(c, s == c->k.acc ? P_ACC : s == c->k.old ? P_OLD : P_CALL, sp);
        n->name = s;
        n->a = parse_expr(c, 0);
        if (s == c->k.acc && accept(c, VT_COMMA)) n->b = parse_expr(c, 0);
        expect(c, VT_RPAREN);
        n->span = span_join(sp, prev_span(c));
        if (s == c->k.perm) {
            n->args.v = arena_alloc(c->a, sizeof *n->args.v);
            n->args.v[0] = n->a;
            n->args.n = 1;
        }
        return n;
    }
    if (s == c->k.old && at(c, VT_LBRACK) && c->viper) {
        perr_at(c, &sp, "old[label](e) is not supported (only old(e))");
        return bad(c);
    }
    if (at(c, VT_LPAREN)) {
        next(c);
        PNode *n = node(c, P_CALL, sp);
        n->name = s;
        n->args = parse_args(c, VT_RPAREN);
        n->span = span_join(sp, prev_span(c));
        return n;
    }
    PNode *n = node(c, P_IDENT, sp);
    n->name = s;
    return n;
}

static PNode *parse_primary(VSCtx *c)
{
    expand_here(c);
    const VTok *t = cur(c);
    Span sp = t->span;
    switch ((int)t->kind) {
    case VT_LPAREN: {
        next(c);
        PNode *n = parse_expr(c, 0);
        expect(c, VT_RPAREN);
        n->paren = true;
        n->pspan = span_join(sp, prev_span(c));
        return n;
    }
    case VT_NUM: {
        PNode *n = node(c, P_NUM, sp);
        n->val = t->val;
        n->big = t->big;
        next(c);
        return n;
    }
    case VT_BASE:
    case VT_BIW: {
        PNode *n = node(c, P_NUM, sp);
        n->val = t->kind == VT_BIW ? PNK_WORD_BYTES : 0;
        next(c);
        return n;
    }
    case VT_IDENT: return parse_ident_primary(c);
    case VT_LT:
        if (!c->viper) {
            next(c);
            PNode *n = node(c, P_STRUCT, sp);
            VEC(PNode *) v = {0};
            do vec_push(&v, parse_expr(c, BP_STRUCT_ELEM));
            while (!c->perr && accept(c, VT_COMMA));
            /* `<a, <b, c>>`: the lexer read '>>' */
            if (at(c, VT_ASR) || at(c, VT_LSR)) {
                VTok *tt = tok_at(c, c->pos);
                tt->kind = tt->kind == VT_ASR ? VT_GT : VT_ASR;
                tt->span.col++;
            } else {
                expect(c, VT_GT);
            }
            n->args.v = arena_memdup(c->a, v.v, v.n * sizeof *v.v);
            n->args.n = (uint32_t)v.n;
            vec_free(&v);
            n->span = span_join(sp, prev_span(c));
            return n;
        }
        break;
    case VT_BAR: {
        next(c);
        PNode *n = node(c, P_LEN, sp);
        n->a = parse_expr(c, c->viper ? 16 : 22);
        expect(c, VT_BAR);
        n->span = span_join(sp, prev_span(c));
        return n;
    }
    }
    expected(c, "an expression");
    return bad(c);
}

/* .N  .f  [e]  [a..b]  [a..=b]  [i := v] */
static PNode *parse_postfix(VSCtx *c, PNode *n)
{
    while (!c->perr) {
        if (at(c, VT_DOT)) {
            next(c);
            const VTok *t = cur(c);
            if (t->kind == VT_NUM && !c->viper) {
                PNode *f = node(c, P_SFIELD, span_join(n->span, t->span));
                f->nspan = t->span;
                f->a = n;
                f->val = t->big ? UINT64_MAX : t->val;
                next(c);
                n = f;
            } else if (t->kind == VT_IDENT) {
                PNode *f = node(c, P_FIELD, span_join(n->span, t->span));
                f->nspan = t->span;
                f->a = n;
                f->name = t->text;
                next(c);
                n = f;
            } else {
                expected(c, c->viper ? "a field name" : "a field name or number");
            }
        } else if (at(c, VT_LBRACK)) {
            next(c);
            PNode *x;
            if (at(c, VT_DOTDOT)) {
                next(c);
                x = node(c, P_SLICE, n->span);
                x->c = parse_expr(c, 0);
            } else {
                PNode *i = parse_expr(c, 0);
                if (at(c, VT_DOTDOT) || at(c, VT_DOTDOTEQ)) {
                    x = node(c, P_SLICE, n->span);
                    x->incl = at(c, VT_DOTDOTEQ);
                    next(c);
                    x->b = i;
                    if (!at(c, VT_RBRACK) || x->incl) x->c = parse_expr(c, 0);
                } else if (accept(c, VT_ASSIGN)) {
                    x = node(c, P_UPDATE, n->span);
                    x->b = i;
                    x->c = parse_expr(c, 0);
                } else {
                    x = node(c, P_INDEX, n->span);
                    x->b = i;
                }
            }
            x->a = n;
            expect(c, VT_RBRACK);
            x->span = span_join(n->span, prev_span(c));
            n = x;
        } else {
            return n;
        }
    }
    return n;
}

static PNode *parse_unary(VSCtx *c)
{
    if (at(c, VT_BANG) || at(c, VT_MINUS)) {
        Span sp = cur(c)->span;
        int op = cur(c)->kind;
        next(c);
        PNode *n = node(c, P_UN, sp);
        n->op = op;
        n->a = parse_expr(c, BP_PREFIX);
        n->span = span_join(sp, outer_span(n->a));
        return n;
    }
    return parse_postfix(c, parse_primary(c));
}

static PNode *parse_expr(VSCtx *c, int min)
{
    if (!enter(c)) {
        c->depth--;
        return bad(c);
    }
    PNode *lhs = parse_unary(c);
    int tern = c->viper ? BP_TERN_VIPER : BP_TERN_ANNOT;
    while (!c->perr) {
        const VTok *t = cur(c);
        int op;
        bool right;
        if (t->kind == VT_QUEST && tern >= min) {
            next(c);
            PNode *n = node(c, P_TERN, lhs->span);
            n->a = lhs;
            n->b = parse_expr(c, 0);
            expect(c, VT_COLON);
            n->c = parse_expr(c, tern);
            n->span = span_join(outer_span(lhs), outer_span(n->c));
            lhs = n;
            continue;
        }
        if (!c->viper && (t->kind == VT_SHL || t->kind == VT_ASR || t->kind == VT_LSR) &&
            BP_SHIFT >= min) {
            /* the shift amount is an integer literal (§1.3) */
            int sop = t->kind;
            next(c);
            PNode *amt = node(c, P_NUM, cur(c)->span);
            if (at(c, VT_NUM)) {
                amt->val = cur(c)->val;
                amt->big = cur(c)->big;
                next(c);
            } else if (at(c, VT_BIW) || at(c, VT_BASE)) {
                amt->val = at(c, VT_BIW) ? PNK_WORD_BYTES : 0;
                next(c);
            } else {
                expected(c, "an integer literal as the shift amount");
            }
            PNode *n = node(c, P_SHIFT, span_join(outer_span(lhs), amt->span));
            n->op = sop;
            n->a = lhs;
            n->b = amt;
            lhs = n;
            continue;
        }
        int bp = infix_bp(c, t, &op, &right);
        if (!bp || bp < min) break;
        Span opsp = t->span;
        next(c);
        PNode *n = node(c, P_BIN, opsp);
        n->op = op;
        n->a = lhs;
        n->b = parse_expr(c, right ? bp : bp + 1);
        n->span = span_join(outer_span(lhs), outer_span(n->b));
        bool chains = lhs->kind == P_BIN && !lhs->paren && (is_ordering(lhs->op) || lhs->chain);
        if (is_ordering(op) && chains) {
            /* a < b <= c is a < b && b <= c (Viper's chained comparisons) */
            PNode *last = lhs->chain ? lhs->b : lhs;
            n->a = last->b;
            n->span = span_join(outer_span(last->b), outer_span(n->b));
            PNode *and = node(c, P_BIN, opsp);
            and->op = VT_ANDAND;
            and->chain = true;
            and->a = lhs;
            and->b = n;
            and->span = span_join(outer_span(lhs), n->span);
            n = and;
        }
        lhs = n;
    }
    c->depth--;
    return lhs;
}

/* ---- statements ------------------------------------------------------------ */

static const struct { const char *kw; PStmtKind k; } stmt_kws[] = {
    {"requires", PS_REQUIRES}, {"ensures", PS_ENSURES}, {"invariant", PS_INVARIANT},
    {"assert", PS_ASSERT},     {"assume", PS_ASSUME},   {"refute", PS_REFUTE},
    {"inhale", PS_INHALE},     {"exhale", PS_EXHALE},   {"fold", PS_FOLD},
    {"unfold", PS_UNFOLD},
};

static int stmt_kw(VSCtx *c)
{
    if (!at(c, VT_IDENT)) return -1;
    for (size_t i = 0; i < ARRAY_LEN(stmt_kws); i++)
        if (!strcmp(cur(c)->text, stmt_kws[i].kw)) return (int)stmt_kws[i].k;
    return -1;
}

static PStmt *stmt_new(VSCtx *c, PStmtKind k, Span sp)
{
    PStmt *s = arena_alloc(c->a, sizeof *s);
    s->kind = k;
    s->span = sp;
    return s;
}

static PBlock parse_block(VSCtx *c);

static PStmt *parse_viper_stmt(VSCtx *c);

static PList parse_clauses(VSCtx *c, Sym kw)
{
    VEC(PNode *) v = {0};
    while (!c->perr && at_kw(c, kw)) {
        next(c);
        vec_push(&v, parse_expr(c, 0));
        accept(c, VT_SEMI);
    }
    PList l = {arena_memdup(c->a, v.v, v.n * sizeof *v.v), (uint32_t)v.n};
    vec_free(&v);
    return l;
}

static PStmt *parse_if(VSCtx *c, Span sp)
{
    PStmt *s = stmt_new(c, PS_IF, sp);
    expect(c, VT_LPAREN);
    s->e = parse_expr(c, 0);
    expect(c, VT_RPAREN);
    s->then = parse_block(c);
    if (at_kw(c, c->k.elseif)) {
        Span esp = cur(c)->span;
        next(c);
        PStmt *e = parse_if(c, esp);
        s->els.v = arena_alloc(c->a, sizeof *s->els.v);
        s->els.v[0] = e;
        s->els.n = 1;
    } else if (at_kw(c, c->k.else_)) {
        next(c);
        s->els = parse_block(c);
    }
    return s;
}

static PStmt *parse_viper_stmt(VSCtx *c)
{
    expand_here(c);
    Span sp = cur(c)->span;
    if (at(c, VT_LBRACE)) {
        PStmt *s = stmt_new(c, PS_BLOCK, sp);
        s->then = parse_block(c);
        return s;
    }
    int k = stmt_kw(c);
    if (k >= 0 && k != PS_REQUIRES && k != PS_ENSURES && k != PS_INVARIANT) {
        next(c);
        PStmt *s = stmt_new(c, (PStmtKind)k, sp);
        s->e = parse_expr(c, 0);
        s->span = span_join(sp, outer_span(s->e));
        return s;
    }
    if (at_kw(c, c->k.var)) {
        next(c);
        PStmt *s = stmt_new(c, PS_VAR, sp);
        s->name = expect_ident(c, &s->name_span);
        expect(c, VT_COLON);
        s->type = parse_type(c);
        if (accept(c, VT_ASSIGN)) s->e = parse_expr(c, 0);
        return s;
    }
    if (at_kw(c, c->k.if_)) {
        next(c);
        return parse_if(c, sp);
    }
    if (at_kw(c, c->k.while_)) {
        next(c);
        PStmt *s = stmt_new(c, PS_WHILE, sp);
        expect(c, VT_LPAREN);
        s->e = parse_expr(c, 0);
        expect(c, VT_RPAREN);
        s->invs = parse_clauses(c, c->k.invariant);
        s->then = parse_block(c);
        return s;
    }
    if (at_kw(c, c->k.label)) {
        next(c);
        PStmt *s = stmt_new(c, PS_LABEL, sp);
        s->name = expect_ident(c, &s->name_span);
        if (at_kw(c, c->k.invariant)) perr_at(c, &cur(c)->span, "label invariants are not supported");
        return s;
    }
    if (at_kw(c, c->k.goto_)) {
        next(c);
        PStmt *s = stmt_new(c, PS_GOTO, sp);
        s->name = expect_ident(c, &s->name_span);
        return s;
    }
    if (at_kw(c, c->k.new_)) {
        perr_at(c, &sp, "'%s' is not supported in model methods", cur(c)->text);
        return stmt_new(c, PS_BLOCK, sp);
    }
    /* m(args)  |  targets := value  (a target may be f(x).fld) */
    VEC(PNode *) l = {0};
    do vec_push(&l, parse_postfix(c, parse_primary(c)));
    while (!c->perr && accept(c, VT_COMMA));
    PStmt *s;
    if (l.n == 1 && l.v[0]->kind == P_CALL && !at(c, VT_ASSIGN)) {
        s = stmt_new(c, PS_CALL, sp);
        s->name = l.v[0]->name;
        s->name_span = l.v[0]->span;
        s->name_span.eline = sp.eline;
        s->name_span.ecol = sp.ecol;
        s->args = l.v[0]->args;
        s->span = l.v[0]->span;
    } else {
        s = stmt_new(c, PS_ASSIGN, sp);
        s->lhs.v = arena_memdup(c->a, l.v, l.n * sizeof *l.v);
        s->lhs.n = (uint32_t)l.n;
        if (!at(c, VT_ASSIGN)) expected(c, "a statement");
        next(c);
        s->e = parse_expr(c, 0);
        s->span = span_join(sp, outer_span(s->e));
    }
    vec_free(&l);
    return s;
}

static PBlock parse_block(VSCtx *c)
{
    VEC(PStmt *) v = {0};
    expect(c, VT_LBRACE);
    if (enter(c)) {
        while (!c->perr && !at(c, VT_RBRACE) && !at(c, VT_EOF)) {
            vec_push(&v, parse_viper_stmt(c));
            while (accept(c, VT_SEMI)) {}
        }
    }
    c->depth--;
    Span end = cur(c)->span;
    expect(c, VT_RBRACE);
    PBlock b = {arena_memdup(c->a, v.v, v.n * sizeof *v.v), (uint32_t)v.n, end};
    vec_free(&v);
    return b;
}

/* ---- declarations ------------------------------------------------------------ */

static PDecl *decl_new(VSCtx *c, PDeclKind k, Span sp)
{
    PDecl *d = arena_alloc(c->a, sizeof *d);
    d->kind = k;
    d->span = sp;
    d->origin = c->viper ? VO_MODEL : VO_PANCAKE;
    return d;
}

static void parse_contract(VSCtx *c, PDecl *d);

/* NAME(x: T, ...) of a predicate, function or method */
static PDecl *parse_header(VSCtx *c, PDeclKind k, Span sp)
{
    PDecl *d = decl_new(c, k, sp);
    d->name = expect_ident(c, &d->name_span);
    expect(c, VT_LPAREN);
    d->params = parse_decls(c, true, VT_RPAREN);
    expect(c, VT_RPAREN);
    return d;
}

/* predicate NAME(params) [{ body }] */
static PDecl *parse_predicate(VSCtx *c, Span sp)
{
    PDecl *d = parse_header(c, PD_PRED, sp);
    if (accept(c, VT_LBRACE)) {
        d->has_body = true;
        d->body = parse_expr(c, 0);
        expect(c, VT_RBRACE);
    }
    return d;
}

/* function NAME(params): T [requires e]* [ensures e]* [{ body }] */
static PDecl *parse_function(VSCtx *c, Span sp, bool in_domain)
{
    PDecl *d = parse_header(c, PD_FUNC, sp);
    expect(c, VT_COLON);
    d->type = parse_type(c);
    if (in_domain) return d;
    parse_contract(c, d);
    if (accept(c, VT_LBRACE)) {
        d->has_body = true;
        d->body = parse_expr(c, 0);
        expect(c, VT_RBRACE);
    }
    return d;
}

static void list_append(VSCtx *c, PList *dst, PList l)
{
    if (!l.n) return;
    PNode **v = arena_alloc(c->a, (dst->n + l.n) * sizeof *v);
    if (dst->n) memcpy(v, dst->v, dst->n * sizeof *v);
    memcpy(v + dst->n, l.v, l.n * sizeof *v);
    dst->v = v;
    dst->n += l.n;
}

/* [requires e | ensures e]* (decreases is rejected) */
static void parse_contract(VSCtx *c, PDecl *d)
{
    for (;;) {
        if (at_kw(c, c->k.requires)) {
            list_append(c, &d->requires, parse_clauses(c, c->k.requires));
        } else if (at_kw(c, c->k.ensures)) {
            list_append(c, &d->ensures, parse_clauses(c, c->k.ensures));
        } else if (at_kw(c, c->k.decreases)) {
            perr_at(c, &cur(c)->span, "'decreases' clauses are not supported");
        } else {
            return;
        }
    }
}

/* method NAME(params) [returns (rets)] contract [{ body }]  (Viper)
 * method NAME(params) [: (rets)] contract                    (annotation) */
static PDecl *parse_method(VSCtx *c, Span sp)
{
    PDecl *d = parse_header(c, PD_METHOD, sp);
    if ((c->viper && at_kw(c, c->k.returns)) || (!c->viper && at(c, VT_COLON))) {
        next(c);
        expect(c, VT_LPAREN);
        d->rets = parse_decls(c, c->viper, VT_RPAREN);
        expect(c, VT_RPAREN);
    }
    parse_contract(c, d);
    if (c->viper && at(c, VT_LBRACE)) {
        d->has_body = true;
        d->mbody = parse_block(c);
    }
    return d;
}

/* domain NAME { function ...  axiom [NAME] { e } } */
static PDecl *parse_domain(VSCtx *c, Span sp)
{
    PDecl *d = decl_new(c, PD_DOMAIN, sp);
    d->name = expect_ident(c, &d->name_span);
    if (at(c, VT_LBRACK)) perr_at(c, &cur(c)->span, "domains with type parameters are not supported");
    expect(c, VT_LBRACE);
    VEC(PDecl *) fs = {0};
    VEC(struct PAxiom) ax = {0};
    while (!c->perr && !at(c, VT_RBRACE) && !at(c, VT_EOF)) {
        Span isp = cur(c)->span;
        if (at_kw(c, c->k.unique)) next(c);
        if (at_kw(c, c->k.function)) {
            next(c);
            vec_push(&fs, parse_function(c, isp, true));
        } else if (at_kw(c, c->k.axiom)) {
            next(c);
            struct PAxiom a = {0};
            a.span = isp;
            if (at(c, VT_IDENT)) a.name = expect_ident(c, NULL);
            expect(c, VT_LBRACE);
            a.e = parse_expr(c, 0);
            expect(c, VT_RBRACE);
            vec_push(&ax, a);
        } else {
            expected(c, "'function' or 'axiom' in a domain");
        }
        while (accept(c, VT_SEMI)) {}
    }
    expect(c, VT_RBRACE);
    d->funcs = arena_memdup(c->a, fs.v, fs.n * sizeof *fs.v);
    d->nfuncs = (uint32_t)fs.n;
    d->axioms = arena_memdup(c->a, ax.v, ax.n * sizeof *ax.v);
    d->naxioms = (uint32_t)ax.n;
    vec_free(&fs);
    vec_free(&ax);
    return d;
}

/* define NAME[(params)] (expr | { stmts }) */
static void parse_define(VSCtx *c)
{
    VMacro m = {0};
    m.name = expect_ident(c, &m.span);
    VEC(Sym) ps = {0};
    if (at(c, VT_LPAREN) && !c->perr) {
        next(c);
        if (!at(c, VT_RPAREN)) {
            do vec_push(&ps, expect_ident(c, NULL));
            while (!c->perr && accept(c, VT_COMMA));
        }
        expect(c, VT_RPAREN);
    }
    uint32_t from = c->pos;
    if (at(c, VT_LBRACE)) {
        m.is_block = true;
        int depth = 0;
        do {
            if (at(c, VT_LBRACE)) depth++;
            else if (at(c, VT_RBRACE)) depth--;
            if (at(c, VT_EOF)) {
                expected(c, "'}' closing the macro body");
                break;
            }
            next(c);
        } while (depth > 0 && !c->perr);
    } else {
        (void)parse_expr(c, 0); /* finds the end of the expression */
    }
    if (!c->perr) {
        m.params = arena_memdup(c->a, ps.v, ps.n * sizeof *ps.v);
        m.nparams = (uint32_t)ps.n;
        m.body = arena_memdup(c->a, c->tb + from, (c->pos - from) * sizeof *c->tb);
        m.nbody = c->pos - from;
        vec_push(&c->macros, m);
    }
    vec_free(&ps);
}

/* shared (r|w|rw|wr) uN NAME[ADDR | LO..HI | LO..HI:STRIDE] */
static PDecl *parse_shared(VSCtx *c, Span sp)
{
    PDecl *d = decl_new(c, PD_SHARED, sp);
    const VTok *t = cur(c);
    if (t->kind == VT_IDENT && (t->text == c->k.r || t->text == c->k.w || t->text == c->k.rw ||
                                t->text == c->k.wr)) {
        d->rd = t->text != c->k.w;
        d->wr = t->text != c->k.r;
        next(c);
    } else {
        expected(c, "the access mode r, w or rw of the shared region");
        return d;
    }
    t = cur(c);
    if (t->kind == VT_IDENT && (t->text == c->k.u8 || t->text == c->k.u16 || t->text == c->k.u32 ||
                                t->text == c->k.u64)) {
        d->width = t->text == c->k.u8 ? 1 : t->text == c->k.u16 ? 2 : t->text == c->k.u32 ? 4 : 8;
        next(c);
    } else {
        expected(c, "the width u8, u16, u32 or u64 of the shared region");
        return d;
    }
    d->name = expect_ident(c, &d->name_span);
    expect(c, VT_LBRACK);
    d->lo = parse_expr(c, 0);
    if (accept(c, VT_DOTDOT)) {
        d->hi = parse_expr(c, 0);
        if (accept(c, VT_COLON)) d->stride = parse_expr(c, 0);
    }
    expect(c, VT_RBRACK);
    return d;
}

static void parse_end(VSCtx *c)
{
    if (!at(c, VT_EOF)) expected(c, "the end of the annotation");
}

/* The annotation-language top-level forms after their keyword. */
static PDecl *parse_annot_toplevel(VSCtx *c, Span sp)
{
    Sym k = cur(c)->text;
    next(c);
    PDecl *d = NULL;
    if (k == c->k.predicate) d = parse_predicate(c, sp);
    else if (k == c->k.function) d = parse_function(c, sp, false);
    else if (k == c->k.method) d = parse_method(c, sp);
    else if (k == c->k.shared) d = parse_shared(c, sp);
    else if (k == c->k.ffi) {
        d = decl_new(c, PD_FFI, sp);
        d->name = expect_ident(c, &d->name_span);
    } else if (k == c->k.model) {
        if (at_kw(c, c->k.predicate)) {
            next(c);
            d = decl_new(c, PD_MODEL_PRED, sp);
            d->name = expect_ident(c, &d->name_span);
            if (accept(c, VT_LPAREN)) d->margs = parse_args(c, VT_RPAREN);
        } else if (at_kw(c, c->k.field)) {
            next(c);
            d = decl_new(c, PD_MODEL_FIELD, sp);
            d->name = expect_ident(c, &d->name_span);
        } else {
            expected(c, "'predicate' or 'field' after 'model'");
        }
    } else if (k == c->k.extern_) {
        if (at_kw(c, c->k.predicate)) {
            next(c);
            d = decl_new(c, PD_EXTERN_PRED, sp);
            d->name = expect_ident(c, &d->name_span);
        } else if (at_kw(c, c->k.field)) {
            next(c);
            d = decl_new(c, PD_EXTERN_FIELD, sp);
            d->name = expect_ident(c, &d->name_span);
            expect(c, VT_COLON);
            d->type = parse_type(c);
        } else if (at_kw(c, c->k.function)) {
            next(c);
            d = parse_function(c, sp, true);
            d->kind = PD_EXTERN_FUNC;
        } else {
            expected(c, "'predicate', 'field' or 'function' after 'extern'");
        }
    }
    if (!d) d = decl_new(c, PD_FFI, sp);
    parse_end(c);
    return d;
}

static void reset_tokens(VSCtx *c, VTokVec *v)
{
    c->tb = v->v;
    c->cap = (uint32_t)v->n;
    c->pos = c->tail = 0;
    c->perr = false;
    c->depth = 0;
}

PDecl *vparse_annot(VSCtx *c, const char *text, VTextPos pos, bool toplevel)
{
    VTokVec v = {0};
    c->viper = false;
    size_t nerr = c->nerrors;
    if (!vlex(c, text, strlen(text), pos, false, &v) || c->nerrors != nerr) {
        vec_free(&v);
        return NULL;
    }
    reset_tokens(c, &v);
    PDecl *d = NULL;
    Span sp = cur(c)->span;
    int k = stmt_kw(c);
    if (k >= 0) {
        next(c);
        PStmt *s = stmt_new(c, (PStmtKind)k, sp);
        s->e = parse_expr(c, 0);
        s->span = span_join(sp, outer_span(s->e));
        parse_end(c);
        d = decl_new(c, PD_STMT, sp);
        d->stmt = s;
    } else if (at_kw(c, c->k.trusted) || at_kw(c, c->k.use) || at_kw(c, c->k.bitvector)) {
        bool use = at_kw(c, c->k.use);
        PStmtKind sk = use ? PS_USE : at_kw(c, c->k.trusted) ? PS_TRUSTED : PS_BITVECTOR;
        next(c);
        PStmt *s = stmt_new(c, sk, sp);
        if (use) s->name = expect_ident(c, &s->name_span);
        parse_end(c);
        d = decl_new(c, PD_STMT, sp);
        d->stmt = s;
    } else if (at_kw(c, c->k.predicate) || at_kw(c, c->k.function) || at_kw(c, c->k.method) ||
               at_kw(c, c->k.model) || at_kw(c, c->k.extern_) || at_kw(c, c->k.ffi) ||
               at_kw(c, c->k.shared)) {
        d = parse_annot_toplevel(c, sp);
    } else {
        expected(c, toplevel ? "a top-level annotation (predicate, function, method, model, "
                               "extern, ffi, shared)"
                             : "an annotation keyword (requires, ensures, invariant, assert, "
                               "assume, refute, inhale, exhale, fold, unfold, use, trusted, "
                               "bitvector)");
    }
    bool ok = !c->perr;
    free(c->tb);
    c->tb = NULL;
    c->cap = c->pos = c->tail = 0;
    return ok ? d : NULL;
}

static bool decl_kw(VSCtx *c)
{
    return at_kw(c, c->k.field) || at_kw(c, c->k.predicate) || at_kw(c, c->k.function) ||
           at_kw(c, c->k.method) || at_kw(c, c->k.domain) || at_kw(c, c->k.define) ||
           at_kw(c, c->k.import);
}

/* A model file: its declarations in order. After a syntax error the
 * parser resumes at the next declaration keyword that starts a line, so
 * independent errors are all reported. */
bool vparse_model(VSCtx *c, const char *text, size_t len, uint32_t file, PDeclVec *out)
{
    VTokVec v = {0};
    c->viper = true;
    VTextPos pos = {file, 1, 1};
    size_t nerr = c->nerrors;
    if (!vlex(c, text, len, pos, true, &v) || c->nerrors != nerr) {
        vec_free(&v);
        return false;
    }
    reset_tokens(c, &v);
    c->expanded = 0;
    bool ok = true;
    while (!at(c, VT_EOF)) {
        Span sp = cur(c)->span;
        Sym k = at(c, VT_IDENT) ? cur(c)->text : NULL;
        if (k) next(c);
        PDecl *d = NULL;
        if (k == c->k.field) {
            d = decl_new(c, PD_FIELD, sp);
            d->name = expect_ident(c, &d->name_span);
            expect(c, VT_COLON);
            d->type = parse_type(c);
        } else if (k == c->k.predicate) {
            d = parse_predicate(c, sp);
        } else if (k == c->k.function) {
            d = parse_function(c, sp, false);
        } else if (k == c->k.method) {
            d = parse_method(c, sp);
        } else if (k == c->k.domain) {
            d = parse_domain(c, sp);
        } else if (k == c->k.define) {
            parse_define(c);
        } else if (k == c->k.import) {
            perr_at(c, &sp, "'import' is not supported: give every model file with -m/-I");
        } else {
            if (k) back(c);
            expected(c, "a declaration (field, predicate, function, method, domain, define)");
        }
        while (accept(c, VT_SEMI)) {}
        if (d && !c->perr) {
            d->span = span_join(sp, prev_span(c));
            vec_push(out, d);
        }
        if (c->perr) {
            /* resume at the next declaration keyword in column 1 */
            ok = false;
            c->perr = false;
            c->depth = 0;
            next(c);
            while (!at(c, VT_EOF) && !(cur(c)->span.col == 1 && decl_kw(c)))
                next(c);
        }
    }
    free(c->tb);
    c->tb = NULL;
    c->cap = c->pos = c->tail = 0;
    c->viper = false;
    return ok;
}
