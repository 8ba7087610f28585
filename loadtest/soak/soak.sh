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
# stopped (SIGTERM, workspaces left running) and started again. Each fault opens a window, from the fault until the
# gateway is ready again (/readyz 200) plus WINDOW_GRACE_S (Gatling reports every 5 s and a typing student's reopen
# backoff reaches 5 s). Failed student requests are counted per 5-second report of Gatling, inside and outside
# these windows. All along, every 2 s, a watcher counts duplicate workspaces (two processes for one id) and
# processes that no running route refers to; such a process is an orphan once it has stayed unrouted longer than
# ORPHAN_AFTER_S (two reconcile intervals and a launch). At the start and after each round it records the gateway's
# heap after a full GC, its file descriptors and threads, and Redis's memory. Everything it starts is stopped on
# exit; its files stay in the directory it prints.
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
WINDOW_GRACE_S=15
RECONCILE_S=20
ORPHAN_AFTER_S=$(( 2 * RECONCILE_S + 5 ))
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
watcher_pid=""
windows="$work/windows" # one line per fault: <label> <start epoch> <end epoch>, end including the grace
: > "$windows"

# workspace processes of this soak: their environment names its data directory. The workspace agent passes that
# environment on to the IDE it starts (here the demo), so a process whose parent is itself a workspace process is
# that workspace's IDE, not another copy of the workspace: only the processes the provider started are listed.
workspace_pids() {
  local env pid ppid
  declare -A is_workspace=()
  local all=()
  for env in /proc/[0-9]*/environ; do
    pid=$(basename "$(dirname "$env")")
    if { tr '\0' '\n' < "$env"; } 2>/dev/null | grep -qx "WSGATE_DATA_DIR=$work/data/.*"; then
      is_workspace[$pid]=1
      all+=("$pid")
    fi
  done
  for pid in "${all[@]}"; do
    ppid=$(awk '/^PPid:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
    [ -n "${is_workspace[${ppid:-0}]:-}" ] || echo "$pid"
  done
  return 0
}

workspace_of() {
  { tr '\0' '\n' < "/proc/$1/environ"; } 2>/dev/null | sed -n 's/^WSGATE_WORKSPACE_ID=//p'
}

cleanup() {
  if [ -n "$watcher_pid" ]; then kill "$watcher_pid" 2>/dev/null || true; wait "$watcher_pid" 2>/dev/null || true; fi
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
    WSGATE_PROFILE_DEMO_IDLE_TIMEOUT=1m WSGATE_CONTROL_INTERVAL=5s WSGATE_RECONCILE_INTERVAL="${RECONCILE_S}s" \
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

routed_ids() { # ids of the workspaces the gateway routes (state running), one per line; fails if it cannot tell
  local json
  json=$(curl -fsS --max-time 5 "http://127.0.0.1:$ADMIN_PORT/api/workspaces" 2>/dev/null) || return 1
  printf '%s' "$json" | tr '{' '\n' | sed -n 's/.*"id":"\([^"]*\)".*"state":"running".*/\1/p' | sort -u
}

# Every 2 s: duplicates (an id with two processes) and processes unrouted for longer than ORPHAN_AFTER_S, each
# logged with its time. While the gateway cannot list its routes (down, or Redis away) the orphan check skips.
watch_fleet() {
  set +e # a process can end between being listed and being read: the watcher carries on
  declare -A unrouted_since=()
  local now pid id ids routed dups
  while :; do
    now=$(date +%s)
    ids=""
    declare -A pid_of=()
    for pid in $(workspace_pids); do
      id=$(workspace_of "$pid")
      [ -n "$id" ] || continue
      ids+="$id"$'\n'
      pid_of[$pid]=$id
    done
    dups=$(printf '%s' "$ids" | sed '/^$/d' | sort | uniq -d | tr '\n' ' ')
    [ -z "$dups" ] || echo "$now duplicate $dups" >> "$work/watch.log"
    if routed=$(routed_ids); then
      routed=" $(printf '%s' "$routed" | tr '\n' ' ') "
      for pid in "${!pid_of[@]}"; do
        if [[ "$routed" == *" ${pid_of[$pid]} "* ]]; then
          unset "unrouted_since[$pid]"
        elif [ -z "${unrouted_since[$pid]:-}" ]; then
          unrouted_since[$pid]=$now
        elif [ $(( now - unrouted_since[$pid] )) -gt "$ORPHAN_AFTER_S" ]; then
          echo "$now orphan ${pid_of[$pid]} pid $pid unrouted since $(date -d "@${unrouted_since[$pid]}" +%T)" \
            >> "$work/watch.log"
        fi
      done
      for pid in "${!unrouted_since[@]}"; do [ -n "${pid_of[$pid]:-}" ] || unset "unrouted_since[$pid]"; done
    fi
    unset pid_of
    echo "$now sample" >> "$work/watch.log"
    sleep 2
  done
}

# Failed requests per 5-second Gatling report of one round, split by whether the report's interval touches a
# fault's window: prints "<in windows> <outside>" and lists the intervals outside with failures in the report.
split_failures() { # round
  local log="$work/gatling-$1.log"
  awk '$3 == "GMT" && $1 ~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]$/ { stamp = $1 " " $2 " GMT" }
       /^> Global / && stamp != "" { gsub(/[ ,]/, ""); n = split($0, f, "|"); print stamp "|" f[n]; stamp = "" }' "$log" \
    | while IFS='|' read -r stamp ko; do echo "$(date -d "$stamp" +%s) ${ko//-/0}"; done > "$work/ko-$1"
  awk -v grace=0 'NR == FNR { start[NR] = $2; end[NR] = $3; n = NR; next }
    { t = $1; ko = $2 + 0; d = ko - prev; prev = ko; from = (last == "" ? t - 5 : last); last = t
      if (d <= 0) next
      hit = 0; for (i = 1; i <= n; i++) if (from <= end[i] && t >= start[i]) hit = 1
      if (hit) inside += d; else { outside += d; spots = spots sprintf(" %d:+%d", t, d) } }
    END { printf "%d %d%s\n", inside, outside, spots }' "$windows" "$work/ko-$1"
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
  routed=$(routed_ids || true)
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

report_failures() { # round; in the main shell, after the round's Gatling has finished
  local split inside outside spots at="" spot
  split=$(split_failures "$1")
  read -r inside outside spots <<< "$split"
  for spot in $spots; do at+=" $(date -d "@${spot%%:*}" +%T) (${spot#*:})"; done
  printf 'round %s: failed inside fault windows %s, outside %s%s\n' "$1" "$inside" "$outside" \
    "${at:+; outside at$at}" | tee -a "$report"
  total_outside=$(( total_outside + outside ))
}

wait_ready() { # until /readyz answers 200 (at most 120 s); prints the epoch it did
  for _ in $(seq 1200); do
    if curl -fsS --max-time 2 "http://127.0.0.1:$ADMIN_PORT/readyz" > /dev/null 2>&1; then break; fi
    sleep 0.1
  done
  date +%s
}

total_outside=0
start_redis
start_gateway
measure "start"
watch_fleet &
watcher_pid=$!
for round in 1 2 3; do
  gatling "$round" &
  load=$!
  if [ "$round" = 2 ]; then
    sleep $(( ROUND_S / 2 ))
    fault=$(date +%s)
    echo "round 2: redis killed and restarted empty at $(date +%T)" | tee -a "$report"
    kill -9 "$redis_pid"
    wait "$redis_pid" 2>/dev/null || true
    start_redis
    back=$(wait_ready)
    echo "redis $fault $(( back + WINDOW_GRACE_S ))" >> "$windows"
    echo "round 2: gateway ready again $(( back - fault )) s after the kill" | tee -a "$report"
  elif [ "$round" = 3 ]; then
    sleep $(( ROUND_S / 2 ))
    fault=$(date +%s)
    echo "round 3: gateway stopped (SIGTERM) and started again at $(date +%T)" | tee -a "$report"
    kill "$gw_pid"
    wait "$gw_pid" 2>/dev/null || true
    start_gateway
    back=$(wait_ready)
    echo "gateway $fault $(( back + WINDOW_GRACE_S ))" >> "$windows"
    echo "round 3: gateway ready again $(( back - fault )) s after the SIGTERM" | tee -a "$report"
  fi
  wait "$load" || true
  report_failures "$round"
  sleep 90 # the round's workspaces go idle (1 min), then the reaper and a reconcile run
  measure "after round $round"
done
kill "$watcher_pid" 2>/dev/null || true
wait "$watcher_pid" 2>/dev/null || true
watcher_pid=""
samples=$(grep -c ' sample$' "$work/watch.log" || true)
dup_samples=$(grep -c ' duplicate ' "$work/watch.log" || true)
orphan_ids=$(sed -n 's/^[0-9]* orphan \([^ ]*\) .*/\1/p' "$work/watch.log" | sort -u | tr '\n' ' ')
{
  echo "watcher: $samples samples every 2 s; samples with a duplicate workspace: $dup_samples;" \
    "orphans (unrouted longer than ${ORPHAN_AFTER_S} s): ${orphan_ids:-none}"
  echo "failed student requests outside the fault windows: $total_outside"
} | tee -a "$report"
echo "soak: done; report in $report"
