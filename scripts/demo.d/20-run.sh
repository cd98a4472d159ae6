# demo: griddle run: the reference semantics, an I/O trace, runtime errors with a Pancake stack
set -eu
G=${GRIDDLE:-build/griddle}
TRACE=build/demo-run-trace.jsonl
echo "\$ griddle run examples/run/blink.pnk --shared 0x10000000:0x100 \\"
echo "      --call 'notified(1)' --call 'notified(7)' --call 'notified(1)' --print-result --trace $TRACE"
$G run examples/run/blink.pnk --shared 0x10000000:0x100 \
  --call 'notified(1)' --call 'notified(7)' --call 'notified(1)' --print-result --trace "$TRACE"
echo
echo "\$ cat $TRACE     # every FFI call and shared-memory access, then the outcome (docs/trace.md)"
cat "$TRACE"
echo
echo "\$ griddle run examples/run/overflow.pnk"
$G run --color=never examples/run/overflow.pnk 2>&1 || echo "  -> exit $? (4: runtime Error)"
echo
echo "\$ griddle run --fuel 5 examples/run/overflow.pnk     # at most 5 loop iterations + calls"
$G run --color=never --fuel 5 examples/run/overflow.pnk 2>&1 || echo "  -> exit $? (5: out of fuel)"
