#!/usr/bin/env bash
# `make bench`: every benchmark under bench/, each printing its results
# against a baseline measured in the same run (docs/performance.md).
set -eu
cd "$(dirname "$0")/.."
GRIDDLE=${GRIDDLE:-build/griddle}
for b in bench/*/bench.py; do
  echo "== ${b%/bench.py}"
  python3 "$b" "$GRIDDLE"
done
