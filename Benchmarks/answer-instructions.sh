#!/usr/bin/env bash
# Instructions per answer on the query path (parse, answer from a snapshot, write the response: what
# the server does on a packet-cache miss), counted by callgrind, which a noisy machine does not move:
# Benchmarks/AnswerBenchmark (release) answers COUNT queries of each kind, and the count of an empty run
# is subtracted. See Benchmarks/README.md ("Instructions per answer").
#
# Usage: Benchmarks/answer-instructions.sh [COUNT]   (default 20000)
set -euo pipefail
count="${1:-20000}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/ensure-apt-packages.sh valgrind
swift build -c release --product AnswerBenchmark >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Valgrind 3.19 gives up on the debug information Swift's release builds carry: count a stripped copy.
cp "$root/.build/release/AnswerBenchmark" "$work/bench"
strip --strip-debug "$work/bench"
instructions() {
    valgrind --tool=callgrind --callgrind-out-file="$work/out" "$work/bench" --case "$1" --iterations "$2" >/dev/null 2>"$work/log"
    sed -n 's/^summary: //p' "$work/out"
}
echo "== instructions per answer (callgrind, $count answers minus an empty run)"
for kind in static failover weighted geo; do
    base=$(instructions "$kind" 0)
    loaded=$(instructions "$kind" "$count")
    echo "$kind: $(( (loaded - base) / count )) instructions per answer"
done
