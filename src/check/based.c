/*
 * Address basedness (§4.4): a taint analysis that nudges programmers to
 * compute local (heap) addresses from @base/@top and shared (device)
 * addresses not from them.
 *
 * Every word carries a tag; merging takes the larger of
 * Based > NotTrusted > Trusted > NotBased. Each visible local keeps its
 * words' tags in Ctx.tags (Local.toff/tn); branches are checked from a
 * snapshot and joined afterwards: a local whose tags differ between the
 * two ways becomes NotTrusted as a whole, as panStatic's sh_bd_branch
 * does. Warnings:
 *   local  lds/ld8/ld32/st/st8/st32: NotBased -> "is not", NotTrusted ->
 *          "may not be" calculated from base;
 *   shared !ld* / !st*: Based -> "is", NotTrusted -> "may be".
 */
#include "check_int.h"

#include <string.h>

Based based_merge(Based a, Based b) { return a > b ? a : b; }

void local_addr_warn(Ctx *c, EVal addr, const Span *at)
{
    uint8_t t = ev_tag(addr, 0);
    if (t == B_NOTBASED)
        cwarn(c, "based", at, "local load/store address is not calculated from base in %s",
              where(c));
    else if (t == B_NOTTRUSTED)
        cwarn(c, "based", at, "local load/store address may not be calculated from base in %s",
              where(c));
}

void shared_addr_warn(Ctx *c, EVal addr, const Span *at)
{
    uint8_t t = ev_tag(addr, 0);
    if (t == B_BASED)
        cwarn(c, "based", at, "shared load/store address is calculated from base in %s",
              where(c));
    else if (t == B_NOTTRUSTED)
        cwarn(c, "based", at, "shared load/store address may be calculated from base in %s",
              where(c));
}

Snap tags_snapshot(Ctx *c)
{
    Snap s = {c->snaps.n, c->tags.n};
    if (c->snaps.n + s.n > c->snaps.cap) {
        size_t cap = 2 * c->snaps.cap + s.n + 64;
        c->snaps.v = xrealloc(c->snaps.v, cap);
        c->snaps.cap = cap;
    }
    if (s.n) memcpy(c->snaps.v + c->snaps.n, c->tags.v, s.n);
    c->snaps.n += s.n;
    return s;
}

void tags_restore(Ctx *c, Snap s)
{
    size_t n = s.n < c->tags.n ? s.n : c->tags.n;
    if (n) memcpy(c->tags.v, c->snaps.v + s.off, n);
}

/* The local whose tags include byte `at` of Ctx.tags (locals are on the
 * scope stack in increasing toff order), or NULL. */
static Local *local_at(Ctx *c, size_t at)
{
    size_t lo = 0, hi = c->scope.n;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->scope.v[mid].toff <= at) lo = mid;
        else hi = mid;
    }
    for (size_t i = lo + 1; i-- > 0;) { /* skip locals without tags */
        Local *l = &c->scope.v[i];
        if (l->toff <= at && at < l->toff + l->tn) return l;
        if (l->tn && l->toff <= at) return NULL;
    }
    return NULL;
}

/* Finds the differing bytes block-wise, so a join costs little when a
 * branch changed few of many locals. */
void tags_join(Ctx *c, Snap other)
{
    size_t n = other.n < c->tags.n ? other.n : c->tags.n;
    if (!n) return;
    uint8_t *cur = c->tags.v;
    const uint8_t *o = c->snaps.v + other.off;
    for (size_t i = 0; i < n;) {
        while (i + 64 <= n && !memcmp(cur + i, o + i, 64)) i += 64;
        while (i < n && cur[i] == o[i]) i++;
        if (i >= n) break;
        Local *l = local_at(c, i);
        if (!l) {
            i++;
            continue;
        }
        memset(cur + l->toff, B_NOTTRUSTED, l->tn);
        i = l->toff + l->tn;
    }
}

void tags_release(Ctx *c, Snap s) { c->snaps.n = s.off; }

void local_set_tags(Ctx *c, Local *l, EVal v)
{
    if (!v.sh || v.n != l->tn) {
        local_set_uniform(c, l, B_TRUSTED);
        return;
    }
    for (uint32_t i = 0; i < l->tn; i++) c->tags.v[l->toff + i] = ev_tag(v, i);
}

void local_set_uniform(Ctx *c, Local *l, Based tag)
{
    if (l->tn) memset(c->tags.v + l->toff, tag, l->tn);
}

EVal local_value(Ctx *c, const Local *l)
{
    EVal v = ev_uniform(c, l->sh, B_TRUSTED);
    if (!l->sh || !l->tn || v.n != l->tn) return v;
    const uint8_t *t = c->tags.v + l->toff;
    bool uniform = true;
    for (uint32_t i = 1; i < l->tn && uniform; i++) uniform = t[i] == t[0];
    v.tag = t[0];
    if (!uniform) {
        uint8_t *copy = scratch_alloc(&c->scratch, l->tn);
        memcpy(copy, t, l->tn);
        v.tags = copy;
    }
    return v;
}
