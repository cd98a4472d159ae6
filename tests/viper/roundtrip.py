#!/usr/bin/env python3
"""Differential oracle for `griddle verify --emit-viper` (docs/verifier.md
"Viper output").

    roundtrip.py [--known FILE] [--slow FILE [--all]] [--timeout S] [--only TEXT] [--keep DIR]
                 GRIDDLE CASE_DIR...

For every case of the conformance suite (tests/verify/README.md):

  * a case whose expectation is an input error: `--emit-viper` must exit
    like `griddle verify`, report the same errors, and write nothing;
  * any other case: the program is verified directly (verdict A), then
    printed as Viper, and the printed methods are verified as model
    methods with bodies by griddle's own Viper-model verifier (verdict B:
    `griddle verify -m OUT.vpr EMPTY.pnk`; the prelude is left out, it is
    griddle's built-in one). The expected verdict comes from the case's
    header (written from the specification): `verify: ok` cases must
    verify both ways, `fail:` twins must fail both ways.

A case listed in --known (one path per line, relative to the suite root's
parent, with the reason after '#') may disagree (XFAIL); a listed case that
agrees is an XPASS and fails the run, so the list only shrinks. Unknown
verdicts (exit 3) on either side are reported separately, never as
agreement. The summary gives the agreement rate; every disagreement is
printed. Exit 0 when every disagreement is known, 1 otherwise.

A case listed in --slow (same format) is one whose Viper route ends
unknown after its timeouts (its direct proof needs an encoding the printed
Viper does not carry, e.g. finite-case splits): it compares nothing and
costs half a minute each, so it is skipped and counted, unless --all.
With --all a listed case that no longer ends unknown is reported, so the
list can shrink (run it by hand; docs/verifier.md "Viper output").
"""
import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'verify'))
import run_verify  # noqa: E402  (the suite's own header parser and case discovery)

PRELUDE = re.compile(r'^// ---- prelude.*?^// ---- end of prelude ----\n', re.S | re.M)


def run(cmd, cwd, timeout):
    try:
        r = subprocess.run(cmd, capture_output=True, cwd=cwd, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f'timed out: {shlex.join(cmd)}'
    return r.returncode, r.stdout.decode('utf-8', 'replace') + r.stderr.decode('utf-8', 'replace')


def errors(text):
    return sorted((f, l, c, code, msg) for f, l, c, code, msg in run_verify.diagnostics(text))


def verdict(rc):
    return {0: 'verified', 1: 'failed', 3: 'unknown'}.get(rc, f'exit {rc}')


def check(griddle, path, work, timeout, vtimeout):
    """Returns (category, detail): agree, disagree, unknown, input-agree."""
    spec, kind, _, _ = run_verify.parse_header(path)
    files = run_verify.case_files(spec, path)
    args = run_verify.expand(spec, path, 'args')
    cwd = os.path.dirname(os.path.abspath(path))
    out = os.path.join(work, 'out.vpr')
    if os.path.exists(out):
        os.unlink(out)
    rc_a, text_a = run([griddle, 'verify', '--no-cache', '--timeout', str(vtimeout)] + args + files, cwd, timeout)
    rc_e, text_e = run([griddle, 'verify', '--emit-viper', out] + args + files, cwd, timeout)
    if kind == 'error' or (rc_e != 0 and rc_a == 1 and not os.path.exists(out)):
        same = rc_a == rc_e and errors(text_a) == errors(text_e) and not os.path.exists(out)
        if kind != 'error':
            # the verifier and the printer both refuse the program (an
            # unsupported construct): the same located errors
            same = same or (errors(text_e) and not os.path.exists(out) and
                            all(e in errors(text_a) for e in errors(text_e)))
        return ('input-agree' if same else 'disagree',
                f'verify exit {rc_a}, --emit-viper exit {rc_e}'
                + ('' if same else f'\n--- verify:\n{text_a}\n--- emit:\n{text_e}'))
    if rc_e != 0:
        return 'disagree', f'--emit-viper failed (exit {rc_e}):\n{text_e}'
    with open(out, encoding='utf-8') as f:
        viper = f.read()
    stripped, n = PRELUDE.subn('', viper, count=1)
    if n != 1:
        return 'disagree', 'no prelude block in the output'
    rt = os.path.join(work, 'rt.vpr')
    with open(rt, 'w', encoding='utf-8') as f:
        f.write(stripped)
    empty = os.path.join(work, 'empty.pnk')
    open(empty, 'w').close()
    rc_b, text_b = run([griddle, 'verify', '--no-cache', '--timeout', str(vtimeout), '-m', rt, empty], work, timeout)
    want = 0 if kind == 'verify' else 1 if kind == 'fail' else 3
    detail = f'expected {verdict(want)}, direct {verdict(rc_a)}, via Viper {verdict(rc_b)}'
    if rc_b is not None and rc_b not in (0, 1, 3):
        return 'disagree', detail + '\n' + text_b
    if 3 in (rc_a, rc_b) or rc_a is None or rc_b is None:
        return 'unknown', detail
    if rc_a == rc_b == want:
        return 'agree', detail
    input_err = [e for e in errors(text_b) if not run_verify.is_failure(e[3])]
    return 'disagree', detail + ('\n' + text_b[:2500] if input_err or rc_b != want else '')


def read_known(path):
    known = {}
    if not path:
        return known
    with open(path, encoding='utf-8') as f:
        for line in f:
            s = line.split('#', 1)
            name = s[0].strip()
            if name:
                known[name] = s[1].strip() if len(s) > 1 else ''
    return known


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--known')
    ap.add_argument('--slow', help='cases whose Viper route ends unknown: skipped unless --all')
    ap.add_argument('--all', action='store_true', help='run the --slow cases too')
    ap.add_argument('--timeout', type=float, default=300, help='per griddle run, seconds')
    ap.add_argument('--verify-timeout', type=float, default=10, help='per obligation, seconds')
    ap.add_argument('--only')
    ap.add_argument('--keep', help='keep the printed Viper of each case in this directory')
    ap.add_argument('griddle')
    ap.add_argument('roots', nargs='+')
    a = ap.parse_args()
    known = read_known(a.known)
    slow = read_known(a.slow)
    base = os.path.dirname(os.path.abspath(a.known)) if a.known else os.getcwd()
    cases = [c for c in run_verify.collect(a.roots) if not a.only or a.only in c]
    counts = {'agree': 0, 'disagree': 0, 'unknown': 0, 'input-agree': 0, 'skipped': 0}
    bad = 0
    with tempfile.TemporaryDirectory() as work:
        for c in cases:
            rel = os.path.relpath(os.path.abspath(c), base)
            if rel in slow and not a.all:
                counts['skipped'] += 1
                continue
            try:
                cat, detail = check(a.griddle, c, work, a.timeout, a.verify_timeout)
            except run_verify.BadCase as e:
                cat, detail = 'disagree', f'bad case: {e}'
            if a.keep and os.path.exists(os.path.join(work, 'out.vpr')):
                os.makedirs(a.keep, exist_ok=True)
                dst = os.path.join(a.keep, rel.replace('/', '_').replace('..', '') + '.vpr')
                with open(os.path.join(work, 'out.vpr'), encoding='utf-8') as f, open(dst, 'w') as g:
                    g.write(f.read())
            counts[cat] += 1
            if cat == 'disagree':
                if rel in known:
                    print(f'XFAIL {rel}: {known[rel]}')
                else:
                    bad += 1
                    print(f'DISAGREE {rel}: {detail}')
            elif cat == 'unknown':
                print(f'UNKNOWN {rel}: {detail}')
            if rel in slow and cat != 'unknown':
                print(f'NOT SLOW {rel}: {cat} now; remove it from {a.slow}')
            elif rel in known:
                bad += 1
                print(f'XPASS {rel}: agrees now; remove it from {a.known}')
    compared = counts['agree'] + counts['disagree']
    rate = 100.0 * counts['agree'] / compared if compared else 100.0
    print(f'{len(cases)} cases: {counts["agree"]} agree, {counts["disagree"]} disagree '
          f'({rate:.1f}% agreement of {compared} compared), {counts["unknown"]} unknown, '
          f'{counts["input-agree"]} rejected alike (input errors), {counts["skipped"]} skipped '
          f'(--slow, their Viper route ends unknown)')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
