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

# seed corpus: every Pancake file in the tree, prefixed with the mode byte
seeds=$build/fuzz-seeds
rm -rf "$seeds"; mkdir -p "$seeds"
i=0
while IFS= read -r -d '' f; do
  i=$((i+1))
  { printf '\000'; cat "$f"; } > "$seeds/s$i"
  { printf '\001'; cat "$f"; } > "$seeds/c$i"
done < <(find tests examples -type f \( -name '*.pnk' -o -name '*.🥞' \) -print0 2>/dev/null)
corpus=tests/fuzz/corpus-front
mkdir -p "$corpus"
case "$mode" in
  short) secs=${FUZZ_SECONDS:-60} ;;
  *) secs=${FUZZ_SECONDS:-1800} ;;
esac
echo "fuzz: fuzz_front for ${secs}s ($i seed files)"
ASAN_OPTIONS=detect_leaks=1 "$build/tests/fuzz/fuzz_front" "$corpus" "$seeds" \
  -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 > $build/fuzz.log 2>&1 || { tail -n 60 $build/fuzz.log; echo "fuzz: FAILED (crash input saved as crash-* in $(pwd))"; exit 1; }
grep -E "^(Done|stat::average_exec_per_sec|stat::new_units_added)" $build/fuzz.log || true

# the SDF (system description) reader: seeds are every .system file
sdf_seeds=$build/fuzz-sdf-seeds
rm -rf "$sdf_seeds"; mkdir -p "$sdf_seeds"
find tests examples -type f -name '*.system' -exec cp -t "$sdf_seeds" {} + 2>/dev/null || true
sdf_corpus=tests/fuzz/corpus-sdf
mkdir -p "$sdf_corpus"
sdf_secs=$(( secs / 2 > 0 ? secs / 2 : 1 ))
echo "fuzz: fuzz_sdf for ${sdf_secs}s ($(ls "$sdf_seeds" | wc -l) seed files)"
ASAN_OPTIONS=detect_leaks=1 "$build/tests/sim/fuzz_sdf" "$sdf_corpus" "$sdf_seeds" \
  -max_total_time="$sdf_secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 > $build/fuzz-sdf.log 2>&1 || { tail -n 60 $build/fuzz-sdf.log; echo "fuzz: FAILED (crash input saved as crash-* in $(pwd))"; exit 1; }
grep -E "^(Done|stat::average_exec_per_sec|stat::new_units_added)" $build/fuzz-sdf.log || true

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
cmp_corpus=tests/fuzz/corpus-compose
mkdir -p "$cmp_corpus"
echo "fuzz: fuzz_compose for ${sdf_secs}s ($(ls "$cmp_seeds" | wc -l) seed files)"
ASAN_OPTIONS=detect_leaks=1 "$build/tests/compose/fuzz_compose" "$cmp_corpus" "$cmp_seeds" \
  -max_total_time="$sdf_secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 > $build/fuzz-compose.log 2>&1 || { tail -n 60 $build/fuzz-compose.log; echo "fuzz: FAILED (crash input saved as crash-* in $(pwd))"; exit 1; }
grep -E "^(Done|stat::average_exec_per_sec|stat::new_units_added)" $build/fuzz-compose.log || true

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
done < <(find tests/vspec tests/verify examples -type f \( -name '*.pnk' -o -name '*.vpr' \) -print0 2>/dev/null)
vs_corpus=tests/fuzz/corpus-vspec
mkdir -p "$vs_corpus"
vs_secs=$(( secs / 2 > 0 ? secs / 2 : 1 ))
echo "fuzz: fuzz_vspec for ${vs_secs}s ($(ls "$vs_seeds" | wc -l) seed files)"
ASAN_OPTIONS=detect_leaks=1 "$build/tests/fuzz/fuzz_vspec" "$vs_corpus" "$vs_seeds" \
  -max_total_time="$vs_secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 > $build/fuzz-vspec.log 2>&1 || { tail -n 60 $build/fuzz-vspec.log; echo "fuzz: FAILED (crash input saved as crash-* in $(pwd))"; exit 1; }
grep -E "^(Done|stat::average_exec_per_sec|stat::new_units_added)" $build/fuzz-vspec.log || true
echo "fuzz: no crash found"
