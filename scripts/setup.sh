#!/usr/bin/env bash
# Sets up a Debian/Ubuntu machine for rfm: the Debian packages the build and
# the datapath need (with --with-test-peers also the independent programs the
# integration tests check us against), then `npm ci` and the build. Safe to
# run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# Build toolchain and datapath tools.
PKGS=(clang llvm libbpf-dev bpftool linux-libc-dev libelf-dev zlib1g-dev pkg-config make g++ python3
      iproute2 libcap2-bin iputils-ping procps util-linux)
# --with-test-peers: the real programs the integration tests talk to.
TEST_PKGS=(prometheus libmaxmind-db-writer-perl mmdb-bin nfdump pmacct softflowd tshark frr gobgpd)
if [ "${1:-}" = "--with-test-peers" ]; then PKGS+=("${TEST_PKGS[@]}"); fi

need=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if ((${#need[@]})); then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: missing Debian packages: ${need[*]}; run this script as root (or: sudo apt-get install ${need[*]})" >&2
    exit 1
  fi
  echo "setup: installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if ! command -v node >/dev/null || ! node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)'; then
  echo "setup: Node.js >= 20 is required (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

# bpffs: needed only for agent.bpf.pin_path, but harmless and expected on a router.
if [ "$(id -u)" = 0 ] && ! grep -qs ' /sys/fs/bpf bpf ' /proc/mounts; then
  mount -t bpf bpf /sys/fs/bpf || echo "setup: could not mount bpffs at /sys/fs/bpf (only needed for pin_path)" >&2
fi

# The control socket's directory in the example configuration.
if [ "$(id -u)" = 0 ]; then install -d -m 0750 /run/rfm; fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run --silent build
echo "setup: done"
