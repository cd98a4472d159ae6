"""One module for the compiler test runners: build a program for one leg
(a back end, a host, a C compiler, maybe another architecture), run it,
normalise its trace, compare it with `griddle run`'s (the oracle).

Used by tests/build/run_build.py, tests/cback/run_cases.py,
tests/diff/diff.py and tests/cross/run_cross.py.

Legs (build_leg):
  x86        griddle build --target x86_64 --emit exe (the default host)
  x86-obj    griddle build --target x86_64 --emit obj, linked by gcc with
             the default host's sources compiled separately
  c-exe      griddle build --target c --emit exe with CC=<compiler> (the
             default host traces shared memory by trapping accesses)
  c-default  the C back end's output built by <compiler> with the default
             host (host.c, x86dec.c)
  c-hooks    the C back end's output built by <compiler> with
             -std=c11 -Wall -Wextra -Werror, -DPNK_FFI_HOOK -DPNK_SHM_HOOK
             and the test host tests/cback/host.c (records FFI calls and
             shared accesses through the hooks: any architecture)
A leg's compiler may carry a runner after '@', e.g.
'aarch64-linux-gnu-gcc -O2 -static@qemu-aarch64': the program is then run
through it.
"""
import collections
import json
import os
import shlex
import subprocess

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
TEST_HOST = os.path.join(ROOT, 'tests', 'cback', 'host.c')
FFI_LOG = os.path.join(ROOT, 'tests', 'build', 'ffi_log.c')
DEFAULT_HOST = [os.path.join(ROOT, 'src', 'target', 'host', 'host.c'),
                os.path.join(ROOT, 'src', 'sim', 'x86dec.c')]
CFLAGS = ['-std=c11', '-Wall', '-Wextra', '-Werror']
# what only the interpreter records: source locations, reasons
LOCATION_KEYS = ('file', 'line', 'col', 'stack', 'stack_omitted', 'reason')
BUILTIN_FFI = {'write', 'read', 'exit', 'print_u64', 'log'}


def run(cmd, cwd=None, timeout=60, env=None, stdin=None):
    """subprocess.run capturing output; None on a timeout."""
    try:
        return subprocess.run(cmd, capture_output=True, cwd=cwd, timeout=timeout, env=env,
                              input=stdin)
    except subprocess.TimeoutExpired:
        return None


def header(text):
    """The leading `// key: value` lines of a program: key -> [values]."""
    h = {}
    for line in text.splitlines():
        s = line.strip()
        if not s.startswith('//'):
            if s:
                break
            continue
        key, sep, val = s[2:].strip().partition(':')
        if sep and ' ' not in key:
            h.setdefault(key, []).append(val[1:] if val.startswith(' ') else val)
    return h


def read_header(path):
    with open(path, encoding='utf-8', errors='replace') as f:
        return header(f.read())


def read_trace(path):
    """The events of a JSON Lines trace ([] if there is none)."""
    if not os.path.exists(path):
        return []
    try:
        with open(path) as f:
            return [json.loads(l) for l in f.read().splitlines() if l.strip()]
    except (OSError, ValueError) as e:
        return [f'unreadable trace: {e}']


def normalise(events):
    """Drops what only the interpreter has (the outcome's location)."""
    out = []
    for e in events:
        if isinstance(e, dict) and e.get('event') == 'outcome':
            e = {k: v for k, v in e.items() if k not in LOCATION_KEYS}
        out.append(e)
    return out


Obs = collections.namedtuple('Obs', 'exit stdout events stderr')


def observe(cmd, trace, cwd=None, stdin=None, timeout=60, env=None):
    """Runs cmd --trace TRACE: exit status, stdout, normalised events and
    stderr ('timeout' as the exit status if it did not finish)."""
    if os.path.exists(trace):
        os.unlink(trace)
    r = run(cmd + ['--trace', trace], cwd, timeout, env, stdin)
    if r is None:
        return Obs('timeout', b'', [], '')
    return Obs(r.returncode, r.stdout, normalise(read_trace(trace)),
               r.stderr.decode('utf-8', 'replace')[:1000])


def only_builtin_ffi(events):
    """The reference's events without calls of FFI functions the
    compiled program's host does not trace (user libraries)."""
    return [e for e in events if not (isinstance(e, dict) and e.get('event') == 'ffi'
                                      and e.get('name') not in BUILTIN_FFI)]


def differences(got, want, oracle='griddle run'):
    """What differs between two observations (empty: they agree)."""
    what = []
    if got.exit != want.exit:
        what.append(f'exit {got.exit} vs {oracle} {want.exit}')
    if got.stdout != want.stdout:
        what.append(f'stdout {got.stdout[:300]!r} vs {oracle} {want.stdout[:300]!r}')
    if got.events != want.events:
        k = next((i for i, (a, b) in enumerate(zip(got.events, want.events)) if a != b),
                 min(len(got.events), len(want.events)))
        show = lambda ev: json.dumps(ev[k]) if k < len(ev) else 'end'  # noqa: E731
        what.append(f'trace differs at event {k}: {show(got.events)} vs {oracle} {show(want.events)}')
    if what and got.stderr.strip():
        what.append(f'stderr: {got.stderr.strip()}')
    return what


# ------------------------------------------------------------- arguments

SOURCE_OPTS = {'--compat', '--cpp', '--no-cpp'}
SOURCE_OPTS_WITH_ARG = {'-I', '-D', '-U'}
WITH_ARG = SOURCE_OPTS_WITH_ARG | {'--call', '--shared', '--heap-size', '--poke', '--heap-init',
                                   '--ffi', '--fuel', '--max-depth', '--device',
                                   '--shared-manifest', '--trace'}


def split_args(args):
    """griddle run arguments -> (source options, program options, FFI
    libraries, names of the other options used). Source options go to
    griddle build; --ffi libraries are linked in instead; a --heap-size
    with a K/M/G suffix becomes bytes (the default host takes bytes)."""
    src, prog, libs, used = [], [], [], set()
    i = 0
    while i < len(args):
        a = args[i]
        name, eq, val = a.partition('=')
        if name not in WITH_ARG:
            name, eq, val = a, '', ''
        if name in WITH_ARG and not eq:
            i += 1
            val = args[i] if i < len(args) else ''
        if name.startswith('-'):
            used.add(name)
        if name in SOURCE_OPTS:
            src.append(a)
        elif name in SOURCE_OPTS_WITH_ARG:
            src += [name, val]
        elif name == '--ffi':
            libs.append(val)
        elif name == '--heap-size':
            mult = {'K': 1 << 10, 'M': 1 << 20, 'G': 1 << 30}
            try:
                n = int(val[:-1], 0) * mult[val[-1].upper()] if val[-1:].upper() in mult \
                    else int(val, 0)
                prog += ['--heap-size', str(n)]
            except ValueError:   # a bad size: passed on, for the program to refuse
                prog += ['--heap-size', val]
        elif name in WITH_ARG:
            prog += [name, val]
        else:
            prog.append(a)
        i += 1
    return src, prog, libs, used


# ------------------------------------------------------------------ legs

class Support:
    """Objects the legs link with, compiled once into a directory: the
    logging FFI (as a library for griddle run --ffi and as an object),
    the test host, the default host's sources."""

    def __init__(self, griddle, tmp):
        self.griddle = os.path.abspath(griddle)
        self.tmp = tmp
        self.ffi_so = os.path.join(tmp, 'ffi_log.so')
        self.ffi_o = os.path.join(tmp, 'ffi_log.o')
        self.test_host_o = os.path.join(tmp, 'test_host.o')
        subprocess.run(['gcc', '-shared', '-fPIC', '-O1', FFI_LOG, '-o', self.ffi_so], check=True)
        subprocess.run(['gcc'] + CFLAGS + ['-O1', '-c', FFI_LOG, '-o', self.ffi_o], check=True)
        subprocess.run(['gcc'] + CFLAGS + ['-O1', '-c', TEST_HOST, '-o', self.test_host_o],
                       check=True)
        self.default_host = []
        for src in DEFAULT_HOST:
            o = os.path.join(tmp, 'dh_' + os.path.basename(src)[:-2] + '.o')
            subprocess.run(['gcc', '-O2', '-I', os.path.join(ROOT, 'src', 'sim'), '-c', src,
                            '-o', o], check=True)
            self.default_host.append(o)


def compiler_runner(compiler):
    """'cc -O2@runner args' -> (['cc', '-O2'], ['runner', 'args'])."""
    cc, _, runner = compiler.partition('@')
    return shlex.split(cc), shlex.split(runner)


def _failed(what, r):
    return f'{what} failed: ' + (r.stderr.decode('utf-8', 'replace')[:3000] if r else 'timeout')


def build_leg(sup, kind, src, exe, cwd=None, compiler='gcc -O1', build_args=(), c_objs=()):
    """Builds src for one leg into exe. Returns (command to run it, None)
    or (None, problem). build_args go to griddle build; c_objs (C sources
    or objects, e.g. FFI functions) are linked into the program."""
    g = [sup.griddle, 'build', '--color=never', '-w'] + list(build_args)
    cc, runner = compiler_runner(compiler)
    if kind == 'x86':
        links = sum((['--link', o] for o in c_objs), [])
        r = run(g + links + ['--target', 'x86_64', '--emit', 'exe', '-o', exe, src], cwd, 300)
        if r is None or r.returncode:
            return None, _failed('griddle build --target x86_64 --emit exe', r)
    elif kind == 'x86-obj':
        obj = exe + '.o'
        r = run(g + ['--target', 'x86_64', '--emit', 'obj', '-o', obj, src], cwd, 300)
        if r is None or r.returncode:
            return None, _failed('griddle build --target x86_64 --emit obj', r)
        r = run(['gcc', obj] + sup.default_host + list(c_objs) + ['-o', exe], cwd, 300)
        if r is None or r.returncode:
            return None, _failed('linking the x86-64 object with the default host', r)
    elif kind == 'c-exe':
        env = dict(os.environ, CC=' '.join(cc))
        links = sum((['--link', o] for o in c_objs), [])
        r = run(g + links + ['--target', 'c', '--emit', 'exe', '-o', exe, src], cwd, 300, env)
        if r is None or r.returncode:
            return None, _failed(f'griddle build --target c --emit exe (CC={env["CC"]})', r)
    elif kind in ('c-default', 'c-hooks'):
        c_file = exe + '.c'
        r = run(g + ['--target', 'c', '--emit', 'c', '--entry-table', '-o', c_file, src], cwd, 300)
        if r is None or r.returncode:
            return None, _failed('griddle build --target c', r)
        if kind == 'c-default':
            cmd = cc + [c_file] + sup.default_host + list(c_objs)
        else:
            host = [sup.test_host_o] if not runner else [TEST_HOST]   # cross: from source
            cmd = cc + CFLAGS + ['-DPNK_FFI_HOOK', '-DPNK_SHM_HOOK', c_file] + host + list(c_objs)
        r = run(cmd + ['-o', exe], cwd, 300)
        if r is None or r.returncode:
            return None, _failed(f'{" ".join(cc)} on the C back end output ({kind})', r)
    else:
        raise ValueError(kind)
    return runner + [exe], None


def reference(sup, src, args, trace, cwd=None, stdin=None, timeout=60):
    """griddle run's observation of src with args (the oracle)."""
    return observe([sup.griddle, 'run', '--color=never', '-w', src] + list(args), trace, cwd, stdin,
                   timeout)


def outcome_kind(obs):
    last = obs.events[-1] if obs.events else None
    return last.get('kind') if isinstance(last, dict) else None


def compare_leg(sup, kind, src, args, ref, tmp, cwd=None, compiler='gcc -O1', build_args=(),
                c_objs=(), stdin=None, name=None, filter_ref=None, retry_setup=False):
    """Builds and runs one leg with program arguments args and compares it
    with the reference observation ref. Returns a list of problems."""
    exe = os.path.join(tmp, name or ('p_' + kind))
    cmd, problem = build_leg(sup, kind, src, exe, cwd, compiler, build_args, c_objs)
    if problem:
        return [problem]
    trace = exe + '.jsonl'
    got = observe(cmd + list(args), trace, cwd, stdin, 120)
    if retry_setup and differences(got, ref) and got.exit == 2 and not got.events:
        # exit 2 before any event is the host failing to set up (seen once
        # under heavy load, not reproducible): retry once, and say so
        print(f'legs: {src} [{kind}, {compiler}]: host setup failed ({got.stderr.strip()}), '
              'retrying', flush=True)
        got = observe(cmd + list(args), trace, cwd, stdin, 120)
    want = ref._replace(events=filter_ref(ref.events)) if filter_ref else ref
    return differences(got, want)
