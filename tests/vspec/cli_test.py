#!/usr/bin/env python3
"""Command-line behaviour of `griddle verify --dump-spec` (exit codes and
messages from docs/verifier-language.md and the driver's conventions:
0 printed, 1 errors in the input, 2 usage error)."""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "cases")
MODELS = os.path.join(HERE, "models")
failures = 0


def run(griddle, *args):
    return subprocess.run([griddle, "verify", "--dump-spec", *args], capture_output=True,
                          text=True, timeout=60)


def check(name, ok, p):
    global failures
    if not ok:
        failures += 1
        print(f"FAIL {name}: exit {p.returncode}\nstdout:\n{p.stdout}\nstderr:\n{p.stderr}")


def main():
    griddle = sys.argv[1]
    model_case = os.path.join(CASES, "model.pnk")
    dev = os.path.join(MODELS, "dev.vpr")

    p = run(griddle)
    check("no input files", p.returncode == 2 and "no input files" in p.stderr, p)
    p = run(griddle, model_case, "-m")
    check("-m without a file", p.returncode == 2 and "-m needs a model file" in p.stderr, p)
    p = run(griddle, "--frobnicate", model_case)
    check("unknown option", p.returncode == 2 and "--frobnicate" in p.stderr, p)
    p = run(griddle, "--help")
    check("--help", p.returncode == 0 and p.stdout.startswith("usage: griddle verify --dump-spec"), p)

    a = run(griddle, "-m", dev, model_case)
    b = run(griddle, "-I", dev, model_case)
    c = run(griddle, "--model=" + dev, model_case)
    check("-m FILE", a.returncode == 0 and a.stdout.startswith("model field dev#mfield0"), a)
    check("-I FILE is a model file", b.returncode == 0 and b.stdout == a.stdout, b)
    check("--model=FILE", c.returncode == 0 and c.stdout == a.stdout, c)

    p = run(griddle, "-m", os.path.join(MODELS, "no-such.vpr"), model_case)
    check("unreadable model", p.returncode == 1 and "cannot read model file" in p.stderr
          and "[verify.io]" in p.stderr and not p.stdout, p)

    neg = os.path.join(CASES, "neg-syntax.pnk")
    p = run(griddle, "--diagnostics-format=json", neg)
    ok = p.returncode == 1
    try:
        doc = json.loads(p.stdout or p.stderr)
        items = doc if isinstance(doc, list) else doc.get("diagnostics", [])
        ok = ok and any("verify.syntax" in json.dumps(d) for d in items)
    except ValueError:
        ok = False
    check("JSON diagnostics", ok, p)

    print(f"vspec cli: {'ok' if not failures else str(failures) + ' failure(s)'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
