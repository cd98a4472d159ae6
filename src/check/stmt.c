/*
 * Statements (§4.1 scoping, §4.3 shapes): declarations and their slots,
 * assignments, the four call forms and __add_with_carry__, memory
 * operations, FFI, throw and try. Blocks, if and while, with their flow
 * and tag joins, are in flow.c.
 *
 * Locals live on a scope stack (Ctx.scope) indexed by name through
 * Ctx.locmap; each declaration gets a fresh slot (parameters first), so a
 * shadowing `var` never reuses its predecessor's slot.
 */
#include "check_int.h"

#include <string.h>

static const Flow FLOW_OTHER = {false, false, L_OTHER};

Local *lookup_local(Ctx *c, Sym name)
{
    int32_t i = symmap_get(&c->locmap, name);
    return i < 0 ? NULL : &c->scope.v[i];
}

void bind_local(Ctx *c, VarRef *v, Shape *sh, EVal val)
{
    Local l = {.name = v->name, .span = v->span, .slot = c->nslots++, .sh = sh,
               .toff = (uint32_t)c->tags.n, .prev = symmap_get(&c->locmap, v->name)};
    l.tn = sh ? shape_words(c, sh) : 0;
    if (l.tn > MAX_TAGGED_WORDS) l.tn = 0;
    if (val.sh && val.n != l.tn) val = ev_uniform(c, sh, B_TRUSTED);
    for (uint32_t i = 0; i < l.tn; i++) vec_push(&c->tags, val.sh ? ev_tag(val, i) : B_TRUSTED);
    v->global = false;
    v->slot = l.slot;
    symmap_put(&c->locmap, v->name, (int32_t)c->scope.n);
    vec_push(&c->scope, l);
}

/* A variable in statement position: 1 local, 2 global, 0 not in scope
 * (reported). *sh gets its shape. */
static int resolve_var(Ctx *c, VarRef *v, Shape **sh, Local **lp)
{
    Local *l = lookup_local(c, v->name);
    *lp = l;
    if (l) {
        v->global = false;
        v->slot = l->slot;
        *sh = l->sh;
        return 1;
    }
    int32_t g = symmap_get(&c->globmap, v->name);
    if (g >= 0) {
        v->global = true;
        v->slot = (uint32_t)g;
        *sh = c->globs.v[g].sh;
        return 2;
    }
    cerror(c, "scope", &v->span, "variable %s is not in scope in %s", v->name, where(c));
    *sh = NULL;
    return 0;
}

/* Where a resolved variable was declared, for notes. */
static const Span *decl_span(Ctx *c, const VarRef *v)
{
    if (v->global) return &c->globs.v[v->slot].d->name_span;
    Local *l = lookup_local(c, v->name);
    return l ? &l->span : &v->span;
}

static void redeclared_warn(Ctx *c, const VarRef *v)
{
    Local *l = lookup_local(c, v->name);
    int32_t g = symmap_get(&c->globmap, v->name);
    if (!l && g < 0) return;
    Diag *d = cwarn(c, "redeclared", &v->span, "variable %s is redeclared in %s", v->name,
                    where(c));
    cnote(d, l ? &l->span : &c->globs.v[g].d->name_span, "previous declaration of %s is here",
          v->name);
}

static const char *init_what(Ctx *c, const Init *in)
{
    switch (in->kind) {
    case INIT_GLOBAL:
        return scratch_printf(&c->scratch, "expression to initialise global variable %s", in->var);
    case INIT_LOCAL:
        return scratch_printf(&c->scratch, "expression to initialise local variable %s", in->var);
    case INIT_CALL:
        return scratch_printf(&c->scratch,
                              "result of function call %s to initialise local variable %s",
                              in->callee, in->var);
    case INIT_ADDCARRY:
        return scratch_printf(&c->scratch,
                              "result of __add_with_carry__ to initialise local variable %s",
                              in->var);
    }
    return "initialiser";
}

Shape *decl_init_shape(Ctx *c, const Init *in)
{
    if (!in->written && c->o->compat) {
        if (!c->quiet) *in->slot = in->got ? in->got : (*in->slot ? *in->slot : c->one);
        return in->got;
    }
    if (!shapes_differ(in->got, in->want)) return in->want;
    Diag *d = cerror(c, "shape", in->at, "%s has shape %s instead of %s shape %s in %s%s",
                     init_what(c, in), shstr(c, in->got), in->written ? "declared" : "the default",
                     shstr(c, in->want), where(c), in->written ? "" : COMPAT_SUFFIX);
    if (in->fi) cnote(d, &in->fi->fn->name_span, "%s is declared here", in->callee);
    if (in->written && in->fi && !in->fi->fn->ret_written) add_hint(c, d, in->fi, in->want);
    return in->written ? in->want : NULL;
}

/* ---- calls ----------------------------------------------------------- */

static const char ADDCARRY_USE[] =
    "__add_with_carry__ can only be used as `var {1,1} r = __add_with_carry__(a, b, c);` "
    "or `r = __add_with_carry__(a, b, c);` with r a local";

static bool is_addcarry(Ctx *c, const Call *call)
{
    return call->addcarry || call->callee == c->s_addcarry;
}

static void check_args(Ctx *c, FunInfo *f, Call *call, const EVal *args)
{
    FunDecl *fn = f->fn;
    for (uint32_t i = 0; i < call->nargs && i < fn->nparams; i++)
        if (shapes_differ(args[i].sh, f->params[i]))
            cnote(cerror(c, "shape", &call->args[i]->span,
                         "value for argument %s given to function %s has shape %s instead of "
                         "declared shape %s in %s",
                         fn->params[i].name, fn->name, shstr(c, args[i].sh),
                         shstr(c, f->params[i]), where(c)),
                  &fn->params[i].span, "parameter %s is declared here", fn->params[i].name);
    Diag *d = NULL;
    if (call->nargs < fn->nparams)
        d = cerror(c, "static", &call->callee_span,
                   "argument %s for call to function %s is missing in %s",
                   fn->params[call->nargs].name, fn->name, where(c));
    else if (call->nargs > fn->nparams)
        d = cerror(c, "static", &call->callee_span, "extra arguments given to function %s in %s",
                   fn->name, where(c));
    cnote(d, &fn->name_span, "%s is declared here with %u parameter%s", fn->name, fn->nparams,
          fn->nparams == 1 ? "" : "s");
}

/* Resolves and checks a call to a declared function; NULL if unknown. */
static FunInfo *check_call(Ctx *c, Call *call)
{
    EVal *args = scratch_alloc(&c->scratch, (call->nargs + 1) * sizeof *args);
    for (uint32_t i = 0; i < call->nargs; i++) args[i] = check_expr(c, call->args[i]);
    call->fn = NULL;
    FunInfo *f = is_addcarry(c, call) ? NULL : find_fun(c, call->callee);
    if (!f) {
        cerror(c, "scope", &call->callee_span, "function %s is not in scope in %s%s%s",
               call->callee, where(c), is_addcarry(c, call) ? "; " : "",
               is_addcarry(c, call) ? ADDCARRY_USE : "");
        return NULL;
    }
    call->fn = f->fn;
    check_args(c, f, call, args);
    return f;
}

static Shape *call_result(Ctx *c, FunInfo *f)
{
    if (f && !f->ret_known) wait_for(c, f);
    return f && f->ret_known ? f->ret : NULL;
}

/* __add_with_carry__(a, b, c): three words; the result is {1,1}. */
static void check_addcarry(Ctx *c, Call *call)
{
    call->fn = NULL;
    for (uint32_t i = 0; i < call->nargs; i++)
        need_word(c, check_expr(c, call->args[i]), &call->args[i]->span,
                  "operand of __add_with_carry__");
    if (call->nargs != 3)
        cerror(c, "static", &call->callee_span,
               "__add_with_carry__ takes 3 arguments, %u given in %s", call->nargs, where(c));
}

/* ---- declarations and assignments ------------------------------------ */

static Flow check_dec(Ctx *c, Stmt *s)
{
    VarRef *v = &s->u.dec.var;
    redeclared_warn(c, v);
    Shape *want = s->u.dec.shape;
    if (s->u.dec.shape_written && !shape_valid(c, want, &v->span)) want = NULL;
    EVal val = check_expr(c, s->u.dec.init);
    Init in = {INIT_LOCAL, &s->u.dec.shape, s->u.dec.shape_written, want, val.sh,
               &s->u.dec.init->span, v->name, NULL, NULL};
    Shape *sh = decl_init_shape(c, &in);
    bind_local(c, v, sh, val);
    return FLOW_OTHER;
}

static Flow check_deccall(Ctx *c, Stmt *s)
{
    VarRef *v = &s->u.deccall.var;
    Call *call = &s->u.deccall.call;
    redeclared_warn(c, v);
    Shape *want = s->u.deccall.shape;
    if (s->u.deccall.shape_written && !shape_valid(c, want, &v->span)) want = NULL;
    Init in = {INIT_ADDCARRY, &s->u.deccall.shape, s->u.deccall.shape_written, want, c->pair,
               &call->callee_span, v->name, call->callee, NULL};
    if (is_addcarry(c, call)) {
        check_addcarry(c, call);
    } else {
        in.kind = INIT_CALL;
        in.got = call_result(c, in.fi = check_call(c, call));
    }
    Shape *sh = decl_init_shape(c, &in);
    bind_local(c, v, sh, ev_uniform(c, sh, B_TRUSTED));
    return FLOW_OTHER;
}

static Flow check_assign(Ctx *c, Stmt *s)
{
    VarRef *v = &s->u.assign.var;
    Shape *sh;
    Local *l;
    int kind = resolve_var(c, v, &sh, &l);
    EVal val = check_expr(c, s->u.assign.e);
    if (!kind) return FLOW_OTHER;
    if (shapes_differ(val.sh, sh))
        cnote(cerror(c, "shape", &s->u.assign.e->span,
                     "expression assigned to %s variable %s has shape %s instead of declared "
                     "shape %s in %s",
                     kind == 1 ? "local" : "global", v->name, shstr(c, val.sh), shstr(c, sh),
                     where(c)),
              decl_span(c, v), "%s is declared here", v->name);
    else if (l)
        local_set_tags(c, l, val);
    return FLOW_OTHER;
}

/* `dest = f(args)` (also the destination of an assigning try). */
static void check_call_dest(Ctx *c, VarRef *dest, Call *call, FunInfo *f, Shape *got)
{
    Shape *sh;
    Local *l;
    int kind = resolve_var(c, dest, &sh, &l);
    if (!kind) return;
    if (shapes_differ(got, sh)) {
        Diag *d = cerror(c, "shape", &call->callee_span,
                         "result of function call %s assigned to %s variable %s has shape %s "
                         "instead of declared shape %s in %s",
                         call->callee, kind == 1 ? "local" : "global", dest->name,
                         shstr(c, got), shstr(c, sh), where(c));
        cnote(d, decl_span(c, dest), "%s is declared here", dest->name);
        if (f && !f->fn->ret_written) add_hint(c, d, f, sh);
    } else if (l) {
        local_set_uniform(c, l, B_TRUSTED);
    }
}

static void check_addcarry_assign(Ctx *c, VarRef *dest, Call *call)
{
    check_addcarry(c, call);
    Local *l = lookup_local(c, dest->name);
    if (!l) {
        bool global = symmap_get(&c->globmap, dest->name) >= 0;
        cerror(c, "scope", &dest->span, "variable %s is not %s in %s; %s", dest->name,
               global ? "a local variable" : "in scope", where(c), ADDCARRY_USE);
        return;
    }
    dest->global = false;
    dest->slot = l->slot;
    if (shapes_differ(c->pair, l->sh))
        cerror(c, "shape", &call->callee_span,
               "result of __add_with_carry__ assigned to local variable %s has shape {1,1} "
               "instead of declared shape %s in %s",
               dest->name, shstr(c, l->sh), where(c));
    else
        local_set_uniform(c, l, B_TRUSTED);
}

/* How the current function's return shape came about, for messages. */
static const char *ret_how(const FunInfo *fi)
{
    return fi->inferred ? "inferred" : fi->fn->ret_written ? "declared" : "the default";
}

static Flow check_tail_call(Ctx *c, Stmt *s)
{
    Call *call = &s->u.call.call;
    FunInfo *f = check_call(c, call);
    if (s->u.call.legacy_tail && c->o->compat)
        cwarn(c, "compat", &call->callee_span,
              "call to %s at the end of function %s is read as a tail call (before May 2024 a "
              "final stand-alone call returned its result); write `return %s(...);`",
              call->callee, c->fi->fn->name, call->callee);
    note_tail_target(c, f);
    Shape *got = call_result(c, f), *want = c->fi->ret_known ? c->fi->ret : NULL;
    if (shapes_differ(got, want)) {
        Diag *d = cerror(c, "shape", &call->callee_span,
                         "result of function call %s to return has shape %s instead of %s "
                         "shape %s in %s",
                         call->callee, shstr(c, got), ret_how(c->fi), shstr(c, want), where(c));
        cnote(d, &f->fn->name_span, "%s is declared here", call->callee);
        if (!c->fi->fn->ret_written) add_hint(c, d, c->fi, got);
    }
    return (Flow){true, false, L_TAIL};
}

static Flow check_call_stmt(Ctx *c, Stmt *s)
{
    Call *call = &s->u.call.call;
    switch (s->u.call.kind) {
    case CALL_TAIL: return check_tail_call(c, s);
    case CALL_STANDALONE: check_call(c, call); break;
    case CALL_ASSIGN:
        if (is_addcarry(c, call)) {
            check_addcarry_assign(c, &s->u.call.dest, call);
        } else {
            FunInfo *f = check_call(c, call);
            check_call_dest(c, &s->u.call.dest, call, f, call_result(c, f));
        }
        break;
    }
    return FLOW_OTHER;
}

/* ---- returns, exceptions --------------------------------------------- */

static Flow check_return(Ctx *c, Stmt *s)
{
    Expr *e = s->u.ret.e;
    EVal v = check_expr(c, e);
    bool hint = note_return(c, v.sh);
    FunInfo *fi = c->fi;
    Shape *want = fi->ret_known ? fi->ret : NULL;
    if (shapes_differ(v.sh, want))
        cerror(c, "shape", &e->span, "expression to return has shape %s instead of %s shape %s in %s%s",
               shstr(c, v.sh), ret_how(fi), shstr(c, want), where(c), hint ? COMPAT_SUFFIX : "");
    return (Flow){true, false, L_RET};
}

static Flow check_throw(Ctx *c, Stmt *s)
{
    Sym name = s->u.throw_.exn;
    const Span *at = &s->u.throw_.exn_span;
    EVal v = check_expr(c, s->u.throw_.e);
    ExnInfo *x = find_exn(c, name);
    if (!x && c->o->compat && v.sh) {
        declare_implicit_exn(c, name, *at, v.sh);
        x = find_exn(c, name);
    } else if (!x && !c->o->compat) {
        cerror(c, "scope", at, "exception %s is not declared in %s%s", name, where(c),
               COMPAT_SUFFIX);
    }
    if (x && x->d->implicit && span_eq(&x->d->name_span, at))
        cwarn(c, "compat", at, "exception %s is not declared; declared implicitly with shape %s "
              "(2024-era raise)", name, shstr(c, x->sh));
    else if (x && shapes_differ(v.sh, x->sh))
        cnote(cerror(c, "shape", &s->u.throw_.e->span,
                     "value thrown for exception %s has shape %s instead of declared shape %s "
                     "in %s",
                     name, shstr(c, v.sh), shstr(c, x->sh), where(c)),
              &x->d->name_span, "exception %s is declared here", name);
    return (Flow){true, false, L_RAISE};
}

/* The catch variable: an existing local with the exception's shape. */
static Local *check_catchvar(Ctx *c, VarRef *v, ExnInfo *x)
{
    Local *l = lookup_local(c, v->name);
    if (!l) {
        bool global = symmap_get(&c->globmap, v->name) >= 0;
        cerror(c, "scope", &v->span, "%s %s is not %s in %s", global ? "catch variable" : "variable",
               v->name, global ? "a local variable" : "in scope", where(c));
        return NULL;
    }
    v->global = false;
    v->slot = l->slot;
    if (x && shapes_differ(l->sh, x->sh)) {
        Diag *d = cerror(c, "shape", &v->span,
                         "catch variable %s has shape %s instead of the shape %s of exception %s "
                         "in %s",
                         v->name, shstr(c, l->sh), shstr(c, x->sh), x->d->name, where(c));
        cnote(d, &l->span, "%s is declared here", v->name);
        cnote(d, &x->d->name_span, "exception %s is declared here", x->d->name);
    }
    return l;
}

static Flow check_try(Ctx *c, Stmt *s)
{
    Call *call = &s->u.try_.call;
    FunInfo *f = check_call(c, call);
    Snap pre = tags_snapshot(c);
    if (s->u.try_.has_dest) check_call_dest(c, &s->u.try_.dest, call, f, call_result(c, f));
    ExnInfo *x = find_exn(c, s->u.try_.exn);
    if (!x)
        cerror(c, "scope", &s->u.try_.exn_span, "exception %s is not declared in %s",
               s->u.try_.exn, where(c));
    Local *l = check_catchvar(c, &s->u.try_.catchvar, x);
    /* two ways on: the call returned (dest assigned), or the handler ran */
    Snap normal = tags_snapshot(c);
    tags_restore(c, pre);
    if (l) local_set_uniform(c, l, B_TRUSTED);
    check_block(c, &s->u.try_.handler);
    tags_join(c, normal);
    tags_release(c, pre);
    return FLOW_OTHER;
}

/* ---- memory and FFI -------------------------------------------------- */

static Flow check_store(Ctx *c, Stmt *s)
{
    Expr *a = s->u.store.addr, *v = s->u.store.value;
    EVal av = check_expr(c, a);
    EVal vv = check_expr(c, v);
    if (need_word(c, av, &a->span, "store address")) local_addr_warn(c, av, &a->span);
    if (s->u.store.width) need_word(c, vv, &v->span, "store value");
    return FLOW_OTHER;
}

static Flow check_shload(Ctx *c, Stmt *s)
{
    Shape *sh;
    Local *l;
    VarRef *dest = &s->u.shmem.dest;
    int kind = resolve_var(c, dest, &sh, &l);
    Expr *a = s->u.shmem.addr;
    EVal av = check_expr(c, a);
    if (need_word(c, av, &a->span, "load address")) shared_addr_warn(c, av, &a->span);
    if (kind && sh && !shape_is_word(sh))
        cerror(c, "shape", &dest->span, "load variable %s has shape %s instead of a word in %s",
               dest->name, shstr(c, sh), where(c));
    else if (l)
        local_set_uniform(c, l, B_TRUSTED);
    return FLOW_OTHER;
}

static Flow check_shstore(Ctx *c, Stmt *s)
{
    Expr *a = s->u.shmem.addr, *v = s->u.shmem.value;
    EVal av = check_expr(c, a);
    EVal vv = check_expr(c, v);
    if (need_word(c, av, &a->span, "store address")) shared_addr_warn(c, av, &a->span);
    need_word(c, vv, &v->span, "store value");
    return FLOW_OTHER;
}

static Flow check_ffi(Ctx *c, Stmt *s)
{
    for (int i = 0; i < 4; i++) {
        Expr *e = s->u.ffi.args[i];
        need_word(c, check_expr(c, e), &e->span, "value for argument given to FFI %s",
                  s->u.ffi.name);
    }
    return FLOW_OTHER;
}

static Flow check_loop_exit(Ctx *c, Stmt *s)
{
    bool brk = s->kind == S_BREAK;
    if (!c->in_loop) {
        /* not an exit: the rest of the block is not unreachable because of it */
        cerror(c, "static", &s->span, "%s statement outside loop in %s",
               brk ? "break" : "continue", where(c));
        return FLOW_OTHER;
    }
    return (Flow){false, true, brk ? L_BREAK : L_CONT};
}

Flow check_stmt(Ctx *c, Stmt *s)
{
    switch (s->kind) {
    case S_SKIP: return FLOW_OTHER;
    case S_DEC: return check_dec(c, s);
    case S_DECCALL: return check_deccall(c, s);
    case S_ASSIGN: return check_assign(c, s);
    case S_CALL: return check_call_stmt(c, s);
    case S_STORE: return check_store(c, s);
    case S_SHLOAD: return check_shload(c, s);
    case S_SHSTORE: return check_shstore(c, s);
    case S_IF: return check_if(c, s);
    case S_WHILE: return check_while(c, s);
    case S_BREAK:
    case S_CONTINUE: return check_loop_exit(c, s);
    case S_TICK:
    case S_ANNOT: return (Flow){false, false, L_INVIS};
    case S_FFI: return check_ffi(c, s);
    case S_THROW: return check_throw(c, s);
    case S_RETURN: return check_return(c, s);
    case S_TRY: return check_try(c, s);
    case S_BLOCK: return check_block(c, &s->u.block);
    }
    return FLOW_OTHER;
}
