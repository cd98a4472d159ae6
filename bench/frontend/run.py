#!/usr/bin/env python3
"""bench/frontend: parse + check a generated 200k-line program.

Reports lines/second and peak memory of `griddle check`, and the ratio of
its time to a baseline measured in the same run on the same file: the
system C preprocessor (`cpp -P`), a well-known single pass over the text.
Target (issue 2): >= 1,000,000 lines/s and < 300 MB.

usage: run.py GRIDDLE [LINES] [REPEATS]
"""
import os, resource, subprocess, sys, tempfile, time

def timed(cmd, stdout=subprocess.DEVNULL):
    """Best of REPEATS runs, in CPU seconds (user + system) of the child:
    on a shared 2-core machine wall time mostly measures the neighbours."""
    best = None
    for _ in range(REPEATS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        r = subprocess.run(cmd, stdout=stdout, stderr=subprocess.PIPE)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        dt = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if r.returncode != 0:
            sys.exit(f"{cmd[0]} failed ({r.returncode}): {r.stderr.decode()[:500]}")
        best = dt if best is None else min(best, dt)
    return best

def peak_rss_mb(cmd):
    # run once in a child and read its own maximum resident set size
    code = ("import resource,subprocess,sys;"
            "subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL);"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code] + cmd, capture_output=True, text=True)
    return int(out.stdout.strip()) / 1024.0

griddle = sys.argv[1]
lines_wanted = int(sys.argv[2]) if len(sys.argv) > 2 else 200000
REPEATS = int(sys.argv[3]) if len(sys.argv) > 3 else 3
here = os.path.dirname(os.path.abspath(__file__))
with tempfile.TemporaryDirectory() as d:
    src = os.path.join(d, "big.pnk")
    with open(src, "w") as f:
        subprocess.run([sys.executable, os.path.join(here, "gen.py"), str(lines_wanted)], stdout=f, check=True)
    nlines = sum(1 for _ in open(src))
    t_check = timed([griddle, "check", src])
    t_cpp = timed(["cpp", "-P", src])
    mem = peak_rss_mb([griddle, "check", src])
    print(f"frontend: {nlines} lines, griddle check {t_check*1000:.0f} ms CPU "
          f"= {nlines / t_check / 1e6:.2f} M lines/s, peak RSS {mem:.0f} MB")
    print(f"frontend: baseline cpp -P {t_cpp*1000:.0f} ms CPU; griddle check / cpp = {t_check / t_cpp:.2f}")
    ok = nlines / t_check >= 1e6 and mem < 300
    print(f"frontend: target (>= 1M lines/s, < 300 MB): {'met' if ok else 'NOT met'}")
