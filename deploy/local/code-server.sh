#!/bin/sh
# Starts code-server for one workspace under wsgate's local provider, which passes WSGATE_DATA_DIR and PORT.
#
#   WSGATE_PROFILE_CODE_COMMAND="sh '$PWD/deploy/local/code-server.sh'"
#
# - It opens project/ below the data directory and keeps code-server's own state (.vscode/: logs, a lock file
#   rewritten every second) outside it: VS Code reports every change in the open folder to the server, so an
#   editor watching its own state directory would keep its workspace busy forever.
# - Local workspaces share the machine's network, so code-server's port detection would see every port any
#   process on the machine opens (other workspaces, Redis, builds) and the tab would answer each one, which
#   counts as activity. The settings written here (once; a student may change them later) detect ports from
#   terminal output only. On ECS each task has its own network and this is not needed.
set -eu
: "${WSGATE_DATA_DIR:?set by wsgate}" "${PORT:?set by wsgate}"
mkdir -p "$WSGATE_DATA_DIR/project" "$WSGATE_DATA_DIR/.vscode/User"
settings="$WSGATE_DATA_DIR/.vscode/User/settings.json"
if [ ! -e "$settings" ]; then
  cat > "$settings" <<'JSON'
{
  "remote.autoForwardPorts": false,
  "remote.autoForwardPortsSource": "output"
}
JSON
fi
exec "${CODE_SERVER:-code-server}" --bind-addr "127.0.0.1:$PORT" --auth none --disable-telemetry \
  --disable-update-check --user-data-dir "$WSGATE_DATA_DIR/.vscode" "$WSGATE_DATA_DIR/project"
