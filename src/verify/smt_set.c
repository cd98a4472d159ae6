/* Sets of the specification language (Viper's finite sets) as Z3 arrays
 * to Bool, with cardinality `|s|` (docs/verifier.md "Sets").
 *
 * |s| is an uninterpreted card(s) per set sort. Instead of Viper's
 * quantified set axioms, every set the specification builds comes with
 * ground facts about the cardinalities of its parts, all true of finite
 * sets (so they cannot make a wrong program verify):
 *   card(Set()) = 0; card(s union Set(x)) = card(s) + (x in s ? 0 : 1);
 *   for a union, intersection or difference of a and b, the partition
 *   a \ b, b \ a, a ∩ b: card(a) = card(a \ b) + card(a ∩ b),
 *   card(b) = card(b \ a) + card(a ∩ b), card(a ∪ b) = the sum of the three;
 *   for every card(s) used: card(s) >= 0, and card(s) = 0 iff s is empty.
 * Sets that are not built here (model fields, function results) get the
 * last two only; a field updated to `s union t` equals that term, so its
 * cardinality follows by congruence. */
#include "vgen_int.h"

static Z3_func_decl card_decl(Gen *g, Z3_sort set)
{
    for (unsigned k = 0; k < g->nset_card; k++)
        if (Z3_is_eq_sort(g->z, g->set_card[k].s, set)) return g->set_card[k].f;
    Z3_func_decl f = Z3_mk_fresh_func_decl(g->z, "card", 1, &set, g->s_int);
    if (g->nset_card < sizeof g->set_card / sizeof g->set_card[0]) {
        g->set_card[g->nset_card].s = set;
        g->set_card[g->nset_card++].f = f;
    }
    return f;
}

static Z3_ast empty_of(Gen *g, Z3_sort set)
{
    return Z3_mk_empty_set(g->z, Z3_get_array_sort_domain(g->z, set));
}

static void fact(Gen *g, Z3_ast f) { smt_assume(g, Z3_mk_true(g->z), f); }

Z3_ast set_card(Gen *g, Z3_ast s)
{
    Z3_sort srt = Z3_get_sort(g->z, s);
    Z3_ast c = Z3_mk_app(g->z, card_decl(g, srt), 1, &s);
    fact(g, mk_le(g, g->zero, c));
    fact(g, mk_eq(g, mk_eq(g, c, g->zero), mk_eq(g, s, empty_of(g, srt))));
    return c;
}

Z3_ast set_empty(Gen *g, Z3_sort elem)
{
    Z3_ast e = Z3_mk_empty_set(g->z, elem);
    fact(g, mk_eq(g, set_card(g, e), g->zero));
    return e;
}

Z3_ast set_add(Gen *g, Z3_ast s, Z3_ast x)
{
    Z3_ast r = Z3_mk_set_add(g->z, s, x);
    Z3_ast step = mk_ite(g, Z3_mk_set_member(g->z, x, s), g->zero, g->one);
    fact(g, mk_eq(g, set_card(g, r), mk_add2(g, set_card(g, s), step)));
    return r;
}

/* a ∪ b, a ∩ b or a \ b, with the partition facts. */
Z3_ast set_op(Gen *g, VBinOp op, Z3_ast a, Z3_ast b)
{
    Z3_ast ab[2] = {a, b};
    Z3_ast amb = Z3_mk_set_difference(g->z, a, b), bma = Z3_mk_set_difference(g->z, b, a);
    Z3_ast both = Z3_mk_set_intersect(g->z, 2, ab), all = Z3_mk_set_union(g->z, 2, ab);
    Z3_ast cab = set_card(g, amb), cba = set_card(g, bma), ci = set_card(g, both);
    fact(g, mk_eq(g, set_card(g, a), mk_add2(g, cab, ci)));
    fact(g, mk_eq(g, set_card(g, b), mk_add2(g, cba, ci)));
    fact(g, mk_eq(g, set_card(g, all), mk_add2(g, mk_add2(g, cab, cba), ci)));
    return op == VB_UNION ? all : op == VB_INTERSECT ? both : amb;
}
