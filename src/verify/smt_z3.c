/* The solver layer: one Z3 context and solver per verification unit, the
 * background theory (IArray domain, alen(heap)), obligations checked as
 * push; assert pc && !phi; check-sat; pop, counterexamples from models,
 * unknown handling, --timeout, --emit-smt, and for each query the seeds
 * (--seeds: every seed's answer must lead to the same outcome) and the
 * solvers (--solver: Z3, cvc5 through smt_cvc5.c, or both compared). */
#include "vgen_int.h"

#include <assert.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

/* Z3 reports errors through this handler; we read the code afterwards
 * (a solver error makes the obligation unknown, never proved). */
static void on_z3_error(Z3_context c, Z3_error_code e)
{
    (void)c;
    (void)e;
}

static Z3_func_decl mk_fun(Gen *g, const char *name, unsigned n, const Z3_sort *dom, Z3_sort r)
{
    return Z3_mk_func_decl(g->z, Z3_mk_string_symbol(g->z, name), n, dom, r);
}

/* Z3's first try per query with VSOLVER_FALLBACK (ms). */
#define FALLBACK_FIRST_MS 2000u

static void set_params_timeout(Gen *g, unsigned seed, unsigned timeout_ms)
{
    Z3_params p = Z3_mk_params(g->z);
    Z3_params_inc_ref(g->z, p);
    if (timeout_ms)
        Z3_params_set_uint(g->z, p, Z3_mk_string_symbol(g->z, "timeout"), timeout_ms);
    Z3_params_set_uint(g->z, p, Z3_mk_string_symbol(g->z, "random_seed"), seed);
    g->seed = seed;
    Z3_solver_set_params(g->z, g->sol, p);
    /* an unknown parameter name is an error (ignored by on_z3_error):
     * --seeds would silently do nothing */
    assert(Z3_get_error_code(g->z) == Z3_OK);
    Z3_params_dec_ref(g->z, p);
}

static void set_params(Gen *g, unsigned seed)
{
    set_params_timeout(g, seed, g->o->timeout_ms);
}

/* The IArray domain of verifier.md §2.4 / §7.2: slot is injective through
 * first/second; alen is non-negative. The Pancake heap is the IArray
 * constant pheap, its length alen_heap = --heap-words. */
static void background(Gen *g)
{
    Z3_context z = g->z;
    Z3_sort ia = g->s_iarray;
    Z3_sort dom2[2] = {ia, g->s_int};
    g->f_slot = mk_fun(g, "slot", 2, dom2, g->s_ref);
    g->f_alen = mk_fun(g, "alen", 1, &ia, g->s_int);
    g->f_first = mk_fun(g, "first", 1, &g->s_ref, ia);
    g->f_second = mk_fun(g, "second", 1, &g->s_ref, g->s_int);
    Z3_ast a = Z3_mk_const(z, Z3_mk_string_symbol(z, "a!"), ia);
    Z3_ast i = Z3_mk_const(z, Z3_mk_string_symbol(z, "i!"), g->s_int);
    Z3_ast args[2] = {a, i};
    Z3_ast sl = Z3_mk_app(z, g->f_slot, 2, args);
    Z3_ast body = mk_and2(g, mk_eq(g, Z3_mk_app(z, g->f_first, 1, &sl), a),
                          mk_eq(g, Z3_mk_app(z, g->f_second, 1, &sl), i));
    Z3_pattern pat = Z3_mk_pattern(z, 1, &sl);
    Z3_app bv[2] = {Z3_to_app(z, a), Z3_to_app(z, i)};
    Z3_solver_assert(z, g->sol, Z3_mk_forall_const(z, 0, 2, bv, 1, &pat, body));
    Z3_ast al = Z3_mk_app(z, g->f_alen, 1, &a);
    Z3_pattern pat2 = Z3_mk_pattern(z, 1, &al);
    Z3_solver_assert(z, g->sol, Z3_mk_forall_const(z, 0, 1, bv, 1, &pat2, mk_le(g, g->zero, al)));
    g->pheap = Z3_mk_const(z, Z3_mk_string_symbol(z, "heap"), ia);
    g->alen_heap = Z3_mk_app(z, g->f_alen, 1, &g->pheap);
    uint64_t words = g->spec->opts.heap_words ? g->spec->opts.heap_words : 16384;
    Z3_solver_assert(z, g->sol, mk_eq(g, g->alen_heap, mk_u64(g, words)));
    g->null = Z3_mk_const(z, Z3_mk_string_symbol(z, "null"), g->s_ref);
}

void smt_init(Gen *g)
{
    Z3_config cfg = Z3_mk_config();
    Z3_set_param_value(cfg, "model", "true");
    g->z = Z3_mk_context(cfg);
    Z3_del_config(cfg);
    Z3_set_error_handler(g->z, on_z3_error);
    Z3_context z = g->z;
    g->sol = Z3_mk_simple_solver(z);
    Z3_solver_inc_ref(z, g->sol);
    set_params(g, 0);
    g->s_int = Z3_mk_int_sort(z);
    g->s_bool = Z3_mk_bool_sort(z);
    g->s_real = Z3_mk_real_sort(z);
    g->s_ref = Z3_mk_uninterpreted_sort(z, Z3_mk_string_symbol(z, "Ref"));
    g->s_iarray = Z3_mk_uninterpreted_sort(z, Z3_mk_string_symbol(z, "IArray"));
    g->s_heap = Z3_mk_array_sort(z, g->s_int, g->s_int);
    g->s_mask = Z3_mk_array_sort(z, g->s_int, g->s_real);
    g->zero = Z3_mk_int(z, 0, g->s_int);
    g->one = Z3_mk_int(z, 1, g->s_int);
    g->rzero = Z3_mk_real(z, 0, 1);
    g->rone = Z3_mk_real(z, 1, 1);
    g->two64 = mk_pow2(g, 64);
    g->two63 = mk_pow2(g, 63);
    background(g);
}

void smt_fini(Gen *g)
{
    cvc5_close(g);
    if (!g->z) return;
    Z3_solver_dec_ref(g->z, g->sol);
    Z3_del_context(g->z);
    g->z = NULL;
}

/* ---- term builders -------------------------------------------------- */

Z3_ast mk_int(Gen *g, int64_t v) { return Z3_mk_int64(g->z, v, g->s_int); }
Z3_ast mk_u64(Gen *g, uint64_t v) { return Z3_mk_unsigned_int64(g->z, v, g->s_int); }

Z3_ast mk_pow2(Gen *g, unsigned k)
{
    char buf[96];
    if (k < 64) return mk_u64(g, (uint64_t)1 << k);
    /* 2^k as decimal text for k up to 128 */
    unsigned __int128 v = (unsigned __int128)1 << (k > 127 ? 127 : k);
    char *p = buf + sizeof buf - 1;
    *p = 0;
    do {
        *--p = (char)('0' + (int)(v % 10));
        v /= 10;
    } while (v);
    return Z3_mk_numeral(g->z, p, g->s_int);
}

Z3_ast mk_and2(Gen *g, Z3_ast a, Z3_ast b)
{
    if (is_true(g, a)) return b;
    if (is_true(g, b)) return a;
    if (is_false(g, a) || is_false(g, b)) return Z3_mk_false(g->z);
    Z3_ast v[2] = {a, b};
    return Z3_mk_and(g->z, 2, v);
}

Z3_ast mk_or2(Gen *g, Z3_ast a, Z3_ast b)
{
    if (is_false(g, a)) return b;
    if (is_false(g, b)) return a;
    if (is_true(g, a) || is_true(g, b)) return Z3_mk_true(g->z);
    Z3_ast v[2] = {a, b};
    return Z3_mk_or(g->z, 2, v);
}

Z3_ast mk_implies(Gen *g, Z3_ast a, Z3_ast b)
{
    if (is_true(g, a)) return b;
    if (is_false(g, a) || is_true(g, b)) return Z3_mk_true(g->z);
    return Z3_mk_implies(g->z, a, b);
}

Z3_ast mk_not(Gen *g, Z3_ast a)
{
    if (is_true(g, a)) return Z3_mk_false(g->z);
    if (is_false(g, a)) return Z3_mk_true(g->z);
    return Z3_mk_not(g->z, a);
}

Z3_ast mk_add2(Gen *g, Z3_ast a, Z3_ast b)
{
    Z3_ast v[2] = {a, b};
    return Z3_mk_add(g->z, 2, v);
}

Z3_ast mk_sub2(Gen *g, Z3_ast a, Z3_ast b)
{
    Z3_ast v[2] = {a, b};
    return Z3_mk_sub(g->z, 2, v);
}

Z3_ast mk_mul2(Gen *g, Z3_ast a, Z3_ast b)
{
    Z3_ast v[2] = {a, b};
    return Z3_mk_mul(g->z, 2, v);
}

Z3_ast mk_lt(Gen *g, Z3_ast a, Z3_ast b) { return Z3_mk_lt(g->z, a, b); }
Z3_ast mk_le(Gen *g, Z3_ast a, Z3_ast b) { return Z3_mk_le(g->z, a, b); }
Z3_ast mk_eq(Gen *g, Z3_ast a, Z3_ast b) { return Z3_mk_eq(g->z, a, b); }

Z3_ast mk_ite(Gen *g, Z3_ast c, Z3_ast a, Z3_ast b)
{
    if (is_true(g, c) || Z3_is_eq_ast(g->z, a, b)) return a;
    if (is_false(g, c)) return b;
    return Z3_mk_ite(g->z, c, a, b);
}

Z3_ast mk_fresh(Gen *g, const char *prefix, Z3_sort s)
{
    return Z3_mk_fresh_const(g->z, prefix, s);
}

Z3_ast mk_bounded(Gen *g, Z3_ast x, unsigned bits)
{
    return mk_and2(g, mk_le(g, g->zero, x), mk_lt(g, x, mk_pow2(g, bits)));
}

Z3_ast mk_real(Gen *g, int64_t num, int64_t den)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%lld/%lld", (long long)num, (long long)den);
    return Z3_mk_numeral(g->z, buf, g->s_real);
}

bool is_false(Gen *g, Z3_ast b) { return Z3_get_bool_value(g->z, b) == Z3_L_FALSE; }
bool is_true(Gen *g, Z3_ast b) { return Z3_get_bool_value(g->z, b) == Z3_L_TRUE; }

bool term_u64(Gen *g, Z3_ast t, uint64_t *v)
{
    if (Z3_get_ast_kind(g->z, t) != Z3_NUMERAL_AST) return false;
    if (Z3_get_sort_kind(g->z, Z3_get_sort(g->z, t)) != Z3_INT_SORT) return false;
    Z3_string s = Z3_get_numeral_string(g->z, t);
    if (!s || *s == '-') return false;
    errno = 0;
    char *end;
    unsigned long long x = strtoull(s, &end, 10);
    if (errno || *end) return false;
    *v = x;
    return true;
}

/* ---- diagnostics ----------------------------------------------------- */

void vg_error(Gen *g, Span at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vadd(g->dl, DIAG_ERROR, "verify.unsupported", &at, fmt, ap);
    va_end(ap);
    g->nerror++;
    g->aborted = true;
}

/* ---- checking a query: solvers, seeds, cross-check ------------------ */

static SmtAnswer z3_answer(Gen *g, unsigned seed, StrBuf *why)
{
    if (seed != g->seed) set_params(g, seed); /* only with --seeds */
    Z3_lbool r = Z3_solver_check(g->z, g->sol);
    Z3_error_code e = Z3_get_error_code(g->z);
    if (e != Z3_OK) {
        sb_printf(why, "Z3 error: %s", Z3_get_error_msg(g->z, e));
        return SMT_UNKNOWN;
    }
    if (r == Z3_L_TRUE) return SMT_SAT;
    if (r == Z3_L_FALSE) return SMT_UNSAT;
    /* With MBQI off (as in Silicon), Z3 answers "unknown (incomplete
     * quantifiers)" where it has a candidate model it could not confirm
     * against the quantified axioms. Like Viper, such an answer means
     * "not proved". Timeouts, resource limits and errors stay unknown. */
    const char *reason = Z3_solver_get_reason_unknown(g->z, g->sol);
    sb_puts(why, reason);
    return strstr(reason, "quantifiers") ? SMT_INCOMPLETE : SMT_UNKNOWN;
}

/* What an answer means for an obligation: 0 proved, 1 not proved
 * (a counterexample, or a candidate one), 2 unknown. */
static int outcome(SmtAnswer a) { return a == SMT_UNSAT ? 0 : a == SMT_UNKNOWN ? 2 : 1; }

static void put_answer(StrBuf *b, SmtAnswer a, const char *why)
{
    static const char *const NAME[] = {"unsat", "sat", "unknown", "unknown"};
    sb_puts(b, NAME[a]);
    if (a >= SMT_INCOMPLETE) sb_printf(b, " (%s)", why && *why ? why : "no reason given");
}

/* The result of checking one query with the chosen solver(s) and seeds. */
typedef struct Check {
    SmtAnswer a;         /* the deciding solver's answer (seed 0) */
    StrBuf why;          /* its reason when unknown */
    StrBuf seeds;        /* the answer per seed, when they differ */
    StrBuf cross;        /* --solver both: the two answers, when their outcomes differ */
    bool disagree;       /* --solver both: one proves sat, the other unsat */
    bool by_cvc5;        /* VSOLVER_FALLBACK: cvc5 decided (Z3 left it unknown) */
    char *path;          /* the query file (--emit-smt, or kept for a disagreement), or NULL */
} Check;

/* The query text when cvc5 or --emit-smt needs it; with --emit-smt it is
 * written to DIR/UNIT-N.smt2 (the query file of a disagreement). */
static char *query_text(Gen *g, Check *c, const char *kind)
{
    if (!g->o->emit_smt_dir && (g->o->solver == VSOLVER_Z3 || g->o->solver == VSOLVER_FALLBACK))
        return NULL; /* the fallback builds it when Z3 leaves a query unknown */
    char *text = smt_query_text(g, kind);
    if (!g->o->emit_smt_dir) return text;
    StrBuf path = {0}, err = {0};
    sb_printf(&path, "%s/", g->o->emit_smt_dir);
    for (const char *p = g->unit_name; *p; p++)
        sb_putc(&path, (char)((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                                      (*p >= '0' && *p <= '9') || *p == '_'
                                  ? *p
                                  : '_'));
    sb_printf(&path, "-%04u.smt2", g->qn);
    if (smt_write_query(path.s, text, &err)) c->path = sb_take(&path);
    else diag_add(g->dl, DIAG_WARNING, "verify.emit-smt", NULL, "%s", err.s);
    sb_free(&path);
    sb_free(&err);
    return text;
}

/* VSOLVER_FALLBACK: Z3 within FALLBACK_FIRST_MS; if it cannot decide,
 * cvc5 (*ac: its answer when it decides, else SMT_UNKNOWN), then Z3 with
 * the whole timeout. The first answer that is not unknown is the verdict,
 * as with that solver alone (both are in the trusted base): sat, unsat, or
 * incomplete (quantifiers: a candidate model, "not proved"; for a
 * reachability query, reachable). */
static SmtAnswer fallback_answer(Gen *g, const char *kind, unsigned seed, char **text, StrBuf *wz,
                                 StrBuf *wc, SmtAnswer *ac)
{
    *ac = SMT_UNKNOWN;
    unsigned full = g->o->timeout_ms;
    bool shorter = !full || full > FALLBACK_FIRST_MS;
    if (shorter) set_params_timeout(g, seed, FALLBACK_FIRST_MS);
    else if (seed != g->seed) set_params(g, seed);
    SmtAnswer az = z3_answer(g, seed, wz);
    if (shorter) set_params(g, seed);
    if (az != SMT_UNKNOWN) return az;
    if (!*text) *text = smt_query_text(g, kind);
    SmtAnswer c = cvc5_check(g, *text, seed, wc);
    if (c != SMT_UNKNOWN) { /* as with --solver cvc5 */
        *ac = c;
        return az;
    }
    if (!shorter) return az;
    sb_free(wz);
    return z3_answer(g, seed, wz);
}

/* Checks the solver content (the query) with every seed, seed 0 last so
 * that Z3 keeps seed 0's model for the counterexample. */
static void run_check(Gen *g, const char *kind, Check *c)
{
    memset(c, 0, sizeof *c);
    g->qn++;
    char *text = query_text(g, c, kind);
    VerifySolver sv = g->o->solver;
    unsigned n = g->o->seeds > 1 ? g->o->seeds : 1;
    StrBuf all = {0};
    bool unstable = false;
    int first = -1;
    for (unsigned k = n; k-- > 0;) {
        StrBuf wz = {0}, wc = {0};
        SmtAnswer az = SMT_UNKNOWN, ac = SMT_UNKNOWN;
        if (sv == VSOLVER_FALLBACK) {
            az = fallback_answer(g, kind, k, &text, &wz, &wc, &ac);
            if (k == 0) c->by_cvc5 = ac != SMT_UNKNOWN;
        } else {
            if (sv != VSOLVER_CVC5) az = z3_answer(g, k, &wz);
            if (sv != VSOLVER_Z3) ac = cvc5_check(g, text, k, &wc);
        }
        bool cv = sv == VSOLVER_CVC5 || (sv == VSOLVER_FALLBACK && ac != SMT_UNKNOWN);
        SmtAnswer a = cv ? ac : az;
        StrBuf *w = cv ? &wc : &wz;
        sb_printf(&all, "%sseed %u: ", all.n ? ", " : "", k);
        put_answer(&all, a, w->s);
        if (first < 0) first = outcome(a);
        else if (first != outcome(a)) unstable = true;
        if (sv == VSOLVER_BOTH && outcome(az) != outcome(ac) && !c->cross.n) {
            c->disagree = (az == SMT_SAT && ac == SMT_UNSAT) || (az == SMT_UNSAT && ac == SMT_SAT);
            sb_puts(&c->cross, "Z3 answers ");
            put_answer(&c->cross, az, wz.s);
            sb_puts(&c->cross, ", cvc5 ");
            put_answer(&c->cross, ac, wc.s);
            if (n > 1) sb_printf(&c->cross, " (seed %u)", k);
        }
        if (k == 0) {
            c->a = a;
            sb_puts(&c->why, w->s ? w->s : "");
        }
        sb_free(&wz);
        sb_free(&wc);
    }
    if (unstable) c->seeds = all;
    else sb_free(&all);
    if (c->disagree && !c->path) { /* keep the evidence */
        StrBuf err = {0};
        c->path = smt_temp_query(text, &err);
        if (err.n) diag_add(g->dl, DIAG_WARNING, "verify.emit-smt", NULL, "%s", err.s);
        sb_free(&err);
    }
    free(text);
}

static void check_done(Check *c)
{
    free(c->path);
    sb_free(&c->why);
    sb_free(&c->seeds);
    sb_free(&c->cross);
}

/* --solver both: a contradiction between the solvers is an error (one of
 * them, or the query text, is wrong); other differences (one undecided)
 * are warnings. */
static void report_cross(Gen *g, Check *c, const Span *at, const char *what)
{
    if (!c->cross.n) return;
    if (c->disagree) g->nerror++;
    Diag *d = diag_add(g->dl, c->disagree ? DIAG_ERROR : DIAG_WARNING,
                       c->disagree ? "verify.solver-disagree" : "verify.solver-differ", at,
                       "the solvers %s on: %s: %s", c->disagree ? "disagree" : "differ", what, c->cross.s);
    if (c->path) diag_note(d, NULL, "the query: %s", c->path);
}

static bool eval_in(Gen *g, Z3_model m, Z3_ast t, Z3_ast *out)
{
    return Z3_model_eval(g->z, m, t, true, out) && *out;
}

static void print_word(StrBuf *b, Gen *g, Z3_ast v)
{
    uint64_t x;
    if (term_u64(g, v, &x)) {
        if (x >= 0x10000) sb_printf(b, "%llu (0x%llx)", (unsigned long long)x, (unsigned long long)x);
        else sb_printf(b, "%llu", (unsigned long long)x);
    } else {
        sb_puts(b, Z3_ast_to_string(g->z, v));
    }
}

static void note_path(Gen *g, Diag *d, Z3_model m, State *st)
{
    StrBuf b = {0};
    Z3_ast v;
    for (size_t i = 0; i < g->branches.n; i++) {
        Branch *br = &g->branches.v[i];
        if (!eval_in(g, m, br->pc, &v) || !is_true(g, v)) continue;
        if (!eval_in(g, m, br->cond, &v)) continue;
        diag_note(d, &br->at, "on this path: %s %s", br->what,
                  is_true(g, v) ? "taken (condition true)" : "not taken (condition false)");
    }
    (void)st;
    sb_free(&b);
}

static void note_values(Gen *g, Diag *d, Z3_model m, State *st)
{
    StrBuf b = {0};
    Z3_ast v;
    unsigned shown = 0;
    if (st->locals && g->slot_names) {
        for (uint32_t s = 0; s < g->nslots; s++) {
            Val *x = &st->locals[s];
            if (!x->n || !g->slot_names[s]) continue;
            sb_printf(&b, "%s%s = ", shown++ ? ", " : "", g->slot_names[s]);
            if (x->n > 1) sb_putc(&b, '<');
            for (uint32_t k = 0; k < x->n && k < 8; k++) {
                if (k) sb_puts(&b, ", ");
                if (eval_in(g, m, x->w[k], &v)) print_word(&b, g, v);
            }
            if (x->n > 8) sb_puts(&b, ", ...");
            if (x->n > 1) sb_putc(&b, '>');
        }
    }
    for (size_t i = 0; i < g->touched.n && i < 16; i++) {
        Z3_ast idx;
        if (!eval_in(g, m, g->touched.v[i], &idx)) continue;
        bool dup = false;
        for (size_t j = 0; j < i && !dup; j++) {
            Z3_ast o;
            if (eval_in(g, m, g->touched.v[j], &o) && Z3_is_eq_ast(g->z, o, idx)) dup = true;
        }
        if (dup) continue;
        Z3_ast w = Z3_mk_select(g->z, st->H, idx), pm = Z3_mk_select(g->z, st->M, idx);
        if (!eval_in(g, m, w, &v)) continue;
        sb_printf(&b, "%sheap[", shown++ ? ", " : "");
        print_word(&b, g, idx);
        sb_puts(&b, "] = ");
        print_word(&b, g, v);
        if (eval_in(g, m, pm, &v)) sb_printf(&b, " (perm %s)", Z3_ast_to_string(g->z, v));
    }
    for (size_t f = 0; f + 1 < g->nfields && g->mfields; f++) {
        const VField *fld = g->spec->fields.v[f];
        VTypeKind k = fld->type->kind;
        if (k != VT_INT && k != VT_BOOL) continue;
        for (size_t r = 0; r < g->spec->model_fields.n; r++) {
            Z3_ast pm = Z3_mk_select(g->z, st->fm[f], g->mfields[r]);
            if (!eval_in(g, m, Z3_mk_gt(g->z, pm, g->rzero), &v) || !is_true(g, v)) continue;
            if (!eval_in(g, m, Z3_mk_select(g->z, st->fv[f], g->mfields[r]), &v)) continue;
            sb_printf(&b, "%s%s.%s = ", shown++ ? ", " : "", g->spec->model_fields.v[r], fld->name);
            if (k == VT_INT) print_word(&b, g, v);
            else sb_puts(&b, is_true(g, v) ? "true" : "false");
        }
    }
    if (shown) diag_note(d, NULL, "counterexample: %s", b.s);
    sb_free(&b);
}

void smt_assume(Gen *g, Z3_ast pc, Z3_ast phi)
{
    Z3_ast f = mk_implies(g, pc, phi);
    if (!is_true(g, f)) Z3_solver_assert(g->z, g->sol, bv_rewrite(g, f));
}

bool smt_check(Gen *g, State *st, Z3_ast phi, const Oblig *ob)
{
    if (g->aborted || is_false(g, st->pc) || is_true(g, phi)) return true;
    g->nobl++;
    Z3_solver_push(g->z, g->sol);
    Z3_solver_assert(g->z, g->sol, bv_rewrite(g, st->pc));
    Z3_solver_assert(g->z, g->sol, bv_rewrite(g, mk_not(g, phi)));
    Check c;
    run_check(g, ob->code, &c);
    int oc = outcome(c.a);
    bool ok = oc == 0 && !c.seeds.n && !c.disagree;
    if (c.seeds.n) {
        g->nunknown++;
        Diag *d = diag_add(g->dl, DIAG_ERROR, "verify.unknown", &ob->at,
                           "unstable: %s: the verdict changes with the solver seed (%s)", ob->msg, c.seeds.s);
        if (ob->note) diag_note(d, ob->note_at, "%s", ob->note);
    } else if (oc == 1) {
        g->nfail++;
        Diag *d = diag_add(g->dl, DIAG_ERROR, ob->code, &ob->at, "%s", ob->msg);
        if (ob->note) diag_note(d, ob->note_at, "%s", ob->note);
        Z3_model m = g->o->solver != VSOLVER_CVC5 && !c.by_cvc5 ? Z3_solver_get_model(g->z, g->sol) : NULL;
        if (m) {
            Z3_model_inc_ref(g->z, m);
            note_path(g, d, m, st);
            note_values(g, d, m, st);
            Z3_model_dec_ref(g->z, m);
        } else if (g->o->solver == VSOLVER_CVC5 || c.by_cvc5) {
            diag_note(d, NULL, "decided by cvc5 (%s); no counterexample is shown",
                      c.a == SMT_SAT ? "sat" : c.why.s);
        }
    } else if (oc == 2) {
        g->nunknown++;
        Diag *d = diag_add(g->dl, DIAG_ERROR, "verify.unknown", &ob->at, "could not decide: %s (%s: %s)", ob->msg,
                           g->o->solver == VSOLVER_CVC5 ? "cvc5" : "solver", c.why.s);
        if (ob->note) diag_note(d, ob->note_at, "%s", ob->note);
    }
    report_cross(g, &c, &ob->at, ob->msg);
    check_done(&c);
    Z3_solver_pop(g->z, g->sol, 1);
    /* proved, failed (reported) or undecided: phi is assumed from here on,
     * so later obligations are checked independently of this one */
    smt_assume(g, st->pc, phi);
    return ok;
}

int smt_reachable(Gen *g, Z3_ast pc)
{
    if (is_false(g, pc)) return 0;
    Z3_solver_push(g->z, g->sol);
    Z3_solver_assert(g->z, g->sol, bv_rewrite(g, pc));
    Check c;
    run_check(g, "reachable", &c);
    Span at = g->fd ? g->fd->name_span : g->meth ? g->meth->span : (Span){0};
    report_cross(g, &c, &at, "whether this point is reachable");
    int r = c.seeds.n ? -1 : outcome(c.a) == 1 ? 1 : outcome(c.a) == 0 ? 0 : -1;
    check_done(&c);
    Z3_solver_pop(g->z, g->sol, 1);
    return r;
}
