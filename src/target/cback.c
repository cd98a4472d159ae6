/*
 * The C back end, program level (see cback.h for the contract and
 * cback_int.h for the calling conventions and tail calls).
 *
 * Passes, in order: collect functions (frame layouts, call and tail-call
 * edges, FFI names), mark what main and the exports reach (only that is
 * emitted: C compilers warn about unused static functions), decide which
 * functions may throw (a fixed point: a throw, or a call to a function
 * that may throw), merge the strongly connected components of the
 * tail-call graph (Tarjan), check that the exported names can be C
 * symbols, then print: prelude, prototypes, functions, cml_main, exports.
 */
#include "cback_int.h"

#include <string.h>

uint32_t cg_words(const Cg *g, const Shape *s)
{
    return check_shape_words(g->p, s);
}

/* The CFn of a callee: fns is in declaration order, the checker's
 * numbering (FunDecl.index). */
CFn *cg_fn(const Cg *g, const FunDecl *d)
{
    if (d->index >= g->nfns || g->fns[d->index].d != d)
        die("cback: call to a function that is not in the program");
    return &g->fns[d->index];
}

uint32_t cg_exn_id(const Cg *g, Sym name)
{
    for (uint32_t i = 0; i < g->nexns; i++)
        if (g->exns[i] == name) return i + 1;
    die("cback: exception %s is not declared", name);
}

void cg_fn_name(const Cg *g, const CFn *f, StrBuf *b)
{
    (void)g;
    sb_printf(b, "pk_f%u_", f->id);
    for (const char *s = f->d->name; *s; s++) sb_putc(b, *s == '@' ? 'A' : *s);
}

/* ---- collecting ------------------------------------------------------ */

static void scan_block(Cg *g, CFn *f, const Block *b);

static void note_slot(Cg *g, CFn *f, const VarRef *v, const Shape *sh)
{
    if (v->global || v->slot >= f->nslots) die("cback: declaration with a bad slot");
    f->slot_words[v->slot] = cg_words(g, sh);
}

static void note_call(Cg *g, CFn *f, const Call *c, bool tail)
{
    if (c->addcarry) return;
    CFn *callee = cg_fn(g, c->fn);
    vec_push(&f->calls, callee->id);
    if (tail) vec_push(&f->tails, callee->id);
}

static void note_ffi(Cg *g, Sym name)
{
    for (size_t i = 0; i < g->ffis.n; i++)
        if (g->ffis.v[i] == name) return;
    vec_push(&g->ffis, name);
}

static void scan_stmt(Cg *g, CFn *f, const Stmt *st)
{
    switch (st->kind) {
    case S_DEC: note_slot(g, f, &st->u.dec.var, st->u.dec.shape); break;
    case S_DECCALL:
        note_slot(g, f, &st->u.deccall.var, st->u.deccall.shape);
        note_call(g, f, &st->u.deccall.call, false);
        break;
    case S_CALL: note_call(g, f, &st->u.call.call, st->u.call.kind == CALL_TAIL); break;
    case S_TRY:
        note_call(g, f, &st->u.try_.call, false);
        scan_block(g, f, &st->u.try_.handler);
        break;
    case S_IF:
        scan_block(g, f, &st->u.if_.then);
        if (st->u.if_.has_else) scan_block(g, f, &st->u.if_.els);
        break;
    case S_WHILE: scan_block(g, f, &st->u.while_.body); break;
    case S_BLOCK: scan_block(g, f, &st->u.block); break;
    case S_THROW: f->has_throw = true; break;
    case S_FFI: note_ffi(g, st->u.ffi.name); break;
    case S_SKIP: case S_ASSIGN: case S_STORE: case S_SHLOAD: case S_SHSTORE: case S_BREAK:
    case S_CONTINUE: case S_TICK: case S_RETURN: case S_ANNOT:
        break;
    }
}

static void scan_block(Cg *g, CFn *f, const Block *b)
{
    for (uint32_t i = 0; i < b->n; i++) scan_stmt(g, f, b->v[i]);
}

static void collect(Cg *g)
{
    const Program *p = g->p;
    Sym main_name = intern_cstr(p->interner, "main");
    g->main_fn = -1;
    g->gofs = xcalloc(p->nglobals + 1, sizeof *g->gofs);
    for (size_t i = 0; i < p->decls.n; i++) {
        Decl *d = p->decls.v[i];
        if (d->kind == D_FUN) g->nfns++;
        if (d->kind == D_EXN) g->nexns++;
        if (d->kind == D_GLOBAL) {
            g->gofs[d->u.global.index] = g->gwords;
            g->gwords += cg_words(g, d->u.global.shape);
        }
    }
    g->fns = xcalloc(g->nfns + 1, sizeof *g->fns);
    g->exns = xcalloc(g->nexns + 1, sizeof *g->exns);
    g->exn_words = xcalloc(g->nexns + 1, sizeof *g->exn_words);
    uint32_t nf = 0, ne = 0;
    for (size_t i = 0; i < p->decls.n; i++) {
        Decl *d = p->decls.v[i];
        if (d->kind == D_EXN) {
            g->exns[ne] = d->u.exn.name;
            g->exn_words[ne++] = cg_words(g, d->u.exn.shape);
        }
        if (d->kind != D_FUN) continue;
        CFn *f = &g->fns[nf];
        f->d = &d->u.fun;
        f->id = nf;
        f->group = -1;
        f->ret_words = f->d->ret ? cg_words(g, f->d->ret) : 1;
        if (f->d->name == main_name && g->main_fn < 0) g->main_fn = (int32_t)nf;
        nf++;
    }
    for (uint32_t i = 0; i < g->nfns; i++) {
        CFn *f = &g->fns[i];
        const FunDecl *d = f->d;
        f->nslots = d->nslots > d->nparams ? d->nslots : d->nparams;
        f->slot_words = xcalloc(f->nslots + 1, sizeof *f->slot_words);
        for (uint32_t k = 0; k < d->nparams; k++) {
            f->slot_words[k] = cg_words(g, d->params[k].shape);
            f->param_words += f->slot_words[k];
        }
        scan_block(g, f, &d->body);
    }
}

/* ---- analyses -------------------------------------------------------- */

/* Iterative (a worklist), so a long call chain cannot overflow the stack. */
static void mark_reachable(Cg *g)
{
    U32Vec work = {0};
    for (uint32_t i = 0; i < g->nfns; i++)
        if (g->fns[i].d->is_export || (int32_t)i == g->main_fn) {
            g->fns[i].reach = true;
            vec_push(&work, i);
        }
    while (work.n) {
        CFn *f = &g->fns[work.v[--work.n]];
        for (size_t i = 0; i < f->calls.n; i++) {
            CFn *c = &g->fns[f->calls.v[i]];
            if (!c->reach) {
                c->reach = true;
                vec_push(&work, c->id);
            }
        }
    }
    vec_free(&work);
}

static void may_throw(Cg *g)
{
    for (uint32_t i = 0; i < g->nfns; i++) {
        g->fns[i].throws = g->fns[i].has_throw;
        if (g->fns[i].reach && g->fns[i].has_throw) g->any_throw = true;
    }
    for (bool changed = true; changed;) {
        changed = false;
        for (uint32_t i = 0; i < g->nfns; i++) {
            CFn *f = &g->fns[i];
            if (f->throws) continue;
            for (size_t k = 0; k < f->calls.n && !f->throws; k++)
                if (g->fns[f->calls.v[k]].throws) f->throws = changed = true;
        }
    }
}

typedef struct Tarjan {
    U32Vec stack;   /* Tarjan's stack of visited functions */
    U32Vec call;    /* the depth-first path: function ids */
    U32Vec edge;    /* per path entry: next tail edge to look at */
    int32_t next;
} Tarjan;

/* Closes the component rooted at f (its low link equals its index). */
static void close_component(Cg *g, Tarjan *t, CFn *f)
{
    size_t start = t->stack.n;
    while (t->stack.v[start - 1] != f->id) start--;
    start--;
    size_t n = t->stack.n - start;
    for (size_t i = start; i < t->stack.n; i++) g->fns[t->stack.v[i]].on_stack = false;
    if (n > 1) {
        CGroup *gr = &g->groups[g->ngroups];
        for (size_t i = start; i < t->stack.n; i++) {
            CFn *m = &g->fns[t->stack.v[i]];
            m->group = (int32_t)g->ngroups;
            m->member = (uint32_t)gr->members.n;
            vec_push(&gr->members, m->id);
        }
        g->ngroups++;
    } else {
        for (size_t i = 0; i < f->tails.n; i++)
            if (f->tails.v[i] == f->id) f->self_tail = true;
    }
    t->stack.n = start;
}

static void visit(Tarjan *t, CFn *f)
{
    f->idx = f->low = t->next++;
    vec_push(&t->stack, f->id);
    f->on_stack = true;
    vec_push(&t->call, f->id);
    vec_push(&t->edge, 0);
}

/* Tarjan's strongly connected components over tail edges, with an
 * explicit depth-first path instead of recursion. */
static void strongconnect(Cg *g, Tarjan *t, CFn *root)
{
    visit(t, root);
    while (t->call.n) {
        CFn *f = &g->fns[t->call.v[t->call.n - 1]];
        uint32_t *e = &t->edge.v[t->edge.n - 1];
        if (*e < f->tails.n) {
            CFn *w = &g->fns[f->tails.v[(*e)++]];
            if (w->idx < 0) visit(t, w);
            else if (w->on_stack && w->idx < f->low) f->low = w->idx;
            continue;
        }
        t->call.n--;
        t->edge.n--;
        if (f->low == f->idx) close_component(g, t, f);
        if (t->call.n) {
            CFn *parent = &g->fns[t->call.v[t->call.n - 1]];
            if (f->low < parent->low) parent->low = f->low;
        }
    }
}

static void tail_groups(Cg *g)
{
    Tarjan t = {{0}, {0}, {0}, 0};
    g->groups = xcalloc(g->nfns + 1, sizeof *g->groups);
    for (uint32_t i = 0; i < g->nfns; i++) g->fns[i].idx = -1;
    for (uint32_t i = 0; i < g->nfns; i++)
        if (g->fns[i].reach && g->fns[i].idx < 0) strongconnect(g, &t, &g->fns[i]);
    vec_free(&t.stack);
    vec_free(&t.call);
    vec_free(&t.edge);
    /* a tail call passes its callee's status on, so members of a cycle
     * agree on throwing; the conventions then match across the group */
    for (uint32_t k = 0; k < g->ngroups; k++) {
        CGroup *gr = &g->groups[k];
        bool th = false;
        for (size_t i = 0; i < gr->members.n; i++) th |= g->fns[gr->members.v[i]].throws;
        for (size_t i = 0; i < gr->members.n; i++)
            if (g->fns[gr->members.v[i]].throws != th) die("cback: group disagrees on throwing");
    }
}

/* ---- exported names -------------------------------------------------- */

static const char *const c_keywords[] = {
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
    "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
    "restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch",
    "typedef", "union", "unsigned", "void", "volatile", "while", "_Alignas", "_Alignof",
    "_Atomic", "_Bool", "_Complex", "_Generic", "_Imaginary", "_Noreturn", "_Static_assert",
    "_Thread_local", "main", "NULL", "bool", "true", "false",
};

static bool starts(const char *s, const char *pre) { return !strncmp(s, pre, strlen(pre)); }

/* Why name cannot be the C symbol of an exported function, or NULL. The
 * generated file includes <stdint.h>, <string.h> and <limits.h> and uses
 * the prefixes pk_ and pnk_; C reserves __x, _X, str*, mem*, wcs* and
 * *_t. (The ABI's own names, cml_*, griddle_* and the FFI functions'
 * ffiNAME, are refused before, by target_check_abi_names.) */
static const char *bad_export_name(const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < ARRAY_LEN(c_keywords); i++)
        if (!strcmp(name, c_keywords[i])) return "it is a C keyword or reserved name";
    if (strchr(name, '@')) return "it contains '@'";
    if (starts(name, "pk_") || starts(name, "pnk_"))
        return "the prefixes pk_ and pnk_ belong to the generated C code";
    if (starts(name, "__") || (name[0] == '_' && name[1] >= 'A' && name[1] <= 'Z'))
        return "C reserves names starting with __ or _ and a capital letter";
    if ((starts(name, "str") || starts(name, "mem") || starts(name, "wcs")) && name[3] >= 'a' &&
        name[3] <= 'z')
        return "C reserves names starting with str, mem or wcs and a lowercase letter";
    if (n >= 2 && !strcmp(name + n - 2, "_t")) return "names ending in _t are reserved (POSIX)";
    bool upper = true;
    for (const char *s = name; *s; s++)
        if (*s >= 'a' && *s <= 'z') upper = false;
    static const char *const macro_pre[] = {"INT", "UINT", "SIZE", "PTRDIFF", "SIG", "WCHAR",
                                            "WINT", "CHAR", "SCHAR", "UCHAR", "SHRT", "USHRT",
                                            "LONG", "ULONG", "LLONG", "ULLONG", "MB_"};
    for (size_t i = 0; upper && i < ARRAY_LEN(macro_pre); i++)
        if (starts(name, macro_pre[i])) return "it may be a macro of <stdint.h> or <limits.h>";
    return NULL;
}

static void check_exports(Cg *g)
{
    for (uint32_t i = 0; i < g->nfns; i++) {
        const FunDecl *d = g->fns[i].d;
        if (!d->is_export) continue;
        const char *why = bad_export_name(d->name);
        if (!why) continue;
        diag_add(g->dl, DIAG_ERROR, "cback", &d->name_span,
                 "exported function %s cannot be a C function of that name: %s", d->name, why);
        g->ok = false;
    }
}

/* ---- printing -------------------------------------------------------- */

static void emit_uncaught(Cg *g, StrBuf *out)
{
    sb_puts(out, "static const char *const pk_exn_names[] = {");
    for (uint32_t i = 0; i < g->nexns; i++) sb_printf(out, "%s\"%s\"", i ? ", " : "", g->exns[i]);
    sb_puts(out, "};\nstatic const uint32_t pk_exn_nwords[] = {");
    for (uint32_t i = 0; i < g->nexns; i++) sb_printf(out, "%s%u", i ? ", " : "", g->exn_words[i]);
    sb_puts(out, "};\n");
    if (g->o->entry_table)
        sb_puts(out, "void griddle_uncaught(const char *name, const uint64_t *payload, long nwords);\n");
    sb_puts(out, "static void pk_uncaught(uint32_t st)\n{\n"
                 "    pnk_exn_name = pk_exn_names[st - 1];\n"
                 "    pnk_exn_words = pk_exn_nwords[st - 1];\n"
                 "    memcpy(pnk_exn_value, pk_x, 8u * pnk_exn_words);\n");
    if (g->o->entry_table)
        sb_puts(out, "    griddle_uncaught(pnk_exn_name, pnk_exn_value, (long)pnk_exn_words);\n");
    sb_puts(out, "}\n");
}

/* "pk_fN(pk_rv?, args)" as an entry point calls it, result into pk_res. */
static void entry_call(Cg *g, CFn *f, const char *args, StrBuf *out)
{
    StrBuf name = {0};
    cg_fn_name(g, f, &name);
    if (!f->throws) {
        sb_printf(out, "    pk_res = %s(%s);\n", name.s, args);
    } else {
        sb_printf(out, "    uint64_t pk_rv[1] = {0};\n    uint32_t pk_rc = %s(pk_rv%s%s);\n", name.s,
                  *args ? ", " : "", args);
        sb_puts(out, "    if (pk_rc) pk_uncaught(pk_rc);\n    else pk_res = pk_rv[0];\n");
    }
    sb_free(&name);
}

static void emit_main(Cg *g, StrBuf *out)
{
    sb_puts(out, "\nuint64_t cml_main(void)\n{\n"
                 "    uint64_t pk_res = 0;\n"
                 "    pk_ready = 0;\n"
                 "    pnk_exn_name = 0;\n");
    sb_printf(out, "    pk_gp = (unsigned char *)cml_stack - %uu;\n", 8 * g->gwords);
    sb_puts(out, "    pk_base = (uint64_t)(uintptr_t)cml_heap;\n"
                 "    pk_top = (uint64_t)(uintptr_t)pk_gp;\n");
    for (size_t i = 0; i < g->p->decls.n; i++)
        if (g->p->decls.v[i]->kind == D_GLOBAL) cg_global_init(g, &g->p->decls.v[i]->u.global, out);
    if (g->main_fn >= 0) {
        /* A --compat main with parameters is an Error when run (it is
         * called with none, §3.5); it gets zeros here. */
        CFn *m = &g->fns[g->main_fn];
        StrBuf zeros = {0};
        for (uint32_t i = 0; i < m->param_words; i++) sb_puts(&zeros, i ? ", 0" : "0");
        sb_puts(out, "    {\n");
        entry_call(g, m, zeros.s ? zeros.s : "", out);
        sb_free(&zeros);
        sb_puts(out, "    }\n");
    }
    sb_puts(out, "    pk_ready = 1;\n    return pk_res;\n}\n");
}

static void emit_exports(Cg *g, StrBuf *out)
{
    StrBuf table = {0}, adapters = {0};
    for (uint32_t i = 0; i < g->nfns; i++) {
        CFn *f = &g->fns[i];
        if (!f->d->is_export) continue;
        StrBuf params = {0}, args = {0};
        for (uint32_t k = 0; k < f->d->nparams; k++) {
            sb_printf(&params, "%suint64_t pk_p%u", k ? ", " : "", k);
            sb_printf(&args, "%spk_p%u", k ? ", " : "", k);
        }
        const char *ps = f->d->nparams ? params.s : "void";
        sb_printf(out, "\nuint64_t %s(%s);\nuint64_t %s(%s)\n{\n", f->d->name, ps, f->d->name, ps);
        sb_puts(out, "    uint64_t pk_res = 0;\n"
                     "    if (!pk_ready) {\n        cml_err(3);\n        return 0;\n    }\n"
                     "    pk_ready = 0;\n    pnk_exn_name = 0;\n    {\n");
        entry_call(g, f, f->d->nparams ? args.s : "", out);
        sb_puts(out, "    }\n    pk_ready = 1;\n    return pk_res;\n}\n");
        sb_printf(&table, "    {\"%s\", pk_e_%s, %u},\n", f->d->name, f->d->name, f->d->nparams);
        sb_printf(&adapters, "static uint64_t pk_e_%s(uint64_t a, uint64_t b, uint64_t c, uint64_t d)\n"
                             "{\n    (void)a;\n    (void)b;\n    (void)c;\n    (void)d;\n"
                             "    return %s(", f->d->name, f->d->name);
        for (uint32_t k = 0; k < f->d->nparams; k++) sb_printf(&adapters, "%s%c", k ? ", " : "", "abcd"[k]);
        sb_puts(&adapters, ");\n}\n");
        sb_free(&params);
        sb_free(&args);
    }
    if (g->o->entry_table) {
        /* the default host's interface (docs/abi.md): its table calls
         * every entry with four words, so each gets a four-word adapter
         * (calling a function through another type would be UB) */
        sb_puts(out, "\ntypedef struct GriddleExport {\n    const char *name;\n"
                     "    uint64_t (*fn)(uint64_t, uint64_t, uint64_t, uint64_t);\n"
                     "    long nargs;\n} GriddleExport;\n");
        sb_putn(out, adapters.s ? adapters.s : "", adapters.n);
        sb_puts(out, "extern const GriddleExport griddle_exports[];\n"
                     "const GriddleExport griddle_exports[] = {\n");
        sb_putn(out, table.s ? table.s : "", table.n);
        sb_puts(out, "    {0, 0, 0},\n};\n");
        sb_printf(out, "extern const uint64_t griddle_globals_bytes;\n"
                       "const uint64_t griddle_globals_bytes = %u;\n", 8 * g->gwords);
    }
    sb_free(&adapters);
    sb_free(&table);
}

static void emit_program(Cg *g, StrBuf *out)
{
    sb_puts(out, "/* Generated by griddle (C back end) from Pancake. */\n");
    if (g->o->hooks) sb_puts(out, "#define PNK_FFI_HOOK 1\n#define PNK_SHM_HOOK 1\n");
    sb_puts(out, cback_prelude);
    if (g->ffis.n) sb_puts(out, "\n");
    for (size_t i = 0; i < g->ffis.n; i++) sb_printf(out, "pk_ffi_fn ffi%s;\n", g->ffis.v[i]);
    if (g->any_throw)
        sb_puts(out, "\nstatic uint64_t pk_x[32]; /* the payload of the exception in flight */\n");
    bool entry_throws = g->main_fn >= 0 && g->fns[g->main_fn].throws;
    for (uint32_t i = 0; i < g->nfns; i++)
        if (g->fns[i].d->is_export && g->fns[i].throws) entry_throws = true;
    if (entry_throws) emit_uncaught(g, out);
    sb_puts(out, "\n");
    for (uint32_t i = 0; i < g->nfns; i++) {
        if (!g->fns[i].reach) continue;
        cg_signature(g, &g->fns[i], out, false);
        sb_puts(out, ";\n");
    }
    for (uint32_t k = 0; k < g->ngroups; k++) cg_emit_group(g, &g->groups[k], k, out);
    for (uint32_t i = 0; i < g->nfns; i++)
        if (g->fns[i].reach && g->fns[i].group < 0) cg_emit_fn(g, &g->fns[i], out);
    emit_main(g, out);
    emit_exports(g, out);
}

static void cg_free(Cg *g)
{
    for (uint32_t i = 0; i < g->nfns; i++) {
        free(g->fns[i].slot_words);
        vec_free(&g->fns[i].tails);
        vec_free(&g->fns[i].calls);
    }
    for (uint32_t k = 0; k < g->ngroups; k++) vec_free(&g->groups[k].members);
    free(g->fns);
    free(g->groups);
    free(g->gofs);
    free(g->exns);
    free(g->exn_words);
    vec_free(&g->ffis);
}

int cback_emit(const Program *prog, const CbackOpts *opts, StrBuf *out, DiagList *diags)
{
    static const CbackOpts defaults = {0};
    if (!prog->checked) die("cback: the program was not checked");
    Cg g = {.p = prog, .o = opts ? opts : &defaults, .dl = diags, .ok = true};
    collect(&g);
    mark_reachable(&g);
    may_throw(&g);
    /* pk_x and the uncaught-exception table are needed when any reachable
     * function throws */
    g.any_throw = false;
    for (uint32_t i = 0; i < g.nfns; i++)
        if (g.fns[i].reach && g.fns[i].throws) g.any_throw = true;
    tail_groups(&g);
    check_exports(&g);
    if (g.ok) emit_program(&g, out);
    cg_free(&g);
    return g.ok ? 0 : -1;
}
