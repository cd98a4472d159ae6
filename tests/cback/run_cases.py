#!/usr/bin/env python3
"""The C back end against the reference semantics, case by case.

usage: run_cases.py GRIDDLE HOST_C FFI_C SEM_CASES CBACK_CASES [FILTER]

1. Every tests/sem case that griddle run finishes without an Error
   (success, an uncaught exception, or @exit), compiled with
   `griddle build --target c`, built with the test host (host.c) and run
   with the same options: exit status, standard output and trace must be
   those of griddle run (the independent oracle). Cases the test host
   cannot reproduce (device plugins, manifests) are skipped and counted.
2. Every tests/cback case: its header states the expected result worked
   out by hand (the format of tests/sem/run_sem.py: exit, stdout, trace,
   outcome); the compiled program must give it, and so must griddle run.

Every generated file is also compiled without the test hooks (the plain
cake ABI) by gcc and clang with -std=c11 -Wall -Wextra -Werror.
"""
import concurrent.futures
import json
import os
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'sem'))
sys.path.insert(0, os.path.join(HERE, '..', 'lib'))
import legs  # noqa: E402  (building, running and comparing legs)
import run_sem  # noqa: E402  (header parsing and event comparison)

CFLAGS = legs.CFLAGS + ['-O1']
UNSUPPORTED = ('--device', '--shared-manifest', '--trace')   # --trace: the runner's own


def plain_abi(c_file, tmp):
    """The output without the test hooks (the plain cake ABI) must compile
    cleanly with gcc and clang. Returns a problem or None."""
    for cc in ('gcc', 'clang'):
        r = legs.run([cc] + CFLAGS + ['-c', c_file, '-o', os.path.join(tmp, cc + '.o')])
        if r is None or r.returncode:
            return f'{cc} (plain ABI) failed:\n{r.stderr.decode()[:3000] if r else "timeout"}'
    return None


def build_error(path):
    """The `// cback-error: TEXT` header line, if any."""
    with open(path) as f:
        for l in f:
            if l.startswith('// cback-error:'):
                return l.split(':', 1)[1].strip()
    return None


def check_build_error(env, path, want):
    d = os.path.dirname(os.path.abspath(path))
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, 'p.c')
        b = legs.run([env['griddle'], 'build', '--color=never', '--target', 'c', '--emit', 'c',
                      '-o', out, os.path.basename(path)], d)
        err = b.stderr.decode()
        if b.returncode != 1 or want not in err or os.path.exists(out):
            return 'fail', f'griddle build exit {b.returncode}, expected 1 with {want!r}:\n{err}'
    return 'pass', ''


def check_case(env, path, hand):
    want_error = build_error(path) if hand else None
    if want_error:
        return check_build_error(env, path, want_error)
    spec = run_sem.parse_header(path)
    d = os.path.dirname(os.path.abspath(path))
    args = []
    for a in spec['args']:
        args += [x.format(ffi=env['ffi_so'], dev='', dir=d) for x in shlex.split(a)]
    if any(a in UNSUPPORTED for a in args):
        return 'skip', 'uses options the test host does not model'
    src, runargs, _, _ = legs.split_args(args)   # FFI libraries: linked in (ffi_c)
    stdin = ''.join(l + '\n' for l in spec['stdin']).encode()
    name = os.path.basename(path)
    with tempfile.TemporaryDirectory() as tmp:
        ref = legs.observe([env['griddle'], 'run', '--color=never', name] + args,
                           os.path.join(tmp, 'ref.jsonl'), d, stdin, 120)
        if ref.exit == 'timeout':
            return 'fail', 'griddle run timed out'
        kind = legs.outcome_kind(ref)
        if kind not in ('success', 'exception', 'exit'):
            if hand:
                return 'fail', f'griddle run ended with {kind} (exit {ref.exit})'
            return 'skip', f'ends with {kind or "no run"} in griddle run'
        exe = os.path.join(tmp, 'p')
        cmd, prob = legs.build_leg(env['support'], 'c-hooks', name, exe, d, 'gcc -O1',
                                   build_args=src, c_objs=env['ffi_c'])
        prob = prob or plain_abi(exe + '.c', tmp)
        if prob:
            return 'fail', prob
        got = legs.observe(cmd + runargs, os.path.join(tmp, 'c.jsonl'), d, stdin, 120)
        probs = legs.differences(got, ref)
        if hand:
            raw = legs.read_trace(os.path.join(tmp, 'c.jsonl'))
            probs += hand_check(spec, got, raw)
        return ('fail', '\n'.join(probs)) if probs else ('pass', '')


def hand_check(spec, got, events):
    """The expectations written in a tests/cback case's header."""
    probs = []
    if got.exit != int(spec['exit'][0]):
        probs.append(f'exit {got.exit}, expected {spec["exit"][0]}')
    want = ''.join(l + '\n' for l in spec['stdout'])
    if got.stdout.decode() != want:
        probs.append(f'stdout {got.stdout.decode()[:500]!r}, expected {want!r}')
    if spec['trace']:
        exp = [json.loads(t) for t in spec['trace']]
        if len(exp) != len(events) or not all(run_sem.same(a, b) for a, b in zip(exp, events)):
            probs.append('trace differs from the expected one:\n  got: '
                         + '\n       '.join(map(json.dumps, events)))
    for t in spec['outcome']:
        if not events or not run_sem.same(json.loads(t), events[-1]):
            probs.append(f'outcome {events[-1] if events else None}, expected {t}')
    return probs


def check_line_directives(griddle, cback_dir):
    """--line-directives: each statement is preceded by #line with its
    Pancake line, and the result still compiles cleanly."""
    src = os.path.join(cback_dir, 'structs.pnk')
    with open(src) as f:
        want = next(i for i, l in enumerate(f.read().splitlines(), 1) if 'var box b = mk(10);' in l)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, 'p.c')
        b = subprocess.run([griddle, 'build', '--target', 'c', '--emit', 'c', '--line-directives',
                            '-o', out, 'structs.pnk'], capture_output=True, cwd=cback_dir)
        if b.returncode:
            return f'--line-directives: griddle build failed: {b.stderr.decode()}'
        text = open(out).read()
        if f'#line {want} "structs.pnk"\n' not in text:
            return f'--line-directives: no #line {want} "structs.pnk"'
        r = subprocess.run(['gcc'] + CFLAGS + ['-c', out, '-o', os.path.join(tmp, 'p.o')],
                           capture_output=True)
        if r.returncode:
            return f'--line-directives: gcc failed: {r.stderr.decode()[:2000]}'
    return None


def main():
    griddle, host, ffi_c, sem_dir, cback_dir = map(os.path.abspath, sys.argv[1:6])
    only = sys.argv[6] if len(sys.argv) > 6 else None
    with tempfile.TemporaryDirectory() as tmp:
        ffi_so = os.path.join(tmp, 'ffi_test.so')
        ffi_srcs = [ffi_c, os.path.join(HERE, 'ffi_cback.c')]
        subprocess.run(['gcc', '-shared', '-fPIC', '-O1'] + ffi_srcs + ['-o', ffi_so], check=True)
        env = {'griddle': griddle, 'ffi_c': ffi_srcs, 'ffi_so': ffi_so,
               'support': legs.Support(griddle, tmp)}
        if os.path.abspath(host) != legs.TEST_HOST:
            sys.exit(f'run_cases.py: the test host is {legs.TEST_HOST}, not {host}')
        cases = [(os.path.join(sem_dir, f), False) for f in sorted(os.listdir(sem_dir))
                 if f.endswith('.pnk')]
        cases += [(os.path.join(cback_dir, f), True) for f in sorted(os.listdir(cback_dir))
                  if f.endswith('.pnk')]
        cases = [c for c in cases if not only or only in c[0]]
        count = {'pass': 0, 'fail': 0, 'skip': 0}
        with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as ex:
            futs = [(c, ex.submit(check_case, env, *c)) for c in cases]
            for (path, _), f in futs:
                status, msg = f.result()
                count[status] += 1
                rel = os.path.relpath(path, os.path.join(HERE, '..'))
                if status == 'fail':
                    print(f'FAIL {rel}\n    ' + msg.replace('\n', '\n    '))
                elif status == 'skip' and os.environ.get('VERBOSE'):
                    print(f'skip {rel}: {msg}')
        prob = check_line_directives(griddle, cback_dir)
        count['fail' if prob else 'pass'] += 1
        if prob:
            print('FAIL ' + prob)
    print(f'{count["pass"]} passed, {count["fail"]} failed, {count["skip"]} skipped')
    sys.exit(1 if count['fail'] or not count['pass'] else 0)


if __name__ == '__main__':
    main()
