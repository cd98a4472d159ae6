/*
 * compile: a checked AST -> the interpreter's pre-resolved form.
 *
 * Precondition: check_program succeeded (every Expr has a shape, every
 * variable a global index or local slot, every Call its FunDecl, field
 * offsets set). Two phases:
 *
 *  compile_layout  globals area (word offset per global index), exception
 *                  table, one Fn per function with its parameter layout;
 *  compile_code    (after memory_init, so @base and @top are constants)
 *                  frames, expression trees, instruction arrays.
 *
 * Frame layout: parameters first (they are the first slots), then every
 * other slot at its own offset (one slot per declaration, so no slot is
 * reused and `var` needs no restore), then scratch words for the current
 * statement's temporaries (allocated by bump, reset per statement). A call
 * evaluates its arguments straight into the callee's frame, which starts
 * right after the caller's.
 *
 * Runtime checks the static checker already discharged (shapes of
 * declarations, assignments, arguments, returns, throws) are not compiled;
 * those it cannot discharge are (struct comparison, and defensively
 * falling off a function, escaping break/continue, oversized values).
 */
#include "sem_int.h"

#include <stdlib.h>

#include <string.h>

typedef struct Loop {
    uint32_t start;
    VEC(uint32_t) breaks;
} Loop;

typedef struct Cx {
    Sem *s;
    Fn *fn;
    VEC(Ins) code;
    uint32_t *slot_off, *slot_words;
    uint32_t nslots;
    uint32_t locals;         /* words of parameters and locals */
    uint32_t tmp, tmp_max;   /* scratch: fp[locals ..) */
    VEC(Loop *) loops;
    bool ok;
} Cx;

static uint32_t shape_words(Sem *s, const Shape *sh)
{
    return check_shape_words(s->prog, sh);
}

/* ---- function table ------------------------------------------------- */

static Fn *fn_of(Sem *s, const FunDecl *d)
{
    /* the checker numbers the functions (FunDecl.index) */
    if (d->index < s->nfns && s->fns[d->index].decl == d) return &s->fns[d->index];
    die("sem: call to a function that is not in the program");
}

static void layout_fn(Sem *s, Fn *f, const FunDecl *d)
{
    f->name = d->name;
    f->decl = d;
    f->nparams = d->nparams;
    f->param_off = arena_alloc(&s->arena, sizeof(uint32_t) * (d->nparams + 1));
    f->words_only = true;
    uint32_t off = 0;
    for (uint32_t i = 0; i < d->nparams; i++) {
        f->param_off[i] = off;
        uint32_t w = shape_words(s, d->params[i].shape);
        if (d->params[i].shape->kind != SHAPE_ONE) f->words_only = false;
        off += w;
    }
    f->param_words = off;
    f->ret_words = d->ret ? shape_words(s, d->ret) : 1;
    if (d->ret && d->ret->kind != SHAPE_ONE) f->words_only = false;
}

bool compile_layout(Sem *s)
{
    Program *p = s->prog;
    uint32_t nfns = 0, nexns = 0;
    for (size_t i = 0; i < p->decls.n; i++) {
        if (p->decls.v[i]->kind == D_FUN) nfns++;
        if (p->decls.v[i]->kind == D_EXN) nexns++;
    }
    s->fns = arena_alloc(&s->arena, sizeof(Fn) * (nfns + 1));
    s->exns = arena_alloc(&s->arena, sizeof(ExnInfo) * (nexns + 1));
    s->nglobals = p->nglobals;
    s->global_off = arena_alloc(&s->arena, sizeof(uint32_t) * (p->nglobals + 1));
    Sym main_name = intern_cstr(p->interner, "main");
    for (size_t i = 0; i < p->decls.n; i++) {
        Decl *d = p->decls.v[i];
        switch (d->kind) {
        case D_FUN: {
            Fn *f = &s->fns[s->nfns++];
            layout_fn(s, f, &d->u.fun);
            if (d->u.fun.name == main_name && !s->main_fn) s->main_fn = f;
            break;
        }
        case D_GLOBAL:
            if (d->u.global.index >= p->nglobals) die("sem: global index out of range");
            s->global_off[d->u.global.index] = s->global_words;
            s->global_words += shape_words(s, d->u.global.shape);
            break;
        case D_EXN:
            s->exns[s->nexns].name = d->u.exn.name;
            s->exns[s->nexns].words = shape_words(s, d->u.exn.shape);
            s->nexns++;
            break;
        case D_STRUCT: case D_ANNOT: break;
        }
    }
    return true;
}

static uint32_t exn_index(Sem *s, Sym name)
{
    for (uint32_t i = 0; i < s->nexns; i++)
        if (s->exns[i].name == name) return i;
    die("sem: exception %s is not declared", name);
}

/* ---- frame layout ---------------------------------------------------- */

static void note_slot(Cx *cx, const VarRef *v, const Shape *sh)
{
    if (v->global || v->slot >= cx->nslots) die("sem: declaration with a bad slot");
    cx->slot_words[v->slot] = shape_words(cx->s, sh);
}

static void scan_block(Cx *cx, const Block *b);

static void scan_stmt(Cx *cx, const Stmt *st)
{
    switch (st->kind) {
    case S_DEC: note_slot(cx, &st->u.dec.var, st->u.dec.shape); break;
    case S_DECCALL: note_slot(cx, &st->u.deccall.var, st->u.deccall.shape); break;
    case S_IF:
        scan_block(cx, &st->u.if_.then);
        if (st->u.if_.has_else) scan_block(cx, &st->u.if_.els);
        break;
    case S_WHILE: scan_block(cx, &st->u.while_.body); break;
    case S_TRY: scan_block(cx, &st->u.try_.handler); break;
    case S_BLOCK: scan_block(cx, &st->u.block); break;
    case S_SKIP: case S_ASSIGN: case S_CALL: case S_STORE: case S_SHLOAD: case S_SHSTORE:
    case S_BREAK: case S_CONTINUE: case S_TICK: case S_FFI: case S_THROW: case S_RETURN:
    case S_ANNOT:
        break;
    }
}

static void scan_block(Cx *cx, const Block *b)
{
    for (uint32_t i = 0; i < b->n; i++) scan_stmt(cx, b->v[i]);
}

static void layout_frame(Cx *cx, const FunDecl *d)
{
    Fn *f = cx->fn;
    cx->nslots = d->nslots > d->nparams ? d->nslots : d->nparams;
    cx->slot_off = xcalloc(cx->nslots + 1, sizeof(uint32_t));
    cx->slot_words = xcalloc(cx->nslots + 1, sizeof(uint32_t));
    for (uint32_t i = 0; i < d->nparams; i++) {
        cx->slot_off[i] = f->param_off[i];
        cx->slot_words[i] = shape_words(cx->s, d->params[i].shape);
    }
    scan_block(cx, &d->body);
    uint32_t off = f->param_words;
    for (uint32_t i = d->nparams; i < cx->nslots; i++) {
        cx->slot_off[i] = off;
        off += cx->slot_words[i];
    }
    cx->locals = off;
}

/* ---- expressions ----------------------------------------------------- */

static ENode *node(Cx *cx, EnOp op, uint32_t words, const Span *sp)
{
    ENode *n = arena_alloc(&cx->s->arena, sizeof *n);
    n->op = (uint8_t)op;
    n->words = words;
    n->span = *sp;
    return n;
}

static uint32_t tmp_alloc(Cx *cx, uint32_t words)
{
    uint32_t t = cx->tmp;
    cx->tmp += words;
    if (cx->tmp > cx->tmp_max) cx->tmp_max = cx->tmp;
    return t;
}

static uint32_t local_off(Cx *cx, uint32_t slot)
{
    if (slot >= cx->nslots) die("sem: local slot %u out of range", slot);
    return cx->slot_off[slot];
}

static ENode *cexpr(Cx *cx, const Expr *e);

static ENode *nary(Cx *cx, const Expr *e, EnOp bin, EnOp many)
{
    uint32_t n = e->u.list.n;
    if (n == 1) return cexpr(cx, e->u.list.v[0]);
    if (n == 2 && bin != many) {
        ENode *r = node(cx, bin, 1, &e->span);
        r->a = cexpr(cx, e->u.list.v[0]);
        r->b = cexpr(cx, e->u.list.v[1]);
        return r;
    }
    ENode *r = node(cx, many, 1, &e->span);
    r->n = n;
    r->kids = arena_alloc(&cx->s->arena, sizeof(ENode *) * n);
    for (uint32_t i = 0; i < n; i++) r->kids[i] = cexpr(cx, e->u.list.v[i]);
    return r;
}

static ENode *binary(Cx *cx, const Expr *e, EnOp op, const Expr *a, const Expr *b)
{
    ENode *r = node(cx, op, 1, &e->span);
    r->a = cexpr(cx, a);
    r->b = cexpr(cx, b);
    return r;
}

static const EnOp cmp_ops[] = {
    [CMP_EQ] = EN_EQ, [CMP_NE] = EN_NE, [CMP_LT] = EN_LT, [CMP_GT] = EN_GT,
    [CMP_LE] = EN_LE, [CMP_GE] = EN_GE, [CMP_LTU] = EN_LTU, [CMP_GTU] = EN_GTU,
    [CMP_LEU] = EN_LEU, [CMP_GEU] = EN_GEU,
};
static const EnOp shift_ops[] = {
    [SH_LSL] = EN_LSL, [SH_LSR] = EN_LSR, [SH_ASR] = EN_ASR, [SH_ROR] = EN_ROR,
};

static ENode *ccmp(Cx *cx, const Expr *e)
{
    const Expr *a = e->u.bin.a, *b = e->u.bin.b;
    if (e->op >= ARRAY_LEN(cmp_ops)) die("sem: bad comparison");
    if (a->shape->kind == SHAPE_ONE && b->shape->kind == SHAPE_ONE)
        return binary(cx, e, cmp_ops[e->op], a, b);
    /* Equal-shaped structs pass the checker; the reference's Cmp is an
     * Error on anything but words (§3.3). */
    ENode *r = binary(cx, e, EN_CMPSTRUCT, a, b);
    r->tmp = tmp_alloc(cx, r->a->words + r->b->words);
    return r;
}

/* Word offset of tuple element i in a value of shape sh. */
static uint32_t elem_offset(Cx *cx, const Shape *sh, uint32_t i)
{
    uint32_t off = 0;
    if (sh->kind == SHAPE_COMB) {
        if (i >= sh->n) die("sem: field index out of range");
        for (uint32_t k = 0; k < i; k++) off += shape_words(cx->s, sh->elems[k]);
        return off;
    }
    if (sh->kind == SHAPE_NAMED) {
        StructDecl *sd = check_find_struct(cx->s->prog, sh->name);
        if (!sd || i >= sd->nfields) die("sem: field of an unknown struct");
        for (uint32_t k = 0; k < i; k++) off += shape_words(cx->s, sd->fields[k].shape);
        return off;
    }
    die("sem: field of a word");
}

static ENode *cfield(Cx *cx, const Expr *e, uint32_t words)
{
    const Expr *sub = e->u.field.e;
    uint32_t off = e->kind == E_NFIELD ? e->u.field.offset
                                        : elem_offset(cx, sub->shape, e->u.field.index);
    ENode *a = cexpr(cx, sub);
    if (a->op == EN_LOCAL || a->op == EN_GLOBAL) {
        /* x.1.0 is a slice of x: no copy */
        a->off += off;
        a->words = words;
        a->span = e->span;
        return a;
    }
    ENode *r = node(cx, EN_FIELD, words, &e->span);
    r->a = a;
    r->off = off;
    r->tmp = tmp_alloc(cx, a->words);
    return r;
}

static ENode *cnstruct(Cx *cx, const Expr *e, uint32_t words)
{
    /* Fields may be written in any order; lay them out in declared order
     * (the compiler's pan_structs does the same, §3.3 [DISCREPANCY]). */
    uint32_t n = e->u.nstruct.n;
    ENode *r = node(cx, EN_STRUCT, words, &e->span);
    r->n = n;
    r->kids = arena_alloc(&cx->s->arena, sizeof(ENode *) * n);
    for (uint32_t i = 0; i < n; i++) {
        const NField *f = &e->u.nstruct.v[i];
        if (f->index >= n || r->kids[f->index]) die("sem: bad named struct field index");
        r->kids[f->index] = cexpr(cx, f->value);
    }
    return r;
}

static ENode *cexpr(Cx *cx, const Expr *e)
{
    Sem *s = cx->s;
    uint32_t w = e->shape ? shape_words(s, e->shape) : 1;
    ENode *r;
    switch (e->kind) {
    case E_CONST: r = node(cx, EN_CONST, 1, &e->span); r->k = e->u.value; return r;
    case E_VAR:
        r = node(cx, e->u.var.global ? EN_GLOBAL : EN_LOCAL, w, &e->span);
        r->off = e->u.var.global ? s->global_off[e->u.var.slot] : local_off(cx, e->u.var.slot);
        return r;
    case E_STRUCT:
        r = node(cx, EN_STRUCT, w, &e->span);
        r->n = e->u.list.n;
        r->kids = arena_alloc(&s->arena, sizeof(ENode *) * r->n);
        for (uint32_t i = 0; i < r->n; i++) r->kids[i] = cexpr(cx, e->u.list.v[i]);
        return r;
    case E_NSTRUCT: return cnstruct(cx, e, w);
    case E_FIELD: case E_NFIELD: return cfield(cx, e, w);
    case E_LOAD:
        r = node(cx, EN_LOAD, shape_words(s, e->u.load.shape), &e->span);
        r->a = cexpr(cx, e->u.load.addr);
        return r;
    case E_LOAD8: case E_LOAD32:
        r = node(cx, e->kind == E_LOAD8 ? EN_LOAD8 : EN_LOAD32, 1, &e->span);
        r->a = cexpr(cx, e->u.load.addr);
        return r;
    case E_ADD: return nary(cx, e, EN_ADD2, EN_ADDN);
    case E_AND: return nary(cx, e, EN_AND2, EN_ANDN);
    case E_OR: return nary(cx, e, EN_OR2, EN_ORN);
    case E_XOR: return nary(cx, e, EN_XOR2, EN_XORN);
    case E_SUB: return binary(cx, e, EN_SUB, e->u.list.v[0], e->u.list.v[1]);
    case E_MUL: return binary(cx, e, EN_MUL, e->u.list.v[0], e->u.list.v[1]);
    case E_LAND: case E_LOR: {
        EnOp op = e->kind == E_LAND ? EN_LAND : EN_LOR;
        r = node(cx, op, 1, &e->span);
        r->n = e->u.list.n;
        r->kids = arena_alloc(&s->arena, sizeof(ENode *) * r->n);
        for (uint32_t i = 0; i < r->n; i++) r->kids[i] = cexpr(cx, e->u.list.v[i]);
        return r;
    }
    case E_NOT: r = node(cx, EN_NOT, 1, &e->span); r->a = cexpr(cx, e->u.un); return r;
    case E_CMP: return ccmp(cx, e);
    case E_SHIFT:
        if (e->op >= ARRAY_LEN(shift_ops)) die("sem: bad shift");
        return binary(cx, e, shift_ops[e->op], e->u.bin.a, e->u.bin.b);
    case E_BASE: case E_TOP: case E_BIW:
        r = node(cx, EN_CONST, 1, &e->span);
        r->k = e->kind == E_BASE ? s->base : e->kind == E_TOP ? s->top : PNK_WORD_BYTES;
        return r;
    }
    die("sem: bad expression kind %d", e->kind);
}

/* ---- statements ------------------------------------------------------ */

static uint32_t here(Cx *cx) { return (uint32_t)cx->code.n; }

static uint32_t emit(Cx *cx, Ins in)
{
    vec_push(&cx->code, in);
    return here(cx) - 1;
}

static uint32_t emit_fail(Cx *cx, const Span *sp, const char *reason)
{
    Ins in = {.op = OP_FAIL, .span = *sp, .p = (void *)reason};
    return emit(cx, in);
}

/* dest := e. fresh: dest is a new variable e cannot read. */
static void emit_set(Cx *cx, bool global, uint32_t off, uint32_t words, const Expr *e,
                     bool fresh, const Span *sp)
{
    ENode *n = cexpr(cx, e);
    Ins in = {.span = *sp, .a = off, .b = words, .e1 = n};
    if (words == 1) in.op = global ? OP_SET1_G : OP_SET1_L;
    else if (n->op == EN_LOCAL || n->op == EN_GLOBAL) in.op = global ? OP_COPY_G : OP_COPY_L;
    else if (fresh) in.op = global ? OP_SETN_G : OP_SETN_L;
    else {
        in.op = global ? OP_SETT_G : OP_SETT_L;
        in.c = tmp_alloc(cx, words);
    }
    emit(cx, in);
}

static void dest_of(Cx *cx, const VarRef *v, CallSite *cs, uint32_t words)
{
    cs->has_dest = true;
    cs->dest_global = v->global;
    cs->dest_off = v->global ? cx->s->global_off[v->slot] : local_off(cx, v->slot);
    cs->dest_words = words;
}

static CallSite *csite(Cx *cx, const Call *c, CallSiteKind kind)
{
    CallSite *cs = arena_alloc(&cx->s->arena, sizeof *cs);
    cs->kind = (uint8_t)kind;
    cs->callee = c->addcarry ? NULL : fn_of(cx->s, c->fn);
    cs->nargs = c->nargs;
    cs->args = arena_alloc(&cx->s->arena, sizeof(ENode *) * (c->nargs + 1));
    for (uint32_t i = 0; i < c->nargs; i++) cs->args[i] = cexpr(cx, c->args[i]);
    if (cs->callee && cs->callee->nparams != c->nargs) die("sem: argument count not checked");
    return cs;
}

static void ccall(Cx *cx, const Stmt *st, const Call *c, CallSiteKind kind, const VarRef *dest,
                  const Shape *dest_shape, bool tail)
{
    CallSite *cs = csite(cx, c, kind);
    Ins in = {.op = tail ? OP_TAILCALL : OP_CALL, .span = st->span, .p = cs};
    if (c->addcarry) {
        if (!dest || dest->global) die("sem: add-with-carry without a local destination");
        in.op = OP_ADDCARRY;
        dest_of(cx, dest, cs, 2);
    } else if (dest) {
        uint32_t words = dest_shape ? shape_words(cx->s, dest_shape) : cs->callee->ret_words;
        dest_of(cx, dest, cs, words);
    }
    emit(cx, in);
}

static void cblock(Cx *cx, const Block *b);

static void ctry(Cx *cx, const Stmt *st)
{
    const Call *c = &st->u.try_.call;
    CallSite *cs = csite(cx, c, CS_TRY);
    if (st->u.try_.has_dest) dest_of(cx, &st->u.try_.dest, cs, cs->callee->ret_words);
    cs->exn = exn_index(cx->s, st->u.try_.exn);
    const VarRef *cv = &st->u.try_.catchvar;
    if (cv->global) die("sem: catch variable is not a local");
    cs->catch_off = local_off(cx, cv->slot);
    cs->catch_words = cx->s->exns[cs->exn].words;
    Ins in = {.op = OP_CALL, .span = st->span, .p = cs};
    emit(cx, in);
    uint32_t skip = emit(cx, (Ins){.op = OP_JMP, .span = st->span});
    cs->handler = here(cx);
    cblock(cx, &st->u.try_.handler);
    cx->code.v[skip].a = here(cx);
}

static void cif(Cx *cx, const Stmt *st)
{
    Ins jz = {.op = OP_JZ, .span = st->u.if_.cond->span, .e1 = cexpr(cx, st->u.if_.cond)};
    uint32_t j = emit(cx, jz);
    cblock(cx, &st->u.if_.then);
    if (st->u.if_.has_else && st->u.if_.els.n) {
        uint32_t k = emit(cx, (Ins){.op = OP_JMP, .span = st->span});
        cx->code.v[j].a = here(cx);
        cblock(cx, &st->u.if_.els);
        cx->code.v[k].a = here(cx);
    } else {
        cx->code.v[j].a = here(cx);
    }
}

static void cwhile(Cx *cx, const Stmt *st)
{
    Loop lp = {.start = here(cx)};
    Ins w = {.op = OP_WHILE, .span = st->span, .e1 = cexpr(cx, st->u.while_.cond)};
    uint32_t j = emit(cx, w);
    vec_push(&cx->loops, &lp);
    cblock(cx, &st->u.while_.body);
    cx->loops.n--;
    emit(cx, (Ins){.op = OP_JMP, .a = lp.start, .span = st->span});
    cx->code.v[j].a = here(cx);
    for (size_t i = 0; i < lp.breaks.n; i++) cx->code.v[lp.breaks.v[i]].a = here(cx);
    vec_free(&lp.breaks);
}

static void cjump(Cx *cx, const Stmt *st)
{
    bool brk = st->kind == S_BREAK;
    if (!cx->loops.n) {
        emit_fail(cx, &st->span,
                  arena_printf(&cx->s->arena, "%s escapes function %s",
                               brk ? "break" : "continue", cx->fn->name));
        return;
    }
    Loop *lp = cx->loops.v[cx->loops.n - 1];
    uint32_t j = emit(cx, (Ins){.op = OP_JMP, .a = lp->start, .span = st->span});
    if (brk) vec_push(&lp->breaks, j);
}

static void cvalue_op(Cx *cx, const Stmt *st, Op op1, Op opn, const Expr *e, uint32_t a)
{
    ENode *n = cexpr(cx, e);
    if (n->words > PNK_MAX_RETURN_WORDS) {
        emit_fail(cx, &st->span,
                  arena_printf(&cx->s->arena, "value of %u words exceeds the limit of %d words",
                               n->words, PNK_MAX_RETURN_WORDS));
        return;
    }
    emit(cx, (Ins){.op = n->words == 1 ? op1 : opn, .a = a, .b = n->words, .e1 = n,
                   .span = st->span});
}

static void cstore(Cx *cx, const Stmt *st)
{
    ENode *addr = cexpr(cx, st->u.store.addr), *v = cexpr(cx, st->u.store.value);
    Ins in = {.span = st->span, .e1 = addr, .e2 = v, .b = v->words};
    switch (st->u.store.width) {
    case 1: in.op = OP_STORE8; break;
    case 2: in.op = OP_STORE16; break;
    case 4: in.op = OP_STORE32; break;
    default:
        if (v->words == 1) {
            in.op = OP_STORE1;
        } else {
            in.op = OP_STOREN;
            in.c = (v->op == EN_LOCAL || v->op == EN_GLOBAL) ? UINT32_MAX : tmp_alloc(cx, v->words);
        }
    }
    emit(cx, in);
}

static void cffi(Cx *cx, const Stmt *st)
{
    FfiSite *fs = arena_alloc(&cx->s->arena, sizeof *fs);
    fs->fn = ffi_resolve(cx->s, st->u.ffi.name, &st->span);
    if (!fs->fn) cx->ok = false;
    for (int i = 0; i < 4; i++) fs->args[i] = cexpr(cx, st->u.ffi.args[i]);
    emit(cx, (Ins){.op = OP_FFI, .p = fs, .span = st->span});
}

static void cstmt(Cx *cx, const Stmt *st)
{
    cx->tmp = cx->locals;
    switch (st->kind) {
    case S_SKIP: case S_ANNOT: return;
    case S_DEC: {
        const VarRef *v = &st->u.dec.var;
        emit_set(cx, false, local_off(cx, v->slot), cx->slot_words[v->slot], st->u.dec.init, true,
                 &st->span);
        return;
    }
    case S_DECCALL:
        ccall(cx, st, &st->u.deccall.call, CS_ASSIGN, &st->u.deccall.var, st->u.deccall.shape,
              false);
        return;
    case S_ASSIGN: {
        const VarRef *v = &st->u.assign.var;
        uint32_t off = v->global ? cx->s->global_off[v->slot] : local_off(cx, v->slot);
        uint32_t words = st->u.assign.e->shape ? shape_words(cx->s, st->u.assign.e->shape) : 1;
        emit_set(cx, v->global, off, words, st->u.assign.e, false, &st->span);
        return;
    }
    case S_CALL:
        switch (st->u.call.kind) {
        case CALL_STANDALONE: ccall(cx, st, &st->u.call.call, CS_STANDALONE, NULL, NULL, false); return;
        case CALL_ASSIGN: ccall(cx, st, &st->u.call.call, CS_ASSIGN, &st->u.call.dest, NULL, false); return;
        case CALL_TAIL: ccall(cx, st, &st->u.call.call, CS_STANDALONE, NULL, NULL, true); return;
        }
        die("sem: bad call kind");
    case S_STORE: cstore(cx, st); return;
    case S_SHLOAD: {
        const VarRef *v = &st->u.shmem.dest;
        emit(cx, (Ins){.op = OP_SHLOAD, .width = st->u.shmem.width, .c = v->global,
                       .a = v->global ? cx->s->global_off[v->slot] : local_off(cx, v->slot),
                       .e1 = cexpr(cx, st->u.shmem.addr), .span = st->span});
        return;
    }
    case S_SHSTORE:
        emit(cx, (Ins){.op = OP_SHSTORE, .width = st->u.shmem.width,
                       .e1 = cexpr(cx, st->u.shmem.addr), .e2 = cexpr(cx, st->u.shmem.value),
                       .span = st->span});
        return;
    case S_IF: cif(cx, st); return;
    case S_WHILE: cwhile(cx, st); return;
    case S_BREAK: case S_CONTINUE: cjump(cx, st); return;
    case S_TICK: emit(cx, (Ins){.op = OP_TICK, .span = st->span}); return;
    case S_FFI: cffi(cx, st); return;
    case S_THROW:
        cvalue_op(cx, st, OP_THROW, OP_THROW, st->u.throw_.e, exn_index(cx->s, st->u.throw_.exn));
        return;
    case S_RETURN: cvalue_op(cx, st, OP_RET1, OP_RETN, st->u.ret.e, 0); return;
    case S_TRY: ctry(cx, st); return;
    case S_BLOCK: cblock(cx, &st->u.block); return;
    }
    die("sem: bad statement kind %d", st->kind);
}

static void cblock(Cx *cx, const Block *b)
{
    for (uint32_t i = 0; i < b->n; i++) cstmt(cx, b->v[i]);
}

static void finish_fn(Cx *cx)
{
    Fn *f = cx->fn;
    f->ncode = (uint32_t)cx->code.n;
    f->code = arena_alloc(&cx->s->arena, sizeof(Ins) * (cx->code.n + 1));
    if (cx->code.n) memcpy(f->code, cx->code.v, sizeof(Ins) * cx->code.n);
    f->frame_words = cx->tmp_max > cx->locals ? cx->tmp_max : cx->locals;
    vec_free(&cx->code);
    vec_free(&cx->loops);
    free(cx->slot_off);
    free(cx->slot_words);
}

static bool compile_fn(Sem *s, Fn *f)
{
    const FunDecl *d = f->decl;
    Cx cx = {.s = s, .fn = f, .ok = true};
    layout_frame(&cx, d);
    cx.tmp = cx.tmp_max = cx.locals;
    cblock(&cx, &d->body);
    /* The checker makes every path end in return/tail call/throw; the
     * reference's Error for falling off the end stays as a safety net. */
    Span end = d->body.span;
    end.line = end.eline;
    end.col = end.ecol;
    emit_fail(&cx, &end, arena_printf(&s->arena, "function %s ended without returning", f->name));
    finish_fn(&cx);
    return cx.ok;
}

static void compile_init(Sem *s)
{
    Program *p = s->prog;
    Fn *f = &s->init_fn;
    f->name = s->init_name;
    Cx cx = {.s = s, .fn = f, .ok = true};
    for (size_t i = 0; i < p->decls.n; i++) {
        Decl *d = p->decls.v[i];
        if (d->kind != D_GLOBAL) continue;
        const GlobalDecl *g = &d->u.global;
        cx.tmp = cx.locals;
        /* not "fresh": a redeclared global may share its slot */
        emit_set(&cx, true, s->global_off[g->index], shape_words(s, g->shape), g->init, false,
                 &d->span);
    }
    Span none = {0};
    emit(&cx, (Ins){.op = OP_HALT, .span = none});
    finish_fn(&cx);
}

bool compile_code(Sem *s)
{
    bool ok = true;
    compile_init(s);
    for (uint32_t i = 0; i < s->nfns; i++) ok &= compile_fn(s, &s->fns[i]);
    return ok;
}
