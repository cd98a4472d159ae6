#!/usr/bin/env python3
# Regenerates the negative cases tests/vspec/cases/neg-*.pnk (run from
# anywhere: python3 tests/vspec/gen_neg.py).
# Builds negative cases: each body line may carry expectations
#   LINE  ⟦marker|occurrence|code|text⟧ ...
# The expected place is given as a token (marker, its occurrence in the line)
# and located in the text here, independently of griddle.
import re, sys, os
sys.argv[1:] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), 'cases')]
def build(name, desc, body, models=(), model_files={}, args=""):
    lines = body.split("\n")
    out, exps = [], []
    for ln in lines:
        specs = re.findall(r"\s*⟦(.*?)⟧", ln)
        clean = re.sub(r"\s*⟦.*?⟧", "", ln)
        out.append(clean)
        for sp in specs:
            marker, occ, code, text = sp.split("¦")
            exps.append((len(out), clean, marker, int(occ), code, text, None))
    for mf, mbody in model_files.items():
        mlines = mbody.split("\n")
        mout = []
        for ln in mlines:
            specs = re.findall(r"\s*⟦(.*?)⟧", ln)
            clean = re.sub(r"\s*⟦.*?⟧", "", ln)
            mout.append(clean)
            for sp in specs:
                marker, occ, code, text = sp.split("¦")
                exps.append((len(mout), clean, marker, int(occ), code, text, mf))
        open(os.path.join(sys.argv[1], "..", "models", mf), "w").write("\n".join(mout))
    hdr = []
    if models or args:
        hdr.append("// args: " + " ".join([args] * bool(args) + ["-m {dir}/../models/" + m for m in models]))
    for (l, clean, marker, occ, code, text, mf) in exps:
        idx = -1
        for _ in range(occ):
            idx = clean.index(marker, idx + 1)
        hdr.append(f"// error: {(mf + ':') if mf else ''}{{L}}:{idx + 1}: {code}: {text}".replace("{L}", str(l)))
    hdr += ["// " + d for d in desc.split("\n")]
    # body line numbers shift by the header length
    n = len(hdr)
    fixed = []
    for h in hdr:
        m = re.match(r"// error: (?!\w+\.vpr)(\d+):", h)
        if m:
            h = h.replace(f"// error: {m.group(1)}:", f"// error: {int(m.group(1)) + n}:", 1)
        fixed.append(h)
    open(os.path.join(sys.argv[1], name), "w").write("\n".join(fixed) + "\n" + "\n".join(out))

build("neg-syntax.pnk", "Syntax errors in annotations: one located error per annotation.", r"""/@ shared u8 B[100] @/ ⟦u8¦1¦syntax¦access mode r, w or rw⟧
/@ shared rw u12 B[100] @/ ⟦u12¦1¦syntax¦width u8, u16, u32 or u64⟧
/@ predicate P(x Int) @/ ⟦Int¦1¦syntax¦expected ':'⟧
/@ model thing X @/ ⟦thing¦1¦syntax¦'predicate' or 'field' after 'model'⟧
/@ function f(x: Int) Int @/ ⟦Int¦2¦syntax¦expected ':'⟧
/@ predicate Q(x: {1,0}) @/ ⟦0¦1¦syntax¦between 1 and 1024⟧
fun f(1 a) {
  /@ assert a /\ a @/ ⟦\¦1¦syntax¦unexpected '\'⟧
  /@ assert a + @/ ⟦@/¦1¦syntax¦expected an expression⟧
  /@ assert a << a @/ ⟦a¦3¦syntax¦integer literal as the shift amount⟧
  /@ assert _x == 1 @/ ⟦_¦1¦syntax¦cannot start with '_'⟧
  /@ assert a # 1 @/ ⟦#¦1¦syntax¦unexpected character '#'⟧
  /@ assert a == 1 a @/ ⟦a¦3¦syntax¦expected the end of the annotation⟧
  /@ frobnicate a @/ ⟦frobnicate¦1¦syntax¦expected an annotation keyword⟧
  /@ assert forall x: Int :: @/ ⟦@/¦1¦syntax¦expected an expression⟧
  /@ assert acc(heap[0], 1/2 @/ ⟦@/¦1¦syntax¦expected ')'⟧
  /@ assert 0x == 1 @/ ⟦0x¦1¦syntax¦hexadecimal literal without digits⟧
  /@ assert 12ab == 1 @/ ⟦12ab¦1¦syntax¦malformed number⟧
  /@ assert @top == 1 @/ ⟦@top¦1¦syntax¦only @base and @biw⟧
  return 0;
}""")
build("neg-name.pnk", "Unknown and duplicate names.", r"""struct pt {
  1 x
}
fun 1 g(pt v) {
  /@ requires v.z == 0 @/ ⟦z¦1¦name¦struct pt has no field z⟧
  return 0;
}
/@ predicate P(x: Int) @/
/@ predicate P(y: Int) @/ ⟦P¦1¦name¦P is already declared⟧
/@ predicate R(x: Foo) @/ ⟦Foo¦1¦name¦unknown type Foo⟧
/@ predicate T(x: Int, x: Int) @/ ⟦x¦2¦name¦parameter x is declared twice⟧
/@ model field m @/
/@ model field m @/ ⟦m¦2¦name¦model field m is already declared⟧
/@ extern predicate Missing @/ ⟦Missing¦1¦name¦not defined in the model files⟧
/@ ffi nothere @/ ⟦nothere¦1¦name¦no method nothere⟧
fun f(1 a) {
  var 1 x = 0;
  /@ requires x == 0 @/ ⟦x¦1¦name¦unknown name x in a requires clause⟧
  /@ assert nope == 1 @/ ⟦nope¦1¦name¦unknown name nope⟧
  /@ assert foo(1) == 1 @/ ⟦foo¦1¦name¦unknown function or predicate foo⟧
  /@ assert P @/ ⟦P¦1¦name¦P is a predicate⟧
  /@ assert m.nofield == 1 @/ ⟦nofield¦1¦name¦unknown field nofield⟧
  /@ use nowhere @/ ⟦nowhere¦1¦name¦no shared region nowhere⟧
  while (x < 1) {
    var 1 y = 0;
    /@ invariant y == 0 @/ ⟦y¦1¦name¦unknown name y in a loop invariant⟧
    x = x + 1;
  }
  return 0;
}""")
build("neg-type.pnk", "Type errors: shapes (§2.5), operands, permissions in pure positions.", r"""/@ predicate P(x: Int) @/
/@ method mm(x: Int) @/
fun f(1 a) {
  /@ assert <1, 2> == <1, <2>> @/ ⟦<¦1¦type¦cannot compare {1,1} with {1,{1}}⟧
  /@ assert a & (1 == 0) @/ ⟦a¦2¦type¦operator '&' needs Int operands⟧
  /@ assert acc(heap[0]) || true @/ ⟦acc¦1¦type¦acc(...) in a pure position⟧
  /@ assert !P(1) @/ ⟦P¦1¦type¦predicate instance P(...) in a pure position⟧
  /@ assert P(1, 2) @/ ⟦P¦1¦type¦P takes 1 argument(s), 2 given⟧
  /@ assert a.0 == 1 @/ ⟦a¦2¦type¦field .0 of a value of type Int⟧
  /@ assert (a == 1)[0] == 1 @/ ⟦a¦2¦type¦indexing a value of type Bool⟧
  /@ assert acc(heap[0], 1/0) @/ ⟦0¦2¦type¦denominator 0⟧
  /@ assert exists k: Int :: acc(heap[k]) @/ ⟦acc¦1¦type¦acc(...) in a pure position⟧
  /@ assert alen(a) > 0 @/ ⟦a¦3¦type¦alen needs an IArray⟧
  /@ assert heap[0..2] == 0 @/ ⟦heap¦1¦type¦only allowed inside acc⟧
  /@ assert (a == 1 ? <1, 2> : 3) == 3 @/ ⟦a¦2¦type¦the branches of ?: have types⟧
  /@ assert acc(heap[0], true) @/ ⟦true¦1¦type¦expected a permission⟧
  /@ fold a == 1 @/ ⟦a¦1¦type¦need a predicate instance⟧
  /@ assert <(a == 1)> == <1> @/ ⟦a¦2¦type¦a struct field must be an Int or a struct⟧
  /@ assert <1, 2>.2 == 1 @/ ⟦2 ==¦1¦type¦field .2 of a struct with 2 field(s)⟧
  /@ assert mm(1) == 1 @/ ⟦mm¦1¦type¦method mm cannot be called in an expression⟧
  /@ assert |a| == 1 @/ ⟦|¦1¦type¦needs a Seq, Set or IArray⟧
  /@ assert perm(heap[0]) == write @/ ⟦perm¦1¦type¦only available in model files⟧
  /@ assert a == <1, 2> @/ ⟦a¦2¦type¦cannot compare Int with {1,1}⟧
  /@ assert a === (a == 1) @/ ⟦a¦2¦type¦cannot compare Int with Bool⟧
  /@ assert (0 <= a) < 1 @/ ⟦(¦1¦type¦comparison needs Int (or Perm) operands, not Bool and Int⟧
  return 0;
}""")
build("neg-placement.pnk", "Misplaced annotations are errors, not silently dropped (§2.15 #5).", r"""/@ assert true @/ ⟦assert¦1¦placement¦belong inside a function body⟧
/@ predicate Q(x: Int) { old(x) == x } @/ ⟦old¦1¦placement¦old(...) is not available in a predicate body⟧
fun f(1 a) {
  /@ requires old(a) == 0 @/ ⟦old¦1¦placement¦old(...) is not available in a requires clause⟧
  /@ requires retval == 0 @/ ⟦retval¦1¦placement¦retval is only available in the ensures⟧
  /@ predicate P() @/ ⟦predicate¦1¦placement¦belong outside functions⟧
  /@ invariant true @/ ⟦invariant¦1¦placement¦an invariant outside any while loop⟧
  /@ assert result == 0 @/ ⟦result¦1¦placement¦result is only available in the postconditions⟧
  if (a) {
    /@ requires a == 1 @/ ⟦requires¦1¦placement¦requires must be at the top level⟧
    /@ trusted @/ ⟦trusted¦1¦placement¦trusted must be at the top level⟧
  }
  while (a) {
    /@ ensures true @/ ⟦ensures¦1¦placement¦ensures must be at the top level⟧
    if (a) {
      /@ invariant a == 1 @/ ⟦invariant¦1¦placement¦at the top level of its while body⟧
    }
    a = 0;
  }
  return 0;
}""")
build("neg-shared.pnk", "Shared region declarations (§1.5, §2.15 #15, #16).", r"""/@ shared r u16 U[0x1000 + 2..0x1008] @/
/@ shared r u16 V[0x1004] @/ ⟦V¦1¦shared-decl¦overlap (both u16, both readable): they serve the same address 0x1004⟧
/@ shared r u8 NoMeth[1] @/ ⟦NoMeth¦1¦shared-decl¦no method load_NoMeth⟧
/@ shared w u8 S[3] @/ ⟦S¦1¦shared-decl¦no method store_S is declared⟧
/@ shared r u16 S[0x10..0x10] @/ ⟦0x10¦1¦shared-decl¦empty shared range⟧
/@ shared r u16 S[0x10..0x20:0] @/ ⟦0]¦1¦shared-decl¦stride of a shared range must not be 0⟧
/@ shared r u16 S[heap[0]] @/ ⟦heap¦1¦shared-decl¦must be a constant⟧
/@ shared r u8 S[0 - 8] @/ ⟦0¦1¦shared-decl¦must be a constant in [0, 2^64)⟧
/@ shared r u8 Bad[7] @/ ⟦Bad¦1¦shared-decl¦method load_Bad must be⟧
/@ ffi load_R @/ ⟦load_R¦1¦type¦must take the 4 FFI arguments⟧
fun f() {
  return 0;
}""", models=("regions.vpr",))
build("neg-model.pnk", "Errors in model files are located in the model file; after a syntax error\nthe parser resumes at the next declaration keyword in column 1.",
r"""/@ predicate PancakeP() @/
/@ method pancake_m() @/
fun f() {
  return 0;
}""", models=("bad-syntax.vpr", "bad-comment.vpr", "bad-macro.vpr", "bad-rec.vpr", "bad-import.vpr", "bad-type.vpr"),
model_files={
"bad-syntax.vpr": r"""field ok: Int
field f Int ⟦Int¦1¦syntax¦expected ':'⟧
predicate fine(x: Int) { x == 0 }
predicate broken(x: Int) { x == } ⟦}¦1¦syntax¦expected an expression⟧
  field g: Int
method m() returns (r Int) ⟦Int¦1¦syntax¦expected ':'⟧
""",
"bad-comment.vpr": r"""field a: Int
/* not closed ⟦/*¦1¦syntax¦unterminated comment⟧
field b: Int
""",
"bad-macro.vpr": r"""define M(a, b) (a + b)
function g(): Int { M(1) } ⟦M¦1¦syntax¦macro M takes 2 argument(s), 1 given⟧
""",
"bad-rec.vpr": r"""define R(x) R(x)
function h(): Int { R(1) } ⟦R¦1¦syntax¦nested too deeply⟧
""",
"bad-import.vpr": r"""import x ⟦import¦1¦syntax¦'import' is not supported⟧
""",
"bad-type.vpr": r"""field cnt: Int
function h(x: Int): Bool { x } ⟦x¦2¦type¦has type Int, expected Bool⟧
function k(x: Int): Int { x + true } ⟦x¦2¦type¦needs Int operands⟧
method m1(x: Int) { x := 1 } ⟦x¦2¦type¦parameter x cannot be assigned⟧
method m2() { nothere(1) } ⟦nothere¦1¦name¦unknown method nothere⟧
method m3() returns (r: Int) { m4() } ⟦m4¦1¦type¦returns 1 value(s), 0 target(s)⟧
method m4() returns (r: Int) { r := r.cnt } ⟦r¦5¦type¦field .cnt of a value of type Int⟧
method m5(p: Ref) { var v: Int := 1 var v: Int := 2 } ⟦v¦4¦name¦v is already declared⟧
predicate p1(x: Int) { old(x) == 1 } ⟦old¦1¦placement¦old(...) is not available⟧
function f2(x: Int): Int ensures result == x requires retval == 1 ⟦retval¦1¦placement¦retval is only available⟧
method m6(x: Int) requires result == 1 ⟦result¦1¦placement¦result is only available⟧
predicate p7() { PancakeP() } ⟦PancakeP¦1¦name¦model files only see model declarations⟧
method m8() { pancake_m() } ⟦pancake_m¦1¦name¦model files only see model declarations⟧
""",
})
build("neg-locations.pnk", "Locations inside annotations: cake's two-character escapes are whitespace\non the same line, real newlines advance the line.", r"""fun f(1 a) {
  /@ assert a ==\n   zz @/ ⟦zz¦1¦name¦unknown name zz⟧
  /@ assert a == 1 &&\t
       yy == 2 @/ ⟦yy¦1¦name¦unknown name yy⟧
  /@ requires a == 0
     ensures a @/ ⟦ensures¦1¦syntax¦expected the end of the annotation⟧
  return 0;
}""")
build("neg-compat.pnk", "In --compat mode a 2024-era /*@ ... @*/ annotation's text starts after /*@.", r"""fun f(1 a) {
  /*@ assert a == zz @*/ ⟦zz¦1¦name¦unknown name zz⟧
  return 0;
}""", args="--compat")
