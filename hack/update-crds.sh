#!/usr/bin/env bash
# Regenerates crds/ from the API classes (api/), and the Helm chart's copy helm/cirrus/crds/ (the
# test writes both in update mode). Commit api/, crds/ and helm/cirrus/crds/ together:
# CrdDriftTest fails when either is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl api -am test -Dtest=CrdDriftTest -Dsurefire.failIfNoSpecifiedTests=false -Dcirrus.update-crds=true
# Drop chart CRDs the API no longer generates (crds/ itself is checked by the test).
for f in helm/cirrus/crds/*.yaml; do [ -e "crds/$(basename "$f")" ] || rm -f "$f"; done
ls crds/ helm/cirrus/crds/
