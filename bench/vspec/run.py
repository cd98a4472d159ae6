#!/usr/bin/env python3
"""bench/vspec: the verifier's front half (annotations + model files to the
typed specification, `griddle verify --dump-spec`) on generated device
models of growing size. Each model comes in two spellings with the same
meaning: with `define` macros used throughout (as the sDDF models do), and
with the macros already written out. The macro-free spelling, measured in
the same run, is the baseline: the ratio is the cost of macro expansion
(it stays near 1 when expansion is linear; it grew with the model size
when each expansion copied the rest of the token stream).

Usage: run.py GRIDDLE [N...]   (N: predicates/methods per model; default 100 400 1600)
"""
import os, subprocess, sys, tempfile, time

def model(n, macros):
    B8 = (lambda x: f"B8({x})") if macros else (lambda x: f"(0 <= {x} && {x} < 256)")
    UN = "UNCH(d)" if macros else "(d.f0 == old(d.f0) && d.f1 == old(d.f1))"
    out = []
    if macros:
        out += ["define B8(x) (0 <= x && x < 256)",
                "define UNCH(d) (d.f0 == old(d.f0) && d.f1 == old(d.f1))"]
    out += [f"field f{i}: Int" for i in range(n)]
    for i in range(n):
        out.append(f"predicate p{i}(heap: IArray, d: Ref) {{ acc(d.f{i}) && {B8('d.f%d' % i)} && "
                   f"acc(d.f{(i + 1) % n}, 1/2) }}")
    for i in range(n):
        out.append(f"""method m{i}(heap: IArray, d: Ref, a: Int) returns (r: Int)
  requires p{i}(heap, d) && acc(d.f0) && acc(d.f1) && {B8('a')}
  ensures p{i}(heap, d) && {B8('r')} && acc(d.f0) && acc(d.f1) && {UN}
{{
  unfold p{i}(heap, d)
  r := d.f{i}
  if ({B8('r + 1')}) {{ r := r + 1 }} else {{ r := 0 }}
  fold p{i}(heap, d)
}}""")
    return "\n".join(out) + "\n"

def best(griddle, mfile, pnk, reps=5):
    t = []
    for _ in range(reps):
        t0 = time.perf_counter()
        p = subprocess.run([griddle, "verify", "--dump-spec", "-m", mfile, pnk],
                           capture_output=True, text=True)
        t.append(time.perf_counter() - t0)
        if p.returncode:
            sys.exit(f"griddle failed on {mfile}: {p.stderr[:500]}")
    return min(t), p.stdout

def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    griddle = sys.argv[1]
    sizes = [int(a) for a in sys.argv[2:]] or [100, 400, 1600]
    with tempfile.TemporaryDirectory() as tmp:
        pnk = os.path.join(tmp, "p.pnk")
        open(pnk, "w").write("fun f() {\n  return 0;\n}\n")
        print(f"{'N':>6} {'model KB':>9} {'plain s':>9} {'macros s':>9} {'ratio':>6}")
        for n in sizes:
            files = {}
            for m in (False, True):
                files[m] = os.path.join(tmp, f"m{n}{'x' if m else ''}.vpr")
                open(files[m], "w").write(model(n, m))
            tp, outp = best(griddle, files[False], pnk)
            tm, outm = best(griddle, files[True], pnk)
            if outp.count("\n") != outm.count("\n"):
                sys.exit("the two spellings do not give the same specification size")
            kb = os.path.getsize(files[True]) / 1024
            print(f"{n:>6} {kb:>9.0f} {tp:>9.3f} {tm:>9.3f} {tm / tp:>6.2f}")

if __name__ == "__main__":
    main()
