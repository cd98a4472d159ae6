/* Statements: Pancake bodies and model-method bodies, executed forward in
 * DSA. Calls are modular (exhale the precondition, forget what the callee
 * may write, inhale the postcondition). Loops follow Viper (verifier.md
 * §6, §7.3 "Loops"): the invariant is exhaled on entry, the body starts
 * from the invariant alone with the written locals havocked, `continue`
 * and the end of the body re-establish it, and every exit (normal or
 * break) gets the frame back. Exceptions: `throw` is an obligation (it
 * must be unreachable), so verified functions never raise, and a `try`
 * around a call to a verified function is a plain call. */
#include "vgen_int.h"

#include <string.h>


static void stmt(Gen *g, State *st, const Stmt *s);

static void fail_if_reached(Gen *g, State *st, const char *code, Span at, const char *msg)
{
    Oblig ob = {code, at, msg, NULL, NULL};
    smt_check(g, st, Z3_mk_false(g->z), &ob);
}

static Z3_ast word(Gen *g, State *st, const Expr *e)
{
    Val v = pexpr(g, st, e);
    return v.n ? v.w[0] : g->zero;
}

VExpr *model_pred_node(Gen *g, const VPred *p)
{
    VExpr *e = arena_alloc(&g->ar, sizeof *e);
    e->kind = VX_PREDCALL;
    e->span = p->span;
    e->u.call.pred = p;
    e->u.call.args = p->margs;
    return e;
}

/* ---- calls of Pancake functions ---------------------------------------- */

/* A call forgets the globals the callee may assign: those its body or a
 * function it calls (transitively) assigns (g->gwrites). Only Pancake code
 * assigns Pancake globals: shared accesses, FFI calls and model methods
 * leave them unchanged (as they leave the locals). */
static void havoc_globals(Gen *g, State *st, const FunDecl *callee)
{
    uint32_t ng = g->prog->nglobals;
    for (uint32_t i = 0; i < ng; i++)
        if (st->globals[i].n && g->gwrites[(size_t)callee->index * ng + i])
            st->globals[i] = val_fresh_words(g, st, st->globals[i].n, "global");
}

static Val add_with_carry(Gen *g, State *st, const Call *c)
{
    Z3_ast sum = Z3_mk_add(g->z, 0, NULL);
    Z3_ast parts[3];
    for (uint32_t i = 0; i < 3 && i < c->nargs; i++) parts[i] = word(g, st, c->args[i]);
    sum = Z3_mk_add(g->z, c->nargs < 3 ? c->nargs : 3, parts);
    Val r = val_alloc(g, 2);
    r.w[0] = Z3_mk_mod(g->z, sum, g->two64);
    r.w[1] = Z3_mk_div(g->z, sum, g->two64);
    return r;
}

static Val call_fun(Gen *g, State *st, const Call *c, Span at)
{
    if (!c->fn) return add_with_carry(g, st, c);
    const FunDecl *fd = c->fn;
    const VFunSpec *fs = &g->spec->funs[fd->index];
    Val *args = arena_alloc(&g->ar, (c->nargs + 1) * sizeof(Val));
    for (uint32_t i = 0; i < c->nargs; i++) args[i] = pexpr(g, st, c->args[i]);
    /* the callee's parameter slots come first in its frame */
    Val *frame = arena_alloc(&g->ar, (fd->nslots + 1) * sizeof(Val));
    for (uint32_t i = 0; i < c->nargs && i < fd->nslots; i++) frame[i] = args[i];
    char msg[200];
    snprintf(msg, sizeof msg, "the precondition of %s may not hold", fd->name);
    Oblig ob = {"verify.precondition", at, msg, NULL, "precondition declared here"};
    State *pre = st_copy(g, st);
    Env e = env_at(g, st);
    /* the callee's clauses bind variables of its own table */
    e.vl = arena_alloc(&g->ar, (fs->locals.n + 1) * sizeof(Val));
    e.nvl = fs->locals.n;
    e.locals = &fs->locals;
    e.pvars = frame;
    e.old = pre;
    e.snap = pre;
    for (size_t i = 0; i < g->spec->model_preds.n; i++) exhale(g, &e, model_pred_node(g, g->spec->model_preds.v[i]), &ob);
    for (uint32_t i = 0; i < fs->requires.n; i++) exhale(g, &e, fs->requires.v[i], &ob);
    st_havoc_unowned(g, st, true);
    havoc_globals(g, st, fd);
    Val r = val_fresh_words(g, st, vg_words(g, fd->ret), "ret");
    Env post = env_at(g, st);
    post.vl = e.vl;
    post.nvl = e.nvl;
    post.locals = e.locals;
    post.pvars = frame;
    post.retval = r;
    post.old = pre;
    post.check_wf = false;
    for (size_t i = 0; i < g->spec->model_preds.n; i++) inhale(g, &post, model_pred_node(g, g->spec->model_preds.v[i]));
    for (uint32_t i = 0; i < fs->ensures.n; i++) inhale(g, &post, fs->ensures.v[i]);
    return r;
}

static void do_return(Gen *g, State *st, Val v, Span at)
{
    if (is_false(g, st->pc)) return;
    /* a return inside loops leaves them: like a break (a goto out of the
     * loops in Viper), each gives back its frame before the postcondition */
    for (LoopCtx *lc = g->loop; lc; lc = lc->up) st_add_frame(g, st, lc->frame, lc->before);
    Env e = env_at(g, st);
    e.pvars = g->entry->locals;
    e.retval = v;
    e.old = g->entry;
    e.snap = st_copy(g, st);
    Oblig ob = {"verify.postcondition", at, "the postcondition may not hold when returning here", NULL,
                "postcondition declared here"};
    for (size_t i = 0; i < g->spec->model_preds.n; i++) exhale(g, &e, model_pred_node(g, g->spec->model_preds.v[i]), &ob);
    for (uint32_t i = 0; i < g->fs->ensures.n; i++) exhale(g, &e, g->fs->ensures.v[i], &ob);
    g->exit_pc = mk_or2(g, g->exit_pc, st->pc);
    st->pc = Z3_mk_false(g->z);
}

static void set_var(Gen *g, State *st, const VarRef *v, Val x)
{
    (void)g;
    if (v->global) st->globals[v->slot] = x;
    else st->locals[v->slot] = x;
}

static void call_stmt(Gen *g, State *st, const Stmt *s)
{
    Val r = call_fun(g, st, &s->u.call.call, s->span);
    switch (s->u.call.kind) {
    case CALL_STANDALONE: break;
    case CALL_ASSIGN: set_var(g, st, &s->u.call.dest, r); break;
    case CALL_TAIL: do_return(g, st, r, s->span); break;
    }
}

/* ---- memory ------------------------------------------------------------ */

static void store(Gen *g, State *st, const Stmt *s)
{
    Z3_ast a = word(g, st, s->u.store.addr);
    Val v = pexpr(g, st, s->u.store.value);
    if (s->u.store.width == 0) {
        Z3_ast idx = mem_word_index(g, st, a, PNK_WORD_BYTES, s->span);
        for (uint32_t i = 0; i < v.n; i++) {
            Z3_ast ix = i ? mk_add2(g, idx, mk_int(g, i)) : idx;
            mem_check_write(g, st, ix, s->span);
            st->H = Z3_mk_store(g->z, st->H, ix, v.w[i]);
        }
        return;
    }
    unsigned al = s->u.store.width == 4 ? 4 : 1;
    Z3_ast idx = mem_word_index(g, st, a, al, s->span);
    mem_check_write(g, st, idx, s->span);
    Z3_ast w = Z3_mk_select(g->z, st->H, idx), r = Z3_mk_mod(g->z, a, mk_int(g, 8));
    Z3_ast nw = al == 4 ? vg_store_half(g, w, r, v.w[0]) : vg_store_byte(g, w, r, v.w[0]);
    st->H = Z3_mk_store(g->z, st->H, idx, nw);
}

/* ---- shared memory (verifier.md §2.9) ---------------------------------- */

static Z3_ast region_match(Gen *g, const VShared *r, Z3_ast a)
{
    uint64_t n = vshared_naddrs(r);
    if (n <= VSHARED_LIST_MAX) {
        Z3_ast m = Z3_mk_false(g->z);
        for (uint64_t k = 0; k < n; k++) m = mk_or2(g, m, mk_eq(g, a, mk_u64(g, r->lo + k * r->stride)));
        return m;
    }
    Z3_ast in = mk_and2(g, mk_le(g, mk_u64(g, r->lo), a), mk_lt(g, a, mk_u64(g, r->hi)));
    return mk_and2(g, in, mk_eq(g, Z3_mk_mod(g->z, mk_sub2(g, a, mk_u64(g, r->lo)), mk_u64(g, r->stride)),
                                g->zero));
}

/* One shared access through region method m (NULL: generic, when
 * --allow-undefined-shared). Returns the loaded value for loads. */
static Z3_ast shared_call(Gen *g, State *st, const VMethod *m, unsigned width, Z3_ast a, Z3_ast v,
                          bool is_store, Span at)
{
    Z3_ast lim = mk_pow2(g, 8 * width);
    if (!m) {
        if (is_store) return NULL;
        Z3_ast x = mk_fresh(g, "shared", g->s_int);
        smt_assume(g, st->pc, mk_and2(g, mk_le(g, g->zero, x), mk_lt(g, x, lim)));
        return x;
    }
    Val args[2] = {val_one(g, a), val_one(g, v ? v : g->zero)};
    Val *r = call_method(g, st, m, args, is_store ? 2 : 1, at, "verify.precondition");
    if (is_store || !r || m->nrets < 1) return is_store ? NULL : mk_fresh(g, "shared", g->s_int);
    /* the hardware zero-extends a load of `width` bytes */
    smt_assume(g, st->pc, mk_and2(g, mk_le(g, g->zero, r[0].w[0]), mk_lt(g, r[0].w[0], lim)));
    return r[0].w[0];
}

/* The regions a symbolic shared address reaches on a path, found from
 * models (vg_cover): each model's address names its region (the first
 * one containing it); that region (with the others of its name) is
 * excluded and the solver asked again, until no address is left (a few
 * cheap checks instead of one reachability check per region, which the
 * driver's 20 word regions made expensive). Regions of one width and
 * direction with different names never overlap (vspec rejects it), so an
 * address in a reached region is in no other region's arm. */
typedef struct RegionCover {
    bool *hit;           /* per spec->shared index */
    unsigned width;
    bool is_store;
    Z3_ast a;
} RegionCover;

static bool region_case(Gen *g, uint64_t v, Z3_ast *covered, void *ud)
{
    RegionCover *rc = ud;
    const VShared *r = vspec_shared_at(g->spec, v, (uint8_t)rc->width, rc->is_store);
    if (!r || !vshared_method(r, rc->is_store)) return false; /* outside: the general split reports it */
    Z3_ast c = Z3_mk_false(g->z);
    for (size_t i = 0; i < g->spec->shared.n; i++) {
        const VShared *x = g->spec->shared.v[i];
        if (x->name != r->name || x->width != rc->width || !vshared_method(x, rc->is_store)) continue;
        if (rc->hit[i]) return false; /* a candidate model repeated itself: give up */
        rc->hit[i] = true;
        c = mk_or2(g, c, region_match(g, x, rc->a));
    }
    *covered = c;
    return true;
}

static bool regions_reached(Gen *g, State *st, RegionCover *rc)
{
    rc->hit = arena_alloc(&g->ar, (g->spec->shared.n + 1) * sizeof(bool));
    memset(rc->hit, 0, (g->spec->shared.n + 1) * sizeof(bool));
    uint64_t v;
    return vg_cover(g, st->pc, rc->a, &v, region_case, rc) == 0;
}

static void shared_access(Gen *g, State *st, const Stmt *s, bool is_store)
{
    unsigned width = s->u.shmem.width;
    Z3_ast a = word(g, st, s->u.shmem.addr);
    Z3_ast v = is_store ? word(g, st, s->u.shmem.value) : NULL;
    /* The model sees the value as written; the store itself keeps only
     * the low bytes, so after the model's precondition the value must fit
     * (otherwise the model's account of the device would be wrong). */
    if (width > 1) {
        char msg[96];
        snprintf(msg, sizeof msg, "shared address may not be a multiple of %u", width);
        Oblig ob = {"verify.shared", s->span, msg, NULL, NULL};
        smt_check(g, st, mk_eq(g, Z3_mk_mod(g->z, a, mk_int(g, width)), g->zero), &ob);
    }
    const VShared *use = g->use;
    g->use = NULL;
    Z3_ast result = NULL;
    uint64_t ca;
    if (use) {
        const VMethod *m = vshared_method(use, is_store);
        if (!m) {
            vg_error(g, s->span, "`use %s`: the region has no %s method", use->name, is_store ? "store" : "load");
            return;
        }
        result = shared_call(g, st, m, width, a, v, is_store, s->span);
    } else if (vg_const(g, a, &ca)) {
        const VShared *r = vspec_shared_at(g->spec, ca, (uint8_t)width, is_store);
        if (!r || !vshared_method(r, is_store)) {
            if (!g->spec->opts.allow_undefined_shared) {
                fail_if_reached(g, st, "verify.shared", s->span,
                                "no `shared` region serves this address, width and direction");
            }
            result = shared_call(g, st, NULL, width, a, v, is_store, s->span);
        } else {
            result = shared_call(g, st, vshared_method(r, is_store), width, a, v, is_store, s->span);
        }
    } else {
        /* symbolic address: one arm per region of this width and direction
         * (first declared region first, as for constant addresses), over
         * the regions a model reaches when that covers every value */
        RegionCover rc = {NULL, width, is_store, a};
        bool covered = regions_reached(g, st, &rc);
        State *out = NULL;
        Z3_ast taken = Z3_mk_false(g->z);
        Z3_ast res = NULL;
        for (size_t i = 0; i < g->spec->shared.n; i++) {
            const VShared *r = g->spec->shared.v[i];
            if (r->width != width || !vshared_method(r, is_store)) continue;
            if (covered && !rc.hit[i]) continue;
            Z3_ast m = region_match(g, r, a);
            State *arm = st_copy(g, st);
            arm->pc = mk_and2(g, st->pc, mk_and2(g, m, mk_not(g, taken)));
            taken = mk_or2(g, taken, m);
            if (is_false(g, arm->pc) || (!covered && smt_reachable(g, arm->pc) == 0)) continue;
            Z3_ast x = shared_call(g, arm, vshared_method(r, is_store), width, a, v, is_store, s->span);
            if (!is_store) res = res ? mk_ite(g, arm->pc, x, res) : x;
            if (!out) out = arm;
            else {
                State *prev = out;
                out = arm;
                st_merge(g, out, prev);
            }
        }
        /* the addresses outside the regions given an arm: when the cover
         * is complete, this obligation is the cover's last query again,
         * now decided by the configured solver (--solver), so that the
         * split rests on no other solver's word */
        State *rest = st_copy(g, st);
        rest->pc = mk_and2(g, st->pc, mk_not(g, taken));
        if (g->spec->opts.allow_undefined_shared) {
            Z3_ast x = shared_call(g, rest, NULL, width, a, v, is_store, s->span);
            if (!is_store) res = res ? mk_ite(g, rest->pc, x, res) : x;
        } else {
            fail_if_reached(g, rest, "verify.shared", s->span,
                            "the address may be outside every `shared` region of this width and direction");
            rest->pc = Z3_mk_false(g->z);
        }
        if (out) st_merge(g, out, rest);
        else out = rest;
        *st = *out;
        result = res;
    }
    if (is_store && width < 8) {
        char msg[128];
        snprintf(msg, sizeof msg, "the stored value may not fit in %u bits (the store would truncate it)", 8 * width);
        Oblig ob = {"verify.shared", s->span, msg, NULL, NULL};
        smt_check(g, st, mk_lt(g, v, mk_pow2(g, 8 * width)), &ob);
    }
    if (!is_store) set_var(g, st, &s->u.shmem.dest, val_one(g, result ? result : g->zero));
}

/* ---- FFI ---------------------------------------------------------------- */

static void ffi(Gen *g, State *st, const Stmt *s)
{
    Val args[4];
    for (int i = 0; i < 4; i++) args[i] = pexpr(g, st, s->u.ffi.args[i]);
    const VMethod *m = vspec_ffi_method(g->spec, s->u.ffi.name);
    if (!m) {
        char msg[200];
        snprintf(msg, sizeof msg, "FFI call @%s has no contract (declare `ffi %s` or method ffi%s)",
                 s->u.ffi.name, s->u.ffi.name, s->u.ffi.name);
        fail_if_reached(g, st, "verify.ffi", s->span, msg);
        return;
    }
    call_method(g, st, m, args, 4, s->span, "verify.ffi");
}

/* ---- loops -------------------------------------------------------------- */

/* Does one of the functions called (callees, per FunDecl.index) assign
 * global s? */
static bool callee_writes(Gen *g, const bool *callees, uint32_t s)
{
    uint32_t ng = g->prog->nglobals;
    for (uint32_t f = 0; f < g->spec->nfuns; f++)
        if (callees[f] && g->gwrites[(size_t)f * ng + s]) return true;
    return false;
}

/* The state at the head of an arbitrary iteration: no permissions (the
 * invariant is inhaled next), written variables havocked, and as values
 * those of `framed`: the state after the invariant was exhaled with
 * everything not held havocked, so locations the frame still holds keep
 * their values (Carbon's loop encoding). */
static State *loop_head(Gen *g, const State *before, const State *framed, const VWrites *w)
{
    State *fresh = st_new(g);
    State *L = st_copy(g, before);
    State *vals = st_copy(g, framed);
    st_havoc_unowned(g, vals, true);
    L->H = vals->H;
    L->M = fresh->M;
    L->FM = fresh->FM;
    memcpy(L->fv, vals->fv, g->nfields * sizeof(Z3_ast));
    memcpy(L->fm, fresh->fm, g->nfields * sizeof(Z3_ast));
    memcpy(L->ffm, fresh->ffm, g->nfields * sizeof(Z3_ast));
    memcpy(L->pm, fresh->pm, (g->spec->preds.n ? g->spec->preds.n : 1) * sizeof(Z3_ast));
    if (w) {
        for (uint32_t s = 0; s < g->nslots; s++)
            if (w->slots[s] && L->locals[s].n) L->locals[s] = val_fresh_words(g, L, L->locals[s].n, "loop");
        for (uint32_t s = 0; s < g->prog->nglobals; s++)
            if ((w->globals[s] || callee_writes(g, w->callees, s)) && L->globals[s].n)
                L->globals[s] = val_fresh_words(g, L, L->globals[s].n, "loop");
    }
    return L;
}

static void exhale_invs(Gen *g, State *st, const VExprList *inv, const char *code, Span at, const char *msg)
{
    Oblig ob = {code, at, msg, NULL, "invariant declared here"};
    Env e = env_at(g, st);
    e.snap = st_copy(g, st);
    for (uint32_t i = 0; i < inv->n; i++) exhale(g, &e, inv->v[i], &ob);
}

static void inhale_invs(Gen *g, State *st, const VExprList *inv)
{
    Env e = env_at(g, st);
    for (uint32_t i = 0; i < inv->n; i++) inhale(g, &e, inv->v[i]);
}

static void loop_exit(Gen *g, State *st, LoopCtx *lc, State *exit)
{
    for (size_t i = 0; i < lc->breaks.n; i++) st_merge(g, exit, lc->breaks.v[i]);
    vec_free(&lc->breaks);
    st_add_frame(g, exit, lc->frame, lc->before);
    *st = *exit;
}

/* A Pancake loop's invariant: the model predicates its own clauses do not
 * hold (conjoined to it as to every function's pre- and postcondition, so
 * a loop body may call functions and model methods that need them;
 * exhaled on entry and at the end of the body like the rest, so never
 * duplicated), then the loop's own clauses. */
static const VExprList *loop_invs(Gen *g, const VLoopSpec *ls)
{
    static const VExprList none = {0};
    const VExprList *own = ls ? &ls->invariants : &none;
    size_t np = g->spec->model_preds.n;
    if (!np) return own;
    VExprList *all = arena_alloc(&g->ar, sizeof *all);
    all->v = arena_alloc(&g->ar, (np + own->n) * sizeof *all->v);
    all->n = 0;
    for (size_t i = 0; i < np; i++) {
        const VPred *p = g->spec->model_preds.v[i];
        if (!vspec_loop_names_pred(ls, p)) all->v[all->n++] = model_pred_node(g, p);
    }
    for (uint32_t i = 0; i < own->n; i++) all->v[all->n++] = own->v[i];
    return all;
}

static void while_stmt(Gen *g, State *st, const Stmt *s)
{
    const VExprList *inv = loop_invs(g, vspec_loop(g->spec, s));
    State *before = st_copy(g, st);
    exhale_invs(g, st, inv, "verify.invariant-entry", s->span, "the loop invariant may not hold on entry");
    VWrites w = {arena_alloc(&g->ar, g->nslots + 1), arena_alloc(&g->ar, g->prog->nglobals + 1),
                  arena_alloc(&g->ar, g->spec->nfuns + 1), false};
    vbody_writes(&s->u.while_.body, &w);
    State *L = loop_head(g, before, st, &w);
    L->pc = st->pc; /* false if the invariant failed on entry */
    inhale_invs(g, L, inv);
    Z3_ast c = pcond(g, L, s->u.while_.cond);
    Branch br = {L->pc, c, s->span, "loop body"};
    vec_push(&g->branches, br);
    State *B = st_copy(g, L);
    B->pc = mk_and2(g, L->pc, c);
    LoopCtx lc = {g->loop, inv, s->span, st_copy(g, st), before, {0}};
    g->loop = &lc;
    exec_block(g, B, &s->u.while_.body);
    g->loop = lc.up;
    Span end = s->u.while_.body.span;
    end.line = end.eline;
    end.col = end.ecol;
    exhale_invs(g, B, inv, "verify.invariant-preserved", end,
                "the loop invariant may not be preserved by the loop body");
    State *E = st_copy(g, L);
    E->pc = mk_and2(g, L->pc, mk_not(g, c));
    loop_exit(g, st, &lc, E);
}

/* ---- statements ------------------------------------------------------- */

static void if_stmt(Gen *g, State *st, Z3_ast c, Span at, const void *then, const void *els, bool viper,
                    Env *env)
{
    Branch br = {st->pc, c, at, "branch"};
    vec_push(&g->branches, br);
    State *t = st_copy(g, st);
    t->pc = mk_and2(g, st->pc, c);
    st->pc = mk_and2(g, st->pc, mk_not(g, c));
    if (viper) {
        Env et = *env;
        et.st = t;
        if (t->vl) et.vl = t->vl;
        vexec_block(g, t, then, &et);
        Env ee = *env;
        ee.st = st;
        if (st->vl) ee.vl = st->vl;
        vexec_block(g, st, els, &ee);
    } else {
        exec_block(g, t, then);
        exec_block(g, st, els);
    }
    st_merge(g, t, st);
    *st = *t;
}

static void annot_stmt(Gen *g, State *st, const Stmt *s)
{
    const VAnnotStmt *a = vspec_annot(g->spec, s);
    if (!a) return;
    Env e = env_at(g, st);
    vexec_stmt(g, st, &a->stmt, &e);
}

static void stmt(Gen *g, State *st, const Stmt *s)
{
    if (g->aborted || is_false(g, st->pc)) return;
    switch (s->kind) {
    case S_SKIP:
    case S_TICK: break;
    case S_DEC: st->locals[s->u.dec.var.slot] = pexpr(g, st, s->u.dec.init); break;
    case S_DECCALL: st->locals[s->u.deccall.var.slot] = call_fun(g, st, &s->u.deccall.call, s->span); break;
    case S_ASSIGN: set_var(g, st, &s->u.assign.var, pexpr(g, st, s->u.assign.e)); break;
    case S_CALL: call_stmt(g, st, s); break;
    case S_STORE: store(g, st, s); break;
    case S_SHLOAD: shared_access(g, st, s, false); break;
    case S_SHSTORE: shared_access(g, st, s, true); break;
    case S_IF:
        if_stmt(g, st, pcond(g, st, s->u.if_.cond), s->span, &s->u.if_.then, &s->u.if_.els, false, NULL);
        break;
    case S_WHILE: while_stmt(g, st, s); break;
    case S_BREAK:
        if (g->loop) vec_push(&g->loop->breaks, st_copy(g, st));
        st->pc = Z3_mk_false(g->z);
        break;
    case S_CONTINUE:
        if (g->loop)
            exhale_invs(g, st, g->loop->inv, "verify.invariant-preserved", s->span,
                        "the loop invariant may not hold at this continue");
        st->pc = Z3_mk_false(g->z);
        break;
    case S_FFI: ffi(g, st, s); break;
    case S_THROW:
        fail_if_reached(g, st, "verify.throw", s->span,
                        "this throw may be reached (griddle verify proves functions exception-free)");
        st->pc = Z3_mk_false(g->z);
        break;
    case S_RETURN: do_return(g, st, pexpr(g, st, s->u.ret.e), s->span); break;
    case S_TRY: {
        Val r = call_fun(g, st, &s->u.try_.call, s->span);
        if (s->u.try_.has_dest) set_var(g, st, &s->u.try_.dest, r);
        if (!s->u.try_.call.fn || g->spec->funs[s->u.try_.call.fn->index].trusted)
            vg_error(g, s->span, "try around a call that is not verified exception-free "
                                 "(trusted functions are assumed not to throw only outside try)");
        break;
    }
    case S_BLOCK: exec_block(g, st, &s->u.block); break;
    case S_ANNOT: annot_stmt(g, st, s); break;
    }
}

void exec_block(Gen *g, State *st, const Block *b)
{
    for (uint32_t i = 0; i < b->n; i++) stmt(g, st, b->v[i]);
}

/* ---- model methods and annotation statements --------------------------- */

/* May an assertion of a method's contract take, give or constrain a field
 * location: does it read a field, name a predicate (whose body may hold
 * fields), call a function (whose body may read them) or ask for a
 * permission amount? Unknown kinds answer yes. */
static bool touches_fields(const VExpr *e)
{
    if (!e) return false;
    switch ((int)e->kind) {
    case VX_INT: case VX_BOOL: case VX_PERMLIT: case VX_WILDCARD: case VX_NULL: case VX_PVAR:
    case VX_PGLOBAL: case VX_RETVAL: case VX_RESULT: case VX_HEAP: case VX_LOCAL: case VX_MFIELD:
        return false;
    case VX_UNOP: case VX_TOBOOL: case VX_LEN: case VX_OLD: return touches_fields(e->u.un.a);
    case VX_BINOP: return touches_fields(e->u.bin.a) || touches_fields(e->u.bin.b);
    case VX_COND:
        return touches_fields(e->u.tern.c) || touches_fields(e->u.tern.a) || touches_fields(e->u.tern.b);
    case VX_INDEX: return touches_fields(e->u.idx.base) || touches_fields(e->u.idx.index);
    case VX_ACC: return touches_fields(e->u.acc.loc) || touches_fields(e->u.acc.perm);
    case VX_ACCSLICE:
        return touches_fields(e->u.slice.base) || touches_fields(e->u.slice.lo) ||
               touches_fields(e->u.slice.hi) || touches_fields(e->u.slice.perm);
    case VX_LET: return touches_fields(e->u.let.e) || touches_fields(e->u.let.body);
    case VX_QUANT: return touches_fields(e->u.quant.body);
    default: return true;
    }
}

/* A method whose contract touches no field (touches_fields) neither takes
 * nor gives nor constrains a field location: a call keeps the values of
 * the field locations the caller does not hold (the ones it holds are kept
 * anyway), where an exhale havocs them in general. Those values cannot be
 * observed before a later call, exhale or loop head havocs them (the
 * permission to read one comes back only through a contract that touches
 * fields, or an `inhale`), so the call's meaning is the same, with no
 * quantified havoc per field (a model predicate of ghost fields made every
 * device access of eth_setup cost four). */
static bool method_touches_fields(const VMethod *m)
{
    for (uint32_t i = 0; i < m->requires.n; i++)
        if (touches_fields(m->requires.v[i])) return true;
    for (uint32_t i = 0; i < m->ensures.n; i++)
        if (touches_fields(m->ensures.v[i])) return true;
    return false;
}

Val *call_method(Gen *g, State *st, const VMethod *m, const Val *args, uint32_t nargs, Span at,
                 const char *code)
{
    uint32_t np = m->nparams;
    if (nargs > np) {
        vg_error(g, at, "method %s takes %u parameters, %u given", m->name, np, nargs);
        return NULL;
    }
    Env e = env_at(g, st);
    e.vl = arena_alloc(&g->ar, (m->locals.n + 1) * sizeof(Val));
    e.nvl = m->locals.n;
    e.locals = &m->locals;
    e.pvars = NULL;
    uint32_t implicit = np - nargs, refs = 0;
    for (uint32_t i = 0; i < implicit; i++) {
        VTypeKind k = m->locals.v[i].type->kind;
        if (k == VT_IARRAY) e.vl[i] = val_one(g, g->pheap);
        else if (k == VT_REF && refs < g->spec->model_fields.n) e.vl[i] = val_one(g, g->mfields[refs++]);
        else {
            vg_error(g, at, "method %s: parameter %s has no argument", m->name, m->locals.v[i].name);
            return NULL;
        }
    }
    for (uint32_t i = 0; i < nargs; i++) e.vl[implicit + i] = args[i];
    char msg[200];
    snprintf(msg, sizeof msg, "the precondition of %s may not hold", m->name);
    Oblig ob = {code, at, msg, NULL, "precondition declared here"};
    State *pre = st_copy(g, st);
    e.old = pre;
    e.snap = pre;
    for (uint32_t i = 0; i < m->requires.n; i++) exhale(g, &e, m->requires.v[i], &ob);
    st_havoc_unowned(g, st, method_touches_fields(m));
    Val *rets = arena_alloc(&g->ar, (m->nrets + 1) * sizeof(Val));
    for (uint32_t i = 0; i < m->nrets; i++) {
        rets[i] = val_one(g, mk_fresh(g, m->locals.v[np + i].name, vsort(g, m->locals.v[np + i].type)));
        e.vl[np + i] = rets[i];
    }
    e.st = st;
    e.check_wf = false;
    for (uint32_t i = 0; i < m->ensures.n; i++) inhale(g, &e, m->ensures.v[i]);
    return rets;
}

static void refute(Gen *g, State *st, const VStmt *s, Env *env)
{
    Z3_ast c = sbool(g, env, s->e);
    if (g->aborted) return;
    g->nobl++;
    int r = smt_reachable(g, mk_and2(g, st->pc, mk_not(g, c)));
    if (r == 0) {
        g->nfail++;
        diag_add(g->dl, DIAG_ERROR, "verify.refute", &s->e->span,
                 "refute: this holds on every path that reaches it (or it is unreachable)");
    } else if (r < 0) {
        g->nunknown++;
        diag_add(g->dl, DIAG_ERROR, "verify.unknown", &s->e->span, "could not decide this refute");
    }
}

/* fold: exhale the body, add the instance (its footprint stays, folded);
 * unfold: remove the instance (checked), inhale the body. Abstract
 * predicates cannot be folded; unfolding one gives nothing. */
static void fold_unfold(Gen *g, State *st, const VStmt *s, Env *env, bool fold)
{
    const VExpr *e = s->e;
    const VExpr *pc = e->kind == VX_ACC ? e->u.acc.loc : e;
    const VPred *p = pc->u.call.pred;
    Oblig ob = {fold ? "verify.fold" : "verify.unfold", s->span,
                fold ? "cannot fold: the predicate's body may not hold" : "cannot unfold: the predicate may not be held",
                NULL, NULL};
    if (!p->body && fold) {
        vg_error(g, s->span, "cannot fold the abstract predicate %s (it has no body)", p->name);
        return;
    }
    env->snap = NULL;
    if (fold) {
        pred_body(g, env, e, false, &ob);
        inhale(g, env, e);
    } else {
        exhale(g, env, e, &ob);
        if (p->body) pred_body(g, env, e, true, NULL);
    }
    (void)st;
}

static void vwhile(Gen *g, State *st, const VStmt *s, Env *env);

/* goto: a break out of loops_out loops (each adds its frame, as at a loop
 * exit), waiting for its label */
static void vgoto(Gen *g, State *st, const VStmt *s)
{
    State *j = st_copy(g, st);
    LoopCtx *lc = g->loop;
    for (uint32_t k = 0; k < s->loops_out && lc; k++, lc = lc->up) st_add_frame(g, j, lc->frame, lc->before);
    Jump *p = arena_alloc(&g->ar, sizeof *p);
    *p = (Jump){g->jumps, s->label, j};
    g->jumps = p;
    st->pc = Z3_mk_false(g->z);
}

/* label: the states of the gotos to it join the state falling through */
static void vlabel(Gen *g, State *st, Sym label, Env *env)
{
    for (Jump **p = &g->jumps; *p;) {
        if ((*p)->label != label) {
            p = &(*p)->next;
            continue;
        }
        st_merge(g, st, (*p)->st);
        *p = (*p)->next;
    }
    env->st = st;
    if (st->vl) env->vl = st->vl;
}

void vexec_stmt(Gen *g, State *st, const VStmt *s, Env *env)
{
    if (s->kind == VS_LABEL && !g->aborted) {
        vlabel(g, st, s->label, env); /* also when nothing falls through */
        return;
    }
    if (g->aborted || is_false(g, st->pc)) return;
    env->st = st;
    /* a join (if, label) replaces st's local table: read where we write */
    if (st->vl) env->vl = st->vl;
    switch (s->kind) {
    case VS_ASSERT: {
        Oblig ob = {"verify.assert", s->e->span, "the assertion may not hold", NULL, NULL};
        assert_spec(g, env, s->e, &ob);
        break;
    }
    case VS_ASSUME:
    case VS_INHALE: inhale(g, env, s->e); break;
    case VS_REFUTE: refute(g, st, s, env); break;
    case VS_EXHALE: {
        Oblig ob = {"verify.exhale", s->e->span, "exhale: the assertion may not hold", NULL, NULL};
        exhale(g, env, s->e, &ob);
        st_havoc_unowned(g, st, true);
        break;
    }
    case VS_FOLD: fold_unfold(g, st, s, env, true); break;
    case VS_UNFOLD: fold_unfold(g, st, s, env, false); break;
    case VS_USE: g->use = s->use; break;
    case VS_VARDECL:
    case VS_ASSIGN:
        if (!st->vl) {
            vg_error(g, s->span, "model statement outside a model method");
            break;
        }
        if (s->e) st->vl[s->local] = sexpr(g, env, s->e);
        else st->vl[s->local] = val_one(g, mk_fresh(g, g->meth->locals.v[s->local].name,
                                                    vsort(g, g->meth->locals.v[s->local].type)));
        break;
    case VS_FIELDASSIGN: {
        const VExpr *l = s->lhs;
        Z3_ast v = sexpr(g, env, s->e).w[0];
        Oblig ob = {"verify.permission", s->span, "no write permission to this location", NULL, NULL};
        if (l->kind == VX_INDEX && Z3_is_eq_ast(g->z, sexpr(g, env, l->u.idx.base).w[0], g->pheap)) {
            Z3_ast i = sexpr(g, env, l->u.idx.index).w[0];
            smt_check(g, st, mk_eq(g, Z3_mk_select(g->z, st->M, i), g->rone), &ob);
            Oblig ow = {"verify.overflow", s->e->span, "a Pancake heap word must be in [0, 2^64)", NULL, NULL};
            smt_check(g, st, mk_bounded(g, v, 64), &ow);
            st->H = Z3_mk_store(g->z, st->H, i, v);
        } else {
            uint32_t f;
            Z3_ast key;
            if (l->kind == VX_INDEX) {
                f = g->nfields - 1;
                Z3_ast ar[2] = {sexpr(g, env, l->u.idx.base).w[0], sexpr(g, env, l->u.idx.index).w[0]};
                key = Z3_mk_app(g->z, g->f_slot, 2, ar);
            } else {
                f = field_index(g, l->u.fld.field);
                key = sexpr(g, env, l->u.fld.recv).w[0];
            }
            smt_check(g, st, mk_eq(g, Z3_mk_select(g->z, st->fm[f], key), g->rone), &ob);
            st->fv[f] = Z3_mk_store(g->z, st->fv[f], key, v);
        }
        break;
    }
    case VS_CALL: {
        Val *args = arena_alloc(&g->ar, (s->args.n + 1) * sizeof(Val));
        for (uint32_t i = 0; i < s->args.n; i++) args[i] = sexpr(g, env, s->args.v[i]);
        Val *r = call_method(g, st, s->method, args, s->args.n, s->span, "verify.precondition");
        for (uint32_t i = 0; r && i < s->ntargets && i < s->method->nrets; i++)
            if (st->vl) st->vl[s->targets[i]] = r[i];
        break;
    }
    case VS_IF: if_stmt(g, st, sbool(g, env, s->e), s->span, &s->then, &s->els, true, env); break;
    case VS_WHILE: vwhile(g, st, s, env); break;
    case VS_LABEL: break;
    case VS_GOTO: vgoto(g, st, s); break;
    }
}

void vexec_block(Gen *g, State *st, const VBlock *b, Env *env)
{
    for (uint32_t i = 0; i < b->n; i++) vexec_stmt(g, st, b->v[i], env);
}

static void vwrites(const VBlock *b, bool *w)
{
    for (uint32_t i = 0; i < b->n; i++) {
        const VStmt *s = b->v[i];
        if (s->kind == VS_VARDECL || s->kind == VS_ASSIGN) w[s->local] = true;
        if (s->kind == VS_CALL)
            for (uint32_t k = 0; k < s->ntargets; k++) w[s->targets[k]] = true;
        if (s->kind == VS_IF) vwrites(&s->then, w), vwrites(&s->els, w);
        if (s->kind == VS_WHILE) vwrites(&s->then, w);
    }
}

/* A model-method while (its body is s->then). */
static void vwhile(Gen *g, State *st, const VStmt *s, Env *env)
{
    State *before = st_copy(g, st);
    exhale_invs(g, st, &s->invariants, "verify.invariant-entry", s->span, "the loop invariant may not hold on entry");
    State *L = loop_head(g, before, st, NULL);
    L->pc = st->pc;
    if (st->vl && g->meth) {
        bool *w = arena_alloc(&g->ar, g->meth->locals.n + 1);
        vwrites(&s->then, w);
        L->vl = arena_memdup(&g->ar, before->vl, g->meth->locals.n * sizeof(Val));
        for (uint32_t i = 0; i < g->meth->locals.n; i++)
            if (w[i]) L->vl[i] = val_one(g, mk_fresh(g, g->meth->locals.v[i].name, vsort(g, g->meth->locals.v[i].type)));
    }
    inhale_invs(g, L, &s->invariants);
    Env el = *env;
    el.st = L;
    if (L->vl) el.vl = L->vl;
    Z3_ast c = sbool(g, &el, s->e);
    State *B = st_copy(g, L);
    B->pc = mk_and2(g, L->pc, c);
    Env eb = *env;
    eb.st = B;
    if (B->vl) eb.vl = B->vl;
    LoopCtx lc = {g->loop, &s->invariants, s->span, st_copy(g, st), before, {0}};
    g->loop = &lc; /* for gotos out of the body */
    vexec_block(g, B, &s->then, &eb);
    g->loop = lc.up;
    exhale_invs(g, B, &s->invariants, "verify.invariant-preserved", s->span,
                "the loop invariant may not be preserved by the loop body");
    State *E = st_copy(g, L);
    E->pc = mk_and2(g, L->pc, mk_not(g, c));
    loop_exit(g, st, &lc, E);
    env->st = st;
    if (st->vl) env->vl = st->vl;
}
