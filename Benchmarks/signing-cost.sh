#!/usr/bin/env bash
# What signing costs the controller (SigningBenchmark, release build): a zone of RECORDS records signed
# for its secondaries, each failover flip in it (the new signed version and its IXFR), peak memory, and
# online signatures a second; for ECDSA P-256 (13), Ed25519 (15), and the same zone unsigned (0).
# See Benchmarks/README.md.
#
# Usage: Benchmarks/signing-cost.sh [RECORDS] [FLIPS]   (default 100000 records, 20 flips)
set -euo pipefail
records="${1:-100000}"
flips="${2:-20}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
swift build -c release --product SigningBenchmark >/dev/null
for algorithm in 13 15 0; do
    echo "== algorithm $algorithm ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
    .build/release/SigningBenchmark "$records" "$flips" "$algorithm"
done
