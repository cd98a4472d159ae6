#!/usr/bin/env python3
"""Generates a large, valid, realistic Pancake program (current syntax).

usage: gen.py LINES > out.pnk
Each function is a driver-like routine: register reads and writes through
shared memory, loops over a ring in local memory, struct values, calls.
"""
import sys

TEMPLATE = """fun {{1,1}} step_{i}(1 base, 1 n, {{1,1}} acc) {{
    var 1 i = 0;
    var 1 sum = acc.0;
    var 1 status = 0;
    !ld32 status, base + {off};
    if status & {mask} == 0 {{
        !st32 base + {off}, status | {bit};
    }} else {{
        sum = sum + (status >>> {sh});
    }}
    while i <+ n {{
        var 1 slot = @base + ((i & 63) << 3);
        var 1 v = lds 1 slot;
        if v > {lim} && v != -1 {{
            st slot, v - {lim};
        }} else {{
            st slot, v + i * {k};
        }}
        sum = sum ^ (v #>> {sh});
        i = i + 1;
    }}
    var {{1,1}} r = <sum, acc.1 + 1>;
    if n == 0 {{
        return r;
    }}
    return step_{j}(base, n - 1, r);
}}

"""

def main():
    target = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
    per = TEMPLATE.count("\n")
    nfun = max(1, target // per)
    out = sys.stdout
    out.write("struct reg { 1 addr, 1 value }\nvar 1 calls = 0;\n\n")
    for i in range(nfun):
        out.write(TEMPLATE.format(i=i, j=(i + 1) % nfun, off=(i * 4) % 4096, mask=1 << (i % 31),
                                  bit=1 << ((i + 3) % 31), sh=i % 63 + 1, lim=100 + i % 50,
                                  k=i % 7 + 1))
    out.write("fun main() {\n    var {1,1} r = step_0(4096, 10, <0, 0>);\n    return r.0;\n}\n")

main()
