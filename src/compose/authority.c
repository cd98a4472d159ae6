/*
 * Authority (I) and the influence graph.
 *
 * The kernel contract K makes the SDF the whole truth about authority: a
 * PD touches memory only through its maps, signals only through channel
 * ends with notify, calls only through ends with pp, and hears hardware
 * only through its IRQs (reference §1.3, §2.2: these are exactly the caps
 * the Microkit tool puts in each PD's CSpace and VSpace). So every way one
 * party can affect another is an edge here, and "A cannot affect B" is the
 * absence of a path. Shared regions are nodes, so a flow through memory is
 * writer -> region -> reader.
 *
 * Devices are the one party the SDF does not confine: a device's register
 * region stands for the device, which interrupts its IRQ owner and may
 * DMA into every region whose physical address the system hands out
 * (phys_addr, or <setvar region_paddr>), unless a policy file assumes it
 * does not (`assume no_dma`). Both are trusted assumptions in the ledger.
 */
#include "compose_int.h"

#include <string.h>

Span cmp_span_at(SrcMgr *sm, uint32_t file, size_t off, size_t n)
{
    SrcFile *f = sm->files.v[file];
    uint32_t lo = 0, hi = f->nlines ? f->nlines : 1;
    while (hi - lo > 1) {
        uint32_t mid = (lo + hi) / 2;
        if (f->line_starts[mid] <= off) lo = mid;
        else hi = mid;
    }
    Span sp = {.file = file, .line = lo + 1};
    sp.eline = sp.line;
    sp.col = (uint32_t)(off - (f->nlines ? f->line_starts[lo] : 0) + 1);
    sp.ecol = sp.col + (uint32_t)(n ? n - 1 : 0);
    return sp;
}

uint32_t cmp_add_text(SrcMgr *sm, const char *name, const char *text, size_t len,
                      const char **copy)
{
    char *c = xmalloc(len + 1);
    memcpy(c, text, len);
    c[len] = 0;
    *copy = c;
    return srcmgr_add(sm, name, c, len);
}

void cmp_perms_str(unsigned perms, char out[4])
{
    size_t n = 0;
    if (perms & SIM_PERM_R) out[n++] = 'r';
    if (perms & SIM_PERM_W) out[n++] = 'w';
    if (perms & SIM_PERM_X) out[n++] = 'x';
    out[n] = 0;
}

void cmp_json_key(StrBuf *b, const char *k)
{
    sb_json_str(b, k, strlen(k));
    sb_putc(b, ':');
}

void cmp_json_kv(StrBuf *b, const char *k, const char *v)
{
    cmp_json_key(b, k);
    if (v) sb_json_str(b, v, strlen(v));
    else sb_puts(b, "null");
}

/* ---- well-formedness beyond the Microkit tool's rules ------------------- */

static bool pd_is_invoked(const SimSystem *s, size_t p)
{
    for (size_t c = 0; c < s->channels.n; c++)
        for (int e = 0; e < 2; e++) {
            const SimEnd *from = &s->channels.v[c].end[e];
            if ((size_t)s->channels.v[c].end[1 - e].pd == p && (from->notify || from->pp))
                return true;
        }
    return s->pds.v[p].irqs.n > 0;
}

bool cmp_wellformed(const SimSystem *s, DiagList *dl)
{
    size_t errs = dl->nerrors;
    for (size_t c = 0; c < s->channels.n; c++) {
        const SimChannel *ch = &s->channels.v[c];
        if (!ch->end[0].notify && !ch->end[1].notify && !ch->end[0].pp && !ch->end[1].pp)
            diag_add(dl, DIAG_WARNING, "compose.wf", &ch->span,
                     "channel between '%s' and '%s' grants nothing (no end may notify or "
                     "call)", s->pds.v[ch->end[0].pd].name, s->pds.v[ch->end[1].pd].name);
    }
    for (size_t p = 0; p < s->pds.n; p++) {
        const SimPd *pd = &s->pds.v[p];
        for (size_t i = 0; i < pd->maps.n; i++) {
            const SimMap *m = &pd->maps.v[i];
            if ((m->perms & SIM_PERM_W) && (m->perms & SIM_PERM_X))
                diag_add(dl, DIAG_WARNING, "compose.wf", &m->span,
                         "'%s' maps '%s' writable and executable: whoever can write the "
                         "region can run code as '%s'", pd->name, s->mrs.v[m->mr].name,
                         pd->name);
            for (size_t j = 0; j < i; j++)
                if (pd->maps.v[j].mr == m->mr) {
                    Diag *d = diag_add(dl, DIAG_WARNING, "compose.wf", &m->span,
                                       "'%s' maps '%s' twice", pd->name, s->mrs.v[m->mr].name);
                    diag_note(d, &pd->maps.v[j].span, "first map");
                    break;
                }
        }
        if (pd->passive && !pd_is_invoked(s, p))
            diag_add(dl, DIAG_WARNING, "compose.wf", &pd->span,
                     "passive protection domain '%s' can never run after init: no channel "
                     "lets anyone notify or call it and it has no IRQ", pd->name);
    }
    return dl->nerrors == errs;
}

/* ---- the graph ---------------------------------------------------------- */

static void add_edge(CmpGraph *g, CmpEdge e)
{
    vec_push(&g->out[e.from], g->edges.n);
    vec_push(&g->edges, e);
}

static CmpEdge edge(CmpEdgeKind k, int from, int to, int pd)
{
    return (CmpEdge){.kind = k, .from = from, .to = to, .pd = pd, .map = -1, .channel = -1,
                     .irq = -1};
}

static void add_maps(CmpGraph *g)
{
    const SimSystem *s = g->s;
    for (size_t p = 0; p < s->pds.n; p++)
        for (size_t i = 0; i < s->pds.v[p].maps.n; i++) {
            const SimMap *m = &s->pds.v[p].maps.v[i];
            int mr = (int)g->npd + m->mr;
            CmpEdge e;
            if (m->perms & SIM_PERM_W) {
                e = edge(CMP_E_WRITE, (int)p, mr, (int)p);
                e.map = (int)i;
                add_edge(g, e);
            }
            if (m->perms & SIM_PERM_R) {
                e = edge(CMP_E_READ, mr, (int)p, (int)p);
                e.map = (int)i;
                add_edge(g, e);
            }
            if (m->perms & SIM_PERM_X) {
                e = edge(CMP_E_EXEC, mr, (int)p, (int)p);
                e.map = (int)i;
                add_edge(g, e);
            }
        }
}

static void add_channels(CmpGraph *g)
{
    const SimSystem *s = g->s;
    for (size_t c = 0; c < s->channels.n; c++)
        for (int k = 0; k < 2; k++) {
            const SimEnd *a = &s->channels.v[c].end[k], *b = &s->channels.v[c].end[1 - k];
            CmpEdge e;
            if (a->notify) {
                e = edge(CMP_E_NOTIFY, a->pd, b->pd, a->pd);
                e.channel = (int)c, e.end = k;
                add_edge(g, e);
            }
            if (a->pp) {
                e = edge(CMP_E_PPC, a->pd, b->pd, a->pd);
                e.channel = (int)c, e.end = k;
                add_edge(g, e);
                e = edge(CMP_E_REPLY, b->pd, a->pd, b->pd);
                e.channel = (int)c, e.end = 1 - k;
                add_edge(g, e);
            }
        }
}

/* Child PDs (Microkit's nested protection_domain): the parent's
 * authority over each child, and what flows back to it. */
static void add_children(CmpGraph *g)
{
    const SimSystem *s = g->s;
    for (size_t p = 0; p < s->pds.n; p++) {
        int parent = s->pds.v[p].parent;
        if (parent < 0) continue;
        add_edge(g, edge(CMP_E_CONTROL, parent, (int)p, parent));
        add_edge(g, edge(CMP_E_FAULT, (int)p, parent, parent));
    }
}

static void add_devices(CmpGraph *g, const bool *no_dma)
{
    const SimSystem *s = g->s;
    for (size_t p = 0; p < s->pds.n; p++)
        for (size_t i = 0; i < s->pds.v[p].irqs.n; i++)
            for (size_t d = 0; d < s->devs.n; d++)
                if (s->devs.v[d].irq == s->pds.v[p].irqs.v[i].irq && s->devs.v[d].mr >= 0) {
                    CmpEdge e = edge(CMP_E_IRQ, (int)g->npd + s->devs.v[d].mr, (int)p, -1);
                    e.irq = (int)i;
                    add_edge(g, e);
                }
    for (size_t m = 0; m < s->mrs.n; m++)
        g->dma_target[m] = s->mrs.v[m].device < 0 && s->mrs.v[m].has_paddr;
    for (size_t d = 0; d < s->mrs.n; d++) {
        if (s->mrs.v[d].device < 0 || (no_dma && no_dma[d])) continue;
        for (size_t m = 0; m < s->mrs.n; m++) {
            if (!g->dma_target[m]) continue;
            int dn = (int)(g->npd + d), mn = (int)(g->npd + m);
            add_edge(g, edge(CMP_E_DMA_WRITE, dn, mn, -1));
            add_edge(g, edge(CMP_E_DMA_READ, mn, dn, -1));
        }
    }
}

void cmp_graph_build(CmpGraph *g, const SimSystem *s, const bool *no_dma)
{
    memset(g, 0, sizeof *g);
    g->s = s;
    g->npd = s->pds.n;
    g->nmr = s->mrs.n;
    g->nnodes = g->npd + g->nmr;
    g->out = xcalloc(g->nnodes ? g->nnodes : 1, sizeof *g->out);
    g->no_dma = xcalloc(g->nmr ? g->nmr : 1, sizeof *g->no_dma);
    g->dma_target = xcalloc(g->nmr ? g->nmr : 1, sizeof *g->dma_target);
    if (no_dma) memcpy(g->no_dma, no_dma, g->nmr * sizeof *g->no_dma);
    add_maps(g);
    add_channels(g);
    add_children(g);
    add_devices(g, no_dma);
}

void cmp_graph_free(CmpGraph *g)
{
    for (size_t i = 0; i < g->nnodes; i++) vec_free(&g->out[i]);
    free(g->out);
    free(g->no_dma);
    free(g->dma_target);
    vec_free(&g->edges);
    memset(g, 0, sizeof *g);
}

const char *cmp_node_name(const CmpGraph *g, int node)
{
    if ((size_t)node < g->npd) return g->s->pds.v[node].name;
    return g->s->mrs.v[(size_t)node - g->npd].name;
}

bool cmp_node_is_pd(const CmpGraph *g, int node) { return (size_t)node < g->npd; }

int cmp_node_find(const CmpGraph *g, const char *name)
{
    int p = sim_pd_index(g->s, name);
    if (p >= 0) return p;
    int m = sim_mr_index(g->s, name);
    return m >= 0 ? (int)g->npd + m : -1;
}

static const SimMap *edge_map(const CmpGraph *g, const CmpEdge *e)
{
    return e->map >= 0 ? &g->s->pds.v[e->pd].maps.v[e->map] : NULL;
}

void cmp_edge_label(const CmpGraph *g, const CmpEdge *e, StrBuf *b)
{
    const SimSystem *s = g->s;
    const SimMap *m = edge_map(g, e);
    char perms[4] = "";
    if (m) cmp_perms_str(m->perms, perms);
    const SimChannel *ch = e->channel >= 0 ? &s->channels.v[e->channel] : NULL;
    switch (e->kind) {
    case CMP_E_WRITE:
        sb_printf(b, "write(%s map at 0x%llx)", perms, (unsigned long long)m->vaddr);
        break;
    case CMP_E_READ:
    case CMP_E_EXEC:
        sb_printf(b, "%s(%s map at 0x%llx)", e->kind == CMP_E_READ ? "read" : "exec", perms,
                  (unsigned long long)m->vaddr);
        break;
    case CMP_E_NOTIFY:
    case CMP_E_PPC:
    case CMP_E_REPLY:
        sb_printf(b, "%s(channel %u -> %u)",
                  e->kind == CMP_E_NOTIFY ? "notify" : e->kind == CMP_E_PPC ? "ppc" : "reply",
                  ch->end[e->end].id, ch->end[1 - e->end].id);
        break;
    case CMP_E_IRQ:
        sb_printf(b, "irq %llu(id %u)", (unsigned long long)s->pds.v[e->to].irqs.v[e->irq].irq,
                  s->pds.v[e->to].irqs.v[e->irq].id);
        break;
    case CMP_E_DMA_WRITE:
        sb_puts(b, "dma write");
        break;
    case CMP_E_DMA_READ:
        sb_puts(b, "dma read");
        break;
    case CMP_E_CONTROL:
        sb_printf(b, "control(child id %u: stop, restart, registers)", s->pds.v[e->to].child_id);
        break;
    case CMP_E_FAULT:
        sb_printf(b, "fault(child id %u: faults, registers)", s->pds.v[e->from].child_id);
        break;
    }
}

void cmp_path_print(const CmpGraph *g, const int *edges, size_t n, int from, StrBuf *b)
{
    sb_puts(b, cmp_node_name(g, from));
    for (size_t i = 0; i < n; i++) {
        const CmpEdge *e = &g->edges.v[edges[i]];
        sb_puts(b, " --");
        cmp_edge_label(g, e, b);
        sb_puts(b, "--> ");
        sb_puts(b, cmp_node_name(g, e->to));
    }
}

bool cmp_path(const CmpGraph *g, int from, int to, CmpEdgeFilter allow, void *ctx,
              CmpIntVec *path)
{
    path->n = 0;
    /* BFS over nodes; via[n] = edge that first reached n (-1: not yet).
     * The start node counts as unreached so a cycle back to it is found. */
    int *via = xmalloc(g->nnodes * sizeof *via);
    int *queue = xmalloc(g->nnodes * sizeof *queue);
    for (size_t i = 0; i < g->nnodes; i++) via[i] = -1;
    size_t qh = 0, qt = 0;
    queue[qt++] = from;
    bool found = false;
    while (qh < qt && !found) {
        int n = queue[qh++];
        for (size_t k = 0; k < g->out[n].n && !found; k++) {
            int ei = g->out[n].v[k];
            const CmpEdge *e = &g->edges.v[ei];
            if (via[e->to] >= 0 || (allow && !allow(g, e, ctx))) continue;
            via[e->to] = ei;
            if (e->to == to) found = true;
            else if (e->to != from) queue[qt++] = e->to;
        }
    }
    if (found) {
        size_t len = 0;
        for (int n = to;; n = g->edges.v[via[n]].from) {
            len++;
            if (g->edges.v[via[n]].from == from) break;
        }
        for (size_t i = 0; i < len; i++) vec_push(path, 0);
        size_t i = len;
        for (int n = to;; n = g->edges.v[via[n]].from) {
            path->v[--i] = via[n];
            if (g->edges.v[via[n]].from == from) break;
        }
    }
    free(via);
    free(queue);
    return found;
}

/* ---- the authority table -------------------------------------------------- */

/* Calls fn for every channel end of PD p (end k of channel c). */
#define FOR_ENDS(s, p, c, k)                                     \
    for (size_t c = 0; c < (s)->channels.n; c++)                 \
        for (int k = 0; k < 2; k++)                              \
            if ((size_t)(s)->channels.v[c].end[k].pd == (p))

void cmp_authority_json(const CmpGraph *g, StrBuf *b)
{
    const SimSystem *s = g->s;
    sb_putc(b, '[');
    for (size_t p = 0; p < s->pds.n; p++) {
        const SimPd *pd = &s->pds.v[p];
        sb_puts(b, p ? ",{" : "{");
        cmp_json_kv(b, "pd", pd->name);
        sb_printf(b, ",\"priority\":%u,\"passive\":%s,\"maps\":[", pd->priority,
                  pd->passive ? "true" : "false");
        for (size_t i = 0; i < pd->maps.n; i++) {
            const SimMap *m = &pd->maps.v[i];
            char perms[4];
            cmp_perms_str(m->perms, perms);
            sb_puts(b, i ? ",{" : "{");
            cmp_json_kv(b, "mr", s->mrs.v[m->mr].name);
            sb_printf(b, ",\"vaddr\":%llu,\"end\":%llu,", (unsigned long long)m->vaddr,
                      (unsigned long long)(m->vaddr + s->mrs.v[m->mr].size));
            cmp_json_kv(b, "perms", perms);
            sb_printf(b, ",\"device\":%s}", s->mrs.v[m->mr].device >= 0 ? "true" : "false");
        }
        sb_puts(b, "],\"channels\":[");
        bool first = true;
        FOR_ENDS(s, p, c, k) {
            const SimEnd *me = &s->channels.v[c].end[k], *peer = &s->channels.v[c].end[1 - k];
            sb_puts(b, first ? "{" : ",{");
            first = false;
            sb_printf(b, "\"id\":%u,", me->id);
            cmp_json_kv(b, "peer", s->pds.v[peer->pd].name);
            sb_printf(b, ",\"peer_id\":%u,\"may_notify\":%s,\"may_call\":%s,"
                      "\"notified_by_peer\":%s,\"called_by_peer\":%s}",
                      peer->id, me->notify ? "true" : "false", me->pp ? "true" : "false",
                      peer->notify ? "true" : "false", peer->pp ? "true" : "false");
        }
        sb_puts(b, "],\"irqs\":[");
        for (size_t i = 0; i < pd->irqs.n; i++)
            sb_printf(b, "%s{\"id\":%u,\"irq\":%llu}", i ? "," : "", pd->irqs.v[i].id,
                      (unsigned long long)pd->irqs.v[i].irq);
        sb_puts(b, "],\"parent\":");
        if (pd->parent >= 0) sb_json_str(b, s->pds.v[pd->parent].name, strlen(s->pds.v[pd->parent].name));
        else sb_puts(b, "null");
        sb_puts(b, ",\"children\":[");
        bool firstc = true;
        for (size_t q = 0; q < s->pds.n; q++)
            if (s->pds.v[q].parent == (int)p) {
                sb_puts(b, firstc ? "{" : ",{");
                firstc = false;
                cmp_json_kv(b, "name", s->pds.v[q].name);
                sb_printf(b, ",\"id\":%u}", s->pds.v[q].child_id);
            }
        sb_puts(b, "]}");
    }
    sb_putc(b, ']');
}

void cmp_authority_text(const CmpGraph *g, StrBuf *b)
{
    const SimSystem *s = g->s;
    for (size_t p = 0; p < s->pds.n; p++) {
        const SimPd *pd = &s->pds.v[p];
        sb_printf(b, "  %s (priority %u%s)\n", pd->name, pd->priority,
                  pd->passive ? ", passive" : "");
        for (size_t i = 0; i < pd->maps.n; i++) {
            const SimMap *m = &pd->maps.v[i];
            const SimMr *mr = &s->mrs.v[m->mr];
            char perms[4];
            cmp_perms_str(m->perms, perms);
            sb_printf(b, "    %-3s %-28s [0x%llx..0x%llx)%s\n", perms, mr->name,
                      (unsigned long long)m->vaddr, (unsigned long long)(m->vaddr + mr->size),
                      mr->device >= 0 ? "  device registers" : "");
        }
        FOR_ENDS(s, p, c, k) {
            const SimEnd *me = &s->channels.v[c].end[k], *peer = &s->channels.v[c].end[1 - k];
            sb_printf(b, "    ch %-2u %s%s%s %s (its id %u)\n", me->id,
                      me->notify ? "notify" : "", me->notify && me->pp ? "+" : "",
                      me->pp ? "call" : (me->notify ? "" : "receive-only"),
                      s->pds.v[peer->pd].name, peer->id);
        }
        for (size_t i = 0; i < pd->irqs.n; i++)
            sb_printf(b, "    irq %llu as id %u\n", (unsigned long long)pd->irqs.v[i].irq,
                      pd->irqs.v[i].id);
        for (size_t q = 0; q < s->pds.n; q++)
            if (s->pds.v[q].parent == (int)p)
                sb_printf(b, "    child %s as id %u: stop, restart, registers; receives its faults\n",
                          s->pds.v[q].name, s->pds.v[q].child_id);
    }
}

/* ---- influence ------------------------------------------------------------ */

bool *cmp_reach(const CmpGraph *g, int from)
{
    bool *seen = xcalloc(g->nnodes + 1, 1);
    int *queue = xmalloc((g->nnodes + 1) * sizeof *queue);
    size_t qh = 0, qt = 0;
    queue[qt++] = from;
    while (qh < qt) {
        int u = queue[qh++];
        for (size_t k = 0; k < g->out[u].n; k++) {
            int v = g->edges.v[g->out[u].v[k]].to;
            if (seen[v]) continue;
            seen[v] = true;
            queue[qt++] = v;
        }
    }
    free(queue);
    return seen;
}

/* Names of the nodes in set (PDs or regions), as `sep`-separated text or
 * JSON strings. */
static void names(const CmpGraph *g, const bool *set, bool pds, bool json, StrBuf *b)
{
    bool any = false;
    for (size_t n = 0; n < g->nnodes; n++) {
        if (!set[n] || cmp_node_is_pd(g, (int)n) != pds) continue;
        if (any) sb_puts(b, json ? "," : ", ");
        if (json) sb_json_str(b, cmp_node_name(g, (int)n), strlen(cmp_node_name(g, (int)n)));
        else sb_puts(b, cmp_node_name(g, (int)n));
        any = true;
    }
    if (!any && !json) sb_puts(b, "nothing");
}

/* affected_by[p] = PDs that reach p. */
static bool *affected_by(const CmpGraph *g, bool **reach, size_t p)
{
    bool *by = xcalloc(g->nnodes + 1, 1);
    for (size_t q = 0; q < g->npd; q++) by[q] = q != p && reach[q][p];
    return by;
}

static void influence(const CmpGraph *g, StrBuf *b, bool json)
{
    bool **reach = xcalloc(g->npd + 1, sizeof *reach);
    for (size_t p = 0; p < g->npd; p++) reach[p] = cmp_reach(g, (int)p);
    if (json) sb_putc(b, '{');
    for (size_t p = 0; p < g->npd; p++) {
        bool *by = affected_by(g, reach, p);
        const char *name = cmp_node_name(g, (int)p);
        if (json) {
            if (p) sb_putc(b, ',');
            cmp_json_key(b, name);
            sb_puts(b, "{\"affects_pds\":[");
            names(g, reach[p], true, true, b);
            sb_puts(b, "],\"affects_regions\":[");
            names(g, reach[p], false, true, b);
            sb_puts(b, "],\"affected_by\":[");
            names(g, by, true, true, b);
            sb_puts(b, "]}");
        } else {
            sb_printf(b, "  %s\n    affects PDs: ", name);
            names(g, reach[p], true, false, b);
            sb_puts(b, "\n    affects regions: ");
            names(g, reach[p], false, false, b);
            sb_puts(b, "\n    affected by: ");
            names(g, by, true, false, b);
            sb_puts(b, "\n");
        }
        free(by);
    }
    if (json) sb_putc(b, '}');
    for (size_t p = 0; p < g->npd; p++) free(reach[p]);
    free(reach);
}

void cmp_influence_text(const CmpGraph *g, StrBuf *b) { influence(g, b, false); }
void cmp_influence_json(const CmpGraph *g, StrBuf *b) { influence(g, b, true); }
