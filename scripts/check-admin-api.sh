#!/usr/bin/env bash
# schemathesis against a running controller (debug build, the example manifests, a scratch data
# directory): every route of schemas/admin-api.openapi.yaml, reads and POST /v1/apply with the token.
# It fails on any server error and any response the document does not describe. The positive-data
# check is left out: well-formed manifests that do not compile are rightly refused with 422.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
controller=""
trap '[ -n "$controller" ] && kill -9 "$controller" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
"$root/.build/debug/switchyard" controller --manifests "$root/manifests" --data-dir "$work/data" \
    --dns-listen 127.0.0.1:0 --admin-listen 127.0.0.1:0 --interval 1h >"$work/controller.out" 2>"$work/controller.log" &
controller=$!
for _ in $(seq 300); do grep -q "DNS on" "$work/controller.out" 2>/dev/null && break; sleep 0.1; done
server=$(grep -o 'http://[0-9.:]*' "$work/controller.out" | head -1)
[ -n "$server" ] || { echo "admin-api: the controller did not start"; tail -5 "$work/controller.log"; exit 1; }
# The document refers to state.schema.json beside it; a copy in the scratch directory keeps
# schemathesis's cache (.schemathesis/) out of the source tree.
mkdir -p "$work/schemas" && cp "$root"/schemas/admin-api.openapi.yaml "$root"/schemas/*.schema.json "$work/schemas/"
cd "$work/schemas"
timeout 300 "$root/.build-venv/bin/schemathesis" run admin-api.openapi.yaml --url "$server" \
    -H "Authorization: Bearer $(cat "$work/data/admin.token")" --checks all --exclude-checks positive_data_acceptance \
    --max-examples 50 --seed 1 --no-color > "$work/schemathesis.log" 2>&1 || { cat "$work/schemathesis.log"; exit 1; }
echo "admin-api: $(grep -E '[0-9]+ generated' "$work/schemathesis.log" | tr -s ' ') against schemas/admin-api.openapi.yaml"
