#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan+UBSan) and runs them.
#   run.sh short   bounded run for CI (replays the seed corpora, then ~60 s + ~30 s)
#   run.sh long    longer exploratory run (make fuzz; FUZZ_SECONDS overrides)
set -euo pipefail
cd "$(dirname "$0")/../.."
mode=${1:-short}
build=build-fuzz
if ! command -v clang >/dev/null; then
  echo "fuzz: clang not found (scripts/deps.sh installs it)" >&2
  exit 1
fi
CC=clang cmake -S . -B $build -DCMAKE_BUILD_TYPE=Debug -DGRIDDLE_SANITIZE=ON -DGRIDDLE_FUZZ=ON >/dev/null
cmake --build $build -j "$(nproc)" --target fuzz_front fuzz_sdf fuzz_compose fuzz_vspec >/dev/null

# run_fuzzer NAME BINARY CORPUS SEEDS SECONDS: one bounded libFuzzer run;
# on a crash, the end of its log and where the input was saved, then exit 1.
run_fuzzer() {
  local name=$1 bin=$2 corpus=$3 seeds=$4 secs=$5 log=$build/$1.log
  mkdir -p "$corpus"
  echo "fuzz: $name for ${secs}s ($(ls "$seeds" | wc -l) seed files)"
  ASAN_OPTIONS=detect_leaks=1 "$bin" "$corpus" "$seeds" \
    -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 > "$log" 2>&1 || { tail -n 60 "$log"; echo "fuzz: FAILED (crash input saved as crash-* in $(pwd))"; exit 1; }
  grep -E "^(Done|stat::average_exec_per_sec|stat::new_units_added)" "$log" || true
}

# seed corpus: every Pancake file in the tree, prefixed with the mode byte
seeds=$build/fuzz-seeds
rm -rf "$seeds"; mkdir -p "$seeds"
i=0
while IFS= read -r -d '' f; do
  i=$((i+1))
  { printf '\000'; cat "$f"; } > "$seeds/s$i"
  { printf '\001'; cat "$f"; } > "$seeds/c$i"
done < <(find tests examples -type f \( -name '*.pnk' -o -name '*.🥞' \) -print0 2>/dev/null)
case "$mode" in
  short) secs=${FUZZ_SECONDS:-60} ;;
  *) secs=${FUZZ_SECONDS:-1800} ;;
esac
run_fuzzer fuzz_front "$build/tests/fuzz/fuzz_front" tests/fuzz/corpus-front "$seeds" "$secs"

# the SDF (system description) reader: seeds are every .system file
sdf_seeds=$build/fuzz-sdf-seeds
rm -rf "$sdf_seeds"; mkdir -p "$sdf_seeds"
find tests examples -type f -name '*.system' -exec cp -t "$sdf_seeds" {} + 2>/dev/null || true
half=$(( secs / 2 > 0 ? secs / 2 : 1 ))   # the other targets get half the time
run_fuzzer fuzz_sdf "$build/tests/sim/fuzz_sdf" tests/fuzz/corpus-sdf "$sdf_seeds" "$half"

# compose's readers: policy files (mode byte 0), --dump-state JSON (1), contracts (2)
cmp_seeds=$build/fuzz-compose-seeds
rm -rf "$cmp_seeds"; mkdir -p "$cmp_seeds"
i=0
while IFS= read -r -d '' f; do
  i=$((i+1))
  { printf '\000'; cat "$f"; } > "$cmp_seeds/p$i"
done < <(find tests/compose examples -type f -name '*.policy' -print0 2>/dev/null)
while IFS= read -r -d '' f; do
  i=$((i+1))
  { printf '\002'; cat "$f"; } > "$cmp_seeds/c$i"
done < <(find tests/compose examples -type f -name '*.contract' -print0 2>/dev/null)
printf '\001{"memory_regions":[{"name":"m","size":4096,"page_size":4096,"paddr":null,"device":null}],"protection_domains":[{"name":"a","priority":1,"maps":[],"channels":[],"irqs":[],"setvars":[],"extra_shared_mappings":[],"libmicrokit":null}]}' > "$cmp_seeds/j1"
run_fuzzer fuzz_compose "$build/tests/compose/fuzz_compose" tests/fuzz/corpus-compose "$cmp_seeds" "$half"

# vspec (annotations, model files): seeds are the annotation lines, the
# annotated programs and the model files of the tree, with their mode byte
vs_seeds=$build/fuzz-vspec-seeds
rm -rf "$vs_seeds"; mkdir -p "$vs_seeds"
j=0
while IFS= read -r -d '' f; do
  j=$((j+1))
  case "$f" in
    *.vpr) { printf '\002'; cat "$f"; } > "$vs_seeds/m$j" ;;
    *) { printf '\003'; cat "$f"; } > "$vs_seeds/p$j"
       { grep -o '/@.*@/' "$f" || true; } | sed 's|^/@||; s|@/$||' | while IFS= read -r a; do
         k=$RANDOM$RANDOM; { printf '\000'; printf '%s' "$a"; } > "$vs_seeds/a$j-$k"
         { printf '\001'; printf '%s' "$a"; } > "$vs_seeds/t$j-$k"
       done ;;
  esac
done < <(find tests/vspec tests/verify tests/viper examples -type f \( -name '*.pnk' -o -name '*.vpr' \) -print0 2>/dev/null)
run_fuzzer fuzz_vspec "$build/tests/fuzz/fuzz_vspec" tests/fuzz/corpus-vspec "$vs_seeds" "$half"
echo "fuzz: no crash found"
