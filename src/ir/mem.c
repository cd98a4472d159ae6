/*
 * Memory optimisations over LOCAL memory only (docs/compiler.md, "mem"):
 *
 *  - displacement folding: `v = ADD w, imm` earlier in the block (w not
 *    redefined since) makes `LOAD/STORE [v + d]` read `[w + d + imm]`,
 *    so that accesses to one object share one base vreg;
 *  - redundant load elimination and store-to-load forwarding: a forward
 *    dataflow over "facts" `[base + disp]` (width w) holds the value of
 *    vreg (or immediate) val. A LOAD makes the fact with its own result
 *    (zero-extended, so only a load of the same width may reuse it), an
 *    8-byte STORE with its stored value (narrower stores would need a
 *    truncation). Facts meet by intersection at joins. A LOAD whose
 *    address and width match a fact that holds becomes `d = MOV val`.
 *
 * Kills: a definition of a vreg kills the facts naming it (as base or
 * value: the IR is not SSA); a STORE kills every fact it may overlap
 * (same base and overlapping bytes, or any other base, which may alias);
 * calls, try-calls, FFI calls (which may write local memory) and shared
 * stores kill all facts. Shared loads and stores are never facts and
 * never replaced: each stays exactly one access (ir_has_effect).
 */
#include "ir_int.h"

#include <string.h>

/* ---- displacement folding -------------------------------------------- */

typedef struct Disp {
    uint32_t base, ver, stamp;
    int64_t imm;
} Disp;

static bool fits32(int64_t x) { return x == (int64_t)(int32_t)x; }
static bool is_mem(IrOp op) { return op == IR_LOAD || op == IR_STORE || op == IR_SHLOAD || op == IR_SHSTORE; }

typedef struct DispCtx {
    uint32_t *ver;
} DispCtx;

static void bump(void *ctx, uint32_t v) { ((DispCtx *)ctx)->ver[v]++; }

void ir_fold_disp(IrFn *fn)
{
    uint32_t n = fn->nvregs + 1, stamp = 0;
    Disp *rec = xcalloc(n, sizeof *rec);
    DispCtx c = {xcalloc(n, sizeof(uint32_t))};
    for (size_t b = 0; b < fn->blocks.n; b++) {
        stamp++;
        IrBlock *bl = &fn->blocks.v[b];
        for (size_t i = 0; i < bl->ins.n; i++) {
            IrIns *in = &bl->ins.v[i];
            if (is_mem(in->op) && !in->x.kind && in->a.kind == OPND_VREG) {
                const Disp *r = &rec[in->a.v];
                if (r->stamp == stamp && c.ver[r->base] == r->ver && fits32(in->disp + r->imm)) {
                    in->a = ir_vreg(r->base);
                    in->disp += r->imm;
                }
            }
            ir_defs(fn, in, bump, &c);
            if (in->op == IR_ADD && in->a.kind == OPND_VREG && in->b.kind == OPND_IMM &&
                in->a.v != in->dst && fits32((int64_t)in->b.imm)) {
                uint32_t w = in->a.v;
                const Disp *r = &rec[w];   /* chains: v = (w' + i) + j */
                bool chain = r->stamp == stamp && c.ver[r->base] == r->ver && r->base != in->dst &&
                             fits32(r->imm + (int64_t)in->b.imm);
                rec[in->dst] = chain ? (Disp){r->base, r->ver, stamp, r->imm + (int64_t)in->b.imm}
                                     : (Disp){w, c.ver[w], stamp, (int64_t)in->b.imm};
            }
        }
    }
    free(rec);
    free(c.ver);
}

/* ---- facts ----------------------------------------------------------- */

typedef struct Fact {
    Opnd base;
    int64_t disp;
    uint8_t width;
    Opnd val;
} Fact;

enum { MAX_FACTS = 1024 };   /* beyond: the pass is skipped (quadratic) */

typedef struct Rle {
    IrFn *fn;
    VEC(Fact) facts;
    uint32_t words;         /* bitset words */
    bool *named;            /* per vreg: does some fact name it? */
    uint32_t nnamed;        /* vregs made later (merge_at_join) are in no fact */
} Rle;

static bool same_opnd(Opnd a, Opnd b)
{
    return a.kind == b.kind && (a.kind == OPND_VREG ? a.v == b.v : a.imm == b.imm);
}

static bool names(Opnd o, uint32_t v) { return o.kind == OPND_VREG && o.v == v; }

/* The fact an instruction generates, if any (after its own kills). */
static bool gen_fact(const IrIns *in, Fact *f)
{
    if (in->x.kind || (in->op != IR_LOAD && in->op != IR_STORE)) return false;
    if (in->op == IR_STORE && in->width != 8) return false;
    if (in->op == IR_LOAD && names(in->a, in->dst)) return false;   /* x = [x] */
    *f = (Fact){in->a, in->disp, in->width, in->op == IR_LOAD ? ir_vreg(in->dst) : in->b};
    return true;
}

static uint32_t fact_id(Rle *r, const Fact *f)
{
    for (size_t k = 0; k < r->facts.n; k++) {
        const Fact *g = &r->facts.v[k];
        if (same_opnd(g->base, f->base) && g->disp == f->disp && g->width == f->width &&
            same_opnd(g->val, f->val))
            return (uint32_t)k;
    }
    vec_push(&r->facts, *f);
    return (uint32_t)r->facts.n - 1;
}

typedef struct KillDef {
    Rle *r;
    uint64_t *set;
} KillDef;

static void kill_def(void *ctx, uint32_t v)
{
    KillDef *k = ctx;
    if (v >= k->r->nnamed || !k->r->named[v]) return;
    for (size_t f = 0; f < k->r->facts.n; f++)
        if (names(k->r->facts.v[f].base, v) || names(k->r->facts.v[f].val, v))
            k->set[f >> 6] &= ~(1ull << (f & 63));
}

static bool kills_all(IrOp op)
{
    return op == IR_CALL || op == IR_TRYCALL || op == IR_FFI || op == IR_SHSTORE;
}

/* Removes from set the facts `in` invalidates. */
static void kill(Rle *r, const IrIns *in, uint64_t *set)
{
    if (kills_all(in->op)) memset(set, 0, r->words * sizeof *set);
    if (in->op == IR_STORE) {
        for (size_t f = 0; f < r->facts.n; f++) {
            const Fact *g = &r->facts.v[f];
            bool disjoint = !in->x.kind && same_opnd(g->base, in->a) &&
                            (g->disp + g->width <= in->disp || in->disp + in->width <= g->disp);
            if (!disjoint) set[f >> 6] &= ~(1ull << (f & 63));
        }
    }
    KillDef k = {r, set};
    ir_defs(r->fn, in, kill_def, &k);
}

/* set := the facts still holding after `in` (kills, then its own fact). */
static void transfer(Rle *r, const IrIns *in, uint64_t *set)
{
    kill(r, in, set);
    Fact f;
    if (gen_fact(in, &f)) {
        uint32_t id = fact_id(r, &f);
        set[id >> 6] |= 1ull << (id & 63);
    }
}

/* The index of a fact in set with the load's address and width, or -1. */
static long holds(const Rle *r, const IrIns *in, const uint64_t *set)
{
    if (in->op != IR_LOAD || in->x.kind) return -1;
    for (size_t f = 0; f < r->facts.n; f++) {
        const Fact *g = &r->facts.v[f];
        if (((set[f >> 6] >> (f & 63)) & 1) && same_opnd(g->base, in->a) && g->disp == in->disp &&
            g->width == in->width)
            return (long)f;
    }
    return -1;
}

typedef VEC(uint32_t) Preds;

/* The load at the start of block b (nothing before it in b touched its
 * address: alive = the facts surviving b's earlier instructions) finds
 * its value at the end of every predecessor, in different vregs: each
 * predecessor copies its value into a fresh vreg t (which is dead on its
 * other paths), and the load becomes a copy of t (a phi, in SSA terms).
 * The copy goes just before the predecessor's terminator, which (not
 * being a try-call, after which no fact holds) changes no vreg. */
static bool merge_at_join(Rle *r, const Preds *preds, const uint64_t *out, const uint64_t *alive,
                          IrIns *ld)
{
    IrFn *fn = r->fn;
    uint32_t w = r->words;
    long *pick = xmalloc((preds->n + 1) * sizeof *pick);
    bool ok = preds->n > 0;
    for (size_t k = 0; k < preds->n && ok; k++) {
        pick[k] = holds(r, ld, out + preds->v[k] * w);
        ok = pick[k] >= 0 && ((alive[pick[k] >> 6] >> (pick[k] & 63)) & 1);
    }
    if (ok) {
        uint32_t t = ir_new_vreg(fn);
        Opnd src = ir_vreg(t);
        *ld = (IrIns){.op = IR_MOV, .dst = ld->dst, .a = src, .span = ld->span};
        for (size_t k = 0; k < preds->n; k++) {
            bool dup = false;
            for (size_t j = 0; j < k; j++) dup |= preds->v[j] == preds->v[k];
            if (dup) continue;
            IrBlock *pb = &fn->blocks.v[preds->v[k]];
            IrIns mv = {.op = IR_MOV, .dst = t, .a = r->facts.v[pick[k]].val};
            vec_push(&pb->ins, mv);   /* then swap it before the terminator */
            pb->ins.v[pb->ins.n - 1] = pb->ins.v[pb->ins.n - 2];
            pb->ins.v[pb->ins.n - 2] = mv;
        }
    }
    free(pick);
    return ok;
}

static size_t count_facts(const IrFn *fn)
{
    size_t n = 0;
    Fact f;
    for (size_t b = 0; b < fn->blocks.n; b++)
        for (size_t i = 0; i < fn->blocks.v[b].ins.n; i++) n += gen_fact(&fn->blocks.v[b].ins.v[i], &f);
    return n;
}

/* Forward "all paths" dataflow, then the rewrite with each block's IN. */
void ir_rle(IrFn *fn)
{
    size_t nmax = count_facts(fn), nb = fn->blocks.n;
    if (!nmax || nmax > MAX_FACTS) return;
    Rle r = {fn, {0}, (uint32_t)(nmax + 64) / 64, xcalloc(fn->nvregs + 1, sizeof(bool)),
             fn->nvregs + 1};
    for (size_t b = 0; b < nb; b++) {   /* intern every fact first */
        Fact f;
        for (size_t i = 0; i < fn->blocks.v[b].ins.n; i++)
            if (gen_fact(&fn->blocks.v[b].ins.v[i], &f)) {
                fact_id(&r, &f);
                if (f.base.kind == OPND_VREG) r.named[f.base.v] = true;
                if (f.val.kind == OPND_VREG) r.named[f.val.v] = true;
            }
    }
    uint32_t w = r.words;
    bool *reach = ir_reachable(fn);
    uint64_t *in = xmalloc((nb * w + 1) * sizeof *in), *out = xmalloc((nb * w + 1) * sizeof *out);
    for (size_t k = 0; k < nb * w; k++) in[k] = out[k] = ~0ull;
    uint64_t *t = xmalloc((w + 1) * sizeof *t);
    memset(in, 0, w * sizeof *in);   /* entry: nothing known */
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t b = 0; b < nb; b++) {
            if (!reach[b]) continue;
            memcpy(t, in + b * w, w * sizeof *t);
            const IrBlock *bl = &fn->blocks.v[b];
            for (size_t i = 0; i < bl->ins.n; i++) transfer(&r, &bl->ins.v[i], t);
            if (memcmp(t, out + b * w, w * sizeof *t)) {
                memcpy(out + b * w, t, w * sizeof *t);
                changed = true;
            }
        }
        /* IN = intersection of the reachable predecessors' OUT */
        for (size_t k = 0; k < nb * w; k++) in[k] = ~0ull;
        for (size_t b = 0; b < nb; b++) {
            uint32_t s[2];
            int ns = reach[b] ? ir_succs(fn, (uint32_t)b, s) : 0;
            for (int k = 0; k < ns; k++)
                for (size_t j = 0; j < w; j++) in[s[k] * w + j] &= out[b * w + j];
        }
        memset(in, 0, w * sizeof *in);
    }
    Preds *preds = xcalloc(nb + 1, sizeof *preds);
    for (size_t b = 0; b < nb; b++) {
        uint32_t s[2];
        int ns = reach[b] ? ir_succs(fn, (uint32_t)b, s) : 0;
        for (int k = 0; k < ns; k++) vec_push(&preds[s[k]], (uint32_t)b);
    }
    uint64_t *alive = xmalloc((w + 1) * sizeof *alive);
    for (size_t b = 0; b < nb; b++) {
        if (!reach[b]) continue;
        memcpy(t, in + b * w, w * sizeof *t);
        memset(alive, 0xff, w * sizeof *alive);
        for (size_t i = 0; i < fn->blocks.v[b].ins.n; i++) {
            IrIns *ins = &fn->blocks.v[b].ins.v[i];
            long g = holds(&r, ins, t);
            if (g >= 0)
                *ins = (IrIns){.op = IR_MOV, .dst = ins->dst, .a = r.facts.v[g].val, .span = ins->span};
            else if (ins->op == IR_LOAD && b != 0)
                merge_at_join(&r, &preds[b], out, alive, ins);
            ins = &fn->blocks.v[b].ins.v[i];   /* the block may have grown */
            transfer(&r, ins, t);
            kill(&r, ins, alive);
        }
    }
    for (size_t b = 0; b < nb; b++) vec_free(&preds[b]);
    free(preds);
    free(alive);
    free(t);
    free(in);
    free(out);
    free(reach);
    free(r.named);
    vec_free(&r.facts);
}
