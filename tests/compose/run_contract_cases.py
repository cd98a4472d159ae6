#!/usr/bin/env python3
"""Golden tests for contracts and bridge obligations: each directory under
tests/compose/contract holds contract files for
examples/sensor_logger/sensor_logger.system and an `expect` file written
by hand from the contracts and the SDF (never from griddle's output):

    system PATH                      the system (relative to the root; default sensor_logger)
    with GLOB                        more contracts (relative to the root), except those
                                     whose name a contract of the case has
    status N                         exit status
    error FILE L:C text              a diagnostic located in FILE (text: a substring)
    obligation ID STATUS             an obligation of the JSON ledger
    claim STATUS text                a claim of the JSON ledger (exact text)
    bridge STATUS text               the obligation with this exact text (any id)
    bridge-cx PYEXPR :: text         its counterexample must satisfy PYEXPR
    counterexample ID PYEXPR         the obligation's counterexample (name = value, ...)
                                     must satisfy PYEXPR: premise and not conclusion,
                                     evaluated here independently of the solver

Every expected error must appear and no unexpected error may."""
import json, os, pathlib, re, subprocess, sys

import diagcheck


def run_case(griddle, root, system, d):
    exp = [l.strip() for l in (d / 'expect').read_text().splitlines()
           if l.strip() and not l.startswith('#')]
    contracts = sorted(str(p) for p in d.glob('*.contract'))
    own = {pathlib.Path(c).name for c in contracts}
    for e in exp:
        kind, rest = e.split(' ', 1)
        if kind == 'system':
            system = root / rest
        elif kind == 'with':
            contracts += sorted(str(p) for p in root.glob(rest) if p.name not in own)
    p = subprocess.run([griddle, 'compose', str(system)] + contracts + ['--format', 'json',
                        '--diagnostics-format=json'], capture_output=True, text=True, timeout=120)
    problems = []
    try:
        diags = json.loads(p.stderr) if p.stderr.strip() else []
    except json.JSONDecodeError:
        return [f'stderr is not JSON: {p.stderr[:300]}']
    led = json.loads(p.stdout) if p.stdout.strip() else None
    expected_errors = []
    for e in exp:
        kind, rest = e.split(' ', 1)
        if kind in ('system', 'with'):
            continue
        if kind == 'status':
            if p.returncode != int(rest):
                problems.append(f'exit status {p.returncode}, expected {rest}')
        elif kind == 'error':
            f, lc, msg = rest.split(' ', 2)
            line, col = (int(x) for x in lc.split(':'))
            expected_errors.append(('error', f, line, col, msg))
        elif kind == 'obligation':
            oid, st = rest.split(' ')
            got = [o['status'] for o in (led or {}).get('obligations', []) if o['id'] == oid]
            if got != [st]:
                problems.append(f'obligation {oid}: {got}, expected {st}')
        elif kind == 'bridge':
            st, text = rest.split(' ', 1)
            got = [o['status'] for o in (led or {}).get('obligations', []) if o['text'] == text]
            if got != [st]:
                problems.append(f'obligation "{text}": {got}, expected {st}')
        elif kind in ('counterexample', 'bridge-cx'):
            if kind == 'bridge-cx':
                cond, text = rest.split(' :: ', 1)
                oid = text
                ev = [o['evidence'] or '' for o in (led or {}).get('obligations', [])
                      if o['text'] == text]
            else:
                oid, cond = rest.split(' ', 1)
                ev = [o['evidence'] or '' for o in (led or {}).get('obligations', [])
                      if o['id'] == oid]
            m = re.search(r'counterexample: (.*)', ev[0]) if ev else None
            if not m:
                problems.append(f'{oid}: no counterexample in {ev}')
                continue
            vals = {k.strip(): int(v.split()[0], 0) for k, v in
                    (kv.split('=') for kv in m[1].split(';')[0].split(','))}
            if not eval(cond, {}, vals):
                problems.append(f'{oid}: counterexample {vals} does not satisfy {cond}')
        elif kind == 'claim':
            st, text = rest.split(' ', 1)
            got = [c['status'] for c in (led or {}).get('claims', []) if c['claim'] == text]
            if got != [st]:
                problems.append(f'claim "{text}": {got}, expected {st}')
    problems += diagcheck.match(diags, expected_errors)
    return problems


def main():
    griddle, root = sys.argv[1], pathlib.Path(sys.argv[2])
    system = root / 'examples/sensor_logger/sensor_logger.system'
    cases = sorted(d for d in (root / 'tests/compose/contract').iterdir() if d.is_dir())
    fails = 0
    for d in cases:
        probs = run_case(griddle, root, system, d)
        if probs:
            fails += 1
            print(f'FAIL {d.name}')
            for pr in probs:
                print('   ', pr)
    print(f'{len(cases) - fails}/{len(cases)} contract cases passed')
    sys.exit(1 if fails else 0)


main()
