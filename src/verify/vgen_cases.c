/* Finite cases from models: which values a term can take on a path, found
 * by asking the solver for a model, excluding the value found, and asking
 * again until the solver says "no other value" (unsat). Only a complete
 * enumeration (ended by unsat) is ever used as a fact; a cut-off, a
 * timeout or an unknown answer just means "no finite case split here" and
 * the caller keeps its general encoding. Two encodings rest on it
 * (docs/verifier.md, "Finite cases"): a bit operation whose operands are
 * both symbolic but one of which takes few values on the path (a queue's
 * capacity mask `h & (cap - 1)`) becomes an ite over those values of
 * constant-mask rewrites, with no bit-vectors; and a symbolic shared
 * address is split only over the regions a model can reach.
 *
 * The checks run in a push/pop scope on the unit's solver, so they see
 * every assumption made so far and leave nothing behind; they are not
 * obligations (not counted, not reported, not written by --emit-smt) and
 * one enumeration gets at most CASES_TIMEOUT_MS for all its checks:
 * giving up early only costs speed, never soundness. */
#include "vgen_int.h"

#include <limits.h>
#include <string.h>
#include <time.h>

#define CASES_TIMEOUT_MS 5000u

static void set_timeout(Gen *g, unsigned ms)
{
    Z3_params p = Z3_mk_params(g->z);
    Z3_params_inc_ref(g->z, p);
    Z3_params_set_uint(g->z, p, Z3_mk_string_symbol(g->z, "timeout"), ms);
    Z3_solver_set_params(g->z, g->sol, p);
    Z3_params_dec_ref(g->z, p);
}

/* One check of the current scope: 1 and *v = t's value in a model (or a
 * candidate model: with MBQI off, "unknown (incomplete quantifiers)" comes
 * with one; a spurious value only adds a case), 0 unsat, -1 no answer or
 * a value that is not a word. */
static int sample(Gen *g, Z3_ast t, uint64_t *v)
{
    Z3_lbool r = Z3_solver_check(g->z, g->sol);
    if (Z3_get_error_code(g->z) != Z3_OK) return -1;
    if (r == Z3_L_FALSE) return 0;
    if (r == Z3_L_UNDEF && !strstr(Z3_solver_get_reason_unknown(g->z, g->sol), "quantifiers")) return -1;
    Z3_model m = Z3_solver_get_model(g->z, g->sol);
    if (!m || Z3_get_error_code(g->z) != Z3_OK) return -1;
    Z3_model_inc_ref(g->z, m);
    Z3_ast x = NULL;
    bool ok = Z3_model_eval(g->z, m, t, true, &x) && x && term_u64(g, x, v);
    Z3_model_dec_ref(g->z, m);
    return ok ? 1 : -1;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The budget of one enumeration (all its checks together): at most
 * CASES_TIMEOUT_MS, at most --timeout. */
static unsigned cases_budget(Gen *g)
{
    unsigned t = g->o->timeout_ms;
    return t && t < CASES_TIMEOUT_MS ? t : CASES_TIMEOUT_MS;
}

/* Sets the time limit of the next check to what is left of the budget
 * started at t0; false when nothing is left. */
static bool within_budget(Gen *g, double t0)
{
    double left = (double)cases_budget(g) - (now_ms() - t0);
    if (left < 1) return false;
    set_timeout(g, (unsigned)left);
    return true;
}

static void end_scope(Gen *g)
{
    Z3_solver_pop(g->z, g->sol, 1);
    set_timeout(g, g->o->timeout_ms ? g->o->timeout_ms : UINT_MAX);
}

int vg_values(Gen *g, Z3_ast pc, Z3_ast t, uint64_t *out, int max)
{
    if (g->aborted) return -1;
    if (is_false(g, pc)) return 0;
    double t0 = now_ms();
    Z3_solver_push(g->z, g->sol);
    Z3_solver_assert(g->z, g->sol, bv_rewrite(g, pc));
    int n = 0;
    for (;;) {
        uint64_t v;
        int r = within_budget(g, t0) ? sample(g, t, &v) : -1;
        if (r == 0) break;
        if (r < 0 || n == max) {
            n = -1;
            break;
        }
        out[n++] = v;
        Z3_solver_assert(g->z, g->sol, bv_rewrite(g, mk_not(g, mk_eq(g, t, mk_u64(g, v)))));
    }
    end_scope(g);
    return n;
}

int vg_cover(Gen *g, Z3_ast pc, Z3_ast t, uint64_t *v, bool (*next)(Gen *, uint64_t, Z3_ast *, void *),
             void *ud)
{
    if (g->aborted) return -1;
    if (is_false(g, pc)) return 0;
    double t0 = now_ms();
    Z3_solver_push(g->z, g->sol);
    Z3_solver_assert(g->z, g->sol, bv_rewrite(g, pc));
    int r;
    for (;;) {
        r = within_budget(g, t0) ? sample(g, t, v) : -1;
        if (r != 1) break;
        Z3_ast covered = NULL;
        if (!next(g, *v, &covered, ud)) break;
        Z3_solver_assert(g->z, g->sol, bv_rewrite(g, mk_not(g, covered)));
    }
    end_scope(g);
    return r;
}
