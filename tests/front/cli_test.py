#!/usr/bin/env python3
"""Command-line and bad-input behaviour of `griddle check` / `griddle fmt`.

Each check states the expected exit status and a fragment of the message
(issue 2: any byte sequence gives success or located diagnostics and exit
1, never a crash, hang or exit >= 128; usage errors exit 2).
"""
import json, os, subprocess, sys, tempfile

G = os.path.abspath(sys.argv[1])
passed = failed = 0
tmp = tempfile.mkdtemp()


def write(name, data):
    path = os.path.join(tmp, name)
    with open(path, 'wb') as f:
        f.write(data)
    return path


def check(name, args, rc, fragment=b'', stdin=None, where='stderr'):
    global passed, failed
    try:
        r = subprocess.run([G] + args, capture_output=True, input=stdin, timeout=60)
    except subprocess.TimeoutExpired:
        print(f'FAIL {name}: timed out')
        failed += 1
        return
    out = r.stderr if where == 'stderr' else r.stdout
    if r.returncode != rc or fragment not in out:
        print(f'FAIL {name}: exit {r.returncode} (want {rc}); wanted {fragment!r} in {where}:')
        print('   ', out[:400])
        failed += 1
    else:
        passed += 1


ok = write('ok.pnk', b'fun main() {\n  return 0;\n}\n')
check('help', ['check', '--help'], 0, b'usage: griddle check', where='stdout')
check('fmt help', ['fmt', '--help'], 0, b'usage: griddle fmt', where='stdout')
check('version', ['--version'], 0, b'griddle ', where='stdout')
check('no command', [], 2, b'usage')
check('unknown command', ['frobnicate'], 2, b"unknown command 'frobnicate'")
check('unknown option', ['check', '--frob', ok], 2, b"unknown option '--frob'")
check('no files', ['check'], 2, b'no input files')
check('-D without name', ['check', '-D', '', ok], 2, b'-D needs')
check('bad diagnostics format', ['check', '--diagnostics-format=xml', ok], 2, b'text or json')
check('missing file', ['check', os.path.join(tmp, 'nope.pnk')], 1, b'cannot read')
check('directory as file', ['check', tmp], 1, b'cannot read')
check('clean file', ['check', ok], 0)
check('stdin', ['check', '-'], 0, stdin=b'fun main() { return 0; }\n')
check('stdin error location', ['check', '-'], 1, b'<stdin>:1:', stdin=b'fun main() { return ; }\n')
check('empty input', ['check', write('empty.pnk', b'')], 0)
check('NUL bytes', ['check', write('nul.pnk', b'fun main() {\0 return 0; }\n')], 1, b'NUL byte')
check('binary garbage', ['check', write('bin.pnk', bytes(range(256)) * 64)], 1, b'error')
check('invalid UTF-8', ['check', write('utf.pnk', b'fun main() { return \xff\xfe 0; }\n')], 1,
      b'invalid UTF-8')
big = b'fun main() {\n  var 1 x = 0' + b' + 1' * 250000 + b';\n  return x;\n}\n'
check('1 MB line', ['check', write('long.pnk', big)], 0)
deep = b'fun main() {\n  return ' + b'(' * 10000 + b'1' + b')' * 10000 + b';\n}\n'
check('10,000-deep parentheses', ['check', write('deep.pnk', deep)], 1, b'nesting too deep')
deepb = b'fun main() {\n' + b'{' * 10000 + b'}' * 10000 + b'\n return 0; }\n'
check('10,000-deep blocks', ['check', write('deepb.pnk', deepb)], 1, b'nesting too deep')
for op in (b' - 1', b' * 1', b' << 0', b'.0'):
    chain = b'fun main() {\n  var 1 x = 0' + op * 200000 + b';\n  return x;\n}\n'
    check(f'200,000-long chain of {op.decode().strip()}', ['check', write('chain.pnk', chain)], 1,
          b'nesting too deep')
check('unterminated comment', ['check', write('c.pnk', b'fun main() { /* never closed\n return 0; }\n')],
      1, b'unterminated comment')
check('unterminated annotation', ['check', write('a.pnk', b'fun main() { /@ never closed\n return 0; }\n')],
      1, b'unterminated annotation')
check('cpp #error', ['check', write('e.pnk', b'#error stop here\nfun main() { return 0; }\n')], 1,
      b'e.pnk:1:')
check('cpp missing include', ['check', write('i.pnk', b'#include "missing.h"\nfun main() { return 0; }\n')],
      1, b'missing.h')
os.environ['GRIDDLE_CPP'] = '/nonexistent/cpp'
check('cpp not installed', ['check', '--cpp', ok], 1, b'cannot run the C preprocessor')
del os.environ['GRIDDLE_CPP']
check('-Werror', ['check', '-Werror', write('w.pnk', b'fun main() {\n  return 0;\n  skip;\n}\n')], 1, b'unreachable')
check('-w', ['check', '-w', write('w2.pnk', b'fun main() {\n  return 0;\n  skip;\n}\n')], 0)
r = subprocess.run([G, 'check', '--diagnostics-format=json', write('j.pnk', b'fun main() { return x; }\n')],
                   capture_output=True)
try:
    d = json.loads(r.stderr)
    good = r.returncode == 1 and d[0]['code'] == 'scope' and d[0]['line'] == 1 and d[0]['column'] == 21
except (ValueError, LookupError, TypeError):
    good = False
if good:
    passed += 1
else:
    failed += 1
    print('FAIL json diagnostics:', r.returncode, r.stderr[:300])
check('fmt -i needs files', ['fmt', '-i', '-'], 2, b'-i needs files', stdin=b'')
print(f'{passed} passed, {failed} failed')
sys.exit(1 if failed else 0)
