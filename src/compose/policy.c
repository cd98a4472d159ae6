/*
 * Policy files: system-level claims about authority, decided on the
 * influence graph (docs/composition.md has the grammar).
 *
 *   file      := { line }
 *   line      := [ statement ] [ '#' comment ] newline
 *   statement := 'no_write' NAME '->' NAME [ STRING ]     PD -> MR
 *              | 'no_read'  NAME '->' NAME [ STRING ]     PD -> MR
 *              | 'no_flow'  NAME '->' NAME [ STRING ]     PD or MR each
 *              | 'isolated' NAME [ STRING ]               PD
 *              | 'assume' 'no_dma' NAME [ STRING ]        device MR
 *   NAME      := [A-Za-z0-9_.] and '-' not followed by '>', at least one
 *   STRING    := '"' any characters but '"' and newline '"'
 *
 * One statement per line. The parser reports every error with its
 * location and goes on with the next line.
 */
#include "compose_int.h"

#include <ctype.h>
#include <string.h>

const char *cmp_status_name(CmpStatus st)
{
    switch (st) {
    case CMP_DISCHARGED: return "discharged";
    case CMP_FAILED: return "failed";
    case CMP_TRUSTED: return "trusted";
    case CMP_UNKNOWN: return "unknown";
    }
    return "?";
}

void cmp_policy_init(CmpPolicySet *ps)
{
    memset(ps, 0, sizeof *ps);
    arena_init(&ps->arena);
}

void cmp_policy_free(CmpPolicySet *ps)
{
    for (size_t i = 0; i < ps->v.n; i++) {
        free(ps->v.v[i].witness);
        free(ps->v.v[i].evidence);
        vec_free(&ps->v.v[i].wedges);
    }
    vec_free(&ps->v);
    arena_free(&ps->arena);
}

/* ---- reading ------------------------------------------------------------ */

typedef struct Tok {
    enum { T_END, T_NAME, T_ARROW, T_STRING, T_BAD } kind;
    size_t off, len;
} Tok;

typedef struct PLex {
    const char *text;
    size_t len, pos;
    uint32_t file;
    SrcMgr *sm;
    DiagList *dl;
    const SimSystem *s;
    CmpPolicySet *ps;
} PLex;

static bool name_char(const PLex *lx, size_t i)
{
    char c = lx->text[i];
    if (isalnum((unsigned char)c) || c == '_' || c == '.') return true;
    return c == '-' && !(i + 1 < lx->len && lx->text[i + 1] == '>');
}

/* The next token on the current line (T_END at newline, '#' or the end). */
static Tok next(PLex *lx)
{
    while (lx->pos < lx->len && (lx->text[lx->pos] == ' ' || lx->text[lx->pos] == '\t' ||
                                 lx->text[lx->pos] == '\r'))
        lx->pos++;
    Tok t = {.kind = T_END, .off = lx->pos};
    if (lx->pos >= lx->len || lx->text[lx->pos] == '\n' || lx->text[lx->pos] == '#') return t;
    size_t i = lx->pos;
    if (lx->text[i] == '-' && i + 1 < lx->len && lx->text[i + 1] == '>') {
        t.kind = T_ARROW, t.len = 2;
    } else if (lx->text[i] == '"') {
        size_t j = i + 1;
        while (j < lx->len && lx->text[j] != '"' && lx->text[j] != '\n') j++;
        t.kind = j < lx->len && lx->text[j] == '"' ? T_STRING : T_BAD;
        t.len = j - i + (t.kind == T_STRING);
    } else if (name_char(lx, i)) {
        size_t j = i;
        while (j < lx->len && name_char(lx, j)) j++;
        t.kind = T_NAME, t.len = j - i;
    } else {
        t.kind = T_BAD, t.len = 1;
    }
    lx->pos = i + t.len;
    return t;
}

static void skip_line(PLex *lx)
{
    while (lx->pos < lx->len && lx->text[lx->pos] != '\n') lx->pos++;
    if (lx->pos < lx->len) lx->pos++;
}

static void perr(PLex *lx, const Tok *t, const char *fmt, ...) PRINTF_LIKE(3, 4);
static void perr(PLex *lx, const Tok *t, const char *fmt, ...)
{
    Span sp = cmp_span_at(lx->sm, lx->file, t->off, t->len);
    va_list ap;
    va_start(ap, fmt);
    diag_vadd(lx->dl, DIAG_ERROR, "compose.policy", &sp, fmt, ap);
    va_end(ap);
}

static bool tok_is(const PLex *lx, const Tok *t, const char *word)
{
    return t->kind == T_NAME && t->len == strlen(word) && !memcmp(lx->text + t->off, word, t->len);
}

static const char *tok_str(PLex *lx, const Tok *t)
{
    return arena_strndup(&lx->ps->arena, lx->text + t->off, t->len);
}

static const char *describe(const Tok *t)
{
    switch (t->kind) {
    case T_END: return "the end of the line";
    case T_ARROW: return "'->'";
    case T_STRING: return "a string";
    case T_NAME: return "a name";
    case T_BAD: return "an unexpected character";
    }
    return "?";
}

/* want: 'p' a PD, 'm' an MR, 'd' a device MR, 'n' a PD or an MR. Returns
 * the node id (PDs first, then MRs) or -1 after an error. */
static int resolve(PLex *lx, const Tok *t, char want, const char *stmt)
{
    if (t->kind != T_NAME) {
        perr(lx, t, "expected a %s name after '%s', found %s",
             want == 'p' ? "protection domain" : want == 'n' ? "protection domain or memory "
             "region" : "memory region", stmt, describe(t));
        return -1;
    }
    char *name = xstrndup(lx->text + t->off, t->len);
    int pd = sim_pd_index(lx->s, name), mr = sim_mr_index(lx->s, name), r = -1;
    int npd = (int)lx->s->pds.n;
    if (pd < 0 && mr < 0)
        perr(lx, t, "unknown %s '%s' in '%s'", want == 'p' ? "protection domain" : want == 'n'
             ? "protection domain or memory region" : "memory region", name, stmt);
    else if (want == 'p' && pd < 0)
        perr(lx, t, "'%s' needs a protection domain here; '%s' is a memory region", stmt, name);
    else if ((want == 'm' || want == 'd') && mr < 0)
        perr(lx, t, "'%s' needs a memory region here; '%s' is a protection domain%s", stmt,
             name, want == 'm' ? " (use no_flow for flows between protection domains)" : "");
    else if (want == 'd' && lx->s->mrs.v[mr].device < 0)
        perr(lx, t, "'%s' needs a device's memory region; '%s' is normal memory", stmt, name);
    else r = pd >= 0 && want != 'm' && want != 'd' ? pd : npd + mr;
    free(name);
    return r;
}

/* [ STRING ] then the end of the line. */
static bool tail(PLex *lx, CmpPolicy *p)
{
    Tok t = next(lx);
    if (t.kind == T_STRING) {
        p->label = arena_strndup(&lx->ps->arena, lx->text + t.off + 1, t.len - 2);
        t = next(lx);
    }
    if (t.kind == T_BAD && lx->text[t.off] == '"') {
        perr(lx, &t, "unterminated string");
        return false;
    }
    if (t.kind != T_END) {
        perr(lx, &t, "expected the end of the statement, found %s", describe(&t));
        return false;
    }
    return true;
}

static bool statement(PLex *lx, const Tok *kw)
{
    static const struct { const char *word; CmpPolicyKind kind; char a, b; } forms[] = {
        {"no_write", CMP_P_NO_WRITE, 'p', 'm'},
        {"no_read", CMP_P_NO_READ, 'p', 'm'},
        {"no_flow", CMP_P_NO_FLOW, 'n', 'n'},
        {"isolated", CMP_P_ISOLATED, 'p', 0},
    };
    CmpPolicy p = {.a = -1, .b = -1, .span = cmp_span_at(lx->sm, lx->file, kw->off, kw->len)};
    const char *word = NULL;
    char wa = 0, wb = 0;
    for (size_t i = 0; i < ARRAY_LEN(forms); i++)
        if (tok_is(lx, kw, forms[i].word))
            word = forms[i].word, p.kind = forms[i].kind, wa = forms[i].a, wb = forms[i].b;
    if (!word && tok_is(lx, kw, "assume")) {
        Tok t = next(lx);
        if (!tok_is(lx, &t, "no_dma")) {
            perr(lx, &t, "expected 'no_dma' after 'assume' (the only assumption a policy file "
                 "can state)");
            return false;
        }
        word = "assume no_dma", p.kind = CMP_P_NO_DMA, wa = 'd';
    }
    if (!word) {
        perr(lx, kw, "unknown statement '%.*s' (expected no_write, no_read, no_flow, isolated "
             "or assume)", (int)kw->len, lx->text + kw->off);
        return false;
    }
    Tok a = next(lx);
    if ((p.a = resolve(lx, &a, wa, word)) < 0) return false;
    p.a_name = tok_str(lx, &a);
    if (wb) {
        Tok arrow = next(lx);
        if (arrow.kind != T_ARROW) {
            perr(lx, &arrow, "expected '->' after '%s %s', found %s", word, p.a_name,
                 describe(&arrow));
            return false;
        }
        Tok b = next(lx);
        if ((p.b = resolve(lx, &b, wb, word)) < 0) return false;
        p.b_name = tok_str(lx, &b);
        if (p.a == p.b) {
            perr(lx, &b, "'%s' from '%s' to itself says nothing", word, p.a_name);
            return false;
        }
    }
    if (!tail(lx, &p)) return false;
    p.text = wb ? arena_printf(&lx->ps->arena, "%s %s -> %s", word, p.a_name, p.b_name)
                : arena_printf(&lx->ps->arena, "%s %s", word, p.a_name);
    p.status = p.kind == CMP_P_NO_DMA ? CMP_TRUSTED : CMP_UNKNOWN;
    vec_push(&lx->ps->v, p);
    return true;
}

bool cmp_policy_parse(CmpPolicySet *ps, const SimSystem *s, const char *name, const char *text,
                      size_t len, SrcMgr *sm, DiagList *dl)
{
    const char *copy;
    PLex lx = {.len = len, .sm = sm, .dl = dl, .s = s, .ps = ps};
    lx.file = cmp_add_text(sm, name, text, len, &copy);
    lx.text = copy;
    size_t errs = dl->nerrors;
    while (lx.pos < lx.len) {
        Tok t = next(&lx);
        if (t.kind == T_NAME) statement(&lx, &t);
        else if (t.kind != T_END)
            perr(&lx, &t, "expected a statement (no_write, no_read, no_flow, isolated or "
                 "assume), found %s", describe(&t));
        skip_line(&lx);
    }
    for (size_t i = 0; i < len; i++)
        if (!text[i]) {
            Span sp = cmp_span_at(sm, lx.file, i, 1);
            diag_add(dl, DIAG_ERROR, "compose.policy", &sp, "NUL byte in a policy file");
            break;
        }
    return dl->nerrors == errs;
}

bool *cmp_policy_no_dma(const CmpPolicySet *ps, const SimSystem *s)
{
    bool *v = xcalloc(s->mrs.n ? s->mrs.n : 1, sizeof *v);
    for (size_t i = 0; i < ps->v.n; i++)
        if (ps->v.v[i].kind == CMP_P_NO_DMA) v[ps->v.v[i].a - (int)s->pds.n] = true;
    return v;
}

/* ---- deciding ------------------------------------------------------------- */

typedef struct DirectCtx {
    int pd, mr;
    bool write;
} DirectCtx;

/* no_write / no_read: the PD's own maps of the region, those of its
 * descendants (a parent runs its children as it likes: control edges down,
 * fault edges up), and one device hop: a device whose registers the PD or
 * a descendant maps and that can DMA the region. Paths start at the PD
 * (write) or end at it (read), and only control/fault edges lead between
 * PDs, so every PD on one is the PD or a descendant of it. */
static bool direct_edge(const CmpGraph *g, const CmpEdge *e, void *ctx)
{
    const DirectCtx *c = ctx;
    bool dev_from = !cmp_node_is_pd(g, e->from) &&
                    g->s->mrs.v[(size_t)e->from - g->npd].device >= 0;
    bool dev_to = !cmp_node_is_pd(g, e->to) && g->s->mrs.v[(size_t)e->to - g->npd].device >= 0;
    if (c->write) {
        if (e->kind == CMP_E_CONTROL) return true;
        if (e->kind == CMP_E_WRITE) return e->to == c->mr || dev_to;
        return e->kind == CMP_E_DMA_WRITE && dev_from && e->to == c->mr;
    }
    if (e->kind == CMP_E_FAULT) return true;
    if (e->kind == CMP_E_READ || e->kind == CMP_E_EXEC) return e->from == c->mr || dev_from;
    return e->kind == CMP_E_DMA_READ && e->from == c->mr;
}

static char *path_text(const CmpGraph *g, const CmpIntVec *path, int from)
{
    StrBuf b = {0};
    cmp_path_print(g, path->v, path->n, from, &b);
    return sb_take(&b);
}

static bool path_uses_dma(CmpPolicy *p, const CmpGraph *g, const CmpIntVec *path)
{
    for (size_t i = 0; i < path->n; i++) vec_push(&p->wedges, path->v[i]);
    for (size_t i = 0; i < path->n; i++) {
        CmpEdgeKind k = g->edges.v[path->v[i]].kind;
        if (k == CMP_E_DMA_READ || k == CMP_E_DMA_WRITE || k == CMP_E_IRQ) return true;
    }
    return false;
}

/* Every PD with a map of mr having any of perms, as "a, b". */
static void holders(const CmpGraph *g, int mr, unsigned perms, StrBuf *b)
{
    const SimSystem *s = g->s;
    bool any = false;
    for (size_t p = 0; p < s->pds.n; p++)
        for (size_t i = 0; i < s->pds.v[p].maps.n; i++)
            if (s->pds.v[p].maps.v[i].mr == mr && (s->pds.v[p].maps.v[i].perms & perms)) {
                sb_printf(b, "%s%s", any ? ", " : "", s->pds.v[p].name);
                any = true;
                break;
            }
    if (!any) sb_puts(b, "none");
}

/* Devices that can DMA mr (write: into it), as "a, b" or "none". */
static void dma_devices(const CmpGraph *g, int mr_node, bool write, StrBuf *b)
{
    bool any = false;
    for (size_t i = 0; i < g->edges.n; i++) {
        const CmpEdge *e = &g->edges.v[i];
        if (write ? e->kind == CMP_E_DMA_WRITE && e->to == mr_node
                  : e->kind == CMP_E_DMA_READ && e->from == mr_node) {
            sb_printf(b, "%s%s", any ? ", " : "", cmp_node_name(g, write ? e->from : e->to));
            any = true;
        }
    }
    if (!any) sb_puts(b, "none");
}

static void check_direct(CmpPolicy *p, const CmpGraph *g, CmpIntVec *path)
{
    bool write = p->kind == CMP_P_NO_WRITE;
    DirectCtx c = {.pd = p->a, .mr = p->b, .write = write};
    int from = write ? p->a : p->b, to = write ? p->b : p->a;
    if (cmp_path(g, from, to, direct_edge, &c, path)) {
        p->status = CMP_FAILED;
        p->witness = path_text(g, path, from);
        p->uses_dma = path_uses_dma(p, g, path);
        return;
    }
    p->status = CMP_DISCHARGED;
    StrBuf b = {0};
    int mr = p->b - (int)g->npd;
    sb_printf(&b, "PDs that map '%s' %s: ", p->b_name, write ? "writable" : "readable");
    holders(g, mr, write ? SIM_PERM_W : (SIM_PERM_R | SIM_PERM_X), &b);
    StrBuf d = {0};
    dma_devices(g, p->b, write, &d);
    if (!strcmp(d.s, "none")) sb_printf(&b, "; no device DMAs %s it", write ? "into" : "from");
    else sb_printf(&b, "; devices that DMA %s it: %s (whose registers '%s' does not map)",
                   write ? "into" : "from", d.s, p->a_name);
    sb_free(&d);
    p->evidence = sb_take(&b);
}

/* How many other nodes `from` reaches. */
static size_t reachable_from(const CmpGraph *g, int from)
{
    bool *seen = cmp_reach(g, from);
    size_t n = 0;
    for (size_t i = 0; i < g->nnodes; i++) n += seen[i] && (int)i != from;
    free(seen);
    return n;
}

static void check_flow(CmpPolicy *p, const CmpGraph *g, CmpIntVec *path)
{
    if (cmp_path(g, p->a, p->b, NULL, NULL, path)) {
        p->status = CMP_FAILED;
        p->witness = path_text(g, path, p->a);
        p->uses_dma = path_uses_dma(p, g, path);
        return;
    }
    p->status = CMP_DISCHARGED;
    StrBuf b = {0};
    sb_printf(&b, "no path from '%s' to '%s' in %zu edges; '%s' reaches %zu of %zu other "
              "nodes", p->a_name, p->b_name, g->edges.n, p->a_name, reachable_from(g, p->a),
              g->nnodes - 1);
    p->evidence = sb_take(&b);
}

static void check_isolated(CmpPolicy *p, const CmpGraph *g, CmpIntVec *path)
{
    StrBuf w = {0};
    for (size_t q = 0; q < g->npd; q++) {
        if ((int)q == p->a) continue;
        for (int dir = 0; dir < 2; dir++) {
            int from = dir ? (int)q : p->a, to = dir ? p->a : (int)q;
            if (!cmp_path(g, from, to, NULL, NULL, path)) continue;
            if (w.n) sb_puts(&w, "\n");
            cmp_path_print(g, path->v, path->n, from, &w);
            p->uses_dma |= path_uses_dma(p, g, path);
        }
    }
    if (w.n) {
        p->status = CMP_FAILED;
        p->witness = sb_take(&w);
        return;
    }
    p->status = CMP_DISCHARGED;
    StrBuf b = {0};
    sb_printf(&b, "no path to or from any of the other %zu protection domains", g->npd - 1);
    p->evidence = sb_take(&b);
}

void cmp_policy_check(CmpPolicySet *ps, const CmpGraph *g)
{
    bool devices = false;
    for (size_t m = 0; m < g->nmr; m++) devices |= g->s->mrs.v[m].device >= 0;
    CmpIntVec path = {0};
    for (size_t i = 0; i < ps->v.n; i++) {
        CmpPolicy *p = &ps->v.v[i];
        free(p->witness);
        free(p->evidence);
        p->witness = p->evidence = NULL;
        p->wedges.n = 0;
        p->uses_dma = false;
        switch (p->kind) {
        case CMP_P_NO_WRITE:
        case CMP_P_NO_READ: check_direct(p, g, &path); break;
        case CMP_P_NO_FLOW: check_flow(p, g, &path); break;
        case CMP_P_ISOLATED: check_isolated(p, g, &path); break;
        case CMP_P_NO_DMA: continue;
        }
        /* a claim that holds in a system with devices relies on the DMA model */
        if (p->status == CMP_DISCHARGED) p->uses_dma = devices;
    }
    vec_free(&path);
}

/* Where in the SDF an edge's authority is granted. */
static void edge_note(Diag *d, const CmpGraph *g, const CmpEdge *e)
{
    const SimSystem *s = g->s;
    StrBuf b = {0};
    cmp_edge_label(g, e, &b);
    const Span *sp = NULL;
    if (e->map >= 0) sp = &s->pds.v[e->pd].maps.v[e->map].span;
    else if (e->channel >= 0) sp = &s->channels.v[e->channel].end[e->end].span;
    else if (e->irq >= 0) sp = &s->pds.v[e->to].irqs.v[e->irq].span;
    else if (e->kind == CMP_E_CONTROL) sp = &s->pds.v[e->to].span;   /* the nested child */
    else if (e->kind == CMP_E_FAULT) sp = &s->pds.v[e->from].span;
    if (sp) diag_note(d, sp, "%s -> %s: %s", cmp_node_name(g, e->from), cmp_node_name(g, e->to), b.s);
    else diag_note(d, NULL, "%s -> %s: %s (device model)", cmp_node_name(g, e->from),
                   cmp_node_name(g, e->to), b.s);
    sb_free(&b);
}

void cmp_policy_report(const CmpPolicySet *ps, const CmpGraph *g, DiagList *dl)
{
    for (size_t i = 0; i < ps->v.n; i++) {
        const CmpPolicy *p = &ps->v.v[i];
        if (p->status != CMP_FAILED) continue;
        Diag *d = diag_add(dl, DIAG_ERROR, "compose.policy-failed", &p->span,
                           "policy does not hold: %s", p->text);
        diag_note(d, NULL, "witness: %s", p->witness);
        for (size_t k = 0; k < p->wedges.n; k++) {
            bool seen = false;
            for (size_t j = 0; j < k; j++) seen |= p->wedges.v[j] == p->wedges.v[k];
            if (!seen) edge_note(d, g, &g->edges.v[p->wedges.v[k]]);
        }
    }
}
