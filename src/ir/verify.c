/*
 * ir_verify: the IR's invariants, checked after every pass (QBE's
 * ssacheck). A failure is a compiler bug; the driver reports it as an
 * internal error (exit 3) naming the function and the stage, and writes
 * no output.
 */
#include "ir.h"

typedef struct Ctx {
    const IrFn *fn;
    StrBuf *why;
    bool ok;
} Ctx;

static void bad_vreg(void *ctx, uint32_t v)
{
    Ctx *c = ctx;
    if (c->ok && (v == 0 || v > c->fn->nvregs)) {
        sb_printf(c->why, "vreg v%u out of range (1..%u)", v, c->fn->nvregs);
        c->ok = false;
    }
}

static bool check_ins(Ctx *c, const IrIns *in, bool last, uint32_t nfns)
{
    const IrFn *fn = c->fn;
    if (in->op >= IR__COUNT) return sb_printf(c->why, "bad opcode %u", in->op), false;
    if (ir_is_term(in->op) != last)
        return sb_printf(c->why, "%s %s the end of a block", ir_op_name(in->op),
                         last ? "missing at" : "before"), false;
    if ((uint64_t)in->list + in->nargs + in->nres > fn->lists.n)
        return sb_printf(c->why, "%s: operand list out of range", ir_op_name(in->op)), false;
    if ((in->op == IR_CALL || in->op == IR_TAILCALL || in->op == IR_TRYCALL) && in->callee >= nfns)
        return sb_printf(c->why, "call of function %u (of %u)", in->callee, nfns), false;
    if (in->op == IR_JMP && in->t >= fn->blocks.n) return sb_printf(c->why, "jump to b%u", in->t), false;
    if ((in->op == IR_BR || in->op == IR_BRCC || in->op == IR_BRTEST || in->op == IR_TRYCALL) &&
        (in->t >= fn->blocks.n || in->f >= fn->blocks.n))
        return sb_printf(c->why, "branch to b%u/b%u", in->t, in->f), false;
    if (ir_has_dst(in->op) != (in->dst != 0))
        return sb_printf(c->why, "%s: destination %s", ir_op_name(in->op), in->dst ? "unexpected" : "missing"), false;
    ir_uses(fn, in, bad_vreg, c);
    ir_defs(fn, in, bad_vreg, c);
    return c->ok;
}

bool ir_verify(const IrFn *fn, uint32_t nfns, StrBuf *why)
{
    Ctx c = {fn, why, true};
    if (!fn->blocks.n) return sb_puts(why, "no blocks"), false;
    for (size_t b = 0; b < fn->blocks.n; b++) {
        const IrBlock *bl = &fn->blocks.v[b];
        if (!bl->ins.n) return sb_printf(why, "b%zu: empty block", b), false;
        for (size_t i = 0; i < bl->ins.n; i++)
            if (!check_ins(&c, &bl->ins.v[i], i + 1 == bl->ins.n, nfns)) {
                sb_printf(why, " (b%zu, instruction %zu)", b, i);
                return false;
            }
    }
    return true;
}
