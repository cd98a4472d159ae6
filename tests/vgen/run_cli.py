#!/usr/bin/env python3
"""Command-line tests of `griddle verify`: exit statuses, report formats,
the cache, --emit-smt, --tcb, usage errors. Expectations are written from
docs/verifier.md and the programs in cli/ (hand-checked), not from output.

    run_cli.py GRIDDLE
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

G = os.path.abspath(sys.argv[1])
HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'cli')
fails = 0
count = 0


def run(*args, cwd=HERE, env=None):
    p = subprocess.run([G, 'verify', *args], cwd=cwd, capture_output=True, text=True, timeout=300,
                       env=None if env is None else {**os.environ, **env})
    return p.returncode, p.stdout, p.stderr


def check(name, cond, detail=''):
    global fails, count
    count += 1
    if not cond:
        fails += 1
        print(f'FAIL {name} {detail}')


tmp = tempfile.mkdtemp()
try:
    rc, out, err = run('--no-cache', 'ok.pnk')
    check('ok-exit', rc == 0, f'rc={rc} {err}')
    check('ok-verdict', out.strip().endswith('verified'), out)

    # fail.pnk: twice(7) returns 15 != 14 -> postcondition at the return (8:3);
    # helper is trusted (its wrong body is not checked)
    rc, out, err = run('--no-cache', '--color=never', 'fail.pnk')
    check('fail-exit', rc == 1, f'rc={rc}')
    check('fail-loc', 'fail.pnk:8:3: error:' in err and '[verify.postcondition]' in err, err)
    check('fail-counterexample', 'counterexample: x = 7' in err, err)
    check('fail-path', 'fail.pnk:5:3: note: on this path: branch taken' in err, err)
    check('fail-clause', 'fail.pnk:3:14: note: postcondition declared here' in err, err)
    check('trusted-listed', any(l.split() == ['helper', 'trusted'] for l in out.splitlines()), out)

    rc, out, err = run('--no-cache', '--format', 'json', 'fail.pnk')
    doc = json.loads(out)
    check('json-exit', rc == 1)
    check('json-verdict', doc['verdict'] == 'failed')
    d = [x for x in doc['diagnostics'] if x['severity'] == 'error']
    check('json-diag', len(d) == 1 and d[0]['code'] == 'verify.postcondition' and
          d[0]['location']['line'] == 8 and d[0]['location']['column'] == 3, out)
    check('json-notes', any('counterexample' in n['message'] for n in d[0]['notes']), out)
    units = {u['name']: u['status'] for u in doc['units']}
    check('json-units', units == {'twice': 'failed', 'helper': 'trusted'}, units)

    rc, out, err = run('--no-cache', '--format', 'sarif', 'fail.pnk')
    doc = json.loads(out)
    check('sarif-version', doc['version'] == '2.1.0' and len(doc['runs']) == 1)
    res = doc['runs'][0]['results']
    check('sarif-result', len(res) == 1 and res[0]['ruleId'] == 'verify.postcondition' and
          res[0]['level'] == 'error' and
          res[0]['locations'][0]['physicalLocation']['region']['startLine'] == 8, out)
    check('sarif-related', any(r['physicalLocation']['region']['startLine'] == 3
                               for r in res[0]['relatedLocations']), out)

    # unknown: a nonlinear obligation with a tiny timeout -> exit 3, never verified
    rc, out, err = run('--no-cache', '--timeout', '0.05', 'nonlinear.pnk')
    check('unknown-exit', rc == 3, f'rc={rc} {err}')
    check('unknown-code', '[verify.unknown]' in err, err)

    # cache: a second run takes the unit from the cache; -DBROKEN is another program
    cache = os.path.join(tmp, 'c')
    rc, out, _ = run('--cache', cache, 'ifdef.pnk')
    check('cache-first', rc == 0 and 'f                        verified (' in out, out)
    rc, out, _ = run('--cache', cache, 'ifdef.pnk')
    check('cache-hit', rc == 0 and 'verified (cached)' in out, out)
    rc, out, err = run('--cache', cache, '-DBROKEN', 'ifdef.pnk')
    check('cache-define', rc == 1 and '[verify.postcondition]' in err, f'{rc} {out} {err}')
    rc, out, _ = run('--cache', cache, '--no-cache', 'ifdef.pnk')
    check('no-cache', rc == 0 and 'cached' not in out, out)

    # --emit-smt: one file per query, portable SMT-LIB text: a logic first,
    # (check-sat) and the reason request last, no Z3-only bv2int or :weight
    smt = os.path.join(tmp, 'smt')
    rc, out, _ = run('--no-cache', '--emit-smt', smt, 'ok.pnk')
    files = sorted(os.listdir(smt)) if os.path.isdir(smt) else []
    check('emit-smt-files', rc == 0 and len(files) >= 3 and all(f.endswith('.smt2') for f in files), files)
    if files:
        text = open(os.path.join(smt, files[0])).read()
        check('emit-smt-text', '(declare-' in text and '(set-logic ALL)' in text and
              text.rstrip().endswith('(check-sat)\n(get-info :reason-unknown)') and ':weight' not in text and
              'bv2int' not in text, text[:200])

    # --tcb lists the trusted function
    rc, out, _ = run('--no-cache', '--tcb', 'fail.pnk')
    check('tcb', 'trusted function helper' in out, out)

    # --stats prints solver statistics
    rc, out, _ = run('--no-cache', '--stats', 'ok.pnk')
    check('stats', rc == 0 and ':' in out and 'obligation' in out, out)

    # -j 2 gives the same verdicts
    rc, out, err = run('--no-cache', '-j', '2', '--color=never', 'fail.pnk')
    check('parallel', rc == 1 and 'fail.pnk:8:3: error:' in err, err)

    # usage errors: exit 2
    for args in (['-j', '0', 'ok.pnk'], ['--timeout', 'x', 'ok.pnk'], ['--format', 'xml', 'ok.pnk'],
                 ['--seeds', '0', 'ok.pnk'], ['--solver', 'yices', 'ok.pnk'], ['--solver'], ['--bogus', 'ok.pnk'], []):
        rc, _, err = run(*args)
        check('usage ' + ' '.join(args), rc == 2 and 'griddle verify' in err, f'rc={rc} {err}')
    # --seeds N re-checks every obligation with seeds 0..N-1 (fake cvc5 logs
    # them); each query file emitted is checked with exactly those seeds
    fake = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fake_cvc5.py')
    log, qdir = os.path.join(tmp, 'seeds.log'), os.path.join(tmp, 'seedq')
    rc, out, err = run('--no-cache', '--solver', 'cvc5', '--seeds', '3', '--emit-smt', qdir, 'ok.pnk',
                       env={'GRIDDLE_CVC5': fake, 'FAKE_CVC5_LOG': log, 'FAKE_CVC5_MODE': 'ok'})
    check('seeds-fake-ok', rc == 0, f'rc={rc} {err}')
    seen = {}
    for line in open(log, encoding='utf-8') if os.path.exists(log) else []:
        sd, unit, qn = line.split()
        seen.setdefault(f'{unit}-{int(qn):04d}.smt2', []).append(int(sd))
    emitted = sorted(os.listdir(qdir)) if os.path.isdir(qdir) else []
    check('seeds-each-query', emitted and sorted(seen) == emitted and
          all(sorted(v) == [0, 1, 2] for v in seen.values()), f'{emitted} {seen}')
    # a verdict that changes with the seed: every obligation is unstable
    # (unknown, exit 3), naming the answers per seed; one seed sees nothing
    flip = {'GRIDDLE_CVC5': fake, 'FAKE_CVC5_MODE': 'flip'}
    rc, out, err = run('--no-cache', '--color=never', '--solver', 'cvc5', '--seeds', '2', 'ok.pnk', env=flip)
    unstable = [l for l in err.splitlines() if 'unstable' in l and l.endswith('[verify.unknown]')]
    check('seeds-flip', rc == 3 and len(unstable) == 4 and
          all('seed 0: unsat' in l and 'seed 1: sat' in l for l in unstable), f'rc={rc} {err}')
    check('seeds-flip-loc', 'ok.pnk:8:13: error: unstable: the assertion may not hold' in err, err)
    rc, out, err = run('--no-cache', '--solver', 'cvc5', '--seeds', '1', 'ok.pnk', env=flip)
    check('seeds-one', rc == 0, f'rc={rc} {err}')
    # with Z3, several seeds leave the verdicts as they are
    rc, out, err = run('--no-cache', '--seeds', '3', 'ok.pnk')
    check('seeds-z3-ok', rc == 0, f'rc={rc} {err}')
    rc, out, err = run('--no-cache', '--color=never', '--seeds', '3', 'fail.pnk')
    check('seeds-z3-fail', rc == 1 and 'fail.pnk:8:3: error:' in err and 'counterexample: x = 7' in err, err)

    # --solver both: a wrong answer of the second solver is caught, as an
    # error at the obligation naming the query file, which is kept
    rc, out, err = run('--no-cache', '--color=never', '--solver', 'both', 'ok.pnk',
                       env={'GRIDDLE_CVC5': fake, 'FAKE_CVC5_MODE': 'sat'})
    dis = [l for l in err.splitlines() if l.endswith('[verify.solver-disagree]')]
    check('cross-wrong', rc == 1 and len(dis) == 4 and
          all('Z3 answers unsat, cvc5 sat' in l for l in dis), f'rc={rc} {err}')
    check('cross-wrong-loc', 'ok.pnk:8:13: error: the solvers disagree on: the assertion may not hold' in err, err)
    kept = [l.split('the query: ', 1)[1].strip() for l in err.splitlines() if 'the query: ' in l]
    check('cross-kept', len(kept) == 4 and all(os.path.exists(k) and '(check-sat)' in open(k).read()
                                               for k in kept), kept)
    for k in kept:
        if os.path.exists(k):
            os.unlink(k)
    # --solver fallback: cvc5 is asked only for what Z3 leaves unknown. On
    # ok.pnk Z3 decides every query, so a lying cvc5 is never heard (its
    # log stays empty); on nonlinear.pnk (x^3 + y^3 != z^3, which Z3 does
    # not decide in 0.05 s) cvc5's answer decides: unsat verified, sat a
    # failure at the assertion, no answer (a crash) unknown after Z3 again
    flog = os.path.join(tmp, 'fallback.log')
    rc, out, err = run('--no-cache', '--color=never', '--solver', 'fallback', 'ok.pnk',
                       env={'GRIDDLE_CVC5': fake, 'FAKE_CVC5_MODE': 'sat', 'FAKE_CVC5_LOG': flog})
    check('fallback-z3-decides', rc == 0 and not os.path.exists(flog), f'rc={rc} {err}')
    for mode, want in (('ok', 0), ('sat', 1), ('garbage', 3)):
        rc, out, err = run('--no-cache', '--color=never', '--timeout', '0.05', '--solver', 'fallback',
                           'nonlinear.pnk', env={'GRIDDLE_CVC5': fake, 'FAKE_CVC5_MODE': mode})
        ok = rc == want and (mode != 'sat' or 'nonlinear.pnk:3:13: error: the assertion may not hold' in err)
        check(f'fallback-cvc5-{mode}', ok, f'rc={rc} {err}')
    # garbage from the solver is unknown, never proved
    rc, out, err = run('--no-cache', '--color=never', '--solver', 'cvc5', 'ok.pnk',
                       env={'GRIDDLE_CVC5': fake, 'FAKE_CVC5_MODE': 'garbage'})
    check('cvc5-garbage', rc == 3 and 'segmentation fault (pretend)' in err, f'rc={rc} {err}')
    # no cvc5: a usage error that says what to install
    rc, out, err = run('--no-cache', '--solver', 'cvc5', 'ok.pnk', env={'GRIDDLE_CVC5': '/nonexistent/cvc5'})
    check('cvc5-missing', rc == 2 and 'cvc5' in err and 'Debian package' in err, f'rc={rc} {err}')
    # the real cvc5, when installed: the same verdicts as Z3 on both programs
    if shutil.which('cvc5'):
        rc, out, err = run('--no-cache', '--color=never', '--solver', 'both', 'ok.pnk')
        check('cvc5-both-ok', rc == 0 and 'solver' not in err, f'rc={rc} {err}')
        rc, out, err = run('--no-cache', '--color=never', '--solver', 'cvc5', 'ok.pnk')
        check('cvc5-ok', rc == 0, f'rc={rc} {err}')
        rc, out, err = run('--no-cache', '--color=never', '--solver', 'cvc5', 'fail.pnk')
        check('cvc5-fail', rc == 1 and 'fail.pnk:8:3: error:' in err and '[verify.postcondition]' in err, err)
    else:
        print('cvc5 not installed (Debian package cvc5): skipping the checks with the real cvc5')

    # a missing model file is an input error
    rc, _, err = run('--no-cache', '-m', 'no_such.vpr', 'ok.pnk')
    check('missing-model', rc == 1, f'rc={rc} {err}')
finally:
    shutil.rmtree(tmp)

print(f'{count - fails} of {count} griddle verify CLI checks passed')
sys.exit(1 if fails else 0)
