#!/usr/bin/env bash
# Checkpoint overhead, side by side on one node of the lab: connections to a VIP are checkpointed
# (TCP state at accept, every response before its first byte, progress), connections to the node's
# own address are not. wrk runs from tko-client against both, alternating, for
#   (a) 1 KiB cache hits over keep-alive (requests/s) and (b) a cached 100 MiB object (throughput).
# Brings the lab up (replacing any), runs, and takes it down. Root. Every load run is bounded (wrk -d).
# Each (a) run also writes threads-LABEL.txt: n1's and the replicas' CPU time per request, by thread group
# (thread-cpu.py), which says where the checkpoints' cost goes (event loops, the write-behind writer, JGroups).
# Usage: checkpoint-overhead.sh [--duration S] [--rounds N] [--baseline]
#   --baseline: the control run, on a lab without checkpointing (`lab up --baseline`): both doors then do the same work,
#   so its ratios show how far this machine's noise alone moves them.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DURATION=10 ROUNDS=3 LAB_ARGS=()
while (($#)); do case "$1" in
  --duration) DURATION=$2; shift 2;; --rounds) ROUNDS=$2; shift 2;; --baseline) LAB_ARGS=(--baseline); shift;;
  *) echo "usage: $0 [--duration S] [--rounds N] [--baseline]" >&2; exit 2;; esac; done
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "needs root (the lab builds network namespaces)" >&2; exit 2; }

# The product's checkpoint.linger, not the lab's 2 ms, unless told otherwise (see BENCHMARKS: the linger's trade-off).
export TAKEOVER_LAB_LINGER=${TAKEOVER_LAB_LINGER:-20ms}
OUT="$ROOT/load-test/results/checkpoint-overhead-$(date -u +%Y%m%d-%H%M%S)"; mkdir -p "$OUT"
trap '"$ROOT/bin/takeover" lab down >/dev/null 2>&1 || true' EXIT
"$ROOT/bin/takeover" lab up --nodes 3 "${LAB_ARGS[@]}" >"$OUT/lab-up.txt" 2>&1
VIP=198.18.0.101 NODE=198.18.0.11   # n1: one of its VIPs, and its own address
in_client() { ip netns exec tko-client "$@"; }
for t in /synthetic/1k /synthetic/100m; do   # warm the cache through both doors
  for h in $VIP $NODE; do in_client curl -s -o /dev/null "http://$h$t"; done
done

# shellcheck source=lab.sh
source "$ROOT/load-test/bench/lab.sh"
N1=$(lab_pid n1) REPLICAS="$(lab_pid n2) $(lab_pid n3)"
# CPU seconds: n1's user and system time, and the two replicas' together (user + system)
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" -v n1="/proc/$N1/stat" 'FILENAME == n1 {u = $14; s = $15; next} {r += $14 + $15}
       END {printf "%.2f %.2f %.2f", u / hz, s / hz, r / hz}' "/proc/$N1/stat" $(printf "/proc/%s/stat " $REPLICAS)
}
threads() { # when label: snapshots each node's threads' CPU time
  for p in $N1 $REPLICAS; do python3 "$ROOT/load-test/bench/thread-cpu.py" snapshot "$p" "$OUT/.threads-$p-$1"; done
}
thread_report() { # label: where each node's CPU went, by thread group, in µs per request -> threads-LABEL.txt
  local requests; requests=$(awk '/requests in/ {print $1}' "$OUT/$1.txt")
  for p in $N1 $REPLICAS; do
    echo "$([[ $p == "$N1" ]] && echo n1 || echo replica) (pid $p), CPU per request:"
    python3 "$ROOT/load-test/bench/thread-cpu.py" diff "$OUT/.threads-$p-before" "$OUT/.threads-$p-after" "$requests"
  done >"$OUT/threads-$1.txt"
  rm -f "$OUT"/.threads-*
}
run() { # label host path connections -> "req/s MiB/s n1-cpu-seconds n1-user n1-system replicas"
  local u0 s0 r0 u1 s1 r1
  [[ $1 == a-* ]] && threads before   # (a) only: per request means something there
  read -r u0 s0 r0 <<<"$(cpu_seconds)"
  in_client wrk -t2 -c"$3" -d"${DURATION}s" --timeout 30s "http://$2$4" >"$OUT/$1.txt" 2>&1
  read -r u1 s1 r1 <<<"$(cpu_seconds)"
  if [[ $1 == a-* ]]; then threads after; thread_report "$1"; fi
  awk -v u="$(echo "$u1 - $u0" | bc -l)" -v s="$(echo "$s1 - $s0" | bc -l)" -v r="$(echo "$r1 - $r0" | bc -l)" \
      '/Requests\/sec/ {q=$2}
       /Transfer\/sec/ {v=$2; if (v ~ /GB/) v*=1024; else if (v ~ /KB/) v/=1024; else v+=0}
       END {printf "%s %.1f %.2f %.2f %.2f %.2f\n", q, v, u + s, u, s, r}' "$OUT/$1.txt"
}
# JIT warm-up of both paths and both loads, not recorded: 8 s of (a) each, since 3 s left the checkpointed path still
# compiling in round 1 (n1 CPU per request 53 against 33 µs, then 31-42 against 32-38; session 13)
for h in $VIP $NODE; do
  in_client wrk -t2 -c50 -d8s "http://$h/synthetic/1k" >/dev/null 2>&1
  in_client wrk -t2 -c4 -d3s "http://$h/synthetic/100m" >/dev/null 2>&1
done
# n1's own CPU (user + system) per request (a) and per GiB (b) shows the node's checkpointing cost apart from the
# replicas, which share this machine's cores with it here but run on other hosts in a real cluster.
echo "| round | (a) with req/s | (a) without req/s | (a) ratio | (a) n1 CPU µs/req with / without | (b) with MiB/s | (b) without MiB/s | (b) ratio | (b) n1 CPU s/GiB with / without | (b) n1 user + system s/GiB with / without | (b) replicas CPU s with / without |" | tee "$OUT/summary.md"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|" | tee -a "$OUT/summary.md"
CLUSTER=()
for r in $(seq 1 "$ROUNDS"); do
  if ((r % 2)); then order="with without"; else order="without with"; fi
  declare -A A B AC BC BU BS BR
  for side in $order; do
    host=$([[ $side == with ]] && echo $VIP || echo $NODE)
    read -r a _ acpu _ <<<"$(run "a-$side-$r" "$host" 50 /synthetic/1k)"
    read -r _ b bcpu bu bs br <<<"$(run "b-$side-$r" "$host" 4 /synthetic/100m)"
    A[$side]=$a; B[$side]=$b; BR[$side]=$br
    AC[$side]=$(echo "$acpu * 1000000 / ($a * $DURATION)" | bc -l)
    BC[$side]=$(echo "$bcpu * 1024 / ($b * $DURATION)" | bc -l)
    BU[$side]=$(echo "$bu * 1024 / ($b * $DURATION)" | bc -l)
    BS[$side]=$(echo "$bs * 1024 / ($b * $DURATION)" | bc -l)
  done
  printf "| %d | %s | %s | %.3f | %.1f / %.1f | %s | %s | %.3f | %.2f / %.2f | %.2f + %.2f / %.2f + %.2f | %.2f / %.2f |\n" \
    "$r" "${A[with]}" "${A[without]}" \
    "$(echo "${A[with]} / ${A[without]}" | bc -l)" "${AC[with]}" "${AC[without]}" "${B[with]}" "${B[without]}" \
    "$(echo "${B[with]} / ${B[without]}" | bc -l)" "${BC[with]}" "${BC[without]}" \
    "${BU[with]}" "${BS[with]}" "${BU[without]}" "${BS[without]}" "${BR[with]}" "${BR[without]}" | tee -a "$OUT/summary.md"
  CLUSTER+=("$(python3 "$ROOT/load-test/bench/thread-cpu.py" cluster "$OUT/threads-a-with-$r.txt" \
    "$OUT/threads-a-without-$r.txt")")
done
# The requests/s ratio moves with this shared machine's load; the CPU the checkpoints' threads spend does much less.
{
  echo
  echo "(a) the checkpoints' CPU per request, through the VIP less through the node's address (µs; n1's writer and cluster"
  echo "threads, then each replica's threads but the JIT's), per round: sum = n1 + replicas"
  for r in "${!CLUSTER[@]}"; do read -r sum parts <<<"${CLUSTER[$r]}"; echo "- round $((r + 1)): $sum = ${parts// / + }"; done
  printf '%s\n' "${CLUSTER[@]}" | sort -n | awk '{v[NR] = $1} END {m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
    printf "- median: %.2f µs per request\n", m}'
} | tee -a "$OUT/summary.md"
echo "raw results: $OUT (threads-*.txt: each node's CPU per request by thread group)"
