#!/usr/bin/env bash
# Instructions (user space, callgrind Ir, all threads) per message sent, per
# message received and per round trip, for our perf tools and for libzmq's.
#
# Each quantity is the difference between a run with 2N messages and a run
# with N messages, divided by N, so start-up and teardown cancel.  Exactly one
# side runs under callgrind; its peer runs natively.
#
#   per msg sent      : remote_thr (PUSH) under callgrind, local_thr native
#   per msg received  : local_thr  (PULL) under callgrind, remote_thr native
#   per round trip    : remote_lat (REQ, client) under callgrind, local_lat native
#   per rt (server)   : local_lat  (REP, server) under callgrind, remote_lat native
#
# Tools (libzmq perf-tool interface, e.g. `local_thr <bind-to> <size> <count>`):
#   ours   : local_thr remote_thr local_lat remote_lat
#   libzmq : zmq_local_thr zmq_remote_thr zmq_local_lat zmq_remote_lat
#
# Needs a valgrind that marks io_uring_enter as blocking (Debian's 3.19
# deadlocks on io_uring programs): /opt/valgrind-uring/bin/valgrind, or
# VALGRIND=/path/to/valgrind.  See shared/docs/machine-facts.md.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() {
  cat <<EOF
usage: $(basename "$0") [options]
  --bin DIR        dir with local_thr/remote_thr/local_lat/remote_lat and the
                   zmq_* tools (default: the first of build-rel/bin, build/bin in
                   the repo that has them)
  --zmq-bin DIR    dir with the zmq_* tools if elsewhere (default: --bin DIR, or
                   without --bin the first of build-rel/bin, build/bin,
                   build-perf-a/bin that has them)
  --size BYTES     message size (default 64)
  --thr-n N        messages for the throughput runs: N and 2N (default 20000)
  --lat-n N        round trips for the latency runs: N and 2N (default 2000)
  --reps R         runs per point, the median Ir is used (default 1)
  --timeout SEC    limit per process (default 600)
  --only WHICH     ours | libzmq (default: both)
  --keep           keep the work dir (callgrind out files, logs)
  --ours-args "A"  extra arguments for our four tools (e.g. "--ring",
                   "--mode=post"), appended after the positional ones
  --curve          every tool (ours and zmq_*) over CURVE (their --curve)
env: VALGRIND=/path/to/valgrind (default /opt/valgrind-uring/bin/valgrind)
EOF
}

bin_dir=""
zmq_bin_dir=""
size=64
thr_n=20000
lat_n=2000
reps=1
per_timeout=600
only=""
keep=0
ours_args=()
curve=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --bin) bin_dir="$2"; shift 2 ;;
    --zmq-bin) zmq_bin_dir="$2"; shift 2 ;;
    --size) size="$2"; shift 2 ;;
    --thr-n) thr_n="$2"; shift 2 ;;
    --lat-n) lat_n="$2"; shift 2 ;;
    --reps) reps="$2"; shift 2 ;;
    --timeout) per_timeout="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    --curve) curve=(--curve); shift ;;
    --ours-args) read -r -a ours_args <<<"$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "callgrind.sh: unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done

die() { echo "callgrind.sh: error: $*" >&2; exit 1; }

VALGRIND="${VALGRIND:-/opt/valgrind-uring/bin/valgrind}"
if [[ ! -x "$VALGRIND" ]]; then
  die "valgrind not found at '$VALGRIND'.
  Debian 12's valgrind 3.19 deadlocks on programs blocking in io_uring_enter
  (KDE bug 463859), so this script wants a patched build in /opt/valgrind-uring:
  add a deb-src entry for the apt suites, 'apt-get source valgrind', add
  '*flags |= SfMayBlock;' to PRE(sys_io_uring_enter) in
  coregrind/m_syswrap/syswrap-linux.c, then
  './configure --prefix=/opt/valgrind-uring && make -j2 && make install'.
  See shared/docs/machine-facts.md (io_uring section).  Or set VALGRIND=/path."
fi

# Defaults: the first of build-rel/bin, build/bin (and for the zmq_* tools
# also build-perf-a/bin) that has the tools; an explicit --bin is used for both.
first_dir_with() { # tool dir...
  local t=$1 d; shift
  for d in "$@"; do [[ -x "$d/$t" ]] && { echo "$d"; return 0; }; done
  return 1
}
if [[ -z "$zmq_bin_dir" ]]; then
  if [[ -n "$bin_dir" ]]; then zmq_bin_dir="$bin_dir"
  else zmq_bin_dir=$(first_dir_with zmq_local_thr "$repo_root/build-rel/bin" "$repo_root/build/bin" "$repo_root/build-perf-a/bin") || zmq_bin_dir="$repo_root/build-rel/bin"; fi
fi
if [[ -z "$bin_dir" ]]; then
  bin_dir=$(first_dir_with local_thr "$repo_root/build-rel/bin" "$repo_root/build/bin") || bin_dir="$repo_root/build-rel/bin"
fi
impls=()
have_impl() { # prefix dir
  local t
  for t in local_thr remote_thr local_lat remote_lat; do
    [[ -x "$2/$1$t" ]] || return 1
  done
}
if [[ -z "$only" || "$only" == ours ]]; then
  if have_impl "" "$bin_dir"; then impls+=(ours)
  else echo "callgrind.sh: warning: ours (local_thr remote_thr local_lat remote_lat) not all in $bin_dir: skipped" >&2; fi
fi
if [[ -z "$only" || "$only" == libzmq ]]; then
  if have_impl zmq_ "$zmq_bin_dir"; then impls+=(libzmq)
  else echo "callgrind.sh: warning: zmq_local_thr ... zmq_remote_lat not all in $zmq_bin_dir: skipped" >&2; fi
fi
[[ ${#impls[@]} -gt 0 ]] || die "no complete tool set found (bin: $bin_dir, zmq-bin: $zmq_bin_dir)"

work="$(mktemp -d /tmp/callgrind-bench.XXXXXX)"
cleanup() { if [[ $keep -eq 0 ]]; then rm -rf "$work"; else echo "work dir kept: $work" >&2; fi; }
trap cleanup EXIT

tool_path() { # impl tool
  if [[ "$1" == ours ]]; then echo "$bin_dir/$2"; else echo "$zmq_bin_dir/zmq_$2"; fi
}

free_port() {
  if [[ -x /usr/bin/python3 ]]; then
    /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
  else
    local p
    while :; do
      p=$(( 20000 + RANDOM % 40000 ))
      [[ -z "$(ss -Hltn "sport = :$p")" ]] && { echo "$p"; return; }
    done
  fi
}

# Wait until something listens on port $1 (the binding side is up), or its
# process $2 has died.
wait_listen() {
  local i
  for ((i = 0; i < 3000; i++)); do
    [[ -n "$(ss -Hltn "sport = :$1")" ]] && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.01
  done
  return 1
}

# run_one IMPL KIND(thr|lat) SIDE(local|remote) COUNT -> prints Ir of SIDE
run_one() {
  local impl=$1 kind=$2 side=$3 count=$4
  local port; port=$(free_port)
  local ep="tcp://127.0.0.1:$port"
  local local_tool remote_tool
  local_tool=$(tool_path "$impl" "local_$kind")
  remote_tool=$(tool_path "$impl" "remote_$kind")
  local tag="$impl-$kind-$side-$count-$RANDOM"
  local out="$work/cg.$tag.out"
  local vg=(timeout -k 5 "$per_timeout" "$VALGRIND" --tool=callgrind
            --separate-threads=no --trace-children=no
            --callgrind-out-file="$out" --log-file="$work/vg.$tag.log")
  local nat=(timeout -k 5 "$per_timeout")
  local extra=()
  [[ $impl == ours ]] && extra=("${ours_args[@]}")
  extra+=("${curve[@]}")
  local lpid rpid lrc=0 rrc=0
  if [[ $side == local ]]; then
    "${vg[@]}" "$local_tool" "$ep" "$size" "$count" "${extra[@]}" >"$work/local.$tag.log" 2>&1 &
  else
    "${nat[@]}" "$local_tool" "$ep" "$size" "$count" "${extra[@]}" >"$work/local.$tag.log" 2>&1 &
  fi
  lpid=$!
  if ! wait_listen "$port" "$lpid"; then
    kill "$lpid" 2>/dev/null || true; wait "$lpid" 2>/dev/null || true
    echo "callgrind.sh: $local_tool did not listen on $ep; its output:" >&2
    cat "$work/local.$tag.log" "$work/vg.$tag.log" >&2 2>/dev/null || true
    return 1
  fi
  if [[ $side == remote ]]; then
    "${vg[@]}" "$remote_tool" "$ep" "$size" "$count" "${extra[@]}" >"$work/remote.$tag.log" 2>&1 &
  else
    "${nat[@]}" "$remote_tool" "$ep" "$size" "$count" "${extra[@]}" >"$work/remote.$tag.log" 2>&1 &
  fi
  rpid=$!
  # Whichever side ends first: if it failed, stop the other (it would wait
  # for messages that never come until the timeout).
  local first=0 pid
  wait -n -p pid "$lpid" "$rpid" || first=$?
  if [[ $pid == "$rpid" ]]; then
    rrc=$first
    [[ $rrc -ne 0 ]] && kill "$lpid" 2>/dev/null
    wait "$lpid" || lrc=$?
  else
    lrc=$first
    [[ $lrc -ne 0 ]] && kill "$rpid" 2>/dev/null
    wait "$rpid" || rrc=$?
  fi
  if [[ $lrc -ne 0 || $rrc -ne 0 ]]; then
    echo "callgrind.sh: $impl $kind run ($side under callgrind, n=$count) failed: local rc=$lrc remote rc=$rrc (124/137 = timeout)" >&2
    for f in "$work/local.$tag.log" "$work/remote.$tag.log" "$work/vg.$tag.log"; do
      [[ -f $f ]] && { echo "--- $f" >&2; tail -20 "$f" >&2; }
    done
    return 1
  fi
  local ir
  ir=$(awk '/^totals:/ {print $2; found=1; exit} /^summary:/ {s=$2} END {if (!found && s != "") print s}' "$out")
  [[ -n "$ir" ]] || { echo "callgrind.sh: no totals/summary line in $out" >&2; return 1; }
  echo "$ir"
}

# median Ir over $reps runs
run_median() {
  local vals=() i v
  for ((i = 0; i < reps; i++)); do
    v=$(run_one "$@") || return 1
    vals+=("$v")
  done
  printf '%s\n' "${vals[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

# per_unit IMPL KIND SIDE N -> (Ir(2N) - Ir(N)) / N
per_unit() {
  local impl=$1 kind=$2 side=$3 n=$4 a b
  a=$(run_median "$impl" "$kind" "$side" "$n") || return 1
  b=$(run_median "$impl" "$kind" "$side" $((2 * n))) || return 1
  echo "  $impl $kind $side: Ir(n=$n)=$a Ir(n=$((2 * n)))=$b" >&2
  awk -v a="$a" -v b="$b" -v n="$n" 'BEGIN {printf "%.0f", (b - a) / n}'
}

metrics=("per msg sent|thr|remote|$thr_n"
         "per msg received|thr|local|$thr_n"
         "per round trip (client)|lat|remote|$lat_n"
         "per round trip (server)|lat|local|$lat_n")

start=$(date +%s)
echo "valgrind: $VALGRIND ($("$VALGRIND" --version))  size=$size B  thr N=$thr_n/$((2 * thr_n))  lat N=$lat_n/$((2 * lat_n))  reps=$reps" >&2
echo "bin: $bin_dir  zmq-bin: $zmq_bin_dir" >&2
declare -A res
for m in "${metrics[@]}"; do
  IFS='|' read -r name kind side n <<<"$m"
  for impl in "${impls[@]}"; do
    res["$name|$impl"]=$(per_unit "$impl" "$kind" "$side" "$n") || die "$impl: '$name' failed"
  done
done
elapsed=$(( $(date +%s) - start ))

echo
echo "Instructions (callgrind Ir, user space, all threads), size=$size B, (Ir(2N)-Ir(N))/N"
printf '%-26s | %12s | %12s | %8s\n' metric ours libzmq ratio
printf '%-26s-+-%12s-+-%12s-+-%8s\n' "--------------------------" "------------" "------------" "--------"
for m in "${metrics[@]}"; do
  IFS='|' read -r name kind side n <<<"$m"
  o="${res["$name|ours"]:-n/a}"
  z="${res["$name|libzmq"]:-n/a}"
  r=n/a
  if [[ $o != n/a && $z != n/a && $z != 0 ]]; then
    r=$(awk -v o="$o" -v z="$z" 'BEGIN {printf "%.2f", o / z}')
  fi
  printf '%-26s | %12s | %12s | %8s\n' "$name" "$o" "$z" "$r"
done
echo "(ratio = ours / libzmq; took ${elapsed}s)"
