#!/usr/bin/env bash
# fuzz.sh MINUTES [TARGET...]
# Builds the libFuzzer targets (fuzz-<name>, from tests/fuzz/) in build-fuzz/
# with clang-14 + ASan + UBSan and runs each for MINUTES minutes (fractions
# allowed) on build-fuzz/corpus-<name>/, seeded from tests/fuzz/corpus/<name>/.
# TARGET is a name (`frame_decoder`) or `fuzz-frame_decoder`; default: every
# build-fuzz/bin/fuzz-*. Crash inputs go to build-fuzz/artifacts-<name>/; copy
# the minimised ones into tests/fuzz/corpus/<name>/ so CTest replays them.
# An optional tests/fuzz/<name>.dict is passed as -dict.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if (($# < 1)) || ! [[ $1 =~ ^[0-9]+([.][0-9]+)?$ ]]; then
  echo "usage: $0 MINUTES [TARGET...]" >&2
  exit 2
fi
seconds=$(awk -v m="$1" 'BEGIN { s = int(m * 60); print (s < 1 ? 1 : s) }')
shift
jobs=${MONOCOQUE_JOBS:-2}

bash scripts/install-deps.sh
CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMONOCOQUE_FUZZ=ON -DMONOCOQUE_BENCH=OFF
cmake --build build-fuzz -j"$jobs" --target fuzzers

targets=()
if (($# > 0)); then
  for t in "$@"; do
    targets+=("fuzz-${t#fuzz-}")
  done
else
  for bin in build-fuzz/bin/fuzz-*; do
    [[ -x "$bin" ]] && targets+=("$(basename "$bin")")
  done
fi
if ((${#targets[@]} == 0)); then
  echo "fuzz.sh: error: no fuzz targets (add them in tests/fuzz/ with" \
       "monocoque_add_fuzzer)" >&2
  exit 1
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
results=()
passed=0
failed=0
for target in "${targets[@]}"; do
  name=${target#fuzz-}
  bin=build-fuzz/bin/$target
  if [[ ! -x "$bin" ]]; then
    results+=("$target: FAILED (no such binary $bin)")
    failed=$((failed + 1))
    continue
  fi
  corpus=build-fuzz/corpus-$name
  artifacts=build-fuzz/artifacts-$name
  mkdir -p "$corpus" "$artifacts"
  if [[ -d tests/fuzz/corpus/$name ]]; then
    cp -R tests/fuzz/corpus/"$name"/. "$corpus"/
  fi
  args=(-max_total_time="$seconds" -timeout=10 -print_final_stats=1
        -artifact_prefix="$artifacts"/)
  if [[ -f tests/fuzz/$name.dict ]]; then
    args+=("-dict=tests/fuzz/$name.dict")
  fi
  echo "=== $target for ${seconds}s on $corpus"
  log=build-fuzz/$target.log
  rc=0
  "$bin" "${args[@]}" "$corpus" 2>&1 | tee "$log" || rc=$?
  runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" \
           | grep -Eo '[0-9]+$' || echo "?")
  size=$(find "$corpus" -type f | wc -l)
  if ((rc == 0)); then
    results+=("$target: ok ($runs runs, corpus $size files)")
    passed=$((passed + 1))
  else
    results+=("$target: FAILED rc=$rc, see $log and $artifacts/")
    failed=$((failed + 1))
  fi
done

echo
echo "=== fuzz.sh summary (${seconds}s per target)"
for r in "${results[@]}"; do
  echo "  $r"
done
echo "fuzz: $passed passed, $failed failed"
((failed == 0))
