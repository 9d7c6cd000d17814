#!/usr/bin/env bash
# Public-header test (CTest: package_public_headers): what `cmake --install`
# puts under include/ compiles on its own, in a translation unit where the
# plugin's private dependencies (liburing, spdlog) cannot be parsed.
#
#   public_headers_test.sh <build-dir> <c++-compiler> <dep-include-dir>
#                          [<compile-flags>]
#
# 1. `cmake --install <build-dir> --component headers --prefix <tmp>/prefix`
#    installs the headers only (no build needed);
# 2. an overlay include directory gets one file per header of liburing and
#    spdlog found in <dep-include-dir> (liburing.h, liburing/*, spdlog/**),
#    each an `#error`, and goes first on the include path;
# 3. one translation unit per installed header, plus one that includes
#    caf/monocoque/all.hpp, is compiled (-fsyntax-only) with <compile-flags>
#    and -I<overlay> -I<prefix>/include only: a header that reaches liburing,
#    spdlog or a header that is not installed (internal/) fails.
# Exit 0 only if every translation unit compiles.
set -euo pipefail

if (($# < 3)); then
  echo "usage: $0 <build-dir> <c++-compiler> <dep-include-dir> [cxxflags]" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
cxx=$2
deps=$3
cxxflags=${4:-}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/monocoque-headers.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
overlay=$tmp/overlay

fail() {
  echo "public_headers_test: FAILED: $*" >&2
  exit 1
}

# -- 1. install the headers --------------------------------------------------
cmake --install "$build" --component headers --prefix "$prefix" \
  > "$tmp/install.log" 2>&1 \
  || { cat "$tmp/install.log"; fail "cmake --install --component headers"; }
[[ -e "$prefix/include/caf/monocoque/all.hpp" ]] \
  || fail "caf/monocoque/all.hpp not installed by the headers component"

# -- 2. the overlay: liburing and spdlog headers that refuse to be parsed -----
[[ -e "$deps/liburing.h" ]] || fail "no liburing.h in $deps"
[[ -d "$deps/spdlog" ]] || fail "no spdlog/ in $deps"
blocked=0
while IFS= read -r h; do
  mkdir -p "$overlay/$(dirname "$h")"
  echo "#error \"$h parsed by a public caf-monocoque header\"" > "$overlay/$h"
  blocked=$((blocked + 1))
done < <(cd "$deps" && { echo liburing.h;
                         find liburing spdlog -type f -name '*.h' 2>/dev/null; })
echo "   $blocked liburing/spdlog headers blocked"

# -- 3. one translation unit per installed header ----------------------------
mkdir -p "$tmp/tu"
headers=$(cd "$prefix/include" && find . -name '*.hpp' | sed 's|^\./||' | sort)
[[ -n "$headers" ]] || fail "no headers installed"
n=0
for h in $headers; do
  n=$((n + 1))
  printf '#include <%s>\n' "$h" > "$tmp/tu/$n.cpp"
  echo "$h" > "$tmp/tu/$n.name"
done
n=$((n + 1))
# all.hpp twice: the umbrella must be idempotent and self-contained.
printf '#include <caf/monocoque/all.hpp>\n#include <caf/monocoque/all.hpp>\n' \
  > "$tmp/tu/$n.cpp"
echo "caf/monocoque/all.hpp (umbrella TU)" > "$tmp/tu/$n.name"

# The compile runs two at a time (the machine is shared); each failure
# leaves its diagnostics in <n>.log.
export cxx cxxflags overlay prefix
compile_one() {
  local tu=$1
  # shellcheck disable=SC2086 # cxxflags is a word list
  "$cxx" -std=c++17 $cxxflags -fsyntax-only -I"$overlay" -I"$prefix/include" \
    "$tu" > "${tu%.cpp}.log" 2>&1 || echo "${tu%.cpp}" >> "${tu%/*}/failed"
}
export -f compile_one
find "$tmp/tu" -name '*.cpp' -print0 | xargs -0 -n1 -P2 bash -c 'compile_one "$0"'

if [[ -s "$tmp/tu/failed" ]]; then
  while IFS= read -r f; do
    echo "--- $(cat "$f.name"):"
    head -n 20 "$f.log"
  done < "$tmp/tu/failed"
  fail "$(wc -l < "$tmp/tu/failed") of $n translation units do not compile \
without liburing/spdlog"
fi
echo "public_headers_test: ok ($n translation units, $((n - 1)) headers)"
