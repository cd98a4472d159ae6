/*
 * IR helpers: the opcode table's properties, construction, and the text
 * dump behind `griddle build --dump=STAGE`.
 */
#include "ir.h"

static const struct { const char *name; int reads; bool dst; } OPS[] = {
#define X(n, r, d) {#n, r, d},
    IR_OPS(X)
#undef X
};

static const char *const CC_NAMES[] = {"eq", "ne", "lt", "gt", "le", "ge", "b", "a", "be", "ae"};

const char *ir_op_name(IrOp op) { return OPS[op].name; }
const char *ir_cc_name(IrCc cc) { return CC_NAMES[cc]; }
int ir_nreads(IrOp op) { return OPS[op].reads; }
bool ir_has_dst(IrOp op) { return OPS[op].dst; }

bool ir_is_term(IrOp op) { return op >= IR_JMP; }

bool ir_has_effect(const IrIns *in)
{
    switch ((int)in->op) {
    case IR_STORE: case IR_SHLOAD: case IR_SHSTORE: case IR_FFI:
    case IR_CALL: case IR_XMATCH:
        return true;
    default:
        return ir_is_term(in->op);
    }
}

uint32_t ir_new_vreg(IrFn *fn) { return ++fn->nvregs; }

uint32_t ir_new_block(IrFn *fn)
{
    IrBlock b = {0};
    vec_push(&fn->blocks, b);
    return (uint32_t)fn->blocks.n - 1;
}

IrIns *ir_emit(IrFn *fn, uint32_t blk, IrOp op)
{
    IrIns in = {.op = (uint8_t)op};
    vec_push(&fn->blocks.v[blk].ins, in);
    return &fn->blocks.v[blk].ins.v[fn->blocks.v[blk].ins.n - 1];
}

int ir_succs(const IrFn *fn, uint32_t blk, uint32_t out[2])
{
    const IrBlock *b = &fn->blocks.v[blk];
    if (!b->ins.n) return 0;
    const IrIns *t = &b->ins.v[b->ins.n - 1];
    switch ((int)t->op) {
    case IR_JMP: out[0] = t->t; return 1;
    case IR_BR: case IR_BRCC: case IR_BRTEST: case IR_TRYCALL: out[0] = t->t; out[1] = t->f; return 2;
    default: return 0;
    }
}

void ir_retarget(IrFn *fn, const uint32_t *map)
{
    for (size_t b = 0; b < fn->blocks.n; b++) {
        IrBlock *bl = &fn->blocks.v[b];
        if (!bl->ins.n) continue;
        IrIns *t = &bl->ins.v[bl->ins.n - 1];
        uint32_t s[2];
        int ns = ir_succs(fn, (uint32_t)b, s);
        if (ns >= 1) t->t = map[t->t];
        if (ns == 2) t->f = map[t->f];
    }
}

/* ---- dump ----------------------------------------------------------- */

typedef struct Dump {
    StrBuf *out;
    const char *(*loc)(void *ctx, uint32_t vreg);
    void *ctx;
} Dump;

static void opnd(Dump *d, Opnd o)
{
    if (o.kind == OPND_IMM) sb_printf(d->out, "%lld", (long long)o.imm);
    else if (o.kind == OPND_VREG) {
        sb_printf(d->out, "v%u", o.v);
        if (d->loc) sb_printf(d->out, "{%s}", d->loc(d->ctx, o.v));
    } else sb_puts(d->out, "_");
}

static void list(Dump *d, const IrFn *fn, uint32_t from, uint32_t n)
{
    sb_putc(d->out, '(');
    for (uint32_t k = 0; k < n; k++) {
        if (k) sb_puts(d->out, ", ");
        opnd(d, fn->lists.v[from + k]);
    }
    sb_putc(d->out, ')');
}

static void ins(Dump *d, const IrFn *fn, const IrProg *prog, const IrIns *in)
{
    StrBuf *o = d->out;
    sb_puts(o, "    ");
    if (in->dst) {
        opnd(d, ir_vreg(in->dst));
        sb_puts(o, " = ");
    }
    sb_puts(o, ir_op_name(in->op));
    if (in->op == IR_SETCC || in->op == IR_BRCC || in->op == IR_BRTEST) sb_printf(o, ".%s", ir_cc_name(in->cc));
    if (in->width) sb_printf(o, ".%u", in->width);
    for (int k = 0; k < ir_nreads(in->op); k++) {
        sb_puts(o, k ? ", " : " ");
        opnd(d, k ? in->b : in->a);
    }
    switch ((int)in->op) {
    case IR_LOAD: case IR_STORE: case IR_SHLOAD: case IR_SHSTORE:
        sb_puts(o, " [");
        if (in->x.kind) {
            opnd(d, in->x);
            sb_printf(o, "*%u + ", in->scale);
        }
        sb_printf(o, "%lld]", (long long)in->disp);
        break;
    case IR_GETX:
        sb_printf(o, " [%lld]", (long long)in->disp);
        break;
    case IR_CALL: case IR_TAILCALL: case IR_TRYCALL:
        sb_printf(o, " %s", prog && in->callee < prog->fns.n ? prog->fns.v[in->callee]->name : "?");
        list(d, fn, in->list, in->nargs);
        if (in->nres) {
            sb_puts(o, " -> ");
            list(d, fn, in->list + in->nargs, in->nres);
        }
        break;
    case IR_FFI: sb_printf(o, " @%s", in->name); list(d, fn, in->list, in->nargs); break;
    case IR_RET: list(d, fn, in->list, in->nargs); break;
    case IR_THROW: case IR_XMATCH:
        sb_printf(o, " %s", prog && in->callee < prog->exns.n ? prog->exns.v[in->callee].name : "?");
        if (in->op == IR_THROW) list(d, fn, in->list, in->nargs);
        break;
    default: break;
    }
    if (in->op == IR_JMP) sb_printf(o, " b%u", in->t);
    if (in->op == IR_BR || in->op == IR_BRCC || in->op == IR_BRTEST || in->op == IR_TRYCALL)
        sb_printf(o, " b%u, b%u", in->t, in->f);
    sb_putc(o, '\n');
}

void ir_dump_fn(const IrFn *fn, const IrProg *prog, StrBuf *out,
                const char *(*loc)(void *ctx, uint32_t vreg), void *ctx)
{
    Dump d = {out, loc, ctx};
    sb_printf(out, "function %s(", fn->name);
    for (uint32_t k = 1; k <= fn->nparams; k++) {
        if (k > 1) sb_puts(out, ", ");
        opnd(&d, ir_vreg(k));
    }
    sb_printf(out, ") -> %u words%s\n", fn->nret, fn->is_export ? " export" : "");
    for (size_t b = 0; b < fn->blocks.n; b++) {
        sb_printf(out, "  b%zu:\n", b);
        for (size_t i = 0; i < fn->blocks.v[b].ins.n; i++) ins(&d, fn, prog, &fn->blocks.v[b].ins.v[i]);
    }
}
