#!/usr/bin/env bash
# Runs the host suites RUNS times (default 3) and prints the DETECT lines
# they measured as a Markdown table: per scenario, setting and side of the
# cut, ours vs libzmq, "min-max ms" over the runs ("-" when one never
# noticed within the suite's bound). Needs root, like the suites.
#   tests/hosts/detect_table.sh build [RUNS]
set -euo pipefail
build=${1:?usage: detect_table.sh BUILD_DIR [RUNS]}
runs=${2:-3}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for ((i = 1; i <= runs; ++i)); do
  "$build/bin/monocoque-hosts" -n -v3 -s '^hosts\.' 2>&1 \
    | grep '^DETECT ' >>"$log" || true
done
awk '
  {
    for (i = 2; i <= NF; ++i) { split($i, kv, "="); f[kv[1]] = kv[2] }
    key = f["scenario"] " | " f["setting"] " | " f["side"]
    if (!(key in seen)) { seen[key] = 1; order[++n] = key }
    who = (f["who"] == "ours") ? "ours" : "libzmq"
    k = key SUBSEP who
    if (f["ms"] == "none") { none[k] = 1; next }
    v = f["ms"] + 0
    if (!(k in lo) || v < lo[k]) lo[k] = v
    if (!(k in hi) || v > hi[k]) hi[k] = v
  }
  function cell(k) {
    if (!(k in lo)) return "-"
    r = (lo[k] == hi[k]) ? lo[k] : lo[k] "-" hi[k]
    return (k in none) ? r " (and -)" : r
  }
  END {
    print "| scenario | setting | our side | ours (ms) | libzmq (ms) |"
    print "|---|---|---|---|---|"
    for (i = 1; i <= n; ++i)
      print "| " order[i] " | " cell(order[i] SUBSEP "ours") " | " \
            cell(order[i] SUBSEP "libzmq") " |"
  }
' "$log"
