#!/usr/bin/env bash
# `mqcat --events` against real libzmq peers (pyzmq): every event of the
# socket_event set that mqcat can provoke, each with its endpoint and, where
# one is known, its reason: listening, accepted, handshake_succeeded,
# disconnected (peer closed, heartbeat timeout of a SIGSTOPped peer, a killed
# peer), closed and monitor_stopped at exit, bind_failed (port taken),
# connect_retried (refused, then a retry delay; name resolution failed),
# connect_delayed, connected, handshake_failed_protocol (security mechanisms
# that do not match), handshake_failed_auth (CURVE and PLAIN servers refusing, on
# either side), handshake_failed_no_detail (a libzmq CURVE server dropping a
# client with the wrong server key; a silent TCP client timing out),
# accept_failed (max_connections), and `mqcat proxy --events` naming each
# side. close_failed cannot be provoked from outside (see docs/mqcat.md).
#
# Only the presence of lines is checked (await_line waits up to 5 s for
# each), never their timing.
#
# Usage: tests/tools/mqcat_events_test.sh path/to/mqcat
# Exit status: 0 all checks passed, 1 a check failed, 77 skipped (no pyzmq).
# Every mqcat and python run is bounded by `timeout`.

# shellcheck source=mqcat_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/mqcat_lib.sh"

if ! "$PY" -c 'import zmq, zmq.auth.thread' 2>/dev/null; then
  echo "SKIP: $PY has no pyzmq (apt-get install python3-zmq)"
  exit 77
fi
if ! "$PY" -c 'import zmq, sys; sys.exit(0 if zmq.has("curve") else 1)'; then
  echo "SKIP: pyzmq's libzmq has no CURVE"
  exit 77
fi

# -- peers -----------------------------------------------------------------------

# A socket of type argv[2] that connects to argv[1], sends argv[3] (if not
# empty), stays connected for argv[4] seconds and closes (linger 1 s).
cat >"$work/peer.py" <<'EOF'
import sys, time, zmq
ctx = zmq.Context()
s = ctx.socket(getattr(zmq, sys.argv[2]))
s.linger = 1000
s.connect(sys.argv[1])
if sys.argv[3]:
    s.send(sys.argv[3].encode())
time.sleep(float(sys.argv[4]))
s.close()
ctx.term()
EOF

# A ROUTER echo bound to port argv[1] (0: a random one); prints its port.
# With argv[2] (a secret certificate) it is a CURVE server; with argv[3] too
# (a directory of public certificates) a ZAP handler allows only those.
cat >"$work/router_echo.py" <<'EOF'
import sys, zmq, zmq.auth
from zmq.auth.thread import ThreadAuthenticator
ctx = zmq.Context()
if len(sys.argv) > 3:
    auth = ThreadAuthenticator(ctx)
    auth.start()
    auth.configure_curve(domain="*", location=sys.argv[3])
s = ctx.socket(zmq.ROUTER)
s.linger = 0
if len(sys.argv) > 2:
    s.curve_server = True
    s.curve_publickey, s.curve_secretkey = zmq.auth.load_certificate(sys.argv[2])
if sys.argv[1] == "0":
    print(s.bind_to_random_port("tcp://127.0.0.1"), flush=True)
else:
    s.bind("tcp://127.0.0.1:" + sys.argv[1])
    print(sys.argv[1], flush=True)
while True:
    s.send_multipart(s.recv_multipart())
EOF

# A PULL bound to a random port that prints it and holds it for 30 s.
cat >"$work/holder.py" <<'EOF'
import time, zmq
s = zmq.Context().socket(zmq.PULL)
s.linger = 0
print(s.bind_to_random_port("tcp://127.0.0.1"), flush=True)
time.sleep(30)
EOF

# A DEALER client of argv[1]: "curve SERVERKEY CERT" or "plain USER
# PASSWORD"; sends "hello" and stays 3 s (the server decides meanwhile).
cat >"$work/secure_client.py" <<'EOF'
import sys, time, zmq, zmq.auth
ctx = zmq.Context()
s = ctx.socket(zmq.DEALER)
s.linger = 0
if sys.argv[2] == "curve":
    s.curve_serverkey = sys.argv[3].encode()
    s.curve_publickey, s.curve_secretkey = zmq.auth.load_certificate(sys.argv[4])
else:
    s.plain_username = sys.argv[3].encode()
    s.plain_password = sys.argv[4].encode()
s.connect(sys.argv[1])
s.send(b"hello")
time.sleep(3)
EOF

# A TCP client (no ZMTP at all) that connects to port argv[1] and says
# nothing for 3 s.
cat >"$work/silent.py" <<'EOF'
import socket, sys, time
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
time.sleep(3)
EOF

free_port() {
  "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Starts `mqcat ARGS...` in the background like start_bound, for sockets
# that only connect (nothing to wait for): sets $mqcat_pid.
start_mqcat() {
  local tag=$1
  shift
  timeout "$T" "$MQCAT" "$@" </dev/null >"$work/$tag.out" \
    2>"$work/$tag.err" 3>&- &
  mqcat_pid=$!
  pids+=($mqcat_pid)
}

# expect_event TAG REGEX WHAT: passes if $work/TAG.err gets a line matching
# REGEX within 5 s.
expect_event() {
  if await_line "$work/$1.err" "$2" >/dev/null; then pass "$3"; else
    fail "$3" "no line matching: $2" "stderr: $(cat "$work/$1.err")"; fi
}

# Escapes the dots of an endpoint for a regex.
re() { sed 's/[.]/\\./g' <<<"$1"; }

# -- a bound socket: listening, accepted, handshake, peer closed, exit -----------

tag=bound
if start_bound $tag pull --bind 'tcp://127.0.0.1:*' --recv -n 2 --events; then
  ep=$(re "$bound")
  expect_event $tag "^event listening $ep( |$)" "listening names the bound endpoint"
  timeout "$T" "$PY" "$work/peer.py" "$bound" PUSH one 0 >/dev/null 2>&1
  expect_event $tag "^event accepted $ep peer=127\.0\.0\.1:[0-9]+ key=[0-9]+ epoch=[0-9]+" \
    "accepted: endpoint, peer address, key and epoch"
  expect_event $tag "^event handshake_succeeded $ep peer=127\.0\.0\.1:[0-9]+ key=" \
    "handshake_succeeded (bound side)"
  expect_event $tag "^event disconnected $ep .*reason=peer closed" \
    "disconnected, reason=peer closed (the pyzmq PUSH closed)"
  timeout "$T" "$PY" "$work/peer.py" "$bound" PUSH two 0 >/dev/null 2>&1
  wait "$mqcat_pid"
  rc=$?
  if [[ $rc == 0 && $(cat "$work/$tag.out") == $'one\ntwo' ]]; then
    pass "--events leaves stdout to the messages"; else
    fail "--events leaves stdout to the messages" "rc=$rc" \
      "stdout: $(cat "$work/$tag.out")"; fi
  expect_event $tag "^event closed $ep" "closed: the listener, at exit"
  expect_event $tag "^event monitor_stopped " "monitor_stopped: the last event"
  name="monitor_stopped is the last event line"
  last=$(grep '^event ' "$work/$tag.err" | tail -1)
  if [[ $last == "event monitor_stopped "* ]]; then pass "$name"; else
    fail "$name" "last: $last"; fi
else
  fail "bound socket with --events" "mqcat did not start" \
    "stderr: $(cat "$work/$tag.err")"
fi

# -- bind_failed -------------------------------------------------------------------

tag=taken
if start_peer $tag "$work/holder.py"; then
  timeout "$T" "$MQCAT" pull --bind "$peer_ep" --recv --events </dev/null \
    >/dev/null 2>"$work/$tag.err"
  rc=$?
  name="bind_failed with the reason, on a port pyzmq holds (exit 1)"
  if [[ $rc == 1 ]] && grep -qE "^event bind_failed $(re "$peer_ep") .*reason=.*[Aa]ddress already in use" "$work/$tag.err"
  then pass "$name"; else
    fail "$name" "rc=$rc" "stderr: $(cat "$work/$tag.err")"; fi
  kill "$peer_pid" 2>/dev/null
else
  fail "bind_failed" "the pyzmq holder did not start"
fi

# -- a connecting socket: refused, retried, connected, frozen, killed ------------

tag=conn
port=$(free_port)
cep="tcp://127.0.0.1:$port"
ep=$(re "$cep")
start_mqcat $tag dealer --connect "$cep" --recv --events \
  --monocoque.reconnect-ivl=100ms --monocoque.heartbeat-ivl=200ms \
  --monocoque.heartbeat-timeout=1s
expect_event $tag "^event connect_retried $ep .*retry_in=[0-9]+ms .*reason=.*[Cc]onnection refused" \
  "connect_retried: retry delay and reason (nobody listens)"
expect_event $tag "^event connect_delayed $ep" "connect_delayed"
if start_peer $tag "$work/router_echo.py" "$port"; then
  router_pid=$peer_pid
  expect_event $tag "^event connected $ep peer=127\.0\.0\.1:$port" \
    "connected, once pyzmq listens"
  expect_event $tag "^event handshake_succeeded $ep peer=" \
    "handshake_succeeded (connecting side)"
  # A frozen process: its kernel keeps the connection open, only the
  # heartbeats notice. $router_pid is timeout's; stop python itself.
  py_pid=$(pgrep -P "$router_pid" | head -1)
  kill -STOP "$py_pid"
  expect_event $tag "^event disconnected $ep .*reason=heartbeat timeout" \
    "disconnected, reason=heartbeat timeout (SIGSTOPped pyzmq)"
  # That connection was up: it ends as disconnected, without a handshake
  # failure (libzmq reports none either).
  name="a connection that was up reports no handshake_failed_* when it dies"
  if ! grep -E "^event handshake_failed_[a-z_]+ $ep .*reason=heartbeat timeout" \
    "$work/$tag.err"; then pass "$name"; else fail "$name"; fi
  kill -CONT "$py_pid"
  name="reconnects after the peer thaws (a second handshake_succeeded)"
  for ((i = 0; i < 50; i++)); do
    [[ $(grep -c "^event handshake_succeeded $ep" "$work/$tag.err") -ge 2 ]] \
      && break
    sleep 0.1
  done
  if [[ $i -lt 50 ]]; then pass "$name"; else
    fail "$name" "stderr: $(cat "$work/$tag.err")"; fi
  kill -KILL "$py_pid"
  { wait "$router_pid"; } 2>/dev/null # no "Killed" notice from bash
  name="disconnected after pyzmq is killed: peer closed or connection reset"
  for ((i = 0; i < 50; i++)); do
    [[ $(grep -cE "^event disconnected $ep .*reason=(peer closed|connection reset)" "$work/$tag.err") -ge 1 ]] \
      && break
    sleep 0.1
  done
  if [[ $i -lt 50 ]]; then pass "$name"; else
    fail "$name" "stderr: $(cat "$work/$tag.err")"; fi
else
  fail "connected" "the pyzmq router did not start"
fi
kill "$mqcat_pid" 2>/dev/null

tag=resolve
cep="tcp://no-such-host.invalid:5555"
timeout "$T" "$MQCAT" dealer --connect "$cep" --recv --events --timeout 1500 \
  </dev/null >/dev/null 2>"$work/$tag.err"
name="an unresolvable host: reason=name resolution failed: <resolver>"
if grep -qE "^event connect_retried $(re "$cep") .*reason=name resolution failed: ." "$work/$tag.err"
then pass "$name"; else fail "$name" "stderr: $(cat "$work/$tag.err")"; fi

# -- handshake failures ------------------------------------------------------------

# A pyzmq PLAIN client meets our NULL socket: the greetings name different
# mechanisms. (Mismatched socket types are no use here: libzmq checks our
# READY first and closes before sending its own, which reads as
# handshake_failed_no_detail, "peer closed".)
tag=proto
if start_bound $tag dealer --bind 'tcp://127.0.0.1:*' --recv --events; then
  timeout "$T" "$PY" "$work/secure_client.py" "$bound" plain admin secret \
    >/dev/null 2>&1 &
  pids+=($!)
  expect_event $tag "^event handshake_failed_protocol $(re "$bound") .*status=0x11000002 reason=mechanism_mismatch" \
    "handshake_failed_protocol: a pyzmq PLAIN client, our NULL server"
  kill "$mqcat_pid" 2>/dev/null
else
  fail "handshake_failed_protocol" "mqcat did not start"
fi

mkdir -p "$work/keys/allowed"
"$MQCAT" keygen "$work/keys/server.key" >/dev/null
"$MQCAT" keygen "$work/keys/client.key" >/dev/null
"$MQCAT" keygen "$work/keys/stranger.key" >/dev/null
"$MQCAT" keygen "$work/keys/wrong.key" >/dev/null
cp "$work/keys/client.key" "$work/keys/allowed/"
server_pub=$(sed -n 's/^    public-key = "\(.*\)"$/\1/p' "$work/keys/server.key")

tag=curve_srv
if start_bound $tag dealer --bind 'tcp://127.0.0.1:*' --recv --events \
  --curve-server --curve-secret "$work/keys/server.key" \
  --curve-allow "$work/keys/client.key"; then
  timeout "$T" "$PY" "$work/secure_client.py" "$bound" curve "$server_pub" \
    "$work/keys/stranger.key_secret" >/dev/null 2>&1 &
  pids+=($!)
  expect_event $tag "^event handshake_failed_auth $(re "$bound") .*status=400" \
    "handshake_failed_auth status=400: our CURVE server refuses a pyzmq key"
  kill "$mqcat_pid" 2>/dev/null
else
  fail "handshake_failed_auth (CURVE server)" "mqcat did not start"
fi

tag=plain_srv
if start_bound $tag dealer --bind 'tcp://127.0.0.1:*' --recv --events \
  --plain-server --plain-allow admin:secret; then
  timeout "$T" "$PY" "$work/secure_client.py" "$bound" plain admin nope \
    >/dev/null 2>&1 &
  pids+=($!)
  expect_event $tag "^event handshake_failed_auth $(re "$bound") .*status=400" \
    "handshake_failed_auth status=400: our PLAIN server, a wrong password"
  name="the password never shows in the events"
  if ! grep -q nope "$work/$tag.err"; then pass "$name"; else
    fail "$name" "stderr: $(cat "$work/$tag.err")"; fi
  kill "$mqcat_pid" 2>/dev/null
else
  fail "handshake_failed_auth (PLAIN server)" "mqcat did not start"
fi

tag=curve_cli
if start_peer $tag "$work/router_echo.py" 0 "$work/keys/server.key_secret" \
  "$work/keys/allowed"; then
  start_mqcat $tag dealer --connect "$peer_ep" --recv --events \
    --curve-serverkey "$work/keys/server.key" \
    --curve-secret "$work/keys/stranger.key_secret"
  expect_event $tag "^event handshake_failed_auth $(re "$peer_ep") .*status=400" \
    "handshake_failed_auth status=400: pyzmq's ZAP refuses our CURVE client"
  kill "$mqcat_pid" 2>/dev/null
  # The wrong server key: libzmq cannot open our HELLO and drops the
  # connection without a word.
  tag=curve_wrong
  start_mqcat $tag dealer --connect "$peer_ep" --recv --events \
    --curve-serverkey "$work/keys/wrong.key"
  expect_event $tag "^event handshake_failed_no_detail $(re "$peer_ep") .*reason=" \
    "handshake_failed_no_detail: a pyzmq CURVE server drops a wrong-key HELLO"
  kill "$mqcat_pid" 2>/dev/null
  kill "$peer_pid" 2>/dev/null
else
  fail "CURVE client events" "the pyzmq CURVE server did not start"
fi

tag=silent
if start_bound $tag pull --bind 'tcp://127.0.0.1:*' --recv --events \
  --monocoque.handshake-timeout=300ms; then
  timeout "$T" "$PY" "$work/silent.py" "${bound##*:}" >/dev/null 2>&1 &
  pids+=($!)
  expect_event $tag "^event handshake_failed_no_detail $(re "$bound") .*reason=handshake timeout" \
    "handshake_failed_no_detail, reason=handshake timeout (a silent client)"
  kill "$mqcat_pid" 2>/dev/null
else
  fail "handshake timeout" "mqcat did not start"
fi

# -- accept_failed -------------------------------------------------------------------

tag=maxconn
if start_bound $tag pull --bind 'tcp://127.0.0.1:*' --recv --events \
  --monocoque.max-connections=1; then
  for i in 1 2; do
    timeout "$T" "$PY" "$work/peer.py" "$bound" PUSH '' 3 >/dev/null 2>&1 &
    pids+=($!)
  done
  expect_event $tag "^event accept_failed $(re "$bound") .*reason=" \
    "accept_failed: a second pyzmq peer beyond max_connections=1"
  kill "$mqcat_pid" 2>/dev/null
else
  fail "accept_failed" "mqcat did not start"
fi

# -- usage -------------------------------------------------------------------------

run '' pull --bind tcp://127.0.0.1:1 --recv --events=1
name="--events takes no value (exit 2)"
if [[ $rc == 2 && $err == *"--events takes no value"* ]]; then pass "$name"
else fail "$name" "rc=$rc" "stderr: $err"; fi

# -- mqcat proxy --events -------------------------------------------------------------

tag=proxy
timeout "$T" "$MQCAT" proxy router,bind,'tcp://127.0.0.1:*' \
  dealer,bind,'tcp://127.0.0.1:*' --events </dev/null >/dev/null \
  2>"$work/$tag.err" &
mqcat_pid=$!
pids+=($mqcat_pid)
if await_line "$work/$tag.err" '^mqcat: proxy running' >/dev/null; then
  mapfile -t eps < <(sed -n 's/^mqcat: bound //p' "$work/$tag.err")
  fe=$(re "${eps[0]}")
  be=$(re "${eps[1]}")
  timeout "$T" "$PY" "$work/peer.py" "${eps[1]}" REP '' 3 >/dev/null 2>&1 &
  pids+=($!)
  timeout "$T" "$PY" "$work/peer.py" "${eps[0]}" REQ q 0 >/dev/null 2>&1 &
  pids+=($!)
  expect_event $tag "^event listening $fe side=frontend" "proxy: frontend listening"
  expect_event $tag "^event listening $be side=backend" "proxy: backend listening"
  expect_event $tag "^event handshake_succeeded $fe side=frontend peer=" \
    "proxy: a frontend handshake, side named"
  expect_event $tag "^event handshake_succeeded $be side=backend peer=" \
    "proxy: a backend handshake, side named"
  kill -TERM "$mqcat_pid"
  wait "$mqcat_pid"
  rc=$?
  name="proxy: both sides' listeners close and both monitors stop at exit"
  if [[ $rc == 0 ]] && grep -q "^event closed $fe side=frontend" "$work/$tag.err" \
    && grep -q "^event closed $be side=backend" "$work/$tag.err" \
    && grep -q "^event monitor_stopped .*side=frontend" "$work/$tag.err" \
    && grep -q "^event monitor_stopped .*side=backend" "$work/$tag.err"
  then pass "$name"; else
    fail "$name" "rc=$rc" "stderr: $(cat "$work/$tag.err")"; fi
else
  fail "mqcat proxy --events" "the proxy did not start" \
    "stderr: $(cat "$work/$tag.err")"
fi

finish
