#!/usr/bin/env bash
# What wsgate adds to a request: wrk against a demo workspace directly, then through the gateway, same
# connections, same duration, same request; and, if nginx is installed, through nginx as a plain reverse proxy
# (upstream keepalive) for a baseline of what any proxy hop costs on this machine. Loopback only; prints the
# runs, a summary, and how many Redis commands the gateway sent meanwhile.
#
#   bench/proxy-overhead.sh [seconds=20] [connections=20]
#
# Needs wrk (Debian: apt-get install wrk) and a built jar (mvn -B -q -DskipTests package).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-20}
conns=${2:-20}
threads=$(( conns < 2 ? 1 : 2 ))
port=18081
admin=19091
jar=proxy/target/wsgate.jar
command -v wrk >/dev/null || { echo "wrk not found (apt-get install wrk)"; exit 1; }
[ -f "$jar" ] || { echo "$jar not found: run mvn -B -q -DskipTests package first"; exit 1; }

work=$(mktemp -d)
env WSGATE_STATE_DIR="$work/state" WSGATE_DATA_DIR="$work/data" WSGATE_AUTH=off ${BENCH_GATEWAY_ENV:-} \
  WSGATE_PORT=$port WSGATE_ADMIN_PORT=$admin java -jar "$jar" > "$work/gateway.log" 2>&1 &
gw=$!
nginx_pid=""
cleanup() {
  set +e
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null
  kill "$gw" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 100); do
  curl -sf "127.0.0.1:$admin/healthz" >/dev/null && break
  sleep 0.2
done
redis_port=$(grep -o 'redis://127.0.0.1:[0-9]*' "$work/gateway.log" | head -1 | sed 's/.*://')

# launch the workspace (the API call is held until it is ready), then find where it listens
curl -sf -H "Host: ws-bench.localhost" "127.0.0.1:$port/api/info" >/dev/null
endpoint=$(curl -sf "127.0.0.1:$admin/api/workspaces" | grep -o '"endpoint":"[^"]*"' | head -1 | cut -d'"' -f4)
echo "workspace ws-bench at $endpoint; wrk -t$threads -c$conns -d${secs}s GET /api/info"

# warm both paths up, then measure
wrk -t"$threads" -c"$conns" -d3s "http://$endpoint/api/info" >/dev/null
wrk -t"$threads" -c"$conns" -d3s -H "Host: ws-bench.localhost" "http://127.0.0.1:$port/api/info" >/dev/null

echo; echo "== direct to the workspace"
wrk -t"$threads" -c"$conns" -d"${secs}s" --latency "http://$endpoint/api/info" | tee "$work/direct.txt"
before=$(redis-cli -p "$redis_port" info stats 2>/dev/null | grep total_commands_processed | cut -d: -f2 | tr -d '\r' || true)
echo; echo "== through wsgate"
wrk -t"$threads" -c"$conns" -d"${secs}s" --latency -H "Host: ws-bench.localhost" "http://127.0.0.1:$port/api/info" \
  | tee "$work/gateway.txt"
after=$(redis-cli -p "$redis_port" info stats 2>/dev/null | grep total_commands_processed | cut -d: -f2 | tr -d '\r' || true)

nginx_bin=$(command -v nginx || ls /usr/sbin/nginx 2>/dev/null || true)
if [ -n "$nginx_bin" ]; then
  mkdir -p "$work/nginx"
  cat > "$work/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  upstream ws { server $endpoint; keepalive 64; }
  server {
    listen 127.0.0.1:18082;
    location / { proxy_pass http://ws; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host \$host; }
  }
}
CONF
  "$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" > "$work/nginx/out.log" 2>&1 &
  nginx_pid=$!
  sleep 1
  wrk -t"$threads" -c"$conns" -d3s "http://127.0.0.1:18082/api/info" >/dev/null
  echo; echo "== through nginx (baseline for one proxy hop)"
  wrk -t"$threads" -c"$conns" -d"${secs}s" --latency "http://127.0.0.1:18082/api/info" | tee "$work/nginx.txt"
fi

rps() { grep 'Requests/sec' "$1" | awk '{print $2}'; }
p50() { grep -E '^ +50%' "$1" | awk '{print $2}'; }
p99() { grep -E '^ +99%' "$1" | awk '{print $2}'; }
echo
echo "direct:  $(rps "$work/direct.txt") req/s, p50 $(p50 "$work/direct.txt"), p99 $(p99 "$work/direct.txt")"
echo "wsgate:  $(rps "$work/gateway.txt") req/s, p50 $(p50 "$work/gateway.txt"), p99 $(p99 "$work/gateway.txt")"
if [ -f "$work/nginx.txt" ]; then
  echo "nginx:   $(rps "$work/nginx.txt") req/s, p50 $(p50 "$work/nginx.txt"), p99 $(p99 "$work/nginx.txt")"
fi
if [ -n "$before" ] && [ -n "$after" ]; then
  echo "Redis commands during the gateway run: $((after - before)) (redis-cli on port $redis_port)"
fi
curl -s "127.0.0.1:$admin/metrics" | grep -E '^wsgate_proxy_overhead_seconds_(sum|count)' || true
