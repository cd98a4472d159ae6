#!/usr/bin/env python3
"""--dump-state of tests/sim/dump/dump.system, checked against values
worked out by hand from that SDF (reference 2.3): live mappings with MR
identity, offsets and permissions; badges 1<<peer_id and (1<<63)|peer_id;
setvar values; libmicrokit bitmaps."""
import json, subprocess, sys, tempfile, os

griddle, pds, here = sys.argv[1], sys.argv[2], os.path.dirname(os.path.abspath(__file__))
with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, 'state.json')
    p = subprocess.run([griddle, 'sim', os.path.join(here, 'dump.system'), '--search-path', pds,
                        '--board', 'none', '--device', 'sim-test@0x50000000,irq=40',
                        '--dump-state', out, '--dump-only'],
                       capture_output=True, text=True, timeout=30)
    if p.returncode != 0:
        print('griddle failed:', p.returncode, p.stderr); sys.exit(1)
    if p.stdout:
        print('init ran despite --dump-only:', p.stdout); sys.exit(1)
    st = json.load(open(out))

fails = []
def eq(what, got, want):
    if got != want:
        fails.append(f'{what}: got {got!r}, want {want!r}')

pds_ = {pd['name']: pd for pd in st['protection_domains']}
mrs = {m['name']: m for m in st['memory_regions']}
eq('mr regs device', mrs['regs']['device'], 'sim-test')
eq('mr regs paddr', mrs['regs']['paddr'], 0x50000000)
eq('mr buf paddr', mrs['buf']['paddr'], None)
# ring gets a physical address chosen above everything fixed: the device
# window ends at 0x50001000; 0x40000000 is below it; aligned to 4 KiB
eq('mr ring paddr', mrs['ring']['paddr'], 0x50001000)

a, b = pds_['a'], pds_['b']
eq('a priority', a['priority'], 7)
eq('a budget/period', (a['budget'], a['period']), (100, 400))
eq('b passive', b['passive'], True)
eq('a image mapped', a['image_mapped'], True)
# maps sorted by vaddr: ring 0x1800000, buf 0x2000000, regs 0x3000000
eq('a map order', [m['mr'] for m in a['maps']], ['ring', 'buf', 'regs'])
live = {m['mr']: m['live'] for m in a['maps']}
eq('a ring live', live['ring'], {'mr': 'ring', 'size': 0x10000, 'offset': 0, 'perms': 'r', 'shared': True})
eq('a buf live', live['buf'], {'mr': 'buf', 'size': 0x2000, 'offset': 0, 'perms': 'rw', 'shared': True})
eq('a regs live', live['regs'], {'mr': 'regs', 'size': 0x1000, 'offset': 0, 'perms': 'rw',
                                 'host_prot': '', 'shared': False})
eq('a regs mmio', [m['mmio'] for m in a['maps']], [False, False, True])
eq('b buf live perms', {m['mr']: m['live']['perms'] for m in b['maps']}, {'buf': 'r', 'ring': 'rw'})
eq('a extra', a['extra_shared_mappings'], [])
eq('b extra', b['extra_shared_mappings'], [])
# a's channel 3 to b's id 9: a may notify and call; b may not notify
eq('a channels', a['channels'], [{'id': 3, 'peer': 'b', 'peer_id': 9, 'notify': True, 'pp': True,
                                   'notify_badge': '0x200', 'pp_badge': '0x8000000000000009'}])
eq('b channels', b['channels'], [{'id': 9, 'peer': 'a', 'peer_id': 3, 'notify': False, 'pp': False,
                                   'notify_badge': None, 'pp_badge': None}])
eq('a irqs', a['irqs'], [{'id': 2, 'irq': 40, 'trigger': 'level', 'badge': '0x4', 'device': 'sim-test'}])
sv = {s['symbol']: (s['kind'], s['expected'], s['live']) for s in a['setvars']}
eq('a buf_vaddr', sv['buf_vaddr'], ('vaddr', 0x2000000, 0x2000000))
eq('a buf_size', sv['buf_size'], ('size', 0x2000, 0x2000))
eq('a ring_paddr', sv['ring_paddr'], ('paddr', 0x50001000, 0x50001000))
svb = {s['symbol']: (s['kind'], s['expected'], s['live']) for s in b['setvars']}
eq('b buf_vaddr', svb['buf_vaddr'], ('vaddr', 0x4000000, 0x4000000))
eq('b peer_ch', svb['peer_ch'], ('id', 9, 9))
eq('a libmicrokit', a['libmicrokit'], {'notifications': '0x8', 'pps': '0x8', 'irqs': '0x4', 'name': 'a'})
eq('b libmicrokit', b['libmicrokit'], {'notifications': '0x0', 'pps': '0x0', 'irqs': '0x0', 'name': 'b'})
eq('a parent', (a['parent'], a['child_id']), (None, None))

# Child PDs (tests/sim/sys/child.system): parent links and ids as in the
# SDF, the parent's setvar_id symbol holds the child's id (reference 1.2),
# order: parent, its children depth-first, then the next top-level PD.
child_sys = os.path.join(here, '..', 'sys', 'child.system')
p = subprocess.run([griddle, 'sim', child_sys, '--search-path', pds, '--dump-state', '-',
                    '--dump-only'], capture_output=True, text=True, timeout=30)
if p.returncode != 0:
    fails.append(f'child.system dump failed: {p.returncode} {p.stderr}')
else:
    cs = json.loads(p.stdout)
    eq('child order and links', [(d['name'], d['parent'], d['child_id'])
                                 for d in cs['protection_domains']],
       [('parent', None, None), ('crasher', 'parent', 3), ('quitter', 'parent', 7),
        ('bystander', None, None)])
    psv = {s['symbol']: (s['kind'], s['expected'], s['live'])
           for s in cs['protection_domains'][0]['setvars']}
    eq('parent crasher_id', psv.get('crasher_id'), ('id', 3, 3))

for f in fails:
    print('FAIL', f)
print('dump-state:', 'ok' if not fails else f'{len(fails)} mismatches')
sys.exit(1 if fails else 0)
