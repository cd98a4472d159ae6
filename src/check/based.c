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
    Snap s = {scratch_alloc(&c->scratch, c->tags.n + 1), (uint32_t)c->tags.n};
    if (c->tags.n) memcpy(s.v, c->tags.v, c->tags.n);
    return s;
}

void tags_restore(Ctx *c, Snap s)
{
    size_t n = s.n < c->tags.n ? s.n : c->tags.n;
    if (n) memcpy(c->tags.v, s.v, n);
}

void tags_join(Ctx *c, Snap other)
{
    for (size_t i = 0; i < c->scope.n; i++) {
        Local *l = &c->scope.v[i];
        if (l->toff + l->tn > other.n || !l->tn) continue;
        if (memcmp(c->tags.v + l->toff, other.v + l->toff, l->tn))
            memset(c->tags.v + l->toff, B_NOTTRUSTED, l->tn);
    }
}

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
