#!/usr/bin/env bash
# mqcat's security options against real libzmq peers (pyzmq): `mqcat keygen`
# and certificates both ways (pyzmq's zmq.auth reads ours, we read its),
# CURVE and PLAIN with mqcat as client and as server (allowed and refused
# peers: pyzmq's socket monitor reports the ZAP status), a CURVE proxy
# side, -v's mechanism and user id, secrets blanked in /proc/PID/cmdline,
# and the usage errors (exit 2, naming the option).
#
# Usage: tests/tools/mqcat_security_test.sh path/to/mqcat
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

# -- pyzmq peers -----------------------------------------------------------------

# A ROUTER echo, CURVE server with the secret certificate argv[1]; with
# argv[2] (a directory of public certificates) a ZAP handler allows only
# those clients. Prints its port.
cat >"$work/curve_echo.py" <<'EOF'
import sys, zmq, zmq.auth
from zmq.auth.thread import ThreadAuthenticator
ctx = zmq.Context()
if len(sys.argv) > 2:
    auth = ThreadAuthenticator(ctx)
    auth.start()
    auth.configure_curve(domain="*", location=sys.argv[2])
pub, sec = zmq.auth.load_certificate(sys.argv[1])
s = ctx.socket(zmq.ROUTER)
s.linger = 0
s.curve_server = True
s.curve_publickey = pub
s.curve_secretkey = sec
print(s.bind_to_random_port("tcp://127.0.0.1"), flush=True)
while True:
    s.send_multipart(s.recv_multipart())
EOF

# A ROUTER echo, PLAIN server whose ZAP handler knows admin/secret. Prints
# its port.
cat >"$work/plain_echo.py" <<'EOF'
import zmq
from zmq.auth.thread import ThreadAuthenticator
ctx = zmq.Context()
auth = ThreadAuthenticator(ctx)
auth.start()
auth.configure_plain(domain="*", passwords={"admin": "secret"})
s = ctx.socket(zmq.ROUTER)
s.linger = 0
s.plain_server = True
print(s.bind_to_random_port("tcp://127.0.0.1"), flush=True)
while True:
    s.send_multipart(s.recv_multipart())
EOF

# A DEALER client of argv[1] (mode "curve SERVERKEY CERT" or "plain USER
# PASSWORD") that sends "hello" and "multi|part", then waits for the
# handshake's outcome on its monitor: prints "sent" once the handshake
# succeeded, "auth failed STATUS" if the server refused it, or "protocol
# failed CODE" if the handshake broke down otherwise. It stays
# connected for argv[5] seconds (default 0) after that.
cat >"$work/client.py" <<'EOF'
import sys, time, zmq, zmq.auth
from zmq.utils.monitor import recv_monitor_message
ctx = zmq.Context()
s = ctx.socket(zmq.DEALER)
s.linger = 2000
if sys.argv[2] == "curve":
    s.curve_serverkey = sys.argv[3].encode()
    pub, sec = zmq.auth.load_certificate(sys.argv[4])
    s.curve_publickey = pub
    s.curve_secretkey = sec
else:
    s.plain_username = sys.argv[3].encode()
    s.plain_password = sys.argv[4].encode()
mon = s.get_monitor_socket()
mon.rcvtimeo = 5000
s.connect(sys.argv[1])
s.send(b"hello")
s.send_multipart([b"multi", b"part"])
while True:
    try:
        ev = recv_monitor_message(mon)
    except zmq.Again:
        sys.exit("no handshake outcome")
    if ev["event"] == zmq.EVENT_HANDSHAKE_SUCCEEDED:
        print("sent", flush=True)
        break
    if ev["event"] == zmq.EVENT_HANDSHAKE_FAILED_AUTH:
        print("auth failed %d" % ev["value"], flush=True)
        break
    if ev["event"] == zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL:
        print("protocol failed %#x" % ev["value"], flush=True)
        break
time.sleep(float(sys.argv[5]) if len(sys.argv) > 5 else 0)
s.close()
ctx.term()
EOF

# A REP worker that connects to argv[1] and answers "re:" + request.
cat >"$work/rep_worker.py" <<'EOF'
import sys, zmq
ctx = zmq.Context()
s = ctx.socket(zmq.REP)
s.linger = 0
s.connect(sys.argv[1])
while True:
    s.send(b"re:" + s.recv())
EOF

# A CURVE REQ client of argv[1] (server key argv[2], own certificate
# argv[3]) that sends argv[4:] and prints each reply.
cat >"$work/curve_req.py" <<'EOF'
import sys, zmq, zmq.auth
ctx = zmq.Context()
s = ctx.socket(zmq.REQ)
s.linger = 0
s.rcvtimeo = 5000
s.curve_serverkey = sys.argv[2].encode()
pub, sec = zmq.auth.load_certificate(sys.argv[3])
s.curve_publickey = pub
s.curve_secretkey = sec
s.connect(sys.argv[1])
for word in sys.argv[4:]:
    s.send(word.encode())
    print(s.recv().decode(), flush=True)
EOF

# Prints the Z85 public key of the certificate argv[1] as pyzmq reads it.
cat >"$work/public_of.py" <<'EOF'
import sys, zmq.auth
pub, sec = zmq.auth.load_certificate(sys.argv[1])
print(pub.decode())
if sec is not None:
    print(sec.decode())
EOF

# -- keygen and certificates ---------------------------------------------------

name="keygen prints a secret certificate that pyzmq loads"
run '' keygen
printf '%s\n' "$out" >"$work/printed_secret"
pub=$(sed -n 's/^    public-key = "\(.*\)"$/\1/p' <<<"$out")
sec=$(sed -n 's/^    secret-key = "\(.*\)"$/\1/p' <<<"$out")
got=$("$PY" "$work/public_of.py" "$work/printed_secret" 2>&1)
if [[ $rc == 0 && ${#pub} == 40 && ${#sec} == 40 \
  && $got == "$pub"$'\n'"$sec" ]]; then pass "$name"; else
  fail "$name" "rc=$rc" "stdout: $out" "pyzmq: $got"; fi

name="keygen FILE writes FILE and FILE_secret (0600), pyzmq agrees"
mkdir -p "$work/ours"
run '' keygen "$work/ours/server.key"
mode=$(stat -c %a "$work/ours/server.key_secret" 2>/dev/null)
py_pub=$("$PY" "$work/public_of.py" "$work/ours/server.key" 2>&1)
py_both=$("$PY" "$work/public_of.py" "$work/ours/server.key_secret" 2>&1)
if [[ $rc == 0 && $mode == 600 && $out == *"public-key = \"$py_pub\""* \
  && $out != *secret-key* && $py_both == "$py_pub"$'\n'* ]]; then
  pass "$name"; else
  fail "$name" "rc=$rc mode=$mode" "stdout: $out" "pyzmq: $py_pub"; fi
server_pub=$py_pub
run '' keygen "$work/ours/client.key"
run '' keygen "$work/ours/stranger.key"

# pyzmq's own certificates, for the other direction.
mkdir -p "$work/theirs"
"$PY" -c 'import sys, zmq.auth
zmq.auth.create_certificates(sys.argv[1], "server")
zmq.auth.create_certificates(sys.argv[1], "client")' "$work/theirs"
mkdir -p "$work/theirs/allowed"
cp "$work/theirs/client.key" "$work/theirs/allowed/"
theirs_server_pub=$("$PY" "$work/public_of.py" "$work/theirs/server.key")
mkdir -p "$work/ours/allowed"
cp "$work/ours/client.key" "$work/ours/allowed/"

# -- CURVE, mqcat as client ----------------------------------------------------

name="CURVE client (fresh keypair) round trip via a pyzmq CURVE ROUTER"
if start_peer curve_any "$work/curve_echo.py" "$work/theirs/server.key_secret"
then
  run 'one\ntwo\n' dealer --connect "$peer_ep" --send --recv -n 2 \
    --curve-serverkey "$theirs_server_pub"
  if [[ $rc == 0 && $out == $'one\ntwo' ]]; then pass "$name"; else
    fail "$name" "rc=$rc" "stdout: $out" "stderr: $err"; fi
  kill "$peer_pid" 2>/dev/null
else
  fail "$name" "the pyzmq server did not start: $(cat "$work/curve_any.peer")"
fi

name="CURVE client with certificates, against pyzmq's ZAP allow list"
if start_peer curve_zap "$work/curve_echo.py" \
  "$work/theirs/server.key_secret" "$work/theirs/allowed"; then
  # KEY as a certificate file on both options.
  run 'one\ntwo\n' dealer --connect "$peer_ep" --send --recv -n 2 \
    --curve-serverkey "$work/theirs/server.key" \
    --curve-secret "$work/theirs/client.key_secret"
  if [[ $rc == 0 && $out == $'one\ntwo' ]]; then pass "$name"; else
    fail "$name" "rc=$rc" "stdout: $out" "stderr: $err"; fi
  name="CURVE client not on pyzmq's allow list gets nothing through"
  run 'one\n' dealer --connect "$peer_ep" --send --recv -n 1 \
    --curve-serverkey "$work/theirs/server.key" \
    --curve-secret "$work/ours/stranger.key" --timeout 1500
  if [[ $rc == 1 && -z $out && $err == *timeout* ]]; then pass "$name"; else
    fail "$name" "rc=$rc (want 1)" "stdout: $out" "stderr: $err"; fi
  kill "$peer_pid" 2>/dev/null
else
  fail "$name" "the pyzmq server did not start: $(cat "$work/curve_zap.peer")"
fi

# -- CURVE, mqcat as server ----------------------------------------------------

name="CURVE server allows listed keys: a pyzmq client's messages arrive, -v"
if start_bound cs dealer --bind 'tcp://127.0.0.1:*' --recv -n 2 -v -d '|' \
  --curve-server --curve-secret "$work/ours/server.key" \
  --curve-allow "$work/ours/allowed"; then
  # The client stays connected while mqcat prints its peers (-v).
  timeout "$T" "$PY" "$work/client.py" "$bound" curve "$server_pub" \
    "$work/ours/client.key_secret" 5 >"$work/cs.client" 2>&1 &
  client_pid=$!
  pids+=($client_pid)
  wait "$mqcat_pid"
  rc=$?
  kill "$client_pid" 2>/dev/null
  got=$(head -1 "$work/cs.client")
  client_pub=$("$PY" "$work/public_of.py" "$work/ours/client.key")
  out=$(cat "$work/cs.out")
  err=$(cat "$work/cs.err")
  if [[ $rc == 0 && $got == sent && $out == $'hello\nmulti|part' \
    && $err == *"mechanism=CURVE user_id=$client_pub"* ]]; then
    pass "$name"; else
    fail "$name" "rc=$rc (want 0), client: $got" "stdout: $out" \
      "stderr: $err"; fi
else
  fail "$name" "mqcat did not start" "stderr: $(cat "$work/cs.err")"
fi

name="CURVE server refuses an unlisted key: pyzmq sees ZAP status 400"
if start_bound cs2 dealer --bind 'tcp://127.0.0.1:*' --recv -n 1 \
  --curve-server --curve-secret "$work/ours/server.key_secret" \
  --curve-allow "$work/ours/client.key" --timeout 3000; then
  got=$(timeout "$T" "$PY" "$work/client.py" "$bound" curve "$server_pub" \
    "$work/ours/stranger.key_secret" 2>&1)
  wait "$mqcat_pid"
  rc=$?
  if [[ $got == "auth failed 400" && $rc == 1 && ! -s $work/cs2.out ]]; then
    pass "$name"; else
    fail "$name" "client: $got, mqcat rc=$rc (want 1)" \
      "stdout: $(cat "$work/cs2.out")" "stderr: $(cat "$work/cs2.err")"; fi
else
  fail "$name" "mqcat did not start" "stderr: $(cat "$work/cs2.err")"
fi

name="CURVE server without --curve-allow takes any client key (Z85 KEY)"
if start_bound cs3 dealer --bind 'tcp://127.0.0.1:*' --recv -n 2 \
  --curve-server --curve-secret "$sec"; then
  got=$(timeout "$T" "$PY" "$work/client.py" "$bound" curve "$pub" \
    "$work/ours/stranger.key_secret" 2>&1)
  wait "$mqcat_pid"
  rc=$?
  if [[ $rc == 0 && $got == sent ]]; then pass "$name"; else
    fail "$name" "rc=$rc, client: $got" "stderr: $(cat "$work/cs3.err")"; fi
else
  fail "$name" "mqcat did not start" "stderr: $(cat "$work/cs3.err")"
fi

# -- PLAIN -----------------------------------------------------------------------

name="PLAIN client round trip via a pyzmq PLAIN ROUTER with a ZAP handler"
if start_peer plain "$work/plain_echo.py"; then
  run 'one\ntwo\n' dealer --connect "$peer_ep" --send --recv -n 2 \
    --plain-user admin --plain-password secret
  if [[ $rc == 0 && $out == $'one\ntwo' ]]; then pass "$name"; else
    fail "$name" "rc=$rc" "stdout: $out" "stderr: $err"; fi
  name="PLAIN client with a wrong password gets nothing through"
  run 'one\n' dealer --connect "$peer_ep" --send --recv -n 1 \
    --plain-user admin --plain-password wrong --timeout 1500
  if [[ $rc == 1 && -z $out ]]; then pass "$name"; else
    fail "$name" "rc=$rc (want 1)" "stdout: $out" "stderr: $err"; fi
  kill "$peer_pid" 2>/dev/null
else
  fail "$name" "the pyzmq server did not start: $(cat "$work/plain.peer")"
fi

name="PLAIN server: the right password passes, -v names the user"
if start_bound ps dealer --bind 'tcp://127.0.0.1:*' --recv -n 2 -v \
  --plain-server --plain-allow admin:secret --plain-allow guest:guest \
  --zap-domain test; then
  timeout "$T" "$PY" "$work/client.py" "$bound" plain admin secret 5 \
    >"$work/ps.client" 2>&1 &
  client_pid=$!
  pids+=($client_pid)
  wait "$mqcat_pid"
  rc=$?
  kill "$client_pid" 2>/dev/null
  got=$(head -1 "$work/ps.client")
  out=$(cat "$work/ps.out")
  err=$(cat "$work/ps.err")
  if [[ $rc == 0 && $got == sent && $out == $'hello\nmulti\tpart' \
    && $err == *"mechanism=PLAIN user_id=admin"* ]]; then pass "$name"; else
    fail "$name" "rc=$rc, client: $got" "stdout: $out" "stderr: $err"; fi
else
  fail "$name" "mqcat did not start" "stderr: $(cat "$work/ps.err")"
fi

# libzmq 4.3.4's PLAIN client does not recognise a well-formed ERROR: its
# prefix constant "\x05ERROR" is the C literal \x5E "RROR" (the hex escape
# swallows the E), so libzmq peers exchange "^RROR" and a correct ERROR
# makes its PLAIN client report an unexpected command (0x10000001) instead
# of status 400. Either way the handshake fails and nothing gets through.
name="PLAIN server: a wrong password fails the pyzmq client's handshake"
if start_bound ps2 dealer --bind 'tcp://127.0.0.1:*' --recv -n 1 \
  --plain-server --plain-allow admin:secret --timeout 3000; then
  got=$(timeout "$T" "$PY" "$work/client.py" "$bound" plain admin nope 2>&1)
  wait "$mqcat_pid"
  rc=$?
  if [[ ($got == "auth failed 400" || $got == "protocol failed 0x10000001") \
    && $rc == 1 && ! -s $work/ps2.out ]]; then pass "$name"; else
    fail "$name" "client: $got, mqcat rc=$rc (want 1)" \
      "stderr: $(cat "$work/ps2.err")"; fi
else
  fail "$name" "mqcat did not start" "stderr: $(cat "$work/ps2.err")"
fi

# Once parsed, secrets are overwritten in argv (and so in /proc/PID/cmdline).
name="passwords and Z85 secret keys are blanked in /proc/PID/cmdline"
if start_bound pw dealer --bind 'tcp://127.0.0.1:*' --recv \
  --plain-user admin --plain-password=hunter2hunter2; then
  # $mqcat_pid is `timeout`'s; mqcat is its child.
  child=$(pgrep -P "$mqcat_pid" | head -1)
  cmdline=$(tr '\0' ' ' <"/proc/$child/cmdline")
  kill "$mqcat_pid" 2>/dev/null
  if [[ $cmdline != *hunter2* && $cmdline == *"--plain-password=xxxx"* ]]
  then pass "$name"; else fail "$name" "cmdline: $cmdline"; fi
else
  fail "$name" "mqcat did not start" "stderr: $(cat "$work/pw.err")"
fi

# -- proxy -----------------------------------------------------------------------

name="proxy: CURVE frontend (allow list), plain backend, pyzmq REQ and REP"
timeout "$T" "$MQCAT" proxy router,bind,'tcp://127.0.0.1:*' \
  --curve-server --curve-secret "$work/ours/server.key" \
  --curve-allow "$work/ours/client.key" \
  dealer,bind,'tcp://127.0.0.1:*' </dev/null >"$work/proxy.out" \
  2>"$work/proxy.err" &
mqcat_pid=$!
pids+=($mqcat_pid)
if await_line "$work/proxy.err" '^mqcat: proxy running' >/dev/null; then
  mapfile -t eps < <(sed -n 's/^mqcat: bound //p' "$work/proxy.err")
  timeout "$T" "$PY" "$work/rep_worker.py" "${eps[1]}" >/dev/null 2>&1 &
  pids+=($!)
  got=$(timeout "$T" "$PY" "$work/curve_req.py" "${eps[0]}" "$server_pub" \
    "$work/ours/client.key_secret" q1 q2 2>&1)
  kill -TERM "$mqcat_pid"
  wait "$mqcat_pid"
  rc=$?
  if [[ $rc == 0 && $got == $'re:q1\nre:q2' ]]; then pass "$name"; else
    fail "$name" "rc=$rc, client: $got" "stderr: $(cat "$work/proxy.err")"
  fi
else
  fail "$name" "the proxy did not start" "stderr: $(cat "$work/proxy.err")"
fi

# -- usage errors ----------------------------------------------------------------

ep=tcp://127.0.0.1:1
good=$server_pub
# Each: expected stderr fragment, then the arguments.
usage_cases=(
  "--curve-serverkey: 'short' is neither|dealer --connect $ep --recv --curve-serverkey short"
  "--curve-serverkey: '$work/nope/x.key' is neither|dealer --connect $ep --recv --curve-serverkey $work/nope/x.key"
  "--curve-secret: neither|dealer --connect $ep --recv --curve-serverkey $good --curve-secret abc"
  "client.key_secret_no holds no secret-key|dealer --connect $ep --recv --curve-serverkey $good --curve-secret $work/ours/client.key_secret_no"
  "--curve-allow: '$work/missing' is neither|dealer --bind $ep --recv --curve-server --curve-secret $work/ours/server.key --curve-allow $work/missing"
  "--curve-allow: $work/printed_secret_bad|dealer --bind $ep --recv --curve-server --curve-secret $work/ours/server.key --curve-allow $work/printed_secret_bad"
  "--curve-server needs --curve-secret|dealer --bind $ep --recv --curve-server"
  "a CURVE client needs --curve-serverkey|dealer --connect $ep --recv --curve-secret $work/ours/client.key"
  "--curve-allow needs --curve-server|dealer --connect $ep --recv --curve-serverkey $good --curve-allow $good"
  "not with --curve-server|dealer --bind $ep --recv --curve-server --curve-secret $work/ours/server.key --curve-serverkey $good"
  "exclude each other|dealer --connect $ep --recv --curve-serverkey $good --plain-user u"
  "--plain-server needs --plain-allow|dealer --bind $ep --recv --plain-server"
  "--plain-allow needs USER:PASSWORD|dealer --bind $ep --recv --plain-server --plain-allow nocolon"
  "a PLAIN client needs --plain-user|dealer --connect $ep --recv --plain-password p"
  "--zap-domain applies to|dealer --connect $ep --recv --zap-domain d"
  "--curve-server takes no value|dealer --bind $ep --recv --curve-server=1"
  "must follow the socket|proxy --curve-server router,bind,$ep dealer,bind,$ep"
  "frontend: --curve-server needs --curve-secret|proxy router,bind,$ep --curve-server dealer,bind,$ep"
  "backend: a PLAIN client needs|proxy router,bind,$ep dealer,bind,$ep --plain-password p"
)
printf 'curve\n    public-key = "short"\n' >"$work/printed_secret_bad"
cp "$work/ours/client.key" "$work/ours/client.key_secret_no"
# The case above names client.key_secret_no: a public certificate whose
# FILE_secret does not exist.
for case in "${usage_cases[@]}"; do
  want=${case%%|*}
  read -r -a argv <<<"${case#*|}"
  name="bad usage exits 2: ${want}"
  run '' "${argv[@]}"
  if [[ $rc == 2 && $err == *"$want"* ]]; then pass "$name"; else
    fail "$name" "rc=$rc (want 2)" "stderr: $err (want '$want')"; fi
done

name="a bad secret key is never echoed in the error"
run '' dealer --connect "$ep" --recv --curve-serverkey "$good" \
  --curve-secret "${sec:0:39}~"
if [[ $rc == 2 && $err != *"${sec:0:20}"* ]]; then pass "$name"; else
  fail "$name" "rc=$rc (want 2)" "stderr: $err"; fi

name="--help lists the security options"
run '' --help
if [[ $rc == 0 && $out == *--curve-serverkey* && $out == *--plain-allow* ]]
then pass "$name"; else fail "$name" "rc=$rc"; fi

finish
