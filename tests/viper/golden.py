#!/usr/bin/env python3
"""Golden tests of `griddle verify --emit-viper` (docs/verifier.md "Viper output").

    golden.py GRIDDLE CASE.pnk...

Each case carries its expected Viper, written by hand from the encoding the
documentation describes (never pasted from griddle's output), in a comment
block after a `// expect:` line; `// args:` gives extra arguments ({dir}:
the case's directory). The comparison is structural: the printed program's
part between `// ---- Pancake functions ----` and `// ---- model files ----`
is compared with the expectation after removing `//` comments and blank
lines and collapsing whitespace, line by line.
"""
import difflib
import os
import re
import shlex
import subprocess
import sys


def normalise(text):
    out = []
    for line in text.splitlines():
        line = re.sub(r'//.*$', '', line)
        line = ' '.join(line.split())
        if line:
            out.append(line)
    return out


def expected(path):
    args, exp, in_exp = [], [], False
    with open(path, encoding='utf-8') as f:
        for line in f:
            if not line.startswith('//'):
                break
            body = line[2:].rstrip('\n')
            if body.strip().startswith('args:') and not in_exp:
                d = os.path.dirname(os.path.abspath(path))
                args += [a.format(dir=d) for a in shlex.split(body.strip()[5:])]
            elif body.strip() == 'expect:':
                in_exp = True
            elif in_exp:
                exp.append(body[1:] if body.startswith(' ') else body)
    return args, exp


def section(text):
    start = text.find('// ---- Pancake functions ----')
    end = text.find('// ---- model files ----')
    if start < 0 or end < start:
        return None
    return text[start:end]


def main():
    griddle, cases = sys.argv[1], sys.argv[2:]
    bad = 0
    for c in cases:
        args, exp = expected(c)
        if not exp:
            print(f'FAIL {c}: no `// expect:` block')
            bad += 1
            continue
        r = subprocess.run([griddle, 'verify', '--emit-viper', '-'] + args + [c], capture_output=True)
        out = r.stdout.decode('utf-8', 'replace')
        if r.returncode != 0:
            print(f'FAIL {c}: exit {r.returncode}\n{r.stderr.decode("utf-8", "replace")}')
            bad += 1
            continue
        got = section(out)
        if got is None:
            print(f'FAIL {c}: no Pancake functions section in the output')
            bad += 1
            continue
        want, have = normalise('\n'.join(exp)), normalise(got)
        if want != have:
            bad += 1
            print(f'FAIL {c}:')
            sys.stdout.writelines(l + '\n' for l in difflib.unified_diff(want, have, 'expected', 'printed',
                                                                          lineterm=''))
        else:
            print(f'ok   {c}')
    print(f'{len(cases) - bad} of {len(cases)} golden cases match')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
