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
 *    `x = op ...` (lowering copies through temporaries);
 *  - ir_dce: instructions without effect whose result is dead go.
 * None of them touches an instruction with an effect (ir_has_effect:
 * shared-memory operations, FFI and other calls, stores, control), so
 * shared accesses and FFI calls keep their number and order.
 */
#include "ir.h"

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
    if (in->op == IR_SETCC) return;
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

/* ---- coalescing ----------------------------------------------------- */

typedef struct Count {
    uint32_t *uses, *defs;
} Count;

static void cnt_use(void *ctx, uint32_t v) { ((Count *)ctx)->uses[v]++; }
static void cnt_def(void *ctx, uint32_t v) { ((Count *)ctx)->defs[v]++; }

typedef struct Touch {
    uint32_t x;
    bool hit;
} Touch;

static void touch(void *ctx, uint32_t v)
{
    Touch *t = ctx;
    t->hit |= v == t->x;
}

static void coalesce(IrFn *fn)
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
            if (mv->op != IR_MOV || mv->a.kind != OPND_VREG) continue;
            uint32_t t = mv->a.v, x = mv->dst;
            if (t == x || c.uses[t] != 1 || c.defs[t] != 1 || t <= fn->nparams) continue;
            /* find t's definition earlier in this block; x untouched between */
            size_t j = i;
            bool ok = false;
            while (j-- > 0) {
                IrIns *d = &bl->ins.v[j];
                if (d->dst == t) {
                    ok = !ir_has_effect(d) || d->op == IR_SHLOAD;
                    break;
                }
                Touch th = {x, false};
                ir_uses(fn, d, touch, &th);
                ir_defs(fn, d, touch, &th);
                if (th.hit) break;
            }
            if (!ok) continue;
            bl->ins.v[j].dst = x;
            *mv = (IrIns){.op = IR_MOV, .dst = x, .a = ir_vreg(x)};
        }
    }
    free(c.uses);
    free(c.defs);
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
    Prop p = {xcalloc(fn->nvregs + 1, sizeof(Opnd)), xcalloc(fn->nvregs + 1, sizeof(uint32_t)), 0, {0}};
    for (int round = 0; round < 2; round++) {
        for (size_t b = 0; b < fn->blocks.n; b++) propagate_block(fn, &fn->blocks.v[b], &p);
        ir_dce(fn);
        coalesce(fn);
        ir_dce(fn);
    }
    free(p.val);
    free(p.stamp);
    vec_free(&p.copies);
}
