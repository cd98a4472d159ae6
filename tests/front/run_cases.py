#!/usr/bin/env python3
"""Golden tests for `griddle check` (and friends).

Each case is a .pnk file (or a directory of them, see below) whose leading
`//` comment lines state the expectation; the expectation comes from the
language reference or hand reasoning, never from griddle's own output.

  // args: --compat -DFOO=1        extra command-line arguments (optional)
  // files: a.pnk b.pnk            (directory cases) files in order
  // expect: ok | error            exit status 0 / 1   (required)
  // error: L:C: [code] text       one expected error; text is a substring
  // warning: L:C: [code] text     one expected warning
  // error: FILE:L:C: [code] text  location in another file (multi-file cases)
  // cmd: fmt --explicit-parens     the subcommand and its options (default: check)
  // output-contains: TEXT          stdout must contain TEXT (repeatable)
  // stdin: yes                     feed the (first) file on standard input as `-`

Errors and warnings must match exactly: every reported one must be
expected and every expected one reported (matched by file, line, column,
code, and the text as a substring of the message; text may be empty).
A directory case holds a file named `case.txt` with the same header lines.
"""
import json, os, re, subprocess, sys

HEAD = re.compile(r'^\s*//\s*(args|files|expect|error|warning|cmd|output-contains|stdin):\s*(.*?)\s*$')
LOC = re.compile(r'^(?:(?P<file>[^:\s]+):)?(?P<line>\d+):(?P<col>\d+):\s*\[(?P<code>[\w-]+)\]\s*(?P<text>.*)$')


def parse_header(path):
    spec = {'args': [], 'files': None, 'expect': None, 'error': [], 'warning': [], 'cmd': 'check',
            'output-contains': [], 'stdin': 'no'}
    with open(path, 'rb') as f:
        for raw in f:
            line = raw.decode('utf-8', 'replace').rstrip('\n')
            m = HEAD.match(line)
            if not m:
                if line.strip().startswith('//') or not line.strip():
                    continue
                break
            key, val = m.group(1), m.group(2)
            if key == 'args':
                spec['args'] += val.split()
            elif key == 'files':
                spec['files'] = val.split()
            elif key in ('expect', 'cmd', 'stdin'):
                spec[key] = val
            elif key == 'output-contains':
                spec[key].append(val)
            else:
                lm = LOC.match(val)
                if not lm:
                    raise ValueError(f'{path}: bad {key} line: {val!r}')
                spec[key].append(lm.groupdict())
    return spec


def matches(exp, d, default_file):
    f = exp['file'] or default_file
    return (os.path.basename(d.get('file') or '') == f and d.get('line') == int(exp['line'])
            and d.get('column') == int(exp['col']) and d.get('code') == exp['code']
            and exp['text'] in d.get('message', ''))


def run_case(griddle, path):
    if os.path.isdir(path):
        spec = parse_header(os.path.join(path, 'case.txt'))
        files = [os.path.join(path, f) for f in (spec['files'] or sorted(
            x for x in os.listdir(path) if x.endswith(('.pnk', '.\U0001F95E'))))]
        default_file = os.path.basename(files[0])
    else:
        spec = parse_header(path)
        files = [path]
        default_file = os.path.basename(path)
    if spec['expect'] not in ('ok', 'error'):
        return [f'missing or bad "// expect:" line']
    sub = spec['cmd'].split()
    stdin_data = None
    if spec['stdin'] == 'yes':
        with open(files[0], 'rb') as f:
            stdin_data = f.read()
        files = ['-'] + files[1:]
        default_file = '<stdin>'
    cwd = path if os.path.isdir(path) else os.path.dirname(os.path.abspath(path))
    files = [f if f == '-' else os.path.relpath(os.path.abspath(f), cwd) for f in files]
    cmd = [griddle] + sub[:1] + ['--diagnostics-format=json', '--max-errors=0'] + sub[1:] + spec['args'] + files
    try:
        r = subprocess.run(cmd, capture_output=True, timeout=30, input=stdin_data, cwd=cwd)
    except subprocess.TimeoutExpired:
        return ['timed out']
    problems = []
    want_rc = 0 if spec['expect'] == 'ok' else 1
    if r.returncode != want_rc:
        problems.append(f'exit {r.returncode}, expected {want_rc}')
    try:
        diags = json.loads(r.stderr.decode('utf-8', 'replace') or '[]')
    except json.JSONDecodeError:
        return problems + ['stderr is not JSON: ' + r.stderr.decode('utf-8', 'replace')[:500]]
    out = r.stdout.decode('utf-8', 'replace')
    for text in spec['output-contains']:
        if text not in out:
            problems.append(f'stdout lacks {text!r}; stdout was:\n' + out[:2000])
    for sev in ('error', 'warning'):
        got = [d for d in diags if d.get('severity') == sev]
        exp = list(spec[sev])
        unmatched = []
        for d in got:
            for i, e in enumerate(exp):
                if matches(e, d, default_file):
                    del exp[i]
                    break
            else:
                unmatched.append(d)
        for d in unmatched:
            problems.append(f'unexpected {sev}: {os.path.basename(d.get("file") or "")}:'
                            f'{d.get("line")}:{d.get("column")}: [{d.get("code")}] {d.get("message")}')
        for e in exp:
            problems.append(f'missing {sev}: {e["file"] or default_file}:{e["line"]}:{e["col"]}: '
                            f'[{e["code"]}] {e["text"]}')
    return problems


def main():
    griddle, root = os.path.abspath(sys.argv[1]), sys.argv[2]
    only = sys.argv[3] if len(sys.argv) > 3 else None
    cases = []
    for dirpath, dirnames, filenames in os.walk(root):
        if 'case.txt' in filenames:
            cases.append(dirpath)
            dirnames[:] = []
            continue
        for f in filenames:
            if f.endswith(('.pnk', '.\U0001F95E')):
                cases.append(os.path.join(dirpath, f))
    cases.sort()
    passed = failed = 0
    for c in cases:
        if only and only not in c:
            continue
        try:
            probs = run_case(griddle, c)
        except ValueError as e:
            probs = [str(e)]
        if probs:
            failed += 1
            print(f'FAIL {os.path.relpath(c, root)}')
            for p in probs:
                print(f'    {p}')
        else:
            passed += 1
    print(f'{passed} passed, {failed} failed')
    sys.exit(1 if failed or not passed else 0)


if __name__ == '__main__':
    main()
