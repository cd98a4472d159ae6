#!/usr/bin/env python3
"""SDF well-formedness through griddle compose: every case of the SDF
reader's golden tests (tests/sim/sdf/*.system, expectations written by hand
from the Microkit rules by the reader's authors) must give the same located
diagnostics and an exit status of 1 when errors are expected, 0 otherwise,
from `griddle compose` as from `griddle sim --check --no-images`. Cases
that need program images are skipped (compose does not read images)."""
import json, pathlib, re, subprocess, sys

import diagcheck

EXPECT = re.compile(r'<!--\s*expect:\s*(error|warning)\s+(\d+):(\d+)\s+(.*?)\s*-->')
ARGS = re.compile(r'<!--\s*args:\s*(.*?)\s*-->')


def main():
    griddle, d = sys.argv[1], pathlib.Path(sys.argv[2])
    ran = fails = 0
    for path in sorted(d.glob('*.system')):
        text = path.read_text()
        args = [w.replace('++', '--', 1) for a in ARGS.findall(text) for w in a.split()]
        if '--with-images' in args:
            continue
        ran += 1
        expects = [(m[0], int(m[1]), int(m[2]), m[3]) for m in EXPECT.findall(text)]
        p = subprocess.run([griddle, 'compose', '--diagnostics-format=json', str(path)] + args,
                           capture_output=True, text=True, timeout=30)
        diags = json.loads(p.stderr) if p.stderr.strip() else []
        problems = diagcheck.match(diags, [(sev, None, line, col, msg)
                                           for sev, line, col, msg in expects])
        want = 1 if any(e[0] == 'error' for e in expects) else 0
        if p.returncode != want:
            problems.append(f'exit status {p.returncode}, expected {want}')
        if want == 0 and 'assurance ledger' not in p.stdout:
            problems.append('no ledger for a well-formed system')
        if problems:
            fails += 1
            print(f'FAIL {path.name}')
            for pr in problems:
                print('   ', pr)
    print(f'{ran - fails}/{ran} SDF cases behave the same through compose')
    sys.exit(1 if fails or ran == 0 else 0)


main()
