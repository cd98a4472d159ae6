#!/usr/bin/env python3
"""A stand-in for cvc5 (GRIDDLE_CVC5=this file) that answers by rule, so
that the tests can check what griddle does with the answers: --seeds and
--solver both. It accepts cvc5's command line as griddle uses it
(--lang=smt2 --strings-exp --seed=N [--tlimit-per=MS]) and its protocol:
queries on standard input, each `(reset)`, the query text (a header
comment naming the unit, the query number and its kind, `(set-logic ALL)`,
..., `(check-sat)`, `(get-info :reason-unknown)`) and `(echo "griddle-done")`,
answered by one line, then "griddle-done" in quotes.

Reachability queries (kind "reachable") are answered sat, as a correct
solver does for the programs of these tests; obligations by FAKE_CVC5_MODE:

  ok      unsat (the correct answer for a verified program)
  sat     sat (a wrong answer for a provable obligation)
  flip    unsat with seed 0, sat with any other seed
  garbage something that is not an answer, then exit (a crash)

FAKE_CVC5_LOG (optional): one line "SEED UNIT QUERY" appended per query.
"""
import os
import re
import sys

seed = None
for a in sys.argv[1:]:
    if a.startswith('--seed='):
        seed = int(a[len('--seed='):])
    elif a not in ('--lang=smt2', '--strings-exp') and not a.startswith('--tlimit-per='):
        print(f'(error "fake cvc5: unexpected argument {a}")', flush=True)
        sys.exit(1)
if seed is None:
    print('(error "fake cvc5: needs --seed=N")', flush=True)
    sys.exit(1)
mode = os.environ.get('FAKE_CVC5_MODE', 'ok')
log = os.environ.get('FAKE_CVC5_LOG')
HEAD = re.compile(r'^; griddle verify: (.*), query (\d+) \((.*)\)$')
query = []
for line in sys.stdin:
    if line.strip() != '(echo "griddle-done")':
        query.append(line.rstrip('\n'))
        continue
    text = '\n'.join(query)
    query = []
    head = next((HEAD.match(l) for l in text.splitlines() if HEAD.match(l)), None)
    if not head or '(set-logic ALL)' not in text or '(check-sat)' not in text \
            or not text.startswith('(reset)'):
        print('(error "fake cvc5: not a query")', flush=True)
        sys.exit(1)
    unit, qn, kind = head.group(1), int(head.group(2)), head.group(3)
    if log:
        with open(log, 'a', encoding='utf-8') as f:
            f.write(f'{seed} {unit} {qn}\n')
    if kind == 'reachable':
        answer = 'sat'
    elif mode == 'garbage':
        print('segmentation fault (pretend)', flush=True)
        sys.exit(1)
    elif mode == 'flip':
        answer = 'unsat' if seed == 0 else 'sat'
    else:
        answer = {'ok': 'unsat', 'sat': 'sat'}[mode]
    print(answer, flush=True)
    print('"griddle-done"', flush=True)
