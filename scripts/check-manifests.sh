#!/usr/bin/env bash
# The example manifests (manifests/, and examples/ of what needs more than one machine) must pass both checkers: the JSON Schemas (with check-jsonschema, the tool
# editors' schemas are written for) and `switchyard validate`. And the checks must be able to fail:
# a known-bad manifest is refused by both.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/ensure-python-tools.sh check-jsonschema
checker=.build-venv/bin/check-jsonschema
examples=$(find manifests examples -name '*.yaml' | sort)

echo "schemas: checking schemas/*.json against the JSON Schema 2020-12 metaschema"
"$checker" --check-metaschema schemas/*.json
echo "schemas: checking the example manifests"
# shellcheck disable=SC2086
"$checker" --schemafile schemas/manifest.schema.json $examples
echo "validate: checking the example manifests"
.build/debug/switchyard validate manifests
.build/debug/switchyard validate examples/fleet
.build/debug/switchyard validate examples/targets
.build/debug/switchyard validate examples/secondaries
.build/debug/switchyard validate examples/dnssec

bad=Tests/ManifestsTests/Fixtures/invalid/scalars.yaml
if "$checker" --schemafile schemas/manifest.schema.json "$bad" >/dev/null 2>&1; then
    echo "schemas: $bad passed the schema but must not"; exit 1
fi
if .build/debug/switchyard validate "$bad" >/dev/null; then
    echo "validate: $bad passed but must not"; exit 1
fi
echo "manifests: examples pass both checkers; a bad manifest fails both"
