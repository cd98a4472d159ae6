/*
 * vgen_int.h: internals shared by the files of the verifier (never
 * included from outside src/verify).
 *
 * Files: smt_z3.c (solver context, obligations, models, --emit-smt),
 * vgen_state.c (symbolic states: copy, merge, havoc, loop frames),
 * vgen_expr.c (Pancake expressions: words as Int with overflow
 * obligations, bit operations, memory), vgen_spec.c (specification
 * expressions and assertions: pure evaluation, inhale, exhale),
 * vgen_stmt.c (Pancake statements, calls, loops, annotations, model
 * method bodies), vgen_cases.c (finite case splits found from models),
 * vgen_unit.c (units, threads, cache, report, TCB).
 *
 * Deviation from STYLE.md ("only smt.c includes z3.h"): the symbolic
 * executor builds Z3 terms directly through the C API; an intermediate
 * term language would only copy Z3's. Solver interaction (checks, models,
 * query text) stays in smt_z3.c.
 */
#ifndef GRIDDLE_VGEN_INT_H
#define GRIDDLE_VGEN_INT_H

#include <z3.h>

#include "check/check.h"
#include "verify/vast.h"
#include "verify/verify.h"
#include "vbody.h"

/* A value: n terms. Pancake values are flattened words (n = shape size);
 * specification values of non-shape type have n == 1. */
typedef struct Val {
    Z3_ast *w;
    uint32_t n;
} Val;

/* Resources: the Pancake heap (H/M), Viper fields (value and mask array
 * per field; the last one is heap_elem of model IArrays), abstract
 * predicates (amount: a Real, or an array from the arguments to Real). */
typedef struct State {
    Z3_ast pc;          /* Bool: this state is reached */
    Z3_ast H, M;        /* (Array Int Int), (Array Int Real) */
    Z3_ast *fv, *fm;    /* per field */
    Z3_ast *pm;         /* per predicate: the amount held */
    /* Footprint of the held (folded) instances of predicates with a body:
     * amounts inside them. Not accessible (access checks use M/fm), but
     * their values survive havoc, as Carbon's predicate masks do. */
    Z3_ast FM, *ffm;
    Val *locals;        /* per checker slot (n == 0: not declared yet) */
    Val *globals;       /* per Pancake global */
    Val *vl;            /* model method locals (VMethod.locals), or NULL */
} State;

typedef struct LoopCtx LoopCtx;
typedef struct Jump Jump;
/* A pending `goto` of a model method body: its state (frames of the
 * loops it leaves added), merged in at its label. */
struct Jump {
    Jump *next;
    Sym label;
    State *st;
};
typedef struct Cvc5 Cvc5;
struct LoopCtx {
    LoopCtx *up;
    const VExprList *inv;
    Span at;             /* the while */
    State *frame;        /* what the invariant left outside the loop */
    State *before;       /* values of framed locations */
    VEC(State *) breaks;
};

/* One recorded branch decision, for the path of a counterexample. */
typedef struct Branch {
    Z3_ast pc, cond;
    Span at;
    const char *what;    /* "if", "loop" ... */
} Branch;

typedef struct Gen {
    Z3_context z;
    Z3_solver sol;
    const VSpec *spec;
    const Program *prog;
    const VerifyOpts *o;
    Arena ar;
    DiagList *dl;

    Z3_sort s_int, s_bool, s_real, s_ref, s_iarray, s_heap, s_mask;
    Z3_sort *dsorts;                   /* per VDomain */
    Z3_func_decl f_slot, f_alen, f_first, f_second;
    Z3_ast null, pheap, zero, one, rzero, rone, two64, two63, alen_heap;
    uint32_t nfields;                  /* spec fields + 1 (heap_elem) */
    Z3_func_decl *funs;                /* per VFunc: uninterpreted symbol or NULL */
    Z3_ast *mfields;                   /* model field Ref constants */
    Z3_sort *pkey;                     /* per VPred: argument key sort (NULL: no args) */
    Z3_func_decl *pkey_mk;             /* per VPred with >1 argument word: tuple constructor */

    /* the unit being verified */
    const FunDecl *fd;                 /* NULL for a model method */
    const VFunSpec *fs;
    const VMethod *meth;
    State *entry;                      /* old(.) */
    Z3_ast exit_pc;                    /* disjunction of reached returns */
    LoopCtx *loop;
    const VShared *use;                /* pending `use NAME` */
    Jump *jumps;                       /* pending gotos (model methods) */
    Sym *slot_names; uint32_t nslots;
    VEC(Branch) branches;
    VEC(Z3_ast) touched;               /* heap word indices accessed */
    uint32_t qn;                       /* queries so far (--emit-smt names) */
    unsigned fun_depth;
    struct { Z3_sort s; Z3_func_decl f; } seq_at[8]; /* s[i] wrappers per sequence sort */
    unsigned nseq_at;                /* unfoldings of recursive functions in progress */
    struct { Z3_sort s; Z3_func_decl f; } set_card[8]; /* |s| per set sort (smt_set.c) */
    unsigned nset_card;
    const char *unit_name;
    const bool *gwrites;               /* vg_global_writes of the program */
    unsigned nobl, nfail, nunknown, nerror;
    bool aborted;                      /* unsupported construct: stop this unit */
    bool bv;                           /* bit-vector mode (smt_bv.c) */
    struct Cvc5 *cvc5;                 /* the unit's cvc5 process (smt_cvc5.c), or NULL */
    unsigned seed;                     /* Z3's random_seed now */
} Gen;

/* Environment of a specification expression. */
typedef struct Env {
    State *st;            /* reads (heap, fields, predicates, locals) */
    State *old;           /* old(.) */
    State *snap;          /* exhale evaluates here (set once for a list of clauses
                             exhaled as one assertion); NULL: a copy per exhale */
    const Val *pvars;     /* Pancake slots (NULL: st->locals) */
    Val retval;
    Z3_ast result;        /* VX_RESULT */
    Val *vl;              /* VX_LOCAL bindings */
    uint32_t nvl;
    const VLocals *locals; /* their declarations (sorts of bound variables) */
    Z3_ast guard;         /* Bool: wf checks apply under it */
    Z3_app *bound; uint32_t nbound; /* quantified variables in scope */
    bool check_wf;        /* emit well-definedness obligations */
} Env;

/* ---- smt_z3.c ---- */
void smt_init(Gen *g);
void smt_fini(Gen *g);
/* Obligation: reports a Diag (code verify.CODE at `at`) when
 * pc && !phi is satisfiable (or unknown); then assumes phi under pc. */
typedef struct Oblig {
    const char *code;      /* a string literal "verify.CODE" */
    Span at;
    const char *msg;
    const Span *note_at;   /* the clause's declaration, or NULL */
    const char *note;
} Oblig;
bool smt_check(Gen *g, State *st, Z3_ast phi, const Oblig *ob);
void smt_assume(Gen *g, Z3_ast pc, Z3_ast phi);
/* Satisfiability of pc alone: 1 sat, 0 unsat, -1 unknown. */
int smt_reachable(Gen *g, Z3_ast pc);
void vg_error(Gen *g, Span at, const char *fmt, ...) PRINTF_LIKE(3, 4);

/* small term builders */
Z3_ast mk_int(Gen *g, int64_t v);
Z3_ast mk_u64(Gen *g, uint64_t v);
Z3_ast mk_pow2(Gen *g, unsigned k);
Z3_ast mk_and2(Gen *g, Z3_ast a, Z3_ast b);
Z3_ast mk_or2(Gen *g, Z3_ast a, Z3_ast b);
Z3_ast mk_implies(Gen *g, Z3_ast a, Z3_ast b);
Z3_ast mk_not(Gen *g, Z3_ast a);
Z3_ast mk_add2(Gen *g, Z3_ast a, Z3_ast b);
Z3_ast mk_sub2(Gen *g, Z3_ast a, Z3_ast b);
Z3_ast mk_mul2(Gen *g, Z3_ast a, Z3_ast b);
Z3_ast mk_lt(Gen *g, Z3_ast a, Z3_ast b);
Z3_ast mk_le(Gen *g, Z3_ast a, Z3_ast b);
Z3_ast mk_eq(Gen *g, Z3_ast a, Z3_ast b);
Z3_ast mk_ite(Gen *g, Z3_ast c, Z3_ast a, Z3_ast b);
Z3_ast mk_fresh(Gen *g, const char *prefix, Z3_sort s);
Z3_ast mk_bounded(Gen *g, Z3_ast x, unsigned bits);
Z3_ast mk_real(Gen *g, int64_t num, int64_t den);
bool is_false(Gen *g, Z3_ast b);
bool is_true(Gen *g, Z3_ast b);
/* Constant value of an Int numeral that fits in uint64 (true) or not. */
bool term_u64(Gen *g, Z3_ast t, uint64_t *v);

/* ---- smt_cvc5.c ---- */
/* One solver's answer to a query. INCOMPLETE: the solver gave up with
 * quantifiers left (Z3 with MBQI off, cvc5 "incomplete"): "not proved". */
typedef enum SmtAnswer { SMT_UNSAT, SMT_SAT, SMT_INCOMPLETE, SMT_UNKNOWN } SmtAnswer;
/* The solver content as portable SMT-LIB 2.6 ending in (check-sat);
 * malloc'd. */
char *smt_query_text(Gen *g, const char *kind);
bool smt_write_query(const char *path, const char *text, StrBuf *err);
/* Writes text to a fresh file in $TMPDIR (or /tmp); its malloc'd path. */
char *smt_temp_query(const char *text, StrBuf *err);
/* cvc5's answer to the query text (o->cvc5, o->timeout_ms, the seed),
 * from the unit's cvc5 process (g->cvc5); why gets the reason of an
 * unknown. cvc5_close ends the process. */
SmtAnswer cvc5_check(Gen *g, const char *text, unsigned seed, StrBuf *why);
void cvc5_close(Gen *g);

/* ---- smt_bv.c ---- */
/* A memo table from (term, role) to a term plus two small values, for
 * rewrites of term DAGs (each shared subterm rewritten once). */
typedef struct AstMemoSlot {
    Z3_ast key;
    int role;
    Z3_ast val;
    unsigned aux;
    bool flag;
} AstMemoSlot;
typedef struct AstMemo { AstMemoSlot *tab; size_t cap, n; } AstMemo;
/* The slot of (key, role): NULL when absent and !add; a new zeroed slot
 * (key, role set) when absent and add. free(m->tab) when done. */
AstMemoSlot *ast_memo(Z3_context z, AstMemo *m, Z3_ast key, int role, bool add);
/* The application e with each argument x replaced by f(cx, x), rebuilt
 * only when one changed (e itself beyond 64 arguments). */
Z3_ast ast_map_args(Z3_context z, Z3_ast e, Z3_ast (*f)(void *cx, Z3_ast x), void *cx);
/* Bit-vector mode: f with integer arithmetic over liftable terms turned
 * into exact bit-vector arithmetic (an equivalence); f itself when !g->bv. */
Z3_ast bv_rewrite(Gen *g, Z3_ast f);
/* A fresh word of a bit-vector unit: bv2int of a fresh 64-bit constant. */
Z3_ast bv_word(Gen *g, const char *name);

/* ---- smt_set.c ---- */
/* Sets with cardinality: the constructors assert ground facts about
 * card (true of finite sets); set_card is |s|. */
Z3_ast set_card(Gen *g, Z3_ast s);
Z3_ast set_empty(Gen *g, Z3_sort elem);
Z3_ast set_add(Gen *g, Z3_ast s, Z3_ast x);
Z3_ast set_op(Gen *g, VBinOp op, Z3_ast a, Z3_ast b);   /* VB_UNION, VB_INTERSECT, VB_SETMINUS */

/* ---- vgen_state.c ---- */
State *st_new(Gen *g);              /* fresh heap/fields, zero masks, pc true */
State *st_copy(Gen *g, const State *s);
/* Merges b into a: a becomes "a if a->pc, else b". */
void st_merge(Gen *g, State *a, const State *b);
/* After an exhale: locations without permission get fresh values. */
/* Havoc every heap word (and, with fields, every field location) the
 * state holds no permission to, directly or folded. */
void st_havoc_unowned(Gen *g, State *s, bool fields);
/* Combines a loop exit state (masks of the loop) with the frame. */
void st_add_frame(Gen *g, State *s, const State *frame, const State *before);
Val val_fresh_words(Gen *g, State *st, uint32_t n, const char *name);
Val val_one(Gen *g, Z3_ast t);
Val val_alloc(Gen *g, uint32_t n);

/* ---- vgen_expr.c ---- */
Val pexpr(Gen *g, State *st, const Expr *e);
Z3_ast pcond(Gen *g, State *st, const Expr *e);       /* Bool: e != 0 */
uint32_t vg_words(Gen *g, const Shape *s);
/* Memory: word index of a byte address (with the alignment obligation). */
Z3_ast mem_word_index(Gen *g, State *st, Z3_ast addr, unsigned align, Span at);
void mem_check_read(Gen *g, State *st, Z3_ast idx, Span at);
void mem_check_write(Gen *g, State *st, Z3_ast idx, Span at);
/* A word constant, also when written as a constant expression (`RX_COUNT
 * - 1`, `ETH + RDAR` are the terms 256 - 1, 33554432 + 16 until
 * simplified). */
bool vg_const(Gen *g, Z3_ast t, uint64_t *v);
/* x & c; wrap: for any integer x (two's complement, as int2bv) */
Z3_ast vg_and_const(Gen *g, Z3_ast x, uint64_t c, bool wrap);
Z3_ast vg_store_byte(Gen *g, Z3_ast w, Z3_ast r, Z3_ast v);
Z3_ast vg_store_half(Gen *g, Z3_ast w, Z3_ast r, Z3_ast v);
Z3_ast vg_bit_spec(Gen *g, VBinOp op, Z3_ast a, Z3_ast b);
Z3_ast word_overflow(Gen *g, State *st, Z3_ast r, Span at, const char *what);

/* ---- vgen_spec.c ---- */
Val sexpr(Gen *g, Env *env, const VExpr *e);
Z3_ast sbool(Gen *g, Env *env, const VExpr *e);
Z3_sort vsort(Gen *g, const VType *t);
/* Assertions with permissions, under a guard (pure parts assumed / checked). */
void inhale(Gen *g, Env *env, const VExpr *a);
/* Exhale checks: each failing part reported with ob (clause at its span). */
void exhale(Gen *g, Env *env, const VExpr *a, const Oblig *ob);
/* The body of predicate instance e (P(args) or acc(P(args), q)), scaled:
 * inhaled into the state, or exhaled (checked with ob) — fold/unfold. */
void pred_body(Gen *g, Env *env, const VExpr *e, bool inhale_it, const Oblig *ob);
/* exhale without removing (assert) */
void assert_spec(Gen *g, Env *env, const VExpr *a, const Oblig *ob);
Env env_at(Gen *g, State *st);
uint32_t field_index(Gen *g, const VField *f);
uint32_t pred_index(Gen *g, const VPred *p);
uint32_t func_index(Gen *g, const VFunc *f);

/* ---- vgen_stmt.c ---- */
/* A model predicate's instance P(margs), as an assertion. */
VExpr *model_pred_node(Gen *g, const VPred *p);
void exec_block(Gen *g, State *st, const Block *b);
void vexec_block(Gen *g, State *st, const VBlock *b, Env *env);
void vexec_stmt(Gen *g, State *st, const VStmt *s, Env *env);
/* Call of a model/abstract method: exhale pre, havoc, inhale post. args
 * are the explicit arguments; leading IArray/Ref parameters without an
 * argument get the Pancake heap and the model fields. Returns the
 * values of the method's returns (n = nrets), NULL if the call failed. */
Val *call_method(Gen *g, State *st, const VMethod *m, const Val *args, uint32_t nargs,
                 Span at, const char *code);

/* ---- vgen_cases.c ---- */
/* The values of the word term t under pc (and every assumption so far):
 * their number n (0: pc unreachable) with out[0..n) filled when the
 * solver proved there are no others; -1 when there are more than max or
 * the solver cannot tell. */
int vg_values(Gen *g, Z3_ast pc, Z3_ast t, uint64_t *out, int max);
/* Covers the values of t under pc by cases: for each value *v of t in a
 * model, next(g, *v, &covered, ud) either gives the condition its case
 * covers (excluded from then on) and returns true, or returns false to
 * stop. Returns 0 when every value is covered (proved), 1 when next
 * stopped at *v, -1 when the solver cannot tell. */
int vg_cover(Gen *g, Z3_ast pc, Z3_ast t, uint64_t *v, bool (*next)(Gen *, uint64_t, Z3_ast *, void *),
             void *ud);

/* vg_global_writes (the globals each function may assign) is in vbody.h. */

/* ---- vgen_unit.c ---- */
void unit_verify_fun(Gen *g, const FunDecl *fd);
void unit_verify_method(Gen *g, const VMethod *m);

#endif
