#!/usr/bin/env python3
"""Conformance runner for `griddle verify` (tests/verify/README.md).

    run_verify.py [--list] [--only TEXT] [--case-timeout S] GRIDDLE DIR_OR_FILE...

Every .pnk file under the given directories is a case, except files listed
in another case's `// files:` line (parts of a multi-file program); a
`.case` file is a case made only of header lines (it needs `// files:`).
The case's leading `//` lines state what must happen; they are written
from the specification (reference verifier.md, the brief's diagnostic
contract), never from griddle's output:

  // verify: ok                 exit 0, nothing fails, no errors
  // fail: [FILE:]L:C: CODE     a verification failure [verify.CODE] at L:C
                                (repeatable; the set must match exactly; exit 1)
  // error: [FILE:]L:C: TEXT    an input error at L:C whose message contains
                                TEXT (repeatable; exit 1, no verify.* failures)
  // error: TEXT                an input error anywhere (also one without a
                                location, e.g. an unreadable file) containing TEXT
  // unknown                    exit 3 with at least one [verify.unknown]
  // args: ...                  extra arguments, shell-quoted; {dir} is the
                                case's directory, {models} tests/verify/models
  // files: a.pnk b.pnk         the program's files in order (default: the case)
  // run: ...                   arguments for `griddle run` (errorfree.py)

Diagnostics are read from standard output and standard error in the
contract's text form `FILE:L:C: error: MESSAGE [verify.CODE]`; FILE is
compared by basename. A failure is an error whose code is one of the
contract's (CODES below, prefixed `verify.`); any other error code
(`verify.syntax`, `verify.name`, `io`, ...) is an input error. Exit status 77 (CTest's skip code) when the griddle
given has no `verify` command yet.
"""
import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(HERE, 'models')
HEAD = re.compile(r'^//\s*(?:(unknown)\s*$|(verify|fail|error|args|files|run):\s*(.*?)\s*$)')
EXPECT_LOC = re.compile(r'^(?:(?P<file>[^:\s]+):)?(?P<line>\d+):(?P<col>\d+):\s*(?P<rest>.*)$')
DIAG = re.compile(r'^(?P<file>.+?)(?::(?P<line>\d+):(?P<col>\d+))?: (?P<sev>error|warning|note): '
                  r'(?P<msg>.*?)(?: \[(?P<code>[\w.-]+)\])?\s*$')
CODES = {'assert', 'refute', 'precondition', 'postcondition', 'invariant-entry',
         'invariant-preserved', 'overflow', 'permission', 'exhale', 'fold', 'unfold',
         'wellformed', 'shared', 'ffi', 'unreachable'}


class BadCase(Exception):
    pass


def parse_header(path):
    spec = {'verify': [], 'fail': [], 'error': [], 'unknown': [], 'args': [], 'files': [],
            'run': []}
    with open(path, encoding='utf-8') as f:
        for line in f:
            s = line.strip()
            if not s:
                continue
            if not s.startswith('//'):
                break
            m = HEAD.match(s)
            if m and m.group(1):
                spec['unknown'].append('')
            elif m:
                spec[m.group(2)].append(m.group(3))
    kinds = [k for k in ('verify', 'fail', 'error', 'unknown') if spec[k]]
    if len(kinds) != 1:
        raise BadCase('needs exactly one kind of expectation (verify: ok, fail:, error: or unknown), '
                      f'has {kinds or "none"}')
    if spec['verify'] and spec['verify'] != ['ok']:
        raise BadCase(f'"// verify:" takes only "ok", not {spec["verify"]}')
    fails = set()
    for v in spec['fail']:
        file, line, col, code = split_loc(v)
        code = code[len('verify.'):] if code.startswith('verify.') else code
        if code not in CODES:
            raise BadCase(f'unknown failure code {code!r}')
        fails.add((file, line, col, code))
    errors = [split_loc(v, optional=True) for v in spec['error']]
    return spec, kinds[0], fails, errors


def is_failure(code):
    """A verification failure: one of the contract's codes. Any other code
    (verify.syntax, verify.name, io, ...) marks an input error."""
    return code.startswith('verify.') and code[len('verify.'):] in CODES


def split_loc(v, optional=False):
    m = EXPECT_LOC.match(v)
    if not m:
        if optional:
            return None, None, None, v
        raise BadCase(f'expected [FILE:]L:C: ..., got {v!r}')
    return m.group('file'), int(m.group('line')), int(m.group('col')), m.group('rest')


def case_files(spec, path):
    if spec['files']:
        return [n for v in spec['files'] for n in shlex.split(v)]
    return [os.path.basename(path)]


def expand(spec, path, key, extra=None):
    d = os.path.dirname(os.path.abspath(path))
    return [x.format(dir=d, models=MODELS, **(extra or {}))
            for v in spec[key] for x in shlex.split(v)]


def diagnostics(text):
    out = []
    for line in text.splitlines():
        m = DIAG.match(line)
        if m and m.group('sev') == 'error':
            line = int(m.group('line')) if m.group('line') else None
            col = int(m.group('col')) if m.group('col') else None
            out.append((os.path.basename(m.group('file')), line, col,
                        m.group('code') or '', m.group('msg')))
    return out


def same_file(expected, got, default):
    return os.path.basename(expected or default) == got


def fmt(loc):
    file, line, col, code = loc
    return f'{file + ":" if file else ""}{line}:{col}: {code}'


def check_case(griddle, path, timeout, extra=()):
    spec, kind, fails, errors = parse_header(path)
    files = case_files(spec, path)
    cmd = [griddle, 'verify', '--no-cache'] + list(extra) + expand(spec, path, 'args') + files
    try:
        r = subprocess.run(cmd, capture_output=True, timeout=timeout,
                           cwd=os.path.dirname(os.path.abspath(path)))
    except subprocess.TimeoutExpired:
        return [f'timed out after {timeout} s: {shlex.join(cmd)}']
    out = r.stdout.decode('utf-8', 'replace') + r.stderr.decode('utf-8', 'replace')
    diags = diagnostics(out)
    main = files[0]
    got_fail = {(f, l, c, code[len('verify.'):]) for f, l, c, code, _ in diags if is_failure(code)}
    got_unknown = [d for d in diags if d[3] == 'verify.unknown']
    got_err = [d for d in diags if not is_failure(d[3]) and d[3] != 'verify.unknown']
    probs = []
    want_exit = {'verify': 0, 'fail': 1, 'error': 1, 'unknown': 3}[kind]
    if r.returncode != want_exit:
        probs.append(f'exit {r.returncode}, expected {want_exit}')
    if kind == 'fail':
        want = {(os.path.basename(f or main), l, c, code) for f, l, c, code in fails}
        for x in sorted(want - got_fail):
            probs.append(f'missing failure   {fmt(x)}')
        for x in sorted(got_fail - want):
            probs.append(f'unexpected failure {fmt(x)}')
    elif got_fail:
        probs += [f'unexpected failure {fmt(x)}' for x in sorted(got_fail)]
    if kind == 'error':
        for f, l, c, text in errors:
            if l is None:
                ok = any(text in g[4] for g in got_err)
            else:
                ok = any(same_file(f, g[0], main) and (l, c) == (g[1], g[2]) and text in g[4]
                         for g in got_err)
            if not ok:
                where = f'{f + ":" if f else ""}{l}:{c}: ' if l is not None else ''
                probs.append(f'missing error     {where}{text}')
    elif got_err:
        probs += [f'unexpected error  {g[0]}:{g[1]}:{g[2]}: {g[4]} [{g[3]}]' for g in got_err]
    if kind == 'unknown' and not got_unknown:
        probs.append('no [verify.unknown] diagnostic')
    if kind != 'unknown' and got_unknown:
        probs += [f'unexpected unknown {g[0]}:{g[1]}:{g[2]}' for g in got_unknown]
    if probs:
        probs.append(f'command: (cd {shlex.quote(os.path.dirname(os.path.abspath(path)))} && '
                     f'{shlex.join(cmd)})')
        probs.append('output:\n' + out.strip()[:3000])
    return probs


def collect(roots):
    found = []
    for root in roots:
        if os.path.isfile(root):
            found.append(root)
            continue
        for d, _, fs in os.walk(root):
            found += [os.path.join(d, f) for f in fs if f.endswith(('.pnk', '.case'))]
    parts = set()
    for p in found:
        try:
            spec = parse_header(p)[0]
        except (BadCase, OSError):
            continue
        if spec['files']:
            parts |= {os.path.join(os.path.dirname(p), n) for n in case_files(spec, p)
                      if os.path.join(os.path.dirname(p), n) != p}
    return sorted(p for p in found if p not in parts)


def check_syntax(griddle, cases):
    """Every case's Pancake must be what `griddle check` accepts (exit 0)."""
    bad = 0
    for c in cases:
        spec = parse_header(c)[0]
        d = os.path.dirname(os.path.abspath(c))
        r = subprocess.run([griddle, 'check', '--color=never'] + case_files(spec, c),
                           capture_output=True, cwd=d)
        if r.returncode != 0:
            bad += 1
            print(f'FAIL {os.path.relpath(c)}: griddle check exit {r.returncode}')
            print('    ' + r.stderr.decode('utf-8', 'replace').strip().replace('\n', '\n    '))
    print(f'{len(cases) - bad} accepted by griddle check, {bad} rejected')
    return 1 if bad or not cases else 0


def available(griddle):
    try:
        r = subprocess.run([griddle, 'verify', '--help'], capture_output=True, timeout=60)
    except OSError as e:
        print(f'cannot run {griddle}: {e}')
        sys.exit(2)
    text = (r.stdout + r.stderr).decode('utf-8', 'replace')
    return not (r.returncode != 0 and 'not available' in text)


def main():
    ap = argparse.ArgumentParser(description='griddle verify conformance runner')
    ap.add_argument('griddle')
    ap.add_argument('roots', nargs='+')
    ap.add_argument('--list', action='store_true', help='list the cases and their expectations')
    ap.add_argument('--only', help='run only cases whose path contains this text')
    ap.add_argument('--case-timeout', type=float, default=300)
    ap.add_argument('--known', '--known-failures', metavar='FILE',
                    help='known failures: cases listed there may fail (XFAIL); one that passes '
                         '(XPASS) fails the run until it is removed from the list')
    ap.add_argument('--verify-timeout', metavar='S',
                    help='pass --timeout S to griddle verify (per obligation)')
    ap.add_argument('--verify-args', metavar='ARGS', default='',
                    help='more griddle verify arguments for every case (shell-quoted), '
                         'e.g. "--solver cvc5"')
    ap.add_argument('--syntax', action='store_true',
                    help='only check that every case is accepted by `griddle check`')
    a = ap.parse_args()
    cases = [c for c in collect(a.roots) if not a.only or a.only in c]
    if a.list:
        for c in cases:
            try:
                spec, kind, fails, errors = parse_header(c)
                what = {'verify': 'ok', 'unknown': 'unknown',
                        'fail': ', '.join(sorted(fmt(x) for x in fails)),
                        'error': ', '.join(f'{l}:{c_}: {t}' if l else t
                                           for _, l, c_, t in errors)}[kind]
                print(f'{os.path.relpath(c)}: {kind}: {what}')
            except BadCase as e:
                print(f'{os.path.relpath(c)}: BAD HEADER: {e}')
        print(f'{len(cases)} cases')
        return
    griddle = os.path.abspath(a.griddle)
    if a.syntax:
        sys.exit(check_syntax(griddle, cases))
    if not available(griddle):
        print('griddle verify not available: skipping the verifier conformance suite '
              f'({len(cases)} cases)')
        sys.exit(77)
    needs_cvc5 = re.search(r'--solver[ =](cvc5|both)|--cross-check', a.verify_args)
    if needs_cvc5 and not (os.environ.get('GRIDDLE_CVC5') or shutil.which('cvc5')):
        print('cvc5 is not installed (Debian package cvc5, scripts/deps.sh): skipping the suite '
              f'under {a.verify_args} ({len(cases)} cases)')
        sys.exit(77)
    known, may_pass = read_known(a.known) if a.known else ({}, set())
    extra = ['--timeout', a.verify_timeout] if a.verify_timeout else []
    extra += shlex.split(a.verify_args)
    passed = failed = xfail = xpass = 0
    for c in cases:
        try:
            probs = check_case(griddle, c, a.case_timeout, extra)
        except (BadCase, OSError) as e:
            probs = [f'bad case: {e}']
        reason = known.get(os.path.abspath(c))
        if probs and reason:
            xfail += 1
            print(f'XFAIL {os.path.relpath(c)} ({reason})')
        elif probs:
            failed += 1
            print(f'FAIL {os.path.relpath(c)}')
            for p in probs:
                print('    ' + p.replace('\n', '\n    '))
        elif reason and os.path.abspath(c) in may_pass:
            passed += 1
            print(f'PASS {os.path.relpath(c)} (listed as timing-dependent: {reason})')
        elif reason:
            xpass += 1
            print(f'XPASS {os.path.relpath(c)}: passes now; remove it from {a.known}')
        else:
            passed += 1
    print(f'{passed} passed, {failed} failed, {xfail} known failures, {xpass} known failures '
          f'that pass, {len(cases)} cases')
    sys.exit(1 if failed or xpass or not cases else 0)


def read_known(path):
    """known-failures file: `CASE  # why` per line, CASE relative to the
    file's directory or to the repository root; blank lines and lines
    starting with # are ignored. `~CASE` marks a failure that is a solver
    timeout: on a faster machine the case may pass, which is then not an
    XPASS. Returns (known, may_pass)."""
    known, may_pass = {}, set()
    bases = [os.path.dirname(os.path.abspath(path)), os.path.dirname(os.path.dirname(HERE))]
    with open(path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            text, _, why = line.partition('#')
            if not text.strip():
                continue
            text = text.strip()
            timing = text.startswith('~')
            text = text.lstrip('~').strip()
            found = [os.path.normpath(os.path.join(b, text)) for b in bases]
            found = [c for c in found if os.path.exists(c)]
            if not found:
                sys.exit(f'{path}:{n}: no case {text.strip()}')
            known[found[0]] = why.strip() or 'known failure'
            if timing:
                may_pass.add(found[0])
    return known, may_pass


if __name__ == '__main__':
    main()
