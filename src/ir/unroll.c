/*
 * Unrolling of small counted loops (docs/compiler.md, "unroll").
 *
 * Candidate: a loop that is one block B (a rotated `while`: B ends in
 * `v = SETCC.lt i, n; BR v B, X`, or `<+` unsigned, operands possibly
 * swapped), where i is defined in B exactly once, by `i = ADD i, c`
 * (0 < c < 2^16), n is an immediate or a vreg B does not define, v is
 * used nowhere else, and B holds only moves, arithmetic and LOCAL loads
 * and stores (no calls, FFI, shared memory, exceptions). B must be
 * entered only with i < n: every other predecessor ends in the same test
 * branching to B (the rotated `while`'s test before the loop, possibly
 * with i's constant for i), or jumps to B with constants that pass it.
 *
 * It becomes three blocks, laid out in place of B:
 *   G: if (n - i) >u (k-1)c goto U else goto R
 *   U: k copies of B's body; i = i + kc; if i < n goto G else goto X
 *   R: B unchanged (the remaining iterations, fewer than k)
 * Given i < n (signed or unsigned as the test is), n - i is the exact
 * distance, so (n - i) > (k-1)c means i + jc < n for every j < k without
 * wrap-around: the k iterations U runs are ones B would have run, and
 * after them i has the value B would give it (wrapping or not), tested
 * the same way. In copy j, i reads as i + jc (before B's increment) or
 * i + (j+1)c (after it) through fresh vregs `i_j = ADD i, jc`, which
 * instruction selection folds into addresses; vregs B defines that are
 * not live into B (temporaries of one iteration) are renamed in every
 * copy, except in the last one when X reads them.
 */
#include "ir_int.h"

#include <string.h>

enum { BODY_MAX = 32, UNROLLED_MAX = 64 };

typedef struct Loop {
    uint32_t b;          /* the loop block */
    uint32_t iv;         /* i */
    uint64_t step;       /* c */
    size_t inc;          /* index of `i = ADD i, c` in B */
    Opnd bound;          /* n */
    IrCc cc;             /* CC_LT or CC_B, as `i cc n` */
    uint32_t exit;       /* X */
} Loop;

typedef struct Cnt {
    uint32_t *n;
} Cnt;

static void count(void *ctx, uint32_t v) { ((Cnt *)ctx)->n[v]++; }

static bool plain(IrOp op)
{
    return op == IR_MOV || (op >= IR_ADD && op <= IR_SETCC) || op == IR_LOAD || op == IR_STORE;
}

/* Is block b a loop of the form above? uses: use counts over fn. */
static bool candidate(const IrFn *fn, uint32_t b, const uint32_t *uses, Loop *lp)
{
    const IrBlock *bl = &fn->blocks.v[b];
    size_t n = bl->ins.n;
    if (n < 3 || n - 2 > BODY_MAX) return false;
    const IrIns *br = &bl->ins.v[n - 1], *sc = &bl->ins.v[n - 2];
    if (br->op != IR_BR || br->t != b || br->f == b || br->a.kind != OPND_VREG || sc->op != IR_SETCC ||
        sc->dst != br->a.v || uses[sc->dst] != 1)
        return false;
    Opnd i, bound;
    if ((sc->cc == CC_LT || sc->cc == CC_B) && sc->a.kind == OPND_VREG) {
        i = sc->a;
        bound = sc->b;
        lp->cc = (IrCc)sc->cc;
    } else if ((sc->cc == CC_GT || sc->cc == CC_A) && sc->b.kind == OPND_VREG) {
        i = sc->b;
        bound = sc->a;
        lp->cc = sc->cc == CC_GT ? CC_LT : CC_B;
    } else {
        return false;
    }
    size_t inc = SIZE_MAX;
    for (size_t k = 0; k + 2 < n; k++) {
        const IrIns *in = &bl->ins.v[k];
        if (!plain(in->op) || in->x.kind || in->nres) return false;
        if (bound.kind == OPND_VREG && in->dst == bound.v) return false;
        if (in->dst != i.v) continue;
        if (inc != SIZE_MAX || in->op != IR_ADD || in->a.kind != OPND_VREG || in->a.v != i.v ||
            in->b.kind != OPND_IMM || in->b.imm == 0 || in->b.imm >= (1u << 16))
            return false;
        inc = k;
    }
    if (inc == SIZE_MAX || (bound.kind == OPND_VREG && bound.v == i.v) || sc->dst == i.v) return false;
    *lp = (Loop){b, i.v, bl->ins.v[inc].b.imm, inc, bound, lp->cc, br->f};
    return true;
}

static bool same(Opnd x, Opnd y)
{
    return x.kind == y.kind && (x.kind == OPND_VREG ? x.v == y.v : x.imm == y.imm);
}

/* Does predecessor p enter the loop only with i < n? Either it ends in
 * `v = SETCC i < n; BR v B, ..` (in either operand order, i possibly as
 * the constant p assigned it), or it jumps to B after `i = MOV c` with c
 * < n, n an immediate. */
static bool enters_in_range(const IrFn *fn, uint32_t p, const Loop *lp)
{
    const IrBlock *bl = &fn->blocks.v[p];
    const IrIns *t = &bl->ins.v[bl->ins.n - 1];
    Opnd iv = ir_vreg(lp->iv), known = {0};
    for (size_t k = bl->ins.n; k-- > 0;)   /* i's value at the end of p */
        if (ir_writes(fn, &bl->ins.v[k], lp->iv)) {
            if (bl->ins.v[k].op == IR_MOV && bl->ins.v[k].a.kind == OPND_IMM) known = bl->ins.v[k].a;
            break;
        }
    if (t->op == IR_JMP) {
        if (!known.kind || lp->bound.kind != OPND_IMM) return false;
        uint64_t c = known.imm, n = lp->bound.imm;
        return lp->cc == CC_LT ? (int64_t)c < (int64_t)n : c < n;
    }
    if (t->op != IR_BR || t->t != lp->b || t->f == lp->b || bl->ins.n < 2) return false;
    const IrIns *sc = t - 1;
    if (sc->op != IR_SETCC || sc->dst != t->a.v) return false;
    IrCc swapped = lp->cc == CC_LT ? CC_GT : CC_A;
    Opnd x = sc->cc == lp->cc ? sc->a : sc->b, y = sc->cc == lp->cc ? sc->b : sc->a;
    if (sc->cc != lp->cc && sc->cc != swapped) return false;
    return (same(x, iv) || (known.kind && same(x, known))) && same(y, lp->bound);
}

/* Makes room for two blocks after b: every reference to a block > b
 * moves up by two. */
static void open_two(IrFn *fn, uint32_t b)
{
    IrBlock e = {0};
    vec_push(&fn->blocks, e);
    vec_push(&fn->blocks, e);
    size_t nb = fn->blocks.n;
    memmove(&fn->blocks.v[b + 3], &fn->blocks.v[b + 1], (nb - 3 - b) * sizeof e);
    fn->blocks.v[b + 1] = e;
    fn->blocks.v[b + 2] = e;
    uint32_t *map = xmalloc(nb * sizeof *map);
    for (uint32_t k = 0; k < nb; k++) map[k] = k > b ? k + 2 : k;
    ir_retarget(fn, map);
    free(map);
}

typedef struct Ren {
    uint32_t *map;       /* vreg -> its name in the current copy (0: itself) */
} Ren;

static void ren(const Ren *r, Opnd *o)
{
    if (o->kind == OPND_VREG && r->map[o->v]) o->v = r->map[o->v];
}

static void unroll(IrFn *fn, const Loop *lp, const uint64_t *live_in, const uint64_t *live_exit, uint32_t k)
{
    uint32_t b = lp->b;
    open_two(fn, b);
    uint32_t g = b, u = b + 1, r = b + 2, x = lp->exit > b ? lp->exit + 2 : lp->exit;
    fn->blocks.v[r] = fn->blocks.v[g];
    fn->blocks.v[g] = (IrBlock){0};
    IrBlock *rb = &fn->blocks.v[r];
    rb->ins.v[rb->ins.n - 1].t = r;
    /* G */
    uint32_t dist = ir_new_vreg(fn), ok = ir_new_vreg(fn);
    IrIns *in = ir_emit(fn, g, IR_SUB);
    *in = (IrIns){.op = IR_SUB, .dst = dist, .a = lp->bound, .b = ir_vreg(lp->iv)};
    in = ir_emit(fn, g, IR_SETCC);
    *in = (IrIns){.op = IR_SETCC, .cc = CC_A, .dst = ok, .a = ir_vreg(dist), .b = ir_imm((k - 1) * lp->step)};
    in = ir_emit(fn, g, IR_BR);
    *in = (IrIns){.op = IR_BR, .a = ir_vreg(ok), .t = u, .f = r};
    /* U */
    uint32_t *ivs = xcalloc(k + 1, sizeof *ivs);
    ivs[0] = lp->iv;
    for (uint32_t j = 1; j <= k; j++) {
        ivs[j] = ir_new_vreg(fn);
        in = ir_emit(fn, u, IR_ADD);
        *in = (IrIns){.op = IR_ADD, .dst = ivs[j], .a = ir_vreg(lp->iv), .b = ir_imm(j * lp->step)};
    }
    Ren rn = {xcalloc(fn->nvregs + 1 + (size_t)k * (rb->ins.n + 1), sizeof(uint32_t))};
    size_t body = fn->blocks.v[r].ins.n - 2;
    for (uint32_t j = 0; j < k; j++) {
        for (size_t m = 0; m < body; m++) {
            if (m == lp->inc) continue;
            IrIns c = fn->blocks.v[r].ins.v[m];
            rn.map[lp->iv] = ivs[m < lp->inc ? j : j + 1] == lp->iv ? 0 : ivs[m < lp->inc ? j : j + 1];
            ren(&rn, &c.a);
            ren(&rn, &c.b);
            if (c.dst && c.dst != lp->iv) {   /* a temporary of this copy */
                bool carried = ir_live_test(live_in, c.dst);
                bool keep = carried || (j + 1 == k && ir_live_test(live_exit, c.dst));
                rn.map[c.dst] = keep ? 0 : ir_new_vreg(fn);
                if (rn.map[c.dst]) c.dst = rn.map[c.dst];
            }
            vec_push(&fn->blocks.v[u].ins, c);
        }
        /* names of this copy's temporaries do not reach the next copy */
        for (size_t m = 0; m < body; m++) {
            uint32_t d = fn->blocks.v[r].ins.v[m].dst;
            if (d && d != lp->iv) rn.map[d] = 0;
        }
    }
    rn.map[lp->iv] = 0;
    in = ir_emit(fn, u, IR_ADD);
    *in = (IrIns){.op = IR_ADD, .dst = lp->iv, .a = ir_vreg(lp->iv), .b = ir_imm(k * lp->step)};
    uint32_t again = ir_new_vreg(fn);
    in = ir_emit(fn, u, IR_SETCC);
    *in = (IrIns){.op = IR_SETCC, .cc = lp->cc, .dst = again, .a = ir_vreg(lp->iv), .b = lp->bound};
    in = ir_emit(fn, u, IR_BR);
    *in = (IrIns){.op = IR_BR, .a = ir_vreg(again), .t = g, .f = x};
    free(ivs);
    free(rn.map);
}

void ir_unroll(IrFn *fn)
{
    for (uint32_t b = 0; b < fn->blocks.n; b++) {
        Cnt c = {xcalloc(fn->nvregs + 1, sizeof(uint32_t))};
        for (size_t q = 0; q < fn->blocks.n; q++)
            for (size_t i = 0; i < fn->blocks.v[q].ins.n; i++) ir_uses(fn, &fn->blocks.v[q].ins.v[i], count, &c);
        Loop lp;
        bool is = b != 0 && candidate(fn, b, c.n, &lp);
        free(c.n);
        bool *reach = ir_reachable(fn);
        for (uint32_t p = 0; p < fn->blocks.n && is; p++) {   /* every way in tests i < n */
            uint32_t s[2];
            int ns = reach[p] && p != b ? ir_succs(fn, p, s) : 0;
            for (int k = 0; k < ns && is; k++)
                if (s[k] == b) is = enters_in_range(fn, p, &lp);
        }
        free(reach);
        if (!is) continue;
        uint32_t body = (uint32_t)fn->blocks.v[b].ins.n - 2, k = 8;
        while (k > 2 && k * body > UNROLLED_MAX) k /= 2;
        if (k * body > UNROLLED_MAX) continue;
        Liveness lv;
        ir_liveness(fn, &lv);
        uint32_t w = lv.words;
        uint64_t *live = xmalloc((2 * w + 1) * sizeof *live);
        memcpy(live, lv.in + (size_t)b * w, w * sizeof *live);
        memcpy(live + w, lv.in + (size_t)lp.exit * w, w * sizeof *live);
        ir_liveness_free(&lv);
        unroll(fn, &lp, live, live + w, k);
        free(live);
        b += 2;   /* G, U, R: R is the original loop, not unrolled again */
    }
}
