#!/usr/bin/env python3
"""The default host's command line and faults (docs/abi.md, "The default host").

usage: host_cli.py GRIDDLE

examples/run/blink.pnk is built with both back ends (x86-64 and the C back
end, each with the default host). Every bad run-time option must exit 2
with a message naming the problem, before running anything; a program that
touches memory no --shared region covers, or overflows a --stack, must die
of SIGSEGV after one line saying which; a --shared region on memory already
mapped must name the mapping in the way.
"""
import os
import shutil
import subprocess
import sys
import tempfile

SH = ['--shared', '0x10000000:0x100']
# (arguments, exit status, text stderr must contain)
CASES = [
    (['--shared', '0x10000001:0x100'], 2, 'BASE must be page-aligned'),
    (['--shared', '0x10000000:0x101'], 2, 'SIZE a non-zero multiple of 8'),
    (['--shared', 'x'], 2, "bad --shared 'x' (BASE:SIZE)"),
    (['--shared', '0x10000000:zz'], 2, "bad region size: 'zz'"),
    (SH + ['--shared', '0x10000000:0x1000'], 2,
     'shared regions 0x10000000:0x100 and 0x10000000:0x1000 overlap'),
    (['--shared', '0xfffffffffffff000:0x2000'], 2, 'the region wraps around'),
    (SH + ['--heap-size', '7'], 2, '--heap-size must be a non-zero multiple of 8'),
    (SH + ['--heap-size'], 2, 'missing value: --heap-size'),
    (SH + ['--call', 'nosuch()'], 2, '--call: nosuch is not an exported function'),
    (SH + ['--call', 'notified(1'], 2, "bad --call 'notified(1'"),
    (SH + ['--call', 'notified(1,2)'], 2, '--call: notified takes 1 arguments'),
    (SH + ['--call', 'notified(zz)'], 2, "bad --call argument: 'zz'"),
    (SH + ['--bogus', 'x'], 2, 'unknown option --bogus'),
    (SH + ['--trace', '/nonexistent/dir/t.jsonl'], 2, 'cannot open /nonexistent/dir/t.jsonl'),
    (SH + ['--stack', 'abc'], 2, "bad --stack: 'abc'"),
    # blink's main stores to 0x10000000: without the region that is a fault
    ([], -11, 'segmentation fault: an access to 0x10000000 by the instruction at'),
    (['--trace', '-'], -11, 'which no --shared region or the heap covers'),
    (SH + ['--stack', '16'], -11, 'stack overflow: an entry needed more than the --stack 16 bytes'),
]


def main():
    griddle = os.path.abspath(sys.argv[1])
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
    src = os.path.join(root, 'examples', 'run', 'blink.pnk')
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for leg, extra in (('x86-64', []), ('C back end', ['--target', 'c', '--emit', 'exe'])):
            exe = os.path.join(tmp, 'blink-' + ('c' if extra else 'x86'))
            b = subprocess.run([griddle, 'build', '-w', src, '-o', exe] + extra, capture_output=True,
                               text=True)
            if b.returncode:
                print(f'FAIL {leg}: build: {b.stderr[-500:]}')
                failures += 1
                continue
            good = subprocess.run([exe] + SH + ['--print-result'], capture_output=True, text=True)
            if good.returncode or good.stdout.splitlines()[-1:] != ['0']:
                print(f'FAIL {leg}: the good run: exit {good.returncode} {good.stdout!r}')
                failures += 1
            for args, code, say in CASES:
                r = subprocess.run([exe] + args, capture_output=True, text=True, timeout=60)
                if r.returncode != code or say not in r.stderr:
                    print(f'FAIL {leg} {args}: exit {r.returncode} (want {code}), stderr '
                          f'{r.stderr.strip()[:300]!r} should contain {say!r}')
                    failures += 1
            # a region on the program's own first page: without ASLR (setarch -R) Linux
            # loads an x86-64 PIE at 0x555555554000
            probe = subprocess.run(['setarch', 'x86_64', '-R', 'true'], capture_output=True) \
                if shutil.which('setarch') else None
            if probe is None or probe.returncode:
                print(f'skip {leg}: setarch -R is not available here')
                continue
            r = subprocess.run(['setarch', 'x86_64', '-R', exe, '--shared', '0x555555554000:0x1000'],
                               capture_output=True, text=True, timeout=60)
            say = 'already mapped there: 555555554000-'
            if r.returncode != 2 or say not in r.stderr or os.path.basename(exe) not in r.stderr:
                print(f'FAIL {leg}: a region on the program itself: exit {r.returncode}, '
                      f'stderr {r.stderr.strip()[:300]!r}')
                failures += 1
        print(f'{len(CASES) + 1} bad runs per leg, {failures} failures')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
