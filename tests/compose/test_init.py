#!/usr/bin/env python3
"""The initialisation check (issue 7 part 4d, reference section 2.3).
A real dump of the sensor/logger system from `griddle sim --dump-only`
must conform; then each hand-made corruption of it must be reported as
the difference the SDF implies (expected texts written from the SDF:
logger maps msg r at 0x2000000 and logger_mem rw at 0x3000000, priority
150; sensor's channel end 0 notifies logger's id 0, badge 1<<0), and
malformed dumps must be located input errors."""
import copy, json, os, subprocess, sys, tempfile

griddle, root, sl_images, echo_images = sys.argv[1:5]
SYS = os.path.join(root, 'examples/sensor_logger/sensor_logger.system')
fails = total = 0


def check(name, cond, detail=''):
    global fails, total
    total += 1
    if not cond:
        fails += 1
        print(f'FAIL {name}: {detail}'[:900])


def compose(args):
    return subprocess.run([griddle, 'compose'] + args, capture_output=True, text=True, timeout=120)


tmp = tempfile.mkdtemp()
dump = os.path.join(tmp, 'state.json')
r = subprocess.run([griddle, 'sim', SYS, '--search-path', sl_images, '--dump-state', dump,
                    '--dump-only'], capture_output=True, text=True, timeout=60)
if r.returncode != 0:
    print('griddle sim --dump-only failed:', r.stderr)
    sys.exit(1)
base = json.load(open(dump))

p = compose([SYS, '--init-state', dump, '--format', 'json'])
led = json.loads(p.stdout)
init = [o for o in led['obligations'] if o['id'] == 'INIT'][0]
check('real dump conforms', p.returncode == 0 and init['status'] == 'discharged' and
      ', 0 differences' in init['evidence'], init)


def pd(st, name):
    return [x for x in st['protection_domains'] if x['name'] == name][0]


def mapping(st, pdname, vaddr):
    return [m for m in pd(st, pdname)['maps'] if m['vaddr'] == vaddr][0]


def m_perms(st): mapping(st, 'logger', 0x2000000)['live']['perms'] = 'rw'
def m_extra(st): pd(st, 'sensor')['extra_shared_mappings'].append(
    {'vaddr': 0x5000000, 'size': 4096, 'path': '/memfd:logger_mem (deleted)'})
def m_nochan(st): pd(st, 'logger')['channels'].clear()
def m_badge(st): pd(st, 'sensor')['channels'][0]['notify_badge'] = '0x2'
def m_prio(st): pd(st, 'logger')['priority'] = 149
def m_setvar(st):
    sv = [s for s in pd(st, 'logger')['setvars'] if s['symbol'] == 'log_base'][0]
    sv['live'] = 0x4000000
def m_ident(st): mapping(st, 'logger', 0x3000000)['live']['mr'] = 'msg'
def m_intruder(st):
    x = copy.deepcopy(pd(st, 'sensor'))
    x['name'] = 'intruder'
    st['protection_domains'].append(x)
def m_bitmap(st): pd(st, 'sensor')['libmicrokit']['notifications'] = '0x0'
def m_unmapped(st): mapping(st, 'sensor', 0x2000000)['live'] = None
def m_size(st): [m for m in st['memory_regions'] if m['name'] == 'msg'][0]['size'] = 8192
def m_passive(st): pd(st, 'sensor')['passive'] = True
def m_parent(st): pd(st, 'logger')['parent'] = 'sensor'; pd(st, 'logger')['child_id'] = 0
def m_extramap(st):
    x = copy.deepcopy(mapping(st, 'sensor', 0x2000000))
    x['vaddr'] = 0x7000000
    pd(st, 'sensor')['maps'].append(x)


mutations = [
    (m_perms, "'logger' map of 'msg' at 0x2000000 (live): perms is 'rw', the SDF specifies 'r'"),
    (m_extra, "protection domain 'sensor': shared mapping at 0x5000000 (/memfd:logger_mem (deleted)) "
              "that the SDF does not grant"),
    (m_nochan, "'logger' channel 0 (to 'sensor') is specified but not realised"),
    (m_badge, "'sensor' channel 0: notify_badge is '0x2', the SDF specifies '0x1'"),
    (m_prio, "protection domain 'logger': priority is 149 (0x95), the SDF specifies 150 (0x96)"),
    (m_setvar, "'logger' setvar 'log_base': live is 67108864 (0x4000000), the SDF specifies "
               "50331648 (0x3000000)"),
    (m_ident, "'logger' map of 'logger_mem' at 0x3000000 (live): mr is 'msg', the SDF specifies "
              "'logger_mem'"),
    (m_intruder, "protection domain 'intruder' is realised but not in the SDF"),
    (m_bitmap, "'sensor' libmicrokit: notifications is '0x0', the SDF specifies '0x1'"),
    (m_unmapped, "'sensor' map of 'msg' at 0x2000000: nothing is mapped there in the running PD"),
    (m_size, "memory region 'msg': size is 8192 (0x2000), the SDF specifies 4096 (0x1000)"),
    (m_passive, "protection domain 'sensor': passive is true, the SDF specifies false"),
    (m_parent, "protection domain 'logger': parent is 'sensor', the SDF specifies null"),
    (m_extramap, "'sensor' map at vaddr 0x7000000 is realised but not in the SDF"),
]
for fn, want in mutations:
    st = copy.deepcopy(base)
    fn(st)
    f = os.path.join(tmp, fn.__name__ + '.json')
    json.dump(st, open(f, 'w'))
    p = compose([SYS, '--init-state', f])
    check(fn.__name__, p.returncode == 1 and '[failed] initialisation' in p.stdout and
          want in p.stdout and ', 1 differences' in p.stdout, p.stdout[p.stdout.find('INIT'):][:700])

# the JSON ledger carries the differences as a list
st = copy.deepcopy(base)
m_prio(st)
f = os.path.join(tmp, 'prio.json')
json.dump(st, open(f, 'w'))
p = compose([SYS, '--init-state', f, '--format', 'json'])
ini = json.loads(p.stdout)['init']
check('json init', p.returncode == 1 and ini['source'] == f and ini['differences'] ==
      ["protection domain 'logger': priority is 149 (0x95), the SDF specifies 150 (0x96)"], ini)

# malformed dumps: located input errors
bad = [
    ('{"memory_regions": [', 1, 21, 'unexpected end of input'),
    ('[1, 2]', 1, 1, 'not a griddle sim dump: not an object'),
    ('{"memory_regions": [], "protection_domains": 3}', 1, 46, "'protection_domains' must be an array"),
    ('{"memory_regions": []}', 1, 1, "field 'protection_domains' is missing"),
    ('{"a": "\\q"}', 1, 9, 'invalid escape'),
    ('{"a": 01}', 1, 7, 'malformed number'),
    ('{"a": 1} x', 1, 10, 'trailing characters'),
    ('\n\n  {"a" 1}', 3, 8, "expected ':' after an object key"),
    ('[' * 100, 1, 66, 'nesting deeper than 64'),
]
for text, line, col, msg in bad:
    f = os.path.join(tmp, 'bad.json')
    open(f, 'w').write(text)
    p = compose([SYS, '--init-state', f, '--diagnostics-format=json'])
    try:
        d = json.loads(p.stderr)
    except json.JSONDecodeError:
        d = []
    ok = p.returncode == 1 and any(x['line'] == line and x['column'] == col and msg in x['message']
                                   for x in d)
    check(f'malformed {text[:30]!r}', ok, f'rc {p.returncode} {p.stderr[:300]}')
st = copy.deepcopy(base)
del pd(st, 'logger')['maps']
f = os.path.join(tmp, 'nomaps.json')
json.dump(st, open(f, 'w'))
p = compose([SYS, '--init-state', f])
check('missing maps', p.returncode == 1 and "field 'maps' is missing" in p.stderr, p.stderr)

# --init-run realises the system itself
p = compose([SYS, '--init-run', '--search-path', sl_images])
check('--init-run sensor_logger', p.returncode == 0 and '[discharged] initialisation' in p.stdout,
      p.stdout + p.stderr)
echo_dir = os.path.join(root, 'examples/echo')  # two systems there: name the files
p = compose([os.path.join(echo_dir, 'echo.system'), os.path.join(echo_dir, 'echo.policy')] +
            sorted(os.path.join(echo_dir, f) for f in os.listdir(echo_dir)
                   if f.endswith('.contract')) + ['--init-run', '--search-path', echo_images])
check('--init-run echo', p.returncode == 0 and '[discharged] initialisation' in p.stdout,
      p.stdout[-1500:] + p.stderr)
p = compose([SYS, '--init-run'])  # images not found: sim reports it, compose exits 1
check('--init-run without images', p.returncode == 1 and "program image 'sensor.elf' not found"
      in p.stderr and 'could not realise' in p.stderr, p.stderr)

print(f'{total - fails}/{total} initialisation checks passed')
sys.exit(1 if fails else 0)
