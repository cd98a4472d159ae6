/*
 * Evidence (issue 7, 4c): a Pancake component's contract becomes the model
 * its code is verified against, so that `griddle verify` proving the code
 * is the proof of the contract's promises.
 *
 * Regions. For every `shared` declaration DECL of the code that reaches a
 * region MR the contract speaks of (through the PD's map of MR at vaddr):
 *
 *   store_DECL(heap, <model fields>, address, value)
 *       requires address is a word of the map and the guarantee holds of
 *       (addr = address - vaddr, v = value, old = the word's value before)
 *   load_DECL(heap, <model fields>, address) returns (retval)
 *       requires the same of the address; ensures the rely of (address -
 *       vaddr, retval), for a two-state rely: for some previous value
 *
 * so every store the code makes keeps the guarantee (its shared-store
 * preconditions) and its loads assume the rely (shared-load
 * postconditions), which the bridge obligations of the same ledger
 * justify: every value of the word was written by a writer whose
 * guarantee implies the rely (the reader's own writes included), or is
 * the initial zero.
 *
 * Ghost words. `old` and the notify clauses need the current value of a
 * word. A word is *tracked* when the component alone changes it (frame
 * bridges, bridge.c: every other writer's guarantee leaves it unchanged,
 * no device DMAs into it): its value is then a ghost field that the
 * store methods update and the load methods return, kept in the model
 * predicate cmp_words_MR of its region MR (each conjoined to every
 * function's contract and loop invariant; a call forgets the values, as
 * it may store; a region's methods take only its own predicate, so the
 * others keep their values without a frame clause). A word that is
 * not tracked but that every other writer only increases (mono frame
 * bridges: their guarantees imply old <= v there) is *monotone*: its
 * ghost field is a lower bound, the last value the component loaded or
 * stored, and a clause over it holds for every value at least that (the
 * other end's index of a queue: a full-queue check needs no more). Word
 * i is field cmpw of receiver slot(heap, i), a Ref whose other fields are
 * not the Pancake memory (heap_elem); one field for all, so a havoc
 * costs one quantified definition, not one per word. In a guarantee,
 * `old` at a tracked word is its ghost value; elsewhere it is every
 * value (the store must keep the guarantee whatever was there).
 *
 * Invariants. A load of a region the contract states an invariant of
 * assumes it of the region's words at that time (tracked words their
 * ghost values, the word loaded the value loaded): the invariant bridges
 * prove it holds at all times, by induction over the writes (this
 * component's writes keep it by its guarantee, which its code is verified
 * to keep assuming the invariant at earlier loads), and the ledger's
 * claims that rest on the component's evidence rest on them too.
 *
 * Notifications. With notify clauses, microkit_notify (and ffimicrokit_
 * notify, the name an `@microkit_notify` call takes without `ffi`)
 * requires the channel to be one the PD may notify on (from the SDF) and,
 * on channel ID, the clause over the tracked words (an untracked word:
 * every value).
 */
#include "compose_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define WORD_LIMIT "18446744073709551616"

static const CmpClause *clause_on(const CmpContract *c, CmpClauseKind k, int mr)
{
    for (size_t i = 0; i < c->clauses.n; i++)
        if (c->clauses.v[i].kind == k && c->clauses.v[i].mr == mr) return &c->clauses.v[i];
    return NULL;
}

static const SimMap *map_of(const SimSystem *s, int pd, int mr)
{
    const SimPd *p = &s->pds.v[pd];
    for (size_t i = 0; i < p->maps.n; i++)
        if (p->maps.v[i].mr == mr) return &p->maps.v[i];
    return NULL;
}

/* Does the clause text use identifier `old`? */
static bool uses_old(const char *t)
{
    for (const char *p = strstr(t, "old"); p; p = strstr(p + 1, "old")) {
        bool before = p > t && (isalnum((unsigned char)p[-1]) || p[-1] == '_');
        bool after = isalnum((unsigned char)p[3]) || p[3] == '_';
        if (!before && !after) return true;
    }
    return false;
}

bool cmp_evidence_regions(const CmpContract *c, const SimSystem *s, CmpIntVec *mrs)
{
    (void)s;
    for (size_t i = 0; i < c->clauses.n; i++) {
        const CmpClause *cl = &c->clauses.v[i];
        if (cl->kind != CMP_C_GUARANTEE && cl->kind != CMP_C_RELY) continue;
        bool seen = false;
        for (size_t k = 0; k < mrs->n; k++) seen |= mrs->v[k] == cl->mr;
        if (!seen) vec_push(mrs, cl->mr);
    }
    return mrs->n > 0;
}

void cmp_code_free(CmpCode *k)
{
    for (size_t i = 0; i < k->shared.n; i++) free((char *)k->shared.v[i].name);
    vec_free(&k->shared);
}

/* ---- the words a model tracks -------------------------------------------- */

static int word_index(const CmpContract *c, int mr, uint64_t off)
{
    for (size_t i = 0; i < c->words.n; i++)
        if (c->words.v[i].mr == mr && c->words.v[i].off == off) return (int)i;
    return -1;
}

static void add_word(CmpContract *c, int mr, uint64_t off, bool notify)
{
    int i = word_index(c, mr, off);
    if (i < 0) {
        CmpWord w = {.mr = mr, .off = off};
        vec_push(&c->words, w);
        i = (int)c->words.n - 1;
    }
    if (notify) c->words.v[i].for_notify = true;
    else c->words.v[i].for_old = true;
}

void cmp_clause_words(const char *t, const SimSystem *s, CmpWordFn fn, void *ctx)
{
    for (size_t i = 0; t[i];) {
        if (!(isalpha((unsigned char)t[i]) || t[i] == '_') ||
            (i && (isalnum((unsigned char)t[i - 1]) || t[i - 1] == '_'))) {
            i++;
            continue;
        }
        size_t j = i;
        while (isalnum((unsigned char)t[j]) || t[j] == '_') j++;
        char *id = xstrndup(t + i, j - i);
        char *at = strstr(id, "_at_");
        while (at && strstr(at + 1, "_at_")) at = strstr(at + 1, "_at_");
        if (at && at[4] && strspn(at + 4, "0123456789") == strlen(at + 4)) {
            *at = 0;
            int mr = sim_mr_index(s, id);
            if (mr >= 0) fn(ctx, i, j, mr, strtoull(at + 4, NULL, 10));
        }
        free(id);
        i = j;
    }
}

static void note_notify_word(void *ctx, size_t b, size_t e, int mr, uint64_t off)
{
    (void)b, (void)e;
    add_word(ctx, mr, off, true);
}

/* a word of the region a guarantee speaks of (its value at the store) */
static void note_state_word(void *ctx, size_t b, size_t e, int mr, uint64_t off)
{
    (void)b, (void)e;
    add_word(ctx, mr, off, false);
}

void cmp_evidence_words(CmpContract *c, const SimSystem *s)
{
    for (size_t i = 0; i < c->clauses.n; i++) {
        const CmpClause *cl = &c->clauses.v[i];
        if (cl->kind == CMP_C_NOTIFY) cmp_clause_words(cl->gen, s, note_notify_word, c);
        if (cl->kind != CMP_C_GUARANTEE) continue;
        cmp_clause_words(cl->gen, s, note_state_word, c);
        if (!uses_old(cl->gen)) continue;
        for (size_t v = 0; v < c->views.n; v++)
            if (c->views.v[v].mr == cl->mr)
                for (size_t f = 0; f < c->views.v[v].fields.n; f++)
                    add_word(c, cl->mr, c->views.v[v].fields.v[f].off, false);
    }
}

/* ---- generating the model -------------------------------------------------- */

typedef struct ModelGen {
    StrBuf b;
    const CmpContract *c;
    const SimSystem *s;
    const CmpCode *code;
    char params[256];        /* "heap: IArray, m0: Ref, ..." */
    char args[256];          /* "heap, m0, ..." */
    bool ghost;              /* some word is tracked */
} ModelGen;

/* Does the model keep a ghost value of word w: its value (tracked) or a
 * lower bound of it (monotone)? */
static bool ghosted(const CmpWord *w)
{
    return w->tracked || w->monotone;
}

/* The ghost value of word i, as an expression. */
static void ghost(ModelGen *g, StrBuf *b, size_t i)
{
    sb_printf(b, "(unfolding cmp_words_%d(%s) in slot(heap, %zu).cmpw)", g->c->words.v[i].mr,
              g->args, i);
}

/* Is i the first ghost word of its region (whose predicate it names)? */
static bool first_of_region(const ModelGen *g, size_t i)
{
    if (!ghosted(&g->c->words.v[i])) return false;
    for (size_t k = 0; k < i; k++)
        if (ghosted(&g->c->words.v[k]) && g->c->words.v[k].mr == g->c->words.v[i].mr) return false;
    return true;
}

/* "KW cmp_words_MR(args)" for region mr's ghost predicate, or every
 * region's (mr < 0). */
static void ghost_preds(ModelGen *g, const char *kw, int mr)
{
    for (size_t i = 0; i < g->c->words.n; i++)
        if (first_of_region(g, i) && (mr < 0 || g->c->words.v[i].mr == mr))
            sb_printf(&g->b, "  %s cmp_words_%d(%s)\n", kw, g->c->words.v[i].mr, g->args);
}

/* One predicate per region holds its ghost words, so a region's load and
 * store methods take only that region's (the caller keeps the others, and
 * their values, without a frame clause each). */
static void ghost_decls(ModelGen *g)
{
    for (size_t i = 0; i < g->c->words.n; i++) g->ghost |= ghosted(&g->c->words.v[i]);
    if (!g->ghost) return;
    sb_puts(&g->b, "field cmpw: Int\n");
    for (size_t i = 0; i < g->c->words.n; i++) {
        if (!first_of_region(g, i)) continue;
        int mr = g->c->words.v[i].mr;
        sb_printf(&g->b, "predicate cmp_words_%d(%s) {\n  true", mr, g->params);
        for (size_t k = i; k < g->c->words.n; k++)
            if (ghosted(&g->c->words.v[k]) && g->c->words.v[k].mr == mr)
                sb_printf(&g->b, " && acc(slot(heap, %zu).cmpw)", k);
        sb_puts(&g->b, "\n}\n");
    }
}

/* ensures: the predicates of region scope (-1: all) back, their ghost
 * words unchanged except the word of region except_mr (-1: none) at
 * offexpr, which becomes val: at a store (load false) its value or lower
 * bound is the value stored; at a load a lower bound becomes the value
 * loaded (a tracked word's value is). */
static void ghost_frame(ModelGen *g, int scope, int except_mr, const char *offexpr, const char *val,
                        bool load)
{
    if (!g->ghost) return;
    ghost_preds(g, "ensures", scope);
    for (size_t i = 0; i < g->c->words.n; i++) {
        const CmpWord *w = &g->c->words.v[i];
        if (!ghosted(w) || (scope >= 0 && w->mr != scope)) continue;
        StrBuf now = {0}, before = {0};
        ghost(g, &now, i);
        ghost(g, &before, i);
        if (w->mr == except_mr && (!load || w->monotone))
            sb_printf(&g->b, "  ensures %s == %llu ? %s == %s : %s == old(%s)\n", offexpr,
                      (unsigned long long)w->off, now.s, val, now.s, before.s);
        else sb_printf(&g->b, "  ensures %s == old(%s)\n", now.s, before.s);
        sb_free(&now);
        sb_free(&before);
    }
}

/* A clause's text with its REGION_at_OFF words replaced by their ghost
 * values where tracked; the others stay names, bound by the caller's
 * quantifier: `bound` lists them (" x: Int, y: Int"), `range` says they
 * are words (" && 0 <= x && x < 2^64 ...") and, for a monotone word, at
 * least its ghost lower bound (today's values only). With load_mr >= 0
 * (a load of region load_mr at offset load_off), `loaded` says the bound
 * name of the word loaded is the value loaded (" && (OFF == 8 ==> x ==
 * retval)"). */
typedef struct StateSubst {
    ModelGen *g;
    StrBuf out, bound, range, loaded;
    const char *t;
    size_t pos;
    bool all_bound;          /* no ghost values (some earlier time): every word is bound */
    int load_mr;
    const char *load_off;
} StateSubst;

static void subst_word(void *ctx, size_t b, size_t e, int mr, uint64_t off)
{
    StateSubst *ns = ctx;
    sb_putn(&ns->out, ns->t + ns->pos, b - ns->pos);
    ns->pos = e;
    int i = word_index(ns->g->c, mr, off);
    if (i >= 0 && ns->g->c->words.v[i].tracked && !ns->all_bound) {
        ghost(ns->g, &ns->out, (size_t)i);
        return;
    }
    sb_putn(&ns->out, ns->t + b, e - b);
    char needle[96];
    snprintf(needle, sizeof needle, " %.*s:", (int)(e - b), ns->t + b);
    if (!ns->bound.s || !strstr(ns->bound.s, needle)) {
        sb_printf(&ns->bound, "%s %.*s: Int", ns->bound.n ? "," : "", (int)(e - b), ns->t + b);
        sb_printf(&ns->range, " && 0 <= %.*s && %.*s < " WORD_LIMIT, (int)(e - b), ns->t + b,
                  (int)(e - b), ns->t + b);
        if (i >= 0 && ns->g->c->words.v[i].monotone && !ns->all_bound) {
            sb_puts(&ns->range, " && ");
            ghost(ns->g, &ns->range, (size_t)i);
            sb_printf(&ns->range, " <= %.*s", (int)(e - b), ns->t + b);
        }
        if (mr == ns->load_mr)
            sb_printf(&ns->loaded, " && (%s == %llu ==> %.*s == retval)", ns->load_off,
                      (unsigned long long)off, (int)(e - b), ns->t + b);
    }
}

static void state_subst(StateSubst *ss, ModelGen *g, const char *t, bool all_bound)
{
    memset(ss, 0, sizeof *ss);
    ss->g = g;
    ss->t = t;
    ss->all_bound = all_bound;
    ss->load_mr = -1;
    cmp_clause_words(t, g->s, subst_word, ss);
    sb_puts(&ss->out, t + ss->pos);
}

static void state_free(StateSubst *ss)
{
    sb_free(&ss->out);
    sb_free(&ss->bound);
    sb_free(&ss->range);
    sb_free(&ss->loaded);
}

/* "KW GUARD(forall BOUND :: RANGE ==> (TEXT))" or "KW GUARD(TEXT)". */
static void emit_forall(ModelGen *g, const char *kw, const char *guard, const char *text)
{
    StateSubst ss;
    state_subst(&ss, g, text, false);
    if (ss.bound.n)
        sb_printf(&g->b, "  %s %s(forall%s :: true%s ==> (%s))\n", kw, guard, ss.bound.s,
                  ss.range.s, ss.out.s);
    else sb_printf(&g->b, "  %s %s(%s)\n", kw, guard, ss.out.s);
    state_free(&ss);
}

/* The guarantee of a store: `old` is the ghost value at each tracked word
 * of the region and every word value elsewhere. */
static void store_guarantee(ModelGen *g, const CmpClause *gc, int mr, const char *offexpr)
{
    if (!uses_old(gc->gen)) {
        char *t = cmp_clause_subst(g->c, gc, "value", offexpr, NULL);
        emit_forall(g, "requires", "", t);
        free(t);
        return;
    }
    StrBuf others = {0};
    sb_puts(&others, "true");
    for (size_t i = 0; i < g->c->words.n; i++) {
        const CmpWord *w = &g->c->words.v[i];
        if (w->mr != mr || !w->tracked) continue;
        StrBuf gh = {0}, guard = {0};
        ghost(g, &gh, i);
        char *t = cmp_clause_subst(g->c, gc, "value", offexpr, gh.s);
        sb_printf(&guard, "%s == %llu ==> ", offexpr, (unsigned long long)w->off);
        emit_forall(g, "requires", guard.s, t);
        sb_printf(&others, " && %s != %llu", offexpr, (unsigned long long)w->off);
        free(t);
        sb_free(&gh);
        sb_free(&guard);
    }
    /* elsewhere the previous value is any word: one more bound name */
    char *t = cmp_clause_subst(g->c, gc, "value", offexpr, "cmp_old");
    StrBuf q = {0};
    sb_printf(&q, "%s ==> (forall cmp_old: Int :: 0 <= cmp_old && cmp_old < " WORD_LIMIT
              " ==> (%s))", others.s, t);
    emit_forall(g, "requires", "", q.s);
    sb_free(&q);
    free(t);
    sb_free(&others);
}

/* The rely a load assumes; a two-state rely holds of the value for some
 * previous value (every value was written under it, or is the zero the
 * zero bridge accepts as the null write). */
static void load_rely(ModelGen *g, const CmpClause *rc, const char *offexpr)
{
    bool two = uses_old(rc->gen);
    char *t = cmp_clause_subst(g->c, rc, "retval", offexpr, two ? "cmp_old" : NULL);
    /* the region's other words at the time of that write: some values (the
     * ghost ones are today's, not that time's) */
    StateSubst ss;
    state_subst(&ss, g, t, true);
    if (two || ss.bound.n)
        sb_printf(&g->b, "  ensures exists%s%s%s :: true%s%s && (%s)\n",
                  two ? " cmp_old: Int" : "", two && ss.bound.n ? "," : "",
                  ss.bound.n ? ss.bound.s : "",
                  two ? " && 0 <= cmp_old && cmp_old < " WORD_LIMIT : "",
                  ss.range.n ? ss.range.s : "", ss.out.s);
    else sb_printf(&g->b, "  ensures (%s)\n", ss.out.s);
    state_free(&ss);
    free(t);
}

/* The invariant the contract states of the region a load reads holds of
 * its words at that time (the invariant bridges prove it holds at all
 * times; the component's own writes keep it by its guarantee, which its
 * code is verified to keep): tracked words are their ghost values, the
 * word loaded is the value loaded, every other word some value (a
 * monotone word at least its lower bound from before the load). */
static void load_invariant(ModelGen *g, const CmpClause *ic, int mr, const char *offexpr)
{
    StateSubst ss;
    memset(&ss, 0, sizeof ss);
    ss.g = g;
    ss.t = ic->gen;
    ss.load_mr = mr;
    ss.load_off = offexpr;
    cmp_clause_words(ic->gen, g->s, subst_word, &ss);
    sb_puts(&ss.out, ic->gen + ss.pos);
    if (ss.bound.n)
        sb_printf(&g->b, "  ensures exists%s :: true%s%s && (%s)\n", ss.bound.s, ss.range.s,
                  ss.loaded.n ? ss.loaded.s : "", ss.out.s);
    else sb_printf(&g->b, "  ensures (%s)\n", ss.out.s);
    state_free(&ss);
}

/* store_/load_ methods of one declaration of the code reaching region mr. */
static void region_methods(ModelGen *g, const CmpCodeShared *d, int mr)
{
    const SimMap *m = map_of(g->s, g->c->pd, mr);
    const CmpClause *gc = clause_on(g->c, CMP_C_GUARANTEE, mr), *rc = clause_on(g->c, CMP_C_RELY, mr);
    char off[64], range[200];
    snprintf(off, sizeof off, "(address - %llu)", (unsigned long long)m->vaddr);
    snprintf(range, sizeof range, "%llu <= address && address < %llu && %s %% 8 == 0",
             (unsigned long long)m->vaddr, (unsigned long long)(m->vaddr + g->s->mrs.v[mr].size),
             off);
    /* only the methods of regions with tracked words need the ghost
     * predicate (a loop without it in its invariant may still reach the
     * others: the predicate is not part of loop invariants) */
    bool tracks = false;
    for (size_t i = 0; i < g->c->words.n; i++)
        tracks |= g->c->words.v[i].mr == mr && ghosted(&g->c->words.v[i]);
    if (d->write) {
        sb_printf(&g->b, "method store_%s(%s, address: Int, value: Int)\n  requires %s\n", d->name,
                  g->params, range);
        if (tracks) ghost_preds(g, "requires", mr);
        if (gc) store_guarantee(g, gc, mr, off);
        if (tracks) ghost_frame(g, mr, mr, off, "value", false);
    }
    if (d->read) {
        sb_printf(&g->b, "method load_%s(%s, address: Int) returns (retval: Int)\n  requires %s\n",
                  d->name, g->params, range);
        if (tracks) ghost_preds(g, "requires", mr);
        if (rc) load_rely(g, rc, off);
        if (tracks) ghost_frame(g, mr, mr, off, "retval", true);
        for (size_t i = 0; i < g->c->words.n; i++) {
            const CmpWord *w = &g->c->words.v[i];
            if (w->mr != mr || !ghosted(w)) continue;
            StrBuf gh = {0};
            ghost(g, &gh, i);
            /* a tracked word is its ghost value; a monotone one at least
             * the last value seen (every other writer only increases it) */
            if (w->tracked)
                sb_printf(&g->b, "  ensures %s == %llu ==> retval == %s\n", off,
                          (unsigned long long)w->off, gh.s);
            else sb_printf(&g->b, "  ensures %s == %llu ==> old(%s) <= retval\n", off,
                           (unsigned long long)w->off, gh.s);
            sb_free(&gh);
        }
        for (size_t i = 0; i < g->c->clauses.n; i++)
            if (g->c->clauses.v[i].kind == CMP_C_INVARIANT && g->c->clauses.v[i].mr == mr)
                load_invariant(g, &g->c->clauses.v[i], mr, off);
    }
}

static void notify_methods(ModelGen *g)
{
    const SimSystem *s = g->s;
    StrBuf chans = {0};
    for (size_t ch = 0; ch < s->channels.n; ch++)
        for (int k = 0; k < 2; k++)
            if (s->channels.v[ch].end[k].pd == g->c->pd && s->channels.v[ch].end[k].notify)
                sb_printf(&chans, "%sch == %u", chans.n ? " || " : "", s->channels.v[ch].end[k].id);
    const char *names[2] = {"microkit_notify", "ffimicrokit_notify"};
    for (int n = 0; n < 2; n++) {
        sb_printf(&g->b, "method %s(%s, ch: Int, cmp_b: Int, cmp_c: Int, cmp_d: Int)\n", names[n],
                  g->params);
        ghost_preds(g, "requires", -1);
        sb_printf(&g->b, "  requires %s\n", chans.s ? chans.s : "false");
        for (size_t i = 0; i < g->c->clauses.n; i++) {
            const CmpClause *cl = &g->c->clauses.v[i];
            if (cl->kind != CMP_C_NOTIFY) continue;
            char guard[48];
            snprintf(guard, sizeof guard, "ch == %u ==> ", cl->id);
            emit_forall(g, "requires", guard, cl->gen);
        }
        ghost_frame(g, -1, -1, "0", "0", false);
    }
    sb_free(&chans);
}

/* The first region the contract speaks of that the declaration reaches,
 * or -1. */
static int decl_region(const CmpContract *c, const SimSystem *s, const CmpCodeShared *d,
                       const CmpIntVec *mrs)
{
    for (size_t k = 0; k < mrs->n; k++) {
        const SimMap *m = map_of(s, c->pd, mrs->v[k]);
        if (d->lo < m->vaddr + s->mrs.v[mrs->v[k]].size && m->vaddr < d->hi) return mrs->v[k];
    }
    return -1;
}

char *cmp_evidence_model(const CmpContract *c, const SimSystem *s, const CmpCode *code,
                         char **pnk_extra, char **why)
{
    *why = NULL;
    *pnk_extra = NULL;
    ModelGen g = {.c = c, .s = s, .code = code};
    StrBuf p = {0}, a = {0};
    sb_puts(&p, "heap: IArray");
    sb_puts(&a, "heap");
    for (size_t i = 0; i < code->nmodel_fields; i++) {
        sb_printf(&p, ", cmp_m%zu: Ref", i);
        sb_printf(&a, ", cmp_m%zu", i);
    }
    snprintf(g.params, sizeof g.params, "%s", p.s);
    snprintf(g.args, sizeof g.args, "%s", a.s);
    sb_free(&p);
    sb_free(&a);
    sb_printf(&g.b, "// generated by griddle compose from %s: the shared-region model of '%s'\n",
              c->path, s->pds.v[c->pd].name);
    ghost_decls(&g);
    CmpIntVec mrs = {0};
    cmp_evidence_regions(c, s, &mrs);
    for (size_t k = 0; k < mrs.n && !*why; k++) {
        /* one map per region: the model is through that map's vaddr */
        size_t nmaps = 0;
        for (size_t m = 0; m < s->pds.v[c->pd].maps.n; m++)
            nmaps += s->pds.v[c->pd].maps.v[m].mr == mrs.v[k];
        if (nmaps > 1) {
            StrBuf w = {0};
            sb_printf(&w, "'%s' maps '%s' %zu times; compose binds a contract's region through "
                      "one map", s->pds.v[c->pd].name, s->mrs.v[mrs.v[k]].name, nmaps);
            *why = sb_take(&w);
        }
    }
    for (size_t i = 0; i < code->shared.n && !*why; i++) {
        const CmpCodeShared *d = &code->shared.v[i];
        int mr = decl_region(c, s, d, &mrs);
        if (mr < 0) continue;
        if (d->width != 8 || (d->hi > d->lo + 1 && d->stride % 8)) {
            StrBuf w = {0};
            sb_printf(&w, "shared region '%s' of the code reaches '%s' but is not of 64-bit words, "
                      "as the contract's clauses on it are", d->name, s->mrs.v[mr].name);
            *why = sb_take(&w);
            break;
        }
        region_methods(&g, d, mr);
    }
    vec_free(&mrs);
    bool notify = false;
    for (size_t i = 0; i < c->clauses.n; i++) notify |= c->clauses.v[i].kind == CMP_C_NOTIFY;
    if (notify && !*why) notify_methods(&g);
    if (*why) {
        sb_free(&g.b);
        return NULL;
    }
    if (g.ghost) {
        StrBuf x = {0};
        for (size_t i = 0; i < c->words.n; i++)
            if (first_of_region(&g, i)) sb_printf(&x, "/@ model predicate cmp_words_%d() @/\n", c->words.v[i].mr);
        *pnk_extra = sb_take(&x);
    }
    return sb_take(&g.b);
}
