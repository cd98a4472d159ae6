#!/usr/bin/env python3
"""Bad command lines: usage errors (exit 2) with a message naming the
problem; a missing file is an input error (exit 1). Expected texts are
the messages cmd_sim.c is specified to give."""
import subprocess, sys, os

griddle = sys.argv[1]
good = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'sdf', 'good-v2.system')
cases = [
    ([], 2, 'no system description given'),
    ([good, good], 2, 'only one system description'),
    ([good, '--load', 'rate=10,count=5'], 2, '--load needs rate=PPS,count=N,size=BYTES'),
    ([good, '--load', 'rate=10,count=5,size=8'], 2, '16 <= BYTES <= 1472'),
    ([good, '--load', 'rate=0,count=5,size=64'], 2, '--load needs'),
    ([good, '--load', 'rate=-1,count=5,size=64'], 2, '--load needs'),
    ([good, '--load', 'rate=10,count=5,size=64,window=0'], 2, '1 <= W <= 1000000'),
    ([good, '--load', 'rate=10,count=5,size=64,window=x'], 2, '--load needs'),
    ([good, '--load', 'rate=10,count=5,size=64,burst=3'], 2, '--load needs'),
    ([good, '--duration', '-3'], 2, '--duration needs a positive number'),
    ([good, '--duration', 'soon'], 2, '--duration needs a positive number'),
    ([good, '--dump-only'], 2, '--dump-only needs --dump-state'),
    ([good, '--no-images'], 2, '--no-images only makes sense with --check'),
    ([good, '--frobnicate'], 2, "unknown option '--frobnicate'"),
    ([good, '--pcap'], 2, '--pcap needs a value'),
    (['/nonexistent/x.system'], 1, "cannot read '/nonexistent/x.system'"),
    ([good, '--check', '--no-images', '--board', 'vax'], 1, "unknown board 'vax'"),
    ([good, '--check', '--no-images', '--device', 'toaster@0x1000'], 1, "unknown device model 'toaster'"),
    ([good, '--check', '--no-images', '--device', 'sim-test@0x1001'], 1, 'page-aligned PADDR'),
]
fails = 0
for args, rc, msg in cases:
    p = subprocess.run([griddle, 'sim'] + args, capture_output=True, text=True, timeout=30)
    if p.returncode != rc or msg not in p.stderr:
        fails += 1
        print(f'FAIL {args}: rc {p.returncode} (want {rc}), stderr: {p.stderr.strip()[:300]}')
p = subprocess.run([griddle, 'sim', '--help'], capture_output=True, text=True)
if p.returncode != 0 or '--load rate=PPS,count=N,size=BYTES' not in p.stdout:
    fails += 1
    print('FAIL --help')
print(f'{len(cases) + 1 - fails}/{len(cases) + 1} command-line cases passed')
sys.exit(1 if fails else 0)
