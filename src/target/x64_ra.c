/*
 * Register allocation: linear scan (Poletto & Sarkar) over live intervals.
 *
 * Preconditions: reachable blocks end in terminators; vregs 1..nparams
 * are defined at entry. Blocks are laid out in index order; each vreg's
 * interval is the smallest [start, end] covering every point where it is
 * live (its defs, uses, and the ends of blocks where it is live in/out),
 * which may over-approximate but never misses a live point.
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

typedef struct Iv {
    uint32_t v, start, end;
    uint32_t hint;   /* a vreg whose register this one would like to take over */
    uint32_t hint_pos; /* ... at the instruction at this position */
    bool keep;       /* live across a call: a callee-saved register */
} Iv;

typedef VEC(uint32_t) U32s;

typedef struct Build {
    Iv *iv;       /* by vreg */
    uint32_t pos;
} Build;

static void extend(Iv *iv, uint32_t p)
{
    if (p < iv->start) iv->start = p;
    if (p > iv->end) iv->end = p;
}

static void at_pos(void *ctx, uint32_t v)
{
    Build *b = ctx;
    extend(&b->iv[v], b->pos);
}

static int by_start(const void *a, const void *b)
{
    const Iv *x = a, *y = b;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    return x->v < y->v ? -1 : x->v > y->v;
}

bool x64_callee_saved(int r) { return r == RBX || r == RBP || r >= R12; }

/* d = a op ... (and d = a): giving d a's register when a dies here saves
 * the copy the two-address form would need. */
static void note_hint(Iv *iv, const IrIns *in, uint32_t pos)
{
    bool two_addr = in->op == IR_MOV || (in->op >= IR_ADD && in->op <= IR_ROR);
    if (two_addr && in->dst && in->a.kind == OPND_VREG && iv[in->dst].start == pos && !iv[in->dst].hint) {
        iv[in->dst].hint = in->a.v;
        iv[in->dst].hint_pos = pos;
    }
}

/* Computes intervals and the positions of try-calls and of other calls
 * (Pancake and FFI). A value live out of a block is live just after its
 * terminator (an odd position), so it crosses a try-call ending it. */
static Iv *intervals(X64Fn *xf, U32s *trys, U32s *calls)
{
    IrFn *fn = xf->fn;
    Liveness lv;
    ir_liveness(fn, &lv);
    Build b = {xcalloc(fn->nvregs + 1, sizeof(Iv)), 2};
    for (uint32_t v = 0; v <= fn->nvregs; v++) b.iv[v] = (Iv){v, UINT32_MAX, 0, 0, 0, false};
    for (uint32_t v = 1; v <= fn->nparams; v++) extend(&b.iv[v], 0);
    for (size_t bl = 0; bl < fn->blocks.n; bl++) {
        if (!xf->reachable[bl]) continue;
        uint32_t bstart = b.pos++;
        const IrBlock *blk = &fn->blocks.v[bl];
        for (size_t i = 0; i < blk->ins.n; i++, b.pos += 2) {
            const IrIns *in = &blk->ins.v[i];
            ir_uses(fn, in, at_pos, &b);
            ir_defs(fn, in, at_pos, &b);
            note_hint(b.iv, in, b.pos);
            if (in->op == IR_TRYCALL) vec_push(trys, b.pos);
            if (in->op == IR_CALL || in->op == IR_FFI) vec_push(calls, b.pos);
        }
        uint32_t bend = b.pos - 1;
        for (uint32_t v = 1; v <= fn->nvregs; v++) {
            if (ir_live_test(lv.in + bl * lv.words, v)) extend(&b.iv[v], bstart);
            if (ir_live_test(lv.out + bl * lv.words, v)) extend(&b.iv[v], bend);
        }
    }
    ir_liveness_free(&lv);
    return b.iv;
}

static bool crosses_call(const Iv *iv, const uint32_t *calls, size_t n)
{
    /* calls are sorted: find the first > start */
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (calls[mid] <= iv->start) lo = mid + 1;
        else hi = mid;
    }
    return lo < n && calls[lo] < iv->end;
}

static void spill(X64Fn *xf, uint32_t v)
{
    xf->loc[v].reg = -1;
    xf->loc[v].slot = (int32_t)xf->nslots++;
}

void x64_ra(X64Fn *xf)
{
    IrFn *fn = xf->fn;
    U32s trys = {0}, calls = {0};
    Iv *iv = intervals(xf, &trys, &calls);
    xf->loc = xcalloc(fn->nvregs + 1, sizeof(VLoc));
    Iv *order = xmalloc((fn->nvregs + 1) * sizeof(Iv));
    size_t n = 0;
    for (uint32_t v = 1; v <= fn->nvregs; v++) {
        xf->loc[v].reg = -2;  /* never live: no location */
        if (iv[v].start == UINT32_MAX) continue;
        if (crosses_call(&iv[v], trys.v, trys.n)) {
            spill(xf, v);
            continue;
        }
        iv[v].keep = crosses_call(&iv[v], calls.v, calls.n);
        order[n++] = iv[v];
    }
    qsort(order, n, sizeof *order, by_start);
    Iv *active[X64_NALLOC];
    int nactive = 0;
    bool used[16] = {0};
    for (size_t i = 0; i < n; i++) {
        Iv *cur = &order[i];
        for (int k = 0; k < nactive;) {     /* expire */
            if (active[k]->end < cur->start) {
                used[xf->loc[active[k]->v].reg] = false;
                active[k] = active[--nactive];
            } else k++;
        }
        int reg = -1;
        for (int k = 0; k < nactive && cur->hint && cur->hint_pos == cur->start; k++)
            if (active[k]->v == cur->hint && active[k]->end == cur->start &&
                (!cur->keep || x64_callee_saved(xf->loc[active[k]->v].reg))) {
                reg = xf->loc[active[k]->v].reg;
                active[k] = active[--nactive];
                break;
            }
        for (int r = 0; r < X64_NALLOC && reg < 0; r++)
            if (!used[X64_ALLOC_REGS[r]] && (!cur->keep || x64_callee_saved(X64_ALLOC_REGS[r])))
                reg = X64_ALLOC_REGS[r];
        if (reg < 0) {   /* spill what ends last among what could give way */
            int far = -1;
            for (int k = 0; k < nactive; k++)
                if ((!cur->keep || x64_callee_saved(xf->loc[active[k]->v].reg)) &&
                    (far < 0 || active[k]->end > active[far]->end))
                    far = k;
            if (far < 0 || active[far]->end <= cur->end) {
                spill(xf, cur->v);
                continue;
            }
            reg = xf->loc[active[far]->v].reg;
            spill(xf, active[far]->v);
            active[far] = active[--nactive];
        }
        used[reg] = true;
        xf->loc[cur->v].reg = (int8_t)reg;
        active[nactive++] = cur;
    }
    xf->saved = 0;
    for (uint32_t v = 1; v <= fn->nvregs; v++)
        if (xf->loc[v].reg >= 0 && x64_callee_saved(xf->loc[v].reg)) xf->saved |= (uint16_t)(1u << xf->loc[v].reg);
    xf->nsaved = 0;
    for (int r = 0; r < 16; r++) {
        if (trys.n && x64_callee_saved(r)) xf->saved |= (uint16_t)(1u << r);
        xf->nsaved += (xf->saved >> r) & 1;
    }
    free(order);
    free(iv);
    vec_free(&trys);
    vec_free(&calls);
}
