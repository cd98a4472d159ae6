# demo: griddle sim: the sDDF echo system (C) on an emulated i.MX8 ENET, under load
set -eu
G=${GRIDDLE:-build/griddle}
IMG=build/examples/echo
REPORT=build/demo-sim-report.json
PCAP=build/demo-sim-wire.pcap
STATE=build/demo-sim-state.json

echo "\$ griddle sim --check --no-images tests/sim/sdf/bad-ppc-priority.system"
$G sim --check --no-images --color=never tests/sim/sdf/bad-ppc-priority.system 2>&1 | head -12 \
  || true
echo
echo "\$ griddle sim tests/sim/sys/fault.system --search-path build/tests/sim/pds"
echo "  # a PD writes to a read-only mapping: stopped and reported; the others carry on"
$G sim tests/sim/sys/fault.system --search-path build/tests/sim/pds 2>&1 | grep -v '^ping\|^pong' \
  | sed 's/^/  /'
echo
echo "\$ griddle sim tests/sim/sys/child.system --search-path build/tests/sim/pds"
echo "  # child PDs: a fault goes to the parent's fault(), which retries, restarts, then stops"
$G sim tests/sim/sys/child.system --search-path build/tests/sim/pds 2>&1 | sed 's/^/  /'
echo
echo "\$ griddle sim examples/echo/echo.system --search-path $IMG --dump-state $STATE --dump-only"
echo "      # the driver's live mappings, read back from /proc/PID/maps"
$G sim examples/echo/echo.system --search-path $IMG --dump-state "$STATE" --dump-only
python3 - "$STATE" <<'PY'
import json, sys
st = json.load(open(sys.argv[1]))
eth = st["protection_domains"][0]
print(f"  {eth['name']}: priority {eth['priority']}, budget {eth['budget']} us / period {eth['period']} us")
for m in eth["maps"]:
    l = m["live"]
    note = "(trapped MMIO)" if m["mmio"] else ""
    print(f"    {m['vaddr']:#10x} size {l['size']:#8x} {l['perms']:3} {l['mr']} {note}")
irqs = ", ".join(f"id {q['id']} <- irq {q['irq']} ({q['device']})" for q in eth["irqs"])
print(f"    irqs: {irqs}")
svs = ", ".join(f"{s['symbol']}={s['live']:#x}" for s in eth["setvars"][:3])
print(f"    setvars (read back from the process): {svs}, ...")
PY
echo
echo "\$ griddle sim examples/echo/echo.system --search-path $IMG \\"
echo "      --load rate=5000,count=25000,size=64 --pcap $PCAP --report $REPORT"
$G sim examples/echo/echo.system --search-path $IMG --load rate=5000,count=25000,size=64 \
  --pcap "$PCAP" --report "$REPORT" 2>&1 | sed 's/^/  /'
python3 - "$REPORT" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
l = r["load"]
print(f"  load: {l['sent']} sent, {l['received']} echoed, {l['lost']} lost, {l['bad']} bad; "
      f"RTT p50 {l['rtt_us']['p50']:.0f} us, p99 {l['rtt_us']['p99']:.0f} us")
run = r["run"]["seconds"]
print(f"  {'PD':12} {'CPU %':>6} {'budget':>13} {'throttled':>9} {'notified':>9} {'sent':>7} "
      f"{'irqs':>6} {'MMIO':>7}")
for pd in r["pds"]:
    cpu = 100 * (pd["cpu_user_s"] + pd["cpu_sys_s"]) / run
    budget = f"{pd['budget_us']}/{pd['period_us']} us"
    print(f"  {pd['name']:12} {cpu:6.1f} {budget:>13} {pd['throttled']:9} {pd['notified']:9} "
          f"{pd['notifications_sent']:7} {pd['irqs']:6} {pd['mmio']:7}")
nic = r["devices"][0]["stats"]
print(f"  ENET model: {nic['rx_frames']} frames in, {nic['tx_frames']} out, "
      f"{nic['rx_dropped_no_buffer']} dropped for want of a buffer")
PY
if command -v tshark >/dev/null; then
  echo
  echo "\$ tshark -r $PCAP -c 6"
  tshark -r "$PCAP" -c 6 2>/dev/null | sed 's/^/  /'
fi
