#!/usr/bin/env python3
"""Golden tests for policy files, checked against policy/system.system.
Each policy/*.policy states by hand (from the grammar and the influence
model in docs/composition.md, never from griddle's output):

    # expect-status: N                 the exit status
    # expect: error L:C text           a diagnostic (text is a substring)
    # expect-witness: L PATH           the witness of the failed statement on line L
    # expect-witness-line: L PATH      one line of a multi-path witness

Every expected diagnostic must appear and no unexpected error may."""
import json, pathlib, re, subprocess, sys

import diagcheck

EXPECT = re.compile(r'#\s*expect:\s*(error|warning)\s+(\d+):(\d+)\s+(.*?)\s*$', re.M)
STATUS = re.compile(r'#\s*expect-status:\s*(\d+)')
WITNESS = re.compile(r'#\s*expect-witness(-line)?:\s*(\d+)\s+(.*?)\s*$', re.M)


def run_case(griddle, system, path):
    text = path.read_text()
    p = subprocess.run([griddle, 'compose', str(system), str(path), '--format', 'json',
                        '--diagnostics-format=json'], capture_output=True, text=True, timeout=60)
    problems = []
    try:
        diags = json.loads(p.stderr) if p.stderr.strip() else []
    except json.JSONDecodeError:
        return [f'stderr is not JSON: {p.stderr[:300]}']
    problems += diagcheck.match(diags, [(sev, None, int(line), int(col), msg)
                                        for sev, line, col, msg in EXPECT.findall(text)])
    want = int(STATUS.search(text)[1])
    if p.returncode != want:
        problems.append(f'exit status {p.returncode}, expected {want}')
    witnesses = WITNESS.findall(text)
    if witnesses:
        led = json.loads(p.stdout)
        lines = text.split('\n')
        for multi, line, path_text in witnesses:
            stmt = lines[int(line) - 1].split('#')[0].split('"')[0].strip()
            stmt = ' '.join(stmt.replace('->', ' -> ').split())
            claim = [c for c in led['claims'] if c['claim'] == stmt]
            if not claim:
                problems.append(f'no claim "{stmt}" in the ledger')
                continue
            w = claim[0]['witness'] or ''
            ok = path_text in w.split('\n') if multi else w == path_text
            if not ok:
                problems.append(f'line {line}: witness {w!r}, expected {"a line " if multi else ""}{path_text!r}')
    return problems


def main():
    griddle, d = sys.argv[1], pathlib.Path(sys.argv[2])
    fails = 0
    cases = sorted(d.glob('*.policy'))
    for c in cases:
        probs = run_case(griddle, d / 'system.system', c)
        if probs:
            fails += 1
            print(f'FAIL {c.name}')
            for pr in probs:
                print('   ', pr)
    print(f'{len(cases) - fails}/{len(cases)} policy cases passed')
    sys.exit(1 if fails else 0)


main()
