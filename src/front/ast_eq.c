/* Structural AST equality, ignoring locations, parentheses and literal
 * spelling: what the formatter must preserve. */
#include "front.h"

#include <string.h>

typedef struct Eq {
    Span where;
    bool found;
} Eq;

static bool diff(Eq *q, Span s)
{
    if (!q->found) {
        q->where = s;
        q->found = true;
    }
    return false;
}

static bool expr_eq(Eq *q, const Expr *a, const Expr *b);

static bool exprs_eq(Eq *q, Expr *const *a, Expr *const *b, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (!expr_eq(q, a[i], b[i])) return false;
    return true;
}

static bool expr_eq(Eq *q, const Expr *a, const Expr *b)
{
    if (!a || !b) return a == b || diff(q, (a ? a : b)->span);
    if (a->kind != b->kind) return diff(q, a->span);
    switch (a->kind) {
    case E_CONST: return a->u.value == b->u.value || diff(q, a->span);
    case E_VAR: return a->u.var.name == b->u.var.name || diff(q, a->span);
    case E_BASE:
    case E_TOP:
    case E_BIW: return true;
    case E_STRUCT:
    case E_ADD:
    case E_SUB:
    case E_MUL:
    case E_AND:
    case E_OR:
    case E_XOR:
    case E_LAND:
    case E_LOR:
        if (a->u.list.n != b->u.list.n) return diff(q, a->span);
        return exprs_eq(q, a->u.list.v, b->u.list.v, a->u.list.n);
    case E_NSTRUCT:
        if (a->u.nstruct.name != b->u.nstruct.name || a->u.nstruct.n != b->u.nstruct.n)
            return diff(q, a->span);
        for (uint32_t i = 0; i < a->u.nstruct.n; i++)
            if (a->u.nstruct.v[i].name != b->u.nstruct.v[i].name ||
                !expr_eq(q, a->u.nstruct.v[i].value, b->u.nstruct.v[i].value))
                return diff(q, a->span);
        return true;
    case E_FIELD:
        return (a->u.field.index == b->u.field.index || diff(q, a->span)) &&
               expr_eq(q, a->u.field.e, b->u.field.e);
    case E_NFIELD:
        return (a->u.field.name == b->u.field.name || diff(q, a->span)) &&
               expr_eq(q, a->u.field.e, b->u.field.e);
    case E_LOAD:
        if (!shape_eq(a->u.load.shape, b->u.load.shape)) return diff(q, a->span);
        return expr_eq(q, a->u.load.addr, b->u.load.addr);
    case E_LOAD8:
    case E_LOAD32: return expr_eq(q, a->u.load.addr, b->u.load.addr);
    case E_NOT: return expr_eq(q, a->u.un, b->u.un);
    case E_CMP:
    case E_SHIFT:
        if (a->op != b->op) return diff(q, a->span);
        return expr_eq(q, a->u.bin.a, b->u.bin.a) && expr_eq(q, a->u.bin.b, b->u.bin.b);
    }
    return diff(q, a->span);
}

static bool block_eq(Eq *q, const Block *a, const Block *b);

static bool call_eq(Eq *q, const Call *a, const Call *b, Span s)
{
    if (a->callee != b->callee || a->nargs != b->nargs) return diff(q, s);
    return exprs_eq(q, a->args, b->args, a->nargs);
}

static bool shape_opt_eq(const Shape *a, bool aw, const Shape *b, bool bw)
{
    (void)aw;
    (void)bw;
    return shape_eq(a, b);
}

static bool stmt_eq(Eq *q, const Stmt *a, const Stmt *b)
{
    if (a->kind != b->kind) return diff(q, a->span);
    switch (a->kind) {
    case S_SKIP:
    case S_BREAK:
    case S_CONTINUE:
    case S_TICK: return true;
    case S_ANNOT: return !strcmp(a->u.annot.text, b->u.annot.text) || diff(q, a->span);
    case S_DEC:
        if (a->u.dec.var.name != b->u.dec.var.name ||
            !shape_opt_eq(a->u.dec.shape, a->u.dec.shape_written, b->u.dec.shape, b->u.dec.shape_written))
            return diff(q, a->span);
        return expr_eq(q, a->u.dec.init, b->u.dec.init);
    case S_DECCALL:
        if (a->u.deccall.var.name != b->u.deccall.var.name ||
            !shape_opt_eq(a->u.deccall.shape, a->u.deccall.shape_written, b->u.deccall.shape,
                          b->u.deccall.shape_written))
            return diff(q, a->span);
        return call_eq(q, &a->u.deccall.call, &b->u.deccall.call, a->span);
    case S_ASSIGN:
        if (a->u.assign.var.name != b->u.assign.var.name) return diff(q, a->span);
        return expr_eq(q, a->u.assign.e, b->u.assign.e);
    case S_CALL:
        if (a->u.call.kind != b->u.call.kind ||
            (a->u.call.kind == CALL_ASSIGN && a->u.call.dest.name != b->u.call.dest.name))
            return diff(q, a->span);
        return call_eq(q, &a->u.call.call, &b->u.call.call, a->span);
    case S_STORE:
        if (a->u.store.width != b->u.store.width) return diff(q, a->span);
        return expr_eq(q, a->u.store.addr, b->u.store.addr) && expr_eq(q, a->u.store.value, b->u.store.value);
    case S_SHLOAD:
        if (a->u.shmem.width != b->u.shmem.width || a->u.shmem.dest.name != b->u.shmem.dest.name)
            return diff(q, a->span);
        return expr_eq(q, a->u.shmem.addr, b->u.shmem.addr);
    case S_SHSTORE:
        if (a->u.shmem.width != b->u.shmem.width) return diff(q, a->span);
        return expr_eq(q, a->u.shmem.addr, b->u.shmem.addr) && expr_eq(q, a->u.shmem.value, b->u.shmem.value);
    case S_IF:
        if (a->u.if_.has_else != b->u.if_.has_else) return diff(q, a->span);
        return expr_eq(q, a->u.if_.cond, b->u.if_.cond) && block_eq(q, &a->u.if_.then, &b->u.if_.then) &&
               block_eq(q, &a->u.if_.els, &b->u.if_.els);
    case S_WHILE:
        return expr_eq(q, a->u.while_.cond, b->u.while_.cond) &&
               block_eq(q, &a->u.while_.body, &b->u.while_.body);
    case S_FFI:
        if (a->u.ffi.name != b->u.ffi.name) return diff(q, a->span);
        return exprs_eq(q, a->u.ffi.args, b->u.ffi.args, 4);
    case S_THROW:
        if (a->u.throw_.exn != b->u.throw_.exn) return diff(q, a->span);
        return expr_eq(q, a->u.throw_.e, b->u.throw_.e);
    case S_RETURN: return expr_eq(q, a->u.ret.e, b->u.ret.e);
    case S_TRY:
        if (a->u.try_.has_dest != b->u.try_.has_dest ||
            (a->u.try_.has_dest && a->u.try_.dest.name != b->u.try_.dest.name) ||
            a->u.try_.exn != b->u.try_.exn || a->u.try_.catchvar.name != b->u.try_.catchvar.name)
            return diff(q, a->span);
        return call_eq(q, &a->u.try_.call, &b->u.try_.call, a->span) &&
               block_eq(q, &a->u.try_.handler, &b->u.try_.handler);
    case S_BLOCK: return block_eq(q, &a->u.block, &b->u.block);
    }
    return diff(q, a->span);
}

static bool block_eq(Eq *q, const Block *a, const Block *b)
{
    if (a->n != b->n) return diff(q, a->span);
    for (uint32_t i = 0; i < a->n; i++)
        if (!stmt_eq(q, a->v[i], b->v[i])) return false;
    return true;
}

static bool params_eq(const Param *a, const Param *b, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (a[i].name != b[i].name || !shape_eq(a[i].shape, b[i].shape)) return false;
    return true;
}

static bool decl_eq(Eq *q, const Decl *a, const Decl *b)
{
    if (a->kind != b->kind) return diff(q, a->span);
    switch (a->kind) {
    case D_FUN: {
        const FunDecl *x = &a->u.fun, *y = &b->u.fun;
        if (x->name != y->name || x->is_inline != y->is_inline || x->is_export != y->is_export ||
            x->nparams != y->nparams || !shape_eq(x->ret, y->ret) || !params_eq(x->params, y->params, x->nparams))
            return diff(q, a->span);
        return block_eq(q, &x->body, &y->body);
    }
    case D_GLOBAL:
        if (a->u.global.name != b->u.global.name || !shape_eq(a->u.global.shape, b->u.global.shape))
            return diff(q, a->span);
        return expr_eq(q, a->u.global.init, b->u.global.init);
    case D_EXN:
        return (a->u.exn.name == b->u.exn.name && shape_eq(a->u.exn.shape, b->u.exn.shape)) || diff(q, a->span);
    case D_STRUCT:
        return (a->u.st.name == b->u.st.name && a->u.st.nfields == b->u.st.nfields &&
                params_eq(a->u.st.fields, b->u.st.fields, a->u.st.nfields)) || diff(q, a->span);
    case D_ANNOT: return !strcmp(a->u.annot.text, b->u.annot.text) || diff(q, a->span);
    }
    return diff(q, a->span);
}

/* Is d a declaration of an exception that one of the programs declared
 * implicitly (compat 'raise')? Those are printed first by the formatter. */
static bool implicit_exn(const Program *a, const Program *b, const Decl *d)
{
    if (d->kind != D_EXN) return false;
    const Program *ps[2] = {a, b};
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < ps[k]->decls.n; i++) {
            const Decl *e = ps[k]->decls.v[i];
            if (e->kind == D_EXN && e->u.exn.implicit && e->u.exn.name == d->u.exn.name) return true;
        }
    return false;
}

bool ast_equal(const Program *a, const Program *b, Span *where)
{
    Eq q = {0};
    size_t i = 0, j = 0;
    bool ok = true;
    for (;;) {
        while (i < a->decls.n && implicit_exn(a, b, a->decls.v[i])) i++;
        while (j < b->decls.n && implicit_exn(a, b, b->decls.v[j])) j++;
        if (i >= a->decls.n || j >= b->decls.n) break;
        if (!decl_eq(&q, a->decls.v[i], b->decls.v[j])) {
            ok = false;
            break;
        }
        i++;
        j++;
    }
    if (ok && (i < a->decls.n) != (j < b->decls.n)) {
        ok = false;
        diff(&q, i < a->decls.n ? a->decls.v[i]->span : b->decls.v[j]->span);
    }
    if (!ok && where) *where = q.where;
    return ok;
}
