#!/usr/bin/env bash
# Runs every benchmark against build/griddle; each prints ratios against a
# baseline measured in the same run (see docs/performance.md).
set -eu
cd "$(dirname "$0")/.."
for b in bench/*/run.py; do
  python3 "$b" build/griddle
done
for b in bench/*/run.sh; do
  [ -x "$b" ] && "$b" build/griddle
done
