#!/usr/bin/env python3
"""The Pancake Logger of examples/sensor_logger (logger.pnk) under the
reference semantics (griddle run), driven by tests/compose/logger_harness.pnk
playing Sensor. Expected results are computed by hand from the protocol
(protocol.h): magic 0x4d534731, length 1..64, sequence = last + 1; an
entry is an 80-byte slot (seq, len, payload rounded up to words, zeros)."""
import subprocess, sys

griddle, root = sys.argv[1], sys.argv[2]
M = 0x4d534731
calls = [
    (f'send(1,16,{M},100)', 0), ('notified(0)', 1),      # logged: 1, 16, 100, 101
    (f'send(2,0,{M},200)', 0), ('notified(0)', 0),       # length 0
    (f'send(2,65,{M},200)', 0), ('notified(0)', 0),      # length > 64
    (f'send(3,8,{M},300)', 0), ('notified(0)', 0),       # sequence skips 2
    ('send(2,8,3735928559,300)', 0), ('notified(0)', 0), # bad magic
    ('notified(1)', 0),                                  # not Sensor's channel: ignored, not counted
    (f'send(2,9,{M},400)', 0), ('notified(0)', 1),       # logged: 2, 9, 400, 401
] + [(f'log_word({i})', w) for i, w in enumerate(
    [1, 16, 100, 101, 0, 0, 0, 0, 0, 0,                 # slot 0: 16 bytes = 2 payload words
     2, 9, 400, 401, 0, 0, 0, 0, 0, 0, 0])] + [          # slot 1: 9 bytes = 2 words; then empty
    ('stats()', 4 * 1000 + 160),                         # 4 dropped, 2 slots of 80 bytes
]
cmd = [griddle, 'run', f'{root}/examples/sensor_logger/logger.pnk',
       f'{root}/tests/compose/logger_harness.pnk', '--shared', '0x2000000:0x1000',
       '--shared', '0x3000000:0x10000', '--print-result']
for c, _ in calls:
    cmd += ['--call', c]
p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
got = p.stdout.split()
want = ['0'] + [str(w) for _, w in calls]       # main's result first
ok = p.returncode == 0 and got == want
if not ok:
    print('FAIL', p.returncode, p.stderr[:500])
    for (c, w), g in zip([('main()', 0)] + calls, got + ['?'] * len(want)):
        print(f'  {c:28} want {w:6} got {g}')
print(f'{"1/1" if ok else "0/1"} logger protocol runs passed ({len(calls)} calls)')
sys.exit(0 if ok else 1)
