# demo: the C back end on AArch64 (default host under qemu, same trace as griddle run), and griddle cake in an sDDF-style build rule
set -eu
G=${GRIDDLE:-build/griddle}
OUT=build/demo-cross
mkdir -p "$OUT"
export GRIDDLE_CACHE=build/griddle-cache
if ! command -v aarch64-linux-gnu-gcc >/dev/null || ! command -v qemu-aarch64 >/dev/null; then
  echo "(skipped: aarch64-linux-gnu-gcc or qemu-aarch64 missing; scripts/deps.sh installs them)"
  exit 0
fi
echo "\$ CC=aarch64-linux-gnu-gcc griddle build --target c --hooks --emit exe examples/run/blink.pnk -o $OUT/blink"
CC=aarch64-linux-gnu-gcc $G build --target c --hooks --emit exe examples/run/blink.pnk -o "$OUT/blink"
if command -v file >/dev/null; then file "$OUT/blink" | sed "s/, BuildID.*//; s/^/  /"; fi
echo
echo "\$ qemu-aarch64 -L /usr/aarch64-linux-gnu $OUT/blink --shared 0x10000000:0x100 \\"
echo "      --call 'notified(1)' --call 'notified(7)' --print-result --trace $OUT/compiled.jsonl"
qemu-aarch64 -L /usr/aarch64-linux-gnu "$OUT/blink" --shared 0x10000000:0x100 \
  --call 'notified(1)' --call 'notified(7)' --print-result --trace "$OUT/compiled.jsonl"
$G run examples/run/blink.pnk --shared 0x10000000:0x100 --call 'notified(1)' \
  --call 'notified(7)' --trace "$OUT/interpreted.jsonl" > /dev/null
echo
echo "\$ compare with griddle run's trace   # shared accesses and FFI calls through the hooks"
python3 - "$OUT/interpreted.jsonl" "$OUT/compiled.jsonl" <<'PY'
import json, sys
strip = lambda e: {k: v for k, v in e.items() if k not in ('file', 'line', 'col', 'stack')}
a, b = ([strip(json.loads(l)) for l in open(p)] for p in sys.argv[1:3])
print('  -> %d events, identical' % len(a) if a == b else '  -> DIFFERENT')
sys.exit(a != b)
PY
echo
echo "# griddle cake: the build rule sDDF/LionsOS use for cake, unchanged (examples/cake/Makefile)"
echo "\$ make -C examples/cake CAKE_COMPILER=\"griddle cake\" TARGET=arm8 CC=aarch64-linux-gnu-gcc LDFLAGS=-static"
make -s -B -C examples/cake CAKE_COMPILER="$(cd "$(dirname "$G")" && pwd)/$(basename "$G") cake" \
  TARGET=arm8 CC=aarch64-linux-gnu-gcc LDFLAGS=-static BUILD="$(pwd)/$OUT"
echo "\$ qemu-aarch64 $OUT/counter      # the C side (glue.c) calls cml_main, then notified(1..3)"
qemu-aarch64 "$OUT/counter"
