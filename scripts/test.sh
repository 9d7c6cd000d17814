#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run):
#   1. build/       RelWithDebInfo, -Werror, every CTest entry;
#   2. build-asan/  Debug (asserts on), ASan + UBSan, -Werror, every CTest entry
#                   (skipped with MONOCOQUE_SKIP_SANITIZE=1).
# Installs missing Debian packages first. Exits non-zero on any failure.
# MONOCOQUE_JOBS overrides the parallelism (default 2).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

jobs=${MONOCOQUE_JOBS:-2}
total_passed=0
total_failed=0
stages=()

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
  # ctest's summary: "100% tests passed, 0 tests failed out of 12"
  local line total failed
  line=$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" \
           | tail -n1 || true)
  if [[ -n "$line" ]]; then
    failed=$(sed -E 's/.* ([0-9]+) tests? failed.*/\1/' <<<"$line")
    total=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$line")
  else
    total=0 failed=0
  fi
  local passed=$((total - failed))
  if ((rc != 0 && failed == 0)); then
    failed=1 # ctest failed without a summary (e.g. no tests, crash)
  fi
  if ((total == 0)); then
    stages+=("[$name] FAILED: ctest ran no test")
    failed=$((failed > 0 ? failed : 1))
  elif ((failed > 0)); then
    stages+=("[$name] FAILED: $passed of $total tests passed")
  else
    stages+=("[$name] ok: all $total tests passed")
  fi
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
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

echo
echo "=== test.sh summary"
for s in "${stages[@]}"; do
  echo "  $s"
done
if ((total_failed > 0)); then
  echo "test.sh: FAILED"
else
  echo "test.sh: OK"
fi
echo "summary: $total_passed passed, $total_failed failed"
((total_failed == 0))
