#!/usr/bin/env python3
"""griddle cake: the command line of `cake --pancake` (docs/abi.md, "griddle cake").

usage: cake_cli.py GRIDDLE CASES_DIR

The build rule of sDDF and LionsOS, `cpp -P < x.pnk | $(CAKE_COMPILER)
--target=T --pancake --main_return=true > x.S`, with CAKE_COMPILER="griddle
cake", on cases/glue-abi.pnk: the assembly is linked with the sddf-style glue
cases/glue-abi.c (which declares cml_heap and friends extern, as sDDF's glue
does) and run; its output must be the `// stdout:` lines of glue-abi.pnk,
worked out by hand there. x64 runs natively; arm8 and riscv are built by the
Debian cross compilers and run under qemu-user (reported as skipped when
those are missing). Then bad command lines and a bad program: each must
exit with the documented status and say why.
"""
import os
import shutil
import subprocess
import sys
import tempfile

failures = []


def fail(msg):
    failures.append(msg)
    print('FAIL ' + msg)


def main():
    griddle, cases = os.path.abspath(sys.argv[1]), sys.argv[2]
    src = os.path.join(cases, 'glue-abi.pnk')
    glue = os.path.join(cases, 'glue-abi.c')
    with open(src) as f:
        want = [l[len('// stdout: '):].rstrip('\n') for l in f if l.startswith('// stdout: ')]
    pre = subprocess.run(['cpp', '-P', src], capture_output=True, text=True, check=True).stdout
    flags = ['--pancake', '--main_return=true']
    targets = [('x64', ['cc'], []),
               ('arm8', ['aarch64-linux-gnu-gcc', '-static'], ['qemu-aarch64']),
               ('riscv', ['riscv64-linux-gnu-gcc', '-static'], ['qemu-riscv64'])]
    ran = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, cc, runner in targets:
            if not shutil.which(cc[0]) or (runner and not shutil.which(runner[0])):
                print(f'skip {name}: {cc[0]} or {runner[0]} not installed')
                continue
            asm = os.path.join(tmp, f'{name}.S')
            r = subprocess.run([griddle, 'cake', f'--target={name}'] + flags, input=pre,
                               capture_output=True, text=True, timeout=300)
            if r.returncode:
                fail(f'{name}: griddle cake exit {r.returncode}: {r.stderr[-600:]}')
                continue
            with open(asm, 'w') as f:
                f.write(r.stdout)
            exe = os.path.join(tmp, name)
            b = subprocess.run(cc + [glue, asm, '-o', exe], capture_output=True, text=True)
            if b.returncode:
                fail(f'{name}: linking with the sddf-style glue failed: {b.stderr[-600:]}')
                continue
            p = subprocess.run(runner + [exe], capture_output=True, text=True, timeout=60)
            got = p.stdout.splitlines()
            if p.returncode or got != want:
                fail(f'{name}: exit {p.returncode}, output {got}, expected {want}')
            else:
                ran += 1
                print(f'ok {name}: {len(want)} lines as glue-abi.pnk states')
        # bad input: (arguments, stdin, exit status, text the error must contain)
        bad = [
            (['--main_return=true'], pre, 2, '--pancake is required'),
            (['--pancake'], pre, 2, 'only --main_return=true is supported'),
            (['--pancake', '--main_return=false'], pre, 2, 'only --main_return=true is supported'),
            (['--pancake', '--main_return=yes'], pre, 2, 'takes true or false'),
            (flags + ['--target=mips'], pre, 2, "unknown --target 'mips'"),
            (flags + ['--sexp=true'], pre, 2, "cake option '--sexp=true' is not supported"),
            (flags + ['prog.pnk'], pre, 2, 'read from standard input'),
            (flags, 'fun main() { return 1 + ; }\n', 1, '<stdin>:1:25: error'),
            (flags, 'fun main() { return x; }\n', 1, '<stdin>:1:'),
        ]
        for args, text, code, say in bad:
            r = subprocess.run([griddle, 'cake'] + args, input=text, capture_output=True, text=True,
                               timeout=60)
            if r.returncode != code or say not in r.stderr or r.stdout:
                fail(f'cake {" ".join(args)}: exit {r.returncode} (want {code}), stderr '
                     f'{r.stderr.strip()[:300]!r} should contain {say!r}, stdout {r.stdout[:100]!r}')
        # examples/cake: the Makefile's own rule with CAKE_COMPILER="griddle cake"; main
        # returns 40 + 2, notified(ch) counts calls and notifies ch + 100 (counter.pnk)
        ex = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'examples', 'cake')
        m = subprocess.run(['make', '-s', '-C', ex, f'CAKE_COMPILER={griddle} cake', f'BUILD={tmp}'],
                           capture_output=True, text=True, timeout=300)
        want_ex = ['  cml_main() = 42'] + sum(([f'  microkit_notify({100 + c})', f'  notified({c}) = {c}']
                                            for c in (1, 2, 3)), [])
        got_ex = (subprocess.run([os.path.join(tmp, 'counter')], capture_output=True, text=True,
                                 timeout=60).stdout.splitlines() if m.returncode == 0 else [])
        if m.returncode or got_ex != want_ex:
            fail(f'examples/cake: make exit {m.returncode} {m.stderr[-400:]!r}, output {got_ex}')
        else:
            print('ok examples/cake: the Makefile rule with CAKE_COMPILER="griddle cake"')
        h = subprocess.run([griddle, 'cake', '--help'], capture_output=True, text=True)
        if h.returncode or '--main_return=true' not in h.stdout:
            fail('cake --help')
    print(f'{ran} targets run, {len(bad)} bad command lines, {len(failures)} failures')
    if not ran:
        fail('no target could be run')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
