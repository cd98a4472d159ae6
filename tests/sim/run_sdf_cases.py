#!/usr/bin/env python3
"""Golden tests for the SDF reader: each tests/sim/sdf/*.system states its
expected diagnostics in XML comments, written by hand from the Microkit
rules (reference section 1.2), never copied from griddle's output:

    <!-- expect: error 12:18 unknown memory region 'nope' -->
    <!-- expect: warning 3:5 unused memory region -->
    <!-- args: ++board none -->   (options are written with ++; @PDS@ is the
                                   directory of the test PD images;
                                   ++with-images reads program images)

Every expected diagnostic must appear (severity, line, column, and the
text as a substring); no unexpected error may appear; the exit status is 1
if errors are expected, else 0.
"""
import json, re, subprocess, sys, pathlib

EXPECT = re.compile(r'<!--\s*expect:\s*(error|warning)\s+(\d+):(\d+)\s+(.*?)\s*-->')
ARGS = re.compile(r'<!--\s*args:\s*(.*?)\s*-->')

def run_case(griddle, path, pds):
    text = path.read_text()
    expects = [(m[0], int(m[1]), int(m[2]), m[3]) for m in EXPECT.findall(text)]
    args = []
    for a in ARGS.findall(text):
        # '--' may not appear inside an XML comment: options are written '++'
        args += [w.replace('++', '--', 1) if w.startswith('++') else w.replace('@PDS@', pds)
                 for w in a.split()]
    if '--with-images' in args:
        args.remove('--with-images')
    else:
        args.append('--no-images')
    cmd = [griddle, 'sim', '--check', '--diagnostics-format=json'] + args + [str(path)]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    try:
        diags = json.loads(p.stderr) if p.stderr.strip() else []
    except json.JSONDecodeError:
        return [f'stderr is not JSON: {p.stderr[:500]}']
    problems = []
    used = set()
    for sev, line, col, msg in expects:
        hit = [i for i, d in enumerate(diags)
               if d['severity'] == sev and d.get('line') == line and d.get('column') == col
               and msg in d['message'] and i not in used]
        if not hit:
            problems.append(f'missing {sev} {line}:{col} "{msg}"')
        else:
            used.add(hit[0])
    for i, d in enumerate(diags):
        if d['severity'] == 'error' and i not in used:
            problems.append(f'unexpected error {d.get("line")}:{d.get("column")} {d["message"]}')
    want_rc = 1 if any(e[0] == 'error' for e in expects) else 0
    if p.returncode != want_rc:
        problems.append(f'exit status {p.returncode}, expected {want_rc}')
    return problems

def main():
    griddle, case_dir = sys.argv[1], pathlib.Path(sys.argv[2])
    pds = sys.argv[3] if len(sys.argv) > 3 else '.'
    cases = sorted(case_dir.glob('*.system'))
    if not cases:
        print('no cases found'); return 1
    failed = 0
    for c in cases:
        probs = run_case(griddle, c, pds)
        if probs:
            failed += 1
            print(f'FAIL {c.name}')
            for pr in probs:
                print(f'    {pr}')
        else:
            print(f'ok   {c.name}')
    print(f'{len(cases) - failed}/{len(cases)} SDF cases passed')
    return 1 if failed else 0

sys.exit(main())
