#!/usr/bin/env bash
# What each checkpoint.replication mode costs keep-alive clients: cached 1 KiB hits through a VIP of the lab (n1's
# 198.18.0.101, so every response is checkpointed) with wrk from tko-client, 1, 4 and 16 connections. Each mode gets
# a fresh lab and a warm-up under the same load first (the JIT: the first 30 s run several times slower); rounds
# alternate the modes' order. Root; every wrk run is bounded by -d; the lab is taken down on exit.
# Usage: replication-hits.sh [--rounds N] [--duration S] [--warmup S] [--modes "sync batched async"]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ROUNDS=2 DURATION=8 WARMUP=30 MODES="sync batched async"
while (($#)); do case "$1" in
  --rounds) ROUNDS=$2; shift 2;; --duration) DURATION=$2; shift 2;; --warmup) WARMUP=$2; shift 2;;
  --modes) MODES=$2; shift 2;;
  *) echo "usage: $0 [--rounds N] [--duration S] [--warmup S] [--modes \"sync batched async\"]" >&2; exit 2;; esac; done
[[ $(id -u) == 0 ]] || { echo "needs root (the lab builds network namespaces)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 2; }
OUT="$ROOT/load-test/results/replication-hits-$(date -u +%Y%m%d-%H%M%S)"; mkdir -p "$OUT"
trap '"$ROOT/bin/takeover" lab down >/dev/null 2>&1 || true' EXIT
URL=http://198.18.0.101/synthetic/1k/replication-hits
read -ra modes <<<"$MODES"
echo -e "round\tmode\tconnections\trequests/s\tp50\tp99" | tee "$OUT/runs.tsv"
for round in $(seq 1 "$ROUNDS"); do
  order=("${modes[@]}"); ((round % 2 == 0)) && mapfile -t order < <(printf '%s\n' "${modes[@]}" | tac)
  for mode in "${order[@]}"; do
    TAKEOVER_LAB_REPLICATION=$mode "$ROOT/bin/takeover" lab up >"$OUT/lab-up-$round-$mode.txt" 2>&1
    ip netns exec tko-client curl -sf -o /dev/null --max-time 10 "$URL"
    ip netns exec tko-client wrk -t1 -c16 -d"${WARMUP}s" "$URL" >/dev/null
    for c in 1 4 16; do
      ip netns exec tko-client wrk -t1 -c"$c" -d"${DURATION}s" --latency "$URL" >"$OUT/wrk-$round-$mode-c$c.txt"
      rps=$(awk '/Requests\/sec/ {print $2}' "$OUT/wrk-$round-$mode-c$c.txt")
      p50=$(awk '$1 == "50%" {print $2}' "$OUT/wrk-$round-$mode-c$c.txt")
      p99=$(awk '$1 == "99%" {print $2}' "$OUT/wrk-$round-$mode-c$c.txt")
      echo -e "$round\t$mode\t$c\t$rps\t$p50\t$p99" | tee -a "$OUT/runs.tsv"
    done
  done
done
echo "results in $OUT"
