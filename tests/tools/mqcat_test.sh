#!/usr/bin/env bash
# mqcat against real libzmq peers (pyzmq): round trips through a ROUTER echo,
# multipart lines, receiving and echoing on a bound socket, --send's flush at
# stdin's end, and the exit codes (0 success, 1 timeout/failure, 2 bad
# usage).
#
# Usage: tests/tools/mqcat_test.sh path/to/mqcat
# Exit status: 0 all checks passed, 1 a check failed, 77 skipped (no pyzmq).
# Every mqcat and python run is bounded by `timeout`.

set -u

MQCAT=${1:?usage: $0 path/to/mqcat}
PY=/usr/bin/python3
T=10 # seconds any single command may take

if ! "$PY" -c 'import zmq' 2>/dev/null; then
  echo "SKIP: $PY has no pyzmq (apt-get install python3-zmq)"
  exit 77
fi

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

# -- peers ---------------------------------------------------------------------

# A ROUTER that echoes every message to its sender; prints its port.
cat >"$work/router_echo.py" <<'EOF'
import zmq
ctx = zmq.Context()
s = ctx.socket(zmq.ROUTER)
s.linger = 0
print(s.bind_to_random_port("tcp://127.0.0.1"), flush=True)
while True:
    s.send_multipart(s.recv_multipart())
EOF

# A DEALER that connects to argv[1] and sends two messages, one multipart.
cat >"$work/dealer_send.py" <<'EOF'
import sys, zmq
ctx = zmq.Context()
s = ctx.socket(zmq.DEALER)
s.linger = 5000
s.connect(sys.argv[1])
s.send(b"first")
s.send_multipart([b"second", b"\x00\x01", b"part"])
s.close()
ctx.term()
EOF

# A DEALER that connects to argv[1], sends two messages and expects each back
# unchanged; exits 1 otherwise.
cat >"$work/dealer_echo_client.py" <<'EOF'
import sys, zmq
ctx = zmq.Context()
s = ctx.socket(zmq.DEALER)
s.linger = 0
s.rcvtimeo = 5000
s.connect(sys.argv[1])
for msg in ([b"ping"], [b"multi", b"\x00\xff", b""]):
    s.send_multipart(msg)
    try:
        got = s.recv_multipart()
    except zmq.Again:
        sys.exit("no echo for %r" % msg)
    if got != msg:
        sys.exit("echo %r != %r" % (got, msg))
print("echoed 2")
EOF

# A DEALER bound on a random port (printed) that prints what it receives and
# exits after 1.5 s without a message.
cat >"$work/dealer_sink.py" <<'EOF'
import zmq
ctx = zmq.Context()
s = ctx.socket(zmq.DEALER)
s.linger = 0
print(s.bind_to_random_port("tcp://127.0.0.1"), flush=True)
s.rcvtimeo = 1500
try:
    while True:
        print(b"|".join(s.recv_multipart()).decode(), flush=True)
except zmq.Again:
    print("idle", flush=True)
EOF

# A port nothing listens on.
dead_port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

timeout 55 "$PY" "$work/router_echo.py" >"$work/router.port" 2>&1 &
pids+=($!)
router_port=$(await_line "$work/router.port" '^[0-9]+$') || {
  echo "FAIL - the pyzmq ROUTER echo did not start: $(cat "$work/router.port")"
  exit 1
}
router=tcp://127.0.0.1:$router_port

# Runs mqcat with stdin from $1 (a string, printf format), the rest as
# arguments; sets $out, $err and $rc.
run() {
  local input=$1
  shift
  out=$(printf "$input" | timeout "$T" "$MQCAT" "$@" 2>"$work/stderr")
  rc=$?
  err=$(cat "$work/stderr")
}

# -- round trips through the ROUTER echo ---------------------------------------

name="--connect --send --recv -n 3: three lines round trip"
run 'one\ntwo\nthree\n' dealer --connect "$router" --send --recv -n 3
expected=$'one\ntwo\nthree'
if [[ $rc == 0 && $out == "$expected" ]]; then pass "$name"; else
  fail "$name" "rc=$rc (want 0)" "stdout: $out" "stderr: $err"; fi

# A line with the delimiter becomes several frames: had it travelled as one
# frame, that frame would contain '|' and print as hex.
name="-d '|': lines are multipart messages (empty and hex frames too)"
run 'a|b|c\nhead||0x00ff\n' dealer --connect "$router" --send --recv -n 2 \
  -d '|'
expected=$'a|b|c\nhead||0x00ff'
if [[ $rc == 0 && $out == "$expected" ]]; then pass "$name"; else
  fail "$name" "rc=$rc (want 0)" "stdout: $out" "stderr: $err"; fi

name="unprintable frames print as 0x + hex, a last line needs no newline"
run '0x00ff\nplain' dealer --connect "$router" --send --recv -n 2
expected=$'0x00ff\nplain'
if [[ $rc == 0 && $out == "$expected" ]]; then pass "$name"; else
  fail "$name" "rc=$rc (want 0)" "stdout: $out" "stderr: $err"; fi

# -- receiving on a bound socket -----------------------------------------------

name="--bind --recv -n 2 receives from a pyzmq DEALER"
timeout "$T" "$MQCAT" dealer --bind 'tcp://127.0.0.1:*' --recv -n 2 \
  >"$work/bind.out" 2>"$work/bind.err" &
mqcat_pid=$!
pids+=($mqcat_pid)
if bound=$(await_line "$work/bind.err" '^mqcat: bound tcp://'); then
  timeout "$T" "$PY" "$work/dealer_send.py" "${bound#mqcat: bound }"
  wait "$mqcat_pid"
  rc=$?
  expected=$'first\nsecond\t0x0001\tpart'
  out=$(cat "$work/bind.out")
  if [[ $rc == 0 && $out == "$expected" ]]; then pass "$name"; else
    fail "$name" "rc=$rc (want 0)" "stdout: $out" \
      "stderr: $(cat "$work/bind.err")"; fi
else
  fail "$name" "mqcat did not report its port" \
    "stderr: $(cat "$work/bind.err")"
fi

# The last echo is sent just before -n stops mqcat: it must still arrive.
name="--bind --echo -n 2 answers a pyzmq DEALER, the last echo too"
timeout "$T" "$MQCAT" dealer --bind 'tcp://127.0.0.1:*' --echo -n 2 \
  >"$work/echo.out" 2>"$work/echo.err" &
mqcat_pid=$!
pids+=($mqcat_pid)
if bound=$(await_line "$work/echo.err" '^mqcat: bound tcp://'); then
  client=$(timeout "$T" "$PY" "$work/dealer_echo_client.py" \
    "${bound#mqcat: bound }" 2>&1)
  client_rc=$?
  wait "$mqcat_pid"
  rc=$?
  if [[ $rc == 0 && $client_rc == 0 && ! -s $work/echo.out ]]; then
    pass "$name"; else
    fail "$name" "rc=$rc (want 0)" "client: $client" \
      "stdout: $(cat "$work/echo.out") (want nothing without --recv)" \
      "stderr: $(cat "$work/echo.err")"; fi
else
  fail "$name" "mqcat did not report its port" \
    "stderr: $(cat "$work/echo.err")"
fi

# -- --send only: stdin's end flushes ------------------------------------------

name="--send only: exits 0 at stdin's end after the peer got every line"
timeout "$T" "$PY" "$work/dealer_sink.py" >"$work/sink.out" 2>&1 &
sink_pid=$!
pids+=($sink_pid)
if sink_port=$(await_line "$work/sink.out" '^[0-9]+$'); then
  run 'x\ny|z\n' dealer --connect "tcp://127.0.0.1:$sink_port" --send -d '|'
  wait "$sink_pid"
  got=$(tail -n +2 "$work/sink.out")
  expected=$'x\ny|z\nidle'
  if [[ $rc == 0 && $got == "$expected" ]]; then pass "$name"; else
    fail "$name" "rc=$rc (want 0)" "peer got: $got" "stderr: $err"; fi
else
  fail "$name" "the pyzmq DEALER did not start: $(cat "$work/sink.out")"
fi

# -- failures ------------------------------------------------------------------

name="--timeout 300 without a peer exits 1 with a message"
start=$(date +%s%N)
run '' dealer --connect "tcp://127.0.0.1:$dead_port" --recv --timeout 300
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
if [[ $rc == 1 && $err == *timeout* && $elapsed_ms -lt 5000 ]]; then
  pass "$name"; else
  fail "$name" "rc=$rc (want 1) after $elapsed_ms ms" "stderr: $err"; fi

name="--send --timeout 300: unacknowledged lines exit 1 with a message"
run 'lost\n' dealer --connect "tcp://127.0.0.1:$dead_port" --send --recv \
  --timeout 300
if [[ $rc == 1 && $err == *timeout* ]]; then pass "$name"; else
  fail "$name" "rc=$rc (want 1)" "stderr: $err"; fi

# Each: expected stderr fragment, then the arguments.
usage_cases=(
  "missing socket TYPE|"
  "unknown socket type|bogus --connect $router --recv"
  "not implemented yet|router --bind tcp://127.0.0.1:* --recv"
  "--bind EP or --connect EP|dealer --recv"
  "nothing to do|dealer --connect $router"
  "unknown option|dealer --connect $router --recv --frobnicate"
  "positive number|dealer --connect $router --recv -n 0"
  "exactly one character|dealer --connect $router --recv -d ab"
  "sub and xsub|dealer --connect $router --recv --subscribe x"
  "bad plugin option|dealer --connect $router --recv --monocoque.nope=1"
  "unsupported_transport|dealer --connect foo://bar --recv"
)
for case in "${usage_cases[@]}"; do
  want=${case%%|*}
  read -r -a argv <<<"${case#*|}"
  name="bad usage exits 2: mqcat ${argv[*]}"
  run '' "${argv[@]}"
  if [[ $rc == 2 && $err == *"$want"* ]]; then pass "$name"; else
    fail "$name" "rc=$rc (want 2)" "stderr: $err (want '$want')"; fi
done

name="--help exits 0 and shows the usage"
run '' --help
if [[ $rc == 0 && $out == usage:* ]]; then pass "$name"; else
  fail "$name" "rc=$rc (want 0)" "stdout: $out"; fi

echo "$failures check(s) failed"
[[ $failures == 0 ]]
