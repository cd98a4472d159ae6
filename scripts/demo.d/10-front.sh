# demo: front end: check real-style Pancake, precise diagnostics, migrate 2024-era code
set -eu
G=${GRIDDLE:-build/griddle}
for dir in examples/*/; do
  [ -f "$dir/demo-check" ] || continue
  echo "\$ griddle check $(cat "$dir/demo-check")"
  (cd "$dir" && eval "$G check $(cat demo-check)") && echo "  -> clean"
done
echo
echo "\$ griddle check examples/legacy/queue_2024.pnk      # 2024-era code, strict mode"
$G check --color=never examples/legacy/queue_2024.pnk || echo "  -> exit $? (errors say what --compat would accept)"
echo
echo "\$ griddle check --compat examples/legacy/queue_2024.pnk"
$G check --compat examples/legacy/queue_2024.pnk && echo "  -> clean"
echo
echo "\$ griddle fmt --compat examples/legacy/queue_2024.pnk   # migrated to current syntax"
$G fmt --compat examples/legacy/queue_2024.pnk
