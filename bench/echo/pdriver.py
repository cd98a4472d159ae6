#!/usr/bin/env python3
"""bench/echo/pdriver.py: the Pancake ENET driver (examples/echo/eth_driver.pnk,
compiled by griddle; echo_pnk.system) against the C driver (eth_driver.c,
gcc; echo.system) in the same run, under the same open-loop load. For
each offered rate the two systems run alternately REPEAT times; the table
gives, per driver, the medians of delivered replies/s, loss, RTT p50/p99,
the driver PD's CPU per echoed frame and its device accesses (trapped
MMIO) per frame, and the ratio Pancake / C. The driver PD is measured
alone (cpu_user_s + cpu_sys_s of "eth"): everything else in the two
systems is identical. Results also go to bench/out/pdriver.json.

Instructions per frame would be the better CPU measure; the report gives
null where the host has no hardware counter (virtual machines), and then
only CPU time is available.

Usage: pdriver.py GRIDDLE [--repeat N] [--seconds S] [--size BYTES] [RATE...]
"""
import json, os, statistics, subprocess, sys, tempfile

def sim(griddle, args):
    with tempfile.TemporaryDirectory() as tmp:
        rep = os.path.join(tmp, 'r.json')
        p = subprocess.run([griddle, 'sim'] + args + ['--report', rep], capture_output=True,
                           text=True, timeout=900)
        if p.returncode not in (0, 4) or not os.path.exists(rep):
            sys.exit(f'griddle sim failed ({p.returncode}): {p.stderr}')
        return json.load(open(rep))

def measure(r):
    ld = r['load']
    eth = next(pd for pd in r['pds'] if pd['name'] == 'eth')
    n = max(ld['received'], 1)
    ins = eth.get('instructions')
    return {'delivered_pps': ld['received'] / max(ld['seconds'], 1e-9),
            'loss_pct': ld['lost'] / max(ld['sent'], 1) * 100,
            'rtt_p50_us': ld['rtt_us']['p50'], 'rtt_p99_us': ld['rtt_us']['p99'],
            'eth_cpu_us_per_frame': (eth['cpu_user_s'] + eth['cpu_sys_s']) / n * 1e6,
            'eth_mmio_per_frame': eth['mmio'] / n,
            'eth_instructions_per_frame': ins / n if isinstance(ins, int) else None}

def main():
    argv = sys.argv[1:]
    griddle = argv.pop(0)
    repeat, seconds, size = 3, 2.0, 64
    for opt in ('--repeat', '--seconds', '--size'):
        if opt in argv:
            i = argv.index(opt)
            v = argv[i + 1]
            del argv[i:i + 2]
            if opt == '--repeat': repeat = int(v)
            elif opt == '--seconds': seconds = float(v)
            else: size = int(v)
    rates = [int(a) for a in argv] or [2000, 5000, 10000]
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    images = os.path.join(os.path.dirname(os.path.abspath(griddle)), 'examples/echo')
    systems = {'C': 'echo.system', 'Pancake': '../echo_pnk/echo_pnk.system'}
    print(f'Pancake ENET driver vs C driver under griddle sim ({size}-byte UDP payloads, '
          f'median of {repeat} alternating runs per rate)')
    hdr = (f'{"offered":>8} {"driver":>8} {"delivered":>9} {"loss":>6} {"p50 us":>8} {"p99 us":>9} '
           f'{"eth CPU us/frame":>16} {"MMIO/frame":>10}')
    print(hdr)
    rows = []
    for rate in rates:
        count = max(1000, int(rate * seconds))
        runs = {k: [] for k in systems}
        for _ in range(repeat):
            for k, sdf in systems.items():
                r = sim(griddle, [os.path.join(root, 'examples/echo', sdf), '--search-path', images,
                                  '--load', f'rate={rate},count={count},size={size}', '--drain', '1'])
                runs[k].append(measure(r))
        med = {k: {m: (statistics.median(x[m] for x in v) if v[0][m] is not None else None)
                   for m in v[0]} for k, v in runs.items()}
        for k in systems:
            m = med[k]
            print(f'{rate:>8} {k:>8} {m["delivered_pps"]:>9.0f} {m["loss_pct"]:>5.1f}% '
                  f'{m["rtt_p50_us"]:>8.0f} {m["rtt_p99_us"]:>9.0f} {m["eth_cpu_us_per_frame"]:>16.2f} '
                  f'{m["eth_mmio_per_frame"]:>10.2f}')
        ratio = {m: (med['Pancake'][m] / med['C'][m] if med['C'][m] else None)
                 for m in med['C'] if med['C'][m] is not None}
        print(f'{rate:>8} {"ratio":>8} {ratio["delivered_pps"]:>9.2f} {"":>6} '
              f'{ratio["rtt_p50_us"]:>8.2f} {ratio["rtt_p99_us"]:>9.2f} '
              f'{ratio["eth_cpu_us_per_frame"]:>16.2f} {ratio["eth_mmio_per_frame"]:>10.2f}')
        rows.append({'offered_pps': rate, 'count': count, 'median': med, 'ratio_pancake_over_c': ratio,
                     'runs': runs})
    out = os.path.join(root, 'bench/out')
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, 'pdriver.json'), 'w') as f:
        json.dump({'size': size, 'repeat': repeat, 'rows': rows}, f, indent=1)
    print('(ratio = Pancake / C; results in bench/out/pdriver.json)')

main()
