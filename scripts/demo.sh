#!/usr/bin/env bash
# `make demo`: the most complete end-to-end story griddle can tell today.
# Runs every step in scripts/demo.d/ in order (repo root as cwd, with
# build/griddle built); each step prints what it shows.
set -eu
cd "$(dirname "$0")/.."
export GRIDDLE="$PWD/build/griddle"
for step in scripts/demo.d/*.sh; do
  echo
  echo "=== $(sed -n 's/^# demo: //p' "$step" | head -1) ($step)"
  bash "$step"
done
echo
echo "=== demo finished"
