/*
 * Lowering: checked AST -> IR (docs/compiler.md, "Lowering").
 *
 * Every value is flattened to its words here (pancake-language.md §5.5:
 * structs are flattened, named structs become their fields in declared
 * order): an expression lowers to a list of operands, one per word, and
 * each local variable slot (the checker numbers them, a shadowing `var`
 * gets its own) owns a run of vregs. Globals live in memory at their
 * word offsets below the heap end, as the reference places them (§3.6).
 *
 * Expressions have no side effects and every operand is evaluated
 * (§3.3), so evaluation order inside an expression is free; statements
 * keep their order. Runtime Errors of the reference are not checked
 * (§5.5: compiled code may do anything there).
 */
#include "ir.h"

#include <string.h>

typedef VEC(Opnd) Opnds;

/* A jump whose target is not known yet: instruction i of block b. */
typedef struct Patch {
    uint32_t b, i;
} Patch;
typedef VEC(Patch) Patches;

/* The enclosing loop's pending `break` and `continue` jumps. */
typedef struct Loop {
    Patches brk, cont;
} Loop;

typedef struct Lower {
    const Program *p;
    IrProg *ir;
    IrFn *fn;
    uint32_t cur;           /* block being filled */
    uint32_t *slot_vreg;    /* first vreg of each local slot */
    uint32_t *glob_off;     /* word offset of each global */
    uint32_t gtop;          /* vreg holding @top, where the globals start */
    uint32_t gbase;         /* vreg holding @base */
    VEC(Loop) loops;
} Lower;

static uint32_t words(const Lower *l, const Shape *s) { return check_shape_words(l->p, s); }

static IrIns *emit(Lower *l, IrOp op) { return ir_emit(l->fn, l->cur, op); }

static Opnd op2(Lower *l, IrOp op, Opnd a, Opnd b)
{
    IrIns *in = emit(l, op);
    in->dst = ir_new_vreg(l->fn);
    in->a = a;
    in->b = b;
    return ir_vreg(in->dst);
}

static Opnd setcc(Lower *l, IrCc cc, Opnd a, Opnd b)
{
    IrIns *in = emit(l, IR_SETCC);
    in->cc = (uint8_t)cc;
    in->dst = ir_new_vreg(l->fn);
    in->a = a;
    in->b = b;
    return ir_vreg(in->dst);
}

static void mov(Lower *l, uint32_t dst, Opnd a)
{
    IrIns *in = emit(l, IR_MOV);
    in->dst = dst;
    in->a = a;
}

/* Starts a new block after a terminator: code that follows is dead. */
static void cut(Lower *l) { l->cur = ir_new_block(l->fn); }

static uint32_t exn_index(const Lower *l, Sym name)
{
    for (uint32_t i = 0; i < l->ir->exns.n; i++)
        if (l->ir->exns.v[i].name == name) return i;
    die("lower: undeclared exception %s", name);
}

/* ---- expressions ----------------------------------------------------- */

static void expr(Lower *l, const Expr *e, Opnds *out);

static Opnd word(Lower *l, const Expr *e)
{
    Opnds o = {0};
    expr(l, e, &o);
    Opnd r = o.n ? o.v[0] : ir_imm(0);  /* structs where a word is used: Error (§3.3) */
    vec_free(&o);
    return r;
}

static Opnd fold(Lower *l, IrOp op, const Expr *e)
{
    Opnd acc = word(l, e->u.list.v[0]);
    for (uint32_t i = 1; i < e->u.list.n; i++) acc = op2(l, op, acc, word(l, e->u.list.v[i]));
    return acc;
}

static const IrCc CMP_CC[] = {
    [CMP_EQ] = CC_EQ, [CMP_NE] = CC_NE, [CMP_LT] = CC_LT, [CMP_GT] = CC_GT,
    [CMP_LE] = CC_LE, [CMP_GE] = CC_GE, [CMP_LTU] = CC_B, [CMP_GTU] = CC_A,
    [CMP_LEU] = CC_BE, [CMP_GEU] = CC_AE,
};
static const IrOp SHIFT_OP[] = {[SH_LSL] = IR_SHL, [SH_LSR] = IR_LSR, [SH_ASR] = IR_ASR,
                                [SH_ROR] = IR_ROR};

static Opnd load(Lower *l, uint8_t width, Opnd addr, int64_t disp)
{
    IrIns *in = emit(l, IR_LOAD);
    in->width = width;
    in->dst = ir_new_vreg(l->fn);
    in->a = addr;
    in->disp = disp;
    return ir_vreg(in->dst);
}

/* Word offset of tuple element i of shape s. */
static uint32_t elem_offset(const Lower *l, const Shape *s, uint32_t i)
{
    uint32_t off = 0;
    for (uint32_t k = 0; k < i && k < s->n; k++) off += words(l, s->elems[k]);
    return off;
}

static void sub_words(Lower *l, const Expr *inner, uint32_t off, uint32_t n, Opnds *out)
{
    Opnds o = {0};
    expr(l, inner, &o);
    for (uint32_t k = 0; k < n && off + k < o.n; k++) vec_push(out, o.v[off + k]);
    vec_free(&o);
}

static void expr_nstruct(Lower *l, const Expr *e, Opnds *out)
{
    /* fields in declared order (NField.index), whatever order written */
    for (uint32_t pos = 0; pos < e->u.nstruct.n; pos++)
        for (uint32_t k = 0; k < e->u.nstruct.n; k++)
            if (e->u.nstruct.v[k].index == pos) expr(l, e->u.nstruct.v[k].value, out);
}

static void expr(Lower *l, const Expr *e, Opnds *out)
{
    switch (e->kind) {
    case E_CONST: vec_push(out, ir_imm(e->u.value)); return;
    case E_BIW: vec_push(out, ir_imm(PNK_WORD_BYTES)); return;
    case E_VAR: {
        uint32_t n = words(l, e->shape);
        for (uint32_t k = 0; k < n; k++) {
            if (!e->u.var.global) {
                vec_push(out, ir_vreg(l->slot_vreg[e->u.var.slot] + k));
                continue;
            }
            vec_push(out, load(l, 8, ir_vreg(l->gtop), 8 * (int64_t)(l->glob_off[e->u.var.slot] + k)));
        }
        return;
    }
    case E_STRUCT:
        for (uint32_t i = 0; i < e->u.list.n; i++) expr(l, e->u.list.v[i], out);
        return;
    case E_NSTRUCT: expr_nstruct(l, e, out); return;
    case E_FIELD: {
        const Shape *s = e->u.field.e->shape;
        sub_words(l, e->u.field.e, elem_offset(l, s, e->u.field.index), words(l, e->shape), out);
        return;
    }
    case E_NFIELD:
        sub_words(l, e->u.field.e, e->u.field.offset, words(l, e->shape), out);
        return;
    case E_LOAD: {
        Opnd a = word(l, e->u.load.addr);
        uint32_t n = words(l, e->u.load.shape);
        for (uint32_t k = 0; k < n; k++) vec_push(out, load(l, 8, a, 8 * (int64_t)k));
        return;
    }
    case E_LOAD8: vec_push(out, load(l, 1, word(l, e->u.load.addr), 0)); return;
    case E_LOAD32: vec_push(out, load(l, 4, word(l, e->u.load.addr), 0)); return;
    case E_ADD: vec_push(out, fold(l, IR_ADD, e)); return;
    case E_SUB: vec_push(out, fold(l, IR_SUB, e)); return;
    case E_MUL: vec_push(out, fold(l, IR_MUL, e)); return;
    case E_AND: vec_push(out, fold(l, IR_AND, e)); return;
    case E_OR: vec_push(out, fold(l, IR_OR, e)); return;
    case E_XOR: vec_push(out, fold(l, IR_XOR, e)); return;
    case E_LAND: {
        Opnd acc = setcc(l, CC_NE, word(l, e->u.list.v[0]), ir_imm(0));
        for (uint32_t i = 1; i < e->u.list.n; i++)
            acc = op2(l, IR_AND, acc, setcc(l, CC_NE, word(l, e->u.list.v[i]), ir_imm(0)));
        vec_push(out, acc);
        return;
    }
    case E_LOR: vec_push(out, setcc(l, CC_NE, fold(l, IR_OR, e), ir_imm(0))); return;
    case E_NOT: vec_push(out, setcc(l, CC_EQ, word(l, e->u.un), ir_imm(0))); return;
    case E_CMP: {
        Opnd a = word(l, e->u.bin.a), b = word(l, e->u.bin.b);
        vec_push(out, setcc(l, CMP_CC[e->op], a, b));
        return;
    }
    case E_SHIFT: {
        Opnd a = word(l, e->u.bin.a), b = word(l, e->u.bin.b);
        vec_push(out, op2(l, SHIFT_OP[e->op], a, b));
        return;
    }
    case E_BASE: vec_push(out, ir_vreg(l->gbase)); return;
    case E_TOP: vec_push(out, ir_vreg(l->gtop)); return;
    }
    die("lower: expression kind %d", (int)e->kind);
}

/* ---- statements ------------------------------------------------------ */

static void block(Lower *l, const Block *b);

/* Fresh vregs for a local slot of n words. */
static uint32_t bind_slot(Lower *l, uint32_t slot, uint32_t n)
{
    uint32_t first = l->fn->nvregs + 1;
    for (uint32_t k = 0; k < n; k++) ir_new_vreg(l->fn);
    l->slot_vreg[slot] = first;
    return first;
}

/* Assigns the words `src` to a variable. Sources are copied to temporaries
 * first when the destination is local, since they may read the variable
 * itself (x = <x.1, x.0>); copy propagation removes what is not needed. */
static void assign_words(Lower *l, const VarRef *v, const Opnd *src, uint32_t n)
{
    if (v->global) {
        for (uint32_t k = 0; k < n; k++) {
            IrIns *in = emit(l, IR_STORE);
            in->width = 8;
            in->a = ir_vreg(l->gtop);
            in->b = src[k];
            in->disp = 8 * (int64_t)(l->glob_off[v->slot] + k);
        }
        return;
    }
    uint32_t base = l->slot_vreg[v->slot];
    uint32_t *t = xmalloc(sizeof *t * (n ? n : 1));
    for (uint32_t k = 0; k < n; k++) {
        t[k] = ir_new_vreg(l->fn);
        mov(l, t[k], src[k]);
    }
    for (uint32_t k = 0; k < n; k++) mov(l, base + k, ir_vreg(t[k]));
    free(t);
}

static void push_list(Lower *l, IrIns *in, const Opnd *v, uint32_t n)
{
    in->list = (uint32_t)l->fn->lists.n;
    in->nargs = n;
    for (uint32_t k = 0; k < n; k++) vec_push(&l->fn->lists, v[k]);
}

static void note_words(Lower *l, uint32_t n)
{
    if (n > l->ir->max_words) l->ir->max_words = n;
}

/* Emits a call-like instruction; args evaluated here, results are the
 * vregs res[0..nres). */
static IrIns *call_ins(Lower *l, IrOp op, const Call *c, const uint32_t *res, uint32_t nres)
{
    Opnds a = {0};
    for (uint32_t i = 0; i < c->nargs; i++) expr(l, c->args[i], &a);
    IrIns *in = emit(l, op);
    in->callee = c->fn->index;
    in->span = c->callee_span;
    push_list(l, in, a.v, (uint32_t)a.n);
    for (uint32_t k = 0; k < nres; k++) vec_push(&l->fn->lists, ir_vreg(res[k]));
    in->nres = nres;
    note_words(l, (uint32_t)a.n);
    note_words(l, nres);
    vec_free(&a);
    return in;
}

/* __add_with_carry__(a, b, c) into the words dst[0] (sum), dst[1] (carry). */
static void addcarry(Lower *l, const Call *c, const uint32_t dst[2])
{
    Opnd a = word(l, c->args[0]), b = word(l, c->args[1]), cin = word(l, c->args[2]);
    Opnd t = op2(l, IR_ADD, a, b);
    Opnd c1 = setcc(l, CC_B, t, a);
    Opnd s = op2(l, IR_ADD, t, setcc(l, CC_NE, cin, ir_imm(0)));
    Opnd c2 = setcc(l, CC_B, s, t);
    Opnd carry = op2(l, IR_OR, c1, c2);
    mov(l, dst[0], s);
    mov(l, dst[1], carry);
}

static uint32_t *fresh(Lower *l, uint32_t n)
{
    uint32_t *v = xmalloc(sizeof *v * (n ? n : 1));
    for (uint32_t k = 0; k < n; k++) v[k] = ir_new_vreg(l->fn);
    return v;
}

/* Call whose results go to variable v (assigning call). */
static void call_into(Lower *l, const Call *c, const VarRef *v, uint32_t n)
{
    uint32_t *t = fresh(l, n);
    if (c->addcarry) addcarry(l, c, t);
    else call_ins(l, IR_CALL, c, t, n);
    Opnd *src = xmalloc(sizeof *src * (n ? n : 1));
    for (uint32_t k = 0; k < n; k++) src[k] = ir_vreg(t[k]);
    assign_words(l, v, src, n);
    free(src);
    free(t);
}

static void stmt_call(Lower *l, const Stmt *s)
{
    const Call *c = &s->u.call.call;
    switch (s->u.call.kind) {
    case CALL_STANDALONE:
        call_ins(l, IR_CALL, c, NULL, 0);
        return;
    case CALL_ASSIGN: {
        uint32_t n = c->addcarry ? 2 : words(l, c->fn->ret);
        call_into(l, c, &s->u.call.dest, n);
        return;
    }
    case CALL_TAIL:
        call_ins(l, IR_TAILCALL, c, NULL, 0);
        cut(l);
        return;
    }
}

static void stmt_try(Lower *l, const Stmt *s)
{
    const Call *c = &s->u.try_.call;
    uint32_t n = words(l, c->fn->ret);
    uint32_t *t = fresh(l, n);
    IrIns *in = call_ins(l, IR_TRYCALL, c, t, n);
    uint32_t normal = ir_new_block(l->fn), handler = ir_new_block(l->fn),
             join = ir_new_block(l->fn);
    in = &l->fn->blocks.v[l->cur].ins.v[l->fn->blocks.v[l->cur].ins.n - 1];
    in->t = normal;
    in->f = handler;
    l->cur = normal;
    if (s->u.try_.has_dest) {
        Opnd *src = xmalloc(sizeof *src * (n ? n : 1));
        for (uint32_t k = 0; k < n; k++) src[k] = ir_vreg(t[k]);
        assign_words(l, &s->u.try_.dest, src, n);
        free(src);
    }
    free(t);
    emit(l, IR_JMP)->t = join;
    l->cur = handler;
    uint32_t x = exn_index(l, s->u.try_.exn);
    emit(l, IR_XMATCH)->callee = x;
    uint32_t xw = l->ir->exns.v[x].words;
    Opnd *src = xmalloc(sizeof *src * (xw ? xw : 1));
    for (uint32_t k = 0; k < xw; k++) {
        IrIns *g = emit(l, IR_GETX);
        g->dst = ir_new_vreg(l->fn);
        g->disp = k;
        src[k] = ir_vreg(g->dst);
    }
    assign_words(l, &s->u.try_.catchvar, src, xw);
    free(src);
    block(l, &s->u.try_.handler);
    emit(l, IR_JMP)->t = join;
    l->cur = join;
}

/* Blocks are created in source order (then, else, join; body, latch,
 * exit), since the emitter lays them out by index: targets not known yet
 * are patched. */
static Patch here(const Lower *l)
{
    return (Patch){l->cur, (uint32_t)l->fn->blocks.v[l->cur].ins.n - 1};
}

static void patch(Lower *l, Patch p, bool false_edge, uint32_t to)
{
    IrIns *in = &l->fn->blocks.v[p.b].ins.v[p.i];
    if (false_edge) in->f = to;
    else in->t = to;
}

static Patch branch(Lower *l, Opnd c, uint32_t t)
{
    IrIns *br = emit(l, IR_BR);
    br->a = c;
    br->t = t;
    return here(l);
}

static void stmt_if(Lower *l, const Stmt *s)
{
    Opnd c = word(l, s->u.if_.cond);
    uint32_t th = ir_new_block(l->fn);
    Patch br = branch(l, c, th);
    l->cur = th;
    block(l, &s->u.if_.then);
    emit(l, IR_JMP);
    Patch j1 = here(l);
    uint32_t el = ir_new_block(l->fn);
    patch(l, br, true, el);
    l->cur = el;
    if (s->u.if_.has_else) block(l, &s->u.if_.els);
    emit(l, IR_JMP);
    Patch j2 = here(l);
    uint32_t join = ir_new_block(l->fn);
    patch(l, j1, false, join);
    patch(l, j2, false, join);
    l->cur = join;
}

/* while c { body }: rotated, so each iteration takes one branch:
 *     if c goto body else exit;  body: ...;  latch: if c goto body else exit
 * (c is pure, so evaluating it in two places changes nothing). */
static void stmt_while(Lower *l, const Stmt *s)
{
    Opnd c = word(l, s->u.while_.cond);
    uint32_t body = ir_new_block(l->fn);
    Patch pre = branch(l, c, body);
    Loop lp = {0};
    vec_push(&l->loops, lp);
    l->cur = body;
    block(l, &s->u.while_.body);
    emit(l, IR_JMP);
    Patch fall = here(l);
    uint32_t latch = ir_new_block(l->fn);
    patch(l, fall, false, latch);
    l->cur = latch;
    Patch back = branch(l, word(l, s->u.while_.cond), body);
    uint32_t exit = ir_new_block(l->fn);
    Loop *top = &l->loops.v[l->loops.n - 1];
    for (size_t k = 0; k < top->cont.n; k++) patch(l, top->cont.v[k], false, latch);
    for (size_t k = 0; k < top->brk.n; k++) patch(l, top->brk.v[k], false, exit);
    vec_free(&top->cont);
    vec_free(&top->brk);
    l->loops.n--;
    patch(l, pre, true, exit);
    patch(l, back, true, exit);
    l->cur = exit;
}

static void stmt_mem(Lower *l, const Stmt *s)
{
    if (s->kind == S_STORE) {
        Opnd a = word(l, s->u.store.addr);
        Opnds v = {0};
        expr(l, s->u.store.value, &v);
        uint8_t w = s->u.store.width ? s->u.store.width : 8;
        for (size_t k = 0; k < v.n && (s->u.store.width == 0 || k == 0); k++) {
            IrIns *in = emit(l, IR_STORE);
            in->width = w;
            in->a = a;
            in->b = v.v[k];
            in->disp = 8 * (int64_t)k;
        }
        vec_free(&v);
    } else if (s->kind == S_SHLOAD) {
        Opnd a = word(l, s->u.shmem.addr);
        IrIns *in = emit(l, IR_SHLOAD);
        in->width = s->u.shmem.width;
        in->a = a;
        in->dst = ir_new_vreg(l->fn);
        in->span = s->span;
        Opnd v = ir_vreg(in->dst);
        assign_words(l, &s->u.shmem.dest, &v, 1);
    } else {
        Opnd a = word(l, s->u.shmem.addr), v = word(l, s->u.shmem.value);
        IrIns *in = emit(l, IR_SHSTORE);
        in->width = s->u.shmem.width;
        in->a = a;
        in->b = v;
        in->span = s->span;
    }
}

static void stmt(Lower *l, const Stmt *s)
{
    switch (s->kind) {
    case S_SKIP: case S_TICK: case S_ANNOT: return;
    case S_DEC: {
        Opnds v = {0};
        expr(l, s->u.dec.init, &v);
        uint32_t base = bind_slot(l, s->u.dec.var.slot, (uint32_t)v.n);
        for (size_t k = 0; k < v.n; k++) mov(l, base + (uint32_t)k, v.v[k]);
        vec_free(&v);
        return;
    }
    case S_DECCALL: {
        const Call *c = &s->u.deccall.call;
        uint32_t n = words(l, s->u.deccall.shape);
        /* arguments are evaluated before the new variable exists */
        uint32_t *t = fresh(l, n);
        if (c->addcarry) addcarry(l, c, t);
        else call_ins(l, IR_CALL, c, t, n);
        uint32_t base = bind_slot(l, s->u.deccall.var.slot, n);
        for (uint32_t k = 0; k < n; k++) mov(l, base + k, ir_vreg(t[k]));
        free(t);
        return;
    }
    case S_ASSIGN: {
        Opnds v = {0};
        expr(l, s->u.assign.e, &v);
        assign_words(l, &s->u.assign.var, v.v, (uint32_t)v.n);
        vec_free(&v);
        return;
    }
    case S_CALL: stmt_call(l, s); return;
    case S_STORE: case S_SHLOAD: case S_SHSTORE: stmt_mem(l, s); return;
    case S_IF: stmt_if(l, s); return;
    case S_WHILE: stmt_while(l, s); return;
    case S_BREAK: case S_CONTINUE:
        if (!l->loops.n) { emit(l, IR_TRAP); cut(l); return; }
        emit(l, IR_JMP);
        if (s->kind == S_BREAK) vec_push(&l->loops.v[l->loops.n - 1].brk, here(l));
        else vec_push(&l->loops.v[l->loops.n - 1].cont, here(l));
        cut(l);
        return;
    case S_FFI: {
        Opnd a[4];
        for (int k = 0; k < 4; k++) a[k] = word(l, s->u.ffi.args[k]);
        IrIns *in = emit(l, IR_FFI);
        in->name = s->u.ffi.name;
        in->span = s->span;
        push_list(l, in, a, 4);
        return;
    }
    case S_THROW: {
        Opnds v = {0};
        expr(l, s->u.throw_.e, &v);
        IrIns *in = emit(l, IR_THROW);
        in->callee = exn_index(l, s->u.throw_.exn);
        push_list(l, in, v.v, (uint32_t)v.n);
        note_words(l, (uint32_t)v.n);
        vec_free(&v);
        cut(l);
        return;
    }
    case S_RETURN: {
        Opnds v = {0};
        expr(l, s->u.ret.e, &v);
        push_list(l, emit(l, IR_RET), v.v, (uint32_t)v.n);
        note_words(l, (uint32_t)v.n);
        vec_free(&v);
        cut(l);
        return;
    }
    case S_TRY: stmt_try(l, s); return;
    case S_BLOCK: block(l, &s->u.block); return;
    }
}

static void block(Lower *l, const Block *b)
{
    for (uint32_t i = 0; i < b->n; i++) stmt(l, b->v[i]);
}

/* Every block must end in a terminator; a block left open is one the
 * checker proves unreachable (or the end of a body, an Error in panSem). */
static void close_blocks(IrFn *fn)
{
    for (size_t i = 0; i < fn->blocks.n; i++) {
        IrBlock *b = &fn->blocks.v[i];
        if (!b->ins.n || !ir_is_term(b->ins.v[b->ins.n - 1].op)) ir_emit(fn, (uint32_t)i, IR_TRAP);
    }
}

/* @base and @top never change while Pancake code runs: every function
 * reads them once, first thing (dead-code elimination drops what is not
 * used). Globals are the words at @top + 8k (§3.6). */
static void load_bases(Lower *l)
{
    IrIns *in = emit(l, IR_TOP);
    in->dst = ir_new_vreg(l->fn);
    l->gtop = in->dst;
    in = emit(l, IR_BASE);
    in->dst = ir_new_vreg(l->fn);
    l->gbase = in->dst;
}

static IrFn *new_fn(Lower *l, Sym name, uint32_t index)
{
    IrFn *fn = xcalloc(1, sizeof *fn);
    fn->name = name;
    fn->index = index;
    l->fn = fn;
    l->cur = ir_new_block(fn);
    return fn;
}

static IrFn *lower_fun(Lower *l, const FunDecl *f)
{
    IrFn *fn = new_fn(l, f->name, f->index);
    fn->is_export = f->is_export;
    fn->is_inline = f->is_inline;
    fn->span = f->name_span;
    fn->nret = words(l, f->ret);
    note_words(l, fn->nret);
    l->slot_vreg = xcalloc(f->nslots + 1, sizeof *l->slot_vreg);
    for (uint32_t i = 0; i < f->nparams; i++)
        bind_slot(l, i, words(l, f->params[i].shape));
    fn->nparams = fn->nvregs;
    note_words(l, fn->nparams);
    load_bases(l);
    block(l, &f->body);
    close_blocks(fn);
    free(l->slot_vreg);
    l->slot_vreg = NULL;
    return fn;
}

/* The initialiser of the globals: each in order, seeing the earlier ones
 * through memory (§3.5). */
static IrFn *lower_init(Lower *l, uint32_t index)
{
    IrFn *fn = new_fn(l, intern_cstr(l->p->interner, "<globals>"), index);
    fn->is_init = true;
    load_bases(l);
    for (size_t i = 0; i < l->p->decls.n; i++) {
        const Decl *d = l->p->decls.v[i];
        if (d->kind != D_GLOBAL) continue;
        Opnds v = {0};
        expr(l, d->u.global.init, &v);
        VarRef ref = {.global = true, .slot = d->u.global.index};
        assign_words(l, &ref, v.v, (uint32_t)v.n);
        vec_free(&v);
    }
    push_list(l, emit(l, IR_RET), NULL, 0);
    close_blocks(fn);
    return fn;
}

/* main when the program has none: fun main() { return 0; } (§5.3). */
static IrFn *default_main(Lower *l, uint32_t index)
{
    IrFn *fn = new_fn(l, intern_cstr(l->p->interner, "main"), index);
    fn->nret = 1;
    Opnd zero = ir_imm(0);
    push_list(l, emit(l, IR_RET), &zero, 1);
    return fn;
}

static void layout_globals(Lower *l)
{
    l->glob_off = xcalloc(l->p->nglobals + 1, sizeof *l->glob_off);
    for (size_t i = 0; i < l->p->decls.n; i++) {
        const Decl *d = l->p->decls.v[i];
        if (d->kind == D_GLOBAL) {
            l->glob_off[d->u.global.index] = l->ir->global_words;
            l->ir->global_words += words(l, d->u.global.shape);
        } else if (d->kind == D_EXN) {
            IrExn x = {d->u.exn.name, words(l, d->u.exn.shape)};
            vec_push(&l->ir->exns, x);
        }
    }
}

IrProg *ir_lower(Program *p)
{
    uint32_t nfun = p->nfuns;   /* FunDecl.index < nfuns: numbered by the checker */
    IrProg *ir = xcalloc(1, sizeof *ir);
    Lower l = {.p = p, .ir = ir};
    layout_globals(&l);
    for (uint32_t k = 0; k < nfun; k++) vec_push(&ir->fns, NULL);
    ir->main_fn = UINT32_MAX;
    for (size_t i = 0; i < p->decls.n; i++) {
        const Decl *d = p->decls.v[i];
        if (d->kind != D_FUN) continue;
        IrFn *fn = lower_fun(&l, &d->u.fun);
        ir->fns.v[d->u.fun.index] = fn;
        if (!strcmp(fn->name, "main")) ir->main_fn = fn->index;
    }
    if (ir->main_fn == UINT32_MAX) {
        ir->main_fn = (uint32_t)ir->fns.n;
        vec_push(&ir->fns, default_main(&l, ir->main_fn));
    }
    ir->init_fn = (uint32_t)ir->fns.n;
    vec_push(&ir->fns, lower_init(&l, ir->init_fn));
    free(l.glob_off);
    vec_free(&l.loops);
    return ir;
}

void ir_free(IrProg *ir)
{
    if (!ir) return;
    for (size_t i = 0; i < ir->fns.n; i++) {
        IrFn *fn = ir->fns.v[i];
        for (size_t b = 0; b < fn->blocks.n; b++) vec_free(&fn->blocks.v[b].ins);
        vec_free(&fn->blocks);
        vec_free(&fn->lists);
        free(fn);
    }
    vec_free(&ir->fns);
    vec_free(&ir->exns);
    free(ir);
}
