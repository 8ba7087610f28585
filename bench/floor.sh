#!/usr/bin/env bash
# How much of wsgate's cost per request is Vert.x's HTTP stack itself: GET / through nginx, through the least proxy
# that can be built on Vert.x's HTTP server and client (bench/VertxFloor.java: copy headers, pipe bodies, nothing
# else), and through wsgate (the shipped jar, auth on with a real session), all to the same origin, each alone on
# CPU 1, wrk on CPU 0. nginx and wsgate are set up as in bench/versus.sh (bench/lib.sh).
#
#   bench/floor.sh [--rounds 3] [--seconds 5]
#
# Prints, per proxy, the CPU time of the proxy process per request (median of the rounds, interleaved, after a
# warm-up of 3 x 5 s each) and its ratio to nginx. Installs nginx and wrk if missing (Debian, as root), builds the
# jar if absent; loopback only; stops only what it started. About 3 minutes with the defaults.
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
javac -nowarn -cp "$BENCH_JAR" -d "$bench_work/classes" bench/VertxFloor.java || die "cannot compile bench/VertxFloor.java"
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
say "floor: $rounds round(s) of ${secs} s, GET / at 64 connections; proxies on CPU $BENCH_PROXY_CORE, load on CPU $BENCH_LOAD_CORE"
wait_quiet 120

start_wsgate
sign_in_and_launch
declare -A port_of pids_of
port_of[wsgate]=$gw_port
pids_of[wsgate]=$gw_pid

start_nginx

port_of[vertx]=$(free_port)
# the same JVM options as the gateway's (bench/lib.sh), so that the two JVMs differ only in the code they run
# shellcheck disable=SC2046
taskset -c "$BENCH_PROXY_CORE" java $(gateway_java_options) -cp "$BENCH_JAR:$bench_work/classes" \
  VertxFloor "${port_of[vertx]}" \
  "${origin_endpoint##*:}" > "$bench_work/vertx-floor.log" 2>&1 &
pids_of[vertx]=$!
started "${pids_of[vertx]}"
wait_port "${port_of[vertx]}" 30 || die "the Vert.x floor did not start: $(cat "$bench_work/vertx-floor.log")"

contenders=(nginx vertx wsgate)
curl -sf "http://$origin_endpoint/" > "$bench_work/small" || die "the origin does not answer"
for who in "${contenders[@]}"; do
  curl -sf -m 10 -H "Host: $BENCH_HOST" -H "Cookie: $gw_cookie" "http://127.0.0.1:${port_of[$who]}/" \
    | cmp -s - "$bench_work/small" || die "$who: GET / did not return the origin's body"
done

# CPU time of the proxy per request over one wrk run, in us
measure() {
  local who=$1 t0 t1 out n
  # shellcheck disable=SC2086
  t0=$(cpu_ticks ${pids_of[$who]})
  out=$(taskset -c "$BENCH_LOAD_CORE" wrk -t1 -c64 -d"${secs}s" -H "Host: $BENCH_HOST" -H "Cookie: $gw_cookie" \
    "http://127.0.0.1:${port_of[$who]}/")
  # shellcheck disable=SC2086
  t1=$(cpu_ticks ${pids_of[$who]})
  n=$(awk '/requests in/ { print $1 }' <<< "$out")
  grep -q "Non-2xx" <<< "$out" && die "$who answered errors under load: $out"
  awk -v t=$((t1 - t0)) -v n="$n" -v k="$CLK_TCK" 'BEGIN { printf "%.1f", t / k * 1e6 / n }'
}

for who in "${contenders[@]}"; do
  for _ in 1 2 3; do measure "$who" > /dev/null; done
done
declare -A figures
for r in $(seq "$rounds"); do
  for who in "${contenders[@]}"; do
    wait_quiet 30
    v=$(measure "$who")
    say "round $r: $who $v us per GET /"
    figures[$who]="${figures[$who]:-} $v"
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
base=$(median <<< "${figures[nginx]}")
echo
echo "| GET / (64 B), 64 keep-alive connections | CPU per request | / nginx |"
echo "|---|---:|---:|"
for who in "${contenders[@]}"; do
  m=$(median <<< "${figures[$who]}")
  case $who in
    nginx) label="nginx (1 worker)" ;;
    vertx) label="Vert.x floor (bench/VertxFloor.java)" ;;
    wsgate) label="wsgate ($(git rev-parse --short HEAD 2>/dev/null || echo unknown))" ;;
  esac
  awk -v l="$label" -v m="$m" -v b="$base" 'BEGIN { printf "| %s | %.1f us | %.2fx |\n", l, m, m / b }'
done
