/*
 * Expressions and shapes (pancake-language.md §2.3). One function per
 * precedence level, loosest first; each is named after its level and
 * carries its production. Functions return NULL on failure, leaving the
 * position where they found it, so callers can backtrack as the PEG does.
 *
 * The only backtracking the grammar needs is the optional right operand
 * of a comparison: in "<1, a > b>" the '>' after a is tried as the
 * operator, and in "<1, a>" that attempt fails and the '>' closes the
 * struct. Struct-literal atoms are memoised by position so nested
 * literals stay linear in the worst case.
 */
#include "parse_int.h"

#include <string.h>

Expr *new_expr(Parser *p, ExprKind k, uint32_t start_tok)
{
    Expr *e = arena_alloc(p->a, sizeof *e);
    e->kind = k;
    e->span = p_span_from(p, start_tok);
    return e;
}

static Expr *mk_list(Parser *p, ExprKind k, uint32_t start, ExprVec *v)
{
    Expr *e = new_expr(p, k, start);
    e->u.list.n = (uint32_t)v->n;
    e->u.list.v = arena_memdup(p->a, v->v, v->n * sizeof(Expr *));
    vec_free(v);
    return e;
}

static Expr *mk_bin(Parser *p, ExprKind k, uint8_t op, uint32_t start, Expr *a, Expr *b)
{
    Expr *e = new_expr(p, k, start);
    e->op = op;
    if (k == E_CMP || k == E_SHIFT) {
        e->u.bin.a = a;
        e->u.bin.b = b;
    } else {
        e->u.list.n = 2;
        e->u.list.v = arena_alloc(p->a, 2 * sizeof(Expr *));
        e->u.list.v[0] = a;
        e->u.list.v[1] = b;
    }
    return e;
}

/* ---- shapes ---- */

enum { MAX_SHAPE_LITERAL = 1 << 16 };

/* shape ::= INT | "{" shape { "," shape } "}" | IDENT */
Shape *parse_shape(Parser *p)
{
    uint32_t start = p->pos;
    Token *t = cur(p);
    if (t->kind == TOK_INT) {
        if ((t->flags & (TOKF_NEGATIVE | TOKF_OVERFLOW)) || t->value < 1 || t->value > MAX_SHAPE_LITERAL) {
            p_fail(p, EXP_SHAPE);
            p_hint(p, t->value == 0 || (t->flags & TOKF_NEGATIVE)
                          ? "a shape must be at least 1 (Parse tree conversion failed)"
                          : "shape too large (griddle accepts shapes of at most 65536 words)");
            return NULL;
        }
        p->pos++;
        Shape *one = shape_one(p->a);
        one->span = p_span_from(p, start);
        if (t->value == 1) return one;
        uint32_t n = (uint32_t)t->value;
        Shape **el = arena_alloc(p->a, n * sizeof *el);
        for (uint32_t i = 0; i < n; i++) el[i] = one;
        Shape *s = shape_comb(p->a, el, n);
        s->span = one->span;
        s->from_int = true;
        return s;
    }
    if (t->kind == TOK_IDENT) {
        p->pos++;
        Shape *s = shape_named(p->a, t->text);
        s->span = t->span;
        return s;
    }
    if (t->kind != TOK_LBRACE) {
        p_fail(p, EXP_SHAPE);
        return NULL;
    }
    if (!p_enter(p)) return NULL;
    p->pos++;
    VEC(Shape *) v = {0};
    for (;;) {
        Shape *e = parse_shape(p);
        if (!e) goto fail;
        vec_push(&v, e);
        if (p_accept(p, TOK_COMMA)) continue;
        if (p_expect(p, TOK_RBRACE)) break;
        goto fail;
    }
    p_leave(p);
    Shape *s = shape_comb(p->a, arena_memdup(p->a, v.v, v.n * sizeof(Shape *)), (uint32_t)v.n);
    s->span = p_span_from(p, start);
    vec_free(&v);
    return s;
fail:
    p_leave(p);
    vec_free(&v);
    p->pos = start;
    return NULL;
}

/* ---- atoms ---- */

static Expr *parse_raw_struct(Parser *p, uint32_t start);
static Expr *parse_named_struct(Parser *p, uint32_t start);

static MemoEntry *memo_slot(Parser *p, uint32_t pos)
{
    if ((p->memo_n + 1) * 2 > p->memo_cap) {
        uint32_t cap = p->memo_cap ? p->memo_cap * 2 : 256;
        MemoEntry *m = xcalloc(cap, sizeof *m);
        for (uint32_t i = 0; i < p->memo_cap; i++) {
            if (!p->memo[i].pos) continue;
            uint32_t j = (p->memo[i].pos * 2654435761u) & (cap - 1);
            while (m[j].pos) j = (j + 1) & (cap - 1);
            m[j] = p->memo[i];
        }
        free(p->memo);
        p->memo = m;
        p->memo_cap = cap;
    }
    uint32_t key = pos + 1, j = (key * 2654435761u) & (p->memo_cap - 1);
    while (p->memo[j].pos && p->memo[j].pos != key) j = (j + 1) & (p->memo_cap - 1);
    return &p->memo[j];
}

/* Memoised struct literal at the current position (raw or named). */
static Expr *parse_struct_memo(Parser *p, bool named)
{
    uint32_t start = p->pos;
    MemoEntry *m = memo_slot(p, start);
    if (m->pos) {
        if (m->end == UINT32_MAX) return NULL;
        p->pos = m->end;
        return m->e;
    }
    Expr *e = named ? parse_named_struct(p, start) : parse_raw_struct(p, start);
    m = memo_slot(p, start); /* the table may have grown */
    if (!m->pos) p->memo_n++;
    m->pos = start + 1;
    m->end = e ? p->pos : UINT32_MAX;
    m->e = e;
    return e;
}

/* "<" exp { "," exp } ">" */
static Expr *parse_raw_struct(Parser *p, uint32_t start)
{
    p->pos++; /* '<' */
    ExprVec v = {0};
    for (;;) {
        Expr *e = parse_exp(p);
        if (!e) goto fail;
        vec_push(&v, e);
        if (p_accept(p, TOK_COMMA)) continue;
        if (p_expect(p, TOK_GT)) break;
        if (peek(p) == TOK_ASR || peek(p) == TOK_LSR)
            p_hint(p, "nested struct literals need a space between closing brackets: '< <1, 2>, 3 >'");
        goto fail;
    }
    return mk_list(p, E_STRUCT, start, &v);
fail:
    vec_free(&v);
    p->pos = start;
    return NULL;
}

/* IDENT "<" IDENT "=" exp { "," IDENT "=" exp } ">" */
static Expr *parse_named_struct(Parser *p, uint32_t start)
{
    Sym name = cur(p)->text;
    p->pos += 2; /* name '<' */
    VEC(NField) v = {0};
    for (;;) {
        if (peek(p) != TOK_IDENT) {
            p_fail(p, TOK_IDENT);
            goto fail;
        }
        NField f = {.name = cur(p)->text, .span = cur(p)->span};
        p->pos++;
        if (!p_expect(p, TOK_ASSIGN)) goto fail;
        if (!(f.value = parse_exp(p))) goto fail;
        vec_push(&v, f);
        if (p_accept(p, TOK_COMMA)) continue;
        if (p_expect(p, TOK_GT)) break;
        goto fail;
    }
    Expr *e = new_expr(p, E_NSTRUCT, start);
    e->u.nstruct.name = name;
    e->u.nstruct.n = (uint32_t)v.n;
    e->u.nstruct.v = arena_memdup(p->a, v.v, v.n * sizeof(NField));
    vec_free(&v);
    return e;
fail:
    vec_free(&v);
    p->pos = start;
    return NULL;
}

/* atom ::= "(" exp ")" | true | false | raw struct | named struct | @base
 *        | @top | @biw | INT | IDENT */
static Expr *parse_atom(Parser *p)
{
    uint32_t start = p->pos;
    Token *t = cur(p);
    Expr *e;
    switch ((int)t->kind) { /* partial: the rest is the default */
    case TOK_LPAREN:
        if (!p_enter(p)) return NULL;
        p->pos++;
        e = parse_exp(p);
        p_leave(p);
        if (!e || !p_expect(p, TOK_RPAREN)) {
            p->pos = start;
            return NULL;
        }
        e->parens++;
        return e;
    case TOK_TRUE:
    case TOK_FALSE:
    case TOK_INT:
        p->pos++;
        e = new_expr(p, E_CONST, start);
        e->u.value = t->kind == TOK_INT ? t->value : t->kind == TOK_TRUE;
        /* spelling, for the formatter: 1 negative literal, 2 true, 3 false */
        e->op = t->kind == TOK_TRUE ? 2 : t->kind == TOK_FALSE ? 3 : (t->flags & TOKF_NEGATIVE) ? 1 : 0;
        return e;
    case TOK_BASE: p->pos++; return new_expr(p, E_BASE, start);
    case TOK_TOP: p->pos++; return new_expr(p, E_TOP, start);
    case TOK_BIW: p->pos++; return new_expr(p, E_BIW, start);
    case TOK_LT:
        if (!p_enter(p)) return NULL;
        e = parse_struct_memo(p, false);
        p_leave(p);
        return e;
    case TOK_IDENT:
        if (peek2(p) == TOK_LT && kind_at(p, p->pos + 2) == TOK_IDENT &&
            kind_at(p, p->pos + 3) == TOK_ASSIGN) {
            if (!p_enter(p)) return NULL;
            e = parse_struct_memo(p, true);
            p_leave(p);
            if (e) return e;
        }
        p->pos++;
        e = new_expr(p, E_VAR, start);
        e->u.var.name = t->text;
        return e;
    default:
        p_fail(p, EXP_EXPR);
        if (t->kind == TOK_MINUS)
            p_hint(p, "there is no unary minus: write '0 - x' (and '-1' with no space for a literal)");
        if (t->kind == TOK_LDS || t->kind == TOK_LD8 || t->kind == TOK_LD32 || t->kind == TOK_LDB)
            p_hint(p, "loads bind more loosely than arithmetic: put the load in parentheses");
        if (t->kind == TOK_SHL)
            p_hint(p, "nested struct literals need spaces: '< <1, 2>, 3 >'");
        return NULL;
    }
}

/* level 15: atom { "." (NAT | IDENT) } */
static Expr *parse_field(Parser *p)
{
    uint32_t start = p->pos;
    Expr *e = parse_atom(p);
    if (!e) return NULL;
    uint32_t levels = 0;
    while (peek(p) == TOK_DOT) {
        if (!p_enter(p)) {
            p->depth -= levels;
            return NULL;
        }
        levels++;
        Token *t = &p->t[p->pos + 1];
        if (t->kind == TOK_INT && !(t->flags & TOKF_NEGATIVE) && t->value <= UINT32_MAX) {
            p->pos += 2;
            Expr *f = new_expr(p, E_FIELD, start);
            f->u.field.e = e;
            f->u.field.index = (uint32_t)t->value;
            f->u.field.name_span = t->span;
            e = f;
        } else if (t->kind == TOK_IDENT) {
            p->pos += 2;
            Expr *f = new_expr(p, E_NFIELD, start);
            f->u.field.e = e;
            f->u.field.name = t->text;
            f->u.field.name_span = t->span;
            e = f;
        } else {
            p->pos++;
            p_fail(p, EXP_NAT);
            p_fail(p, TOK_IDENT);
            p->pos = start;
            p->depth -= levels;
            return NULL;
        }
    }
    p->depth -= levels;
    return e;
}

/* level 14: [ "!" ] level15 */
static Expr *parse_not(Parser *p)
{
    uint32_t start = p->pos;
    if (peek(p) != TOK_BANG) return parse_field(p);
    p->pos++;
    Expr *x = parse_field(p);
    if (!x) {
        p->pos = start;
        return NULL;
    }
    Expr *e = new_expr(p, E_NOT, start);
    e->u.un = x;
    return e;
}

/* level 13: level14 { "*" level14 } (binary, left) */
static Expr *parse_mul(Parser *p)
{
    uint32_t start = p->pos;
    Expr *e = parse_not(p);
    uint32_t levels = 0; /* a left-deep chain nests like parentheses */
    while (e && peek(p) == TOK_STAR) {
        uint32_t save = p->pos++;
        Expr *r = parse_not(p);
        if (!r) { p->pos = save; break; }
        if (!p_enter(p)) { e = NULL; break; }
        levels++;
        e = mk_bin(p, E_MUL, 0, start, e, r);
    }
    p->depth -= levels;
    return e;
}

/* Ends a run of "+" operands: one operand stands alone, more form one
 * n-ary Add (built once, so long chains stay linear). */
static Expr *finish_add(Parser *p, uint32_t start, ExprVec *run)
{
    if (run->n == 1) {
        Expr *e = run->v[0];
        run->n = 0;
        return e;
    }
    Expr *e = mk_list(p, E_ADD, start, run);
    memset(run, 0, sizeof *run);
    return e;
}

/* level 12: level13 { ("+" | "-") level13 }; "+" chains are n-ary, "-" is
 * binary and left-associative: a + b - c + d = Add[Sub[Add[a,b], c], d] */
static Expr *parse_add(Parser *p)
{
    uint32_t start = p->pos;
    Expr *e = parse_mul(p);
    if (!e || (peek(p) != TOK_PLUS && peek(p) != TOK_MINUS)) return e;
    ExprVec run = {0};
    uint32_t levels = 0; /* each '-' nests the chain one level deeper */
    vec_push(&run, e);
    while (peek(p) == TOK_PLUS || peek(p) == TOK_MINUS) {
        TokKind op = peek(p);
        uint32_t save = p->pos++;
        Expr *r = parse_mul(p);
        if (!r) { p->pos = save; break; }
        if (op == TOK_PLUS) {
            vec_push(&run, r);
        } else {
            if (!p_enter(p)) break;
            levels++;
            uint32_t here = p->pos;
            p->pos = save; /* the left operand's span ends before the '-' */
            Expr *left = finish_add(p, start, &run);
            p->pos = here;
            vec_push(&run, mk_bin(p, E_SUB, 0, start, left, r));
        }
    }
    p->depth -= levels;
    if (p->fatal) {
        vec_free(&run);
        return NULL;
    }
    e = finish_add(p, start, &run);
    vec_free(&run);
    return e;
}

static bool shift_op(TokKind k, uint8_t *op)
{
    switch ((int)k) { /* partial: the rest is the default */
    case TOK_SHL: *op = SH_LSL; return true;
    case TOK_LSR: *op = SH_LSR; return true;
    case TOK_ASR: *op = SH_ASR; return true;
    case TOK_ROR: *op = SH_ROR; return true;
    default: return false;
    }
}

/* level 11: level12 { ("<<" | ">>>" | ">>" | "#>>") level12 } (binary, left) */
static Expr *parse_shift(Parser *p)
{
    uint32_t start = p->pos;
    Expr *e = parse_add(p);
    uint8_t op;
    uint32_t levels = 0;
    while (e && shift_op(peek(p), &op)) {
        uint32_t save = p->pos++;
        Expr *r = parse_add(p);
        if (!r) { p->pos = save; break; }
        if (!p_enter(p)) { e = NULL; break; }
        levels++;
        e = mk_bin(p, E_SHIFT, op, start, e, r);
    }
    p->depth -= levels;
    return e;
}

/* levels 10, 9, 8: flattened left chains of "&", "^", "|" */
static Expr *parse_chain(Parser *p, TokKind tok, ExprKind kind, Expr *(*sub)(Parser *))
{
    uint32_t start = p->pos;
    Expr *e = sub(p);
    if (!e || peek(p) != tok) return e;
    ExprVec v = {0};
    vec_push(&v, e);
    while (peek(p) == tok) {
        uint32_t save = p->pos++;
        Expr *r = sub(p);
        if (!r) { p->pos = save; break; }
        vec_push(&v, r);
    }
    if (v.n == 1) {
        vec_free(&v);
        return e;
    }
    return mk_list(p, kind, start, &v);
}

static Expr *parse_band(Parser *p) { return parse_chain(p, TOK_AMP, E_AND, parse_shift); }
static Expr *parse_bxor(Parser *p) { return parse_chain(p, TOK_CARET, E_XOR, parse_band); }
static Expr *parse_bor(Parser *p) { return parse_chain(p, TOK_BAR, E_OR, parse_bxor); }

/* levels 7, 6, 5: "ld32" level8 | level8;  "ld8" level7 | level7;
 * "lds" shape level6 | level6 */
static Expr *parse_load_level(Parser *p, int level)
{
    uint32_t start = p->pos;
    TokKind k = peek(p);
    ExprKind kind;
    Shape *sh = NULL;
    if (level == 7 && k == TOK_LD32) kind = E_LOAD32;
    else if (level == 6 && (k == TOK_LD8 || k == TOK_LDB)) kind = E_LOAD8;
    else if (level == 5 && k == TOK_LDS) kind = E_LOAD;
    else if (level == 7) return parse_bor(p);
    else return parse_load_level(p, level + 1);
    if (!p_enter(p)) return NULL;
    p->pos++;
    if (kind == E_LOAD && !(sh = parse_shape(p))) goto fail;
    Expr *a = level == 7 ? parse_bor(p) : parse_load_level(p, level + 1);
    if (!a) goto fail;
    p_leave(p);
    Expr *e = new_expr(p, kind, start);
    e->u.load.shape = sh;
    e->u.load.addr = a;
    return e;
fail:
    p_leave(p);
    p->pos = start;
    return NULL;
}

static bool cmp_op(TokKind k, uint8_t *op)
{
    switch ((int)k) { /* partial: the rest is the default */
    case TOK_LT: *op = CMP_LT; return true;
    case TOK_GT: *op = CMP_GT; return true;
    case TOK_LE: *op = CMP_LE; return true;
    case TOK_GE: *op = CMP_GE; return true;
    case TOK_LTU: *op = CMP_LTU; return true;
    case TOK_GTU: *op = CMP_GTU; return true;
    case TOK_LEU: *op = CMP_LEU; return true;
    case TOK_GEU: *op = CMP_GEU; return true;
    default: return false;
    }
}

/* level 4: level5 [ ("<" | ">" | "<=" | ">=" | "<+" | ">+" | "<=+" | ">=+") level5 ]
 * level 3: level4 [ ("==" | "!=") level4 ]   (neither chains) */
static Expr *parse_cmp_level(Parser *p, int level)
{
    uint32_t start = p->pos;
    Expr *e = level == 3 ? parse_cmp_level(p, 4) : parse_load_level(p, 5);
    if (!e) return NULL;
    uint8_t op;
    TokKind k = peek(p);
    if (level == 3) {
        if (k != TOK_EQEQ && k != TOK_NE) return e;
        op = k == TOK_EQEQ ? CMP_EQ : CMP_NE;
    } else if (!cmp_op(k, &op)) {
        return e;
    }
    uint32_t save = p->pos++;
    Expr *r = level == 3 ? parse_cmp_level(p, 4) : parse_load_level(p, 5);
    if (!r) {
        p->pos = save; /* PEG: the optional part fails, keep the left operand */
        return e;
    }
    e = mk_bin(p, E_CMP, op, start, e, r);
    TokKind after = peek(p);
    if ((level == 3 && (after == TOK_EQEQ || after == TOK_NE)) || (level == 4 && cmp_op(after, &op)))
        p_hint(p, "comparisons do not chain: combine them with '&&'");
    return e;
}

static Expr *parse_eq(Parser *p) { return parse_cmp_level(p, 3); }

/* level 2: level3 { "&&" level3 } */
static Expr *parse_land(Parser *p) { return parse_chain(p, TOK_ANDAND, E_LAND, parse_eq); }

/* level 1: level2 { "||" level2 } */
static Expr *parse_lor(Parser *p) { return parse_chain(p, TOK_OROR, E_LOR, parse_land); }

Expr *parse_exp(Parser *p)
{
    if (!p_enter(p)) return NULL;
    Expr *e = parse_lor(p);
    p_leave(p);
    return e;
}
