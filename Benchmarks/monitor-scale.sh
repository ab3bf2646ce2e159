#!/usr/bin/env bash
# Monitor scale: 10,000 HTTP targets probed every 10 s against a local server; CPU used by the monitor and
# the lag between each probe's scheduled and actual start. See Benchmarks/README.md ("Monitor scale").
#
# Usage: Benchmarks/monitor-scale.sh [TARGETS] [INTERVAL_SECONDS] [MEASURED_SECONDS]   (default 10000 10 60)
set -euo pipefail
targets="${1:-10000}"
interval="${2:-10}"
seconds="${3:-60}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/ensure-apt-packages.sh python3
swift build -c release --product MonitorBenchmark >/dev/null
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.1.1", 0)); print(s.getsockname()[1])')"
work="$(mktemp -d)"
python3 Benchmarks/peers/http_sink.py "$port" 100 > "$work/sink.out" 2>&1 &
sink=$!
trap 'kill $sink 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do grep -q ready "$work/sink.out" && break; sleep 0.1; done
grep -q ready "$work/sink.out" || { echo "the HTTP sink did not start:"; cat "$work/sink.out"; exit 1; }
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
echo "== $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg), $(date -u +%FT%TZ)"
.build/release/MonitorBenchmark --port "$port" --targets "$targets" --addresses 100 --interval "$interval" --seconds "$seconds"
sink_cpu="$(ps -o cputime= -p "$sink")"
echo "the HTTP sink (python, not counted above) used $sink_cpu of CPU in all"
