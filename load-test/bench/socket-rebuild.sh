#!/usr/bin/env bash
# The kernel part of rebuilding a VIP's sockets at scale: N sockets rebuilt with TCP_REPAIR on one thread
# (SocketRebuildBench.java), all on 127.0.0.1:80 as a VIP's connections share one address and port, timed per
# thousand; whether the cost per socket grows with the sockets already there. In a namespace of its own
# (tko-bench-rebuild, loopback only; repair mode sends nothing). Root. Usage: socket-rebuild.sh [--sockets N]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SOCKETS=10000
while (($#)); do case "$1" in
  --sockets) SOCKETS=$2; shift 2;;
  *) echo "usage: $0 [--sockets N]" >&2; exit 2;; esac; done
[[ $(id -u) == 0 ]] || { echo "needs root (a network namespace, TCP_REPAIR)" >&2; exit 2; }
source "$ROOT/bin/lib/jdk.sh"
"$ROOT/bin/takeover" --version >/dev/null   # builds the jars if needed
NS=tko-bench-rebuild
trap 'ip netns del "$NS" 2>/dev/null || true' EXIT
ip netns del "$NS" 2>/dev/null || true
ip netns add "$NS"
ip -n "$NS" link set lo up
ip netns exec "$NS" "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
  -cp "$ROOT/takeover-core/target/lib/*" "$ROOT/load-test/bench/SocketRebuildBench.java" 127.0.0.1 127.0.0.5 "$SOCKETS"
