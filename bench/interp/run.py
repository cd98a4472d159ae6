#!/usr/bin/env python3
"""bench/interp: Pancake statements per second under `griddle run`.

Runs loop.pnk, mem.pnk and call.pnk with --stats (which counts executed
statements: assignments, stores, tests of if/while, calls, returns, ...;
jumps are not statements) and, in the same run, baseline.c compiled with
cc -O2 doing the same work, so the numbers can be compared across machines.

usage: bench/interp/run.py [GRIDDLE] [REPEAT]   (from the repository root)
"""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TARGET = 30e6


def best_of(n, f):
    return min((f() for _ in range(n)), key=lambda r: r[0])


def run_interp(griddle, name):
    r = subprocess.run([griddle, 'run', '--stats', '--print-result',
                        os.path.join(HERE, name + '.pnk')], capture_output=True, text=True)
    m = re.search(r'(\d+) statements in ([\d.]+) s', r.stderr)
    if r.returncode or not m:
        sys.exit(f'bench: griddle run {name}.pnk failed:\n{r.stderr}')
    return float(m.group(2)), int(m.group(1)), int(r.stdout.split()[0])


def run_c(exe, name):
    out = subprocess.run([exe, name], capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), int(out[1])


def main():
    griddle = sys.argv[1] if len(sys.argv) > 1 else 'build/griddle'
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    outdir = os.path.join('bench', 'out')
    os.makedirs(outdir, exist_ok=True)
    exe = os.path.join(outdir, 'interp_baseline')
    subprocess.run(['cc', '-O2', '-o', exe, os.path.join(HERE, 'baseline.c')], check=True)
    print(f'{"workload":<8} {"statements":>11} {"griddle s":>10} {"Mstmt/s":>8} '
          f'{"C -O2 s":>9} {"slowdown":>9}')
    worst = None
    for name in ('loop', 'mem', 'call'):
        t, n, v = best_of(repeat, lambda: run_interp(griddle, name))
        ct, cv = best_of(repeat, lambda: run_c(exe, name))
        if v != cv:
            sys.exit(f'bench: {name}: griddle computed {v}, C computed {cv}')
        rate = n / t
        worst = rate if worst is None else min(worst, rate)
        print(f'{name:<8} {n:>11} {t:>10.3f} {rate / 1e6:>8.1f} {ct:>9.3f} {t / ct:>8.1f}x')
    verdict = 'meets' if worst >= TARGET else 'BELOW'
    print(f'slowest: {worst / 1e6:.1f} million statements/s ({verdict} the target of '
          f'{TARGET / 1e6:.0f} million)')


if __name__ == '__main__':
    main()
