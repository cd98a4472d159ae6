#!/usr/bin/env python3
"""Tests for `griddle build` (x86-64).

Two modes:

  cases GRIDDLE DIR          each DIR/*.pnk states in its leading `//` lines
                             what the compiled program must do, worked out
                             by hand from the language reference:
      // build: --compat          extra griddle build arguments
      // run: --call 'f(1)'       arguments of the built program
      // stdout: text             one expected line (all lines = whole output)
      // exit: 0                  expected exit status of the program
      // trace: {json}            expected trace, event by event (optional)
      // env: NAME=VALUE          environment of griddle build (test hooks)
      // glue: host.c             build --emit obj instead, link it with this
                                  C host (cc host.c prog.o) and run that
      // header-has: text         a line --emit-header must write
      // build-exit: 1            griddle build itself must exit with this
                                  (and, unless 0, write no output file)
      // build-stderr: text       ... and print this on stderr
      // stack-report: main unbounded   a line --stack-report must print
      // entry-has: MUL           at -O1, `--dump=opt` shows this text in
                                  block b0 of main (code moved out of loops)
      // targets: x86_64 c        also build with the C back end (--emit exe,
                                  or --emit c --entry-table with a glue)
      // stack-exact: main        run on a stack of exactly the reported
                                  size (must behave as expected), and on
                                  16 bytes less (must die on the guard page)
Every case is built and run at -O0 and at -O1.

  diff GRIDDLE FFILIB DIR...  differential: every program in DIR... that
                             `griddle run` finishes without an Error (exit
                             0, within a fuel bound) is compiled, run with
                             the same inputs, and must produce the same
                             standard output and the same trace (the
                             reference semantics is the oracle). Headers
                             of tests/sem cases supply run arguments;
                             programs needing a device model, fuel, or
                             --ffi-permissive are skipped (and counted).
"""
import json
import os
import shlex
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
import legs  # noqa: E402  (building, running and comparing legs)


def header(path):
    return legs.read_header(path)


def run(cmd, **kw):
    timeout = kw.pop('timeout', 60)
    r = legs.run(cmd, kw.pop('cwd', None), timeout, kw.pop('env', None))
    if r is None:
        raise RuntimeError(f'timed out after {timeout} s: {" ".join(cmd)}')
    return r


def build_exe(griddle, src, out, extra, cwd, env=None):
    if os.path.exists(out):
        os.unlink(out)
    r = run([griddle, 'build', '--color=never'] + extra + [os.path.basename(src), '-o', out], cwd=cwd,
            env=env)
    return r


# ---------------------------------------------------------------- cases

def case(griddle, path, tmp, level):
    h = header(path)
    cwd = os.path.dirname(os.path.abspath(path))
    exe = os.path.join(tmp, 'prog')
    extra = [level] + sum((shlex.split(a) for a in h.get('build', [])), [])
    env = dict(os.environ)
    for e in h.get('env', []):
        k, _, v = e.partition('=')
        env[k] = v
    if level == 'c':   # the C back end, for cases that say `targets: x86_64 c`
        extra = extra[1:] + ['--target', 'c']
    if 'glue' in h:
        obj = os.path.join(tmp, 'prog.c' if level == 'c' else 'prog.o')
        emit = ['--emit', 'c', '--entry-table'] if level == 'c' else ['--emit', 'obj']
        r = build_exe(griddle, path, obj, extra + emit, cwd, env)
        if r.returncode == 0:
            r = run(['cc', '-o', exe, os.path.join(cwd, h['glue'][0]), obj])
    elif level == 'c':
        r = build_exe(griddle, path, exe, extra + ['--emit', 'exe'], cwd, env)
    else:
        r = build_exe(griddle, path, exe, extra, cwd, env)
    want_bx = int(h.get('build-exit', ['0'])[0])
    if r.returncode != want_bx:
        return 'griddle build exit %d, expected %d: %s' % (r.returncode, want_bx, r.stderr.decode()[-800:])
    for s in h.get('build-stderr', []):
        if s not in r.stderr.decode():
            return 'build stderr lacks %r: %s' % (s, r.stderr.decode()[-400:])
    if want_bx != 0:
        return 'an output file was written' if os.path.exists(exe) else None
    if 'header-has' in h:
        hp = os.path.join(tmp, 'prog.h')
        run([griddle, 'build', '--emit-header', hp, '-o', os.path.join(tmp, 'x.s')] + extra +
            [os.path.basename(path)], cwd=cwd)
        lines = open(hp).read().splitlines() if os.path.exists(hp) else []
        for t in h['header-has']:
            if t not in lines:
                return 'header lacks %r: %r' % (t, lines)
    if 'stack-report' in h:
        rep = run([griddle, 'build', '--stack-report'] + extra + [os.path.basename(path)], cwd=cwd)
        lines = rep.stdout.decode().splitlines()
        for s in h['stack-report']:
            if s not in lines:
                return 'stack report lacks %r: %r' % (s, lines)
    args = sum((shlex.split(a) for a in h.get('run', [])), [])
    if 'entry-has' in h and level == '-O1':
        d = run([griddle, 'build', '--dump=opt'] + extra + [os.path.basename(path)], cwd=cwd).stdout.decode()
        fn = d[d.find('function main('):]
        b0 = fn[fn.find('b0:'):fn.find('  b1:')]
        for t in h['entry-has']:
            if t not in b0:
                return 'main b0 after opt lacks %r:\n%s' % (t, b0)
    if 'stack-exact' in h:
        rep = run([griddle, 'build', '--stack-report'] + extra + [os.path.basename(path)], cwd=cwd)
        name = h['stack-exact'][0]
        sizes = [l.split()[1] for l in rep.stdout.decode().splitlines() if l.split()[0] == name]
        if len(sizes) != 1 or not sizes[0].isdigit():
            return 'no bounded stack report for %s: %r' % (name, rep.stdout)
        short = run([exe, '--stack', str(int(sizes[0]) - 16)] + args, cwd=cwd)
        if short.returncode >= 0:
            return 'ran on %d bytes, 16 less than the reported %s' % (int(sizes[0]) - 16, sizes[0])
        args = ['--stack', sizes[0]] + args
    trace = os.path.join(tmp, 'trace.jsonl')
    want_trace = 'trace' in h
    if want_trace:
        args += ['--trace', trace]
    p = run([exe] + args, cwd=cwd)
    want_exit = int(h.get('exit', ['0'])[0])
    if p.returncode != want_exit:
        return 'exit %d, expected %d (stderr %s)' % (p.returncode, want_exit, p.stderr.decode()[-400:])
    got = p.stdout.decode().splitlines()
    if got != h.get('stdout', []):
        return 'stdout %r, expected %r' % (got, h.get('stdout', []))
    if want_trace:
        exp = [json.loads(t) for t in h['trace']]
        gt = legs.read_trace(trace)
        if gt != exp:
            return 'trace %r, expected %r' % (gt, exp)
    return None


# ----------------------------------------------------------------- diff

# griddle run options a built program has an equivalent for
BUILT = {'--compat', '-I', '-D', '-U', '--cpp', '--no-cpp', '--ffi', '--heap-size', '--call',
         '--shared', '--poke', '--heap-init', '--print-result'}


def diff_one(sup, path, subst, tmp):
    h = header(path)
    if h.get('exit', ['0'])[0] != '0' or 'stdin' in h:
        return 'skip'
    cwd = os.path.dirname(os.path.abspath(path))
    args = sum((shlex.split(a.format(**subst, dir=cwd)) for a in h.get('args', [])), [])
    src, prog, libs, used = legs.split_args(args)
    if used - BUILT or any(os.path.abspath(l) != subst['ffi'] for l in libs):
        return 'skip'
    links = [os.path.join(subst['srcdir'], 'ffi_test.c')] if libs else []
    ref = legs.observe([sup.griddle, 'run', '--fuel', '2000000', '--ffi', subst['log'],
                        os.path.basename(path)] + args, os.path.join(tmp, 'i.jsonl'), cwd,
                       timeout=30)
    if ref.exit != 0:
        return 'skip'     # an Error, exception, timeout: compiled code may differ
    what = legs.compare_leg(sup, 'x86', os.path.basename(path), prog, ref, tmp, cwd,
                            build_args=src, c_objs=links, filter_ref=legs.only_builtin_ffi)
    return 'FAIL: ' + '; '.join(what) if what else 'ok'


def main():
    mode, griddle = sys.argv[1], os.path.abspath(sys.argv[2])
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        if mode == 'cases':
            d = sys.argv[3]
            names = sorted(f for f in os.listdir(d) if f.endswith('.pnk'))
            for n in names:
                levels = ['-O0', '-O1'] + (['c'] if 'c' in ' '.join(
                    header(os.path.join(d, n)).get('targets', [])).split() else [])
                for level in levels:
                    why = case(griddle, os.path.join(d, n), tmp, level)
                    if why:
                        failed += 1
                        print('FAIL %s %s: %s' % (n, level, why))
            print('%d cases at -O0 and -O1, %d failures' % (len(names), failed))
        else:
            subst = {'ffi': os.path.abspath(sys.argv[3]), 'log': os.path.abspath(sys.argv[4]),
                     'dev': '/nonexistent.so', 'srcdir': os.path.abspath(sys.argv[5])}
            sup = legs.Support(griddle, tmp)
            counts = {'ok': 0, 'skip': 0}
            for d in sys.argv[6:]:
                for n in sorted(os.listdir(d)):
                    if not n.endswith('.pnk'):
                        continue
                    res = diff_one(sup, os.path.join(d, n), subst, tmp)
                    if res in counts:
                        counts[res] += 1
                    else:
                        failed += 1
                        print('%s/%s: %s' % (d, n, res))
            print('differential: %d agree, %d skipped, %d differ' % (counts['ok'], counts['skip'], failed))
            if counts['ok'] == 0:
                failed += 1
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
