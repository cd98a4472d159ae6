#!/usr/bin/env python3
"""Exported names against the symbols griddle and the ABI use (docs/abi.md,
"Symbols"); ctest build-abi-names.

  abi_names.py GRIDDLE DIR...

1. Every symbol the x86-64 back end defines for the programs in DIR...
   (the hand-written cases) is either the ABI's (cml_main,
   griddle_globals_bytes, griddle_exports), an exported function, an
   assembler-local .L label, or contains a '.', which no Pancake identifier
   can; the C back end's file-scope names and macros start with pk_, pnk_ or
   PK_ (prefixes it refuses for exports) or are the ABI's; the default
   host's global symbols are main and the ABI's (cml_*, griddle_*, ffi*).
2. Exporting every name griddle used for its own symbols before they were
   moved out of the identifiers' reach (pnk_init, pnk_f_NAME, the run-time
   data, the decoder's sim_x86_*) builds and runs with the x86-64 back
   end, each returning its own hand-computed value; the C back end refuses
   the pnk_/pk_ ones with a located [cback] error and runs the rest.
3. Exporting an ABI name (cml_*, griddle_*, ffiNAME of a called FFI) is a
   located [abi] error with both back ends, and no output is written.
"""
import os
import re
import subprocess
import sys
import tempfile

# both back ends define the heap pointers, as cake's assembly does (hosts
# declare them extern; x86-64 defines them weak, docs/abi.md)
ABI_DEFINED = {'cml_main', 'griddle_globals_bytes', 'griddle_exports', 'cml_heap', 'cml_stack',
               'cml_stackend'}
C_ABI = ABI_DEFINED
# what griddle called its own symbols before (x64.c, x64_emit.c, the host)
OLD_INTERNAL = ['pnk_init', 'pnk_f_main', 'pnk_f_helper', 'pnk_f_pnk_init',
                'sim_x86_decode', 'sim_x86_store_value', 'sim_x86_load_result']
ABI_RESERVED = ['cml_main', 'cml_heap', 'cml_stack', 'cml_stackend', 'cml_exit', 'cml_err',
                'cml_clear', 'griddle_exports', 'griddle_globals_bytes', 'griddle_uncaught',
                'griddle_on_stack', 'griddle_base', 'griddle_top', 'griddle_handler',
                'griddle_throw', 'griddle_xbuf', 'ffilog']

failures = []


def fail(msg):
    failures.append(msg)
    print('FAIL ' + msg)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, timeout=120, **kw)


def exports_of(src):
    return set(re.findall(r'^\s*export\s+fun\s+(?:\{[^}]*\}\s*|\d+\s+)?(\w+)', src, re.M))


def asm_symbols(asm):
    defined = set(re.findall(r'^([A-Za-z_.$][\w.$@]*):', asm, re.M))
    glob = set(re.findall(r'^\s*\.globl\s+(\S+)', asm, re.M))
    return defined, glob


def structure(griddle, dirs, tmp):
    n = 0
    for d in dirs:
        for name in sorted(os.listdir(d)):
            if not name.endswith('.pnk'):
                continue
            path = os.path.join(d, name)
            src = open(path, encoding='utf-8', errors='replace').read()
            exports = exports_of(src)
            compat = ['--compat'] if '--compat' in '\n'.join(src.splitlines()[:20]) else []
            r = run([griddle, 'build', '--color=never', '-o', '-'] + compat + [path])
            if r.returncode != 0:
                continue
            n += 1
            defined, glob = asm_symbols(r.stdout.decode())
            for s in sorted(defined):
                if not (s.startswith('.L') or '.' in s or s in ABI_DEFINED or s in exports):
                    fail('%s: x86-64 defines %s, which an identifier can spell' % (name, s))
            for s in sorted(glob - ABI_DEFINED - exports):
                fail('%s: x86-64 makes %s global' % (name, s))
            c = os.path.join(tmp, 'p.c')
            r = run([griddle, 'build', '--color=never', '--target', 'c', '--entry-table', '-o', c]
                    + compat + [path])
            if r.returncode != 0:
                continue
            text = open(c).read()
            for m in sorted(set(re.findall(r'^\s*#\s*define\s+(\w+)', text, re.M))):
                if not m.startswith(('pk_', 'PK_', 'pnk_')):
                    fail('%s: C output defines macro %s' % (name, m))
            o = os.path.join(tmp, 'p.o')
            if run(['cc', '-O0', '-c', '-o', o, c]).returncode:
                fail('%s: C output does not compile' % name)
                continue
            for line in run(['nm', o]).stdout.decode().splitlines():
                f = line.split()
                if len(f) == 3 and f[1] not in 'Uw':
                    s = f[2].split('.')[0]    # gcc's local statics: name.0
                    if not (s.startswith(('pk_', 'pnk_')) or s in C_ABI or s in exports):
                        fail('%s: C output defines %s' % (name, f[2]))
    if n < 10:
        fail('only %d programs built' % n)
    return n


def host_symbols(griddle, tmp):
    cache = os.path.join(tmp, 'cache')
    p = os.path.join(tmp, 'm.pnk')
    open(p, 'w').write('fun main() { return 0; }\n')
    env = dict(os.environ, GRIDDLE_CACHE=cache)
    r = run([griddle, 'build', p, '-o', os.path.join(tmp, 'm')], env=env)
    objs = [f for f in os.listdir(cache) if f.endswith('.o')] if os.path.isdir(cache) else []
    if r.returncode or len(objs) != 1:
        return fail('default host not built into the cache: %s' % r.stderr.decode())
    for line in run(['nm', '-g', '--defined-only', os.path.join(cache, objs[0])]).stdout.decode().splitlines():
        s = line.split()[-1]
        if not (s == 'main' or s.startswith(('cml_', 'griddle_', 'ffi'))):
            fail('the default host defines the global symbol %s' % s)


def old_names(griddle, tmp):
    # export k returns a * 10 + k; main returns 7 through helper
    lines = ['fun helper(1 x) { return x + 4; }', 'fun main() { var 1 r = helper(3); return r; }']
    for k, n in enumerate(OLD_INTERNAL):
        lines.append('export fun %s(1 a) { return a * 10 + %d; }' % (n, k))
    p = os.path.join(tmp, 'old.pnk')
    open(p, 'w').write('\n'.join(lines) + '\n')
    exe = os.path.join(tmp, 'old')
    calls = sum((['--call', '%s(%d)' % (n, k + 1)] for k, n in enumerate(OLD_INTERNAL)), [])
    want = ['7'] + ['%d' % ((k + 1) * 10 + k) for k in range(len(OLD_INTERNAL))]
    for level in ('-O0', '-O1'):
        r = run([griddle, 'build', '--color=never', level, p, '-o', exe])
        if r.returncode:
            fail('x86-64 %s: exporting the old internal names: exit %d: %s'
                 % (level, r.returncode, r.stderr.decode()[-600:]))
            continue
        got = run([exe, '--print-result'] + calls).stdout.decode().split()
        if got != want:
            fail('x86-64 %s: results %r, expected %r' % (level, got, want))
    r = run([griddle, 'build', '--color=never', '--target', 'c', '--emit', 'exe', p, '-o', exe + 'c'])
    err = r.stderr.decode()
    for k, n in enumerate(OLD_INTERNAL):
        pos = '%s:%d:12: error: exported function %s' % (p, k + 3, n)
        refused = n.startswith(('pnk_', 'pk_'))
        if refused and not (pos in err and '[cback]' in err):
            fail('C back end: no located [cback] error for %s: %s' % (n, err[-600:]))
        if not refused and pos in err:
            fail('C back end refuses %s' % n)
    if r.returncode != 1 or os.path.exists(exe + 'c'):
        fail('C back end: exit %d (want 1, no output)' % r.returncode)
    # without the refused names, the C back end runs the rest
    keep = [n for n in OLD_INTERNAL if not n.startswith(('pnk_', 'pk_'))]
    src = lines[:2] + ['export fun %s(1 a) { return a * 10 + %d; }' % (n, k) for k, n in enumerate(keep)]
    open(p, 'w').write('\n'.join(src) + '\n')
    r = run([griddle, 'build', '--color=never', '--target', 'c', '--emit', 'exe', p, '-o', exe + 'c'])
    calls = sum((['--call', '%s(%d)' % (n, k + 1)] for k, n in enumerate(keep)), [])
    got = run([exe + 'c', '--print-result'] + calls).stdout.decode().split() if r.returncode == 0 else []
    want = ['7'] + ['%d' % ((k + 1) * 10 + k) for k in range(len(keep))]
    if got != want:
        fail('C back end: results %r, expected %r (%s)' % (got, want, r.stderr.decode()[-400:]))


def reserved(griddle, tmp):
    lines = ['fun main() { var 1 b = @base; @log(b, 0, b, 8); return 0; }']
    for n in ABI_RESERVED:
        lines.append('export fun %s(1 a) { return a; }' % n)
    p = os.path.join(tmp, 'res.pnk')
    open(p, 'w').write('\n'.join(lines) + '\n')
    out = os.path.join(tmp, 'res')
    for target in ('x86_64', 'c'):
        r = run([griddle, 'build', '--color=never', '--target', target, '--emit', 'exe', p, '-o', out])
        err = r.stderr.decode()
        if r.returncode != 1 or os.path.exists(out):
            fail('%s: exporting ABI names: exit %d (want 1, no output)' % (target, r.returncode))
        for k, n in enumerate(ABI_RESERVED):
            want = '%s:%d:12: error: exported function %s would clash with a symbol of the ABI' % (p, k + 2, n)
            if want not in err:
                fail('%s: no located error for %s' % (target, n))
        if err.count('[abi]') != len(ABI_RESERVED):
            fail('%s: %d [abi] errors for %d names' % (target, err.count('[abi]'), len(ABI_RESERVED)))
    # ffilog is only the FFI's symbol when the program calls @log
    open(p, 'w').write('fun main() { return 2; }\nexport fun ffilog(1 a) { return a + 1; }\n')
    for target in ('x86_64', 'c'):
        r = run([griddle, 'build', '--target', target, '--emit', 'exe', p, '-o', out])
        got = run([out, '--print-result', '--call', 'ffilog(4)']).stdout.decode().split() \
            if r.returncode == 0 else r.stderr.decode()
        if got != ['2', '5']:
            fail('%s: export ffilog without @log: %r' % (target, got))


def main():
    griddle = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        n = structure(griddle, sys.argv[2:], tmp)
        host_symbols(griddle, tmp)
        old_names(griddle, tmp)
        reserved(griddle, tmp)
    print('abi names: %d programs inspected, %d old internal and %d ABI names exported, %d failures'
          % (n, len(OLD_INTERNAL), len(ABI_RESERVED), len(failures)))
    sys.exit(1 if failures else 0)


if __name__ == '__main__':
    main()
