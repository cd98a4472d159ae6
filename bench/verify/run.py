#!/usr/bin/env python3
"""bench/verify: `griddle verify` on the two largest verified examples, cold,
warm (every unit cached) and after editing one function (only that unit is
re-verified):

  spsc    examples/spsc: the SPSC rings, their model of the concurrent peer
          and the model methods' bodies;
  driver  examples/echo/eth_driver.pnk: the whole Pancake ENET driver with
          its device and net-queue models (issue 5's targets: under 10 s
          cold on 2 cores, under 0.5 s after a one-function edit).

Baseline, measured in the same run for each example: `griddle verify
--dump-spec` on the same input (load, preprocess, check, parse and type the
annotations and models: everything but the VC generation and the solver).
Each time is the median of --repeat runs (default 5), wall-clock and CPU
(user + sys of the griddle process: on the shared machine the wall time
mostly measures the other jobs). Results also go to
bench/out/verify.json.

Usage: run.py GRIDDLE [--repeat N] [--only spsc|driver]
"""
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# name, directory, files, model files, function edited (an extra `skip;`
# before its last return)
TARGETS = [
    ('spsc', os.path.join(ROOT, 'examples', 'spsc'), ['spsc.pnk', 'main.pnk'], ['peer.vpr'], 'spsc_dequeue'),
    ('driver', os.path.join(ROOT, 'examples', 'echo'), ['eth_driver.pnk'],
     ['models/eth_device.vpr', 'models/net_queues.vpr'], 'q_dequeue_io'),
]


CPU = []   # CPU seconds (user + sys) of each timed child, in order


def timed(cmd, cwd, expect=0):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=900)
    dt = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
    if p.returncode != expect:
        sys.exit(f'{" ".join(cmd)}: exit {p.returncode}\n{p.stdout}\n{p.stderr}')
    return dt, p.stdout


def median(f, n):
    """Median wall time of n runs of f, and the median CPU time of the
    child f timed last in each run."""
    walls, cpus = [], []
    for _ in range(n):
        walls.append(f())
        cpus.append(CPU[-1])
    return statistics.median(walls), statistics.median(cpus)


def bench(g, name, src_dir, files, models, edited, n, tmp):
    work = os.path.join(tmp, name)
    shutil.copytree(src_dir, work, ignore=shutil.ignore_patterns('.griddle-cache'))
    cache = os.path.join(tmp, name + '-cache')
    mflags = [x for m in models for x in ('-m', m)]
    verify = [g, 'verify'] + mflags + files
    base = median(lambda: timed([g, 'verify', '--dump-spec'] + mflags + files, work)[0], n)

    def cold(jobs):
        shutil.rmtree(cache, ignore_errors=True)
        return timed(verify + ['--cache', cache, '-j', str(jobs)], work)[0]
    cold1 = median(lambda: cold(1), n)
    cold2 = median(lambda: cold(2), n)
    _, out = timed(verify + ['--cache', cache], work)
    units = sum(1 for l in out.splitlines() if 'verified' in l and l != 'verified')
    if any(' trusted' in l for l in out.splitlines()):
        sys.exit(f'{name}: some unit is trusted\n{out}')
    warm = median(lambda: timed(verify + ['--cache', cache], work)[0], n)

    # one-function edit: an extra `skip;` before the edited function's last return
    src = os.path.join(work, files[0])
    text = open(src).read()
    at = text.index(edited + '(')
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
        if redone != [edited]:
            sys.exit(f"{name}: expected only {edited} re-verified, got {redone}\n{out2}")
        return dt
    edit = median(edit_once, n)
    open(src, 'w').write(text)
    res = {'units': units}
    for k, (w, c) in (('baseline_dump_spec', base), ('cold_j1', cold1), ('cold_j2', cold2), ('warm', warm),
                      ('one_edit', edit)):
        res[k + '_s'] = w
        res[k + '_cpu_s'] = c
    print(f'griddle verify on {name} ({units} units), median of {n}, wall and CPU (user + sys):')
    print(f'  baseline --dump-spec   {base[0] * 1000:8.1f} ms  {"":20s}  CPU {base[1] * 1000:7.1f} ms')
    for k, label in (('cold_j1', 'cold, -j 1'), ('cold_j2', 'cold, -j 2'), ('warm', 'warm (all cached)'),
                     ('one_edit', f'edit of {edited}')):
        w, c = res[k + '_s'], res[k + '_cpu_s']
        print(f'  {label:22s} {w * 1000:8.1f} ms  = {w / base[0]:6.1f} x baseline  CPU {c * 1000:7.1f} ms'
              f'  = {c / max(base[1], 1e-3):6.1f} x')
    return res


def main():
    argv = sys.argv[1:]
    g = os.path.abspath(argv.pop(0))
    n = 5
    if '--repeat' in argv:
        n = int(argv[argv.index('--repeat') + 1])
    only = argv[argv.index('--only') + 1] if '--only' in argv else None
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for t in TARGETS:
            if only and t[0] != only:
                continue
            results[t[0]] = bench(g, *t, n, tmp)
    os.makedirs(os.path.join(ROOT, 'bench', 'out'), exist_ok=True)
    with open(os.path.join(ROOT, 'bench', 'out', 'verify.json'), 'w') as f:
        json.dump(results, f, indent=1)


if __name__ == '__main__':
    main()
