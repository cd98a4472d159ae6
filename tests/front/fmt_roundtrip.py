#!/usr/bin/env python3
"""Formatter properties over every test program that checks cleanly.

For each .pnk case whose header says `// expect: ok` (and that uses no
preprocessor), `griddle fmt` must succeed (it re-parses its own output and
compares syntax trees, exiting 3 on a difference), its output must still
check cleanly, and formatting the output again must change nothing
(idempotence). With --compat cases, the migrated output must check
cleanly WITHOUT --compat.
"""
import os, re, subprocess, sys, tempfile

griddle, roots = os.path.abspath(sys.argv[1]), sys.argv[2:]
passed = failed = 0

def run(args, **kw):
    return subprocess.run([griddle] + args, capture_output=True, timeout=30, **kw)

for root in roots:
    for dirpath, dirnames, filenames in os.walk(root):
        if 'case.txt' in filenames:
            dirnames[:] = []
            continue
        for fn in sorted(filenames):
            if not fn.endswith('.pnk'):
                continue
            path = os.path.join(dirpath, fn)
            text = open(path, 'rb').read().decode('utf-8', 'replace')
            head = [l for l in text.splitlines() if l.startswith('//')][:12]
            if not any(re.match(r'//\s*expect:\s*ok', l) for l in head):
                continue
            if any(re.match(r'//\s*cmd:', l) for l in head) or re.search(r'^\s*#\s*[a-z]', text, re.M):
                continue
            args = []
            for l in head:
                m = re.match(r'//\s*args:\s*(.*)', l)
                if m:
                    args += m.group(1).split()
            if any(a.startswith(('-D', '-I', '-U', '--cpp')) for a in args):
                continue
            compat = ['--compat'] if '--compat' in args else []
            probs = []
            r1 = run(['fmt'] + compat + [path])
            if r1.returncode != 0:
                probs.append(f'fmt failed ({r1.returncode}): {r1.stderr.decode()[:300]}')
            else:
                with tempfile.NamedTemporaryFile('wb', suffix='.pnk', delete=False) as t:
                    t.write(r1.stdout)
                try:
                    c = run(['check', t.name])
                    # legacy main with parameters has no current-syntax equivalent:
                    # fmt keeps it, and only --compat accepts the result
                    legacy_main = compat and b'main function has arguments' in run(['check', '--compat', path]).stderr
                    if c.returncode != 0 and not legacy_main:
                        probs.append('formatted output does not check cleanly (without --compat):\n'
                                     + c.stderr.decode()[:500])
                    r2 = run(['fmt', t.name])
                    if r2.returncode != 0 or r2.stdout != r1.stdout:
                        probs.append('fmt is not idempotent')
                finally:
                    os.unlink(t.name)
            if probs:
                failed += 1
                print('FAIL', os.path.relpath(path, root))
                for p in probs:
                    print('   ', p)
            else:
                passed += 1
print(f'{passed} passed, {failed} failed')
sys.exit(1 if failed or not passed else 0)
