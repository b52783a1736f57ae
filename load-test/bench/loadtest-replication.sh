#!/usr/bin/env bash
# Failover under load with each checkpoint.replication mode side by side: `lab loadtest` of the keep-alive profiles
# (hits, mixed) with n2 crashed partway, each run on a fresh lab of that mode, the modes alternating each round.
# Prints per run the requests, the failed ones and those Gatling's client sent again (a reset it hid), and the
# "during" phase's p99 and max.
#
#   loadtest-replication.sh [--rounds N] [--modes "async batched"] [--simulations "hits:20 mixed:4"] [--duration S]
#
# A simulation is NAME:RATE (new users per second). Root (the lab builds network namespaces); every run is bounded by
# its --duration and by `timeout 300`; the lab is taken down on exit.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ROUNDS=3 MODES="async batched" SIMULATIONS="hits:20 mixed:4" DURATION=20
while (($#)); do case "$1" in
  --rounds) ROUNDS=$2; shift 2;; --modes) MODES=$2; shift 2;; --simulations) SIMULATIONS=$2; shift 2;;
  --duration) DURATION=$2; shift 2;;
  *) echo "usage: $0 [--rounds N] [--modes \"async batched\"] [--simulations \"hits:20 mixed:4\"] [--duration S]" >&2
     exit 2;; esac; done
[[ $(id -u) == 0 ]] || { echo "needs root (the lab builds network namespaces)" >&2; exit 2; }
OUT="$ROOT/load-test/results/loadtest-replication-$(date -u +%Y%m%d-%H%M%S)"; mkdir -p "$OUT"
trap '"$ROOT/bin/takeover" lab down >/dev/null 2>&1 || true' EXIT
read -ra modes <<<"$MODES"
read -ra sims <<<"$SIMULATIONS"
echo -e "round\tsimulation\tmode\trequests\tfailed\tsent again\tduring p99 ms\tduring max ms\texit" | tee "$OUT/runs.tsv"
for round in $(seq 1 "$ROUNDS"); do
  order=("${modes[@]}"); ((round % 2 == 0)) && mapfile -t order < <(printf '%s\n' "${modes[@]}" | tac)
  for sim in "${sims[@]}"; do
    name=${sim%%:*} rate=${sim#*:}
    for mode in "${order[@]}"; do
      log="$OUT/$round-$name-$mode.txt"
      # A lab left up would run this load with another mode.
      "$ROOT/bin/takeover" lab down >/dev/null 2>&1 || true
      rc=0
      TAKEOVER_LAB_REPLICATION=$mode timeout 300 "$ROOT/bin/takeover" lab loadtest --simulation "$name" \
        --duration "$DURATION" --rate "$rate" --crash n2 --at $((DURATION * 2 / 5)) >"$log" 2>&1 || rc=$?
      requests=$(awk '$1 == ">" && $2 == "request" && $3 == "count" {print $5}' "$log" | tr -d ,)
      failed=$(awk '$1 == ">" && $2 == "request" && $3 == "count" {print $9}' "$log" | tr -d ,)
      again=$(sed -n "s/^requests sent again.*: \([0-9]*\)$/\1/p" "$log")
      during=$(awk '$1 == "during" {print $6 "\t" $7}' "$log")
      echo -e "$round\t$name\t$mode\t${requests:-?}\t${failed:--}\t${again:-?}\t${during:-?\t?}\t$rc" | tee -a "$OUT/runs.tsv"
      if ((rc != 0)); then # keep the nodes' logs of a run that failed or sent a request again
        mkdir -p "$OUT/logs-$round-$name-$mode" && cp "$ROOT"/.lab/logs/*.log "$OUT/logs-$round-$name-$mode/" || true
      fi
    done
  done
done
echo "results in $OUT"
