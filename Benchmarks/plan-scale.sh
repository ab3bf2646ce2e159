#!/usr/bin/env bash
# Plan at scale: `switchyard reconcile --dry-run` against a running controller for zones of 1,000, 10,000
# and 100,000 A records with 1% of them changed, and octoDNS (`octodns-sync` without --doit, YamlProvider
# to YamlProvider) planning the same records in the same run. See Benchmarks/README.md ("Plan at scale").
#
# Usage: Benchmarks/plan-scale.sh [SIZES…]   (default 1000 10000 100000)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 100000)
scripts/ensure-python-tools.sh octodns
swift build -c release --product switchyard >/dev/null
switchyard="$root/.build/release/switchyard"
work="$(mktemp -d)"
controller=""
trap 'kill -9 $controller 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
seconds() {  # the wall time of one run of a command, in seconds
    python3 -c 'import subprocess, sys, time; t = time.monotonic(); subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); print(time.monotonic() - t)' "$@"
}

echo "== $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg), $(date -u +%FT%TZ); median of 3 runs each"
for size in "${sizes[@]}"; do
    dir="$work/$size"
    mkdir -p "$dir/live" "$dir/desired" "$dir/octodns/live" "$dir/octodns/desired" "$dir/data"
    # The same records four ways: manifests live and desired (1% of values changed), octoDNS YAML live and desired.
    python3 - "$size" "$dir" <<'PY'
import sys
size, d = int(sys.argv[1]), sys.argv[2]
def address(i, changed): return f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}" if not changed else f"172.16.{(i >> 8) & 255}.{i & 255}"
for side in ("live", "desired"):
    changed = lambda i: side == "desired" and i % 100 == 0
    with open(f"{d}/{side}/zone.yaml", "w") as f:
        f.write("apiVersion: switchyard.io/v1\nkind: Zone\nmetadata: {name: example.test}\nspec:\n  ttl: 300\n"
                "  soa: {primary: ns1, contact: hostmaster}\n  nameservers: [ns1, ns2]\n  records:\n")
        for i in range(size):
            f.write(f"    - {{name: h{i}, type: A, values: [{address(i, changed(i))}]}}\n")
    with open(f"{d}/octodns/{side}/example.test.yaml", "w") as f:
        f.write("---\n")
        for i in range(size):
            f.write(f"h{i}:\n  ttl: 300\n  type: A\n  value: {address(i, changed(i))}\n")  # octoDNS wants sorted keys
with open(f"{d}/octodns/config.yaml", "w") as f:
    f.write(f"providers:\n  desired: {{class: octodns.provider.yaml.YamlProvider, directory: {d}/octodns/desired}}\n"
            f"  live: {{class: octodns.provider.yaml.YamlProvider, directory: {d}/octodns/live}}\n"
            "zones:\n  example.test.: {sources: [desired], targets: [live]}\n")
PY
    "$switchyard" controller --manifests "$dir/live" --data-dir "$dir/data" --dns-listen 127.0.0.1:0 --admin-listen 127.0.0.1:0 \
        --interval 1h >"$dir/controller.out" 2>"$dir/controller.log" &
    controller=$!
    for _ in $(seq 600); do grep -q "DNS on" "$dir/controller.out" && break; sleep 0.1; done
    server=$(grep -o 'http://[0-9.:]*' "$dir/controller.out")
    plan=("$switchyard" reconcile --dry-run --manifests "$dir/desired" --server "$server" --data-dir "$dir/data")
    changes=$("${plan[@]}" | grep -c '^~ ' || true)
    ours=$(for _ in 1 2 3; do seconds "${plan[@]}"; done | median)
    octo=("$root/.build-venv/bin/octodns-sync" --config-file "$dir/octodns/config.yaml")
    theirs_changes=$("${octo[@]}" 2>&1 | grep -c '^\*   Update' || true)
    theirs=$(for _ in 1 2 3; do seconds "${octo[@]}"; done | median)
    awk -v n="$size" -v a="$ours" -v ac="$changes" -v b="$theirs" -v bc="$theirs_changes" 'BEGIN {
        printf "%7d records: switchyard %.3f s (%d updates planned), octoDNS %.3f s (%d), octoDNS / switchyard = %.1fx\n", n, a, ac, b, bc, b / a }'
    kill -9 "$controller"; wait "$controller" 2>/dev/null || true; controller=""
done
