#!/usr/bin/env bash
# Regenerates crds/ from the API classes (api/). Commit api/ and crds/ together.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl api -am test -Dtest=CrdDriftTest -Dsurefire.failIfNoSpecifiedTests=false -Dcirrus.update-crds=true
ls crds/
