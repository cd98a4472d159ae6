#!/usr/bin/env python3
"""Generates tests/verify/cases/<group>/*.pnk from tests/verify/src/<group>.txt.

A source file holds cases; a case may be followed by twins that differ
from it by textual substitutions, so each "pass" program and its "fail"
twin stay minimally different and the difference is written once:

    === add-ok
    // x + 1 fits in a word when x < 100.
    fun 1 inc(1 x) {
      /@ requires x < 100 @/
      return x + 1;
    }
    --- add-overflow
    @ x < 100 ~~> x < 18446744073709551615
    @ x + 1 ~~> x $F[overflow]$+ 1

`@ OLD ~~> NEW` replaces the one occurrence of OLD in the case's program
(it must occur exactly once; `\n` in OLD or NEW stands for a line break). A marker $F[code]$ (verification failure
[verify.code]) or $E[text]$ (input error whose message contains text)
stands right before the character the diagnostic must point at; it is
removed and its line:column (after the generated header) becomes a
`// fail:` or `// error:` line. A case with no marker and no `// fail:`,
`// error:` or `// unknown` line of its own gets `// verify: ok`. A twin's
own `//` lines (why it must fail) come first in its header, then a
`// twin of NAME: OLD -> NEW` note for each substitution that changes text.

The markers are placed by hand from the specification (the brief's
position conventions, README.md), never copied from griddle's output.

    gen_cases.py            regenerate
    gen_cases.py --check    exit 1 if a generated file is missing or stale
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MARK = re.compile(r'\$([FE])\[(.*?)\]\$')
SUBST = re.compile(r'^@ (.*?) ~~>(?: (.*))?$')


def parse(path):
    cases, cur = [], None
    with open(path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if line.startswith('=== '):
                cur = {'name': line[4:].strip(), 'lines': [], 'base': None, 'subst': []}
                cases.append(cur)
            elif line.startswith('--- '):
                if cur is None:
                    sys.exit(f'{path}:{n}: twin before any case')
                base = cur if cur['base'] is None else cur['base']
                cur = {'name': line[4:].strip(), 'lines': None, 'base': base, 'subst': [],
                       'notes': []}
                cases.append(cur)
            elif cur is not None and cur['base'] is not None:
                m = SUBST.match(line)
                if m:
                    cur['subst'].append((m.group(1).replace('\\n', '\n'),
                                         (m.group(2) or '').replace('\\n', '\n')))
                elif line.startswith('//'):
                    cur['notes'].append(line)
                elif line.strip():
                    sys.exit(f'{path}:{n}: a twin holds only "@ OLD ~~> NEW" and "//" lines')
            elif cur is not None:
                cur['lines'].append(line)
            elif line.strip() and not line.startswith('#'):
                sys.exit(f'{path}:{n}: text before the first case')
    return cases


def program_text(case, path):
    if case['base'] is None:
        return '\n'.join(case['lines']).strip('\n') + '\n', []
    text, notes = program_text(case['base'], path)[0], list(case['notes'])
    for old, new in case['subst']:
        if text.count(old) != 1:
            sys.exit(f'{path}: twin {case["name"]}: {old!r} occurs {text.count(old)} times')
        text = text.replace(old, new)
        if MARK.sub('', new) != MARK.sub('', old):
            shown = [' '.join(MARK.sub('', x).split()) for x in (old, new)]
            notes.append(f'// twin of {case["base"]["name"]}: {shown[0]} -> {shown[1]}')
    return text, notes


def render(text, notes):
    body, marks = [], []
    for line in text.split('\n'):
        out, pos = '', 0
        for m in MARK.finditer(line):
            out += line[pos:m.start()]
            marks.append((len(body), len(out.encode('utf-8')) + 1, m.group(1), m.group(2)))
            pos = m.end()
        body.append(out + line[pos:])
    own = [l for l in body if re.match(r'^//\s*(fail:|error:|unknown\s*$)', l)]
    head = []
    for _, _, kind, what in marks:
        head.append(None)
    if not marks and not own:
        head = ['// verify: ok']
    lines = head + notes + body
    shift = len(head) + len(notes)
    for i, (row, col, kind, what) in enumerate(marks):
        key = 'fail' if kind == 'F' else 'error'
        lines[i] = f'// {key}: {row + shift + 1}:{col}: {what}'
    return '\n'.join(lines).rstrip('\n') + '\n'


def generate():
    want = {}
    for fn in sorted(os.listdir(os.path.join(HERE, 'src'))):
        if not fn.endswith('.txt'):
            continue
        path = os.path.join(HERE, 'src', fn)
        group = fn[:-4]
        for case in parse(path):
            text, notes = program_text(case, path)
            out = os.path.join(HERE, 'cases', group, case['name'] + '.pnk')
            if out in want:
                sys.exit(f'{path}: duplicate case {case["name"]}')
            want[out] = render(text, notes)
    return want


def main():
    want = generate()
    stale = [p for p, t in want.items()
             if not os.path.exists(p) or open(p, encoding='utf-8').read() != t]
    root = os.path.join(HERE, 'cases')
    extra = [os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs
             if f.endswith('.pnk') and os.path.join(d, f) not in want]
    if '--check' in sys.argv[1:]:
        for p in stale + extra:
            print(f'{os.path.relpath(p, HERE)} is not what gen_cases.py generates '
                  f'(run tests/verify/gen_cases.py)')
        sys.exit(1 if stale or extra else 0)
    for p in extra:
        os.remove(p)
    for p in stale:
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, 'w', encoding='utf-8') as f:
            f.write(want[p])
    print(f'{len(want)} cases ({len(stale)} written, {len(extra)} removed)')


if __name__ == '__main__':
    main()
