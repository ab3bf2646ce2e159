#!/usr/bin/env bash
# Manifest validation benchmark: 100,000 static records and 10,000 policies, generated into a temporary
# directory, read, validated and compiled (what `switchyard validate` does). See Benchmarks/README.md.
# Also times the whole `switchyard validate` process on the same files, start-up included.
#
# Usage: Benchmarks/manifests-bench.sh [ROUNDS]   (default 5)
set -euo pipefail
rounds="${1:-5}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
swift build -c release --product ManifestsBenchmark >/dev/null
swift build -c release --product switchyard >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "== in process (median of $rounds; $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
.build/release/ManifestsBenchmark --rounds "$rounds" --keep "$work/manifests"
echo "== switchyard validate, whole process"
for _ in 1 2 3; do
    /usr/bin/time -f "%e s wall, %M KiB peak RSS" .build/release/switchyard validate "$work/manifests" 2>&1 | tail -2
done
