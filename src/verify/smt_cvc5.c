/* The portable text of a query and the cvc5 subprocess (--solver cvc5 and
 * --solver both, docs/verifier.md "Second solver").
 *
 * The text is Z3's own rendering of the solver's assertions (exactly what
 * Z3 checks; Z3_benchmark_to_smtlib_string, with `(set-logic ALL)`: cvc5
 * needs a logic), with set operations as defined functions (below) and
 * rewritten token by token into portable SMT-LIB 2.6: Z3's `bv2int` spelled
 * `bv2nat` (the standard name; Z3 accepts both), Z3's internal halves
 * of seq.nth (seq.nth_i, seq.nth_u) spelled seq.nth, Z3's `:weight N`
 * attributes (not SMT-LIB; cvc5 warns about them) replaced by a `:qid`
 * (an annotation needs an attribute). The same text
 * is what --emit-smt writes, so `cvc5 FILE` or `z3 FILE` re-runs a query.
 *
 * cvc5 runs as a child process per unit (posix_spawn: safe from the
 * worker threads), with --tlimit-per for --timeout and a watchdog that
 * kills it two seconds after that. Its answer is the first line reading
 * sat, unsat or unknown; anything else (a parse error, a crash) is an
 * unknown whose reason quotes cvc5. */
#include "vgen_int.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static bool sym_char(char ch)
{
    return ch && !strchr(" \t\r\n()|\";", ch);
}

/* Z3's spellings that are not SMT-LIB 2.6 (see the file comment). */
static const struct { const char *z3, *std; } RENAME[] = {
    {"bv2int", "bv2nat"},
    /* Z3's halves of seq.nth (in and out of bounds); both are seq.nth,
     * which is unspecified out of bounds as seq.nth_u is */
    {"seq.nth_i", "seq.nth"},
    {"seq.nth_u", "seq.nth"},
};

static void portable(StrBuf *out, const char *s)
{
    while (*s) {
        if (*s == '|' || *s == '"') { /* quoted symbol or string literal: as is */
            char q = *s;
            const char *e = strchr(s + 1, q);
            size_t n = e ? (size_t)(e - s) + 1 : strlen(s);
            sb_putn(out, s, n);
            s += n;
            continue;
        }
        if (*s == ';') { /* comment to the end of the line */
            const char *e = strchr(s, '\n');
            size_t n = e ? (size_t)(e - s) : strlen(s);
            sb_putn(out, s, n);
            s += n;
            continue;
        }
        if (!sym_char(*s)) {
            sb_putc(out, *s++);
            continue;
        }
        size_t n = 0;
        while (sym_char(s[n])) n++;
        if (n == 7 && !strncmp(s, ":weight", 7)) {
            /* ":weight N" becomes a quantifier name: an annotation (! t)
             * needs at least one attribute */
            s += n;
            while (*s == ' ' || *s == '\n' || *s == '\t') s++;
            while (sym_char(*s)) s++;
            sb_puts(out, ":qid griddle");
            continue;
        }
        const char *rep = NULL;
        for (size_t i = 0; i < sizeof RENAME / sizeof RENAME[0]; i++)
            if (strlen(RENAME[i].z3) == n && !strncmp(s, RENAME[i].z3, n)) rep = RENAME[i].std;
        if (rep) sb_puts(out, rep);
        else sb_putn(out, s, n);
        s += n;
    }
}

/* ---- set operations as defined functions ------------------------------ */

/* Z3's set operations (union, intersection, difference, complement,
 * subset; printed as `(_ map or)` and the like) are not SMT-LIB and cvc5
 * does not read them. In the query text each becomes a declared function
 * with its definition as an axiom (an element-wise equation with that
 * element's select as the pattern), a conservative extension: the
 * query means the same. */
typedef struct SetFun { int op; Z3_sort srt; Z3_func_decl f; } SetFun;

typedef struct Tr {
    Gen *g;
    Z3_context z;
    AstMemo memo;
    SetFun fun[32];
    unsigned nfun;
    VEC(Z3_ast) axioms;
} Tr;

enum { SET_AND, SET_OR, SET_NOT };

static Z3_func_decl set_fun(Tr *t, int op, Z3_sort srt)
{
    for (unsigned i = 0; i < t->nfun; i++)
        if (t->fun[i].op == op && Z3_is_eq_sort(t->z, t->fun[i].srt, srt)) return t->fun[i].f;
    if (t->nfun == sizeof t->fun / sizeof t->fun[0]) return NULL;
    Z3_context z = t->z;
    static const char *const NAME[] = {"set_and", "set_or", "set_not"};
    unsigned n = op == SET_NOT ? 1 : 2;
    Z3_sort dom[2] = {srt, srt};
    Z3_func_decl f = Z3_mk_fresh_func_decl(z, NAME[op], n, dom, srt);
    Z3_ast a = Z3_mk_fresh_const(z, "sa", srt), b = Z3_mk_fresh_const(z, "sb", srt);
    Z3_ast x = Z3_mk_fresh_const(z, "sx", Z3_get_array_sort_domain(z, srt));
    Z3_ast ab[2] = {a, b};
    Z3_ast sel = Z3_mk_select(z, Z3_mk_app(z, f, n, ab), x);
    Z3_ast ax = Z3_mk_select(z, a, x), bx = Z3_mk_select(z, b, x), both[2] = {ax, bx};
    Z3_ast def = op == SET_NOT ? Z3_mk_not(z, ax) : op == SET_AND ? Z3_mk_and(z, 2, both) : Z3_mk_or(z, 2, both);
    Z3_pattern pat = Z3_mk_pattern(z, 1, &sel);
    Z3_app bound[3] = {Z3_to_app(z, a), Z3_to_app(z, b), Z3_to_app(z, x)};
    if (op == SET_NOT) bound[1] = bound[2];
    vec_push(&t->axioms, Z3_mk_forall_const(z, 0, n + 1, bound, 1, &pat, Z3_mk_eq(z, sel, def)));
    t->fun[t->nfun++] = (SetFun){op, srt, f};
    return f;
}

static Z3_ast set_apply(Tr *t, int op, Z3_ast a, Z3_ast b)
{
    Z3_func_decl f = set_fun(t, op, Z3_get_sort(t->z, a));
    if (!f) return NULL;
    Z3_ast ab[2] = {a, b};
    return Z3_mk_app(t->z, f, op == SET_NOT ? 1 : 2, ab);
}

/* The set operation of an application (its arguments already
 * translated), or NULL when it is none or not expressible. */
static Z3_ast tr_set(Tr *t, Z3_func_decl d, unsigned n, Z3_ast *v)
{
    int k = (int)Z3_get_decl_kind(t->z, d);
    if (k == Z3_OP_ARRAY_MAP) {
        Z3_func_decl p = Z3_get_decl_func_decl_parameter(t->z, d, 0);
        int pk = (int)Z3_get_decl_kind(t->z, p);
        k = pk == Z3_OP_AND ? Z3_OP_SET_INTERSECT : pk == Z3_OP_OR ? Z3_OP_SET_UNION
            : pk == Z3_OP_NOT ? Z3_OP_SET_COMPLEMENT : -1;
    }
    Z3_ast r = NULL;
    switch (k) {
    case Z3_OP_CONST_ARRAY: {
        /* the full set (Z3 builds it for complements of literals): the
         * complement of the empty one, as cvc5 rejects equations between
         * stores over two different constant arrays */
        Z3_sort srt = Z3_get_range(t->z, d);
        if (n != 1 || Z3_get_bool_value(t->z, v[0]) != Z3_L_TRUE) return NULL;
        return set_apply(t, SET_NOT, Z3_mk_const_array(t->z, Z3_get_array_sort_domain(t->z, srt),
                                                        Z3_mk_false(t->z)), NULL);
    }
    case Z3_OP_SET_UNION:
    case Z3_OP_SET_INTERSECT:
        r = n ? v[0] : NULL;
        for (unsigned i = 1; r && i < n; i++) r = set_apply(t, k == Z3_OP_SET_UNION ? SET_OR : SET_AND, r, v[i]);
        return r;
    case Z3_OP_SET_COMPLEMENT: return n == 1 ? set_apply(t, SET_NOT, v[0], NULL) : NULL;
    case Z3_OP_SET_DIFFERENCE: {
        Z3_ast nb = n == 2 ? set_apply(t, SET_NOT, v[1], NULL) : NULL;
        return nb ? set_apply(t, SET_AND, v[0], nb) : NULL;
    }
    case Z3_OP_SET_SUBSET: {
        Z3_ast i = n == 2 ? set_apply(t, SET_AND, v[0], v[1]) : NULL;
        return i ? Z3_mk_eq(t->z, i, v[0]) : NULL;
    }
    }
    return NULL;
}

/* e with every set operation outside quantifiers replaced (quantifiers
 * are kept as they are: a set operation inside one stays Z3's, and cvc5
 * then rejects the query: unknown). */
static Z3_ast tr(Tr *t, Z3_ast e);
static Z3_ast tr_arg(void *cx, Z3_ast x) { return tr(cx, x); }

static Z3_ast tr(Tr *t, Z3_ast e)
{
    if (Z3_get_ast_kind(t->z, e) != Z3_APP_AST) return e;
    AstMemoSlot *m = ast_memo(t->z, &t->memo, e, 0, false);
    if (m) return m->val;
    Z3_ast r = ast_map_args(t->z, e, tr_arg, t);
    Z3_app a = Z3_to_app(t->z, r);
    unsigned n = Z3_get_app_num_args(t->z, a);
    if (n <= 64) {
        Z3_ast v[64];
        for (unsigned i = 0; i < n; i++) v[i] = Z3_get_app_arg(t->z, a, i);
        Z3_ast s = tr_set(t, Z3_get_app_decl(t->z, a), n, v);
        if (s) r = s;
    }
    m = ast_memo(t->z, &t->memo, e, 0, true);
    m->val = r;
    return r;
}

char *smt_query_text(Gen *g, const char *kind)
{
    Tr t = {.g = g, .z = g->z};
    Z3_ast_vector as = Z3_solver_get_assertions(g->z, g->sol);
    Z3_ast_vector_inc_ref(g->z, as);
    VEC(Z3_ast) fs = {0};
    for (unsigned i = 0; i < Z3_ast_vector_size(g->z, as); i++) vec_push(&fs, tr(&t, Z3_ast_vector_get(g->z, as, i)));
    for (size_t i = 0; i < t.axioms.n; i++) vec_push(&fs, t.axioms.v[i]);
    Z3_ast last = fs.n ? fs.v[fs.n - 1] : Z3_mk_true(g->z);
    const char *body = Z3_benchmark_to_smtlib_string(g->z, "", "ALL", "unknown", "",
                                                     fs.n ? (unsigned)fs.n - 1 : 0, fs.v, last);
    StrBuf b = {0};
    sb_printf(&b, "; griddle verify: %s, query %u (%s)\n", g->unit_name, g->qn, kind);
    portable(&b, body);
    /* cvc5 answers an error after sat/unsat: only the first answer line counts */
    sb_puts(&b, "(get-info :reason-unknown)\n");
    Z3_ast_vector_dec_ref(g->z, as);
    vec_free(&fs);
    vec_free(&t.axioms);
    free(t.memo.tab);
    return sb_take(&b);
}

bool smt_write_query(const char *path, const char *text, StrBuf *err)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        sb_printf(err, "cannot write %s: %s", path, strerror(errno));
        return false;
    }
    fputs(text, f);
    if (fclose(f) != 0) {
        sb_printf(err, "cannot write %s: %s", path, strerror(errno));
        return false;
    }
    return true;
}

char *smt_temp_query(const char *text, StrBuf *err)
{
    const char *dir = getenv("TMPDIR");
    StrBuf p = {0};
    sb_printf(&p, "%s/griddle-query-XXXXXX.smt2", dir && *dir ? dir : "/tmp");
    int fd = mkstemps(p.s, 5);
    if (fd < 0) {
        sb_printf(err, "cannot create %s: %s", p.s, strerror(errno));
        sb_free(&p);
        return NULL;
    }
    close(fd);
    if (!smt_write_query(p.s, text, err)) {
        unlink(p.s);
        sb_free(&p);
        return NULL;
    }
    return sb_take(&p);
}

static double mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The answer in cvc5's output: the first line that is sat, unsat or
 * unknown (warnings may come first). */
static SmtAnswer parse_answer(const char *out, StrBuf *why)
{
    for (const char *l = out; l && *l;) {
        const char *e = strchr(l, '\n');
        size_t n = e ? (size_t)(e - l) : strlen(l);
        if (n == 3 && !strncmp(l, "sat", 3)) return SMT_SAT;
        if (n == 5 && !strncmp(l, "unsat", 5)) return SMT_UNSAT;
        if (n == 7 && !strncmp(l, "unknown", 7)) {
            const char *r = strstr(out, "(:reason-unknown ");
            if (r) sb_putn(why, r + 17, strcspn(r + 17, ")\n"));
            else sb_puts(why, "unknown");
            /* cvc5 gave up with quantifiers left: "not proved", as Z3's
             * "incomplete quantifiers" (docs/verifier.md "Encoding") */
            return strstr(why->s, "incomplete") ? SMT_INCOMPLETE : SMT_UNKNOWN;
        }
        l = e ? e + 1 : NULL;
    }
    if (strstr(out, "interrupted by timeout")) {
        sb_puts(why, "timeout");
        return SMT_UNKNOWN;
    }
    size_t n = strcspn(out, "\n");
    sb_puts(why, "cvc5: ");
    sb_putn(why, *out ? out : "no answer", *out ? (n > 300 ? 300 : n) : 9);
    return SMT_UNKNOWN;
}

/* ---- the cvc5 process ---------------------------------------------------- */

/* One cvc5 process per unit (started on first use, with the seed of the
 * query; another seed restarts it), fed each query after a (reset) on a
 * socket (send with MSG_NOSIGNAL: a dead cvc5 is an error, not SIGPIPE),
 * which saves its start-up (about 40 ms) per query. A query ends with
 * (echo "griddle-done"); a parse error makes cvc5 exit, so end of file
 * ends a query too, and the next one starts a new process. */
struct Cvc5 {
    pid_t pid;
    int fd;              /* our end: cvc5's stdin and stdout/stderr */
    unsigned seed;
};

static const char DONE[] = "\"griddle-done\"";

void cvc5_close(Gen *g)
{
    Cvc5 *c = g->cvc5;
    if (!c) return;
    if (c->pid > 0) {
        close(c->fd);
        kill(c->pid, SIGKILL);
        while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR) {}
    }
    free(c);
    g->cvc5 = NULL;
}

static bool cv_start(Gen *g, unsigned seed, StrBuf *why)
{
    const VerifyOpts *o = g->o;
    char tl[48], sd[48];
    snprintf(tl, sizeof tl, "--tlimit-per=%u", o->timeout_ms);
    snprintf(sd, sizeof sd, "--seed=%u", seed);
    const char *exe = o->cvc5 ? o->cvc5 : "cvc5";
    char *argv[8];
    int argc = 0;
    argv[argc++] = (char *)exe;
    argv[argc++] = (char *)"--lang=smt2";
    argv[argc++] = (char *)"--strings-exp"; /* seq.nth and other sequence operations */
    argv[argc++] = sd;
    if (o->timeout_ms) argv[argc++] = tl;
    argv[argc] = NULL;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        sb_printf(why, "cannot run %s: %s", exe, strerror(errno));
        return false;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
    posix_spawn_file_actions_adddup2(&fa, sv[1], 1);
    posix_spawn_file_actions_adddup2(&fa, sv[1], 2);
    pid_t pid;
    int rc = posix_spawnp(&pid, exe, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(sv[1]);
    if (rc != 0) {
        close(sv[0]);
        sb_printf(why, "cannot run %s: %s", exe, strerror(rc));
        return false;
    }
    if (!g->cvc5) g->cvc5 = xcalloc(1, sizeof *g->cvc5);
    *g->cvc5 = (Cvc5){pid, sv[0], seed};
    return true;
}

static bool send_all(int fd, const char *s, size_t n)
{
    while (n) {
        ssize_t k = send(fd, s, n, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return false;
        s += k;
        n -= (size_t)k;
    }
    return true;
}

/* Reads until the DONE line, end of file or the deadline (ms, 0 = none).
 * Returns 1 done, 0 end of file, -1 deadline. */
static int read_reply(int fd, StrBuf *out, double deadline)
{
    char buf[4096];
    for (;;) {
        if (out->n && strstr(out->s, DONE)) return 1;
        int wait = -1;
        if (deadline > 0) {
            double left = deadline - mono_ms();
            if (left <= 0) return -1;
            wait = (int)left + 1;
        }
        struct pollfd p = {fd, POLLIN, 0};
        int r = poll(&p, 1, wait);
        if (r < 0 && errno == EINTR) continue;
        if (r == 0) return -1;
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return 0;
        if (out->n < (1u << 20)) sb_putn(out, buf, (size_t)n);
    }
}

SmtAnswer cvc5_check(Gen *g, const char *text, unsigned seed, StrBuf *why)
{
    if (g->cvc5 && g->cvc5->pid > 0 && g->cvc5->seed != seed) cvc5_close(g);
    if ((!g->cvc5 || g->cvc5->pid <= 0) && !cv_start(g, seed, why)) return SMT_UNKNOWN;
    Cvc5 *c = g->cvc5;
    StrBuf q = {0}, out = {0};
    sb_printf(&q, "(reset)\n%s(echo %s)\n", text, DONE);
    int r = send_all(c->fd, q.s, q.n) ? 0 : -2;
    sb_free(&q);
    double deadline = g->o->timeout_ms ? mono_ms() + g->o->timeout_ms + 2000 : 0;
    if (r == 0) r = read_reply(c->fd, &out, deadline);
    SmtAnswer a;
    if (r == -1) {
        sb_puts(why, "timeout (cvc5 killed)");
        a = SMT_UNKNOWN;
    } else {
        a = parse_answer(out.s ? out.s : "", why);
    }
    if (r != 1) cvc5_close(g); /* dead, or killed: a new process next time */
    sb_free(&out);
    return a;
}
