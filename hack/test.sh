#!/usr/bin/env bash
# The whole test suite, from a fresh machine: system packages, the real kube-apiserver, helm, then every
# test layer (*Test, *ApiServerTest, *IT, *E2E) in one Maven run.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
t0=$SECONDS
"$CIRRUS_ROOT/hack/install-deps.sh"
"$CIRRUS_ROOT/hack/build-kube.sh"
"$CIRRUS_ROOT/hack/build-helm.sh"   # helm for HelmChartApiServerTest
cd "$CIRRUS_ROOT"
mvn -B verify "$@"
log "test suite finished in $((SECONDS - t0)) s"
