# Shared prologue of the tool tests (source it after the usage comment):
# BIN (the binary folder, $1), T (seconds any single run may take), a work
# folder removed on exit, the failure and check counters, and free_port.

set -u
BIN=${1:?usage: $0 BIN_DIR}
T=60
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
n=0

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# check_usage TOOL ARGS...: TOOL run with bad ARGS exits 1 with its usage line.
check_usage() {
  local tool=$1
  shift
  n=$((n + 1))
  timeout 10 "$BIN/$tool" "$@" >"$work/u.out" 2>&1
  local rc=$?
  if [[ $rc -eq 1 ]] && grep -q "^usage: $tool " "$work/u.out"; then
    echo "ok   - $tool usage"
  else
    echo "FAIL - $tool usage (rc $rc)"; failures=$((failures + 1))
  fi
}

# finish: prints the tally; the exit status says whether all passed.
finish() {
  echo "$n checks, $failures failed"
  [[ $failures -eq 0 ]]
}
