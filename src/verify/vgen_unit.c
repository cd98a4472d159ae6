/* Verification units (Pancake functions, model methods with bodies), the
 * worker threads that run them (one Z3 context each), the content cache,
 * the report and the TCB listing. */
#include "vgen_int.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const char *verify_status_name(VerifyStatus st)
{
    switch (st) {
    case VERIFY_OK: return "verified";
    case VERIFY_FAILED: return "failed";
    case VERIFY_UNKNOWN: return "unknown";
    case VERIFY_TRUSTED: return "trusted";
    case VERIFY_CACHED: return "verified (cached)";
    case VERIFY_ERROR: return "error";
    }
    return "?";
}

/* ---- per-unit setup ------------------------------------------------------ */

static void gen_init(Gen *g, const VSpec *s, const VerifyOpts *o, const bool *gwrites, DiagList *dl,
                     const char *name)
{
    memset(g, 0, sizeof *g);
    g->spec = s;
    g->gwrites = gwrites;
    g->prog = s->prog;
    g->o = o;
    g->dl = dl;
    g->unit_name = name;
    arena_init(&g->ar);
    smt_init(g);
    g->nfields = (uint32_t)s->fields.n + 1;
    size_t nf = s->funcs.n, np = s->preds.n, nm = s->model_fields.n;
    g->funs = arena_alloc(&g->ar, (nf + 1) * sizeof(Z3_func_decl));
    g->mfields = arena_alloc(&g->ar, (nm + 1) * sizeof(Z3_ast));
    for (size_t i = 0; i < nm; i++) {
        g->mfields[i] = Z3_mk_const(g->z, Z3_mk_string_symbol(g->z, s->model_fields.v[i]), g->s_ref);
        smt_assume(g, Z3_mk_true(g->z), mk_not(g, mk_eq(g, g->mfields[i], g->null)));
    }
    g->pkey = arena_alloc(&g->ar, (np + 1) * sizeof(Z3_sort));
    g->pkey_mk = arena_alloc(&g->ar, (np + 1) * sizeof(Z3_func_decl));
    for (size_t p = 0; p < np; p++) {
        const VPred *pr = s->preds.v[p];
        Z3_sort sorts[32];
        Z3_symbol names[32];
        uint32_t n = 0;
        for (uint32_t i = 0; i < pr->nparams; i++) {
            const VType *t = pr->locals.v[i].type;
            uint32_t k = t->kind == VT_SHAPE ? t->words : 1;
            for (uint32_t j = 0; j < k && n < 32; j++, n++) {
                sorts[n] = vsort(g, t);
                names[n] = Z3_mk_int_symbol(g->z, (int)n);
            }
        }
        if (n == 1) g->pkey[p] = sorts[0];
        else if (n > 1) {
            Z3_func_decl proj[32];
            char nm2[160];
            snprintf(nm2, sizeof nm2, "%s!args", pr->name);
            g->pkey[p] = Z3_mk_tuple_sort(g->z, Z3_mk_string_symbol(g->z, nm2), n, names, sorts,
                                          &g->pkey_mk[p], proj);
        }
    }
    /* domain axioms */
    for (size_t d = 0; d < s->domains.n; d++) {
        const VDomain *dm = s->domains.v[d];
        for (uint32_t a = 0; a < dm->naxioms; a++) {
            State *st = NULL;
            Env e = {0};
            e.guard = Z3_mk_true(g->z);
            e.vl = arena_alloc(&g->ar, 65 * sizeof(Val));
            e.nvl = 64;
            e.locals = &dm->axioms[a].locals;
            e.st = st = st_new(g);
            e.old = st;
            smt_assume(g, Z3_mk_true(g->z), sbool(g, &e, dm->axioms[a].e));
        }
    }
}

static void gen_fini(Gen *g)
{
    smt_fini(g);
    vec_free(&g->branches);
    vec_free(&g->touched);
    arena_free(&g->ar);
}

/* The automatic `refute false` at the end (verifier.md §8.1). Only
 * meaningful when nothing failed: a failed obligation is assumed
 * afterwards, which may itself cut every path. */
static void check_end_reachable(Gen *g, Span at, const char *what)
{
    if (g->nfail || g->nunknown || g->nerror) return;
    g->nobl++;
    int r = smt_reachable(g, g->exit_pc);
    if (r == 0) {
        g->nfail++;
        diag_add(g->dl, DIAG_ERROR, "verify.unreachable", &at,
                 "the end of %s is unreachable: its precondition or an assumption is contradictory", what);
    } else if (r < 0) {
        g->nunknown++;
        diag_add(g->dl, DIAG_ERROR, "verify.unknown", &at, "could not decide whether the end of %s is reachable",
                 what);
    }
}

void unit_verify_fun(Gen *g, const FunDecl *fd)
{
    g->fd = fd;
    g->fs = &g->spec->funs[fd->index];
    g->bv = g->fs->bitvector;
    for (size_t i = 0; i < g->o->nbv; i++) g->bv |= !strcmp(g->o->bv[i], fd->name);
    g->nslots = fd->nslots;
    g->slot_names = arena_alloc(&g->ar, (fd->nslots + 1) * sizeof(Sym));
    vbody_slot_names(fd, g->slot_names);
    g->exit_pc = Z3_mk_false(g->z);
    State *st = st_new(g);
    for (uint32_t i = 0; i < fd->nparams && i < fd->nslots; i++)
        st->locals[i] = val_fresh_words(g, st, vg_words(g, fd->params[i].shape), fd->params[i].name);
    for (uint32_t i = 0; i < g->prog->nglobals; i++) {
        GlobalDecl *gd = check_global(g->prog, i);
        st->globals[i] = val_fresh_words(g, st, gd ? vg_words(g, gd->shape) : 1, gd ? gd->name : "global");
    }
    Env e = env_at(g, st);
    e.old = st;
    for (size_t i = 0; i < g->spec->model_preds.n; i++) inhale(g, &e, model_pred_node(g, g->spec->model_preds.v[i]));
    for (uint32_t i = 0; i < g->fs->requires.n; i++) inhale(g, &e, g->fs->requires.v[i]);
    g->entry = st_copy(g, st);
    exec_block(g, st, &fd->body);
    if (g->aborted) return;
    if (!is_false(g, st->pc)) {
        Span end = fd->body.span;
        end.line = end.eline;
        end.col = end.ecol;
        Oblig ob = {"verify.postcondition", end, "the function may end without returning (an Error in Pancake)",
                    NULL, NULL};
        smt_check(g, st, Z3_mk_false(g->z), &ob);
    }
    char what[200];
    snprintf(what, sizeof what, "function %s", fd->name);
    check_end_reachable(g, fd->name_span, what);
}

void unit_verify_method(Gen *g, const VMethod *m)
{
    g->meth = m;
    g->exit_pc = Z3_mk_false(g->z);
    State *st = st_new(g);
    st->vl = arena_alloc(&g->ar, (m->locals.n + 1) * sizeof(Val));
    for (uint32_t i = 0; i < m->nparams; i++) {
        const VLocal *l = &m->locals.v[i];
        st->vl[i] = l->type->kind == VT_IARRAY ? val_one(g, g->pheap)
                                                : val_one(g, mk_fresh(g, l->name, vsort(g, l->type)));
    }
    for (uint32_t i = m->nparams; i < m->locals.n; i++)
        st->vl[i] = val_one(g, mk_fresh(g, m->locals.v[i].name, vsort(g, m->locals.v[i].type)));
    Env e = env_at(g, st);
    for (uint32_t i = 0; i < m->requires.n; i++) inhale(g, &e, m->requires.v[i]);
    g->entry = st_copy(g, st);
    e = env_at(g, st);
    vexec_block(g, st, &m->body, &e);
    if (g->aborted) return;
    Env post = env_at(g, st);
    post.old = g->entry;
    post.snap = st_copy(g, st);
    Oblig ob = {"verify.postcondition", m->body_end, "the postcondition of this method may not hold", NULL,
                "postcondition declared here"};
    for (uint32_t i = 0; i < m->ensures.n; i++) exhale(g, &post, m->ensures.v[i], &ob);
    g->exit_pc = st->pc;
    char what[200];
    snprintf(what, sizeof what, "model method %s", m->name);
    check_end_reachable(g, m->span, what);
}

/* ---- content cache ----------------------------------------------------- */

/* FNV-1a, 64 bit, over everything a unit's verdict depends on. */
typedef struct Hash { uint64_t h; } Hash;
static void hash_bytes(Hash *h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) {
        h->h ^= s[i];
        h->h *= 0x100000001b3ULL;
    }
}
static void hash_str(Hash *h, const char *s) { hash_bytes(h, s, strlen(s) + 1); }

static bool before_eq(uint32_t l1, uint32_t c1, uint32_t l2, uint32_t c2)
{
    return l1 < l2 || (l1 == l2 && c1 <= c2);
}

/* Hashes the tokens (after the preprocessor: kinds, names, values,
 * annotation texts) that lie inside span sp. Source text would not do:
 * with -D or #ifdef the same text can mean different programs. */
static void hash_span_tokens(Hash *h, const Program *p, Span sp)
{
    for (size_t i = 0; i < p->tokens.toks.n; i++) {
        const Token *t = &p->tokens.toks.v[i];
        if (t->span.file != sp.file || !before_eq(sp.line, sp.col, t->span.line, t->span.col) ||
            !before_eq(t->span.line, t->span.col, sp.eline, sp.ecol))
            continue;
        hash_bytes(h, &t->kind, sizeof t->kind);
        hash_bytes(h, &t->flags, sizeof t->flags);
        if (t->kind == TOK_IDENT || t->kind == TOK_FFIID || t->kind == TOK_ANNOT) hash_str(h, t->text ? t->text : "");
        else if (t->kind == TOK_INT) hash_bytes(h, &t->value, sizeof t->value);
    }
}

/* The key of a unit: griddle's version, the options that change verdicts,
 * the model files, every top-level annotation (predicates, functions,
 * shared map...), the unit's own text, and the text of every function it
 * calls (their contracts live in their bodies' first annotations) with
 * the globals it may assign. Loaded text only: computed before the threads
 * start. */
static void calls_block(Hash *h, const Program *p, const Block *b, bool *seen);
static void calls_stmt(Hash *h, const Program *p, const Stmt *s, bool *seen)
{
    const Call *c = NULL;
    switch ((int)s->kind) {
    case S_DECCALL: c = &s->u.deccall.call; break;
    case S_CALL: c = &s->u.call.call; break;
    case S_TRY: c = &s->u.try_.call; calls_block(h, p, &s->u.try_.handler, seen); break;
    case S_IF: calls_block(h, p, &s->u.if_.then, seen); calls_block(h, p, &s->u.if_.els, seen); break;
    case S_WHILE: calls_block(h, p, &s->u.while_.body, seen); break;
    case S_BLOCK: calls_block(h, p, &s->u.block, seen); break;
    }
    if (c && c->fn && !seen[c->fn->index]) {
        seen[c->fn->index] = true;
        const FunDecl *f = c->fn;
        for (uint32_t i = 0; i < f->body.n && f->body.v[i]->kind == S_ANNOT; i++)
            hash_str(h, f->body.v[i]->u.annot.text);
        char sig[64];
        snprintf(sig, sizeof sig, "#%u/%u", f->nparams, f->index);
        hash_str(h, sig);
    }
}
static void calls_block(Hash *h, const Program *p, const Block *b, bool *seen)
{
    for (uint32_t i = 0; i < b->n; i++) calls_stmt(h, p, b->v[i], seen);
}

static uint64_t unit_key(const VSpec *s, const VerifyOpts *o, const bool *gwrites, const Decl *d,
                         const VMethod *m, uint64_t base)
{
    Hash h = {base};
    char buf[96];
    snprintf(buf, sizeof buf, "%u/%d/%u/%u", o->timeout_ms, o->no_overflow, o->seeds, (unsigned)o->solver);
    hash_str(&h, buf);
    if (d) {
        hash_span_tokens(&h, s->prog, d->span);
        bool *seen = xcalloc(s->nfuns + 1, 1);
        calls_block(&h, s->prog, &d->u.fun.body, seen);
        /* and the globals each callee may assign (their bodies decide) */
        uint32_t ng = s->prog->nglobals;
        for (uint32_t f = 0; f < s->nfuns; f++)
            if (seen[f]) hash_bytes(&h, gwrites + (size_t)f * ng, ng);
        free(seen);
    } else {
        hash_str(&h, "method");
        hash_str(&h, m->name);
    }
    return h.h;
}

static uint64_t program_key(const VSpec *s, const VerifyOpts *o)
{
    Hash h = {0xcbf29ce484222325ULL};
    hash_str(&h, "griddle " GRIDDLE_VERSION " vgen 1");
    hash_bytes(&h, &o->salt, sizeof o->salt);
    for (size_t i = 0; i < s->opts.nmodels; i++) {
        size_t n;
        char *t = read_file(s->opts.models[i], &n);
        if (t) hash_bytes(&h, t, n);
        free(t);
        hash_str(&h, s->opts.models[i]);
    }
    char buf[64];
    snprintf(buf, sizeof buf, "%llu/%d", (unsigned long long)s->opts.heap_words, s->opts.allow_undefined_shared);
    hash_str(&h, buf);
    for (size_t i = 0; i < s->prog->decls.n; i++) {
        const Decl *d = s->prog->decls.v[i];
        if (d->kind == D_ANNOT) hash_str(&h, d->u.annot.text);
        else if (d->kind == D_STRUCT || d->kind == D_GLOBAL || d->kind == D_EXN) hash_span_tokens(&h, s->prog, d->span);
    }
    return h.h;
}

static char *cache_path(const char *dir, uint64_t key)
{
    StrBuf b = {0};
    sb_printf(&b, "%s/%016llx.ok", dir, (unsigned long long)key);
    return sb_take(&b);
}

/* ---- units and workers -------------------------------------------------- */

typedef struct Unit {
    const Decl *decl;       /* Pancake function, or NULL */
    const VMethod *meth;    /* model method with a body, or NULL */
    uint64_t key;
    DiagList dl;
    VerifyUnit res;
} Unit;

typedef struct Pool {
    const VSpec *spec;
    const VerifyOpts *o;
    const bool *gwrites;
    Unit *units;
    size_t n;
    size_t next;
    pthread_mutex_t mu;
} Pool;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void run_unit(Pool *p, Unit *u)
{
    Gen g;
    double t0 = now();
    gen_init(&g, p->spec, p->o, p->gwrites, &u->dl, u->res.name);
    if (u->decl) unit_verify_fun(&g, &u->decl->u.fun);
    else unit_verify_method(&g, u->meth);
    u->res.seconds = now() - t0;
    u->res.obligations = g.nobl;
    u->res.failed = g.nfail;
    u->res.unknown = g.nunknown;
    if (p->o->stats) {
        Z3_stats st = Z3_solver_get_statistics(g.z, g.sol);
        Z3_stats_inc_ref(g.z, st);
        u->res.stats = xstrdup(Z3_stats_to_string(g.z, st));
        Z3_stats_dec_ref(g.z, st);
    }
    u->res.status = g.nerror ? VERIFY_ERROR : g.nfail ? VERIFY_FAILED : g.nunknown ? VERIFY_UNKNOWN : VERIFY_OK;
    gen_fini(&g);
}

static void *worker(void *arg)
{
    Pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        size_t i = p->next++;
        pthread_mutex_unlock(&p->mu);
        if (i >= p->n) return NULL;
        if (p->units[i].res.status == VERIFY_OK) run_unit(p, &p->units[i]);
    }
}

static bool selected(const VerifyOpts *o, const char *name)
{
    if (!o->nonly) return true;
    for (size_t i = 0; i < o->nonly; i++)
        if (!strcmp(o->only[i], name)) return true;
    return false;
}

bool verify_program(const VSpec *s, const VerifyOpts *o, VerifyReport *r, DiagList *dl)
{
    memset(r, 0, sizeof *r);
    Z3_global_param_set("smt.mbqi", "false");
    /* load every source file now: the workers read lines (operator
     * positions) and must not race on the SrcMgr's lazy loading */
    for (size_t f = 0; s->srcmgr && f < s->srcmgr->files.n; f++) {
        size_t n;
        srcmgr_line(s->srcmgr, (uint32_t)f, 1, &n);
    }
    VEC(Unit) units = {0};
    uint64_t base = program_key(s, o);
    bool *gwrites = vg_global_writes(s->prog, s->nfuns);
    for (size_t i = 0; i < s->prog->decls.n; i++) {
        const Decl *d = s->prog->decls.v[i];
        if (d->kind != D_FUN) continue;
        Unit u = {0};
        u.decl = d;
        u.res.name = xstrdup(d->u.fun.name);
        u.res.span = d->u.fun.name_span;
        if (s->funs[d->u.fun.index].trusted || !selected(o, d->u.fun.name)) u.res.status = VERIFY_TRUSTED;
        vec_push(&units, u);
    }
    for (size_t i = 0; i < s->methods.n; i++) {
        const VMethod *m = s->methods.v[i];
        if (!m->has_body) continue;
        Unit u = {0};
        u.meth = m;
        StrBuf b = {0};
        sb_printf(&b, "model method %s", m->name);
        u.res.name = sb_take(&b);
        u.res.span = m->span;
        if (!selected(o, m->name)) u.res.status = VERIFY_TRUSTED;
        vec_push(&units, u);
    }
    for (size_t i = 0; i < units.n; i++) {
        Unit *u = &units.v[i];
        diag_init(&u->dl);
        if (u->res.status != VERIFY_OK || !o->cache_dir) continue;
        u->key = unit_key(s, o, gwrites, u->decl, u->meth, base);
        char *path = cache_path(o->cache_dir, u->key);
        if (access(path, F_OK) == 0) u->res.status = VERIFY_CACHED;
        free(path);
    }
    unsigned jobs = o->jobs;
    if (!jobs) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = n > 0 ? (unsigned)n : 1;
    }
    if (jobs > units.n) jobs = units.n ? (unsigned)units.n : 1;
    Pool pool = {s, o, gwrites, units.v, units.n, 0, PTHREAD_MUTEX_INITIALIZER};
    pthread_t *th = xcalloc(jobs, sizeof *th);
    unsigned started = 0;
    bool ok = true;
    for (unsigned i = 1; i < jobs; i++) {
        if (pthread_create(&th[i], NULL, worker, &pool)) break;
        started++;
    }
    worker(&pool);
    for (unsigned i = 1; i <= started; i++) pthread_join(th[i], NULL);
    free(th);
    free(gwrites);
    if (o->cache_dir) mkdir(o->cache_dir, 0777);
    /* A unit whose callee failed to verify may see its end become
     * unreachable through the callee's broken contract: its vacuity is
     * then not reported (the callee's failure is). */
    bool *failed_fun = xcalloc(s->nfuns + 1, 1);
    for (size_t i = 0; i < units.n; i++) {
        Unit *u = &units.v[i];
        bool only_vacuity = u->dl.v.n == 1 && !strcmp(u->dl.v.v[0].code, "verify.unreachable");
        if (u->decl && ((u->res.status == VERIFY_FAILED && !only_vacuity) || u->res.status == VERIFY_ERROR))
            failed_fun[u->decl->u.fun.index] = true;
    }
    for (size_t i = 0; i < units.n; i++) {
        Unit *u = &units.v[i];
        bool only_vacuity = u->res.status == VERIFY_FAILED && u->res.failed == 1 && u->dl.v.n == 1 &&
                            !strcmp(u->dl.v.v[0].code, "verify.unreachable") && u->decl;
        bool *callees = only_vacuity ? xcalloc(s->nfuns + 1, 1) : NULL;
        bool through_failed = false;
        if (callees) {
            Hash dummy = {0};
            calls_block(&dummy, s->prog, &u->decl->u.fun.body, callees);
            for (uint32_t f = 0; f < s->nfuns; f++) through_failed |= callees[f] && failed_fun[f];
            free(callees);
        }
        if (only_vacuity && through_failed) {
            diag_free(&u->dl);
            diag_init(&u->dl);
            u->res.status = VERIFY_UNKNOWN;
            u->res.failed = 0;
            diag_add(&u->dl, DIAG_NOTE, "verify.vacuity-skipped", &u->res.span,
                     "not checked for vacuity: it calls functions whose verification failed");
        }
        for (size_t k = 0; k < u->dl.v.n; k++) {
            Diag *d = &u->dl.v.v[k];
            Diag *nd = diag_add(dl, d->sev, d->code, d->has_span ? &d->span : NULL, "%s", d->msg);
            for (size_t j = 0; j < d->notes.n; j++)
                diag_note(nd, d->notes.v[j].has_span ? &d->notes.v[j].span : NULL, "%s", d->notes.v[j].msg);
        }
        diag_free(&u->dl);
        if (u->res.status == VERIFY_OK && o->cache_dir && u->key) {
            char *path = cache_path(o->cache_dir, u->key);
            FILE *f = fopen(path, "w");
            if (f) {
                fprintf(f, "%s\n", u->res.name);
                fclose(f);
            } else {
                diag_add(dl, DIAG_WARNING, "verify.cache", NULL, "cannot write the cache entry %s: %s", path,
                         strerror(errno));
            }
            free(path);
        }
        if (u->res.status == VERIFY_FAILED) r->nfailed++;
        if (u->res.status == VERIFY_UNKNOWN) r->nunknown++;
        if (u->res.status == VERIFY_ERROR) r->nerror++;
        vec_push(&r->units, u->res);
    }
    free(failed_fun);
    vec_free(&units);
    return ok;
}

void verify_report_free(VerifyReport *r)
{
    for (size_t i = 0; i < r->units.n; i++) {
        free(r->units.v[i].name);
        free(r->units.v[i].stats);
    }
    vec_free(&r->units);
}

/* ---- trusted computing base --------------------------------------------- */

void verify_tcb(const VSpec *s, StrBuf *out)
{
    sb_puts(out, "griddle verify: what the results rest on\n");
    unsigned v1, v2, v3, v4;
    Z3_get_version(&v1, &v2, &v3, &v4);
    sb_printf(out, "  the verifier (griddle " GRIDDLE_VERSION "), Z3 %u.%u.%u, the C preprocessor\n", v1, v2, v3);
    for (size_t i = 0; i < s->prog->decls.n; i++) {
        const Decl *d = s->prog->decls.v[i];
        if (d->kind != D_FUN) continue;
        const VFunSpec *fs = &s->funs[d->u.fun.index];
        if (fs->trusted) sb_printf(out, "  trusted function %s (body not verified; contract assumed)\n", d->u.fun.name);
        else if (fs->requires.n || s->model_preds.n)
            sb_printf(out, "  entry precondition of %s (assumed when it is called from outside)\n", d->u.fun.name);
    }
    for (size_t i = 0; i < s->methods.n; i++) {
        const VMethod *m = s->methods.v[i];
        sb_printf(out, "  %s method %s: contract %s\n", m->origin == VO_MODEL ? "model" : "abstract", m->name,
                  m->has_body ? "(body verified)" : "assumed");
    }
    for (size_t i = 0; i < s->ffis.n; i++) sb_printf(out, "  ffi %s -> method %s\n", s->ffis.v[i]->name,
                                                     s->ffis.v[i]->method ? s->ffis.v[i]->method->name : "?");
    for (size_t i = 0; i < s->model_preds.n; i++)
        sb_printf(out, "  model predicate %s (assumed at every function entry)\n", s->model_preds.v[i]->name);
    for (size_t i = 0; i < s->funcs.n; i++) {
        const VFunc *f = s->funcs.v[i];
        if (!f->body && f->ensures.n) sb_printf(out, "  abstract function %s: postcondition assumed\n", f->name);
    }
    for (size_t i = 0; i < s->domains.n; i++)
        for (uint32_t a = 0; a < s->domains.v[i]->naxioms; a++)
            sb_printf(out, "  axiom %s of domain %s\n", s->domains.v[i]->axioms[a].name ? s->domains.v[i]->axioms[a].name : "(unnamed)",
                      s->domains.v[i]->name);
    for (size_t i = 0; i < s->shared.n; i++) {
        const VShared *r = s->shared.v[i];
        sb_printf(out, "  shared %s%s u%u %s [0x%llx..0x%llx:%llu] -> %s%s%s\n", r->read ? "r" : "",
                  r->write ? "w" : "", r->width * 8, r->name, (unsigned long long)r->lo, (unsigned long long)r->hi,
                  (unsigned long long)r->stride, r->load ? r->load->name : "", r->load && r->store ? ", " : "",
                  r->store ? r->store->name : "");
    }
    if (s->opts.allow_undefined_shared)
        sb_puts(out, "  --allow-undefined-shared: unregistered shared accesses return any value of their width\n");
    /* Pancake code assigns a global only by name (the callee frames are
     * exact); C code could write the globals' memory (docs/semantics.md) */
    if (s->prog->nglobals)
        sb_puts(out, "  FFI calls leave the Pancake globals unchanged (the C side does not write them)\n");
}
