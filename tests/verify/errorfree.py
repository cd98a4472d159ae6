#!/usr/bin/env python3
"""Error-freedom: a verified program never reaches a semantic Error.

    errorfree.py [--only TEXT] GRIDDLE DIR_OR_FILE...

Every case expected to verify (`// verify: ok`, see run_verify.py) whose
program has a `main`, or that has `// run:` lines, is run with
`griddle run` (plus the `// run:` arguments: --shared, --device,
--ffi-permissive, --call ... as the case needs; {dir} is the case's
directory; --subst NAME=VALUE adds {NAME}, e.g. a device plugin built
with the tests). Its outcome (docs/trace.md) must not be `error` or
`exception` (both are the reference's Fail). Running out of fuel is
allowed (verification proves partial correctness); every run gets a
`--fuel` bound so a diverging case ends.

This holds whether or not `griddle verify` exists yet: the expectation is
the cases' own (they are written to verify), and the interpreter is the
independent oracle of the semantics.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_verify  # noqa: E402  (case discovery and header parsing)

FUEL = '1000000'
HAS_MAIN = re.compile(r'^\s*fun\s+(?:1\s+)?main\s*\(', re.M)


def wants_run(spec, kind, path):
    if kind != 'verify':
        return False
    if spec['run']:
        return True
    d = os.path.dirname(os.path.abspath(path))
    return any(HAS_MAIN.search(open(os.path.join(d, f), encoding='utf-8').read())
               for f in run_verify.case_files(spec, path))


def run_case(griddle, path, subst):
    spec, kind, _, _ = run_verify.parse_header(path)
    if not wants_run(spec, kind, path):
        return None
    d = os.path.dirname(os.path.abspath(path))
    with tempfile.TemporaryDirectory() as tmp:
        trace = os.path.join(tmp, 't.jsonl')
        cmd = ([griddle, 'run', '--color=never', '--fuel', FUEL, '--trace', trace] +
               run_verify.expand(spec, path, 'run', subst) + run_verify.case_files(spec, path))
        try:
            r = subprocess.run(cmd, capture_output=True, cwd=d, timeout=120)
        except subprocess.TimeoutExpired:
            return [f'timed out: {" ".join(cmd)}']
        lines = open(trace).read().splitlines() if os.path.exists(trace) else []
    err = r.stderr.decode('utf-8', 'replace').strip()
    if not lines:
        return [f'no trace (exit {r.returncode}): {" ".join(cmd)}', err]
    out = json.loads(lines[-1])
    if out.get('event') != 'outcome':
        return [f'the trace does not end with an outcome: {lines[-1]}']
    if out['kind'] in ('error', 'exception'):
        return [f'outcome {out["kind"]}: {json.dumps(out)}', f'command: {" ".join(cmd)}', err]
    return []


def main():
    ap = argparse.ArgumentParser(description='Error-freedom of verified cases under griddle run')
    ap.add_argument('griddle')
    ap.add_argument('roots', nargs='+')
    ap.add_argument('--only')
    ap.add_argument('--subst', action='append', default=[], metavar='NAME=VALUE')
    a = ap.parse_args()
    subst = dict(x.split('=', 1) for x in a.subst)
    griddle = os.path.abspath(a.griddle)
    ran = bad = 0
    for c in run_verify.collect(a.roots):
        if a.only and a.only not in c:
            continue
        try:
            probs = run_case(griddle, c, subst)
        except (run_verify.BadCase, OSError, ValueError, KeyError) as e:
            probs = [f'bad case: {e}']
        if probs is None:
            continue
        ran += 1
        if probs:
            bad += 1
            print(f'FAIL {os.path.relpath(c)}')
            for p in probs:
                print('    ' + p.replace('\n', '\n    '))
    print(f'{ran - bad} of {ran} verified programs ran without an Error')
    sys.exit(1 if bad or not ran else 0)


if __name__ == '__main__':
    main()
