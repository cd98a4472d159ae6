#!/usr/bin/env python3
"""Differential testing: griddle run (the reference semantics) against the
C back end, and against the x86-64 back end when the build has it.

usage: diff.py GRIDDLE [--count N | --unbounded | --regress] [--seed S]
               [--jobs J] [--functions F] [--failures DIR] [--cc LIST]

For each seed, tests/gen/gen.py writes a random well-formed program
(no Error by construction); griddle run --trace gives the reference
trace. The legs that must agree with it (exit status, standard output,
trace; outcome locations aside, which only the interpreter has):

  1. for the tcc entries of --cc: `griddle build --target c --emit exe`
     with CC=tcc, the C back end with the default host (docs/abi.md), which
     traces shared-memory accesses by trapping the program's own volatile
     accesses (tcc builds ten times faster than gcc);
  2. for the gcc/clang entries: the C built at that optimisation level
     (-std=c11 -Wall -Wextra -Werror) with the test host tests/cback/host.c
     and its FFI and shared-memory hooks, and built the same way with the
     default host (whose trap decoder must follow what the optimiser makes
     of volatile accesses);
  3. `griddle build --target x86_64 --emit obj` linked with the default
     host, when the build has the x86-64 back end (else skipped with a
     message).

A mismatch is written to DIR (default: diff-failures/) as seed-N.pnk with
both traces, and the run exits 1. Regressions found this way are kept,
minimised, in tests/diff/regress/ and replayed by --regress (with gcc
-O2, clang -O1, clang -O2 and tcc). Building, running and comparing legs
is tests/lib/legs.py, shared with the other compiler test runners.
"""
import argparse
import collections
import concurrent.futures
import os
import resource
import shlex
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..'))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'gen'))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'lib'))
import gen  # noqa: E402
import legs  # noqa: E402

# tcc compiles about ten times faster than gcc -O0, so most programs use
# it; gcc and clang with optimisation check what an optimiser makes of
# the output (undefined behaviour would show there).
DEFAULT_CC = 'tcc,tcc,tcc,gcc -O2,tcc,tcc,tcc,clang -O2,tcc,tcc,tcc,gcc -O0,tcc,tcc,tcc,clang -O1'
REGRESS_CC = ('gcc -O2', 'clang -O1', 'clang -O2', 'tcc')


def check_program(env, name, text, opt):
    """Returns None when every leg agrees, else a report."""
    sup = env['support']
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, name + '.pnk')
        with open(src, 'w') as f:
            f.write(text)
        args = [a.replace('{ffi}', sup.ffi_so)
                for a in shlex.split(' '.join(legs.header(text).get('args', [])))]
        ref = legs.reference(sup, src, args, os.path.join(tmp, 'ref.jsonl'), tmp)
        # compiled programs have the FFI linked in
        _, prog, _, _ = legs.split_args(args)
        if ref.exit not in (0, 4) or not ref.events or legs.outcome_kind(ref) == 'error':
            return f'{name}: griddle run did not finish cleanly (exit {ref.exit}): ' \
                   f'{ref.events[-1] if ref.events else "no trace"}'
        # 1. tcc: `griddle build --target c --emit exe`, the C back end with
        # the default host (docs/abi.md), which traces shared accesses by
        # trapping the program's own volatile accesses.
        # 2. gcc/clang: the same C with the test host's FFI and shared-memory
        # hooks (a second, independent recorder), and with the default host
        # (whose decoder must follow what the optimiser makes of volatile
        # accesses: clang folds loads into imul, tests/diff/regress/)
        # 3. the x86-64 back end: its object linked with the default host
        if opt.split()[0] == 'tcc':
            plan = [('c-exe', opt, f'C back end, default host, {opt}')]
        else:
            plan = [('c-hooks', opt, f'C back end, test host, {opt}'),
                    ('c-default', opt, f'C back end, default host, {opt}')]
        if env['x86']:
            plan.append(('x86-obj', 'gcc', 'x86_64'))
        problems = []
        for kind, cc, leg in plan:
            objs = [sup.ffi_o] if kind == 'c-hooks' else []   # the default host has @log
            what = legs.compare_leg(sup, kind, src, prog, ref, tmp, tmp, cc, c_objs=objs,
                                    retry_setup=True)
            if what:
                problems.append(f'{name} [{leg}]: ' + '; '.join(what))
        return '\n'.join(problems) or None


def x86_available(griddle):
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, 'p.pnk')
        with open(src, 'w') as f:
            f.write('fun main() {\n  return 0;\n}\n')
        r = legs.run([griddle, 'build', '--target', 'x86_64', '--emit', 'exe', '-o',
                      os.path.join(tmp, 'p'), src], tmp)
        return r is not None and r.returncode == 0


def job(env, seed, functions, opt):
    text = gen.Gen(seed, functions).program()
    problem = check_program(env, f'seed-{seed}', text, opt)
    return seed, text, problem


def regress_job(env, path):
    with open(path) as f:
        text = f.read()
    problems = [check_program(env, os.path.basename(path)[:-4], text, cc) for cc in REGRESS_CC]
    return path, text, '\n'.join(p for p in problems if p) or None


def setup(griddle, tmp):
    env = {'support': legs.Support(griddle, tmp)}
    env['x86'] = x86_available(env['support'].griddle)
    if not env['x86']:
        print('diff: x86-64 leg skipped: `griddle build --target x86_64 --emit exe` is not '
              'available in this build', flush=True)
    return env


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('griddle')
    ap.add_argument('--count', type=int, default=100)
    ap.add_argument('--unbounded', action='store_true')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--jobs', type=int, default=os.cpu_count() or 2)
    ap.add_argument('--functions', type=int, default=6)
    ap.add_argument('--failures', default='diff-failures')
    ap.add_argument('--cc', default=DEFAULT_CC,
                    help='C compilers with options, used in turn by seed (default: %(default)s)')
    ap.add_argument('--regress', action='store_true', help='replay tests/diff/regress/*.pnk')
    a = ap.parse_args()
    opts = a.cc.split(',')
    failures = 0
    done = 0
    t0 = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        env = setup(a.griddle, tmp)
        with concurrent.futures.ProcessPoolExecutor(max_workers=a.jobs) as ex:
            pending = collections.deque()
            if a.regress:
                rdir = os.path.join(HERE, 'regress')
                for f in sorted(os.listdir(rdir)):
                    if f.endswith('.pnk'):
                        pending.append(ex.submit(regress_job, env, os.path.join(rdir, f)))
                seeds = iter(())
            else:
                seeds = iter(range(a.seed, (1 << 62) if a.unbounded else a.seed + a.count))

            def refill():
                while len(pending) < a.jobs * 4:
                    s = next(seeds, None)
                    if s is None:
                        return
                    pending.append(ex.submit(job, env, s, a.functions, opts[s % len(opts)]))
            refill()
            while pending:
                key, text, problem = pending.popleft().result()
                refill()
                done += 1
                if problem:
                    failures += 1
                    os.makedirs(a.failures, exist_ok=True)
                    name = os.path.basename(key) if isinstance(key, str) else f'seed-{key}.pnk'
                    with open(os.path.join(a.failures, name), 'w') as f:
                        f.write(text)
                    print('MISMATCH ' + problem, flush=True)
                if done % 500 == 0:
                    dt = time.time() - t0
                    print(f'diff: {done} programs, {failures} mismatches, {done / dt:.1f}/s',
                          flush=True)
    dt = time.time() - t0
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = ru.ru_utime + ru.ru_stime
    # CPU time per program tells what an idle machine would do, since the
    # work is all child processes (the shared machine's wall clock is not)
    print(f'diff: {done} programs, {failures} mismatches, {dt:.1f} s, {done / dt:.1f} programs/s'
          f' ({a.jobs} jobs); {cpu:.1f} CPU s in child processes, '
          f'{cpu / max(done, 1) * 1000:.0f} ms per program')
    sys.exit(1 if failures or not done else 0)


if __name__ == '__main__':
    main()
