/*
 * Register allocation: linear scan over live intervals with lifetime
 * holes (after Wimmer & Moessenboeck, without interval splitting).
 *
 * Preconditions: reachable blocks end in terminators; vregs 1..nparams
 * are defined at entry. Blocks are laid out in index order and numbered:
 * a block starts at an even position, its instructions follow at even
 * positions, and it ends at the odd position after its terminator. A
 * vreg's interval is the list of ranges where it is live (from liveness:
 * from a definition or a block start to a use or a block end), so a
 * value does not hold its register through the blocks where it is dead
 * (a join's copies in one branch, the other branch's values). Two
 * intervals conflict when their ranges overlap, except where one ends
 * with a use at the instruction where the other starts with a
 * definition: every instruction reads its operands before it writes its
 * result (x64_emit.c), so the two may share a register.
 *
 * The internal calling convention has SysV's callee-saved registers
 * (rbx, rbp, r12-r15; docs/abi.md), so an interval live across a Pancake
 * call or an FFI call (a C call) gets one of those or a slot. A throw
 * does not restore them (it just resets %rsp to the handler's frame), so
 * an interval live across a try-call (into its handler) lives in a stack
 * slot, and a function with a try-call saves all six in its prologue
 * (x64_emit.c): whatever the unwound callees left in them, its own
 * caller gets its values back at the return. The other intervals compete
 * for the 12 allocatable registers, caller-saved ones first; when none is
 * free, the interval that ends last is spilled (to a slot of its own for
 * its whole life). Operands in slots are handled at emission with the
 * scratch registers r10/r11. The callee-saved registers used are
 * recorded (X64Fn.saved) for the prologue.
 */
#include "x64_int.h"

#include <stdlib.h>
#include <string.h>

const int X64_ALLOC_REGS[X64_NALLOC] = {RAX, RDX, RSI, RDI, R8, R9, RBX, RBP, R12, R13, R14, R15};
const int X64_ARG_REGS[X64_NARG_REGS] = {RDI, RSI, RDX, RCX, R8, R9};

typedef struct Range {
    uint32_t s, e;
} Range;

typedef struct Iv {
    uint32_t v, start, end;
    VEC(Range) r;    /* sorted, disjoint */
    uint32_t hint;   /* a vreg whose register this one would like to take over */
    uint32_t avoid;  /* ... and one whose register it would rather not have */
    bool keep;       /* live across a call: a callee-saved register */
    bool keep_slot;  /* must live in a stack slot */
} Iv;

typedef VEC(uint32_t) U32s;

bool x64_callee_saved(int r) { return r == RBX || r == RBP || r >= R12; }

static void add_range(Iv *iv, uint32_t s, uint32_t e) { vec_push(&iv->r, ((Range){s, e})); }

static int by_s(const void *a, const void *b)
{
    const Range *x = a, *y = b;
    return x->s != y->s ? (x->s < y->s ? -1 : 1) : (x->e < y->e ? -1 : x->e > y->e);
}

/* Sorts and merges ranges that overlap or touch (x = x + 1 ends one range
 * and starts the next at the same instruction). */
static void normalise(Iv *iv)
{
    if (!iv->r.n) return;
    qsort(iv->r.v, iv->r.n, sizeof *iv->r.v, by_s);
    size_t w = 0;
    for (size_t k = 1; k < iv->r.n; k++) {
        if (iv->r.v[k].s <= iv->r.v[w].e) {
            if (iv->r.v[k].e > iv->r.v[w].e) iv->r.v[w].e = iv->r.v[k].e;
        } else {
            iv->r.v[++w] = iv->r.v[k];
        }
    }
    iv->r.n = w + 1;
    iv->start = iv->r.v[0].s;
    iv->end = iv->r.v[w].e;
}

typedef struct Walk {
    Iv *iv;
    uint64_t *live;     /* live after the current instruction */
    uint32_t pos, bstart;
} Walk;

static void walk_def(void *ctx, uint32_t v)
{
    Walk *w = ctx;
    Iv *iv = &w->iv[v];
    if (ir_live_test(w->live, v)) {   /* the range opened at the block start */
        iv->r.v[iv->r.n - 1].s = w->pos;
        w->live[v >> 6] &= ~(1ull << (v & 63));
    } else {
        add_range(iv, w->pos, w->pos);   /* a dead definition */
    }
}

static void walk_use(void *ctx, uint32_t v)
{
    Walk *w = ctx;
    if (ir_live_test(w->live, v)) return;
    add_range(&w->iv[v], w->bstart, w->pos);
    w->live[v >> 6] |= 1ull << (v & 63);
}

/* d = a op ... (and d = a): giving d a's register when a dies here saves
 * the copy the two-address form would need. */
static void note_hint(Iv *iv, const IrIns *in, uint32_t pos)
{
    bool two_addr = in->op == IR_MOV || (in->op >= IR_ADD && in->op <= IR_ROR);
    if (two_addr && in->dst && in->a.kind == OPND_VREG && iv[in->dst].start == pos && !iv[in->dst].hint)
        iv[in->dst].hint = in->a.v;
    /* d = a - b with d in b's register needs a copy through r11 */
    if (in->op == IR_SUB && in->b.kind == OPND_VREG && iv[in->dst].start == pos) iv[in->dst].avoid = in->b.v;
}

/* Computes intervals and the positions of try-calls and of other calls
 * (Pancake and FFI). */
static Iv *intervals(X64Fn *xf, U32s *trys, U32s *calls)
{
    IrFn *fn = xf->fn;
    Liveness lv;
    ir_liveness(fn, &lv);
    Iv *iv = xcalloc(fn->nvregs + 1, sizeof(Iv));
    for (uint32_t v = 0; v <= fn->nvregs; v++) iv[v].v = v;
    uint32_t nb = (uint32_t)fn->blocks.n, pos = 2;
    uint32_t *bstart = xcalloc(nb + 1, sizeof *bstart);
    for (uint32_t b = 0; b < nb; b++) {   /* numbering */
        if (!xf->reachable[b]) continue;
        bstart[b] = pos;
        pos += 2 * (uint32_t)fn->blocks.v[b].ins.n + 2;
    }
    Walk w = {iv, xmalloc((lv.words + 1) * sizeof(uint64_t)), 0, 0};
    for (uint32_t b = 0; b < nb; b++) {
        if (!xf->reachable[b]) continue;
        const IrBlock *blk = &fn->blocks.v[b];
        uint32_t bend = bstart[b] + 2 * (uint32_t)blk->ins.n + 1;
        memcpy(w.live, lv.out + (size_t)b * lv.words, lv.words * sizeof(uint64_t));
        for (uint32_t v = 1; v <= fn->nvregs; v++)
            if (ir_live_test(w.live, v)) add_range(&iv[v], bstart[b], bend);
        w.bstart = bstart[b];
        for (size_t i = blk->ins.n; i-- > 0;) {
            w.pos = bstart[b] + 2 + 2 * (uint32_t)i;
            ir_defs(fn, &blk->ins.v[i], walk_def, &w);
            ir_uses(fn, &blk->ins.v[i], walk_use, &w);
        }
        for (uint32_t v = 1; v <= fn->nparams; v++)   /* defined at entry */
            if (b == 0 && ir_live_test(w.live, v)) iv[v].r.v[iv[v].r.n - 1].s = 0;
    }
    for (uint32_t v = 1; v <= fn->nparams; v++) add_range(&iv[v], 0, 0);   /* the entry writes them all */
    for (uint32_t v = 1; v <= fn->nvregs; v++) normalise(&iv[v]);
    for (uint32_t b = 0; b < nb; b++) {   /* hints and calls, in order */
        for (size_t i = 0; xf->reachable[b] && i < fn->blocks.v[b].ins.n; i++) {
            const IrIns *in = &fn->blocks.v[b].ins.v[i];
            uint32_t p = bstart[b] + 2 + 2 * (uint32_t)i;
            note_hint(iv, in, p);
            if (in->op == IR_TRYCALL) {
                vec_push(trys, p);
                /* a result is only written on the normal path: one the
                 * handler reads (lowering uses fresh temporaries, so this
                 * does not happen) must keep its old value, in a slot */
                for (uint32_t k = 0; k < in->nres; k++) {
                    uint32_t r = fn->lists.v[in->list + in->nargs + k].v;
                    if (ir_live_test(lv.in + (size_t)in->f * lv.words, r)) iv[r].keep_slot = true;
                }
            }
            if (in->op == IR_CALL || in->op == IR_FFI) vec_push(calls, p);
        }
    }
    free(w.live);
    free(bstart);
    ir_liveness_free(&lv);
    return iv;
}

/* Is the value live across (strictly before and after) a position in
 * calls (sorted)? */
static bool crosses_call(const Iv *iv, const uint32_t *calls, size_t n)
{
    for (size_t k = 0; k < iv->r.n; k++) {
        const Range *r = &iv->r.v[k];
        size_t lo = 0, hi = n;   /* first call > r->s */
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (calls[mid] <= r->s) lo = mid + 1;
            else hi = mid;
        }
        if (lo < n && calls[lo] < r->e) return true;
    }
    return false;
}

/* Do two ranges overlap, beyond x ending with a use where y starts? */
static bool ranges_clash(Range x, Range y)
{
    if (x.e < y.s || y.e < x.s) return false;
    if (x.e == y.s && x.s < x.e) return false;
    if (y.e == x.s && y.s < y.e) return false;
    return true;
}

static bool clash(const Iv *a, const Iv *b)
{
    if (a->end < b->start || b->end < a->start) return false;
    size_t i = 0, j = 0;
    while (i < a->r.n && j < b->r.n) {
        if (ranges_clash(a->r.v[i], b->r.v[j])) return true;
        if (a->r.v[i].e < b->r.v[j].e) i++;
        else j++;
    }
    return false;
}

static void spill(X64Fn *xf, uint32_t v)
{
    xf->loc[v].reg = -1;
    xf->loc[v].slot = (int32_t)xf->nslots++;
}

typedef struct Alloc {
    X64Fn *xf;
    Iv **live;           /* intervals with registers not yet ended */
    size_t nlive;
} Alloc;

/* May cur have register r (ignoring the interval `except`)? */
static bool reg_free(const Alloc *a, const Iv *cur, int r, const Iv *except)
{
    if (cur->keep && !x64_callee_saved(r)) return false;
    for (size_t k = 0; k < a->nlive; k++)
        if (a->live[k] != except && a->xf->loc[a->live[k]->v].reg == r && clash(a->live[k], cur)) return false;
    return true;
}

static int choose(Alloc *a, Iv *cur)
{
    X64Fn *xf = a->xf;
    if (cur->hint && xf->loc[cur->hint].reg >= 0 && reg_free(a, cur, xf->loc[cur->hint].reg, NULL))
        return xf->loc[cur->hint].reg;
    int avoid = cur->avoid ? xf->loc[cur->avoid].reg : -1;
    for (int pass = 0; pass < 2; pass++)
        for (int k = 0; k < X64_NALLOC; k++)
            if ((pass || X64_ALLOC_REGS[k] != avoid) && reg_free(a, cur, X64_ALLOC_REGS[k], NULL))
                return X64_ALLOC_REGS[k];
    /* none: spill the interval ending last that would give way */
    size_t far = SIZE_MAX;
    for (size_t k = 0; k < a->nlive; k++) {
        const Iv *o = a->live[k];
        if (o->end > cur->end && clash(o, cur) && reg_free(a, cur, xf->loc[o->v].reg, o) &&
            (far == SIZE_MAX || o->end > a->live[far]->end))
            far = k;
    }
    if (far == SIZE_MAX) return -1;
    int r = xf->loc[a->live[far]->v].reg;
    spill(xf, a->live[far]->v);
    a->live[far] = a->live[--a->nlive];
    return r;
}

static int by_start(const void *x, const void *y)
{
    const Iv *a = *(Iv *const *)x, *b = *(Iv *const *)y;
    if (a->start != b->start) return a->start < b->start ? -1 : 1;
    return a->v < b->v ? -1 : a->v > b->v;
}

void x64_ra(X64Fn *xf)
{
    IrFn *fn = xf->fn;
    U32s trys = {0}, calls = {0};
    Iv *iv = intervals(xf, &trys, &calls);
    xf->loc = xcalloc(fn->nvregs + 1, sizeof(VLoc));
    Iv **order = xmalloc((fn->nvregs + 1) * sizeof *order);
    size_t n = 0;
    for (uint32_t v = 1; v <= fn->nvregs; v++) {
        xf->loc[v].reg = -2;  /* never live: no location */
        if (!iv[v].r.n) continue;
        if (iv[v].keep_slot || crosses_call(&iv[v], trys.v, trys.n)) {
            spill(xf, v);
            continue;
        }
        iv[v].keep = crosses_call(&iv[v], calls.v, calls.n);
        order[n++] = &iv[v];
    }
    qsort(order, n, sizeof *order, by_start);
    Alloc a = {xf, xmalloc((n + 1) * sizeof *a.live), 0};
    for (size_t i = 0; i < n; i++) {
        Iv *cur = order[i];
        for (size_t k = 0; k < a.nlive;) {   /* expire what ended */
            if (a.live[k]->end < cur->start) a.live[k] = a.live[--a.nlive];
            else k++;
        }
        int reg = choose(&a, cur);
        if (reg < 0) {
            spill(xf, cur->v);
            continue;
        }
        xf->loc[cur->v].reg = (int8_t)reg;
        a.live[a.nlive++] = cur;
    }
    xf->saved = 0;
    for (uint32_t v = 1; v <= fn->nvregs; v++)
        if (xf->loc[v].reg >= 0 && x64_callee_saved(xf->loc[v].reg)) xf->saved |= (uint16_t)(1u << xf->loc[v].reg);
    xf->nsaved = 0;
    for (int r = 0; r < 16; r++) {
        if (trys.n && x64_callee_saved(r)) xf->saved |= (uint16_t)(1u << r);
        xf->nsaved += (xf->saved >> r) & 1;
    }
    for (uint32_t v = 0; v <= fn->nvregs; v++) vec_free(&iv[v].r);
    free(a.live);
    free(order);
    free(iv);
    vec_free(&trys);
    vec_free(&calls);
}
