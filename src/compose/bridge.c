/*
 * Bridge obligations (issue 7 part 4b): for each region and each pair
 * (writer, reader), the writer's guarantee implies the reader's rely (the
 * reader itself included when it writes the region: it reads back its own
 * words); the
 * reader's rely holds of the zero-initialised region; for each channel,
 * the notifier's clause implies the receiver's assumption. A writer
 * without a contract or without a guarantee on the region guarantees
 * nothing (`true`).
 *
 * Each obligation becomes one model method whose body is the implication
 * (requires the premise, assert the conclusion), in one generated model
 * text; src/verify types it (vspec_build) and proves it (verify_program,
 * one unit per method, Z3). Region clauses speak of one aligned word of
 * the region: addr (its byte offset, the same in every PD whatever the
 * vaddr), old (its value before a write), v (its value); view fields are
 * let-bound to their offsets. Channel clauses speak of view words, named
 * REGION_at_OFFSET in the generated text. Errors that vspec finds in a
 * clause are located back in the contract file: each clause sits alone on
 * a generated line, so the line maps back exactly (columns after a
 * rewritten view field may be off by the rewrite).
 */
#include "compose_int.h"

#include "check/check.h"
#include "verify/verify.h"

#include <ctype.h>
#include <string.h>

#define WORD_MAX "18446744073709551615"

static const CmpContract *contract_of(const CmpContractSet *cs, int pd)
{
    for (size_t i = 0; cs && i < cs->v.n; i++)
        if (cs->v.v[i].pd == pd) return &cs->v.v[i];
    return NULL;
}

static const CmpClause *clause(const CmpContract *c, CmpClauseKind k, int mr, unsigned id)
{
    for (size_t i = 0; c && i < c->clauses.n; i++) {
        const CmpClause *cl = &c->clauses.v[i];
        if (cl->kind == k && (k == CMP_C_GUARANTEE || k == CMP_C_RELY ? cl->mr == mr : cl->id == id))
            return cl;
    }
    return NULL;
}

static void push(CmpBridgeSet *bs, CmpBridge b, const char *fmt, ...) PRINTF_LIKE(3, 4);
static void push(CmpBridgeSet *bs, CmpBridge b, const char *fmt, ...)
{
    StrBuf t = {0};
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&t, fmt, ap);
    va_end(ap);
    b.text = sb_take(&t);
    b.status = CMP_UNKNOWN;
    snprintf(b.method, sizeof b.method, "bridge_%zu", bs->v.n + 1);
    vec_push(&bs->v, b);
}

static void region_bridges(CmpBridgeSet *bs, const CmpContractSet *cs, const CmpGraph *g,
                           const CmpContract *rc, const CmpClause *r)
{
    const SimSystem *s = g->s;
    const char *mr = s->mrs.v[r->mr].name, *rd = s->pds.v[rc->pd].name;
    bool *seen = xcalloc(g->nnodes + 1, 1);
    for (size_t i = 0; i < g->edges.n; i++) {
        const CmpEdge *e = &g->edges.v[i];
        if (e->to != (int)g->npd + r->mr || seen[e->from]) continue;
        if (e->kind != CMP_E_WRITE && e->kind != CMP_E_DMA_WRITE) continue;
        seen[e->from] = true;
        CmpBridge b = {.mr = r->mr, .reader = rc->pd, .rc = rc, .r = r, .channel = -1};
        if (e->kind == CMP_E_DMA_WRITE) {
            b.kind = CMP_B_DEVICE;
            b.writer = e->from - (int)g->npd;
            if (r->kind == CMP_C_INVARIANT)
                push(bs, b, "device '%s' writes '%s' by DMA: the invariant '%s' states of it is "
                     "assumed to survive what the device writes", cmp_node_name(g, e->from), mr, rd);
            else push(bs, b, "device '%s' writes '%s' by DMA: the rely of '%s' on it is assumed "
                      "of what the device writes", cmp_node_name(g, e->from), mr, rd);
            continue;
        }
        b.kind = CMP_B_REGION;
        b.writer = e->from;
        b.wc = contract_of(cs, e->from);
        b.g = clause(b.wc, CMP_C_GUARANTEE, r->mr, 0);
        const char *wr = s->pds.v[e->from].name;
        if (r->kind == CMP_C_INVARIANT && b.g)
            push(bs, b, "every write of '%s' to '%s' (its guarantee) keeps the invariant '%s' "
                 "states of it", wr, mr, rd);
        else if (r->kind == CMP_C_INVARIANT)
            push(bs, b, "'%s' writes '%s' but guarantees nothing: the invariant '%s' states of "
                 "it must survive any write", wr, mr, rd);
        /* the reader's own writes are words it may read back: its
         * guarantee must imply its rely too */
        else if (e->from == rc->pd && b.g)
            push(bs, b, "the guarantee of '%s' on '%s' implies its own rely on it (it reads "
                 "back what it writes)", wr, mr);
        else if (e->from == rc->pd)
            push(bs, b, "'%s' writes '%s' but guarantees nothing: its own rely on it must hold "
                 "of any word (it reads back what it writes)", wr, mr);
        else if (b.g) push(bs, b, "the guarantee of '%s' on '%s' implies the rely of '%s' on it", wr,
                      mr, rd);
        else push(bs, b, "'%s' writes '%s' but guarantees nothing: the rely of '%s' on it must "
                  "hold of any word", wr, mr, rd);
    }
    free(seen);
    CmpBridge z = {.kind = CMP_B_ZERO, .mr = r->mr, .reader = rc->pd, .writer = -1, .rc = rc,
                   .r = r, .channel = -1};
    if (r->kind == CMP_C_INVARIANT)
        push(bs, z, "the invariant '%s' states of '%s' holds of its initial contents (zero)", rd, mr);
    else push(bs, z, "the rely of '%s' on '%s' holds of the region's initial contents (zero)", rd, mr);
}

/* The clause of c that needs its tracked word w (a notify clause naming
 * it, else the guarantee on its region that speaks of old). */
static const CmpClause *word_user(const CmpContract *c, const SimSystem *s, const CmpWord *w)
{
    char name[160];
    snprintf(name, sizeof name, "%s_at_%llu", s->mrs.v[w->mr].name, (unsigned long long)w->off);
    for (size_t i = 0; i < c->clauses.n; i++) {
        const CmpClause *cl = &c->clauses.v[i];
        const char *p = cl->kind == CMP_C_NOTIFY ? strstr(cl->gen, name) : NULL;
        if (p && !isalnum((unsigned char)p[strlen(name)]) && p[strlen(name)] != '_') return cl;
    }
    return clause(c, CMP_C_GUARANTEE, w->mr, 0);
}

/* Frame bridges: every other writer of a region leaves each word the
 * Pancake component c tracks unchanged (its guarantee implies v == old
 * there); a device that DMAs into the region never does. */
static void frame_bridges(CmpBridgeSet *bs, const CmpContractSet *cs, const CmpGraph *g,
                          const CmpContract *c)
{
    const SimSystem *s = g->s;
    for (size_t k = 0; k < c->words.n; k++) {
        const CmpWord *w = &c->words.v[k];
        const char *mr = s->mrs.v[w->mr].name, *me = s->pds.v[c->pd].name;
        for (size_t i = 0; i < g->edges.n; i++) {
            const CmpEdge *e = &g->edges.v[i];
            if (e->to != (int)g->npd + w->mr || e->from == c->pd) continue;
            if (e->kind != CMP_E_WRITE && e->kind != CMP_E_DMA_WRITE) continue;
            CmpBridge b = {.kind = CMP_B_FRAME, .mr = w->mr, .reader = c->pd, .rc = c,
                           .r = word_user(c, s, w), .channel = -1, .off = w->off,
                           .quiet = !w->for_notify, .dma = e->kind == CMP_E_DMA_WRITE};
            b.writer = b.dma ? e->from - (int)g->npd : e->from;
            if (!b.dma) {
                b.wc = contract_of(cs, e->from);
                b.g = clause(b.wc, CMP_C_GUARANTEE, w->mr, 0);
            }
            push(bs, b, "'%s' never changes word %llu of '%s', so '%s' may track it (%s)",
                 cmp_node_name(g, e->from), (unsigned long long)w->off, mr, me,
                 w->for_notify ? "its notify clauses speak of it" : "its guarantee speaks of old");
            /* failing that, a word the writer only increases: the last
             * value c saw of it is a lower bound of it (for the clauses
             * that name it; settled below) */
            b.mono = true;
            b.quiet = true;
            push(bs, b, "'%s' never decreases word %llu of '%s', so '%s' may keep the last "
                 "value it saw of it as a lower bound", cmp_node_name(g, e->from),
                 (unsigned long long)w->off, mr, me);
        }
    }
}

void cmp_bridges_settle(CmpBridgeSet *bs, CmpContractSet *cs)
{
    for (size_t i = 0; i < cs->v.n; i++) {
        CmpContract *c = &cs->v.v[i];
        for (size_t k = 0; k < c->words.n; k++) {
            CmpWord *w = &c->words.v[k];
            w->tracked = w->monotone = true;
            for (size_t b = 0; b < bs->v.n; b++) {
                const CmpBridge *br = &bs->v.v[b];
                if (br->kind != CMP_B_FRAME || br->rc != c || br->mr != w->mr || br->off != w->off)
                    continue;
                if (br->mono) w->monotone &= br->status == CMP_DISCHARGED;
                else w->tracked &= br->status == CMP_DISCHARGED;
            }
            w->monotone &= !w->tracked;
        }
    }
    size_t n = 0;
    for (size_t i = 0; i < bs->v.n; i++) {
        CmpBridge *br = &bs->v.v[i];
        /* the mono bridges of a tracked word are not needed */
        bool unused = false;
        for (size_t k = 0; br->kind == CMP_B_FRAME && br->mono && k < br->rc->words.n; k++)
            unused |= br->rc->words.v[k].mr == br->mr && br->rc->words.v[k].off == br->off &&
                      br->rc->words.v[k].tracked;
        if ((br->kind == CMP_B_FRAME && br->quiet && br->status != CMP_DISCHARGED) || unused) {
            free(br->text);
            free(br->evidence);
            continue;
        }
        bs->v.v[n++] = *br;
    }
    bs->v.n = n;
}

void cmp_bridges_build(CmpBridgeSet *bs, const CmpContractSet *cs, const CmpGraph *g)
{
    memset(bs, 0, sizeof *bs);
    const SimSystem *s = g->s;
    for (size_t i = 0; cs && i < cs->v.n; i++) {
        const CmpContract *rc = &cs->v.v[i];
        for (size_t k = 0; k < rc->clauses.n; k++) {
            const CmpClause *cl = &rc->clauses.v[k];
            if (cl->kind == CMP_C_RELY || cl->kind == CMP_C_INVARIANT) region_bridges(bs, cs, g, rc, cl);
            if (cl->kind != CMP_C_ASSUME) continue;
            for (size_t c = 0; c < s->channels.n; c++)
                for (int e = 0; e < 2; e++) {
                    const SimEnd *me = &s->channels.v[c].end[e], *peer = &s->channels.v[c].end[1 - e];
                    if (me->pd != rc->pd || me->id != cl->id || !peer->notify) continue;
                    CmpBridge b = {.kind = CMP_B_CHANNEL, .channel = (int)c, .from_end = 1 - e,
                                   .writer = peer->pd, .reader = rc->pd, .mr = -1, .rc = rc,
                                   .r = cl};
                    b.wc = contract_of(cs, peer->pd);
                    b.g = clause(b.wc, CMP_C_NOTIFY, -1, peer->id);
                    push(bs, b, "when '%s' notifies '%s' (channel %u -> %u), %s the assumption "
                         "of '%s'", s->pds.v[peer->pd].name, s->pds.v[rc->pd].name, peer->id,
                         me->id, b.g ? "its notify clause implies" : "it promises nothing, "
                         "which must be enough for", s->pds.v[rc->pd].name);
                }
        }
    }
    for (size_t i = 0; cs && i < cs->v.n; i++)
        if (cs->v.v[i].sources.n) frame_bridges(bs, cs, g, &cs->v.v[i]);
}

void cmp_bridges_free(CmpBridgeSet *bs)
{
    for (size_t i = 0; i < bs->v.n; i++) {
        free(bs->v.v[i].text);
        free(bs->v.v[i].evidence);
    }
    vec_free(&bs->v);
}

/* ---- the generated model ------------------------------------------------- */

typedef struct LineMap {
    uint32_t line;           /* in the generated text */
    const CmpClause *cl;
} LineMap;

typedef struct Gen {
    StrBuf b;
    const CmpContractSet *cs;
    uint32_t line;           /* lines so far */
    VEC(LineMap) map;
} Gen;

static void gen_puts(Gen *g, const char *s)
{
    for (const char *p = s; *p; p++) g->line += *p == '\n';
    sb_puts(&g->b, s);
}

/* The clause's text with whole identifiers replaced: view fields of a
 * region clause by their offsets, and v, addr, old by bind_v, bind_addr,
 * bind_old where given (the zero bridge, the component's model). */
char *cmp_clause_subst(const CmpContract *c, const CmpClause *cl, const char *bind_v,
                       const char *bind_addr, const char *bind_old)
{
    const CmpView *view = NULL;
    for (size_t i = 0; cl->mr >= 0 && i < c->views.n; i++)
        if (c->views.v[i].mr == cl->mr) view = &c->views.v[i];
    StrBuf out = {0};
    const char *t = cl->gen;
    for (size_t i = 0; t[i];) {
        if (!(isalpha((unsigned char)t[i]) || t[i] == '_') ||
            (i && (isalnum((unsigned char)t[i - 1]) || t[i - 1] == '_'))) {
            sb_putc(&out, t[i++]);
            continue;
        }
        size_t j = i;
        while (isalnum((unsigned char)t[j]) || t[j] == '_') j++;
        const char *rep = NULL;
        char num[24];
        if (bind_v && j - i == 1 && t[i] == 'v') rep = bind_v;
        if (bind_addr && j - i == 4 && !memcmp(t + i, "addr", 4)) rep = bind_addr;
        if (bind_old && j - i == 3 && !memcmp(t + i, "old", 3)) rep = bind_old;
        for (size_t k = 0; view && !rep && k < view->fields.n; k++)
            if (strlen(view->fields.v[k].name) == j - i &&
                !memcmp(view->fields.v[k].name, t + i, j - i)) {
                snprintf(num, sizeof num, "%llu", (unsigned long long)view->fields.v[k].off);
                rep = num;
            }
        if (rep) sb_puts(&out, rep);
        else sb_putn(&out, t + i, j - i);
        i = j;
    }
    return sb_take(&out);
}

/* `  /@ KW (\n(EXPR)) @/`: the expression alone on its line, at column 2. */
static void gen_clause(Gen *g, const char *kw, const CmpContract *c, const CmpClause *cl,
                       const char *bind_v)
{
    const char *bind_old = bind_v;
    sb_printf(&g->b, "  /@ %s (", kw);
    gen_puts(g, "\n");
    LineMap m = {.line = g->line + 1, .cl = cl};
    vec_push(&g->map, m);
    char *text = cmp_clause_subst(c, cl, bind_v, NULL, bind_old);
    gen_puts(g, "(");
    gen_puts(g, text);
    gen_puts(g, ")) @/\n");
    free(text);
}

/* The REGION_at_OFF words a channel clause uses, as "1 name" params. */
typedef struct Params { StrBuf *out; const char *t; size_t n; } Params;

static void note_param(void *ctx, size_t b, size_t e, int mr, uint64_t off)
{
    (void)mr, (void)off;
    Params *p = ctx;
    char name[160];
    snprintf(name, sizeof name, " %.*s,", (int)(e - b), p->t + b);
    if (p->out->s && strstr(p->out->s, name)) return;      /* each word once */
    sb_printf(p->out, "%s1 %.*s,", p->n++ ? " " : " ", (int)(e - b), p->t + b);
}

static void word_params(const SimSystem *s, const CmpClause *a, const CmpClause *b, StrBuf *out)
{
    StrBuf all = {0};
    Params p = {.out = &all};
    const CmpClause *cls[2] = {a, b};
    for (int k = 0; k < 2; k++)
        if (cls[k]) {
            p.t = cls[k]->gen;
            cmp_clause_words(cls[k]->gen, s, note_param, &p);
        }
    /* " 1 a, 1 b," -> "1 a, 1 b" */
    if (all.n) sb_putn(out, all.s + 1, all.n - 2);
    sb_free(&all);
}

/* The words of one region (offsets) that clauses speak of as MR.FIELD. */
typedef struct StateWords { const SimSystem *s; int mr; uint64_t off[64]; size_t n; } StateWords;

static void note_state_word(void *ctx, size_t b, size_t e, int mr, uint64_t off)
{
    (void)b, (void)e;
    StateWords *w = ctx;
    if (mr != w->mr) return;
    for (size_t i = 0; i < w->n; i++)
        if (w->off[i] == off) return;
    if (w->n < ARRAY_LEN(w->off)) w->off[w->n++] = off;
}

/* An invariant's text after the write: each word of the region is v if the
 * write is to it, else its value before. */
typedef struct AfterSubst { StrBuf out; const char *t; size_t pos; } AfterSubst;
static void after_word(void *ctx, size_t b, size_t e, int mr, uint64_t off)
{
    (void)mr;
    AfterSubst *a = ctx;
    sb_putn(&a->out, a->t + a->pos, b - a->pos);
    sb_printf(&a->out, "(addr == %llu ? v : %.*s)", (unsigned long long)off, (int)(e - b), a->t + b);
    a->pos = e;
}

/* The invariants stated of region mr (any contract). */
static void each_invariant(const CmpContractSet *cs, int mr, void (*fn)(void *, const CmpContract *,
                           const CmpClause *), void *ctx)
{
    for (size_t i = 0; cs && i < cs->v.n; i++)
        for (size_t k = 0; k < cs->v.v[i].clauses.n; k++)
            if (cs->v.v[i].clauses.v[k].kind == CMP_C_INVARIANT && cs->v.v[i].clauses.v[k].mr == mr)
                fn(ctx, &cs->v.v[i], &cs->v.v[i].clauses.v[k]);
}

static void inv_words(void *ctx, const CmpContract *c, const CmpClause *cl)
{
    (void)c;
    StateWords *w = ctx;
    cmp_clause_words(cl->gen, w->s, note_state_word, w);
}

static void inv_premise(void *ctx, const CmpContract *c, const CmpClause *cl)
{
    gen_clause(ctx, "requires", c, cl, NULL);
}

/* A region bridge (or zero bridge) over the state of the region: its
 * parameters are the written word (addr, old, v) and the words of the
 * region the clauses speak of (their values before the write, consistent
 * with old); the region's invariants are premises, and for an invariant's
 * own bridge the conclusion is the invariant after the write. */
static void gen_region_bridge(Gen *g, const SimSystem *s, CmpBridge *br)
{
    StateWords w = {.s = s, .mr = br->mr};
    if (br->g) cmp_clause_words(br->g->gen, s, note_state_word, &w);
    cmp_clause_words(br->r->gen, s, note_state_word, &w);
    each_invariant(g->cs, br->mr, inv_words, &w);
    const char *mr = s->mrs.v[br->mr].name;
    sb_printf(&g->b, "fun 1 %s(1 addr, 1 old, 1 v", br->method);
    for (size_t i = 0; i < w.n; i++) sb_printf(&g->b, ", 1 %s_at_%llu", mr, (unsigned long long)w.off[i]);
    sb_printf(&g->b, ") {\n  /@ requires addr < %llu && addr %% 8 == 0 @/\n",
              (unsigned long long)s->mrs.v[br->mr].size);
    g->line += 2;
    bool zero = br->kind == CMP_B_ZERO;
    for (size_t i = 0; i < w.n; i++) {
        if (zero) sb_printf(&g->b, "  /@ requires %s_at_%llu == 0 @/\n", mr, (unsigned long long)w.off[i]);
        else sb_printf(&g->b, "  /@ requires addr == %llu ==> old == %s_at_%llu @/\n",
                       (unsigned long long)w.off[i], mr, (unsigned long long)w.off[i]);
        g->line++;
    }
    bool inv = br->r->kind == CMP_C_INVARIANT;
    if (zero) {
        /* the initial contents, as the null write 0 -> 0 (a two-state rely
         * must accept it) */
        gen_puts(g, "  /@ requires old == 0 && v == 0 @/\n");
    } else {
        each_invariant(g->cs, br->mr, inv_premise, g);
        if (br->g) gen_clause(g, "requires", br->wc, br->g, NULL);
    }
    if (inv && !zero) {
        AfterSubst a = {.t = br->r->gen};
        cmp_clause_words(br->r->gen, s, after_word, &a);
        sb_puts(&a.out, br->r->gen + a.pos);
        CmpClause after = *br->r;
        after.gen = a.out.s;
        gen_clause(g, "assert", br->rc, &after, NULL);
        sb_free(&a.out);
        /* the line maps to the clause itself, not the temporary copy */
        g->map.v[g->map.n - 1].cl = br->r;
    } else gen_clause(g, "assert", br->rc, br->r, NULL);
    gen_puts(g, "  return 0;\n}\n");
    br->last_line = g->line;
}

/* One Pancake function per obligation: its parameters are the words the
 * clauses speak of (Pancake words: 0 <= x < 2^64 in annotations), the
 * premise is required, the conclusion asserted. griddle verify reports a
 * failed assert with a counterexample over the parameters. */
static void gen_bridge(Gen *g, const SimSystem *s, CmpBridge *br)
{
    br->first_line = g->line + 1;
    if (br->kind == CMP_B_CHANNEL) {
        StrBuf p = {0};
        word_params(s, br->g, br->r, &p);
        sb_printf(&g->b, "fun 1 %s(%s) {\n", br->method, p.s ? p.s : "");
        sb_free(&p);
    } else if (br->kind == CMP_B_ZERO || br->kind == CMP_B_REGION) {
        gen_region_bridge(g, s, br);
        return;
    } else if (br->kind == CMP_B_FRAME) {
        /* one assertion, not requires + assert: a guarantee that excludes
         * the word is the common case, and a vacuous precondition would
         * fail the reachability check */
        StateWords w = {.s = s, .mr = br->mr};
        if (br->g) cmp_clause_words(br->g->gen, s, note_state_word, &w);
        const char *mr = s->mrs.v[br->mr].name;
        sb_printf(&g->b, "fun 1 %s(1 addr, 1 old, 1 v", br->method);
        for (size_t i = 0; i < w.n; i++) sb_printf(&g->b, ", 1 %s_at_%llu", mr, (unsigned long long)w.off[i]);
        sb_puts(&g->b, ") {\n");
        g->line++;
        for (size_t i = 0; i < w.n; i++, g->line++)
            sb_printf(&g->b, "  /@ requires addr == %llu ==> old == %s_at_%llu @/\n",
                      (unsigned long long)w.off[i], mr, (unsigned long long)w.off[i]);
        char kw[64];
        const char *keeps = br->mono ? "old <= v" : "v == old";
        snprintf(kw, sizeof kw, "assert addr != %llu || %s || !", (unsigned long long)br->off, keeps);
        if (br->g) gen_clause(g, kw, br->wc, br->g, NULL);
        else sb_printf(&g->b, "  /@ assert addr != %llu || %s @/\n", (unsigned long long)br->off, keeps), g->line++;
        gen_puts(g, "  return 0;\n}\n");
        br->last_line = g->line;
        return;
    }
    g->line++;
    if (br->g) gen_clause(g, "requires", br->wc, br->g, NULL);
    gen_clause(g, "assert", br->rc, br->r, NULL);
    gen_puts(g, "  return 0;\n}\n");
    br->last_line = g->line;
}

/* The clause on a generated line, or NULL. */
static const CmpClause *map_line(const Gen *g, uint32_t line)
{
    for (size_t k = 0; k < g->map.n; k++)
        if (g->map.v[k].line == line) return g->map.v[k].cl;
    return NULL;
}

/* Diag codes point into the verifier's memory, released before rendering:
 * the stable codes of vast.h, as literals. */
static const char *stable_code(const char *code)
{
    static const char *const codes[] = {"verify.syntax", "verify.type", "verify.name",
                                        "verify.shared-decl", "verify.placement", "io"};
    for (size_t i = 0; code && i < ARRAY_LEN(codes); i++)
        if (!strcmp(code, codes[i])) return codes[i];
    return "compose.contract";
}

/* Diagnostics of vspec in the generated text, located in the contracts. */
static void relocate(const Gen *g, uint32_t file, DiagList *from, DiagList *to)
{
    for (size_t i = 0; i < from->v.n; i++) {
        const Diag *d = &from->v.v[i];
        Span sp = d->span;
        bool has = d->has_span;
        if (has && sp.file == file) {
            const CmpClause *cl = map_line(g, sp.line);
            has = cl != NULL;
            if (cl) {
                uint32_t col = cl->span.col + (sp.col > 2 ? sp.col - 2 : 0);
                sp = cl->span;
                sp.col = sp.ecol = col;
            }
        }
        /* a clause used by several obligations is reported once */
        bool dup = false;
        for (size_t k = 0; k < i && has; k++) {
            const Diag *o = &from->v.v[k];
            dup |= o->has_span && o->span.file == file && d->span.file == file &&
                   o->span.col == d->span.col && !strcmp(o->msg, d->msg) &&
                   map_line(g, o->span.line) == map_line(g, d->span.line);
        }
        if (dup) continue;
        Diag *nd = diag_add(to, d->sev, stable_code(d->code), has ? &sp : NULL, "%s%s", d->msg,
                            has || !d->has_span ? "" : " (in the generated bridge model)");
        for (size_t k = 0; k < d->notes.n; k++)
            if (!d->notes.v[k].has_span || d->notes.v[k].span.file != file)
                diag_note(nd, d->notes.v[k].has_span ? &d->notes.v[k].span : NULL, "%s",
                          d->notes.v[k].msg);
    }
}

/* ---- proving -------------------------------------------------------------- */

static const char *clause_where(SrcMgr *sm, const CmpClause *cl, StrBuf *b)
{
    sb_printf(b, "%s:%u: %s", srcmgr_name(sm, cl->span.file), cl->span.line, cl->expr);
    return b->s;
}

/* The counterexamples griddle verify gave inside the obligation's function. */
static void counterexamples(const CmpBridge *br, const DiagList *udl, uint32_t gfile, StrBuf *e)
{
    for (size_t i = 0; i < udl->v.n; i++) {
        const Diag *d = &udl->v.v[i];
        if (!d->has_span || d->span.file != gfile || d->span.line < br->first_line ||
            d->span.line > br->last_line)
            continue;
        for (size_t k = 0; k < d->notes.n; k++)
            if (!strncmp(d->notes.v[k].msg, "counterexample", 14))
                sb_printf(e, "; %s", d->notes.v[k].msg);
    }
}

static void record(CmpBridge *br, const VerifyUnit *u, const DiagList *udl, uint32_t gfile,
                   SrcMgr *sm, DiagList *dl)
{
    StrBuf e = {0};
    switch (u->status) {
    case VERIFY_OK:
    case VERIFY_CACHED:
        br->status = CMP_DISCHARGED;
        sb_printf(&e, "proved by griddle verify (Z3): %u obligation%s, %.2f s", u->obligations,
                  u->obligations == 1 ? "" : "s", u->seconds);
        break;
    case VERIFY_FAILED:
        br->status = CMP_FAILED;
        if (br->kind == CMP_B_FRAME) {
            sb_puts(&e, "refuted by griddle verify (Z3): ");
            if (br->g) clause_where(sm, br->g, &e);
            else sb_puts(&e, "the writer states no guarantee on the region");
            counterexamples(br, udl, gfile, &e);
            if (br->quiet) break;
            Diag *d = diag_add(dl, DIAG_ERROR, "compose.bridge", &br->r->span,
                               "bridge obligation fails: %s", br->text);
            if (br->g) diag_note(d, &br->g->span, "its guarantee");
            break;
        }
        sb_puts(&e, "refuted by griddle verify (Z3): ");
        sb_puts(&e, br->g ? "premise " : "no premise (guarantees nothing)");
        if (br->g) clause_where(sm, br->g, &e);
        sb_puts(&e, "; conclusion ");
        clause_where(sm, br->r, &e);
        counterexamples(br, udl, gfile, &e);
        {
            Diag *d = diag_add(dl, DIAG_ERROR, "compose.bridge", &br->r->span,
                               "bridge obligation fails: %s", br->text);
            if (br->g) diag_note(d, &br->g->span, "the premise");
            else diag_note(d, NULL, "the writer states no guarantee");
            StrBuf ce = {0};
            counterexamples(br, udl, gfile, &ce);
            if (ce.n) diag_note(d, NULL, "%s", ce.s + 2);
            sb_free(&ce);
        }
        break;
    case VERIFY_UNKNOWN:
    case VERIFY_ERROR:
    case VERIFY_TRUSTED:
        br->status = CMP_UNKNOWN;
        sb_printf(&e, "griddle verify: %s (a timeout or an unsupported construct is never a "
                  "proof)", verify_status_name(u->status));
        break;
    }
    br->evidence = sb_take(&e);
}

/* Parses and checks the generated program; FunDecl.index numbered as
 * vspec expects (cmd_verify does the same). */
static bool load_program(Program *p, Interner *in, SrcMgr *sm, const StrBuf *text, DiagList *dl)
{
    memset(p, 0, sizeof *p);
    p->interner = in;
    p->srcmgr = sm;
    FrontOpts fo = {0};
    CheckOpts co = {0};
    if (!front_load_text(p, "<bridge obligations>", text->s, text->n, &fo, dl) ||
        !check_program(p, &co, dl))
        return false;
    return true;
}

bool cmp_bridges_check(CmpBridgeSet *bs, const CmpContractSet *cs, const SimSystem *s,
                       unsigned timeout_ms, SrcMgr *sm, DiagList *dl)
{
    for (size_t i = 0; i < bs->v.n; i++) {
        CmpBridge *br = &bs->v.v[i];
        if (br->kind == CMP_B_FRAME && br->dma) {
            br->status = CMP_FAILED;
            br->evidence = xstrdup("a device writes the region by DMA, which no guarantee "
                                   "bounds");
            if (!br->quiet)
                diag_add(dl, DIAG_ERROR, "compose.bridge", &br->r->span,
                         "bridge obligation fails: %s: a device DMAs into the region", br->text);
        } else if (br->kind == CMP_B_DEVICE) {
            br->status = CMP_TRUSTED;
            br->evidence = xstrdup("hardware behaviour: what a device writes by DMA is not "
                                   "modelled");
        } else if (br->kind == CMP_B_ZERO && s->mrs.v[br->mr].prefill_path) {
            br->status = CMP_TRUSTED;
            br->evidence = xstrdup("the region is prefilled from a file, whose words are not "
                                   "checked against the rely");
        }
    }
    Gen g = {.cs = cs};
    gen_puts(&g, "// bridge obligations generated by griddle compose from the contracts\n");
    VEC(const char *) names = {0};
    for (size_t i = 0; i < bs->v.n; i++)
        if (bs->v.v[i].status == CMP_UNKNOWN) {
            gen_bridge(&g, s, &bs->v.v[i]);
            vec_push(&names, bs->v.v[i].method);
        }
    bool ok = true;
    if (names.n) {
        Interner in;
        interner_init(&in);
        Program p;
        DiagList vdl;
        diag_init(&vdl);
        VSpec spec;
        memset(&spec, 0, sizeof spec);
        ok = load_program(&p, &in, sm, &g.b, &vdl);
        uint32_t gfile = (uint32_t)sm->files.n - 1;
        for (size_t f = 0; f < sm->files.n; f++)
            if (!strcmp(sm->files.v[f]->name, "<bridge obligations>")) gfile = (uint32_t)f;
        VOpts vo = {.heap_words = 16384};
        if (ok) ok = vspec_build(&spec, &p, &vo, &vdl);
        relocate(&g, gfile, &vdl, dl);
        if (ok) {
            VerifyOpts o = {.jobs = 2, .timeout_ms = timeout_ms, .only = names.v, .nonly = names.n};
            VerifyReport r;
            DiagList udl;
            diag_init(&udl);
            verify_program(&spec, &o, &r, &udl);
            for (size_t u = 0; u < r.units.n; u++)
                for (size_t i = 0; i < bs->v.n; i++)
                    if (!strcmp(r.units.v[u].name, bs->v.v[i].method))
                        record(&bs->v.v[i], &r.units.v[u], &udl, gfile, sm, dl);
            verify_report_free(&r);
            diag_free(&udl);
        }
        vspec_free(&spec);           /* safe after a failed build too */
        diag_free(&vdl);
        program_free(&p);
        interner_free(&in);
    }
    for (size_t i = 0; i < bs->v.n; i++)
        if (bs->v.v[i].status == CMP_UNKNOWN && !bs->v.v[i].evidence)
            bs->v.v[i].evidence = xstrdup(ok ? "griddle verify gave no result for it"
                                             : "not checked: the contracts have errors");
    vec_free(&names);
    sb_free(&g.b);
    vec_free(&g.map);
    return ok;
}
