#!/usr/bin/env python3
"""Self-test of run_verify.py against a scripted stand-in for griddle.

The stand-in (written below) answers `verify --help` as told and, for
`verify ... FILE`, prints the lines of FILE's `// say:` header and exits
with its `// exit:` header, so each test case states both what the
"verifier" reports and what the runner must conclude. This checks that the
runner can fail: a missing, extra or misplaced failure, a wrong exit
status, a missing error text, and the skip when verify is absent.
"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FAKE = r'''#!/usr/bin/env python3
import os, sys
if sys.argv[1:] == ['verify', '--help']:
    if os.environ.get('FAKE_ABSENT'):
        print('griddle verify: this command is not available in this build yet', file=sys.stderr)
        sys.exit(2)
    sys.exit(0)
f = sys.argv[-1]
code = 0
for line in open(f):
    if line.startswith('// say: '):
        print(line[len('// say: '):].rstrip('\n'), file=sys.stderr)
    elif line.startswith('// exit: '):
        code = int(line[len('// exit: '):])
sys.exit(code)
'''

# (file name, header lines, runner must pass this case?)
CASES = [
    ('ok.pnk', ['// verify: ok', '// exit: 0'], True),
    ('ok-but-fails.pnk', ['// verify: ok', '// exit: 1',
                          '// say: ok-but-fails.pnk:3:4: error: assertion might fail [verify.assert]'], False),
    ('fail.pnk', ['// fail: 5:7: assert', '// exit: 1',
                  '// say: fail.pnk:5:7: error: assertion might not hold [verify.assert]'], True),
    ('fail-prefixed-code.pnk', ['// fail: 5:7: verify.assert', '// exit: 1',
                                '// say: fail-prefixed-code.pnk:5:7: error: x [verify.assert]'], True),
    ('fail-wrong-col.pnk', ['// fail: 5:7: assert', '// exit: 1',
                            '// say: fail-wrong-col.pnk:5:8: error: x [verify.assert]'], False),
    ('fail-wrong-code.pnk', ['// fail: 5:7: assert', '// exit: 1',
                             '// say: fail-wrong-code.pnk:5:7: error: x [verify.refute]'], False),
    ('fail-extra.pnk', ['// fail: 5:7: assert', '// exit: 1',
                        '// say: fail-extra.pnk:5:7: error: x [verify.assert]',
                        '// say: fail-extra.pnk:9:1: error: y [verify.unreachable]'], False),
    ('fail-exit0.pnk', ['// fail: 5:7: assert', '// exit: 0',
                        '// say: fail-exit0.pnk:5:7: error: x [verify.assert]'], False),
    ('fail-model.pnk', ['// fail: m.vpr:30:1: postcondition', '// exit: 1',
                        '// say: /abs/path/m.vpr:30:1: error: x [verify.postcondition]'], True),
    ('error.pnk', ['// error: 4:3: undeclared_q', '// exit: 1',
                   '// say: error.pnk:4:3: error: unknown name undeclared_q [verify-parse]'], True),
    ('error-verify-code.pnk', ['// error: 4:3: expected', '// exit: 1',
                               "// say: error-verify-code.pnk:4:3: error: expected ')' [verify.syntax]"], True),
    ('error-as-failure.pnk', ['// fail: 4:3: assert', '// exit: 1',
                              "// say: error-as-failure.pnk:4:3: error: expected ')' [verify.syntax]"], False),
    ('error-text.pnk', ['// error: 4:3: undeclared_q', '// exit: 1',
                        '// say: error-text.pnk:4:3: error: unknown name [verify-parse]'], False),
    ('error-noloc.pnk', ['// error: nosuch.vpr', '// exit: 1',
                         "// say: griddle verify: error: cannot read 'nosuch.vpr' [io]"], True),
    ('error-with-failure.pnk', ['// error: 4:3: q', '// exit: 1',
                                '// say: error-with-failure.pnk:4:3: error: q [x]',
                                '// say: error-with-failure.pnk:5:3: error: z [verify.assert]'], False),
    ('unknown.pnk', ['// unknown', '// exit: 3',
                     '// say: unknown.pnk:2:3: error: timed out [verify.unknown]'], True),
    ('unknown-as-ok.pnk', ['// unknown', '// exit: 0'], False),
    ('ok-with-unknown.pnk', ['// verify: ok', '// exit: 3',
                             '// say: ok-with-unknown.pnk:2:3: error: t [verify.unknown]'], False),
    ('bad-header.pnk', ['// verify: ok', '// fail: 1:1: assert', '// exit: 0'], False),
]


def main():
    runner = os.path.join(HERE, 'run_verify.py')
    with tempfile.TemporaryDirectory() as tmp:
        fake = os.path.join(tmp, 'griddle')
        with open(fake, 'w') as f:
            f.write(FAKE)
        os.chmod(fake, 0o755)
        bad = 0
        for name, head, should_pass in CASES:
            d = os.path.join(tmp, name[:-4])
            os.mkdir(d)
            with open(os.path.join(d, name), 'w') as f:
                f.write('\n'.join(head) + '\nfun 1 f() {\n  return 0;\n}\n')
            r = subprocess.run([sys.executable, runner, fake, d], capture_output=True, text=True)
            if (r.returncode == 0) != should_pass:
                bad += 1
                print(f'FAIL {name}: runner exit {r.returncode}, expected it to '
                      f'{"pass" if should_pass else "fail"}\n{r.stdout}')
        # a known failure that fails passes the run (XFAIL); one that passes
        # fails it (XPASS)
        for case, should_pass in (('ok-but-fails', True), ('ok', False)):
            known = os.path.join(tmp, 'known.txt')
            with open(known, 'w') as f:
                f.write(f'{case}/{case}.pnk  # why\n')
            r = subprocess.run([sys.executable, runner, '--known', known, fake,
                                os.path.join(tmp, case)], capture_output=True, text=True)
            if (r.returncode == 0) != should_pass:
                bad += 1
                print(f'FAIL known {case}: runner exit {r.returncode}\n{r.stdout}')
        r = subprocess.run([sys.executable, runner, fake, os.path.join(tmp, 'ok')],
                           capture_output=True, text=True, env=dict(os.environ, FAKE_ABSENT='1'))
        if r.returncode != 77 or 'griddle verify not available' not in r.stdout:
            bad += 1
            print(f'FAIL skip: exit {r.returncode}, output {r.stdout!r}')
    print(f'{len(CASES) + 3 - bad} of {len(CASES) + 3} runner self-tests passed')
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
