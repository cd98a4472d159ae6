#!/usr/bin/env python3
"""bench/viper: `griddle verify --emit-viper` (docs/verifier.md "Viper output").

1. Printing: --emit-viper on the largest annotated program in the tree
   (examples/echo/eth_driver.pnk with its device and queue models), against
   the baseline `griddle verify --dump-spec` on the same input (load,
   preprocess, check, annotations and models), median of --repeat runs.
2. Proving the printed program: examples/spsc verified directly and
   through its Viper output (the printed methods verified by griddle as
   model methods, the oracle of tests/viper/roundtrip.py), -j 2, 10 s per
   obligation, once each; the verdicts are printed with the times (the
   Viper route's Seq[Int] structs are slower for Z3).

Usage: run.py GRIDDLE [--repeat N]
"""
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
ECHO = os.path.join(ROOT, 'examples', 'echo')
SPSC = os.path.join(ROOT, 'examples', 'spsc')
DRIVER = ['eth_driver.pnk', '-m', 'models/eth_device.vpr', '-m', 'models/net_queues.vpr']
PRELUDE = re.compile(r'^// ---- prelude.*?^// ---- end of prelude ----\n', re.S | re.M)


def timed(cmd, cwd, ok=(0,)):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=1800)
    dt = time.perf_counter() - t0
    if p.returncode not in ok:
        sys.exit(f'{" ".join(cmd)}: exit {p.returncode}\n{p.stdout}\n{p.stderr}')
    return dt, p


def main():
    argv = sys.argv[1:]
    g = os.path.abspath(argv.pop(0))
    n = int(argv[argv.index('--repeat') + 1]) if '--repeat' in argv else 5
    verdict = {0: 'verified', 1: 'failed', 3: 'unknown'}
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, 'out.vpr')
        base = statistics.median(timed([g, 'verify', '--dump-spec'] + DRIVER, ECHO)[0] for _ in range(n))
        emit = statistics.median(timed([g, 'verify', '--emit-viper', out] + DRIVER, ECHO)[0] for _ in range(n))
        lines = sum(1 for _ in open(out))
        spsc = ['-m', 'peer.vpr', 'spsc.pnk', 'main.pnk']
        direct, pd = timed([g, 'verify', '--no-cache', '-j', '2', '--timeout', '10'] + spsc, SPSC, (0, 1, 3))
        timed([g, 'verify', '--emit-viper', out] + spsc, SPSC)
        rt = os.path.join(tmp, 'rt.vpr')
        with open(out) as f, open(rt, 'w') as h:
            h.write(PRELUDE.sub('', f.read(), count=1))
        empty = os.path.join(tmp, 'empty.pnk')
        open(empty, 'w').close()
        via, pv = timed([g, 'verify', '--no-cache', '-j', '2', '--timeout', '10', '-m', rt, empty], tmp, (0, 1, 3))
    res = {'baseline_dump_spec_s': base, 'emit_viper_s': emit, 'viper_lines': lines,
           'spsc_direct_s': direct, 'spsc_direct': verdict.get(pd.returncode, pd.returncode),
           'spsc_via_viper_s': via, 'spsc_via_viper': verdict.get(pv.returncode, pv.returncode)}
    print(f'griddle verify --emit-viper on examples/echo/eth_driver.pnk + models ({lines} lines of Viper), '
          f'median of {n}:')
    print(f'  baseline --dump-spec   {base * 1000:8.1f} ms')
    print(f'  --emit-viper           {emit * 1000:8.1f} ms  = {emit / base:6.2f} x baseline')
    print('examples/spsc, -j 2, --timeout 10, once each:')
    print(f'  verified directly      {direct:8.2f} s   ({res["spsc_direct"]})')
    print(f'  through its Viper      {via:8.2f} s   ({res["spsc_via_viper"]}) = {via / direct:6.1f} x direct')
    os.makedirs(os.path.join(ROOT, 'bench', 'out'), exist_ok=True)
    with open(os.path.join(ROOT, 'bench', 'out', 'viper.json'), 'w') as f:
        json.dump(res, f, indent=1)


if __name__ == '__main__':
    main()
