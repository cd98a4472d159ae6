#!/usr/bin/env python3
"""The C back end on other architectures, against griddle run.

usage: run_cross.py GRIDDLE ARCH [--count N] [--seed S] [--jobs J] [SEM_CASES]

ARCH is aarch64 or riscv64 (or x86_64: the same builds natively, without
qemu, which tests the default host's hooks where its trap would also
work). Each program is compiled by
`griddle build --target c --hooks --emit exe` with CC=ARCH-linux-gnu-gcc
(the default host compiled for ARCH, FFI calls and shared-memory accesses
traced through the hooks, docs/cback.md "Other architectures"), run under
qemu-ARCH, and must give griddle run's exit status, standard output and
trace. Programs: every tests/sem case whose options the default host has
(--call, --shared, --heap-size, --heap-init, --poke, --print-result, the
test FFI library, standard input) and that griddle run finishes without an
Error, then N generated programs (tests/gen/gen.py, seeds S..S+N-1).

Without the cross compiler or qemu the test is skipped (exit 77, with a
message saying what is missing), never passed.
"""
import argparse
import concurrent.futures
import os
import platform
import shlex
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..'))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'lib'))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'gen'))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'sem'))
import gen  # noqa: E402
import legs  # noqa: E402
import run_sem  # noqa: E402

SEM_FFI = os.path.join(ROOT, 'tests', 'sem', 'ffi_test.c')
# griddle run options the default host (or griddle build) has
BUILT = {'--compat', '-I', '-D', '-U', '--cpp', '--no-cpp', '--ffi', '--heap-size', '--call',
         '--shared', '--poke', '--heap-init', '--print-result'}


def tools(arch):
    if arch == 'x86_64':   # the hooks on the build machine itself: no emulator
        return 'gcc', ([] if platform.machine() == 'x86_64' else ['an x86-64 build machine'])
    cc, qemu, sysroot = f'{arch}-linux-gnu-gcc', f'qemu-{arch}', f'/usr/{arch}-linux-gnu'
    missing = [t for t in (cc, qemu) if not shutil.which(t)]
    if not os.path.isdir(os.path.join(sysroot, 'lib')):
        missing.append(f'{sysroot} (libc6-dev-*-cross)')
    return f'{cc}@{qemu} -L {sysroot}', missing   # griddle build adds -O2


def one(sup, compiler, path, text, args, stdin, cwd, lib, link):
    """'ok', 'skip' or a problem. griddle run may load the FFI library lib
    (whose source, if it is not the logging FFI the host has built in, is
    link)."""
    src, prog, libs, used = legs.split_args(args)
    if used - BUILT or any(os.path.abspath(l) != lib for l in libs):
        return 'skip'
    with tempfile.TemporaryDirectory() as tmp:
        if text is not None:
            path = os.path.join(tmp, 'p.pnk')
            with open(path, 'w') as f:
                f.write(text)
            cwd = tmp
        ref = legs.reference(sup, path, args, os.path.join(tmp, 'ref.jsonl'), cwd, stdin, 60)
        if legs.outcome_kind(ref) not in ('success', 'exception', 'exit'):
            return 'skip'    # an Error, a timeout: compiled code may differ
        objs = [link] if libs and link else []
        what = legs.compare_leg(sup, 'c-exe', path, prog, ref, tmp, cwd, compiler,
                                build_args=['--hooks'] + src, c_objs=objs, stdin=stdin)
        return '; '.join(what) if what else 'ok'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('griddle')
    ap.add_argument('arch', choices=('aarch64', 'riscv64', 'x86_64'))
    ap.add_argument('sem_cases', nargs='?', default=os.path.join(ROOT, 'tests', 'sem', 'cases'))
    ap.add_argument('--count', type=int, default=200)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--jobs', type=int, default=os.cpu_count() or 2)
    a = ap.parse_args()
    compiler, missing = tools(a.arch)
    if missing:
        print(f'cross {a.arch}: SKIPPED, missing {", ".join(missing)} (scripts/deps.sh installs them)')
        sys.exit(77)
    t0 = time.time()
    counts = {'ok': 0, 'skip': 0, 'fail': 0}
    with tempfile.TemporaryDirectory() as tmp:
        sup = legs.Support(a.griddle, tmp)
        ffi_so = os.path.join(tmp, 'sem_ffi.so')
        legs.run(['gcc', '-shared', '-fPIC', '-O1', SEM_FFI, '-o', ffi_so])
        jobs = []
        for n in sorted(os.listdir(a.sem_cases)):
            if not n.endswith('.pnk'):
                continue
            path = os.path.join(a.sem_cases, n)
            spec = run_sem.parse_header(path)
            args = sum((shlex.split(x.format(ffi=ffi_so, dev='/nonexistent.so', dir=a.sem_cases))
                        for x in spec['args']), [])
            stdin = ''.join(l + '\n' for l in spec['stdin']).encode()
            jobs.append((n, path, None, args, stdin, a.sem_cases, ffi_so, SEM_FFI))
        for s in range(a.seed, a.seed + a.count):
            text = gen.Gen(s, 6).program()
            args = [x.replace('{ffi}', sup.ffi_so)
                    for x in shlex.split(' '.join(legs.header(text).get('args', [])))]
            jobs.append((f'seed-{s}', None, text, args, b'', None, sup.ffi_so, None))
        with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as ex:
            futs = [(j[0], ex.submit(one, sup, compiler, *j[1:])) for j in jobs]
            for name, f in futs:
                r = f.result()
                if r in counts:
                    counts[r] += 1
                else:
                    counts['fail'] += 1
                    print(f'FAIL {a.arch} {name}: {r}', flush=True)
    print(f'cross {a.arch}: {counts["ok"]} agree with griddle run, {counts["skip"]} skipped, '
          f'{counts["fail"]} differ ({time.time() - t0:.0f} s)')
    sys.exit(1 if counts['fail'] or not counts['ok'] else 0)


if __name__ == '__main__':
    main()
