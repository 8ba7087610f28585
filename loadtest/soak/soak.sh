#!/usr/bin/env bash
# A bounded soak of wsgate on this machine, on loopback only, run on demand (never by CI):
#
#   loadtest/soak/soak.sh                  # 30 minutes: 3 rounds of 10 min, 20 students a round
#   SOAK_MINUTES=6 SOAK_USERS=5 loadtest/soak/soak.sh
#
# It starts its own Redis (the redis-server the build already downloaded, in memory) and the gateway jar (local
# provider, demo workspaces, auth off, a 1-minute idle timeout), then runs the Gatling browsing-and-typing simulation
# in rounds, each round with workspaces of its own, so workspaces keep launching and being stopped for idleness.
# Halfway through the second round Redis is killed and restarted empty; halfway through the third the gateway is
# stopped (SIGTERM, workspaces left running) and started again. At the start and after each round it records the
# gateway's heap after a full GC, its file descriptors and threads, Redis's memory, and counts duplicate workspaces
# (two processes for one id) and orphans (a workspace process that no running route refers to). Everything it
# starts is stopped on exit; its files stay in the directory it prints.
set -euo pipefail
cd "$(dirname "$0")/../.."

MINUTES=${SOAK_MINUTES:-30}
USERS=${SOAK_USERS:-20}
PORT=${SOAK_PORT:-18080}
ADMIN_PORT=${SOAK_ADMIN_PORT:-19090}
REDIS_PORT=${SOAK_REDIS_PORT:-16379}
ROUNDS=3
ROUND_S=$(( MINUTES * 60 / ROUNDS ))
# each student stays two thirds of a round (at most Gatling's 10 min); arrivals spread over the first third
STAY_S=$(( ROUND_S * 2 / 3 )); RAMP_S=$(( ROUND_S / 3 )); [ "$STAY_S" -le 600 ] || STAY_S=600
work=$(mktemp -d /tmp/wsgate-soak.XXXXXX)
report="$work/report.txt"
echo "soak: ${MINUTES} min in $ROUNDS rounds of ${ROUND_S} s, $USERS students a round; files in $work" | tee "$report"

jar=proxy/target/wsgate.jar
[ -f "$jar" ] || mvn -B -q -DskipTests package
embedded=$(find "${HOME}/.m2/repository/com/github/codemonstur/embedded-redis" -name 'embedded-redis-*.jar' | head -n 1)
[ -n "$embedded" ] || { echo "soak: build first (mvn -B -q -DskipTests package): no embedded-redis jar"; exit 2; }
unzip -p "$embedded" redis-server-6.2.6-v5-linux-amd64 > "$work/redis-server"
chmod +x "$work/redis-server"

redis_pid=""
gw_pid=""

# demo workspace processes of this soak: their environment names its data directory
workspace_pids() {
  local env
  for env in /proc/[0-9]*/environ; do
    { tr '\0' '\n' < "$env"; } 2>/dev/null | grep -qx "WSGATE_DATA_DIR=$work/data/.*" && basename "$(dirname "$env")"
  done
  return 0
}

workspace_of() {
  { tr '\0' '\n' < "/proc/$1/environ"; } 2>/dev/null | sed -n 's/^WSGATE_WORKSPACE_ID=//p'
}

cleanup() {
  if [ -n "$gw_pid" ]; then kill "$gw_pid" 2>/dev/null || true; wait "$gw_pid" 2>/dev/null || true; fi
  for pid in $(workspace_pids); do kill "$pid" 2>/dev/null || true; done
  if [ -n "$redis_pid" ]; then kill "$redis_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT

redis_cmd() { # one command over RESP, then QUIT so that the server closes and the read ends
  exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT"
  printf '%s\r\nQUIT\r\n' "$*" >&3
  timeout 5 cat <&3 || true
  exec 3>&-
}

start_redis() {
  "$work/redis-server" --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no >> "$work/redis.log" 2>&1 &
  redis_pid=$!
  for _ in $(seq 100); do
    if (redis_cmd PING 2>/dev/null | grep -q PONG); then return 0; fi
    sleep 0.1
  done
  echo "soak: redis did not start (see $work/redis.log)"
  exit 1
}

gateways=0
start_gateway() {
  gateways=$((gateways + 1))
  env WSGATE_PORT="$PORT" WSGATE_ADMIN_PORT="$ADMIN_PORT" WSGATE_REDIS_URL="redis://127.0.0.1:$REDIS_PORT" \
    WSGATE_STATE_DIR="$work/state" WSGATE_DATA_DIR="$work/data" WSGATE_AUTH=off \
    WSGATE_USER_CONCURRENT_LAUNCHES=50 WSGATE_USER_LAUNCH_RATE=600 WSGATE_GLOBAL_CONCURRENT_LAUNCHES=100 \
    WSGATE_PROFILE_DEMO_IDLE_TIMEOUT=1m WSGATE_CONTROL_INTERVAL=5s WSGATE_RECONCILE_INTERVAL=20s \
    WSGATE_STOP_WORKSPACES_ON_EXIT=off \
    java -Xmx512m -jar "$jar" > "$work/gateway-$gateways.log" 2>&1 &
  gw_pid=$!
  for _ in $(seq 600); do
    if curl -fsS "http://127.0.0.1:$ADMIN_PORT/healthz" > /dev/null 2>&1; then return 0; fi
    kill -0 "$gw_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "soak: the gateway did not start (see $work/gateway-$gateways.log)"
  exit 1
}

measure() { # label; every figure is best effort, a missing one prints as '?'
  local label=$1 heap fds threads rmem ids count dups routed orphans
  jcmd "$gw_pid" GC.run > /dev/null 2>&1 || true
  heap=$(jcmd "$gw_pid" GC.heap_info 2>/dev/null \
    | awk '/garbage-first heap/ { for (i = 1; i <= NF; i++) if ($i == "used") print $(i + 1) }' || true)
  fds=$(ls "/proc/$gw_pid/fd" 2>/dev/null | wc -l || true)
  threads=$(awk '/^Threads:/ { print $2 }' "/proc/$gw_pid/status" 2>/dev/null || true)
  rmem=$(redis_cmd INFO memory | tr -d '\r' | sed -n 's/^used_memory_human://p' || true)
  ids=$(for pid in $(workspace_pids); do workspace_of "$pid"; done | sed '/^$/d' | sort || true)
  count=$(printf '%s' "$ids" | grep -c . || true)
  dups=$(printf '%s\n' "$ids" | sed '/^$/d' | uniq -d | wc -l || true)
  routed=$(curl -fsS "http://127.0.0.1:$ADMIN_PORT/api/workspaces" 2>/dev/null | tr '{' '\n' \
    | sed -n 's/.*"id":"\([^"]*\)".*"state":"running".*/\1/p' | sort -u || true)
  orphans=$(comm -23 <(printf '%s\n' "$ids" | sed '/^$/d' | sort -u) <(printf '%s\n' "$routed" | sed '/^$/d') \
    | wc -l || true)
  printf '%-16s heap after full GC %8s  fds %5s  threads %4s  redis %8s  workspace processes %4s  duplicates %s  orphans %s\n' \
    "$label" "${heap:-?}" "${fds:-?}" "${threads:-?}" "${rmem:-?}" "${count:-?}" "${dups:-?}" "${orphans:-?}" \
    | tee -a "$report"
}

gatling() { # round
  mvn -B -q -pl loadtest/gatling gatling:test -Dgatling.simulationClass=io.wsgate.loadtest.StudentsBrowsingAndTyping \
    -Dusers="$USERS" -Dduration="${STAY_S}s" -Dramp="${RAMP_S}s" -Dprefix="soak$1-" \
    -Dgateway="http://127.0.0.1:$PORT" > "$work/gatling-$1.log" 2>&1 || true
  local counts
  counts=$(sed -n 's/^> request count *| *\([0-9,]*\) *| *\([0-9,]*\) *| *\([0-9,-]*\).*/\1 requests, \2 ok, \3 failed/p' \
    "$work/gatling-$1.log" | head -n 1 || true)
  printf 'round %s: %s\n' "$1" "${counts:-no Gatling summary (see $work/gatling-$1.log)}" | tee -a "$report"
}

start_redis
start_gateway
measure "start"
for round in 1 2 3; do
  gatling "$round" &
  load=$!
  if [ "$round" = 2 ]; then
    sleep $(( ROUND_S / 2 ))
    echo "round 2: redis killed and restarted empty at $(date +%T)" | tee -a "$report"
    kill -9 "$redis_pid"
    wait "$redis_pid" 2>/dev/null || true
    start_redis
  elif [ "$round" = 3 ]; then
    sleep $(( ROUND_S / 2 ))
    echo "round 3: gateway stopped (SIGTERM) and started again at $(date +%T)" | tee -a "$report"
    kill "$gw_pid"
    wait "$gw_pid" 2>/dev/null || true
    start_gateway
  fi
  wait "$load" || true
  sleep 90 # the round's workspaces go idle (1 min), then the reaper and a reconcile run
  measure "after round $round"
done
echo "soak: done; report in $report"
