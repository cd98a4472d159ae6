/*
 * griddle verify --emit-viper: the checked Pancake program, its
 * annotations and the -m models printed as one Viper program with the
 * meaning griddle verifies (docs/verifier.md "Viper output").
 *
 * The encoding follows pancake2viper (shared/reference/verifier.md §2)
 * where that is correct and griddle's fixes where §2.15/§8 list a bug:
 *   - a Pancake function is `method f_NAME(heap: IArray, <model fields>,
 *     [globals: Ref,] params) returns (retval)`; parameters are copied into
 *     locals (§2.6); words are Int with an `assert` on every arithmetic
 *     result (shifts and negative literals included, §2.15 #7, #8); signed
 *     comparisons read words as two's complement (#9); structs are
 *     flattened Seq[Int] (§2.5);
 *   - the heap is `slot(heap, i).heap_elem`, word index `a \ 8` (#11),
 *     sub-word accesses shift by 8 * (a % 8) (#12); loaded words are words;
 *   - shared accesses call the model method griddle dispatches to (the
 *     same table and the same region test: vspec_shared_at, vshared_*),
 *     FFI calls their contract method (vspec_ffi_method);
 *   - loops are while loops with invariants, plus bounds of the word
 *     variables in scope; a condition with obligations (overflow, loads)
 *     is evaluated at the top of a `while (true)` body and exits by goto;
 *     break/continue/non-tail returns are gotos to unique labels (#14); no
 *     condition temporaries are inhaled after a break (#13);
 *   - the end of a function that may be reached without a return is
 *     `assert false`; `refute false` closes every verified method (§2.1).
 * Everything here only prints: nothing is decided that the verifier
 * decides differently (the shared tables are the verifier's own).
 */
#include "verify/verify.h"

#include "check/check.h"
#include "vbody.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#define TWO64 "18446744073709551616"
#define TWO63 "9223372036854775808"

typedef struct Loop Loop;
struct Loop {
    Loop *up;
    unsigned id;
    bool brk, cont;        /* labels used */
};

typedef struct Em {
    const VSpec *s;
    const Program *prog;
    bool no_overflow;
    DiagList *dl;
    Arena ar;
    StrBuf *b;             /* current output */
    int ind;
    bool ok;
    /* prelude parts used */
    bool use_signed, use_sub, use_shift[4];
    /* the declaration being printed */
    const VLocals *locals;
    const FunDecl *fd;
    Sym *slot_names;
    bool contract;         /* VX_PVAR of a parameter means its entry value */
    int in_old;
    unsigned ntmp, nlabel, nq;
    const VShared *use;    /* pending `use NAME` */
    Loop *loop;
    /* Pancake variables declared at this point (by slot), with their
     * shapes: their bounds are loop invariants */
    bool *declared;
    const Shape **shapes;
    bool ret_label;        /* a non-tail return jumps to the end */
    bool *gwrites;         /* vg_global_writes: the globals each function may assign */
} Em;

static void sx(Em *m, StrBuf *b, const VExpr *e);
static const char *sstr(Em *m, const VExpr *e);

/* ---- output ------------------------------------------------------------- */

static void line(Em *m, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void line(Em *m, const char *fmt, ...)
{
    for (int i = 0; i < m->ind; i++) sb_puts(m->b, "  ");
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(m->b, fmt, ap);
    va_end(ap);
    sb_putc(m->b, '\n');
}

static const char *where(Em *m, Span sp)
{
    const char *f = m->s->srcmgr ? srcmgr_name(m->s->srcmgr, sp.file) : NULL;
    return arena_printf(&m->ar, "%s:%u:%u", f ? f : "?", sp.line, sp.col);
}

static void unsupported(Em *m, Span sp, const char *what)
{
    diag_add(m->dl, DIAG_ERROR, "verify.unsupported", &sp, "--emit-viper: %s", what);
    m->ok = false;
}

/* Names the printer makes up contain '$', which no Pancake name (hence no
 * NAME_slot) does: temporaries t$N, bound variables q$N. */
static const char *tmp(Em *m) { return arena_printf(&m->ar, "t$%u", m->ntmp++); }

/* ---- names and types ---------------------------------------------------- */

static const char *slot_name(Em *m, uint32_t slot)
{
    Sym n = m->slot_names && slot < m->fd->nslots ? m->slot_names[slot] : NULL;
    return arena_printf(&m->ar, "%s_%u", n ? n : "v", slot);
}

/* the immutable Viper parameter holding a Pancake parameter's entry value */
static const char *entry_name(Em *m, uint32_t slot)
{
    return arena_printf(&m->ar, "%s_in", slot_name(m, slot));
}

static const char *global_name(Em *m, uint32_t g)
{
    const GlobalDecl *gd = check_global(m->prog, g);
    return arena_printf(&m->ar, "globals.g_%s", gd ? gd->name : "?");
}

static uint32_t words(Em *m, const Shape *sh) { return sh ? check_shape_words(m->prog, sh) : 1; }

/* A word is an Int; any struct (even of one word) a Seq[Int] (§2.5). */
static bool is_word(const Shape *sh) { return !sh || sh->kind == SHAPE_ONE; }

static const char *shape_type(const Shape *sh) { return is_word(sh) ? "Int" : "Seq[Int]"; }


static const char *local_name(Em *m, uint32_t idx, Sym name)
{
    if (m->locals && idx < m->locals->n) return m->locals->v[idx].name;
    return name ? name : "?";
}

/* ", heap, <model fields>" for a declaration written in a Pancake
 * annotation (its implicit parameters, vast.h) */
static void implicit_args(Em *m, StrBuf *b, bool first)
{
    sb_puts(b, first ? "heap" : ", heap");
    for (size_t i = 0; i < m->s->model_fields.n; i++) sb_printf(b, ", %s", m->s->model_fields.v[i]);
}

static void implicit_params(Em *m, StrBuf *b)
{
    sb_puts(b, "heap: IArray");
    for (size_t i = 0; i < m->s->model_fields.n; i++) sb_printf(b, ", %s: Ref", m->s->model_fields.v[i]);
}

/* ---- specification expressions ------------------------------------------ */

/* Viper's spelling: the annotation language's, but integer division is
 * `\\` (Viper's `/` between Ints is a fraction) and the bit operations are
 * pancake2viper's bv64 functions */
static const char *binop(VBinOp op)
{
    switch ((int)op) {
    case VB_DIV: return "\\";
    case VB_BAND: return "bv64_and";
    case VB_BOR: return "bv64_or";
    case VB_BXOR: return "bv64_xor";
    case VB_SHL: return "bv64_shl";
    case VB_LSHR: return "bv64_lshr";
    case VB_ASHR: return "bv64_ashr";
    default: return vbinop_text(op);
    }
}

static bool is_bitop(VBinOp op) { return op >= VB_BAND && op <= VB_ASHR; }

static void sargs(Em *m, StrBuf *b, const VExprList *l, bool first)
{
    for (uint32_t i = 0; i < l->n; i++) {
        if (i || !first) sb_puts(b, ", ");
        sx(m, b, l->v[i]);
    }
}

static void call_args(Em *m, StrBuf *b, VOrigin origin, bool is_domain, const VExprList *args)
{
    sb_puts(b, "(");
    bool implicit = origin == VO_PANCAKE && !is_domain;
    if (implicit) implicit_args(m, b, true);
    sargs(m, b, args, !implicit);
    sb_puts(b, ")");
}

static bool is_iarray(const VExpr *e) { return e->kind == VX_HEAP || (e->type && e->type->kind == VT_IARRAY); }

/* heap[i] / a[i] on an IArray: slot(a, i).heap_elem */
static void slot_loc(Em *m, StrBuf *b, const VExpr *base, const VExpr *i)
{
    sb_puts(b, "slot(");
    sx(m, b, base);
    sb_puts(b, ", ");
    sx(m, b, i);
    sb_puts(b, ").heap_elem");
}

static void sperm(Em *m, StrBuf *b, const VExpr *p)
{
    if (!p) return;
    sb_puts(b, ", ");
    if (p->kind == VX_PERMLIT && p->u.perm.num == p->u.perm.den) sb_puts(b, "write");
    else sx(m, b, p);
}

/* A struct literal: words grouped in Seq(...), struct parts concatenated. */
static void sstruct(Em *m, StrBuf *b, const VExprList *l)
{
    bool open = false, any = false;
    sb_puts(b, "(");
    for (uint32_t i = 0; i < l->n; i++) {
        const VExpr *x = l->v[i];
        bool seq = x->type && x->type->kind == VT_SHAPE;
        if (seq) {
            if (open) sb_puts(b, ")");
            if (any) sb_puts(b, " ++ ");
            sx(m, b, x);
            open = false;
        } else {
            sb_puts(b, open ? ", " : any ? " ++ Seq(" : "Seq(");
            sx(m, b, x);
            open = true;
        }
        any = true;
    }
    if (open) sb_puts(b, ")");
    if (!any) sb_puts(b, "Seq[Int]()");
    sb_puts(b, ")");
}

static void squant(Em *m, StrBuf *b, const VExpr *e)
{
    sb_puts(b, e->u.quant.kind == VQ_FORALL ? "(forall " : "(exists ");
    for (uint32_t i = 0; i < e->u.quant.nvars; i++) {
        uint32_t idx = e->u.quant.first + i;
        sb_printf(b, "%s%s: ", i ? ", " : "", local_name(m, idx, NULL));
        if (m->locals && idx < m->locals->n) vtype_text(b, m->locals->v[idx].type, true);
        else sb_puts(b, "Int");
    }
    sb_puts(b, " ::");
    for (uint32_t i = 0; i < e->u.quant.ntriggers; i++) {
        sb_puts(b, " {");
        sargs(m, b, &e->u.quant.triggers[i], true);
        sb_puts(b, "}");
    }
    sb_puts(b, " ");
    /* a struct-valued bound variable has its number of words (the
     * verifier's flattened value always has) */
    StrBuf len = {0};
    for (uint32_t i = 0; m->locals && i < e->u.quant.nvars; i++) {
        uint32_t idx = e->u.quant.first + i;
        const VType *t = idx < m->locals->n ? m->locals->v[idx].type : NULL;
        if (t && t->kind == VT_SHAPE)
            sb_printf(&len, "%s|%s| == %u", len.n ? " && " : "", local_name(m, idx, NULL), t->words);
    }
    if (len.n) sb_printf(b, "(%s %s ", len.s, e->u.quant.kind == VQ_FORALL ? "==>" : "&&");
    sx(m, b, e->u.quant.body);
    if (len.n) sb_puts(b, ")");
    sb_free(&len);
    sb_puts(b, ")");
}

/* acc(base[lo..hi], p): quantified permission over the word slots; a
 * slice reaching outside [0, alen) is ill-formed (pnk_slice's
 * precondition, griddle's verify.wellformed; §2.15 #4). */
static void sslice(Em *m, StrBuf *b, const VExpr *e)
{
    const char *j = arena_printf(&m->ar, "q$%u", m->nq++);
    sb_puts(b, "(pnk_slice(");
    sx(m, b, e->u.slice.base);
    sb_puts(b, ", ");
    sx(m, b, e->u.slice.lo);
    sb_puts(b, ", ");
    sx(m, b, e->u.slice.hi);
    sb_printf(b, ") && (forall %s: Int :: {slot(", j);
    sx(m, b, e->u.slice.base);
    sb_printf(b, ", %s)} ", j);
    sx(m, b, e->u.slice.lo);
    sb_printf(b, " <= %s && %s < ", j, j);
    sx(m, b, e->u.slice.hi);
    sb_puts(b, " ==> acc(slot(");
    sx(m, b, e->u.slice.base);
    sb_printf(b, ", %s).heap_elem", j);
    sperm(m, b, e->u.slice.perm);
    sb_puts(b, ")))");
}

static void spvar(Em *m, StrBuf *b, const VExpr *e)
{
    uint32_t slot = e->u.pvar.slot;
    bool param = m->fd && slot < m->fd->nparams;
    sb_puts(b, param && (m->contract || m->in_old) ? entry_name(m, slot) : slot_name(m, slot));
}

static const char *and_const(Em *m, const char *x, uint64_t c, bool wrap);
static const char *pow2_text(Em *m, unsigned k);

static bool lit_u64(const VExpr *e, uint64_t *v)
{
    if (e->kind != VX_INT || e->u.lit.big || e->u.lit.v < 0) return false;
    *v = (uint64_t)e->u.lit.v;
    return true;
}

/* A bit operation with a literal operand in an annotation, without
 * bit-vectors: the mask rewrites on x mod 2^64 (int2bv wraps); shifts by a
 * literal are multiplications and divisions. Same values as the bv64 form. */
static bool sbit_linear(Em *m, StrBuf *b, const VExpr *e)
{
    VBinOp op = e->u.bin.op;
    uint64_t c;
    const VExpr *x = e->u.bin.a;
    if (op == VB_SHL || op == VB_LSHR) {
        if (!lit_u64(e->u.bin.b, &c) || c >= 64) return false;
        const char *xs = sstr(m, x);
        if (op == VB_SHL) sb_printf(b, "((%s * %s) %% " TWO64 ")", xs, pow2_text(m, (unsigned)c));
        else sb_printf(b, "((%s %% " TWO64 ") \\ %s)", xs, pow2_text(m, (unsigned)c));
        return true;
    }
    if (op != VB_BAND && op != VB_BOR && op != VB_BXOR) return false;
    if (lit_u64(e->u.bin.a, &c)) x = e->u.bin.b;
    else if (!lit_u64(e->u.bin.b, &c)) return false;
    const char *xs = sstr(m, x);
    const char *and_ = and_const(m, xs, c, true);
    if (op == VB_BAND) sb_puts(b, and_);
    else sb_printf(b, "((%s %% " TWO64 ") + %" PRIu64 " - %s%s)", xs, c, op == VB_BOR ? "" : "2 * ", and_);
    return true;
}

static void sbinop(Em *m, StrBuf *b, const VExpr *e)
{
    VBinOp op = e->u.bin.op;
    if (is_bitop(op) && sbit_linear(m, b, e)) return;
    if (is_bitop(op)) {
        /* 64-bit two's complement of the operands (int2bv wraps, §8.9) */
        sb_printf(b, "bv64_to_int(%s(bv64_from_int(", binop(op));
        sx(m, b, e->u.bin.a);
        sb_puts(b, "), bv64_from_int(");
        sx(m, b, e->u.bin.b);
        sb_puts(b, ")))");
        return;
    }
    if (op == VB_DIV && e->type && e->type->kind == VT_PERM) op = VB_PDIV;
    sb_puts(b, "(");
    sx(m, b, e->u.bin.a);
    sb_printf(b, " %s ", binop(op));
    sx(m, b, e->u.bin.b);
    sb_puts(b, ")");
}

static void sx(Em *m, StrBuf *b, const VExpr *e)
{
    switch (e->kind) {
    case VX_INT:
        if (e->u.lit.big) sb_puts(b, e->u.lit.big);
        else if (e->u.lit.v < 0) sb_printf(b, "(%" PRId64 ")", e->u.lit.v);
        else sb_printf(b, "%" PRId64, e->u.lit.v);
        return;
    case VX_BOOL: sb_puts(b, e->u.bval ? "true" : "false"); return;
    case VX_PERMLIT:
        if (e->u.perm.num == e->u.perm.den) sb_puts(b, "write");
        else if (!e->u.perm.num) sb_puts(b, "none");
        else sb_printf(b, "(%" PRId64 "/%" PRId64 ")", e->u.perm.num, e->u.perm.den);
        return;
    case VX_WILDCARD: sb_puts(b, "wildcard"); return;
    case VX_NULL: sb_puts(b, "null"); return;
    case VX_PVAR: spvar(m, b, e); return;
    case VX_PGLOBAL: sb_puts(b, global_name(m, e->u.pvar.slot)); return;
    case VX_RETVAL: sb_puts(b, "retval"); return;
    case VX_RESULT: sb_puts(b, "result"); return;
    case VX_HEAP: sb_puts(b, "heap"); return;
    case VX_LOCAL: sb_puts(b, local_name(m, e->u.local.index, e->u.local.name)); return;
    case VX_MFIELD:
        sb_puts(b, e->u.mfield < m->s->model_fields.n ? m->s->model_fields.v[e->u.mfield] : "?");
        return;
    case VX_UNOP:
        sb_puts(b, e->u.un.op == VU_NOT ? "(!" : "(-");
        sx(m, b, e->u.un.a);
        sb_puts(b, ")");
        return;
    case VX_BINOP: sbinop(m, b, e); return;
    case VX_TOBOOL:
        sb_puts(b, "(");
        sx(m, b, e->u.un.a);
        sb_puts(b, " != 0)");
        return;
    case VX_COND:
        sb_puts(b, "(");
        sx(m, b, e->u.tern.c);
        sb_puts(b, " ? ");
        sx(m, b, e->u.tern.a);
        sb_puts(b, " : ");
        sx(m, b, e->u.tern.b);
        sb_puts(b, ")");
        return;
    case VX_FIELD:
        sx(m, b, e->u.fld.recv);
        sb_printf(b, ".%s", e->u.fld.field->name);
        return;
    case VX_INDEX:
        if (is_iarray(e->u.idx.base)) {
            slot_loc(m, b, e->u.idx.base, e->u.idx.index);
            return;
        }
        sx(m, b, e->u.idx.base);
        sb_puts(b, "[");
        sx(m, b, e->u.idx.index);
        sb_puts(b, "]");
        return;
    case VX_SEQSLICE:
        sx(m, b, e->u.slice.base);
        sb_puts(b, "[");
        if (e->u.slice.lo) sx(m, b, e->u.slice.lo);
        sb_puts(b, "..");
        if (e->u.slice.hi) sx(m, b, e->u.slice.hi);
        sb_puts(b, "]");
        return;
    case VX_ACCSLICE: sslice(m, b, e); return;
    case VX_SEQUPDATE:
        sx(m, b, e->u.upd.s);
        sb_puts(b, "[");
        sx(m, b, e->u.upd.i);
        sb_puts(b, " := ");
        sx(m, b, e->u.upd.v);
        sb_puts(b, "]");
        return;
    case VX_SEQLIT:
    case VX_SETLIT:
        sb_puts(b, e->kind == VX_SEQLIT ? "Seq" : "Set");
        if (!e->u.list.n) {
            sb_puts(b, "[");
            vtype_text(b, e->type->elem, true);
            sb_puts(b, "]");
        }
        sb_puts(b, "(");
        sargs(m, b, &e->u.list, true);
        sb_puts(b, ")");
        return;
    case VX_LEN:
        if (is_iarray(e->u.un.a)) {
            sb_puts(b, "alen(");
            sx(m, b, e->u.un.a);
            sb_puts(b, ")");
        } else {
            sb_puts(b, "|");
            sx(m, b, e->u.un.a);
            sb_puts(b, "|");
        }
        return;
    case VX_STRUCT: sstruct(m, b, &e->u.list); return;
    case VX_SFIELD:
        sx(m, b, e->u.sfld.e);
        if (e->type->kind != VT_SHAPE) sb_printf(b, "[%u]", e->u.sfld.offset);
        else sb_printf(b, "[%u..%u]", e->u.sfld.offset, e->u.sfld.offset + e->u.sfld.words);
        return;
    case VX_CALL:
        sb_puts(b, e->u.call.fn->name);
        call_args(m, b, e->u.call.fn->origin, e->u.call.fn->is_domain, &e->u.call.args);
        return;
    case VX_PREDCALL:
        sb_puts(b, e->u.call.pred->name);
        call_args(m, b, e->u.call.pred->origin, false, &e->u.call.args);
        return;
    case VX_ACC:
        sb_puts(b, "acc(");
        if (e->u.acc.loc->kind == VX_INDEX && is_iarray(e->u.acc.loc->u.idx.base))
            slot_loc(m, b, e->u.acc.loc->u.idx.base, e->u.acc.loc->u.idx.index);
        else sx(m, b, e->u.acc.loc);
        sperm(m, b, e->u.acc.perm);
        sb_puts(b, ")");
        return;
    case VX_PERM:
        sb_puts(b, "perm(");
        sx(m, b, e->u.permof.loc);
        sb_puts(b, ")");
        return;
    case VX_OLD:
        m->in_old++;
        sb_puts(b, "old(");
        sx(m, b, e->u.un.a);
        sb_puts(b, ")");
        m->in_old--;
        return;
    case VX_UNFOLDING:
        sb_puts(b, "(unfolding acc(");
        sx(m, b, e->u.unf.pred);
        sperm(m, b, e->u.unf.perm);
        sb_puts(b, ") in ");
        sx(m, b, e->u.unf.body);
        sb_puts(b, ")");
        return;
    case VX_LET:
        sb_printf(b, "(let %s == (", local_name(m, e->u.let.local, NULL));
        sx(m, b, e->u.let.e);
        sb_puts(b, ") in ");
        sx(m, b, e->u.let.body);
        sb_puts(b, ")");
        return;
    case VX_QUANT: squant(m, b, e); return;
    }
}

static const char *sstr(Em *m, const VExpr *e)
{
    StrBuf b = {0};
    sx(m, &b, e);
    const char *r = arena_strndup(&m->ar, b.s ? b.s : "", b.n);
    sb_free(&b);
    return r;
}

/* ---- specification statements (annotations, model method bodies) ------- */

static void sblock(Em *m, const VBlock *blk);

static void starget_list(Em *m, StrBuf *b, const VStmt *s)
{
    for (uint32_t i = 0; i < s->ntargets; i++)
        sb_printf(b, "%s%s", i ? ", " : "", local_name(m, s->targets[i], NULL));
}

static void scall(Em *m, const VStmt *s)
{
    StrBuf b = {0};
    if (s->ntargets) {
        starget_list(m, &b, s);
        sb_puts(&b, " := ");
    }
    sb_puts(&b, s->method->name);
    call_args(m, &b, s->method->origin, false, &s->args);
    line(m, "%s", b.s);
    sb_free(&b);
}

static void sstmt(Em *m, const VStmt *s)
{
    switch (s->kind) {
    case VS_ASSERT: line(m, "assert %s", sstr(m, s->e)); return;
    case VS_ASSUME: /* pancake2viper: assume is inhale (it may add permissions) */
    case VS_INHALE: line(m, "inhale %s", sstr(m, s->e)); return;
    case VS_REFUTE: line(m, "refute %s", sstr(m, s->e)); return;
    case VS_EXHALE: line(m, "exhale %s", sstr(m, s->e)); return;
    case VS_FOLD:
    case VS_UNFOLD: {
        const char *kw = s->kind == VS_FOLD ? "fold" : "unfold";
        if (s->e->kind == VX_ACC) line(m, "%s %s", kw, sstr(m, s->e));
        else line(m, "%s acc(%s)", kw, sstr(m, s->e));
        return;
    }
    case VS_USE:
        m->use = s->use;
        line(m, "// use %s: the next shared access calls its method", s->use->name);
        return;
    case VS_VARDECL: {
        StrBuf t = {0};
        vtype_text(&t, m->locals->v[s->local].type, true);
        if (s->e) line(m, "var %s: %s := %s", local_name(m, s->local, NULL), t.s, sstr(m, s->e));
        else line(m, "var %s: %s", local_name(m, s->local, NULL), t.s);
        sb_free(&t);
        return;
    }
    case VS_ASSIGN: line(m, "%s := %s", local_name(m, s->local, NULL), sstr(m, s->e)); return;
    case VS_FIELDASSIGN: line(m, "%s := %s", sstr(m, s->lhs), sstr(m, s->e)); return;
    case VS_CALL: scall(m, s); return;
    case VS_IF:
        line(m, "if (%s) {", sstr(m, s->e));
        m->ind++;
        sblock(m, &s->then);
        m->ind--;
        if (s->els.n) {
            line(m, "} else {");
            m->ind++;
            sblock(m, &s->els);
            m->ind--;
        }
        line(m, "}");
        return;
    case VS_WHILE:
        line(m, "while (%s)", sstr(m, s->e));
        for (uint32_t i = 0; i < s->invariants.n; i++) line(m, "  invariant %s", sstr(m, s->invariants.v[i]));
        line(m, "{");
        m->ind++;
        sblock(m, &s->then);
        m->ind--;
        line(m, "}");
        return;
    case VS_LABEL:
    case VS_GOTO: line(m, "%s %s", s->kind == VS_LABEL ? "label" : "goto", s->label); return;
    }
}

static void sblock(Em *m, const VBlock *blk)
{
    for (uint32_t i = 0; i < blk->n; i++) sstmt(m, blk->v[i]);
}

/* ---- Pancake expressions -------------------------------------------------- */

static const char *pword(Em *m, const Expr *e);
static const char *pval(Em *m, const Expr *e);
static const char *pcond(Em *m, const Expr *e);

static const char *bounded(Em *m, const char *x, unsigned bits)
{
    if (bits == 64) return arena_printf(&m->ar, "0 <= %s && %s < " TWO64, x, x);
    return arena_printf(&m->ar, "0 <= %s && %s < %" PRIu64, x, x, (uint64_t)1 << bits);
}

/* A word result r with its overflow obligation (or wrapped, with
 * --no-overflow-check); returns the temporary holding it. */
static const char *overflow(Em *m, const char *r, Span at, const char *what)
{
    const char *t = tmp(m);
    if (m->no_overflow) {
        line(m, "var %s: Int := (%s) %% " TWO64, t, r);
        return t;
    }
    line(m, "var %s: Int := %s", t, r);
    line(m, "assert %s // overflow of %s at %s", bounded(m, t, 64), what, where(m, at));
    return t;
}

static const char *pow2(Em *m, unsigned k) { return arena_printf(&m->ar, "%" PRIu64, (uint64_t)1 << k); }

static const char *pow2_text(Em *m, unsigned k)
{
    return k == 64 ? TWO64 : pow2(m, k);
}

/* x & c for a constant c: the sum over the runs of ones of c of
 * (x \ 2^lo % 2^len) * 2^lo — the verifier's mask rewrite (§7.4), so no
 * bit-vectors are needed. wrap: x is any integer (annotations: two's
 * complement, as int2bv), else a word. */
static const char *and_const(Em *m, const char *x, uint64_t c, bool wrap)
{
    if (c == UINT64_MAX && !wrap) return x;
    StrBuf b = {0};
    unsigned lo = 0, len;
    for (; vmask_run(c, &lo, &len); lo += len) {
        if (b.n) sb_puts(&b, " + ");
        const char *part = lo ? arena_printf(&m->ar, "(%s \\ %s)", x, pow2(m, lo)) : x;
        if (lo + len < 64 || wrap) part = arena_printf(&m->ar, "(%s %% %s)", part, pow2_text(m, len));
        if (lo) part = arena_printf(&m->ar, "%s * %s", part, pow2(m, lo));
        sb_puts(&b, part);
    }
    const char *r = b.n ? arena_printf(&m->ar, "(%s)", b.s) : "0";
    sb_free(&b);
    return r;
}

static bool const_word(const Expr *e, uint64_t *v)
{
    if (e->kind != E_CONST || e->op == 1) return false;
    *v = e->u.value;
    return true;
}

static const char *bit_op(Em *m, ExprKind k, const char *a, const Expr *ea, const char *b, const Expr *eb)
{
    uint64_t c;
    if (const_word(ea, &c) || const_word(eb, &c)) {
        const char *x = const_word(ea, &c) ? b : a;
        if (!const_word(ea, &c)) const_word(eb, &c);
        if (k == E_AND) return and_const(m, x, c, false);
        if (!c) return x;
        const char *and_ = and_const(m, x, c, false);
        return k == E_OR ? arena_printf(&m->ar, "(%s + %" PRIu64 " - %s)", x, c, and_)
                         : arena_printf(&m->ar, "(%s + %" PRIu64 " - 2 * %s)", x, c, and_);
    }
    const char *f = k == E_AND ? "bv64_and" : k == E_OR ? "bv64_or" : "bv64_xor";
    return arena_printf(&m->ar, "bv64_to_int(%s(bv64_from_int(%s), bv64_from_int(%s)))", f, a, b);
}

static const char *arith(Em *m, const Expr *e)
{
    const char *acc = pword(m, e->u.list.v[0]);
    if (e->kind == E_AND || e->kind == E_OR || e->kind == E_XOR) {
        const Expr *prev = e->u.list.v[0];
        bool any_const = false;
        uint64_t c;
        for (uint32_t i = 0; i < e->u.list.n; i++) any_const |= const_word(e->u.list.v[i], &c);
        if (!any_const) { /* one bit-vector term, no conversions in between */
            const char *f = e->kind == E_AND ? "bv64_and" : e->kind == E_OR ? "bv64_or" : "bv64_xor";
            acc = arena_printf(&m->ar, "bv64_from_int(%s)", acc);
            for (uint32_t i = 1; i < e->u.list.n; i++)
                acc = arena_printf(&m->ar, "%s(%s, bv64_from_int(%s))", f, acc, pword(m, e->u.list.v[i]));
            return arena_printf(&m->ar, "bv64_to_int(%s)", acc);
        }
        for (uint32_t i = 1; i < e->u.list.n; i++) {
            const char *x = pword(m, e->u.list.v[i]);
            acc = bit_op(m, e->kind, acc, i == 1 ? prev : e, x, e->u.list.v[i]);
        }
        return acc;
    }
    const char *op = e->kind == E_ADD ? "+" : e->kind == E_SUB ? "-" : "*";
    StrBuf b = {0};
    sb_puts(&b, acc);
    for (uint32_t i = 1; i < e->u.list.n; i++) sb_printf(&b, " %s %s", op, pword(m, e->u.list.v[i]));
    const char *r = overflow(m, b.s, e->span, e->kind == E_ADD ? "'+'" : e->kind == E_SUB ? "'-'" : "'*'");
    sb_free(&b);
    return r;
}

static const char *signed_(Em *m, const char *x)
{
    m->use_signed = true;
    return arena_printf(&m->ar, "pnk_signed(%s)", x);
}

static const char *cmp(Em *m, const Expr *e)
{
    const char *a = pword(m, e->u.bin.a), *b = pword(m, e->u.bin.b);
    switch ((CmpOp)e->op) {
    case CMP_EQ: return arena_printf(&m->ar, "(%s == %s)", a, b);
    case CMP_NE: return arena_printf(&m->ar, "(%s != %s)", a, b);
    case CMP_LTU: return arena_printf(&m->ar, "(%s < %s)", a, b);
    case CMP_GTU: return arena_printf(&m->ar, "(%s > %s)", a, b);
    case CMP_LEU: return arena_printf(&m->ar, "(%s <= %s)", a, b);
    case CMP_GEU: return arena_printf(&m->ar, "(%s >= %s)", a, b);
    case CMP_LT: return arena_printf(&m->ar, "(%s < %s)", signed_(m, a), signed_(m, b));
    case CMP_GT: return arena_printf(&m->ar, "(%s > %s)", signed_(m, a), signed_(m, b));
    case CMP_LE: return arena_printf(&m->ar, "(%s <= %s)", signed_(m, a), signed_(m, b));
    case CMP_GE: return arena_printf(&m->ar, "(%s >= %s)", signed_(m, a), signed_(m, b));
    }
    return "false";
}

static const char *const shift_fn[4] = {"pnk_shl", "pnk_lsr", "pnk_asr", "pnk_ror"};

/* a shifted by the constant k (0 < k < 64), as the verifier reads it */
static const char *shift_const(Em *m, ShiftOp op, const char *a, unsigned k)
{
    switch (op) {
    case SH_LSL: return arena_printf(&m->ar, "%s * %s", a, pow2(m, k));
    case SH_LSR: return arena_printf(&m->ar, "(%s \\ %s)", a, pow2(m, k));
    case SH_ASR:
        return arena_printf(&m->ar, "(%s < " TWO63 " ? %s \\ %s : %s \\ %s + %" PRIu64 ")", a, a, pow2(m, k), a,
                            pow2(m, k), UINT64_MAX - (((uint64_t)1 << (64 - k)) - 1));
    case SH_ROR:
        return arena_printf(&m->ar, "(%s \\ %s + %s %% %s * %s)", a, pow2(m, k), a, pow2(m, k),
                            pow2_text(m, 64 - k));
    }
    return a;
}

static const char *shift(Em *m, const Expr *e)
{
    const char *a = pword(m, e->u.bin.a), *n = pword(m, e->u.bin.b);
    ShiftOp op = (ShiftOp)e->op;
    uint64_t k;
    if (const_word(e->u.bin.b, &k)) {
        if (k == 0) return a;
        if (k >= 64) {
            line(m, "assert false // shift by 64 or more (an Error in Pancake) at %s", where(m, e->span));
            return "0";
        }
        const char *r = shift_const(m, op, a, (unsigned)k);
        return op == SH_LSL ? overflow(m, r, e->span, "'<<'") : r;
    }
    line(m, "assert %s < 64 // shift amount (an Error in Pancake from 64) at %s", n, where(m, e->span));
    m->use_shift[op] = true;
    const char *r = arena_printf(&m->ar, "%s(%s, %s)", shift_fn[op], a, n);
    return op == SH_LSL ? overflow(m, r, e->span, "'<<'") : r;
}

/* x itself when it is a name or a number, else a temporary holding it
 * (an expression used more than once is computed once) */
static const char *bind(Em *m, const char *x)
{
    bool simple = *x != 0;
    for (const char *p = x; *p; p++)
        simple &= (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' ||
              *p == '$';
    if (simple) return x;
    const char *t = tmp(m);
    line(m, "var %s: Int := %s", t, x);
    return t;
}

static const char *plus(Em *m, const char *x, uint32_t k)
{
    return k ? arena_printf(&m->ar, "%s + %u", x, k) : x;
}

/* The word index of a byte address, with the alignment obligation. */
static const char *word_index(Em *m, const char *a, unsigned align, Span at)
{
    if (align > 1) line(m, "assert %s %% %u == 0 // aligned access at %s", a, align, where(m, at));
    return arena_printf(&m->ar, "%s \\ 8", a);
}

static const char *load_word(Em *m, const char *idx)
{
    const char *t = tmp(m);
    line(m, "var %s: Int := slot(heap, %s).heap_elem", t, idx);
    line(m, "inhale %s // memory holds words", bounded(m, t, 64));
    return t;
}

static const char *load(Em *m, const Expr *e)
{
    const char *at = bind(m, pword(m, e->u.load.addr));
    if (e->kind == E_LOAD) {
        const char *idx = word_index(m, at, 8, e->span);
        uint32_t n = words(m, e->u.load.shape);
        if (is_word(e->u.load.shape)) return load_word(m, idx);
        StrBuf b = {0};
        sb_puts(&b, "Seq(");
        for (uint32_t i = 0; i < n; i++)
            sb_printf(&b, "%s%s", i ? ", " : "", load_word(m, plus(m, idx, i)));
        sb_puts(&b, ")");
        const char *r = arena_strndup(&m->ar, b.s, b.n);
        sb_free(&b);
        return r;
    }
    unsigned al = e->kind == E_LOAD32 ? 4 : 1;
    const char *w = load_word(m, word_index(m, at, al, e->span));
    m->use_sub = true;
    return arena_printf(&m->ar, "%s(%s, %s %% 8)", al == 4 ? "pnk_ld32" : "pnk_ld8", w, at);
}

/* A Pancake value as a Viper expression: Int for a word, Seq[Int] for a
 * struct. Statements computing its obligations are printed before it. */
static const char *pval(Em *m, const Expr *e)
{
    switch (e->kind) {
    case E_CONST:
        if (e->op == 1 && e->u.value != 0 && !m->no_overflow)
            line(m, "assert false // negative literal (words are unsigned: it would wrap) at %s", where(m, e->span));
        return arena_printf(&m->ar, "%" PRIu64, e->u.value);
    case E_VAR: return e->u.var.global ? global_name(m, e->u.var.slot) : slot_name(m, e->u.var.slot);
    case E_STRUCT:
    case E_NSTRUCT: {
        uint32_t n = e->kind == E_STRUCT ? e->u.list.n : e->u.nstruct.n;
        const char **parts = arena_alloc(&m->ar, (n + 1) * sizeof *parts);
        const Expr **ex = arena_alloc(&m->ar, (n + 1) * sizeof *ex);
        for (uint32_t i = 0; i < n; i++) {
            uint32_t pos = i;
            const Expr *x = e->kind == E_STRUCT ? e->u.list.v[i] : e->u.nstruct.v[i].value;
            if (e->kind == E_NSTRUCT && e->u.nstruct.v[i].index < n) pos = e->u.nstruct.v[i].index;
            parts[pos] = pval(m, x);
            ex[pos] = x;
        }
        /* Seq(...) of consecutive words, ++ nested struct values (as sstruct) */
        StrBuf b = {0};
        bool open = false;
        for (uint32_t i = 0; i < n; i++) {
            bool word = is_word(ex[i]->shape);
            if (open && !word) sb_puts(&b, ")");
            if (i && !(open && word)) sb_puts(&b, " ++ ");
            sb_printf(&b, "%s%s", word ? (open ? ", " : "Seq(") : "", parts[i]);
            open = word;
        }
        if (open) sb_puts(&b, ")");
        const char *r = n ? arena_printf(&m->ar, "(%s)", b.s) : "Seq[Int]()";
        sb_free(&b);
        return r;
    }
    case E_FIELD:
    case E_NFIELD: {
        const char *in = pval(m, e->u.field.e);
        uint32_t off = e->u.field.offset;
        if (e->kind == E_FIELD) {
            const Shape *s = e->u.field.e->shape;
            off = 0;
            for (uint32_t i = 0; s && s->kind == SHAPE_COMB && i < e->u.field.index; i++) off += words(m, s->elems[i]);
        }
        uint32_t n = words(m, e->shape);
        if (is_word(e->shape)) return arena_printf(&m->ar, "%s[%u]", in, off);
        return arena_printf(&m->ar, "%s[%u..%u]", in, off, off + n);
    }
    case E_LOAD:
    case E_LOAD8:
    case E_LOAD32: return load(m, e);
    case E_ADD:
    case E_SUB:
    case E_MUL:
    case E_AND:
    case E_OR:
    case E_XOR: return arith(m, e);
    case E_LAND:
    case E_LOR:
    case E_NOT:
    case E_CMP: return arena_printf(&m->ar, "(%s ? 1 : 0)", pcond(m, e));
    case E_SHIFT: return shift(m, e);
    case E_BASE: return "0";
    case E_TOP: {
        uint64_t w = m->s->opts.heap_words ? m->s->opts.heap_words : 16384;
        return arena_printf(&m->ar, "%" PRIu64, w * PNK_WORD_BYTES);
    }
    case E_BIW: return "8";
    }
    return "0";
}

static const char *pword(Em *m, const Expr *e) { return pval(m, e); }

/* A Pancake condition as a Viper Bool (no short circuit: every operand's
 * obligations are printed). */
static const char *pcond(Em *m, const Expr *e)
{
    switch ((int)e->kind) {
    case E_CMP: return cmp(m, e);
    case E_NOT: return arena_printf(&m->ar, "!%s", pcond(m, e->u.un));
    case E_LAND:
    case E_LOR: {
        StrBuf b = {0};
        sb_puts(&b, "(");
        for (uint32_t i = 0; i < e->u.list.n; i++) {
            if (i) sb_puts(&b, e->kind == E_LAND ? " && " : " || ");
            sb_puts(&b, pcond(m, e->u.list.v[i]));
        }
        sb_puts(&b, ")");
        const char *r = arena_strndup(&m->ar, b.s, b.n);
        sb_free(&b);
        return r;
    }
    default: return arena_printf(&m->ar, "(%s != 0)", pword(m, e));
    }
}

/* ---- Pancake statements ------------------------------------------------- */

static void pblock(Em *m, const Block *b, bool tail);

/* the words of a value as a list of Int expressions */
static const char *word_of(Em *m, const char *v, bool word, uint32_t i)
{
    return word ? v : arena_printf(&m->ar, "%s[%u]", v, i);
}

static const char *bounds_of(Em *m, const char *v, const Shape *sh)
{
    uint32_t n = words(m, sh);
    if (is_word(sh)) return bounded(m, v, 64);
    StrBuf b = {0};
    sb_printf(&b, "|%s| == %u", v, n);
    for (uint32_t i = 0; i < n; i++) sb_printf(&b, " && %s", bounded(m, word_of(m, v, false, i), 64));
    const char *r = arena_strndup(&m->ar, b.s, b.n);
    sb_free(&b);
    return r;
}

static const char *var_ref(Em *m, const VarRef *v)
{
    return v->global ? global_name(m, v->slot) : slot_name(m, v->slot);
}

/* dest := value, through a temporary when dest is a global field and the
 * value comes from a method call */
static void assign(Em *m, const VarRef *v, const char *x) { line(m, "%s := %s", var_ref(m, v), x); }

static const char *fun_name(Em *m, const FunDecl *fd) { return arena_printf(&m->ar, "f_%s", fd->name); }

static void fun_args(Em *m, StrBuf *b)
{
    implicit_args(m, b, true);
    if (m->prog->nglobals) sb_puts(b, ", globals");
}

/* A call of a Pancake function; returns the temporary holding its result. */
static const char *call(Em *m, const Call *c, Span at)
{
    const char **args = arena_alloc(&m->ar, (c->nargs + 1) * sizeof *args);
    for (uint32_t i = 0; i < c->nargs; i++) args[i] = pval(m, c->args[i]);
    const char *t = tmp(m);
    if (!c->fn) { /* __add_with_carry__: <sum mod 2^64, sum div 2^64> */
        StrBuf s = {0};
        for (uint32_t i = 0; i < c->nargs && i < 3; i++) sb_printf(&s, "%s%s", i ? " + " : "", args[i]);
        line(m, "var %s: Seq[Int] := Seq((%s) %% " TWO64 ", (%s) \\ " TWO64 ")", t, s.s ? s.s : "0",
             s.s ? s.s : "0");
        sb_free(&s);
        return t;
    }
    StrBuf b = {0};
    fun_args(m, &b);
    for (uint32_t i = 0; i < c->nargs; i++) sb_printf(&b, ", %s", args[i]);
    line(m, "var %s: %s", t, shape_type(c->fn->ret));
    line(m, "%s := %s(%s) // call at %s", t, fun_name(m, c->fn), b.s, where(m, at));
    sb_free(&b);
    return t;
}

static void do_return(Em *m, const char *v, bool tail)
{
    line(m, "retval := %s", v);
    if (!tail) {
        line(m, "goto pnk_return");
        m->ret_label = true;
    }
}

static void store(Em *m, const Stmt *s)
{
    const char *at = bind(m, pword(m, s->u.store.addr));
    const char *v = pval(m, s->u.store.value);
    if (s->u.store.width == 0) {
        uint32_t n = words(m, s->u.store.value->shape);
        bool word = is_word(s->u.store.value->shape);
        const char *idx = word_index(m, at, 8, s->span);
        if (!word) {
            const char *vt = tmp(m);
            line(m, "var %s: Seq[Int] := %s", vt, v);
            v = vt;
        }
        for (uint32_t i = 0; i < n; i++)
            line(m, "slot(heap, %s).heap_elem := %s", plus(m, idx, i), word_of(m, v, word, i));
        return;
    }
    unsigned al = s->u.store.width == 4 ? 4 : 1;
    const char *idx = word_index(m, at, al, s->span);
    m->use_sub = true;
    line(m, "slot(heap, %s).heap_elem := %s(slot(heap, %s).heap_elem, %s %% 8, %s)", idx,
         al == 4 ? "pnk_st32" : "pnk_st8", idx, at, v);
}

/* The arguments of an implicitly called method (shared, FFI): leading
 * parameters without an argument get heap and the model fields, as the
 * verifier passes them (vgen call_method). */
static const char *method_call(Em *m, const VMethod *mt, const char **args, uint32_t nargs)
{
    StrBuf b = {0};
    sb_printf(&b, "%s(", mt->name);
    bool first = true;
    if (mt->origin == VO_PANCAKE) {
        implicit_args(m, &b, true);
        first = false;
    } else {
        uint32_t implicit = mt->nparams > nargs ? mt->nparams - nargs : 0, refs = 0;
        for (uint32_t i = 0; i < implicit; i++) {
            VTypeKind k = mt->locals.v[i].type->kind;
            const char *x = k == VT_IARRAY ? "heap"
                            : refs < m->s->model_fields.n ? m->s->model_fields.v[refs++] : "null";
            sb_printf(&b, "%s%s", first ? "" : ", ", x);
            first = false;
        }
    }
    for (uint32_t i = 0; i < nargs; i++) {
        sb_printf(&b, "%s%s", first ? "" : ", ", args[i]);
        first = false;
    }
    sb_puts(&b, ")");
    const char *r = arena_strndup(&m->ar, b.s, b.n);
    sb_free(&b);
    return r;
}

/* One arm of a shared access: the region's method, or (NULL) the generic
 * behaviour of --allow-undefined-shared. */
static void shared_arm(Em *m, const VMethod *mt, unsigned width, const char *a, const char *v, const char *dst)
{
    const char *lim = pow2_text(m, 8 * width);
    if (!mt) {
        if (!v) line(m, "inhale 0 <= %s && %s < %s // --allow-undefined-shared", dst, dst, lim);
        return;
    }
    const char *args[2] = {a, v};
    const char *c = method_call(m, mt, args, v ? 2 : 1);
    if (v) {
        line(m, "%s", c);
        return;
    }
    if (mt->nrets < 1) return;
    line(m, "%s := %s", dst, c);
    line(m, "inhale 0 <= %s && %s < %s // the hardware zero-extends", dst, dst, lim);
}

static void no_region(Em *m, unsigned width, const char *a, const char *v, const char *dst, Span at)
{
    if (m->s->opts.allow_undefined_shared) shared_arm(m, NULL, width, a, v, dst);
    else line(m, "assert false // no `shared` region serves this access at %s", where(m, at));
}

/* The region test of the verifier's dispatch (vshared_naddrs). */
static const char *region_test(Em *m, const VShared *r, const char *a)
{
    uint64_t n = vshared_naddrs(r);
    if (n <= VSHARED_LIST_MAX) {
        StrBuf b = {0};
        for (uint64_t k = 0; k < n; k++) sb_printf(&b, "%s%s == %" PRIu64, k ? " || " : "", a, r->lo + k * r->stride);
        const char *t = arena_printf(&m->ar, "(%s)", b.s ? b.s : "false");
        sb_free(&b);
        return t;
    }
    return arena_printf(&m->ar, "(%" PRIu64 " <= %s && %s < %" PRIu64 " && (%s - %" PRIu64 ") %% %" PRIu64 " == 0)",
                        r->lo, a, a, r->hi, a, r->lo, r->stride);
}

static void shared_access(Em *m, const Stmt *s, bool is_store)
{
    unsigned width = s->u.shmem.width;
    const char *a = bind(m, pword(m, s->u.shmem.addr));
    const char *v = is_store ? bind(m, pword(m, s->u.shmem.value)) : NULL;
    const char *dst = is_store ? NULL : tmp(m);
    if (dst) line(m, "var %s: Int", dst);
    if (width > 1) line(m, "assert %s %% %u == 0 // aligned shared access at %s", a, width, where(m, s->span));
    const VShared *use = m->use;
    m->use = NULL;
    uint64_t ca;
    if (use) {
        const VMethod *mt = vshared_method(use, is_store);
        if (!mt) unsupported(m, s->span, "`use` names a region without a method for this direction");
        else shared_arm(m, mt, width, a, v, dst);
    } else if (const_word(s->u.shmem.addr, &ca)) {
        const VShared *r = vspec_shared_at(m->s, ca, (uint8_t)width, is_store);
        const VMethod *mt = r ? vshared_method(r, is_store) : NULL;
        if (mt) shared_arm(m, mt, width, a, v, dst);
        else no_region(m, width, a, v, dst, s->span);
    } else {
        /* symbolic: one arm per region of this width and direction, first
         * declared first (the verifier's order for constants too) */
        unsigned arms = 0;
        for (size_t i = 0; i < m->s->shared.n; i++) {
            const VShared *r = m->s->shared.v[i];
            const VMethod *mt = r->width == width ? vshared_method(r, is_store) : NULL;
            if (!mt) continue;
            line(m, "%sif %s {", arms++ ? "} else" : "", region_test(m, r, a));
            m->ind++;
            shared_arm(m, mt, width, a, v, dst);
            m->ind--;
        }
        if (arms) line(m, "} else {");
        if (arms) m->ind++;
        no_region(m, width, a, v, dst, s->span);
        if (arms) m->ind--;
        if (arms) line(m, "}");
    }
    if (is_store && width < 8)
        line(m, "assert %s < %s // the stored value must fit in %u bits at %s", v, pow2_text(m, 8 * width), 8 * width,
             where(m, s->span));
    if (!is_store) assign(m, &s->u.shmem.dest, dst);
}

static void ffi(Em *m, const Stmt *s)
{
    const char *args[4];
    for (int i = 0; i < 4; i++) args[i] = pword(m, s->u.ffi.args[i]);
    const VMethod *mt = vspec_ffi_method(m->s, s->u.ffi.name);
    if (!mt) {
        line(m, "assert false // FFI call @%s has no contract at %s", s->u.ffi.name, where(m, s->span));
        return;
    }
    line(m, "%s // @%s at %s", method_call(m, mt, args, 4), s->u.ffi.name, where(m, s->span));
}

/* The invariants of a loop: the bounds of the variables in scope (the
 * verifier's havoc at the loop head gives words), the globals (their
 * permission; the value from before the loop unless the body may change
 * it), the user's. */
/* Does the loop body (its write set) change global g: it assigns it, or
 * calls a function that does (the verifier's loop havoc)? */
static bool loop_changes(const Em *m, const VWrites *w, uint32_t g)
{
    if (w->globals[g]) return true;
    for (uint32_t f = 0; f < m->s->nfuns; f++)
        if (w->callees[f] && m->gwrites[(size_t)f * m->prog->nglobals + g]) return true;
    return false;
}

static void loop_invariants(Em *m, const Stmt *s, unsigned id, const VWrites *w)
{
    for (uint32_t i = 0; i < m->fd->nslots; i++)
        if (m->declared[i]) line(m, "  invariant %s", bounds_of(m, slot_name(m, i), m->shapes[i]));
    for (uint32_t g = 0; g < m->prog->nglobals; g++) {
        const GlobalDecl *gd = check_global(m->prog, g);
        const char *x = global_name(m, g);
        if (loop_changes(m, w, g)) line(m, "  invariant acc(%s) && %s", x, bounds_of(m, x, gd ? gd->shape : NULL));
        else line(m, "  invariant acc(%s) && %s == g$%s$%u", x, x, gd ? gd->name : "?", id);
    }
    const VLoopSpec *ls = vspec_loop(m->s, s);
    for (size_t i = 0; i < m->s->model_preds.n; i++) {
        const VPred *p = m->s->model_preds.v[i];
        if (vspec_loop_names_pred(ls, p)) continue;
        StrBuf b = {0};
        sb_puts(&b, p->name);
        call_args(m, &b, p->origin, false, &p->margs);
        line(m, "  invariant %s", b.s);
        sb_free(&b);
    }
    for (uint32_t i = 0; ls && i < ls->invariants.n; i++) line(m, "  invariant %s", sstr(m, ls->invariants.v[i]));
}

/* Emits the condition into a scratch buffer: pure when it printed no
 * statement (no overflow, load or shift obligation). */
static bool cond_is_pure(Em *m, const Expr *c, const char **text)
{
    StrBuf scratch = {0}, *save = m->b;
    unsigned nt = m->ntmp;
    bool uses = m->use_signed, usub = m->use_sub;
    m->b = &scratch;
    *text = pcond(m, c);
    m->b = save;
    bool pure = scratch.n == 0;
    sb_free(&scratch);
    if (!pure) {
        m->ntmp = nt;
        m->use_signed = uses;
        m->use_sub = usub;
    }
    return pure;
}

static void while_stmt(Em *m, const Stmt *s)
{
    Loop lp = {m->loop, m->nlabel++, false, false};
    const char *c;
    bool pure = cond_is_pure(m, s->u.while_.cond, &c);
    VWrites w = {arena_alloc(&m->ar, m->fd->nslots + 1), arena_alloc(&m->ar, m->prog->nglobals + 1),
                 arena_alloc(&m->ar, m->s->nfuns + 1), false};
    vbody_writes(&s->u.while_.body, &w);
    for (uint32_t g = 0; g < m->prog->nglobals; g++) {
        const GlobalDecl *gd = check_global(m->prog, g);
        if (!loop_changes(m, &w, g))
            line(m, "var g$%s$%u: %s := %s", gd ? gd->name : "?", lp.id, shape_type(gd ? gd->shape : NULL),
                 global_name(m, g));
    }
    line(m, "while (%s)", pure ? c : "true");
    loop_invariants(m, s, lp.id, &w);
    line(m, "{");
    m->ind++;
    m->loop = &lp;
    if (!pure) {
        /* the condition's obligations hold in every state of the invariant */
        c = pcond(m, s->u.while_.cond);
        line(m, "if (!%s) {", c);
        line(m, "  goto loop_%u_break", lp.id);
        line(m, "}");
        lp.brk = true;
    }
    pblock(m, &s->u.while_.body, false);
    if (lp.cont) line(m, "label loop_%u_continue", lp.id);
    m->loop = lp.up;
    m->ind--;
    line(m, "}");
    if (lp.brk) line(m, "label loop_%u_break", lp.id);
}

static void annot(Em *m, const Stmt *s)
{
    const VAnnotStmt *a = vspec_annot(m->s, s);
    if (!a) return;
    line(m, "// annotation at %s", where(m, s->span));
    sstmt(m, &a->stmt);
}

static void fall_off(Em *m, Span at)
{
    line(m, "assert false // the function may end without returning (an Error in Pancake) at %s", where(m, at));
}

static void declare(Em *m, uint32_t slot, const Shape *sh)
{
    if (slot < m->fd->nslots) {
        m->declared[slot] = true;
        m->shapes[slot] = sh;
    }
}

static void pstmt(Em *m, const Stmt *s, bool tail)
{
    switch (s->kind) {
    case S_SKIP:
    case S_TICK: break;
    case S_DEC: {
        const char *v = pval(m, s->u.dec.init);
        const Shape *sh = s->u.dec.shape ? s->u.dec.shape : s->u.dec.init->shape;
        line(m, "var %s: %s := %s", slot_name(m, s->u.dec.var.slot), shape_type(sh), v);
        declare(m, s->u.dec.var.slot, sh);
        break;
    }
    case S_DECCALL: {
        const char *r = call(m, &s->u.deccall.call, s->span);
        line(m, "var %s: %s := %s", slot_name(m, s->u.deccall.var.slot), shape_type(s->u.deccall.shape), r);
        declare(m, s->u.deccall.var.slot, s->u.deccall.shape);
        break;
    }
    case S_ASSIGN: assign(m, &s->u.assign.var, pval(m, s->u.assign.e)); break;
    case S_CALL: {
        const char *r = call(m, &s->u.call.call, s->span);
        if (s->u.call.kind == CALL_ASSIGN) assign(m, &s->u.call.dest, r);
        if (s->u.call.kind == CALL_TAIL) do_return(m, r, tail);
        break;
    }
    case S_STORE: store(m, s); break;
    case S_SHLOAD: shared_access(m, s, false); break;
    case S_SHSTORE: shared_access(m, s, true); break;
    case S_IF: {
        const char *c = pcond(m, s->u.if_.cond);
        line(m, "if (%s) {", c);
        m->ind++;
        pblock(m, &s->u.if_.then, tail);
        m->ind--;
        if (tail || s->u.if_.els.n) {
            line(m, "} else {");
            m->ind++;
            pblock(m, &s->u.if_.els, tail);
            m->ind--;
        }
        line(m, "}");
        return;
    }
    case S_WHILE: while_stmt(m, s); break;
    case S_BREAK:
    case S_CONTINUE:
        if (!m->loop) break;
        if (s->kind == S_BREAK) m->loop->brk = true;
        else m->loop->cont = true;
        line(m, "goto loop_%u_%s", m->loop->id, s->kind == S_BREAK ? "break" : "continue");
        return;
    case S_FFI: ffi(m, s); break;
    case S_THROW:
        line(m, "assert false // throw: verified functions are exception-free at %s", where(m, s->span));
        return;
    case S_RETURN: do_return(m, pval(m, s->u.ret.e), tail); return;
    case S_TRY: {
        const Call *c = &s->u.try_.call;
        if (!c->fn || m->s->funs[c->fn->index].trusted) {
            unsupported(m, s->span, "try around a call that is not verified exception-free");
            break;
        }
        const char *r = call(m, c, s->span);
        if (s->u.try_.has_dest) assign(m, &s->u.try_.dest, r);
        break;
    }
    case S_BLOCK: pblock(m, &s->u.block, tail); return;
    case S_ANNOT: annot(m, s); break;
    }
    bool returned = s->kind == S_CALL && s->u.call.kind == CALL_TAIL;
    if (tail && !returned) fall_off(m, s->span);
}

/* Statements that print nothing: the tail is the last one that does. */
static bool silent(Em *m, const Stmt *s)
{
    return s->kind == S_SKIP || s->kind == S_TICK || (s->kind == S_ANNOT && !vspec_annot(m->s, s));
}

static void pblock(Em *m, const Block *b, bool tail)
{
    uint32_t last = b->n;
    while (last > 0 && silent(m, b->v[last - 1])) last--;
    if (tail && last == 0) {
        Span end = b->span;
        end.line = end.eline;
        end.col = end.ecol;
        fall_off(m, end);
        return;
    }
    /* Viper scopes follow the blocks: what a block declares ends with it */
    bool *saved = arena_memdup(&m->ar, m->declared, m->fd->nslots + 1);
    for (uint32_t i = 0; i < b->n; i++) pstmt(m, b->v[i], tail && i + 1 == last);
    memcpy(m->declared, saved, m->fd->nslots + 1);
}

/* ---- declarations ------------------------------------------------------- */

static void clauses(Em *m, const char *kw, const VExprList *l)
{
    for (uint32_t i = 0; i < l->n; i++) line(m, "  %s %s", kw, sstr(m, l->v[i]));
}

static void params(StrBuf *b, const VLocals *l, uint32_t from, uint32_t to, bool first)
{
    for (uint32_t i = from; i < to; i++) {
        sb_printf(b, "%s%s: ", first && i == from ? "" : ", ", l->v[i].name);
        vtype_text(b, l->v[i].type, true);
    }
}

static const char *header(Em *m, const char *kw, Sym name, VOrigin o, const VLocals *l, uint32_t np)
{
    StrBuf b = {0};
    sb_printf(&b, "%s %s(", kw, name);
    if (o == VO_PANCAKE) implicit_params(m, &b);
    params(&b, l, 0, np, o != VO_PANCAKE);
    sb_puts(&b, ")");
    const char *r = arena_strndup(&m->ar, b.s, b.n);
    sb_free(&b);
    return r;
}

/* "|s| == n && ..." for the struct-valued parameters [from, to) of l (a
 * struct is always its n words; pancake2viper adds these facts too), or
 * NULL */
static const char *struct_lengths(Em *m, const VLocals *l, uint32_t from, uint32_t to)
{
    StrBuf b = {0};
    for (uint32_t i = from; i < to; i++)
        if (l->v[i].type->kind == VT_SHAPE)
            sb_printf(&b, "%s|%s| == %u", b.n ? " && " : "", l->v[i].name, l->v[i].type->words);
    const char *r = b.n ? arena_strndup(&m->ar, b.s, b.n) : NULL;
    sb_free(&b);
    return r;
}

static void emit_pred(Em *m, const VPred *p)
{
    m->locals = &p->locals;
    const char *h = header(m, "predicate", p->name, p->origin, &p->locals, p->nparams);
    const char *len = struct_lengths(m, &p->locals, 0, p->nparams);
    if (p->body) line(m, "%s {\n  %s%s%s\n}", h, len ? len : "", len ? " && " : "", sstr(m, p->body));
    else line(m, "%s", h);
}

static void emit_func(Em *m, const VFunc *f)
{
    m->locals = &f->locals;
    StrBuf t = {0};
    vtype_text(&t, f->ret, true);
    line(m, "%s: %s", header(m, "function", f->name, f->is_domain ? VO_MODEL : f->origin, &f->locals, f->nparams),
         t.s);
    sb_free(&t);
    const char *len = struct_lengths(m, &f->locals, 0, f->nparams);
    if (len) line(m, "  requires %s", len);
    clauses(m, "requires", &f->requires);
    if (f->ret->kind == VT_SHAPE) line(m, "  ensures |result| == %u", f->ret->words);
    clauses(m, "ensures", &f->ensures);
    if (f->body) line(m, "{\n  %s\n}", sstr(m, f->body));
}

static void emit_method(Em *m, const VMethod *mt)
{
    m->locals = &mt->locals;
    StrBuf b = {0};
    sb_puts(&b, header(m, "method", mt->name, mt->origin, &mt->locals, mt->nparams));
    if (mt->nrets) {
        sb_puts(&b, " returns (");
        params(&b, &mt->locals, mt->nparams, mt->nparams + mt->nrets, true);
        sb_puts(&b, ")");
    }
    line(m, "%s", b.s);
    sb_free(&b);
    const char *len = struct_lengths(m, &mt->locals, 0, mt->nparams);
    if (len) line(m, "  requires %s", len);
    clauses(m, "requires", &mt->requires);
    len = struct_lengths(m, &mt->locals, mt->nparams, mt->nparams + mt->nrets);
    if (len) line(m, "  ensures %s", len);
    clauses(m, "ensures", &mt->ensures);
    if (!mt->has_body) return;
    line(m, "{");
    m->ind++;
    sblock(m, &mt->body);
    m->ind--;
    line(m, "}");
}

static void emit_domain(Em *m, const VDomain *d)
{
    line(m, "domain %s {", d->name);
    m->ind++;
    for (uint32_t i = 0; i < d->nfuncs; i++) emit_func(m, d->funcs[i]);
    for (uint32_t i = 0; i < d->naxioms; i++) {
        m->locals = &d->axioms[i].locals;
        if (d->axioms[i].name) line(m, "axiom %s {", d->axioms[i].name);
        else line(m, "axiom {");
        line(m, "  %s", sstr(m, d->axioms[i].e));
        line(m, "}");
    }
    m->ind--;
    line(m, "}");
}

/* ---- Pancake functions -------------------------------------------------- */

static void word_facts(Em *m, const char *kw, const char *v, const Shape *sh)
{
    line(m, "  %s %s", kw, bounds_of(m, v, sh));
}

static void fun_contract(Em *m, const FunDecl *fd, const VFunSpec *fs)
{
    uint64_t hw = m->s->opts.heap_words ? m->s->opts.heap_words : 16384;
    line(m, "  requires alen(heap) == %" PRIu64, hw);
    for (uint32_t i = 0; i < fd->nparams; i++) word_facts(m, "requires", entry_name(m, i), fd->params[i].shape);
    for (int post = 0; post < 2; post++) {
        const char *kw = post ? "ensures" : "requires";
        for (uint32_t g = 0; g < m->prog->nglobals; g++) {
            const GlobalDecl *gd = check_global(m->prog, g);
            const char *x = global_name(m, g);
            line(m, "  %s acc(%s) && %s", kw, x, bounds_of(m, x, gd ? gd->shape : NULL));
            /* a call forgets only the globals the callee may assign */
            if (post && !m->gwrites[(size_t)fd->index * m->prog->nglobals + g])
                line(m, "  ensures %s == old(%s)", x, x);
        }
        for (size_t i = 0; i < m->s->model_preds.n; i++) {
            const VPred *p = m->s->model_preds.v[i];
            StrBuf b = {0};
            sb_puts(&b, p->name);
            call_args(m, &b, p->origin, false, &p->margs);
            line(m, "  %s %s", kw, b.s);
            sb_free(&b);
        }
        if (post) word_facts(m, "ensures", "retval", fd->ret);
        m->locals = &fs->locals;
        clauses(m, kw, post ? &fs->ensures : &fs->requires);
    }
}

static void emit_fun(Em *m, const FunDecl *fd)
{
    const VFunSpec *fs = &m->s->funs[fd->index];
    m->fd = fd;
    m->slot_names = arena_alloc(&m->ar, (fd->nslots + 1) * sizeof(Sym));
    vbody_slot_names(fd, m->slot_names);
    m->ntmp = m->nlabel = m->nq = 0;
    m->ret_label = false;
    m->use = NULL;
    m->loop = NULL;
    StrBuf b = {0};
    sb_printf(&b, "method %s(", fun_name(m, fd));
    implicit_params(m, &b);
    if (m->prog->nglobals) sb_puts(&b, ", globals: Ref");
    for (uint32_t i = 0; i < fd->nparams; i++)
        sb_printf(&b, ", %s: %s", entry_name(m, i), shape_type(fd->params[i].shape));
    sb_printf(&b, ") returns (retval: %s)", shape_type(fd->ret));
    line(m, "// Pancake function %s at %s%s", fd->name, where(m, fd->name_span), fs->trusted ? " (trusted)" : "");
    line(m, "%s", b.s);
    sb_free(&b);
    m->contract = true;
    fun_contract(m, fd, fs);
    m->contract = false;
    if (fs->trusted) {
        line(m, "%s", "");
        return;
    }
    line(m, "{");
    m->ind++;
    m->declared = arena_alloc(&m->ar, fd->nslots + 1);
    m->shapes = arena_alloc(&m->ar, (fd->nslots + 1) * sizeof(Shape *));
    for (uint32_t i = 0; i < fd->nparams; i++) {
        line(m, "var %s: %s := %s", slot_name(m, i), shape_type(fd->params[i].shape), entry_name(m, i));
        declare(m, i, fd->params[i].shape);
    }
    pblock(m, &fd->body, true);
    if (m->ret_label) line(m, "label pnk_return");
    line(m, "refute false // some return is reachable (the end of %s)", fd->name);
    m->ind--;
    line(m, "}\n");
    m->fd = NULL;
    m->slot_names = NULL;
}

/* ---- the prelude -------------------------------------------------------- */

/* pancake2viper's prelude, each part unless the models declare it (as
 * griddle's own prelude, vspec read_prelude). */
static const char PRELUDE_IARRAY[] =
    "domain IArray {\n"
    "  function slot(a: IArray, i: Int): Ref\n"
    "  function first(r: Ref): IArray\n"
    "  function second(r: Ref): Int\n"
    "  axiom all_diff { forall a: IArray, i: Int :: { slot(a, i) } first(slot(a, i)) == a && second(slot(a, i)) == i }\n"
    "}\n";
static const char PRELUDE_ALEN[] =
    "domain IArrayLength {\n"
    "  function alen(a: IArray): Int\n"
    "  axiom len_nonneg { forall a: IArray :: { alen(a) } alen(a) >= 0 }\n"
    "}\n";
static const char PRELUDE_HEAP_ELEM[] = "field heap_elem: Int\n";
static const char PRELUDE_BV[] =
    "domain BitVectorDomain64 interpretation (SMTLIB: \"(_ BitVec 64)\", Boogie: \"bv64\") {\n"
    "  function bv64_from_int(i: Int): BitVectorDomain64 interpretation \"(_ int2bv 64)\"\n"
    "  function bv64_to_int(b: BitVectorDomain64): Int interpretation \"bv2nat\"\n"
    "  function bv64_and(a: BitVectorDomain64, b: BitVectorDomain64): BitVectorDomain64 interpretation \"bvand\"\n"
    "  function bv64_or(a: BitVectorDomain64, b: BitVectorDomain64): BitVectorDomain64 interpretation \"bvor\"\n"
    "  function bv64_xor(a: BitVectorDomain64, b: BitVectorDomain64): BitVectorDomain64 interpretation \"bvxor\"\n"
    "  function bv64_shl(a: BitVectorDomain64, b: BitVectorDomain64): BitVectorDomain64 interpretation \"bvshl\"\n"
    "  function bv64_lshr(a: BitVectorDomain64, b: BitVectorDomain64): BitVectorDomain64 interpretation \"bvlshr\"\n"
    "  function bv64_ashr(a: BitVectorDomain64, b: BitVectorDomain64): BitVectorDomain64 interpretation \"bvashr\"\n"
    "}\n";

static bool from_prelude(const VSpec *s, Span sp);

/* a function of that name declared by the models (domains included) */
static bool model_func(const VSpec *s, const char *name)
{
    for (size_t i = 0; i < s->funcs.n; i++)
        if (s->funcs.v[i]->origin == VO_MODEL && !from_prelude(s, s->funcs.v[i]->span) &&
            !strcmp(s->funcs.v[i]->name, name))
            return true;
    for (size_t d = 0; d < s->domains.n; d++)
        for (uint32_t i = 0; i < s->domains.v[d]->nfuncs; i++)
            if (!from_prelude(s, s->domains.v[d]->span) && !strcmp(s->domains.v[d]->funcs[i]->name, name))
                return true;
    return false;
}

static void prelude(const VSpec *s, StrBuf *out)
{
    sb_puts(out, "// ---- prelude (pancake2viper's, where the models do not declare it) ----\n");
    if (!model_func(s, "slot")) sb_puts(out, PRELUDE_IARRAY);
    if (!model_func(s, "alen")) sb_puts(out, PRELUDE_ALEN);
    bool elem = false;
    for (size_t i = 0; i < s->fields.n; i++)
        elem |= !strcmp(s->fields.v[i]->name, "heap_elem") && !from_prelude(s, s->fields.v[i]->span);
    if (!elem) sb_puts(out, PRELUDE_HEAP_ELEM);
    if (!model_func(s, "bv64_from_int")) sb_puts(out, PRELUDE_BV);
    sb_puts(out, "// ---- end of prelude ----\n");
}

/* Viper functions the Pancake encoding uses (printed when used): pure and
 * non-recursive, so both Viper and griddle's model subset read them. */
static void helpers(Em *m, StrBuf *out)
{
    sb_puts(out, "function pnk_slice(a: IArray, lo: Int, hi: Int): Bool\n"
                 "  requires 0 <= lo && lo <= hi && hi <= alen(a)\n"
                 "{ true }\n");
    if (m->use_signed)
        sb_puts(out, "function pnk_signed(x: Int): Int\n{ x < " TWO63 " ? x : x - " TWO64 " }\n");
    if (m->use_sub) {
        sb_puts(out, "function pnk_ld8(w: Int, r: Int): Int\n{ ");
        for (unsigned k = 0; k < 7; k++) sb_printf(out, "r == %u ? (w \\ %" PRIu64 ") %% 256 : ", k, (uint64_t)1 << (8 * k));
        sb_printf(out, "(w \\ %" PRIu64 ") %% 256 }\n", (uint64_t)1 << 56);
        sb_puts(out, "function pnk_st8(w: Int, r: Int, v: Int): Int\n{ ");
        for (unsigned k = 0; k < 8; k++) {
            uint64_t p = (uint64_t)1 << (8 * k);
            const char *arm = arena_printf(&m->ar, "w - (w \\ %" PRIu64 ") %% 256 * %" PRIu64 " + v %% 256 * %" PRIu64,
                                           p, p, p);
            if (k < 7) sb_printf(out, "r == %u ? %s : ", k, arm);
            else sb_printf(out, "%s }\n", arm);
        }
        sb_puts(out, "function pnk_ld32(w: Int, r: Int): Int\n{ r == 0 ? w % 4294967296 : w \\ 4294967296 }\n");
        sb_puts(out, "function pnk_st32(w: Int, r: Int, v: Int): Int\n"
                     "{ r == 0 ? (w \\ 4294967296) * 4294967296 + v % 4294967296"
                     " : v % 4294967296 * 4294967296 + w % 4294967296 }\n");
    }
    for (int op = 0; op < 4; op++) {
        if (!m->use_shift[op]) continue;
        sb_printf(out, "function %s(a: Int, n: Int): Int\n{ ", shift_fn[op]);
        for (unsigned k = 0; k < 64; k++) {
            const char *arm = k ? shift_const(m, (ShiftOp)op, "a", k) : "a";
            if (k < 63) sb_printf(out, "n == %u ? %s : ", k, arm);
            else sb_printf(out, "%s }\n", arm);
        }
    }
}

static bool from_prelude(const VSpec *s, Span sp)
{
    const char *f = s->srcmgr ? srcmgr_name(s->srcmgr, sp.file) : NULL;
    return f && !strcmp(f, "<prelude>");
}

/* Declarations of one origin, in the verifier's order. */
static void emit_decls(Em *m, VOrigin o)
{
    const VSpec *s = m->s;
    for (size_t i = 0; i < s->fields.n; i++) {
        const VField *f = s->fields.v[i];
        if (o != VO_MODEL || from_prelude(s, f->span)) continue;
        StrBuf t = {0};
        vtype_text(&t, f->type, true);
        line(m, "field %s: %s", f->name, t.s);
        sb_free(&t);
    }
    for (size_t i = 0; i < s->domains.n; i++)
        if (o == VO_MODEL && !from_prelude(s, s->domains.v[i]->span)) emit_domain(m, s->domains.v[i]);
    for (size_t i = 0; i < s->preds.n; i++)
        if (s->preds.v[i]->origin == o) emit_pred(m, s->preds.v[i]);
    for (size_t i = 0; i < s->funcs.n; i++)
        if (s->funcs.v[i]->origin == o && !s->funcs.v[i]->is_domain && !from_prelude(s, s->funcs.v[i]->span))
            emit_func(m, s->funcs.v[i]);
    for (size_t i = 0; i < s->methods.n; i++)
        if (s->methods.v[i]->origin == o) emit_method(m, s->methods.v[i]);
    m->locals = NULL;
}

static bool name_clash(Em *m)
{
    const VSpec *s = m->s;
    for (size_t i = 0; i < s->prog->decls.n; i++) {
        const Decl *d = s->prog->decls.v[i];
        if (d->kind != D_FUN) continue;
        const char *n = fun_name(m, &d->u.fun);
        bool clash = false;
        for (size_t k = 0; k < s->methods.n; k++) clash |= !strcmp(s->methods.v[k]->name, n);
        for (size_t k = 0; k < s->funcs.n; k++) clash |= !strcmp(s->funcs.v[k]->name, n);
        for (size_t k = 0; k < s->preds.n; k++) clash |= !strcmp(s->preds.v[k]->name, n);
        if (clash) {
            diag_add(m->dl, DIAG_ERROR, "verify.unsupported", &d->u.fun.name_span,
                     "--emit-viper: the method for this function, %s, has the name of a specification declaration", n);
            return true;
        }
    }
    return false;
}

bool verify_emit_viper(const VSpec *s, const VerifyOpts *o, StrBuf *out, DiagList *dl)
{
    Em m;
    memset(&m, 0, sizeof m);
    m.s = s;
    m.prog = s->prog;
    m.no_overflow = o && o->no_overflow;
    m.dl = dl;
    m.ok = true;
    arena_init(&m.ar);
    if (name_clash(&m)) {
        arena_free(&m.ar);
        return false;
    }
    m.gwrites = vg_global_writes(s->prog, s->nfuns);
    StrBuf body = {0};
    m.b = &body;
    if (s->prog->nglobals) {
        line(&m, "// Pancake globals: fields of the Ref `globals`");
        for (uint32_t g = 0; g < s->prog->nglobals; g++) {
            const GlobalDecl *gd = check_global(s->prog, g);
            line(&m, "field g_%s: %s", gd ? gd->name : "?", gd ? shape_type(gd->shape) : "Int");
        }
    }
    line(&m, "// ---- declarations of the Pancake annotations ----");
    emit_decls(&m, VO_PANCAKE);
    line(&m, "// ---- Pancake functions ----");
    for (size_t i = 0; i < s->prog->decls.n; i++)
        if (s->prog->decls.v[i]->kind == D_FUN) emit_fun(&m, &s->prog->decls.v[i]->u.fun);
    line(&m, "// ---- model files ----");
    emit_decls(&m, VO_MODEL);
    if (m.ok) {
        sb_puts(out, "// Viper program printed by griddle verify --emit-viper (docs/verifier.md \"Viper output\")\n");
        prelude(s, out);
        helpers(&m, out);
        sb_putn(out, body.s ? body.s : "", body.n);
    }
    sb_free(&body);
    free(m.gwrites);
    arena_free(&m.ar);
    return m.ok;
}
