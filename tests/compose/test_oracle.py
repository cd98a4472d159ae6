#!/usr/bin/env python3
"""Differential test of griddle compose's authority decisions against an
independent oracle written from the specification (docs/composition.md,
"The influence model"; reference section 1.2/1.3), not from the C code:

  * a map with w: PD -> MR; with r: MR -> PD; with x: MR -> PD;
  * a channel end with notify (default true): PD -> peer; with pp (2.x on
    the end, or 1.x pp="true" on the peer PD): PD -> peer and peer -> PD;
  * an MR inside a device's register window (board imx8mm: ENET
    0x30be0000 + 64 KiB, IRQ 152; sim-timer 0x30f00000 + 4 KiB, IRQ 200) is
    the device: device -> owner of its IRQ; unless `assume no_dma`, device
    <-> every non-device MR with a phys_addr or named by <setvar
    region_paddr>;
  * no_flow A -> B fails iff B is reachable from A by at least one edge;
    no_write P -> M iff P maps M with w, or P maps a device D with w and D
    DMAs into M; no_read P -> M iff P maps M with r/x, or P maps a device D
    (readable) that DMAs from M.

For every system (the examples and seeded random ones) a policy file with
every no_flow/no_write/no_read question is generated, griddle's JSON
ledger is compared with the oracle claim by claim, and every witness is
checked: each hop must be an oracle edge and a no_flow witness must be a
shortest path.
"""
import json, os, random, re, subprocess, sys, tempfile
import xml.etree.ElementTree as ET
from collections import deque

BOARD = [(0x30be0000, 0x10000, 152), (0x30f00000, 0x1000, 200)]


def num(s):
    return int(s.replace('_', ''), 0)


class Oracle:
    def __init__(self, sdf_text, no_dma=()):
        root = ET.fromstring(sdf_text)
        self.mrs = {m.get('name'): m for m in root.findall('memory_region')}
        pds = root.findall('protection_domain')
        self.pds = [p.get('name') for p in pds]
        self.edges = set()          # (from, to, kind)
        self.maps = {}              # pd -> list of (mr, perms)
        dev_irq = {}
        for name, m in self.mrs.items():
            pa = m.get('phys_addr')
            if pa is None:
                continue
            for base, size, irq in BOARD:
                if base <= num(pa) < base + size:
                    dev_irq[name] = irq
        self.devices = set(dev_irq)
        paddr = {n for n, m in self.mrs.items() if m.get('phys_addr') is not None}
        pp_v1 = {p.get('name') for p in pds if p.get('pp') == 'true'}
        for p in pds:
            pn = p.get('name')
            self.maps[pn] = []
            for mp in p.findall('map'):
                perms = mp.get('perms', 'rw')
                mr = ('mr', mp.get('mr'))
                self.maps[pn].append((mp.get('mr'), perms))
                if 'w' in perms:
                    self.edges.add((('pd', pn), mr, 'w'))
                if 'r' in perms or 'x' in perms:
                    self.edges.add((mr, ('pd', pn), 'r'))
            for q in p.findall('irq'):
                for dname, irq in dev_irq.items():
                    if irq == num(q.get('irq')):
                        self.edges.add((('mr', dname), ('pd', pn), 'irq'))
            for sv in p.findall('setvar'):
                paddr.add(sv.get('region_paddr'))
        for ch in root.findall('channel'):
            ends = ch.findall('end')
            for k in (0, 1):
                a, b = ends[k], ends[1 - k]
                an, bn = ('pd', a.get('pd')), ('pd', b.get('pd'))
                if a.get('notify', 'true') == 'true':
                    self.edges.add((an, bn, 'notify'))
                if a.get('pp') == 'true' or b.get('pd') in pp_v1:
                    self.edges.add((an, bn, 'ppc'))
                    self.edges.add((bn, an, 'reply'))
        self.dma_targets = {n for n in paddr if n not in self.devices}
        for d in self.devices:
            if d in no_dma:
                continue
            for t in self.dma_targets:
                self.edges.add((('mr', d), ('mr', t), 'dmaw'))
                self.edges.add((('mr', t), ('mr', d), 'dmar'))
        self.succ = {}
        for a, b, _ in self.edges:
            self.succ.setdefault(a, set()).add(b)

    def node(self, name):
        return ('pd', name) if name in self.pds else ('mr', name)

    def dist(self, a, b):
        """Fewest edges from a to b (at least one), or None."""
        seen, q = {}, deque()
        for n in self.succ.get(a, ()):
            if n not in seen:
                seen[n] = 1
                q.append(n)
        while q:
            n = q.popleft()
            if n == b:
                return seen[n]
            for m in self.succ.get(n, ()):
                if m not in seen:
                    seen[m] = seen[n] + 1
                    q.append(m)
        return None

    def can_write(self, p, m, no_dma):
        for mr, perms in self.maps[p]:
            if mr == m and 'w' in perms:
                return True
            if mr in self.devices and 'w' in perms and mr not in no_dma and m in self.dma_targets:
                return True
        return False

    def can_read(self, p, m, no_dma):
        for mr, perms in self.maps[p]:
            if mr == m and ('r' in perms or 'x' in perms):
                return True
            if mr in self.devices and mr not in no_dma and m in self.dma_targets:
                return True
        return False


def run_case(griddle, name, sdf_text, no_dma=(), tmp='.'):
    o = Oracle(sdf_text, set(no_dma))
    sysf = os.path.join(tmp, name + '.system')
    with open(sysf, 'w') as f:
        f.write(sdf_text)
    names = o.pds + sorted(n for n in o.mrs if n not in o.pds)
    qs = []
    for a in names:
        for b in names:
            if a != b:
                qs.append(('no_flow', a, b))
    for p in o.pds:
        for m in o.mrs:
            qs.append(('no_write', p, m))
            qs.append(('no_read', p, m))
    pol = os.path.join(tmp, name + '.policy')
    with open(pol, 'w') as f:
        for d in no_dma:
            f.write(f'assume no_dma {d}\n')
        for k, a, b in qs:
            f.write(f'{k} {a} -> {b}\n')
    r = subprocess.run([griddle, 'compose', sysf, pol, '--format', 'json'],
                       capture_output=True, text=True, timeout=300)
    problems = []
    try:
        led = json.loads(r.stdout)
    except json.JSONDecodeError:
        return [f'{name}: ledger is not JSON (rc {r.returncode}): {r.stderr[:400]}'], 0
    claims = led['claims']
    if len(claims) != len(qs):
        return [f'{name}: {len(claims)} claims for {len(qs)} policies'], 0
    any_failed = False
    for (k, a, b), c in zip(qs, claims):
        if c['claim'] != f'{k} {a} -> {b}':
            problems.append(f'{name}: claim order: {c["claim"]} vs {k} {a} -> {b}')
            continue
        if k == 'no_flow':
            d = o.dist(o.node(a), o.node(b))
            want_fail = d is not None
        elif k == 'no_write':
            want_fail = o.can_write(a, b, set(no_dma))
        else:
            want_fail = o.can_read(a, b, set(no_dma))
        got = c['status']
        any_failed |= want_fail
        if got != ('failed' if want_fail else 'discharged'):
            problems.append(f'{name}: {c["claim"]}: griddle says {got}, oracle says '
                            f'{"failed" if want_fail else "holds"}')
            continue
        if not want_fail:
            continue
        paths = c['witness_paths']
        if not paths or len(paths) != 1:
            problems.append(f'{name}: {c["claim"]}: expected one witness path: {c["witness"]}')
            continue
        path = [(n['kind'], n['name']) for n in paths[0]]
        want_ends = (o.node(a), o.node(b)) if k == 'no_flow' else \
            ((('pd', a), ('mr', b)) if k == 'no_write' else (('mr', b), ('pd', a)))
        if (path[0], path[-1]) != want_ends:
            problems.append(f'{name}: {c["claim"]}: witness ends {path[0]}..{path[-1]}: {c["witness"]}')
        for x, y in zip(path, path[1:]):
            if y not in o.succ.get(x, ()):
                problems.append(f'{name}: {c["claim"]}: witness hop {x} -> {y} is no authority: {c["witness"]}')
        if k == 'no_flow' and len(path) - 1 != o.dist(o.node(a), o.node(b)):
            problems.append(f'{name}: {c["claim"]}: witness has {len(path) - 1} hops, shortest is '
                            f'{o.dist(o.node(a), o.node(b))}')
    want_rc = 1 if any_failed else 0
    if r.returncode != want_rc:
        problems.append(f'{name}: exit status {r.returncode}, expected {want_rc}')
    return problems, len(qs)


def random_system(rng, npd, nmr):
    """A valid SDF: distinct vaddrs per map, unique ids, pp to higher priority."""
    prios = rng.sample(range(1, 250), npd)
    pds = [f'p{i}' for i in range(npd)]
    mrs = [f'm{i}' for i in range(nmr)]
    lines = ['<system>']
    paddr_mrs = set(rng.sample(mrs, max(1, nmr // 4)))
    for i, m in enumerate(mrs):
        pa = f' phys_addr="0x{0x50000000 + i * 0x1000:x}"' if m in paddr_mrs else ''
        lines.append(f'<memory_region name="{m}" size="0x1000"{pa} />')
    lines.append('<memory_region name="nic" size="0x10000" phys_addr="0x30be0000" />')
    next_id = {p: 0 for p in pds}
    owner_irq = rng.choice(pds)
    body = {p: [] for p in pds}
    for p in pds:
        for j, m in enumerate(rng.sample(mrs, rng.randint(0, min(4, nmr)))):
            perms = rng.choice(['r', 'rw', 'rw', 'rx', 'rwx'])
            body[p].append(f'<map mr="{m}" vaddr="0x{0x2000000 + j * 0x10000:x}" perms="{perms}" />')
    body[owner_irq].append('<map mr="nic" vaddr="0x4000000" perms="rw" />')
    body[owner_irq].append(f'<irq irq="152" id="{next_id[owner_irq]}" />')
    next_id[owner_irq] += 1
    for i, p in enumerate(pds):
        lines.append(f'<protection_domain name="{p}" priority="{prios[i]}">')
        lines.append('<program_image path="x.elf" />')
        lines += body[p]
        lines.append('</protection_domain>')
    for _ in range(rng.randint(0, npd + 2)):
        a, b = rng.sample(range(npd), 2)
        ea = [f'pd="{pds[a]}"', f'id="{next_id[pds[a]]}"']
        eb = [f'pd="{pds[b]}"', f'id="{next_id[pds[b]]}"']
        next_id[pds[a]] += 1
        next_id[pds[b]] += 1
        if rng.random() < 0.3:
            ea.append('notify="false"')
        if rng.random() < 0.3:
            eb.append('notify="false"')
        if rng.random() < 0.3:
            (ea if prios[a] < prios[b] else eb).append('pp="true"')
        lines.append(f'<channel><end {" ".join(ea)} /><end {" ".join(eb)} /></channel>')
    lines.append('</system>')
    return '\n'.join(lines) + '\n'


def main():
    griddle, root = sys.argv[1], sys.argv[2]
    nrandom = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    cases = [
        ('sensor_logger', open(os.path.join(root, 'examples/sensor_logger/sensor_logger.system')).read(), ()),
        ('sensor_logger_bad', open(os.path.join(root, 'examples/sensor_logger_bad/sensor_logger_bad.system')).read(), ()),
        ('echo', open(os.path.join(root, 'examples/echo/echo.system')).read(), ()),
        ('echo_nodma', open(os.path.join(root, 'examples/echo/echo.system')).read(), ('timer',)),
    ]
    rng = random.Random(7)
    for i in range(nrandom):
        cases.append((f'random{i}', random_system(rng, rng.randint(2, 7), rng.randint(1, 8)),
                      ('nic',) if rng.random() < 0.3 else ()))
    problems, total = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, text, no_dma in cases:
            p, n = run_case(griddle, name, text, no_dma, tmp)
            problems += p
            total += n
    for p in problems[:40]:
        print('FAIL', p)
    print(f'{total} policy decisions over {len(cases)} systems compared with the oracle; '
          f'{len(problems)} problems')
    sys.exit(1 if problems else 0)


if __name__ == '__main__':
    main()
