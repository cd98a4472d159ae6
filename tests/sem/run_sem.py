#!/usr/bin/env python3
"""Conformance tests for `griddle run`.

Each case is a .pnk file whose leading `//` comment lines state what must
happen. Expectations are worked out by hand from the language reference
(pancake-language.md §3, §5), never pasted from griddle's output.

  // args: --fuel 10 --call 'f(1)'   extra arguments (shell-quoted; may repeat)
  // exit: 0                         expected exit status (required)
  // stdout: text                    one line of expected standard output; the
                                     lines together must be the whole output
                                     (no stdout lines: output must be empty)
  // stdin: text                     one line fed to standard input
  // stderr: text                    a substring standard error must contain
  // trace: {json}                   one trace event; when given, the trace
                                     must be exactly these events in order
  // outcome: {json}                 the trace's last event only

Comparing events: objects must have the same keys and values, except that
"file" compares by basename and "reason" by substring (the wording of a
reason is ours; what is checked is that the expected text appears in it).

In args, {ffi} and {dev} stand for the test FFI library and device plugin
built with the tests, {dir} for the case's directory.
"""
import json
import os
import shlex
import subprocess
import sys
import tempfile

KEYS = ('args', 'exit', 'stdout', 'stdin', 'stderr', 'trace', 'outcome')


def parse_header(path):
    spec = {k: [] for k in KEYS}
    with open(path, encoding='utf-8') as f:
        for line in f:
            s = line.strip()
            if not s.startswith('//'):
                if s:
                    break
                continue
            body = s[2:].strip()
            key, sep, val = body.partition(':')
            if sep and key in KEYS:
                spec[key].append(val[1:] if val.startswith(' ') else val)
    if len(spec['exit']) != 1:
        raise ValueError('needs exactly one "// exit:" line')
    return spec


def same(exp, got, key=None):
    if key == 'file' and isinstance(exp, str) and isinstance(got, str):
        return os.path.basename(exp) == os.path.basename(got)
    if key == 'reason' and isinstance(exp, str) and isinstance(got, str):
        return exp in got
    if isinstance(exp, dict):
        return (isinstance(got, dict) and set(exp) == set(got)
                and all(same(exp[k], got[k], k) for k in exp))
    if isinstance(exp, list):
        return (isinstance(got, list) and len(exp) == len(got)
                and all(same(a, b) for a, b in zip(exp, got)))
    return exp == got and type(exp) == type(got)


def run_case(griddle, path, subst):
    spec = parse_header(path)
    args = []
    for a in spec['args']:
        args += [x.format(**subst, dir=os.path.dirname(os.path.abspath(path)))
                 for x in shlex.split(a)]
    with tempfile.TemporaryDirectory() as tmp:
        trace_path = os.path.join(tmp, 'trace.jsonl')
        cmd = [griddle, 'run', '--color=never', '--trace', trace_path, os.path.basename(path)] + args
        stdin = ''.join(l + '\n' for l in spec['stdin']).encode()
        try:
            r = subprocess.run(cmd, capture_output=True, timeout=60, input=stdin,
                               cwd=os.path.dirname(os.path.abspath(path)))
        except subprocess.TimeoutExpired:
            return ['timed out']
        trace_text = open(trace_path).read() if os.path.exists(trace_path) else ''
    problems = []
    out, err = r.stdout.decode('utf-8', 'replace'), r.stderr.decode('utf-8', 'replace')
    want = int(spec['exit'][0])
    if r.returncode != want:
        problems.append(f'exit {r.returncode}, expected {want}; stderr:\n{err[:1500]}')
    want_out = ''.join(l + '\n' for l in spec['stdout'])
    if out != want_out:
        problems.append(f'stdout was {out[:1500]!r}, expected {want_out!r}')
    for text in spec['stderr']:
        if text not in err:
            problems.append(f'stderr lacks {text!r}; stderr:\n{err[:1500]}')
    try:
        events = [json.loads(l) for l in trace_text.splitlines()]
    except json.JSONDecodeError as e:
        return problems + [f'trace is not JSON Lines: {e}: {trace_text[:500]!r}']
    if spec['trace']:
        exp = [json.loads(t) for t in spec['trace']]
        if len(exp) != len(events) or not all(same(a, b) for a, b in zip(exp, events)):
            problems.append('trace differs; expected:\n    ' +
                            '\n    '.join(json.dumps(e) for e in exp) +
                            '\n  got:\n    ' + '\n    '.join(json.dumps(e) for e in events))
    for t in spec['outcome']:
        exp = json.loads(t)
        if not events or not same(exp, events[-1]):
            problems.append(f'outcome {json.dumps(events[-1]) if events else None}, '
                            f'expected {json.dumps(exp)}')
    return problems


def main():
    griddle, root = os.path.abspath(sys.argv[1]), sys.argv[2]
    subst = {'ffi': os.path.abspath(sys.argv[3]), 'dev': os.path.abspath(sys.argv[4])}
    only = sys.argv[5] if len(sys.argv) > 5 else None
    cases = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs
                   if f.endswith('.pnk'))
    passed = failed = 0
    for c in cases:
        if only and only not in c:
            continue
        try:
            probs = run_case(griddle, c, subst)
        except (ValueError, KeyError, json.JSONDecodeError) as e:
            probs = [f'bad case header: {e}']
        if probs:
            failed += 1
            print(f'FAIL {os.path.relpath(c, root)}')
            for p in probs:
                print('    ' + p.replace('\n', '\n    '))
        else:
            passed += 1
    print(f'{passed} passed, {failed} failed')
    sys.exit(1 if failed or not passed else 0)


if __name__ == '__main__':
    main()
