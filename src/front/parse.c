/*
 * Parser: statements, blocks and top-level declarations
 * (pancake-language.md §2.1-2.2); expressions are in parse_expr.c.
 *
 * Recursive descent over the token array. Every parse function returns
 * NULL/false on failure and records the furthest token it could not get
 * past together with what it expected there (p_fail); the statement or
 * declaration loop then reports one error at that token ("expected ';'
 * before 'return'") and skips to a likely restart point, so independent
 * errors later in the file are reported too. A failure in a statement
 * that contains a lexical error token is not reported again.
 */
#include "parse_int.h"

#include <inttypes.h>
#include <string.h>

/* ---- failure bookkeeping ---- */

void p_fail(Parser *p, unsigned what)
{
    if (p->pos < p->far) return;
    if (p->pos > p->far) {
        p->far = p->pos;
        memset(p->expected, 0, sizeof p->expected);
        p->far_hint = NULL;
    }
    if (what < EXP__COUNT) p->expected[what / 64] |= 1ull << (what % 64);
}

void p_hint(Parser *p, const char *hint)
{
    if (p->pos < p->far) return;
    p_fail(p, EXP__COUNT);
    p->far_hint = hint;
}

bool p_accept(Parser *p, TokKind k)
{
    if (peek(p) != k) return false;
    p->pos++;
    return true;
}

bool p_expect(Parser *p, TokKind k)
{
    if (p_accept(p, k)) return true;
    p_fail(p, k);
    return false;
}

Span p_span_from(Parser *p, uint32_t start_tok)
{
    Span s = p->t[start_tok].span;
    uint32_t last = p->pos > start_tok ? p->pos - 1 : start_tok;
    Span e = p->t[last].span;
    if (e.file == s.file) {
        s.eline = e.eline;
        s.ecol = e.ecol;
    }
    return s;
}

bool p_enter(Parser *p)
{
    if (p->fatal) return false;
    if (++p->depth > PNK_MAX_NESTING) {
        p->fatal = true;
        p->any_error = true;
        diag_add(p->dl, DIAG_ERROR, "parse", &cur(p)->span,
                 "nesting too deep (more than %d levels of blocks, parentheses, structs or chained operators)",
                 PNK_MAX_NESTING);
        return false;
    }
    return true;
}

void p_leave(Parser *p) { p->depth--; }

static void describe_tok(StrBuf *b, const Token *t)
{
    switch ((int)t->kind) { /* partial: the rest is the default */
    case TOK_EOF: sb_puts(b, "end of input"); break;
    case TOK_IDENT: sb_printf(b, "'%s'", t->text); break;
    case TOK_FFIID: sb_printf(b, "'@%s'", t->text); break;
    case TOK_INT:
        if (t->flags & TOKF_NEGATIVE) sb_printf(b, "'%" PRId64 "'", (int64_t)t->value);
        else sb_printf(b, "'%" PRIu64 "'", t->value);
        break;
    case TOK_ANNOT: sb_puts(b, "annotation"); break;
    default: sb_printf(b, "'%s'", tok_kind_text(t->kind)); break;
    }
}

static const char *expect_name(unsigned k)
{
    switch (k) {
    case EXP_EXPR: return "expression";
    case EXP_SHAPE: return "shape";
    case EXP_STMT: return "statement";
    case EXP_DECL: return "top-level declaration";
    case EXP_NAT: return "field number";
    case TOK_IDENT: return "identifier";
    case TOK_INT: return "integer";
    default: return NULL;
    }
}

/* Reports the furthest failure (once per statement/declaration). */
static Diag *report(Parser *p, uint32_t from)
{
    p->any_error = true;
    /* the lexer already said why: a bad token in the statement, or just
     * after the failure on the same line, or (at the end) just before it */
    uint32_t to = p->far + 4 < p->n ? p->far + 4 : p->n - 1;
    for (uint32_t i = from; i <= to; i++) {
        if (p->t[i].kind != TOK_ERROR) continue;
        if (i <= p->far || p->t[i].span.line == p->t[p->far].span.line) return NULL;
    }
    if (p->t[p->far].kind == TOK_EOF && p->far > 0 && p->t[p->far - 1].kind == TOK_ERROR) return NULL;
    if (p->reported && p->last_report == p->far) return NULL; /* said already */
    p->reported = true;
    p->last_report = p->far;
    Token *t = &p->t[p->far < p->n ? p->far : p->n - 1];
    StrBuf b = {0};
    unsigned names[EXP__COUNT];
    unsigned nn = 0;
    for (unsigned k = 0; k < EXP__COUNT; k++)
        if (p->expected[k / 64] >> (k % 64) & 1) names[nn++] = k;
    if (nn == 0 || nn > 5) {
        sb_puts(&b, "unexpected ");
        describe_tok(&b, t);
    } else {
        sb_puts(&b, "expected ");
        for (unsigned i = 0; i < nn; i++) {
            if (i) sb_puts(&b, i + 1 == nn ? " or " : ", ");
            const char *nm = expect_name(names[i]);
            if (nm) sb_puts(&b, nm);
            else sb_printf(&b, "'%s'", tok_kind_text((TokKind)names[i]));
        }
        sb_puts(&b, t->kind == TOK_EOF ? " at " : " before ");
        describe_tok(&b, t);
    }
    const Token *prev = p->far > 0 ? t - 1 : NULL;
    if (!p->far_hint && prev && prev->kind == TOK_IDENT && !strcmp(prev->text, "ldb"))
        p->far_hint = "'ldb' is 2024-era syntax for 'ld8', accepted with --compat";
    if (p->far_hint && strstr(p->far_hint, "--compat")) sb_puts(&b, " (accepted with --compat)");
    Diag *d = diag_add(p->dl, DIAG_ERROR, "parse", &t->span, "%s", b.s);
    if (!p->far_hint && t->kind == TOK_INT && (t->flags & TOKF_NEGATIVE))
        p->far_hint = "'-' followed by a digit is a negative literal: write 'x - 1', not 'x -1' or 'x-1'";
    if (!p->far_hint && t->kind == TOK_IDENT && prev && prev->kind == TOK_INT && prev->value == 0 &&
        (t->text[0] == 'x' || t->text[0] == 'X' || t->text[0] == 'b' || t->text[0] == 'o'))
        p->far_hint = "Pancake has only decimal integer literals";
    if (p->far_hint) diag_note(d, NULL, "%s", p->far_hint);
    sb_free(&b);
    return d;
}

static void reset_failure(Parser *p)
{
    p->far = p->pos;
    memset(p->expected, 0, sizeof p->expected);
    p->far_hint = NULL;
}

/* ---- recovery ---- */

static bool starts_topdec(TokKind k)
{
    return k == TOK_FUN || k == TOK_INLINE || k == TOK_EXPORT || k == TOK_STRUCT || k == TOK_EXCEPTION;
}

/* After a failed statement: skip from its start, over balanced {...}
 * groups, past the next ';' at this level, or up to a '}' that closes the
 * block; a failed if/while/try ends with its (last) group. */
static void recover_stmt(Parser *p, uint32_t start)
{
    p->pos = start;
    TokKind first = peek(p);
    /* only these contain statements; elsewhere braces are shapes, and a ';'
     * always ends the statement */
    bool block_stmt = first == TOK_IF || first == TOK_WHILE || first == TOK_TRY || first == TOK_LBRACE ||
                      first == TOK_ELSE || first == TOK_CATCH;
    uint32_t depth = 0;
    if (first == TOK_SEMI) {
        p->pos++; /* a stray ';' */
        return;
    }
    for (;;) {
        TokKind k = peek(p);
        if (k == TOK_EOF) return;
        if (k == TOK_SEMI && (depth == 0 || !block_stmt)) {
            p->pos++;
            return;
        }
        if (depth == 0) {
            if (k == TOK_RBRACE) return;
            if (p->pos > start && starts_topdec(k) && (cur(p)->flags & TOKF_NEWLINE) &&
                cur(p)->span.col == 1)
                return;
        }
        p->pos++;
        if (k == TOK_LBRACE) depth++;
        if (k == TOK_RBRACE && depth && --depth == 0 && block_stmt && peek(p) != TOK_ELSE) {
            if (first == TOK_LBRACE && peek(p) == TOK_SEMI) p->pos++;
            return;
        }
    }
}

/* After a failed declaration: skip to the next token that starts one at
 * the start of a line (or any 'fun'). */
static void recover_decl(Parser *p, uint32_t start)
{
    if (p->pos < p->far) p->pos = p->far;
    if (p->pos == start) p->pos++;
    while (peek(p) != TOK_EOF) {
        TokKind k = peek(p);
        bool nl = p->t[p->pos].flags & TOKF_NEWLINE;
        if (k == TOK_FUN || (nl && (starts_topdec(k) || k == TOK_VAR))) return;
        p->pos++;
    }
}

/* ---- helpers ---- */

static VarRef var_ref(Token *t)
{
    VarRef v = {.name = t->text, .span = t->span};
    return v;
}

/* shapedid ::= shape IDENT | IDENT     (IDENT alone: the default shape) */
static bool parse_shapedid(Parser *p, Shape **sh, bool *written, Token **name)
{
    uint32_t start = p->pos;
    TokKind k = peek(p);
    *written = false;
    *sh = NULL;
    if (k == TOK_INT || k == TOK_LBRACE || (k == TOK_IDENT && peek2(p) == TOK_IDENT)) {
        if (!(*sh = parse_shape(p))) return false;
        *written = true;
    }
    if (peek(p) != TOK_IDENT) {
        p_fail(p, TOK_IDENT);
        p->pos = start;
        return false;
    }
    *name = cur(p);
    p->pos++;
    return true;
}

/* args ::= exp { "," exp }, inside "(" ... ")" */
static bool parse_args(Parser *p, Expr ***out, uint32_t *n)
{
    VEC(Expr *) v = {0};
    if (!p_expect(p, TOK_LPAREN)) return false;
    if (!p_accept(p, TOK_RPAREN)) {
        for (;;) {
            Expr *e = parse_exp(p);
            if (!e) goto fail;
            vec_push(&v, e);
            if (p_accept(p, TOK_COMMA)) continue;
            if (p_expect(p, TOK_RPAREN)) break;
            goto fail;
        }
    }
    *out = arena_memdup(p->a, v.v, v.n * sizeof(Expr *));
    *n = (uint32_t)v.n;
    vec_free(&v);
    return true;
fail:
    vec_free(&v);
    return false;
}

/* IDENT "(" [args] ")" */
static bool parse_call(Parser *p, Call *c)
{
    if (peek(p) != TOK_IDENT) {
        p_fail(p, TOK_IDENT);
        return false;
    }
    c->callee = cur(p)->text;
    c->callee_span = cur(p)->span;
    c->addcarry = c->callee == p->s_addcarry;
    p->pos++;
    return parse_args(p, &c->args, &c->nargs);
}

static bool is_call_ahead(Parser *p) { return peek(p) == TOK_IDENT && peek2(p) == TOK_LPAREN; }

static Stmt *new_stmt(Parser *p, StmtKind k, uint32_t start)
{
    Stmt *s = arena_alloc(p->a, sizeof *s);
    s->kind = k;
    s->span = p->t[start].span;
    return s;
}

static bool parse_block(Parser *p, Block *b);

/* "{" block, with the '{' still to be read */
static bool parse_braced(Parser *p, Block *b)
{
    if (!p_expect(p, TOK_LBRACE)) return false;
    return parse_block(p, b);
}

static const char ADDCARRY_HINT[] =
    "__add_with_carry__ can only be used as 'var {1,1} r = __add_with_carry__(a, b, c);' "
    "or 'r = __add_with_carry__(a, b, c);'";

/* ---- statements ---- */

/* "var" shapedid "=" IDENT "(" [args] ")" ";"  |  "var" shapedid "=" exp ";" */
static Stmt *parse_var(Parser *p, uint32_t start)
{
    p->pos++;
    Shape *sh;
    bool written;
    Token *name;
    if (!parse_shapedid(p, &sh, &written, &name) || !p_expect(p, TOK_ASSIGN)) return NULL;
    if (!written && !p->o->compat) sh = shape_one(p->a);
    Stmt *s;
    if (is_call_ahead(p)) {
        s = new_stmt(p, S_DECCALL, start);
        s->u.deccall.shape = sh;
        s->u.deccall.shape_written = written;
        s->u.deccall.var = var_ref(name);
        if (!parse_call(p, &s->u.deccall.call)) return NULL;
    } else {
        s = new_stmt(p, S_DEC, start);
        s->u.dec.shape = sh;
        s->u.dec.shape_written = written;
        s->u.dec.var = var_ref(name);
        if (!(s->u.dec.init = parse_exp(p))) return NULL;
    }
    if (!p_expect(p, TOK_SEMI)) {
        if (peek(p) == TOK_LPAREN || peek(p) == TOK_PLUS || peek(p) == TOK_MINUS)
            p_hint(p, "calls are statements, not expressions: call first, then compute");
        return NULL;
    }
    s->span = p_span_from(p, start);
    return s;
}

/* "if" exp "{" block [ "else" "{" block ] */
static Stmt *parse_if(Parser *p, uint32_t start)
{
    p->pos++;
    Stmt *s = new_stmt(p, S_IF, start);
    if (!(s->u.if_.cond = parse_exp(p)) || !parse_braced(p, &s->u.if_.then)) return NULL;
    if (p_accept(p, TOK_ELSE)) {
        s->u.if_.has_else = true;
        if (peek(p) == TOK_IF) {
            p_fail(p, TOK_LBRACE);
            p_hint(p, "there is no 'else if': write 'else { if ... }'");
            return NULL;
        }
        if (!parse_braced(p, &s->u.if_.els)) return NULL;
    }
    s->span = p_span_from(p, start);
    return s;
}

/* "try" [ IDENT "=" ] IDENT "(" [args] ")" "catch" IDENT "=>" IDENT "{" block */
static Stmt *parse_try(Parser *p, uint32_t start)
{
    p->pos++;
    Stmt *s = new_stmt(p, S_TRY, start);
    if (peek(p) == TOK_IDENT && peek2(p) == TOK_ASSIGN) {
        s->u.try_.has_dest = true;
        s->u.try_.dest = var_ref(cur(p));
        p->pos += 2;
    }
    if (!parse_call(p, &s->u.try_.call) || !p_expect(p, TOK_CATCH)) return NULL;
    if (peek(p) != TOK_IDENT) return p_fail(p, TOK_IDENT), NULL;
    s->u.try_.exn = cur(p)->text;
    s->u.try_.exn_span = cur(p)->span;
    p->pos++;
    if (!p_expect(p, TOK_ARROW)) return NULL;
    if (peek(p) != TOK_IDENT) return p_fail(p, TOK_IDENT), NULL;
    s->u.try_.catchvar = var_ref(cur(p));
    p->pos++;
    if (!parse_braced(p, &s->u.try_.handler)) return NULL;
    s->span = p_span_from(p, start);
    return s;
}

/* "!" ("ld8"|"ld16"|"ld32"|"ldw") IDENT "," exp
 * "!" ("st8"|"st16"|"st32"|"stw") exp "," exp */
static Stmt *parse_shared(Parser *p, uint32_t start)
{
    p->pos++;
    static const struct { TokKind k; uint8_t w; bool load; } ops[] = {
        {TOK_LD8, 1, true},   {TOK_LD16, 2, true},   {TOK_LD32, 4, true},   {TOK_LDW, 8, true},
        {TOK_ST8, 1, false},  {TOK_ST16, 2, false},  {TOK_ST32, 4, false},  {TOK_STW, 8, false},
    };
    TokKind k = peek(p);
    for (size_t i = 0; i < ARRAY_LEN(ops); i++) {
        if (ops[i].k != k) continue;
        p->pos++;
        Stmt *s = new_stmt(p, ops[i].load ? S_SHLOAD : S_SHSTORE, start);
        s->u.shmem.width = ops[i].w;
        if (ops[i].load) {
            if (peek(p) != TOK_IDENT) return p_fail(p, TOK_IDENT), NULL;
            s->u.shmem.dest = var_ref(cur(p));
            p->pos++;
        } else if (!(s->u.shmem.addr = parse_exp(p))) {
            return NULL;
        }
        if (!p_expect(p, TOK_COMMA)) return NULL;
        Expr *e = parse_exp(p);
        if (!e) return NULL;
        if (ops[i].load) s->u.shmem.addr = e;
        else s->u.shmem.value = e;
        return s;
    }
    p_fail(p, TOK_LDW);
    p_fail(p, TOK_STW);
    p_hint(p, "a statement starting with '!' is a shared-memory load or store: "
              "'!ld8/!ld16/!ld32/!ldw var, addr' or '!st8/!st16/!st32/!stw addr, value'");
    return NULL;
}

/* FFIID "(" exp "," exp "," exp "," exp ")" */
static Stmt *parse_ffi(Parser *p, uint32_t start)
{
    Stmt *s = new_stmt(p, S_FFI, start);
    s->u.ffi.name = cur(p)->text;
    s->u.ffi.name_span = cur(p)->span;
    p->pos++;
    if (!p_expect(p, TOK_LPAREN)) return NULL;
    for (int i = 0; i < 4; i++) {
        if (i && !p_expect(p, TOK_COMMA)) {
            if (peek(p) == TOK_RPAREN) p_hint(p, "an FFI call takes exactly 4 arguments: @f(c, clen, a, alen)");
            return NULL;
        }
        if (!(s->u.ffi.args[i] = parse_exp(p))) return NULL;
    }
    if (!p_expect(p, TOK_RPAREN)) {
        if (peek(p) == TOK_COMMA) p_hint(p, "an FFI call takes exactly 4 arguments: @f(c, clen, a, alen)");
        return NULL;
    }
    return s;
}

/* st / st8 / st32 (and compat stw / str / strb): exp "," exp */
static Stmt *parse_store(Parser *p, uint32_t start, uint8_t width)
{
    p->pos++;
    Stmt *s = new_stmt(p, S_STORE, start);
    s->u.store.width = width;
    if (!(s->u.store.addr = parse_exp(p)) || !p_expect(p, TOK_COMMA) ||
        !(s->u.store.value = parse_exp(p)))
        return NULL;
    return s;
}

/* IDENT "=" IDENT "(" ... ")" | IDENT "=" exp | IDENT "(" ... ")" */
static Stmt *parse_ident_stmt(Parser *p, uint32_t start)
{
    Token *id = cur(p);
    if (peek2(p) == TOK_LPAREN) {
        Stmt *s = new_stmt(p, S_CALL, start);
        s->u.call.kind = CALL_STANDALONE;
        if (!parse_call(p, &s->u.call.call)) return NULL;
        if (s->u.call.call.addcarry) {
            p->pos = start;
            p_fail(p, EXP_STMT);
            p_hint(p, ADDCARRY_HINT);
            return NULL;
        }
        return s;
    }
    p->pos++;
    if (!p_expect(p, TOK_ASSIGN)) {
        if (!strcmp(id->text, "str") || !strcmp(id->text, "strb") || !strcmp(id->text, "raise"))
            p_hint(p, "this is 2024-era syntax, accepted with --compat");
        return NULL;
    }
    if (is_call_ahead(p)) {
        Stmt *s = new_stmt(p, S_CALL, start);
        s->u.call.kind = CALL_ASSIGN;
        s->u.call.dest = var_ref(id);
        if (!parse_call(p, &s->u.call.call)) return NULL;
        return s;
    }
    Stmt *s = new_stmt(p, S_ASSIGN, start);
    s->u.assign.var = var_ref(id);
    if (!(s->u.assign.e = parse_exp(p))) return NULL;
    return s;
}

/* "return" IDENT "(" ... ")"  |  "return" exp */
static Stmt *parse_return(Parser *p, uint32_t start)
{
    p->pos++;
    if (is_call_ahead(p)) {
        Stmt *s = new_stmt(p, S_CALL, start);
        s->u.call.kind = CALL_TAIL;
        if (!parse_call(p, &s->u.call.call)) return NULL;
        if (s->u.call.call.addcarry) {
            p->pos = start + 1; /* at the callee */
            p_fail(p, EXP_EXPR);
            p_hint(p, ADDCARRY_HINT);
            return NULL;
        }
        return s;
    }
    Stmt *s = new_stmt(p, S_RETURN, start);
    if (!(s->u.ret.e = parse_exp(p))) return NULL;
    return s;
}

/* "throw" IDENT exp   (compat: "raise" IDENT exp) */
static Stmt *parse_throw(Parser *p, uint32_t start)
{
    p->pos++;
    Stmt *s = new_stmt(p, S_THROW, start);
    if (peek(p) != TOK_IDENT) return p_fail(p, TOK_IDENT), NULL;
    s->u.throw_.exn = cur(p)->text;
    s->u.throw_.exn_span = cur(p)->span;
    p->pos++;
    if (!(s->u.throw_.e = parse_exp(p))) return NULL;
    return s;
}

/* A simple statement (one that ends in ';'), without the ';'. */
static Stmt *parse_simple(Parser *p, uint32_t start)
{
    switch ((int)peek(p)) { /* partial: the rest is the default */
    case TOK_SKIP: p->pos++; return new_stmt(p, S_SKIP, start);
    case TOK_BREAK: p->pos++; return new_stmt(p, S_BREAK, start);
    case TOK_CONTINUE: p->pos++; return new_stmt(p, S_CONTINUE, start);
    case TOK_TICK: p->pos++; return new_stmt(p, S_TICK, start);
    case TOK_RETURN: return parse_return(p, start);
    case TOK_IDENT: return parse_ident_stmt(p, start);
    case TOK_ST: return parse_store(p, start, 0);
    case TOK_ST8: return parse_store(p, start, 1);
    case TOK_ST32: return parse_store(p, start, 4);
    case TOK_STR: return parse_store(p, start, 0);
    case TOK_STRB: return parse_store(p, start, 1);
    case TOK_STW:
        if (p->o->compat) return parse_store(p, start, 0);
        p_fail(p, EXP_STMT);
        p_hint(p, "a local 'stw' store is 2024-era syntax for 'st' (accepted with --compat); "
                  "shared stores are written '!stw'");
        return NULL;
    case TOK_BANG: return parse_shared(p, start);
    case TOK_FFIID: return parse_ffi(p, start);
    case TOK_THROW:
    case TOK_RAISE: return parse_throw(p, start);
    case TOK_LBRACE: {
        p->pos++;
        Stmt *s = new_stmt(p, S_BLOCK, start);
        if (!parse_block(p, &s->u.block)) return NULL;
        return s;
    }
    default:
        p_fail(p, EXP_STMT);
        if (peek(p) == TOK_SEMI)
            p_hint(p, "there is no empty statement; no ';' follows the '}' of if, while or try");
        return NULL;
    }
}

static Stmt *parse_stmt(Parser *p)
{
    uint32_t start = p->pos;
    Stmt *s;
    switch ((int)peek(p)) { /* partial: the rest is the default */
    case TOK_VAR: return parse_var(p, start);
    case TOK_IF: return parse_if(p, start);
    case TOK_WHILE:
        p->pos++;
        s = new_stmt(p, S_WHILE, start);
        if (!(s->u.while_.cond = parse_exp(p)) || !parse_braced(p, &s->u.while_.body)) return NULL;
        s->span = p_span_from(p, start);
        return s;
    case TOK_TRY: return parse_try(p, start);
    case TOK_ANNOT:
        p->pos++;
        s = new_stmt(p, S_ANNOT, start);
        s->u.annot.text = cur(p)[-1].text;
        return s;
    default:
        break;
    }
    if (!(s = parse_simple(p, start))) return NULL;
    if (!p_expect(p, TOK_SEMI)) {
        if (s->kind == S_BLOCK) p_hint(p, "a nested block '{ ... }' must be followed by ';'");
        if (peek(p) == TOK_PLUS || peek(p) == TOK_MINUS || peek(p) == TOK_STAR)
            if (s->kind == S_CALL)
                p_hint(p, "calls are statements, not expressions: call first, then compute");
        return NULL;
    }
    s->span = p_span_from(p, start);
    return s;
}

static Decl *parse_topdec(Parser *p);

/* An indented fun/struct/exception inside a block: say it belongs at top
 * level, then read it (to stay in step) and drop it. A declaration in
 * column 1 is taken as a sign of a missing '}' instead. */
static void nested_decl(Parser *p)
{
    uint32_t start = p->pos;
    const char *what = peek(p) == TOK_STRUCT ? "a struct" : peek(p) == TOK_EXCEPTION ? "an exception"
                                                                                    : "a function";
    p->any_error = true;
    diag_add(p->dl, DIAG_ERROR, "parse", &cur(p)->span,
             "%s can only be declared at top level, not inside a block", what);
    p->reported = true;
    p->last_report = start;
    reset_failure(p);
    if (!parse_topdec(p)) {
        p->pos = start + 1;
        recover_stmt(p, start + 1);
    }
}

/* block ::= "}" | stmt block   (the '{' has been read) */
static bool parse_block(Parser *p, Block *b)
{
    uint32_t open = p->pos - 1;
    if (!p_enter(p)) return false;
    VEC(Stmt *) v = {0};
    bool ok = true;
    for (;;) {
        if (p->fatal) { ok = false; break; }
        if (p_accept(p, TOK_RBRACE)) break;
        if (starts_topdec(peek(p)) && (cur(p)->flags & TOKF_NEWLINE) && cur(p)->span.col > 1) {
            nested_decl(p);
            continue;
        }
        if (peek(p) == TOK_EOF || (starts_topdec(peek(p)) && (cur(p)->flags & TOKF_NEWLINE))) {
            p_fail(p, TOK_RBRACE);
            Diag *d = report(p, p->pos);
            if (d) diag_note(d, &p->t[open].span, "to match this '{'");
            ok = false;
            break;
        }
        uint32_t start = p->pos;
        reset_failure(p);
        Stmt *s = parse_stmt(p);
        if (s) {
            vec_push(&v, s);
            continue;
        }
        if (p->fatal) { ok = false; break; }
        report(p, start);
        p->pos = start;
        recover_stmt(p, start);
    }
    p_leave(p);
    b->v = arena_memdup(p->a, v.v, v.n * sizeof(Stmt *));
    b->n = (uint32_t)v.n;
    b->span = p_span_from(p, open);
    vec_free(&v);
    return ok;
}

/* ---- top level ---- */

static bool parse_params(Parser *p, FunDecl *f)
{
    VEC(Param) v = {0};
    if (!p_expect(p, TOK_LPAREN)) return false;
    if (!p_accept(p, TOK_RPAREN)) {
        for (;;) {
            Param pr = {0};
            Token *name;
            if (!parse_shapedid(p, &pr.shape, &pr.shape_written, &name)) goto fail;
            if (!pr.shape) pr.shape = shape_one(p->a);
            pr.name = name->text;
            pr.span = name->span;
            vec_push(&v, pr);
            if (p_accept(p, TOK_COMMA)) continue;
            if (p_expect(p, TOK_RPAREN)) break;
            goto fail;
        }
    }
    f->params = arena_memdup(p->a, v.v, v.n * sizeof(Param));
    f->nparams = (uint32_t)v.n;
    vec_free(&v);
    return true;
fail:
    vec_free(&v);
    return false;
}

/* fundecl ::= [ "inline" ] [ "export" ] "fun" shapedid "(" [params] ")" "{" block */
static bool parse_fun(Parser *p, Decl *d)
{
    FunDecl *f = &d->u.fun;
    d->kind = D_FUN;
    f->is_inline = p_accept(p, TOK_INLINE);
    f->is_export = p_accept(p, TOK_EXPORT);
    if (f->is_export && peek(p) == TOK_INLINE) {
        p_fail(p, TOK_FUN);
        p_hint(p, "'inline' must come before 'export'");
        return false;
    }
    if (!p_expect(p, TOK_FUN)) return false;
    Token *name;
    if (!parse_shapedid(p, &f->ret, &f->ret_written, &name)) return false;
    if (!f->ret && !p->o->compat) f->ret = shape_one(p->a);
    f->name = name->text;
    f->name_span = name->span;
    if (!parse_params(p, f) || !p_expect(p, TOK_LBRACE)) return false;
    /* errors inside the body are reported and recovered there */
    bool ok = parse_block(p, &f->body);
    if (!ok) p->any_error = true;
    return true;
}

/* structdecl ::= "struct" IDENT "{" shapedid { "," shapedid } "}" */
static bool parse_struct(Parser *p, Decl *d)
{
    d->kind = D_STRUCT;
    p->pos++;
    if (peek(p) != TOK_IDENT) return p_fail(p, TOK_IDENT), false;
    d->u.st.name = cur(p)->text;
    d->u.st.name_span = cur(p)->span;
    p->pos++;
    if (!p_expect(p, TOK_LBRACE)) return false;
    VEC(Param) v = {0};
    for (;;) {
        Param f = {0};
        Token *name;
        if (!parse_shapedid(p, &f.shape, &f.shape_written, &name)) {
            if (peek(p) == TOK_RBRACE && v.n) p_hint(p, "no trailing comma after the last field");
            vec_free(&v);
            return false;
        }
        if (!f.shape) f.shape = shape_one(p->a);
        f.name = name->text;
        f.span = name->span;
        vec_push(&v, f);
        if (p_accept(p, TOK_COMMA)) continue;
        if (p_expect(p, TOK_RBRACE)) break;
        vec_free(&v);
        return false;
    }
    d->u.st.fields = arena_memdup(p->a, v.v, v.n * sizeof(Param));
    d->u.st.nfields = (uint32_t)v.n;
    vec_free(&v);
    if (peek(p) == TOK_SEMI) {
        p_fail(p, EXP_DECL);
        p_hint(p, "no ';' after a struct declaration");
        return false;
    }
    return true;
}

/* globaldecl ::= "var" shapedid "=" exp ";" */
static bool parse_global(Parser *p, Decl *d)
{
    GlobalDecl *g = &d->u.global;
    d->kind = D_GLOBAL;
    p->pos++;
    Token *name;
    if (!parse_shapedid(p, &g->shape, &g->shape_written, &name) || !p_expect(p, TOK_ASSIGN))
        return false;
    if (!g->shape && !p->o->compat) g->shape = shape_one(p->a);
    g->name = name->text;
    g->name_span = name->span;
    if (is_call_ahead(p)) {
        p_fail(p, EXP_EXPR);
        p_hint(p, "a global's initialiser must be an expression; it cannot call a function");
        return false;
    }
    return (g->init = parse_exp(p)) && p_expect(p, TOK_SEMI);
}

/* exndecl ::= "exception" IDENT ":" shape ";" */
static bool parse_exn(Parser *p, Decl *d)
{
    d->kind = D_EXN;
    p->pos++;
    if (peek(p) != TOK_IDENT) return p_fail(p, TOK_IDENT), false;
    d->u.exn.name = cur(p)->text;
    d->u.exn.name_span = cur(p)->span;
    p->pos++;
    return p_expect(p, TOK_COLON) && (d->u.exn.shape = parse_shape(p)) && p_expect(p, TOK_SEMI);
}

static Decl *parse_topdec(Parser *p)
{
    uint32_t start = p->pos;
    Decl *d = arena_alloc(p->a, sizeof *d);
    bool ok;
    switch ((int)peek(p)) { /* partial: the rest is the default */
    case TOK_FUN:
    case TOK_INLINE:
    case TOK_EXPORT: ok = parse_fun(p, d); break;
    case TOK_VAR: ok = parse_global(p, d); break;
    case TOK_STRUCT: ok = parse_struct(p, d); break;
    case TOK_EXCEPTION: ok = parse_exn(p, d); break;
    case TOK_ANNOT:
        p->pos++;
        d->kind = D_ANNOT;
        d->u.annot.text = p->t[start].text;
        ok = true;
        break;
    default:
        p_fail(p, EXP_DECL);
        if (peek(p) == TOK_RBRACE) p_hint(p, "this '}' closes nothing");
        ok = false;
    }
    if (!ok) return NULL;
    d->span = p_span_from(p, start);
    return d;
}

bool parse_program(Program *p, const FrontOpts *o, DiagList *dl)
{
    Parser ps = {0};
    ps.t = p->tokens.toks.v;
    ps.n = (uint32_t)p->tokens.toks.n;
    ps.prog = p;
    ps.a = &p->arena;
    ps.o = o;
    ps.dl = dl;
    ps.s_addcarry = intern_cstr(p->interner, "__add_with_carry__");
    p->compat = o->compat;
    while (peek(&ps) != TOK_EOF && !ps.fatal) {
        uint32_t start = ps.pos;
        reset_failure(&ps);
        Decl *d = parse_topdec(&ps);
        if (d) {
            vec_push(&p->decls, d);
            continue;
        }
        if (ps.fatal) break;
        report(&ps, start);
        ps.pos = start;
        recover_decl(&ps, start);
    }
    free(ps.memo);
    return !ps.any_error;
}

void program_free(Program *p)
{
    vec_free(&p->decls);
    vec_free(&p->tokens.toks);
    vec_free(&p->tokens.comments);
    arena_free(&p->arena);
}
