#!/usr/bin/env bash
# Builds the helm v3 CLI from its Go module (no prebuilt download: only the Go module proxy) into
#
#   ${CIRRUS_CACHE_DIR:-$HOME/.cache/cirrus}/helm/<HELM_VERSION>/helm
#
# HelmChartApiServerTest runs it (helm lint / template / install against the test kube-apiserver).
# The source is pinned by the wrapper module hack/helm (go.mod + go.sum, committed; the `tool`
# directive keeps helm.sh/helm/v3/cmd/helm required without a tools.go).
#
# Usage: hack/build-helm.sh            build if missing, else print "cached"
#        hack/build-helm.sh --force    rebuild even if present
#        hack/build-helm.sh --print    print the binary path (for scripts), build if missing
# Idempotent. A cold build takes a few minutes on 2 cores; the Go build cache speeds up rebuilds.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MOD="$ROOT/hack/helm"
HELM_VERSION="$(sed -n 's#^[[:space:]]*\(require \)\{0,1\}helm\.sh/helm/v3 \(v[0-9.]*\).*#\2#p' "$MOD/go.mod")"
[ -n "$HELM_VERSION" ] || { echo "build-helm: cannot read the helm version from $MOD/go.mod" >&2; exit 1; }

FORCE=0
PRINT=0
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    --print) PRINT=1 ;;
    -h|--help) sed -n '2,13p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "build-helm: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

CACHE_DIR="${CIRRUS_CACHE_DIR:-$HOME/.cache/cirrus}"
OUT="$CACHE_DIR/helm/$HELM_VERSION"

export GOTOOLCHAIN=local   # never let go download a toolchain
export CGO_ENABLED=0       # static binary, as upstream releases it
export GOFLAGS="-mod=readonly -buildvcs=false"

say() { if [ "$PRINT" = 1 ]; then echo "$*" >&2; else echo "$*"; fi; }
finish() {
  if [ "$PRINT" = 1 ]; then echo "$OUT/helm"; return; fi
  echo "build-helm: binary in $OUT/helm"
  "$OUT/helm" version --short
}

# --- fast path -------------------------------------------------------------
if [ "$FORCE" = 0 ] && [ -x "$OUT/helm" ]; then
  say "build-helm: cached ($HELM_VERSION)"
  finish
  exit 0
fi

command -v go >/dev/null || { echo "build-helm: go not found on PATH" >&2; exit 1; }

# Same version stamping as upstream's Makefile: the release version, and the Kubernetes version
# that `helm lint` / `helm template` assume (client-go v0.X.Y → Kubernetes 1.X).
client_go="$(sed -n 's#^[[:space:]]*k8s\.io/client-go v0\.\([0-9]*\)\..*#\1#p' "$MOD/go.mod")"
[ -n "$client_go" ] || { echo "build-helm: cannot read k8s.io/client-go from $MOD/go.mod" >&2; exit 1; }
X=" -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
for pkg in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
  X+=" -X $pkg.k8sVersionMajor=1 -X $pkg.k8sVersionMinor=$client_go"
done

say "build-helm: building helm $HELM_VERSION with $(go version | cut -d' ' -f3) (takes minutes when cold)"
mkdir -p "$CACHE_DIR/helm"
TMP="$(mktemp -d "$CACHE_DIR/helm/.build.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
start=$SECONDS
(cd "$MOD" && go build -trimpath -ldflags="-s -w$X" -o "$TMP/helm" helm.sh/helm/v3/cmd/helm) >&2
say "build-helm: built helm in $((SECONDS - start))s"

"$TMP/helm" version --short | grep -q "^$HELM_VERSION" \
  || { echo "build-helm: unexpected helm version: $("$TMP/helm" version --short)" >&2; exit 1; }
mkdir -p "$OUT"
mv -f "$TMP/helm" "$OUT/helm"
finish
