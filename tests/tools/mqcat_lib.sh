# Shared prologue of the mqcat tests (mqcat_test.sh, mqcat_security_test.sh);
# source it after the usage comment. Sets MQCAT ($1), PY, T (seconds any
# single command may take), a work folder and the background pids (both
# cleaned up on exit), and the failure counter; defines pass, fail,
# await_line, run, start_bound, start_peer and finish.

set -u

MQCAT=${1:?usage: $0 path/to/mqcat}
PY=/usr/bin/python3
T=10 # seconds any single command may take

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT

failures=0
pass() { echo "ok   - $1"; }
fail() {
  echo "FAIL - $1"
  shift
  for detail in "$@"; do
    echo "       $detail"
  done
  failures=$((failures + 1))
}

# Waits up to 5 s for file $1 to contain a line matching $2; prints the match.
await_line() {
  local i
  for ((i = 0; i < 50; i++)); do
    if grep -m1 -E "$2" "$1" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}

# Runs mqcat with stdin from $1 (a string, printf format), the rest as
# arguments; sets $out, $err and $rc.
run() {
  local input=$1
  shift
  out=$(printf "$input" | timeout "$T" "$MQCAT" "$@" 2>"$work/stderr")
  rc=$?
  err=$(cat "$work/stderr")
}

# Starts `mqcat ARGS...` in the background with stdout and stderr in
# $work/$1.out and $work/$1.err (stdin: $work/$1.in, a file or a FIFO, if
# it exists, else nothing), and waits for it to report its bound endpoint; sets
# $mqcat_pid and $bound (the endpoint), or returns 1.
start_bound() {
  local tag=$1 input=/dev/null
  shift
  [[ -e $work/$tag.in ]] && input=$work/$tag.in
  timeout "$T" "$MQCAT" "$@" <"$input" >"$work/$tag.out" \
    2>"$work/$tag.err" 3>&- &
  mqcat_pid=$!
  pids+=($mqcat_pid)
  bound=$(await_line "$work/$tag.err" '^mqcat: bound tcp://') || return 1
  bound=${bound#mqcat: bound }
}

# Starts the pyzmq peer script $2 (arguments: the rest) with its output in
# $work/$1.peer and waits for it to print its port; sets $peer_pid and
# $peer_ep, or returns 1.
start_peer() {
  local tag=$1
  shift
  timeout "$T" "$PY" "$@" >"$work/$tag.peer" 2>&1 &
  peer_pid=$!
  pids+=($peer_pid)
  local port
  port=$(await_line "$work/$tag.peer" '^[0-9]+$') || return 1
  peer_ep=tcp://127.0.0.1:$port
}

# finish: prints the tally; the exit status says whether all passed.
finish() {
  echo "$failures check(s) failed"
  [[ $failures == 0 ]]
}
