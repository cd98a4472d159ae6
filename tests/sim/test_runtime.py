#!/usr/bin/env python3
"""Run-time behaviour of `griddle sim` around the PDs' processes:
  - a map colliding with the PD's own program image (made predictable by
    running without address-space randomisation) is a located error and
    nothing runs;
  - SIGINT stops the run cleanly and every PD process is gone afterwards;
  - --duration stops the run.
Usage: test_runtime.py GRIDDLE PDS_DIR ECHO_DIR ECHO_IMAGES
"""
import os, shutil, signal, subprocess, sys, tempfile, time

griddle, pds, echo_dir, echo_images = sys.argv[1:5]
fails = []

def collision():
    if not shutil.which('setarch'):
        print('note: setarch missing, collision case skipped'); return
    # without randomisation a PIE is loaded at 0x555555554000 (Linux x86-64)
    sdf = '''<system>
    <memory_region name="m" size="0x1000" />
    <protection_domain name="a">
        <program_image path="order.elf" />
        <map mr="m" vaddr="0x555555554000" />
    </protection_domain>
</system>
'''
    with tempfile.NamedTemporaryFile('w', suffix='.system', delete=False) as f:
        f.write(sdf)
    try:
        p = subprocess.run(['setarch', 'x86_64', '-R', griddle, 'sim', f.name, '--search-path', pds],
                           capture_output=True, text=True, timeout=30)
    finally:
        os.unlink(f.name)
    if 'setarch' in p.stderr and 'failed' in p.stderr:
        print('note: setarch -R not permitted here, collision case skipped'); return
    want = f"{f.name}:5:10: error: cannot map memory region 'm' at 0x555555554000 in 'a': File exists"
    if p.returncode != 1 or want not in p.stderr or p.stdout:
        fails.append(f'collision: rc {p.returncode}, stdout {p.stdout!r}, stderr {p.stderr!r}')

def children(pid):
    kids = []
    for tid in os.listdir(f'/proc/{pid}/task'):
        with open(f'/proc/{pid}/task/{tid}/children') as f:
            kids += [int(x) for x in f.read().split()]
    return kids

def sigint_reaps():
    p = subprocess.Popen([griddle, 'sim', os.path.join(echo_dir, 'echo.system'), '--search-path',
                          echo_images, '--duration', '60'], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    up = 0
    for line in p.stdout:
        up += 'lwIP up' in line
        if up == 2:
            break
    kids = children(p.pid)
    if len(kids) != 8:
        fails.append(f'expected 8 PD processes, found {kids}')
    p.send_signal(signal.SIGINT)
    try:
        out, err = p.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill(); fails.append('no exit after SIGINT'); return
    if p.returncode != 0 or 'interrupted (SIGINT)' not in err:
        fails.append(f'SIGINT: rc {p.returncode}, stderr {err!r}')
    for k in kids:
        try:
            os.kill(k, 0)
            fails.append(f'PD process {k} still exists after the emulator exited')
        except ProcessLookupError:
            pass

def duration():
    t = time.monotonic()
    p = subprocess.run([griddle, 'sim', os.path.join(echo_dir, 'echo.system'), '--search-path',
                        echo_images, '--duration', '0.5'], capture_output=True, text=True,
                       timeout=30)
    took = time.monotonic() - t
    if p.returncode != 0 or 'duration reached' not in p.stderr or took > 10:
        fails.append(f'--duration: rc {p.returncode} after {took:.1f} s, stderr {p.stderr!r}')

collision()
sigint_reaps()
duration()
for f in fails:
    print('FAIL', f)
print('runtime:', 'ok' if not fails else 'failed')
sys.exit(1 if fails else 0)
