#!/usr/bin/env bash
# What synchronous=FULL costs: the store write of an apply of 100,000 records, and a small write of
# health + event + outbox rows, FULL against NORMAL on the same disk. See Benchmarks/README.md.
#
# Usage: Benchmarks/store-durability.sh [RECORDS] [ROUNDS] [DIRECTORY]   (default 100000 5, the repository's disk)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
records="${1:-100000}"
rounds="${2:-5}"
directory="${3:-$root/.build}"
swift build -c release --product StoreBenchmark >/dev/null
echo "== $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg), $(date -u +%FT%TZ), $(df -h "$directory" | awk 'NR==2 {print $1}')"
"$root/.build/release/StoreBenchmark" --records "$records" --rounds "$rounds" --directory "$directory"
