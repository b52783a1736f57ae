#!/usr/bin/env bash
# Before/after for a change to the node: two builds of the node side by side, in one run.
#
#   node-ab.sh snapshot NAME      keep the current build (bin/takeover builds it if sources changed)
#                                 as load-test/results/builds/NAME
#   node-ab.sh compare A B [--duration S] [--rounds N] [--connections C] [--threads T] [--workers N] [--path P]
#                                 run snapshots A and B against one origin and drive each with wrk
#                                 (cache hits of P over keep-alive, default /synthetic/1k),
#                                 alternating which goes first
#   node-ab.sh profile A [--duration S] [--connections C] [--threads T] [--workers N] [--path P]
#                                 record a JFR CPU-time profile of snapshot A under the same load
#
# compare reports requests/s and the node's CPU time per request, per round and as medians. On a
# shared machine both swing from round to round; a profile's shares are steadier for small changes.
# Loopback only; every process started here is stopped on exit; every load run is bounded (wrk -d).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILDS="$ROOT/load-test/results/builds"

die() { echo "node-ab: $*" >&2; exit 2; }
usage() { sed -n '2,15s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }

find_jdk() {
  local d
  for d in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [[ -n "$d" && -x "$d/bin/java" && -f "$d/release" ]] || continue
    grep -q '^JAVA_VERSION="25' "$d/release" && { echo "$d"; return; }
  done
  die "no JDK 25 found (JAVA_HOME or /usr/lib/jvm)"
}

snapshot() {
  local name=$1
  [[ "$name" =~ ^[A-Za-z0-9._-]+$ ]] || die "snapshot name must be [A-Za-z0-9._-]+, was '$name'"
  "$ROOT/bin/takeover" --version >/dev/null || die "build failed"
  rm -rf "${BUILDS:?}/$name"
  mkdir -p "$BUILDS/$name"
  cp "$ROOT/takeover-core/target/takeover-core.jar" "$BUILDS/$name/"
  cp -r "$ROOT/takeover-core/target/lib" "$BUILDS/$name/"
  git -C "$ROOT" rev-parse --short HEAD >"$BUILDS/$name/commit" 2>/dev/null || true
  git -C "$ROOT" diff --quiet 2>/dev/null || echo "+dirty" >>"$BUILDS/$name/commit"
  echo "node-ab: snapshot $name of $(tr -d '\n' <"$BUILDS/$name/commit")" >&2
}

compare() {
  local A=$1 B=$2; shift 2
  local DURATION=15 ROUNDS=6 CONNECTIONS=50 THREADS=2 WORKERS WARMUP=10 TARGET=/synthetic/1k
  WORKERS="$(getconf _NPROCESSORS_ONLN)"
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --duration) DURATION="$2"; shift 2 ;;
      --rounds) ROUNDS="$2"; shift 2 ;;
      --connections) CONNECTIONS="$2"; shift 2 ;;
      --threads) THREADS="$2"; shift 2 ;;
      --workers) WORKERS="$2"; shift 2 ;;
      --warmup) WARMUP="$2"; shift 2 ;;
      --path) TARGET="$2"; shift 2 ;;
      *) die "unknown argument '$1'" ;;
    esac
  done
  local v
  for v in "$DURATION" "$ROUNDS" "$CONNECTIONS" "$THREADS" "$WORKERS"; do
    [[ "$v" =~ ^[1-9][0-9]*$ ]] || die "options take positive integers, got '$v'"
  done
  [[ "$WARMUP" =~ ^[0-9]+$ ]] || die "--warmup takes whole seconds"
  [[ -d "$BUILDS/$A" && -d "$BUILDS/$B" ]] || die "unknown snapshot(s); have: $(ls "$BUILDS" 2>/dev/null | tr '\n' ' ')"
  command -v wrk >/dev/null || die "missing wrk: apt-get install wrk"
  local JDK HZ
  JDK="$(find_jdk)"; HZ="$(getconf CLK_TCK)"

  WORK="$(mktemp -d /tmp/node-ab.XXXXXX)"
  trap 'cleanup' EXIT; trap 'exit 130' INT; trap 'exit 143' TERM

  local OPORT APORT BPORT
  OPORT=$(free_port); APORT=$(free_port); BPORT=$(free_port)
  start "$JDK" "$ROOT/takeover-core/target" origin "$WORK/origin.log" "" origin --listen "127.0.0.1:$OPORT"
  wait_ready origin "http://127.0.0.1:$OPORT/synthetic/1"
  local opts="-Xms512m -Xmx512m -XX:MaxDirectMemorySize=2g -Dio.netty.eventLoopThreads=$WORKERS"
  declare -gA PID URL
  start "$JDK" "$BUILDS/$A" A "$WORK/a.log" "$opts -Dtakeover.access.log=$WORK/a-access.log" \
    node --listen "127.0.0.1:$APORT" --origin "http://127.0.0.1:$OPORT" --cache-size 1g
  start "$JDK" "$BUILDS/$B" B "$WORK/b.log" "$opts -Dtakeover.access.log=$WORK/b-access.log" \
    node --listen "127.0.0.1:$BPORT" --origin "http://127.0.0.1:$OPORT" --cache-size 1g
  [[ "$TARGET" == /* ]] || die "--path must start with /"
  URL[A]="http://127.0.0.1:$APORT$TARGET"; URL[B]="http://127.0.0.1:$BPORT$TARGET"
  wait_ready A "${URL[A]}"; wait_ready B "${URL[B]}"
  curl -sf -D "$WORK/h" -o /dev/null "${URL[A]}"; curl -sf -D "$WORK/h" -o /dev/null "${URL[B]}"

  local out="$ROOT/load-test/results/node-ab-$(date -u +%Y%m%d-%H%M%S)-$A-vs-$B.tsv"
  printf 'round\tbuild\trequests\tduration_us\tcpu_s\n' >"$out"
  local s
  if (( WARMUP > 0 )); then
    for s in A B; do wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "${URL[$s]}" >/dev/null; done
  fi
  local r order c0 c1 res
  for (( r = 1; r <= ROUNDS; r++ )); do
    if (( r % 2 )); then order="A B"; else order="B A"; fi
    for s in $order; do
      c0=$(awk '{print $14 + $15}' "/proc/${PID[$s]}/stat")
      res=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 30s "${URL[$s]}")
      c1=$(awk '{print $14 + $15}' "/proc/${PID[$s]}/stat")
      printf '%s\t%s\t%s\t%s\t%s\n' "$r" "$s" "$(awk '/requests in/{print $1}' <<<"$res")" \
        "$(awk '/requests in/{sub(/s,$/, "", $4); print $4 * 1e6}' <<<"$res")" \
        "$(awk -v a="$c0" -v b="$c1" -v hz="$HZ" 'BEGIN{printf "%.2f", (b - a) / hz}')" >>"$out"
      sleep 1
    done
  done
  echo "A = $A ($(tr -d '\n' <"$BUILDS/$A/commit" 2>/dev/null)), B = $B ($(tr -d '\n' <"$BUILDS/$B/commit" 2>/dev/null)); $TARGET, $CONNECTIONS connections, $THREADS wrk threads, $WORKERS event loops, ${DURATION}s x $ROUNDS rounds"
  awk -F'\t' '
    function median(a, n,    i, j, t) {
      for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    NR > 1 { k = $2; n[k]++; rps[k, n[k]] = $3 / ($4 / 1e6); us[k, n[k]] = 1e6 * $5 / $3 }
    END {
      print "| build | req/s (median) | CPU µs/req (median) | req/s per round | CPU µs/req per round |"
      print "|---|---:|---:|---|---|"
      for (b = 1; b <= 2; b++) {
        k = b == 1 ? "A" : "B"; rl = ""; ul = ""
        for (i = 1; i <= n[k]; i++) { r[i] = rps[k, i]; u[i] = us[k, i]; rl = rl sprintf("%s%.0f", i > 1 ? " " : "", r[i]); ul = ul sprintf("%s%.1f", i > 1 ? " " : "", u[i]) }
        mr[k] = median(r, n[k]); mu[k] = median(u, n[k])
        printf "| %s | %.0f | %.2f | %s | %s |\n", k, mr[k], mu[k], rl, ul
      }
      printf "\nB/A: req/s %.3f, CPU per request %.3f\n", mr["B"] / mr["A"], mu["B"] / mu["A"]
    }' "$out"
  echo "node-ab: raw results in ${out#"$ROOT"/}" >&2
}

TAKEN=" "
free_port() { # a loopback port nobody listens on, not handed out before in this run
  local p
  for _ in $(seq 200); do
    p=$(( 20000 + RANDOM % 40000 ))
    [[ "$TAKEN" == *" $p "* ]] && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then TAKEN+="$p "; echo "$p"; return; fi
  done
  die "no free port found"
}

PIDS=()
start() { # jdk classpath-dir name log java-opts command...
  local jdk=$1 dir=$2 name=$3 log=$4 opts=$5; shift 5
  # shellcheck disable=SC2086
  "$jdk/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
    -Dio.netty.tryReflectionSetAccessible=true $opts \
    -cp "$dir/takeover-core.jar:$dir/lib/*" dev.takeover.cli.Main "$@" >"$log" 2>&1 &
  PIDS+=($!)
  if [[ "$name" != origin ]]; then PID[$name]=$!; fi
}

wait_ready() { # name url
  for _ in $(seq 600); do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' "$2" || true)" == 200 ]] && return 0
    sleep 0.1
  done
  die "$1 did not answer $2 within 60 s"
}

cleanup() {
  local rc=$? pid
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
  exit "$rc"
}

profile() {
  local A=$1; shift
  local DURATION=20 CONNECTIONS=50 THREADS=2 WORKERS WARMUP=15 TARGET=/synthetic/1k
  WORKERS="$(getconf _NPROCESSORS_ONLN)"
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --duration) DURATION="$2"; shift 2 ;;
      --connections) CONNECTIONS="$2"; shift 2 ;;
      --threads) THREADS="$2"; shift 2 ;;
      --workers) WORKERS="$2"; shift 2 ;;
      --path) TARGET="$2"; shift 2 ;;
      *) die "unknown argument '$1'" ;;
    esac
  done
  local v
  for v in "$DURATION" "$CONNECTIONS" "$THREADS" "$WORKERS"; do
    [[ "$v" =~ ^[1-9][0-9]*$ ]] || die "options take positive integers, got '$v'"
  done
  [[ -d "$BUILDS/$A" ]] || die "unknown snapshot $A; have: $(ls "$BUILDS" 2>/dev/null | tr '\n' ' ')"
  command -v wrk >/dev/null || die "missing wrk: apt-get install wrk"
  local JDK; JDK="$(find_jdk)"
  WORK="$(mktemp -d /tmp/node-ab.XXXXXX)"
  trap 'cleanup' EXIT; trap 'exit 130' INT; trap 'exit 143' TERM
  local OPORT APORT
  OPORT=$(free_port); APORT=$(free_port)
  declare -gA PID URL
  start "$JDK" "$ROOT/takeover-core/target" origin "$WORK/origin.log" "" origin --listen "127.0.0.1:$OPORT"
  wait_ready origin "http://127.0.0.1:$OPORT/synthetic/1"
  start "$JDK" "$BUILDS/$A" A "$WORK/a.log" "-Xms512m -Xmx512m -XX:MaxDirectMemorySize=2g \
    -Dio.netty.eventLoopThreads=$WORKERS -XX:FlightRecorderOptions=stackdepth=256 -Dtakeover.access.log=$WORK/a-access.log" \
    node --listen "127.0.0.1:$APORT" --origin "http://127.0.0.1:$OPORT" --cache-size 1g
  [[ "$TARGET" == /* ]] || die "--path must start with /"
  URL[A]="http://127.0.0.1:$APORT$TARGET"
  wait_ready A "${URL[A]}"
  curl -sf -o /dev/null "${URL[A]}"
  local jfr
  jfr="$ROOT/load-test/results/node-ab-$(date -u +%Y%m%d-%H%M%S)-$A.jfr"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$(( WARMUP + DURATION + 5 ))s" --timeout 30s "${URL[A]}" >"$WORK/wrk.txt" &
  local wrk_pid=$!
  PIDS+=("$wrk_pid")
  sleep "$WARMUP"
  "$JDK/bin/jcmd" "${PID[A]}" JFR.start name=ab settings=profile jdk.CPUTimeSample#enabled=true \
    jdk.CPUTimeSample#throttle=2ms "duration=${DURATION}s" "filename=$jfr" >/dev/null
  wait "$wrk_pid" || true
  grep -E 'Requests/sec' "$WORK/wrk.txt" || true
  "$JDK/bin/jfr" view --width 160 cpu-time-hot-methods "$jfr" | head -n 45
  echo "node-ab: profile in ${jfr#"$ROOT"/}" >&2
}

case "${1:-}" in
  snapshot) [[ $# -eq 2 ]] || { usage >&2; exit 2; }; snapshot "$2" ;;
  compare) [[ $# -ge 3 ]] || { usage >&2; exit 2; }; shift; compare "$@" ;;
  profile) [[ $# -ge 2 ]] || { usage >&2; exit 2; }; shift; profile "$@" ;;
  -h|--help) usage ;;
  *) usage >&2; exit 2 ;;
esac
