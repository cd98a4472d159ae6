#!/usr/bin/env python3
"""Command line of `griddle verify --emit-viper` (docs/verifier.md "Viper output").

    cli.py GRIDDLE

Bad input (a program or model the verifier rejects) gives the verifier's
diagnostics and no Viper at all; usage errors exit 2; an unwritable output
is a located I/O error. Expectations from the documentation, not from
griddle's output.
"""
import os
import subprocess
import sys
import tempfile

FAILS = []


def run(griddle, args, cwd):
    r = subprocess.run([griddle, 'verify'] + args, capture_output=True, cwd=cwd)
    return r.returncode, r.stdout.decode('utf-8', 'replace'), r.stderr.decode('utf-8', 'replace')


def expect(cond, what, detail=''):
    if not cond:
        FAILS.append(f'{what}\n{detail}'.rstrip())
        print(f'FAIL {what}')
    else:
        print(f'ok   {what}')


GOOD = 'fun 1 f(1 a) {\n  /@ requires a < 5 @/\n  return a + 1;\n}\n'
# an annotation naming an undeclared variable (verify.name), and a model
# file with a syntax error: the verifier rejects both before any proof
BAD_NAME = 'fun 1 f(1 a) {\n  /@ requires b < 5 @/\n  return a;\n}\n'
BAD_MODEL = 'method m(x: Int\n'
# try around a trusted function: unsupported by the verifier and the printer
BAD_TRY = ('exception E : 1;\nfun 1 g() {\n  /@ trusted @/\n  return 0;\n}\n'
           'fun 1 f() {\n  var 1 x = 0;\n  var 1 e = 0;\n  try x = g() catch E => e {\n    x = 1;\n  }\n  return x;\n}\n')


def main():
    griddle = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as d:
        for name, text in (('good.pnk', GOOD), ('bad.pnk', BAD_NAME), ('bad.vpr', BAD_MODEL),
                           ('try.pnk', BAD_TRY)):
            with open(os.path.join(d, name), 'w') as f:
                f.write(text)
        out = os.path.join(d, 'out.vpr')

        rc, so, se = run(griddle, ['--emit-viper'], d)
        expect(rc == 2 and 'emit-viper' in se, '--emit-viper without a file is a usage error (exit 2)', se)

        rc, so, se = run(griddle, ['--emit-viper', '-', 'good.pnk'], d)
        expect(rc == 0 and so.startswith('// Viper program printed by griddle verify --emit-viper')
               and 'method f_f(heap: IArray, a_0_in: Int) returns (retval: Int)' in so,
               '--emit-viper - prints the program on standard output', so + se)

        rc, so, se = run(griddle, ['--emit-viper=' + out, 'good.pnk'], d)
        text = open(out).read() if os.path.exists(out) else ''
        expect(rc == 0 and so == '' and 'method f_f(' in text, '--emit-viper=FILE writes FILE', so + se)
        os.unlink(out) if os.path.exists(out) else None

        for case, args in (('an undeclared name in an annotation', ['bad.pnk']),
                           ('a model file with a syntax error', ['-m', 'bad.vpr', 'good.pnk']),
                           ('a Pancake syntax error', ['nosuch.pnk'])):
            rv, sv, ev = run(griddle, ['--no-cache'] + args, d)
            re_, se_, ee = run(griddle, ['--emit-viper', out] + args, d)
            expect(re_ == rv == 1 and ee == ev and not os.path.exists(out) and se_ == '',
                   f'{case}: the verifier\'s diagnostics, exit 1, no Viper written',
                   f'verify: {rv}\n{ev}\nemit: {re_}\n{ee}')
            re_, se_, ee = run(griddle, ['--emit-viper', '-'] + args, d)
            expect(re_ == 1 and se_ == '', f'{case}: nothing on standard output with -', se_)

        rc, so, se = run(griddle, ['--emit-viper', out, 'try.pnk'], d)
        expect(rc == 1 and '[verify.unsupported]' in se and 'try.pnk:9:3' in se and not os.path.exists(out),
               'try around a trusted call: located verify.unsupported, no Viper', se)

        rc, so, se = run(griddle, ['--emit-viper', os.path.join(d, 'no', 'such', 'dir', 'x.vpr'), 'good.pnk'], d)
        expect(rc == 1 and 'cannot write' in se and '[verify.io]' in se, 'an unwritable output is an I/O error', se)
    print(f'{len(FAILS)} failure(s)')
    return 1 if FAILS else 0


if __name__ == '__main__':
    sys.exit(main())
