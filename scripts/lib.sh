# Helpers shared by scripts/setup, scripts/start, scripts/test and .ci/run (sourced, not run).
# shellcheck shell=bash

GENESIS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The Python environment everything is installed into: the project's .venv by default; Binder
# points it at the image's environment.
GENESIS_VENV=${GENESIS_VENV:-$GENESIS_ROOT/.venv}
export GENESIS_ROOT GENESIS_VENV

# The Node.js the project runs on: the current LTS, pinned. `scripts/setup` installs it into
# .tools/ from the npm registry (package node-linux-<arch>: the official binary and headers) with
# whatever Node and npm the machine has; from then on every script, test, kernel and the platform
# run on it, so native modules (better-sqlite3) are built for and loaded by one Node.
# GENESIS_NODE=/path/to/node uses another Node 24 instead (not downloaded, not checked further).
GENESIS_NODE_VERSION=24.21.0
project_node_prefix() {
  local arch
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) echo "setup: no Node.js $GENESIS_NODE_VERSION binary package for $(uname -m)" >&2; return 1 ;;
  esac
  echo "$GENESIS_ROOT/.tools/node-$GENESIS_NODE_VERSION/node_modules/node-linux-$arch"
}
if [ -n "${GENESIS_NODE:-}" ]; then
  GENESIS_NODE_BIN=$GENESIS_NODE
else
  GENESIS_NODE_BIN="$(project_node_prefix 2>/dev/null)/bin/node"
fi
# Once installed, the project's Node comes first on PATH for everything started from here.
if [ -x "$GENESIS_NODE_BIN" ]; then
  case ":$PATH:" in
    *":$(dirname "$GENESIS_NODE_BIN"):"*) ;;
    *) PATH="$(dirname "$GENESIS_NODE_BIN"):$PATH" ;;
  esac
fi
export GENESIS_NODE_VERSION GENESIS_NODE_BIN PATH

# Tools whose install scripts would try to download things this machine cannot reach.
export ONNXRUNTIME_NODE_INSTALL_CUDA=skip ONNXRUNTIME_NODE_INSTALL=skip
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

# `phase NAME CMD...`: run one step (in a subshell with `set -e`, so any failing command stops it),
# print how long it took, and return its exit status.
phase() {
  local name=$1 t0=$EPOCHREALTIME rc=0 flags=$-
  shift
  echo "==> $name"
  set +e
  (
    set -e
    "$@"
  )
  rc=$?
  [[ $flags == *e* ]] && set -e
  echo "<== $name: $([ $rc = 0 ] && echo ok || echo "FAILED ($rc)") in $(seconds_since "$t0") s"
  return $rc
}

# Seconds since an $EPOCHREALTIME value, one decimal.
seconds_since() { LC_ALL=C awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

# `fingerprint PATH...`: one hash of the names and contents of every file under the paths.
fingerprint() {
  local p
  for p in "$@"; do
    if [ -e "$p" ]; then
      find "$p" -type f -not -path '*/node_modules/*' -not -name '*.tsbuildinfo' -not -name '*.pyc' -not -name _version.py \
        -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
    else
      echo "missing $p"
    fi
  done | sha256sum | cut -d' ' -f1
}

# `stamp_ok FILE VALUE` / `stamp_write FILE VALUE`: remember that a step ran for these inputs.
stamp_ok() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }
stamp_write() { mkdir -p "$(dirname "$1")" && printf '%s' "$2" >"$1"; }

# The prefix holding Node's headers (include/node/node_api.h): node-gyp builds better-sqlite3
# against them instead of trying to download them (no network for that here).
node_headers_prefix() {
  local node prefix
  node=$(command -v node) || return 1
  prefix=$(dirname "$(dirname "$(readlink -f "$node")")")
  for prefix in "${npm_config_nodedir:-}" "$prefix" /usr /usr/local; do
    if [ -n "$prefix" ] && [ -f "$prefix/include/node/node_api.h" ]; then
      echo "$prefix"
      return 0
    fi
  done
  return 1
}
