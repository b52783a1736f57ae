#!/usr/bin/env bash
# How long a survivor takes to put a VIP on its interface: starting `ip addr replace` against one rtnetlink request,
# side by side and alternating in one JVM (AddressClaimBench.java), in a namespace of its own (tko-bench-addr, a veth
# pair, 198.18.7.9/24; nothing is sent anywhere). --busy N runs N busy loops beside it, bounded by the run.
# Root. Usage: address-claim.sh [--rounds N] [--busy N]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ROUNDS=200 BUSY=0
while (($#)); do case "$1" in
  --rounds) ROUNDS=$2; shift 2;; --busy) BUSY=$2; shift 2;;
  *) echo "usage: $0 [--rounds N] [--busy N]" >&2; exit 2;; esac; done
[[ $(id -u) == 0 ]] || { echo "needs root (a network namespace)" >&2; exit 2; }
source "$ROOT/bin/lib/jdk.sh"
"$ROOT/bin/takeover" --version >/dev/null   # builds the jars if needed
NS=tko-bench-addr
PIDS=()
cleanup() { ((${#PIDS[@]})) && kill "${PIDS[@]}" 2>/dev/null; ip netns del "$NS" 2>/dev/null || true; }
trap cleanup EXIT
ip netns del "$NS" 2>/dev/null || true
ip netns add "$NS"
ip -n "$NS" link add veth-a type veth peer name veth-b
ip -n "$NS" link set veth-a up
ip -n "$NS" link set veth-b up
for _ in $(seq 1 "$BUSY"); do timeout 300 sh -c 'while :; do :; done' & PIDS+=($!); done
ip netns exec "$NS" "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
  -cp "$ROOT/takeover-core/target/lib/*" "$ROOT/load-test/bench/AddressClaimBench.java" veth-a 198.18.7.9 24 "$ROUNDS"
