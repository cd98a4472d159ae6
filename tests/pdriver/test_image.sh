#!/bin/bash
# The Pancake driver image: griddle's exported entries and cake-ABI symbols
# are defined, the C driver's functions (eth_driver.c) are absent.
set -u
elf=$1
syms=$(nm "$elf") || { echo "FAIL: nm $elf"; exit 1; }
fail=0
for s in cml_main eth_init eth_notified cfg_ring griddle_globals_bytes; do
  grep -qE " T $s\$| R $s\$| D $s\$" <<<"$syms" || { echo "FAIL: $s not defined"; fail=1; }
done
for s in rx_provide tx_provide handle_irq eth_setup update_ring_slot; do
  grep -qE " [tT] $s\$" <<<"$syms" && { echo "FAIL: C function $s present"; fail=1; }
done
# internal Pancake functions are local pnk.f. symbols (docs/abi.md)
grep -qE " t pnk\.f\.rx_provide\$" <<<"$syms" || { echo "FAIL: pnk.f.rx_provide missing"; fail=1; }
[ $fail = 0 ] && echo "pdriver image: ok"
exit $fail
