# Shared settings for hack/ scripts (sourced, not run).
CIRRUS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KUBE_VERSION="${KUBE_VERSION:-1.35.4}"
CIRRUS_CACHE_DIR="${CIRRUS_CACHE_DIR:-$HOME/.cache/cirrus}"
KUBE_BIN_DIR="$CIRRUS_CACHE_DIR/kubeapitest/k8s/${KUBE_VERSION}-linux-amd64"
# Runtime state of the local cloud (processes, certificates, logs): removed by `hack/cloud down`.
CIRRUS_STATE_DIR="${CIRRUS_STATE_DIR:-/var/tmp/cirrus}"
KUBECONFIG_FILE="$CIRRUS_STATE_DIR/kubeconfig"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

kubectl_() { "$KUBE_BIN_DIR/kubectl" --kubeconfig "$KUBECONFIG_FILE" "$@"; }

# Waits until a pid file's process is gone (or kills it after a grace period).
stop_pidfile() {
  local pidfile=$1 pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}
