/*
 * Liveness of vregs over the CFG (backward dataflow to a fixed point),
 * used by dead-code elimination and register allocation; reachability.
 */
#include "ir.h"

#include <string.h>

void ir_uses(const IrFn *fn, const IrIns *in, void (*f)(void *, uint32_t), void *ctx)
{
    int n = ir_nreads(in->op);
    if (n >= 1 && in->a.kind == OPND_VREG) f(ctx, in->a.v);
    if (n >= 2 && in->b.kind == OPND_VREG) f(ctx, in->b.v);
    if (in->x.kind == OPND_VREG) f(ctx, in->x.v);
    switch ((int)in->op) {
    case IR_FFI: case IR_CALL: case IR_RET: case IR_TAILCALL: case IR_TRYCALL: case IR_THROW:
        for (uint32_t k = 0; k < in->nargs; k++)
            if (fn->lists.v[in->list + k].kind == OPND_VREG) f(ctx, fn->lists.v[in->list + k].v);
        break;
    default: break;
    }
}

void ir_defs(const IrFn *fn, const IrIns *in, void (*f)(void *, uint32_t), void *ctx)
{
    if (in->dst) f(ctx, in->dst);
    for (uint32_t k = 0; k < in->nres; k++) f(ctx, fn->lists.v[in->list + in->nargs + k].v);
}

typedef struct Hit {
    uint32_t v;
    bool hit;
} Hit;

static void hit(void *ctx, uint32_t v)
{
    Hit *h = ctx;
    h->hit |= h->v == v;
}

bool ir_reads(const IrFn *fn, const IrIns *in, uint32_t v)
{
    Hit h = {v, false};
    ir_uses(fn, in, hit, &h);
    return h.hit;
}

bool ir_writes(const IrFn *fn, const IrIns *in, uint32_t v)
{
    Hit h = {v, false};
    ir_defs(fn, in, hit, &h);
    return h.hit;
}

typedef struct Sets {
    uint64_t *gen, *kill;
} Sets;

static void set_bit(uint64_t *s, uint32_t v) { s[v >> 6] |= 1ull << (v & 63); }

static void on_use(void *ctx, uint32_t v)
{
    Sets *s = ctx;
    if (!ir_live_test(s->kill, v)) set_bit(s->gen, v);
}

static void on_def(void *ctx, uint32_t v) { set_bit(((Sets *)ctx)->kill, v); }

void ir_liveness(const IrFn *fn, Liveness *lv)
{
    size_t nb = fn->blocks.n;
    uint32_t w = (fn->nvregs + 64) / 64;
    lv->words = w;
    lv->in = xcalloc(nb * w + 1, sizeof(uint64_t));
    lv->out = xcalloc(nb * w + 1, sizeof(uint64_t));
    uint64_t *gen = xcalloc(nb * w + 1, sizeof(uint64_t)), *kill = xcalloc(nb * w + 1, sizeof(uint64_t));
    for (size_t b = 0; b < nb; b++) {
        Sets s = {gen + b * w, kill + b * w};
        const IrBlock *bl = &fn->blocks.v[b];
        for (size_t i = 0; i < bl->ins.n; i++) {
            ir_uses(fn, &bl->ins.v[i], on_use, &s);
            ir_defs(fn, &bl->ins.v[i], on_def, &s);
        }
    }
    bool changed = true;
    while (changed) {
        changed = false;
        for (size_t b = nb; b-- > 0;) {
            uint64_t *out = lv->out + b * w, *in = lv->in + b * w;
            uint32_t succ[2];
            int ns = ir_succs(fn, (uint32_t)b, succ);
            for (int k = 0; k < ns; k++)
                for (uint32_t j = 0; j < w; j++) out[j] |= lv->in[succ[k] * w + j];
            for (uint32_t j = 0; j < w; j++) {
                uint64_t x = gen[b * w + j] | (out[j] & ~kill[b * w + j]);
                if (x != in[j]) {
                    in[j] = x;
                    changed = true;
                }
            }
        }
    }
    free(gen);
    free(kill);
}

void ir_liveness_free(Liveness *lv)
{
    free(lv->in);
    free(lv->out);
    memset(lv, 0, sizeof *lv);
}

bool *ir_reachable(const IrFn *fn)
{
    bool *r = xcalloc(fn->blocks.n + 1, sizeof *r);
    uint32_t *stack = xmalloc((fn->blocks.n + 1) * sizeof *stack);
    size_t sp = 0;
    r[0] = true;
    stack[sp++] = 0;
    while (sp) {
        uint32_t b = stack[--sp], s[2];
        int n = ir_succs(fn, b, s);
        for (int k = 0; k < n; k++)
            if (!r[s[k]]) {
                r[s[k]] = true;
                stack[sp++] = s[k];
            }
    }
    free(stack);
    return r;
}
