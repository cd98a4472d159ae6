/* Walks of Pancake function bodies shared by vgen and the Viper printer
 * (vbody.h). */
#include "vbody.h"
#include "vast.h"

#include "util/util.h"

static void name_slots_block(Sym *names, uint32_t n, const Block *b);
static void name_slot(Sym *names, uint32_t n, uint32_t slot, Sym name)
{
    if (slot < n && !names[slot]) names[slot] = name;
}

static void name_slots_stmt(Sym *names, uint32_t n, const Stmt *s)
{
    switch ((int)s->kind) {
    case S_DEC: name_slot(names, n, s->u.dec.var.slot, s->u.dec.var.name); break;
    case S_DECCALL: name_slot(names, n, s->u.deccall.var.slot, s->u.deccall.var.name); break;
    case S_IF: name_slots_block(names, n, &s->u.if_.then); name_slots_block(names, n, &s->u.if_.els); break;
    case S_WHILE: name_slots_block(names, n, &s->u.while_.body); break;
    case S_BLOCK: name_slots_block(names, n, &s->u.block); break;
    case S_TRY: name_slots_block(names, n, &s->u.try_.handler); break;
    }
}

static void name_slots_block(Sym *names, uint32_t n, const Block *b)
{
    for (uint32_t i = 0; i < b->n; i++) name_slots_stmt(names, n, b->v[i]);
}

void vbody_slot_names(const FunDecl *fd, Sym *names)
{
    for (uint32_t i = 0; i < fd->nparams; i++) name_slot(names, fd->nslots, i, fd->params[i].name);
    name_slots_block(names, fd->nslots, &fd->body);
}

static void writes_block(const Block *b, VWrites *w);

static void writes_var(const VarRef *v, VWrites *w)
{
    if (v->global) w->globals[v->slot] = true;
    else w->slots[v->slot] = true;
}

static void writes_call(const Call *c, VWrites *w)
{
    w->calls = true;
    if (c->fn) w->callees[c->fn->index] = true;
}

static void writes_stmt(const Stmt *s, VWrites *w)
{
    switch (s->kind) {
    case S_DEC: w->slots[s->u.dec.var.slot] = true; break;
    case S_DECCALL: w->slots[s->u.deccall.var.slot] = true; writes_call(&s->u.deccall.call, w); break;
    case S_ASSIGN: writes_var(&s->u.assign.var, w); break;
    case S_CALL:
        writes_call(&s->u.call.call, w);
        if (s->u.call.kind == CALL_ASSIGN) writes_var(&s->u.call.dest, w);
        break;
    case S_SHLOAD: writes_var(&s->u.shmem.dest, w); w->calls = true; break;
    case S_SHSTORE:
    case S_FFI: w->calls = true; break;
    case S_TRY:
        writes_call(&s->u.try_.call, w);
        if (s->u.try_.has_dest) writes_var(&s->u.try_.dest, w);
        writes_var(&s->u.try_.catchvar, w);
        writes_block(&s->u.try_.handler, w);
        break;
    case S_IF: writes_block(&s->u.if_.then, w); writes_block(&s->u.if_.els, w); break;
    case S_WHILE: writes_block(&s->u.while_.body, w); break;
    case S_BLOCK: writes_block(&s->u.block, w); break;
    case S_SKIP:
    case S_STORE:
    case S_BREAK:
    case S_CONTINUE:
    case S_TICK:
    case S_THROW:
    case S_RETURN:
    case S_ANNOT: break;
    }
}

static void writes_block(const Block *b, VWrites *w)
{
    for (uint32_t i = 0; i < b->n; i++) writes_stmt(b->v[i], w);
}

bool *vg_global_writes(const Program *p, uint32_t nfuns)
{
    uint32_t ng = p->nglobals;
    bool *gw = xcalloc((size_t)nfuns * ng + 1, 1);
    bool *calls = xcalloc((size_t)nfuns * nfuns + 1, 1);
    bool *slots = NULL;
    size_t nslots = 0;
    for (size_t i = 0; i < p->decls.n; i++) {
        const Decl *d = p->decls.v[i];
        if (d->kind != D_FUN || d->u.fun.index >= nfuns) continue;
        const FunDecl *f = &d->u.fun;
        if (f->nslots + 1 > nslots) {
            nslots = f->nslots + 1;
            slots = xrealloc(slots, nslots);
        }
        VWrites w = {slots, gw + (size_t)f->index * ng, calls + (size_t)f->index * nfuns, false};
        writes_block(&f->body, &w);
    }
    free(slots);
    /* closure over the call graph: a fixpoint (at most nfuns rounds) */
    for (bool changed = true; changed;) {
        changed = false;
        for (uint32_t f = 0; f < nfuns; f++)
            for (uint32_t c = 0; c < nfuns; c++) {
                if (!calls[(size_t)f * nfuns + c]) continue;
                for (uint32_t s = 0; s < ng; s++)
                    if (gw[(size_t)c * ng + s] && !gw[(size_t)f * ng + s]) {
                        gw[(size_t)f * ng + s] = true;
                        changed = true;
                    }
            }
    }
    free(calls);
    return gw;
}

void vbody_writes(const Block *b, VWrites *w)
{
    writes_block(b, w);
}

bool vmask_run(uint64_t c, unsigned *lo, unsigned *len)
{
    while (*lo < 64 && !((c >> *lo) & 1)) (*lo)++;
    if (*lo >= 64) return false;
    *len = 0;
    while (*lo + *len < 64 && ((c >> (*lo + *len)) & 1)) (*len)++;
    return true;
}

static bool holds_pred(const VExpr *e, const VPred *p)
{
    if (e->kind == VX_BINOP && e->u.bin.op == VB_AND)
        return holds_pred(e->u.bin.a, p) || holds_pred(e->u.bin.b, p);
    if (e->kind == VX_ACC) return holds_pred(e->u.acc.loc, p);
    return e->kind == VX_PREDCALL && e->u.call.pred == p;
}

bool vspec_loop_names_pred(const VLoopSpec *ls, const VPred *p)
{
    for (uint32_t i = 0; ls && i < ls->invariants.n; i++)
        if (holds_pred(ls->invariants.v[i], p)) return true;
    return false;
}
