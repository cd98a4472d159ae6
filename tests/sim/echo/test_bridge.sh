#!/usr/bin/env bash
# The echo system on a veth pair: from a network namespace, ping gets
# replies from client0 (10.0.0.2) and a UDP datagram to port 1235 comes
# back unchanged. Needs root (network namespaces); skips (77) otherwise.
# Usage: test_bridge.sh GRIDDLE ECHO_DIR IMAGES
set -u
griddle=$1 echo_dir=$2 images=$3
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "not root: network namespaces need CAP_NET_ADMIN"
command -v ip >/dev/null || skip "iproute2 is not installed"
command -v ping >/dev/null || skip "ping is not installed"
ns=gsim$$ host=gsh$$ peer=gsp$$
cleanup() {
    [ -n "${sim:-}" ] && kill "$sim" 2>/dev/null && wait "$sim" 2>/dev/null
    ip link del "$host" 2>/dev/null
    ip netns del "$ns" 2>/dev/null
}
trap cleanup EXIT
ip netns add "$ns" 2>/dev/null || skip "cannot create a network namespace"
ip link add "$host" type veth peer name "$peer" || skip "cannot create a veth pair"
ip link set "$peer" netns "$ns"
ip link set "$host" up
ip -n "$ns" addr add 10.0.0.1/24 dev "$peer"
ip -n "$ns" link set "$peer" up
ip -n "$ns" link set lo up
log=$(mktemp)
"$griddle" sim "$echo_dir/echo.system" --search-path "$images" --bridge "$host" \
    --duration 30 >"$log" 2>&1 &
sim=$!
# wait until both clients report lwIP up
for _ in $(seq 50); do grep -q "client1: lwIP up" "$log" && break; sleep 0.1; done
fail=0
if ip netns exec "$ns" ping -c 3 -i 0.2 -W 2 10.0.0.2 >"$log.ping" 2>&1; then
    grep -q "3 received" "$log.ping" || fail=1
else
    fail=1
fi
[ $fail -eq 0 ] || { echo "FAIL: ping"; cat "$log.ping"; }
reply=$(ip netns exec "$ns" python3 - <<'PY'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.sendto(b'griddle bridge test', ('10.0.0.2', 1235))
print(s.recvfrom(2048)[0].decode())
PY
)
if [ "$reply" != "griddle bridge test" ]; then
    echo "FAIL: UDP echo returned '$reply'"
    fail=1
fi
kill -INT "$sim"
wait "$sim"
sim=
if ! grep -q "bridge $host: [1-9][0-9]* frames in" "$log"; then
    echo "FAIL: no bridge summary"; fail=1
fi
cat "$log"
rm -f "$log" "$log.ping"
[ $fail -eq 0 ] && echo "bridge: ok"
exit $fail
