#!/usr/bin/env python3
"""Golden tests of `griddle verify --dump-spec` (vspec).

Each case is a .pnk file under DIR. Its leading `//` lines say what must happen:
  // args: ...              extra arguments ({dir} is the case's directory)
  // error: [FILE:]L:C: CODE: TEXT
                            an error at that place (FILE: the basename of a model
                            file; default the case itself) with code verify.CODE and
                            TEXT in its message. The set of errors must match
                            exactly, and the exit status must be 1.
A case without `error:` lines must succeed (exit 0) and print exactly the
hand-written NAME.expect next to it.

usage: run_vspec.py GRIDDLE DIR...   (--list: list the cases)
"""
import os
import re
import subprocess
import sys

DIAG = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<col>\d+): error: (?P<msg>.*) \[(?P<code>[\w.-]+)\]$")


def header(path):
    args, errors = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.startswith("//"):
                break
            body = line[2:].strip()
            if body.startswith("args:"):
                args += body[5:].split()
            elif body.startswith("error:"):
                m = re.match(r"error:\s*(?:(?P<file>[\w.-]+\.\w+):)?(?P<line>\d+):(?P<col>\d+):\s*(?P<code>[\w-]+):\s*(?P<text>.*)$", body)
                if not m:
                    raise SystemExit(f"{path}: malformed expectation: {line.strip()}")
                errors.append(m.groupdict())
    return args, errors


def run_case(griddle, path):
    d = os.path.dirname(os.path.abspath(path))
    args, errors = header(path)
    args = [a.replace("{dir}", d) for a in args]
    p = subprocess.run([griddle, "verify", "--dump-spec", *args, path], capture_output=True,
                       text=True, timeout=60)
    problems = []
    if errors:
        if p.returncode != 1:
            problems.append(f"exit status {p.returncode}, expected 1")
        got = []
        for line in p.stderr.splitlines():
            m = DIAG.match(line)
            if m:
                got.append(m.groupdict())
        case = os.path.basename(path)
        want_keys = {((e["file"] or case), int(e["line"]), int(e["col"]), "verify." + e["code"]) for e in errors}
        got_keys = {(os.path.basename(g["file"]), int(g["line"]), int(g["col"]), g["code"]) for g in got}
        for k in sorted(want_keys - got_keys):
            problems.append("missing error %s:%d:%d [%s]" % k)
        for k in sorted(got_keys - want_keys):
            problems.append("unexpected error %s:%d:%d [%s]" % k)
        for e in errors:
            f = e["file"] or case
            ok = any(os.path.basename(g["file"]) == f and int(g["line"]) == int(e["line"])
                     and int(g["col"]) == int(e["col"]) and e["text"] in g["msg"] for g in got)
            if not ok and (f, int(e["line"]), int(e["col"]), "verify." + e["code"]) in got_keys:
                problems.append(f"error at {f}:{e['line']}:{e['col']} lacks the text {e['text']!r}")
        if problems:
            problems.append("stderr:\n" + p.stderr)
    else:
        exp_path = os.path.splitext(path)[0] + ".expect"
        if not os.path.exists(exp_path):
            return [f"no {os.path.basename(exp_path)} and no error: lines"]
        with open(exp_path, encoding="utf-8") as f:
            want = f.read()
        if p.returncode != 0:
            problems.append(f"exit status {p.returncode}, expected 0\nstderr:\n{p.stderr}")
        elif p.stdout != want:
            import difflib
            diff = difflib.unified_diff(want.splitlines(), p.stdout.splitlines(), "expected", "got",
                                        lineterm="")
            problems.append("output differs:\n" + "\n".join(diff))
    return problems


def main():
    argv = sys.argv[1:]
    listing = "--list" in argv
    argv = [a for a in argv if a != "--list"]
    if len(argv) < 2:
        print(__doc__)
        return 2
    griddle, dirs = argv[0], argv[1:]
    cases = sorted(os.path.join(d, f) for d in dirs for f in os.listdir(d) if f.endswith(".pnk"))
    if listing:
        print("\n".join(cases))
        return 0
    failed = 0
    for c in cases:
        probs = run_case(griddle, c)
        if probs:
            failed += 1
            print(f"FAIL {os.path.basename(c)}")
            for pr in probs:
                print("  " + pr.replace("\n", "\n  "))
    print(f"vspec: {len(cases) - failed}/{len(cases)} cases passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
