#!/usr/bin/env python3
"""bench/verify: `griddle verify` on the largest verified example
(examples/spsc: the SPSC rings, their model of the concurrent peer and the
model methods' bodies), cold, warm (every unit cached) and after editing one
function (only that unit is re-verified).

Baseline, measured in the same run: `griddle verify --dump-spec` on the same
input (load, preprocess, check, parse and type the annotations and models:
everything but the VC generation and the solver). Each time is the median of
--repeat runs (default 5). Results also go to bench/out/verify.json.

Usage: run.py GRIDDLE [--repeat N]
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SPSC = os.path.join(ROOT, 'examples', 'spsc')
FILES = ['spsc.pnk', 'main.pnk']


def timed(cmd, cwd, expect=0):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=900)
    dt = time.perf_counter() - t0
    if p.returncode != expect:
        sys.exit(f'{" ".join(cmd)}: exit {p.returncode}\n{p.stdout}\n{p.stderr}')
    return dt, p.stdout


def median(f, n):
    return statistics.median(f() for _ in range(n))


def main():
    argv = sys.argv[1:]
    g = os.path.abspath(argv.pop(0))
    n = 5
    if '--repeat' in argv:
        n = int(argv[argv.index('--repeat') + 1])
    with tempfile.TemporaryDirectory() as tmp:
        work = os.path.join(tmp, 'spsc')
        shutil.copytree(SPSC, work)
        cache = os.path.join(tmp, 'cache')
        verify = [g, 'verify', '-m', 'peer.vpr'] + FILES
        base = median(lambda: timed([g, 'verify', '--dump-spec', '-m', 'peer.vpr'] + FILES, work)[0], n)

        def cold(jobs):
            shutil.rmtree(cache, ignore_errors=True)
            return timed(verify + ['--cache', cache, '-j', str(jobs)], work)[0]
        cold1 = median(lambda: cold(1), n)
        cold2 = median(lambda: cold(2), n)
        _, out = timed(verify + ['--cache', cache], work)
        units = sum(1 for l in out.splitlines() if 'verified' in l and l != 'verified')
        warm = median(lambda: timed(verify + ['--cache', cache], work)[0], n)

        # one-function edit: an extra `skip;` before spsc_dequeue's last return
        src = os.path.join(work, 'spsc.pnk')
        text = open(src).read()
        at = text.index('spsc_dequeue(')
        end = text.find('\nfun ', at)
        ret = text.rindex('\n  return', at, end if end > 0 else len(text))
        edits = [0]

        def edit_once():
            open(src, 'w').write(text)
            timed(verify + ['--cache', cache], work)   # warm on the original
            edits[0] += 1                              # a new edit each time (not cached yet)
            open(src, 'w').write(text[:ret] + '\n  skip;' * edits[0] + text[ret:])
            dt, out2 = timed(verify + ['--cache', cache], work)
            redone = [l.split()[0] for l in out2.splitlines() if 'obligation' in l]
            if redone != ['spsc_dequeue']:
                sys.exit(f"expected only spsc_dequeue re-verified, got {redone}\n{out2}")
            return dt
        edit = median(edit_once, n)
        open(src, 'w').write(text)

    res = {'units': units, 'baseline_dump_spec_s': base, 'cold_j1_s': cold1, 'cold_j2_s': cold2,
           'warm_s': warm, 'one_edit_s': edit}
    print(f'griddle verify on examples/spsc ({units} units), median of {n}:')
    print(f'  baseline --dump-spec   {base * 1000:8.1f} ms')
    for k, label in (('cold_j1_s', 'cold, -j 1'), ('cold_j2_s', 'cold, -j 2'), ('warm_s', 'warm (all cached)'),
                     ('one_edit_s', 'one-function edit')):
        print(f'  {label:22s} {res[k] * 1000:8.1f} ms  = {res[k] / base:6.1f} x baseline')
    os.makedirs(os.path.join(ROOT, 'bench', 'out'), exist_ok=True)
    with open(os.path.join(ROOT, 'bench', 'out', 'verify.json'), 'w') as f:
        json.dump(res, f, indent=1)


if __name__ == '__main__':
    main()
