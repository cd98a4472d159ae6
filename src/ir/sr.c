/*
 * Strength reduction of induction variables (docs/compiler.md, "sr"),
 * run by licm for each loop with a preheader.
 *
 * In a loop where i is defined exactly once, by `i = ADD i, c` (c an
 * immediate), an address `u = ADD base, t` with `t = MUL i, K` (K an
 * immediate that is not a power of two: those became shifts, which
 * addressing modes absorb for free), base not defined in the loop, and u
 * defined nowhere else in the function, makes u an induction variable of
 * its own: the preheader sets `u = base + K*i`, the increment of i is
 * followed by `u = ADD u, K*c`, and u's definition goes. So u == base +
 * K*i holds everywhere in the loop, modulo 2^64 (multiplication
 * distributes over wrapping addition: no overflow condition).
 *
 * This is the value u had at each of its uses provided that i did not
 * change between u's old definition and the use: u is not live into the
 * header (every use follows a definition in the same iteration), not
 * live out of the block of the increment, and not used in that block
 * after the increment (so no use follows the increment without a new
 * definition in between); nor is it live where the loop exits, and it is
 * not a parameter (whose value on entry is a definition too).
 */
#include "ir_int.h"

#include <string.h>

typedef struct Site {
    uint32_t b;
    size_t i;
} Site;

static bool is_pow2(uint64_t k) { return k && !(k & (k - 1)); }

/* Inserts `in` into block b before index at. */
static void insert(IrFn *fn, uint32_t b, size_t at, IrIns in)
{
    IrBlock *bl = &fn->blocks.v[b];
    vec_push(&bl->ins, in);
    memmove(&bl->ins.v[at + 1], &bl->ins.v[at], (bl->ins.n - 1 - at) * sizeof in);
    bl->ins.v[at] = in;
}

/* Is v live into a block the loop exits to? */
static bool live_at_exit(const IrFn *fn, const bool *body, const Liveness *lv, uint32_t v)
{
    for (size_t b = 0; b < fn->blocks.n; b++) {
        uint32_t s[2];
        int ns = body[b] ? ir_succs(fn, (uint32_t)b, s) : 0;
        for (int k = 0; k < ns; k++)
            if (!body[s[k]] && ir_live_test(lv->in + (size_t)s[k] * lv->words, v)) return true;
    }
    return false;
}

/* Tries one candidate `u = ADD x, y` at s; true when it was reduced. */
static bool reduce(IrFn *fn, const bool *body, uint32_t pre, uint32_t h, const Liveness *lv,
                   const uint32_t *defs, const uint32_t *ldefs, const Site *site, Site s)
{
    IrIns add = fn->blocks.v[s.b].ins.v[s.i];
    uint32_t u = add.dst;
    if (add.op != IR_ADD || defs[u] != 1 || u <= fn->nparams || live_at_exit(fn, body, lv, u)) return false;
    for (int side = 0; side < 2; side++) {
        Opnd t = side ? add.b : add.a, base = side ? add.a : add.b;
        if (t.kind != OPND_VREG || ldefs[t.v] != 1 || (base.kind == OPND_VREG && ldefs[base.v]) ||
            base.kind == OPND_NONE)
            continue;
        Site ts = site[t.v];
        const IrIns *mul = &fn->blocks.v[ts.b].ins.v[ts.i];
        if (mul->op != IR_MUL || mul->a.kind != OPND_VREG || mul->b.kind != OPND_IMM || is_pow2(mul->b.imm))
            continue;
        /* t = K*i of the current i: computed before u in u's block, the
         * increment of i not in between */
        Site is = site[mul->a.v];
        if (ts.b != s.b || ts.i > s.i || (is.b == s.b && ts.i < is.i && is.i < s.i)) continue;
        uint32_t i = mul->a.v;
        uint64_t k = mul->b.imm;
        if (ldefs[i] != 1 || i == u || (base.kind == OPND_VREG && (base.v == u || base.v == i))) continue;
        const IrIns *inc = &fn->blocks.v[is.b].ins.v[is.i];
        if (inc->op != IR_ADD || inc->a.kind != OPND_VREG || inc->a.v != i || inc->b.kind != OPND_IMM)
            continue;
        uint64_t c = inc->b.imm;
        if (ir_live_test(lv->in + (size_t)h * lv->words, u) || ir_live_test(lv->out + (size_t)is.b * lv->words, u))
            continue;
        const IrBlock *lb = &fn->blocks.v[is.b];
        bool read = false;
        for (size_t q = is.i + 1; q < lb->ins.n; q++) read |= ir_reads(fn, &lb->ins.v[q], u);
        if (read) continue;
        /* transform: after the increment, then u's definition, then the
         * preheader (indices of later insertions are unaffected) */
        insert(fn, is.b, is.i + 1, (IrIns){.op = IR_ADD, .dst = u, .a = ir_vreg(u), .b = ir_imm(k * c)});
        IrBlock *db = &fn->blocks.v[s.b];
        size_t at = s.i + (s.b == is.b && s.i > is.i);
        memmove(&db->ins.v[at], &db->ins.v[at + 1], (db->ins.n - at - 1) * sizeof add);
        db->ins.n--;
        uint32_t tmp = ir_new_vreg(fn);
        size_t end = fn->blocks.v[pre].ins.n - 1;
        insert(fn, pre, end, (IrIns){.op = IR_MUL, .dst = tmp, .a = ir_vreg(i), .b = ir_imm(k)});
        insert(fn, pre, end + 1, (IrIns){.op = IR_ADD, .dst = u, .a = ir_vreg(tmp), .b = base});
        return true;
    }
    return false;
}

static void def_count(const IrFn *fn, const bool *body, uint32_t *defs, uint32_t *ldefs, Site *site)
{
    for (size_t b = 0; b < fn->blocks.n; b++)
        for (size_t i = 0; i < fn->blocks.v[b].ins.n; i++) {
            const IrIns *in = &fn->blocks.v[b].ins.v[i];
            for (uint32_t k = 0; k < in->nres; k++) {   /* results: never candidates */
                uint32_t r = fn->lists.v[in->list + in->nargs + k].v;
                defs[r] += 2;
                if (body[b]) ldefs[r] += 2;
            }
            if (!in->dst) continue;
            defs[in->dst]++;
            if (body[b]) {
                ldefs[in->dst]++;
                site[in->dst] = (Site){(uint32_t)b, i};
            }
        }
}

void ir_reduce_iv(IrFn *fn, const bool *body, uint32_t pre, uint32_t h)
{
    for (bool again = true; again;) {
        again = false;
        uint32_t n = fn->nvregs + 1;
        uint32_t *defs = xcalloc(n, sizeof *defs), *ldefs = xcalloc(n, sizeof *ldefs);
        Site *site = xcalloc(n, sizeof *site);
        def_count(fn, body, defs, ldefs, site);
        Liveness lv;
        ir_liveness(fn, &lv);
        for (size_t b = 0; b < fn->blocks.n && !again; b++)
            for (size_t i = 0; body[b] && i < fn->blocks.v[b].ins.n && !again; i++)
                again = reduce(fn, body, pre, h, &lv, defs, ldefs, site, (Site){(uint32_t)b, i});
        ir_liveness_free(&lv);
        free(defs);
        free(ldefs);
        free(site);
    }
}
