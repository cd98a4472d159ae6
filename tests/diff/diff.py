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
     and its FFI and shared-memory hooks;
  3. `griddle build --target x86_64 --emit obj` linked with the default
     host, when the build has the x86-64 back end (else skipped with a
     message).

A mismatch is written to DIR (default: diff-failures/) as seed-N.pnk with
both traces, and the run exits 1. Regressions found this way are kept,
minimised, in tests/diff/regress/ and replayed by --regress.
"""
import argparse
import collections
import concurrent.futures
import json
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
import gen  # noqa: E402

HOST = os.path.join(ROOT, 'tests', 'cback', 'host.c')
FFI = os.path.join(ROOT, 'tests', 'build', 'ffi_log.c')
DEFAULT_HOST = [os.path.join(ROOT, 'src', 'target', 'host', 'host.c'),
                os.path.join(ROOT, 'src', 'sim', 'x86dec.c')]
LOCATION_KEYS = ('file', 'line', 'col', 'stack', 'stack_omitted', 'reason')
CFLAGS = ['-std=c11', '-Wall', '-Wextra', '-Werror']
# tcc compiles about ten times faster than gcc -O0, so most programs use
# it; gcc and clang with optimisation check what an optimiser makes of
# the output (undefined behaviour would show there).
DEFAULT_CC = 'tcc,tcc,tcc,gcc -O2,tcc,tcc,tcc,clang -O2,tcc,tcc,tcc,gcc -O0,tcc,tcc,tcc,clang -O1'



def normalise(text):
    out = []
    for line in text.splitlines():
        e = json.loads(line)
        if e.get('event') == 'outcome':
            e = {k: v for k, v in e.items() if k not in LOCATION_KEYS}
        out.append(e)
    return out


def header_args(text, ffi_so):
    for line in text.splitlines():
        if line.startswith('// args:'):
            return [a.replace('{ffi}', ffi_so) for a in shlex.split(line[len('// args:'):])]
    return []


def run(cmd, cwd, timeout=60, env=None):
    try:
        return subprocess.run(cmd, capture_output=True, cwd=cwd, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return None


def observe(cmd, trace, cwd, errs=None):
    """(exit status, stdout, normalised trace) of one execution; its
    standard error goes to errs (a list) if given."""
    r = run(cmd + ['--trace', trace], cwd)
    if r is None:
        return ('timeout', b'', [])
    if errs is not None:
        errs.append(r.stderr.decode('utf-8', 'replace')[:1000])
    try:
        with open(trace) as f:
            events = normalise(f.read())
    except (OSError, json.JSONDecodeError) as e:
        events = [f'unreadable trace: {e}']
    return (r.returncode, r.stdout, events)


def check_program(env, name, text, opt):
    """Returns None when every leg agrees, else a report."""
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, name + '.pnk')
        with open(src, 'w') as f:
            f.write(text)
        args = header_args(text, env['ffi_so'])
        ref = observe([env['griddle'], 'run', '-w', src] + args, os.path.join(tmp, 'ref.jsonl'), tmp)
        # compiled programs have the FFI linked in
        args = [a for i, a in enumerate(args) if a != '--ffi' and (i == 0 or args[i - 1] != '--ffi')]
        if ref[0] not in (0, 4) or not ref[2] or ref[2][-1].get('kind') == 'error':
            return f'{name}: griddle run did not finish cleanly (exit {ref[0]}): ' \
                   f'{ref[2][-1] if ref[2] else "no trace"}'
        legs = []
        compiler = opt.split()
        exe, c_file = os.path.join(tmp, 'p_c'), os.path.join(tmp, 'p.c')
        # 1. tcc: `griddle build --target c --emit exe`, the C back end with
        # the default host (docs/abi.md), which traces shared accesses by
        # trapping the program's own volatile accesses. Its decoder (x86dec)
        # knows the mov family; clang -O1 and up fold volatile loads into
        # other instructions (imul $k, mem, reg; tests/diff/known/), so gcc
        # and clang builds are traced by the test host's hooks (leg 2).
        if compiler[0] == 'tcc':
            b = run([env['griddle'], 'build', '-w', '--target', 'c', '--emit', 'exe', '-o', exe,
                     src], tmp, 300, dict(os.environ, CC='tcc'))
            what = 'griddle build --target c --emit exe (CC=tcc)'
        else:
            b = run([env['griddle'], 'build', '-w', '--target', 'c', '--emit', 'c',
                     '--entry-table', '-o', c_file, src], tmp)
            what = 'griddle build --target c'
        if b is None or b.returncode:
            return f'{name}: {what} failed: {b.stderr.decode()[:3000] if b else "timeout"}'
        if compiler[0] == 'tcc':
            legs.append((f'C back end, default host, {opt}', [exe]))
        # 2. for gcc/clang: the same C with the test host's FFI and
        # shared-memory hooks (a second, independent recorder)
        if compiler[0] != 'tcc':
            hexe = os.path.join(tmp, 'p_hooks')
            cc = run(compiler + CFLAGS + [c_file, env['host_o'], env['ffi_o'], '-DPNK_FFI_HOOK',
                                          '-DPNK_SHM_HOOK', '-o', hexe], tmp, 300)
            if cc is None or cc.returncode:
                return f'{name}: {opt} failed on the C back end output: ' \
                       f'{cc.stderr.decode()[:3000] if cc else "timeout"}'
            legs.append((f'C back end, test host, {opt}', [hexe]))
        # 3. the x86-64 back end: its object linked with the default host
        if env['x86']:
            obj, xexe = os.path.join(tmp, 'p_x86.o'), os.path.join(tmp, 'p_x86')
            b = run([env['griddle'], 'build', '-w', '--target', 'x86_64', '--emit', 'obj', '-o',
                     obj, src], tmp, 300)
            if b is not None and b.returncode == 0:
                b = run(['gcc', obj] + env['default_host'] + ['-o', xexe], tmp, 300)
            if b is None or b.returncode:
                return f'{name}: griddle build --target x86_64 failed: ' \
                       f'{b.stderr.decode()[:2000] if b else "timeout"}'
            legs.append(('x86_64', [xexe]))
        problems = []
        for leg, cmd in legs:
            errs = []
            got = observe(cmd + args, os.path.join(tmp, 'leg.jsonl'), tmp, errs)
            want = ref
            if got != want and got[0] == 2 and not got[2]:
                # exit 2 before any event is the host failing to set up
                # (seen once under heavy load, not reproducible): retry
                # once, and say so
                print(f'diff: {name} [{leg}]: host setup failed ({errs[-1].strip()}), retrying',
                      flush=True)
                got = observe(cmd + args, os.path.join(tmp, 'leg.jsonl'), tmp, errs)
            if got != want:
                what = []
                if got[0] != want[0]:
                    what.append(f'exit {got[0]} vs {want[0]}')
                if got[1] != want[1]:
                    what.append(f'stdout {got[1][:300]!r} vs {want[1][:300]!r}')
                if got[2] != want[2]:
                    first = next((i for i, (a, b) in enumerate(zip(got[2], want[2])) if a != b),
                                 min(len(got[2]), len(want[2])))
                    what.append(f'trace differs at event {first}: '
                                f'{json.dumps(got[2][first]) if first < len(got[2]) else "end"} vs '
                                f'{json.dumps(want[2][first]) if first < len(want[2]) else "end"}')
                if errs and errs[-1].strip():
                    what.append(f'stderr: {errs[-1].strip()}')
                problems.append(f'{name} [{leg}]: ' + '; '.join(what))
        return '\n'.join(problems) or None


def x86_available(griddle):
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, 'p.pnk')
        with open(src, 'w') as f:
            f.write('fun main() {\n  return 0;\n}\n')
        r = run([griddle, 'build', '--target', 'x86_64', '--emit', 'exe', '-o',
                 os.path.join(tmp, 'p'), src], tmp)
        return r is not None and r.returncode == 0


def job(env, seed, functions, opt):
    text = gen.Gen(seed, functions).program()
    problem = check_program(env, f'seed-{seed}', text, opt)
    return seed, text, problem


def regress_job(env, path):
    with open(path) as f:
        text = f.read()
    problems = [check_program(env, os.path.basename(path)[:-4], text, cc)
                for cc in ('gcc -O2', 'clang -O2', 'tcc')]
    return path, text, '\n'.join(p for p in problems if p) or None


def setup(griddle, tmp):
    env = {'griddle': os.path.abspath(griddle), 'ffi_so': os.path.join(tmp, 'ffi_gen.so'),
           'host_o': os.path.join(tmp, 'host.o'), 'ffi_o': os.path.join(tmp, 'ffi_gen.o')}
    subprocess.run(['gcc', '-shared', '-fPIC', '-O1', FFI, '-o', env['ffi_so']], check=True)
    subprocess.run(['gcc'] + CFLAGS + ['-O1', '-c', HOST, '-o', env['host_o']], check=True)
    subprocess.run(['gcc'] + CFLAGS + ['-O1', '-c', FFI, '-o', env['ffi_o']], check=True)
    env['default_host'] = []
    for src in DEFAULT_HOST:
        o = os.path.join(tmp, 'dh_' + os.path.basename(src)[:-2] + '.o')
        subprocess.run(['gcc', '-O2', '-I', os.path.join(ROOT, 'src', 'sim'), '-c', src, '-o', o],
                       check=True)
        env['default_host'].append(o)
    env['x86'] = x86_available(env['griddle'])
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
