#!/usr/bin/env bash
# The IDE stage: code-server behind wsgate in headless Chromium, signed in, across a gateway restart.
# Installs what it needs (e2e/ide/install.sh, cached), then runs e2e/ide-check.mjs against the built jar
# (proxy/target/wsgate.jar: run `mvn -B -q -DskipTests package` or `mvn -B verify` first).
# Everything it starts runs on free loopback ports with its state in a temporary directory, and is stopped on
# the way out, also on failure or Ctrl-C. On failure the directory is kept and its evidence printed.
#
#   bash e2e/ide-stage.sh
#   WSGATE_E2E_CACHE=<dir>   cache the installs there instead of ~/.cache/wsgate-e2e
#   WSGATE_E2E_KEEP=1        keep the run's directory (logs, state) after a pass too
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
jar="$repo/proxy/target/wsgate.jar"
stage_start=$(date +%s)
say() { echo "ide-stage: $*"; }
# What the workspaces get must not depend on the caller's environment: CI's has no SHELL, a developer's does (the
# agent sets the IDE's SHELL itself; a stage that inherited the developer's passed where CI's failed).
unset SHELL

if [ ! -f "$jar" ]; then
  say "no $jar: build it first (mvn -B -q -DskipTests package)"
  exit 1
fi

install_start=$(date +%s)
install_out="$(bash "$repo/e2e/ide/install.sh")"
NODE24="$(sed -n 's/^NODE24=//p' <<<"$install_out")"
CODE_SERVER="$(sed -n 's/^CODE_SERVER=//p' <<<"$install_out")"
install_seconds=$(($(date +%s) - install_start))
say "installs ready in ${install_seconds} s"

work="$(mktemp -d /tmp/wsgate-ide.XXXXXX)"
if [ "$(id -u)" -eq 0 ]; then
  # The warm profile's agent runs code-server as each workspace's own user, who cannot traverse root's home where
  # the installs are cached: hard-link copies (same file system, no bytes copied) in this run's directory, which
  # every user may traverse (not list).
  chmod 711 "$work"
  mkdir "$work/ide"
  for src in "$(dirname "$(dirname "$NODE24")")" "$(dirname "$(dirname "$(dirname "$CODE_SERVER")")")"; do
    dst="$work/ide/$(basename "$src")"
    cp -al "$src" "$dst" 2>/dev/null || cp -a "$src" "$dst"
    chmod 755 "$dst" # the cache's directories are mktemp's 0700
    NODE24="${NODE24/#$src/$dst}"
    CODE_SERVER="${CODE_SERVER/#$src/$dst}"
  done
fi

# A free loopback port that no other port given out here has: bind port 0, read what the kernel chose.
taken=""
free_port() {
  local port
  while :; do
    port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
    case " $taken " in *" $port "*) ;; *) taken="$taken $port"; echo "$port"; return ;; esac
  done
}
port="$(free_port)"
admin_port="$(free_port)"

# Whatever is still running when we leave: the gateway (its pid file exists only while ide-check runs it) and
# the workspace processes in the local provider's registry. Only these pids, never by name.
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ -f "$work/gateway.pid" ]; then
    local gw
    gw="$(cat "$work/gateway.pid")"
    if kill -0 "$gw" 2>/dev/null; then
      say "stopping gateway pid $gw left running"
      kill -TERM "$gw" 2>/dev/null || true
      for _ in $(seq 1 300); do kill -0 "$gw" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$gw" 2>/dev/null || true
    fi
  fi
  for entry in "$work"/state/processes/*; do
    [ -f "$entry" ] || continue
    local pid
    pid="$(sed -n 's/^pid=//p' "$entry")"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      say "stopping workspace pid $pid left running"
      pkill -TERM -P "$pid" 2>/dev/null || true
      kill -TERM "$pid" 2>/dev/null || true
    fi
  done
  # and anything else whose command line names this run's directory (the embedded Redis runs in a session of
  # its own and outlives a gateway that was killed)
  for proc in /proc/[0-9]*; do
    if tr '\0' ' ' 2>/dev/null <"$proc/cmdline" | grep -q -F "$work/"; then
      say "stopping pid ${proc#/proc/} left running: $(tr '\0' ' ' 2>/dev/null <"$proc/cmdline" | cut -c1-120)"
      kill -TERM "${proc#/proc/}" 2>/dev/null || true
    fi
  done
  if [ "$status" -eq 0 ] && [ -z "${WSGATE_E2E_KEEP:-}" ]; then
    rm -rf "$work"
  elif [ "$status" -eq 0 ]; then
    say "kept $work (WSGATE_E2E_KEEP)"
  else
    say "FAILED; evidence kept in $work:"
    for f in "$work"/evidence/*.png; do [ -f "$f" ] && say "  screenshot: $f"; done
    for f in "$work"/evidence/browser-console.log "$work"/gateway-*.log "$work"/state/logs/*.log; do
      [ -f "$f" ] || continue
      echo "===== $f (last 80 lines)"
      tail -n 80 "$f"
    done
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "wsgate on http://ws-ide.localhost:$port/ (admin $admin_port), state in $work"
status=0
IDE_JAR="$jar" IDE_WORK="$work" IDE_PORT="$port" IDE_ADMIN_PORT="$admin_port" NODE24="$NODE24" \
  CODE_SERVER="$CODE_SERVER" timeout -k 10 510 node "$repo/e2e/ide-check.mjs" | tee "$work/result.txt" || status=$?
say "done in $(($(date +%s) - stage_start)) s (installs ${install_seconds} s)"
# the checks' count last, where CI reads it
tail -n 1 "$work/result.txt" | sed 's/^ide-check:/ide-stage:/'
exit "$status"
