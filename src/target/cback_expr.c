/*
 * Expressions of the C back end.
 *
 * Pancake expressions are pure (§3.3: no side effects; loads only read),
 * so a struct-valued expression never needs a temporary: word w of its
 * flattened value is itself a word expression (a field selects a slice, a
 * struct literal concatenates, a multi-word `lds` loads word w at
 * address + 8w). Each call produces one C expression of type uint64_t.
 *
 * Operators go through the small inline helpers of the prelude (cback.c)
 * rather than bare C operators: that keeps the output free of C's traps
 * (shift counts >= 64, signed overflow, implementation-defined
 * conversions) and of compiler warnings about tautologies in constant
 * operands (`x >= 0`, `x == x`). Every compound expression is wrapped in
 * parentheses, so C's precedence never matters.
 */
#include "cback_int.h"

void cx_const(StrBuf *b, Word v)
{
    sb_printf(b, "UINT64_C(%llu)", (unsigned long long)v);
}

void cx_var(Cg *g, uint32_t slot, uint32_t w, uint32_t nwords, StrBuf *b)
{
    if (nwords == 1) sb_printf(b, "%sv%u", g->vpre, slot);
    else sb_printf(b, "%sv%u_%u", g->vpre, slot, w);
}

/* Word offset of element i in a value of shape sh. */
static uint32_t elem_offset(Cg *g, const Shape *sh, uint32_t i)
{
    uint32_t off = 0;
    if (sh->kind == SHAPE_COMB) {
        if (i >= sh->n) die("cback: field index out of range");
        for (uint32_t k = 0; k < i; k++) off += cg_words(g, sh->elems[k]);
        return off;
    }
    if (sh->kind == SHAPE_NAMED) {
        StructDecl *sd = check_find_struct(g->p, sh->name);
        if (!sd || i >= sd->nfields) die("cback: field of an unknown struct");
        for (uint32_t k = 0; k < i; k++) off += cg_words(g, sd->fields[k].shape);
        return off;
    }
    die("cback: field of a word");
}

static void list_word(Cg *g, Expr *const *v, uint32_t n, uint32_t w, StrBuf *b)
{
    for (uint32_t i = 0; i < n; i++) {
        uint32_t k = cg_words(g, v[i]->shape);
        if (w < k) {
            cx_word(g, v[i], w, b);
            return;
        }
        w -= k;
    }
    die("cback: word of a struct literal out of range");
}

/* Named struct literals may list fields in any order; their layout is
 * the declared order (§3.3 [DISCREPANCY], as pan_structs does). */
static void nstruct_word(Cg *g, const Expr *e, uint32_t w, StrBuf *b)
{
    StructDecl *sd = check_find_struct(g->p, e->u.nstruct.name);
    if (!sd) die("cback: unknown struct %s", e->u.nstruct.name);
    for (uint32_t k = 0; k < sd->nfields; k++) {
        uint32_t n = cg_words(g, sd->fields[k].shape);
        if (w < n) {
            for (uint32_t i = 0; i < e->u.nstruct.n; i++)
                if (e->u.nstruct.v[i].index == k) {
                    cx_word(g, e->u.nstruct.v[i].value, w, b);
                    return;
                }
            die("cback: named struct literal lacks field %u", k);
        }
        w -= n;
    }
    die("cback: word of a named struct out of range");
}

/* (a OP b OP c ...) */
static void infix(Cg *g, const Expr *e, const char *op, StrBuf *b)
{
    sb_putc(b, '(');
    for (uint32_t i = 0; i < e->u.list.n; i++) {
        if (i) sb_puts(b, op);
        cx_word(g, e->u.list.v[i], 0, b);
    }
    sb_putc(b, ')');
}

static void call2(Cg *g, const char *fn, const Expr *a, const Expr *c, StrBuf *b)
{
    sb_printf(b, "%s(", fn);
    cx_word(g, a, 0, b);
    sb_puts(b, ", ");
    cx_word(g, c, 0, b);
    sb_putc(b, ')');
}

static void cmp(Cg *g, const Expr *e, StrBuf *b)
{
    const Expr *a = e->u.bin.a, *c = e->u.bin.b;
    if (a->shape->kind != SHAPE_ONE || c->shape->kind != SHAPE_ONE) {
        /* The reference's Cmp is an Error on structs (§3.3); compiled
         * code may do anything there. */
        cx_const(b, 0);
        return;
    }
    switch ((CmpOp)e->op) {
    case CMP_EQ: call2(g, "pk_eq", a, c, b); return;
    case CMP_NE: call2(g, "pk_ne", a, c, b); return;
    case CMP_LT: call2(g, "pk_lt", a, c, b); return;
    case CMP_GT: call2(g, "pk_lt", c, a, b); return;
    case CMP_LE: call2(g, "pk_le", a, c, b); return;
    case CMP_GE: call2(g, "pk_le", c, a, b); return;
    case CMP_LTU: call2(g, "pk_ltu", a, c, b); return;
    case CMP_GTU: call2(g, "pk_ltu", c, a, b); return;
    case CMP_LEU: call2(g, "pk_leu", a, c, b); return;
    case CMP_GEU: call2(g, "pk_leu", c, a, b); return;
    }
    die("cback: bad comparison %d", e->op);
}

static void load(Cg *g, const char *fn, const Expr *addr, uint32_t w, StrBuf *b)
{
    sb_printf(b, "%s(", fn);
    cx_word(g, addr, 0, b);
    if (w) sb_printf(b, " + UINT64_C(%u)", 8 * w);
    sb_putc(b, ')');
}

void cx_word(Cg *g, const Expr *e, uint32_t w, StrBuf *b)
{
    static const char *const shifts[] = {
        [SH_LSL] = "pk_lsl", [SH_LSR] = "pk_lsr", [SH_ASR] = "pk_asr", [SH_ROR] = "pk_ror",
    };
    switch (e->kind) {
    case E_CONST: cx_const(b, e->u.value); return;
    case E_VAR:
        if (e->u.var.global) sb_printf(b, "pk_gld(%u)", g->gofs[e->u.var.slot] + w);
        else cx_var(g, e->u.var.slot, w, cg_words(g, e->shape), b);
        return;
    case E_STRUCT: list_word(g, e->u.list.v, e->u.list.n, w, b); return;
    case E_NSTRUCT: nstruct_word(g, e, w, b); return;
    case E_FIELD:
        cx_word(g, e->u.field.e, elem_offset(g, e->u.field.e->shape, e->u.field.index) + w, b);
        return;
    case E_NFIELD: cx_word(g, e->u.field.e, e->u.field.offset + w, b); return;
    case E_LOAD: load(g, "pk_ld", e->u.load.addr, w, b); return;
    case E_LOAD8: load(g, "pk_ld8", e->u.load.addr, 0, b); return;
    case E_LOAD32: load(g, "pk_ld32", e->u.load.addr, 0, b); return;
    case E_ADD: infix(g, e, " + ", b); return;
    case E_SUB: infix(g, e, " - ", b); return;
    case E_MUL: infix(g, e, " * ", b); return;
    case E_AND: infix(g, e, " & ", b); return;
    case E_OR: infix(g, e, " | ", b); return;
    case E_XOR: infix(g, e, " ^ ", b); return;
    case E_LAND: /* And[a != 0, b != 0, ...], no short circuit */
        sb_putc(b, '(');
        for (uint32_t i = 0; i < e->u.list.n; i++) {
            sb_puts(b, i ? " & pk_nz(" : "pk_nz(");
            cx_word(g, e->u.list.v[i], 0, b);
            sb_putc(b, ')');
        }
        sb_putc(b, ')');
        return;
    case E_LOR: /* Or[a, b, ...] != 0 */
        sb_puts(b, "pk_nz");
        infix(g, e, " | ", b);
        return;
    case E_NOT:
        sb_puts(b, "pk_eq(");
        cx_word(g, e->u.un, 0, b);
        sb_puts(b, ", UINT64_C(0))");
        return;
    case E_CMP: cmp(g, e, b); return;
    case E_SHIFT:
        if (e->op >= ARRAY_LEN(shifts)) die("cback: bad shift");
        call2(g, shifts[e->op], e->u.bin.a, e->u.bin.b, b);
        return;
    case E_BASE: sb_puts(b, "pk_base"); return;
    case E_TOP: sb_puts(b, "pk_top"); return;
    case E_BIW: cx_const(b, PNK_WORD_BYTES); return;
    }
    die("cback: bad expression kind %d", e->kind);
}
