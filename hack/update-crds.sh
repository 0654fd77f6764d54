#!/usr/bin/env bash
# Regenerates crds/ from the API classes (api/). Commit api/ and crds/ together.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl api -am process-classes
for f in api/target/classes/META-INF/fabric8/*.cirrus.dev-v1.yml; do
  plural=$(basename "$f" .cirrus.dev-v1.yml)
  cp "$f" "crds/cirrus.dev_${plural}.yaml"
done
ls crds/
