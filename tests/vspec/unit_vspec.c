/*
 * Unit tests of vspec through its public header: the lookups vgen uses
 * (vspec_annot, vspec_loop, vspec_shared_at) and tree details the dump does
 * not show (struct field offsets, big literals, implicit call arguments,
 * recursion flags). Expected values are worked out by hand in comments.
 */
#include "check/check.h"
#include "verify/vast.h"

#include <stdio.h>
#include <string.h>

static int failures;
#define CHECK(e)                                                            \
    do {                                                                    \
        if (!(e)) {                                                         \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #e); \
            failures++;                                                     \
        }                                                                   \
    } while (0)

typedef struct Fix {
    Interner in;
    SrcMgr sm;
    DiagList dl;
    Program p;
    VSpec s;
    bool ok;
} Fix;

static void dump_diags(Fix *f)
{
    for (size_t i = 0; i < f->dl.v.n; i++)
        fprintf(stderr, "  diag %u:%u %s [%s]\n", f->dl.v.v[i].span.line, f->dl.v.v[i].span.col,
                f->dl.v.v[i].msg, f->dl.v.v[i].code);
}

static void setup(Fix *f, const char *pnk, const char *model)
{
    interner_init(&f->in);
    srcmgr_init(&f->sm);
    diag_init(&f->dl);
    memset(&f->p, 0, sizeof f->p);
    f->p.interner = &f->in;
    f->p.srcmgr = &f->sm;
    FrontOpts fo = {0};
    CheckOpts co = {0};
    bool ok = front_load_text(&f->p, "t.pnk", pnk, strlen(pnk), &fo, &f->dl) &&
              check_program(&f->p, &co, &f->dl);
    VOpts vo = {.model_text = model, .model_text_len = model ? strlen(model) : 0};
    f->ok = ok && vspec_build(&f->s, &f->p, &vo, &f->dl);
    if (!ok) memset(&f->s, 0, sizeof f->s);
    if (!f->ok) dump_diags(f);
}

static void teardown(Fix *f)
{
    vspec_free(&f->s);
    program_free(&f->p);
    diag_free(&f->dl);
    srcmgr_free(&f->sm);
    interner_free(&f->in);
}

static const Stmt *nth_stmt(const Block *b, StmtKind k, int n)
{
    for (uint32_t i = 0; i < b->n; i++)
        if (b->v[i]->kind == k && n-- == 0) return b->v[i];
    return NULL;
}

static const FunDecl *fun0(const Program *p)
{
    for (size_t i = 0; i < p->decls.n; i++)
        if (p->decls.v[i]->kind == D_FUN) return &p->decls.v[i]->u.fun;
    return NULL;
}

static void test_lookups(void)
{
    Fix f;
    setup(&f,
          "fun f(1 a) {\n"
          "  var 1 i = 0;\n"
          "  /@ assert <1, <2, 3>, 4>.2 == 4 @/\n"
          "  while (i < a) {\n"
          "    /@ invariant i <= a @/\n"
          "    i = i + 1;\n"
          "  }\n"
          "  /@ assert 18446744073709551616 == 0x1_0000_0000_0000_0000 @/\n"
          "  return 0;\n"
          "}\n",
          NULL);
    CHECK(f.ok);
    if (!f.ok) return teardown(&f);
    const FunDecl *fn = fun0(&f.p);
    const Stmt *a0 = nth_stmt(&fn->body, S_ANNOT, 0), *a1 = nth_stmt(&fn->body, S_ANNOT, 1);
    const Stmt *w = nth_stmt(&fn->body, S_WHILE, 0), *ret = nth_stmt(&fn->body, S_RETURN, 0);
    const VAnnotStmt *va = vspec_annot(&f.s, a0);
    CHECK(va && va->at == a0 && va->stmt.kind == VS_ASSERT);
    CHECK(vspec_annot(&f.s, ret) == NULL);
    CHECK(vspec_annot(&f.s, w) == NULL);
    const VLoopSpec *ls = vspec_loop(&f.s, w);
    CHECK(ls && ls->loop == w && ls->invariants.n == 1);
    CHECK(vspec_loop(&f.s, a0) == NULL);
    /* <1, <2, 3>, 4>.2: field 2 starts after 1 + 2 words, is one word */
    if (va) {
        const VExpr *eq = va->stmt.e;
        CHECK(eq->kind == VX_BINOP && eq->u.bin.op == VB_EQ);
        const VExpr *sf = eq->u.bin.a;
        CHECK(sf->kind == VX_SFIELD && sf->u.sfld.index == 2 && sf->u.sfld.offset == 3 &&
              sf->u.sfld.words == 1 && sf->type->kind == VT_INT);
        CHECK(sf->u.sfld.e->type->kind == VT_SHAPE && sf->u.sfld.e->type->words == 4);
    }
    /* 2^64 as decimal and as hex: both keep their decimal text */
    const VAnnotStmt *vb = vspec_annot(&f.s, a1);
    CHECK(vb != NULL);
    if (vb) {
        const VExpr *l = vb->stmt.e->u.bin.a, *r = vb->stmt.e->u.bin.b;
        CHECK(l->kind == VX_INT && l->u.lit.big && !strcmp(l->u.lit.big, "18446744073709551616"));
        CHECK(r->kind == VX_INT && r->u.lit.big && !strcmp(r->u.lit.big, "18446744073709551616"));
    }
    CHECK(f.s.nfuns == 1 && f.s.funs[0].fun == fn);
    teardown(&f);
}

static const char REGIONS[] =
    "field c: Int\n"
    "method load_A(heap: IArray, dev: Ref, address: Int) returns (v: Int)\n"
    "method store_A(heap: IArray, dev: Ref, address: Int, value: Int)\n"
    "method load_B(heap: IArray, dev: Ref, address: Int) returns (v: Int)\n"
    "predicate ok(heap: IArray, dev: Ref) { acc(dev.c) }\n"
    "predicate even(n: Int) { n != 0 ==> odd(n - 1) }\n"
    "predicate odd(n: Int) { n != 0 && even(n - 1) }\n"
    "function f(n: Int): Int { n }\n"
    "function g(n: Int): Int { n == 0 ? 0 : g(n - 1) }\n";

static void test_shared(void)
{
    Fix f;
    setup(&f,
          "/@ model field dev @/\n"
          "/@ shared rw u32 A[0x100..0x140:0x10] @/\n"
          "/@ shared r u8 B[0x100..0x104] @/\n"
          "fun h() {\n"
          "  /@ assert ok() && even(2) @/\n"
          "  return 0;\n"
          "}\n",
          REGIONS);
    CHECK(f.ok);
    if (!f.ok) return teardown(&f);
    /* A: u32 at 0x100, 0x110, 0x120, 0x130; B: u8 at 0x100..0x103 */
    const VShared *a = vspec_shared_at(&f.s, 0x110, 4, false);
    CHECK(a && !strcmp(a->name, "A") && a->load && !strcmp(a->load->name, "load_A"));
    CHECK(vspec_shared_at(&f.s, 0x130, 4, true) == a);
    CHECK(vspec_shared_at(&f.s, 0x114, 4, false) == NULL); /* off the stride */
    CHECK(vspec_shared_at(&f.s, 0x140, 4, false) == NULL); /* hi is exclusive */
    CHECK(vspec_shared_at(&f.s, 0x110, 8, false) == NULL); /* wrong width */
    const VShared *b = vspec_shared_at(&f.s, 0x103, 1, false);
    CHECK(b && !strcmp(b->name, "B") && b->stride == 1);
    CHECK(vspec_shared_at(&f.s, 0x103, 1, true) == NULL);  /* B is read-only */
    /* ok() from Pancake gets (heap, dev) prepended */
    const FunDecl *fn = fun0(&f.p);
    const VAnnotStmt *va = vspec_annot(&f.s, nth_stmt(&fn->body, S_ANNOT, 0));
    CHECK(va != NULL);
    if (va) {
        const VExpr *call = va->stmt.e->u.bin.a;
        CHECK(call->kind == VX_PREDCALL && call->u.call.args.n == 2);
        CHECK(call->u.call.args.v[0]->kind == VX_HEAP);
        CHECK(call->u.call.args.v[1]->kind == VX_MFIELD && call->u.call.args.v[1]->u.mfield == 0);
        const VExpr *ev = va->stmt.e->u.bin.b; /* even(2): model, no implicit prefix fits */
        CHECK(ev->kind == VX_PREDCALL && ev->u.call.args.n == 1);
    }
    /* recursion: even <-> odd mutually, g directly; ok, f not */
    for (size_t i = 0; i < f.s.preds.n; i++) {
        const VPred *p = f.s.preds.v[i];
        bool want = !strcmp(p->name, "even") || !strcmp(p->name, "odd");
        CHECK(p->recursive == want);
    }
    for (size_t i = 0; i < f.s.funcs.n; i++)
        CHECK(f.s.funcs.v[i]->recursive == !strcmp(f.s.funcs.v[i]->name, "g"));
    teardown(&f);
}

/* Two identical regions with different names collide; a stride that never
 * meets the other region's addresses does not. */
static void test_collisions(void)
{
    Fix f;
    setup(&f,
          "/@ model field dev @/\n"
          "/@ shared r u32 A[0x100..0x140:0x10] @/\n"
          "/@ shared r u32 B[0x108..0x148:0x10] @/\n" /* 0x108, 0x118, ...: never A's */
          "fun h() { return 0; }\n",
          REGIONS);
    CHECK(f.ok);
    teardown(&f);
    setup(&f,
          "/@ model field dev @/\n"
          "/@ shared r u32 A[0x100..0x140:0x10] @/\n"
          "/@ shared r u32 B[0x104..0x200:0xc] @/\n" /* 0x104 + 12k = 0x110 + ... : 0x110 = 0x104+12 */
          "fun h() { return 0; }\n",
          REGIONS);
    CHECK(!f.ok);
    bool found = false;
    for (size_t i = 0; i < f.dl.v.n; i++)
        found |= strstr(f.dl.v.v[i].msg, "same address 0x110") != NULL;
    CHECK(found);
    teardown(&f);
}

/* .name on named structs: word ranges from the declaration. */
static void test_named_struct(void)
{
    Fix f;
    setup(&f,
          "struct inner {\n  1 lo,\n  {1,1} hi\n}\n"
          "struct point {\n  {1,1,1} x,\n  inner y\n}\n"
          "fun 1 f(point p) {\n"
          "  /@ assert p.y.hi == <1, 2> @/\n"
          "  return 0;\n}\n",
          NULL);
    CHECK(f.ok);
    if (!f.ok) return teardown(&f);
    const VAnnotStmt *va = vspec_annot(&f.s, nth_stmt(&fun0(&f.p)->body, S_ANNOT, 0));
    CHECK(va != NULL);
    if (va) {
        /* p: x = words 0..2, y = words 3..5 (lo 3, hi 4..5); p.y.hi is
         * field 1 of y at offset 1 within y, 2 words */
        const VExpr *hi = va->stmt.e->u.bin.a, *y = hi->u.sfld.e;
        CHECK(hi->kind == VX_SFIELD && hi->u.sfld.index == 1 && hi->u.sfld.offset == 1 &&
              hi->u.sfld.words == 2);
        CHECK(y->kind == VX_SFIELD && y->u.sfld.index == 1 && y->u.sfld.offset == 3 &&
              y->u.sfld.words == 3 && y->type->name && !strcmp(y->type->name, "inner"));
        CHECK(y->u.sfld.e->kind == VX_PVAR && y->u.sfld.e->type->words == 6);
    }
    teardown(&f);
}

int main(void)
{
    test_named_struct();
    test_lookups();
    test_shared();
    test_collisions();
    if (failures) {
        fprintf(stderr, "unit_vspec: %d failure(s)\n", failures);
        return 1;
    }
    printf("unit_vspec: ok\n");
    return 0;
}
