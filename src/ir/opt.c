/*
 * Optimisation passes over the IR (docs/compiler.md, "Optimisation").
 *
 *  - propagate: per basic block, constants and copies are propagated into
 *    later operands (until either side is redefined), constant operations
 *    are folded with Pancake's word semantics (wrap-around, shift counts
 *    taken mod 64 as the hardware does: a count >= 64 is an Error in
 *    panSem, so any result is allowed), algebraic identities applied, and
 *    branches on constants become jumps;
 *  - coalesce: `t = op ...; x = t` with t used nowhere else becomes
 *    `x = op ...` (lowering copies through temporaries); after
 *    instruction selection (which needs the temporaries of address
 *    arithmetic) also `t = op ...; x = t op y` -> `x = op ...; x = x op y`,
 *    the accumulator form two-address code wants;
 *  - ir_dce: instructions without effect whose result is dead go;
 *  - licm: pure arithmetic whose operands do not change in a loop moves
 *    to the loop's preheader (natural loops from dominators);
 *  - and, from their own files (ir_int.h): displacement folding, load
 *    elimination and store-to-load forwarding over local memory (mem.c),
 *    unrolling of small counted loops (unroll.c).
 * None of them touches an instruction with an effect (ir_has_effect:
 * shared-memory operations, FFI and other calls, stores, control), so
 * shared accesses and FFI calls keep their number and order.
 */
#include "ir_int.h"

#include <string.h>

/* ---- folding -------------------------------------------------------- */

static bool cc_holds(IrCc cc, uint64_t a, uint64_t b)
{
    int64_t sa = (int64_t)a, sb = (int64_t)b;
    switch (cc) {
    case CC_EQ: return a == b;
    case CC_NE: return a != b;
    case CC_LT: return sa < sb;
    case CC_GT: return sa > sb;
    case CC_LE: return sa <= sb;
    case CC_GE: return sa >= sb;
    case CC_B: return a < b;
    case CC_A: return a > b;
    case CC_BE: return a <= b;
    case CC_AE: return a >= b;
    }
    return false;
}

static uint64_t eval(const IrIns *in, uint64_t a, uint64_t b)
{
    unsigned n = (unsigned)(b & 63);
    switch ((int)in->op) {
    case IR_ADD: return a + b;
    case IR_SUB: return a - b;
    case IR_MUL: return a * b;
    case IR_AND: return a & b;
    case IR_OR: return a | b;
    case IR_XOR: return a ^ b;
    case IR_SHL: return a << n;
    case IR_LSR: return a >> n;
    case IR_ASR: return n == 0 ? a : (a >> n) | ((a >> 63) ? ~(~0ull >> n) : 0);
    case IR_ROR: return n == 0 ? a : (a >> n) | (a << (64 - n));
    case IR_SETCC: return cc_holds((IrCc)in->cc, a, b);
    }
    die("opt: cannot fold %s", ir_op_name(in->op));
}

static bool is_arith(IrOp op) { return op >= IR_ADD && op <= IR_SETCC; }
static bool commutes(IrOp op)
{
    return op == IR_ADD || op == IR_MUL || op == IR_AND || op == IR_OR || op == IR_XOR;
}

static bool is_imm(Opnd o, uint64_t x) { return o.kind == OPND_IMM && o.imm == x; }

static void to_mov(IrIns *in, Opnd a)
{
    in->op = IR_MOV;
    in->a = a;
    in->b = (Opnd){0};
}

/* Simplifies an arithmetic instruction whose operands are final. */
static void simplify(IrIns *in)
{
    if (!is_arith(in->op)) return;
    if (commutes(in->op) && in->a.kind == OPND_IMM && in->b.kind == OPND_VREG) {
        Opnd t = in->a;
        in->a = in->b;
        in->b = t;
    }
    if (in->a.kind == OPND_IMM && in->b.kind == OPND_IMM) {
        to_mov(in, ir_imm(eval(in, in->a.imm, in->b.imm)));
        return;
    }
    if (in->op == IR_SETCC) {
        if (in->a.kind == OPND_IMM && in->b.kind == OPND_VREG) {   /* 0 < x: x > 0 */
            static const uint8_t SWAP[] = {CC_EQ, CC_NE, CC_GT, CC_LT, CC_GE, CC_LE,
                                           CC_A, CC_B, CC_AE, CC_BE};
            Opnd t = in->a;
            in->a = in->b;
            in->b = t;
            in->cc = SWAP[in->cc];
        }
        return;
    }
    if (in->op == IR_MUL && in->b.kind == OPND_IMM && in->b.imm > 1 && !(in->b.imm & (in->b.imm - 1))) {
        unsigned k = 0;
        while (!((in->b.imm >> k) & 1)) k++;
        in->op = IR_SHL;   /* x * 2^k = x << k */
        in->b = ir_imm(k);
        return;
    }
    bool zero = is_imm(in->b, 0);
    if (zero && in->op != IR_MUL && in->op != IR_AND) to_mov(in, in->a);   /* x op 0 = x */
    else if (zero || (in->op == IR_AND && is_imm(in->a, 0))) to_mov(in, ir_imm(0));
    else if (in->op == IR_MUL && is_imm(in->b, 1)) to_mov(in, in->a);
    else if ((in->op == IR_SHL || in->op == IR_LSR || in->op == IR_ASR || in->op == IR_ROR) &&
             is_imm(in->a, 0))
        to_mov(in, ir_imm(0));
}

/* ---- propagation ---------------------------------------------------- */

typedef struct Prop {
    Opnd *val;              /* known value of a vreg in this block */
    uint32_t *stamp;        /* val valid iff stamp == cur */
    uint32_t cur;
    VEC(uint32_t) copies;   /* vregs whose val is another vreg */
} Prop;

static void subst(Prop *p, Opnd *o)
{
    if (o->kind == OPND_VREG && p->stamp[o->v] == p->cur) *o = p->val[o->v];
}

static void kill(Prop *p, uint32_t d)
{
    p->stamp[d] = 0;
    for (size_t k = 0; k < p->copies.n;) {
        uint32_t y = p->copies.v[k];
        if (p->stamp[y] == p->cur && p->val[y].v == d) p->stamp[y] = 0;
        if (p->stamp[y] != p->cur) p->copies.v[k] = p->copies.v[--p->copies.n];
        else k++;
    }
}

static void on_def(void *ctx, uint32_t v) { kill(ctx, v); }

/* Sizes the tables for the function's current vregs (passes add some). */
static void prop_reset(Prop *p, const IrFn *fn)
{
    free(p->val);
    free(p->stamp);
    p->val = xcalloc(fn->nvregs + 1, sizeof(Opnd));
    p->stamp = xcalloc(fn->nvregs + 1, sizeof(uint32_t));
    p->cur = 0;
}

static void propagate_block(IrFn *fn, IrBlock *b, Prop *p)
{
    p->cur++;
    p->copies.n = 0;
    for (size_t i = 0; i < b->ins.n; i++) {
        IrIns *in = &b->ins.v[i];
        int nr = ir_nreads(in->op);
        if (nr >= 1) subst(p, &in->a);
        if (nr >= 2) subst(p, &in->b);
        for (uint32_t k = 0; k < in->nargs; k++) subst(p, &fn->lists.v[in->list + k]);
        simplify(in);
        if (in->op == IR_BR && in->a.kind == OPND_IMM) {
            uint32_t to = in->a.imm ? in->t : in->f;
            *in = (IrIns){.op = IR_JMP, .t = to};
        }
        ir_defs(fn, in, on_def, p);
        if (in->op == IR_MOV && !(in->a.kind == OPND_VREG && in->a.v == in->dst)) {
            p->val[in->dst] = in->a;
            p->stamp[in->dst] = p->cur;
            if (in->a.kind == OPND_VREG) vec_push(&p->copies, in->dst);
        }
    }
}

/* ---- single definitions --------------------------------------------- */

/* A vreg with exactly one definition `v = MOV c` (c an immediate, or a
 * vreg that itself never changes after its definition) has that value at
 * every use: Pancake variables are initialised where declared, so the
 * definition dominates every use. Such uses are replaced everywhere. */
static void global_propagate(IrFn *fn)
{
    uint32_t n = fn->nvregs + 1;
    uint32_t *defs = xcalloc(n, sizeof *defs);
    for (size_t b = 0; b < fn->blocks.n; b++)
        for (size_t i = 0; i < fn->blocks.v[b].ins.n; i++) {
            const IrIns *in = &fn->blocks.v[b].ins.v[i];
            if (in->dst) defs[in->dst]++;
            for (uint32_t k = 0; k < in->nres; k++) defs[fn->lists.v[in->list + in->nargs + k].v] += 2;
        }
    Opnd *val = xcalloc(n, sizeof *val);
    for (size_t b = 0; b < fn->blocks.n; b++)
        for (size_t i = 0; i < fn->blocks.v[b].ins.n; i++) {
            const IrIns *in = &fn->blocks.v[b].ins.v[i];
            if (in->op != IR_MOV || defs[in->dst] != 1 || in->dst <= fn->nparams) continue;
            /* a parameter is defined on entry, so one more definition
             * means it changes: only an unassigned parameter is fixed */
            bool fixed_src = in->a.kind == OPND_IMM ||
                             (in->a.kind == OPND_VREG &&
                              defs[in->a.v] == (in->a.v <= fn->nparams ? 0u : 1u));
            if (fixed_src && !(in->a.kind == OPND_VREG && in->a.v == in->dst)) val[in->dst] = in->a;
        }
    for (uint32_t v = 1; v < n; v++) {   /* resolve chains v -> w -> imm */
        for (int hop = 0; hop < 8 && val[v].kind == OPND_VREG && val[val[v].v].kind; hop++)
            val[v] = val[val[v].v];
    }
    for (size_t b = 0; b < fn->blocks.n; b++)
        for (size_t i = 0; i < fn->blocks.v[b].ins.n; i++) {
            IrIns *in = &fn->blocks.v[b].ins.v[i];
            Opnd *ops[] = {&in->a, &in->b, &in->x};
            int nr = ir_nreads(in->op);
            for (int k = 0; k < 3; k++) {
                if ((k < 2 && k >= nr) || ops[k]->kind != OPND_VREG || !val[ops[k]->v].kind) continue;
                if (k == 2 && val[ops[k]->v].kind != OPND_VREG) continue;  /* index must be a vreg */
                *ops[k] = val[ops[k]->v];
            }
            for (uint32_t k = 0; k < in->nargs; k++) {
                Opnd *o = &fn->lists.v[in->list + k];
                if (o->kind == OPND_VREG && val[o->v].kind) *o = val[o->v];
            }
        }
    free(defs);
    free(val);
}

/* ---- coalescing ----------------------------------------------------- */

typedef struct Count {
    uint32_t *uses, *defs;
} Count;

static void cnt_use(void *ctx, uint32_t v) { ((Count *)ctx)->uses[v]++; }
static void cnt_def(void *ctx, uint32_t v) { ((Count *)ctx)->defs[v]++; }

void ir_coalesce(IrFn *fn, bool alu)
{
    Count c = {xcalloc(fn->nvregs + 1, sizeof(uint32_t)), xcalloc(fn->nvregs + 1, sizeof(uint32_t))};
    for (size_t b = 0; b < fn->blocks.n; b++)
        for (size_t i = 0; i < fn->blocks.v[b].ins.n; i++) {
            ir_uses(fn, &fn->blocks.v[b].ins.v[i], cnt_use, &c);
            ir_defs(fn, &fn->blocks.v[b].ins.v[i], cnt_def, &c);
        }
    for (size_t b = 0; b < fn->blocks.n; b++) {
        IrBlock *bl = &fn->blocks.v[b];
        for (size_t i = 0; i < bl->ins.n; i++) {
            IrIns *mv = &bl->ins.v[i];
            bool two = mv->op == IR_MOV || (alu && mv->op >= IR_ADD && mv->op <= IR_ROR);
            if (!two || mv->a.kind != OPND_VREG) continue;
            uint32_t t = mv->a.v, x = mv->dst;
            if (t == x || c.uses[t] != 1 || c.defs[t] != 1 || t <= fn->nparams) continue;
            if (mv->op != IR_MOV && mv->b.kind == OPND_VREG && mv->b.v == x) continue;
            /* find t's definition earlier in this block; x untouched between */
            size_t j = i;
            bool ok = false;
            while (j-- > 0) {
                IrIns *d = &bl->ins.v[j];
                if (d->dst == t) {
                    ok = !ir_has_effect(d) || d->op == IR_SHLOAD;
                    break;
                }
                if (ir_reads(fn, d, x) || ir_writes(fn, d, x)) break;
            }
            if (!ok) continue;
            bl->ins.v[j].dst = x;
            mv->a = ir_vreg(x);   /* a MOV becomes x = x, removed as dead */
        }
    }
    free(c.uses);
    free(c.defs);
}

/* ---- control flow --------------------------------------------------- */

/* Follows blocks that only jump elsewhere. */
static uint32_t final_target(const IrFn *fn, uint32_t b)
{
    for (int hop = 0; hop < 16; hop++) {
        const IrBlock *bl = &fn->blocks.v[b];
        if (bl->ins.n != 1 || bl->ins.v[0].op != IR_JMP || bl->ins.v[0].t == b) break;
        b = bl->ins.v[0].t;
    }
    return b;
}

/* Jump threading, then merging of a block into its only predecessor
 * when that one jumps straight to it (so block-local propagation and
 * compare-and-branch fusion see across what inlining and lowering
 * split). A merged-away block is left as an unreachable TRAP. */
static void simplify_cfg(IrFn *fn)
{
    size_t nb = fn->blocks.n;
    for (size_t b = 0; b < nb; b++) {
        IrBlock *bl = &fn->blocks.v[b];
        IrIns *t = &bl->ins.v[bl->ins.n - 1];
        uint32_t s[2];
        int ns = ir_succs(fn, (uint32_t)b, s);
        if (ns >= 1 && t->op != IR_TRYCALL) t->t = final_target(fn, t->t);
        if (ns == 2 && t->op != IR_TRYCALL) t->f = final_target(fn, t->f);
        if (t->op == IR_BR && t->t == t->f) *t = (IrIns){.op = IR_JMP, .t = t->t};
    }
    bool *reach = ir_reachable(fn);
    uint32_t *preds = xcalloc(nb + 1, sizeof *preds);
    for (size_t b = 0; b < nb; b++) {
        uint32_t s[2];
        int ns = reach[b] ? ir_succs(fn, (uint32_t)b, s) : 0;
        for (int k = 0; k < ns; k++) preds[s[k]]++;
    }
    for (size_t b = 0; b < nb; b++) {
        for (;;) {
            IrBlock *bl = &fn->blocks.v[b];
            IrIns *t = &bl->ins.v[bl->ins.n - 1];
            if (!reach[b] || t->op != IR_JMP || t->t == b || t->t == 0 || preds[t->t] != 1) break;
            uint32_t sb = t->t;
            bl->ins.n--;
            IrBlock *from = &fn->blocks.v[sb];
            for (size_t i = 0; i < from->ins.n; i++) vec_push(&fn->blocks.v[b].ins, from->ins.v[i]);
            from = &fn->blocks.v[sb];
            from->ins.n = 0;
            ir_emit(fn, sb, IR_TRAP);
            reach[sb] = false;
        }
    }
    free(preds);
    free(reach);
}

/* ---- loop-invariant code motion -------------------------------------- */

static bool bit(const uint64_t *s, size_t i) { return (s[i >> 6] >> (i & 63)) & 1; }

/* dom[b] = the blocks dominating b (iterative dataflow over bitsets). */
static uint64_t *dominators(const IrFn *fn, const bool *reach, uint32_t **preds, uint32_t *npreds)
{
    size_t nb = fn->blocks.n, w = (nb + 63) / 64;
    uint64_t *dom = xmalloc(nb * w * sizeof *dom + 8);
    for (size_t b = 0; b < nb; b++)
        for (size_t k = 0; k < w; k++) dom[b * w + k] = b == 0 ? 0 : ~0ull;
    dom[0] |= 1;
    uint64_t *t = xmalloc(w * sizeof *t + 8);
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t b = 1; b < nb; b++) {
            if (!reach[b]) continue;
            for (size_t k = 0; k < w; k++) t[k] = ~0ull;
            for (uint32_t p = 0; p < npreds[b]; p++)
                if (reach[preds[b][p]])
                    for (size_t k = 0; k < w; k++) t[k] &= dom[preds[b][p] * w + k];
            t[b >> 6] |= 1ull << (b & 63);
            for (size_t k = 0; k < w; k++)
                if (t[k] != dom[b * w + k]) {
                    dom[b * w + k] = t[k];
                    changed = true;
                }
        }
    }
    free(t);
    return dom;
}

static bool hoistable(const IrIns *in)
{
    return (in->op >= IR_ADD && in->op <= IR_SETCC) || in->op == IR_BASE || in->op == IR_TOP;
}

/* Hoists pure arithmetic whose operands do not change in the loop (and
 * whose result has no other definition) to the loop's preheader. Loads
 * are never hoisted (one that the loop would not execute could fault),
 * nor anything with an effect. */
static void hoist_loop(IrFn *fn, const bool *body, uint32_t pre, const uint32_t *defs)
{
    size_t nb = fn->blocks.n;
    uint32_t *in_loop = xcalloc(fn->nvregs + 1, sizeof *in_loop);   /* defs inside */
    for (size_t b = 0; b < nb; b++)
        for (size_t i = 0; body[b] && i < fn->blocks.v[b].ins.n; i++) {
            const IrIns *in = &fn->blocks.v[b].ins.v[i];
            if (in->dst) in_loop[in->dst]++;
            for (uint32_t k = 0; k < in->nres; k++) in_loop[fn->lists.v[in->list + in->nargs + k].v]++;
        }
    for (bool moved = true; moved;) {
        moved = false;
        for (size_t b = 0; b < nb; b++) {
            IrBlock *bl = &fn->blocks.v[b];
            for (size_t i = 0; body[b] && i < bl->ins.n; i++) {
                IrIns in = bl->ins.v[i];
                if (!hoistable(&in) || defs[in.dst] != 1) continue;
                int nr = ir_nreads(in.op);
                bool inv = (nr < 1 || in.a.kind != OPND_VREG || !in_loop[in.a.v]) &&
                           (nr < 2 || in.b.kind != OPND_VREG || !in_loop[in.b.v]);
                if (!inv) continue;
                memmove(&bl->ins.v[i], &bl->ins.v[i + 1], (bl->ins.n - i - 1) * sizeof in);
                bl->ins.n--;
                i--;
                IrBlock *pb = &fn->blocks.v[pre];
                vec_push(&pb->ins, in);   /* then swap it before the terminator */
                pb->ins.v[pb->ins.n - 1] = pb->ins.v[pb->ins.n - 2];
                pb->ins.v[pb->ins.n - 2] = in;
                in_loop[in.dst] = 0;
                moved = true;
            }
        }
    }
    free(in_loop);
}

static void collect_body(const IrFn *fn, uint32_t **preds, const uint32_t *npreds, uint32_t h,
                         uint32_t u, bool *body)
{
    uint32_t *stack = xmalloc((fn->blocks.n + 1) * sizeof *stack);
    size_t sp = 0;
    body[h] = true;
    if (!body[u]) {
        body[u] = true;
        stack[sp++] = u;
    }
    while (sp) {
        uint32_t b = stack[--sp];
        for (uint32_t p = 0; p < npreds[b]; p++)
            if (!body[preds[b][p]]) {
                body[preds[b][p]] = true;
                stack[sp++] = preds[b][p];
            }
    }
    free(stack);
}

/* Definitions per vreg (a call's results count twice: never single). A
 * parameter counts its definition at entry too, so a parameter assigned
 * once in a loop is not taken for an invariant with one definition:
 * hoisting `p = 0 - q` would change what the loop reads of p before it
 * (campaign seed 3025317). */
static uint32_t *count_defs(const IrFn *fn)
{
    uint32_t *defs = xcalloc(fn->nvregs + 1, sizeof *defs);
    for (uint32_t v = 1; v <= fn->nparams && v <= fn->nvregs; v++) defs[v] = 1;
    for (size_t b = 0; b < fn->blocks.n; b++)
        for (size_t i = 0; i < fn->blocks.v[b].ins.n; i++) {
            const IrIns *in = &fn->blocks.v[b].ins.v[i];
            if (in->dst) defs[in->dst]++;
            for (uint32_t k = 0; k < in->nres; k++) defs[fn->lists.v[in->list + in->nargs + k].v] += 2;
        }
    return defs;
}

/* Loop-invariant code motion, then strength reduction (sr.c), for each
 * natural loop with a preheader. */
static void licm(IrFn *fn)
{
    size_t nb = fn->blocks.n, w = (nb + 63) / 64;
    bool *reach = ir_reachable(fn);
    uint32_t **preds = xcalloc(nb + 1, sizeof *preds), *npreds = xcalloc(nb + 1, sizeof *npreds);
    for (size_t b = 0; b < nb; b++) preds[b] = xmalloc(2 * (nb + 1) * sizeof **preds);
    for (size_t b = 0; b < nb; b++) {
        uint32_t s[2];
        int ns = reach[b] ? ir_succs(fn, (uint32_t)b, s) : 0;
        for (int k = 0; k < ns; k++) preds[s[k]][npreds[s[k]]++] = (uint32_t)b;
    }
    uint64_t *dom = dominators(fn, reach, preds, npreds);
    uint32_t *defs = count_defs(fn);
    bool *body = xmalloc(nb + 1);
    for (uint32_t u = 0; u < nb; u++) {
        uint32_t s[2];
        int ns = reach[u] ? ir_succs(fn, u, s) : 0;
        for (int k = 0; k < ns; k++) {
            uint32_t h = s[k];
            if (!bit(dom + u * w, h)) continue;          /* not a back edge */
            memset(body, 0, nb + 1);
            collect_body(fn, preds, npreds, h, u, body);
            uint32_t pre = UINT32_MAX, outside = 0;
            for (uint32_t p = 0; p < npreds[h]; p++)
                if (!body[preds[h][p]]) {
                    pre = preds[h][p];
                    outside++;
                }
            const IrIns *pt = outside == 1 ? &fn->blocks.v[pre].ins.v[fn->blocks.v[pre].ins.n - 1] : NULL;
            if (!pt || pt->op == IR_TRYCALL) continue;
            hoist_loop(fn, body, pre, defs);
            uint32_t nv = fn->nvregs;
            ir_reduce_iv(fn, body, pre, h);
            if (fn->nvregs != nv) {   /* new vregs and definitions */
                free(defs);
                defs = count_defs(fn);
            }
        }
    }
    free(body);
    free(defs);
    free(dom);
    for (size_t b = 0; b < nb; b++) free(preds[b]);
    free(preds);
    free(npreds);
    free(reach);
}

/* ---- dead code ------------------------------------------------------ */

typedef struct Live {
    uint64_t *set;
} Live;

static void live_del(void *ctx, uint32_t v) { ((Live *)ctx)->set[v >> 6] &= ~(1ull << (v & 63)); }
static void live_add(void *ctx, uint32_t v) { ((Live *)ctx)->set[v >> 6] |= 1ull << (v & 63); }

static bool dead(const IrIns *in, const uint64_t *live)
{
    if (in->op == IR_MOV && in->a.kind == OPND_VREG && in->a.v == in->dst) return true;
    return !ir_has_effect(in) && in->dst && !ir_live_test(live, in->dst);
}

void ir_dce(IrFn *fn)
{
    for (bool changed = true; changed;) {
        changed = false;
        Liveness lv;
        ir_liveness(fn, &lv);
        Live l = {xmalloc(lv.words * sizeof(uint64_t))};
        for (size_t b = 0; b < fn->blocks.n; b++) {
            IrBlock *bl = &fn->blocks.v[b];
            memcpy(l.set, lv.out + b * lv.words, lv.words * sizeof(uint64_t));
            size_t keep = bl->ins.n;
            bool *del = xcalloc(bl->ins.n + 1, sizeof *del);
            for (size_t i = bl->ins.n; i-- > 0;) {
                IrIns *in = &bl->ins.v[i];
                if (dead(in, l.set)) {
                    del[i] = true;
                    keep--;
                    continue;
                }
                ir_defs(fn, in, live_del, &l);
                ir_uses(fn, in, live_add, &l);
            }
            if (keep != bl->ins.n) {
                size_t w = 0;
                for (size_t i = 0; i < bl->ins.n; i++)
                    if (!del[i]) bl->ins.v[w++] = bl->ins.v[i];
                bl->ins.n = w;
                changed = true;
            }
            free(del);
        }
        free(l.set);
        ir_liveness_free(&lv);
    }
}

void ir_opt(IrFn *fn, int level)
{
    if (level <= 0) return;
    Prop p = {0};
    for (int round = 0; round < 2; round++) {
        prop_reset(&p, fn);
        simplify_cfg(fn);
        global_propagate(fn);
        /* coalesce before propagating copies: `t = ..; x = t` should
         * become `x = ..`, not make later uses of x read t */
        ir_dce(fn);
        ir_coalesce(fn, false);
        ir_dce(fn);
        for (size_t b = 0; b < fn->blocks.n; b++) propagate_block(fn, &fn->blocks.v[b], &p);
        ir_dce(fn);
        ir_fold_disp(fn);
        ir_rle(fn);
    }
    prop_reset(&p, fn);
    for (size_t b = 0; b < fn->blocks.n; b++) propagate_block(fn, &fn->blocks.v[b], &p);
    ir_dce(fn);
    licm(fn);
    ir_unroll(fn);
    ir_dce(fn);
    free(p.val);
    free(p.stamp);
    vec_free(&p.copies);
}
