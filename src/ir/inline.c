/*
 * Inlining (docs/compiler.md, "Optimisation"): a CALL of a small leaf
 * function, or of an `inline fun` that does not call itself, is replaced
 * by a copy of the callee's body.
 *
 * The calling block is split after the call; the callee's vregs and
 * blocks are renumbered into the caller; parameters become moves from
 * the arguments; each RET becomes moves to the call's result vregs and a
 * jump to the continuation; a TAILCALL in the copy becomes a CALL
 * followed by that jump. A THROW in the copy behaves as before: the
 * innermost handler record is the same one (only CALL sites are inlined,
 * never TRYCALLs). Copies are not inlined into again (one level per
 * pass), so expansion is bounded. The blocks are then laid out so that
 * each copy sits between its call block and the continuation.
 */
#include "ir.h"

#include <string.h>

enum { LEAF_MAX = 40, CALLER_MAX = 4000 };

static size_t fn_size(const IrFn *fn)
{
    size_t n = 0;
    for (size_t b = 0; b < fn->blocks.n; b++) n += fn->blocks.v[b].ins.n;
    return n;
}

static bool calls_anything(const IrFn *fn, uint32_t *self)
{
    bool any = false;
    *self = 0;
    for (size_t b = 0; b < fn->blocks.n; b++)
        for (size_t i = 0; i < fn->blocks.v[b].ins.n; i++) {
            const IrIns *in = &fn->blocks.v[b].ins.v[i];
            if (in->op == IR_CALL || in->op == IR_TAILCALL || in->op == IR_TRYCALL) {
                any = true;
                if (in->callee == fn->index) *self = 1;
            }
        }
    return any;
}

/* May calls of g be inlined (anywhere but into g itself)? */
static bool inlinable(const IrFn *g)
{
    uint32_t self;
    bool calls = calls_anything(g, &self);
    if (g->is_init) return false;
    if (g->is_inline) return !self;
    return !calls && fn_size(g) <= LEAF_MAX;
}

typedef struct Layout {
    VEC(uint32_t) *follow;  /* per block: blocks to lay out right after it */
} Layout;

static Opnd renamed(Opnd o, uint32_t off)
{
    if (o.kind == OPND_VREG) o.v += off;
    return o;
}

/* Copies g's instruction into f's block `to`, renamed. */
static void copy_ins(IrFn *f, uint32_t to, const IrFn *g, const IrIns *src, uint32_t voff,
                     uint32_t boff, uint32_t cont, const IrIns *call)
{
    IrIns in = *src;
    in.a = renamed(in.a, voff);
    in.b = renamed(in.b, voff);
    in.x = renamed(in.x, voff);
    if (in.dst) in.dst += voff;
    in.t += boff;
    in.f += boff;
    uint32_t list = (uint32_t)f->lists.n;
    for (uint32_t k = 0; k < in.nargs + in.nres; k++)
        vec_push(&f->lists, renamed(g->lists.v[src->list + k], voff));
    in.list = list;
    if (in.op == IR_RET) {
        for (uint32_t k = 0; k < call->nres && k < in.nargs; k++) {
            IrIns *m = ir_emit(f, to, IR_MOV);
            m->dst = f->lists.v[call->list + call->nargs + k].v;
            m->a = f->lists.v[in.list + k];
        }
        ir_emit(f, to, IR_JMP)->t = cont;
        return;
    }
    if (in.op == IR_TAILCALL) {   /* return h(..) inside the copy */
        in.op = IR_CALL;
        in.list = (uint32_t)f->lists.n;
        for (uint32_t k = 0; k < src->nargs; k++) vec_push(&f->lists, renamed(g->lists.v[src->list + k], voff));
        for (uint32_t k = 0; k < call->nres; k++) vec_push(&f->lists, f->lists.v[call->list + call->nargs + k]);
        in.nres = call->nres;
        vec_push(&f->blocks.v[to].ins, in);
        ir_emit(f, to, IR_JMP)->t = cont;
        return;
    }
    vec_push(&f->blocks.v[to].ins, in);
}

/* Inlines the call at f.blocks[b].ins[i] (a CALL of g); returns the
 * continuation block. */
static uint32_t inline_at(IrFn *f, uint32_t b, size_t i, const IrFn *g, Layout *lay)
{
    IrIns call = f->blocks.v[b].ins.v[i];
    uint32_t cont = ir_new_block(f);
    IrBlock *bl = &f->blocks.v[b];
    for (size_t k = i + 1; k < bl->ins.n; k++) vec_push(&f->blocks.v[cont].ins, bl->ins.v[k]);
    bl = &f->blocks.v[b];
    bl->ins.n = i;
    uint32_t voff = f->nvregs, boff = (uint32_t)f->blocks.n;
    f->nvregs += g->nvregs;
    for (uint32_t k = 0; k < g->nparams && k < call.nargs; k++) {
        IrIns *m = ir_emit(f, b, IR_MOV);
        m->dst = voff + k + 1;
        m->a = f->lists.v[call.list + k];
    }
    ir_emit(f, b, IR_JMP)->t = boff;
    for (size_t gb = 0; gb < g->blocks.n; gb++) ir_new_block(f);
    for (size_t gb = 0; gb < g->blocks.n; gb++)
        for (size_t k = 0; k < g->blocks.v[gb].ins.n; k++)
            copy_ins(f, boff + (uint32_t)gb, g, &g->blocks.v[gb].ins.v[k], voff, boff, cont, &call);
    lay->follow = xrealloc(lay->follow, f->blocks.n * sizeof *lay->follow);
    for (size_t k = boff - 1; k < f->blocks.n; k++) memset(&lay->follow[k], 0, sizeof lay->follow[k]);
    for (uint32_t k = 0; k < g->blocks.n; k++) vec_push(&lay->follow[b], boff + k);
    vec_push(&lay->follow[b], cont);
    return cont;
}

static void place(const Layout *lay, uint32_t b, uint32_t *order, uint32_t *n, bool *placed)
{
    if (placed[b]) return;
    placed[b] = true;
    order[(*n)++] = b;
    for (size_t k = 0; k < lay->follow[b].n; k++) place(lay, lay->follow[b].v[k], order, n, placed);
}

/* Renumbers blocks so each inlined copy follows its call block. */
static void relayout(IrFn *f, const Layout *lay, size_t norig)
{
    size_t nb = f->blocks.n;
    uint32_t *order = xmalloc(nb * sizeof *order), *pos = xmalloc(nb * sizeof *pos), n = 0;
    bool *placed = xcalloc(nb, sizeof *placed);
    for (uint32_t b = 0; b < norig; b++) place(lay, b, order, &n, placed);
    for (uint32_t b = 0; b < nb; b++) place(lay, b, order, &n, placed);
    for (uint32_t k = 0; k < nb; k++) pos[order[k]] = k;
    IrBlock *nbv = xmalloc(nb * sizeof *nbv);
    for (uint32_t k = 0; k < nb; k++) nbv[k] = f->blocks.v[order[k]];
    memcpy(f->blocks.v, nbv, nb * sizeof *nbv);
    ir_retarget(f, pos);
    free(nbv);
    free(order);
    free(pos);
    free(placed);
}

static void inline_into(IrProg *ir, IrFn *f, const bool *ok)
{
    size_t norig = f->blocks.n;
    Layout lay = {xcalloc(norig + 1, sizeof *lay.follow)};
    /* copies are not scanned again; continuations (the caller's own code
     * after a call) are */
    VEC(uint32_t) work = {0};
    for (uint32_t b = 0; b < norig; b++) vec_push(&work, b);
    for (size_t w = 0; w < work.n; w++) {
        uint32_t b = work.v[w];
        for (size_t i = 0; i < f->blocks.v[b].ins.n; i++) {
            const IrIns *in = &f->blocks.v[b].ins.v[i];
            if (in->op != IR_CALL || in->callee == f->index || !ok[in->callee]) continue;
            if (fn_size(f) > CALLER_MAX) break;
            vec_push(&work, inline_at(f, b, i, ir->fns.v[in->callee], &lay));
            break;
        }
    }
    vec_free(&work);
    if (f->blocks.n != norig) relayout(f, &lay, norig);
    for (size_t k = 0; k < f->blocks.n && f->blocks.n != norig; k++) vec_free(&lay.follow[k]);
    for (size_t k = 0; k < norig && f->blocks.n == norig; k++) vec_free(&lay.follow[k]);
    free(lay.follow);
}

void ir_inline(IrProg *ir)
{
    bool *ok = xcalloc(ir->fns.n + 1, sizeof *ok);
    for (size_t f = 0; f < ir->fns.n; f++) ok[f] = inlinable(ir->fns.v[f]);
    for (size_t f = 0; f < ir->fns.n; f++) inline_into(ir, ir->fns.v[f], ok);
    free(ok);
}
