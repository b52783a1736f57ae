#!/usr/bin/env bash
# Two sets of node JVM options side by side in one run: the kill-a-node drill, alternating A and B each round, each
# drill on a fresh lab (the drill brings it up again after its crash). Prints the client-side stall per drill and
# keeps each drill's report and the survivors' step times.
#
#   drill-ab.sh [--rounds N] [--a "OPTS"] [--b "OPTS"] [--a-fd "MAPPING"] [--b-fd "MAPPING"] [-- DRILL ARGS...]
#
# OPTS are node JVM options; MAPPING replaces the failure-detection defaults of that side's lab, as the body of the
# cluster file's mapping ("timeout: 300ms, verify-timeout: 100ms"; see TAKEOVER_LAB_FAILURE_DETECTION in Lab).
# Defaults compare the data plane at nice 10 (A, the product's default) with nice 0 (B). Root (the lab builds
# network namespaces); every drill is bounded by its own timeout and by `timeout 600`; the lab is taken down on exit.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ROUNDS=4 A="-Dtakeover.io-nice=10" B="-Dtakeover.io-nice=0" A_FD="" B_FD="" DRILL=()
while (($#)); do case "$1" in
  --rounds) ROUNDS=$2; shift 2;; --a) A=$2; shift 2;; --b) B=$2; shift 2;;
  --a-fd) A_FD=$2; shift 2;; --b-fd) B_FD=$2; shift 2;;
  --) shift; DRILL=("$@"); break;;
  *) echo "usage: $0 [--rounds N] [--a OPTS] [--b OPTS] [--a-fd MAPPING] [--b-fd MAPPING] [-- DRILL ARGS]" >&2
     exit 2;; esac; done
[[ $(id -u) == 0 ]] || { echo "needs root (the lab builds network namespaces)" >&2; exit 2; }
OUT="$ROOT/load-test/results/drill-ab-$(date -u +%Y%m%d-%H%M%S)"; mkdir -p "$OUT"
trap '"$ROOT/bin/takeover" lab down >/dev/null 2>&1 || true' EXIT
{ echo "A: $A ${A_FD:+failure-detection: {$A_FD\}}"; echo "B: $B ${B_FD:+failure-detection: {$B_FD\}}"
  echo "drill: ${DRILL[*]:-defaults}"; } | tee "$OUT/summary.txt"
# A lab left up would serve the first drill with another side's settings.
"$ROOT/bin/takeover" lab down >/dev/null 2>&1 || true
for i in $(seq 1 "$ROUNDS"); do
  for side in A B; do
    opts=$A fd=$A_FD; [[ $side == B ]] && opts=$B fd=$B_FD
    # The lab's logs are appended across runs: keep only this drill's takeover lines.
    declare -A before=()
    for log in "$ROOT"/.lab/logs/n[0-9]*.log; do
      [[ -f $log ]] && before[$log]=$(grep -c 'ms after detection' "$log" || true)
    done
    TAKEOVER_LAB_NODE_OPTS="$opts" TAKEOVER_LAB_FAILURE_DETECTION="$fd" timeout 600 "$ROOT/bin/takeover" lab drill "${DRILL[@]}" >"$OUT/drill-$i-$side.txt" 2>&1 || true
    echo "round $i $side: $(grep -E 'client-side stall|longest gap' "$OUT/drill-$i-$side.txt" | tr '\n' ' ' || echo 'no stall line: see drill-'$i-$side.txt)" \
      | tee -a "$OUT/summary.txt"
    for log in "$ROOT"/.lab/logs/n[0-9]*.log; do
      grep 'ms after detection' "$log" | tail -n +$((${before[$log]:-0} + 1)) || true
    done >"$OUT/steps-$i-$side.txt"
  done
done
echo "results in $OUT"
