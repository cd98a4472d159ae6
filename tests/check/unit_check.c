/*
 * Unit tests for what check_program writes into the AST (check.h): slots,
 * frame sizes, global indices, resolved calls, struct field positions and
 * offsets, and the compat rewrites. The golden cases (cases/NAME.pnk) cover
 * diagnostics; these cover the annotations later stages rely on.
 */
#include "check/check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, \
                    #cond);                                                  \
            failures++;                                                      \
        }                                                                    \
    } while (0)

typedef struct Fixture {
    Interner in;
    SrcMgr sm;
    DiagList dl;
    Program p;
    bool ok;
} Fixture;

static void load(Fixture *f, const char *text, bool compat)
{
    memset(f, 0, sizeof *f);
    interner_init(&f->in);
    srcmgr_init(&f->sm);
    diag_init(&f->dl);
    f->p.interner = &f->in;
    f->p.srcmgr = &f->sm;
    arena_init(&f->p.arena);
    FrontOpts o = {.compat = compat};
    size_t len = strlen(text);
    uint32_t id = srcmgr_add(&f->sm, "<unit>", xstrndup(text, len), len);
    lex_text(text, len, id, false, &o, &f->in, &f->sm, &f->p.arena, &f->p.tokens, &f->dl);
    if (!parse_program(&f->p, &o, &f->dl) || f->dl.nerrors) {
        fprintf(stderr, "unit: parse failed for:\n%s\n", text);
        for (size_t k = 0; k < f->dl.v.n; k++) fprintf(stderr, "  %s\n", f->dl.v.v[k].msg);
        exit(1);
    }
    CheckOpts co = {.compat = compat};
    f->ok = check_program(&f->p, &co, &f->dl);
}

static void unload(Fixture *f)
{
    program_free(&f->p);
    diag_free(&f->dl);
    srcmgr_free(&f->sm);
    interner_free(&f->in);
}

static FunDecl *fun(Fixture *f, const char *name)
{
    return check_find_fun(&f->p, intern_cstr(&f->in, name));
}

/* Slots: parameters first, then one fresh slot per declaration, shadowing
 * included; uses resolve to the innermost declaration. */
static void test_slots(void)
{
    Fixture f;
    load(&f,
         "var 1 g = 7;\n"
         "fun f(1 a, 1 b) {\n"
         "  var 1 x = a;\n"        /* slot 2, init reads param a (slot 0) */
         "  { var 1 x = b; x = g; };\n" /* slot 3 shadows x; g is global 0 */
         "  var 1 y = x;\n"        /* slot 4, reads outer x (slot 2) */
         "  return y;\n"
         "}\n", false);
    CHECK(f.ok);
    FunDecl *fn = fun(&f, "f");
    CHECK(fn && fn->nslots == 5);
    Stmt **v = fn->body.v;
    CHECK(v[0]->kind == S_DEC && v[0]->u.dec.var.slot == 2);
    CHECK(v[0]->u.dec.init->kind == E_VAR && !v[0]->u.dec.init->u.var.global &&
          v[0]->u.dec.init->u.var.slot == 0);
    Block *inner = &v[1]->u.block;
    CHECK(inner->v[0]->u.dec.var.slot == 3);
    CHECK(inner->v[0]->u.dec.init->u.var.slot == 1);
    CHECK(inner->v[1]->u.assign.var.slot == 3 && !inner->v[1]->u.assign.var.global);
    CHECK(inner->v[1]->u.assign.e->u.var.global && inner->v[1]->u.assign.e->u.var.slot == 0);
    CHECK(v[2]->u.dec.var.slot == 4 && v[2]->u.dec.init->u.var.slot == 2);
    CHECK(v[3]->u.ret.e->u.var.slot == 4);
    CHECK(v[3]->u.ret.e->shape && v[3]->u.ret.e->shape->kind == SHAPE_ONE);
    unload(&f);
}

/* Globals are numbered in declaration order, redeclarations included;
 * function bodies see the last one. */
static void test_globals(void)
{
    Fixture f;
    load(&f,
         "var 1 a = 1;\n"
         "var {1,1} b = <a, a>;\n"
         "var 1 a = b.0;\n"
         "fun f() { return a + b.1; }\n", false);
    CHECK(f.ok);
    CHECK(f.p.nglobals == 3);
    CHECK(check_global(&f.p, 0) && check_global(&f.p, 0)->init->kind == E_CONST);
    GlobalDecl *b = check_global(&f.p, 1);
    CHECK(b && b->init->u.list.v[0]->u.var.global && b->init->u.list.v[0]->u.var.slot == 0);
    GlobalDecl *a2 = check_global(&f.p, 2);
    CHECK(a2 && a2->init->u.field.e->u.var.slot == 1);
    Expr *sum = fun(&f, "f")->body.v[0]->u.ret.e;
    CHECK(sum->u.list.v[0]->u.var.global && sum->u.list.v[0]->u.var.slot == 2);
    unload(&f);
}

/* Calls point at their FunDecl; __add_with_carry__ has none. */
static void test_calls(void)
{
    Fixture f;
    load(&f,
         "fun {1,1} g(1 a) { return <a, a>; }\n"
         "fun {1,1} f() {\n"
         "  var {1,1} r = g(1);\n"
         "  r = __add_with_carry__(1, 2, 0);\n"
         "  g(2);\n"
         "  return g(3);\n"
         "}\n", false);
    CHECK(f.ok);
    FunDecl *g = fun(&f, "g");
    Stmt **v = fun(&f, "f")->body.v;
    CHECK(v[0]->u.deccall.call.fn == g);
    CHECK(v[1]->u.call.kind == CALL_ASSIGN && v[1]->u.call.call.fn == NULL &&
          v[1]->u.call.dest.slot == 0);
    CHECK(v[2]->u.call.call.fn == g && v[3]->u.call.call.fn == g);
    unload(&f);
}

/* Functions are numbered in declaration order (FunDecl.index), whatever
 * other declarations lie between them, and Program.nfuns counts them. */
static void test_fun_index(void)
{
    Fixture f;
    load(&f,
         "var 1 g = 1;\n"
         "fun b() { return 0; }\n"
         "struct S { 1 x }\n"
         "exception E : 1;\n"
         "fun a() { return 1; }\n"
         "var 1 h = 2;\n"
         "fun main() { return 2; }\n"
         "export fun z(1 x) { return x; }\n", false);
    CHECK(f.ok);
    CHECK(f.p.nfuns == 4);
    CHECK(fun(&f, "b")->index == 0);
    CHECK(fun(&f, "a")->index == 1);
    CHECK(fun(&f, "main")->index == 2);
    CHECK(fun(&f, "z")->index == 3);
    unload(&f);
}

/* Struct sizes, literal field positions (any order) and field offsets. */
static void test_structs(void)
{
    Fixture f;
    load(&f,
         "struct pt { 1 x, {1,1} y }\n"
         "struct seg { pt a, 1 n, pt b }\n"
         "fun f(seg s) {\n"
         "  var pt p = pt < y = <1, 2>, x = 3 >;\n"
         "  return s.b.x + p.y.1 + <1, <2, 3> >.1.0;\n"
         "}\n", false);
    CHECK(f.ok);
    StructDecl *pt = check_find_struct(&f.p, intern_cstr(&f.in, "pt"));
    StructDecl *seg = check_find_struct(&f.p, intern_cstr(&f.in, "seg"));
    CHECK(pt && pt->words == 3 && seg && seg->words == 7);
    Shape named = {.kind = SHAPE_NAMED, .name = seg->name};
    CHECK(check_shape_words(&f.p, &named) == 7);
    Stmt **v = fun(&f, "f")->body.v;
    Expr *lit = v[0]->u.dec.init;
    CHECK(lit->u.nstruct.v[0].index == 1 && lit->u.nstruct.v[1].index == 0);
    Expr *sum = v[1]->u.ret.e;
    Expr *sbx = sum->u.list.v[0];   /* s.b.x */
    CHECK(sbx->kind == E_NFIELD && sbx->u.field.index == 0 && sbx->u.field.offset == 0);
    CHECK(sbx->u.field.e->u.field.index == 2 && sbx->u.field.e->u.field.offset == 4);
    Expr *py1 = sum->u.list.v[1];   /* p.y.1 */
    CHECK(py1->kind == E_FIELD && py1->u.field.offset == 1);
    CHECK(py1->u.field.e->u.field.index == 1 && py1->u.field.e->u.field.offset == 1);
    Expr *lit10 = sum->u.list.v[2]; /* <1, <2, 3>>.1.0 */
    CHECK(lit10->u.field.e->u.field.offset == 1 && lit10->u.field.offset == 0);
    unload(&f);
}

/* compat: inferred shapes are written into the AST, a final stand-alone
 * call becomes a tail call, and an undeclared exception is declared. */
static void test_compat_rewrites(void)
{
    Fixture f;
    load(&f,
         "fun h() { return <1, 2>; }\n"
         "fun k(1 a) { h(); }\n"
         "fun main() {\n"
         "  var t = <1, <2, 3> >;\n"
         "  var u = k(1);\n"
         "  if t.0 { raise Oops t.1; }\n"
         "  return u.0;\n"
         "}\n", true);
    CHECK(f.ok);
    FunDecl *h = fun(&f, "h"), *k = fun(&f, "k"), *m = fun(&f, "main");
    CHECK(h->ret && h->ret->kind == SHAPE_COMB && h->ret->n == 2);
    CHECK(k->ret && shape_eq(k->ret, h->ret));
    CHECK(m->ret && m->ret->kind == SHAPE_ONE);
    Stmt *last = k->body.v[0];
    CHECK(last->u.call.kind == CALL_TAIL && last->u.call.legacy_tail);
    Stmt **v = m->body.v;
    CHECK(v[0]->u.dec.shape && v[0]->u.dec.shape->kind == SHAPE_COMB);
    CHECK(v[1]->u.deccall.shape && shape_eq(v[1]->u.deccall.shape, h->ret));
    ExnDecl *x = check_find_exn(&f.p, intern_cstr(&f.in, "Oops"));
    CHECK(x && x->implicit && x->shape && x->shape->kind == SHAPE_COMB);
    CHECK(f.p.decls.v[f.p.decls.n - 1]->kind == D_EXN);
    unload(&f);
}

/* Strict mode leaves the AST's shapes as written. */
static void test_strict_no_rewrites(void)
{
    Fixture f;
    load(&f, "fun k(1 a) { return a; }\nfun f() { k(1); }\n", false);
    CHECK(!f.ok);
    Stmt *last = fun(&f, "f")->body.v[0];
    CHECK(last->u.call.kind == CALL_STANDALONE && !last->u.call.legacy_tail);
    CHECK(!f.p.checked);
    unload(&f);
}

/* Operator arity (the parser never builds a wrong one). */
static void test_operator_arity(void)
{
    Fixture f;
    load(&f, "fun f(1 a, 1 b) { return a - b; }\nfun g(1 a, 1 b) { return a + b; }\n", false);
    CHECK(f.ok);
    fun(&f, "f")->body.v[0]->u.ret.e->u.list.n = 1;
    fun(&f, "g")->body.v[0]->u.ret.e->u.list.n = 1;
    DiagList dl;
    diag_init(&dl);
    CheckOpts co = {0};
    CHECK(!check_program(&f.p, &co, &dl));
    CHECK(dl.nerrors == 2);
    CHECK(dl.nerrors && strstr(dl.v.v[0].msg, "operation - only accepts 2 operands, 1 provided"));
    CHECK(dl.nerrors > 1 && strstr(dl.v.v[1].msg, "operation + requires at least 2 operands"));
    diag_free(&dl);
    unload(&f);
}

int main(void)
{
    test_operator_arity();
    test_slots();
    test_globals();
    test_calls();
    test_fun_index();
    test_structs();
    test_compat_rewrites();
    test_strict_no_rewrites();
    if (failures) fprintf(stderr, "%d check(s) failed\n", failures);
    else printf("unit_check: all passed\n");
    return failures != 0;
}
