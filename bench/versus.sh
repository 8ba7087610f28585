#!/usr/bin/env bash
# wsgate against nginx and HAProxy, on one machine, in one run: what each proxy costs per operation.
#
#   bench/versus.sh [--rounds 3] [--seconds 10] [--warmup 10] [--quick]
#
# The three proxies route Host: ws-<id>.localhost to the same origin (bench/Origin.java: 64 B on GET /, 16 KiB on
# GET /16k, a WebSocket echo), which is wsgate's workspace: wsgate (the shipped jar; auth on, with a real session
# cookie from a login token; activity and metrics on, as shipped) launches it, and nginx (1 worker) and HAProxy
# (1 thread) are pointed at the port it got. Each proxy runs alone on CPU 1 (taskset); the load (wrk, bench/WsLoad.java),
# the origin and wsgate's Redis run on CPU 0. Every contender must answer right (status, body, echo, unknown host,
# and for wsgate: no cookie, no entry) before anything is measured. Then rounds, interleaved (per operation: nginx,
# HAProxy, wsgate), each measurement started when the machine is quiet (or after a bounded wait, said so):
#
#   GET /      wrk -t1 -c64, keep-alive          GET /16k      the same
#   WebSocket message: 100 sockets ping-pong, 32 B text     WebSocket handshake: open + close, 16 at a time
#
# CPU time per operation = the proxy processes' utime+stime (/proc/<pid>/stat) over the measured window / the
# operations completed in it: the figure that holds when the load side saturates or the machine is shared; and
# its kernel part (stime: the proxy's system calls) beside what is left to the proxy's own code. Also
# req/s and p50/p99 for GET /, RSS idle (after the checks) and peak (VmHWM), and wsgate's first 10 s of traffic
# after its start against its warm figure. Prints the median of the rounds as a markdown table, the ratio to nginx
# and the issue's goal next to each row.
#
# Installs, if missing (Debian, apt-get, as root): nginx, haproxy, wrk. Builds proxy/target/wsgate.jar if absent
# (mvn -B -q -DskipTests package). Loopback only. Stops only what it started (by pid), also on failure or Ctrl-C.
# Takes about 15 to 20 minutes with the defaults; --quick (1 round of 3 s) checks that it works.
#
# Environment: BENCH_JAR (the gateway to measure, default proxy/target/wsgate.jar: another commit's jar gives a
# before and after from one machine), BENCH_JAVA_OPTS (the gateway JVM's options), BENCH_GATEWAY_ENV (extra WSGATE_*
# settings), BENCH_QUIET_BUSY (percent, default 15), BENCH_QUIET_WAIT (seconds before the first measurement, default 120),
# BENCH_WARMUP_OPS (operations of each kind each proxy serves before the rounds, at least; default 20000),
# BENCH_KEEP=1 (keep the work directory with all logs and raw outputs).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh

rounds=3
secs=10
warm=10
warm_ops=${BENCH_WARMUP_OPS:-20000}
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --seconds) secs=$2; shift 2 ;;
    --warmup) warm=$2; shift 2 ;;
    --quick) rounds=1; secs=3; warm=3; warm_ops=${BENCH_WARMUP_OPS:-1000}; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
contenders=(nginx haproxy wsgate)
ops=(get get16k wsmsg wshs)

bench_init
need_packages nginx:nginx haproxy:haproxy wrk:wrk curl:curl taskset:util-linux
need_jar
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
haproxy_bin=$(command -v haproxy || echo /usr/sbin/haproxy)
commit=$(gateway_label)
say "wsgate $commit against $("$nginx_bin" -v 2>&1 | sed 's/.*version: //') and $("$haproxy_bin" -v | head -1 | awk '{print "HAProxy " $3}')," \
  "$rounds round(s) of ${secs} s per measurement; proxies on CPU $BENCH_PROXY_CORE, load on CPU $BENCH_LOAD_CORE"

say "waiting for a quiet machine (below ${BENCH_QUIET_BUSY:-15}% busy)"
wait_quiet 120

# --- the contenders ------------------------------------------------------------------------------------------------
declare -A port_of pids_of idle_rss
start_wsgate
sign_in_and_launch
say "wsgate on 127.0.0.1:$gw_port (pid $gw_pid, network transport $gw_transport), its workspace (the origin) at $origin_endpoint (pid $origin_pid)"
port_of[wsgate]=$gw_port
pids_of[wsgate]=$gw_pid

start_haproxy() {
  local d=$bench_work/haproxy
  mkdir -p "$d"
  port_of[haproxy]=$(free_port)
  cat > "$d/haproxy.cfg" <<CONF
global
  nbthread 1
  maxconn 9000
defaults
  mode http
  timeout connect 5s
  timeout client 120s
  timeout server 120s
  timeout tunnel 1h
  option http-keep-alive
  option forwardfor
frontend gateway
  bind 127.0.0.1:${port_of[haproxy]}
  acl workspace hdr_reg(host) -i ^ws-[a-z0-9-]+\.localhost(:[0-9]+)?\$
  http-request set-header X-Forwarded-Proto http
  http-request set-header X-Forwarded-Host %[req.hdr(host)]
  use_backend origin if workspace
  default_backend unknown
backend origin
  server origin $origin_endpoint
backend unknown
  http-request deny deny_status 404
CONF
  taskset -c "$BENCH_PROXY_CORE" "$haproxy_bin" -db -f "$d/haproxy.cfg" > "$d/out.log" 2>&1 &
  started $!
  wait_port "${port_of[haproxy]}" 20 || die "haproxy did not start: $(cat "$d/out.log")"
  pids_of[haproxy]=$(with_children $!)
}

start_nginx
start_haproxy
say "nginx on 127.0.0.1:${port_of[nginx]} (pids ${pids_of[nginx]}), HAProxy on 127.0.0.1:${port_of[haproxy]} (pid ${pids_of[haproxy]})"

# --- every contender answers right before anything is measured ----------------------------------------------------
curl -sf "http://$origin_endpoint/" > "$bench_work/small" && curl -sf "http://$origin_endpoint/16k" > "$bench_work/large"
[ "$(wc -c < "$bench_work/small")" -eq 64 ] && [ "$(wc -c < "$bench_work/large")" -eq 16384 ] \
  || die "the origin's bodies are not 64 B and 16 KiB"
status_of() { curl -s -o /dev/null -w '%{http_code}' -m 10 "$@"; }
check_contender() {
  local who=$1 url="http://127.0.0.1:${port_of[$1]}" got
  for path in / /16k; do
    local want=$bench_work/small
    [ "$path" = /16k ] && want=$bench_work/large
    curl -sf -m 10 -H "Host: $BENCH_HOST" -H "Cookie: $gw_cookie" "$url$path" | cmp -s - "$want" \
      || die "$who: GET $path did not return the origin's body"
  done
  got=$(status_of -H "Host: $BENCH_HOST" -H "Cookie: $gw_cookie" "$url/nothing-here")
  [ "$got" = 404 ] || die "$who: GET /nothing-here answered $got, not the origin's 404"
  got=$(status_of -H "Host: www.example.org" "$url/")
  [ "$got" = 404 ] || die "$who: a host that is no workspace answered $got, not 404"
  got=$(wsload check --target "127.0.0.1:${port_of[$1]}" --host "$BENCH_HOST" --cookie "$gw_cookie") \
    || die "$who: WebSocket echo: $got"
}
for who in "${contenders[@]}"; do check_contender "$who"; done
got=$(status_of -H "Host: $BENCH_HOST" "http://127.0.0.1:$gw_port/")
[ "$got" = 401 ] || die "wsgate without a session answered $got, not 401: is auth on?"
got=$(wsload check --target "127.0.0.1:$gw_port" --host "$BENCH_HOST" 2>&1) \
  && die "wsgate relayed a WebSocket without a session"
say "checked: each proxy returns the origin's 64 B and 16 KiB bodies and its 404, answers 404 for an unknown host" \
  "and echoes WebSocket text and binary; wsgate answers 401 and refuses the upgrade without its session cookie"
for who in "${contenders[@]}"; do
  # shellcheck disable=SC2086
  idle_rss[$who]=$(status_kib VmRSS ${pids_of[$who]})
done

# --- measuring -----------------------------------------------------------------------------------------------------
results=$bench_work/results
: > "$results"
busy_starts=0
measurements=0
failed_measurements=0

# measure WHO OP SECONDS -> one line: who op us_per_op rate p50_ms p99_ms errors ops other_pct load_us_per_op
#   sys_us_per_op
# (other_pct: how busy the proxy core was with anything else, in % of the window; load_us_per_op: CPU time of the
# load side per operation: the origin, plus the WebSocket load generator (wrk's own is not counted); sys_us_per_op:
# the part of us_per_op the kernel spent in the proxy's system calls (system time))
measure() {
  local who=$1 op=$2 s=$3 port=${port_of[$1]} out t0 t1 c0 c1 l0 l1 s0 s1 ops rate p50 p99 errors ticks core load sys
  local line window
  local pids=${pids_of[$1]}
  out=$bench_work/out.$who.$op.$(date +%s%N)
  case "$op" in
    get|get16k)
      local path=/
      [ "$op" = get16k ] && path=/16k
      # shellcheck disable=SC2086
      t0=$(cpu_ticks $pids); s0=$(sys_ticks $pids); c0=$(core_ticks "$BENCH_PROXY_CORE"); l0=$(cpu_ticks "$origin_pid")
      taskset -c "$BENCH_LOAD_CORE" wrk -t1 -c64 -d"${s}s" --latency -H "Host: $BENCH_HOST" -H "Cookie: $gw_cookie" \
        "http://127.0.0.1:$port$path" > "$out" 2>&1
      # shellcheck disable=SC2086
      t1=$(cpu_ticks $pids); s1=$(sys_ticks $pids); c1=$(core_ticks "$BENCH_PROXY_CORE"); l1=$(cpu_ticks "$origin_pid")
      ops=$(awk '/requests in/ { print $1 }' "$out")
      rate=$(awk '/^Requests\/sec/ { print $2 }' "$out")
      p50=$(wrk_ms 50% "$out"); p99=$(wrk_ms 99% "$out")
      errors=$(awk '/Non-2xx/ { n += $NF } /Socket errors/ { gsub(/[^0-9 ]/, ""); n += $1 + $2 + $3 + $4 } END { print n + 0 }' "$out")
      ticks=$(( t1 - t0 )); sys=$(( s1 - s0 )); core=$(( c1 - c0 )); load=$(( l1 - l0 )); window=$s
      ;;
    wsmsg|wshs)
      local mode=echo extra=(--sockets 100 --size 32)
      if [ "$op" = wshs ]; then
        mode=handshake
        extra=(--concurrency 16)
      fi
      line=$(wsload "$mode" --target "127.0.0.1:$port" --host "$BENCH_HOST" --cookie "$gw_cookie" "${extra[@]}" \
        --warmup 2 --seconds "$s" --pids "${pids// /,}" --core "$BENCH_PROXY_CORE" --load-pids "$origin_pid" 2>&1 | tee "$out" | grep '^result' || true)
      [ -n "$line" ] || die "$who $op: WsLoad printed no result: $(tail -5 "$out")"
      ops=$(field ops "$line"); rate=$(field rate "$line"); p50=$(field p50_ms "$line"); p99=$(field p99_ms "$line")
      errors=$(field errors "$line"); ticks=$(field cpu_ticks "$line"); sys=$(field sys_ticks "$line")
      core=$(field core_ticks "$line")
      load=$(field load_ticks "$line"); window=$(field seconds "$line")
      ;;
  esac
  if [ "${ops:-0}" -eq 0 ]; then
    echo "$who $op: no operation completed in ${s} s (see $out)" >&2
    return 3
  fi
  awk -v who="$who" -v op="$op" -v t="$ticks" -v hz="$CLK_TCK" -v n="$ops" -v r="$rate" -v a="$p50" -v b="$p99" \
    -v e="$errors" -v c="$core" -v w="$window" -v l="$load" -v k="$sys" 'BEGIN {
      other = c - t; if (other < 0) other = 0
      printf "%s %s %.1f %s %s %s %s %s %.0f %.1f %.1f\n", who, op, t * 1e6 / hz / n, r, a, b, e, n,
        100 * other / (w * hz), l * 1e6 / hz / n, k * 1e6 / hz / n }'
}

run_measurement() { # who op round seconds; appends "round " and the line of measure
  local busy line
  busy=$(machine_busy 2)
  if [ "$busy" -gt "${BENCH_QUIET_BUSY:-15}" ]; then
    BENCH_QUIET_WAIT=${BENCH_QUIET_STEP:-20} wait_quiet > /dev/null
    busy=$(machine_busy 1)
    [ "$busy" -gt "${BENCH_QUIET_BUSY:-15}" ] && busy_starts=$(( busy_starts + 1 ))
  fi
  measurements=$(( measurements + 1 ))
  if ! line=$(measure "$1" "$2" "$4" 2>&1); then
    say "  round $3: $line: left out of the medians"
    failed_measurements=$(( failed_measurements + 1 ))
    return 0
  fi
  echo "$3 $line" >> "$results"
  echo "$3 $line" | awk -v core="$BENCH_PROXY_CORE" '{ printf "#   round %s  %-8s %-7s %7s us/op (kernel %s) %9s op/s  p50 %7s ms  p99 %8s ms  errors %s  other load on CPU %s %s%%  load side %s us/op\n", $1, $2, $3, $4, $12, $5, $6, $7, $8, core, $10, $11 }'
}

say "wsgate's first ${secs} s of traffic after its start (GET /, fresh JVM)"
cold=$(measure wsgate get "$secs") || cold="wsgate get n/a"
say "  $(awk '{ printf "%s us/op, %s req/s, p99 %s ms", $3, $4, $6 }' <<< "$cold")"

redis_commands() {
  curl -s "127.0.0.1:$gw_admin/metrics" | awk '/^wsgate_redis_command_duration_seconds_count/ { n += $NF } END { printf "%d", n }'
}

# Warm-up by operations, not time (a JVM compiles after so many calls, and on a busy machine 10 s may be a few
# hundred), and until the CPU per operation has settled: a handshake calls most of its path once, so the gateway's
# JIT may still be compiling it after many thousands (on a 2.1 GHz microVM, 30,000 handshakes in, a third of its
# CPU went to the compiler threads). Settled: a run within 10 % of the run before it. At most 6 runs.
say "warming up: each operation on each proxy, in ${warm} s runs, until ${warm_ops} have passed and the CPU per" \
  "operation has settled (a run within 10 % of the one before), at most 6 runs"
for who in "${contenders[@]}"; do
  for op in "${ops[@]}"; do
    done_ops=0 runs=0 previous="" current="" settled=no figures=""
    for _ in 1 2 3 4 5 6; do
      line=$(measure "$who" "$op" "$warm" 2>/dev/null) || line=""
      runs=$(( runs + 1 ))
      done_ops=$(( done_ops + $(awk '{ print $8 + 0 }' <<< "${line:-x 0 0 0 0 0 0 0}") ))
      current=$(awk '{ print $3 }' <<< "${line:-x x n/a}")
      figures="${figures:+$figures, }$current"
      settled=no
      if [ -n "$previous" ] && awk -v a="$previous" -v b="$current" \
          'BEGIN { exit !(a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b <= 1.1 * a && b >= 0.9 * a) }'; then
        settled=yes
      fi
      previous=$current
      [ "$done_ops" -ge "$warm_ops" ] && [ "$settled" = yes ] && break
    done
    say "  $who $op: $runs run(s), $done_ops operations, us/op $figures$([ "$settled" = yes ] || echo ": not settled")"
  done
done

redis_before=$(redis_commands)
wsgate_ops=0
rounds_start=$(date +%s)
for round in $(seq "$rounds"); do
  say "round $round of $rounds"
  for op in "${ops[@]}"; do
    for who in "${contenders[@]}"; do
      run_measurement "$who" "$op" "$round" "$secs"
    done
  done
done
redis_after=$(redis_commands)
rounds_secs=$(( $(date +%s) - rounds_start ))
wsgate_ops=$(awk '$2 == "wsgate" { n += $9 } END { printf "%d", n }' "$results")
declare -A peak_rss
for who in "${contenders[@]}"; do
  # shellcheck disable=SC2086
  peak_rss[$who]=$(status_kib VmHWM ${pids_of[$who]})
done

# --- the table -----------------------------------------------------------------------------------------------------
median() { # who op field of a results line (4: us/op, 5: rate, 6: p50, 7: p99)
  awk -v w="$1" -v o="$2" -v c="$3" '$2 == w && $3 == o { print $c }' "$results" | sort -g \
    | awk '{ a[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
# these print n/a for a figure that could not be measured
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9.]+$/ && b > 0) printf (a / b < 0.95 ? "%.2fx" : "%.1fx"), a / b; else print "n/a" }'; }
verdict() { awk -v a="$1" -v b="$2" -v g="$3" 'BEGIN { if (a ~ /^[0-9.]+$/ && b > 0) print (a / b <= g ? "met" : "not met"); else print "n/a" }'; }
us() { awk -v v="$1" 'BEGIN { if (v !~ /^[0-9.]+$/) print "n/a"; else printf (v >= 100 ? "%.0f us" : "%.1f us"), v }'; }
whole() { awk -v v="$1" 'BEGIN { if (v !~ /^[0-9.]+$/) print "n/a"; else printf "%.0f", v }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

declare -A label goal
label[get]="GET / (64 B body), 64 keep-alive connections"
label[get16k]="GET /16k"
label[wsmsg]="WebSocket message (32 B text, 100 sockets ping-pong)"
label[wshs]="WebSocket handshake (open + close)"
goal[get]=1.5; goal[get16k]=1.5; goal[wsmsg]=1.0; goal[wshs]=1.5

echo
echo "wsgate $commit, $(date -u '+%Y-%m-%d %H:%M UTC'), $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'):" \
  "CPU time of the proxy per operation, median of $rounds round(s) of ${secs} s"
echo
echo "| per operation | nginx (1 worker) | HAProxy (1 thread) | wsgate | wsgate / nginx | goal |"
echo "|---|---:|---:|---:|---:|---|"
for op in "${ops[@]}"; do
  n=$(median nginx "$op" 4); h=$(median haproxy "$op" 4); w=$(median wsgate "$op" 4)
  echo "| ${label[$op]} | $(us "$n") | $(us "$h") | $(us "$w") | $(ratio "$w" "$n") | at most ${goal[$op]}x nginx: $(verdict "$w" "$n" "${goal[$op]}") |"
done
echo "| RSS idle / peak | $(mib "${idle_rss[nginx]}") / $(mib "${peak_rss[nginx]}") MiB | $(mib "${idle_rss[haproxy]}") / $(mib "${peak_rss[haproxy]}") MiB | $(mib "${idle_rss[wsgate]}") / $(mib "${peak_rss[wsgate]}") MiB | | |"
echo
echo "Of each figure above, the kernel's part (system time: the proxy's reads, writes, accepts, connects and closes," \
  "and the loopback TCP work they cause) and the proxy's own (user time), medians as above:"
echo
echo "| per operation | nginx kernel + own | HAProxy kernel + own | wsgate kernel + own |" \
  "wsgate's kernel part / nginx's whole |"
echo "|---|---:|---:|---:|---:|"
kernel_own() { # who op -> "kernel + own us"
  awk -v a="$(median "$1" "$2" 4)" -v k="$(median "$1" "$2" 12)" 'BEGIN {
    if (a !~ /^[0-9.]+$/ || k !~ /^[0-9.]+$/) print "n/a"; else printf "%.1f + %.1f us", k, a - k }'
}
for op in "${ops[@]}"; do
  echo "| ${label[$op]} | $(kernel_own nginx "$op") | $(kernel_own haproxy "$op") | $(kernel_own wsgate "$op") |" \
    "$(ratio "$(median wsgate "$op" 12)" "$(median nginx "$op" 4)") |"
done
echo
echo "| GET /, 64 connections | nginx | HAProxy | wsgate | wsgate / nginx | goal |"
echo "|---|---:|---:|---:|---:|---|"
n=$(median nginx get 5); h=$(median haproxy get 5); w=$(median wsgate get 5)
echo "| requests/s | $(whole "$n") | $(whole "$h") | $(whole "$w") | $(ratio "$w" "$n") | |"
n=$(median nginx get 6); h=$(median haproxy get 6); w=$(median wsgate get 6)
echo "| p50 | $n ms | $h ms | $w ms | $(ratio "$w" "$n") | |"
n=$(median nginx get 7); h=$(median haproxy get 7); w=$(median wsgate get 7)
echo "| p99 | $n ms | $h ms | $w ms | $(ratio "$w" "$n") | at most 1.5x nginx: $(verdict "$w" "$n" 1.5) |"
echo
cold_us=$(awk '{ print $3 }' <<< "$cold")
warm_us=$(median wsgate get 4)
echo "wsgate's first ${secs} s of traffic after start: $(us "$cold_us") per GET /, $(ratio "$cold_us" "$warm_us") its warm" \
  "figure (goal: at most 2x: $(verdict "$cold_us" "$warm_us" 2))."
echo "Redis: wsgate sent $(( redis_after - redis_before )) commands in the ${rounds_secs} s of the rounds" \
  "($(awk -v a="$(( redis_after - redis_before ))" -v s="$rounds_secs" 'BEGIN { printf "%.1f", a / s }') a second)" \
  "while it served $wsgate_ops operations."
total_errors=$(awk '{ n += $8 } END { print n + 0 }' "$results")
[ "$failed_measurements" -eq 0 ] || echo "WARNING: $failed_measurements measurement(s) completed no operation and are left out (see the lines above)."
[ "$total_errors" -eq 0 ] || echo "WARNING: $total_errors operations failed or got an error status during the rounds (see the lines above)."
if [ "$busy_starts" -gt 0 ] || [ "${quiet_warnings:-0}" -gt 0 ]; then
  echo "WARNING: the machine was busy (above ${BENCH_QUIET_BUSY:-15}%) before $busy_starts of $measurements measurements:" \
    "requests/s and latencies are the machine's as much as the proxies'; CPU per operation holds up better" \
    "(\"other load on CPU $BENCH_PROXY_CORE\" above says how much else ran on the proxies' core)."
fi
