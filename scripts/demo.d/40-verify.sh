# demo: verifier: the SPSC rings proved against a model of their peer, then a one-token mutant refuted with a counterexample
set -eu
G=${GRIDDLE:-build/griddle}
G=$(cd "$(dirname "$G")" && pwd)/$(basename "$G")
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
cd examples/spsc
echo "\$ griddle verify -m peer.vpr spsc.pnk main.pnk        # every function and model method"
$G verify --cache "$cache" -m peer.vpr spsc.pnk main.pnk
echo
echo "\$ griddle verify -m peer.vpr spsc.pnk main.pnk        # again: unchanged units come from the cache"
$G verify --cache "$cache" -m peer.vpr spsc.pnk main.pnk | tail -3
echo
echo "\$ griddle verify -m peer.vpr -DSPSC_MUTANT spsc.pnk main.pnk   # enqueue advances the tail by 2"
rc=0
$G verify --cache "$cache" --color=never -m peer.vpr -DSPSC_MUTANT spsc.pnk main.pnk 2>&1 || rc=$?
echo "  -> exit $rc (1: a verification failure, located, with the path and a counterexample)"
[ "$rc" = 1 ]
