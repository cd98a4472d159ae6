#!/usr/bin/env python3
"""The echo system under the built-in load generator: every request must
come back intact (the generator checks sequence numbers, checksums and
payloads) and nothing may be lost; the report must account for the run.

The generator runs closed loop (at most WINDOW requests unanswered, at
most RATE per second): the emulator shares the host with other jobs, and
a stall of the PD processes must delay the load, not overflow the
system's queues. WINDOW (64) is well below every queue on the RX path
(256 hardware descriptors, 512-entry sDDF queues), so no frame may be
dropped for want of a buffer: zero loss is still required.

Usage: test_echo_load.py GRIDDLE ECHO_DIR IMAGES COUNT RATE SIZE [WINDOW]
The environment variable ECHO_SYSTEM names another system file in ECHO_DIR
(tests/pdriver: echo_pnk.system, the Pancake driver).
"""
import json, os, subprocess, sys, tempfile

griddle, echo_dir, images = sys.argv[1:4]
count, rate, size = (int(x) for x in sys.argv[4:7])
window = int(sys.argv[7]) if len(sys.argv) > 7 else 64
with tempfile.TemporaryDirectory() as tmp:
    rep = os.path.join(tmp, 'report.json')
    cmd = [griddle, 'sim', os.path.join(echo_dir, os.environ.get('ECHO_SYSTEM', 'echo.system')), '--search-path', images,
           '--load', f'rate={rate},count={count},size={size},window={window}', '--drain', '5', '--report', rep]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    print(p.stderr.strip())
    if p.returncode != 0:
        print(f'FAIL: exit status {p.returncode}'); sys.exit(1)
    r = json.load(open(rep))
fails = []
load = r['load']
for k, want in [('sent', count), ('received', count), ('lost', 0), ('bad', 0), ('duplicates', 0)]:
    if load[k] != want:
        fails.append(f'load.{k} = {load[k]}, want {want}')
if load['window'] != window:
    fails.append(f'load.window = {load["window"]}, want {window}')
if not (0 < load['rtt_us']['p50'] <= load['rtt_us']['p99']):
    fails.append(f'rtt percentiles out of order: {load["rtt_us"]}')
pds = {p['name']: p for p in r['pds']}
want_pds = {'eth', 'timer', 'net_virt_tx', 'net_virt_rx', 'copy0', 'client0', 'copy1', 'client1'}
if set(pds) != want_pds:
    fails.append(f'pds {sorted(pds)}')
else:
    for name, pd in pds.items():
        for key in ('cpu_user_s', 'cpu_sys_s', 'instructions', 'notified', 'notifications_sent', 'irqs'):
            if key not in pd:
                fails.append(f'{name} lacks {key}')
        # null only with a reason (the schema allows null where the host refuses)
        if pd.get('instructions', 0) is None and not pd.get('instructions_unavailable'):
            fails.append(f'{name}: instructions null without instructions_unavailable')
        if isinstance(pd.get('instructions'), int) and pd['instructions'] <= 0:
            fails.append(f'{name}: instructions counted but zero')
    # the driver is interrupted and talks to the device; client0 did the work
    if pds['eth']['irqs'] == 0 or pds['eth']['mmio'] == 0:
        fails.append('eth saw no interrupts or device accesses')
    if pds['client0']['notified'] == 0 or pds['client1']['notified'] > pds['client0']['notified']:
        fails.append('client0 should have been notified, and more than client1')
    if any(pd['state'] in ('faulted', 'dead') for pd in pds.values()):
        fails.append('a PD faulted or died')
nic = r['devices'][0]['stats']
if nic['rx_frames'] < count or nic['tx_frames'] < count:
    fails.append(f'NIC counted {nic["rx_frames"]} in / {nic["tx_frames"]} out')
for f in fails:
    print('FAIL', f)
print('echo load:', 'ok' if not fails else 'failed')
sys.exit(1 if fails else 0)
