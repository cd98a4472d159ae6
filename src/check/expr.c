/*
 * Expressions (§4.3 shapes, §4.4 basedness). check_expr returns an EVal:
 * the exact shape (named != anonymous, {1} != 1) and a basedness tag per
 * word, so `var 2 x = <@base, 0>; st x.0, v;` knows x.0 is Based.
 *
 * Tags follow panStatic: constants, @biw, comparisons and logic are
 * NotBased; @base and @top Based; globals, loads and call results
 * Trusted; operators merge their operands (max, see Based); a shift takes
 * its right operand's tag (a quirk of the reference, kept on purpose).
 * Operands that are unknown or ill-shaped count as Trusted so that one
 * error never also produces a basedness warning.
 */
#include "check_int.h"

#include <string.h>

EVal ev_unknown(void) { return (EVal){NULL, B_TRUSTED, NULL, 0}; }

EVal ev_word(Ctx *c, Based tag) { return (EVal){c->one, (uint8_t)tag, NULL, 1}; }

EVal ev_uniform(Ctx *c, Shape *sh, Based tag)
{
    if (!sh) return ev_unknown();
    return (EVal){sh, (uint8_t)tag, NULL, shape_words(c, sh)};
}

uint8_t ev_tag(EVal v, uint32_t i) { return v.tags ? v.tags[i] : v.tag; }

/* A part of v: words [off, off+words(sh)). */
static EVal ev_sub(Ctx *c, EVal v, uint32_t off, Shape *sh)
{
    if (!sh) return ev_unknown();
    EVal r = {sh, v.tag, NULL, shape_words(c, sh)};
    if (v.tags && off + r.n <= v.n) r.tags = v.tags + off;
    else if (v.tags) r.tag = B_TRUSTED;
    return r;
}

/* The value made of parts, in order; falls back to Trusted words if the
 * parts do not add up (a struct whose declaration had an error). */
static EVal ev_concat(Ctx *c, Shape *sh, const EVal *parts, uint32_t n)
{
    EVal r = ev_uniform(c, sh, B_TRUSTED);
    uint32_t total = 0;
    bool uniform = true;
    for (uint32_t i = 0; i < n; i++) {
        total += parts[i].n;
        uniform &= !parts[i].tags && (i == 0 || parts[i].tag == parts[0].tag);
    }
    if (total != r.n || !n || total > MAX_TAGGED_WORDS) return r;
    if (uniform) {
        r.tag = parts[0].tag;
        return r;
    }
    uint8_t *t = scratch_alloc(&c->scratch, total);
    for (uint32_t i = 0, k = 0; i < n; i++)
        for (uint32_t j = 0; j < parts[i].n; j++) t[k++] = ev_tag(parts[i], j);
    r.tags = t;
    return r;
}

bool need_word(Ctx *c, EVal v, const Span *at, const char *fmt, ...)
{
    if (!v.sh) return false;
    if (shape_is_word(v.sh)) return true;
    if (c->quiet) return false;
    StrBuf what = {0};
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&what, fmt, ap);
    va_end(ap);
    cerror(c, "shape", at, "%s has shape %s instead of a word in %s", what.s, shstr(c, v.sh),
           where(c));
    sb_free(&what);
    return false;
}

/* ---- names and structs ----------------------------------------------- */

static EVal check_var(Ctx *c, Expr *e)
{
    Sym name = e->u.var.name;
    Local *l = lookup_local(c, name);
    if (l) {
        e->u.var.global = false;
        e->u.var.slot = l->slot;
        return local_value(c, l);
    }
    int32_t g = symmap_get(&c->globmap, name);
    if (g >= 0) {
        e->u.var.global = true;
        e->u.var.slot = (uint32_t)g;
        return ev_uniform(c, c->globs.v[g].sh, B_TRUSTED);
    }
    cerror(c, "scope", &e->span, "variable %s is not in scope in %s", name, where(c));
    return ev_unknown();
}

static EVal check_struct_lit(Ctx *c, Expr *e)
{
    uint32_t n = e->u.list.n;
    EVal *parts = scratch_alloc(&c->scratch, (n + 1) * sizeof *parts);
    Shape **elems = arena_alloc(c->a, (n + 1) * sizeof *elems);
    bool known = true;
    for (uint32_t i = 0; i < n; i++) {
        parts[i] = check_expr(c, e->u.list.v[i]);
        elems[i] = parts[i].sh;
        known &= parts[i].sh != NULL;
    }
    if (!known) return ev_unknown();
    return ev_concat(c, shape_comb(c->a, elems, n), parts, n);
}

/* Fields given that the struct does not have, or given twice. Returns,
 * per given field, the index of an earlier one with the same name or -1. */
static int32_t *check_given_fields(Ctx *c, Expr *e, StructInfo *si)
{
    NField *v = e->u.nstruct.v;
    int32_t *prev = FIND_REPEATS(c, v, e->u.nstruct.n, NField);
    for (uint32_t k = 0; k < e->u.nstruct.n; k++) {
        int32_t idx = struct_field(si, v[k].name);
        if (idx < 0)
            cerror(c, "shape", &v[k].span, "unexpected field %s given to named struct %s in %s",
                   v[k].name, si->d->name, where(c));
        else if (prev[k] >= 0)
            cerror(c, "shape", &v[k].span,
                   "multiple values for field %s in named struct %s constant in %s", v[k].name,
                   si->d->name, where(c));
        if (idx >= 0) v[k].index = (uint32_t)idx;
    }
    return prev;
}

/* given[i]: the first value given for declared field i, or -1. */
static int32_t *given_fields(Ctx *c, const Expr *e, const StructInfo *si, const int32_t *prev)
{
    uint32_t nf = si->d->nfields;
    int32_t *given = scratch_alloc(&c->scratch, (nf + 1) * sizeof *given);
    for (uint32_t i = 0; i < nf; i++) given[i] = -1;
    for (uint32_t k = 0; k < e->u.nstruct.n; k++) {
        int32_t idx = struct_field(si, e->u.nstruct.v[k].name);
        if (idx >= 0 && prev[k] < 0) given[idx] = (int32_t)k;
    }
    return given;
}

static EVal check_nstruct(Ctx *c, Expr *e)
{
    uint32_t n = e->u.nstruct.n;
    EVal *vals = scratch_alloc(&c->scratch, (n + 1) * sizeof *vals);
    for (uint32_t k = 0; k < n; k++) vals[k] = check_expr(c, e->u.nstruct.v[k].value);
    StructInfo *si = find_struct(c, e->u.nstruct.name);
    if (!si) {
        cerror(c, "scope", &e->span, "struct name %s is not in scope in %s", e->u.nstruct.name,
               where(c));
        return ev_unknown();
    }
    int32_t *given = given_fields(c, e, si, check_given_fields(c, e, si));
    uint32_t nf = si->d->nfields;
    EVal *parts = scratch_alloc(&c->scratch, (nf + 1) * sizeof *parts);
    for (uint32_t i = 0; i < nf; i++) {
        Sym fname = si->d->fields[i].name;
        int32_t k = given[i];
        parts[i] = ev_uniform(c, si->fields[i], B_TRUSTED);
        if (k < 0) {
            cerror(c, "shape", &e->span, "missing field %s in named struct %s constant in %s",
                   fname, si->d->name, where(c));
        } else if (shapes_differ(vals[k].sh, si->fields[i])) {
            cerror(c, "shape", &e->u.nstruct.v[k].value->span,
                   "value for field %s given to named struct %s has shape %s instead of "
                   "declared shape %s in %s",
                   fname, si->d->name, shstr(c, vals[k].sh), shstr(c, si->fields[i]), where(c));
        } else if (vals[k].sh) {
            parts[i] = vals[k];
        }
    }
    return ev_concat(c, si->self, parts, nf);
}

static EVal check_index(Ctx *c, Expr *e)
{
    EVal in = check_expr(c, e->u.field.e);
    if (!in.sh) return ev_unknown();
    uint32_t idx = e->u.field.index;
    if (in.sh->kind == SHAPE_COMB && idx < in.sh->n) {
        uint32_t off = 0;
        for (uint32_t i = 0; i < idx; i++) off += shape_words(c, in.sh->elems[i]);
        e->u.field.offset = off;
        return ev_sub(c, in, off, in.sh->elems[idx]);
    }
    cerror(c, "shape", &e->u.field.name_span, "expression shape %s has no field at index %u in %s",
           shstr(c, in.sh), idx, where(c));
    return ev_unknown();
}

static EVal check_named_field(Ctx *c, Expr *e)
{
    EVal in = check_expr(c, e->u.field.e);
    if (!in.sh) return ev_unknown();
    StructInfo *si = in.sh->kind == SHAPE_NAMED ? find_struct(c, in.sh->name) : NULL;
    int32_t idx = si ? struct_field(si, e->u.field.name) : -1;
    if (idx >= 0) {
        e->u.field.index = (uint32_t)idx;
        e->u.field.offset = si->offs[idx];
        return ev_sub(c, in, si->offs[idx], si->fields[idx]);
    }
    cerror(c, "shape", &e->u.field.name_span, "expression shape %s has no field %s in %s",
           shstr(c, in.sh), e->u.field.name, where(c));
    return ev_unknown();
}

/* ---- memory and operators -------------------------------------------- */

static EVal check_load(Ctx *c, Expr *e)
{
    Shape *sh = c->one;
    if (e->kind == E_LOAD)
        sh = shape_valid(c, e->u.load.shape, &e->span) ? e->u.load.shape : NULL;
    Expr *addr = e->u.load.addr;
    EVal a = check_expr(c, addr);
    if (need_word(c, a, &addr->span, "load address")) local_addr_warn(c, a, &addr->span);
    return ev_uniform(c, sh, B_TRUSTED);
}

static const char *op_text(const Expr *e)
{
    static const char *const text[] = {
        [E_ADD] = "+", [E_SUB] = "-", [E_MUL] = "*", [E_AND] = "&", [E_OR] = "|",
        [E_XOR] = "^", [E_LAND] = "&&", [E_LOR] = "||", [E_NOT] = "!",
    };
    return (size_t)e->kind < ARRAY_LEN(text) && text[e->kind] ? text[e->kind] : "?";
}

/* Operands that must be words; returns their merged tag. The parser only
 * builds binary - and *, and n-ary others with at least two operands; an
 * AST from elsewhere is checked like panStatic does. */
static Based check_word_operands(Ctx *c, Expr *e, Expr **ops, uint32_t n)
{
    bool exact = e->kind == E_SUB || e->kind == E_MUL;
    if (e->kind != E_NOT && (exact ? n != 2 : n < 2))
        cerror(c, "static", &e->span, "operation %s %s 2 operands, %u provided in %s",
               op_text(e), exact ? "only accepts" : "requires at least", n, where(c));
    Based t = B_NOTBASED;
    for (uint32_t i = 0; i < n; i++) {
        EVal v = check_expr(c, ops[i]);
        bool ok = need_word(c, v, &ops[i]->span, "operand of %s", op_text(e));
        t = based_merge(t, ok ? (Based)v.tag : B_TRUSTED);
    }
    return t;
}

static EVal check_cmp(Ctx *c, Expr *e)
{
    EVal a = check_expr(c, e->u.bin.a);
    EVal b = check_expr(c, e->u.bin.b);
    if (shapes_differ(a.sh, b.sh)) /* reported at the right operand */
        cerror(c, "shape", &e->u.bin.b->span,
               "comparison given operands of different shapes (%s and %s) in %s",
               shstr(c, a.sh), shstr(c, b.sh), where(c));
    return ev_word(c, B_NOTBASED);
}

static EVal check_shift(Ctx *c, Expr *e)
{
    EVal a = check_expr(c, e->u.bin.a);
    EVal b = check_expr(c, e->u.bin.b);
    need_word(c, a, &e->u.bin.a->span, "shifted expression");
    bool ok = need_word(c, b, &e->u.bin.b->span, "shift amount");
    return ev_word(c, ok ? (Based)b.tag : B_TRUSTED);
}

EVal check_expr(Ctx *c, Expr *e)
{
    EVal v = ev_unknown();
    switch (e->kind) {
    case E_CONST:
    case E_BIW: v = ev_word(c, B_NOTBASED); break;
    case E_BASE:
    case E_TOP: v = ev_word(c, B_BASED); break;
    case E_VAR: v = check_var(c, e); break;
    case E_STRUCT: v = check_struct_lit(c, e); break;
    case E_NSTRUCT: v = check_nstruct(c, e); break;
    case E_FIELD: v = check_index(c, e); break;
    case E_NFIELD: v = check_named_field(c, e); break;
    case E_LOAD:
    case E_LOAD8:
    case E_LOAD32: v = check_load(c, e); break;
    case E_ADD:
    case E_SUB:
    case E_MUL:
    case E_AND:
    case E_OR:
    case E_XOR: v = ev_word(c, check_word_operands(c, e, e->u.list.v, e->u.list.n)); break;
    case E_LAND:
    case E_LOR:
        check_word_operands(c, e, e->u.list.v, e->u.list.n);
        v = ev_word(c, B_NOTBASED);
        break;
    case E_NOT:
        check_word_operands(c, e, &e->u.un, 1);
        v = ev_word(c, B_NOTBASED);
        break;
    case E_CMP: v = check_cmp(c, e); break;
    case E_SHIFT: v = check_shift(c, e); break;
    }
    e->shape = v.sh;
    return v;
}
