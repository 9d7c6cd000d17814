#!/usr/bin/env bash
# Measures what hostile peers cost a ZMTP endpoint: ours (build/bin/mqcat)
# against libzmq 4.3.4 (pyzmq), one fresh target process per attack.
#
#   interop/hostile/measure.sh [BUILD_DIR] [ATTACK...]
#
# For every attack (default: all of zmtp-attack's) and target it
#  1. starts the target `mqcat TYPE --bind tcp://127.0.0.1:PORT --echo`
#     (TYPE=dealer by default, as in issue 9; TYPE=router works too) or
#     `zmq_peer.py echo TYPE ...` with the same options (empty-frames:
#     max message size 1 MiB; slowloris: handshake timeout 2 s);
#  2. connects a libzmq canary (zmq_peer.py canary: a probe every 100 ms);
#  3. records the target's VmRSS, resets its VmHWM (/proc/PID/clear_refs),
#     runs `zmtp-attack ATTACK --port PORT`, waits 1 s, records VmHWM and
#     VmRSS;
#  4. stops the canary: "ok" if the longest time without an echo stayed
#     under 2 s (a DEALER target round-robins its echoes over all peers that
#     finished a handshake, attackers included: gaps of ~200 ms are normal).
# Prints a table: peak growth (+MiB over the baseline), growth still held
# 1 s after the attack, whether the target survived and the canary verdict.

set -u
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
shift || true
attacks=("$@")
if [ ${#attacks[@]} -eq 0 ]; then
  attacks=(empty-frames pings big-ready idle slowloris garbage connect-close
           huge-header unknown-commands ping-context)
fi
type=${TYPE:-dealer}
mqcat=$build/bin/mqcat
attack_bin=$build/bin/zmtp-attack
peer="/usr/bin/python3 $here/zmq_peer.py"
for bin in "$mqcat" "$attack_bin"; do
  [ -x "$bin" ] || { echo "missing $bin (build mqcat and zmtp-attack)" >&2; exit 2; }
done
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

kib() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$2/status" 2>/dev/null; }
mib() { awk -v x="$1" 'BEGIN { printf "%+.1f", x / 1024 }'; }

# Prints "peak|after|alive|canary|attack-line" for one attack and target.
measure() {
  local attack=$1 target=$2 port ep pid cpid before peak after alive canary
  port=$($peer free-port)
  ep=tcp://127.0.0.1:$port
  local ours_opts=() zmq_opts=() attack_opts=()
  case $attack in
    empty-frames)
      ours_opts=(--monocoque.max-message-size=1048576)
      zmq_opts=(--maxmsgsize 1048576) ;;
    slowloris)
      ours_opts=(--monocoque.handshake-timeout=2s)
      zmq_opts=(--handshake-ivl 2000)
      attack_opts=(--hold-ms 8000) ;;
    idle) attack_opts=(--hold-ms 3000) ;;
  esac
  if [ "$target" = ours ]; then
    "$mqcat" "$type" --bind "$ep" --echo "${ours_opts[@]}" >/dev/null 2>&1 &
  else
    $peer echo "$type" "$ep" "${zmq_opts[@]}" >/dev/null 2>&1 &
  fi
  pid=$!
  sleep 1
  $peer canary "$ep" >"$tmp/canary" 2>&1 &
  cpid=$!
  sleep 1
  before=$(kib VmRSS "$pid")
  echo 5 >"/proc/$pid/clear_refs" 2>/dev/null
  local line
  line=$(timeout 120 "$attack_bin" "$attack" --port "$port" "${attack_opts[@]}" 2>&1)
  sleep 1
  peak=$(kib VmHWM "$pid")
  after=$(kib VmRSS "$pid")
  kill -TERM "$cpid" 2>/dev/null
  wait "$cpid" 2>/dev/null
  if kill -0 "$pid" 2>/dev/null; then alive=yes; else alive=DIED; fi
  local gap
  gap=$(sed -n 's/.*max_gap_ms=\([0-9]*\).*/\1/p' "$tmp/canary")
  if [ -n "$gap" ] && [ "$gap" -lt 2000 ]; then
    canary="ok (${gap} ms)"
  else
    canary="MISSED (${gap:-?} ms)"
  fi
  kill -TERM "$pid" 2>/dev/null
  sleep 0.2
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  if [ -z "$before" ] || [ -z "$peak" ]; then
    echo "?|?|$alive|$canary|$line"
  else
    echo "$(mib $((peak - before)))|$(mib $((after - before)))|$alive|$canary|$line"
  fi
}

# What became of the attacker: "sent 20.0 MiB, dropped" (or closed, stalled,
# held: still open when the tool gave up).
fate() {
  local sent out closed
  sent=$(sed -n 's/.*sent=\([0-9]*\).*/\1/p' <<<"$1")
  out=$(sed -n 's/.*outcome=\([a-z]*\).*/\1/p' <<<"$1")
  closed=$(sed -n 's/.*closed=\([a-z]*\).*/\1/p' <<<"$1")
  [ "$out" = ok ] && { [ "$closed" = yes ] && out=closed || out=held; }
  awk -v b="${sent:-0}" -v o="$out" 'BEGIN { printf "sent %.1f MiB, %s", b / 1048576, o }'
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '| attack | ours: RSS peak / after, canary, attacker | libzmq 4.3.4: same |\n'
printf '|---|---|---|\n'
for attack in "${attacks[@]}"; do
  IFS='|' read -r op oa oalive ocan oline <<<"$(measure "$attack" ours)"
  IFS='|' read -r zp za zalive zcan zline <<<"$(measure "$attack" libzmq)"
  ours="$op / $oa MiB, $ocan, $(fate "$oline")"
  [ "$oalive" = yes ] || ours="$ours, target $oalive"
  theirs="$zp / $za MiB, $zcan, $(fate "$zline")"
  [ "$zalive" = yes ] || theirs="$theirs, target $zalive"
  printf '| %s | %s | %s |\n' "$attack" "$ours" "$theirs"
  echo "  ours:   $oline" >>"$tmp/log"
  echo "  libzmq: $zline" >>"$tmp/log"
done
echo
echo "attack tool output (ours, then libzmq, per attack):"
cat "$tmp/log"
