/*
 * Functions and statements of the C back end.
 *
 * Every Pancake local slot (the checker gives each declaration its own,
 * parameters first) becomes one C variable per word, declared at the top
 * of the C function and zeroed, so `var` is an assignment and a goto
 * (tail calls, tag-cback-tail) never skips a declaration. Control flow
 * maps one to one: if, while, break and continue are C's own (the only
 * switch, in a merged group, closes before any body). Exceptions are
 * return codes (tag-cback-conv): after a call to a function that may
 * throw, a status other than 0 either runs the matching handler or is
 * returned to the caller, as the reference propagates it (§3.4 Call).
 */
#include "cback_int.h"

#include <string.h>

static void ind(Cg *g, StrBuf *b)
{
    for (int i = 0; i < g->indent; i++) sb_puts(b, "    ");
}

static void line(Cg *g, StrBuf *b, const char *fmt, ...) PRINTF_LIKE(3, 4);
static void line(Cg *g, StrBuf *b, const char *fmt, ...)
{
    ind(g, b);
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(b, fmt, ap);
    va_end(ap);
    sb_putc(b, '\n');
}

/* "void", "uint64_t", "uint32_t" per tag-cback-conv. */
static const char *ret_type(const CFn *f)
{
    if (f->throws) return "uint32_t";
    return f->ret_words == 1 ? "uint64_t" : "void";
}

static bool has_rv(const CFn *f) { return f->throws || f->ret_words != 1; }

static uint32_t param_slot_words(Cg *g, const CFn *f, uint32_t i)
{
    return cg_words(g, f->d->params[i].shape);
}

/* Destination word w of a variable reference (local or global), as an
 * lvalue prefix: locals are assigned with "=", globals through pk_gst. */
static void set_var(Cg *g, StrBuf *b, const VarRef *v, uint32_t w, uint32_t n, const char *val)
{
    ind(g, b);
    if (v->global) {
        sb_printf(b, "pk_gst(%u, %s);\n", g->gofs[v->slot] + w, val);
        return;
    }
    StrBuf d = {0};
    cx_var(g, v->slot, w, n, &d);
    /* x = x is a no-op (and clang warns about it) */
    if (!strcmp(d.s, val)) sb_printf(b, "(void)%s;\n", d.s);
    else sb_printf(b, "%s = %s;\n", d.s, val);
    sb_free(&d);
}

/* v := the n words of e. With more than one word, every word is computed
 * before any is written (x = <x.1, x.0> swaps). */
static void assign(Cg *g, StrBuf *b, const VarRef *v, const Expr *e, uint32_t n)
{
    StrBuf t = {0};
    if (n == 1) {
        cx_word(g, e, 0, &t);
        set_var(g, b, v, 0, 1, t.s);
        sb_free(&t);
        return;
    }
    line(g, b, "{");
    g->indent++;
    for (uint32_t w = 0; w < n; w++) {
        t.n = 0;
        cx_word(g, e, w, &t);
        line(g, b, "uint64_t pk_t%u = %s;", w, t.s);
    }
    char name[32];
    for (uint32_t w = 0; w < n; w++) {
        snprintf(name, sizeof name, "pk_t%u", w);
        set_var(g, b, v, w, n, name);
    }
    g->indent--;
    line(g, b, "}");
    sb_free(&t);
}

/* "callee(pk_r, a0, a1, ...)" with the words of every argument. */
static void call_text(Cg *g, const CFn *callee, const Call *c, const char *rv, StrBuf *b)
{
    cg_fn_name(g, callee, b);
    sb_putc(b, '(');
    bool first = true;
    if (has_rv(callee)) {
        sb_puts(b, rv);
        first = false;
    }
    for (uint32_t i = 0; i < c->nargs; i++) {
        uint32_t n = cg_words(g, c->args[i]->shape);
        for (uint32_t w = 0; w < n; w++) {
            if (!first) sb_puts(b, ", ");
            first = false;
            cx_word(g, c->args[i], w, b);
        }
    }
    sb_putc(b, ')');
}

static void need_r(Cg *g, uint32_t words)
{
    if (words > g->need_r) g->need_r = words;
}

/* After the call: copy pk_r[0..n) to the destination. */
static void copy_result(Cg *g, StrBuf *b, const VarRef *dest, uint32_t n)
{
    char val[32];
    for (uint32_t w = 0; w < n; w++) {
        snprintf(val, sizeof val, "pk_r[%u]", w);
        set_var(g, b, dest, w, n, val);
    }
}

static void cblock(Cg *g, StrBuf *b, const Block *blk);

/* __add_with_carry__(a, b, c) into the local {1,1} dest. */
static void addcarry(Cg *g, StrBuf *b, const Call *c, const VarRef *dest)
{
    StrBuf t[3] = {{0}};
    for (int i = 0; i < 3; i++) cx_word(g, c->args[i], 0, &t[i]);
    line(g, b, "{");
    g->indent++;
    line(g, b, "uint64_t pk_a = %s, pk_b = %s, pk_c = pk_nz(%s);", t[0].s, t[1].s, t[2].s);
    line(g, b, "uint64_t pk_s1 = pk_a + pk_b, pk_s2 = pk_s1 + pk_c;");
    set_var(g, b, dest, 0, 2, "pk_s2");
    set_var(g, b, dest, 1, 2, "(uint64_t)((pk_s1 < pk_a) | (pk_s2 < pk_s1))");
    g->indent--;
    line(g, b, "}");
    for (int i = 0; i < 3; i++) sb_free(&t[i]);
}

/* A call that is not a tail call: stand-alone (dest NULL), assigning or
 * declaring (dest), or a try (handler st != NULL). */
static void call_stmt(Cg *g, StrBuf *b, const Call *c, const VarRef *dest, const Stmt *try_)
{
    if (c->addcarry) {
        addcarry(g, b, c, dest);
        return;
    }
    CFn *callee = cg_fn(g, c->fn);
    StrBuf t = {0};
    call_text(g, callee, c, "pk_r", &t);
    if (!callee->throws) {
        if (callee->ret_words == 1) {
            if (dest) set_var(g, b, dest, 0, 1, t.s);
            else line(g, b, "(void)%s;", t.s);
        } else {
            need_r(g, callee->ret_words);
            line(g, b, "%s;", t.s);
            if (dest) copy_result(g, b, dest, callee->ret_words);
        }
        sb_free(&t);
        return; /* a try's handler cannot run */
    }
    need_r(g, callee->ret_words);
    g->need_st = true;
    line(g, b, "pk_rc = %s;", t.s);
    sb_free(&t);
    if (!try_) {
        line(g, b, "if (pk_rc) return pk_rc;");
        if (dest) copy_result(g, b, dest, callee->ret_words);
        return;
    }
    uint32_t id = cg_exn_id(g, try_->u.try_.exn);
    line(g, b, "if (pk_rc == 0) {");
    g->indent++;
    if (dest) copy_result(g, b, dest, callee->ret_words);
    g->indent--;
    line(g, b, "} else if (pk_rc == %u) {", id);
    g->indent++;
    uint32_t n = g->exn_words[id - 1];
    char val[32];
    for (uint32_t w = 0; w < n; w++) {
        snprintf(val, sizeof val, "pk_x[%u]", w);
        set_var(g, b, &try_->u.try_.catchvar, w, n, val);
    }
    cblock(g, b, &try_->u.try_.handler);
    g->indent--;
    line(g, b, "} else {");
    line(g, b, "    return pk_rc;");
    line(g, b, "}");
}

/* The words of a value statement (return, throw) into arr[0..n). */
static void fill(Cg *g, StrBuf *b, const char *arr, const Expr *e)
{
    uint32_t n = cg_words(g, e->shape);
    StrBuf t = {0};
    for (uint32_t w = 0; w < n; w++) {
        t.n = 0;
        cx_word(g, e, w, &t);
        line(g, b, "%s[%u] = %s;", arr, w, t.s);
    }
    sb_free(&t);
}

static void ret(Cg *g, StrBuf *b, const Expr *e)
{
    CFn *f = g->cur;
    if (!has_rv(f)) {
        StrBuf t = {0};
        cx_word(g, e, 0, &t);
        line(g, b, "return %s;", t.s);
        sb_free(&t);
        return;
    }
    fill(g, b, "pk_rv", e);
    line(g, b, f->throws ? "return 0;" : "return;");
}

/* return f(args): a goto within the group or to the top of a self tail
 * call, else a C call in tail position (tag-cback-tail). */
static void tail_call(Cg *g, StrBuf *b, const Call *c)
{
    CFn *f = g->cur, *callee = cg_fn(g, c->fn);
    bool same_group = f->group >= 0 && callee->group == f->group;
    if (callee == f || same_group) {
        line(g, b, "{");
        g->indent++;
        StrBuf t = {0};
        uint32_t k = 0;
        for (uint32_t i = 0; i < c->nargs; i++) {
            uint32_t n = cg_words(g, c->args[i]->shape);
            for (uint32_t w = 0; w < n; w++, k++) {
                t.n = 0;
                cx_word(g, c->args[i], w, &t);
                line(g, b, "uint64_t pk_t%u = %s;", k, t.s);
            }
        }
        char pre[16];
        if (same_group) snprintf(pre, sizeof pre, "m%u_", callee->member);
        else snprintf(pre, sizeof pre, "%s", g->vpre);
        k = 0;
        for (uint32_t i = 0; i < c->nargs; i++) {
            uint32_t n = param_slot_words(g, callee, i);
            for (uint32_t w = 0; w < n; w++, k++) {
                if (n == 1) line(g, b, "%sv%u = pk_t%u;", pre, i, k);
                else line(g, b, "%sv%u_%u = pk_t%u;", pre, i, w, k);
            }
        }
        if (same_group) {
            line(g, b, "goto pk_b%u;", callee->member);
        } else {
            g->used_top = true;
            line(g, b, "goto pk_top;");
        }
        sb_free(&t);
        g->indent--;
        line(g, b, "}");
        return;
    }
    StrBuf t = {0};
    call_text(g, callee, c, "pk_rv", &t);
    if (f->throws == callee->throws) {
        if (has_rv(f) && !f->throws) { /* both return void */
            line(g, b, "%s;", t.s);
            line(g, b, "return;");
        } else {
            line(g, b, "return %s;", t.s);
        }
    } else { /* f throws, callee cannot */
        if (callee->ret_words == 1) line(g, b, "pk_rv[0] = %s;", t.s);
        else line(g, b, "%s;", t.s);
        line(g, b, "return 0;");
    }
    sb_free(&t);
}

static void shmem(Cg *g, StrBuf *b, const Stmt *st)
{
    StrBuf a = {0}, v = {0};
    cx_word(g, st->u.shmem.addr, 0, &a);
    if (st->kind == S_SHLOAD) {
        sb_printf(&v, "pk_shld%u(%s)", 8 * st->u.shmem.width, a.s);
        set_var(g, b, &st->u.shmem.dest, 0, 1, v.s);
    } else {
        cx_word(g, st->u.shmem.value, 0, &v);
        line(g, b, "pk_shst%u(%s, %s);", 8 * st->u.shmem.width, a.s, v.s);
    }
    sb_free(&a);
    sb_free(&v);
}

static void store(Cg *g, StrBuf *b, const Stmt *st)
{
    StrBuf a = {0}, v = {0};
    cx_word(g, st->u.store.addr, 0, &a);
    uint32_t n = cg_words(g, st->u.store.value->shape);
    if (st->u.store.width || n == 1) {
        cx_word(g, st->u.store.value, 0, &v);
        const char *fn = st->u.store.width == 1 ? "pk_st8" : st->u.store.width == 4 ? "pk_st32"
                                                                                     : "pk_st";
        line(g, b, "%s(%s, %s);", fn, a.s, v.s);
    } else {
        /* the whole value is read before any word is written */
        line(g, b, "{");
        g->indent++;
        line(g, b, "uint64_t pk_a = %s;", a.s);
        for (uint32_t w = 0; w < n; w++) {
            v.n = 0;
            cx_word(g, st->u.store.value, w, &v);
            line(g, b, "uint64_t pk_t%u = %s;", w, v.s);
        }
        for (uint32_t w = 0; w < n; w++) line(g, b, "pk_st(pk_a + UINT64_C(%u), pk_t%u);", 8 * w, w);
        g->indent--;
        line(g, b, "}");
    }
    sb_free(&a);
    sb_free(&v);
}

static void ffi(Cg *g, StrBuf *b, const Stmt *st)
{
    StrBuf t = {0};
    sb_printf(&t, "PK_FFI(%s", st->u.ffi.name);
    for (int i = 0; i < 4; i++) {
        sb_puts(&t, ", ");
        cx_word(g, st->u.ffi.args[i], 0, &t);
    }
    line(g, b, "%s);", t.s);
    sb_free(&t);
}

static void line_directive(Cg *g, StrBuf *b, const Span *sp)
{
    if (!g->o->line_directives || !sp->line) return;
    sb_printf(b, "#line %u \"", sp->line);
    /* a C string literal: escape what C needs escaped */
    for (const char *s = srcmgr_name(g->p->srcmgr, sp->file); *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\') sb_printf(b, "\\%c", ch);
        else if (ch < 32 || ch > 126) sb_printf(b, "\\%03o", ch);
        else sb_putc(b, (char)ch);
    }
    sb_puts(b, "\"\n");
}

/* An if/while test: comparisons and logical operators are 0/1 already;
 * any other word goes through pk_nz (gcc warns about `*` as a truth
 * value). */
static void cond(Cg *g, const Expr *e, StrBuf *b)
{
    bool boolean = e->kind == E_CMP || e->kind == E_NOT || e->kind == E_LAND || e->kind == E_LOR;
    if (!boolean) sb_puts(b, "pk_nz(");
    cx_word(g, e, 0, b);
    if (!boolean) sb_putc(b, ')');
}

static void cstmt(Cg *g, StrBuf *b, const Stmt *st)
{
    StrBuf t = {0};
    line_directive(g, b, &st->span);
    switch (st->kind) {
    case S_SKIP: case S_ANNOT: break;
    case S_TICK: line(g, b, "/* tick */"); break;
    case S_DEC: {
        const VarRef *v = &st->u.dec.var;
        assign(g, b, v, st->u.dec.init, cg_words(g, st->u.dec.shape));
        break;
    }
    case S_DECCALL: call_stmt(g, b, &st->u.deccall.call, &st->u.deccall.var, NULL); break;
    case S_ASSIGN:
        assign(g, b, &st->u.assign.var, st->u.assign.e, cg_words(g, st->u.assign.e->shape));
        break;
    case S_CALL:
        if (st->u.call.kind == CALL_TAIL) tail_call(g, b, &st->u.call.call);
        else call_stmt(g, b, &st->u.call.call,
                       st->u.call.kind == CALL_ASSIGN ? &st->u.call.dest : NULL, NULL);
        break;
    case S_TRY:
        call_stmt(g, b, &st->u.try_.call, st->u.try_.has_dest ? &st->u.try_.dest : NULL, st);
        break;
    case S_STORE: store(g, b, st); break;
    case S_SHLOAD: case S_SHSTORE: shmem(g, b, st); break;
    case S_IF:
        cond(g, st->u.if_.cond, &t);
        line(g, b, "if (%s) {", t.s);
        cblock(g, b, &st->u.if_.then);
        if (st->u.if_.has_else && st->u.if_.els.n) {
            line(g, b, "} else {");
            cblock(g, b, &st->u.if_.els);
        }
        line(g, b, "}");
        break;
    case S_WHILE:
        cond(g, st->u.while_.cond, &t);
        line(g, b, "while (%s) {", t.s);
        cblock(g, b, &st->u.while_.body);
        line(g, b, "}");
        break;
    case S_BREAK: line(g, b, "break;"); break;
    case S_CONTINUE: line(g, b, "continue;"); break;
    case S_FFI: ffi(g, b, st); break;
    case S_THROW:
        fill(g, b, "pk_x", st->u.throw_.e);
        line(g, b, "return %u;", cg_exn_id(g, st->u.throw_.exn));
        break;
    case S_RETURN: ret(g, b, st->u.ret.e); break;
    case S_BLOCK:
        line(g, b, "{");
        cblock(g, b, &st->u.block);
        line(g, b, "}");
        break;
    }
    sb_free(&t);
}

static void cblock(Cg *g, StrBuf *b, const Block *blk)
{
    g->indent++;
    for (uint32_t i = 0; i < blk->n; i++) cstmt(g, b, blk->v[i]);
    g->indent--;
}

/* Declarations of every local word of f (parameters too when all), each
 * zeroed and marked used, so no C compiler warns about a variable only
 * written. */
static void decl_locals(Cg *g, CFn *f, StrBuf *b, bool with_params)
{
    for (uint32_t s = with_params ? 0 : f->d->nparams; s < f->nslots; s++) {
        uint32_t n = f->slot_words[s];
        for (uint32_t w = 0; w < n; w++) {
            StrBuf v = {0};
            cx_var(g, s, w, n, &v);
            line(g, b, "uint64_t %s = 0;", v.s);
            line(g, b, "(void)%s;", v.s);
            sb_free(&v);
        }
    }
    if (!with_params)
        for (uint32_t s = 0; s < f->d->nparams; s++) {
            uint32_t n = f->slot_words[s];
            for (uint32_t w = 0; w < n; w++) {
                StrBuf v = {0};
                cx_var(g, s, w, n, &v);
                line(g, b, "(void)%s;", v.s);
                sb_free(&v);
            }
        }
}

/* The body with its scratch declarations; the fall-off-the-end return
 * (an Error in the reference, §3.4 Call) keeps every C path returning. */
static void body(Cg *g, CFn *f, StrBuf *out, bool with_params, const char *label)
{
    StrBuf b = {0};
    g->cur = f;
    g->need_r = 0;
    g->need_st = false;
    g->used_top = false;
    cblock(g, &b, &f->d->body);
    g->indent++;
    decl_locals(g, f, out, with_params);
    if (g->need_r) line(g, out, "uint64_t pk_r[%u] = {0};", g->need_r);
    if (g->need_st) line(g, out, "uint32_t pk_rc;");
    if (has_rv(f)) line(g, out, "(void)pk_rv;");
    g->indent--;
    if (label) sb_printf(out, "%s:;\n", label);
    else if (g->used_top) sb_puts(out, "pk_top:;\n");
    sb_putn(out, b.s ? b.s : "", b.n);
    g->indent++;
    line(g, out, has_rv(f) && !f->throws ? "return;" : "return 0;");
    g->indent--;
    sb_free(&b);
}

void cg_signature(Cg *g, CFn *f, StrBuf *b, bool named_params)
{
    sb_printf(b, "PK_STATIC %s ", ret_type(f));
    cg_fn_name(g, f, b);
    sb_putc(b, '(');
    bool first = true;
    if (has_rv(f)) {
        sb_puts(b, "uint64_t *pk_rv");
        first = false;
    }
    uint32_t k = 0;
    for (uint32_t i = 0; i < f->d->nparams; i++) {
        uint32_t n = param_slot_words(g, f, i);
        for (uint32_t w = 0; w < n; w++, k++) {
            if (!first) sb_puts(b, ", ");
            first = false;
            sb_puts(b, "uint64_t ");
            if (named_params) cx_var(g, i, w, n, b);
            else sb_printf(b, "pk_p%u", k);
        }
    }
    if (first) sb_puts(b, "void");
    sb_putc(b, ')');
}

void cg_emit_fn(Cg *g, CFn *f, StrBuf *out)
{
    g->vpre[0] = 0;
    g->indent = 0;
    sb_printf(out, "\n/* %s */\n", f->d->name);
    cg_signature(g, f, out, true);
    sb_puts(out, "\n{\n");
    body(g, f, out, false, NULL);
    sb_puts(out, "}\n");
}

/* A merged tail-call group: one C function, entered through a switch on
 * the member, each member's parameters loaded from pk_a; members' own
 * entry points (wrappers) pack their parameters into pk_a. */
void cg_emit_group(Cg *g, CGroup *gr, uint32_t k, StrBuf *out)
{
    CFn *f0 = &g->fns[gr->members.v[0]];
    const char *rt = ret_type(f0);
    bool rv = has_rv(f0);
    sb_printf(out, "\n/* tail-call group %u */\n", k);
    sb_printf(out, "PK_STATIC %s pk_g%u(uint32_t pk_which, %sconst uint64_t *pk_a)\n{\n", rt, k,
              rv ? "uint64_t *pk_rv, " : "");
    sb_puts(out, "    (void)pk_a;\n");
    for (size_t i = 0; i < gr->members.n; i++) {
        CFn *f = &g->fns[gr->members.v[i]];
        snprintf(g->vpre, sizeof g->vpre, "m%u_", f->member);
        g->indent = 1;
        decl_locals(g, f, out, true);
    }
    sb_puts(out, "    switch (pk_which) {\n");
    for (size_t i = 0; i < gr->members.n; i++) {
        CFn *f = &g->fns[gr->members.v[i]];
        sb_printf(out, "    case %u:\n", f->member);
        uint32_t a = 0;
        for (uint32_t p = 0; p < f->d->nparams; p++) {
            uint32_t n = param_slot_words(g, f, p);
            for (uint32_t w = 0; w < n; w++, a++) {
                if (n == 1) sb_printf(out, "        m%u_v%u = pk_a[%u];\n", f->member, p, a);
                else sb_printf(out, "        m%u_v%u_%u = pk_a[%u];\n", f->member, p, w, a);
            }
        }
        sb_printf(out, "        goto pk_b%u;\n", f->member);
    }
    sb_puts(out, "    default:\n        break;\n    }\n");
    sb_puts(out, rv && !f0->throws ? "    return;\n" : "    return 0;\n");
    for (size_t i = 0; i < gr->members.n; i++) {
        CFn *f = &g->fns[gr->members.v[i]];
        snprintf(g->vpre, sizeof g->vpre, "m%u_", f->member);
        g->indent = 0;
        sb_printf(out, "    /* %s */\n", f->d->name);
        char label[32];
        snprintf(label, sizeof label, "pk_b%u", f->member);
        /* locals are declared above: body() declares only scratch */
        /* in a block of its own: its scratch (pk_r, pk_rc) is its own;
         * its locals were declared above, so no local is declared twice */
        uint32_t save = f->nslots;
        f->nslots = 0;
        sb_puts(out, "    {\n");
        body(g, f, out, true, label);
        sb_puts(out, "    }\n");
        f->nslots = save;
    }
    sb_puts(out, "}\n");
    /* the members' entry points */
    for (size_t i = 0; i < gr->members.n; i++) {
        CFn *f = &g->fns[gr->members.v[i]];
        cg_signature(g, f, out, false);
        sb_puts(out, "\n{\n");
        if (f->param_words) {
            sb_printf(out, "    uint64_t pk_a[%u] = {", f->param_words);
            for (uint32_t a = 0; a < f->param_words; a++) sb_printf(out, "%spk_p%u", a ? ", " : "", a);
            sb_puts(out, "};\n");
        }
        sb_printf(out, "    %spk_g%u(%u, %s%s);\n}\n", rv && !f->throws ? "" : "return ", k,
                  f->member, rv ? "pk_rv, " : "", f->param_words ? "pk_a" : "0");
    }
}

void cg_global_init(Cg *g, const GlobalDecl *gd, StrBuf *out)
{
    VarRef v = {.name = gd->name, .global = true, .slot = gd->index};
    g->vpre[0] = 0;
    g->indent = 1;
    assign(g, out, &v, gd->init, cg_words(g, gd->shape));
}
