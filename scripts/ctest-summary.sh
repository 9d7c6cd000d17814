# shellcheck shell=bash
# Sourced by scripts/test.sh (and by its check, tests/tools/test_sh_test.sh):
# turns the log of a ctest run into counts and keeps test.sh's stage lines
# and totals.
#
# ctest counts a skipped test (SKIP_RETURN_CODE, SKIP_REGULAR_EXPRESSION) as
# passed in its summary ("100% tests passed, 0 tests failed out of 12") and
# lists it at the end, after "The following tests did not run:", as
# "<tab>45 - liveness_netns (Skipped)". Here skips are counted apart from
# passes and printed; under CI=true a skip is a failure: CI installs
# everything the suite needs (scripts/install-deps.sh), so a skip there means
# something is missing.

total_passed=0
total_failed=0
total_skipped=0
stages=()

# ci_mode: whether skips are failures (CI=true, as CI services set it).
ci_mode() {
  [[ "${CI:-}" == true || "${CI:-}" == 1 ]]
}

# ctest_log_counts LOG: sets log_total, log_failed, log_skipped (counts)
# and log_skips (the "NUM - NAME" of each skipped test) from a ctest log.
ctest_log_counts() {
  local log=$1 line
  log_total=0 log_failed=0 log_skipped=0 log_skips=()
  # "100% tests passed, 0 tests failed out of 12"
  line=$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" \
           | tail -n1 || true)
  if [[ -n "$line" ]]; then
    log_failed=$(sed -E 's/.* ([0-9]+) tests? failed.*/\1/' <<<"$line")
    log_total=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$line")
  fi
  # The last "did not run" list: "<tab>  2 - name (Skipped)" lines up to the
  # first line of another form.
  local in_list=0 re='^[[:space:]]*([0-9]+) - (.+) \(Skipped\)[[:space:]]*$'
  while IFS= read -r line; do
    if [[ "$line" == "The following tests did not run:"* ]]; then
      in_list=1 log_skips=()
    elif ((in_list)); then
      if [[ "$line" =~ $re ]]; then
        log_skips+=("${BASH_REMATCH[1]} - ${BASH_REMATCH[2]}")
      elif [[ ! "$line" =~ ^[[:space:]]*[0-9]+\ -\  ]]; then
        in_list=0 # the list ended (an entry of another kind is not a skip)
      fi
    fi
  done <"$log"
  log_skipped=${#log_skips[@]}
}

# ctest_skip_reason LASTTEST NAME: the last line test NAME printed, from
# ctest's Testing/Temporary/LastTest.log (a skipping test says there why).
ctest_skip_reason() {
  [[ -r "$1" ]] || return 0
  awk -v name="$2" '
    /^[0-9]+\/[0-9]+ Test: / { cur = $0; sub(/^[0-9]+\/[0-9]+ Test: /, "", cur) }
    cur == name && /^Output:$/ { out = 1; last = ""; next }
    out && /^<end of output>$/ { out = 0; found = last; next }
    out && NF && !/^-+$/ { last = $0 }
    END { print substr(found, 1, 240) }' "$1"
}

# record_stage NAME LOG RC [LASTTEST]: adds the ctest run of stage NAME (its
# log, and ctest's exit status RC) to the stage lines and the totals; each
# skipped test is listed with the last line it printed, read from LASTTEST
# (ctest's Testing/Temporary/LastTest.log) when given.
record_stage() {
  local name=$1 log=$2 rc=$3 last_test=${4:-}
  ctest_log_counts "$log"
  local total=$log_total failed=$log_failed skipped=$log_skipped
  local passed=$((total - failed - skipped))
  if ((rc != 0 && failed == 0)); then
    failed=1 # ctest failed without a summary (e.g. no tests, crash)
  fi
  local skip_note=""
  if ((skipped > 0)); then
    skip_note=", $skipped skipped"
  fi
  if ((total == 0)); then
    stages+=("[$name] FAILED: ctest ran no test")
    failed=$((failed > 0 ? failed : 1))
  elif ((failed > 0)); then
    stages+=("[$name] FAILED: $passed of $total tests passed$skip_note")
  elif ((skipped > 0)) && ci_mode; then
    stages+=("[$name] FAILED: $passed of $total tests passed$skip_note (CI=true: a skip is a failure; scripts/install-deps.sh installs what the suite needs)")
  elif ((skipped > 0)); then
    stages+=("[$name] ok: $passed of $total tests passed$skip_note")
  else
    stages+=("[$name] ok: all $total tests passed")
  fi
  local s why
  for s in "${log_skips[@]}"; do
    why=$(ctest_skip_reason "$last_test" "${s#* - }")
    stages+=("    skipped: $s${why:+: $why}")
  done
  if ((skipped > 0)) && ci_mode; then
    failed=$((failed + skipped))
  fi
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
  total_skipped=$((total_skipped + skipped))
}

# print_summary: prints the stage lines and the totals; its status says
# whether everything passed.
print_summary() {
  echo
  echo "=== test.sh summary"
  local s
  for s in "${stages[@]}"; do
    echo "  $s"
  done
  if ((total_failed > 0)); then
    echo "test.sh: FAILED"
  else
    echo "test.sh: OK"
  fi
  local note=""
  if ((total_skipped > 0)) && ci_mode; then
    note=" (CI=true: the skips count as failures)"
  fi
  echo "summary: $total_passed passed, $total_failed failed," \
       "$total_skipped skipped$note"
  ((total_failed == 0))
}
