/*
 * Formatter: AST -> canonical current-syntax Pancake (docs/language.md,
 * "Formatter output"). Parentheses the user wrote are kept; others are
 * added only where precedence requires them, so parse(print(ast)) equals
 * ast exactly. Comments come from the token list: each is printed before
 * the first statement or declaration that follows it in the source, or at
 * the end of the line it trailed.
 */
#include "front.h"

#include <inttypes.h>
#include <string.h>

typedef struct Fmt {
    const Program *p;
    StrBuf *out;
    int indent;
    bool explicit_parens;
    size_t next_comment;
    uint32_t last_line;     /* source line of the last thing printed */
} Fmt;

/* ---- expressions ---- */

/* Precedence level of an expression (pancake-language.md §2.3). */
static int level(const Expr *e)
{
    switch (e->kind) {
    case E_LOR: return 1;
    case E_LAND: return 2;
    case E_CMP: return e->op == CMP_EQ || e->op == CMP_NE ? 3 : 4;
    case E_LOAD: return 5;
    case E_LOAD8: return 6;
    case E_LOAD32: return 7;
    case E_OR: return 8;
    case E_XOR: return 9;
    case E_AND: return 10;
    case E_SHIFT: return 11;
    case E_ADD:
    case E_SUB: return 12;
    case E_MUL: return 13;
    case E_NOT: return 14;
    case E_FIELD:
    case E_NFIELD: return 15;
    case E_CONST:
    case E_VAR:
    case E_STRUCT:
    case E_NSTRUCT:
    case E_BASE:
    case E_TOP:
    case E_BIW: return 16;
    }
    return 16;
}

static const char *cmp_text[] = {"==", "!=", "<", ">", "<=", ">=", "<+", ">+", "<=+", ">=+"};
static const char *shift_text[] = {"<<", ">>>", ">>", "#>>"};

static void expr(Fmt *f, const Expr *e, int min_level);

static void list(Fmt *f, const Expr *e, const char *op, int first_min, int rest_min)
{
    for (uint32_t i = 0; i < e->u.list.n; i++) {
        if (i) sb_printf(f->out, " %s ", op);
        expr(f, e->u.list.v[i], i ? rest_min : first_min);
    }
}

/* Prints a struct element list with the spaces the lexer needs: "< <1, 2>, 3 >". */
static void struct_elems(Fmt *f, const Expr *e)
{
    StrBuf inner = {0};
    StrBuf *save = f->out;
    f->out = &inner;
    if (e->kind == E_STRUCT) {
        for (uint32_t i = 0; i < e->u.list.n; i++) {
            if (i) sb_puts(&inner, ", ");
            expr(f, e->u.list.v[i], 1);
        }
    } else {
        for (uint32_t i = 0; i < e->u.nstruct.n; i++) {
            if (i) sb_puts(&inner, ", ");
            sb_printf(&inner, "%s = ", e->u.nstruct.v[i].name);
            expr(f, e->u.nstruct.v[i].value, 1);
        }
    }
    f->out = save;
    sb_putc(f->out, '<');
    if (inner.n && inner.s[0] == '<') sb_putc(f->out, ' ');
    if (inner.n) sb_putn(f->out, inner.s, inner.n);
    if (inner.n && inner.s[inner.n - 1] == '>') sb_putc(f->out, ' ');
    sb_putc(f->out, '>');
    sb_free(&inner);
}

static void expr_inner(Fmt *f, const Expr *e)
{
    StrBuf *o = f->out;
    switch (e->kind) {
    case E_CONST:
        if (e->op == 2) sb_puts(o, "true");
        else if (e->op == 3) sb_puts(o, "false");
        else if (e->op == 1) sb_printf(o, "%" PRId64, (int64_t)e->u.value);
        else sb_printf(o, "%" PRIu64, e->u.value);
        return;
    case E_VAR: sb_puts(o, e->u.var.name); return;
    case E_BASE: sb_puts(o, "@base"); return;
    case E_TOP: sb_puts(o, "@top"); return;
    case E_BIW: sb_puts(o, "@biw"); return;
    case E_STRUCT: struct_elems(f, e); return;
    case E_NSTRUCT:
        sb_puts(o, e->u.nstruct.name);
        struct_elems(f, e);
        return;
    case E_FIELD:
        expr(f, e->u.field.e, 15);
        sb_printf(o, ".%u", e->u.field.index);
        return;
    case E_NFIELD:
        expr(f, e->u.field.e, 15);
        sb_printf(o, ".%s", e->u.field.name);
        return;
    case E_LOAD:
        sb_puts(o, "lds ");
        shape_print(o, e->u.load.shape);
        sb_putc(o, ' ');
        expr(f, e->u.load.addr, 6);
        return;
    case E_LOAD8: sb_puts(o, "ld8 "); expr(f, e->u.load.addr, 7); return;
    case E_LOAD32: sb_puts(o, "ld32 "); expr(f, e->u.load.addr, 8); return;
    case E_NOT: {
        /* "!<1>" would lex as the symbol run "!<": keep them apart */
        StrBuf sub = {0};
        f->out = &sub;
        expr(f, e->u.un, 15);
        f->out = o;
        sb_puts(o, sub.n && sub.s[0] == '<' ? "! " : "!");
        sb_putn(o, sub.s, sub.n);
        sb_free(&sub);
        return;
    }
    case E_LOR: list(f, e, "||", 2, 2); return;
    case E_LAND: list(f, e, "&&", 3, 3); return;
    case E_OR: list(f, e, "|", 9, 9); return;
    case E_XOR: list(f, e, "^", 10, 10); return;
    case E_AND: list(f, e, "&", 11, 11); return;
    case E_ADD: list(f, e, "+", 12, 13); return;
    case E_SUB: list(f, e, "-", 12, 13); return;
    case E_MUL: list(f, e, "*", 13, 14); return;
    case E_CMP: {
        int sub = e->op == CMP_EQ || e->op == CMP_NE ? 4 : 5;
        expr(f, e->u.bin.a, sub);
        sb_printf(o, " %s ", cmp_text[e->op]);
        expr(f, e->u.bin.b, sub);
        return;
    }
    case E_SHIFT:
        expr(f, e->u.bin.a, 11);
        sb_printf(o, " %s ", shift_text[e->op]);
        expr(f, e->u.bin.b, 12);
        return;
    }
}

static void expr(Fmt *f, const Expr *e, int min_level)
{
    int lv = level(e);
    bool parens = e->parens || lv < min_level || (f->explicit_parens && lv < 15);
    if (parens) sb_putc(f->out, '(');
    expr_inner(f, e);
    if (parens) sb_putc(f->out, ')');
}

void fmt_expr(const Expr *e, StrBuf *out)
{
    Fmt f = {.out = out};
    expr(&f, e, 1);
}

/* ---- comments and layout ---- */

static void indent(Fmt *f)
{
    for (int i = 0; i < f->indent; i++) sb_puts(f->out, "    ");
}

/* Index of the first token starting at or after (line, col) of span s. */
static uint32_t tok_index(const Fmt *f, Span s)
{
    const TokenList *tl = &f->p->tokens;
    uint32_t lo = 0, hi = (uint32_t)tl->toks.n;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        Span m = tl->toks.v[mid].span;
        if (m.line < s.line || (m.line == s.line && m.col < s.col)) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static bool ends_blank(const StrBuf *o)
{
    return o->n > 1 && o->s[o->n - 1] == '\n' && o->s[o->n - 2] == '\n';
}

/* Prints the comments that come before token index t. */
static void comments_before(Fmt *f, uint32_t t)
{
    const TokenList *tl = &f->p->tokens;
    while (f->next_comment < tl->comments.n && tl->comments.v[f->next_comment].before_tok <= t) {
        const Comment *c = &tl->comments.v[f->next_comment++];
        if (!c->own_line && f->out->n && f->out->s[f->out->n - 1] == '\n') {
            f->out->n--; /* trailing comment: back onto the previous line */
            sb_putc(f->out, ' ');
        } else {
            if (f->last_line && c->span.line > f->last_line + 1 && f->out->n && !ends_blank(f->out) &&
                f->out->s[f->out->n - 2] != '{')
                sb_putc(f->out, '\n');
            indent(f);
        }
        sb_putn(f->out, c->text, c->len);
        sb_putc(f->out, '\n');
        f->last_line = c->span.eline;
    }
}

/* Keeps one blank line where the source had at least one. */
static void blank_line_before(Fmt *f, Span s)
{
    if (f->last_line && s.line > f->last_line + 1 && f->out->n > 1 &&
        !(f->out->s[f->out->n - 1] == '\n' && f->out->s[f->out->n - 2] == '\n') &&
        f->out->s[f->out->n - 2] != '{')
        sb_putc(f->out, '\n');
}

static void begin_item(Fmt *f, Span s)
{
    comments_before(f, tok_index(f, s));
    blank_line_before(f, s);
    indent(f);
}

/* ---- statements ---- */

static bool print_shape_of(const Fmt *f, const Shape *s, bool written)
{
    return s && (written || (f->p->compat && s->kind != SHAPE_ONE));
}

static void args(Fmt *f, Expr **v, uint32_t n)
{
    sb_putc(f->out, '(');
    for (uint32_t i = 0; i < n; i++) {
        if (i) sb_puts(f->out, ", ");
        expr(f, v[i], 1);
    }
    sb_putc(f->out, ')');
}

static void call(Fmt *f, const Call *c)
{
    sb_puts(f->out, c->callee);
    args(f, c->args, c->nargs);
}

static void block(Fmt *f, const Block *b);
static void stmt(Fmt *f, const Stmt *s);

static void shaped_name(Fmt *f, const Shape *sh, bool written, Sym name)
{
    if (print_shape_of(f, sh, written)) {
        shape_print(f->out, sh);
        sb_putc(f->out, ' ');
    }
    sb_puts(f->out, name);
}

static const char *const shmem_load[] = {NULL, "ld8", "ld16", NULL, "ld32", NULL, NULL, NULL, "ldw"};
static const char *const shmem_store[] = {NULL, "st8", "st16", NULL, "st32", NULL, NULL, NULL, "stw"};

/* Statements that end in ';' (printed without it). */
static void simple(Fmt *f, const Stmt *s)
{
    StrBuf *o = f->out;
    switch (s->kind) {
    case S_SKIP: sb_puts(o, "skip"); return;
    case S_BREAK: sb_puts(o, "break"); return;
    case S_CONTINUE: sb_puts(o, "continue"); return;
    case S_TICK: sb_puts(o, "tick"); return;
    case S_DEC:
        sb_puts(o, "var ");
        shaped_name(f, s->u.dec.shape, s->u.dec.shape_written, s->u.dec.var.name);
        sb_puts(o, " = ");
        expr(f, s->u.dec.init, 1);
        return;
    case S_DECCALL:
        sb_puts(o, "var ");
        shaped_name(f, s->u.deccall.shape, s->u.deccall.shape_written, s->u.deccall.var.name);
        sb_puts(o, " = ");
        call(f, &s->u.deccall.call);
        return;
    case S_ASSIGN:
        sb_printf(o, "%s = ", s->u.assign.var.name);
        expr(f, s->u.assign.e, 1);
        return;
    case S_CALL:
        if (s->u.call.kind == CALL_TAIL) sb_puts(o, "return ");
        if (s->u.call.kind == CALL_ASSIGN) sb_printf(o, "%s = ", s->u.call.dest.name);
        call(f, &s->u.call.call);
        return;
    case S_STORE:
        sb_puts(o, s->u.store.width == 1 ? "st8 " : s->u.store.width == 4 ? "st32 " : "st ");
        expr(f, s->u.store.addr, 1);
        sb_puts(o, ", ");
        expr(f, s->u.store.value, 1);
        return;
    case S_SHLOAD:
        sb_printf(o, "!%s %s, ", shmem_load[s->u.shmem.width], s->u.shmem.dest.name);
        expr(f, s->u.shmem.addr, 1);
        return;
    case S_SHSTORE:
        sb_printf(o, "!%s ", shmem_store[s->u.shmem.width]);
        expr(f, s->u.shmem.addr, 1);
        sb_puts(o, ", ");
        expr(f, s->u.shmem.value, 1);
        return;
    case S_FFI:
        sb_printf(o, "@%s", s->u.ffi.name);
        args(f, (Expr **)s->u.ffi.args, 4);
        return;
    case S_THROW:
        sb_printf(o, "throw %s ", s->u.throw_.exn);
        expr(f, s->u.throw_.e, 1);
        return;
    case S_RETURN:
        sb_puts(o, "return ");
        expr(f, s->u.ret.e, 1);
        return;
    case S_BLOCK:
        block(f, &s->u.block);
        return;
    case S_IF:
    case S_WHILE:
    case S_TRY:
    case S_ANNOT:
        return;
    }
}

static void stmt(Fmt *f, const Stmt *s)
{
    StrBuf *o = f->out;
    begin_item(f, s->span);
    switch ((int)s->kind) { /* partial: simple statements are the default */
    case S_IF:
        sb_puts(o, "if ");
        expr(f, s->u.if_.cond, 1);
        sb_putc(o, ' ');
        block(f, &s->u.if_.then);
        if (s->u.if_.has_else) {
            sb_puts(o, " else ");
            block(f, &s->u.if_.els);
        }
        break;
    case S_WHILE:
        sb_puts(o, "while ");
        expr(f, s->u.while_.cond, 1);
        sb_putc(o, ' ');
        block(f, &s->u.while_.body);
        break;
    case S_TRY:
        sb_puts(o, "try ");
        if (s->u.try_.has_dest) sb_printf(o, "%s = ", s->u.try_.dest.name);
        call(f, &s->u.try_.call);
        sb_printf(o, " catch %s => %s ", s->u.try_.exn, s->u.try_.catchvar.name);
        block(f, &s->u.try_.handler);
        break;
    case S_ANNOT:
        sb_printf(o, "/@%s@/", s->u.annot.text);
        break;
    default:
        simple(f, s);
        sb_putc(o, ';');
        break;
    }
    sb_putc(o, '\n');
    f->last_line = s->span.eline;
}

/* Prints "{ ... }" (without a newline after '}'). */
static void block(Fmt *f, const Block *b)
{
    Span close = {b->span.file, b->span.eline, b->span.ecol, b->span.eline, b->span.ecol};
    uint32_t close_tok = tok_index(f, close);
    bool inner_comments = f->next_comment < f->p->tokens.comments.n &&
                          f->p->tokens.comments.v[f->next_comment].before_tok <= close_tok;
    if (!b->n && !inner_comments) {
        sb_puts(f->out, "{}");
        f->last_line = b->span.eline;
        return;
    }
    sb_puts(f->out, "{\n");
    f->last_line = b->span.line;
    f->indent++;
    for (uint32_t i = 0; i < b->n; i++) stmt(f, b->v[i]);
    comments_before(f, close_tok);
    f->indent--;
    indent(f);
    sb_putc(f->out, '}');
    f->last_line = b->span.eline;
}

/* ---- declarations ---- */

static void fun(Fmt *f, const FunDecl *fn)
{
    StrBuf *o = f->out;
    if (fn->is_inline) sb_puts(o, "inline ");
    if (fn->is_export) sb_puts(o, "export ");
    sb_puts(o, "fun ");
    shaped_name(f, fn->ret, fn->ret_written, fn->name);
    sb_putc(o, '(');
    for (uint32_t i = 0; i < fn->nparams; i++) {
        if (i) sb_puts(o, ", ");
        shaped_name(f, fn->params[i].shape, fn->params[i].shape_written, fn->params[i].name);
    }
    sb_puts(o, ") ");
    block(f, &fn->body);
}

static void struct_decl(Fmt *f, const StructDecl *st)
{
    StrBuf line = {0};
    sb_printf(&line, "struct %s { ", st->name);
    StrBuf *save = f->out;
    f->out = &line;
    for (uint32_t i = 0; i < st->nfields; i++) {
        if (i) sb_puts(&line, ", ");
        shaped_name(f, st->fields[i].shape, st->fields[i].shape_written, st->fields[i].name);
    }
    f->out = save;
    sb_puts(&line, " }");
    if (line.n <= 80) {
        sb_puts(f->out, line.s);
    } else {
        sb_printf(f->out, "struct %s {\n", st->name);
        for (uint32_t i = 0; i < st->nfields; i++) {
            sb_puts(f->out, "    ");
            shaped_name(f, st->fields[i].shape, st->fields[i].shape_written, st->fields[i].name);
            sb_puts(f->out, i + 1 < st->nfields ? ",\n" : "\n");
        }
        sb_putc(f->out, '}');
    }
    sb_free(&line);
}

static void decl(Fmt *f, const Decl *d, const Decl *prev)
{
    StrBuf *o = f->out;
    bool sep = prev && prev->kind != D_ANNOT && (d->kind == D_FUN || prev->kind == D_FUN || d->kind != prev->kind);
    uint32_t t = tok_index(f, d->span);
    const TokenList *tl = &f->p->tokens;
    /* a comment that trailed the previous declaration stays on its line */
    while (f->next_comment < tl->comments.n && !tl->comments.v[f->next_comment].own_line &&
           tl->comments.v[f->next_comment].before_tok <= t)
        comments_before(f, tl->comments.v[f->next_comment].before_tok);
    if (o->n && sep && !ends_blank(o)) sb_putc(o, '\n');
    comments_before(f, t);
    if (o->n && f->last_line && d->span.line > f->last_line + 1 && !ends_blank(o)) sb_putc(o, '\n');
    switch (d->kind) {
    case D_FUN: fun(f, &d->u.fun); break;
    case D_STRUCT: struct_decl(f, &d->u.st); break;
    case D_GLOBAL:
        sb_puts(o, "var ");
        shaped_name(f, d->u.global.shape, d->u.global.shape_written, d->u.global.name);
        sb_puts(o, " = ");
        expr(f, d->u.global.init, 1);
        sb_putc(o, ';');
        break;
    case D_EXN:
        sb_printf(o, "exception %s : ", d->u.exn.name);
        shape_print(o, d->u.exn.shape);
        sb_putc(o, ';');
        break;
    case D_ANNOT: sb_printf(o, "/@%s@/", d->u.annot.text); break;
    }
    sb_putc(o, '\n');
    f->last_line = d->span.eline;
}

static void fmt_run(const Program *p, StrBuf *out, bool explicit_parens)
{
    Fmt f = {.p = p, .out = out, .explicit_parens = explicit_parens};
    const Decl *prev = NULL;
    /* exceptions declared implicitly by legacy 'raise' (compat) come first */
    for (size_t i = 0; i < p->decls.n; i++) {
        const Decl *d = p->decls.v[i];
        if (d->kind != D_EXN || !d->u.exn.implicit) continue;
        sb_printf(out, "exception %s : ", d->u.exn.name);
        shape_print(out, d->u.exn.shape);
        sb_puts(out, ";\n");
        prev = d;
    }
    for (size_t i = 0; i < p->decls.n; i++) {
        const Decl *d = p->decls.v[i];
        if (d->kind == D_EXN && d->u.exn.implicit) continue;
        decl(&f, d, prev);
        prev = d;
    }
    comments_before(&f, UINT32_MAX);
}

void fmt_program(const Program *p, StrBuf *out) { fmt_run(p, out, false); }
void fmt_program_explicit(const Program *p, StrBuf *out) { fmt_run(p, out, true); }
