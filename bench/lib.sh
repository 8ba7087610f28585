# shellcheck shell=bash
# Shared by bench/versus.sh and bench/many-sockets.sh (sourced, not run): installing what is missing, the shipped
# jar, free ports, waiting for a quiet machine, CPU and memory from /proc, and starting wsgate with the benchmark's
# origin as its workspace, signed in with a real session. Everything started is recorded and stopped on exit, by pid.

BENCH_HOST=ws-bench.localhost
# The gateway measured: the shipped jar, or BENCH_JAR (another build of wsgate, e.g. an older commit's, for a before
# and after from one machine); the load and the floors are compiled against it.
BENCH_JAR=${BENCH_JAR:-proxy/target/wsgate.jar}
BENCH_PROXY_CORE=${BENCH_PROXY_CORE:-1}
BENCH_LOAD_CORE=${BENCH_LOAD_CORE:-0}
CLK_TCK=$(getconf CLK_TCK)
started_pids=()
gateway_children=()
bench_work=""

say() { printf '# %s\n' "$*"; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

# Installs the Debian packages of the commands that are missing, given as command:package pairs. Their services are
# not started (a policy-rc.d that refuses is put in place for the install if the system has none).
need_packages() {
  local spec missing=()
  for spec in "$@"; do
    command -v "${spec%%:*}" >/dev/null || [ -x "/usr/sbin/${spec%%:*}" ] || missing+=("${spec#*:}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null \
    || die "missing ${missing[*]}: install them (Debian: apt-get install ${missing[*]}) or run as root on Debian"
  say "installing from Debian: ${missing[*]} (apt-get install --no-install-recommends; their services are not started)"
  local policy=/usr/sbin/policy-rc.d own_policy=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 755 "$policy" && own_policy=1
  fi
  local status=0
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 || {
    apt-get update -qq >/dev/null 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || status=$?
  }
  [ -n "$own_policy" ] && rm -f "$policy"
  [ "$status" -eq 0 ] || die "apt-get install ${missing[*]} failed"
}

# The shipped jar, built if absent; and the benchmark's two Java programs compiled once against it.
need_jar() {
  if [ ! -f "$BENCH_JAR" ]; then
    [ "$BENCH_JAR" = proxy/target/wsgate.jar ] || die "BENCH_JAR=$BENCH_JAR: no such file"
    say "building $BENCH_JAR (mvn -B -q -DskipTests package)"
    mvn -B -q -DskipTests package || die "the build failed"
  fi
  mkdir -p "$bench_work/classes"
  javac -nowarn -cp "$BENCH_JAR" -d "$bench_work/classes" bench/Origin.java bench/WsLoad.java \
    || die "cannot compile bench/Origin.java and bench/WsLoad.java against $BENCH_JAR"
}

# What the wsgate column measures: this checkout's commit, or the jar given as BENCH_JAR.
gateway_label() {
  if [ "$BENCH_JAR" = proxy/target/wsgate.jar ]; then
    git rev-parse --short HEAD 2>/dev/null || echo unknown
  else
    echo "$BENCH_JAR"
  fi
}

# A work directory, removed on exit unless BENCH_KEEP=1, and the exit trap that stops what was started.
bench_init() {
  [ "$(nproc --all)" -ge 2 ] || die "needs two cores (the proxy on one, the load on the other)"
  bench_work=$(mktemp -d /tmp/wsgate-bench.XXXXXX)
  chmod 755 "$bench_work"
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

# Records a pid to stop on exit, in reverse order of starting.
started() { started_pids+=("$1"); }
# Records a child of the gateway (Redis, the workspace): the gateway stops them itself; whatever is left when it has
# stopped is stopped after it.
started_by_gateway() { gateway_children+=("$1"); }

stop_pid() {
  kill -0 "$1" 2>/dev/null || return 0
  kill -TERM "$1" 2>/dev/null
  for _ in $(seq 200); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null
}

bench_cleanup() {
  local status=$? pid i
  set +e
  for (( i=${#started_pids[@]}-1; i>=0; i-- )); do
    stop_pid "${started_pids[$i]}"
  done
  for pid in "${gateway_children[@]}"; do
    stop_pid "$pid"
  done
  wait 2>/dev/null
  if [ -n "$bench_work" ]; then
    if [ "$status" -ne 0 ] || [ "${BENCH_KEEP:-0}" = 1 ]; then
      echo "bench: logs kept in $bench_work" >&2
    else
      rm -rf "$bench_work"
    fi
  fi
}

# A free loopback TCP port below the ephemeral range, not one given out before in this run.
taken_ports=" "
free_port() {
  local p listening
  listening=" "
  for p in $(awk 'NR > 1 && $4 == "0A" { n = split($2, a, ":"); print a[n] }' /proc/net/tcp /proc/net/tcp6 2>/dev/null); do
    listening="$listening$((16#$p)) "
  done
  for _ in $(seq 200); do
    p=$(( 20000 + RANDOM % 12000 ))
    case "$listening$taken_ports" in *" $p "*) continue ;; esac
    taken_ports="$taken_ports$p "
    echo "$p"
    return 0
  done
  die "no free port found"
}

wait_port() { # port seconds
  for _ in $(seq $(( $2 * 10 ))); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# Busy percentage of the whole machine over $1 seconds (all but idle and iowait, from /proc/stat).
machine_busy() {
  local a b
  a=$(awk '/^cpu / { print $2+$3+$4+$7+$8+$9, $5+$6 }' /proc/stat)
  sleep "$1"
  b=$(awk '/^cpu / { print $2+$3+$4+$7+$8+$9, $5+$6 }' /proc/stat)
  echo "$a $b" | awk '{ busy = $3 - $1; idle = $4 - $2; printf "%d", (busy + idle) ? 100 * busy / (busy + idle) : 0 }'
}

# Waits (at most BENCH_QUIET_WAIT seconds, default $1) until the machine is below BENCH_QUIET_BUSY percent busy
# (default 15) over 2 s; says so and goes on if it never gets there. This machine may be shared.
wait_quiet() {
  local limit=${BENCH_QUIET_WAIT:-${1:-60}} threshold=${BENCH_QUIET_BUSY:-15} busy waited=0
  while :; do
    busy=$(machine_busy 2)
    waited=$(( waited + 2 ))
    [ "$busy" -le "$threshold" ] && return 0
    if [ "$waited" -ge "$limit" ]; then
      say "WARNING: the machine is still ${busy}% busy after ${waited} s of waiting for below ${threshold}%:" \
        "something else runs; CPU per operation holds up, rates and latencies less so"
      quiet_warnings=$(( ${quiet_warnings:-0} + 1 ))
      return 0
    fi
  done
}

# utime + stime (clock ticks) of the given pids, all their threads.
cpu_ticks() { stat_ticks 12 "$@"; }

# stime alone (clock ticks) of the given pids: the part of cpu_ticks the kernel spent in their system calls.
sys_ticks() { stat_ticks 13 "$@"; }

# Fields FROM..13 (utime 12, stime 13, counted after "pid (comm) ") of /proc/<pid>/stat, summed over the pids.
stat_ticks() {
  local from=$1 pid sum=0 f i
  shift
  for pid in "$@"; do
    f=$(sed 's/.*) //' "/proc/$pid/stat") || die "pid $pid is gone"
    # shellcheck disable=SC2086 # split into fields on purpose
    set -- $f
    for (( i = from; i <= 13; i++ )); do
      sum=$(( sum + ${!i} ))
    done
  done
  echo "$sum"
}

# Busy ticks of one CPU (all but idle and iowait).
core_ticks() { awk -v c="cpu$1" '$1 == c { print $2+$3+$4+$7+$8+$9 }' /proc/stat; }

# Sum of a /proc/<pid>/status field (VmRSS, VmHWM) over the pids, in KiB.
status_kib() {
  local field=$1 pid sum=0 v
  shift
  for pid in "$@"; do
    v=$(awk -v f="$field:" '$1 == f { print $2 }' "/proc/$pid/status")
    sum=$(( sum + ${v:-0} ))
  done
  echo "$sum"
}

# A pid and the children it has now (nginx's master and workers).
with_children() { echo "$1" $(pgrep -P "$1" | tr '\n' ' '); }

# The JVM options the gateway image runs the jar with (deploy/docker/Dockerfile's ENTRYPOINT), with the memory of
# the gateway's ECS task (deploy/ecs/templates/wsgate.yaml) as the JVM's MaxRAM, so that its heap is sized as in that
# container and not to this machine's memory; GatewayImageTest keeps the three in step: the gateway is measured as
# it ships. Transparent huge pages for the heap: 9 to 15 % less CPU per operation on every row of bench/versus.sh.
gateway_jvm_options=(-XX:MaxRAM=2048m -XX:MaxRAMPercentage=75 -XX:InitialRAMPercentage=25 -XX:+ExitOnOutOfMemoryError -XX:+UseTransparentHugePages)
# What the gateway's JVM runs with here: BENCH_JAVA_OPTS if set (set but empty: no option, for an A/B), else those.
gateway_java_options() { echo "${BENCH_JAVA_OPTS-${gateway_jvm_options[*]}}"; }

# The gateway: the shipped jar pinned to the proxy core, auth on, the local provider with one profile, "bench",
# whose workspace is bench/Origin.java (pinned to the load core). Sets gw_pid, gw_port, gw_admin, gw_env and
# gw_transport (the network transport the gateway says it runs on).
start_wsgate() {
  gw_port=$(free_port)
  gw_admin=$(free_port)
  gw_env=(WSGATE_STATE_DIR="$bench_work/wsgate" WSGATE_DATA_DIR="$bench_work/wsgate/data"
    WSGATE_LISTEN_HOST=127.0.0.1 WSGATE_PORT="$gw_port" WSGATE_ADMIN_PORT="$gw_admin"
    WSGATE_PROFILES=bench WSGATE_DEFAULT_PROFILE=bench
    WSGATE_PROFILE_BENCH_COMMAND="taskset -c $BENCH_LOAD_CORE {java} -Xmx768m -XX:+UseSerialGC -cp '{classpath}:$bench_work/classes' Origin {port}"
    WSGATE_PROFILE_BENCH_IDLE_TIMEOUT=12h)
  # shellcheck disable=SC2046 # a list of JVM options
  env "${gw_env[@]}" ${BENCH_GATEWAY_ENV:-} taskset -c "$BENCH_PROXY_CORE" \
    java $(gateway_java_options) -jar "$BENCH_JAR" \
    > "$bench_work/wsgate.log" 2>&1 &
  gw_pid=$!
  started "$gw_pid"
  for _ in $(seq 600); do
    curl -sf "127.0.0.1:$gw_admin/healthz" >/dev/null 2>&1 && break
    kill -0 "$gw_pid" 2>/dev/null || die "wsgate exited at start: $(tail -5 "$bench_work/wsgate.log")"
    sleep 0.1
  done
  gw_transport=$(sed -n 's/.*network transport: //p' "$bench_work/wsgate.log" | head -1)
  # the embedded Redis is the gateway's child and inherited its core: it belongs with the load
  local child
  for child in $(pgrep -P "$gw_pid"); do
    started_by_gateway "$child"
    taskset -a -p -c "$BENCH_LOAD_CORE" "$child" >/dev/null
  done
}

# Signs in as a student would (a login token, as the LMS makes it, then the session cookie it is exchanged for) and
# launches the workspace. Sets gw_cookie, origin_endpoint, origin_pid.
sign_in_and_launch() {
  local link token status
  link=$(env "${gw_env[@]}" taskset -c "$BENCH_LOAD_CORE" java -jar "$BENCH_JAR" token --workspace bench --user student)
  token=$(grep -o 'wsgate_token=[^&[:space:]]*' <<< "$link" | head -1 | cut -d= -f2)
  [ -n "$token" ] || die "wsgate token printed no token: $link"
  gw_cookie=$(curl -s -o /dev/null -D - -H "Host: $BENCH_HOST" "http://127.0.0.1:$gw_port/?wsgate_token=$token" \
    | tr -d '\r' | grep -i '^set-cookie: wsgate_session=' | head -1 | sed 's/^[^:]*: //; s/;.*//')
  [ -n "$gw_cookie" ] || die "signing in gave no session cookie"
  # the first request launches the workspace; an API-style request is held, then 503 if the launch takes longer
  for _ in $(seq 60); do
    status=$(curl -s -o /dev/null -w '%{http_code}' -m 60 -H "Host: $BENCH_HOST" -H "Cookie: $gw_cookie" \
      "http://127.0.0.1:$gw_port/")
    [ "$status" = 200 ] && break
    sleep 1
  done
  [ "$status" = 200 ] || die "the workspace never answered 200 through wsgate (last: $status)"
  origin_endpoint=$(curl -sf "127.0.0.1:$gw_admin/api/workspaces" | grep -o '"endpoint":"[^"]*"' | head -1 | cut -d'"' -f4)
  [ -n "$origin_endpoint" ] || die "no endpoint for the workspace in /api/workspaces"
  origin_pid=$(pgrep -P "$gw_pid" -f 'Origin' | head -1)
  [ -n "$origin_pid" ] || die "cannot find the workspace process (bench/Origin.java) among the gateway's children"
  started_by_gateway "$origin_pid"
  return 0
}

# The WebSocket load generator, pinned to the load core.
wsload() {
  # shellcheck disable=SC2086
  taskset -c "$BENCH_LOAD_CORE" java -XX:+UseSerialGC ${BENCH_WSLOAD_OPTS:--Xmx1g} -cp "$BENCH_JAR:$bench_work/classes" WsLoad "$@"
}

# A percentile of wrk --latency's output (a file), in milliseconds: wrk_ms 99% FILE.
wrk_ms() { # percentile file -> milliseconds
  awk -v p="$1" '$1 == p { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
    print (u == "us" ? v / 1000 : u == "s" ? v * 1000 : v) }' "$2"
}

# key=value from a result line.
field() { grep -o "$1=[^ ]*" <<< "$2" | head -1 | cut -d= -f2; }

# nginx (1 worker, upstream keep-alive) routing Host: ws-<id>.localhost to the origin at $origin_endpoint (any other
# host: 404), setting X-Forwarded-*, passing WebSocket upgrades; pinned to the proxy core. Needs nginx_bin and the
# associative arrays port_of and pids_of, where it records its port and pids under "nginx".
start_nginx() {
  local d=$bench_work/nginx
  mkdir -p "$d/tmp"
  port_of[nginx]=$(free_port)
  cat > "$d/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $d/nginx.pid;
error_log $d/error.log warn;
worker_rlimit_nofile 16384;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path $d/tmp/body;
  proxy_temp_path $d/tmp/proxy;
  fastcgi_temp_path $d/tmp/fastcgi;
  uwsgi_temp_path $d/tmp/uwsgi;
  scgi_temp_path $d/tmp/scgi;
  map \$http_upgrade \$connection_upgrade { default upgrade; '' ''; }
  upstream origin { server $origin_endpoint; keepalive 64; }
  server {
    listen 127.0.0.1:${port_of[nginx]} default_server;
    return 404;
  }
  server {
    listen 127.0.0.1:${port_of[nginx]};
    server_name ~^ws-[a-z0-9-]+\.localhost\$;
    location / {
      proxy_pass http://origin;
      proxy_http_version 1.1;
      proxy_set_header Host \$host;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection \$connection_upgrade;
      proxy_set_header X-Forwarded-For \$remote_addr;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_set_header X-Forwarded-Host \$host;
      proxy_read_timeout 1h;
    }
  }
}
CONF
  taskset -c "$BENCH_PROXY_CORE" "$nginx_bin" -p "$d" -c "$d/nginx.conf" -e "$d/error.log" > "$d/out.log" 2>&1 &
  started $!
  wait_port "${port_of[nginx]}" 20 || die "nginx did not start: $(cat "$d/out.log" "$d/error.log" 2>/dev/null)"
  sleep 0.5
  pids_of[nginx]=$(with_children $!)
}
