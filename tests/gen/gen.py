#!/usr/bin/env python3
"""Random well-formed Pancake programs for differential testing.

usage: gen.py SEED [--functions N] [-o FILE]

Deterministic: one seed, one program (Python's random.Random(seed) only).
Every program passes `griddle check` and reaches no Error in `griddle run`
by construction (pancake-language.md §3), so its observable behaviour is
fully defined and any two correct implementations agree on it:

  * loops count a private counter up to a small bound, the counter being
    incremented first in the body and never assigned elsewhere, so
    `continue` cannot skip it;
  * every function begins by spending one unit of the global `fuel`
    (returning a constant when it is gone), so any call graph terminates:
    recursion, mutual recursion and tail-call cycles are all allowed;
  * shift amounts are masked to 0..63 or constants below 64;
  * local memory addresses are @base plus a masked offset into a 512-byte
    scratch area, aligned for their width; FFI buffers lie inside it;
  * shared-memory addresses are the region 0x10000000 (256 bytes) plus a
    masked offset aligned to the width;
  * FFI calls go to @log, the logging FFI of the differential tests
    (docs/abi.md: built into the default host; tests/build/ffi_log.c for
    griddle run), and @print_u64;
  * structs are never compared; returns are at most a few words;
  * @base and @top only appear in addresses and in @top - @base, so no
    observable value depends on where the heap is mapped.

The first lines are a header for the harness:
  // args: OPTIONS      options for griddle run and the compiled program
  // calls: N           how many --call entries the args contain
"""
import argparse
import random
import sys

SHBASE = 0x10000000
WORD_EDGES = [0, 1, 2, 3, 7, 8, 31, 32, 63, 64, 255, 256, 65535, 2**31 - 1, 2**31, 2**32 - 1,
              2**32, 2**63 - 1, 2**63, 2**64 - 2, 2**64 - 1]
SHAPES = ['1', '{1,1}', 'pt', 'box', '{1,{1,1}}']
STRUCTS = 'struct pt { 1 x, 1 y }\nstruct box { pt lo, 1 tag, {1,1} pair }\n'
FIELDS = {'pt': [('x', '1'), ('y', '1')], 'box': [('lo', 'pt'), ('tag', '1'), ('pair', '{1,1}')]}
EXCEPTIONS = [('Ew', '1'), ('Ep', '{1,1}'), ('Es', 'pt')]


def words(sh):
    if sh == '1':
        return 1
    if sh in FIELDS:
        return sum(words(s) for _, s in FIELDS[sh])
    return sum(words(s) for s in elems(sh))


def elems(sh):
    """Elements of a tuple shape written '{a,b,...}'."""
    inner, out, depth, cur = sh[1:-1], [], 0, ''
    for ch in inner:
        if ch == ',' and depth == 0:
            out.append(cur)
            cur = ''
            continue
        depth += ch == '{'
        depth -= ch == '}'
        cur += ch
    out.append(cur)
    return out


class Fn:
    def __init__(self, name, params, ret, export=False):
        self.name, self.params, self.ret, self.export = name, params, ret, export


class Gen:
    def __init__(self, seed, nfuns):
        self.r = random.Random(seed)
        self.nfuns = nfuns
        self.uid = 0
        self.globals = []   # (name, shape)
        self.funs = []

    def fresh(self, p):
        self.uid += 1
        return f'{p}{self.uid}'

    # ---- expressions --------------------------------------------------

    def const(self):
        r = self.r
        k = r.random()
        if k < 0.5:
            return str(r.choice(WORD_EDGES))
        if k < 0.65:
            return f'(-{r.randint(1, 1000)})'
        if k < 0.7:
            return r.choice(['true', 'false', '@biw', '(@top - @base)'])
        return str(r.getrandbits(r.choice([4, 8, 16, 32, 64])))

    def vars_of(self, sc, sh):
        return [n for n, s in sc.locals + self.globals if s == sh]

    def word(self, sc, d=0):
        r = self.r
        if d > 3 or r.random() < 0.25:
            vs = self.vars_of(sc, '1')
            if vs and r.random() < 0.7:
                return r.choice(vs)
            return self.const()
        k = r.randrange(14)
        if k == 0:
            op = r.choice(['+', '-', '*', '&', '|', '^'])
            n = 2 if op in '-*' else r.randint(2, 3)
            return '(' + f' {op} '.join(self.word(sc, d + 1) for _ in range(n)) + ')'
        if k == 1:
            op = r.choice(['<', '>', '<=', '>=', '<+', '>+', '<=+', '>=+', '==', '!='])
            return f'({self.word(sc, d + 1)} {op} {self.word(sc, d + 1)})'
        if k == 2:
            op = r.choice(['&&', '||'])
            return '(' + f' {op} '.join(self.word(sc, d + 1) for _ in range(r.randint(2, 3))) + ')'
        if k == 3:
            return f'!({self.word(sc, d + 1)})'
        if k == 4:
            op = r.choice(['<<', '>>', '>>>', '#>>'])
            amt = str(r.randint(0, 63)) if r.random() < 0.5 else f'({self.word(sc, d + 1)} & 63)'
            return f'({self.word(sc, d + 1)} {op} {amt})'
        if k == 5:
            return f'(lds 1 {self.addr(sc, 8, 1, d)})'
        if k == 6:
            return f'(ld8 {self.addr(sc, 1, 1, d)})'
        if k == 7:
            return f'(ld32 {self.addr(sc, 4, 1, d)})'
        if k in (8, 9):
            sh = r.choice(SHAPES[1:])
            return self.field_word(sc, self.struct(sc, sh, d + 1), sh)
        if k == 10:
            return f'(0 - {self.word(sc, d + 1)})'
        return self.word(sc, 4)

    def field_word(self, sc, e, sh):
        """A word inside the struct-valued expression e of shape sh."""
        r = self.r
        while sh != '1':
            if sh in FIELDS:
                name, sub = r.choice(FIELDS[sh])
                e, sh = f'({e}).{name}' if not e.isidentifier() else f'{e}.{name}', sub
            else:
                es = elems(sh)
                i = r.randrange(len(es))
                e, sh = f'({e}).{i}' if not e.isidentifier() else f'{e}.{i}', es[i]
        return e

    def struct(self, sc, sh, d=0):
        """An expression of shape sh."""
        r = self.r
        if sh == '1':
            return self.word(sc, d)
        vs = self.vars_of(sc, sh)
        k = r.random()
        if vs and (k < 0.4 or d > 3):
            return r.choice(vs)
        if k < 0.55 and words(sh) <= 8:
            return f'(lds {sh} {self.addr(sc, 8, words(sh), d)})'
        if sh in FIELDS:
            fs = [(n, self.struct(sc, s, d + 1)) for n, s in FIELDS[sh]]
            r.shuffle(fs)
            return f'{sh} < ' + ', '.join(f'{n} = {v}' for n, v in fs) + ' >'
        return '< ' + ', '.join(self.struct(sc, s, d + 1) for s in elems(sh)) + ' >'

    def offset(self, sc, d, mask):
        if self.r.random() < 0.3:
            return str(self.r.randint(0, mask))
        return f'({self.word(sc, d + 2)} & {mask})'

    def addr(self, sc, width, n, d=0):
        """A local address for n accesses of width bytes: @base + aligned
        offset inside the 512-byte scratch area."""
        if width == 1:
            return f'(@base + {self.offset(sc, d, 511)})'
        if width == 4:
            return f'(@base + ({self.offset(sc, d, 127)} * 4))'
        mask = 63 if n == 1 else 31
        return f'(@base + ({self.offset(sc, d, mask)} * 8))'

    def shaddr(self, sc, width):
        mask = {1: 255, 2: 127, 4: 63, 8: 31}[width]
        return f'({SHBASE} + ({self.offset(sc, 0, mask)} * {width}))'

    # ---- statements ---------------------------------------------------

    def block(self, sc, budget, ret_shape):
        """Statements ending (maybe) in a return; returns a list of lines."""
        out = []
        saved = list(sc.locals)
        n = self.r.randint(1, max(1, budget))
        for _ in range(n):
            out += self.stmt(sc, budget // 2, ret_shape)
        sc.locals = saved
        return out

    def stmt(self, sc, budget, ret_shape):
        r = self.r
        k = r.randrange(24)
        if k < 3:
            sh = r.choice(SHAPES)
            name = self.fresh('v')
            line = f'var {sh} {name} = {self.struct(sc, sh)};'
            sc.locals.append((name, sh))
            return [line]
        if k < 5:
            cands = [(n, s) for n, s in sc.locals if n not in sc.readonly] + \
                    [(n, s) for n, s in self.globals if n != 'fuel']
            if not cands:
                return ['skip;']
            n, s = r.choice(cands)
            return [f'{n} = {self.struct(sc, s)};']
        if k == 5 and budget > 0:
            cond = self.word(sc)
            lines = [f'if {cond} {{'] + ind(self.block(sc, budget, ret_shape))
            if r.random() < 0.6:
                lines += ['} else {'] + ind(self.block(sc, budget, ret_shape))
            return lines + ['}']
        if k == 6 and budget > 0 and sc.loops < 2:
            i = self.fresh('i')
            bound = r.randint(0, 5)
            sc.readonly.add(i)
            sc.locals.append((i, '1'))
            sc.loops += 1
            body = [f'{i} = {i} + 1;'] + self.block(sc, budget, ret_shape)
            sc.loops -= 1
            return [f'var 1 {i} = 0;', f'while {i} <+ {bound} {{'] + ind(body) + ['}']
        if k == 7 and sc.loops:
            return [f'if {self.word(sc)} {{', '  ' + r.choice(['break;', 'continue;']), '}']
        if k == 8:
            sh = r.choice(SHAPES)
            n = words(sh)
            if r.random() < 0.3:
                return [f'st8 {self.addr(sc, 1, 1)}, {self.word(sc)};']
            if r.random() < 0.3:
                return [f'st32 {self.addr(sc, 4, 1)}, {self.word(sc)};']
            return [f'st {self.addr(sc, 8, n)}, {self.struct(sc, sh)};']
        if k == 9:
            w = r.choice([1, 2, 4, 8])
            op = {1: '8', 2: '16', 4: '32', 8: 'w'}[w]
            if r.random() < 0.5:
                dests = [n for n, s in sc.locals + self.globals
                         if s == '1' and n not in sc.readonly and n != 'fuel']
                if dests:
                    return [f'!ld{op} {r.choice(dests)}, {self.shaddr(sc, w)};']
            return [f'!st{op} {self.shaddr(sc, w)}, {self.word(sc)};']
        if k == 10:
            c = f'(@base + {self.offset(sc, 0, 255)})'
            a = f'(@base + (256 + {self.offset(sc, 0, 127)}))'
            return [f'@log({c}, {self.offset(sc, 0, 15)}, {a}, {self.offset(sc, 0, 15)});']
        if k == 11:
            return [f'st (@base + 504), {self.word(sc)};', '@print_u64((@base + 504), 8, 0, 0);']
        if k == 12:
            name, sh = r.choice(EXCEPTIONS)
            return [f'if ({self.word(sc)} & 3) == 1 {{', f'  throw {name} {self.struct(sc, sh)};',
                    '}']
        if k == 13:
            name = self.fresh('c')
            a, b, c = self.word(sc), self.word(sc), self.word(sc)
            sc.locals.append((name, '{1,1}'))
            return [f'var {{1,1}} {name} = __add_with_carry__({a}, {b}, {c});']
        if k == 14 and budget > 0:
            return ['{'] + ind(self.block(sc, budget, ret_shape)) + ['};']
        if k == 15:
            return [r.choice(['tick;', 'skip;'])]
        if k == 16 and budget > 0:
            return self.try_stmt(sc, budget, ret_shape)
        if k in (17, 18, 19):
            if sc.is_main and budget > 0 and r.random() < 0.6:
                return self.try_stmt(sc, budget, ret_shape)
            return self.call_stmt(sc)
        if k == 20 and budget > 0:
            return [f'if {self.word(sc)} {{', '  ' + self.ret(sc, ret_shape), '}']
        return ['skip;']

    def callee(self, sc, shape=None):
        cands = [f for f in self.funs if not f.export and (shape is None or f.ret == shape)]
        return self.r.choice(cands) if cands else None

    def args(self, sc, f):
        return ', '.join(self.struct(sc, s) for _, s in f.params)

    def call_stmt(self, sc):
        r = self.r
        f = self.callee(sc)
        if not f:
            return ['skip;']
        call = f'{f.name}({self.args(sc, f)})'
        k = r.randrange(3)
        if k == 0:
            return [f'{call};']
        if k == 1:
            name = self.fresh('v')
            sc.locals.append((name, f.ret))
            return [f'var {f.ret} {name} = {call};']
        dests = [n for n, s in sc.locals + self.globals
                 if s == f.ret and n not in sc.readonly and n != 'fuel']
        if not dests:
            return [f'{call};']
        return [f'{r.choice(dests)} = {call};']

    def try_stmt(self, sc, budget, ret_shape):
        r = self.r
        f = self.callee(sc)
        if not f:
            return ['skip;']
        exn, esh = r.choice(EXCEPTIONS)
        cv = self.fresh('e')
        lines = [f'var {esh} {cv} = {self.struct(sc, esh)};']
        sc.locals.append((cv, esh))
        dests = [n for n, s in sc.locals + self.globals
                 if s == f.ret and n not in sc.readonly and n != 'fuel' and n != cv]
        dest = f'{r.choice(dests)} = ' if dests and r.random() < 0.7 else ''
        handler = self.block(sc, budget, ret_shape)
        return lines + [f'try {dest}{f.name}({self.args(sc, f)}) catch {exn} => {cv} {{'] + \
            ind(handler) + ['}']

    def ret(self, sc, ret_shape):
        f = self.callee(sc, ret_shape) if not sc.is_main and self.r.random() < 0.35 else None
        if f:
            return f'return {f.name}({self.args(sc, f)});'
        return f'return {self.struct(sc, ret_shape)};'

    # ---- program ------------------------------------------------------

    def function(self, f, is_main=False):
        sc = Scope(is_main)
        sc.locals = [(n, s) for n, s in f.params]
        lines = []
        if not is_main:
            if f.export:
                lines.append(f'fuel = {self.r.randint(5, 60)};')
            lines += [f'if fuel == 0 {{', f'  return {self.zero(f.ret)};', '}',
                      'fuel = fuel - 1;']
        lines += self.block(sc, self.r.randint(4, 10) * (2 if is_main else 1), f.ret)
        lines.append(self.ret(sc, f.ret))
        params = ', '.join(f'{s} {n}' for n, s in f.params)
        head = ('export ' if f.export else '') + \
            ('inline ' if self.r.random() < 0.1 and not f.export else '')
        if head.startswith('export inline'):
            head = 'inline export '
        head = head.replace('export inline ', 'inline export ')
        return [f'{head}fun {f.ret} {f.name}({params}) {{'] + ind(lines) + ['}']

    def zero(self, sh):
        if sh == '1':
            return '0'
        if sh in FIELDS:
            return f'{sh} < ' + ', '.join(f'{n} = {self.zero(s)}' for n, s in FIELDS[sh]) + ' >'
        return '< ' + ', '.join(self.zero(s) for s in elems(sh)) + ' >'

    def program(self):
        r = self.r
        for i in range(self.nfuns):
            params = [(f'p{k}', r.choice(SHAPES)) for k in range(r.randint(0, 3))]
            self.funs.append(Fn(f'f{i}', params, r.choice(SHAPES)))
        nexp = r.randint(0, 2)
        for i in range(nexp):
            params = [(f'p{k}', '1') for k in range(r.randint(0, 4))]
            self.funs.append(Fn(f'x{i}', params, '1', export=True))
        out = [STRUCTS]
        for n, s in EXCEPTIONS:
            out.append(f'exception {n} : {s};')
        self.globals = [('fuel', '1')]
        gl = [f'var 1 fuel = {r.randint(20, 200)};']
        for i in range(r.randint(1, 4)):
            sh = r.choice(SHAPES)
            sc = Scope(True)
            gl.append(f'var {sh} g{i} = {self.global_init(sh)};')
            self.globals.append((f'g{i}', sh))
        out += gl
        for f in self.funs:
            out += self.function(f)
        out += self.function(Fn('main', [], '1'), is_main=True)
        calls = []
        for f in self.funs:
            if f.export:
                for _ in range(r.randint(1, 2)):
                    a = ','.join(str(r.choice(WORD_EDGES)) for _ in f.params)
                    calls.append(f"--call '{f.name}({a})'")
        args = f'--shared {SHBASE:#x}:256 --ffi {{ffi}} ' + ' '.join(calls)
        header = [f'// args: {args.strip()}', f'// calls: {len(calls)}']
        return '\n'.join(header + out) + '\n'

    def global_init(self, sh):
        """Initialisers see only earlier globals and constants."""
        sc = Scope(True)
        return self.struct(sc, sh, 2)


class Scope:
    def __init__(self, is_main):
        self.locals = []
        self.readonly = set()
        self.loops = 0
        self.is_main = is_main


def ind(lines):
    return ['  ' + l for l in lines]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('seed', type=int)
    ap.add_argument('--functions', type=int, default=6)
    ap.add_argument('-o', '--output')
    a = ap.parse_args()
    text = Gen(a.seed, a.functions).program()
    if a.output:
        with open(a.output, 'w') as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == '__main__':
    main()
