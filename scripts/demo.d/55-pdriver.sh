# demo: the ENET driver in Pancake: verified whole by griddle verify, compiled by griddle build, run in griddle sim in place of the C driver
set -eu
G=${GRIDDLE:-build/griddle}
IMG=build/examples/echo
REPORT=build/demo-pdriver-report.json

echo "\$ griddle check examples/echo/eth_driver.pnk"
$G check examples/echo/eth_driver.pnk && echo "  clean"
M="-m examples/echo/models/eth_device.vpr -m examples/echo/models/net_queues.vpr"
echo "\$ griddle verify -j2 --no-cache examples/echo/eth_driver.pnk $M     # every function, none trusted"
TIMEFORMAT="  (%R s wall)"
time { $G verify -j2 --no-cache examples/echo/eth_driver.pnk $M 2>&1 | sed 's/^/  /'; }
echo "  (the same driver with h & cap for h & (cap - 1) in q_dequeue_io: refused)"
MUT=$(mktemp -d)
sed 's/(h \& (cap - 1)) \* DESC_SIZE;/(h \& cap) * DESC_SIZE;/' examples/echo/eth_driver.pnk > "$MUT/eth_driver.pnk"
rc=0
out=$($G verify -j2 --no-cache --color=never "$MUT/eth_driver.pnk" $M 2>&1) || rc=$?
rm -rf "$MUT"
echo "$out" | grep -E 'error:|^failed' | sed "s|$MUT/||; s/^/  /"
echo "  -> exit $rc"
[ "$rc" = 1 ]
echo
echo "\$ griddle build --stack-report examples/echo/eth_driver.pnk"
$G build --stack-report examples/echo/eth_driver.pnk | sed 's/^/  /'
echo "  (CMake builds it with --emit obj and links it with eth_driver_glue.c: $IMG/eth_driver_pnk.elf)"
echo
echo "\$ griddle sim examples/echo_pnk/echo_pnk.system --search-path $IMG --load rate=2000,count=5000,size=64,window=64"
$G sim examples/echo_pnk/echo_pnk.system --search-path $IMG \
    --load rate=2000,count=5000,size=64,window=64 --drain 5 --report "$REPORT" 2>&1 | sed 's/^/  /'
python3 - "$REPORT" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
eth = next(p for p in r["pds"] if p["name"] == "eth")
n = max(r["load"]["received"], 1)
print(f"  Pancake driver PD: {eth['irqs']} IRQs, {eth['mmio']} trapped register accesses, "
      f"{(eth['cpu_user_s'] + eth['cpu_sys_s']) / n * 1e6:.1f} us CPU per echoed frame")
PY
