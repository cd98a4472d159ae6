#!/usr/bin/env python3
"""Shrinks a program on which diff.py found a mismatch, for tests/diff/regress/.

usage: minimise.py GRIDDLE FILE.pnk [--cc 'gcc -O2'] [-o OUT]

Removes runs of lines (halving the run length down to one line) as long as
the program still passes `griddle check`, griddle run still finishes it
without an Error, and some leg of diff.py still disagrees with griddle run.
The header lines (// args:) are kept. The result is a starting point: add a
comment saying what was found and why, as the files in regress/ do.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import diff


def mismatch(env, text, cc):
    problem = diff.check_program(env, 'candidate', text, cc)
    return problem is not None and 'did not finish cleanly' not in problem


def checks(griddle, text):
    with tempfile.NamedTemporaryFile('w', suffix='.pnk', delete=False) as f:
        f.write(text)
    try:
        return subprocess.run([griddle, 'check', '-w', f.name], capture_output=True).returncode == 0
    finally:
        os.unlink(f.name)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('griddle')
    ap.add_argument('file')
    ap.add_argument('--cc', default='gcc -O2')
    ap.add_argument('-o', '--output')
    a = ap.parse_args()
    with open(a.file) as f:
        lines = f.read().splitlines()
    head = [l for l in lines if l.startswith('// args:') or l.startswith('// calls:')]
    body = [l for l in lines if l not in head]
    with tempfile.TemporaryDirectory() as tmp:
        env = diff.setup(a.griddle, tmp)
        if not mismatch(env, '\n'.join(head + body) + '\n', a.cc):
            sys.exit('minimise: no mismatch to begin with')
        n = len(body) // 2
        while n >= 1:
            i = 0
            while i < len(body):
                cand = body[:i] + body[i + n:]
                text = '\n'.join(head + cand) + '\n'
                if checks(a.griddle, text) and mismatch(env, text, a.cc):
                    body = cand
                    print(f'minimise: {len(body)} lines', file=sys.stderr)
                else:
                    i += n
            n //= 2
    out = '\n'.join(head + body) + '\n'
    if a.output:
        with open(a.output, 'w') as f:
            f.write(out)
    else:
        sys.stdout.write(out)


if __name__ == '__main__':
    main()
