#!/usr/bin/env bash
# Builds the two libFuzzer targets (with AddressSanitizer) and runs each for SECONDS (default 60):
# DNSWireFuzz (the codec alone) and AuthorityFuzz (a whole query through Authority and ZoneTransfer).
# Exits non-zero if a fuzzer finds a crash, a failed property, a memory safety error, or a hang; the
# input that did it is left in .build-fuzz/ as crash-*, timeout-* or oom-*.
#
# Usage: Benchmarks/fuzz.sh [SECONDS]
set -euo pipefail
seconds="${1:-60}"
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/.build-fuzz"
mkdir -p "$out/corpus" "$out/corpus-authority"
rm -f "$out"/crash-* "$out"/timeout-* "$out"/oom-*   # a run reports only what it found itself

echo "fuzz: building DNSWireFuzz (swiftc -sanitize=fuzzer,address -O)"
# One module of the codec's sources plus the entry point; see Fuzz/DNSWireFuzz.swift for why not SwiftPM.
swiftc -sanitize=fuzzer,address -parse-as-library -O -use-ld=lld -module-name DNSWire \
    "$root"/Sources/DNSWire/*.swift "$root"/Fuzz/DNSWireFuzz.swift -o "$out/DNSWireFuzz"
echo "fuzz: building AuthorityFuzz (swift build -Xswiftc -sanitize=fuzzer,address -D FUZZING)"
# Its own scratch path: every module it takes in is instrumented, and nothing of the ordinary build is.
swift build -c release --product AuthorityFuzz --scratch-path "$out/spm" \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING >"$out/build.log" 2>&1 || { tail -n 30 "$out/build.log"; exit 1; }

# fuzz NAME BINARY SEEDS CORPUS: runs one target from the committed seeds plus whatever earlier runs on
# this machine found.
fuzz() {
    local name="$1" binary="$2" seeds="$3" corpus="$4" status=0
    cp "$seeds"/* "$corpus/"
    echo "fuzz: running $name for ${seconds}s"
    # -detect_leaks=0 (and ASAN_OPTIONS, for the check at exit): LeakSanitizer's per-input check cuts the
    # rate ~50000x on Swift's cached runtime allocations, and the snapshot a target builds once is never
    # freed. SWIFT_BACKTRACE off: Swift's own backtracer trips AddressSanitizer on a crash and leaves an
    # orphan swift-backtrace process behind.
    ASAN_OPTIONS=detect_leaks=0 SWIFT_BACKTRACE=enable=no "$binary" -detect_leaks=0 -max_total_time="$seconds" -max_len=4096 \
        -timeout=10 -print_final_stats=1 -artifact_prefix="$out/" "$corpus" >"$out/$name.log" 2>&1 || status=$?
    grep -E "^INFO: Seed|DONE|stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss" "$out/$name.log" || true
    if [ "$status" -ne 0 ]; then
        # The cause (Swift's "Fatal error" line or the sanitizer's report) and the input, in hex, so a
        # failure seen only in CI's log can be replayed: `xxd -r -p` it into a file and run the target on it.
        echo "fuzz: $name FAILED (exit $status); from $out/$name.log:"
        grep -m 1 -E "Fatal error|ERROR: (AddressSanitizer|libFuzzer)|==[0-9]+==ERROR" "$out/$name.log" || true
        grep -A 12 -m 1 -E "^ *#0 " "$out/$name.log" || true
        tail -n 8 "$out/$name.log"
        for input in "$out"/crash-* "$out"/timeout-* "$out"/oom-*; do
            [ -f "$input" ] && { echo "fuzz: input $(basename "$input") in hex:"; od -An -v -tx1 "$input" | tr -d ' \n' | head -c 16384; echo; }
        done
        exit 1
    fi
}
fuzz DNSWireFuzz "$out/DNSWireFuzz" "$root/Fuzz/corpus" "$out/corpus"
fuzz AuthorityFuzz "$out/spm/release/AuthorityFuzz" "$root/Fuzz/corpus-authority" "$out/corpus-authority"
echo "fuzz: no crash, hang or failed property in ${seconds}s for each target"
