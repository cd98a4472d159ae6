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
import run_sem  # noqa: E402  (header parsing and event comparison)

CFLAGS = ['-std=c11', '-Wall', '-Wextra', '-Werror', '-O1']
SOURCE_OPTS_WITH_ARG = {'-I', '-D', '-U'}
SOURCE_OPTS = {'--compat', '--cpp', '--no-cpp'}
UNSUPPORTED = ('--device', '--shared-manifest')
LOCATION_KEYS = ('file', 'line', 'col', 'stack', 'stack_omitted', 'reason')


def split_args(args):
    src, run = [], []
    i = 0
    while i < len(args):
        a = args[i]
        if a in SOURCE_OPTS:
            src.append(a)
        elif a in SOURCE_OPTS_WITH_ARG and i + 1 < len(args):
            src += [a, args[i + 1]]
            i += 1
        else:
            run.append(a)
        i += 1
    return src, run


def normalise(events):
    """Outcome locations are the interpreter's alone (compiled code has no
    source positions at run time)."""
    out = []
    for e in events:
        if e.get('event') == 'outcome':
            e = {k: v for k, v in e.items() if k not in LOCATION_KEYS}
        out.append(e)
    return out


def read_trace(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(l) for l in f.read().splitlines()]


def run(cmd, stdin, cwd):
    try:
        return subprocess.run(cmd, capture_output=True, input=stdin, cwd=cwd, timeout=120)
    except subprocess.TimeoutExpired:
        return None


def compile_c(c_file, exe, host, ffi, tmp):
    """Builds the traced executable (gcc) and checks the plain ABI build
    compiles cleanly with gcc and clang. Returns a problem or None."""
    for cc in ('gcc', 'clang'):
        r = subprocess.run([cc] + CFLAGS + ['-c', c_file, '-o', os.path.join(tmp, cc + '.o')],
                           capture_output=True)
        if r.returncode:
            return f'{cc} (plain ABI) failed:\n{r.stderr.decode()[:3000]}'
    r = subprocess.run(['gcc'] + CFLAGS + ['-DPNK_FFI_HOOK', '-DPNK_SHM_HOOK', c_file, host]
                       + ffi + ['-o', exe], capture_output=True)
    if r.returncode:
        return f'gcc (traced) failed:\n{r.stderr.decode()[:3000]}'
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
        b = run([env['griddle'], 'build', '--color=never', '--target', 'c', '--emit', 'c', '-o',
                 out, os.path.basename(path)], None, d)
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
    src, runargs = split_args(args)
    stdin = ''.join(l + '\n' for l in spec['stdin']).encode()
    name = os.path.basename(path)
    with tempfile.TemporaryDirectory() as tmp:
        t_ref, t_c = os.path.join(tmp, 'ref.jsonl'), os.path.join(tmp, 'c.jsonl')
        ref = run([env['griddle'], 'run', '--color=never', '--trace', t_ref,
                   name] + args, stdin, d)
        if ref is None:
            return 'fail', 'griddle run timed out'
        ref_events = read_trace(t_ref)
        kind = ref_events[-1].get('kind') if ref_events else None
        if kind not in ('success', 'exception', 'exit'):
            if hand:
                return 'fail', f'griddle run ended with {kind} (exit {ref.returncode})'
            return 'skip', f'ends with {kind or "no run"} in griddle run'
        c_file, exe = os.path.join(tmp, 'p.c'), os.path.join(tmp, 'p')
        b = run([env['griddle'], 'build', '--color=never', '--target', 'c', '--emit', 'c',
                 '--entry-table', '-o', c_file, name] + src, None, d)
        if b is None or b.returncode:
            return 'fail', 'griddle build failed:\n' + (b.stderr.decode()[:2000] if b else 'timeout')
        prob = compile_c(c_file, exe, env['host'], env['ffi_c'], tmp)
        if prob:
            return 'fail', prob
        got = run([exe, '--trace', t_c] + runargs, stdin, d)
        if got is None:
            return 'fail', 'compiled program timed out'
        c_events = read_trace(t_c)
        probs = []
        if got.returncode != ref.returncode:
            probs.append(f'exit {got.returncode}, griddle run {ref.returncode}; stderr:\n'
                         + got.stderr.decode()[:1000])
        if got.stdout != ref.stdout:
            probs.append(f'stdout {got.stdout[:500]!r}, griddle run {ref.stdout[:500]!r}')
        if normalise(c_events) != normalise(ref_events):
            probs.append('trace differs:\n  C:   ' + '\n       '.join(map(json.dumps, c_events))
                         + '\n  run: ' + '\n       '.join(map(json.dumps, ref_events)))
        if hand:
            probs += hand_check(spec, got, c_events)
        return ('fail', '\n'.join(probs)) if probs else ('pass', '')


def hand_check(spec, got, events):
    """The expectations written in a tests/cback case's header."""
    probs = []
    if got.returncode != int(spec['exit'][0]):
        probs.append(f'exit {got.returncode}, expected {spec["exit"][0]}')
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
        env = {'griddle': griddle, 'host': host, 'ffi_c': ffi_srcs, 'ffi_so': ffi_so}
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
