#!/usr/bin/env python3
"""Runs one emulated system (tests/sim/sys/NAME.system) and checks it
against hand-written expectations beside it:

  NAME.expect   the PDs' console output (stdout), line by line, exactly;
                '#' lines are comments
  NAME.stderr   lines that must appear in the emulator's stderr, in this
                order, each as a substring (optional)
  NAME.args     extra command-line arguments, one per line (optional);
                @PDS@ is replaced by the directory of the test PD images
  NAME.rc       expected exit status (optional, default 0)

Usage: run_sys_case.py GRIDDLE PDS_DIR NAME.system
Skips (exit 77) if the environment cannot run PD processes.
"""
import pathlib, subprocess, sys

def lines(path):
    if not path.exists():
        return None
    return [l for l in path.read_text().splitlines() if not l.startswith('#')]

def main():
    griddle, pds, system = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])
    base = system.with_suffix('')
    args = [a.replace('@PDS@', pds) for a in (lines(base.with_suffix('.args')) or []) if a]
    want_rc = int((lines(base.with_suffix('.rc')) or ['0'])[0])
    cmd = [griddle, 'sim', str(system), '--search-path', pds] + args
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        print('FAIL: timed out'); return 1
    out = p.stdout.splitlines()
    ok = True
    want = lines(base.with_suffix('.expect'))
    if want is not None and out != want:
        ok = False
        print('FAIL: console output differs')
        for i in range(max(len(out), len(want))):
            a = out[i] if i < len(out) else '<missing>'
            b = want[i] if i < len(want) else '<none expected>'
            print(f'  {"  " if a == b else "!!"} got {a!r:45} want {b!r}')
    err_want = lines(base.with_suffix('.stderr')) or []
    pos = 0
    err = p.stderr.splitlines()
    for w in err_want:
        while pos < len(err) and w not in err[pos]:
            pos += 1
        if pos == len(err):
            ok = False
            print(f'FAIL: stderr lacks (in order): {w!r}')
            break
        pos += 1
    if p.returncode != want_rc:
        ok = False
        print(f'FAIL: exit status {p.returncode}, expected {want_rc}')
    if not ok:
        print('--- command:', ' '.join(cmd))
        print('--- stdout:'); print(p.stdout)
        print('--- stderr:'); print(p.stderr)
        return 1
    print(f'ok {system.name}')
    return 0

sys.exit(main())
