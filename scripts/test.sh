#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run):
#   1. build/       RelWithDebInfo, -Werror, every CTest entry;
#   2. build-asan/  Debug (asserts on), ASan + UBSan, -Werror, every CTest entry
#                   (skipped with MONOCOQUE_SKIP_SANITIZE=1).
# Installs missing Debian packages first. Exits non-zero on any failure.
# Skipped tests (CTest's SKIP_RETURN_CODE 77: no root for the host suites,
# no JDK for the JeroMQ ones, ...) are counted and listed apart from the
# passed ones; with CI=true a skip is a failure.
# MONOCOQUE_JOBS overrides the parallelism (default 2).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

jobs=${MONOCOQUE_JOBS:-2}
# Counting (skips apart from passes; under CI=true a skip fails the run):
# record_stage, print_summary.
source scripts/ctest-summary.sh

bash scripts/install-deps.sh

# run_stage NAME BUILD_DIR [CMAKE_ARGS...]
# Configures, builds and runs ctest; records the counts. Returns 1 if the
# configure or build step failed (later stages are then pointless).
run_stage() {
  local name=$1 dir=$2
  shift 2
  echo "=== [$name] configure $dir"
  if ! cmake -S . -B "$dir" -DMONOCOQUE_WERROR=ON "$@"; then
    stages+=("[$name] FAILED: configure")
    total_failed=$((total_failed + 1))
    return 1
  fi
  echo "=== [$name] build $dir (-j$jobs)"
  if ! cmake --build "$dir" -j"$jobs"; then
    stages+=("[$name] FAILED: build")
    total_failed=$((total_failed + 1))
    return 1
  fi
  echo "=== [$name] ctest $dir"
  local log="$dir/ctest.log" rc=0
  ctest --test-dir "$dir" --output-on-failure -j"$jobs" --timeout 300 \
    2>&1 | tee "$log" || rc=$?
  record_stage "$name" "$log" "$rc" "$dir/Testing/Temporary/LastTest.log"
  return 0
}

if run_stage release build -DCMAKE_BUILD_TYPE=RelWithDebInfo; then
  if [[ "${MONOCOQUE_SKIP_SANITIZE:-0}" != 1 ]]; then
    export ASAN_OPTIONS=detect_leaks=1
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    run_stage asan+ubsan build-asan -DCMAKE_BUILD_TYPE=Debug \
      -DMONOCOQUE_SANITIZE=ON -DMONOCOQUE_BENCH=OFF || true
  else
    stages+=("[asan+ubsan] skipped (MONOCOQUE_SKIP_SANITIZE=1)")
  fi
fi

print_summary
