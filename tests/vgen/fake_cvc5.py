#!/usr/bin/env python3
"""A stand-in for cvc5 (GRIDDLE_CVC5=this file) that answers by rule, so
that the tests can check what griddle does with the answers: --seeds and
--solver both. It accepts cvc5's command line as griddle uses it
(--lang=smt2 --strings-exp --seed=N [--tlimit=MS] FILE) and checks the query file looks
like a query. Reachability queries (header "(reachable)") are answered sat,
as a correct solver does for the programs of these tests; obligations by
FAKE_CVC5_MODE:

  ok      unsat (the correct answer for a verified program)
  sat     sat (a wrong answer for a provable obligation)
  flip    unsat with seed 0, sat with any other seed
  garbage something that is not an answer

FAKE_CVC5_LOG (optional): one line "SEED FILE" appended per run.
"""
import os
import sys

seed = None
files = []
for a in sys.argv[1:]:
    if a.startswith('--seed='):
        seed = int(a[len('--seed='):])
    elif a.startswith('--'):
        if a not in ('--lang=smt2', '--strings-exp') and not a.startswith('--tlimit='):
            print(f'(error "fake cvc5: unexpected option {a}")')
            sys.exit(1)
    else:
        files.append(a)
if seed is None or len(files) != 1:
    print('(error "fake cvc5: needs --seed=N and one file")')
    sys.exit(1)
text = open(files[0], encoding='utf-8').read()
if '(set-logic ALL)' not in text or '(check-sat)' not in text:
    print('(error "fake cvc5: not a query")')
    sys.exit(1)
log = os.environ.get('FAKE_CVC5_LOG')
if log:
    with open(log, 'a', encoding='utf-8') as f:
        f.write(f'{seed} {os.path.abspath(files[0])}\n')
mode = os.environ.get('FAKE_CVC5_MODE', 'ok')
if text.splitlines()[0].endswith('(reachable)'):
    print('sat')
elif mode == 'garbage':
    print('segmentation fault (pretend)')
elif mode == 'flip':
    print('unsat' if seed == 0 else 'sat')
else:
    print({'ok': 'unsat', 'sat': 'sat'}[mode])
