#!/usr/bin/env bash
# The fan-out tools (fanout on our actors, zmq_fanout on libzmq) with small
# counts: 1, 10 and 100 subscribers, ours also with --ring, and a run with a
# small HWM (drops allowed, reported). Checks the output lines and that,
# with the default HWM (= message count), every message reached every
# subscriber; never asserts a timing.
#
# Usage: tests/tools/fanout_tools_test.sh BIN_DIR
# Exit status: 0 all passed, 1 a check failed. Every run is bounded.

# shellcheck source=tool_test_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/tool_test_lib.sh"

# run TOOL SIZE COUNT SUBS MAY_DROP [EXTRA_ARGS...]
run() {
  local tool=$1 size=$2 count=$3 subs=$4 may_drop=$5
  shift 5
  n=$((n + 1))
  local ep="tcp://127.0.0.1:$(free_port)"
  timeout -k 5 $T "$BIN/$tool" "$ep" "$size" "$count" "$subs" "$@" \
    >"$work/out" 2>&1
  local rc=$?
  local what="$tool ${size}B x$count to $subs subs $*"
  local ok=1
  [[ $rc -eq 0 ]] || ok=0
  grep -q "^message size: $size \[B\]$" "$work/out" || ok=0
  grep -q "^message count: $count$" "$work/out" || ok=0
  grep -q "^subscribers: $subs$" "$work/out" || ok=0
  grep -Eq '^mean throughput: [0-9]+ \[msg/s\]$' "$work/out" || ok=0
  grep -Eq '^mean throughput: [0-9.]+ \[Mb/s\]$' "$work/out" || ok=0
  local delivered dropped
  delivered=$(sed -n 's/^delivered: \([0-9]*\)$/\1/p' "$work/out")
  dropped=$(sed -n 's/^dropped: \([0-9]*\)$/\1/p' "$work/out")
  if [[ -z $delivered || -z $dropped ]] ||
     [[ $((delivered + dropped)) -ne $((count * subs)) ]]; then
    ok=0
  elif [[ $may_drop -eq 0 && $dropped -ne 0 ]]; then
    ok=0
  fi
  if [[ $ok -eq 1 ]]; then
    echo "ok   - $what (dropped ${dropped})"
  else
    echo "FAIL - $what (rc $rc)"
    sed 's/^/       /' "$work/out"
    failures=$((failures + 1))
  fi
}

for tool in fanout zmq_fanout; do
  run $tool 64 20000 1 0
  run $tool 64 2000 10 0
  run $tool 64 200 100 0
  run $tool 1024 2000 3 0
  # Small HWM: the publisher outruns its subscribers and drops; the run
  # still ends (--quiet-ms after the last delivery) and reports them.
  run $tool 64 50000 3 1 --hwm=10 --quiet-ms=300
done
run fanout 64 20000 1 0 --ring
run fanout 64 200 100 0 --ring

# Bad arguments: the usage line, exit 1.
for tool in fanout zmq_fanout; do
  check_usage "$tool" tcp://127.0.0.1:1 64 10
done

finish
