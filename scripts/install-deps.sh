#!/usr/bin/env bash
# Installs everything caf-monocoque needs to build, test, fuzz and benchmark on
# Debian 12 (bookworm). Run as root. Does nothing when all packages are there.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git ca-certificates
  clang-14 libclang-rt-14-dev   # clang + libFuzzer/sanitizer runtimes
  libcaf-dev                    # CAF 0.17.6
  liburing-dev
  libsodium-dev                 # CURVE's cryptography (protocol/)
  libspdlog-dev libfmt-dev
  libzmq3-dev cppzmq-dev python3-zmq  # interop peers and baseline only
  default-jdk-headless libjeromq-java # JeroMQ 0.3.6 (ZMTP 2.0) interop peer
  libbenchmark-dev
  iproute2 nftables             # tests/hosts: namespaces, veth, drop rules, tbf
)

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
  [[ "$status" == ii* ]] || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

echo "install-deps: missing: ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: error: must run as root to install packages" >&2
  exit 1
fi
if [[ -r /etc/os-release ]]; then
  # shellcheck disable=SC1091
  . /etc/os-release
  if [[ "${ID:-}" != debian || "${VERSION_ID:-}" != 12 ]]; then
    echo "install-deps: warning: expected Debian 12, found" \
         "${PRETTY_NAME:-unknown}" >&2
  fi
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update

# Fail with a clear message if a package name is unknown to this machine.
unknown=()
for pkg in "${missing[@]}"; do
  candidate=$(apt-cache policy "$pkg" 2>/dev/null \
                | awk '/Candidate:/ {print $2}')
  if [[ -z "$candidate" || "$candidate" == "(none)" ]]; then
    unknown+=("$pkg")
  fi
done
if ((${#unknown[@]} > 0)); then
  echo "install-deps: error: no installation candidate for: ${unknown[*]}" >&2
  exit 1
fi

apt-get install -y --no-install-recommends "${missing[@]}"
echo "install-deps: installed ${missing[*]}"
