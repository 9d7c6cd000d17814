#!/usr/bin/env bash
# Shared-library package test (CTest: package_shared, opt-in with
# -DMONOCOQUE_PACKAGE_SHARED_TEST=ON): configures <shared-build-dir> with
# BUILD_SHARED_LIBS=ON, builds only caf_monocoque and mqcat, then runs
# package_test.sh on it (install, find_package + pkg-config programs against a
# libzmq peer, ldd: libcaf_monocoque.so comes from the prefix).
#
#   shared_test.sh <source-dir> <shared-build-dir> <c++-compiler> <build-type>
set -euo pipefail

if (($# != 4)); then
  echo "usage: $0 <source-dir> <shared-build-dir> <c++-compiler> <build-type>" >&2
  exit 2
fi
src=$1 dir=$2 cxx=$3 build_type=$4

start=$(date +%s)
mkdir -p "$dir"
cmake -S "$src" -B "$dir" -DBUILD_SHARED_LIBS=ON \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE="$build_type" \
  -DMONOCOQUE_BENCH=OFF -DMONOCOQUE_PACKAGE_SHARED_TEST=OFF \
  > "$dir/package-configure.log" 2>&1 \
  || { cat "$dir/package-configure.log"; echo "shared_test: configure failed" >&2; exit 1; }
cmake --build "$dir" -j"${MONOCOQUE_JOBS:-2}" --target caf_monocoque mqcat \
  > "$dir/package-build.log" 2>&1 \
  || { tail -50 "$dir/package-build.log"; echo "shared_test: build failed" >&2; exit 1; }
echo "== shared build of caf_monocoque + mqcat: $(($(date +%s) - start)) s"
exec bash "$src/tests/package/package_test.sh" "$src" "$dir" "$cxx"
