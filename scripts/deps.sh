#!/usr/bin/env bash
# Installs the Debian packages griddle needs to build, test and demo.
# Idempotent: installs only what is missing. As root it uses apt-get;
# otherwise it lists what is missing and fails.
set -eu

# package -> why
PKGS=(
  build-essential   # gcc, make, libc headers
  cmake             # build system
  cpp               # C preprocessor for Pancake sources with #define/#include
  clang             # libFuzzer fuzz targets
  libclang-rt-14-dev # sanitizer and libFuzzer runtimes for clang
  python3           # test runners
  tcc               # fast C compiler for the differential tests (tests/diff)
  libz3-dev         # SMT solver (verifier)
  cvc5              # second SMT solver: griddle verify --solver cvc5|both
  libexpat1-dev     # XML parser (system descriptions)
  liblwip-dev       # TCP/IP stack for the echo client (emulator)
  libpcap-dev       # pcap file helpers (emulator tests)
  tshark            # reads the emulator's pcap in tests
  iproute2          # network namespaces for bridge tests
  iputils-ping      # ping through the emulated NIC
  graphviz          # griddle compose --svg (dot)
  valgrind          # bench/compiler: instruction counts (callgrind)
  gcc-aarch64-linux-gnu # C back end on AArch64 (tests/cross)
  gcc-riscv64-linux-gnu # C back end on RISC-V 64 (tests/cross)
  libc6-dev-arm64-cross # C library for the AArch64 builds
  libc6-dev-riscv64-cross # C library for the RISC-V 64 builds
  qemu-user         # runs the cross-built programs (qemu-aarch64, qemu-riscv64)
)

missing=()
for p in "${PKGS[@]}"; do
  [ "$p" = "#" ] && continue
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "deps.sh: missing Debian packages: ${missing[*]}" >&2
  echo "deps.sh: run as root, or: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi

echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends "${missing[@]}" >/tmp/griddle-deps.log 2>&1; then
  apt-get update >>/tmp/griddle-deps.log 2>&1 || true
  if ! apt-get install -y --no-install-recommends "${missing[@]}" >>/tmp/griddle-deps.log 2>&1; then
    echo "deps.sh: apt-get install failed; see /tmp/griddle-deps.log" >&2
    tail -20 /tmp/griddle-deps.log >&2
    exit 1
  fi
fi
