#!/usr/bin/env python3
"""bench/echo: the emulated sDDF echo system (examples/echo) under the
built-in load generator, sweeping the offered load. For each rate it
prints delivered throughput, loss, round-trip times, and CPU per PD, and
expresses the emulator's cost per echoed packet in units of a baseline
measured in the same run: one notification round trip between two PDs
(bench/echo/pingpong.system), the kernel primitive the echo path is built
from. Results go to bench/out/echo.json as well.

The load is open loop (a fixed rate, as a benchmark needs). Budgets and
periods are enforced as by default (the driver's 100 us / 400 us caps it
at 25 % of a CPU); --no-budgets turns that off for comparison.

Usage: run.py GRIDDLE [--pin] [--no-budgets] [--size BYTES] [--seconds S] [RATE...]
"""
import json, os, subprocess, sys, tempfile

ROUNDS = 50000  # must match pingpong.c

def sim(griddle, args):
    with tempfile.TemporaryDirectory() as tmp:
        rep = os.path.join(tmp, 'r.json')
        p = subprocess.run([griddle, 'sim'] + args + ['--report', rep], capture_output=True,
                           text=True, timeout=900)
        if not os.path.exists(rep):
            sys.exit(f'griddle sim failed ({p.returncode}): {p.stderr}')
        return json.load(open(rep))

def cpu(r):
    return sum(pd['cpu_user_s'] + pd['cpu_sys_s'] for pd in r['pds'])

def main():
    argv = sys.argv[1:]
    griddle = argv.pop(0)
    pin = '--pin' in argv
    no_budgets = '--no-budgets' in argv
    argv = [a for a in argv if a not in ('--pin', '--no-budgets')]
    size, seconds = 64, 2.0
    if '--size' in argv:
        i = argv.index('--size'); size = int(argv[i + 1]); del argv[i:i + 2]
    if '--seconds' in argv:
        i = argv.index('--seconds'); seconds = float(argv[i + 1]); del argv[i:i + 2]
    rates = [int(a) for a in argv] or [1000, 2000, 5000, 10000, 15000, 20000]
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    build = os.path.dirname(os.path.abspath(griddle))
    extra = (['--pin'] if pin else []) + (['--no-budgets'] if no_budgets else [])

    base = sim(griddle, [os.path.join(root, 'bench/echo/pingpong.system'), '--search-path',
                         os.path.join(build, 'bench/echo')] + extra)
    rt_us = base['run']['seconds'] / ROUNDS * 1e6
    base_cpu_us = cpu(base) / ROUNDS * 1e6
    print(f'griddle sim echo benchmark ({"pinned" if pin else "unpinned"}, budgets '
          f'{"off" if no_budgets else "enforced"}, {size}-byte UDP payloads)')
    print(f'baseline: notification round trip between two PDs = {rt_us:.1f} us wall, '
          f'{base_cpu_us:.1f} us PD CPU ({ROUNDS} rounds)')
    print()
    hdr = (f'{"offered":>8} {"sent/s":>7} {"delivered":>9} {"loss":>6} {"p50 us":>8} {"p99 us":>9} '
           f'{"PD CPU us/pkt":>13} {"= round trips":>13} {"switch/pkt":>10}  CPU % per PD')
    print(hdr)
    rows = []
    for rate in rates:
        count = max(1000, int(rate * seconds))
        r = sim(griddle, [os.path.join(root, 'examples/echo/echo.system'), '--search-path',
                          os.path.join(build, 'examples/echo'),
                          '--load', f'rate={rate},count={count},size={size}', '--drain', '1']
                + extra)
        ld = r['load']
        secs = max(ld['seconds'], 1e-9)
        delivered = ld['received'] / secs
        sent_rate = ld['sent'] / secs
        loss = ld['lost'] / max(ld['sent'], 1) * 100
        per_pkt = cpu(r) / max(ld['received'], 1) * 1e6
        sw = r['run']['context_switches'] / max(ld['received'], 1)
        run_s = r['run']['seconds']
        share = ' '.join(f'{pd["name"]}={100 * (pd["cpu_user_s"] + pd["cpu_sys_s"]) / run_s:.0f}'
                         for pd in r['pds'] if pd['cpu_user_s'] + pd['cpu_sys_s'] > 0.005 * run_s)
        throttled = sum(pd.get('throttled', 0) for pd in r['pds'])
        share += f' throttled={throttled}'
        print(f'{rate:>8} {sent_rate:>7.0f} {delivered:>9.0f} {loss:>5.1f}% {ld["rtt_us"]["p50"]:>8.0f} '
              f'{ld["rtt_us"]["p99"]:>9.0f} {per_pkt:>13.1f} {per_pkt / base_cpu_us:>13.1f} '
              f'{sw:>10.2f}  {share}')
        rows.append({'offered_pps': rate, 'sent_pps': sent_rate, 'delivered_pps': delivered,
                     'loss_pct': loss, 'generator_stalls': ld.get('generator_stalls', 0),
                     'rtt_us': ld['rtt_us'], 'pd_cpu_us_per_packet': per_pkt,
                     'round_trips_per_packet': per_pkt / base_cpu_us,
                     'switches_per_packet': sw, 'pds': r['pds']})
    out = os.path.join(root, 'bench/out')
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, 'echo.json'), 'w') as f:
        json.dump({'pinned': pin, 'budgets': not no_budgets, 'size': size, 'baseline_round_trip_us': rt_us,
                   'baseline_cpu_us': base_cpu_us, 'rows': rows}, f, indent=1)
    print('\n(sent/s below the offered rate: the generator, in the emulator process, fell')
    print(' behind; PD CPU excludes the emulator; results in bench/out/echo.json)')

main()
