# demo: the ENET driver in Pancake: compiled by griddle build, run in griddle sim in place of the C driver
set -eu
G=${GRIDDLE:-build/griddle}
IMG=build/examples/echo
REPORT=build/demo-pdriver-report.json

echo "\$ griddle check examples/echo/eth_driver.pnk"
$G check examples/echo/eth_driver.pnk && echo "  clean"
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
