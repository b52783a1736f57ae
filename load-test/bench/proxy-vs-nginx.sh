#!/usr/bin/env bash
# Our proxy node against nginx's proxy_cache, side by side, on this machine, in one run.
#
# Both proxies front the same embedded origin on loopback; wrk drives each in turn:
#   (a) cache hits of a 1 KiB object over keep-alive  -> requests/s
#   (b) cache hits of a 100 MiB object                -> throughput
# Each round runs (a) then (b), node and nginx back to back, alternating which goes first, so both
# see the same background load as closely as a shared machine allows. Reports each round, the
# medians and the node-to-nginx ratios as a markdown table on stdout; raw results go to
# load-test/results/ (gitignored). docs/BENCHMARKS.md records a run and how to read it.
#
# Every process started here is stopped on exit; every load run is bounded by wrk -d.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

DURATION=15 ROUNDS=3 CONNECTIONS=50 BIG_CONNECTIONS=4 THREADS=2 WARMUP=10 KEEP=0
WORKERS="$(getconf _NPROCESSORS_ONLN)"
NODE_JAVA_OPTS="${NODE_JAVA_OPTS:--Xms512m -Xmx512m -XX:MaxDirectMemorySize=2g}"
SMALL=1k BIG=100m

usage() {
  cat <<EOF
Usage: $0 [--duration S] [--rounds N] [--connections C] [options]

  --duration S         seconds of each measured wrk run (default $DURATION)
  --rounds N           rounds; odd rounds start with the node, even ones with nginx (default $ROUNDS)
  --connections C      wrk connections for (a), the 1 KiB hits (default $CONNECTIONS)
  --big-connections C  wrk connections for (b), the 100 MiB hits (default $BIG_CONNECTIONS)
  --threads T          wrk threads (default $THREADS; at most each scenario's connections)
  --workers N          nginx worker processes and node event-loop threads (default $WORKERS: one per core)
  --warmup S           seconds of unrecorded load per server and scenario before round 1 (default $WARMUP; 0: none)
  --keep               keep the temporary directory (configs, caches, access logs)

Environment: NODE_JAVA_OPTS, the node's JVM options (default: $NODE_JAVA_OPTS).
Needs nginx and wrk (apt-get install nginx-light wrk), curl, and a JDK 25 (bin/takeover finds it).
EOF
}

die() { echo "proxy-vs-nginx: $*" >&2; exit 2; }

positive() { # name value
  [[ "$2" =~ ^[0-9]+$ && "$2" -gt 0 ]] || die "$1 must be a positive integer, was '$2'"
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) DURATION="${2:-}"; positive --duration "$DURATION"; shift 2 ;;
    --rounds) ROUNDS="${2:-}"; positive --rounds "$ROUNDS"; shift 2 ;;
    --connections) CONNECTIONS="${2:-}"; positive --connections "$CONNECTIONS"; shift 2 ;;
    --big-connections) BIG_CONNECTIONS="${2:-}"; positive --big-connections "$BIG_CONNECTIONS"; shift 2 ;;
    --threads) THREADS="${2:-}"; positive --threads "$THREADS"; shift 2 ;;
    --workers) WORKERS="${2:-}"; positive --workers "$WORKERS"; shift 2 ;;
    --warmup) WARMUP="${2:-}"; [[ "$WARMUP" =~ ^[0-9]+$ ]] || die "--warmup must be a whole number of seconds"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
done
# wrk needs at least one connection per thread.
(( THREADS <= CONNECTIONS && THREADS <= BIG_CONNECTIONS )) \
  || die "--threads ($THREADS) must not exceed --connections ($CONNECTIONS) nor --big-connections ($BIG_CONNECTIONS)"

# ---- prerequisites ---------------------------------------------------------------------------
NGINX="$(command -v nginx || true)"
[[ -z "$NGINX" && -x /usr/sbin/nginx ]] && NGINX=/usr/sbin/nginx
WRK="$(command -v wrk || true)"
missing=()
[[ -n "$NGINX" ]] || missing+=(nginx)
[[ -n "$WRK" ]] || missing+=(wrk)
if (( ${#missing[@]} )); then
  die "missing ${missing[*]}: install with 'apt-get install nginx-light wrk'"
fi
for tool in curl sha256sum awk getconf; do
  command -v "$tool" >/dev/null || die "missing $tool (apt-get install curl coreutils gawk)"
done
"$NGINX" -V 2>&1 | grep -q -- '--without-http_proxy_module' && die "this nginx has no proxy module; apt-get install nginx-light"

CORES="$(getconf _NPROCESSORS_ONLN)"
HZ="$(getconf CLK_TCK)"

# Build (if sources changed) before anything is timed: bin/takeover builds on first use.
"$ROOT/bin/takeover" --version >/dev/null || die "bin/takeover failed to build or start"

# ---- processes and cleanup -------------------------------------------------------------------
WORK="$(mktemp -d /tmp/proxy-vs-nginx.XXXXXX)"
PIDS=()   # servers, stopped in reverse order
WRK_PID=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n "$WRK_PID" ]]; then kill "$WRK_PID" 2>/dev/null || true; fi
  local i pid
  for (( i = ${#PIDS[@]} - 1; i >= 0; i-- )); do
    pid="${PIDS[$i]}"
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if (( KEEP )); then
    echo "proxy-vs-nginx: kept $WORK" >&2
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

TAKEN=" "
free_port() { # a loopback port nobody listens on (and that this run has not handed out)
  local p
  for _ in $(seq 200); do
    p=$(( 20000 + RANDOM % 40000 ))
    [[ "$TAKEN" == *" $p "* ]] && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      TAKEN+="$p "
      echo "$p"; return
    fi
  done
  die "no free port found"
}

wait_ready() { # name pid url log: until url answers 200, the process dies, or 60 s pass
  local name=$1 pid=$2 url=$3 log=$4
  for _ in $(seq 600); do
    kill -0 "$pid" 2>/dev/null || { tail -n 20 "$log" >&2; die "$name exited during startup (log above)"; }
    [[ "$(curl -s -o /dev/null -w '%{http_code}' "$url" || true)" == 200 ]] && return 0
    sleep 0.1
  done
  tail -n 20 "$log" >&2
  die "$name did not answer $url within 60 s"
}

cpu_ticks() { # utime+stime of the given processes (all their threads), in clock ticks
  local t=0 p v
  for p in "$@"; do
    v=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)
    t=$(( t + v ))
  done
  echo "$t"
}

machine_ticks() { # "busy total" jiffies of the whole machine, from /proc/stat
  awk '/^cpu /{busy = $2 + $3 + $4 + $7 + $8 + $9; print busy, busy + $5 + $6; exit}' /proc/stat
}

ORIGIN_PORT=$(free_port) NODE_PORT=$(free_port) NGINX_PORT=$(free_port)
ORIGIN="http://127.0.0.1:$ORIGIN_PORT"

STAMP="$(date -u +%Y%m%d-%H%M%S)"
RESULTS="$ROOT/load-test/results/proxy-vs-nginx-$STAMP"
mkdir -p "$RESULTS"

# ---- origin ----------------------------------------------------------------------------------
"$ROOT/bin/takeover" origin --listen "127.0.0.1:$ORIGIN_PORT" >"$WORK/origin.log" 2>&1 &
PIDS+=($!)
wait_ready origin "${PIDS[-1]}" "$ORIGIN/synthetic/1" "$WORK/origin.log"

# ---- our node --------------------------------------------------------------------------------
# The access log goes to a file, like nginx's: both servers log every request. The node's event
# loops are netty's default group, sized here like nginx's workers (netty's own default is 2 per core).
NODE_OPTS="$NODE_JAVA_OPTS -Dio.netty.eventLoopThreads=$WORKERS -Dtakeover.access.log=$WORK/node-access.log"
NODE_CMD=("$ROOT/bin/takeover" node --listen "127.0.0.1:$NODE_PORT" --origin "$ORIGIN" --cache-size 1g --max-object-size 512m)
TAKEOVER_JAVA_OPTS="$NODE_OPTS" "${NODE_CMD[@]}" >"$WORK/node.log" 2>&1 &
NODE_PID=$!
PIDS+=("$NODE_PID")
wait_ready node "$NODE_PID" "http://127.0.0.1:$NODE_PORT/synthetic/1" "$WORK/node.log"

# ---- nginx -----------------------------------------------------------------------------------
# As many workers as the node has event loops (default one per core). Everything it writes lives
# in $WORK, so it runs as root without touching /etc/nginx or /var.
USER_LINE=""
if [[ $EUID -eq 0 ]]; then
  # The master stays root; workers drop to nobody and must reach the cache inside $WORK.
  chmod 755 "$WORK"
  USER_LINE="user nobody $(id -gn nobody);"
fi
mkdir -p "$WORK/nginx"
cat >"$WORK/nginx/nginx.conf" <<EOF
# Generated by load-test/bench/proxy-vs-nginx.sh
$USER_LINE
daemon off;
master_process on;
worker_processes $WORKERS;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 4096; }
http {
    # Like the node's access log line: client, request, status, bytes, cache status.
    log_format bench '\$remote_addr - [\$time_iso8601] "\$request" \$status \$body_bytes_sent \$upstream_cache_status \$request_time';
    access_log $WORK/nginx/access.log bench;
    sendfile on;
    keepalive_timeout 60s;
    keepalive_requests 100000000;   # the node never closes a keep-alive connection for its request count
    client_body_temp_path $WORK/nginx/client_body;
    proxy_temp_path $WORK/nginx/proxy_temp;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    proxy_cache_path $WORK/nginx/cache levels=1:2 keys_zone=bench:10m max_size=2g inactive=1h use_temp_path=off;

    upstream origin {
        server 127.0.0.1:$ORIGIN_PORT;
        keepalive 16;
    }
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location / {
            proxy_pass http://origin;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_cache bench;
            proxy_cache_key \$uri;
            proxy_cache_valid 200 1h;
            # The node sends X-Cache on every response; so does nginx here.
            add_header X-Cache \$upstream_cache_status;
        }
    }
}
EOF
"$NGINX" -t -q -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" 2>"$WORK/nginx/test.log" \
  || { cat "$WORK/nginx/test.log" >&2; die "nginx rejected the generated configuration"; }
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" >"$WORK/nginx/stdout.log" 2>&1 &
NGINX_PID=$!
PIDS+=("$NGINX_PID")
wait_ready nginx "$NGINX_PID" "http://127.0.0.1:$NGINX_PORT/synthetic/1" "$WORK/nginx/error.log"
cp "$WORK/nginx/nginx.conf" "$RESULTS/nginx.conf"

nginx_pids() { # master and workers
  echo "$NGINX_PID"
  pgrep -P "$NGINX_PID" || true
}

declare -A URL=([node]="http://127.0.0.1:$NODE_PORT" [nginx]="http://127.0.0.1:$NGINX_PORT")
declare -A ACCESS=([node]="$WORK/node-access.log" [nginx]="$WORK/nginx/access.log")

# ---- warm both caches, check the bytes -------------------------------------------------------
echo "proxy-vs-nginx: warming caches and checking bodies (sha256) ..." >&2
for size in "$SMALL" "$BIG"; do
  want=$(curl -sf "$ORIGIN/synthetic/$size" | sha256sum | cut -d' ' -f1)
  for server in node nginx; do
    url="${URL[$server]}/synthetic/$size"
    curl -sf -o /dev/null "$url" || die "$server failed to fetch $url"
    hit=""
    for _ in 1 2 3 4 5; do
      got=$(curl -sf -D "$WORK/headers" "$url" | sha256sum | cut -d' ' -f1)
      [[ "$got" == "$want" ]] || die "$server returned different bytes for /synthetic/$size: sha256 $got, origin $want"
      if grep -qi '^x-cache: *HIT' "$WORK/headers"; then hit=1; break; fi
      sleep 0.5
    done
    [[ -n "$hit" ]] || { cat "$WORK/headers" >&2; die "$server does not serve /synthetic/$size from its cache"; }
    echo "  $server /synthetic/$size: HIT, sha256 $want" >&2
  done
done

# ---- load ------------------------------------------------------------------------------------
cat >"$WORK/report.lua" <<'EOF'
-- One machine-readable line per run (numbers as %.0f: LuaJIT numbers are doubles).
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%.0f bytes=%.0f duration_us=%.0f errors=%.0f status_errors=%.0f p50_us=%.0f p99_us=%.0f\n",
    summary.requests, summary.bytes, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99)))
end
EOF

field() { # key file: the value of key=... on the BENCH line
  sed -n "s/.*[ ]$1=\([0-9]*\).*/\1/p" "$2" | head -n 1
}

TSV="$RESULTS/runs.tsv"
printf 'round\tscenario\tserver\tposition\trequests\tbytes\tduration_us\terrors\tstatus_errors\tp50_us\tp99_us\tserver_cpu_s\tmachine_busy_pct\n' >"$TSV"

run_wrk() { # round scenario server position: one bounded wrk run, appended to runs.tsv (round 0: warm-up)
  local round=$1 scenario=$2 server=$3 position=$4 conns path duration timeout out pids
  if [[ "$scenario" == a ]]; then conns=$CONNECTIONS path="/synthetic/$SMALL" timeout=5s
  else conns=$BIG_CONNECTIONS path="/synthetic/$BIG" timeout=30s; fi
  duration=$DURATION
  (( round == 0 )) && duration=$WARMUP
  out="$RESULTS/r$round-$scenario-$server.txt"
  if [[ "$server" == node ]]; then pids=("$NODE_PID"); else mapfile -t pids < <(nginx_pids); fi
  local cpu0 m0 cpu1 m1
  cpu0=$(cpu_ticks "${pids[@]}"); m0=$(machine_ticks)
  "$WRK" -t"$THREADS" -c"$conns" -d"${duration}s" --timeout "$timeout" --latency -s "$WORK/report.lua" \
    "${URL[$server]}$path" >"$out" 2>&1 &
  WRK_PID=$!
  wait "$WRK_PID" || { cat "$out" >&2; die "wrk failed against $server"; }
  WRK_PID=""
  cpu1=$(cpu_ticks "${pids[@]}"); m1=$(machine_ticks)
  grep -q '^BENCH ' "$out" || { cat "$out" >&2; die "wrk printed no result against $server"; }
  local cpu busy
  cpu=$(awk -v a="$cpu0" -v b="$cpu1" -v hz="$HZ" 'BEGIN{printf "%.2f", (b - a) / hz}')
  busy=$(awk -v a="$m0" -v b="$m1" 'BEGIN{split(a, x, " "); split(b, y, " "); t = y[2] - x[2]; printf "%.0f", (t > 0 ? 100 * (y[1] - x[1]) / t : 0)}')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$scenario" "$server" "$position" \
    "$(field requests "$out")" "$(field bytes "$out")" "$(field duration_us "$out")" "$(field errors "$out")" \
    "$(field status_errors "$out")" "$(field p50_us "$out")" "$(field p99_us "$out")" "$cpu" "$busy" >>"$TSV"
  sleep 1
}

{
  echo "date_utc=$STAMP"
  echo "kernel=$(uname -srm)"
  echo "cpu=$(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo) x $CORES"
  echo "memory_kib=$(awk '/MemTotal/{print $2}' /proc/meminfo)"
  echo "nginx=$("$NGINX" -v 2>&1)"
  echo "wrk=$("$WRK" -v 2>&1 | head -n 1)"
  echo "java=$(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$(dirname "$(dirname "$(readlink -f "/proc/$NODE_PID/exe")")")/release" 2>/dev/null)"
  echo "git=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo '+dirty')"
  echo "node_command=TAKEOVER_JAVA_OPTS='$NODE_OPTS' ${NODE_CMD[*]}"
  echo "nginx_workers=$WORKERS node_event_loops=$WORKERS"
  echo "loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "wrk_threads=$THREADS connections_a=$CONNECTIONS connections_b=$BIG_CONNECTIONS duration_s=$DURATION warmup_s=$WARMUP rounds=$ROUNDS"
  echo "command=$0 --duration $DURATION --rounds $ROUNDS --connections $CONNECTIONS --big-connections $BIG_CONNECTIONS --threads $THREADS --workers $WORKERS --warmup $WARMUP"
} >"$RESULTS/environment.txt"

if (( WARMUP > 0 )); then
  echo "proxy-vs-nginx: warm-up, ${WARMUP}s per server and scenario ..." >&2
  for scenario in a b; do for server in node nginx; do run_wrk 0 "$scenario" "$server" -; done; done
fi

# The event loops start lazily: after the warm-up every one of them has served connections.
echo "node_event_loop_threads_seen=$(cat /proc/"$NODE_PID"/task/*/comm 2>/dev/null | grep -c '^multiThreadIoEv' || true)" >>"$RESULTS/environment.txt"

declare -A LOG_START
for server in node nginx; do LOG_START[$server]=$(wc -l <"${ACCESS[$server]}"); done

for (( round = 1; round <= ROUNDS; round++ )); do
  if (( round % 2 )); then order=(node nginx); else order=(nginx node); fi
  echo "proxy-vs-nginx: round $round/$ROUNDS (${order[0]} first) ..." >&2
  for scenario in a b; do
    run_wrk "$round" "$scenario" "${order[0]}" 1
    run_wrk "$round" "$scenario" "${order[1]}" 2
  done
done

# Every measured response must have been a cache hit: count the access log lines that are not.
# The node's access log is written by an asynchronous appender into a buffer flushed at least every second: wait
# until it stops growing for longer than that.
last=-1
for _ in $(seq 30); do
  now=$(wc -l <"${ACCESS[node]}")
  (( now == last )) && break
  last=$now
  sleep 2
done
declare -A LOGGED NOT_HIT
for server in node nginx; do
  LOGGED[$server]=$(tail -n +"$(( LOG_START[$server] + 1 ))" "${ACCESS[$server]}" | wc -l)
  NOT_HIT[$server]=$(tail -n +"$(( LOG_START[$server] + 1 ))" "${ACCESS[$server]}" | grep -vc ' HIT ' || true)
done
cp "$WORK/nginx/error.log" "$RESULTS/nginx-error.log" 2>/dev/null || true
echo "loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$RESULTS/environment.txt"
cp "$WORK/node.log" "$RESULTS/node.log" 2>/dev/null || true

# ---- report ----------------------------------------------------------------------------------
{
echo "Node: \`${NODE_JAVA_OPTS}\`, $WORKERS event loops; nginx: $WORKERS workers; wrk: $THREADS threads, $CONNECTIONS connections for (a), $BIG_CONNECTIONS for (b), ${DURATION}s per run, $ROUNDS rounds after ${WARMUP}s warm-up per server and scenario; $CORES cores, load average at start $(sed -n 's/^loadavg_start=//p' "$RESULTS/environment.txt"), at end $(sed -n 's/^loadavg_end=//p' "$RESULTS/environment.txt")."
echo
awk -F'\t' -v rounds="$ROUNDS" -v logged_node="${LOGGED[node]}" -v logged_nginx="${LOGGED[nginx]}" \
    -v miss_node="${NOT_HIT[node]}" -v miss_nginx="${NOT_HIT[nginx]}" '
function median(arr, n,    i, j, t, s) {
  for (i = 1; i <= n; i++) s[i] = arr[i]
  for (i = 2; i <= n; i++) { t = s[i]; for (j = i - 1; j >= 1 && s[j] > t; j--) s[j + 1] = s[j]; s[j + 1] = t }
  return n % 2 ? s[(n + 1) / 2] : (s[n / 2] + s[n / 2 + 1]) / 2
}
NR == 1 || $1 == 0 { next }
{
  r = $1; sc = $2; sv = $3; secs = $7 / 1e6
  rps[sc, sv, r] = $5 / secs
  mibs[sc, sv, r] = $6 / secs / 1048576
  cpu[sc, sv, r] = $12
  cpugib[sc, sv, r] = $6 > 0 ? $12 / ($6 / 1073741824) : 0
  usreq[sc, sv, r] = $5 > 0 ? 1e6 * $12 / $5 : 0
  p99[sc, sv, r] = $11 / 1000
  err[sc, sv, r] = $8 + $9
  busy[sc, r] = busy[sc, r] (busy[sc, r] == "" ? "" : "/") $13
  if ($4 == 1) first[r] = sv
  errors += $8 + $9
}
END {
  name["a"] = "(a) 1 KiB cache hits, keep-alive"; name["b"] = "(b) 100 MiB cache hits"
  for (k = 1; k <= 2; k++) {
    sc = k == 1 ? "a" : "b"
    printf "### %s\n\n", name[sc]
    if (sc == "a") {
      print "| round | first | node req/s | nginx req/s | node/nginx | node CPU µs/req | nginx CPU µs/req | node p99 ms | nginx p99 ms | machine busy % (1st/2nd) |"
      print "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    } else {
      print "| round | first | node MiB/s | nginx MiB/s | node/nginx | node CPU s/GiB | nginx CPU s/GiB | node p99 ms | nginx p99 ms | machine busy % (1st/2nd) |"
      print "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    }
    for (r = 1; r <= rounds; r++) {
      if (sc == "a") { n = rps[sc, "node", r]; g = rps[sc, "nginx", r] } else { n = mibs[sc, "node", r]; g = mibs[sc, "nginx", r] }
      ratio[r] = g > 0 ? n / g : 0; nv[r] = n; gv[r] = g
      if (sc == "a") printf "| %d | %s | %.0f | %.0f | %.2f | %.1f | %.1f | %.1f | %.1f | %s |\n", r, first[r], n, g, ratio[r], usreq[sc, "node", r], usreq[sc, "nginx", r], p99[sc, "node", r], p99[sc, "nginx", r], busy[sc, r]
      else printf "| %d | %s | %.0f | %.0f | %.2f | %.3f | %.3f | %.0f | %.0f | %s |\n", r, first[r], n, g, ratio[r], cpugib[sc, "node", r], cpugib[sc, "nginx", r], p99[sc, "node", r], p99[sc, "nginx", r], busy[sc, r]
    }
    mn = median(nv, rounds); mg = median(gv, rounds); mr = median(ratio, rounds)
    printf "| **median** | | **%.0f** | **%.0f** | **%.2f** | | | | | |\n\n", mn, mg, mr
    med_ratio[sc] = mr; med_node[sc] = mn; med_nginx[sc] = mg; ratio_of_medians[sc] = mg > 0 ? mn / mg : 0
  }
  print "### Against the targets\n"
  print "| scenario | metric | node (median) | nginx (median) | node/nginx (median of rounds) | ratio of medians | target | met |"
  print "|---|---|---:|---:|---:|---:|---:|---|"
  printf "| (a) 1 KiB hits | req/s | %.0f | %.0f | %.2f | %.2f | ≥ 1.00 | %s |\n", med_node["a"], med_nginx["a"], med_ratio["a"], ratio_of_medians["a"], (med_ratio["a"] >= 1.0 ? "yes" : "**no**")
  printf "| (b) 100 MiB hits | MiB/s | %.0f | %.0f | %.2f | %.2f | ≥ 0.90 | %s |\n", med_node["b"], med_nginx["b"], med_ratio["b"], ratio_of_medians["b"], (med_ratio["b"] >= 0.9 ? "yes" : "**no**")
  printf "\nAccess log lines during the measured rounds: node %d, nginx %d; lines that were not cache hits: node %d, nginx %d. wrk socket/status errors: %d.\n", logged_node, logged_nginx, miss_node, miss_nginx, errors
}' "$TSV"
} | tee "$RESULTS/summary.md"

echo >&2
echo "proxy-vs-nginx: raw results in ${RESULTS#"$ROOT"/}" >&2
