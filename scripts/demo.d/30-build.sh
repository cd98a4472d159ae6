# demo: griddle build: compile to x86-64, run the program, same trace as griddle run, stack bounds
set -eu
G=${GRIDDLE:-build/griddle}
OUT=build/demo-build
mkdir -p "$OUT"
export GRIDDLE_CACHE=build/griddle-cache
echo "\$ griddle build examples/run/blink.pnk -o $OUT/blink --emit-header $OUT/blink.h"
$G build examples/run/blink.pnk -o "$OUT/blink" --emit-header "$OUT/blink.h"
echo
echo "\$ $OUT/blink --shared 0x10000000:0x100 --call 'notified(1)' --call 'notified(7)' \\"
echo "      --call 'notified(1)' --print-result --trace $OUT/compiled.jsonl"
"$OUT/blink" --shared 0x10000000:0x100 --call 'notified(1)' --call 'notified(7)' \
  --call 'notified(1)' --print-result --trace "$OUT/compiled.jsonl"
$G run examples/run/blink.pnk --shared 0x10000000:0x100 --call 'notified(1)' \
  --call 'notified(7)' --call 'notified(1)' --trace "$OUT/interpreted.jsonl" > /dev/null
echo
echo "\$ diff <(griddle run ... --trace -) <(compiled trace)   # the reference semantics agrees"
python3 - "$OUT/interpreted.jsonl" "$OUT/compiled.jsonl" <<'PY'
import json, sys
strip = lambda e: {k: v for k, v in e.items() if k not in ('file', 'line', 'col', 'stack')}
a, b = ([strip(json.loads(l)) for l in open(p)] for p in sys.argv[1:3])
print('  -> %d events, identical' % len(a) if a == b else '  -> DIFFERENT')
sys.exit(a != b)
PY
echo
echo "\$ cat $OUT/blink.h      # for C hosts (cake ABI, docs/abi.md)"
grep -v '^$' "$OUT/blink.h"
echo
echo "\$ griddle build --stack-report examples/run/blink.pnk    # bytes of stack, from the generated code"
$G build --stack-report examples/run/blink.pnk
echo
echo "\$ griddle build examples/run/blink.pnk -o - | sed -n '/^pnk\.f\.toggle:/,/ret/p'"
$G build examples/run/blink.pnk -o - | sed -n '/^pnk\.f\.toggle:/,/ret$/p'
