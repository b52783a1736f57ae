#!/usr/bin/env bash
# Takeover scale: N connections on n2's two VIPs (idle keep-alive ones, plus A downloading across the crash), then
# n2 crashed (link cut, processes killed). Reports, per survivor, the time from the membership event to the last
# rebuilt socket and to the last resumed connection, and whether every connection survived: each idle one asks a
# second object on its connection after the takeover, each download is read to its end, every byte checked.
# Brings the lab up (replacing any), runs, takes it down. Root. Every wait and load run is bounded.
# Before the connections open, each node in turn serves wrk's load through one of its VIPs for W seconds (cached
# 1 KiB hits on keep-alive connections, then as many on new connections), then rests: as a node of a running cluster
# has served traffic before a peer dies, the survivors' proxy and checkpoint paths are compiled, and what the takeover
# compiles is its own code. --warm 0 skips it (every survivor cold, as before session 13).
# --train records the AOT cache that bin/takeover then gives every JVM it starts (takeover-core/target/takeover.aot):
# the nodes run with -XX:AOTCacheOutput, and once the clients are done n1, which took one of the VIPs over, is stopped
# cleanly and writes it (a minute or two more). Record it again after each build; an older one is left out.
# Usage: takeover-scale.sh [--connections N] [--active A] [--warm W] [--train]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
N=10000 A=100 WARM=5 TRAIN=0
while (($#)); do case "$1" in
  --connections) N=$2; shift 2;; --active) A=$2; shift 2;; --warm) WARM=$2; shift 2;; --train) TRAIN=1; shift;;
  *) echo "usage: $0 [--connections N] [--active A] [--warm W] [--train]" >&2; exit 2;; esac; done
[[ $(id -u) == 0 ]] || { echo "needs root (the lab builds network namespaces)" >&2; exit 2; }
((WARM == 0)) || command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk), or --warm 0" >&2; exit 2; }

OUT="$ROOT/load-test/results/takeover-scale-$(date -u +%Y%m%d-%H%M%S)"; mkdir -p "$OUT"
if ((TRAIN)); then   # record, with no cache in use (a JVM cannot both use and record one)
  mkdir -p "$OUT/aot"
  export TAKEOVER_AOT=off TAKEOVER_LAB_NODE_OPTS="${TAKEOVER_LAB_NODE_OPTS:-} -XX:AOTCacheOutput=$OUT/aot/node-%p.aot"
fi
cleanup() { exec 3>&- 2>/dev/null || true; "$ROOT/bin/takeover" lab down >/dev/null 2>&1 || true; }
trap cleanup EXIT
"$ROOT/bin/takeover" lab up --nodes 3 >"$OUT/lab-up.txt" 2>&1
declare -A LOG_AT   # where each node's log stood once the lab was up (the logs are appended across runs)
for n in n1 n2 n3; do LOG_AT[$n]=$(stat -c %s "$ROOT/.lab/logs/$n.log"); done
if ((WARM > 0)); then   # n1, n2, n3 in turn, through their first VIPs; wrk -d bounds each run
  # One node at a time and wrk at nice 19: with all three saturated at once, the two cores starved the failure
  # detectors and a node was suspected during the warm-up in two of ten runs.
  for vip in 198.18.0.101 198.18.0.103 198.18.0.105; do
    ip netns exec tko-client curl -s -o /dev/null "http://$vip/synthetic/1k"
    { ip netns exec tko-client nice -n 19 wrk -t1 -c8 -d"${WARM}s" "http://$vip/synthetic/1k"
      ip netns exec tko-client nice -n 19 wrk -t1 -c8 -d"${WARM}s" -H 'Connection: close' "http://$vip/synthetic/1k"
    } >"$OUT/warm-$vip.txt" 2>&1
  done
  sleep 3   # the closed connections' checkpoints removed, the write-behind queues drained
fi
mkfifo "$OUT/control"
TAKEOVER_JAVA_OPTS="-Xmx1g" ip netns exec tko-client "$ROOT/bin/takeover" lab scale-client \
  --vips 198.18.0.103,198.18.0.104 --connections "$N" --active "$A" --active-size 64m \
  <"$OUT/control" >"$OUT/client.txt" 2>"$OUT/client-errors.txt" &
CLIENT=$!
exec 3>"$OUT/control"   # held open: the client waits for a line on it
for _ in $(seq 1 600); do grep -q '^READY' "$OUT/client.txt" 2>/dev/null && break; sleep 0.5; done
grep -q '^READY' "$OUT/client.txt" || { echo "the client did not open its connections within 300 s" >&2; exit 1; }
grep '^NOT READY' "$OUT/client.txt" >&2 || true
# The lab's logs are appended across runs: wait for two takeovers more than they hold now.
BEFORE=$(cat "$ROOT"/.lab/logs/n1.log "$ROOT"/.lab/logs/n3.log | grep -c 'TAKEOVER {' || true)
# A run whose cluster split before the crash (a false suspicion) measures that, not the takeover: say so.
for n in n1 n2 n3; do
  tail -c +$((LOG_AT[$n] + 1)) "$ROOT/.lab/logs/$n.log" | grep -h 'minority\|left the view' | sed "s/^/$n: /"
done >"$OUT/disturbed.txt" || true
"$ROOT/bin/takeover" lab crash n2 >"$OUT/crash.txt" 2>&1
CRASH=$(grep -o 'link cut at [0-9]*' "$OUT/crash.txt" | grep -o '[0-9]*$')
for _ in $(seq 1 240); do
  [[ $(cat "$ROOT"/.lab/logs/n1.log "$ROOT"/.lab/logs/n3.log | grep -c 'TAKEOVER {' ) -ge $((BEFORE + 2)) ]] && break; sleep 0.5; done
sleep 1
echo GO >&3
for _ in $(seq 1 240); do kill -0 $CLIENT 2>/dev/null || break; sleep 0.5; done
kill $CLIENT 2>/dev/null || true
grep -h 'TAKEOVER {' "$ROOT"/.lab/logs/n1.log "$ROOT"/.lab/logs/n3.log | sed 's/.*TAKEOVER //' >"$OUT/takeovers.jsonl"
for n in n1 n3; do grep -h 'took .* over' "$ROOT"/.lab/logs/$n.log | tail -n 1; done >"$OUT/steps.txt" || true
python3 - "$OUT" "$CRASH" "$N" "$A" <<'PY' | tee "$OUT/summary.md"
import json, sys, collections
out, crash, n, a = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
print(f"{n} connections on n2's VIPs ({a} downloading), n2 crashed at {crash}")
for line in open(f"{out}/takeovers.jsonl"):
    t = json.loads(line)
    if t["detected"] < crash:
        continue
    c = collections.Counter(x["outcome"] for x in t["connections"])
    d = t["detected"]
    print(f"- {t['vip']} by {t['by']}: {len(t['connections'])} connections {dict(c)}; detected +{d - crash} ms after the crash;"
          f" last socket rebuilt +{t['rebuilt'] - d} ms, every connection resumed +{t['resumed'] - d} ms after detection")
print("client: " + "; ".join(l.strip()[7:] for l in open(f"{out}/client.txt") if l.startswith("RESULT ")))
disturbed = open(f"{out}/disturbed.txt").read().splitlines()
if disturbed:
    print(f"**not a clean run**: the cluster split before the crash ({len(disturbed)} log lines in disturbed.txt)")
PY
cat "$OUT/steps.txt"
# shellcheck source=lab.sh
source "$ROOT/load-test/bench/lab.sh"
N1=$(lab_pid n1)
if tr '\0' ' ' <"/proc/$N1/cmdline" | grep -q -- '-XX:AOTCache='; then echo "AOT cache: used"; else echo "AOT cache: none"; fi \
  | tee -a "$OUT/summary.md"
if ((TRAIN)); then
  grep -q 'by n1:' "$OUT/summary.md" && [[ ! -s "$OUT/disturbed.txt" ]] \
    || { echo "not a clean takeover by n1: no AOT cache recorded" >&2; exit 1; }
  kill -TERM "$N1"   # a clean stop writes the cache: the JVM assembles it before it exits
  for _ in $(seq 1 300); do kill -0 "$N1" 2>/dev/null || break; sleep 1; done
  [[ -s "$OUT/aot/node-pid$N1.aot" ]] || { echo "n1 wrote no AOT cache (see .lab/logs/n1.log)" >&2; exit 1; }
  cp "$OUT/aot/node-pid$N1.aot" "$ROOT/takeover-core/target/takeover.aot"
  echo "AOT cache recorded: takeover-core/target/takeover.aot ($(du -m "$ROOT/takeover-core/target/takeover.aot" | cut -f1) MiB)"
fi
