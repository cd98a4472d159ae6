/*
 * The assurance ledger: every system-level claim with the obligations it
 * was derived from, each obligation's status and evidence, what remains
 * trusted, and how much of the system the discharged claims cover.
 *
 * Claims are the policy statements. Each rests on
 *   WF    the SDF is well-formed (we only get here if it is),
 *   I<n>  the statement holds on the authority graph of the SDF (decided),
 *   K     seL4 gives each PD exactly the authority its capabilities say
 *         (trusted: kernel proofs; the SDF -> capabilities step of the
 *         Microkit tool is unverified),
 *   INIT  the booted system holds the SDF's authority (discharged or
 *         failed when a --dump-state was compared, trusted otherwise),
 *   DMA   devices DMA only where the model says (trusted, only when the
 *         system has devices), and each `assume no_dma` it used.
 * Contracts (bridge obligations P) need the verifier; each contract given
 * is an obligation of status unknown until then.
 *
 * One model (Ledger) is built from the inputs and rendered by one function
 * per format, so text, JSON and Markdown always say the same thing.
 */
#include "compose_int.h"

#include <string.h>

typedef struct Oblig {
    const char *id;          /* "I1", "K", "INIT", "DMA", "A1", "P1" */
    const char *kind;        /* authority, kernel, initialisation, hardware, assumption, contract */
    const char *text;
    CmpStatus status;
    const char *evidence;    /* or the reason it is trusted / unknown */
    const char *witness;     /* failed authority obligations */
} Oblig;

typedef struct Claim {
    const CmpPolicy *p;      /* a policy claim, or NULL (a connector claim) */
    const char *text, *label, *witness;
    int mr, channel;         /* connector claims: the region or channel covered */
    const char *id;
    CmpStatus status;
    CmpIntVec from;          /* obligation indices */
} Claim;

typedef struct Cov {
    size_t have, total;
} Cov;

typedef struct Ledger {
    Arena a;
    const CmpLedgerIn *in;
    VEC(Oblig) ob;
    VEC(Claim) cl;
    Cov pds, mrs, chans, entries;
    bool *pd_cov, *mr_cov;
    int wf, k, init, dma;    /* obligation indices (dma -1 without devices) */
    int *lob;                /* per contract i: its L at [i], its N at [ncontracts + i] (-1: none) */
} Ledger;

static int add_ob(Ledger *l, Oblig o)
{
    vec_push(&l->ob, o);
    return (int)l->ob.n - 1;
}

static bool has_devices(const SimSystem *s)
{
    for (size_t m = 0; m < s->mrs.n; m++)
        if (s->mrs.v[m].device >= 0) return true;
    return false;
}

static void fixed_obligations(Ledger *l)
{
    const CmpLedgerIn *in = l->in;
    Arena *a = &l->a;
    l->wf = add_ob(l, (Oblig){"WF", "well-formedness",
        "the system description is well-formed (the Microkit tool's rules and compose's)",
        CMP_DISCHARGED, arena_printf(a, "checked by sim_load and cmp_wellformed: %zu warning%s "
                                     "(reported as diagnostics)", in->nwarnings,
                                     in->nwarnings == 1 ? "" : "s"), NULL});
    l->k = add_ob(l, (Oblig){"K", "kernel",
        "seL4 gives each protection domain exactly the authority of the SDF: no mapping, no "
        "access; no channel end, no signal or call; no IRQ, no interrupt",
        CMP_TRUSTED, "seL4's integrity and authority-confinement proofs (l4v) for the kernel; "
        "the Microkit tool's translation of the SDF into capabilities is not verified", NULL});
    Oblig init = {"INIT", "initialisation",
                  "the booted system holds exactly the SDF's authority (reference 2.3)",
                  CMP_TRUSTED, "not compared in this run: the Microkit tool and the capDL "
                  "initialiser are trusted (use --init-state FILE or --init-run)", NULL};
    if (in->init && in->init->checked) {
        init.status = in->init->diffs.n ? CMP_FAILED : CMP_DISCHARGED;
        StrBuf b = {0};
        sb_printf(&b, "%zu facts of %s compared, %zu differences", in->init->ncompared,
                  in->init->source, in->init->diffs.n);
        for (size_t i = 0; i < in->init->diffs.n; i++)
            sb_printf(&b, "\n%s", in->init->diffs.v[i]);
        char *t = sb_take(&b);
        init.evidence = arena_strndup(a, t, strlen(t));
        free(t);
    }
    l->init = add_ob(l, init);
    l->dma = -1;
    if (!has_devices(in->s)) return;
    StrBuf b = {0};
    sb_puts(&b, "devices reach by DMA only regions whose physical address the system hands "
            "out:");
    bool any = false;
    for (size_t m = 0; m < in->g->nmr; m++)
        if (in->g->dma_target[m]) sb_printf(&b, "%s %s", any ? "," : "", in->s->mrs.v[m].name), any = true;
    if (!any) sb_puts(&b, " none");
    char *t = sb_take(&b);
    l->dma = add_ob(l, (Oblig){"DMA", "hardware", arena_strndup(a, t, strlen(t)), CMP_TRUSTED,
                               "hardware behaviour: the SDF gives no IOMMU, so nothing enforces "
                               "it", NULL});
    free(t);
}

static void policy_claims(Ledger *l)
{
    const CmpPolicySet *ps = l->in->ps;
    VEC(int) assumptions = {0};
    for (size_t i = 0; ps && i < ps->v.n; i++) {
        const CmpPolicy *p = &ps->v.v[i];
        if (p->kind != CMP_P_NO_DMA) continue;
        const char *id = arena_printf(&l->a, "A%zu", assumptions.n + 1);
        const char *text = arena_printf(&l->a, "the device of '%s' is not a bus master (does "
                                        "no DMA)", p->a_name);
        vec_push(&assumptions, add_ob(l, (Oblig){id, "assumption", text, CMP_TRUSTED,
                                                 p->label ? p->label : "stated in a policy file",
                                                 NULL}));
    }
    size_t n = 0;
    for (size_t i = 0; ps && i < ps->v.n; i++) {
        const CmpPolicy *p = &ps->v.v[i];
        if (p->kind == CMP_P_NO_DMA) continue;
        n++;
        Claim c = {.p = p, .mr = -1, .channel = -1, .text = p->text, .label = p->label, .witness = p->witness,
                   .id = arena_printf(&l->a, "C%zu", n)};
        Oblig o = {arena_printf(&l->a, "I%zu", n), "authority",
                   arena_printf(&l->a, "%s holds on the SDF's authority graph", p->text),
                   p->status, p->evidence, p->witness};
        vec_push(&c.from, l->wf);
        vec_push(&c.from, add_ob(l, o));
        vec_push(&c.from, l->k);
        vec_push(&c.from, l->init);
        if (p->uses_dma && l->dma >= 0) {
            vec_push(&c.from, l->dma);
            for (size_t k = 0; k < assumptions.n; k++) vec_push(&c.from, assumptions.v[k]);
        }
        vec_push(&l->cl, c);
    }
    vec_free(&assumptions);
}

/* L<n>: a contract's guarantees on regions hold of the component's code:
 * trusted with the contract's reason, the griddle verify result of its
 * `source` files against the model generated from the contract (issue 7
 * part 4c, bound by the caller), or unknown when it names none.
 * N<n>: its notify clauses hold whenever the code notifies: trusted with
 * the reason, else unknown (not yet bound to the code). */
static int local_obligation(Ledger *l, const CmpContract *c, bool notify, int *lob)
{
    size_t i = (size_t)(c - l->in->contracts->v.v);
    size_t slot = notify ? l->in->contracts->v.n + i : i;
    if (lob[slot] >= 0) return lob[slot];
    const char *pd = l->in->s->pds.v[c->pd].name;
    Oblig o = {arena_printf(&l->a, "%c%zu", notify ? 'N' : 'L', i + 1), "component",
               notify ? arena_printf(&l->a, "the notify clauses of %s hold whenever '%s' notifies",
                                     c->path, pd)
                      : arena_printf(&l->a, "the guarantees of %s hold of every store of '%s'",
                                     c->path, pd),
               CMP_UNKNOWN, NULL, NULL};
    if (c->trusted) {
        o.status = CMP_TRUSTED;
        o.evidence = arena_printf(&l->a, "trusted: %s", c->trust_reason);
    } else if (notify && c->ev_text) {
        /* one run proves the stores and the notifications: microkit_notify
         * requires the notify clauses over the words the code wrote */
        o.status = c->ev_status;
        o.evidence = arena_printf(&l->a, "%s; the notify clauses are the precondition of "
                                  "microkit_notify in the generated model", c->ev_text);
    } else if (notify) {
        o.evidence = "no evidence: the contract names no 'source' to verify; mark it trusted "
                     "with a reason, or leave it unknown";
    } else if (c->ev_text) {
        o.status = c->ev_status;
        o.evidence = arena_printf(&l->a, "%s", c->ev_text);
    } else {
        o.evidence = "no evidence: the contract names no 'source' to verify; mark it trusted "
                     "with a reason, or leave it unknown";
    }
    lob[slot] = add_ob(l, o);
    return lob[slot];
}

static void push_once(CmpIntVec *v, int x)
{
    for (size_t i = 0; i < v->n; i++)
        if (v->v[i] == x) return;
    vec_push(v, x);
}

/* I<n> for a connector on a region: who can write it, from the authority
 * graph (the bridges are enumerated from exactly these writers). */
static int writers_obligation(Ledger *l, int mr)
{
    const CmpGraph *g = l->in->g;
    const char *name = l->in->s->mrs.v[mr].name;
    const char *text = arena_printf(&l->a, "the writers of '%s' on the SDF's authority graph "
                                    "are exactly those its bridge obligations name", name);
    for (size_t i = 0; i < l->ob.n; i++)    /* one per region, shared by its claims */
        if (!strcmp(l->ob.v[i].text, text)) return (int)i;
    StrBuf b = {0};
    sb_printf(&b, "PDs that map '%s' writable:", name);
    size_t n = 0, ndev = 0;
    for (size_t i = 0; i < g->edges.n; i++) {
        const CmpEdge *e = &g->edges.v[i];
        if (e->to != (int)g->npd + mr) continue;
        if (e->kind == CMP_E_WRITE) sb_printf(&b, "%s %s", n++ ? "," : "", cmp_node_name(g, e->from));
        ndev += e->kind == CMP_E_DMA_WRITE;
    }
    if (!n) sb_puts(&b, " none");
    sb_printf(&b, "; %s", ndev ? "devices DMA into it (bridges of kind device)" : "no device DMAs into it");
    char *t = sb_take(&b);
    size_t nauth = 0;
    for (size_t i = 0; i < l->ob.n; i++) nauth += !strcmp(l->ob.v[i].kind, "authority");
    Oblig o = {arena_printf(&l->a, "I%zu", nauth + 1), "authority", text,
               CMP_DISCHARGED, arena_strndup(&l->a, t, strlen(t)), NULL};
    free(t);
    return add_ob(l, o);
}

/* P<n> per bridge obligation; one claim per rely and per assumption, from
 * its bridges and the promises they use. */
static void contract_claims(Ledger *l)
{
    const CmpContractSet *cs = l->in->contracts;
    const CmpBridgeSet *bs = l->in->bridges;
    if (!cs || !bs) return;
    const SimSystem *s = l->in->s;
    int *lob = l->lob = arena_alloc(&l->a, (2 * cs->v.n + 1) * sizeof *lob);
    for (size_t i = 0; i < 2 * cs->v.n; i++) lob[i] = -1;
    int *pob = xmalloc((bs->v.n + 1) * sizeof *pob);
    for (size_t i = 0; i < bs->v.n; i++) {
        const CmpBridge *b = &bs->v.v[i];
        pob[i] = add_ob(l, (Oblig){arena_printf(&l->a, "P%zu", i + 1), "bridge", b->text,
                                   b->status, b->evidence, NULL});
    }
    /* Every component's promises are in the ledger, used by a claim or
     * not: a verified component that fails is a failure of the system. */
    for (size_t i = 0; i < cs->v.n; i++) {
        const CmpContract *c = &cs->v.v[i];
        bool g = false, n = false;
        for (size_t k = 0; k < c->clauses.n; k++) {
            g |= c->clauses.v[k].kind == CMP_C_GUARANTEE;
            n |= c->clauses.v[k].kind == CMP_C_NOTIFY;
        }
        if (g || c->sources.n) local_obligation(l, c, false, lob);
        if (n) local_obligation(l, c, true, lob);
    }
    for (size_t i = 0; i < bs->v.n; i++) {
        const CmpClause *r = bs->v.v[i].r;
        if (bs->v.v[i].kind == CMP_B_FRAME) continue;
        bool first = true;
        for (size_t k = 0; k < i; k++) first &= bs->v.v[k].r != r;
        if (!first) continue;
        const CmpBridge *b0 = &bs->v.v[i];
        const char *rd = s->pds.v[b0->reader].name;
        Claim c = {.id = arena_printf(&l->a, "C%zu", l->cl.n + 1), .mr = r->mr,
                   .channel = b0->channel};
        c.text = r->kind == CMP_C_RELY
            ? arena_printf(&l->a, "connector '%s': every word '%s' reads from it satisfies its "
                           "rely", s->mrs.v[r->mr].name, rd)
            : r->kind == CMP_C_INVARIANT
            ? arena_printf(&l->a, "region '%s': the invariant '%s' states of it holds at all "
                           "times", s->mrs.v[r->mr].name, rd)
            : arena_printf(&l->a, "connector channel %u of '%s': its assumption holds whenever "
                           "it is notified", r->id, rd);
        vec_push(&c.from, l->wf);
        if (r->kind != CMP_C_ASSUME) vec_push(&c.from, writers_obligation(l, r->mr));
        /* region bridges assume the region's invariants: their proofs too */
        for (size_t k = 0; r->kind == CMP_C_RELY && k < bs->v.n; k++)
            if (bs->v.v[k].r->kind == CMP_C_INVARIANT && bs->v.v[k].mr == r->mr)
                push_once(&c.from, pob[k]);
        bool device = false;
        for (size_t k = i; k < bs->v.n; k++) {
            const CmpBridge *b = &bs->v.v[k];
            if (b->r != r) continue;
            vec_push(&c.from, pob[k]);
            device |= b->kind == CMP_B_DEVICE;
            if (b->g && b->wc) {
                int lo = local_obligation(l, b->wc, b->g->kind == CMP_C_NOTIFY, lob);
                push_once(&c.from, lo);
                /* the frames its binding rests on (the words it tracks or
                 * keeps a lower bound of) and, for code verified against
                 * its contract, the proofs of the invariants its loads
                 * assume */
                for (size_t q = 0; q < bs->v.n; q++)
                    if (bs->v.v[q].rc == b->wc &&
                        (bs->v.v[q].kind == CMP_B_FRAME ||
                         (b->wc->sources.n && bs->v.v[q].r->kind == CMP_C_INVARIANT)))
                        push_once(&c.from, pob[q]);
            }
        }
        vec_push(&c.from, l->k);
        vec_push(&c.from, l->init);
        if (device && l->dma >= 0) vec_push(&c.from, l->dma);
        vec_push(&l->cl, c);
    }
    free(pob);
}

static CmpStatus combine(CmpStatus a, CmpStatus b)
{
    if (a == CMP_FAILED || b == CMP_FAILED) return CMP_FAILED;
    if (a == CMP_UNKNOWN || b == CMP_UNKNOWN) return CMP_UNKNOWN;
    return CMP_DISCHARGED;
}

const char *const cmp_entry_names[4] = {"init", "notified", "protected", "fault"};

/* The contract of PD p whose promises are discharged by verified code, or
 * NULL: its L (and N) discharged, not trusted. */
static const CmpContract *verified_contract(const Ledger *l, size_t p)
{
    const CmpContractSet *cs = l->in->contracts;
    for (size_t i = 0; cs && i < cs->v.n; i++) {
        const CmpContract *c = &cs->v.v[i];
        if ((size_t)c->pd != p || c->trusted || !c->sources.n) continue;
        bool ok = c->ev_status == CMP_DISCHARGED;
        for (int k = 0; k < 2; k++) {
            int o = l->lob ? l->lob[(size_t)k * cs->v.n + i] : -1;
            ok &= o < 0 || l->ob.v[o].status == CMP_DISCHARGED;
        }
        return ok ? c : NULL;
    }
    return NULL;
}

/* Entry points (reference 1.3): init and notified of every PD, protected
 * of every PD some channel end may call, fault of every PD with children.
 * One is covered when the PD's contract is discharged by verified code
 * that defines the entry point as a function griddle verify proved; a
 * trusted component's entry points are not covered. */
static void entry_coverage(Ledger *l)
{
    const SimSystem *s = l->in->s;
    for (size_t p = 0; p < s->pds.n; p++) {
        bool has[4] = {true, true, false, false};
        for (size_t c = 0; c < s->channels.n; c++)
            for (int k = 0; k < 2; k++)
                has[CMP_ENTRY_PROTECTED] |= s->channels.v[c].end[k].pp &&
                                            (size_t)s->channels.v[c].end[1 - k].pd == p;
        for (size_t q = 0; q < s->pds.n; q++)
            has[CMP_ENTRY_FAULT] |= s->pds.v[q].parent == (int)p;
        const CmpContract *vc = verified_contract(l, p);
        for (int e = 0; e < 4; e++) {
            l->entries.total += has[e];
            l->entries.have += has[e] && vc && vc->entry_verified[e];
        }
    }
}

/* Which PDs, regions and channels the discharged claims speak about. */
static void coverage(Ledger *l)
{
    const SimSystem *s = l->in->s;
    const CmpGraph *g = l->in->g;
    l->pd_cov = arena_alloc(&l->a, s->pds.n + 1);
    l->mr_cov = arena_alloc(&l->a, s->mrs.n + 1);
    bool *flow = arena_alloc(&l->a, s->pds.n * s->pds.n + 1); /* a no_flow between PDs */
    bool *chan_cov = arena_alloc(&l->a, s->channels.n + 1);   /* by connector claims */
    for (size_t i = 0; i < l->cl.n; i++) {
        const Claim *c = &l->cl.v[i];
        if (c->status == CMP_DISCHARGED && !c->p && c->mr >= 0) l->mr_cov[c->mr] = true;
        if (c->status == CMP_DISCHARGED && !c->p && c->channel >= 0) chan_cov[c->channel] = true;
        if (c->status != CMP_DISCHARGED || !c->p) continue;
        int nodes[2] = {c->p->a, c->p->b};
        for (int k = 0; k < 2; k++) {
            if (nodes[k] < 0) continue;
            if (cmp_node_is_pd(g, nodes[k])) l->pd_cov[nodes[k]] = true;
            else l->mr_cov[(size_t)nodes[k] - g->npd] = true;
        }
        if (c->p->kind == CMP_P_ISOLATED)
            for (size_t q = 0; q < s->pds.n; q++)
                flow[(size_t)c->p->a * s->pds.n + q] = flow[q * s->pds.n + (size_t)c->p->a] = true;
        if (c->p->kind == CMP_P_NO_FLOW && cmp_node_is_pd(g, c->p->a) && cmp_node_is_pd(g, c->p->b))
            flow[(size_t)c->p->a * s->pds.n + (size_t)c->p->b] =
                flow[(size_t)c->p->b * s->pds.n + (size_t)c->p->a] = true;
    }
    l->pds.total = s->pds.n;
    l->mrs.total = s->mrs.n;
    l->chans.total = s->channels.n;
    for (size_t p = 0; p < s->pds.n; p++) l->pds.have += l->pd_cov[p];
    for (size_t m = 0; m < s->mrs.n; m++) l->mrs.have += l->mr_cov[m];
    for (size_t c = 0; c < s->channels.n; c++)
        l->chans.have += chan_cov[c] || flow[(size_t)s->channels.v[c].end[0].pd * s->pds.n +
                                             (size_t)s->channels.v[c].end[1].pd];
    entry_coverage(l);
}

static void ledger_build(Ledger *l, const CmpLedgerIn *in)
{
    memset(l, 0, sizeof *l);
    arena_init(&l->a);
    l->in = in;
    fixed_obligations(l);
    policy_claims(l);
    contract_claims(l);
    for (size_t i = 0; i < l->cl.n; i++) {
        Claim *c = &l->cl.v[i];
        c->status = CMP_DISCHARGED;
        for (size_t k = 0; k < c->from.n; k++) c->status = combine(c->status, l->ob.v[c->from.v[k]].status);
    }
    coverage(l);
}

static void ledger_free(Ledger *l)
{
    for (size_t i = 0; i < l->cl.n; i++) vec_free(&l->cl.v[i].from);
    vec_free(&l->cl);
    vec_free(&l->ob);
    arena_free(&l->a);
}

static CmpStatus overall(const Ledger *l)
{
    CmpStatus st = CMP_DISCHARGED;
    for (size_t i = 0; i < l->ob.n; i++) st = combine(st, l->ob.v[i].status);
    return st;
}

CmpStatus cmp_ledger_status(const CmpLedgerIn *in)
{
    Ledger l;
    ledger_build(&l, in);
    CmpStatus st = overall(&l);
    ledger_free(&l);
    return st;
}

/* ---- the trusted base ------------------------------------------------------ */

typedef struct TrustItem {
    const char *what, *why;
} TrustItem;

static size_t trusted_base(const Ledger *l, TrustItem *t)
{
    size_t n = 0;
    bool init_done = l->ob.v[l->init].status != CMP_TRUSTED;
    t[n++] = (TrustItem){"hardware", l->dma >= 0
        ? "the MMU enforces each mapping's permissions; devices DMA only as obligation DMA "
          "says, and interrupt lines reach only their IRQ's owner"
        : "the MMU enforces each mapping's permissions"};
    t[n++] = (TrustItem){"kernel", "seL4 (obligation K)"};
    t[n++] = (TrustItem){"boot", init_done
        ? "on hardware, the Microkit tool and the capDL initialiser; here the realised state of "
          "griddle sim was compared (obligation INIT)"
        : "the Microkit tool (SDF to capDL) and the capDL initialiser (obligation INIT)"};
    t[n++] = (TrustItem){"compiler", l->in->contracts && l->in->contracts->v.n
        ? "not involved in policy claims (authority comes from the SDF); a component's promises "
          "(obligations L) are about the code that runs, so its compiler goes with them"
        : "not involved in these claims: authority comes from the SDF, not from the "
          "components' code"};
    t[n++] = (TrustItem){"solver", l->in->bridges && l->in->bridges->v.n
        ? "Z3 and griddle verify's encoding for the bridge obligations (P), and for a Pancake "
          "component's evidence Z3 or, where Z3 cannot decide a query in 2 s, cvc5; authority "
          "claims are decided by exhaustive graph search"
        : "not used: authority claims are decided by exhaustive graph search over a finite "
          "graph"};
    t[n++] = (TrustItem){"models", "the influence model: a PD may use all of its authority "
        "(sound over-approximation of any behaviour); a device region stands for the device"};
    t[n++] = (TrustItem){"components", l->in->contracts && l->in->contracts->v.n
        ? "for connector claims, each writer's guarantees (obligations L) and each notifier's "
          "notify clauses (N): trusted components with their reasons; a Pancake component's "
          "through griddle verify of its sources against the model generated from its "
          "contract (whose relies it assumes; the FFI functions it calls are trusted C); policy "
          "claims hold whatever the components do"
        : "none for these claims, which hold whatever the components do; no functional "
          "claim about a component is made without a contract"};
    return n;
}

/* ---- text ---------------------------------------------------------------- */

static void indent_lines(StrBuf *b, const char *text, const char *pad)
{
    for (const char *p = text; *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        sb_printf(b, "%s%.*s\n", pad, (int)n, p);
        p += n + (e != NULL);
    }
}

static void pct(StrBuf *b, const char *what, Cov c, const char *note)
{
    sb_printf(b, "  %-20s %zu/%zu", what, c.have, c.total);
    if (c.total) sb_printf(b, " (%zu%%)", c.have * 100 / c.total);
    sb_printf(b, "%s%s\n", note ? "  " : "", note ? note : "");
}

static void summary_counts(const Ledger *l, size_t cnt[4])
{
    memset(cnt, 0, 4 * sizeof *cnt);
    for (size_t i = 0; i < l->ob.n; i++) cnt[l->ob.v[i].status]++;
}

static void render_text(const Ledger *l, StrBuf *b)
{
    const SimSystem *s = l->in->s;
    size_t nirq = 0;
    for (size_t p = 0; p < s->pds.n; p++) nirq += s->pds.v[p].irqs.n;
    sb_printf(b, "assurance ledger for %s\n", s->path);
    sb_printf(b, "system: %zu protection domain%s, %zu memory region%s, %zu channel%s, %zu "
              "irq%s; %zu authority edges\n\n", s->pds.n, s->pds.n == 1 ? "" : "s", s->mrs.n,
              s->mrs.n == 1 ? "" : "s", s->channels.n, s->channels.n == 1 ? "" : "s", nirq,
              nirq == 1 ? "" : "s", l->in->g->edges.n);
    sb_puts(b, "claims\n");
    if (!l->cl.n) sb_puts(b, "  (none: give a policy file)\n");
    for (size_t i = 0; i < l->cl.n; i++) {
        const Claim *c = &l->cl.v[i];
        sb_printf(b, "  %-4s [%s] %s", c->id, cmp_status_name(c->status), c->text);
        if (c->label) sb_printf(b, "  \"%s\"", c->label);
        sb_puts(b, "\n       from");
        for (size_t k = 0; k < c->from.n; k++)
            sb_printf(b, " %s(%s)", l->ob.v[c->from.v[k]].id,
                      cmp_status_name(l->ob.v[c->from.v[k]].status));
        sb_puts(b, "\n");
        if (c->witness) {
            sb_puts(b, "       witness:\n");
            indent_lines(b, c->witness, "         ");
        }
    }
    sb_puts(b, "\nobligations\n");
    for (size_t i = 0; i < l->ob.n; i++) {
        const Oblig *o = &l->ob.v[i];
        sb_printf(b, "  %-4s [%s] %s: %s\n", o->id, cmp_status_name(o->status), o->kind, o->text);
        if (o->evidence) indent_lines(b, o->evidence, "         ");
        if (o->witness) indent_lines(b, o->witness, "         witness: ");
    }
    TrustItem t[8];
    size_t nt = trusted_base(l, t);
    sb_puts(b, "\ntrusted base\n");
    for (size_t i = 0; i < nt; i++) sb_printf(b, "  %-11s %s\n", t[i].what, t[i].why);
    sb_puts(b, "\ncoverage (by discharged claims)\n");
    pct(b, "protection domains", l->pds, NULL);
    pct(b, "memory regions", l->mrs, NULL);
    pct(b, "channels", l->chans, NULL);
    pct(b, "entry points", l->entries, "(of components verified against their contracts)");
    size_t cnt[4];
    summary_counts(l, cnt);
    sb_printf(b, "\nresult: %s (%zu discharged, %zu failed, %zu trusted, %zu unknown obligations)\n",
              cmp_status_name(overall(l)), cnt[CMP_DISCHARGED], cnt[CMP_FAILED],
              cnt[CMP_TRUSTED], cnt[CMP_UNKNOWN]);
}

/* ---- JSON ----------------------------------------------------------------- */

/* "k1":"v1","k2":"v2",... for n key/value pairs (a NULL value is null). */
static void json_strs(StrBuf *b, const char *const *kv, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i) sb_putc(b, ',');
        cmp_json_kv(b, kv[2 * i], kv[2 * i + 1]);
    }
}

static const char *edge_kind_name(CmpEdgeKind k)
{
    switch (k) {
    case CMP_E_WRITE: return "write";
    case CMP_E_READ: return "read";
    case CMP_E_EXEC: return "exec";
    case CMP_E_NOTIFY: return "notify";
    case CMP_E_PPC: return "ppc";
    case CMP_E_REPLY: return "reply";
    case CMP_E_IRQ: return "irq";
    case CMP_E_DMA_WRITE: return "dma_write";
    case CMP_E_DMA_READ: return "dma_read";
    case CMP_E_CONTROL: return "control";
    case CMP_E_FAULT: return "fault";
    }
    return "?";
}

static void json_node(StrBuf *b, const CmpGraph *g, int node, const CmpEdge *via)
{
    const char *kv[] = {"kind", cmp_node_is_pd(g, node) ? "pd" : "mr",
                        "name", cmp_node_name(g, node),
                        "via", via ? edge_kind_name(via->kind) : NULL};
    sb_puts(b, "{");
    json_strs(b, kv, 3);
    sb_puts(b, "}");
}

/* The witness as paths of nodes (a new path starts where an edge does not
 * continue the previous one). */
static void json_witness(StrBuf *b, const CmpGraph *g, const CmpPolicy *p)
{
    if (!p->wedges.n) {
        sb_puts(b, "null");
        return;
    }
    sb_puts(b, "[[");
    for (size_t i = 0; i < p->wedges.n; i++) {
        const CmpEdge *e = &g->edges.v[p->wedges.v[i]];
        if (i && g->edges.v[p->wedges.v[i - 1]].to != e->from) sb_puts(b, "],[");
        if (!i || g->edges.v[p->wedges.v[i - 1]].to != e->from) {
            json_node(b, g, e->from, NULL);
        }
        sb_puts(b, ",");
        json_node(b, g, e->to, e);
    }
    sb_puts(b, "]]");
}

static void json_cov(StrBuf *b, const char *k, Cov c, bool last)
{
    cmp_json_key(b, k);
    sb_printf(b, "{\"covered\":%zu,\"total\":%zu}%s", c.have, c.total, last ? "" : ",");
}

static void render_json(const Ledger *l, StrBuf *b)
{
    const char *top[] = {"system", l->in->s->path, "status", cmp_status_name(overall(l))};
    sb_puts(b, "{");
    json_strs(b, top, 2);
    sb_puts(b, ",\"claims\":[");
    for (size_t i = 0; i < l->cl.n; i++) {
        const Claim *c = &l->cl.v[i];
        const char *kv[] = {"id", c->id, "claim", c->text, "label", c->label,
                            "status", cmp_status_name(c->status), "witness", c->witness};
        sb_puts(b, i ? ",{" : "{");
        json_strs(b, kv, 5);
        sb_puts(b, ",\"witness_paths\":");
        if (c->p) json_witness(b, l->in->g, c->p);
        else sb_puts(b, "null");
        sb_puts(b, ",\"from\":[");
        for (size_t k = 0; k < c->from.n; k++)
            sb_printf(b, "%s\"%s\"", k ? "," : "", l->ob.v[c->from.v[k]].id);
        sb_puts(b, "]}");
    }
    sb_puts(b, "],\"obligations\":[");
    for (size_t i = 0; i < l->ob.n; i++) {
        const Oblig *o = &l->ob.v[i];
        const char *kv[] = {"id", o->id, "kind", o->kind, "text", o->text,
                            "status", cmp_status_name(o->status), "evidence", o->evidence,
                            "witness", o->witness};
        sb_puts(b, i ? ",{" : "{");
        json_strs(b, kv, 6);
        sb_puts(b, "}");
    }
    sb_puts(b, "],\"trusted_base\":[");
    TrustItem t[8];
    size_t nt = trusted_base(l, t);
    for (size_t i = 0; i < nt; i++) {
        const char *kv[] = {"what", t[i].what, "why", t[i].why};
        sb_puts(b, i ? ",{" : "{");
        json_strs(b, kv, 2);
        sb_puts(b, "}");
    }
    sb_puts(b, "],\"coverage\":{");
    json_cov(b, "protection_domains", l->pds, false);
    json_cov(b, "memory_regions", l->mrs, false);
    json_cov(b, "channels", l->chans, false);
    json_cov(b, "entry_points", l->entries, true);
    sb_puts(b, "},\"authority\":");
    cmp_authority_json(l->in->g, b);
    sb_puts(b, ",\"influence\":");
    cmp_influence_json(l->in->g, b);
    const CmpInitReport *ir = l->in->init;
    sb_puts(b, ",\"init\":");
    if (ir && ir->checked) {
        sb_puts(b, "{");
        cmp_json_kv(b, "source", ir->source);
        sb_printf(b, ",\"compared\":%zu,\"differences\":[", ir->ncompared);
        for (size_t i = 0; i < ir->diffs.n; i++) {
            if (i) sb_putc(b, ',');
            sb_json_str(b, ir->diffs.v[i], strlen(ir->diffs.v[i]));
        }
        sb_puts(b, "]}");
    } else sb_puts(b, "null");
    sb_puts(b, "}\n");
}

/* ---- Markdown ------------------------------------------------------------- */

/* Table cells: '|' escaped, newlines as <br>. */
static void md_cell(StrBuf *b, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '|') sb_puts(b, "\\|");
        else if (*s == '\n') sb_puts(b, "<br>");
        else sb_putc(b, *s);
    }
}

static void render_md(const Ledger *l, StrBuf *b)
{
    sb_printf(b, "# Assurance ledger: `%s`\n\n**Result: %s**\n\n## Claims\n\n", l->in->s->path,
              cmp_status_name(overall(l)));
    sb_puts(b, "| id | claim | status | derived from | witness |\n|---|---|---|---|---|\n");
    for (size_t i = 0; i < l->cl.n; i++) {
        const Claim *c = &l->cl.v[i];
        sb_printf(b, "| %s | `%s`", c->id, c->text);
        if (c->label) {
            sb_puts(b, " ");
            md_cell(b, c->label);
        }
        sb_printf(b, " | %s | ", cmp_status_name(c->status));
        for (size_t k = 0; k < c->from.n; k++)
            sb_printf(b, "%s%s (%s)", k ? ", " : "", l->ob.v[c->from.v[k]].id,
                      cmp_status_name(l->ob.v[c->from.v[k]].status));
        sb_puts(b, " | ");
        md_cell(b, c->witness);
        sb_puts(b, " |\n");
    }
    sb_puts(b, "\n## Obligations\n\n| id | kind | obligation | status | evidence |\n"
            "|---|---|---|---|---|\n");
    for (size_t i = 0; i < l->ob.n; i++) {
        const Oblig *o = &l->ob.v[i];
        sb_printf(b, "| %s | %s | ", o->id, o->kind);
        md_cell(b, o->text);
        sb_printf(b, " | %s | ", cmp_status_name(o->status));
        md_cell(b, o->evidence);
        if (o->witness) {
            sb_puts(b, o->evidence ? "<br>witness: " : "witness: ");
            md_cell(b, o->witness);
        }
        sb_puts(b, " |\n");
    }
    TrustItem t[8];
    size_t nt = trusted_base(l, t);
    sb_puts(b, "\n## Trusted base\n\n");
    for (size_t i = 0; i < nt; i++) sb_printf(b, "- **%s**: %s\n", t[i].what, t[i].why);
    sb_puts(b, "\n## Coverage\n\n| | covered | total |\n|---|---|---|\n");
    const struct { const char *n; Cov c; } rows[] = {{"protection domains", l->pds},
        {"memory regions", l->mrs}, {"channels", l->chans}, {"entry points", l->entries}};
    for (size_t i = 0; i < ARRAY_LEN(rows); i++)
        sb_printf(b, "| %s | %zu | %zu |\n", rows[i].n, rows[i].c.have, rows[i].c.total);
}

void cmp_ledger_render(const CmpLedgerIn *in, CmpFormat f, StrBuf *b)
{
    Ledger l;
    ledger_build(&l, in);
    switch (f) {
    case CMP_FMT_TEXT: render_text(&l, b); break;
    case CMP_FMT_JSON: render_json(&l, b); break;
    case CMP_FMT_MD: render_md(&l, b); break;
    }
    ledger_free(&l);
}

/* ---- the picture (graphviz) ------------------------------------------------- */

#define RED "#d62728"
#define GREEN "#2ca02c"
#define GREY "#555555"

/* Text inside a DOT double-quoted string. */
static void dot_str(StrBuf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') sb_putc(b, '\\');
        if (*s == '\n') sb_puts(b, "\\n");
        else sb_putc(b, *s);
    }
}

static void dot_id(StrBuf *b, const CmpGraph *g, int node)
{
    sb_printf(b, "\"%s:", cmp_node_is_pd(g, node) ? "pd" : "mr");
    dot_str(b, cmp_node_name(g, node));
    sb_putc(b, '"');
}

static void dot_nodes(const Ledger *l, const bool *bad_node, StrBuf *b)
{
    const CmpGraph *g = l->in->g;
    for (size_t n = 0; n < g->nnodes; n++) {
        bool pd = cmp_node_is_pd(g, (int)n);
        bool dev = !pd && g->s->mrs.v[n - g->npd].device >= 0;
        bool cov = pd ? l->pd_cov[n] : l->mr_cov[n - g->npd];
        sb_puts(b, "  ");
        dot_id(b, g, (int)n);
        sb_printf(b, " [shape=%s, style=filled, fillcolor=\"%s\", label=\"",
                  pd ? "box" : dev ? "hexagon" : "ellipse",
                  bad_node[n] ? "#f4b6b6" : cov ? "#bfe5bf" : pd ? "#ffffff" : "#f2f2f2");
        dot_str(b, cmp_node_name(g, (int)n));
        if (pd) sb_printf(b, "\\nprio %u", g->s->pds.v[n].priority);
        if (dev) sb_printf(b, "\\n%s", g->s->devs.v[g->s->mrs.v[n - g->npd].device].model);
        sb_puts(b, "\"];\n");
    }
}

/* One DOT edge per map, per notifying channel end, per PPC and per IRQ;
 * DMA and reply edges only where a witness uses them (there are many and
 * they say one thing). */
static void dot_edge(const Ledger *l, StrBuf *b, const CmpEdge *e, const char *colour,
                     const char *style, bool bold)
{
    const CmpGraph *g = l->in->g;
    StrBuf lab = {0};
    const SimMap *m = e->map >= 0 ? &g->s->pds.v[e->pd].maps.v[e->map] : NULL;
    bool both = m && e->kind == CMP_E_WRITE && (m->perms & (SIM_PERM_R | SIM_PERM_X));
    if (m) {
        char perms[4];
        cmp_perms_str(m->perms, perms);
        sb_printf(&lab, "%s @0x%llx", perms, (unsigned long long)m->vaddr);
    } else cmp_edge_label(g, e, &lab);
    sb_puts(b, "  ");
    dot_id(b, g, e->from);
    sb_puts(b, " -> ");
    dot_id(b, g, e->to);
    sb_printf(b, " [color=\"%s\", fontcolor=\"%s\", style=%s, label=\"", colour, colour, style);
    dot_str(b, lab.s ? lab.s : "");
    sb_printf(b, "\"%s%s];\n", bold ? ", penwidth=2.5" : "", both ? ", dir=both" : "");
    sb_free(&lab);
}

/* One DOT edge per map: the write edge (both ways if the map is also
 * readable), else the read edge, else the exec edge. */
static bool map_drawn_elsewhere(const CmpGraph *g, const CmpEdge *e)
{
    if (e->map < 0 || e->kind == CMP_E_WRITE) return false;
    unsigned perms = g->s->pds.v[e->pd].maps.v[e->map].perms;
    if (perms & SIM_PERM_W) return true;
    return e->kind == CMP_E_EXEC && (perms & SIM_PERM_R);
}

/* Any edge of the same map (or the edge itself) on a failed witness. */
static bool edge_bad(const CmpGraph *g, const bool *bad_edge, size_t i)
{
    const CmpEdge *e = &g->edges.v[i];
    if (bad_edge[i] || e->map < 0) return bad_edge[i];
    for (size_t k = 0; k < g->edges.n; k++)
        if (bad_edge[k] && g->edges.v[k].pd == e->pd && g->edges.v[k].map == e->map) return true;
    return false;
}

void cmp_ledger_dot(const CmpLedgerIn *in, StrBuf *b)
{
    Ledger l;
    ledger_build(&l, in);
    const CmpGraph *g = in->g;
    bool *bad_edge = xcalloc(g->edges.n + 1, 1), *bad_node = xcalloc(g->nnodes + 1, 1);
    for (size_t i = 0; i < l.cl.n; i++) {
        const CmpPolicy *p = l.cl.v[i].p;
        if (l.cl.v[i].status != CMP_FAILED || !p) continue;
        for (size_t k = 0; k < p->wedges.n; k++) bad_edge[p->wedges.v[k]] = true;
        if (p->a >= 0) bad_node[p->a] = true;
        if (p->b >= 0) bad_node[p->b] = true;
    }
    sb_puts(b, "digraph system {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=11];\n"
            "  edge [fontname=\"Helvetica\", fontsize=9];\n");
    dot_nodes(&l, bad_node, b);
    for (size_t i = 0; i < g->edges.n; i++) {
        const CmpEdge *e = &g->edges.v[i];
        bool dma = e->kind == CMP_E_DMA_READ || e->kind == CMP_E_DMA_WRITE;
        bool bad = edge_bad(g, bad_edge, i);
        if (((dma || e->kind == CMP_E_REPLY || e->kind == CMP_E_FAULT) && !bad) ||
            map_drawn_elsewhere(g, e))
            continue;
        /* covered: both ends are named by discharged claims */
        bool cov_from = cmp_node_is_pd(g, e->from) ? l.pd_cov[e->from]
                                                   : l.mr_cov[(size_t)e->from - g->npd];
        bool cov_to = cmp_node_is_pd(g, e->to) ? l.pd_cov[e->to] : l.mr_cov[(size_t)e->to - g->npd];
        const char *colour = bad ? RED : cov_from && cov_to ? GREEN : GREY;
        const char *style = e->kind == CMP_E_NOTIFY || e->kind == CMP_E_REPLY ? "dashed"
                          : e->kind == CMP_E_PPC || e->kind == CMP_E_CONTROL ? "bold"
                          : dma || e->kind == CMP_E_IRQ ? "dotted" : "solid";
        dot_edge(&l, b, e, colour, style, bad);
    }
    sb_puts(b, "  label=\"");
    dot_str(b, in->s->path);
    sb_printf(b, ": %s (red: a failed claim's witness; green: covered by discharged claims)\";\n"
              "}\n", cmp_status_name(overall(&l)));
    free(bad_edge);
    free(bad_node);
    ledger_free(&l);
}
