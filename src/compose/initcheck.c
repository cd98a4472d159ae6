/*
 * Initialisation conformance (issue 7 part 4d, reference §2.3): does the
 * realised system hold exactly the authority the system description
 * specifies? The realised side is a `griddle sim --dump-state` document
 * (docs/sim.md), whose mappings and patched symbols the emulator reads
 * back from the live processes. The specified side is derived here from
 * the SimSystem: maps (MR identity, size, offset 0, permissions, shared),
 * no extra shared mappings, channel tables with their badges
 * (1<<peer_id, (1<<63)|peer_id), IRQs (1<<id), scheduling parameters,
 * setvar values and the libmicrokit bitmaps. Every difference is one line
 * in the report; a document that is not a dump (missing fields, wrong
 * types) is an input error located in the JSON.
 */
#include "compose_int.h"

#include <inttypes.h>
#include <string.h>

typedef struct IC {
    CmpInitReport *r;
    const SimSystem *s;
    SrcMgr *sm;
    DiagList *dl;
    uint32_t file;
    bool bad;
    Arena *tmp;             /* messages' pieces */
} IC;

static void diff(IC *c, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void diff(IC *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    StrBuf b = {0};
    sb_vprintf(&b, fmt, ap);
    va_end(ap);
    vec_push(&c->r->diffs, sb_take(&b));
}

static void bad(IC *c, const CmpJson *at, const char *fmt, ...) PRINTF_LIKE(3, 4);
static void bad(IC *c, const CmpJson *at, const char *fmt, ...)
{
    Span sp = cmp_span_at(c->sm, c->file, at ? at->off : 0, 1);
    va_list ap;
    va_start(ap, fmt);
    diag_vadd(c->dl, DIAG_ERROR, "compose.dump", &sp, fmt, ap);
    va_end(ap);
    c->bad = true;
}

/* Field `key` of obj with the given kind (CJ_NULL in `nullable` also
 * accepted); NULL after an error. */
static const CmpJson *field(IC *c, const CmpJson *obj, const char *key, CmpJsonKind kind,
                            bool nullable)
{
    const CmpJson *v = cmp_json_get(obj, key);
    static const char *const kinds[] = {"null", "a boolean", "a number", "a string",
                                        "an array", "an object"};
    if (!v) bad(c, obj, "not a griddle sim dump: field '%s' is missing", key);
    else if (v->kind != kind && !(nullable && v->kind == CJ_NULL))
        bad(c, v, "not a griddle sim dump: '%s' must be %s", key, kinds[kind]);
    else return v;
    return NULL;
}

static bool get_u64(IC *c, const CmpJson *obj, const char *key, uint64_t *out)
{
    const CmpJson *v = field(c, obj, key, CJ_NUM, false);
    if (!v) return false;
    if (!v->num_is_u64) {
        bad(c, v, "'%s' must be a non-negative integer", key);
        return false;
    }
    *out = v->u64;
    return true;
}

/* Compares a number; a mismatch is a difference. */
static void same_u64(IC *c, const CmpJson *obj, const char *key, uint64_t want,
                     const char *what)
{
    uint64_t got;
    if (!get_u64(c, obj, key, &got)) return;
    c->r->ncompared++;
    if (got != want)
        diff(c, "%s: %s is %" PRIu64 " (0x%" PRIx64 "), the SDF specifies %" PRIu64
             " (0x%" PRIx64 ")", what, key, got, got, want, want);
}

static void same_bool(IC *c, const CmpJson *obj, const char *key, bool want, const char *what)
{
    const CmpJson *v = field(c, obj, key, CJ_BOOL, false);
    if (!v) return;
    c->r->ncompared++;
    if (v->b != want)
        diff(c, "%s: %s is %s, the SDF specifies %s", what, key, v->b ? "true" : "false",
             want ? "true" : "false");
}

/* A string-or-null field against an expected string (NULL: null). */
static void same_str(IC *c, const CmpJson *obj, const char *key, const char *want,
                     const char *what)
{
    const CmpJson *v = field(c, obj, key, CJ_STR, true);
    if (!v) return;
    c->r->ncompared++;
    const char *got = v->kind == CJ_STR ? v->str : NULL;
    if ((got == NULL) != (want == NULL) || (got && strcmp(got, want)))
        diff(c, "%s: %s is %s%s%s, the SDF specifies %s%s%s", what, key, got ? "'" : "",
             got ? got : "null", got ? "'" : "", want ? "'" : "", want ? want : "null",
             want ? "'" : "");
}

/* The element of arr whose string field `key` equals name, or NULL. */
static const CmpJson *find_named(const CmpJson *arr, const char *key, const char *name)
{
    for (size_t i = 0; i < arr->n; i++) {
        const CmpJson *k = cmp_json_get(arr->items[i], key);
        if (k && k->kind == CJ_STR && !strcmp(k->str, name)) return arr->items[i];
    }
    return NULL;
}

static const CmpJson *find_num(const CmpJson *arr, const char *key, uint64_t want)
{
    for (size_t i = 0; i < arr->n; i++) {
        const CmpJson *k = cmp_json_get(arr->items[i], key);
        if (k && k->kind == CJ_NUM && k->num_is_u64 && k->u64 == want) return arr->items[i];
    }
    return NULL;
}

/* Elements of arr with no counterpart in the SDF: is_known(element). */
static void extras(IC *c, const CmpJson *arr, const char *key, const char *what,
                   bool (*is_known)(IC *, const void *, const CmpJson *), const void *ctx)
{
    for (size_t i = 0; i < arr->n; i++) {
        const CmpJson *e = arr->items[i];
        if (e->kind != CJ_OBJ) {
            bad(c, e, "not a griddle sim dump: %s entries must be objects", what);
            continue;
        }
        if (is_known(c, ctx, e)) continue;
        const CmpJson *k = cmp_json_get(e, key);
        c->r->ncompared++;
        if (k && k->kind == CJ_STR) diff(c, "%s '%s' is realised but not in the SDF", what, k->str);
        else if (k && k->kind == CJ_NUM && k->num_is_u64)
            diff(c, "%s %s 0x%" PRIx64 " is realised but not in the SDF", what, key, k->u64);
        else bad(c, e, "not a griddle sim dump: %s entry without '%s'", what, key);
    }
}

/* ---- memory regions ----------------------------------------------------- */

static bool mr_known(IC *c, const void *ctx, const CmpJson *e)
{
    (void)ctx;
    const CmpJson *k = cmp_json_get(e, "name");
    return k && k->kind == CJ_STR && sim_mr_index(c->s, k->str) >= 0;
}

static void check_mrs(IC *c, const CmpJson *mrs)
{
    for (size_t i = 0; i < c->s->mrs.n; i++) {
        const SimMr *mr = &c->s->mrs.v[i];
        const CmpJson *d = find_named(mrs, "name", mr->name);
        char *what = arena_printf(c->tmp, "memory region '%s'", mr->name);
        c->r->ncompared++;
        if (!d) {
            diff(c, "%s is specified but not realised", what);
            continue;
        }
        same_u64(c, d, "size", mr->size, what);
        same_u64(c, d, "page_size", mr->page_size, what);
        const CmpJson *pa = field(c, d, "paddr", CJ_NUM, true);
        if (pa && mr->paddr_given) same_u64(c, d, "paddr", mr->paddr, what);
        else if (pa && mr->has_paddr && pa->kind == CJ_NULL)
            diff(c, "%s: has no physical address, but <setvar region_paddr> needs one", what);
        same_str(c, d, "device", mr->device >= 0 ? c->s->devs.v[mr->device].model : NULL, what);
    }
    extras(c, mrs, "name", "memory region", mr_known, NULL);
}

/* ---- one PD --------------------------------------------------------------- */

static bool map_known(IC *c, const void *ctx, const CmpJson *e)
{
    (void)c;
    const SimPd *pd = ctx;
    const CmpJson *v = cmp_json_get(e, "vaddr");
    for (size_t i = 0; v && v->num_is_u64 && i < pd->maps.n; i++)
        if (pd->maps.v[i].vaddr == v->u64) return true;
    return false;
}

static void check_map(IC *c, const SimPd *pd, const SimMap *m, const CmpJson *maps)
{
    const SimMr *mr = &c->s->mrs.v[m->mr];
    char *what = arena_printf(c->tmp, "'%s' map of '%s' at 0x%" PRIx64, pd->name,
                              mr->name, m->vaddr);
    const CmpJson *d = find_num(maps, "vaddr", m->vaddr);
    c->r->ncompared++;
    if (!d) {
        diff(c, "%s is specified but not realised", what);
        return;
    }
    same_str(c, d, "mr", mr->name, what);
    const CmpJson *live = field(c, d, "live", CJ_OBJ, true);
    if (!live) return;
    c->r->ncompared++;
    if (live->kind == CJ_NULL) {
        diff(c, "%s: nothing is mapped there in the running PD", what);
        return;
    }
    char perms[4];
    cmp_perms_str(m->perms, perms);
    char *lwhat = arena_printf(c->tmp, "%s (live)", what);
    same_str(c, live, "mr", mr->name, lwhat);
    same_u64(c, live, "size", mr->size, lwhat);
    same_u64(c, live, "offset", 0, lwhat);
    same_str(c, live, "perms", perms, lwhat);
    /* device registers are trapped, not shared memory (docs/sim.md) */
    same_bool(c, live, "shared", mr->device < 0, lwhat);
}

static bool chan_known(IC *c, const void *ctx, const CmpJson *e)
{
    const CmpJson *id = cmp_json_get(e, "id");
    size_t p = *(const size_t *)ctx;
    for (size_t ch = 0; id && id->num_is_u64 && ch < c->s->channels.n; ch++)
        for (int k = 0; k < 2; k++)
            if ((size_t)c->s->channels.v[ch].end[k].pd == p &&
                c->s->channels.v[ch].end[k].id == id->u64)
                return true;
    return false;
}

static const char *badge(IC *c, bool present, uint64_t v)
{
    return present ? arena_printf(c->tmp, "0x%" PRIx64, v) : NULL;
}

/* Also accumulates the libmicrokit bitmaps this PD should have. */
static void check_channels(IC *c, size_t p, const CmpJson *chans, uint64_t *notif, uint64_t *pps)
{
    const SimPd *pd = &c->s->pds.v[p];
    for (size_t ch = 0; ch < c->s->channels.n; ch++)
        for (int k = 0; k < 2; k++) {
            const SimEnd *me = &c->s->channels.v[ch].end[k], *peer = &c->s->channels.v[ch].end[1 - k];
            if ((size_t)me->pd != p) continue;
            if (me->notify) *notif |= 1ull << me->id;
            if (me->pp) *pps |= 1ull << me->id;
            char *what = arena_printf(c->tmp, "'%s' channel %u", pd->name, me->id);
            const CmpJson *d = find_num(chans, "id", me->id);
            c->r->ncompared++;
            if (!d) {
                diff(c, "%s (to '%s') is specified but not realised", what,
                     c->s->pds.v[peer->pd].name);
                continue;
            }
            same_str(c, d, "peer", c->s->pds.v[peer->pd].name, what);
            same_u64(c, d, "peer_id", peer->id, what);
            same_bool(c, d, "notify", me->notify, what);
            same_bool(c, d, "pp", me->pp, what);
            same_str(c, d, "notify_badge", badge(c, me->notify, 1ull << peer->id), what);
            same_str(c, d, "pp_badge", badge(c, me->pp, (1ull << 63) | peer->id), what);
        }
    extras(c, chans, "id", arena_printf(c->tmp, "'%s' channel", pd->name), chan_known, &p);
}

static bool irq_known(IC *c, const void *ctx, const CmpJson *e)
{
    (void)c;
    const SimPd *pd = ctx;
    const CmpJson *id = cmp_json_get(e, "id");
    for (size_t i = 0; id && id->num_is_u64 && i < pd->irqs.n; i++)
        if (pd->irqs.v[i].id == id->u64) return true;
    return false;
}

static void check_irqs(IC *c, const SimPd *pd, const CmpJson *irqs, uint64_t *bits)
{
    for (size_t i = 0; i < pd->irqs.n; i++) {
        const SimIrq *q = &pd->irqs.v[i];
        *bits |= 1ull << q->id;
        char *what = arena_printf(c->tmp, "'%s' irq %" PRIu64 " (id %u)", pd->name,
                                  q->irq, q->id);
        const CmpJson *d = find_num(irqs, "id", q->id);
        c->r->ncompared++;
        if (!d) {
            diff(c, "%s is specified but not realised", what);
            continue;
        }
        same_u64(c, d, "irq", q->irq, what);
        same_str(c, d, "trigger", q->edge ? "edge" : "level", what);
        same_str(c, d, "badge", badge(c, true, 1ull << q->id), what);
    }
    extras(c, irqs, "id", arena_printf(c->tmp, "'%s' irq", pd->name), irq_known, pd);
}

static void check_setvars(IC *c, const SimPd *pd, const CmpJson *svs)
{
    for (size_t i = 0; i < pd->setvars.n; i++) {
        const SimSetvar *sv = &pd->setvars.v[i];
        uint64_t want = sv->kind == SIM_SETVAR_PADDR ? c->s->mrs.v[sv->mr].paddr : sv->value;
        char *what = arena_printf(c->tmp, "'%s' setvar '%s'", pd->name, sv->symbol);
        const CmpJson *d = find_named(svs, "symbol", sv->symbol);
        c->r->ncompared++;
        if (!d) {
            diff(c, "%s is specified but not realised", what);
            continue;
        }
        const CmpJson *live = field(c, d, "live", CJ_NUM, true);
        if (live && live->kind == CJ_NULL) {
            c->r->ncompared++;
            diff(c, "%s: could not be read from the running PD", what);
        } else if (live) same_u64(c, d, "live", want, what);
    }
}

static void check_bitmaps(IC *c, const SimPd *pd, const CmpJson *lm, uint64_t notif,
                          uint64_t pps, uint64_t irqs)
{
    char *what = arena_printf(c->tmp, "'%s' libmicrokit", pd->name);
    c->r->ncompared++;
    if (lm->kind == CJ_NULL) {
        diff(c, "%s: the patched symbols could not be read", what);
        return;
    }
    same_str(c, lm, "notifications", badge(c, true, notif), what);
    same_str(c, lm, "pps", badge(c, true, pps), what);
    same_str(c, lm, "irqs", badge(c, true, irqs), what);
    same_str(c, lm, "name", pd->name, what);
}

static void check_pd(IC *c, size_t p, const CmpJson *d)
{
    const SimPd *pd = &c->s->pds.v[p];
    char *what = arena_printf(c->tmp, "protection domain '%s'", pd->name);
    same_u64(c, d, "priority", pd->priority, what);
    same_u64(c, d, "budget", pd->budget, what);
    same_u64(c, d, "period", pd->period, what);
    same_bool(c, d, "passive", pd->passive, what);
    same_u64(c, d, "cpu", pd->cpu, what);
    same_u64(c, d, "stack_size", pd->stack_size, what);
    same_str(c, d, "parent", pd->parent >= 0 ? c->s->pds.v[pd->parent].name : NULL, what);
    if (pd->parent >= 0) same_u64(c, d, "child_id", pd->child_id, what);
    const CmpJson *img = field(c, d, "image_mapped", CJ_BOOL, false);
    if (img && (c->r->ncompared++, !img->b)) diff(c, "%s: its program image is not mapped", what);
    const CmpJson *maps = field(c, d, "maps", CJ_ARR, false);
    const CmpJson *extra = field(c, d, "extra_shared_mappings", CJ_ARR, false);
    const CmpJson *chans = field(c, d, "channels", CJ_ARR, false);
    const CmpJson *irqs = field(c, d, "irqs", CJ_ARR, false);
    const CmpJson *svs = field(c, d, "setvars", CJ_ARR, false);
    const CmpJson *lm = field(c, d, "libmicrokit", CJ_OBJ, true);
    if (c->bad) return;
    for (size_t i = 0; i < pd->maps.n; i++) check_map(c, pd, &pd->maps.v[i], maps);
    extras(c, maps, "vaddr", arena_printf(c->tmp, "'%s' map at", pd->name), map_known, pd);
    c->r->ncompared++;
    for (size_t i = 0; i < extra->n; i++) {
        const CmpJson *v = cmp_json_get(extra->items[i], "vaddr");
        const CmpJson *path = cmp_json_get(extra->items[i], "path");
        diff(c, "%s: shared mapping at 0x%" PRIx64 " (%s) that the SDF does not grant", what,
             v && v->num_is_u64 ? v->u64 : 0, path && path->kind == CJ_STR ? path->str : "?");
    }
    uint64_t notif = 0, pps = 0, irqbits = 0;
    check_channels(c, p, chans, &notif, &pps);
    check_irqs(c, pd, irqs, &irqbits);
    check_setvars(c, pd, svs);
    check_bitmaps(c, pd, lm, notif, pps, irqbits);
}

static bool pd_known(IC *c, const void *ctx, const CmpJson *e)
{
    (void)ctx;
    const CmpJson *k = cmp_json_get(e, "name");
    return k && k->kind == CJ_STR && sim_pd_index(c->s, k->str) >= 0;
}

bool cmp_init_check(CmpInitReport *r, const SimSystem *s, const char *name, const char *text,
                    size_t len, SrcMgr *sm, DiagList *dl)
{
    memset(r, 0, sizeof *r);
    const char *copy;
    IC c = {.r = r, .s = s, .sm = sm, .dl = dl};
    c.file = cmp_add_text(sm, name, text, len, &copy);
    r->source = srcmgr_name(sm, c.file);
    Arena a;
    arena_init(&a);
    c.tmp = &a;
    const CmpJson *root = cmp_json_parse(&a, copy, len, c.file, sm, dl);
    const CmpJson *mrs = NULL, *pds = NULL;
    if (root && root->kind != CJ_OBJ) bad(&c, root, "not a griddle sim dump: not an object");
    else if (root) {
        mrs = field(&c, root, "memory_regions", CJ_ARR, false);
        pds = field(&c, root, "protection_domains", CJ_ARR, false);
    }
    if (mrs && pds) {
        check_mrs(&c, mrs);
        for (size_t p = 0; p < s->pds.n && !c.bad; p++) {
            const CmpJson *d = find_named(pds, "name", s->pds.v[p].name);
            r->ncompared++;
            if (d) check_pd(&c, p, d);
            else diff(&c, "protection domain '%s' is specified but not realised", s->pds.v[p].name);
        }
        extras(&c, pds, "name", "protection domain", pd_known, NULL);
    }
    arena_free(&a);
    r->checked = root && !c.bad;
    return r->checked;
}

void cmp_init_free(CmpInitReport *r)
{
    for (size_t i = 0; i < r->diffs.n; i++) free(r->diffs.v[i]);
    vec_free(&r->diffs);
}
