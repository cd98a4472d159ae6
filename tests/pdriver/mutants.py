#!/usr/bin/env python3
"""Mutants of the verified Pancake ENET driver (examples/echo/eth_driver.pnk)
that `griddle verify` must refuse: each is a small bug a driver author could
make, and each must fail at the line of the bug with the expected code. They
check that the verifier's speed tricks (finite case splits of symbolic masks
and shared addresses, global frames at calls: docs/verifier.md "Finite
cases") did not make it blind.

    mutants.py GRIDDLE ECHO_DIR [--only NAME]

The expected code and line come from the driver's specification
(docs/pdriver.md: which words and registers the driver may touch and how),
not from griddle's output.
"""
import os
import subprocess
import sys
import tempfile

# name, substitutions (OLD must occur exactly once), expected code, text on
# the line the failure must be reported at (after the substitutions)
MUTANTS = [
    ('dequeue-mask-off-by-one',
     [('!ldw io, q + Q_BUFFERS + (h & (cap - 1))', '!ldw io, q + Q_BUFFERS + (h & cap)')],
     'shared', '!ldw io, q + Q_BUFFERS + (h & cap)'),
    ('enqueue-mask-plus-one',
     [('var 1 d = q + Q_BUFFERS + (t & (cap - 1)) * DESC_SIZE;',
       'var 1 d = q + Q_BUFFERS + (t & (cap + 1)) * DESC_SIZE;')],
     'shared', '!stw d, io;'),
    ('head-len-wrong-word',
     [('(h & (cap - 1)) * DESC_SIZE + 8;', '(h & (cap - 1)) * DESC_SIZE + 16;')],
     'shared', '!ldw len, q + Q_BUFFERS'),
    ('store-consumed-tail',
     [('  !stw q + Q_HEAD, h + 1;', '  !stw q + Q_TAIL, h + 1;')],
     'shared', '!stw q + Q_TAIL, h + 1;'),
    ('store-produced-head',
     [('  !stw q + Q_TAIL, t + 1;', '  !stw q + Q_HEAD, t + 1;')],
     'shared', '!stw q + Q_HEAD, t + 1;'),
    ('enqueue-any-capacity',
     [('/@ requires PRODUCED(q, cap) @/',
       '/@ requires (q == RX_ACTIVE || q == TX_FREE) && (cap == RX_QUEUE_CAPACITY || cap == TX_QUEUE_CAPACITY) @/')],
     'shared', '!stw d, io;'),
    ('enqueue-wrong-capacity',
     [('q_enqueue(RX_ACTIVE, RX_QUEUE_CAPACITY, addr, len);', 'q_enqueue(RX_ACTIVE, TX_QUEUE_CAPACITY, addr, len);')],
     'precondition', 'q_enqueue(RX_ACTIVE, TX_QUEUE_CAPACITY'),
    ('rx-index-unmasked',
     [('rx_tail = (rx_tail + 1) & MASK32;', 'rx_tail = rx_tail + 1;')],
     'invariant-preserved', None),
    ('tx-slot-past-ring',
     [('var 1 idx = tx_tail & (TX_COUNT - 1);', 'var 1 idx = tx_tail & (TX_COUNT * 2 - 1);')],
     'precondition', 'update_slot(RING + HW_TX_RING_OFFSET'),
    ('notify-wrong-channel',
     [('@microkit_notify(DRIVER_RX_CH, 0, 0, 0);', '@microkit_notify(DRIVER_RX_CH + 1, 0, 0, 0);')],
     'ffi', '@microkit_notify(DRIVER_RX_CH + 1'),
    ('descriptor-stat-too-wide',
     [('stat = stat | WRAP;\n      }\n      update_slot(RING + idx * 8',
       'stat = stat | 65536;\n      }\n      update_slot(RING + idx * 8')],
     'precondition', 'update_slot(RING + idx * 8'),
    ('eir-store-too-wide',
     [('!st32 ETH + EIR, 4294967295;', '!st32 ETH + EIR, 4294967296;')],
     'precondition', '!st32 ETH + EIR, 4294967296;'),
    ('register-outside-window',
     [('!st32 ETH + TACC, TACC_VALUE;', '!st32 ETH + 512, TACC_VALUE;')],
     'shared', '!st32 ETH + 512, TACC_VALUE;'),
    # a callee that changes a hardware ring index: every caller's IDX_OK
    # after the call rests on the index not being changed (global frames)
    ('signal-clobbers-index',
     [('  !stw q + Q_SIGNALLED, v;\n', '  !stw q + Q_SIGNALLED, v;\n  rx_tail = 4294967296;\n')],
     'invariant-preserved', None),
]


def line_of(text, marker):
    hits = [i + 1 for i, l in enumerate(text.splitlines()) if marker in l]
    if len(hits) != 1:
        sys.exit(f'marker {marker!r} found on lines {hits}')
    return hits[0]


def main():
    griddle, echo = sys.argv[1], sys.argv[2]
    only = sys.argv[sys.argv.index('--only') + 1] if '--only' in sys.argv else None
    src = open(os.path.join(echo, 'eth_driver.pnk'), encoding='utf-8').read()
    models = ['-m', os.path.join(echo, 'models', 'eth_device.vpr'), '-m', os.path.join(echo, 'models', 'net_queues.vpr')]
    fails = 0
    count = 0
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'eth_driver.pnk')
        for name, subs, code, marker in MUTANTS:
            if only and only not in name:
                continue
            count += 1
            text = src
            for old, new in subs:
                if text.count(old) != 1:
                    sys.exit(f'{name}: {old!r} occurs {text.count(old)} times in the driver')
                text = text.replace(old, new)
            open(path, 'w', encoding='utf-8').write(text)
            cmd = [griddle, 'verify', '--no-cache', '--color=never', '--timeout', '30', '-j2', path] + models
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
            want = f'[verify.{code}]'
            hits = [l for l in p.stderr.splitlines() if ': error: ' in l and l.endswith(want)]
            if marker is not None:
                ln = line_of(text, marker)
                hits = [l for l in hits if l.startswith(f'{path}:{ln}:')]
            unknown = '[verify.unknown]' in p.stderr
            if p.returncode != 1 or not hits or unknown:
                fails += 1
                where = f' at line {line_of(text, marker)}' if marker else ''
                print(f'FAIL {name}: expected exit 1 and {want}{where} (no unknown), got exit {p.returncode}')
                print(p.stderr[-3000:])
            else:
                print(f'ok   {name}: {hits[0][len(tmp) + 1:]}')
        # The cache must not hide a mutant whose bug is in a callee's body
        # only: the driver verified into a cache, then signal-clobbers-index
        # (q_set_signalled's contract is unchanged, its body now assigns a
        # ring index) must fail in its callers.
        if not only or only in 'cache':
            count += 1
            cache = os.path.join(tmp, 'cache')
            base = [griddle, 'verify', '--color=never', '--timeout', '30', '-j2', '--cache', cache, path] + models
            open(path, 'w', encoding='utf-8').write(src)
            p1 = subprocess.run(base, capture_output=True, text=True, timeout=300)
            name, subs, code, _ = next(m for m in MUTANTS if m[0] == 'signal-clobbers-index')
            text = src.replace(subs[0][0], subs[0][1])
            open(path, 'w', encoding='utf-8').write(text)
            p2 = subprocess.run(base, capture_output=True, text=True, timeout=300)
            if p1.returncode != 0 or p2.returncode != 1 or f'[verify.{code}]' not in p2.stderr:
                fails += 1
                print(f'FAIL cache: original exit {p1.returncode} (want 0), {name} through the cache exit '
                      f'{p2.returncode} (want 1 with [verify.{code}])')
                print(p1.stderr[-2000:] + p2.stderr[-2000:])
            else:
                print(f'ok   cache: {name} refused after the original was cached')
    print(f'{count - fails} of {count} mutants refused')
    sys.exit(1 if fails or not count else 0)


if __name__ == '__main__':
    main()
