#!/usr/bin/env bash
# DNSWire codec benchmark: time per message (release build) and heap allocations per message
# (valgrind's malloc count, which is exact and unaffected by machine load). See Benchmarks/README.md.
#
# Usage: Benchmarks/codec-bench.sh [ITERATIONS]   (default 1000000 per round, 5 rounds)
set -euo pipefail
iterations="${1:-1000000}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if ! command -v valgrind >/dev/null; then
    echo "codec-bench: installing valgrind for allocation counts"
    if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq valgrind >/dev/null
fi

swift build -c release --product DNSWireBenchmark >/dev/null
bench="$root/.build/release/DNSWireBenchmark"
echo "== time per message (median of 5 rounds x $iterations; $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
"$bench" --iterations "$iterations" --rounds 5

echo "== heap allocations per message (valgrind, 10000 messages minus an empty run)"
allocations() {
    valgrind --tool=memcheck --leak-check=no "$bench" --case "$1" --iterations "$2" --rounds 1 --warmup 0 2>&1 \
        | sed -n 's/.*total heap usage: \([0-9,]*\) allocs.*/\1/p' | tr -d ,
}
for name in parse-query parse-query-edns write-response-3a write-response-3a-udp; do
    base=$(allocations "$name" 0)
    loaded=$(allocations "$name" 10000)
    echo "$name: $(( (loaded - base) / 10000 )).$(( (loaded - base) % 10000 * 100 / 10000 )) allocations/msg"
done
