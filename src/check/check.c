/*
 * The checker's driver and its top level (pancake-language.md §4).
 *
 * Order, as in panStatic: (1) struct declarations in order, each seeing
 * only the earlier ones; (2) the other declarations in order, building the
 * function, global and exception tables (a global's initialiser sees the
 * globals before it); (3) every function body, seeing every function,
 * every global and every struct.
 *
 * Unlike panStatic, which stops at the first error, every rule reports
 * and carries on: a bad declaration still enters its table (with NULL for
 * whatever was not well-formed), so later uses are checked against what is
 * known and nothing is reported twice (tag-unknown-shape in check_int.h).
 *
 * In compat mode, un-annotated return shapes are inferred between (2) and
 * (3) by quiet rounds over the bodies (infer.c); rules that depend on the
 * final return shapes (main and export returns, the 32-word limit) run
 * after that.
 */
#include "check_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- reporting ------------------------------------------------------- */

static Diag *vreport(Ctx *c, DiagSeverity sev, const char *code, const Span *at,
                     const char *fmt, va_list ap)
{
    if (c->quiet) return NULL;
    if (sev == DIAG_ERROR) c->nerrors++;
    if (sev == DIAG_WARNING && c->o->no_warn) return NULL;
    return diag_vadd(c->dl, sev, code, at, fmt, ap);
}

Diag *cerror(Ctx *c, const char *code, const Span *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    Diag *d = vreport(c, DIAG_ERROR, code, at, fmt, ap);
    va_end(ap);
    return d;
}

Diag *cwarn(Ctx *c, const char *code, const Span *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    Diag *d = vreport(c, DIAG_WARNING, code, at, fmt, ap);
    va_end(ap);
    return d;
}

void cnote(Diag *d, const Span *at, const char *fmt, ...)
{
    if (!d) return;
    StrBuf b = {0};
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&b, fmt, ap);
    va_end(ap);
    diag_note(d, at, "%s", b.s ? b.s : "");
    sb_free(&b);
}

/* The reference's scope descriptions (get_scope_desc). */
const char *where(Ctx *c)
{
    switch (c->wk) {
    case W_FUN: return scratch_printf(&c->scratch, "function %s", c->wname);
    case W_GLOBAL:
        return scratch_printf(&c->scratch, "initialisation of global variable %s", c->wname);
    case W_FIELD:
        return scratch_printf(&c->scratch, "declaration of field %s in named struct %s",
                            c->wfield, c->wname);
    case W_EXN: return scratch_printf(&c->scratch, "declaration of exception %s", c->wname);
    case W_TOP: break;
    }
    return "top-level declaration";
}

/* ---- tables ---------------------------------------------------------- */

FunInfo *find_fun(Ctx *c, Sym name)
{
    int32_t i = symmap_get(&c->funmap, name);
    return i < 0 ? NULL : &c->funs.v[i];
}

StructInfo *find_struct(Ctx *c, Sym name)
{
    int32_t i = symmap_get(&c->stmap, name);
    return i < 0 ? NULL : &c->sts.v[i];
}

ExnInfo *find_exn(Ctx *c, Sym name)
{
    int32_t i = symmap_get(&c->exnmap, name);
    return i < 0 ? NULL : &c->exns.v[i];
}

static void add_exn(Ctx *c, ExnDecl *x, Shape *sh)
{
    ExnInfo xi = {x, sh};
    symmap_put(&c->exnmap, x->name, (int32_t)c->exns.n);
    vec_push(&c->exns, xi);
}

/* compat: `throw E v` (legacy `raise`) of an undeclared E declares it with
 * v's shape (§6.1). The declaration is appended to the program so later
 * stages see an ordinary exception. */
void declare_implicit_exn(Ctx *c, Sym name, Span at, Shape *sh)
{
    Decl *d = arena_alloc(c->a, sizeof *d);
    d->kind = D_EXN;
    d->span = at;
    d->u.exn.name = name;
    d->u.exn.name_span = at;
    d->u.exn.shape = sh;
    d->u.exn.implicit = true;
    vec_push(&c->p->decls, d);
    add_exn(c, &d->u.exn, sh);
}

static void ctx_init(Ctx *c, Program *p, const CheckOpts *o, DiagList *dl)
{
    memset(c, 0, sizeof *c);
    c->p = p;
    c->o = o;
    c->dl = dl;
    c->a = &p->arena;
    symmap_init(&c->funmap);
    symmap_init(&c->stmap);
    symmap_init(&c->globmap);
    symmap_init(&c->exnmap);
    symmap_init(&c->locmap);
    symmap_init(&c->tmpmap);
    c->one = shape_one(c->a);
    Shape **two = arena_alloc(c->a, 2 * sizeof *two);
    two[0] = two[1] = c->one;
    c->pair = shape_comb(c->a, two, 2);
    c->s_main = intern_cstr(p->interner, "main");
    c->s_addcarry = intern_cstr(p->interner, "__add_with_carry__");
}

static void ctx_free(Ctx *c)
{
    scratch_free(&c->scratch);
    symmap_free(&c->funmap);
    symmap_free(&c->stmap);
    symmap_free(&c->globmap);
    symmap_free(&c->exnmap);
    symmap_free(&c->locmap);
    symmap_free(&c->tmpmap);
    for (size_t i = 0; i < c->sts.n; i++)
        if (c->sts.v[i].fmap) {
            symmap_free(c->sts.v[i].fmap);
            free(c->sts.v[i].fmap);
        }
    for (size_t i = 0; i < c->funs.n; i++) vec_free(&c->funs.v[i].waiters);
    vec_free(&c->funs);
    vec_free(&c->queue);
    vec_free(&c->sts);
    vec_free(&c->globs);
    vec_free(&c->exns);
    vec_free(&c->hints);
    vec_free(&c->scope);
    vec_free(&c->tags);
    vec_free(&c->snaps);
}

/* ---- (1) struct declarations ----------------------------------------- */

static void check_struct_fields_unique(Ctx *c, StructDecl *sd)
{
    int32_t *prev = FIND_REPEATS(c, sd->fields, sd->nfields, Param);
    for (uint32_t i = 0; i < sd->nfields; i++) {
        if (prev[i] < 0) continue;
        Diag *d = cerror(c, "scope", &sd->fields[i].span, "field %s is redeclared in struct name %s",
                         sd->fields[i].name, sd->name);
        cnote(d, &sd->fields[prev[i]].span, "previous declaration of field %s is here",
              sd->fields[i].name);
    }
}

/* Field lookups by name are linear for small structs, hashed for big. */
static SymMap *field_map(StructDecl *sd)
{
    if (sd->nfields <= 8) return NULL;
    SymMap *m = xmalloc(sizeof *m);
    symmap_init(m);
    for (uint32_t i = sd->nfields; i-- > 0;) symmap_put(m, sd->fields[i].name, (int32_t)i);
    return m;
}

static void check_struct_decl(Ctx *c, StructDecl *sd)
{
    StructInfo *prev = find_struct(c, sd->name);
    if (prev) {
        Diag *d = cerror(c, "scope", &sd->name_span,
                         "struct name %s is redeclared in top-level declaration", sd->name);
        cnote(d, &prev->d->name_span, "previous declaration of %s is here", sd->name);
    }
    check_struct_fields_unique(c, sd);
    StructInfo si = {.d = sd, .self = shape_named(c->a, sd->name)};
    si.fields = arena_alloc(c->a, (sd->nfields + 1) * sizeof *si.fields);
    si.offs = arena_alloc(c->a, (sd->nfields + 1) * sizeof *si.offs);
    c->wk = W_FIELD;
    c->wname = sd->name;
    for (uint32_t i = 0; i < sd->nfields; i++) {
        Param *f = &sd->fields[i];
        c->wfield = f->name;
        si.fields[i] = shape_valid(c, f->shape, &f->span) ? f->shape : NULL;
        si.offs[i] = si.words;
        uint32_t w = shape_words(c, si.fields[i]);
        si.words = si.words > UINT32_MAX - w ? UINT32_MAX : si.words + w;
    }
    sd->words = si.words;
    if (prev) return;
    si.fmap = field_map(sd);
    symmap_put(&c->stmap, sd->name, (int32_t)c->sts.n);
    vec_push(&c->sts, si);
}

/* ---- (2) exceptions, globals, function signatures -------------------- */

static void check_exn_decl(Ctx *c, ExnDecl *x)
{
    ExnInfo *prev = find_exn(c, x->name);
    if (prev) {
        Diag *d = cerror(c, "scope", &x->name_span, "exception %s is redeclared", x->name);
        cnote(d, &prev->d->name_span, "previous declaration of %s is here", x->name);
    }
    c->wk = W_EXN;
    c->wname = x->name;
    Shape *sh = shape_valid(c, x->shape, &x->name_span) ? x->shape : NULL;
    if (!prev) add_exn(c, x, sh);
}

static void check_global_decl(Ctx *c, GlobalDecl *g)
{
    c->wk = W_GLOBAL;
    c->wname = g->name;
    int32_t prev = symmap_get(&c->globmap, g->name);
    if (prev >= 0) {
        Diag *d = cwarn(c, "redeclared", &g->name_span,
                        "variable %s is redeclared in top-level declaration", g->name);
        cnote(d, &c->globs.v[prev].d->name_span, "previous declaration of %s is here",
              g->name);
    }
    Shape *want = g->shape;
    if (g->shape_written && !shape_valid(c, g->shape, &g->name_span)) want = NULL;
    EVal v = check_expr(c, g->init);
    Init in = {INIT_GLOBAL, &g->shape, g->shape_written, want, v.sh, &g->init->span, g->name,
               NULL, NULL};
    GlobInfo gi = {g, decl_init_shape(c, &in)};
    g->index = (uint32_t)c->globs.n;
    symmap_put(&c->globmap, g->name, (int32_t)g->index);
    vec_push(&c->globs, gi);
}

static void check_params(Ctx *c, FunDecl *f, FunInfo *fi)
{
    fi->params = arena_alloc(c->a, (f->nparams + 1) * sizeof *fi->params);
    int32_t *prev = FIND_REPEATS(c, f->params, f->nparams, Param);
    for (uint32_t i = 0; i < f->nparams; i++) {
        Param *pm = &f->params[i];
        fi->params[i] = shape_valid(c, pm->shape, &pm->span) ? pm->shape : NULL;
        if (prev[i] < 0) continue;
        Diag *d = cerror(c, "scope", &pm->span, "parameter %s is redeclared in function %s",
                         pm->name, f->name);
        cnote(d, &f->params[prev[i]].span, "previous declaration of %s is here", pm->name);
    }
}

/* §4.2 main and export rules that do not depend on the return shape. */
static void check_entry_rules(Ctx *c, FunDecl *f, FunInfo *fi)
{
    if (f->name == c->s_main) {
        if (f->nparams && c->o->compat)
            cwarn(c, "compat", &f->name_span,
                  "main function has arguments (2024-era code; accepted in compat mode)");
        else if (f->nparams)
            cerror(c, "static", &f->name_span, "main function has arguments%s", COMPAT_SUFFIX);
        if (f->is_export) cerror(c, "static", &f->name_span, "main function is exported");
        return;
    }
    if (!f->is_export) return;
    if (f->nparams > 4)
        cerror(c, "static", &f->name_span, "exported function %s has more than 4 arguments",
               f->name);
    for (uint32_t i = 0; i < f->nparams; i++)
        if (fi->params[i] && !shape_is_word(fi->params[i]))
            cerror(c, "static", &f->params[i].span,
                   "exported function parameter %s has shape %s instead of a word in function %s",
                   f->params[i].name, shstr(c, fi->params[i]), f->name);
}

static void check_fun_sig(Ctx *c, FunDecl *f)
{
    c->wk = W_FUN;
    c->wname = f->name;
    FunInfo *prev = find_fun(c, f->name);
    if (prev) {
        Diag *d = cerror(c, "scope", &f->name_span,
                         "function %s is redeclared in top-level declaration", f->name);
        cnote(d, &prev->fn->name_span, "previous declaration of %s is here", f->name);
    }
    FunInfo fi = {.fn = f};
    check_params(c, f, &fi);
    check_entry_rules(c, f, &fi);
    if (f->ret_written || !c->o->compat) {
        fi.ret_known = true;
        if (shape_valid(c, f->ret, &f->name_span)) fi.ret = f->ret;
    }
    if (!prev) symmap_put(&c->funmap, f->name, (int32_t)c->funs.n);
    vec_push(&c->funs, fi);
}

static void check_decls(Ctx *c)
{
    for (size_t i = 0; i < c->p->decls.n; i++) {
        Decl *d = c->p->decls.v[i];
        if (d->kind == D_STRUCT) check_struct_decl(c, &d->u.st);
    }
    c->p->nfuns = 0;
    for (size_t i = 0; i < c->p->decls.n; i++) {
        Decl *d = c->p->decls.v[i];
        switch (d->kind) {
        case D_FUN:
            d->u.fun.index = c->p->nfuns++;
            check_fun_sig(c, &d->u.fun);
            break;
        case D_GLOBAL: check_global_decl(c, &d->u.global); break;
        case D_EXN: check_exn_decl(c, &d->u.exn); break;
        case D_STRUCT:
        case D_ANNOT: break;
        }
    }
}

/* ---- rules on final return shapes ------------------------------------ */

static void check_ret_rules(Ctx *c, FunInfo *fi)
{
    FunDecl *f = fi->fn;
    if (!f->ret_written && c->o->compat) f->ret = fi->ret ? fi->ret : c->one;
    if (!fi->ret) return;
    const char *how = fi->inferred ? "inferred " : "";
    if (f->name == c->s_main && !shape_is_word(fi->ret))
        cerror(c, "static", &f->name_span,
               "main function return has %sshape %s instead of a word in function main", how,
               shstr(c, fi->ret));
    else if (f->is_export && f->name != c->s_main && !shape_is_word(fi->ret))
        cerror(c, "static", &f->name_span,
               "exported function return has %sshape %s instead of a word in function %s", how,
               shstr(c, fi->ret), f->name);
    if (shape_words(c, fi->ret) > PNK_MAX_RETURN_WORDS)
        cerror(c, "static", &f->name_span, "function %s returns a shape bigger than %d words",
               f->name, PNK_MAX_RETURN_WORDS);
}

/* ---- driver ---------------------------------------------------------- */

bool check_program(Program *p, const CheckOpts *o, DiagList *dl)
{
    Ctx c;
    ctx_init(&c, p, o, dl);
    check_decls(&c);
    if (o->compat) infer_returns(&c);
    for (size_t i = 0; i < c.funs.n; i++) check_ret_rules(&c, &c.funs.v[i]);
    for (size_t i = 0; i < c.funs.n; i++) check_body(&c, &c.funs.v[i]);
    if (!o->compat) resolve_hints(&c);
    p->nglobals = (uint32_t)c.globs.n;
    bool ok = c.nerrors == 0;
    p->checked = ok;
    ctx_free(&c);
    return ok;
}

/* ---- public lookups (linear: they need nothing but the Program) ------ */

FunDecl *check_find_fun(const Program *p, Sym name)
{
    for (size_t i = 0; i < p->decls.n; i++)
        if (p->decls.v[i]->kind == D_FUN && p->decls.v[i]->u.fun.name == name)
            return &p->decls.v[i]->u.fun;
    return NULL;
}

StructDecl *check_find_struct(const Program *p, Sym name)
{
    for (size_t i = 0; i < p->decls.n; i++)
        if (p->decls.v[i]->kind == D_STRUCT && p->decls.v[i]->u.st.name == name)
            return &p->decls.v[i]->u.st;
    return NULL;
}

ExnDecl *check_find_exn(const Program *p, Sym name)
{
    for (size_t i = 0; i < p->decls.n; i++)
        if (p->decls.v[i]->kind == D_EXN && p->decls.v[i]->u.exn.name == name)
            return &p->decls.v[i]->u.exn;
    return NULL;
}

GlobalDecl *check_global(const Program *p, uint32_t index)
{
    for (size_t i = 0; i < p->decls.n; i++)
        if (p->decls.v[i]->kind == D_GLOBAL && p->decls.v[i]->u.global.index == index)
            return &p->decls.v[i]->u.global;
    return NULL;
}

uint32_t check_shape_words(const Program *p, const Shape *s)
{
    switch (s->kind) {
    case SHAPE_ONE: return 1;
    case SHAPE_COMB: {
        uint32_t w = 0;
        for (uint32_t i = 0; i < s->n; i++) w += check_shape_words(p, s->elems[i]);
        return w;
    }
    case SHAPE_NAMED: {
        StructDecl *sd = check_find_struct(p, s->name);
        return sd ? sd->words : 0;
    }
    }
    return 0;
}
