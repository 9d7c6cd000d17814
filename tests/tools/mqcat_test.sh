#!/usr/bin/env bash
# mqcat against real libzmq peers (pyzmq): round trips through a ROUTER echo,
# multipart lines, receiving and echoing on a bound socket, --send's flush at
# stdin's end, every socket type (router, req, rep, push, pull, pair, pub,
# sub, xpub, xsub) in the directions it allows, -v's statistics, stopping on
# SIGTERM, `mqcat proxy` (xsub/xpub and router/dealer between pyzmq peers),
# and the exit codes (0 success, 1 timeout/failure, 2 bad usage).
#
# Usage: tests/tools/mqcat_test.sh path/to/mqcat
# Exit status: 0 all checks passed, 1 a check failed, 77 skipped (no pyzmq).
# Every mqcat and python run is bounded by `timeout`.

# shellcheck source=mqcat_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/mqcat_lib.sh"

if ! "$PY" -c 'import zmq' 2>/dev/null; then
  echo "SKIP: $PY has no pyzmq (apt-get install python3-zmq)"
  exit 77
fi

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

# A socket of type argv[2] (default DEALER; also PUSH) that connects to
# argv[1], sends two messages, one multipart, and stays connected for argv[3]
# seconds (default 0).
cat >"$work/dealer_send.py" <<'EOF'
import sys, time, zmq
ctx = zmq.Context()
s = ctx.socket(getattr(zmq, sys.argv[2] if len(sys.argv) > 2 else "DEALER"))
s.linger = 5000
s.connect(sys.argv[1])
s.send(b"first")
s.send_multipart([b"second", b"\x00\x01", b"part"])
time.sleep(float(sys.argv[3]) if len(sys.argv) > 3 else 0)
s.close()
ctx.term()
EOF

# A socket of type argv[2] (default DEALER; also REQ, PAIR) with routing id
# argv[3] (if given and not empty) that connects to argv[1], sends two
# messages and expects each back unchanged (exits 1 otherwise), then stays
# connected for argv[4] seconds (default 0).
cat >"$work/dealer_echo_client.py" <<'EOF'
import sys, time, zmq
ctx = zmq.Context()
s = ctx.socket(getattr(zmq, sys.argv[2] if len(sys.argv) > 2 else "DEALER"))
if len(sys.argv) > 3 and sys.argv[3]:
    s.identity = sys.argv[3].encode()
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
print("echoed 2", flush=True)
time.sleep(float(sys.argv[4]) if len(sys.argv) > 4 else 0)
EOF

# A socket of type argv[1] (default DEALER; also PULL) bound on a random port
# (printed) that prints what it receives and exits after 1.5 s without a
# message.
cat >"$work/dealer_sink.py" <<'EOF'
import sys, zmq
ctx = zmq.Context()
s = ctx.socket(getattr(zmq, sys.argv[1] if len(sys.argv) > 1 else "DEALER"))
s.linger = 0
print(s.bind_to_random_port("tcp://127.0.0.1"), flush=True)
s.rcvtimeo = 1500
try:
    while True:
        print(b"|".join(s.recv_multipart()).decode(), flush=True)
except zmq.Again:
    print("idle", flush=True)
EOF

# A socket of type argv[1] (REP or PAIR) bound on a random port (printed)
# that answers every message with itself; exits after 5 s without one.
cat >"$work/echo_server.py" <<'EOF'
import sys, zmq
ctx = zmq.Context()
s = ctx.socket(getattr(zmq, sys.argv[1]))
s.linger = 1000
print(s.bind_to_random_port("tcp://127.0.0.1"), flush=True)
s.rcvtimeo = 5000
try:
    while True:
        s.send_multipart(s.recv_multipart())
except zmq.Again:
    pass
EOF

# A REQ that connects to argv[1], sends argv[2:] as requests one by one and
# prints each reply (as a Python list).
cat >"$work/req_client.py" <<'EOF'
import sys, zmq
ctx = zmq.Context()
s = ctx.socket(zmq.REQ)
s.linger = 0
s.rcvtimeo = 5000
s.connect(sys.argv[1])
for req in sys.argv[2:]:
    s.send(req.encode())
    try:
        print(s.recv_multipart(), flush=True)
    except zmq.Again:
        sys.exit("no reply to %r" % req)
EOF

# A DEALER with routing id "peerA" that connects to argv[1], says "hello",
# prints the next two messages (as Python lists), then says "bye".
cat >"$work/router_peer.py" <<'EOF'
import sys, zmq
ctx = zmq.Context()
s = ctx.socket(zmq.DEALER)
s.identity = b"peerA"
s.linger = 5000
s.rcvtimeo = 5000
s.connect(sys.argv[1])
s.send(b"hello")
try:
    for _ in range(2):
        print(s.recv_multipart(), flush=True)
except zmq.Again:
    sys.exit("no message from the router")
s.send(b"bye")
s.close()
ctx.term()
EOF

# A PUB that connects to argv[1] (or binds a random port, printed, if
# argv[1] is "bind") and publishes A<i>, B<i>, C<i> every 50 ms.
cat >"$work/pub_cycle.py" <<'EOF'
import sys, time, zmq
ctx = zmq.Context()
s = ctx.socket(zmq.PUB)
s.linger = 0
if sys.argv[1] == "bind":
    print(s.bind_to_random_port("tcp://127.0.0.1"), flush=True)
else:
    s.connect(sys.argv[1])
i = 0
while True:
    for topic in (b"A", b"B", b"C"):
        s.send(topic + str(i).encode())
    i += 1
    time.sleep(0.05)
EOF

# A SUB that binds a random port (printed, if argv[1] is "bind") or
# connects to argv[1], subscribes to argv[2], prints the first argv[3]
# messages ("|"-joined) and exits; exits 1 after 5 s without one.
cat >"$work/sub_print.py" <<'EOF'
import sys, zmq
ctx = zmq.Context()
s = ctx.socket(zmq.SUB)
s.linger = 0
s.rcvtimeo = 5000
s.setsockopt(zmq.SUBSCRIBE, sys.argv[2].encode())
if sys.argv[1] == "bind":
    print(s.bind_to_random_port("tcp://127.0.0.1"), flush=True)
else:
    s.connect(sys.argv[1])
try:
    for _ in range(int(sys.argv[3])):
        print(b"|".join(s.recv_multipart()).decode(), flush=True)
except zmq.Again:
    sys.exit("nothing arrived")
EOF

# A REP that connects to argv[1] and answers each request with "re:" +
# request; exits after 5 s without one.
cat >"$work/rep_worker.py" <<'EOF'
import sys, zmq
ctx = zmq.Context()
s = ctx.socket(zmq.REP)
s.linger = 1000
s.rcvtimeo = 5000
s.connect(sys.argv[1])
try:
    while True:
        s.send(b"re:" + s.recv())
except zmq.Again:
    pass
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

# -- ROUTER ---------------------------------------------------------------------

# The id frame prints first; the echo (id frame included) routes back. -v
# prints the socket's and the peer's statistics on exit.
name="router --bind --recv --echo -v: prints the id frame, answers a pyzmq DEALER"
if start_bound rtr router --bind 'tcp://127.0.0.1:*' --recv --echo -n 2 -v; then
  client=$(timeout "$T" "$PY" "$work/dealer_echo_client.py" "$bound" DEALER \
    client1 1 2>&1)
  client_rc=$?
  wait "$mqcat_pid"
  rc=$?
  out=$(cat "$work/rtr.out")
  err=$(cat "$work/rtr.err")
  expected=$'client1\tping\nclient1\tmulti\t0x00ff\t'
  stats='^mqcat: peer id=client1 endpoint=tcp://127\.0\.0\.1:[0-9]+ key=[0-9]+ epoch=[0-9]+ type=DEALER up=yes mechanism=NULL user_id=- in_queue=0 out_queue=[0-9]+ msgs_in=2 bytes_in=11 msgs_out=2 bytes_out=11 drops=0$'
  if [[ $rc == 0 && $client_rc == 0 && $out == "$expected" ]] \
    && grep -q '^mqcat: stats ROUTER peers=1 pending=0 dropped=0 refused=0$' \
      <<<"$err" && grep -Eq "$stats" <<<"$err"; then
    pass "$name"; else
    fail "$name" "rc=$rc (want 0)" "client: $client" "stdout: $out" \
      "stderr: $err"; fi
else
  fail "$name" "mqcat did not report its port" \
    "stderr: $(cat "$work/rtr.err")"
fi

# A peer without an identity gets a generated 5-byte id: 00 + 4 bytes, hex.
name="router --bind --recv: a generated routing id prints as 0x00 + 8 hex"
if start_bound rtr2 router --bind 'tcp://127.0.0.1:*' --recv -n 2; then
  timeout "$T" "$PY" "$work/dealer_send.py" "$bound"
  wait "$mqcat_pid"
  rc=$?
  out=$(cat "$work/rtr2.out")
  if [[ $rc == 0 ]] && [[ $out =~ ^(0x00[0-9a-f]{8})$'\t'first$'\n'(0x00[0-9a-f]{8})$'\t'second$'\t'0x0001$'\t'part$ ]] \
    && [[ ${BASH_REMATCH[1]} == "${BASH_REMATCH[2]}" ]]; then
    pass "$name"; else
    fail "$name" "rc=$rc (want 0)" "stdout: $out" \
      "stderr: $(cat "$work/rtr2.err")"; fi
else
  fail "$name" "mqcat did not report its port" \
    "stderr: $(cat "$work/rtr2.err")"
fi

# Lines go in only once the peer is known (its "hello" printed), so none is
# dropped for an unknown id; the id field may be hex too.
name="router --send -d '|': a line's first field routes it to that peer"
mkfifo "$work/rtr3.in"
exec 3<>"$work/rtr3.in"
if start_bound rtr3 router --bind 'tcp://127.0.0.1:*' --send --recv -d '|' \
  -n 2; then
  timeout "$T" "$PY" "$work/router_peer.py" "$bound" >"$work/rtr3.peer" \
    2>&1 3>&- &
  peer_pid=$!
  pids+=($peer_pid)
  if await_line "$work/rtr3.out" '^peerA\|hello$' >/dev/null; then
    printf 'peerA|world\n0x7065657241|two|0x00\n' >&3
  fi
  wait "$peer_pid"
  peer_rc=$?
  wait "$mqcat_pid"
  rc=$?
  out=$(cat "$work/rtr3.out")
  got=$(cat "$work/rtr3.peer")
  if [[ $rc == 0 && $peer_rc == 0 && $out == $'peerA|hello\npeerA|bye' \
    && $got == "[b'world']"$'\n'"[b'two', b'\\x00']" ]]; then
    pass "$name"; else
    fail "$name" "rc=$rc (want 0), peer rc=$peer_rc" "stdout: $out" \
      "peer got: $got" "stderr: $(cat "$work/rtr3.err")"; fi
else
  fail "$name" "mqcat did not report its port" \
    "stderr: $(cat "$work/rtr3.err")"
fi
exec 3>&-

# -- REQ -------------------------------------------------------------------------

name="req --connect --send --recv: one reply per line from a pyzmq REP, exits at stdin's end"
if start_peer rep "$work/echo_server.py" REP; then
  run 'one\ntwo|0x00ff\nthree\n' req --connect "$peer_ep" --send --recv -d '|'
  expected=$'one\ntwo|0x00ff\nthree'
  if [[ $rc == 0 && $out == "$expected" ]]; then pass "$name"; else
    fail "$name" "rc=$rc (want 0)" "stdout: $out" "stderr: $err"; fi
  kill "$peer_pid" 2>/dev/null
else
  fail "$name" "the pyzmq REP did not start: $(cat "$work/rep.peer")"
fi

name="req --timeout 300: a request without a reply exits 1 with a message"
run 'lost\n' req --connect "tcp://127.0.0.1:$dead_port" --send --recv \
  --timeout 300
if [[ $rc == 1 && $err == *"no reply"* ]]; then pass "$name"; else
  fail "$name" "rc=$rc (want 1)" "stderr: $err"; fi

# --timeout bounds each wait for a reply, not the time stdin takes.
name="req --timeout 500: a slow stdin is no timeout"
if start_peer rep2 "$work/echo_server.py" REP; then
  out=$( (printf 'a\n'; sleep 1; printf 'b\n') | timeout "$T" "$MQCAT" req \
    --connect "$peer_ep" --send --recv --timeout 500 2>"$work/stderr")
  rc=$?
  err=$(cat "$work/stderr")
  if [[ $rc == 0 && $out == $'a\nb' ]]; then pass "$name"; else
    fail "$name" "rc=$rc (want 0)" "stdout: $out" "stderr: $err"; fi
  kill "$peer_pid" 2>/dev/null
else
  fail "$name" "the pyzmq REP did not start: $(cat "$work/rep2.peer")"
fi

# -- REP -------------------------------------------------------------------------

name="rep --bind --echo -n 2 answers a pyzmq REQ, the last reply too"
if start_bound rep3 rep --bind 'tcp://127.0.0.1:*' --echo -n 2; then
  client=$(timeout "$T" "$PY" "$work/dealer_echo_client.py" "$bound" REQ \
    2>&1)
  client_rc=$?
  wait "$mqcat_pid"
  rc=$?
  if [[ $rc == 0 && $client_rc == 0 && ! -s $work/rep3.out ]]; then
    pass "$name"; else
    fail "$name" "rc=$rc (want 0)" "client: $client" \
      "stdout: $(cat "$work/rep3.out") (want nothing without --recv)" \
      "stderr: $(cat "$work/rep3.err")"; fi
else
  fail "$name" "mqcat did not report its port" \
    "stderr: $(cat "$work/rep3.err")"
fi

name="rep --bind --recv --send: prints requests, replies with stdin lines"
printf 'r1\nr2|0x00\n' >"$work/rep4.in"
if start_bound rep4 rep --bind 'tcp://127.0.0.1:*' --recv --send -d '|'; then
  client=$(timeout "$T" "$PY" "$work/req_client.py" "$bound" q1 q2 2>&1)
  client_rc=$?
  wait "$mqcat_pid"
  rc=$?
  out=$(cat "$work/rep4.out")
  if [[ $rc == 0 && $client_rc == 0 && $out == $'q1\nq2' \
    && $client == "[b'r1']"$'\n'"[b'r2', b'\\x00']" ]]; then
    pass "$name"; else
    fail "$name" "rc=$rc (want 0)" "client: $client" "stdout: $out" \
      "stderr: $(cat "$work/rep4.err")"; fi
else
  fail "$name" "mqcat did not report its port" \
    "stderr: $(cat "$work/rep4.err")"
fi

# -- PUSH and PULL ---------------------------------------------------------------

name="push --connect --send: a pyzmq PULL gets every line, exits 0 at stdin's end"
if start_peer pull "$work/dealer_sink.py" PULL; then
  run 'x\ny|z\n' push --connect "$peer_ep" --send -d '|'
  wait "$peer_pid"
  got=$(tail -n +2 "$work/pull.peer")
  if [[ $rc == 0 && $got == $'x\ny|z\nidle' ]]; then pass "$name"; else
    fail "$name" "rc=$rc (want 0)" "peer got: $got" "stderr: $err"; fi
else
  fail "$name" "the pyzmq PULL did not start: $(cat "$work/pull.peer")"
fi

name="pull --bind --recv -n 2 -v: receives from a pyzmq PUSH"
if start_bound pull2 pull --bind 'tcp://127.0.0.1:*' --recv -n 2 -v; then
  timeout "$T" "$PY" "$work/dealer_send.py" "$bound" PUSH 1
  wait "$mqcat_pid"
  rc=$?
  out=$(cat "$work/pull2.out")
  err=$(cat "$work/pull2.err")
  if [[ $rc == 0 && $out == $'first\nsecond\t0x0001\tpart' ]] \
    && grep -q '^mqcat: stats PULL ' <<<"$err" \
    && grep -Eq '^mqcat: peer .* type=PUSH .* msgs_in=2 bytes_in=17 ' \
      <<<"$err"; then
    pass "$name"; else
    fail "$name" "rc=$rc (want 0)" "stdout: $out" "stderr: $err"; fi
else
  fail "$name" "mqcat did not report its port" \
    "stderr: $(cat "$work/pull2.err")"
fi

# -- PAIR ------------------------------------------------------------------------

name="pair --bind --echo -n 2 answers a pyzmq PAIR"
if start_bound pair pair --bind 'tcp://127.0.0.1:*' --echo -n 2; then
  client=$(timeout "$T" "$PY" "$work/dealer_echo_client.py" "$bound" PAIR \
    2>&1)
  client_rc=$?
  wait "$mqcat_pid"
  rc=$?
  if [[ $rc == 0 && $client_rc == 0 ]]; then pass "$name"; else
    fail "$name" "rc=$rc (want 0)" "client: $client" \
      "stderr: $(cat "$work/pair.err")"; fi
else
  fail "$name" "mqcat did not report its port" \
    "stderr: $(cat "$work/pair.err")"
fi

name="pair --connect --send --recv -n 2: round trips through a pyzmq PAIR"
if start_peer pair2 "$work/echo_server.py" PAIR; then
  run 'left\nright|0x00\n' pair --connect "$peer_ep" --send --recv -n 2 -d '|'
  if [[ $rc == 0 && $out == $'left\nright|0x00' ]]; then pass "$name"; else
    fail "$name" "rc=$rc (want 0)" "stdout: $out" "stderr: $err"; fi
  kill "$peer_pid" 2>/dev/null
else
  fail "$name" "the pyzmq PAIR did not start: $(cat "$work/pair2.peer")"
fi

# -- PUB, SUB, XPUB, XSUB -----------------------------------------------------------

# A PUB drops what no subscriber wants, and the SUB's subscription arrives
# some time after the connection: lines keep coming until the SUB has three.
name="pub --connect --send: a pyzmq SUB gets the lines of its prefix only"
if start_peer sub "$work/sub_print.py" bind keep 3; then
  (for i in $(seq 1 60); do printf 'drop %s\nkeep %s\n' "$i" "$i"; sleep 0.05
   done) | timeout "$T" "$MQCAT" pub --connect "$peer_ep" --send \
     >/dev/null 2>"$work/stderr"
  rc=$?
  wait "$peer_pid"
  peer_rc=$?
  got=$(tail -n +2 "$work/sub.peer")
  if [[ $rc == 0 && $peer_rc == 0 ]] \
    && [[ $got =~ ^keep\ ([0-9]+)$'\n'keep\ ([0-9]+)$'\n'keep\ ([0-9]+)$ ]] \
    && ((BASH_REMATCH[2] == BASH_REMATCH[1] + 1 \
      && BASH_REMATCH[3] == BASH_REMATCH[2] + 1)); then
    pass "$name"; else
    fail "$name" "rc=$rc (want 0), peer rc=$peer_rc" "peer got: $got" \
      "stderr: $(cat "$work/stderr")"; fi
else
  fail "$name" "the pyzmq SUB did not start: $(cat "$work/sub.peer")"
fi

name="sub --subscribe A --subscribe 0x42 --recv -n 4: prefixes filter a pyzmq PUB"
if start_bound sub2 sub --bind 'tcp://127.0.0.1:*' --subscribe A \
  --subscribe 0x42 --recv -n 4; then
  timeout 5 "$PY" "$work/pub_cycle.py" "$bound" >/dev/null 2>&1 &
  peer_pid=$!
  pids+=($peer_pid)
  wait "$mqcat_pid"
  rc=$?
  kill "$peer_pid" 2>/dev/null
  out=$(cat "$work/sub2.out")
  if [[ $rc == 0 && $(wc -l <<<"$out") == 4 ]] \
    && ! grep -qv '^[AB][0-9]*$' <<<"$out" && grep -q '^A' <<<"$out" \
    && grep -q '^B' <<<"$out"; then
    pass "$name"; else
    fail "$name" "rc=$rc (want 0)" "stdout: $out" \
      "stderr: $(cat "$work/sub2.err")"; fi
else
  fail "$name" "mqcat did not report its port" \
    "stderr: $(cat "$work/sub2.err")"
fi

name="xpub --bind --recv -n 1: a pyzmq SUB's subscription prints as hex"
if start_bound xpub xpub --bind 'tcp://127.0.0.1:*' --recv -n 1; then
  timeout "$T" "$PY" "$work/sub_print.py" "$bound" A 1 >/dev/null 2>&1 &
  peer_pid=$!
  pids+=($peer_pid)
  wait "$mqcat_pid"
  rc=$?
  kill "$peer_pid" 2>/dev/null
  out=$(cat "$work/xpub.out")
  if [[ $rc == 0 && $out == 0x0141 ]]; then pass "$name"; else
    fail "$name" "rc=$rc (want 0)" "stdout: $out (want 0x0141)" \
      "stderr: $(cat "$work/xpub.err")"; fi
else
  fail "$name" "mqcat did not report its port" \
    "stderr: $(cat "$work/xpub.err")"
fi

name="xpub --send: publishes lines to a pyzmq SUB"
if start_peer xsubpeer "$work/sub_print.py" bind B 2; then
  (for i in $(seq 1 60); do printf 'A%s\nB%s\n' "$i" "$i"; sleep 0.05
   done) | timeout "$T" "$MQCAT" xpub --connect "$peer_ep" --send \
     >/dev/null 2>"$work/stderr"
  rc=$?
  wait "$peer_pid"
  peer_rc=$?
  got=$(tail -n +2 "$work/xsubpeer.peer")
  if [[ $rc == 0 && $peer_rc == 0 ]] \
    && [[ $got =~ ^B[0-9]+$'\n'B[0-9]+$ ]]; then pass "$name"; else
    fail "$name" "rc=$rc (want 0), peer rc=$peer_rc" "peer got: $got" \
      "stderr: $(cat "$work/stderr")"; fi
else
  fail "$name" "the pyzmq SUB did not start: $(cat "$work/xsubpeer.peer")"
fi

name="xsub --send 0x0141 --recv -n 3: subscribes to A at a pyzmq PUB"
if start_peer pub "$work/pub_cycle.py" bind; then
  run '0x0141\n' xsub --connect "$peer_ep" --send --recv -n 3
  kill "$peer_pid" 2>/dev/null
  if [[ $rc == 0 && $(wc -l <<<"$out") == 3 ]] \
    && ! grep -qv '^A[0-9]*$' <<<"$out"; then pass "$name"; else
    fail "$name" "rc=$rc (want 0)" "stdout: $out" "stderr: $err"; fi
else
  fail "$name" "the pyzmq PUB did not start: $(cat "$work/pub.peer")"
fi

# -- mqcat proxy ------------------------------------------------------------------

# Starts `mqcat proxy ARGS...` in the background (output in $work/$1.err)
# and waits for its two (or three) bound endpoints; sets $mqcat_pid and the
# array $eps, or returns 1.
start_proxy() {
  local tag=$1 want=$2 i
  shift 2
  timeout "$T" "$MQCAT" proxy "$@" </dev/null >"$work/$tag.out" \
    2>"$work/$tag.err" &
  mqcat_pid=$!
  pids+=($mqcat_pid)
  for ((i = 0; i < 50; i++)); do
    if grep -q '^mqcat: proxy running' "$work/$tag.err"; then
      mapfile -t eps < <(sed -n 's/^mqcat: bound //p' "$work/$tag.err")
      [[ ${#eps[@]} == "$want" ]]
      return
    fi
    sleep 0.1
  done
  return 1
}

# -v: the backend took the SUB's subscription (and maybe its cancel, sent
# when the SUB left).
name="proxy xsub/xpub: forwards a pyzmq PUB to a pyzmq SUB, exits 0 on SIGINT"
if start_proxy fwd 2 xsub,bind,'tcp://127.0.0.1:*' \
  xpub,bind,'tcp://127.0.0.1:*' -v; then
  timeout 5 "$PY" "$work/pub_cycle.py" "${eps[0]}" >/dev/null 2>&1 &
  pub_pid=$!
  pids+=($pub_pid)
  got=$(timeout "$T" "$PY" "$work/sub_print.py" "${eps[1]}" B 3 2>&1)
  peer_rc=$?
  kill "$pub_pid" 2>/dev/null
  kill -INT "$mqcat_pid"
  wait "$mqcat_pid"
  rc=$?
  err=$(cat "$work/fwd.err")
  if [[ $rc == 0 && $peer_rc == 0 ]] \
    && [[ $got =~ ^B[0-9]+$'\n'B[0-9]+$'\n'B[0-9]+$ ]] \
    && grep -Eq '^mqcat: proxy backend msgs_in=[12] ' <<<"$err"; then
    pass "$name"; else
    fail "$name" "rc=$rc (want 0), peer rc=$peer_rc" "sub got: $got" \
      "stderr: $err"; fi
else
  fail "$name" "the proxy did not start" "stderr: $(cat "$work/fwd.err")"
fi

name="proxy router/dealer: a pyzmq REQ's requests reach a pyzmq REP and back"
if start_proxy broker 2 router,bind,'tcp://127.0.0.1:*' \
  dealer,bind,'tcp://127.0.0.1:*'; then
  timeout "$T" "$PY" "$work/rep_worker.py" "${eps[1]}" >/dev/null 2>&1 &
  rep_pid=$!
  pids+=($rep_pid)
  got=$(timeout "$T" "$PY" "$work/req_client.py" "${eps[0]}" q1 q2 2>&1)
  peer_rc=$?
  kill "$rep_pid" 2>/dev/null
  kill -TERM "$mqcat_pid"
  wait "$mqcat_pid"
  rc=$?
  if [[ $rc == 0 && $peer_rc == 0 \
    && $got == "[b're:q1']"$'\n'"[b're:q2']" ]]; then pass "$name"; else
    fail "$name" "rc=$rc (want 0), peer rc=$peer_rc" "client got: $got" \
      "stderr: $(cat "$work/broker.err")"; fi
else
  fail "$name" "the proxy did not start" "stderr: $(cat "$work/broker.err")"
fi

# -- signals ---------------------------------------------------------------------

# timeout sends SIGTERM after 2 s; --preserve-status returns mqcat's status.
name="SIGTERM stops mqcat: -v statistics, exit 143"
timeout -k 5 --preserve-status 2 "$MQCAT" pull --bind 'tcp://127.0.0.1:*' \
  --recv -v </dev/null >/dev/null 2>"$work/stderr"
rc=$?
err=$(cat "$work/stderr")
if [[ $rc == 143 && $err == *"mqcat: stats PULL peers=0"* \
  && $err == *"stopped by SIGTERM"* ]]; then pass "$name"; else
  fail "$name" "rc=$rc (want 143)" "stderr: $err"; fi

# -- failures ------------------------------------------------------------------

name="--timeout 300 without a peer exits 1 with a message"
# No duration is asserted: without a peer only --timeout can end the wait,
# and `run` kills mqcat after $T s (rc 124), so rc 1 with the message shows
# that --timeout ended it.
run '' dealer --connect "tcp://127.0.0.1:$dead_port" --recv --timeout 300
if [[ $rc == 1 && $err == *timeout* ]]; then
  pass "$name"; else
  fail "$name" "rc=$rc (want 1)" "stderr: $err"; fi

name="--send --timeout 300: unacknowledged lines exit 1 with a message"
run 'lost\n' dealer --connect "tcp://127.0.0.1:$dead_port" --send --recv \
  --timeout 300
if [[ $rc == 1 && $err == *timeout* ]]; then pass "$name"; else
  fail "$name" "rc=$rc (want 1)" "stderr: $err"; fi

# Each: expected stderr fragment, then the arguments.
usage_cases=(
  "missing socket TYPE|"
  "unknown socket type|bogus --connect $router --recv"
  "pub sockets only send|pub --bind tcp://127.0.0.1:* --send --recv"
  "sub sockets only receive|sub --connect $router --send --subscribe A"
  "add --subscribe|sub --connect $router --recv"
  "push sockets only send|push --connect $router --send --recv"
  "pull sockets only receive|pull --connect $router --send"
  "pull sockets only receive|pull --connect $router --echo"
  "req sockets alternate|req --connect $router --send"
  "req sockets alternate|req --connect $router --recv"
  "req sockets alternate|req --connect $router --send --recv --echo"
  "rep must answer|rep --bind tcp://127.0.0.1:* --recv"
  "not both|rep --bind tcp://127.0.0.1:* --echo --send"
  "router --send needs -d|router --connect $router --send"
  "--bind EP or --connect EP|dealer --recv"
  "nothing to do|dealer --connect $router"
  "unknown option|dealer --connect $router --recv --frobnicate"
  "positive number|dealer --connect $router --recv -n 0"
  "exactly one character|dealer --connect $router --recv -d ab"
  "sub and xsub|dealer --connect $router --recv --subscribe x"
  "bad plugin option|dealer --connect $router --recv --monocoque.nope=1"
  "unsupported_transport|dealer --connect foo://bar --recv"
)
usage_cases+=(
  "give a FRONTEND and a BACKEND|proxy"
  "give a FRONTEND and a BACKEND|proxy router,bind,tcp://127.0.0.1:*"
  "bad socket|proxy router,listen,tcp://127.0.0.1:* dealer,bind,tcp://127.0.0.1:*"
  "bad socket|proxy router dealer,bind,tcp://127.0.0.1:*"
  "bad socket|proxy router,bind, dealer,bind,tcp://127.0.0.1:*"
  "unknown socket type|proxy bogus,bind,tcp://127.0.0.1:* dealer,bind,tcp://127.0.0.1:*"
  "the frontend must receive|proxy push,bind,tcp://127.0.0.1:* pull,bind,tcp://127.0.0.1:*"
  "the backend must send|proxy pull,bind,tcp://127.0.0.1:* sub,bind,tcp://127.0.0.1:*"
  "the capture must send|proxy pull,bind,tcp://127.0.0.1:* push,bind,tcp://127.0.0.1:* --capture pull,bind,tcp://127.0.0.1:*"
  "unexpected argument|proxy pull,bind,tcp://127.0.0.1:* push,bind,tcp://127.0.0.1:* pair,bind,tcp://127.0.0.1:*"
  "unknown option|proxy pull,bind,tcp://127.0.0.1:* push,bind,tcp://127.0.0.1:* --frobnicate"
  "unsupported_transport|proxy pull,bind,foo://bar push,bind,tcp://127.0.0.1:*"
  "invalid option: |dealer --connect tcp://127.0.0.1:1 --recv --monocoque.sndhwm=0"
  "tcp_keepalive_cnt|pull --bind tcp://127.0.0.1:* --recv --monocoque.tcp-keepalive-cnt=500"
  "invalid option: |proxy pull,bind,tcp://127.0.0.1:* push,bind,tcp://127.0.0.1:* --monocoque.rcvhwm=0"
)
for case in "${usage_cases[@]}"; do
  want=${case%%|*}
  read -r -a argv <<<"${case#*|}"
  name="bad usage exits 2: mqcat ${argv[*]}"
  run '' "${argv[@]}"
  if [[ $rc == 2 && $err == *"$want"* ]]; then pass "$name"; else
    fail "$name" "rc=$rc (want 2)" "stderr: $err (want '$want')"; fi
done

name="proxy --help exits 0 and shows the proxy's usage"
run '' proxy --help
if [[ $rc == 0 && $out == "usage: mqcat proxy"* ]]; then pass "$name"; else
  fail "$name" "rc=$rc (want 0)" "stdout: $out"; fi

name="--help exits 0 and shows the usage"
run '' --help
if [[ $rc == 0 && $out == usage:* ]]; then pass "$name"; else
  fail "$name" "rc=$rc (want 0)" "stdout: $out"; fi

finish
