#!/usr/bin/env bash
# How much of wsgate's cost per operation is the stack it is built on: the same traffic through nginx, through the
# least proxies that can be built on Vert.x's HTTP server and client (bench/VertxFloor.java: copy headers, pipe
# bodies, nothing else; GET only, it does no upgrades) and on Netty's epoll transport (bench/NettyFloor.java: each
# connection relayed byte for byte to the origin, nothing parsed), and through wsgate (the shipped jar, auth on with
# a real session), all to the same origin, each alone on CPU 1, the load on CPU 0. nginx and wsgate are set up as in
# bench/versus.sh (bench/lib.sh), and so is the load: GET / with wrk at 64 keep-alive connections; WebSocket
# messages (32 B text, 100 sockets ping-pong) and handshakes (open + close, 16 at a time) with bench/WsLoad.java.
#
#   bench/floor.sh [--rounds 3] [--seconds 5]
#
# Prints, per operation and proxy, the CPU time of the proxy process per operation (median of the rounds,
# interleaved, after a warm-up of 3 runs each), its kernel part, and the ratio to nginx; and for GET / the p50 and
# p99 latency that wrk saw, with the p99's ratio to nginx's (is a tail the stack's or wsgate's own?). Installs nginx and wrk if
# missing (Debian, as root), builds the jar if absent; loopback only; stops only what it started. About 10 minutes
# with the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh

rounds=3
secs=5
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --seconds) secs=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done

bench_init
need_packages nginx:nginx wrk:wrk curl:curl taskset:util-linux
need_jar
javac -nowarn -cp "$BENCH_JAR" -d "$bench_work/classes" bench/VertxFloor.java bench/NettyFloor.java \
  || die "cannot compile bench/VertxFloor.java and bench/NettyFloor.java"
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
say "floor: $rounds round(s) of ${secs} s per measurement; proxies on CPU $BENCH_PROXY_CORE, load on CPU $BENCH_LOAD_CORE"
wait_quiet 120

start_wsgate
sign_in_and_launch
declare -A port_of pids_of
port_of[wsgate]=$gw_port
pids_of[wsgate]=$gw_pid

start_nginx

# the floors run with the same JVM options as the gateway's (bench/lib.sh), so that the JVMs differ only in their code
start_floor() { # who class
  port_of[$1]=$(free_port)
  # shellcheck disable=SC2046
  taskset -c "$BENCH_PROXY_CORE" java $(gateway_java_options) -cp "$BENCH_JAR:$bench_work/classes" \
    "$2" "${port_of[$1]}" "${origin_endpoint##*:}" > "$bench_work/$1-floor.log" 2>&1 &
  pids_of[$1]=$!
  started "${pids_of[$1]}"
  wait_port "${port_of[$1]}" 30 || die "$2 did not start: $(cat "$bench_work/$1-floor.log")"
}
start_floor vertx VertxFloor
start_floor netty NettyFloor

# who serves which operation: the Vert.x floor does no upgrades
declare -A serves=([get]="nginx vertx netty wsgate" [wsmsg]="nginx netty wsgate" [wshs]="nginx netty wsgate")
ops=(get wsmsg wshs)
curl -sf "http://$origin_endpoint/" > "$bench_work/small" || die "the origin does not answer"
for who in nginx vertx netty wsgate; do
  curl -sf -m 10 -H "Host: $BENCH_HOST" -H "Cookie: $gw_cookie" "http://127.0.0.1:${port_of[$who]}/" \
    | cmp -s - "$bench_work/small" || die "$who: GET / did not return the origin's body"
done
for who in ${serves[wsmsg]}; do
  got=$(wsload check --target "127.0.0.1:${port_of[$who]}" --host "$BENCH_HOST" --cookie "$gw_cookie") \
    || die "$who: WebSocket echo: $got"
done

# CPU time of the proxy per operation over one run, in us, its kernel part, and for GET / the p50 and p99 that wrk
# saw, in ms (else "-"): "us kernel_us p50_ms p99_ms"
measure() {
  local who=$1 op=$2 t0 t1 s0 s1 out n line p50=- p99=-
  case $op in
    get)
      out=$bench_work/wrk.out
      # shellcheck disable=SC2086
      t0=$(cpu_ticks ${pids_of[$who]}); s0=$(sys_ticks ${pids_of[$who]})
      taskset -c "$BENCH_LOAD_CORE" wrk -t1 -c64 -d"${secs}s" --latency -H "Host: $BENCH_HOST" -H "Cookie: $gw_cookie" \
        "http://127.0.0.1:${port_of[$who]}/" > "$out"
      # shellcheck disable=SC2086
      t1=$(cpu_ticks ${pids_of[$who]}); s1=$(sys_ticks ${pids_of[$who]})
      n=$(awk '/requests in/ { print $1 }' "$out")
      grep -q "Non-2xx" "$out" && die "$who answered errors under load: $(cat "$out")"
      p50=$(wrk_ms 50% "$out"); p99=$(wrk_ms 99% "$out")
      ;;
    wsmsg|wshs)
      local mode=echo extra=(--sockets 100 --size 32)
      [ "$op" = wshs ] && mode=handshake extra=(--concurrency 16)
      line=$(wsload "$mode" --target "127.0.0.1:${port_of[$who]}" --host "$BENCH_HOST" --cookie "$gw_cookie" \
        "${extra[@]}" --warmup 1 --seconds "$secs" --pids "${pids_of[$who]// /,}" --core "$BENCH_PROXY_CORE" 2>&1 | grep '^result') \
        || die "$who $op: WsLoad printed no result"
      [ "$(field errors "$line")" = 0 ] || die "$who $op: errors under load: $line"
      n=$(field ops "$line"); t0=0; t1=$(field cpu_ticks "$line"); s0=0; s1=$(field sys_ticks "$line")
      ;;
  esac
  awk -v t=$((t1 - t0)) -v s=$((s1 - s0)) -v n="$n" -v k="$CLK_TCK" -v a="$p50" -v b="$p99" \
    'BEGIN { printf "%.1f %.1f %s %s", t / k * 1e6 / n, s / k * 1e6 / n, a, b }'
}

for op in "${ops[@]}"; do
  for who in ${serves[$op]}; do
    for _ in 1 2 3; do measure "$who" "$op" > /dev/null; done
  done
done
declare -A figures kernel p50s p99s
for r in $(seq "$rounds"); do
  for op in "${ops[@]}"; do
    for who in ${serves[$op]}; do
      wait_quiet 30
      out=$(measure "$who" "$op")
      read -r v k a b <<< "$out"
      if [ "$op" = get ]; then
        say "round $r: $who $op $v us per operation (kernel $k), p50 $a ms, p99 $b ms"
        p50s[$who]="${p50s[$who]:-} $a"
        p99s[$who]="${p99s[$who]:-} $b"
      else
        say "round $r: $who $op $v us per operation (kernel $k)"
      fi
      figures[$who.$op]="${figures[$who.$op]:-} $v"
      kernel[$who.$op]="${kernel[$who.$op]:-} $k"
    done
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A title=([get]="GET / (64 B), 64 keep-alive connections" [wsmsg]="WebSocket message (32 B text, 100 sockets ping-pong)"
  [wshs]="WebSocket handshake (open + close, 16 at a time)")
label_of() {
  case $1 in
    nginx) echo "nginx (1 worker)" ;;
    vertx) echo "Vert.x floor (bench/VertxFloor.java)" ;;
    netty) echo "Netty floor (bench/NettyFloor.java)" ;;
    wsgate) echo "wsgate ($(gateway_label))" ;;
  esac
}
for op in "${ops[@]}"; do
  base=$(median <<< "${figures[nginx.$op]}")
  echo
  echo "| ${title[$op]} | CPU per operation | kernel part | / nginx |"
  echo "|---|---:|---:|---:|"
  for who in ${serves[$op]}; do
    m=$(median <<< "${figures[$who.$op]}"); k=$(median <<< "${kernel[$who.$op]}")
    awk -v l="$(label_of "$who")" -v m="$m" -v k="$k" -v b="$base" \
      'BEGIN { printf "| %s | %.1f us | %.1f us | %.2fx |\n", l, m, k, m / b }'
  done
done
# the latency wrk saw on GET /: the tail a proxy adds at 64 connections, with the floors under it
base=$(median <<< "${p99s[nginx]}")
echo
echo "| GET / at 64 connections, latency | p50 | p99 | p99 / p50 | p99 / nginx's |"
echo "|---|---:|---:|---:|---:|"
for who in ${serves[get]}; do
  a=$(median <<< "${p50s[$who]}"); b=$(median <<< "${p99s[$who]}")
  awk -v l="$(label_of "$who")" -v a="$a" -v b="$b" -v n="$base" \
    'BEGIN { printf "| %s | %.2f ms | %.2f ms | %.1f | %.2fx |\n", l, a, b, b / a, b / n }'
done
