/* Unit tests of the VC generator's encoding rules, independent of the
 * annotation parser: each case is a checked Pancake program plus a
 * specification built here as vast.h trees, and the expected verdict
 * (the diagnostic codes and lines, or none). Every rule has a passing
 * case and a minimally changed failing twin; the expectations come from
 * Pancake's semantics (pancake-language.md §3) and hand calculation.
 *
 * This file provides the three lookups of vast.h itself (tables filled by
 * the cases), so the encoding can be tested without vspec. */
#include "check/check.h"
#include "verify/verify.h"

#include <string.h>

/* ---- the spec tables the lookups read --------------------------------- */

static const Stmt *annot_at[16];
static VAnnotStmt annots[16];
static size_t nannots;
static VLoopSpec loops[4];
static size_t nloops;

const VAnnotStmt *vspec_annot(const VSpec *s, const Stmt *st)
{
    (void)s;
    for (size_t i = 0; i < nannots; i++)
        if (annot_at[i] == st) return &annots[i];
    return NULL;
}

const VLoopSpec *vspec_loop(const VSpec *s, const Stmt *w)
{
    (void)s;
    for (size_t i = 0; i < nloops; i++)
        if (loops[i].loop == w) return &loops[i];
    return NULL;
}

const VShared *vspec_shared_at(const VSpec *s, uint64_t addr, uint8_t width, bool store)
{
    for (size_t i = 0; i < s->shared.n; i++) {
        const VShared *r = s->shared.v[i];
        if (r->width == width && addr >= r->lo && addr < r->hi && (addr - r->lo) % r->stride == 0 &&
            (store ? r->write : r->read))
            return r;
    }
    return NULL;
}

/* ---- tree builders ---------------------------------------------------- */

static Arena A;
static VType T_INT = {.kind = VT_INT}, T_BOOL = {.kind = VT_BOOL}, T_PERM = {.kind = VT_PERM},
             T_IARRAY = {.kind = VT_IARRAY};

static VExpr *mk(VExprKind k, const VType *t)
{
    VExpr *e = arena_alloc(&A, sizeof *e);
    e->kind = k;
    e->type = t;
    e->span.line = 1;
    e->span.col = 1;
    return e;
}
static VExpr *I(int64_t v) { VExpr *e = mk(VX_INT, &T_INT); e->u.lit.v = v; return e; }
static VExpr *P(uint32_t slot) { VExpr *e = mk(VX_PVAR, &T_INT); e->u.pvar.slot = slot; return e; }
static VExpr *RET(void) { return mk(VX_RETVAL, &T_INT); }
static VExpr *B(VBinOp op, VExpr *a, VExpr *b)
{
    bool cmp = op >= VB_EQ && op <= VB_IFF;
    VExpr *e = mk(VX_BINOP, cmp ? &T_BOOL : &T_INT);
    e->u.bin.op = op;
    e->u.bin.a = a;
    e->u.bin.b = b;
    return e;
}
static VExpr *HEAP(VExpr *i)
{
    VExpr *e = mk(VX_INDEX, &T_INT);
    e->u.idx.base = mk(VX_HEAP, &T_IARRAY);
    e->u.idx.index = i;
    return e;
}
static VExpr *ACC(VExpr *loc, int64_t num, int64_t den)
{
    VExpr *e = mk(VX_ACC, &T_BOOL);
    e->u.acc.loc = loc;
    if (num) {
        e->u.acc.perm = mk(VX_PERMLIT, &T_PERM);
        e->u.acc.perm->u.perm.num = num;
        e->u.acc.perm->u.perm.den = den;
    }
    return e;
}
static VExpr *SLICE(VExpr *lo, VExpr *hi)
{
    VExpr *e = mk(VX_ACCSLICE, &T_BOOL);
    e->u.slice.base = mk(VX_HEAP, &T_IARRAY);
    e->u.slice.lo = lo;
    e->u.slice.hi = hi;
    return e;
}
static VExpr *OLD(VExpr *a) { VExpr *e = mk(VX_OLD, a->type); e->u.un.a = a; return e; }

static VExprList L1(VExpr *a)
{
    VExprList l = {arena_alloc(&A, sizeof(VExpr *)), 1};
    l.v[0] = a;
    return l;
}

/* ---- running a case -------------------------------------------------- */

typedef struct Case {
    const char *name;
    const char *src;
    const char *expect;   /* "" = verified, else "code@line code@line" in order */
} Case;

static int failures, cases;

static Stmt *find_stmt(Block *b, StmtKind k, int *nth)
{
    for (uint32_t i = 0; i < b->n; i++) {
        Stmt *s = b->v[i];
        if (s->kind == k && (*nth)-- == 0) return s;
        Stmt *r = NULL;
        if (s->kind == S_IF) {
            if ((r = find_stmt(&s->u.if_.then, k, nth))) return r;
            if ((r = find_stmt(&s->u.if_.els, k, nth))) return r;
        }
        if (s->kind == S_WHILE && (r = find_stmt(&s->u.while_.body, k, nth))) return r;
        if (s->kind == S_BLOCK && (r = find_stmt(&s->u.block, k, nth))) return r;
    }
    return NULL;
}

typedef void (*SpecFn)(VSpec *s, Program *p);

static FunDecl *fun(Program *p, uint32_t index)
{
    for (size_t i = 0; i < p->decls.n; i++)
        if (p->decls.v[i]->kind == D_FUN && p->decls.v[i]->u.fun.index == index) return &p->decls.v[i]->u.fun;
    return NULL;
}

static void run_case(const Case *c, SpecFn spec_fn)
{
    cases++;
    Interner in;
    SrcMgr sm;
    DiagList dl;
    interner_init(&in);
    srcmgr_init(&sm);
    diag_init(&dl);
    Program p;
    memset(&p, 0, sizeof p);
    p.interner = &in;
    p.srcmgr = &sm;
    FrontOpts fo = {0};
    CheckOpts co = {0};
    if (!front_load_text(&p, c->name, c->src, strlen(c->src), &fo, &dl) || !check_program(&p, &co, &dl)) {
        printf("FAIL %s: the program does not check\n", c->name);
        failures++;
        goto out;
    }
    VSpec s;
    memset(&s, 0, sizeof s);
    s.prog = &p;
    s.srcmgr = &sm;
    s.opts.heap_words = 1024;
    uint32_t nf = p.nfuns; /* FunDecl.index < nfuns: numbered by the checker */
    s.funs = arena_alloc(&A, (nf + 1) * sizeof(VFunSpec));
    s.nfuns = nf;
    for (size_t i = 0; i < p.decls.n; i++)
        if (p.decls.v[i]->kind == D_FUN) s.funs[p.decls.v[i]->u.fun.index].fun = &p.decls.v[i]->u.fun;
    nannots = nloops = 0;
    if (spec_fn) spec_fn(&s, &p);
    VerifyOpts o = {.jobs = 1, .timeout_ms = 20000};
    VerifyReport r;
    DiagList vdl;
    diag_init(&vdl);
    verify_program(&s, &o, &r, &vdl);
    StrBuf got = {0};
    for (size_t i = 0; i < vdl.v.n; i++)
        if (vdl.v.v[i].sev == DIAG_ERROR)
            sb_printf(&got, "%s%s@%u", got.n ? " " : "", vdl.v.v[i].code + 7, vdl.v.v[i].span.line);
    const char *g = got.s ? got.s : "";
    if (strcmp(g, c->expect)) {
        printf("FAIL %s: expected [%s], got [%s]\n", c->name, c->expect, g);
        for (size_t i = 0; i < vdl.v.n; i++) printf("   %u:%u %s: %s\n", vdl.v.v[i].span.line, vdl.v.v[i].span.col,
                                                      vdl.v.v[i].code, vdl.v.v[i].msg);
        failures++;
    }
    sb_free(&got);
    verify_report_free(&r);
    diag_free(&vdl);
    vec_free(&s.shared);
out:
    program_free(&p);
    diag_free(&dl);
    srcmgr_free(&sm);
    interner_free(&in);
}

/* ---- specs for the cases ---------------------------------------------- */

static void req_x_lt_100(VSpec *s, Program *p)
{
    (void)p;
    s->funs[0].requires = L1(B(VB_LT, P(0), I(100)));
}

static void ens_ret_ge1(VSpec *s, Program *p)
{
    (void)p;
    s->funs[0].ensures = L1(B(VB_GE, RET(), I(1)));
}

static void ens_ret_eq1(VSpec *s, Program *p)
{
    (void)p;
    s->funs[0].ensures = L1(B(VB_EQ, RET(), I(1)));
}

static void ens_ret_eq42(VSpec *s, Program *p)
{
    (void)p;
    s->funs[0].ensures = L1(B(VB_EQ, RET(), I(42)));
}

static void ens_ret_lt256(VSpec *s, Program *p)
{
    (void)p;
    s->funs[0].ensures = L1(B(VB_LT, RET(), I(256)));
}

/* requires p % 8 == 0 && acc(heap[p / 8]) (write) */
static void req_acc_p(VSpec *s, Program *p)
{
    (void)p;
    VExpr *al = B(VB_EQ, B(VB_MOD, P(0), I(8)), I(0));
    s->funs[0].requires = L1(B(VB_AND, al, ACC(HEAP(B(VB_DIV, P(0), I(8))), 0, 0)));
}

static void req_read_p(VSpec *s, Program *p)
{
    (void)p;
    VExpr *al = B(VB_EQ, B(VB_MOD, P(0), I(8)), I(0));
    s->funs[0].requires = L1(B(VB_AND, al, ACC(HEAP(B(VB_DIV, P(0), I(8))), 1, 2)));
}

static void req_acc_p_ens42(VSpec *s, Program *p)
{
    req_acc_p(s, p);
    ens_ret_eq42(s, p);
}

static void req_acc_p_ens1(VSpec *s, Program *p)
{
    req_acc_p(s, p);
    ens_ret_eq1(s, p);
}

static void req_false(VSpec *s, Program *p)
{
    (void)p;
    s->funs[0].requires = L1(B(VB_LT, P(0), I(0)));
}

/* g (index 1): requires x < 10, ensures retval == x + 1;
 * f (index 0): ensures retval == 6 */
static void call_spec(VSpec *s, Program *p)
{
    (void)p;
    s->funs[1].requires = L1(B(VB_LT, P(0), I(10)));
    s->funs[1].ensures = L1(B(VB_EQ, RET(), B(VB_ADD, P(0), I(1))));
    s->funs[0].ensures = L1(B(VB_EQ, RET(), I(6)));
}

/* heap frame across a call: f owns heap[0] and heap[1]; g (index 1)
 * requires and ensures acc(heap[1]) only. */
static void frame_spec(VSpec *s, Program *p)
{
    (void)p;
    s->funs[0].requires = L1(B(VB_AND, ACC(HEAP(I(0)), 0, 0), ACC(HEAP(I(1)), 0, 0)));
    s->funs[0].ensures = L1(B(VB_EQ, RET(), I(7)));
    s->funs[1].requires = L1(ACC(HEAP(I(1)), 0, 0));
    s->funs[1].ensures = L1(ACC(HEAP(I(1)), 0, 0));
}

/* the same, but g also takes heap[0] and gives it back: its value is lost */
static void frame_spec_lost(VSpec *s, Program *p)
{
    frame_spec(s, p);
    s->funs[1].requires = L1(B(VB_AND, ACC(HEAP(I(0)), 0, 0), ACC(HEAP(I(1)), 0, 0)));
    s->funs[1].ensures = s->funs[1].requires;
}

/* loop: invariant i <= n && s == i (sum of ones), requires n < 1000,
 * ensures retval == n */
static void loop_spec(VSpec *s, Program *p, bool good)
{
    s->funs[0].requires = L1(B(VB_LT, P(0), I(1000)));
    s->funs[0].ensures = L1(B(VB_EQ, RET(), P(0)));
    int nth = 0;
    Stmt *w = find_stmt(&fun(p, 0)->body, S_WHILE, &nth);
    /* slots: n = 0, i = 1, acc = 2 */
    VExpr *inv = B(VB_AND, B(VB_LE, P(1), P(0)), B(VB_EQ, P(2), good ? P(1) : B(VB_ADD, P(1), I(1))));
    loops[nloops].loop = w;
    loops[nloops++].invariants = L1(inv);
}
static void loop_good(VSpec *s, Program *p) { loop_spec(s, p, true); }
static void loop_bad(VSpec *s, Program *p) { loop_spec(s, p, false); }

/* a loop that keeps half of heap[0] out of its invariant: the frame keeps
 * heap[0]'s value (old(heap[0]) == heap[0] at the end) */
static void loop_frame(VSpec *s, Program *p)
{
    s->funs[0].requires = L1(B(VB_AND, ACC(HEAP(I(0)), 0, 0), B(VB_LT, P(0), I(1000))));
    s->funs[0].ensures = L1(B(VB_AND, ACC(HEAP(I(0)), 0, 0), B(VB_EQ, HEAP(I(0)), OLD(HEAP(I(0))))));
    int nth = 0;
    loops[nloops].loop = find_stmt(&fun(p, 0)->body, S_WHILE, &nth);
    loops[nloops++].invariants = L1(B(VB_LE, P(1), P(0)));
}

/* assert annotation: the first S_ANNOT gets `assert x == 5` */
static void assert_x5(VSpec *s, Program *p)
{
    (void)s;
    int nth = 0;
    annot_at[nannots] = find_stmt(&fun(p, 0)->body, S_ANNOT, &nth);
    annots[nannots].at = annot_at[nannots];
    annots[nannots].stmt.kind = VS_ASSERT;
    annots[nannots].stmt.e = B(VB_EQ, P(0), I(5));
    annots[nannots].stmt.e->span.line = annot_at[nannots]->span.line;
    nannots++;
}

static void slice_spec(VSpec *s, Program *p, int64_t hi)
{
    (void)p;
    s->funs[0].requires = L1(SLICE(I(0), I(hi)));
}
static void slice4(VSpec *s, Program *p) { slice_spec(s, p, 4); }
static void slice3(VSpec *s, Program *p) { slice_spec(s, p, 3); }
static void slice4_ens2(VSpec *s, Program *p)
{
    slice4(s, p);
    s->funs[0].ensures = L1(B(VB_EQ, RET(), I(2)));
}
static void slice_past(VSpec *s, Program *p)
{
    (void)p;
    s->funs[0].requires = L1(SLICE(I(1023), I(1025)));
}
static void slice_end(VSpec *s, Program *p)
{
    (void)p;
    s->funs[0].requires = L1(SLICE(I(1023), I(1024)));
}

int main(void)
{
    arena_init(&A);
    static const struct {
        Case c;
        SpecFn spec;
    } T[] = {
        /* overflow of + with and without a bound */
        {{"add-bounded", "fun 1 f(1 x) {\n  return x + 1;\n}\n", ""}, req_x_lt_100},
        {{"add-overflow", "fun 1 f(1 x) {\n  return x + 1;\n}\n", "overflow@2"}, NULL},
        {{"sub-underflow", "fun 1 f(1 x) {\n  return 5 - x;\n}\n", "overflow@2"}, NULL},
        {{"sub-ok", "fun 1 f(1 x) {\n  return x - 0;\n}\n", ""}, NULL},
        {{"mul-overflow", "fun 1 f(1 x) {\n  return x * 3;\n}\n", "overflow@2"}, NULL},
        {{"mul-ok", "fun 1 f(1 x) {\n  return x * 3;\n}\n", ""}, req_x_lt_100},
        /* negative literals wrap: an overflow (§2.15 #8) */
        {{"neg-literal", "fun 1 f() {\n  var 1 x = -1;\n  return 0;\n}\n", "overflow@2"}, NULL},
        /* shifts: << checked (§2.15 #7), >>> never overflows */
        {{"shl-overflow", "fun 1 f(1 x) {\n  return x << 1;\n}\n", "overflow@2"}, NULL},
        {{"shl-ok", "fun 1 f(1 x) {\n  return x << 1;\n}\n", ""}, req_x_lt_100},
        {{"lsr-ok", "fun 1 f(1 x) {\n  return x >>> 3;\n}\n", ""}, NULL},
        {{"shift-var-large", "fun 1 f(1 x, 1 n) {\n  return x >>> n;\n}\n", "overflow@2"}, NULL},
        /* >> is arithmetic: 2^64-1 >> 4 == 2^64-1 */
        {{"asr-sign", "fun 1 f() {\n  var 1 x = 18446744073709551615;\n  return (x >> 4) == x;\n}\n", ""},
         ens_ret_eq1},
        {{"lsr-not-sign", "fun 1 f() {\n  var 1 x = 18446744073709551615;\n  return (x >>> 4) == x;\n}\n",
          "postcondition@3"},
         ens_ret_eq1},
        /* signed comparisons are two's complement (§2.15 #9) */
        {{"signed-lt", "fun 1 f() {\n  var 1 x = 18446744073709551615;\n  return x < 0;\n}\n", ""}, ens_ret_eq1},
        {{"unsigned-lt", "fun 1 f() {\n  var 1 x = 18446744073709551615;\n  return x <+ 0;\n}\n",
          "postcondition@3"},
         ens_ret_eq1},
        /* postconditions: located at the return that breaks them */
        {{"ens-ok", "fun 1 f(1 x) {\n  if (x < 10) {\n    return 1;\n  }\n  return 2;\n}\n", ""}, ens_ret_ge1},
        {{"ens-fail", "fun 1 f(1 x) {\n  if (x < 10) {\n    return 1;\n  }\n  return 2;\n}\n", "postcondition@5"},
         ens_ret_eq1},
        /* bit operations: masks rewritten, others through bit-vectors */
        {{"and-mask", "fun 1 f(1 x) {\n  return x & 255;\n}\n", ""}, ens_ret_lt256},
        {{"and-bit8", "fun 1 f(1 x) {\n  return x & 256;\n}\n", "postcondition@2"}, ens_ret_lt256},
        {{"or-bv", "fun 1 f(1 x) {\n  return (x & 15) | 32;\n}\n", ""}, ens_ret_lt256},
        {{"or-bv-fail", "fun 1 f(1 x) {\n  return (x & 255) | 256;\n}\n", "postcondition@2"}, ens_ret_lt256},
        /* heap: permission to read and write */
        {{"load-perm", "fun 1 f(1 p) {\n  var 1 v = lds 1 p;\n  return v;\n}\n", ""}, req_acc_p},
        {{"load-noperm", "fun 1 f(1 p) {\n  var 1 v = lds 1 p;\n  return v;\n}\n", "permission@2 permission@2"}, NULL},
        {{"store-write", "fun 1 f(1 p) {\n  st p, 42;\n  return lds 1 p;\n}\n", ""}, req_acc_p_ens42},
        {{"store-readonly", "fun 1 f(1 p) {\n  st p, 42;\n  return 0;\n}\n", "permission@2"}, req_read_p},
        /* bytes: shift by 8*(addr mod 8), little-endian (§2.15 #12) */
        {{"st8-ld8", "fun 1 f(1 p) {\n  st p, 0;\n  st8 p + 1, 42;\n  return ld8 (p + 1);\n}\n", ""},
         req_acc_p_ens42},
        {{"st8-ld8-word", "fun 1 f(1 p) {\n  st p, 0;\n  st8 p + 1, 42;\n  return lds 1 p;\n}\n",
          "postcondition@4"},
         req_acc_p_ens42},
        {{"st8-word-value",
          "fun 1 f(1 p) {\n  st p, 0;\n  st8 p + 1, 1;\n  return (lds 1 p) == 256;\n}\n", ""},
         req_acc_p_ens1},
        /* multi-word stores use word indices (§2.15 #11) */
        {{"st-struct", "fun 1 f() {\n  st 8, <1, 2>;\n  return lds 1 16;\n}\n", ""}, slice4_ens2},
        {{"st-struct-fail", "fun 1 f() {\n  st 8, <1, 2>;\n  return lds 1 8;\n}\n", "postcondition@3"}, slice4_ens2},
        /* reachability of the end (vacuity) */
        {{"unreachable", "fun 1 f(1 x) {\n  return x;\n}\n", "unreachable@1"}, req_false},
        /* throw must be unreachable */
        {{"throw", "exception E : 1;\nfun f(1 x) {\n  if (x == 3) {\n    throw E 1;\n  }\n  return 0;\n}\n",
          "throw@4"},
         NULL},
        /* modular calls */
        {{"call-ok", "fun 1 f() {\n  var 1 r = g(5);\n  return r;\n}\nfun 1 g(1 x) {\n  return x + 1;\n}\n", ""},
         call_spec},
        {{"call-pre", "fun 1 f() {\n  var 1 r = g(20);\n  return 6;\n}\nfun 1 g(1 x) {\n  return x + 1;\n}\n",
          "precondition@2"},
         call_spec},
        {{"call-post", "fun 1 f() {\n  var 1 r = g(5);\n  return 6;\n}\nfun 1 g(1 x) {\n  return x + 2;\n}\n",
          "postcondition@6"},
         call_spec},
        {{"tail-call", "fun 1 f() {\n  return g(5);\n}\nfun 1 g(1 x) {\n  return x + 1;\n}\n", ""}, call_spec},
        /* calls forget what they may write, keep the frame (§8.2) */
        {{"call-frame", "fun 1 f() {\n  st 0, 7;\n  g();\n  return lds 1 0;\n}\nfun 1 g() {\n  return 0;\n}\n", ""},
         frame_spec},
        {{"call-havoc", "fun 1 f() {\n  st 0, 7;\n  g();\n  return lds 1 0;\n}\nfun 1 g() {\n  return 0;\n}\n",
          "postcondition@4"},
         frame_spec_lost},
        /* loops */
        {{"loop-ok",
          "fun 1 f(1 n) {\n  var 1 i = 0;\n  var 1 s = 0;\n  while (i < n) {\n    i = i + 1;\n    s = s + 1;\n  }\n"
          "  return s;\n}\n",
          ""},
         loop_good},
        {{"loop-entry",
          "fun 1 f(1 n) {\n  var 1 i = 0;\n  var 1 s = 0;\n  while (i < n) {\n    i = i + 1;\n    s = s + 1;\n  }\n"
          "  return s;\n}\n",
          "invariant-entry@4"},
         loop_bad},
        {{"loop-preserve",
          "fun 1 f(1 n) {\n  var 1 i = 0;\n  var 1 s = 0;\n  while (i < n) {\n    i = i + 1;\n    s = s + 2;\n  }\n"
          "  return s;\n}\n",
          "invariant-preserved@7"},
         loop_good},
        {{"loop-break",
          "fun 1 f(1 n) {\n  var 1 i = 0;\n  var 1 s = 0;\n  while (i < n) {\n    if (i == 5) {\n      break;\n    }\n"
          "    i = i + 1;\n    s = s + 1;\n  }\n  return s;\n}\n",
          "postcondition@11"},
         loop_good},
        {{"loop-frame", "fun 1 f(1 n) {\n  var 1 i = 0;\n  while (i < n) {\n    i = i + 1;\n  }\n  return 0;\n}\n", ""},
         loop_frame},
        {{"loop-frame-write",
          "fun 1 f(1 n) {\n  var 1 i = 0;\n  while (i < n) {\n    st 0, i;\n    i = i + 1;\n  }\n  return 0;\n}\n",
          "permission@4"},
         loop_frame},
        /* statement annotations */
        {{"assert-ok", "fun 1 f() {\n  var 1 x = 5;\n  /@ assert x == 5 @/\n  return 0;\n}\n", ""}, assert_x5},
        {{"assert-fail", "fun 1 f() {\n  var 1 x = 6;\n  /@ assert x == 5 @/\n  return 0;\n}\n", "assert@3"}, assert_x5},
        /* slices */
        {{"slice-load", "fun 1 f() {\n  var 4 v = lds 4 0;\n  return v.3;\n}\n", ""}, slice4},
        {{"slice-short", "fun 1 f() {\n  var 4 v = lds 4 0;\n  return v.3;\n}\n", "permission@2"}, slice3},
        /* a slice past alen(heap) is ill-formed (§8.10) */
        {{"slice-past-alen", "fun 1 f() {\n  return 0;\n}\n", "wellformed@1"}, slice_past},
        {{"slice-at-alen", "fun 1 f() {\n  return lds 1 8184;\n}\n", ""}, slice_end},
    };
    for (size_t i = 0; i < ARRAY_LEN(T); i++) run_case(&T[i].c, T[i].spec);
    printf("%d of %d vgen unit cases passed\n", cases - failures, cases);
    arena_free(&A);
    return failures ? 1 : 0;
}
