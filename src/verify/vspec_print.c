/*
 * vspec_build/vspec_free, the lookups vgen uses, and the printers:
 * vexpr_print (fully parenthesised expressions, coercions visible, names
 * resolved) and vspec_dump (the whole resolved specification, the output
 * of `griddle verify --dump-spec`, format in docs/verifier-language.md).
 */
#include "vspec_int.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

/* ---- printing ------------------------------------------------------------------ */

typedef struct Pr {
    StrBuf *b;
    const VSpec *s;
    const VLocals *locals; /* the enclosing declaration's table, or NULL */
} Pr;

static void pe(Pr *p, const VExpr *e);

const char *vbinop_text(VBinOp op)
{
    switch (op) {
    case VB_ADD: return "+";
    case VB_SUB: return "-";
    case VB_MUL: return "*";
    case VB_DIV: return "/";
    case VB_MOD: return "%";
    case VB_PDIV: return "/";
    case VB_BAND: return "&";
    case VB_BOR: return "|";
    case VB_BXOR: return "^";
    case VB_SHL: return "<<";
    case VB_LSHR: return ">>>";
    case VB_ASHR: return ">>";
    case VB_EQ: return "==";
    case VB_NE: return "!=";
    case VB_LT: return "<";
    case VB_LE: return "<=";
    case VB_GT: return ">";
    case VB_GE: return ">=";
    case VB_AND: return "&&";
    case VB_OR: return "||";
    case VB_IMPLIES: return "==>";
    case VB_IFF: return "<==>";
    case VB_CONCAT: return "++";
    case VB_IN: return "in";
    case VB_UNION: return "union";
    case VB_INTERSECT: return "intersection";
    case VB_SETMINUS: return "setminus";
    case VB_SUBSET: return "subset";
    }
    return "?";
}

static void plist(Pr *p, const VExprList *l)
{
    for (uint32_t i = 0; i < l->n; i++) {
        if (i) sb_puts(p->b, ", ");
        pe(p, l->v[i]);
    }
}

static void plocal(Pr *p, uint32_t idx, Sym name)
{
    if (!name && p->locals && idx < p->locals->n) name = p->locals->v[idx].name;
    sb_printf(p->b, "%s#local%u", name ? name : "", idx);
}

static void pquant(Pr *p, const VExpr *e)
{
    sb_puts(p->b, e->u.quant.kind == VQ_FORALL ? "(forall " : "(exists ");
    for (uint32_t i = 0; i < e->u.quant.nvars; i++) {
        uint32_t idx = e->u.quant.first + i;
        if (i) sb_puts(p->b, ", ");
        plocal(p, idx, NULL);
        if (p->locals && idx < p->locals->n) {
            sb_puts(p->b, ": ");
            vtype_print(p->b, p->locals->v[idx].type);
        }
    }
    sb_puts(p->b, " ::");
    for (uint32_t i = 0; i < e->u.quant.ntriggers; i++) {
        sb_puts(p->b, " {");
        plist(p, &e->u.quant.triggers[i]);
        sb_puts(p->b, "}");
    }
    sb_puts(p->b, " ");
    pe(p, e->u.quant.body);
    sb_puts(p->b, ")");
}

static void pperm(Pr *p, const VExpr *perm)
{
    if (!perm) return;
    sb_puts(p->b, ", ");
    pe(p, perm);
}

/* open e ) */
static void pwrap(Pr *p, const char *open, const VExpr *e)
{
    sb_puts(p->b, open);
    pe(p, e);
    sb_puts(p->b, ")");
}

static void pe(Pr *p, const VExpr *e)
{
    StrBuf *b = p->b;
    if (!e) {
        sb_puts(b, "<null>");
        return;
    }
    switch (e->kind) {
    case VX_INT:
        if (e->u.lit.big) sb_puts(b, e->u.lit.big);
        else sb_printf(b, "%" PRId64, e->u.lit.v);
        return;
    case VX_BOOL: sb_puts(b, e->u.bval ? "true" : "false"); return;
    case VX_PERMLIT: sb_printf(b, "%" PRId64 "/%" PRId64, e->u.perm.num, e->u.perm.den); return;
    case VX_WILDCARD: sb_puts(b, "wildcard"); return;
    case VX_NULL: sb_puts(b, "null"); return;
    case VX_PVAR: sb_printf(b, "%s#slot%u", e->u.pvar.name, e->u.pvar.slot); return;
    case VX_PGLOBAL: sb_printf(b, "%s#global%u", e->u.pvar.name, e->u.pvar.slot); return;
    case VX_RETVAL: sb_puts(b, "retval"); return;
    case VX_RESULT: sb_puts(b, "result"); return;
    case VX_HEAP: sb_puts(b, "heap"); return;
    case VX_LOCAL: plocal(p, e->u.local.index, e->u.local.name); return;
    case VX_MFIELD:
        sb_printf(b, "%s#mfield%u",
                  e->u.mfield < p->s->model_fields.n ? p->s->model_fields.v[e->u.mfield] : "?",
                  e->u.mfield);
        return;
    case VX_UNOP:
        sb_puts(b, e->u.un.op == VU_NOT ? "(!" : "(-");
        pe(p, e->u.un.a);
        sb_puts(b, ")");
        return;
    case VX_BINOP:
        sb_puts(b, e->u.bin.op == VB_PDIV ? "frac(" : "(");
        pe(p, e->u.bin.a);
        if (e->u.bin.op == VB_PDIV) sb_puts(b, ", ");
        else sb_printf(b, " %s ", vbinop_text(e->u.bin.op));
        pe(p, e->u.bin.b);
        sb_puts(b, ")");
        return;
    case VX_TOBOOL:
        pwrap(p, "tobool(", e->u.un.a);
        return;
    case VX_COND:
        sb_puts(b, "(");
        pe(p, e->u.tern.c);
        sb_puts(b, " ? ");
        pe(p, e->u.tern.a);
        sb_puts(b, " : ");
        pe(p, e->u.tern.b);
        sb_puts(b, ")");
        return;
    case VX_FIELD:
        pe(p, e->u.fld.recv);
        sb_printf(b, ".%s", e->u.fld.field->name);
        return;
    case VX_INDEX:
        pe(p, e->u.idx.base);
        sb_puts(b, "[");
        pe(p, e->u.idx.index);
        sb_puts(b, "]");
        return;
    case VX_SEQSLICE:
    case VX_ACCSLICE:
        if (e->kind == VX_ACCSLICE) sb_puts(b, "acc(");
        pe(p, e->u.slice.base);
        sb_puts(b, "[");
        if (e->u.slice.lo) pe(p, e->u.slice.lo);
        sb_puts(b, "..");
        if (e->u.slice.hi) pe(p, e->u.slice.hi);
        sb_puts(b, "]");
        if (e->kind == VX_ACCSLICE) {
            pperm(p, e->u.slice.perm);
            sb_puts(b, ")");
        }
        return;
    case VX_SEQUPDATE:
        pe(p, e->u.upd.s);
        sb_puts(b, "[");
        pe(p, e->u.upd.i);
        sb_puts(b, " := ");
        pe(p, e->u.upd.v);
        sb_puts(b, "]");
        return;
    case VX_SEQLIT:
    case VX_SETLIT:
        sb_puts(b, e->kind == VX_SEQLIT ? "Seq" : "Set");
        if (!e->u.list.n) {
            sb_puts(b, "[");
            vtype_print(b, e->type->elem);
            sb_puts(b, "]");
        }
        sb_puts(b, "(");
        plist(p, &e->u.list);
        sb_puts(b, ")");
        return;
    case VX_LEN:
        if (e->u.un.a->kind == VX_HEAP || e->u.un.a->type->kind == VT_IARRAY) {
            pwrap(p, "alen(", e->u.un.a);
        } else {
            sb_puts(b, "|");
            pe(p, e->u.un.a);
            sb_puts(b, "|");
        }
        return;
    case VX_STRUCT:
        sb_puts(b, "<");
        plist(p, &e->u.list);
        sb_puts(b, ">");
        return;
    case VX_SFIELD:
        pe(p, e->u.sfld.e);
        sb_printf(b, ".%u", e->u.sfld.index);
        return;
    case VX_CALL:
    case VX_PREDCALL:
        sb_printf(b, "%s(", e->kind == VX_CALL ? e->u.call.fn->name : e->u.call.pred->name);
        plist(p, &e->u.call.args);
        sb_puts(b, ")");
        return;
    case VX_ACC:
        sb_puts(b, "acc(");
        pe(p, e->u.acc.loc);
        pperm(p, e->u.acc.perm);
        sb_puts(b, ")");
        return;
    case VX_PERM:
        pwrap(p, "perm(", e->u.permof.loc);
        return;
    case VX_OLD:
        pwrap(p, "old(", e->u.un.a);
        return;
    case VX_UNFOLDING:
        sb_puts(b, "(unfolding ");
        if (e->u.unf.perm) sb_puts(b, "acc(");
        pe(p, e->u.unf.pred);
        if (e->u.unf.perm) {
            pperm(p, e->u.unf.perm);
            sb_puts(b, ")");
        }
        sb_puts(b, " in ");
        pe(p, e->u.unf.body);
        sb_puts(b, ")");
        return;
    case VX_LET:
        sb_puts(b, "(let ");
        plocal(p, e->u.let.local, NULL);
        sb_puts(b, " == (");
        pe(p, e->u.let.e);
        sb_puts(b, ") in ");
        pe(p, e->u.let.body);
        sb_puts(b, ")");
        return;
    case VX_QUANT: pquant(p, e); return;
    }
}

void vexpr_print(StrBuf *b, const VSpec *s, const VExpr *e)
{
    Pr p = {b, s, NULL};
    pe(&p, e);
}

/* ---- dump ------------------------------------------------------------------------ */

static void pindent(StrBuf *b, int n)
{
    for (int i = 0; i < n; i++) sb_puts(b, "  ");
}

static void pclauses(Pr *p, int ind, const char *kw, const VExprList *l)
{
    for (uint32_t i = 0; i < l->n; i++) {
        pindent(p->b, ind);
        sb_printf(p->b, "%s ", kw);
        pe(p, l->v[i]);
        sb_puts(p->b, "\n");
    }
}

static void pparams(Pr *p, const VLocals *l, uint32_t from, uint32_t to)
{
    sb_puts(p->b, "(");
    for (uint32_t i = from; i < to; i++) {
        if (i > from) sb_puts(p->b, ", ");
        plocal(p, i, l->v[i].name);
        sb_puts(p->b, ": ");
        vtype_print(p->b, l->v[i].type);
    }
    sb_puts(p->b, ")");
}

static void pblock(Pr *p, int ind, const VBlock *blk);

static void pstmt(Pr *p, int ind, const VStmt *s)
{
    StrBuf *b = p->b;
    static const char *const kw[] = {[VS_ASSERT] = "assert", [VS_ASSUME] = "assume",
                                     [VS_REFUTE] = "refute", [VS_INHALE] = "inhale",
                                     [VS_EXHALE] = "exhale", [VS_FOLD] = "fold",
                                     [VS_UNFOLD] = "unfold"};
    pindent(b, ind);
    switch (s->kind) {
    case VS_ASSERT: case VS_ASSUME: case VS_REFUTE: case VS_INHALE: case VS_EXHALE: case VS_FOLD:
    case VS_UNFOLD:
        sb_printf(b, "%s ", kw[s->kind]);
        pe(p, s->e);
        break;
    case VS_USE:
        sb_printf(b, "use %s (load=%s store=%s)", s->use->name,
                  s->use->load ? s->use->load->name : "-", s->use->store ? s->use->store->name : "-");
        break;
    case VS_VARDECL:
        sb_puts(b, "var ");
        plocal(p, s->local, NULL);
        sb_puts(b, ": ");
        vtype_print(b, p->locals->v[s->local].type);
        if (s->e) {
            sb_puts(b, " := ");
            pe(p, s->e);
        }
        break;
    case VS_ASSIGN:
        plocal(p, s->local, NULL);
        sb_puts(b, " := ");
        pe(p, s->e);
        break;
    case VS_FIELDASSIGN:
        pe(p, s->lhs);
        sb_puts(b, " := ");
        pe(p, s->e);
        break;
    case VS_CALL:
        for (uint32_t i = 0; i < s->ntargets; i++) {
            if (i) sb_puts(b, ", ");
            plocal(p, s->targets[i], NULL);
        }
        if (s->ntargets) sb_puts(b, " := ");
        sb_printf(b, "%s(", s->method->name);
        plist(p, &s->args);
        sb_puts(b, ")");
        break;
    case VS_IF:
    case VS_WHILE:
        sb_puts(b, s->kind == VS_IF ? "if " : "while ");
        pe(p, s->e);
        sb_puts(b, "\n");
        pclauses(p, ind + 1, "invariant", &s->invariants);
        pblock(p, ind + 1, &s->then);
        if (s->kind == VS_IF && s->els.n) {
            pindent(b, ind);
            sb_puts(b, "else\n");
            pblock(p, ind + 1, &s->els);
        }
        return;
    case VS_LABEL:
    case VS_GOTO: sb_printf(b, "%s %s", s->kind == VS_LABEL ? "label" : "goto", s->label); break;
    }
    sb_puts(b, "\n");
}

static void pblock(Pr *p, int ind, const VBlock *blk)
{
    for (uint32_t i = 0; i < blk->n; i++) pstmt(p, ind, blk->v[i]);
}

static const char *origin(VOrigin o) { return o == VO_MODEL ? "model" : "pancake"; }

static void dump_func(Pr *p, const VFunc *f, int ind)
{
    p->locals = &f->locals;
    pindent(p->b, ind);
    sb_printf(p->b, "function %s", f->name);
    pparams(p, &f->locals, 0, f->nparams);
    sb_puts(p->b, ": ");
    vtype_print(p->b, f->ret);
    sb_printf(p->b, " [%s%s]\n", origin(f->origin), f->recursive ? ", recursive" : "");
    pclauses(p, ind + 1, "requires", &f->requires);
    pclauses(p, ind + 1, "ensures", &f->ensures);
    if (f->body) {
        pindent(p->b, ind + 1);
        sb_puts(p->b, "= ");
        pe(p, f->body);
        sb_puts(p->b, "\n");
    }
}

static bool in_prelude(const VSpec *s, const Span *sp)
{
    return !strcmp(srcmgr_name(s->srcmgr, sp->file), "<prelude>");
}

/* Declarations in source order; the built-in prelude is not shown. */
static void dump_decls(Pr *p)
{
    const VSpec *s = p->s;
    StrBuf *b = p->b;
    for (size_t i = 0; i < s->model_fields.n; i++)
        sb_printf(b, "model field %s#mfield%zu\n", s->model_fields.v[i], i);
    for (size_t i = 0; i < s->fields.n; i++) {
        if (in_prelude(s, &s->fields.v[i]->span)) continue;
        sb_printf(b, "field %s: ", s->fields.v[i]->name);
        vtype_print(b, s->fields.v[i]->type);
        sb_puts(b, "\n");
    }
    for (size_t i = 0; i < s->domains.n; i++) {
        const VDomain *d = s->domains.v[i];
        if (in_prelude(s, &d->span)) continue;
        sb_printf(b, "domain %s\n", d->name);
        for (uint32_t j = 0; j < d->nfuncs; j++) dump_func(p, d->funcs[j], 1);
        for (uint32_t j = 0; j < d->naxioms; j++) {
            p->locals = &d->axioms[j].locals;
            sb_printf(b, "  axiom %s: ", d->axioms[j].name ? d->axioms[j].name : "");
            pe(p, d->axioms[j].e);
            sb_puts(b, "\n");
        }
    }
    for (size_t i = 0; i < s->preds.n; i++) {
        const VPred *q = s->preds.v[i];
        p->locals = &q->locals;
        sb_printf(b, "predicate %s", q->name);
        pparams(p, &q->locals, 0, q->nparams);
        sb_printf(b, " [%s%s]\n", origin(q->origin), q->recursive ? ", recursive" : "");
        if (q->body) {
            sb_puts(b, "  = ");
            pe(p, q->body);
            sb_puts(b, "\n");
        }
    }
    for (size_t i = 0; i < s->funcs.n; i++) dump_func(p, s->funcs.v[i], 0);
    for (size_t i = 0; i < s->methods.n; i++) {
        const VMethod *m = s->methods.v[i];
        p->locals = &m->locals;
        sb_printf(b, "method %s", m->name);
        pparams(p, &m->locals, 0, m->nparams);
        if (m->nrets) {
            sb_puts(b, " returns ");
            pparams(p, &m->locals, m->nparams, m->nparams + m->nrets);
        }
        sb_printf(b, " [%s%s]\n", origin(m->origin), m->has_body ? ", body" : "");
        pclauses(p, 1, "requires", &m->requires);
        pclauses(p, 1, "ensures", &m->ensures);
        pblock(p, 1, &m->body);
    }
    p->locals = NULL;
    for (size_t i = 0; i < s->model_preds.n; i++) {
        const VPred *q = s->model_preds.v[i];
        sb_printf(b, "model predicate %s(", q->name);
        plist(p, &q->margs);
        sb_puts(b, ")\n");
    }
    for (size_t i = 0; i < s->shared.n; i++) {
        const VShared *r = s->shared.v[i];
        sb_printf(b, "shared %s%s u%u %s [0x%" PRIx64 ", 0x%" PRIx64 ") stride %" PRIu64
                     " load=%s store=%s\n",
                  r->read ? "r" : "", r->write ? "w" : "", 8 * r->width, r->name, r->lo, r->hi,
                  r->stride, r->load ? r->load->name : "-", r->store ? r->store->name : "-");
    }
    for (size_t i = 0; i < s->ffis.n; i++)
        sb_printf(b, "ffi %s -> %s\n", s->ffis.v[i]->name, s->ffis.v[i]->method->name);
}

static int span_cmp(const Span *a, const Span *b)
{
    if (a->file != b->file) return a->file < b->file ? -1 : 1;
    if (a->line != b->line) return a->line < b->line ? -1 : 1;
    if (a->col != b->col) return a->col < b->col ? -1 : 1;
    return 0;
}

static int annot_by_span(const void *x, const void *y)
{
    const VAnnotStmt *const *a = x, *const *b = y;
    return span_cmp(&(*a)->at->span, &(*b)->at->span);
}

static int loop_by_span(const void *x, const void *y)
{
    const VLoopSpec *const *a = x, *const *b = y;
    return span_cmp(&(*a)->loop->span, &(*b)->loop->span);
}

static bool span_within(const Span *in, const Span *outer)
{
    return in->file == outer->file && span_cmp(in, outer) >= 0 &&
           (in->line < outer->eline || (in->line == outer->eline && in->col <= outer->ecol));
}

void vspec_dump(StrBuf *b, const VSpec *s)
{
    Pr p = {b, s, NULL};
    dump_decls(&p);
    const VAnnotStmt **an = xcalloc(s->annots.n + 1, sizeof *an);
    const VLoopSpec **lp = xcalloc(s->loops.n + 1, sizeof *lp);
    for (size_t i = 0; i < s->annots.n; i++) an[i] = &s->annots.v[i];
    for (size_t i = 0; i < s->loops.n; i++) lp[i] = &s->loops.v[i];
    qsort(an, s->annots.n, sizeof *an, annot_by_span);
    qsort(lp, s->loops.n, sizeof *lp, loop_by_span);
    for (uint32_t i = 0; i < s->nfuns; i++) {
        const VFunSpec *f = &s->funs[i];
        if (!f->fun) continue;
        p.locals = &f->locals;
        sb_printf(b, "fun %s%s%s\n", f->fun->name, f->trusted ? " [trusted]" : "", f->bitvector ? " [bitvector]" : "");
        pclauses(&p, 1, "requires", &f->requires);
        pclauses(&p, 1, "ensures", &f->ensures);
        Span body = f->fun->body.span;
        for (size_t k = 0; k < s->loops.n; k++) {
            if (!span_within(&lp[k]->loop->span, &body)) continue;
            sb_printf(b, "  %u:%u while\n", lp[k]->loop->span.line, lp[k]->loop->span.col);
            pclauses(&p, 2, "invariant", &lp[k]->invariants);
        }
        for (size_t k = 0; k < s->annots.n; k++) {
            if (!span_within(&an[k]->at->span, &body)) continue;
            sb_printf(b, "  %u:%u ", an[k]->at->span.line, an[k]->at->span.col);
            pstmt(&p, 0, &an[k]->stmt);
        }
    }
    free(an);
    free(lp);
}

/* ---- lookups ---------------------------------------------------------------------- */

static int annot_by_ptr(const void *x, const void *y)
{
    uintptr_t a = (uintptr_t)((const VAnnotStmt *)x)->at, b = (uintptr_t)((const VAnnotStmt *)y)->at;
    return a < b ? -1 : a > b;
}

static int loop_by_ptr(const void *x, const void *y)
{
    uintptr_t a = (uintptr_t)((const VLoopSpec *)x)->loop, b = (uintptr_t)((const VLoopSpec *)y)->loop;
    return a < b ? -1 : a > b;
}

const VAnnotStmt *vspec_annot(const VSpec *s, const Stmt *annot_stmt)
{
    VAnnotStmt key = {.at = annot_stmt};
    return s->annots.n ? bsearch(&key, s->annots.v, s->annots.n, sizeof key, annot_by_ptr) : NULL;
}

const VLoopSpec *vspec_loop(const VSpec *s, const Stmt *while_stmt)
{
    VLoopSpec key = {.loop = while_stmt};
    return s->loops.n ? bsearch(&key, s->loops.v, s->loops.n, sizeof key, loop_by_ptr) : NULL;
}

const VShared *vspec_shared_at(const VSpec *s, uint64_t addr, uint8_t width, bool store)
{
    for (size_t i = 0; i < s->shared.n; i++) {
        const VShared *r = s->shared.v[i];
        if (r->width != width || (store ? !r->write : !r->read)) continue;
        if (addr >= r->lo && addr < r->hi && (addr - r->lo) % r->stride == 0) return r;
    }
    return NULL;
}

/* ---- build ------------------------------------------------------------------------ */

static void init_ctx(VSCtx *c, VSpec *s, DiagList *dl)
{
    memset(c, 0, sizeof *c);
    c->s = s;
    c->dl = dl;
    c->in = s->prog->interner;
    c->a = &s->arena;
#define K(f, str) c->k.f = intern_cstr(c->in, str)
    K(forall, "forall"); K(exists, "exists"); K(acc, "acc"); K(old, "old");
    K(unfolding, "unfolding"); K(in, "in"); K(let, "let"); K(true_, "true"); K(false_, "false");
    K(null, "null"); K(write, "write"); K(read, "read"); K(none, "none"); K(wildcard, "wildcard");
    K(heap, "heap"); K(retval, "retval"); K(result, "result"); K(alen, "alen"); K(perm, "perm");
    K(Seq, "Seq"); K(Set, "Set"); K(Map, "Map"); K(Int, "Int"); K(Bool, "Bool"); K(Perm, "Perm");
    K(Ref, "Ref"); K(IArray, "IArray"); K(union_, "union"); K(intersection, "intersection");
    K(setminus, "setminus"); K(subset, "subset"); K(requires, "requires"); K(ensures, "ensures");
    K(invariant, "invariant"); K(trusted, "trusted"); K(bitvector, "bitvector"); K(assert, "assert"); K(assume, "assume");
    K(refute, "refute"); K(inhale, "inhale"); K(exhale, "exhale"); K(fold, "fold");
    K(unfold, "unfold"); K(use, "use"); K(predicate, "predicate"); K(function, "function");
    K(method, "method"); K(model, "model"); K(field, "field"); K(extern_, "extern");
    K(ffi, "ffi"); K(shared, "shared"); K(domain, "domain"); K(axiom, "axiom");
    K(define, "define"); K(var, "var"); K(returns, "returns"); K(if_, "if");
    K(elseif, "elseif"); K(else_, "else"); K(while_, "while"); K(label, "label");
    K(goto_, "goto"); K(bounded, "bounded"); K(bounded8, "bounded8"); K(bounded16, "bounded16");
    K(bounded32, "bounded32"); K(bounded64, "bounded64"); K(r, "r"); K(w, "w"); K(rw, "rw");
    K(wr, "wr"); K(u8, "u8"); K(u16, "u16"); K(u32, "u32"); K(u64, "u64"); K(import, "import");
    K(new_, "new"); K(unique, "unique"); K(decreases, "decreases");
#undef K
    c->t_int = vtype_new(c, VT_INT, NULL, NULL);
    c->t_bool = vtype_new(c, VT_BOOL, NULL, NULL);
    c->t_perm = vtype_new(c, VT_PERM, NULL, NULL);
    c->t_ref = vtype_new(c, VT_REF, NULL, NULL);
    c->t_iarray = vtype_new(c, VT_IARRAY, NULL, NULL);
}

static void read_models(VSCtx *c, const VOpts *o)
{
    for (size_t i = 0; i < o->nmodels; i++) {
        size_t len = 0;
        char *text = read_file(o->models[i], &len);
        if (!text) {
            verr(c, "io", NULL, "cannot read model file '%s': %s", o->models[i], strerror(errno));
            continue;
        }
        if (memchr(text, 0, len)) {
            free(text);
            verr(c, "io", NULL, "model file '%s' contains a NUL byte", o->models[i]);
            continue;
        }
        uint32_t f = srcmgr_add(c->s->srcmgr, o->models[i], text, len);
        const SrcFile *sf = c->s->srcmgr->files.v[f];
        vparse_model(c, sf->text, sf->len, f, &c->pdecls);
    }
    if (o->model_text) {
        const char *name = o->model_text_name ? o->model_text_name : "<model>";
        if (memchr(o->model_text, 0, o->model_text_len)) {
            verr(c, "io", NULL, "model '%s' contains a NUL byte", name);
            return;
        }
        char *text = xstrndup(o->model_text, o->model_text_len);
        uint32_t f = srcmgr_add(c->s->srcmgr, name, text, o->model_text_len);
        const SrcFile *sf = c->s->srcmgr->files.v[f];
        vparse_model(c, sf->text, sf->len, f, &c->pdecls);
    }
}

/* pancake2viper prepends a prelude declaring the IArray domain; models
 * use its functions (slot(a, i).f). Declared here unless a model file
 * declares them itself. alen is built in (VX_LEN); a[i] on an IArray means
 * slot(a, i).heap_elem. */
static const char PRELUDE_IARRAY[] =
    "domain IArray {\n"
    "  function slot(a: IArray, i: Int): Ref\n"
    "  function first(r: Ref): IArray\n"
    "  function second(r: Ref): Int\n"
    "  axiom all_diff { forall a: IArray, i: Int :: { slot(a, i) } first(slot(a, i)) == a && second(slot(a, i)) == i }\n"
    "}\n";
static const char PRELUDE_HEAP_ELEM[] = "field heap_elem: Int\n";

static bool declared(VSCtx *c, const char *name, PDeclKind kind)
{
    Sym s = intern_cstr(c->in, name);
    for (size_t i = 0; i < c->pdecls.n; i++) {
        const PDecl *d = c->pdecls.v[i];
        if (d->kind == kind && d->name == s) return true;
        if (d->kind == PD_DOMAIN)
            for (uint32_t j = 0; j < d->nfuncs; j++)
                if (d->funcs[j]->name == s && kind == PD_FUNC) return true;
    }
    return false;
}

static void read_prelude(VSCtx *c)
{
    StrBuf b = {0};
    if (!declared(c, "slot", PD_FUNC) && !declared(c, "first", PD_FUNC) &&
        !declared(c, "second", PD_FUNC))
        sb_puts(&b, PRELUDE_IARRAY);
    if (!declared(c, "heap_elem", PD_FIELD)) sb_puts(&b, PRELUDE_HEAP_ELEM);
    if (!b.n) return;
    PDeclVec pre = {0};
    uint32_t f = srcmgr_add(c->s->srcmgr, "<prelude>", xstrndup(b.s, b.n), b.n);
    const SrcFile *sf = c->s->srcmgr->files.v[f];
    if (!vparse_model(c, sf->text, sf->len, f, &pre)) die("vspec: the prelude does not parse");
    for (size_t i = 0; i < c->pdecls.n; i++) vec_push(&pre, c->pdecls.v[i]);
    vec_free(&c->pdecls);
    c->pdecls = pre;
    sb_free(&b);
}

static void read_toplevel_annots(VSCtx *c)
{
    const Program *p = c->s->prog;
    for (size_t i = 0; i < p->decls.n; i++) {
        const Decl *d = p->decls.v[i];
        if (d->kind == D_GLOBAL) {
            const GlobalDecl *g = &d->u.global;
            vec_push(&c->globals, ((PVar){g->name, g->index, true, g->shape}));
        }
        if (d->kind != D_ANNOT) continue;
        PDecl *pd = vparse_annot(c, d->u.annot.text, vannot_pos(c, d->span), true);
        if (!pd) continue;
        if (pd->kind == PD_STMT) {
            verr(c, "placement", &pd->span, "statement annotations (requires, ensures, invariant, "
                                            "assert, ...) belong inside a function body");
            continue;
        }
        vec_push(&c->pdecls, pd);
    }
}

bool vspec_build(VSpec *out, const Program *prog, const VOpts *o, DiagList *dl)
{
    memset(out, 0, sizeof *out);
    arena_init(&out->arena);
    out->prog = prog;
    out->srcmgr = prog->srcmgr;
    out->opts = *o;
    VSCtx c;
    init_ctx(&c, out, dl);
    read_models(&c, o);
    read_prelude(&c);
    read_toplevel_annots(&c);
    vdecls_build(&c);
    vbodies_build(&c);
    if (out->annots.n > 1) qsort(out->annots.v, out->annots.n, sizeof *out->annots.v, annot_by_ptr);
    if (out->loops.n > 1) qsort(out->loops.v, out->loops.n, sizeof *out->loops.v, loop_by_ptr);
    vec_free(&c.macros);
    vec_free(&c.bound);
    vec_free(&c.pdecls);
    vec_free(&c.globals);
    return c.nerrors == 0;
}

void vspec_free(VSpec *s)
{
    vec_free(&s->fields);
    vec_free(&s->preds);
    vec_free(&s->funcs);
    vec_free(&s->methods);
    vec_free(&s->domains);
    vec_free(&s->shared);
    vec_free(&s->shared_decls);
    vec_free(&s->ffis);
    vec_free(&s->model_fields);
    vec_free(&s->model_preds);
    vec_free(&s->loops);
    vec_free(&s->annots);
    arena_free(&s->arena);
    memset(s, 0, sizeof *s);
}
