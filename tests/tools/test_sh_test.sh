#!/usr/bin/env bash
# Checks how scripts/test.sh counts a ctest run (scripts/ctest-summary.sh):
# skipped tests are counted and listed apart from the passed ones, and with
# CI=true a skip fails the run. On hand-written ctest logs, then on the log
# of a real ctest run of a throw-away project (one test passes, one exits 77
# with SKIP_RETURN_CODE 77, one fails), so a change of ctest's wording shows.
#
# usage: test_sh_test.sh SOURCE_DIR CMAKE CTEST
set -u
src=${1:?usage: $0 SOURCE_DIR CMAKE CTEST}
cmake_cmd=${2:?usage: $0 SOURCE_DIR CMAKE CTEST}
ctest_cmd=${3:?usage: $0 SOURCE_DIR CMAKE CTEST}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
n=0

# check WHAT EXPECTED ACTUAL
check() {
  n=$((n + 1))
  if [[ "$2" == "$3" ]]; then
    echo "ok   - $1"
  else
    echo "FAIL - $1: expected '$2', got '$3'"
    failures=$((failures + 1))
  fi
}

# summarize CI LOG RC [LASTTEST]: runs record_stage + print_summary in a
# subshell with CI set to CI; prints their output and then
# "status=<print_summary status>".
summarize() {
  (
    export CI=$1
    # shellcheck source=scripts/ctest-summary.sh
    source "$src/scripts/ctest-summary.sh"
    record_stage release "$2" "$3" "${4:-}"
    print_summary
    echo "status=$?"
  )
}

# -- hand-written logs -------------------------------------------------------

cat >"$work/all.log" <<'EOF'
 1/3 Test #1: a ............   Passed    0.01 sec
 2/3 Test #2: b ............   Passed    0.01 sec
 3/3 Test #3: c ............   Passed    0.01 sec

100% tests passed, 0 tests failed out of 3

Total Test time (real) =   0.03 sec
EOF

cat >"$work/skips.log" <<'EOF'
 1/4 Test #1: a ............   Passed    0.01 sec
 2/4 Test #2: liveness_netns ***Skipped   0.01 sec
 3/4 Test #3: c ............   Passed    0.01 sec
 4/4 Test #4: interop_jeromq_pub_sub ***Skipped   0.01 sec

100% tests passed, 0 tests failed out of 4

Total Test time (real) =   0.03 sec

The following tests did not run:
	  2 - liveness_netns (Skipped)
	  4 - interop_jeromq_pub_sub (Skipped)
EOF

cat >"$work/mixed.log" <<'EOF'
 1/3 Test #1: a ............   Passed    0.01 sec
 2/3 Test #2: b ............***Failed    0.01 sec
 3/3 Test #3: s ............***Skipped   0.01 sec

67% tests passed, 1 tests failed out of 3

Total Test time (real) =   0.03 sec

The following tests did not run:
	  3 - s (Skipped)

The following tests FAILED:
	  2 - b (Failed)
Errors while running CTest
EOF

out=$(summarize "" "$work/all.log" 0)
check "all passed: stage line" "1" \
  "$(grep -c '\[release\] ok: all 3 tests passed' <<<"$out")"
check "all passed: totals" "summary: 3 passed, 0 failed, 0 skipped" \
  "$(grep '^summary:' <<<"$out")"
check "all passed: status" "status=0" "$(tail -n1 <<<"$out")"

out=$(summarize "" "$work/skips.log" 0)
check "skips: not counted as passed" "1" \
  "$(grep -c '\[release\] ok: 2 of 4 tests passed, 2 skipped' <<<"$out")"
check "skips: no 'all N tests passed'" "0" \
  "$(grep -c 'all 4 tests passed' <<<"$out")"
check "skips: each listed" "2" \
  "$(grep -cE 'skipped: (2 - liveness_netns|4 - interop_jeromq_pub_sub)$' \
       <<<"$out")"
check "skips: totals" "summary: 2 passed, 0 failed, 2 skipped" \
  "$(grep '^summary:' <<<"$out")"
check "skips without CI: status" "status=0" "$(tail -n1 <<<"$out")"

out=$(summarize true "$work/skips.log" 0)
check "skips with CI=true: stage fails" "1" \
  "$(grep -c '\[release\] FAILED: 2 of 4 tests passed, 2 skipped (CI=true' \
       <<<"$out")"
check "skips with CI=true: run fails" "1" "$(grep -c '^test.sh: FAILED' <<<"$out")"
check "skips with CI=true: status" "status=1" "$(tail -n1 <<<"$out")"

out=$(summarize "" "$work/mixed.log" 8)
check "failed and skipped: stage line" "1" \
  "$(grep -c '\[release\] FAILED: 1 of 3 tests passed, 1 skipped' <<<"$out")"
check "failed and skipped: totals" "summary: 1 passed, 1 failed, 1 skipped" \
  "$(grep '^summary:' <<<"$out")"
check "failed and skipped: the failed test is no skip" "0" \
  "$(grep -c 'skipped: 2 - b' <<<"$out")"
check "failed and skipped: status" "status=1" "$(tail -n1 <<<"$out")"

# -- a real ctest run ----------------------------------------------------------

mkdir -p "$work/project"
cat >"$work/project/CMakeLists.txt" <<'EOF'
cmake_minimum_required(VERSION 3.16)
project(skip_probe NONE)
enable_testing()
add_test(NAME passes COMMAND sh -c "exit 0")
add_test(NAME skips COMMAND sh -c "echo 'SKIPPED: nothing here' >&2; exit 77")
set_tests_properties(skips PROPERTIES SKIP_RETURN_CODE 77)
add_test(NAME fails COMMAND sh -c "exit 3")
EOF
if ! "$cmake_cmd" -S "$work/project" -B "$work/build" >"$work/cmake.out" 2>&1
then
  cat "$work/cmake.out"
  echo "FAIL - could not configure the probe project"
  exit 1
fi
rc=0
# As scripts/test.sh runs it.
"$ctest_cmd" --test-dir "$work/build" --output-on-failure -j2 --timeout 60 \
  >"$work/real.log" 2>&1 || rc=$?
last_test="$work/build/Testing/Temporary/LastTest.log"
out=$(summarize "" "$work/real.log" "$rc" "$last_test")
check "real ctest: stage line" "1" \
  "$(grep -c '\[release\] FAILED: 1 of 3 tests passed, 1 skipped' <<<"$out")"
check "real ctest: skip listed with what it printed" "1" \
  "$(grep -cE 'skipped: [0-9]+ - skips: SKIPPED: nothing here$' <<<"$out")"
check "real ctest: totals" "summary: 1 passed, 1 failed, 1 skipped" \
  "$(grep '^summary:' <<<"$out")"

# Without the failing test: the skip alone passes, except under CI=true.
sed -i '/NAME fails/d' "$work/project/CMakeLists.txt"
"$cmake_cmd" -S "$work/project" -B "$work/build" >"$work/cmake.out" 2>&1
rc=0
"$ctest_cmd" --test-dir "$work/build" --output-on-failure -j2 --timeout 60 \
  >"$work/real.log" 2>&1 || rc=$?
check "real ctest: a skip alone exits 0" "0" "$rc"
out=$(summarize "" "$work/real.log" "$rc")
check "real ctest, skip only: totals" "summary: 1 passed, 0 failed, 1 skipped" \
  "$(grep '^summary:' <<<"$out")"
check "real ctest, skip only: status" "status=0" "$(tail -n1 <<<"$out")"
out=$(summarize true "$work/real.log" "$rc")
check "real ctest, skip only, CI=true: status" "status=1" \
  "$(tail -n1 <<<"$out")"

if ((failures > 0)); then
  echo "--- last ctest log:"
  cat "$work/real.log"
fi
echo "$n checks, $failures failed"
[[ $failures -eq 0 ]]
