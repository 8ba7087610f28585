#!/usr/bin/env bash
# Many open WebSockets through one gateway: what they hold, and whether typing on a thousand of them stays quick.
#
#   bench/many-sockets.sh [--sockets 10000] [--active 1000] [--seconds 60] [--idle 35]
#
# Starts wsgate (the shipped jar, auth on with a real session, pinned to CPU 1) with bench/Origin.java as its
# workspace, like bench/versus.sh, then:
#   1. heap after a full GC (jcmd GC.run, then the JVM's own heap meters from /metrics) and RSS, before any socket;
#   2. opens --sockets WebSockets through the gateway to the workspace (bench/WsLoad.java hold, on CPU 0), each
#      relayed to the workspace, and keeps them idle for --idle seconds but for keepalives (each client pings every
#      30 s, the gateway pings idle clients every 30 s); then heap after a full GC, RSS, the gateway's CPU meanwhile;
#   3. --active of them each send one 32 B message a second, as typing students do, for --seconds: echo round trip
#      p50/p99/max (goal: p99 under 50 ms), the gateway's CPU and the Redis commands it sent meanwhile; RSS again.
# The gateway needs two descriptors per socket (client and workspace side): with a hard open-files limit below that
# (ulimit -Hn), it says so and opens as many as fit. Loopback only; stops only what it started.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh

sockets=10000
active=1000
secs=60
idle=35
while [ $# -gt 0 ]; do
  case "$1" in
    --sockets) sockets=$2; shift 2 ;;
    --active) active=$2; shift 2 ;;
    --seconds) secs=$2; shift 2 ;;
    --idle) idle=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done

bench_init
need_packages curl:curl taskset:util-linux
need_jar
command -v jcmd >/dev/null || die "jcmd not found (it comes with the JDK: apt-get install openjdk-17-jdk-headless)"
hard=$(ulimit -Hn)
[ "$hard" = unlimited ] && hard=1048576
ulimit -n "$hard"
requested=$sockets
fit=$(( (hard - 1000) / 2 ))
if [ "$sockets" -gt "$fit" ]; then
  sockets=$fit
  say "NOTE: the hard open-files limit here is $hard (ulimit -Hn) and the gateway holds two descriptors per relayed" \
    "socket: measuring $sockets sockets instead of $requested (raise the limit, e.g. LimitNOFILE, for the full count)"
fi
[ "$active" -le "$sockets" ] || active=$sockets
commit=$(gateway_label)

say "waiting for a quiet machine (below ${BENCH_QUIET_BUSY:-15}% busy)"
wait_quiet 120
start_wsgate
sign_in_and_launch
say "wsgate on 127.0.0.1:$gw_port (pid $gw_pid, network transport $gw_transport), its workspace at $origin_endpoint (pid $origin_pid)"

metric() { # sum of a Prometheus series' values (name prefix, optional label filter)
  curl -s "127.0.0.1:$gw_admin/metrics" | awk -v n="$1" -v l="${2:-}" 'index($0, n) == 1 && index($0, l) { s += $NF } END { printf "%.0f", s }'
}
heap_after_gc() { # bytes used on the heap right after a full GC
  jcmd "$gw_pid" GC.run > /dev/null || die "jcmd $gw_pid GC.run failed"
  jcmd "$gw_pid" GC.heap_info >> "$bench_work/heap_info.txt" 2>&1 || true
  metric jvm_memory_used_bytes 'area="heap"'
}
mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }

heap0=$(heap_after_gc)
rss0=$(status_kib VmRSS "$gw_pid")
say "no socket: heap after full GC $(mib "$heap0") MiB, RSS $(( rss0 / 1024 )) MiB"

say "opening $sockets WebSockets through the gateway"
out=$bench_work/hold.out
# shellcheck disable=SC2086
BENCH_WSLOAD_OPTS="-Xmx2g" wsload hold --target "127.0.0.1:$gw_port" --host "$BENCH_HOST" --cookie "$gw_cookie" \
  --sockets "$sockets" --active "$active" --seconds "$secs" --keepalive 30 --go-file "$bench_work/go" \
  --idle 3600 --pids "$gw_pid" --core "$BENCH_PROXY_CORE" > "$out" 2>&1 &
load_pid=$!
started "$load_pid"
for _ in $(seq $(( 600 + sockets / 10 ))); do
  grep -q '^open ' "$out" && break
  kill -0 "$load_pid" 2>/dev/null || die "the load generator stopped: $(tail -5 "$out")"
  sleep 0.5
done
grep -q '^open ' "$out" || die "the sockets did not open in time: $(tail -5 "$out")"
say "$(grep '^open ' "$out"); idle for ${idle} s (keepalives only)"
retried=$(grep '^open: ' "$out" || true)
[ -z "$retried" ] || say "$retried"
open_gauge=$(metric wsgate_websocket_open)
t0=$(cpu_ticks "$gw_pid")
sleep "$idle"
t1=$(cpu_ticks "$gw_pid")
heap1=$(heap_after_gc)
rss1=$(status_kib VmRSS "$gw_pid")
idle_cpu=$(awk -v t="$(( t1 - t0 ))" -v hz="$CLK_TCK" -v s="$idle" 'BEGIN { printf "%.1f", 100 * t / hz / s }')
per_socket=$(awk -v a="$heap1" -v b="$heap0" -v n="$sockets" 'BEGIN { printf "%.1f", (a - b) / n / 1024 }')
say "$sockets idle: heap after full GC $(mib "$heap1") MiB ($per_socket KiB a socket), RSS $(( rss1 / 1024 )) MiB," \
  "gateway CPU ${idle_cpu}% of a core; wsgate.websocket.open = $open_gauge"

say "$active of them type: one message a second each, for ${secs} s"
redis0=$(metric wsgate_redis_command_duration_seconds_count)
touch "$bench_work/go"
wait "$load_pid" || true
redis1=$(metric wsgate_redis_command_duration_seconds_count)
line=$(grep '^result' "$out" || true)
[ -n "$line" ] || die "the load generator printed no result: $(tail -5 "$out")"
rss2=$(status_kib VmRSS "$gw_pid")
hwm=$(status_kib VmHWM "$gw_pid")
typing_cpu=$(awk -v t="$(field cpu_ticks "$line")" -v hz="$CLK_TCK" -v s="$(field seconds "$line")" 'BEGIN { printf "%.1f", 100 * t / hz / s }')

p99=$(field p99_ms "$line")
echo
echo "wsgate $commit, $(date -u '+%Y-%m-%d %H:%M UTC'), $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //');" \
  "gateway pinned to CPU $BENCH_PROXY_CORE, load and workspace on CPU $BENCH_LOAD_CORE"
echo
echo "| relayed WebSockets | heap after full GC | RSS | gateway CPU |"
echo "|---|---:|---:|---:|"
echo "| none | $(mib "$heap0") MiB | $(( rss0 / 1024 )) MiB | |"
echo "| $sockets idle, keepalives every 30 s | $(mib "$heap1") MiB (goal for 10,000: at most 256 MiB); $per_socket KiB a socket | $(( rss1 / 1024 )) MiB | ${idle_cpu}% |"
echo "| $sockets, $active typing 1 message/s | | $(( rss2 / 1024 )) MiB (peak $(( hwm / 1024 )) MiB) | ${typing_cpu}% |"
echo
echo "Typing: $(field ops "$line") echoes in $(field seconds "$line") s, round trip p50 $(field p50_ms "$line") ms," \
  "p99 $p99 ms (goal: under 50 ms: $(awk -v p="$p99" 'BEGIN { print (p < 50 ? "met" : "not met") }')), max $(field max_ms "$line") ms," \
  "errors $(field errors "$line")$(grep -o " first_error=.*" <<< "$line" || true)."
[ -z "$retried" ] || echo "Opening: ${retried#open: }."
echo "Redis: $(( redis1 - redis0 )) commands from the gateway during the typing" \
  "($(awk -v a="$(( redis1 - redis0 ))" -v s="$(field seconds "$line")" 'BEGIN { printf "%.1f", a / s }') a second)."
