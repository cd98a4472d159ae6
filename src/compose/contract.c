/*
 * Contract files: what a component guarantees and relies on at its
 * shared regions and channels (docs/composition.md has the grammar).
 *
 *   file      := { line }
 *   line      := [ item ] [ '#' comment ] newline      ('#' only outside expressions)
 *   item      := 'component' PD
 *              | 'trusted' STRING
 *              | 'source' FILE { FILE }       Pancake sources verified for the promises (4c)
 *              | 'model' FILE { FILE }        the models they are verified against
 *              | 'only' FUNC { FUNC }         verify just these functions (the promises
 *                                             then stay unknown: the rest is unverified)
 *              | 'view' MR '{' FIELD '@' NUM { ',' FIELD '@' NUM } '}'
 *              | 'guarantee' MR ':' EXPR      over addr, old, v, MR's view fields (offsets)
 *                                             and MR.FIELD (a word's value before the write)
 *              | 'rely' MR ':' EXPR           over addr, v, old (two-state: every write by
 *                                             others), MR's view fields and MR.FIELD
 *              | 'invariant' MR ':' EXPR      over MR.FIELD: holds of the region at all times
 *              | 'notify' ID ':' EXPR         over MR.FIELD of the views
 *              | 'assume' ID ':' EXPR         over MR.FIELD of the views
 *   EXPR      := the rest of the line: griddle verify's annotation language
 *
 * `component` comes first. Expressions are checked here only for the
 * names of view fields; src/verify parses and types them (bridge.c), and
 * its errors are mapped back to these lines.
 */
#include "compose_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

void cmp_contract_init(CmpContractSet *cs)
{
    memset(cs, 0, sizeof *cs);
    arena_init(&cs->arena);
}

void cmp_contract_free(CmpContractSet *cs)
{
    for (size_t i = 0; i < cs->v.n; i++) {
        CmpContract *c = &cs->v.v[i];
        for (size_t k = 0; k < c->views.n; k++) vec_free(&c->views.v[k].fields);
        vec_free(&c->views);
        vec_free(&c->clauses);
        vec_free(&c->sources);
        vec_free(&c->models);
        vec_free(&c->only);
        vec_free(&c->words);
        free(c->ev_text);
    }
    vec_free(&cs->v);
    arena_free(&cs->arena);
}

typedef struct CLex {
    const char *t;
    size_t len, pos, line_end;
    uint32_t file;
    SrcMgr *sm;
    DiagList *dl;
    const SimSystem *s;
    CmpContractSet *cs;
    CmpContract *c;
    bool ok;
} CLex;

static void cerr(CLex *x, size_t off, size_t n, const char *fmt, ...) PRINTF_LIKE(4, 5);
static void cerr(CLex *x, size_t off, size_t n, const char *fmt, ...)
{
    Span sp = cmp_span_at(x->sm, x->file, off, n);
    va_list ap;
    va_start(ap, fmt);
    diag_vadd(x->dl, DIAG_ERROR, "compose.contract", &sp, fmt, ap);
    va_end(ap);
    x->ok = false;
}

static void skip_ws(CLex *x)
{
    while (x->pos < x->line_end && (x->t[x->pos] == ' ' || x->t[x->pos] == '\t' ||
                                    x->t[x->pos] == '\r'))
        x->pos++;
}

static bool at_end(CLex *x)
{
    skip_ws(x);
    return x->pos >= x->line_end || x->t[x->pos] == '#';
}

/* A name ([A-Za-z0-9_.-]+, no '.' when field is set); NULL (reported) if none. */
static const char *word(CLex *x, const char *what, bool field, size_t *off)
{
    skip_ws(x);
    size_t b = x->pos;
    while (x->pos < x->line_end) {
        char ch = x->t[x->pos];
        if (!(isalnum((unsigned char)ch) || ch == '_' || (!field && (ch == '.' || ch == '-'))))
            break;
        x->pos++;
    }
    if (off) *off = b;
    if (x->pos == b) {
        cerr(x, b, 1, "expected %s", what);
        return NULL;
    }
    return arena_strndup(&x->cs->arena, x->t + b, x->pos - b);
}

static bool punct(CLex *x, char ch)
{
    skip_ws(x);
    if (x->pos < x->line_end && x->t[x->pos] == ch) {
        x->pos++;
        return true;
    }
    cerr(x, x->pos, 1, "expected '%c'", ch);
    return false;
}

static bool number(CLex *x, uint64_t *out)
{
    skip_ws(x);
    size_t b = x->pos;
    while (x->pos < x->line_end && (isalnum((unsigned char)x->t[x->pos]) || x->t[x->pos] == '_'))
        x->pos++;
    char *n = xstrndup(x->t + b, x->pos - b), *end;
    errno = 0;
    unsigned long long v = strtoull(n, &end, 0);
    bool ok = x->pos > b && !*end && errno == 0 && isdigit((unsigned char)n[0]);
    free(n);
    *out = v;
    if (!ok) cerr(x, b, x->pos > b ? x->pos - b : 1, "expected a number");
    return ok;
}

static const SimPd *cpd(CLex *x) { return &x->s->pds.v[x->c->pd]; }

/* The PD's map of the region with any of perms, or NULL. */
static const SimMap *pd_map(CLex *x, int mr, unsigned perms)
{
    const SimPd *pd = cpd(x);
    for (size_t i = 0; i < pd->maps.n; i++)
        if (pd->maps.v[i].mr == mr && (pd->maps.v[i].perms & perms)) return &pd->maps.v[i];
    return NULL;
}

/* MR named next, which the component must map with any of perms. */
static int region(CLex *x, unsigned perms, const char *how)
{
    size_t off;
    const char *name = word(x, "a memory region name", false, &off);
    if (!name) return -1;
    int mr = sim_mr_index(x->s, name);
    if (mr < 0) cerr(x, off, strlen(name), "unknown memory region '%s'", name);
    else if (!pd_map(x, mr, perms))
        cerr(x, off, strlen(name), "the contract of '%s' mentions memory region '%s', which "
             "'%s' does not map%s", cpd(x)->name, name, cpd(x)->name, how);
    else return mr;
    return -1;
}

/* The component's channel end with this id, or NULL. */
static const SimEnd *end_of(CLex *x, unsigned id, const SimEnd **peer)
{
    for (size_t c = 0; c < x->s->channels.n; c++)
        for (int k = 0; k < 2; k++) {
            const SimEnd *e = &x->s->channels.v[c].end[k];
            if (e->pd == x->c->pd && e->id == id) {
                *peer = &x->s->channels.v[c].end[1 - k];
                return e;
            }
        }
    return NULL;
}

static const CmpView *view_of(const CmpContract *c, int mr)
{
    for (size_t i = 0; i < c->views.n; i++)
        if (c->views.v[i].mr == mr) return &c->views.v[i];
    return NULL;
}

/* view MR { f @ off, ... } */
static void item_view(CLex *x)
{
    size_t at = x->pos;
    int mr = region(x, SIM_PERM_R | SIM_PERM_W, "");
    if (mr < 0) return;
    if (view_of(x->c, mr)) {
        cerr(x, at, 1, "a second view of '%s'", x->s->mrs.v[mr].name);
        return;
    }
    CmpView v = {.mr = mr};
    if (!punct(x, '{')) return;
    do {
        size_t off;
        const char *f = word(x, "a field name", true, &off);
        CmpField fd = {.name = f, .span = cmp_span_at(x->sm, x->file, off, f ? strlen(f) : 1)};
        if (!f || !punct(x, '@') || !number(x, &fd.off)) goto fail;
        if (fd.off % 8 || fd.off + 8 > x->s->mrs.v[mr].size) {
            cerr(x, off, strlen(f), "field '%s' at offset %llu is not a word inside '%s' (size "
                 "0x%llx): offsets are multiples of 8", f, (unsigned long long)fd.off,
                 x->s->mrs.v[mr].name, (unsigned long long)x->s->mrs.v[mr].size);
            goto fail;
        }
        for (size_t i = 0; i < v.fields.n; i++)
            if (!strcmp(v.fields.v[i].name, f)) {
                cerr(x, off, strlen(f), "field '%s' declared twice", f);
                goto fail;
            }
        if (!strcmp(f, "addr") || !strcmp(f, "old") || !strcmp(f, "v")) {
            cerr(x, off, strlen(f), "'%s' is a clause variable, not a field name", f);
            goto fail;
        }
        vec_push(&v.fields, fd);
        skip_ws(x);
    } while (x->pos < x->line_end && x->t[x->pos] == ',' && ++x->pos);
    if (!punct(x, '}')) goto fail;
    vec_push(&x->c->views, v);
    return;
fail:
    vec_free(&v.fields);
}

/* Clauses speak of MR.FIELD: rewritten to MR_at_OFF, the name of that
 * word in the generated model (the same word has the same name in every
 * contract, whatever the fields are called). A region clause (own >= 0)
 * may speak only of the words of its own region: its bridges relate one
 * write to the state of that region. */
static const char *rewrite_fields(CLex *x, size_t b, size_t e, int own)
{
    StrBuf out = {0};
    size_t i = b;
    while (i < e) {
        char ch = x->t[i];
        if (!(isalpha((unsigned char)ch) || ch == '_') ||
            (i > b && (isalnum((unsigned char)x->t[i - 1]) || x->t[i - 1] == '_'))) {
            sb_putc(&out, ch);
            i++;
            continue;
        }
        size_t j = i;
        while (j < e && (isalnum((unsigned char)x->t[j]) || x->t[j] == '_')) j++;
        char *id = xstrndup(x->t + i, j - i);
        int mr = sim_mr_index(x->s, id);
        const CmpView *v = mr >= 0 ? view_of(x->c, mr) : NULL;
        if (v && j < e && x->t[j] == '.') {
            size_t k = j + 1;
            while (k < e && (isalnum((unsigned char)x->t[k]) || x->t[k] == '_')) k++;
            const CmpField *f = NULL;
            for (size_t q = 0; q < v->fields.n; q++)
                if (strlen(v->fields.v[q].name) == k - j - 1 &&
                    !memcmp(v->fields.v[q].name, x->t + j + 1, k - j - 1))
                    f = &v->fields.v[q];
            if (!f) cerr(x, j + 1, k > j + 1 ? k - j - 1 : 1, "the view of '%s' has no field "
                         "'%.*s'", id, (int)(k - j - 1), x->t + j + 1);
            else if (own >= 0 && mr != own)
                cerr(x, i, k - i, "a clause on '%s' may speak only of its own words, not of "
                     "'%s'", x->s->mrs.v[own].name, id);
            else sb_printf(&out, "%s_at_%llu", id, (unsigned long long)f->off);
            i = k;
        } else {
            sb_putn(&out, x->t + i, j - i);
            i = j;
        }
        free(id);
    }
    const char *r = arena_strndup(&x->cs->arena, out.s ? out.s : "", out.n);
    sb_free(&out);
    return r;
}

/* An invariant is about the region's words at any time, not about one
 * write: addr, v and old are not its names (reported; false). */
static bool write_free(CLex *x, size_t b, size_t e)
{
    static const char *const names[] = {"addr", "v", "old"};
    for (size_t i = b; i < e; i++) {
        if (!(isalpha((unsigned char)x->t[i]) || x->t[i] == '_') ||
            (i > b && (isalnum((unsigned char)x->t[i - 1]) || x->t[i - 1] == '_' ||
                       x->t[i - 1] == '.')))
            continue;
        size_t j = i;
        while (j < e && (isalnum((unsigned char)x->t[j]) || x->t[j] == '_')) j++;
        for (size_t k = 0; k < ARRAY_LEN(names); k++)
            if (strlen(names[k]) == j - i && !memcmp(x->t + i, names[k], j - i)) {
                cerr(x, i, j - i, "an invariant speaks of the region's words (REGION.FIELD), "
                     "not of a write: '%s' is not one of its names", names[k]);
                return false;
            }
        i = j;
    }
    return true;
}

/* guarantee/rely MR : EXPR, notify/assume ID : EXPR */
static void item_clause(CLex *x, CmpClauseKind k, const char *kw)
{
    CmpClause cl = {.kind = k, .mr = -1};
    if (k == CMP_C_GUARANTEE || k == CMP_C_RELY || k == CMP_C_INVARIANT) {
        cl.mr = region(x, k == CMP_C_GUARANTEE ? SIM_PERM_W : k == CMP_C_RELY ? SIM_PERM_R
                                                                           : SIM_PERM_R | SIM_PERM_W,
                       k == CMP_C_GUARANTEE ? " writable" : k == CMP_C_RELY ? " readable" : "");
        if (cl.mr < 0) return;
    } else {
        skip_ws(x);
        size_t at = x->pos;
        uint64_t id;
        if (!number(x, &id)) return;
        const SimEnd *peer = NULL, *me = id < SIM_MAX_CH ? end_of(x, (unsigned)id, &peer) : NULL;
        if (!me) {
            cerr(x, at, x->pos - at, "the contract of '%s' mentions channel %llu, but '%s' has no "
                 "channel with that id", cpd(x)->name, (unsigned long long)id, cpd(x)->name);
            return;
        }
        if (k == CMP_C_NOTIFY && !me->notify) {
            cerr(x, at, x->pos - at, "'%s' may not notify on channel %llu (its end has "
                 "notify=\"false\")", cpd(x)->name, (unsigned long long)id);
            return;
        }
        if (k == CMP_C_ASSUME && !peer->notify)
            cerr(x, at, x->pos - at, "'%s' is never notified on channel %llu ('%s' may not "
                 "notify it)", cpd(x)->name, (unsigned long long)id, x->s->pds.v[peer->pd].name);
        cl.id = (unsigned)id;
    }
    if (!punct(x, ':')) return;
    skip_ws(x);
    size_t b = x->pos, e = x->line_end;
    while (e > b && strchr(" \t\r", x->t[e - 1])) e--;
    if (e == b) {
        cerr(x, b, 1, "expected an expression after '%s ...:'", kw);
        return;
    }
    x->pos = x->line_end;
    for (size_t i = b; i + 1 < e; i++)
        if ((x->t[i] == '@' && x->t[i + 1] == '/') || (x->t[i] == '/' && x->t[i + 1] == '@')) {
            cerr(x, i, 2, "'%c%c' may not appear in a clause (it delimits annotations)",
                 x->t[i], x->t[i + 1]);
            return;
        }
    for (size_t i = 0; i < x->c->clauses.n; i++) {
        const CmpClause *o = &x->c->clauses.v[i];
        if (o->kind == k && o->mr == cl.mr && o->id == cl.id) {
            cerr(x, b, e - b, "a second '%s' clause for the same %s", kw,
                 cl.mr >= 0 ? "region" : "channel");
            return;
        }
    }
    if (k == CMP_C_INVARIANT && !write_free(x, b, e)) return;
    cl.expr = arena_strndup(&x->cs->arena, x->t + b, e - b);
    cl.gen = rewrite_fields(x, b, e, cl.mr);
    cl.span = cmp_span_at(x->sm, x->file, b, e - b);
    vec_push(&x->c->clauses, cl);
}

/* `source FILE...` / `model FILE...`: paths relative to the contract's
 * directory (absolute ones as they are). */
static void item_files(CLex *x, const char *kw, size_t kwoff)
{
    bool src = !strcmp(kw, "source");
    if (x->c->trusted) {
        cerr(x, kwoff, strlen(kw), "a trusted contract has no '%s': its promises are not verified", kw);
        return;
    }
    const char *cpath = x->c->path;
    const char *slash = strrchr(cpath, '/');
    size_t dirlen = slash ? (size_t)(slash - cpath) + 1 : 0;
    size_t n = 0;
    while (!at_end(x)) {
        size_t b = x->pos;
        while (x->pos < x->line_end && x->t[x->pos] != ' ' && x->t[x->pos] != '\t' &&
               x->t[x->pos] != '\r' && x->t[x->pos] != '#')
            x->pos++;
        const char *f = x->t[b] == '/'
            ? arena_strndup(&x->cs->arena, x->t + b, x->pos - b)
            : arena_printf(&x->cs->arena, "%.*s%.*s", (int)dirlen, cpath, (int)(x->pos - b), x->t + b);
        if (src) vec_push(&x->c->sources, f);
        else vec_push(&x->c->models, f);
        n++;
    }
    if (!n) {
        cerr(x, x->pos, 1, "expected one or more file names after '%s'", kw);
        return;
    }
    if (src && x->c->sources.n == n) x->c->source_span = cmp_span_at(x->sm, x->file, kwoff, strlen(kw));
}

/* `only FUNC...`: a verified component's functions to verify (the rest
 * unverified, so its promises are never discharged). */
static void item_only(CLex *x, size_t kwoff)
{
    if (x->c->trusted) {
        cerr(x, kwoff, 4, "a trusted contract has no 'only': its promises are not verified");
        return;
    }
    size_t n = 0;
    x->c->only_span = cmp_span_at(x->sm, x->file, kwoff, 4);
    while (!at_end(x)) {
        const char *f = word(x, "a function name", true, NULL);
        if (!f) return;
        vec_push(&x->c->only, f);
        n++;
    }
    if (!n) cerr(x, x->pos, 1, "expected one or more function names after 'only'");
}

static void item(CLex *x)
{
    size_t off;
    const char *kw = word(x, "an item (component, trusted, view, guarantee, rely, invariant, "
                          "notify, assume)",
                          true, &off);
    if (!kw) return;
    if (!x->c) {
        if (strcmp(kw, "component")) {
            cerr(x, off, strlen(kw), "a contract starts with 'component PD'");
            return;
        }
        size_t at;
        const char *name = word(x, "a protection domain name", false, &at);
        if (!name) return;
        int pd = sim_pd_index(x->s, name);
        if (pd < 0) {
            cerr(x, at, strlen(name), "unknown protection domain '%s'", name);
            return;
        }
        for (size_t i = 0; i < x->cs->v.n; i++)
            if (x->cs->v.v[i].pd == pd) {
                cerr(x, at, strlen(name), "a second contract for '%s' (the first is in %s)", name,
                     x->cs->v.v[i].path);
                return;
            }
        CmpContract c = {.pd = pd, .span = cmp_span_at(x->sm, x->file, off, strlen(kw))};
        c.path = srcmgr_name(x->sm, x->file);
        vec_push(&x->cs->v, c);
        x->c = &x->cs->v.v[x->cs->v.n - 1];
    } else if (!strcmp(kw, "trusted")) {
        skip_ws(x);
        size_t b = x->pos;
        const char *q = b < x->line_end && x->t[b] == '"' ? memchr(x->t + b + 1, '"', x->line_end - b - 1) : NULL;
        if (!q) {
            cerr(x, b, 1, "expected the reason as a \"string\"");
            return;
        }
        if (x->c->sources.n || x->c->models.n || x->c->only.n) {
            cerr(x, off, strlen(kw), "a contract with 'source' or 'model' items is verified, not trusted");
            return;
        }
        x->c->trusted = true;
        x->c->trust_reason = arena_strndup(&x->cs->arena, x->t + b + 1, (size_t)(q - x->t) - b - 1);
        x->pos = (size_t)(q - x->t) + 1;
    } else if (!strcmp(kw, "source") || !strcmp(kw, "model")) item_files(x, kw, off);
    else if (!strcmp(kw, "only")) item_only(x, off);
    else if (!strcmp(kw, "view")) item_view(x);
    else if (!strcmp(kw, "guarantee")) item_clause(x, CMP_C_GUARANTEE, kw);
    else if (!strcmp(kw, "rely")) item_clause(x, CMP_C_RELY, kw);
    else if (!strcmp(kw, "notify")) item_clause(x, CMP_C_NOTIFY, kw);
    else if (!strcmp(kw, "assume")) item_clause(x, CMP_C_ASSUME, kw);
    else if (!strcmp(kw, "invariant")) item_clause(x, CMP_C_INVARIANT, kw);
    else if (!strcmp(kw, "component")) cerr(x, off, strlen(kw), "one component per contract file");
    else cerr(x, off, strlen(kw), "unknown item '%s' (expected trusted, source, model, only, "
              "view, guarantee, rely, invariant, notify or assume)", kw);
    if (x->ok && !at_end(x)) cerr(x, x->pos, 1, "expected the end of the line");
}

bool cmp_contract_parse(CmpContractSet *cs, const SimSystem *s, const char *name,
                        const char *text, size_t len, SrcMgr *sm, DiagList *dl)
{
    const char *copy;
    CLex x = {.len = len, .sm = sm, .dl = dl, .s = s, .cs = cs};
    x.file = cmp_add_text(sm, name, text, len, &copy);
    x.t = copy;
    size_t errs = dl->nerrors;
    if (memchr(text, 0, len)) {
        Span sp = cmp_span_at(sm, x.file, (size_t)((const char *)memchr(text, 0, len) - text), 1);
        diag_add(dl, DIAG_ERROR, "compose.contract", &sp, "NUL byte in a contract file");
        return false;
    }
    size_t ncontracts = cs->v.n;
    while (x.pos < len) {
        const char *nl = memchr(copy + x.pos, '\n', len - x.pos);
        x.line_end = nl ? (size_t)(nl - copy) : len;
        x.ok = true;
        if (!at_end(&x)) item(&x);
        x.pos = x.line_end + 1;
    }
    if (cs->v.n == ncontracts && dl->nerrors == errs) {
        Span sp = cmp_span_at(sm, x.file, 0, 1);
        diag_add(dl, DIAG_ERROR, "compose.contract", &sp, "no 'component PD' line: not a contract");
    }
    return dl->nerrors == errs;
}
